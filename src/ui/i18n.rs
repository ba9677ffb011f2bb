//! Every text the page shows, in English and Korean: one table, one struct per language.
//!
//! Templates carry named placeholders (`{id}`) filled by [`fill`]; the numbers put into them come
//! from the core. Kafka's own output labels (`Leader:`, `Isr:`) are kept as Kafka prints them.

use std::fmt::Display;

mod en;
mod ko;

pub use en::EN;
pub use ko::KO;

/// The page's language.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lang {
    En,
    Ko,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::En, Lang::Ko];

    /// Korean for any `ko` tag (`ko`, `ko-KR`), English otherwise.
    pub fn from_tag(tag: &str) -> Lang {
        let primary = tag.split(['-', '_']).next().unwrap_or("");
        if primary.eq_ignore_ascii_case("ko") {
            Lang::Ko
        } else {
            Lang::En
        }
    }

    /// The browser's preferred language (`navigator.language`).
    pub fn detect() -> Lang {
        web_sys::window()
            .and_then(|w| w.navigator().language())
            .map(|tag| Lang::from_tag(&tag))
            .unwrap_or(Lang::En)
    }

    /// The BCP 47 tag for `<html lang>`.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Ko => "ko",
        }
    }

    /// The language the switch button offers.
    pub fn other(self) -> Lang {
        match self {
            Lang::En => Lang::Ko,
            Lang::Ko => Lang::En,
        }
    }

    pub fn texts(self) -> &'static Texts {
        match self {
            Lang::En => &EN,
            Lang::Ko => &KO,
        }
    }
}

/// One language's texts. Fields ending in a template comment take [`fill`] arguments.
#[derive(Debug)]
pub struct Texts {
    /// The language's own name, shown on the button that switches to it.
    pub language_name: &'static str,
    /// `{language}`
    pub switch_language_label: &'static str,
    pub app_name: &'static str,
    pub tagline: &'static str,
    pub document_title: &'static str,

    pub cluster_heading: &'static str,
    pub brokers_label: &'static str,
    pub remove_broker: &'static str,
    pub add_broker: &'static str,
    /// `{min}`, `{max}`
    pub broker_count_hint: &'static str,
    /// `{mode}`, `{seed}`, `{brokers}`
    pub cluster_summary: &'static str,
    /// `{topic}`, `{partitions}`, `{rf}`
    pub topic_rule: &'static str,
    pub mode_kraft: &'static str,
    pub mode_zookeeper: &'static str,

    /// `{id}`
    pub broker_title: &'static str,
    pub state_running: &'static str,
    pub state_stopped: &'static str,
    pub state_crashed: &'static str,
    pub no_replicas: &'static str,

    pub leader: &'static str,
    pub follower: &'static str,
    /// `{epoch}`
    pub leader_epoch: &'static str,
    pub in_isr: &'static str,
    pub out_of_isr: &'static str,

    pub legend_heading: &'static str,
    pub legend_leader: &'static str,
    pub legend_follower: &'static str,
    pub legend_out_of_isr: &'static str,

    pub describe_heading: &'static str,
    pub describe_note: &'static str,
    /// `{topic}`
    pub describe_command: &'static str,
    pub kafka_topic: &'static str,
    pub kafka_partition: &'static str,
    pub kafka_leader: &'static str,
    pub kafka_replicas: &'static str,
    pub kafka_isr: &'static str,
    pub kafka_partition_count: &'static str,
    pub kafka_replication_factor: &'static str,
    pub kafka_leader_none: &'static str,

    pub player_label: &'static str,
    pub play: &'static str,
    pub pause: &'static str,
    pub play_hint: &'static str,
    pub step: &'static str,
    pub step_hint: &'static str,
    /// `{duration}`
    pub advance_hint: &'static str,
    pub speed: &'static str,
    /// `{min}`, `{max}`
    pub speed_hint: &'static str,
    /// `{time}`
    pub crossing: &'static str,
    pub quiet: &'static str,
    pub quiet_hint: &'static str,
    pub sim_time: &'static str,
    pub in_flight: &'static str,
    pub reduced_motion_note: &'static str,
    /// Over the diagram when more messages are in flight than it draws: `{count}`, `{max}`.
    pub tokens_not_drawn: &'static str,
    pub setup_label: &'static str,
    pub mode_label: &'static str,
    pub diagram_label: &'static str,
    pub row_controllers: &'static str,
    pub row_brokers: &'static str,
    pub row_producers: &'static str,
    pub row_consumers: &'static str,
    /// `{group}`, `{generation}`
    pub consumer_sub: &'static str,
    pub node_down: &'static str,
    pub active_mark: &'static str,
    pub messages_heading: &'static str,
    pub message_shapes: &'static str,
    pub message_dropped: &'static str,
    pub family_produce: &'static str,
    pub family_fetch: &'static str,
    pub family_metadata: &'static str,
    pub family_heartbeat: &'static str,
    pub family_alter_partition: &'static str,
    pub family_metadata_update: &'static str,
    pub family_vote: &'static str,
    pub family_zookeeper: &'static str,
    pub family_group: &'static str,
    pub family_disconnected: &'static str,
    pub quorum_heading: &'static str,
    pub zookeeper_heading: &'static str,
    /// `{id}`
    pub controller_title: &'static str,
    /// `{epoch}`
    pub active_controller: &'static str,
    pub no_active_controller: &'static str,
    /// `{id}`, `{epoch}`
    pub zk_controller: &'static str,
    pub zk_no_controller: &'static str,
    pub kill: &'static str,
    pub start: &'static str,
    pub stop: &'static str,
    pub isolate: &'static str,
    pub heal: &'static str,
    /// `{id}`
    pub controller_kill_hint: &'static str,
    /// `{id}`
    pub controller_start_hint: &'static str,
    /// `{id}`
    pub broker_actions: &'static str,
    /// `{id}`
    pub stop_hint: &'static str,
    /// `{id}`
    pub kill_hint: &'static str,
    /// `{id}`
    pub start_hint: &'static str,
    /// `{id}`
    pub isolate_hint: &'static str,
    /// `{id}`
    pub heal_hint: &'static str,
    pub badge_fenced: &'static str,
    pub badge_isolated: &'static str,
    pub badge_controller: &'static str,
    /// `{leo}`, `{hw}`
    pub log_numbers: &'static str,
    /// `{name}`, `{leo}`, `{hw}`
    pub log_label: &'static str,
    pub legend_committed: &'static str,
    pub legend_uncommitted: &'static str,
    pub legend_hw: &'static str,
    pub actions_heading: &'static str,
    pub create_heading: &'static str,
    pub produce_heading: &'static str,
    pub producer_field: &'static str,
    pub topic_field: &'static str,
    pub key_field: &'static str,
    pub key_hint: &'static str,
    pub value_field: &'static str,
    pub send: &'static str,
    pub rate_field: &'static str,
    pub count_field: &'static str,
    pub start_stream: &'static str,
    pub no_producer: &'static str,
    /// `{acked}`, `{failed}`, `{pending}`
    pub producer_stats: &'static str,
    pub add_producer_heading: &'static str,
    pub name_field: &'static str,
    /// `{value}`
    pub default_value: &'static str,
    pub acks_help: &'static str,
    pub idempotence_help: &'static str,
    pub linger_help: &'static str,
    pub create: &'static str,
    pub add_topic_heading: &'static str,
    pub partitions_field: &'static str,
    pub rf_field: &'static str,
    pub min_isr_help: &'static str,
    pub cluster_actions_heading: &'static str,
    pub add_live_broker: &'static str,
    pub add_live_broker_hint: &'static str,
    pub heal_all: &'static str,
    pub heal_all_hint: &'static str,
    pub kill_active_controller: &'static str,
    pub kill_active_controller_hint: &'static str,
    pub console_heading: &'static str,
    pub console_note: &'static str,
    pub console_label: &'static str,
    pub console_placeholder: &'static str,
    pub run: &'static str,
    pub history_label: &'static str,
    pub events_heading: &'static str,
    pub events_note: &'static str,
    pub events_empty: &'static str,
    pub panic_script: &'static str,
    pub command_refused: &'static str,
    pub footer: &'static str,

    pub panic_title: &'static str,
    pub panic_body: &'static str,
    pub panic_reload: &'static str,
    /// `{seed}`, `{brokers}`
    pub panic_context: &'static str,

    // --- groups ---
    pub row_consumer_groups: &'static str,
    pub consumer_closed: &'static str,
    pub consumer_rebalancing: &'static str,
    /// `{count}`
    pub consumer_partitions: &'static str,
    pub consumer_partition_one: &'static str,
    /// `{name}`, `{group}`, `{generation}`
    pub consumer_title: &'static str,
    pub group_state_unknown: &'static str,
    /// `{group}`, `{generation}`
    pub group_box_caption: &'static str,
    pub groups_heading: &'static str,
    pub groups_note: &'static str,
    pub groups_empty: &'static str,
    /// `{id}`
    pub group_coordinator: &'static str,
    pub group_no_coordinator: &'static str,
    /// `{generation}`
    pub group_generation: &'static str,
    /// `{protocol}`
    pub group_protocol: &'static str,
    pub group_states_label: &'static str,
    pub state_help_empty: &'static str,
    pub state_help_preparing: &'static str,
    pub state_help_completing: &'static str,
    pub state_help_stable: &'static str,
    pub state_help_dead: &'static str,
    /// `{state}`, `{time}`
    pub transition_at: &'static str,
    pub member_id_label: &'static str,
    pub leader_label: &'static str,
    pub consumer_state_running: &'static str,
    pub consumer_joining: &'static str,
    pub not_member: &'static str,
    pub col_partition: &'static str,
    pub col_position: &'static str,
    pub col_committed: &'static str,
    pub col_log_end: &'static str,
    pub col_lag: &'static str,
    pub role_new: &'static str,
    pub role_kept: &'static str,
    pub role_paused: &'static str,
    pub role_revoked: &'static str,
    /// `{name}`
    pub role_moved: &'static str,
    pub eager_note: &'static str,
    pub cooperative_note: &'static str,
    /// `{polled}`, `{processed}`
    pub consumer_counts: &'static str,
    pub last_error: &'static str,
    pub no_partitions: &'static str,
    /// `{name}`
    pub consumer_actions: &'static str,
    pub consumer_commit: &'static str,
    /// `{name}`
    pub consumer_commit_hint: &'static str,
    pub consumer_close: &'static str,
    /// `{name}`
    pub consumer_close_hint: &'static str,
    pub consumer_crash: &'static str,
    /// `{name}`
    pub consumer_crash_hint: &'static str,
    pub consumer_restart: &'static str,
    /// `{name}`
    pub consumer_restart_hint: &'static str,
    pub consumer_pause: &'static str,
    /// `{name}`
    pub consumer_pause_hint: &'static str,
    pub consumer_resume: &'static str,
    /// `{name}`
    pub consumer_resume_hint: &'static str,
    /// `{group}`
    pub lag_plot_label: &'static str,
    /// `{lag}`
    pub lag_now: &'static str,
    pub lag_no_data: &'static str,
    pub offsets_heading: &'static str,
    pub offsets_note: &'static str,
    /// `{partition}`, `{leader}`, `{commits}`
    pub offsets_cell_title: &'static str,
    /// `{group}`, `{partition}`, `{leader}`, `{commits}`
    pub offsets_group_line: &'static str,
    /// `{tp}`, `{offset}`
    pub offsets_last: &'static str,
    pub describe_groups_heading: &'static str,
    pub describe_groups_note: &'static str,
    /// `{group}`, `{option}`
    pub describe_group_command: &'static str,
    pub describe_view_label: &'static str,
    pub describe_offsets: &'static str,
    /// `{partitions}`
    pub internal_topic_summary: &'static str,
    pub consumers_heading: &'static str,
    pub add_consumer_heading: &'static str,
    pub group_id_help: &'static str,
    pub no_default: &'static str,
    pub topics_help: &'static str,
    pub strategy_help: &'static str,
    pub auto_commit_help: &'static str,
    pub auto_commit_interval_help: &'static str,
    pub offset_reset_help: &'static str,
    pub max_poll_records_help: &'static str,
    pub session_timeout_help: &'static str,
    pub processing_help: &'static str,
    pub processing_time_help: &'static str,
    /// `{value}`
    pub kafkascope_default: &'static str,
    pub inspector_heading: &'static str,
    pub inspector_hint: &'static str,
    pub inspector_close: &'static str,
    /// `{tp}`, `{offset}`, `{broker}`
    pub inspector_title: &'static str,
    pub inspector_key: &'static str,
    pub inspector_value: &'static str,
    pub inspector_producer: &'static str,
    pub inspector_epoch: &'static str,
    pub inspector_null_key: &'static str,
    pub inspector_gone: &'static str,
    /// `{n}`
    pub inspector_incomplete: &'static str,
    pub inspector_not_acked: &'static str,
    /// `{producer}`
    pub ev_sent: &'static str,
    /// `{producer}`
    pub ev_request: &'static str,
    /// `{broker}`, `{offset}`, `{epoch}`
    pub ev_appended: &'static str,
    /// `{broker}`
    pub ev_copied: &'static str,
    /// `{broker}`
    pub ev_hw: &'static str,
    /// `{broker}`, `{producer}`
    pub ev_acked: &'static str,
    /// `{producer}`, `{error}`, `{broker}`
    pub ev_error: &'static str,
    /// `{consumer}`, `{broker}`
    pub ev_fetched: &'static str,
    /// `{group}`, `{offset}`, `{consumer}`
    pub ev_committed: &'static str,
    pub log_inspect_hint: &'static str,
    pub theme_dark: &'static str,
    pub theme_light: &'static str,
    /// `{theme}`
    pub theme_label: &'static str,

    // --- harden ---
    pub console_tools_note: &'static str,
    pub console_output_label: &'static str,
    pub network_heading: &'static str,
    pub network_note: &'static str,
    pub network_node_a: &'static str,
    pub network_node_b: &'static str,
    pub network_cut: &'static str,
    pub network_slow: &'static str,
    pub network_latency_label: &'static str,
    pub network_isolate: &'static str,
    pub network_heal: &'static str,
    pub network_heal_all: &'static str,
    pub network_drop: &'static str,
    pub network_kind_label: &'static str,
    pub network_count_label: &'static str,
    // --- tours ---
    pub tours_button: &'static str,
    pub tours_button_hint: &'static str,
    pub tours_heading: &'static str,
    pub tours_intro: &'static str,
    pub tours_close: &'static str,
    /// `{n}`, `{total}`
    pub tour_step: &'static str,
    pub tour_next: &'static str,
    pub tour_back: &'static str,
    pub tour_keys: &'static str,
    pub tour_playing: &'static str,
    pub tour_skip: &'static str,
    pub tour_predict: &'static str,
    pub tour_predict_hint: &'static str,
    pub tour_right: &'static str,
    pub tour_wrong: &'static str,
    /// `{answer}`
    pub tour_answer: &'static str,
    /// `{answer}`
    pub tour_your_answer: &'static str,
    pub tour_end: &'static str,
    pub tour_play_freely: &'static str,
    pub tour_play_freely_hint: &'static str,
    pub tour_error: &'static str,
    /// `{id}`
    pub tour_not_found: &'static str,

    // --- marks (outcomes drawn: src/ui/i18n_marks.rs) ---
    pub marks: &'static super::i18n_marks::MarksTexts,

    // --- time (time travel, sharing: src/ui/i18n_time.rs) ---
    // The stage (issue 14): New cluster, the start line, the symbols' legend, the feed.
    pub new_cluster: &'static str,
    pub new_cluster_hint: &'static str,
    pub new_cluster_warning: &'static str,
    pub new_cluster_create: &'static str,
    pub cancel: &'static str,
    pub previous_run: &'static str,
    pub previous_run_hint: &'static str,
    pub start_here: &'static str,
    pub symbols_heading: &'static str,
    pub symbol_controller: &'static str,
    pub symbol_leader: &'static str,
    pub symbol_group_leader: &'static str,
    pub symbol_coordinator: &'static str,
    pub feed_heading: &'static str,
    pub time: &'static super::i18n_time::TimeTexts,

    // --- tidy ---
    /// The event log's subject of a line about the whole network (no single node).
    pub event_node_network: &'static str,

    // --- frames (big clusters: brokers beyond the first cards as compact rows) ---
    /// `{count}`
    pub broker_rows_note: &'static str,
    /// `{count}`
    pub broker_row_replicas: &'static str,
    /// `{count}`
    pub broker_row_leaders: &'static str,
    /// `{count}`
    pub broker_row_out_of_isr: &'static str,
    /// `{id}`
    pub broker_row_open: &'static str,
    /// `{id}`
    pub broker_row_close: &'static str,
    /// `{count}`, `{lag}`
    pub member_rows_summary: &'static str,
    /// `{name}`
    pub member_rows_show: &'static str,
    /// `{name}`
    pub member_rows_hide: &'static str,
}

/// Replaces each `{name}` in `template` with its value.
pub fn fill(template: &str, args: &[(&str, &dyn Display)]) -> String {
    let mut out = String::with_capacity(template.len() + 16);
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        match after.find('}') {
            Some(end) => {
                let name = &after[..end];
                match args.iter().find(|(n, _)| *n == name) {
                    Some((_, value)) => out.push_str(&value.to_string()),
                    None => {
                        out.push('{');
                        out.push_str(name);
                        out.push('}');
                    }
                }
                rest = &after[end + 1..];
            }
            None => {
                out.push_str(&rest[start..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

//! One consumer group: its state machine with the latest transitions, generation, assignor and
//! coordinator; each member with its partitions (new, kept, paused or revoked during a
//! rebalance), their positions, commits and lag; the lag over time; the consumers' buttons
//! (each a scenario line).

use crate::sim::vec_set::VecSet;
use std::rc::Rc;

use yew::prelude::*;

use super::LagPlot;
use crate::sim::consumer::ConsumerState;
use crate::sim::coordinator::GroupState;
use crate::ui::engine::format_clock;
use crate::ui::group_view::{GroupView, MemberView, PartitionLag, PartitionRole};
use crate::ui::i18n::{fill, Lang, Texts};

#[derive(Properties, PartialEq)]
pub struct GroupCardProps {
    pub group: GroupView,
    pub lang: Lang,
    /// Runs one scenario line.
    pub run: Callback<String>,
}

/// The classic protocol's states in the order a rebalance walks them.
const TRACK: [GroupState; 4] = [
    GroupState::Empty,
    GroupState::PreparingRebalance,
    GroupState::CompletingRebalance,
    GroupState::Stable,
];

fn state_help(t: &Texts, s: GroupState) -> &'static str {
    match s {
        GroupState::Empty => t.state_help_empty,
        GroupState::PreparingRebalance => t.state_help_preparing,
        GroupState::CompletingRebalance => t.state_help_completing,
        GroupState::Stable => t.state_help_stable,
        GroupState::Dead => t.state_help_dead,
    }
}

/// A member with more partitions than this shows them as one summary line (count, lag, the
/// rebalance's moves) that opens into the table: a big group's tables are hundreds of rows whose
/// numbers change with every fetch.
pub const MEMBER_ROWS: usize = 12;

#[function_component]
pub fn GroupCard(props: &GroupCardProps) -> Html {
    let t = props.lang.texts();
    let g = &props.group;
    // The members (by consumer index) whose long partition table was opened.
    let open = use_state(|| Rc::new(VecSet::<u32>::new()));
    let toggle = use_callback(open.clone(), |index: u32, open| {
        let mut next = (***open).clone();
        if !next.remove(&index) {
            next.insert(index);
        }
        open.set(Rc::new(next));
    });
    let state_name = g.state.map(|s| s.name());
    let coordinator = match (g.coordinator, g.state) {
        (Some(c), Some(_)) => fill(t.group_coordinator, &[("id", &c)]),
        _ => t.group_no_coordinator.to_string(),
    };
    html! {
        <article class={classes!("group-card", state_name)} data-group={g.id.clone()}
            data-state={state_name.unwrap_or_default()} data-generation={g.generation.to_string()}>
            <header class="group-head">
                <h3 class="group-title">{ g.id.clone() }</h3>
                <span class="group-facts">
                    <span data-coordinator={g.coordinator.map(|c| c.to_string()).unwrap_or_default()}>
                        <span class="diamond" aria-hidden="true">{ "◆ " }</span>{ coordinator }
                    </span>
                    <span>{ fill(t.group_generation, &[("generation", &g.generation)]) }</span>
                    if let Some(p) = &g.protocol {
                        <span data-protocol={p.clone()}>{ fill(t.group_protocol, &[("protocol", p)]) }</span>
                    }
                    <span class="mono">{ format!("__consumer_offsets-{}", g.offsets_partition) }</span>
                </span>
            </header>
            <div class="group-status">
                { state_track(t, g) }
                <LagPlot group={g.id.clone()} series={g.lag.clone()} total={g.total_lag} lang={props.lang} />
            </div>
            <div class="members">
                { for g.members.iter().map(|m| member(t, m, &props.run, open.contains(&m.index), &toggle)) }
            </div>
        </article>
    }
}

/// Empty → PreparingRebalance → CompletingRebalance → Stable, the current one lit, each with the
/// time the group last entered it.
fn state_track(t: &Texts, g: &GroupView) -> Html {
    let entered = |s: GroupState| {
        g.transitions
            .iter()
            .rev()
            .find(|(_, x)| *x == s)
            .map(|(at, _)| *at)
    };
    let last = g.transitions.last().copied();
    html! {
        <ol class="state-track" aria-label={t.group_states_label}>
            { for TRACK.iter().map(|s| {
                let current = g.state == Some(*s);
                let name = s.name();
                let just = current && last.is_some_and(|(_, x)| x == *s);
                html! {
                    <li class={classes!("state-step", current.then_some("current"), just.then_some("entered"))}
                        data-step={name} aria-current={current.then_some("step")}
                        title={state_help(t, *s)}>
                        <span class="state-name">{ name }</span>
                        if let Some(at) = entered(*s) {
                            <span class="state-time">{ format_clock(at as f64) }</span>
                        }
                    </li>
                }
            }) }
            if g.state == Some(GroupState::Dead) {
                <li class="state-step current" data-step="Dead" title={t.state_help_dead}>
                    <span class="state-name">{ "Dead" }</span>
                </li>
            }
        </ol>
    }
}

fn member(
    t: &Texts,
    m: &MemberView,
    run: &Callback<String>,
    open: bool,
    toggle: &Callback<u32>,
) -> Html {
    let name = m.name.to_string();
    let (state_key, state_text) = match m.state {
        ConsumerState::Running => ("running", t.consumer_state_running),
        ConsumerState::Closed => ("closed", t.consumer_closed),
        ConsumerState::Crashed => ("crashed", t.state_crashed),
    };
    let running = m.state == ConsumerState::Running;
    let button = |action: &'static str, label: &'static str, hint: &'static str, verb: &str| {
        let run = run.clone();
        let line = format!("consumer {verb} {name}");
        let hint = fill(hint, &[("name", &name)]);
        html! {
            <button type="button" class={classes!("btn", "small", action)} data-action={action}
                title={hint.clone()} aria-label={hint}
                onclick={Callback::from(move |_: MouseEvent| run.emit(line.clone()))}>
                { label }
            </button>
        }
    };
    html! {
        <section class={classes!("member", state_key, m.rebalancing.then_some("rebalancing"))}
            data-consumer={name.clone()} data-rebalancing={m.rebalancing.to_string()}>
            <div class="member-head">
                <span class="member-name">
                    if m.leader {
                        <span class="star" title={t.leader_label} aria-label={t.leader_label}>{ "⚑ " }</span>
                    }
                    { name.clone() }
                </span>
                <span class={classes!("state-badge", state_key)}>{ state_text }</span>
                <span class="member-id mono" title={t.member_id_label}>
                    { if m.member_id.is_empty() { t.not_member.to_string() } else { m.member_id.clone() } }
                </span>
            </div>
            if m.joining {
                <p class="rebalance-note">{ t.consumer_joining }</p>
            } else if m.rebalancing {
                <p class="rebalance-note">{ if m.cooperative { t.cooperative_note } else { t.eager_note } }</p>
            }
            if m.partitions.is_empty() {
                <p class="help">{ t.no_partitions }</p>
            }
            if m.partitions.len() > MEMBER_ROWS {
                { partitions_summary(t, m, open, toggle) }
            }
            if !m.partitions.is_empty() && (open || m.partitions.len() <= MEMBER_ROWS) {
                <table class="partition-table">
                    <thead><tr>
                        <th scope="col">{ t.col_partition }</th>
                        <th scope="col" class="num">{ t.col_position }</th>
                        <th scope="col" class="num">{ t.col_committed }</th>
                        <th scope="col" class="num">{ t.col_log_end }</th>
                        <th scope="col" class="num">{ t.col_lag }</th>
                    </tr></thead>
                    <tbody>
                        { for m.partitions.iter().map(|p| partition_row(t, p)) }
                    </tbody>
                </table>
            }
            <p class="member-stats" data-polled={m.polled.to_string()}>
                { fill(t.consumer_counts, &[("polled", &m.polled), ("processed", &m.processed)]) }
                { " · " }<span class="mono">{ m.assignors.clone() }</span>
            </p>
            if let Some(e) = &m.last_error {
                <p class="member-error"><strong>{ t.last_error }{ ": " }</strong>
                    <code class="error-text">{ e.clone() }</code></p>
            }
            <div class="member-actions" role="group" aria-label={fill(t.consumer_actions, &[("name", &name)])}>
                if running {
                    { button("consumer-commit", t.consumer_commit, t.consumer_commit_hint, "commit") }
                    if m.paused {
                        { button("consumer-resume", t.consumer_resume, t.consumer_resume_hint, "resume") }
                    } else {
                        { button("consumer-pause", t.consumer_pause, t.consumer_pause_hint, "pause") }
                    }
                    { button("consumer-close", t.consumer_close, t.consumer_close_hint, "close") }
                    { button("consumer-crash", t.consumer_crash, t.consumer_crash_hint, "crash") }
                } else {
                    { button("consumer-restart", t.consumer_restart, t.consumer_restart_hint, "restart") }
                }
            </div>
        </section>
    }
}

/// A long partition table's summary line: how many partitions, the member's total lag, how many
/// of each rebalance role, and the button that shows or hides the table.
fn partitions_summary(t: &Texts, m: &MemberView, open: bool, toggle: &Callback<u32>) -> Html {
    let lag: i64 = m.partitions.iter().filter_map(|p| p.lag).sum();
    let count = |role: PartitionRole| m.partitions.iter().filter(|p| p.role == role).count();
    let roles = [
        (PartitionRole::New, "new", t.role_new),
        (PartitionRole::Kept, "kept", t.role_kept),
        (PartitionRole::Paused, "paused", t.role_paused),
        (PartitionRole::Revoked, "revoked", t.role_revoked),
    ];
    let name = m.name.to_string();
    let hint = fill(
        if open {
            t.member_rows_hide
        } else {
            t.member_rows_show
        },
        &[("name", &name)],
    );
    let (toggle, index) = (toggle.clone(), m.index);
    html! {
        <button type="button" class={classes!("member-rows", open.then_some("open"))}
            data-action="member-partitions" data-partitions={m.partitions.len().to_string()}
            data-lag={lag.to_string()} aria-expanded={open.to_string()} title={hint}
            onclick={Callback::from(move |_: MouseEvent| toggle.emit(index))}>
            <span class="row-caret" aria-hidden="true">{ if open { "▾" } else { "▸" } }</span>
            <span class={classes!(m.partitions.iter().any(|p| p.lag.is_some_and(|l| l > 0)).then_some("behind"))}>
                { fill(t.member_rows_summary, &[("count", &m.partitions.len()), ("lag", &lag)]) }
            </span>
            { for roles.iter().filter_map(|&(role, key, text)| {
                let n = count(role);
                (n > 0).then(|| html! {
                    <span class={classes!("role-tag", key)} data-role={key}>{ format!("{text} {n}") }</span>
                })
            }) }
        </button>
    }
}

fn partition_row(t: &Texts, p: &PartitionLag) -> Html {
    let (role_key, role_text) = match p.role {
        PartitionRole::Owned => ("owned", None),
        PartitionRole::New => ("new", Some(t.role_new)),
        PartitionRole::Kept => ("kept", Some(t.role_kept)),
        PartitionRole::Paused => ("paused", Some(t.role_paused)),
        PartitionRole::Revoked => ("revoked", Some(t.role_revoked)),
    };
    let show = |v: Option<i64>| v.map_or_else(|| "-".to_string(), |v| v.to_string());
    let name = p.tp.to_string();
    html! {
        <tr class={classes!("tp-row", role_key)} data-tp={name.clone()} data-role={role_key}>
            <th scope="row">
                <span class="tp-name mono">{ name }</span>
                if let Some(r) = role_text {
                    <span class={classes!("role-tag", role_key)}>{ r }</span>
                }
                if let Some(to) = &p.moved_to {
                    <span class="moved-to">{ fill(t.role_moved, &[("name", to)]) }</span>
                }
            </th>
            <td class="num" data-position={show(p.position)}>{ show(p.position) }</td>
            <td class="num" data-committed={show(p.committed)}>{ show(p.committed) }</td>
            <td class="num" data-log-end={show(p.log_end)}>{ show(p.log_end) }</td>
            <td class={classes!("num", "lag", p.lag.is_some_and(|l| l > 0).then_some("behind"))}
                data-lag={show(p.lag)}>{ show(p.lag) }</td>
        </tr>
    }
}

//! Browser tests: mount the real page, read its DOM, and compare it with the core's own state
//! computed here from the same configuration.
#![cfg(target_arch = "wasm32")]

use std::collections::BTreeSet;

use kafkascope::sim::hash::partition_for_key;
use kafkascope::sim::{ClusterConfig, ControllerMode, PartitionDescription, Simulation};
use kafkascope::ui::i18n::{fill, Lang, EN, KO};
use kafkascope::ui::panic;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement, HtmlInputElement};

wasm_bindgen_test_configure!(run_in_browser);

#[path = "support/page.rs"]
mod page;

use page::{
    all, animation_frames, attr, click, clock_ms, console, join, key, mount, one, set_field,
    wait_until, wall_ms,
};

/// The first screen as the core builds it, independently of the page's own builder: seed 1,
/// KRaft, topic `orders` with 3 partitions and replication factor min(3, brokers).
fn core_cluster(brokers: usize) -> Simulation {
    core_cluster_in(brokers, ControllerMode::Kraft)
}

#[allow(clippy::needless_update)]
fn core_cluster_in(brokers: usize, mode: ControllerMode) -> Simulation {
    let mut sim = Simulation::new(ClusterConfig {
        seed: 1,
        brokers,
        mode,
        ..ClusterConfig::default()
    })
    .expect("a valid cluster");
    sim.create_topic("orders", 3, brokers.min(3) as i32)
        .expect("a valid topic");
    sim
}

/// A replica chip as the DOM shows it: (name, leader?, in ISR?, leader epoch if leader).
type Chip = (String, bool, bool, Option<i32>);

fn chips_in_dom(card: &Element) -> BTreeSet<Chip> {
    all(card, "[data-replica]")
        .iter()
        .map(|chip| {
            let leader = attr(chip, "data-leader");
            assert!(
                leader == "true" || leader == "false",
                "data-leader={leader}"
            );
            let epoch = chip
                .query_selector("[data-leader-epoch]")
                .unwrap()
                .map(|e| attr(&e, "data-leader-epoch").parse().unwrap());
            (
                attr(chip, "data-replica"),
                leader == "true",
                attr(chip, "data-isr") == "true",
                epoch,
            )
        })
        .collect()
}

fn chips_in_core(partitions: &[PartitionDescription], broker: i32) -> BTreeSet<Chip> {
    partitions
        .iter()
        .filter(|p| p.replicas.contains(&broker))
        .map(|p| {
            let leader = p.leader == Some(broker);
            (
                format!("{}-{}", p.topic, p.partition),
                leader,
                p.isr.contains(&broker),
                leader.then_some(p.leader_epoch),
            )
        })
        .collect()
}

/// The whole drawing and the describe table agree with the core's cluster of `brokers` brokers.
fn assert_dom_matches_core(root: &Element, brokers: usize) {
    assert_dom_matches(root, &core_cluster(brokers));
}

fn assert_dom_matches(root: &Element, sim: &Simulation) {
    let brokers = sim.describe_brokers().len();
    let partitions = sim.describe_partitions();
    assert_eq!(partitions.len(), 3, "the core made 3 partitions");

    // Brokers: one card each, in the core's order.
    let core_ids: Vec<String> = sim
        .describe_brokers()
        .iter()
        .map(|b| b.id.to_string())
        .collect();
    let dom_ids: Vec<String> = all(root, "[data-broker]")
        .iter()
        .map(|card| attr(card, "data-broker"))
        .collect();
    assert_eq!(dom_ids, core_ids, "broker cards");
    assert_eq!(dom_ids.len(), brokers);

    // Replicas: every chip on the right broker, leaders and ISR marked as the core has them.
    for broker in sim.describe_brokers() {
        let card = one(root, &format!("[data-broker=\"{}\"]", broker.id));
        assert_eq!(
            chips_in_dom(&card),
            chips_in_core(&partitions, broker.id),
            "replicas on broker {}",
            broker.id
        );
    }
    // Each partition: as many chips as replicas, exactly one of them marked leader.
    for p in &partitions {
        let name = format!("{}-{}", p.topic, p.partition);
        let chips = all(root, &format!("[data-replica=\"{name}\"]"));
        assert_eq!(chips.len(), p.replicas.len(), "chips of {name}");
        let leaders = chips
            .iter()
            .filter(|c| attr(c, "data-leader") == "true")
            .count();
        assert_eq!(
            leaders,
            usize::from(p.leader.is_some()),
            "leaders of {name}"
        );
    }

    // The describe table, in Kafka's format.
    for p in &partitions {
        let row = one(
            root,
            &format!("tr[data-partition=\"{}-{}\"]", p.topic, p.partition),
        );
        let leader = p.leader.map_or("none".to_string(), |l| l.to_string());
        assert_eq!(attr(&row, "data-leader"), leader);
        assert_eq!(attr(&row, "data-replicas"), join(&p.replicas));
        assert_eq!(attr(&row, "data-isr"), join(&p.isr));
        let text = row.text_content().unwrap();
        assert!(
            text.contains(&format!("Leader: {leader}"))
                && text.contains(&format!("Replicas: {}", join(&p.replicas)))
                && text.contains(&format!("Isr: {}", join(&p.isr))),
            "row text {text:?}"
        );
    }
}

/// *New cluster*: opens its form (a draft that starts at the live cluster), sets the broker
/// count and the mode when given, and creates it.
async fn new_cluster(root: &Element, brokers: Option<&str>, mode: Option<&str>) {
    click(root, "[data-action=\"new-cluster\"]").await;
    let input: HtmlInputElement = one(root, BROKER_COUNT).dyn_into().unwrap();
    assert_eq!(
        input.value(),
        all(root, "[data-broker]").len().to_string(),
        "the draft starts at the live cluster"
    );
    if let Some(n) = brokers {
        set_field(root, BROKER_COUNT, n, "input").await;
    }
    if let Some(mode) = mode {
        set_field(root, "select[data-control=\"mode\"]", mode, "change").await;
    }
    click(root, "[data-action=\"new-cluster-create\"]").await;
    assert!(
        all(root, "[data-new-cluster-form]").is_empty(),
        "the form closes"
    );
}

#[wasm_bindgen_test]
async fn first_screen_draws_the_cores_default_cluster() {
    let root = mount().await;
    assert_dom_matches_core(&root, 3);
    // With 3 brokers and RF 3 every broker hosts every partition.
    assert_eq!(all(&root, "[data-replica]").len(), 9);
}

#[wasm_bindgen_test]
async fn new_cluster_asks_first_and_keeps_the_previous_run() {
    let root = mount().await;
    console(&root, "produce p1 orders key=alice count=3").await;
    let history_before = one(&root, ".history").text_content().unwrap();

    // The stepper is a draft: nothing changes until Create, and Cancel throws the draft away.
    click(&root, "[data-action=\"new-cluster\"]").await;
    one(&root, "[data-new-cluster-form]");
    click(&root, "[data-action=\"add-broker\"]").await;
    let draft: HtmlInputElement = one(&root, BROKER_COUNT).dyn_into().unwrap();
    assert_eq!(draft.value(), "4");
    assert_eq!(
        all(&root, "[data-broker]").len(),
        3,
        "a draft, not a new cluster"
    );
    click(&root, "[data-action=\"new-cluster-cancel\"]").await;
    assert!(all(&root, "[data-new-cluster-form]").is_empty());
    assert_eq!(all(&root, "[data-broker]").len(), 3);
    assert!(all(&root, "[data-action=\"previous-run\"]").is_empty());

    // − and + build the draft; Create makes the cluster.
    click(&root, "[data-action=\"new-cluster\"]").await;
    click(&root, "[data-action=\"add-broker\"]").await;
    click(&root, "[data-action=\"new-cluster-create\"]").await;
    assert_dom_matches_core(&root, 4);

    // The run it replaced comes back whole (its records, its console history) with Previous
    // run, and the new cluster becomes the previous one.
    click(&root, "[data-action=\"previous-run\"]").await;
    assert_dom_matches_core(&root, 3);
    assert_eq!(
        one(&root, ".history").text_content().unwrap(),
        history_before
    );
    click(&root, "[data-action=\"previous-run\"]").await;
    assert_dom_matches_core(&root, 4);

    click(&root, "[data-action=\"new-cluster\"]").await;
    click(&root, "[data-action=\"remove-broker\"]").await;
    click(&root, "[data-action=\"remove-broker\"]").await;
    click(&root, "[data-action=\"remove-broker\"]").await;
    let minus: HtmlElement = one(&root, "[data-action=\"remove-broker\"]")
        .dyn_into()
        .unwrap();
    assert!(
        minus.has_attribute("disabled"),
        "− is disabled at one broker"
    );
    click(&root, "[data-action=\"new-cluster-create\"]").await;
    assert_dom_matches_core(&root, 1);
}

#[wasm_bindgen_test]
async fn add_a_broker_joins_the_running_cluster() {
    let root = mount().await;
    console(&root, "produce p1 orders key=alice count=3").await;
    click(&root, "[data-action=\"broker-add-live\"]").await;
    assert_eq!(all(&root, "[data-broker]").len(), 4);
    let history = one(&root, ".history").text_content().unwrap();
    assert!(
        history.contains("produce p1 orders key=alice count=3") && history.contains("broker add"),
        "the same run, one line more: {history}"
    );
    assert!(all(&root, "[data-action=\"previous-run\"]").is_empty());
}

const BROKER_COUNT: &str = "input[data-control=\"broker-count\"]";

#[wasm_bindgen_test]
async fn typing_a_broker_count_recreates_the_cluster() {
    let root = mount().await;
    new_cluster(&root, Some("7"), None).await;
    assert_dom_matches_core(&root, 7);
    new_cluster(&root, Some("12"), None).await;
    assert_dom_matches_core(&root, 12);
    // Outside the control's range: ignored, the draft stays as it was.
    click(&root, "[data-action=\"new-cluster\"]").await;
    set_field(&root, BROKER_COUNT, "99", "input").await;
    click(&root, "[data-action=\"new-cluster-create\"]").await;
    assert_eq!(all(&root, "[data-broker]").len(), 12);
    new_cluster(&root, Some("5"), None).await;
    assert_dom_matches_core(&root, 5);
}

#[wasm_bindgen_test]
async fn the_language_button_switches_every_text() {
    let root = mount().await;
    let first = Lang::from_tag(&gloo::utils::window().navigator().language().unwrap());
    let tagline = || one(&root, ".tagline").text_content().unwrap();
    assert_eq!(tagline(), first.texts().tagline);

    click(&root, "[data-action=\"switch-language\"]").await;
    assert_eq!(tagline(), first.other().texts().tagline);
    let other = first.other().texts();
    let card = one(&root, "[data-broker=\"1\"] .broker-name");
    assert_eq!(
        card.text_content().unwrap(),
        fill(other.broker_title, &[("id", &1)])
    );
    // The drawing is the same cluster in either language.
    assert_dom_matches_core(&root, 3);

    click(&root, "[data-action=\"switch-language\"]").await;
    assert_eq!(tagline(), first.texts().tagline);
}

#[wasm_bindgen_test]
async fn the_broker_control_has_accessible_labels() {
    let root = mount().await;
    let lang = Lang::from_tag(&gloo::utils::window().navigator().language().unwrap());
    let t = lang.texts();
    let label = |selector: &str| attr(&one(&root, selector), "aria-label");
    click(&root, "[data-action=\"new-cluster\"]").await;
    assert_eq!(label("[data-action=\"remove-broker\"]"), t.remove_broker);
    assert_eq!(label("[data-action=\"add-broker\"]"), t.add_broker);
    let input = label("input[data-control=\"broker-count\"]");
    assert_eq!(
        input,
        fill(t.broker_count_hint, &[("min", &1), ("max", &12)])
    );
    let lang_button = label("[data-action=\"switch-language\"]");
    assert!(
        lang_button.contains(lang.other().texts().language_name),
        "{lang_button}"
    );
}

#[wasm_bindgen_test]
fn language_tags_and_templates() {
    assert_eq!(Lang::from_tag("ko-KR"), Lang::Ko);
    assert_eq!(Lang::from_tag("ko"), Lang::Ko);
    assert_eq!(Lang::from_tag("en-US"), Lang::En);
    assert_eq!(Lang::from_tag("fr"), Lang::En);
    assert_eq!(fill(EN.broker_title, &[("id", &7)]), "Broker 7".to_string());
    assert_eq!(fill(KO.broker_title, &[("id", &7)]), "브로커 7".to_string());
    assert_eq!(fill("{a}{b}{c}", &[("a", &1), ("b", &"x")]), "1x{c}");
    for lang in Lang::ALL {
        assert!(!lang.texts().tagline.is_empty());
    }
    assert_ne!(EN.tagline, KO.tagline);
}

#[wasm_bindgen_test]
fn the_panic_banner_is_shown_without_yew() {
    let document = gloo::utils::document();
    assert!(document.get_element_by_id(panic::BANNER_ID).is_none());
    panic::remember(Lang::En, 1, 3);
    panic::show_banner("boom at line 42");
    let banner = document
        .get_element_by_id(panic::BANNER_ID)
        .expect("the banner is in the DOM");
    let text = banner.text_content().unwrap();
    assert!(text.contains(EN.panic_title), "{text}");
    assert!(text.contains("boom at line 42"), "{text}");
    assert!(text.contains(&fill(EN.panic_context, &[("seed", &1), ("brokers", &3)])));
    assert_eq!(attr(&banner, "role"), "alert");
    let reload = one(&banner, "button.panic-reload");
    assert_eq!(reload.text_content().unwrap(), EN.panic_reload);
    // A second panic adds no second banner.
    panic::show_banner("again");
    assert_eq!(
        document
            .query_selector_all("#panic-banner")
            .unwrap()
            .length(),
        1
    );
    banner.remove();
}

// ---------------------------------------------------------------------------------------------
// The live page: time, messages in flight, controls, console, event log.

fn describe_row(root: &Element, partition: &str) -> Element {
    one(root, &format!("tr[data-partition=\"{partition}\"]"))
}

fn tokens(root: &Element, selector: &str) -> Vec<Element> {
    all(root, &format!("svg g.tokens {selector}"))
}

#[wasm_bindgen_test]
async fn killing_the_leaders_broker_moves_leadership_and_raises_the_epoch() {
    let root = mount().await;
    let row = describe_row(&root, "orders-0");
    let old_leader = attr(&row, "data-leader");
    let chip = |broker: &str| {
        one(
            &root,
            &format!("[data-broker=\"{broker}\"] [data-replica=\"orders-0\"]"),
        )
    };
    let old_epoch: i32 = attr(
        &one(&chip(&old_leader), "[data-leader-epoch]"),
        "data-leader-epoch",
    )
    .parse()
    .unwrap();

    // kill -9 from the broker's card.
    click(
        &root,
        &format!("[data-broker=\"{old_leader}\"] [data-action=\"broker-kill\"]"),
    )
    .await;
    let card = one(&root, &format!("article[data-broker=\"{old_leader}\"]"));
    assert_eq!(attr(&card, "data-state"), "crashed");
    let node = one(&root, &format!("svg [data-node=\"broker-{old_leader}\"]"));
    assert!(
        attr(&node, "class").contains("crashed"),
        "the diagram shows it down"
    );
    // Nothing moved yet: the controller has not noticed (no session timeout yet).
    assert_eq!(
        attr(&describe_row(&root, "orders-0"), "data-leader"),
        old_leader
    );

    // 15 s later the session has expired (broker.session.timeout.ms = 9 s): a new leader.
    console(&root, "advance 15s").await;
    assert!(clock_ms(&root) >= 15_000, "the clock moved");
    let row = describe_row(&root, "orders-0");
    let new_leader = attr(&row, "data-leader");
    assert_ne!(new_leader, old_leader, "leadership moved");
    assert_ne!(new_leader, "none");
    assert!(
        !attr(&row, "data-isr").split(',').any(|b| b == old_leader),
        "the dead broker left the ISR"
    );
    let new_chip = chip(&new_leader);
    assert_eq!(attr(&new_chip, "data-leader"), "true");
    let new_epoch: i32 = attr(&one(&new_chip, "[data-leader-epoch]"), "data-leader-epoch")
        .parse()
        .unwrap();
    assert!(new_epoch > old_epoch, "epoch {old_epoch} -> {new_epoch}");
    assert_eq!(attr(&chip(&old_leader), "data-leader"), "false");
    let card = one(&root, &format!("article[data-broker=\"{old_leader}\"]"));
    assert_eq!(attr(&card, "data-fenced"), "true");

    // The event log says so, in Kafka's words.
    let log = one(&root, ".event-log").text_content().unwrap();
    assert!(
        log.contains(&format!(
            "Elected broker {new_leader} as leader of orders-0"
        )),
        "{log}"
    );
    // And the console history holds both lines.
    let history = one(&root, ".history").text_content().unwrap();
    assert!(
        history.contains(&format!("broker kill {old_leader}")),
        "{history}"
    );
    assert!(history.contains("advance 15s"), "{history}");
}

#[wasm_bindgen_test]
async fn producing_a_keyed_record_grows_its_partitions_log() {
    let root = mount().await;
    let key = "user-7";
    let partition = partition_for_key(key.as_bytes(), 3);
    set_field(&root, "input[data-control=\"produce-key\"]", key, "input").await;
    click(&root, "[data-action=\"produce-send\"]").await;
    let history = one(&root, ".history").text_content().unwrap();
    assert!(
        history.contains(&format!("produce p1 orders key={key} value=hello")),
        "{history}"
    );

    // Two seconds: metadata, produce, replication by the followers' fetches, the HW.
    click(&root, "[data-action=\"advance-1s\"]").await;
    click(&root, "[data-action=\"advance-1s\"]").await;
    for p in 0..3 {
        for chip in all(&root, &format!("[data-replica=\"orders-{p}\"]")) {
            let (leo, hw) = if p == partition {
                ("1", "1")
            } else {
                ("0", "0")
            };
            assert_eq!(attr(&chip, "data-leo"), leo, "LEO of orders-{p}");
            assert_eq!(attr(&chip, "data-hw"), hw, "HW of orders-{p}");
            let cells = all(&chip, ".log-cell.committed");
            assert_eq!(
                cells.len().to_string(),
                leo,
                "committed cells of orders-{p}"
            );
        }
    }
    let stats = one(&root, "[data-producer-stats=\"p1\"]")
        .text_content()
        .unwrap();
    assert!(
        stats.contains(&fill(
            EN.producer_stats,
            &[("acked", &1), ("failed", &0), ("pending", &0)]
        )) || stats.contains(&fill(
            KO.producer_stats,
            &[("acked", &1), ("failed", &0), ("pending", &0)]
        )),
        "{stats}"
    );

    // A second record with the same key lands on the same partition.
    click(&root, "[data-action=\"produce-send\"]").await;
    click(&root, "[data-action=\"advance-1s\"]").await;
    click(&root, "[data-action=\"advance-1s\"]").await;
    for chip in all(&root, &format!("[data-replica=\"orders-{partition}\"]")) {
        assert_eq!(attr(&chip, "data-leo"), "2");
        assert_eq!(attr(&chip, "data-hw"), "2");
        assert_eq!(all(&chip, ".log-cell").len(), 2);
    }
}

#[wasm_bindgen_test]
async fn an_invalid_console_line_shows_the_cores_error_and_changes_nothing() {
    let root = mount().await;
    click(&root, "[data-action=\"step\"]").await;
    let before = one(&root, ".stage-cards").outer_html();
    let clock = clock_ms(&root);

    console(&root, "brokr kill 2").await;
    let error = one(&root, "[data-console-error]").text_content().unwrap();
    assert!(error.contains("unknown command 'brokr'"), "{error}");
    assert!(error.contains("brokr kill 2"), "{error}");
    assert_eq!(
        one(&root, ".stage-cards").outer_html(),
        before,
        "the cluster is unchanged"
    );
    assert_eq!(clock_ms(&root), clock);

    // A Kafka error keeps Kafka's name.
    console(&root, "broker kill 9").await;
    let error = one(&root, "[data-console-error]").text_content().unwrap();
    assert!(
        error.contains("BROKER_NOT_AVAILABLE: Broker 9 does not exist"),
        "{error}"
    );
    assert_eq!(one(&root, ".stage-cards").outer_html(), before);
    let refused = all(&root, ".history-line[data-ok=\"false\"]");
    assert_eq!(refused.len(), 2);

    // A valid line clears the error.
    console(&root, "advance 1ms").await;
    assert!(all(&root, "[data-console-error]").is_empty());
}

#[wasm_bindgen_test]
async fn messages_in_flight_are_drawn_and_leave_when_delivered() {
    let root = mount().await;
    // At time 0 the controller's metadata updates to the three brokers are in flight.
    let updates = tokens(&root, "[data-kind=\"metadata-update\"]");
    assert_eq!(updates.len(), 3, "one metadata update per broker");
    assert_eq!(
        one(&root, "[data-in-flight]").text_content().unwrap(),
        tokens(&root, "[data-msg]").len().to_string()
    );

    click(&root, "[data-action=\"produce-send\"]").await;
    assert!(!tokens(&root, "[data-msg]").is_empty());
    // Step event by event until the produce request is on the wire.
    let mut produce = None;
    for _ in 0..500 {
        if let Some(token) = tokens(&root, "[data-kind=\"produce\"]").into_iter().next() {
            produce = Some(token);
            break;
        }
        click(&root, "[data-action=\"step\"]").await;
    }
    let produce = produce.expect("a produce request was sent");
    let id = attr(&produce, "data-msg");
    let dot = one(&produce, "circle");
    assert!(attr(&dot, "cx").parse::<f64>().is_ok());
    assert!(attr(&produce, "class").contains("f-produce"));

    click(&root, "[data-action=\"advance-1s\"]").await;
    assert!(
        tokens(&root, &format!("[data-msg=\"{id}\"]")).is_empty(),
        "the delivered request's token is gone"
    );
    assert!(tokens(&root, "[data-kind=\"produce\"]").is_empty());
    assert!(tokens(&root, "[data-kind=\"produce-response\"]").is_empty());
}

#[wasm_bindgen_test]
async fn step_and_the_keyboard_move_time() {
    let root = mount().await;
    assert_eq!(clock_ms(&root), 0);
    click(&root, "[data-action=\"step\"]").await;
    let after_step = clock_ms(&root);
    assert!(after_step > 0, "the first event is a delivery 2 ms later");

    key("ArrowRight").await;
    assert!(clock_ms(&root) >= after_step);
    let play = one(&root, "[data-action=\"play\"]");
    assert_eq!(attr(&play, "aria-pressed"), "false");
    key(" ").await;
    assert_eq!(attr(&play, "aria-pressed"), "true");
    key(" ").await;
    assert_eq!(attr(&play, "aria-pressed"), "false");
}

#[wasm_bindgen_test]
async fn the_player_plays_in_real_time() {
    let root = mount().await;
    // Fast, and play: the animation loop runs the core.
    set_field(&root, "input[data-control=\"speed\"]", "13", "input").await;
    assert_eq!(one(&root, ".speed-value").text_content().unwrap(), "×10");
    let started = wall_ms();
    click(&root, "[data-action=\"play\"]").await;
    // However slowly frames come on a loaded machine: wait for time to run, not a fixed while.
    wait_until("the clock runs past 100 ms while playing", || {
        clock_ms(&root) > 100
    })
    .await;
    click(&root, "[data-action=\"play\"]").await;
    let t = clock_ms(&root);
    // Real time times the speed: never more than 10 simulated ms per wall ms played (plus the
    // wall clock's own millisecond rounding, and one frame: the first frame's timestamp is the
    // start of the frame the click fell in, up to a vsync before `started`; with a frame of
    // 100 ms right after it, a debug build's, the clock moved 1,000 ms in 97 ms of this count).
    let played = wall_ms() - started;
    assert!(
        t as f64 <= 10.0 * (played + 2.0 + 16.7),
        "{t} simulated ms in {played} wall ms at ×10"
    );
    // Paused: frames keep coming and time passes, the clock stays put.
    animation_frames(3).await;
    yew::platform::time::sleep(std::time::Duration::from_millis(100)).await;
    yew::scheduler::flush().await;
    assert_eq!(clock_ms(&root), t, "and stopped when paused");
}

#[wasm_bindgen_test]
async fn zookeeper_mode_recreates_the_cluster() {
    let root = mount().await;
    new_cluster(&root, None, Some("zookeeper")).await;
    assert_dom_matches(&root, &core_cluster_in(3, ControllerMode::Zookeeper));
    one(&root, "[data-controllers=\"zookeeper\"]");
    one(&root, "svg [data-node=\"zookeeper\"]");
    assert!(all(&root, "svg [data-node^=\"controller-\"]").is_empty());
    assert_eq!(
        attr(
            &one(&root, "[data-controller-broker]"),
            "data-controller-broker"
        ),
        "1"
    );
    let history = one(&root, ".history").text_content().unwrap();
    assert!(
        history.contains("cluster brokers=3 mode=zookeeper"),
        "{history}"
    );

    new_cluster(&root, None, Some("kraft")).await;
    assert_dom_matches_core(&root, 3);
    assert_eq!(all(&root, "[data-controller]").len(), 3);
    assert_eq!(
        all(&root, "[data-controller][data-active=\"true\"]").len(),
        1
    );
}

#[wasm_bindgen_test]
async fn forms_and_buttons_become_script_lines() {
    let root = mount().await;
    // Create a topic.
    set_field(
        &root,
        "input[data-control=\"topic-name\"]",
        "payments",
        "input",
    )
    .await;
    set_field(
        &root,
        "input[data-control=\"topic-partitions\"]",
        "2",
        "input",
    )
    .await;
    set_field(&root, "input[data-control=\"topic-min-isr\"]", "2", "input").await;
    click(&root, "[data-action=\"topic-create\"]").await;
    assert_eq!(all(&root, "tr[data-partition^=\"payments-\"]").len(), 2);
    // A producer with acks=1.
    set_field(
        &root,
        "select[data-control=\"producer-acks\"]",
        "1",
        "change",
    )
    .await;
    click(&root, "[data-action=\"producer-create\"]").await;
    one(&root, "svg [data-node=\"producer-1\"]");
    // A live broker, isolated then healed.
    click(&root, "[data-action=\"broker-add\"]").await;
    assert_eq!(all(&root, "article[data-broker]").len(), 4);
    click(
        &root,
        "[data-broker=\"4\"] [data-action=\"broker-isolate\"]",
    )
    .await;
    assert_eq!(
        attr(&one(&root, "article[data-broker=\"4\"]"), "data-isolated"),
        "true"
    );
    click(&root, "[data-broker=\"4\"] [data-action=\"broker-heal\"]").await;
    assert_eq!(
        attr(&one(&root, "article[data-broker=\"4\"]"), "data-isolated"),
        "false"
    );
    // Kill and restart a controller.
    click(
        &root,
        "[data-controller=\"3001\"] [data-action=\"controller-kill\"]",
    )
    .await;
    assert_eq!(
        attr(&one(&root, "[data-controller=\"3001\"]"), "data-alive"),
        "false"
    );
    click(
        &root,
        "[data-controller=\"3001\"] [data-action=\"controller-start\"]",
    )
    .await;

    let lines: Vec<String> = all(&root, ".history-line[data-ok=\"true\"] code")
        .iter()
        .map(|c| c.text_content().unwrap())
        .collect();
    for want in [
        "topic create payments partitions=2 replication-factor=3 min.insync.replicas=2",
        "producer create p2 acks=1",
        "broker add",
        "network isolate 4",
        "network heal 4",
        "controller kill 3001",
        "controller start 3001",
    ] {
        assert!(lines.iter().any(|l| l == want), "{want} in {lines:?}");
    }
}

#[wasm_bindgen_test]
async fn consumers_join_the_diagram() {
    let root = mount().await;
    console(&root, "consumer create c1 group.id=billing topics=orders").await;
    let node = one(&root, "svg [data-node=\"consumer-0\"]");
    assert!(node.text_content().unwrap().contains("c1"));
    // Joining the group: FindCoordinator, JoinGroup, SyncGroup travel as group messages.
    let mut saw_group = false;
    for _ in 0..300 {
        click(&root, "[data-action=\"step\"]").await;
        if !tokens(&root, ".f-group").is_empty() {
            saw_group = true;
            break;
        }
    }
    assert!(saw_group, "a consumer-group message was drawn");
    console(&root, "advance 10s").await;
    let text = one(&root, "svg [data-node=\"consumer-0\"]")
        .text_content()
        .unwrap();
    assert!(text.contains("billing"), "{text}");
    assert!(!text.ends_with(" 0"), "the group has a generation: {text}");
}

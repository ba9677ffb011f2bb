//! Browser tests of the consumer-group views: mount the real page, drive it through its console
//! and buttons, read the DOM, and compare with the core run on the same script here.
#![cfg(target_arch = "wasm32")]

use std::collections::BTreeSet;

use kafkascope::sim::cli_output::GroupDescribe;
use kafkascope::sim::coordinator::{GroupState, OFFSETS_TOPIC, OFFSETS_TOPIC_NUM_PARTITIONS};
use kafkascope::sim::hash::offsets_partition_for;
use kafkascope::sim::{script, ControllerMode, NodeId, Simulation, TopicPartition};
use kafkascope::ui::cluster::{setup_script, DEFAULT_BROKERS};
use kafkascope::ui::group_view::LagSeries;
use kafkascope::ui::layout::Layout;
use wasm_bindgen_test::*;
use web_sys::Element;

wasm_bindgen_test_configure!(run_in_browser);

#[path = "support/page.rs"]
mod page;

use page::{all, attr, click, mount, one, set_field, text};

/// The page's first cluster plus `lines`, run by the core here: what the page must show.
fn core_after(lines: &[&str]) -> Simulation {
    let mut text = setup_script(DEFAULT_BROKERS, ControllerMode::Kraft).join("\n");
    for l in lines {
        text.push('\n');
        text.push_str(l);
    }
    script::run(&text).unwrap_or_else(|e| panic!("{e}"))
}

/// Runs a console line the page must accept.
async fn console(root: &Element, line: &str) {
    page::console(root, line).await;
    assert!(
        all(root, "[data-console-error]").is_empty(),
        "the page refused {line}"
    );
}

/// The partitions a member's card lists as its own (not revoked ones).
fn card_partitions(root: &Element, consumer: &str) -> BTreeSet<String> {
    all(
        root,
        &format!("[data-consumer=\"{consumer}\"] tr[data-tp]:not([data-role=\"revoked\"]):not([data-role=\"paused\"])"),
    )
    .iter()
    .map(|r| attr(r, "data-tp"))
    .collect()
}

fn core_partitions(sim: &Simulation, consumer: &str) -> BTreeSet<String> {
    sim.consumers[sim.consumer_index(consumer).unwrap() as usize]
        .assignment
        .iter()
        .map(|t| t.to_string())
        .collect()
}

const C1: &str = "consumer create c1 group.id=billing topics=orders auto.offset.reset=earliest";
const C2: &str = "consumer create c2 group.id=billing topics=orders auto.offset.reset=earliest";

#[wasm_bindgen_test]
async fn adding_a_consumer_reassigns_partitions() {
    let root = mount().await;
    console(&root, C1).await;
    console(&root, "advance 10s").await;
    let card = one(&root, "article.group-card[data-group=\"billing\"]");
    assert_eq!(attr(&card, "data-state"), "Stable");
    let before = card_partitions(&root, "c1");
    assert_eq!(before.len(), 3, "c1 alone owns every partition: {before:?}");

    console(&root, C2).await;
    console(&root, "advance 10s").await;
    let core = core_after(&[C1, "advance 10s", C2, "advance 10s"]);
    let (c1, c2) = (card_partitions(&root, "c1"), card_partitions(&root, "c2"));
    assert_eq!(
        c1,
        core_partitions(&core, "c1"),
        "c1's card shows the core's assignment"
    );
    assert_eq!(c2, core_partitions(&core, "c2"));
    assert!(
        !c2.is_empty() && c1.len() < 3,
        "the rebalance moved partitions: {c1:?} {c2:?}"
    );
    assert_eq!(c1.union(&c2).count(), 3);
    // The moved partitions are marked: revoked on c1 (with where they went), new on c2.
    for tp in &c2 {
        let row = one(
            &root,
            &format!("[data-consumer=\"c1\"] tr[data-tp=\"{tp}\"]"),
        );
        assert_eq!(attr(&row, "data-role"), "revoked");
        assert!(text(&row).contains("c2"), "{}", text(&row));
        let row = one(
            &root,
            &format!("[data-consumer=\"c2\"] tr[data-tp=\"{tp}\"]"),
        );
        assert_eq!(attr(&row, "data-role"), "new");
    }
    let (_, g) = core.group_view("billing");
    let generation = g.unwrap().generation;
    assert_eq!(
        attr(&one(&root, "article.group-card"), "data-generation"),
        generation.to_string()
    );
    // The diagram draws both consumers in the group's box, which names its coordinator.
    let group_box = one(&root, "svg g.group-box[data-group=\"billing\"]");
    assert!(text(&group_box).contains(&format!("gen {generation}")));
    one(&root, "svg path.coordinator-link");
    let coordinator = core.group_view("billing").0.unwrap();
    let mark = one(&root, "svg [data-coordinates]");
    assert_eq!(attr(&mark, "data-coordinates"), "billing");
    let broker = mark.closest("[data-node]").unwrap().unwrap();
    assert_eq!(attr(&broker, "data-node"), format!("broker-{coordinator}"));
}

#[wasm_bindgen_test]
async fn group_state_transitions_appear() {
    let root = mount().await;
    console(&root, C1).await;
    let mut seen: Vec<String> = Vec::new();
    let state = |root: &Element| attr(&one(root, "article.group-card"), "data-state");
    // Coarse steps into the join phase, then event by event (CompletingRebalance lasts only
    // the few milliseconds of a SyncGroup round trip).
    for _ in 0..100 {
        console(&root, "advance 50ms").await;
        if state(&root) == "PreparingRebalance" {
            break;
        }
    }
    for _ in 0..5000 {
        let s = state(&root);
        if seen.last() != Some(&s) {
            seen.push(s.clone());
        }
        if s == "Stable" {
            break;
        }
        click(&root, "[data-action=\"step\"]").await;
    }
    // The first join waits group.initial.rebalance.delay.ms (3 s) in PreparingRebalance.
    let want: Vec<String> = ["PreparingRebalance", "CompletingRebalance", "Stable"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let mut it = seen.iter();
    for w in &want {
        assert!(it.any(|s| s == w), "{w} in order in {seen:?}");
    }
    // The track lights the current state and dates each one entered.
    let current = one(&root, ".state-step.current");
    assert_eq!(attr(&current, "data-step"), "Stable");
    let sim = core_after(&[C1, "advance 6s"]);
    let (_, g) = sim.group_view("billing");
    let entered = g
        .unwrap()
        .transitions
        .iter()
        .rev()
        .find(|(_, s)| *s == GroupState::PreparingRebalance)
        .unwrap()
        .0;
    let step = one(&root, ".state-step[data-step=\"PreparingRebalance\"]");
    assert!(
        text(&step).contains(&kafkascope::ui::engine::format_clock(entered as f64)),
        "{}",
        text(&step)
    );
    // The member itself is Stable once SyncGroup's answer reaches it, a hop later.
    let node = one(&root, "svg [data-node=\"consumer-0\"]");
    assert_eq!(attr(&node, "data-state"), "rebalancing");
    console(&root, "advance 100ms").await;
    let node = one(&root, "svg [data-node=\"consumer-0\"]");
    assert_eq!(attr(&node, "data-state"), "running");
}

#[wasm_bindgen_test]
async fn describe_panels_print_the_cores_text() {
    let root = mount().await;
    let lines = [
        C1,
        C2,
        "produce p1 orders key=alice value=a count=4",
        "advance 12s",
    ];
    for l in lines {
        console(&root, l).await;
    }
    let core = core_after(&lines);
    // kafka-topics.sh --describe: each row is one line of the core's output, byte for byte.
    let expected = core.describe_topic_text("orders").unwrap();
    let rows: Vec<String> = all(&root, "table.describe-table[data-topic=\"orders\"] tr")
        .iter()
        .map(text)
        .collect();
    let want: Vec<&str> = expected.lines().collect();
    assert_eq!(rows, want);
    assert!(
        want[1].ends_with("\tElr: \tLastKnownElr: "),
        "{:?}",
        want[1]
    );
    // kafka-consumer-groups.sh --describe, in each of its three views.
    for (button, view) in [
        (1, GroupDescribe::Members),
        (2, GroupDescribe::State),
        (0, GroupDescribe::Offsets),
    ] {
        click(&root, &format!("[data-describe-view=\"{button}\"]")).await;
        let shown = text(&one(&root, "pre[data-group-describe=\"billing\"]"));
        assert_eq!(shown, core.describe_group_text("billing", view).terminal());
    }
    assert!(text(&one(&root, "pre[data-group-describe]")).contains("CURRENT-OFFSET"));
}

#[wasm_bindgen_test]
async fn clicking_a_record_cell_opens_the_inspector() {
    let root = mount().await;
    one(&root, "[data-panel=\"inspector\"].idle");
    // A value that looks like HTML must stay text.
    let lines = [
        C1,
        "advance 4s",
        "produce p1 orders key=alice value=\"<b>hi</b>\" count=3",
        "advance 8s",
    ];
    for l in lines {
        console(&root, l).await;
    }
    let core = core_after(&lines);
    let tp = TopicPartition::new(
        "orders",
        kafkascope::sim::hash::partition_for_key(b"alice", 3),
    );
    let leader = core
        .describe_partitions()
        .into_iter()
        .find(|p| p.topic == "orders" && p.partition == tp.partition)
        .unwrap()
        .leader
        .unwrap();
    let cell = format!(
        "article[data-broker=\"{leader}\"] [data-replica=\"{tp}\"] .log-cell[data-offset=\"1\"]"
    );
    click(&root, &cell).await;
    let panel = one(&root, "[data-panel=\"inspector\"]");
    assert_eq!(attr(&panel, "data-inspect-offset"), "1");
    assert_eq!(attr(&panel, "data-inspect-tp"), tp.to_string());
    assert_eq!(attr(&panel, "data-inspect-broker"), leader.to_string());
    assert!(one(&root, &cell).class_list().contains("selected"));
    assert_eq!(text(&one(&root, "[data-record-key]")), "alice");
    let value = one(&root, "[data-record-value]");
    assert_eq!(text(&value), "<b>hi</b>");
    assert!(
        value.query_selector("b").unwrap().is_none(),
        "shown as text, not HTML"
    );
    // The events are the core's, in order.
    let life = core.record_history(&tp, 1, Some(leader)).unwrap();
    let kinds: Vec<String> = all(&root, ".life-event")
        .iter()
        .map(|e| attr(e, "data-event"))
        .collect();
    assert_eq!(kinds.len(), life.events.len());
    for want in [
        "sent",
        "appended",
        "copied",
        "hw",
        "acked",
        "fetched",
        "committed",
    ] {
        assert!(kinds.iter().any(|k| k == want), "{want} in {kinds:?}");
    }
    click(&root, "[data-action=\"inspector-close\"]").await;
    one(&root, "[data-panel=\"inspector\"].idle");
}

#[wasm_bindgen_test]
async fn consumer_offsets_live_in_the_compact_view_not_the_broker_cards() {
    let root = mount().await;
    console(&root, C1).await;
    console(&root, "advance 10s").await;
    assert!(
        all(&root, &format!("[data-replica^=\"{OFFSETS_TOPIC}\"]")).is_empty(),
        "no __consumer_offsets chip in the broker cards"
    );
    assert!(!all(&root, "[data-replica^=\"orders-\"]").is_empty());
    let cells = all(&root, ".offsets-grid li.oc");
    assert_eq!(cells.len(), OFFSETS_TOPIC_NUM_PARTITIONS as usize);
    let p = offsets_partition_for("billing", OFFSETS_TOPIC_NUM_PARTITIONS);
    let core = core_after(&[C1, "advance 10s"]);
    let leader = core.group_view("billing").0.unwrap();
    let cell = one(&root, &format!(".offsets-grid li[data-partition=\"{p}\"]"));
    assert!(cell.class_list().contains("has-group"));
    assert_eq!(attr(&cell, "data-leader"), leader.to_string());
    let commits = core
        .authoritative_replica(&TopicPartition::new(OFFSETS_TOPIC, p))
        .unwrap()
        .log
        .leo();
    assert!(commits > 0, "auto-commit wrote commit records");
    assert_eq!(attr(&cell, "data-commits"), commits.to_string());
    assert_eq!(all(&root, ".offsets-grid li.has-group").len(), 1);
    // The internal topic's describe output is folded away, whole.
    let folded = all(&root, "details.internal-topic tr.partition-line");
    assert_eq!(folded.len(), OFFSETS_TOPIC_NUM_PARTITIONS as usize);
}

#[wasm_bindgen_test]
async fn the_consumer_form_and_buttons_write_scenario_lines() {
    let root = mount().await;
    set_field(
        &root,
        "select[data-control=\"consumer-strategy\"]",
        "cooperative-sticky",
        "change",
    )
    .await;
    set_field(
        &root,
        "select[data-control=\"consumer-offset-reset\"]",
        "earliest",
        "change",
    )
    .await;
    click(&root, "[data-action=\"consumer-create\"]").await;
    one(&root, "svg [data-node=\"consumer-0\"]");
    console(&root, "advance 5s").await;
    for action in ["commit", "pause", "resume", "crash", "restart", "close"] {
        click(
            &root,
            &format!("[data-consumer=\"c1\"] [data-action=\"consumer-{action}\"]"),
        )
        .await;
    }
    let lines: Vec<String> = all(&root, ".history-line[data-ok=\"true\"] code")
        .iter()
        .map(text)
        .collect();
    for want in [
        "consumer create c1 group.id=billing topics=orders partition.assignment.strategy=cooperative-sticky auto.offset.reset=earliest",
        "consumer commit c1",
        "consumer pause c1",
        "consumer resume c1",
        "consumer crash c1",
        "consumer restart c1",
        "consumer close c1",
    ] {
        assert!(lines.iter().any(|l| l == want), "{want} in {lines:?}");
    }
    let node = one(&root, "svg [data-node=\"consumer-0\"]");
    assert_eq!(attr(&node, "data-state"), "closed");
    // A refused line from a bad field changes nothing and says why.
    set_field(
        &root,
        "input[data-control=\"consumer-topics\"]",
        "",
        "input",
    )
    .await;
    click(&root, "[data-action=\"consumer-create\"]").await;
    assert_eq!(all(&root, "svg [data-node^=\"consumer-\"]").len(), 1);
    assert!(!all(&root, "[data-console-error]").is_empty());
}

#[wasm_bindgen_test]
async fn the_theme_button_pins_light_or_dark() {
    let root = mount().await;
    let html = gloo::utils::document().document_element().unwrap();
    let before = attr(
        &one(&root, "[data-action=\"switch-theme\"]"),
        "data-theme-now",
    );
    click(&root, "[data-action=\"switch-theme\"]").await;
    let after = attr(
        &one(&root, "[data-action=\"switch-theme\"]"),
        "data-theme-now",
    );
    assert_ne!(before, after);
    assert_eq!(
        html.get_attribute("data-theme").as_deref(),
        Some(after.as_str())
    );
    click(&root, "[data-action=\"switch-theme\"]").await;
    assert_eq!(
        html.get_attribute("data-theme").as_deref(),
        Some(before.as_str())
    );
    let _ = web_sys::window()
        .unwrap()
        .local_storage()
        .unwrap()
        .unwrap()
        .remove_item("kafkascope-theme");
    let _ = html.remove_attribute("data-theme");
}

#[wasm_bindgen_test]
fn lag_samples_later_than_now_are_dropped() {
    let mut s = LagSeries::default();
    for t in [100, 200, 300, 400] {
        s = LagSeries::sampled(Some(&s), t, Some(t as i64 / 100), |_| Vec::new());
    }
    assert_eq!(s.points.len(), 4);
    // Time went back to 250 ms (a seek): 300 and 400 are gone, 250 is the newest.
    let s = LagSeries::sampled(Some(&s), 250, Some(9), |_| Vec::new());
    assert_eq!(s.points, vec![(100, 1), (200, 2), (250, 9)]);
    // Bounded: thinned, never longer than the limit, the newest kept.
    let mut s = LagSeries::default();
    for t in 0..1000u64 {
        s = LagSeries::sampled(Some(&s), t, Some(1), |_| Vec::new());
    }
    assert!(s.points.len() <= kafkascope::ui::group_view::LAG_POINTS);
    assert_eq!(s.points.last(), Some(&(999, 1)));
    // Samples of the run's snapshots fill what the page did not sample itself: everything
    // before now when it has nothing, else only after its newest sample.
    let s = LagSeries::sampled(None, 11_000, Some(40), |after| {
        assert_eq!(after, None);
        vec![(0, 0), (5_000, 20)]
    });
    assert_eq!(s.points, vec![(0, 0), (5_000, 20), (11_000, 40)]);
    let s = LagSeries::sampled(Some(&s), 30_000, Some(7), |after| {
        assert_eq!(after, Some(11_000));
        vec![(20_000, 3)]
    });
    assert_eq!(s.points.len(), 5);
    assert_eq!(s.points[3..], [(20_000, 3), (30_000, 7)]);
}

/// A page opened at a moment of a run (`?t=`, as a link or a scenario file opens it) draws the
/// group's lag from the start of the run (the run's snapshots), not from one sample at "now".
#[wasm_bindgen_test]
async fn a_page_opened_at_a_moment_plots_the_lag_before_it() {
    page::set_fragment(
        "?paused&run=consumer create c1 group.id=g1 topics=orders;\
         produce p1 orders key=k rate=20/s count=400;advance 30s&t=30000",
    );
    let page = page::Page::open(true).await;
    let plot = one(&page.root, ".lag-plot");
    let points: usize = attr(&plot, "data-lag-points").parse().unwrap();
    assert!(points >= 3, "{points} lag points");
    page.close();
    page::set_fragment("");
}

#[wasm_bindgen_test]
fn layout_puts_producers_left_brokers_middle_groups_right() {
    let l = Layout::new(
        ControllerMode::Kraft,
        &[1, 2, 3],
        &[3000, 3001, 3002],
        2,
        &["billing", "audit", "billing"],
    );
    let x = |n| l.pos(n).unwrap().0;
    assert!(x(NodeId::Producer(1)) < x(NodeId::Broker(1)));
    assert!(x(NodeId::Broker(3)) < x(NodeId::Consumer(0)));
    assert_eq!(l.groups[0].group, "audit", "groups by name");
    let b = l.group_box("billing").unwrap();
    for c in [0, 2] {
        let (_, y) = l.pos(NodeId::Consumer(c)).unwrap();
        assert!(
            y > b.y && y < b.y + b.height,
            "billing's consumers in its box"
        );
    }
    assert!(l.pos(NodeId::Consumer(1)).unwrap().1 < b.y);
    let ids: Vec<i32> = (1..=12).collect();
    let grid = Layout::new(ControllerMode::Zookeeper, &ids, &[], 0, &[]);
    assert_eq!(grid.brokers_per_row, 4);
    assert!(grid.pos(NodeId::ZooKeeper).is_some());
    // Forty consumers: small pills two abreast, so the column stays near the brokers' height.
    let groups: Vec<String> = (0..40).map(|i| format!("g{}", i % 4)).collect();
    let names: Vec<&str> = groups.iter().map(String::as_str).collect();
    let big = Layout::new(ControllerMode::Kraft, &ids, &[3000], 1, &names);
    assert!(big.compact_consumers && !l.compact_consumers);
    let (x0, y0) = big.pos(NodeId::Consumer(0)).unwrap();
    let (x4, y4) = big.pos(NodeId::Consumer(4)).unwrap();
    assert!(
        x0 < x4 && (y0 - y4).abs() < 1.0,
        "g0's first two side by side"
    );
    assert!(big.height < 1300.0, "{}", big.height);
}

#[wasm_bindgen_test]
async fn a_consumers_last_error_shows_on_its_card() {
    let root = mount().await;
    console(
        &root,
        "consumer create c1 group.id=billing topics=orders auto.offset.reset=none",
    )
    .await;
    console(&root, "advance 10s").await;
    let error = text(&one(&root, "[data-consumer=\"c1\"] .member-error"));
    let core = core_after(&[
        "consumer create c1 group.id=billing topics=orders auto.offset.reset=none",
        "advance 10s",
    ]);
    let last = core.consumers[0].errors.last().unwrap();
    assert!(last.starts_with("NoOffsetForPartitionException"), "{last}");
    assert!(error.ends_with(last.as_str()), "{error}");
    let stats = text(&one(&root, "[data-consumer=\"c1\"] .member-stats"));
    assert!(stats.contains("polled 0 · processed 0"), "{stats}");
}

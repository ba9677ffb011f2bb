//! Browser tests of outcomes drawn as marks (issue 14, items 3, 4, 5 and 8): mount the real
//! page, load a story through `window.kafkascope.load`, and read the marks off the DOM: the
//! producers' counts on their nodes, the lost acknowledged record on its log cell, records a
//! group processed twice or never, cut and slowed links on the diagram, the allowed losses in
//! the monitors, and the outcomes `kafkascope.state()` returns.
#![cfg(target_arch = "wasm32")]

use js_sys::{Function, Reflect};
use kafkascope::sim::{script, Payload, Simulation, TopicPartition};
use kafkascope::ui::api;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;
use web_sys::Element;

wasm_bindgen_test_configure!(run_in_browser);

#[path = "support/page.rs"]
mod page;

use page::{all, attr, click, console, one, page_lang, text, Page};

fn call(name: &str, args: &[JsValue]) -> Result<JsValue, JsValue> {
    let api = Reflect::get(&gloo::utils::window(), &"kafkascope".into()).unwrap();
    let f: Function = Reflect::get(&api, &name.into())
        .unwrap()
        .dyn_into()
        .unwrap();
    match args {
        [] => f.call0(&api),
        [a] => f.call1(&api, a),
        _ => unreachable!(),
    }
}

fn field(v: &JsValue, name: &str) -> JsValue {
    Reflect::get(v, &name.into()).unwrap()
}

fn num(v: &JsValue, name: &str) -> f64 {
    field(v, name)
        .as_f64()
        .unwrap_or_else(|| panic!("{name} is a number"))
}

/// Loads `script` on the page through the JavaScript API and lets Yew render it.
async fn load(script: &str) -> JsValue {
    api::install();
    let state = call("load", &[script.into()]).unwrap();
    yew::scheduler::flush().await;
    state
}

/// The acks=1 leader-death story (`scenarios/acks-1-leader-dies.kss`).
const ACKS_1_LEADER_DIES: &str = include_str!("../scenarios/acks-1-leader-dies.kss");

/// Tour 16's delivery story, up to both consumers replaced.
const DELIVERY: &str = "seed 6
topic create payments partitions=1 replication-factor=3 min.insync.replicas=2
producer create retrying acks=all enable.idempotence=false linger.ms=0 request.timeout.ms=1s
producer create exact acks=all enable.idempotence=true linger.ms=0 request.timeout.ms=1s
consumer create m1 group.id=at-most-once topics=payments session.timeout.ms=10s auto.offset.reset=earliest processing=worker processing.time.ms=100 auto.commit.interval.ms=1000
consumer create l1 group.id=at-least-once topics=payments session.timeout.ms=10s auto.offset.reset=earliest processing=poll-loop processing.time.ms=50 max.poll.records=10 auto.commit.interval.ms=1000
advance 5s
network drop produce-response count=1
produce retrying payments value=pay-1
advance 3s
network drop produce-response count=1
produce exact payments value=pay-2
advance 3s
produce exact payments count=40
advance 1500ms
consumer crash m1
consumer crash l1
consumer create m2 group.id=at-most-once topics=payments session.timeout.ms=10s auto.offset.reset=earliest
consumer create l2 group.id=at-least-once topics=payments session.timeout.ms=10s auto.offset.reset=earliest
advance 20s";

#[wasm_bindgen_test]
async fn the_api_state_returns_each_producers_and_consumers_outcomes() {
    let page = Page::open(false).await;
    let state = load(ACKS_1_LEADER_DIES).await;
    let producers: js_sys::Array = field(&state, "producers").dyn_into().unwrap();
    assert_eq!(producers.length(), 1);
    let p = producers.get(0);
    assert_eq!(field(&p, "name").as_string().as_deref(), Some("p"));
    assert_eq!(num(&p, "acknowledged"), 2.0, "before and acked-then-lost");
    assert_eq!(num(&p, "failed"), 0.0);
    assert_eq!(num(&p, "pending"), 0.0);
    assert_eq!(num(&p, "lost"), 1.0);
    assert_eq!(num(&p, "producerId"), -1.0, "acks=1: not idempotent");

    let state = load(DELIVERY).await;
    let consumers: js_sys::Array = field(&state, "consumers").dyn_into().unwrap();
    let by_name = |name: &str| {
        consumers
            .iter()
            .find(|c| field(c, "name").as_string().as_deref() == Some(name))
            .unwrap_or_else(|| panic!("consumer {name}"))
    };
    // l1 processed 13..22 and committed 13; l2 processed them again.
    assert_eq!(num(&by_name("l1"), "processedTwice"), 10.0);
    assert_eq!(num(&by_name("l2"), "processedTwice"), 10.0);
    assert!(num(&by_name("l2"), "processed") > 10.0);
    assert_eq!(num(&by_name("m2"), "processedTwice"), 0.0);
    assert_eq!(
        field(&by_name("m2"), "group").as_string().as_deref(),
        Some("at-most-once")
    );
    page.close();
}

/// The page's texts in the language it shows.
fn texts() -> &'static kafkascope::ui::i18n::Texts {
    page_lang().texts()
}

fn cells(root: &Element, broker: i32) -> Vec<Element> {
    all(
        root,
        &format!("[data-broker=\"{broker}\"] [data-replica=\"t-0\"] .log-cell"),
    )
}

#[wasm_bindgen_test]
async fn the_acks_1_leader_death_marks_the_lost_acknowledged_record_on_its_cell() {
    let page = Page::open(false).await;
    let root = &page.root;
    load(ACKS_1_LEADER_DIES).await;
    // Broker 1 (dead) still holds the record at offset 1: it is marked lost, allowed by acks=1.
    let on_1 = cells(root, 1);
    let lost = on_1
        .iter()
        .find(|c| attr(c, "data-offset") == "1")
        .expect("broker 1 has offset 1");
    assert_eq!(attr(lost, "data-lost"), "acks=1");
    assert!(lost.class_list().contains("lost") && lost.class_list().contains("allowed"));
    let title = attr(lost, "title");
    let words =
        kafkascope::ui::i18n::fill(texts().marks.cell_lost_allowed, &[("config", &"acks=1")]);
    assert!(title.contains(&words), "{title}");
    assert_eq!(text(lost), "✕");
    // ... and in words under the log.
    let fate = one(
        root,
        "[data-broker=\"1\"] [data-replica=\"t-0\"] [data-fate=\"lost\"]",
    );
    let words = kafkascope::ui::i18n::fill(
        texts().marks.fate_lost,
        &[("offsets", &"1"), ("config", &"acks=1")],
    );
    assert_eq!(text(&fate), words);
    // The record before it is acknowledged and survived.
    let kept = on_1.iter().find(|c| attr(c, "data-offset") == "0").unwrap();
    assert!(kept.has_attribute("data-acked") && !kept.has_attribute("data-lost"));
    // The new leader never had offset 1: a ghost cell past its end says what was lost there.
    let leader = (2..=3)
        .find(|b| {
            all(
                root,
                &format!("[data-broker=\"{b}\"] [data-replica=\"t-0\"][data-leader=\"true\"]"),
            )
            .len()
                == 1
        })
        .expect("broker 2 or 3 leads t-0");
    let ghost = cells(root, leader)
        .into_iter()
        .find(|c| c.class_list().contains("ghost"))
        .expect("a ghost cell on the new leader");
    assert_eq!(attr(&ghost, "data-offset"), "1");
    assert_eq!(attr(&ghost, "data-lost"), "acks=1");

    // The producer's node carries its counts and the loss, labelled as allowed.
    let node = one(root, "[data-node=\"producer-0\"]");
    assert_eq!(attr(&node, "data-acked"), "2");
    assert_eq!(attr(&node, "data-lost"), "1");
    assert!(text(&node).contains("✓2"), "{}", text(&node));
    let short = kafkascope::ui::i18n::fill(
        texts().marks.producer_lost_short,
        &[("count", &1), ("config", &"acks=1")],
    );
    assert!(text(&node).contains(&short), "{}", text(&node));

    // The monitors count the loss as allowed (checked at rest: play, then pause).
    click(root, "[data-action=\"play\"]").await;
    click(root, "[data-action=\"play\"]").await;
    let allowed = one(root, "[data-allowed=\"lost\"]");
    assert_eq!(attr(&allowed, "data-config"), "acks=1");
    assert_eq!(attr(&allowed, "data-count"), "1");
    assert!(
        all(
            root,
            "[data-monitor=\"acknowledged-record-lost\"][data-state=\"ok\"]"
        )
        .len()
            == 1
    );
    page.close();
}

#[wasm_bindgen_test]
async fn cut_links_are_drawn_and_a_leader_cut_off_from_its_followers_looks_unreachable() {
    let page = Page::open(false).await;
    let root = &page.root;
    load(ACKS_1_LEADER_DIES).await;
    call("runUntil", &[JsValue::from_f64(1100.0)]).unwrap();
    yew::scheduler::flush().await;
    let cut = all(root, "svg.network .fault-link.link-cut");
    let links: Vec<String> = cut.iter().map(|l| attr(l, "data-link")).collect();
    assert_eq!(links, ["broker 1|broker 2", "broker 1|broker 3"]);
    assert!(cut.iter().all(|l| text(l).starts_with('✕')));
    // Broker 1 is running, cut off from 2 and 3: not drawn as down, drawn as unreachable.
    let b1 = one(root, "[data-node=\"broker-1\"]");
    assert!(b1.class_list().contains("running") && b1.class_list().contains("unreachable"));
    assert_eq!(attr(&b1, "data-cut-off"), "broker 2,broker 3");
    let words = kafkascope::ui::i18n::fill(texts().marks.cut_off_from, &[("nodes", &"2, 3")]);
    assert!(text(&b1).contains(&words), "{}", text(&b1));
    assert!(!one(root, "[data-node=\"broker-2\"]")
        .class_list()
        .contains("unreachable"));

    // A slowed link is drawn with its latency; healing clears every link.
    console(root, "network slow 2 3 250ms").await;
    let slow = one(root, "svg.network .fault-link.link-slow");
    assert_eq!(attr(&slow, "data-link"), "broker 2|broker 3");
    assert!(text(&slow).starts_with("250 ms"), "{}", text(&slow));
    console(root, "network heal").await;
    assert!(all(root, "svg.network .fault-link").is_empty());
    assert!(!one(root, "[data-node=\"broker-1\"]")
        .class_list()
        .contains("unreachable"));
    page.close();
}

#[wasm_bindgen_test]
async fn records_a_group_processed_twice_or_never_are_marked_on_their_cells() {
    let page = Page::open(false).await;
    let root = &page.root;
    // Tour 16's story with fewer records and an earlier crash, so the records repeated by one
    // group and skipped by the other are among the cells drawn.
    let story = DELIVERY
        .replace("count=40", "count=15")
        .replace("advance 1500ms", "advance 1200ms");
    load(&story).await;
    let sim = script::run(&story).unwrap();
    let tp = TopicPartition::new("payments", 0);
    let twice = sim.group_partition_outcome("at-least-once", &tp).twice;
    let never = sim.group_partition_outcome("at-most-once", &tp).never;
    assert!(
        twice.count() > 0 && never.count() > 0,
        "the story repeats and loses records"
    );
    let leader = sim.metadata.topics["payments"].partitions[0]
        .leader
        .unwrap();
    let drawn = all(
        root,
        &format!("[data-broker=\"{leader}\"] [data-replica=\"payments-0\"] .log-cell"),
    );
    assert!(!drawn.is_empty());
    let mut marked = 0;
    for cell in &drawn {
        let offset: i64 = attr(cell, "data-offset").parse().unwrap();
        assert_eq!(
            cell.get_attribute("data-processed-twice").as_deref() == Some("at-least-once"),
            twice.contains(offset),
            "offset {offset}"
        );
        assert_eq!(
            cell.get_attribute("data-never-processed").as_deref() == Some("at-most-once"),
            never.contains(offset),
            "offset {offset}"
        );
        marked += usize::from(cell.has_attribute("data-processed-twice"));
    }
    assert!(marked > 0, "some repeated records are drawn");
    page.close();
}

/// When the first produce request sent for the `attempt`-th time (0: the first send) is sent
/// in `text`'s run, and when it is delivered, by the core run natively.
fn first_produce(text: &str, attempt: u32) -> (u64, u64) {
    let mut sim: Simulation = script::run(text).unwrap();
    for _ in 0..100_000 {
        let retry = sim.in_flight().find(
            |m| matches!(&m.payload, Payload::Produce { batch, .. } if batch.attempt == attempt),
        );
        if let Some(m) = retry {
            return (m.sent_at_ms, m.deliver_at_ms);
        }
        assert!(sim.step(), "the run ends before a retry");
    }
    panic!("no retry");
}

#[wasm_bindgen_test]
async fn a_batch_travels_as_one_token_with_its_size_and_sequence_and_a_retry_looks_different() {
    let page = Page::open(false).await;
    let root = &page.root;
    let story = "seed 6
topic create payments partitions=1 replication-factor=3 min.insync.replicas=2
producer create exact acks=all enable.idempotence=true linger.ms=200 request.timeout.ms=1s
advance 3s
network drop produce-response count=1
produce exact payments count=3";
    load(story).await;
    // linger.ms=200: the three records gather at the producer.
    let node = one(root, "[data-node=\"producer-0\"]");
    assert_eq!(attr(&node, "data-gathering"), "3");
    assert_eq!(all(&node, ".gathering circle").len(), 3);
    assert!(
        attr(&node, "data-producer-id").ends_with(":0"),
        "pid:epoch on the node"
    );
    let id = attr(&node, "data-producer-id");
    let (pid, epoch) = id.split_once(':').unwrap();
    let words = kafkascope::ui::i18n::fill(
        texts().marks.producer_id,
        &[("id", &pid), ("epoch", &epoch)],
    );
    assert!(text(&node).contains(&words), "{}", text(&node));

    // Then they leave as one produce request carrying three records, sequence 0.
    let (sent, delivered) = first_produce(story, 0);
    call(
        "runUntil",
        &[JsValue::from_f64((sent + delivered) as f64 / 2.0)],
    )
    .unwrap();
    yew::scheduler::flush().await;
    let first = all(root, ".tok[data-kind=\"produce\"]");
    assert_eq!(first.len(), 1, "one token for the batch");
    assert_eq!(attr(&first[0], "data-batch"), "×3 #0");
    assert_eq!(text(&first[0]), "×3 #0");
    assert!(!first[0].class_list().contains("retry"));

    // Its response is dropped; the retry is drawn dashed, with the same sequence...
    let (sent, delivered) = first_produce(story, 1);
    call(
        "runUntil",
        &[JsValue::from_f64((sent + delivered) as f64 / 2.0)],
    )
    .unwrap();
    yew::scheduler::flush().await;
    let retry = one(root, ".tok[data-kind=\"produce\"]");
    assert!(retry.class_list().contains("retry"));
    assert_eq!(attr(&retry, "data-batch"), "×3 #0");
    // ... and the leader drops the duplicate, marked on its node.
    call("runUntil", &[JsValue::from_f64(delivered as f64 + 1.0)]).unwrap();
    yew::scheduler::flush().await;
    let marks = all(root, "[data-duplicate-dropped]");
    assert_eq!(marks.len(), 1, "the leader shows the dropped duplicate");
    assert!(text(&marks[0]).contains(texts().marks.duplicate_dropped));
    // The log holds each record once, with its sequence number.
    let seqs: Vec<String> = all(
        root,
        "[data-replica=\"payments-0\"][data-leader=\"true\"] .log-cell",
    )
    .iter()
    .map(|c| attr(c, "data-sequence"))
    .collect();
    assert_eq!(seqs, ["0", "1", "2"]);
    page.close();
}

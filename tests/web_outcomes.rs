//! Browser tests of outcomes drawn as marks (issue 14, items 3, 4, 5 and 8): mount the real
//! page, load a story through `window.kafkascope.load`, and read the marks off the DOM: the
//! producers' counts on their nodes, the lost acknowledged record on its log cell, records a
//! group processed twice or never, cut and slowed links on the diagram, the allowed losses in
//! the monitors, and the outcomes `kafkascope.state()` returns.
#![cfg(target_arch = "wasm32")]

use js_sys::{Function, Reflect};
use kafkascope::ui::api;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[path = "support/page.rs"]
mod page;

use page::Page;

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

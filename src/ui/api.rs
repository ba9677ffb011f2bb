//! The JavaScript API for pages that embed Kafkascope: `window.kafkascope`.
//!
//! ```js
//! kafkascope.load("seed 7\ntopic create t partitions=2 replication-factor=3\nbroker kill 1\nadvance 10s");
//! kafkascope.step();            // the next event
//! kafkascope.runUntil(20000);   // to 20 s of simulated time (earlier times go back)
//! const s = kafkascope.state(); // { timeMs, events, traceHash, brokers, partitions, groups, producers, consumers, ... }
//! kafkascope.link();            // the share link's value (what follows #k=)
//! ```
//!
//! Each call acts on the page on screen and returns its state as plain objects
//! (serde-wasm-bindgen). Errors are thrown as JavaScript `Error`s carrying the core's message
//! (`line 3: BROKER_NOT_AVAILABLE: Broker 9 does not exist`); nothing panics.

use std::cell::RefCell;
use std::rc::Rc;

use serde::Serialize;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use yew::UseReducerDispatcher;

use super::engine::Engine;
use super::state::{Action, AppState};
use super::time::{link_value, TimeAction};
use crate::sim::report::GroupReport;
use crate::sim::{BrokerState, PartitionDescription, Simulation, MAX_ADVANCE_MS};
use crate::timeline::scenario;

thread_local! {
    /// The page the API drives (the last one mounted).
    static PAGE: RefCell<Option<(Rc<Engine>, UseReducerDispatcher<AppState>)>> =
        const { RefCell::new(None) };
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct BrokerState_ {
    id: i32,
    state: BrokerState,
    fenced: bool,
}

/// A producer's outcomes: what its callbacks were told, what is still on its way, and the
/// acknowledged records the cluster has since lost.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ProducerState {
    name: String,
    /// -1 without idempotence.
    producer_id: i64,
    producer_epoch: i16,
    acknowledged: u64,
    failed: u64,
    pending: usize,
    /// Acknowledged records no longer in their partition's log.
    lost: usize,
}

/// A consumer's outcomes: records its application processed, and how many of those its group
/// processed more than once (at-least-once duplicates).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ConsumerState_ {
    name: String,
    group: String,
    processed: u64,
    processed_twice: u64,
}

/// What `state()` returns.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct State {
    time_ms: u64,
    events: u64,
    /// The core's trace hash (16 hex digits), as `kafka-sim run` reports it.
    trace_hash: String,
    /// Before the end of the recorded run.
    in_past: bool,
    end_ms: u64,
    commands: Vec<String>,
    brokers: Vec<BrokerState_>,
    partitions: Vec<PartitionDescription>,
    groups: Vec<GroupReport>,
    producers: Vec<ProducerState>,
    consumers: Vec<ConsumerState_>,
    in_flight: usize,
}

/// The API drives this page from now on.
pub fn register(engine: Rc<Engine>, dispatcher: UseReducerDispatcher<AppState>) {
    PAGE.with(|p| *p.borrow_mut() = Some((engine, dispatcher)));
}

fn page() -> Result<(Rc<Engine>, UseReducerDispatcher<AppState>), JsValue> {
    PAGE.with(|p| p.borrow().clone())
        .ok_or_else(|| js_sys::Error::new("Kafkascope has not started yet").into())
}

fn state_of(engine: &Engine) -> Result<JsValue, JsValue> {
    let player = engine.player();
    let sim = player.sim();
    let state = State {
        time_ms: sim.now_ms(),
        events: sim.events_processed(),
        trace_hash: format!("{:016x}", sim.trace.hash()),
        in_past: player.in_past(),
        end_ms: player.end().at_ms,
        commands: player
            .timeline()
            .entries
            .iter()
            .map(|e| e.line.clone())
            .collect(),
        brokers: sim
            .brokers
            .values()
            .map(|b| BrokerState_ {
                id: b.id,
                state: b.state,
                fenced: sim.metadata.brokers.get(&b.id).is_none_or(|r| r.fenced),
            })
            .collect(),
        partitions: sim.describe_partitions(),
        groups: sim.group_reports(),
        producers: producer_states(sim),
        consumers: sim
            .consumers
            .iter()
            .map(|c| ConsumerState_ {
                name: c.name.to_string(),
                group: c.config.group_id.clone(),
                processed: c.processed_count,
                processed_twice: sim.consumer_processed_twice(c),
            })
            .collect(),
        in_flight: sim.network.in_flight.len(),
    };
    let serializer = serde_wasm_bindgen::Serializer::json_compatible();
    state
        .serialize(&serializer)
        .map_err(|e| js_sys::Error::new(&e.to_string()).into())
}

fn producer_states(sim: &Simulation) -> Vec<ProducerState> {
    let lost = sim.lost_acknowledged_records();
    sim.producers
        .iter()
        .map(|p| ProducerState {
            name: p.name.to_string(),
            producer_id: p.producer_id,
            producer_epoch: p.producer_epoch,
            acknowledged: p.acked_count,
            failed: p.failed_count,
            pending: p.pending_records(),
            lost: lost.iter().filter(|l| *l.producer == *p.name).count(),
        })
        .collect()
}

/// `load(script)`: runs a scenario script instead of the current run.
pub fn load(script: String) -> Result<JsValue, JsValue> {
    let (engine, dispatcher) = page()?;
    let player = scenario::import(&script).map_err(|e| js_sys::Error::new(&e.to_string()))?;
    dispatcher.dispatch(Action::Time(TimeAction::Load(Box::new(player))));
    state_of(&engine)
}

/// `step()`: the next event.
pub fn step() -> Result<JsValue, JsValue> {
    let (engine, dispatcher) = page()?;
    dispatcher.dispatch(Action::Step);
    state_of(&engine)
}

/// `runUntil(ms)`: to that simulated time, forward or back.
pub fn run_until(ms: f64) -> Result<JsValue, JsValue> {
    let (engine, dispatcher) = page()?;
    if !ms.is_finite() || ms < 0.0 {
        return Err(js_sys::Error::new("runUntil takes a time in ms (a number, 0 or more)").into());
    }
    let end = engine.player().end().at_ms;
    let target = ms.floor() as u64;
    if target > end {
        // Beyond the recording: on from its end, as `advance` runs.
        if target - end > MAX_ADVANCE_MS {
            return Err(js_sys::Error::new(&format!(
                "runUntil runs at most {}h past the end of the run ({} ms)",
                MAX_ADVANCE_MS / 3_600_000,
                end
            ))
            .into());
        }
        dispatcher.dispatch(Action::Time(TimeAction::ToEnd));
        let now = engine.sim().now_ms();
        dispatcher.dispatch(Action::Run(format!("advance {}ms", target - now)));
    } else {
        dispatcher.dispatch(Action::Time(TimeAction::Seek(ms)));
    }
    state_of(&engine)
}

/// `state()`: the run on screen.
pub fn state() -> Result<JsValue, JsValue> {
    let (engine, _) = page()?;
    state_of(&engine)
}

/// `link()`: the share link's value for the run and moment on screen.
pub fn link() -> Result<JsValue, JsValue> {
    let (engine, _) = page()?;
    let value = link_value(&engine.player());
    Ok(value.into())
}

/// Sets `window.kafkascope` (once).
pub fn install() {
    let Some(window) = web_sys::window() else {
        return;
    };
    let api = js_sys::Object::new();
    let set = |name: &str, f: JsValue| {
        let _ = js_sys::Reflect::set(&api, &name.into(), &f);
    };
    set(
        "load",
        Closure::<dyn Fn(String) -> Result<JsValue, JsValue>>::new(load).into_js_value(),
    );
    set(
        "step",
        Closure::<dyn Fn() -> Result<JsValue, JsValue>>::new(step).into_js_value(),
    );
    set(
        "runUntil",
        Closure::<dyn Fn(f64) -> Result<JsValue, JsValue>>::new(run_until).into_js_value(),
    );
    set(
        "state",
        Closure::<dyn Fn() -> Result<JsValue, JsValue>>::new(state).into_js_value(),
    );
    set(
        "link",
        Closure::<dyn Fn() -> Result<JsValue, JsValue>>::new(link).into_js_value(),
    );
    let _ = js_sys::Reflect::set(&window, &"kafkascope".into(), api.unchecked_ref());
}

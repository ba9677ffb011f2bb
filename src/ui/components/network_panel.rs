//! Network faults by hand: cut or slow the link between two nodes, isolate or heal a node, heal
//! everything, drop messages of one kind. Every button writes one scenario line (`network ...`)
//! through `Action::Run`, so what it does is in the console's history and in share links.

use yew::prelude::*;

use super::actions::{select_field, submit, text_field};
use super::use_app;
use crate::sim::{ControllerMode, MessageKind};
use crate::ui::state::Action;
use crate::ui::view::View;

/// Every node a `network` line can name, as (scenario name, label): brokers, the KRaft
/// controllers or ZooKeeper, producers, consumers.
fn nodes(view: &View) -> Vec<(String, String)> {
    let mut nodes: Vec<(String, String)> = view
        .brokers
        .iter()
        .map(|b| (b.id.to_string(), format!("broker {}", b.id)))
        .collect();
    match view.mode {
        ControllerMode::Kraft => nodes.extend(view.controller.voters.iter().map(|v| {
            (
                format!("controller-{}", v.id),
                format!("controller {}", v.id),
            )
        })),
        ControllerMode::Zookeeper => nodes.push(("zookeeper".into(), "ZooKeeper".into())),
    }
    nodes.extend(
        view.producers
            .iter()
            .map(|p| (p.name.to_string(), format!("producer {}", p.name))),
    );
    nodes.extend(
        view.consumers
            .iter()
            .map(|c| (c.name.to_string(), format!("consumer {}", c.name))),
    );
    nodes
}

/// The scenario line of each button (also used by the tests through the DOM).
fn line(action: &str, a: &str, b: &str, latency: &str, kind: &str, count: &str) -> String {
    let ms = latency.trim().parse::<u64>().unwrap_or(0);
    let count = count.trim().parse::<u32>().unwrap_or(1).max(1);
    match action {
        "cut" => format!("network cut {a} {b}"),
        "slow" => format!("network slow {a} {b} {ms}ms"),
        "isolate" => format!("network isolate {a}"),
        "heal" => format!("network heal {a}"),
        "drop" => format!("network drop {kind} count={count}"),
        _ => "network heal".to_string(),
    }
}

#[function_component]
pub fn NetworkPanel() -> Html {
    let app = use_app();
    let t = app.lang.texts();
    let a = use_state(String::new);
    let b = use_state(String::new);
    let latency = use_state(|| "500".to_string());
    let kind = use_state(String::new);
    let count = use_state(|| "1".to_string());
    let nodes = nodes(&app.view);
    // The chosen nodes, or the first two while nothing (valid) is chosen.
    let valid = |v: &str| nodes.iter().any(|(n, _)| n == v);
    let node_a = if valid(&a) {
        (*a).clone()
    } else {
        nodes.first().map(|n| n.0.clone()).unwrap_or_default()
    };
    let node_b = if valid(&b) && *b != node_a {
        (*b).clone()
    } else {
        nodes
            .iter()
            .find(|n| n.0 != node_a)
            .map(|n| n.0.clone())
            .unwrap_or_default()
    };
    let kinds: Vec<(String, String)> = MessageKind::ALL
        .iter()
        .filter(|k| **k != MessageKind::Disconnected)
        .map(|k| (k.name().to_string(), k.name().to_string()))
        .collect();
    let chosen_kind = if kinds.iter().any(|(k, _)| *k == *kind) {
        (*kind).clone()
    } else {
        kinds[0].0.clone()
    };
    let d = app.dispatcher();
    let button = |action: &'static str, label: &'static str| {
        let run = line(action, &node_a, &node_b, &latency, &chosen_kind, &count);
        let d = d.clone();
        let onclick = Callback::from(move |_| d.dispatch(Action::Run(run.clone())));
        html! {
            <button type="button" class="btn" data-action={format!("fault-{action}")} {onclick}>
                { label }
            </button>
        }
    };
    // Enter in a field cuts nothing by surprise: the form's own submit does nothing.
    let onsubmit = submit(|| {});
    html! {
        <section class="panel network-panel" data-panel="network">
            <h2>{ t.network_heading }</h2>
            <p class="note">{ t.network_note }</p>
            <form class="form-block" data-form="network" {onsubmit}>
                <div class="field-row">
                    { select_field(t.network_node_a, "network-a", &a, &node_a, nodes.clone()) }
                    { select_field(t.network_node_b, "network-b", &b, &node_b, nodes.clone()) }
                </div>
                <div class="button-row">
                    { button("cut", t.network_cut) }
                    { button("isolate", t.network_isolate) }
                    { button("heal", t.network_heal) }
                </div>
                <div class="field-row">
                    { text_field(t.network_latency_label, "network-latency", &latency, "number") }
                    { button("slow", t.network_slow) }
                </div>
                <div class="field-row">
                    { select_field(t.network_kind_label, "network-kind", &kind, &chosen_kind, kinds) }
                    { text_field(t.network_count_label, "network-count", &count, "number") }
                    { button("drop", t.network_drop) }
                </div>
                <div class="button-row">
                    { button("heal-all", t.network_heal_all) }
                </div>
            </form>
        </section>
    }
}

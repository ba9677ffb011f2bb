//! The core's trace, newest first: simulated time, node, and the Kafka-style log line.

use yew::prelude::*;

use super::use_app;
use crate::sim::{NodeId, TraceKind};
use crate::ui::engine::format_clock;
use crate::ui::i18n::fill;
use crate::ui::view::View;

fn kind_class(kind: TraceKind) -> &'static str {
    match kind {
        TraceKind::Broker => "k-broker",
        TraceKind::Controller => "k-controller",
        TraceKind::Election => "k-election",
        TraceKind::Isr => "k-isr",
        TraceKind::Replication => "k-replication",
        TraceKind::Produce => "k-produce",
        TraceKind::ProduceError => "k-produce-error",
        TraceKind::Retention => "k-retention",
        TraceKind::Fault => "k-fault",
        TraceKind::Command => "k-command",
        TraceKind::Group => "k-group",
        TraceKind::Consumer => "k-consumer",
        #[allow(unreachable_patterns)]
        _ => "k-other",
    }
}

fn node_name(view: &View, lang: crate::ui::i18n::Lang, node: Option<NodeId>) -> String {
    let t = lang.texts();
    let Some(node) = node else {
        return t.event_node_network.to_string();
    };
    match node {
        NodeId::Broker(id) => fill(t.broker_title, &[("id", &id)]),
        NodeId::Controller(id) => fill(t.controller_title, &[("id", &id)]),
        NodeId::ZooKeeper => "ZooKeeper".to_string(),
        NodeId::Producer(i) => view
            .producers
            .iter()
            .find(|p| p.index == i)
            .map_or_else(|| node.to_string(), |p| p.name.to_string()),
        NodeId::Consumer(i) => view
            .consumers
            .iter()
            .find(|c| c.index == i)
            .map_or_else(|| node.to_string(), |c| c.name.to_string()),
    }
}

#[function_component]
pub fn EventLog() -> Html {
    let app = use_app();
    let t = app.lang.texts();
    let trace = app.view.trace.clone();
    html! {
        <section class="panel events-panel">
            <h2>{ t.events_heading }</h2>
            <p class="note">{ t.events_note }</p>
            <ol class="event-log" aria-label={t.events_heading} data-events={trace.total.to_string()}>
                if trace.lines.is_empty() {
                    <li class="event empty">{ t.events_empty }</li>
                }
                { for trace.lines.iter().enumerate().map(|(i, line)| html! {
                    // Keyed by position from the oldest, so a new line adds one element.
                    <li key={trace.total - i} class={classes!("event", kind_class(line.kind))}>
                        <span class="event-time">{ format_clock(line.at_ms as f64) }</span>
                        <span class="event-node">{ node_name(&app.view, app.lang, line.node) }</span>
                        <span class="event-text">{ line.text.clone() }</span>
                    </li>
                }) }
            </ol>
        </section>
    }
}

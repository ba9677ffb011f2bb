//! The network diagram: controllers (or ZooKeeper) on top, producers, brokers and consumer groups
//! (each group a box, dashed to its coordinator) as SVG nodes drawn by
//! Yew, and one empty group on top that the engine's painter fills with the messages in flight,
//! every animation frame, without Yew.

use std::rc::Rc;

use yew::prelude::*;

use super::fault_links::{FaultLinks, FaultNotes};
use super::producer_node::ProducerNodes;
use super::use_app;
use crate::sim::consumer::ConsumerState;
use crate::sim::coordinator::GroupState;
use crate::sim::sort::CollectSet;
use crate::sim::vec_set::VecSet;
use crate::sim::{BrokerState, ControllerMode, NodeId};
use crate::ui::engine::{px, MAX_TOKENS};
use crate::ui::i18n::{fill, Lang, Texts};
use crate::ui::view::{
    broker_state_label, BrokerView, ControllerView, FaultsView, Layout, Row, View,
};

#[function_component]
pub fn NetworkDiagram() -> Html {
    let app = use_app();
    let t = app.lang.texts();
    let layout = Rc::new(layout_of(&app.view));

    // Paint after every render: the snapshot may have moved, and tests read the DOM right after.
    {
        let engine = app.engine.clone();
        use_effect(move || {
            engine.paint();
        });
    }

    let view_box = format!("0 0 {} {}", px(layout.width), px(layout.height));
    html! {
        <figure class="diagram" data-reduced-motion={app.engine.reduced_motion().to_string()}>
            <DiagramNodes summary={DiagramSummary::of(&app.view)} view={app.view.clone()}
                lang={app.lang} />
            // The producers on a layer of their own: their counts change at every
            // acknowledgement, and then only they render again.
            <svg class="network-overlay" viewBox={view_box.clone()} preserveAspectRatio="xMidYMin meet">
                <ProducerNodes producers={app.view.producers.clone()} layout={layout.clone()}
                    lang={app.lang} />
            </svg>
            // The messages in flight on a layer of their own, over the nodes: moving them every
            // frame then repaints only that (transparent) layer, not a hundred brokers' nodes.
            <svg class="network-tokens" viewBox={view_box} preserveAspectRatio="xMidYMin meet"
                aria-hidden="true">
                <g class="tokens" ref={app.engine.layer.clone()}></g>
            </svg>
            // Beyond MAX_TOKENS messages in flight: how many more (the engine fills the number
            // and shows the note).
            <p class="tokens-note" data-tokens-not-drawn="" hidden=true
                ref={app.engine.not_drawn.clone()}>
                { not_drawn_note(t, &app.engine.not_drawn_count) }
            </p>
            <FaultNotes faults={app.view.faults.clone()} layout={layout.clone()} lang={app.lang} />
            if app.engine.reduced_motion() {
                <figcaption class="note">{ t.reduced_motion_note }</figcaption>
            }
        </figure>
    }
}

/// The note's text around its number (the `{count}` the engine writes).
fn not_drawn_note(t: &Texts, number: &NodeRef) -> Html {
    let template = fill(t.tokens_not_drawn, &[("max", &MAX_TOKENS)]);
    let (before, after) = template.split_once("{count}").unwrap_or((&template, ""));
    html! {
        <>
            { before.to_string() }
            <span class="tokens-note-count" ref={number.clone()}></span>
            { after.to_string() }
        </>
    }
}

fn layout_of(view: &View) -> Layout {
    let brokers: Vec<i32> = view.brokers.iter().map(|b| b.id).collect();
    let voters: Vec<i32> = view.controller.voters.iter().map(|v| v.id).collect();
    let groups: Vec<&str> = view.consumers.iter().map(|c| c.group.as_str()).collect();
    Layout::new(view.mode, &brokers, &voters, view.producers.len(), &groups)
}

/// Everything the diagram's nodes show, and nothing else: records appended, offsets committed or
/// polls counted leave it equal, and then a hundred brokers' nodes are not rendered again.
#[derive(PartialEq)]
struct DiagramSummary {
    mode: ControllerMode,
    /// id, state, isolated, fenced, ZooKeeper controller, partitions led.
    brokers: Vec<(i32, BrokerState, bool, bool, bool, usize)>,
    controller: Rc<ControllerView>,
    /// index, name, acks, isolated.
    producers: Vec<(u32, Rc<str>, i16, bool)>,
    /// index, name, group, state, generation, partitions assigned, group leader.
    consumers: Vec<ConsumerNode>,
    groups: Vec<GroupBox>,
    faults: Rc<FaultsView>,
    /// Brokers that dropped a duplicate batch lately.
    dropped_duplicates: VecSet<i32>,
}

type ConsumerNode = (u32, Rc<str>, String, ConsumerState, i32, usize, bool);
/// id, state, generation, coordinator, members rebalancing (by index).
type GroupBox = (
    String,
    Option<GroupState>,
    i32,
    Option<i32>,
    Vec<(u32, bool)>,
);

impl DiagramSummary {
    fn of(view: &View) -> DiagramSummary {
        DiagramSummary {
            mode: view.mode,
            brokers: view
                .brokers
                .iter()
                .map(|b| {
                    let leaders = b.replicas.iter().filter(|r| r.leader).count();
                    (b.id, b.state, b.isolated, b.fenced, b.controller, leaders)
                })
                .collect(),
            controller: view.controller.clone(),
            faults: view.faults.clone(),
            dropped_duplicates: dropped_duplicates(view),
            producers: view
                .producers
                .iter()
                .map(|p| (p.index, p.name.clone(), p.acks, p.isolated))
                .collect(),
            consumers: view
                .consumers
                .iter()
                .map(|c| {
                    let (index, name, group) = (c.index, c.name.clone(), c.group.clone());
                    (
                        index,
                        name,
                        group,
                        c.state,
                        c.generation,
                        c.assigned,
                        c.group_leader,
                    )
                })
                .collect(),
            groups: view
                .groups
                .iter()
                .map(|g| {
                    let members = g.members.iter().map(|m| (m.index, m.rebalancing)).collect();
                    (g.id.clone(), g.state, g.generation, g.coordinator, members)
                })
                .collect(),
        }
    }
}

#[derive(Properties)]
struct DiagramNodesProps {
    summary: DiagramSummary,
    view: Rc<View>,
    lang: Lang,
}

/// Equal when what the nodes show is equal (the view is only where it is read from).
impl PartialEq for DiagramNodesProps {
    fn eq(&self, other: &Self) -> bool {
        self.lang == other.lang && self.summary == other.summary
    }
}

#[function_component]
fn DiagramNodes(props: &DiagramNodesProps) -> Html {
    let t = props.lang.texts();
    let view = &*props.view;
    let layout = layout_of(view);
    let view_box = format!("0 0 {} {}", px(layout.width), px(layout.height));
    let box_width = layout.broker_width();
    html! {
        <svg class="network" viewBox={view_box} role="img" aria-label={t.diagram_label}
            preserveAspectRatio="xMidYMin meet">
            { for layout.rows.iter().map(|(row, x, y)| row_label(t, view.mode, *row, *x, *y)) }
            <FaultLinks faults={view.faults.clone()} layout={Rc::new(layout.clone())} lang={props.lang} />
            { group_boxes(t, view, &layout) }
            { controllers(t, view, &layout) }
            { for view.brokers.iter().map(|b| broker_node(t, view, b, &layout, box_width)) }
            { consumers(t, view, &layout) }
        </svg>
    }
}

fn row_label(t: &Texts, mode: ControllerMode, row: Row, x: f64, y: f64) -> Html {
    let text = match (row, mode) {
        (Row::Controllers, ControllerMode::Kraft) => t.row_controllers,
        (Row::Controllers, ControllerMode::Zookeeper) => t.mode_zookeeper,
        (Row::Brokers, _) => t.row_brokers,
        (Row::Producers, _) => t.row_producers,
        (Row::Consumers, _) => t.row_consumer_groups,
    };
    html! {
        <text class="row-label" x={px(x).to_string()} y={px(y + 4.0).to_string()}>{ text }</text>
    }
}

fn controllers(t: &Texts, view: &View, layout: &Layout) -> Html {
    let c = &view.controller;
    match c.mode {
        ControllerMode::Kraft => html! {
            { for c.voters.iter().map(|v| {
                    let (x, y) = layout.pos(NodeId::Controller(v.id)).unwrap_or_default();
                    let class = classes!("node", "voter", v.active.then_some("active"),
                        (!v.alive).then_some("down"));
                    html! {
                        <g key={v.id} {class} data-node={format!("controller-{}", v.id)}
                            transform={format!("translate({} {})", px(x), px(y))}>
                            <circle class="shape" r="24" />
                            <text class="node-name" y="5">{ v.id }</text>
                            if v.active {
                                <text class="node-note star" y="-30">{ "★ " }{ fill(t.leader_epoch, &[("epoch", &c.epoch)]) }</text>
                            }
                            if !v.alive {
                                <text class="node-note" y="40">{ t.node_down }</text>
                            }
                        </g>
                    }
            }) }
        },
        ControllerMode::Zookeeper => {
            let (x, y) = layout.pos(NodeId::ZooKeeper).unwrap_or_default();
            html! {
                <g class={classes!("node", "zookeeper", c.zookeeper_isolated.then_some("isolated"))}
                    data-node="zookeeper" transform={format!("translate({} {})", px(x), px(y))}>
                    <rect class="shape" x="-58" y="-20" width="116" height="40" rx="20" />
                    <text class="node-name" y="5">{ "ZooKeeper" }</text>
                </g>
            }
        }
    }
}

fn broker_node(t: &Texts, view: &View, b: &BrokerView, layout: &Layout, width: f64) -> Html {
    let coordinates: Vec<&str> = view
        .groups
        .iter()
        .filter(|g| g.coordinator == Some(b.id) && g.state.is_some())
        .map(|g| g.id.as_str())
        .collect();
    let (x, y) = layout.pos(NodeId::Broker(b.id)).unwrap_or_default();
    let (state, _) = broker_state_label(t, b.state);
    let leaders = b.replicas.iter().filter(|r| r.leader).count();
    let cut_from = view.faults.cut_from(NodeId::Broker(b.id));
    let cut_off = (!cut_from.is_empty()).then(|| {
        let nodes: Vec<String> = cut_from.iter().map(|n| short_node(*n)).collect();
        fill(t.marks.cut_off_from, &[("nodes", &nodes.join(", "))])
    });
    // Cut off from most of the other brokers (a leader cut from its followers): drawn as
    // unreachable. Its peers on the other end of a cut only say so in words.
    let cut_brokers = cut_from
        .iter()
        .filter(|n| matches!(n, NodeId::Broker(_)))
        .count();
    let others = view.brokers.len().saturating_sub(1);
    let unreachable = b.state == BrokerState::Running && !b.isolated && 2 * cut_brokers > others;
    let note = match b.state {
        BrokerState::Running if b.isolated => t.badge_isolated,
        BrokerState::Running if b.fenced => t.badge_fenced,
        BrokerState::Running => "",
        BrokerState::Stopped => t.state_stopped,
        BrokerState::Crashed => t.state_crashed,
    };
    let dropped_duplicate = view_dropped_duplicate(view, b.id);
    let h = 50.0;
    let name = fill(t.broker_title, &[("id", &b.id)]);
    let compact = width < 84.0;
    let state_words = match () {
        _ if unreachable => t.marks.unreachable,
        _ if note.is_empty() => t.state_running,
        _ => note,
    };
    let tooltip = match &cut_off {
        Some(cut) if b.state == BrokerState::Running => format!("{name}: {state_words} · {cut}"),
        _ => format!("{name}: {state_words}"),
    };
    html! {
        <g key={b.id} class={classes!("node", "broker", state, b.isolated.then_some("isolated"),
                b.fenced.then_some("fenced"), b.controller.then_some("zk-controller"),
                unreachable.then_some("unreachable"))}
            data-node={format!("broker-{}", b.id)}
            data-cut-off={cut_off.is_some().then(|| cut_from.iter().map(|n| n.to_string()).collect::<Vec<_>>().join(","))} transform={format!("translate({} {})", px(x), px(y))}>
            <rect class="shape" x={px(-width / 2.0).to_string()} y={px(-h / 2.0).to_string()}
                width={px(width).to_string()} height={px(h).to_string()} rx="10" />
            <text class="node-name" y="-3">{ if compact { b.id.to_string() } else { name } }</text>
            // A compact node (a big cluster) is too narrow for a word: its state shows as a mark
            // (the shape's colour and dashes say it too), the words in its tooltip.
            <title>{ tooltip }</title>
            if compact && !note.is_empty() {
                <text class="node-sub" y="14" data-state-mark="">{ state_mark(b) }</text>
            } else {
                <text class="node-sub" y="14">
                    if leaders > 0 { { format!("▲{leaders}") } }
                    if !note.is_empty() { { " " }{ note } }
                </text>
            }
            if b.controller {
                <text class="node-note star" y={px(-h / 2.0 - 8.0).to_string()}>{ t.badge_controller }</text>
            }
            if dropped_duplicate {
                <text class="node-note duplicate-dropped" data-duplicate-dropped=""
                    y={px(-h / 2.0 - if b.controller { 22.0 } else { 8.0 }).to_string()}>
                    { "⊖ " }{ t.marks.duplicate_dropped }
                </text>
            }
            // Cut links in words under the node (the links themselves are drawn).
            if let Some(cut) = cut_off.filter(|_| b.state == BrokerState::Running) {
                <text class={classes!("node-note", "cut-off", unreachable.then_some("unreachable"))}
                    y={px(h / 2.0 + if coordinates.is_empty() { 13.0 } else { 26.0 }).to_string()}>
                    { cut }
                </text>
            }
            if !coordinates.is_empty() {
                <text class="node-note coordinator-mark" y={px(h / 2.0 + 13.0).to_string()}
                    data-coordinates={coordinates.join(",")}>
                    { "◆ " }{ coordinates.join(", ") }
                </text>
            }
        </g>
    }
}

/// A node as a broker node's note names it: a broker by its id, others as the trace does.
fn short_node(n: NodeId) -> String {
    match n {
        NodeId::Broker(id) => id.to_string(),
        other => other.to_string(),
    }
}

/// The core's line when a leader drops a duplicate batch (`replica_manager`).
const DUPLICATE_DROPPED: &str = "Duplicate batch for ";
/// How long (simulated) after it the broker's node shows the drop.
const DUPLICATE_SHOWN_MS: u64 = 2_000;

/// Brokers whose leader dropped a duplicate batch in the last [`DUPLICATE_SHOWN_MS`] before the
/// newest trace line.
fn dropped_duplicates(view: &View) -> VecSet<i32> {
    let Some(newest) = view.trace.lines.first() else {
        return VecSet::new();
    };
    view.trace
        .lines
        .iter()
        .take_while(|l| l.at_ms + DUPLICATE_SHOWN_MS >= newest.at_ms)
        .filter(|l| l.text.starts_with(DUPLICATE_DROPPED))
        .filter_map(|l| match l.node {
            Some(NodeId::Broker(id)) => Some(id),
            _ => None,
        })
        .collect_set()
}

fn view_dropped_duplicate(view: &View, broker: i32) -> bool {
    dropped_duplicates(view).contains(&broker)
}

/// A broker's state in one character, for nodes too narrow for its name.
fn state_mark(b: &BrokerView) -> &'static str {
    match b.state {
        BrokerState::Crashed => "✕",
        BrokerState::Stopped => "■",
        BrokerState::Running => "⊘", // isolated or fenced
    }
}

fn consumers(t: &Texts, view: &View, layout: &Layout) -> Html {
    html! {
        { for view.consumers.iter().map(|c| {
                let (x, y) = layout.pos(NodeId::Consumer(c.index)).unwrap_or_default();
                let member = view
                    .groups
                    .iter()
                    .find(|g| g.id == c.group)
                    .and_then(|g| g.members.iter().find(|m| m.index == c.index));
                let (state, sub) = match c.state {
                    ConsumerState::Crashed => ("crashed", t.state_crashed.to_string()),
                    ConsumerState::Closed => ("closed", t.consumer_closed.to_string()),
                    ConsumerState::Running if member.is_some_and(|m| m.rebalancing) => {
                        ("rebalancing", t.consumer_rebalancing.to_string())
                    }
                    ConsumerState::Running if c.assigned == 1 => ("running", t.consumer_partition_one.to_string()),
                    ConsumerState::Running => (
                        "running",
                        fill(t.consumer_partitions, &[("count", &c.assigned)]),
                    ),
                };
                let title = format!("{} · {sub}", fill(t.consumer_title, &[("name", &c.name),
                    ("group", &c.group), ("generation", &c.generation)]));
                html! {
                    <g key={c.index} class={classes!("node", "consumer", state, (!c.running).then_some("down"))}
                        data-node={format!("consumer-{}", c.index)} data-state={state}
                        transform={format!("translate({} {})", px(x), px(y))}>
                        if layout.compact_consumers {
                            <rect class="shape" x="-38" y="-10" width="76" height="20" rx="10" />
                            <text class="node-name small" y="4">
                                if c.group_leader { <tspan class="star">{ "⚑" }</tspan> }
                                { c.name.to_string() }
                            </text>
                        } else {
                            <rect class="shape" x="-74" y="-17" width="148" height="34" rx="17" />
                            <text class="node-name" y="-2">
                                if c.group_leader { <tspan class="star">{ "⚑ " }</tspan> }
                                { c.name.to_string() }
                            </text>
                            <text class="node-sub" y="12">{ sub }</text>
                        }
                        <title>{ title }</title>
                    </g>
                }
        }) }
    }
}

/// Each group's box: its name, state and generation, and a dashed line to its coordinator.
fn group_boxes(t: &Texts, view: &View, layout: &Layout) -> Html {
    html! {
        { for layout.groups.iter().map(|b| {
                let g = view.groups.iter().find(|g| g.id == b.group);
                let state = g.and_then(|g| g.state);
                let state_name = state.map_or(t.group_state_unknown, |s| s.name());
                let title = match g {
                    Some(g) if state.is_some() => fill(t.group_box_caption, &[("group", &b.group), ("generation", &g.generation)]),
                    _ => b.group.clone(),
                };
                let link = g
                    .and_then(|g| g.coordinator.filter(|_| g.state.is_some()))
                    .and_then(|c| layout.pos(NodeId::Broker(c)))
                    .map(|(bx, by)| {
                        let (x0, y0) = (b.x, b.y + 18.0);
                        format!("M{} {}C{} {} {} {} {} {}", px(x0), px(y0), px(x0 - 40.0), px(y0),
                            px(bx + 60.0), px(by), px(bx), px(by))
                    });
                html! {
                    <g key={b.group.clone()} class={classes!("group-box", state.map(|s| s.name()))}
                        data-group={b.group.clone()}>
                        if let Some(d) = link {
                            <path class="coordinator-link" {d} />
                        }
                        <rect class="group-shape" x={px(b.x).to_string()} y={px(b.y).to_string()}
                            width={px(b.width).to_string()} height={px(b.height).to_string()} rx="14" />
                        <text class="group-name" x={px(b.x + 12.0).to_string()} y={px(b.y + 17.0).to_string()}>
                            { title }
                        </text>
                        <text class="group-sub" x={px(b.x + 12.0).to_string()} y={px(b.y + 31.0).to_string()}>
                            { state_name }
                        </text>
                    </g>
                }
        }) }
    }
}

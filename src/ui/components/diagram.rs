//! The network diagram: controllers (or ZooKeeper) on top, producers, brokers and consumer groups
//! (each group a box, dashed to its coordinator) as SVG nodes drawn by
//! Yew, and one empty group on top that the engine's painter fills with the messages in flight,
//! every animation frame, without Yew.

use std::rc::Rc;

use yew::prelude::*;

use super::use_app;
use crate::sim::consumer::ConsumerState;
use crate::sim::coordinator::GroupState;
use crate::sim::{BrokerState, ControllerMode, NodeId};
use crate::ui::engine::{px, MAX_TOKENS};
use crate::ui::i18n::{fill, Lang, Texts};
use crate::ui::view::{broker_state_label, BrokerView, ControllerView, Layout, Row, View};

#[function_component]
pub fn NetworkDiagram() -> Html {
    let app = use_app();
    let t = app.lang.texts();
    let layout = layout_of(&app.view);

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
            { group_boxes(t, view, &layout) }
            { controllers(t, view, &layout) }
            { for view.brokers.iter().map(|b| broker_node(t, view, b, &layout, box_width)) }
            { producers(view, &layout) }
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
    let note = match b.state {
        BrokerState::Running if b.isolated => t.badge_isolated,
        BrokerState::Running if b.fenced => t.badge_fenced,
        BrokerState::Running => "",
        BrokerState::Stopped => t.state_stopped,
        BrokerState::Crashed => t.state_crashed,
    };
    let h = 50.0;
    let name = fill(t.broker_title, &[("id", &b.id)]);
    let compact = width < 84.0;
    let tooltip = format!(
        "{name}: {}",
        if note.is_empty() {
            t.state_running
        } else {
            note
        }
    );
    html! {
        <g key={b.id} class={classes!("node", "broker", state, b.isolated.then_some("isolated"),
                b.fenced.then_some("fenced"), b.controller.then_some("zk-controller"))}
            data-node={format!("broker-{}", b.id)} transform={format!("translate({} {})", px(x), px(y))}>
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
                    if leaders > 0 { { format!("★{leaders}") } }
                    if !note.is_empty() { { " " }{ note } }
                </text>
            }
            if b.controller {
                <text class="node-note star" y={px(-h / 2.0 - 8.0).to_string()}>{ t.badge_controller }</text>
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

/// A broker's state in one character, for nodes too narrow for its name.
fn state_mark(b: &BrokerView) -> &'static str {
    match b.state {
        BrokerState::Crashed => "✕",
        BrokerState::Stopped => "■",
        BrokerState::Running => "⊘", // isolated or fenced
    }
}

fn producers(view: &View, layout: &Layout) -> Html {
    html! {
        { for view.producers.iter().map(|p| {
                let (x, y) = layout.pos(NodeId::Producer(p.index)).unwrap_or_default();
                let acks = match p.acks {
                    -1 => "all".to_string(),
                    n => n.to_string(),
                };
                html! {
                    <g key={p.index} class={classes!("node", "producer", p.isolated.then_some("isolated"))}
                        data-node={format!("producer-{}", p.index)} transform={format!("translate({} {})", px(x), px(y))}>
                        <rect class="shape" x="-50" y="-20" width="100" height="40" rx="8" />
                        <text class="node-name" y="-2">{ p.name.to_string() }</text>
                        <text class="node-sub" y="13">{ format!("acks={acks}") }</text>
                    </g>
                }
        }) }
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
                                if c.group_leader { <tspan class="star">{ "★" }</tspan> }
                                { c.name.to_string() }
                            </text>
                        } else {
                            <rect class="shape" x="-74" y="-17" width="148" height="34" rx="17" />
                            <text class="node-name" y="-2">
                                if c.group_leader { <tspan class="star">{ "★ " }</tspan> }
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

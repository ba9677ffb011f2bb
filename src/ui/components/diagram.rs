//! The network diagram: controllers (or ZooKeeper), brokers and producers as SVG nodes drawn by
//! Yew, and one empty group on top that the engine's painter fills with the messages in flight,
//! every animation frame, without Yew.

use yew::prelude::*;

use super::use_app;
use crate::sim::{BrokerState, ControllerMode, NodeId};
use crate::ui::engine::px;
use crate::ui::i18n::{fill, Texts};
use crate::ui::view::{BrokerView, Layout, Row, View};

#[function_component]
pub fn NetworkDiagram() -> Html {
    let app = use_app();
    let t = app.lang.texts();
    let view = &app.view;
    let brokers: Vec<i32> = view.brokers.iter().map(|b| b.id).collect();
    let voters: Vec<i32> = view.controller.voters.iter().map(|v| v.id).collect();
    let layout = Layout::new(
        view.mode,
        &brokers,
        &voters,
        view.producers.len(),
        view.consumers.len(),
    );

    // Paint after every render: the snapshot may have moved, and tests read the DOM right after.
    {
        let engine = app.engine.clone();
        use_effect(move || {
            engine.paint();
        });
    }

    let view_box = format!("0 0 {} {}", px(layout.width), px(layout.height));
    let box_width = layout.broker_width(view.brokers.len());
    html! {
        <figure class="diagram" data-reduced-motion={app.engine.reduced_motion().to_string()}>
            <svg class="network" viewBox={view_box} role="img" aria-label={t.diagram_label}
                preserveAspectRatio="xMidYMin meet">
                { for layout.rows.iter().map(|(row, y)| row_label(t, view.mode, *row, *y)) }
                { controllers(t, view, &layout) }
                { for view.brokers.iter().map(|b| broker_node(t, b, &layout, box_width)) }
                { producers(view, &layout) }
                { consumers(t, view, &layout) }
                <g class="tokens" aria-hidden="true" ref={app.engine.layer.clone()}></g>
            </svg>
            if app.engine.reduced_motion() {
                <figcaption class="note">{ t.reduced_motion_note }</figcaption>
            }
        </figure>
    }
}

fn row_label(t: &Texts, mode: ControllerMode, row: Row, y: f64) -> Html {
    let text = match (row, mode) {
        (Row::Controllers, ControllerMode::Kraft) => t.row_controllers,
        (Row::Controllers, ControllerMode::Zookeeper) => t.mode_zookeeper,
        (Row::Brokers, _) => t.row_brokers,
        (Row::Producers, _) => t.row_producers,
        (Row::Consumers, _) => t.row_consumers,
    };
    html! {
        <text class="row-label" x="12" y={px(y + 4.0).to_string()}>{ text }</text>
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

fn broker_node(t: &Texts, b: &BrokerView, layout: &Layout, width: f64) -> Html {
    let (x, y) = layout.pos(NodeId::Broker(b.id)).unwrap_or_default();
    let state = match b.state {
        BrokerState::Running => "running",
        BrokerState::Stopped => "stopped",
        BrokerState::Crashed => "crashed",
    };
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
    html! {
        <g key={b.id} class={classes!("node", "broker", state, b.isolated.then_some("isolated"),
                b.fenced.then_some("fenced"), b.controller.then_some("zk-controller"))}
            data-node={format!("broker-{}", b.id)} transform={format!("translate({} {})", px(x), px(y))}>
            <rect class="shape" x={px(-width / 2.0).to_string()} y={px(-h / 2.0).to_string()}
                width={px(width).to_string()} height={px(h).to_string()} rx="10" />
            <text class="node-name" y="-3">{ if compact { b.id.to_string() } else { name } }</text>
            <text class="node-sub" y="14">
                if leaders > 0 { { format!("★{leaders}") } }
                if !note.is_empty() { { " " }{ note } }
            </text>
            if b.controller {
                <text class="node-note star" y={px(-h / 2.0 - 8.0).to_string()}>{ t.badge_controller }</text>
            }
        </g>
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
                let sub = fill(t.consumer_sub, &[("group", &c.group), ("generation", &c.generation)]);
                html! {
                    <g key={c.index} class={classes!("node", "consumer", (!c.running).then_some("down"))}
                        data-node={format!("consumer-{}", c.index)}
                        transform={format!("translate({} {})", px(x), px(y))}>
                        <rect class="shape" x="-56" y="-20" width="112" height="40" rx="20" />
                        <text class="node-name" y="-2">
                            if c.group_leader { <tspan class="star">{ "★ " }</tspan> }
                            { c.name.to_string() }
                        </text>
                        <text class="node-sub" y="13">{ sub }</text>
                    </g>
                }
        }) }
    }
}

//! A producer's node on the diagram: its name and acks; with idempotence, its producer id and
//! epoch; its outcomes as counts (✓ acknowledged, ✕ failed, … pending) and the acknowledged
//! records since lost with the configuration that allowed it; and the records gathering in its
//! accumulator (`linger.ms`) as dots that grow until the batch leaves.
//!
//! A component of its own: the counts change at every acknowledgement, and then only the
//! producers' nodes render again, not a hundred brokers'.

use std::rc::Rc;

use yew::prelude::*;

use crate::sim::NodeId;
use crate::ui::engine::px;
use crate::ui::i18n::{fill, Lang};
use crate::ui::view::{Layout, ProducerView};

/// Dots drawn for gathering records; more show as a number.
const GATHER_DOTS: usize = 8;

#[derive(Properties, PartialEq)]
pub struct ProducerNodesProps {
    pub producers: Rc<[ProducerView]>,
    pub layout: Rc<Layout>,
    pub lang: Lang,
}

#[function_component]
pub fn ProducerNodes(props: &ProducerNodesProps) -> Html {
    html! {
        { for props.producers.iter().map(|p| producer_node(props.lang, p, &props.layout)) }
    }
}

fn producer_node(lang: Lang, p: &ProducerView, layout: &Layout) -> Html {
    let w = lang.texts().marks;
    let (x, y) = layout.pos(NodeId::Producer(p.index)).unwrap_or_default();
    let acks = match p.acks {
        -1 => "all".to_string(),
        n => n.to_string(),
    };
    let sub = format!("acks={acks}");
    let id = (p.producer_id >= 0).then(|| {
        fill(
            w.producer_id,
            &[("id", &p.producer_id), ("epoch", &p.producer_epoch)],
        )
    });
    let counts = fill(
        w.producer_counts,
        &[
            ("acked", &p.acked),
            ("failed", &p.failed),
            ("pending", &p.pending),
        ],
    );
    let mut title = vec![p.name.to_string(), counts];
    title.extend(id.clone());
    title.extend(lost_note(lang, p, w.producer_lost));
    let lost = lost_note(lang, p, w.producer_lost_short);
    if p.gathering > 0 {
        title.push(fill(
            w.producer_gathering,
            &[("count", &p.gathering), ("linger", &p.linger_ms)],
        ));
    }
    html! {
        <g key={p.index} class={classes!("node", "producer", p.isolated.then_some("isolated"),
                (p.lost > 0).then_some("has-lost"))}
            data-node={format!("producer-{}", p.index)}
            data-acked={p.acked.to_string()} data-failed={p.failed.to_string()}
            data-pending={p.pending.to_string()} data-lost={p.lost.to_string()}
            data-gathering={p.gathering.to_string()}
            data-producer-id={(p.producer_id >= 0).then(|| format!("{}:{}", p.producer_id, p.producer_epoch))}
            transform={format!("translate({} {})", px(x), px(y))}>
            <rect class="shape" x="-62" y="-26" width="124" height="52" rx="8" />
            if let Some(id) = id {
                <text class="node-note producer-id" y="-31">{ id }</text>
            }
            <text class="node-name" y="-9">{ p.name.to_string() }</text>
            <text class="node-sub producer-config" y="5">{ sub }</text>
            <text class="producer-counts" y="19">
                <tspan class="count-acked">{ format!("✓{}", p.acked) }</tspan>
                <tspan class="count-failed" dx="5">{ format!("✕{}", p.failed) }</tspan>
                <tspan class="count-pending" dx="5">{ format!("…{}", p.pending) }</tspan>
            </text>
            if let Some(lost) = lost {
                <text class="producer-lost" x="-62" y="40">{ lost }</text>
            }
            { gathering(p.gathering) }
            <title>{ title.join("\n") }</title>
        </g>
    }
}

/// "1 lost · allowed by acks=1" (`template`), when any.
fn lost_note(lang: Lang, p: &ProducerView, template: &str) -> Option<String> {
    let w = lang.texts().marks;
    (p.lost > 0).then(|| match p.lost_allowed_by {
        Some(by) => fill(template, &[("count", &p.lost), ("config", &by.config())]),
        None => format!("{} · {}", p.lost, w.cell_lost_promised),
    })
}

/// Records gathering in the accumulator: a column of dots on the node's right edge.
fn gathering(count: usize) -> Html {
    if count == 0 {
        return Html::default();
    }
    let dots = count.min(GATHER_DOTS);
    html! {
        <g class="gathering" aria-hidden="true">
            { for (0..dots).map(|i| html! {
                <circle cx="69" cy={(22 - 6 * i as i64).to_string()} r="2.5" />
            }) }
            if count > GATHER_DOTS {
                <text class="gathering-more" x="66" y="-24">{ format!("+{}", count - GATHER_DOTS) }</text>
            }
        </g>
    }
}

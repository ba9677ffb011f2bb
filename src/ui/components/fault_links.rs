//! Faults on the diagram's links, drawn under the nodes: a cut link as a red broken line with ✕
//! at its middle, a slowed link as a dashed line with its latency, a link dropping messages of
//! a kind with the kind and how many more it drops. A rule on every link (no `from=`/`to=`) is a
//! line of text under the diagram. An isolated node is drawn on the node itself.
//!
//! A link follows the lane of the messages from its lower node to its higher one (the painter's
//! curve), so a link between brokers of one row arcs over the others instead of crossing them.

use std::rc::Rc;

use yew::prelude::*;

use crate::sim::network::DropRule;
use crate::sim::NodeId;
use crate::ui::engine::{px, Curve};
use crate::ui::i18n::{fill, Lang};
use crate::ui::view::{FaultsView, Layout};

#[derive(Properties, PartialEq)]
pub struct FaultLinksProps {
    pub faults: Rc<FaultsView>,
    pub layout: Rc<Layout>,
    pub lang: Lang,
}

/// The links with a fault, in the diagram's SVG.
#[function_component]
pub fn FaultLinks(props: &FaultLinksProps) -> Html {
    let w = props.lang.texts().marks;
    let f = &props.faults;
    let layout = &props.layout;
    let cut = f.cut.iter().filter_map(|&(a, b)| {
        let arc = arc(layout, a, b)?;
        Some(link(&arc, "link-cut", (a, b), "✕", w.link_cut))
    });
    let slow = f.slow.iter().filter_map(|&(a, b, ms)| {
        let arc = arc(layout, a, b)?;
        let words = fill(w.link_slow, &[("a", &a), ("b", &b), ("ms", &ms)]);
        Some(link(&arc, "link-slow", (a, b), &format!("{ms} ms"), &words))
    });
    let drops = f.drops.iter().filter_map(|rule| {
        let arc = arc(layout, rule.from?, rule.to?)?;
        let words = drop_words(props.lang, rule);
        Some(link(&arc, "link-drop", (rule.from?, rule.to?), "⤫", &words))
    });
    html! {
        <g class="fault-links">{ for cut }{ for slow }{ for drops }</g>
    }
}

/// Rules dropping messages on every link, or every link of one node, as lines of text.
#[function_component]
pub fn FaultNotes(props: &FaultLinksProps) -> Html {
    let notes: Vec<String> = props
        .faults
        .drops
        .iter()
        .filter(|r| r.from.is_none() || r.to.is_none())
        .map(|r| match (r.from, r.to) {
            (None, None) => {
                let count = r.remaining.map_or("∞".to_string(), |n| n.to_string());
                fill(
                    props.lang.texts().marks.drop_everywhere,
                    &[("kind", &r.kind.name()), ("count", &count)],
                )
            }
            (from, to) => {
                let end = |n: Option<NodeId>| n.map_or("*".to_string(), |n| n.to_string());
                format!(
                    "{} ({} → {})",
                    drop_words(props.lang, r),
                    end(from),
                    end(to)
                )
            }
        })
        .collect();
    if notes.is_empty() {
        return Html::default();
    }
    html! {
        <ul class="fault-notes">
            { for notes.into_iter().map(|n| html! { <li data-fault="drop">{ n }</li> }) }
        </ul>
    }
}

fn drop_words(lang: Lang, rule: &DropRule) -> String {
    let count = rule.remaining.map_or("∞".to_string(), |n| n.to_string());
    fill(
        lang.texts().marks.link_drop,
        &[("kind", &rule.kind.name()), ("count", &count)],
    )
}

/// One faulty link: its arc, a mark at its middle and the words in a tooltip.
fn link(
    arc: &Curve,
    class: &'static str,
    (a, b): (NodeId, NodeId),
    mark: &str,
    words: &str,
) -> Html {
    let (mx, my) = arc.at(0.5);
    html! {
        <g class={classes!("fault-link", class)} data-link={format!("{a}|{b}")}>
            <path class="link-line" d={arc.path()} />
            <text class="link-mark" x={px(mx).to_string()} y={px(my + 4.0).to_string()}>{ mark }</text>
            <title>{ words.to_string() }</title>
        </g>
    }
}

/// A link's curve, on the side of the messages from its lower node to its higher one, bowed
/// out far enough that its middle (and its mark) clears the nodes of a row.
fn arc(layout: &Layout, a: NodeId, b: NodeId) -> Option<Curve> {
    let (a, b) = if a <= b { (a, b) } else { (b, a) };
    Some(Curve::bowed(layout.pos(a)?, layout.pos(b)?, LINK_BULGE))
}

/// How far a link's control point stands off its chord, at least (its middle: half of it).
const LINK_BULGE: f64 = 84.0;

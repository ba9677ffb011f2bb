//! One partition replica on a broker: leader or follower, in the ISR or not, and its log as a
//! strip of offset cells with the high watermark drawn between committed and uncommitted ones.

use wasm_bindgen::JsCast;
use web_sys::{Element, KeyboardEvent};
use yew::prelude::*;

use super::record_inspector::{InspectContext, RecordRef};
use crate::ui::i18n::{fill, Lang};
use crate::ui::view::ReplicaView;

#[derive(Properties, PartialEq)]
pub struct ReplicaChipProps {
    pub replica: ReplicaView,
    pub broker: i32,
    pub lang: Lang,
}

/// Partitions get distinct colours (classes `p0`..`p7` in style.css) so that a partition's
/// replicas can be followed across brokers.
const PALETTE: i32 = 8;
/// Leader epochs colour the log cells (classes `e0`..`e3`): a truncated tail shows its epoch.
const EPOCHS: i32 = 4;

#[function_component]
pub fn ReplicaChip(props: &ReplicaChipProps) -> Html {
    let t = props.lang.texts();
    let r = &props.replica;
    let name = r.name();
    let class = classes!(
        "replica",
        format!("p{}", r.partition.rem_euclid(PALETTE)),
        if r.leader { "leader" } else { "follower" },
        if r.in_isr { "in-isr" } else { "out-of-isr" },
    );
    let numbers = fill(t.log_numbers, &[("leo", &r.leo), ("hw", &r.hw)]);
    let log_label = fill(
        t.log_label,
        &[("name", &name), ("leo", &r.leo), ("hw", &r.hw)],
    );
    let elided = r
        .cells
        .first()
        .is_some_and(|(offset, _)| *offset > r.log_start)
        || (r.cells.is_empty() && r.leo > r.log_start);

    let hw_before = r.cells.first().is_some_and(|(offset, _)| r.hw <= *offset);

    // A click on a cell opens the record inspector on it (one listener for the strip); Enter
    // on the focused strip opens its newest record.
    let inspect = use_context::<InspectContext>();
    let record = |offset: i64| RecordRef {
        broker: props.broker,
        topic: r.topic.clone(),
        partition: r.partition,
        offset,
    };
    let selected = inspect
        .as_ref()
        .and_then(|i| (**i).clone())
        .filter(|s| s.broker == props.broker && *s.topic == *r.topic && s.partition == r.partition)
        .map(|s| s.offset);
    let onclick = inspect.clone().map(|inspect| {
        let base = record(0);
        Callback::from(move |e: MouseEvent| {
            let offset = e
                .target()
                .and_then(|t| t.dyn_into::<Element>().ok())
                .and_then(|el| el.closest("[data-offset]").ok().flatten())
                .and_then(|el| el.get_attribute("data-offset"))
                .and_then(|o| o.parse::<i64>().ok());
            if let Some(offset) = offset {
                inspect.set(Some(RecordRef {
                    offset,
                    ..base.clone()
                }));
            }
        })
    });
    let onkeydown = inspect.map(|inspect| {
        let newest = r.cells.last().map(|(o, _)| record(*o));
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Enter" {
                if let Some(rec) = &newest {
                    inspect.set(Some(rec.clone()));
                }
            }
        })
    });

    html! {
        <li {class} data-replica={name.clone()}
            data-leader={r.leader.to_string()} data-isr={r.in_isr.to_string()}
            data-leo={r.leo.to_string()} data-hw={r.hw.to_string()}>
            <div class="replica-top">
                <span class="replica-name">{ name }</span>
                <span class="replica-role">
                    if r.leader {
                        <span class="role leader-mark" data-leader-epoch={r.leader_epoch.to_string()}>
                            <span class="star" aria-hidden="true">{ "★" }</span>
                            { t.leader }
                            <span class="epoch">{ fill(t.leader_epoch, &[("epoch", &r.leader_epoch)]) }</span>
                        </span>
                    } else {
                        <span class="role">{ t.follower }</span>
                    }
                    // In the ISR is the normal state (the chip's solid edge says it); leaving
                    // it is news, so it gets words.
                    if r.in_isr {
                        <span class="visually-hidden">{ t.in_isr }</span>
                    } else {
                        <span class="isr-mark">{ t.out_of_isr }</span>
                    }
                </span>
            </div>
            <div class="log-row">
                <ol class={classes!("log-strip", hw_before.then_some("hw-before"))}
                    aria-label={format!("{log_label}. {}", t.log_inspect_hint)}
                    tabindex={(!r.cells.is_empty()).then_some("0")} {onclick} {onkeydown}>
                    if elided {
                        <li class="log-more" aria-hidden="true">{ "…" }</li>
                    }
                    if let Some((first, _)) = r.cells.first() {
                        <li class="log-first" aria-hidden="true">{ first }</li>
                    }
                    { for r.cells.iter().map(|&(offset, epoch)| {
                        let committed = offset < r.hw;
                        html! {
                            <li key={offset} class={classes!("log-cell",
                                    if committed { "committed" } else { "uncommitted" },
                                    format!("e{}", epoch.rem_euclid(EPOCHS)),
                                    (offset + 1 == r.hw).then_some("at-hw"),
                                    (selected == Some(offset)).then_some("selected"))}
                                data-offset={offset.to_string()} data-epoch={epoch.to_string()}
                                title={format!("offset {offset} · epoch {epoch}")}></li>
                        }
                    }) }
                    if r.cells.is_empty() {
                        <li class="log-empty" aria-hidden="true"></li>
                    }
                </ol>
                <span class="log-numbers">{ numbers }</span>
            </div>
        </li>
    }
}

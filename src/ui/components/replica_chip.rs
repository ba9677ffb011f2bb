//! One partition replica on a broker: leader or follower, in the ISR or not, and its log as a
//! strip of offset cells with the high watermark drawn between committed and uncommitted ones.

use wasm_bindgen::JsCast;
use web_sys::{Element, KeyboardEvent};
use yew::prelude::*;

use super::record_inspector::{InspectContext, RecordRef};
use crate::sim::outcomes::LossAllowedBy;
use crate::ui::i18n::{fill, Lang, Texts};
use crate::ui::marks::{CellMarks, CellView};
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
    let elided = r.cells.first().is_some_and(|c| c.offset > r.log_start)
        || (r.cells.is_empty() && r.leo > r.log_start);

    let hw_before = r.cells.first().is_some_and(|c| r.hw <= c.offset);

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
        let newest = r.cells.iter().rfind(|c| !c.ghost).map(|c| record(c.offset));
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
                            <span class="star" aria-hidden="true">{ "▲" }</span>
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
                    if let Some(first) = r.cells.first() {
                        <li class="log-first" aria-hidden="true">{ first.offset }</li>
                    }
                    { for r.cells.iter().map(|c| log_cell(t, c, r.hw, selected)) }
                    if r.cells.is_empty() {
                        <li class="log-empty" aria-hidden="true"></li>
                    }
                </ol>
                <span class="log-numbers">{ numbers }</span>
            </div>
            { fates_line(t, &r.cells) }
        </li>
    }
}

/// One record's cell: committed or not, its epoch's shade, and its fate as a mark (a glyph in
/// the cell, every mark in its tooltip and data attributes).
fn log_cell(t: &Texts, c: &CellView, hw: i64, selected: Option<i64>) -> Html {
    let m = &c.marks;
    let offset = c.offset;
    let committed = offset < hw && !c.ghost;
    let glyph = match () {
        _ if m.lost.is_some() => "✕",
        _ if m.duplicate_of.is_some() => "2",
        _ if !m.twice.is_empty() => "↻",
        _ if !m.never.is_empty() => "∅",
        _ => "",
    };
    let class = classes!(
        "log-cell",
        if committed {
            "committed"
        } else {
            "uncommitted"
        },
        (!c.ghost).then(|| format!("e{}", c.epoch.rem_euclid(EPOCHS))),
        (offset + 1 == hw).then_some("at-hw"),
        (selected == Some(offset)).then_some("selected"),
        c.ghost.then_some("ghost"),
        m.acked.then_some("acked"),
        m.lost.map(|allowed| if allowed.is_some() {
            "lost allowed"
        } else {
            "lost promised"
        }),
        m.duplicate_of.map(|_| "duplicate"),
        (!m.twice.is_empty()).then_some("twice"),
        (!m.never.is_empty()).then_some("never"),
    );
    html! {
        <li key={offset} {class} data-offset={offset.to_string()} data-epoch={c.epoch.to_string()}
            data-acked={m.acked.then_some("")}
            data-lost={m.lost.map(|a| a.map_or("promised", |a| a.config()))}
            data-duplicate-of={m.duplicate_of.map(|o| o.to_string())}
            data-sequence={(m.sequence >= 0).then(|| m.sequence.to_string())}
            data-processed-twice={(!m.twice.is_empty()).then(|| m.twice.join(","))}
            data-never-processed={(!m.never.is_empty()).then(|| m.never.join(","))}
            title={cell_title(t, c)}>
            if !glyph.is_empty() {
                <span class="cell-mark" aria-hidden="true">{ glyph }</span>
            }
        </li>
    }
}

/// A cell's tooltip: where it is, then each mark in words.
fn cell_title(t: &Texts, c: &CellView) -> String {
    let w = t.marks;
    let m: &CellMarks = &c.marks;
    let mut parts = Vec::new();
    if !c.ghost {
        parts.push(fill(w.cell, &[("offset", &c.offset), ("epoch", &c.epoch)]));
    }
    if m.sequence >= 0 {
        parts.push(fill(w.cell_sequence, &[("seq", &m.sequence)]));
    }
    if m.acked {
        parts.push(w.cell_acked.to_string());
    }
    match m.lost {
        Some(Some(by)) => parts.push(fill(w.cell_lost_allowed, &[("config", &by.config())])),
        Some(None) => parts.push(w.cell_lost_promised.to_string()),
        None => {}
    }
    if let Some(o) = m.duplicate_of {
        parts.push(fill(w.cell_duplicate, &[("offset", &o)]));
    }
    if !m.twice.is_empty() {
        parts.push(fill(w.cell_twice, &[("groups", &m.twice.join(", "))]));
    }
    if !m.never.is_empty() {
        parts.push(fill(w.cell_never, &[("groups", &m.never.join(", "))]));
    }
    parts.join(" · ")
}

/// The marked cells in words, one line per kind of fate: "✕ 1: acknowledged, then lost —
/// allowed by acks=1", "↻ 13–17: processed twice by at-least-once".
fn fates_line(t: &Texts, cells: &[CellView]) -> Html {
    let w = t.marks;
    let mut lines: Vec<(&'static str, String)> = Vec::new();
    let mut add = |kind: &'static str,
                   template: &str,
                   key: &str,
                   value: String,
                   pick: &dyn Fn(&CellMarks) -> bool| {
        let offsets: Vec<i64> = cells
            .iter()
            .filter(|c| pick(&c.marks))
            .map(|c| c.offset)
            .collect();
        if !offsets.is_empty() {
            let text = fill(template, &[("offsets", &ranges(&offsets)), (key, &value)]);
            lines.push((kind, text));
        }
    };
    let configs: Vec<Option<LossAllowedBy>> = dedup(cells.iter().filter_map(|c| c.marks.lost));
    for allowed in configs {
        let words = allowed.map_or(w.cell_lost_promised.to_string(), |a| a.config().to_string());
        add("lost", w.fate_lost, "config", words, &|m: &CellMarks| {
            m.lost == Some(allowed)
        });
    }
    add(
        "duplicate",
        w.fate_duplicate,
        "",
        String::new(),
        &|m: &CellMarks| m.duplicate_of.is_some(),
    );
    for group in dedup(cells.iter().flat_map(|c| c.marks.twice.iter().cloned())) {
        add(
            "twice",
            w.fate_twice,
            "groups",
            group.to_string(),
            &|m: &CellMarks| m.twice.contains(&group),
        );
    }
    for group in dedup(cells.iter().flat_map(|c| c.marks.never.iter().cloned())) {
        add(
            "never",
            w.fate_never,
            "groups",
            group.to_string(),
            &|m: &CellMarks| m.never.contains(&group),
        );
    }
    if lines.is_empty() {
        return Html::default();
    }
    html! {
        <ul class="cell-fates">
            { for lines.into_iter().map(|(kind, text)| html! { <li class={kind} data-fate={kind}>{ text }</li> }) }
        </ul>
    }
}

fn dedup<T: PartialEq>(items: impl Iterator<Item = T>) -> Vec<T> {
    let mut out: Vec<T> = Vec::new();
    for item in items {
        if !out.contains(&item) {
            out.push(item);
        }
    }
    out
}

/// Offsets as runs: "1, 13–17".
fn ranges(offsets: &[i64]) -> String {
    let mut runs: Vec<(i64, i64)> = Vec::new();
    for &o in offsets {
        match runs.last_mut() {
            Some(run) if run.1 + 1 == o => run.1 = o,
            _ => runs.push((o, o)),
        }
    }
    runs.iter()
        .map(|&(a, b)| {
            if a == b {
                a.to_string()
            } else {
                format!("{a}–{b}")
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

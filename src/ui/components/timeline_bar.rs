//! The timeline under the toolbar: a slider over the recorded run (drag it back to any earlier
//! moment), Back / Forward / Latest, and marks for crashes and faults, leader elections,
//! rebalances, errors and commands. The slider's thumb follows the animation clock: the
//! engine's painter moves it every frame while playing.

use std::rc::Rc;

use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlInputElement};
use yew::prelude::*;

use super::use_app;
use crate::sim::decimal::parse_f64;
use crate::timeline::markers::MarkerKind;
use crate::timeline::Player;
use crate::ui::engine::format_clock;
use crate::ui::i18n::fill;
use crate::ui::i18n_time::TimeTexts;
use crate::ui::state::Action;
use crate::ui::time::TimeAction;

/// The bar's length: the smallest of these (ms) that holds the run, so marks keep their place
/// while the run grows; beyond the last, whole days.
const SPANS: [u64; 14] = [
    10_000, 20_000, 30_000, 60_000, 120_000, 300_000, 600_000, 1_200_000, 1_800_000, 3_600_000,
    7_200_000, 18_000_000, 36_000_000, 86_400_000,
];

pub fn span_for(ms: u64) -> u64 {
    SPANS
        .iter()
        .copied()
        .find(|s| *s >= ms)
        .unwrap_or_else(|| ms.div_ceil(86_400_000) * 86_400_000)
}

fn permille(ms: u64, span: u64) -> u64 {
    ms.min(span).saturating_mul(1000) / span.max(1)
}

/// One mark on the bar: marks of one kind at one thousandth of the bar are drawn as one.
#[derive(Clone, Debug, PartialEq)]
struct Mark {
    kind: Option<MarkerKind>,
    at_ms: u64,
    permille: u64,
    title: String,
    count: u32,
}

/// The marks, compared by pointer: recomputed only when the recording or the bar's length
/// changes.
#[derive(Clone)]
struct Marks(Rc<Vec<Mark>>);

impl PartialEq for Marks {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

fn marks(player: &Player, span: u64, t: &TimeTexts) -> Vec<Mark> {
    let mut out: Vec<Mark> = Vec::new();
    let mut add = |kind: Option<MarkerKind>, at_ms: u64, text: &str, count: u32| {
        let pm = permille(at_ms, span);
        if let Some(m) = out
            .iter_mut()
            .rev()
            .take(16)
            .find(|m| m.kind == kind && m.permille == pm)
        {
            m.count += count;
            return;
        }
        let title = fill(
            t.marker_title,
            &[
                ("kind", &t.marker_name(kind)),
                ("time", &format_clock(at_ms as f64)),
                ("text", &text),
            ],
        );
        out.push(Mark {
            kind,
            at_ms,
            permille: pm,
            title,
            count,
        });
    };
    for m in player.markers().iter() {
        add(Some(m.kind), m.at.at_ms, &m.text, m.count);
    }
    for e in &player.timeline().entries {
        add(None, e.at.at_ms, &e.line, 1);
    }
    for m in &mut out {
        if m.count > 1 {
            m.title = format!(
                "{} {}",
                m.title,
                fill(t.marker_more, &[("count", &(m.count - 1))])
            );
        }
    }
    out
}

#[derive(Properties, PartialEq)]
struct MarksProps {
    marks: Marks,
    on_seek: Callback<f64>,
}

#[function_component]
fn MarkStrip(props: &MarksProps) -> Html {
    // One listener for all marks: a click on one seeks to its moment.
    let onclick = {
        let on_seek = props.on_seek.clone();
        Callback::from(move |e: MouseEvent| {
            let at = e
                .target()
                .and_then(|t| t.dyn_into::<Element>().ok())
                .and_then(|el| el.get_attribute("data-at-ms"))
                .and_then(|v| parse_f64(&v));
            if let Some(at) = at {
                on_seek.emit(at);
            }
        })
    };
    // SVG in thousandths of the bar: no `style` attribute (the page's CSP refuses them).
    html! {
        <svg class="marks" viewBox="0 0 1000 12" preserveAspectRatio="none" {onclick}>
            { for props.marks.0.iter().map(|m| {
                let kind = m.kind.map_or("command", MarkerKind::name);
                html! {
                    <rect class={classes!("mark", format!("m-{kind}"))} data-marker={kind}
                        data-at-ms={m.at_ms.to_string()} x={m.permille.saturating_sub(2).to_string()}
                        width="4" height="12">
                        <title>{ m.title.clone() }</title>
                    </rect>
                }
            }) }
        </svg>
    }
}

#[function_component]
pub fn TimelineBar() -> Html {
    let app = use_app();
    let t = app.lang.texts().time;
    let dispatcher = app.dispatcher();
    let player = app.engine.player();
    let now = player.sim().now_ms();
    let end = player.end().at_ms;
    let in_past = player.in_past();
    let commands = player.timeline().entries.len();
    let span = span_for(end.max(now));

    let marks = {
        let key = (
            player.revision(),
            player.markers().len(),
            player.timeline().entries.len(),
            span,
            app.lang,
        );
        let engine = app.engine.clone();
        use_memo(key, move |(_, _, _, span, lang)| {
            marks(&engine.player(), *span, lang.texts().time)
        })
    };

    let time = |d: &yew::UseReducerDispatcher<_>, action: fn() -> TimeAction| {
        let d = d.clone();
        Callback::from(move |_: MouseEvent| d.dispatch(Action::Time(action())))
    };
    let on_back = time(&dispatcher, || TimeAction::StepBack);
    let on_end = time(&dispatcher, || TimeAction::ToEnd);
    let on_help = time(&dispatcher, || TimeAction::ToggleHelp);
    let on_forward = {
        let d = dispatcher.clone();
        Callback::from(move |_: MouseEvent| d.dispatch(Action::Step))
    };
    let on_seek = {
        let d = dispatcher.clone();
        Callback::from(move |ms: f64| d.dispatch(Action::Time(TimeAction::Seek(ms))))
    };
    let on_input = {
        let on_seek = on_seek.clone();
        Callback::from(move |e: InputEvent| {
            let input: HtmlInputElement = e.target_unchecked_into();
            if let Some(ms) = parse_f64(&input.value()) {
                on_seek.emit(ms);
            }
        })
    };
    let status = if in_past {
        fill(
            t.past_status,
            &[
                ("now", &format_clock(now as f64)),
                ("end", &format_clock(end as f64)),
            ],
        )
    } else {
        t.live_status.to_string()
    };
    let view_ms = app.engine.view_ms().max(now as f64).floor() as u64;
    let trace_hash = format!("{:016x}", player.sim().trace.hash());
    drop(player);

    html! {
        <section class={classes!("timeline", in_past.then_some("past"))} aria-label={t.timeline_label}
            data-timeline="" data-in-past={in_past.to_string()} data-end-ms={end.to_string()}
            data-now-ms={now.to_string()} data-commands={commands.to_string()}
            data-trace-hash={trace_hash}>
            <div class="timeline-buttons">
                <button type="button" class="btn" data-action="step-back" title={t.step_back_hint}
                    aria-label={t.step_back_hint} onclick={on_back}>{ "◀ " }{ t.step_back }</button>
                <button type="button" class="btn" data-action="step-forward" title={t.step_forward_hint}
                    aria-label={t.step_forward_hint} onclick={on_forward}>{ t.step_forward }{ " ▶" }</button>
                <button type="button" class="btn" data-action="to-end" title={t.to_end_hint}
                    aria-label={t.to_end_hint} disabled={!in_past} onclick={on_end}>{ t.to_end }{ " ▶▶" }</button>
            </div>
            <div class="timeline-track">
                <svg class="recorded" viewBox="0 0 1000 6" preserveAspectRatio="none" aria-hidden="true">
                    <rect width={permille(end, span).to_string()} height="6" />
                </svg>
                <input type="range" class="seek" data-control="seek" min="0" max={span.to_string()}
                    step="1" value={view_ms.to_string()} aria-label={t.seek_label} title={t.seek_label}
                    aria-valuetext={format_clock(view_ms as f64)} ref={app.engine.seek.clone()}
                    oninput={on_input} />
                <MarkStrip marks={Marks(marks)} {on_seek} />
                <div class="timeline-scale" aria-hidden="true">
                    <span>{ "0 s" }</span><span>{ format_clock(span as f64) }</span>
                </div>
            </div>
            <div class="timeline-foot">
                <p class="timeline-status" role="status" data-timeline-status="">{ status }</p>
                <ul class="mark-legend" aria-label={t.legend_label}>
                    { for [Some(MarkerKind::Fault), Some(MarkerKind::Election), Some(MarkerKind::Rebalance),
                           Some(MarkerKind::Error), None].into_iter().map(|k| html! {
                        <li><span class={classes!("mark", format!("m-{}", k.map_or("command", MarkerKind::name)))}
                            aria-hidden="true"></span>{ t.marker_name(k) }</li>
                    }) }
                </ul>
                <button type="button" class="btn help-btn" data-action="help" title={t.help_button}
                    aria-label={t.help_button} onclick={on_help}>{ "?" }</button>
            </div>
        </section>
    }
}

//! The guided tour's panel: the step's narration, the answer to the prediction that led to it,
//! the question for the next step, Back and Next, and "Play freely from here". The things the
//! step talks about are outlined on the diagram and the cards by one rule added to the page's
//! stylesheet through the CSSOM (the Content-Security-Policy, `style-src 'self'`, refuses
//! `<style>` elements and `style` attributes, not CSSOM edits: docs/SECURITY.md).

use yew::prelude::*;

use super::use_app;
use crate::tour::{Highlight, Prediction};
use crate::ui::i18n::{fill, Lang, Texts};
use crate::ui::state::Action;
use crate::ui::tour_session::TourAction;
use crate::ui::view::View;

/// Adds `rule` at the end of the page's stylesheet; returns its index.
fn insert_rule(rule: &str) -> Option<u32> {
    let sheet = js_sys::Reflect::get(&gloo::utils::document(), &"styleSheets".into())
        .ok()
        .and_then(|sheets| js_sys::Reflect::get(&sheets, &0.into()).ok())
        .filter(|s| !s.is_undefined())?;
    let rules = js_sys::Reflect::get(&sheet, &"cssRules".into()).ok()?;
    let at = js_sys::Reflect::get(&rules, &"length".into())
        .ok()?
        .as_f64()?;
    let insert: js_sys::Function = js_sys::Reflect::get(&sheet, &"insertRule".into())
        .ok()?
        .into();
    insert
        .call2(&sheet, &rule.into(), &at.into())
        .ok()?
        .as_f64()
        .map(|i| i as u32)
}

fn delete_rule(index: u32) {
    let sheet = js_sys::Reflect::get(&gloo::utils::document(), &"styleSheets".into())
        .ok()
        .and_then(|sheets| js_sys::Reflect::get(&sheets, &0.into()).ok());
    if let Some(sheet) = sheet.filter(|s| !s.is_undefined()) {
        if let Ok(delete) = js_sys::Reflect::get(&sheet, &"deleteRule".into()) {
            let _ = js_sys::Function::from(delete).call1(&sheet, &index.into());
        }
    }
}

/// CSS selectors of the page elements showing `h`.
pub(super) fn selectors(h: &Highlight, view: &View) -> Vec<String> {
    match h {
        Highlight::Broker(id) => vec![
            format!("[data-broker=\"{id}\"]"),
            format!("[data-node=\"broker-{id}\"] .shape"),
        ],
        Highlight::Partition(tp) => vec![
            format!("[data-replica=\"{tp}\"]"),
            format!("tr[data-partition=\"{tp}\"]"),
        ],
        Highlight::Producer(name) => view
            .producers
            .iter()
            .filter(|p| &*p.name == name.as_str())
            .map(|p| format!("[data-node=\"producer-{}\"] .shape", p.index))
            .collect(),
        Highlight::Consumer(name) => view
            .consumers
            .iter()
            .filter(|c| &*c.name == name.as_str())
            .map(|c| format!("[data-node=\"consumer-{}\"] .shape", c.index))
            .collect(),
        Highlight::Controller => vec![
            "[data-node^=\"controller-\"] .shape".to_string(),
            "[data-node=\"zookeeper\"] .shape".to_string(),
        ],
    }
}

fn reveal(t: &Texts, korean: bool, p: &Prediction, pick: Option<usize>) -> Html {
    let right = pick == Some(p.answer);
    let verdict = match pick {
        Some(_) if right => Some(t.tour_right),
        Some(_) => Some(t.tour_wrong),
        None => None,
    };
    let answer = p.choices[p.answer].get(korean);
    html! {
        <div class={classes!("tour-reveal", pick.map(|_| if right { "right" } else { "wrong" }))}
            data-tour-reveal={match pick { Some(_) if right => "right", Some(_) => "wrong", None => "none" }}>
            <p class="tour-question-again">{ p.question.get(korean).to_string() }</p>
            if let Some(verdict) = verdict {
                <p class="tour-verdict"><strong>{ verdict }</strong>
                    if !right {
                        { " " }{ fill(t.tour_your_answer, &[("answer", &p.choices[pick.unwrap_or(0)].get(korean))]) }
                    }
                </p>
            }
            <p class="tour-answer">{ fill(t.tour_answer, &[("answer", &answer)]) }</p>
            <p class="tour-why">{ p.explanation.get(korean).to_string() }</p>
        </div>
    }
}

#[function_component]
pub fn TourPanel() -> Html {
    let app = use_app();
    let Some(session) = app.tour.clone() else {
        return Html::default();
    };
    let t = app.lang.texts();
    let korean = app.lang == Lang::Ko;
    let tour = session.tour();
    let k = session.step;
    let total = tour.steps.len();
    let step = &tour.steps[k];
    let next_prediction = tour.steps.get(k + 1).and_then(|s| s.prediction.as_ref());
    let pick_next = session.picks.get(k + 1).copied().flatten();

    let action = |a: fn() -> TourAction| {
        let d = app.dispatcher();
        Callback::from(move |_: MouseEvent| d.dispatch(Action::Tour(a())))
    };
    let style: String = step
        .highlights
        .iter()
        .flat_map(|h| selectors(h, &app.view))
        .collect::<Vec<_>>()
        .join(",");

    // The step's highlight: one stylesheet rule while the step shows.
    use_effect_with(style.clone(), |selectors| {
        let index = (!selectors.is_empty())
            .then(|| {
                insert_rule(&format!(
                    "{selectors}{{outline:3px solid var(--tour-hl);outline-offset:2px;stroke:var(--tour-hl);stroke-width:4px}}"
                ))
            })
            .flatten();
        move || {
            if let Some(i) = index {
                delete_rule(i);
            }
        }
    });

    html! {
        <section class="panel tour-panel" data-tour-panel="" data-tour={tour.id().to_string()}
            data-step={(k + 1).to_string()} aria-live="polite">
            <h2 class="tour-title">{ tour.title.get(korean).to_string() }</h2>
            if k == 0 {
                <p class="tour-summary">{ tour.summary.get(korean).to_string() }</p>
            }
            <div class="tour-progress">
                <span class="tour-step-count" data-tour-step="">
                    { fill(t.tour_step, &[("n", &(k + 1)), ("total", &total)]) }
                </span>
                <svg class="tour-bar" viewBox="0 0 100 6" preserveAspectRatio="none" aria-hidden="true">
                    <rect width={((k + 1) * 100 / total).to_string()} height="6" />
                </svg>
            </div>
            if let Some(error) = &session.error {
                <div class="console-error" role="alert" data-tour-error="">
                    <strong>{ t.tour_error }</strong>
                    <pre class="error-text">{ error.to_string() }</pre>
                </div>
            }
            if session.animating {
                <p class="tour-playing" data-tour-playing="">
                    <span>{ t.tour_playing }</span>
                    <button type="button" class="btn ghost small" data-action="tour-skip"
                        onclick={action(|| TourAction::Skip)}>{ t.tour_skip }</button>
                </p>
            }
            if let Some(p) = &step.prediction {
                if session.animating {
                    // The answer comes once the step has been seen.
                    <div class="tour-reveal" data-tour-watching="">
                        <p class="tour-question-again">{ p.question.get(korean).to_string() }</p>
                        if let Some(pick) = session.picks.get(k).copied().flatten() {
                            <p>{ fill(t.tour_your_answer, &[("answer", &p.choices[pick].get(korean))]) }</p>
                        }
                    </div>
                } else {
                    { reveal(t, korean, p, session.picks.get(k).copied().flatten()) }
                }
            }
            <div class="tour-narration" data-tour-narration="">
                { for step.narration.iter().map(|p| html! { <p>{ p.get(korean).to_string() }</p> }) }
            </div>
            if let Some(q) = next_prediction {
                <fieldset class="tour-predict" data-tour-question="">
                    <legend>{ t.tour_predict }</legend>
                    <p class="tour-question">{ q.question.get(korean).to_string() }</p>
                    <div class="tour-choices">
                        { for q.choices.iter().enumerate().map(|(i, c)| {
                            let d = app.dispatcher();
                            let onclick = Callback::from(move |_: MouseEvent| d.dispatch(Action::Tour(TourAction::Choose(i))));
                            let chosen = pick_next == Some(i);
                            html! {
                                <button type="button" class={if chosen { "tour-choice on" } else { "tour-choice" }}
                                    data-choice={i.to_string()} aria-pressed={chosen.to_string()} {onclick}>
                                    { c.get(korean).to_string() }
                                </button>
                            }
                        }) }
                    </div>
                    <p class="help">{ t.tour_predict_hint }</p>
                </fieldset>
            }
            if k + 1 == total {
                <p class="tour-end" data-tour-end="">{ t.tour_end }</p>
            }
            <div class="tour-nav">
                <button type="button" class="btn" data-action="tour-back" disabled={k == 0}
                    title={t.tour_keys} onclick={action(|| TourAction::Back)}>{ "← " }{ t.tour_back }</button>
                <button type="button" class="btn primary" data-action="tour-next" disabled={k + 1 == total}
                    title={t.tour_keys} onclick={action(|| TourAction::Next)}>{ t.tour_next }{ " →" }</button>
            </div>
            <button type="button" class="btn tour-free" data-action="tour-play-freely"
                title={t.tour_play_freely_hint} onclick={action(|| TourAction::PlayFreely)}>
                { t.tour_play_freely }
            </button>
        </section>
    }
}

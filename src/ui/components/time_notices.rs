//! Notices of time travel and sharing: a fork of the timeline, a damaged share link, a link made
//! by another model version, a scenario file that was not imported. Each can be dismissed; the page works on under them.

use yew::prelude::*;

use super::use_app;
use crate::timeline::link::MODEL_VERSION;
use crate::ui::engine::format_clock;
use crate::ui::i18n::fill;
use crate::ui::state::Action;
use crate::ui::time::TimeAction;

#[function_component]
pub fn TimeNotices() -> Html {
    let app = use_app();
    let t = app.lang.texts().time;
    let time = &app.time;
    // (kind, role, text, commands dropped): one markup for all.
    let mut notices: Vec<(&str, &str, String, Option<usize>)> = Vec::new();
    if let Some(e) = &time.damaged_link {
        notices.push(("link-error", "alert", t.damaged(e), None));
    }
    if let Some(model) = time.link_model {
        let text = fill(
            t.link_other_model,
            &[("link", &model), ("page", &MODEL_VERSION)],
        );
        notices.push(("link-model", "status", text, None));
    }
    if let Some(e) = &time.import_error {
        notices.push((
            "import-error",
            "alert",
            fill(t.import_error, &[("error", e)]),
            None,
        ));
    }
    if let Some(fork) = &time.fork {
        let text = fill(
            t.fork_notice,
            &[
                ("time", &format_clock(fork.at.at_ms as f64)),
                ("dropped", &fork.dropped),
            ],
        );
        notices.push(("fork-notice", "status", text, Some(fork.dropped)));
    }
    if notices.is_empty() {
        return Html::default();
    }
    let dismiss = {
        let d = app.dispatcher();
        Callback::from(move |_: MouseEvent| d.dispatch(Action::Time(TimeAction::Dismiss)))
    };
    html! {
        <div class="time-notices">
            { for notices.into_iter().map(|(kind, role, text, dropped)| html! {
                <div class={classes!("notice", format!("notice-{kind}"))} {role}
                    data-notice={kind} data-dropped={dropped.map(|d| d.to_string())}>
                    <span>{ text }</span>
                    <button type="button" class="btn notice-close" data-action="dismiss"
                        aria-label={t.dismiss} title={t.dismiss} onclick={dismiss.clone()}>{ "×" }</button>
                </div>
            }) }
        </div>
    }
}

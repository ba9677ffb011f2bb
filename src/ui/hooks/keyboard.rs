//! The keyboard shortcuts: Space plays or pauses, → steps, ← steps back, ? opens the help,
//! PageDown / PageUp walk a guided tour, unless the key is meant for a control.

use gloo::events::{EventListener, EventListenerOptions};
use wasm_bindgen::JsCast;
use web_sys::{HtmlElement, KeyboardEvent};
use yew::prelude::*;

use crate::ui::state::{Action, AppState};
use crate::ui::time::TimeAction;
use crate::ui::tour_session::TourAction;

/// Listens to `keydown` on the document while the page is mounted.
#[hook]
pub fn use_keyboard(dispatcher: UseReducerDispatcher<AppState>) {
    use_effect_with((), move |_| {
        let document = gloo::utils::document();
        let listener = EventListener::new_with_options(
            &document,
            "keydown",
            EventListenerOptions::enable_prevent_default(),
            move |event| {
                if let Some(event) = event.dyn_ref::<KeyboardEvent>() {
                    on_key(event, &dispatcher);
                }
            },
        );
        move || drop(listener)
    });
}

fn on_key(event: &KeyboardEvent, dispatcher: &UseReducerDispatcher<AppState>) {
    if event.ctrl_key() || event.meta_key() || event.alt_key() {
        return;
    }
    if event
        .target()
        .and_then(|t| t.dyn_into::<HtmlElement>().ok())
        .is_some_and(|t| wants_keys(&t))
    {
        return;
    }
    let action = match event.key().as_str() {
        " " | "Spacebar" => Action::TogglePlay,
        "ArrowRight" => Action::Step,
        // In a guided tour: the next and the previous step.
        "PageDown" if touring() => Action::Tour(TourAction::Next),
        "PageUp" if touring() => Action::Tour(TourAction::Back),
        "ArrowLeft" => Action::Time(TimeAction::StepBack),
        "?" => Action::Time(TimeAction::ToggleHelp),
        "Escape" => {
            // Esc also leaves the browser's own uses of it (closing a menu) alone.
            dispatcher.dispatch(Action::Time(TimeAction::CloseHelp));
            return;
        }
        _ => return,
    };
    event.prevent_default();
    dispatcher.dispatch(action);
}

/// Elements that use Space or arrows themselves: text fields, selects, sliders, buttons.
fn wants_keys(element: &HtmlElement) -> bool {
    matches!(
        element.tag_name().to_ascii_lowercase().as_str(),
        "input" | "textarea" | "select" | "button" | "summary"
    ) || element.is_content_editable()
}

/// Whether a guided tour is on screen (the handler is set up once, without the state).
fn touring() -> bool {
    gloo::utils::document()
        .query_selector("[data-tour-panel]")
        .ok()
        .flatten()
        .is_some()
}

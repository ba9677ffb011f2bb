//! Opens a guided tour, fetching its file the first time: Trunk copies `tours/` next to the
//! page, and only the list of tours is in the WebAssembly.

use js_sys::futures::JsFuture;
use wasm_bindgen::JsCast;
use yew::prelude::*;

use super::state::{Action, AppState};
use super::tour_session::TourAction;
use crate::tour::catalog;

/// Opens tour `id` at `step` (from 0), once its file is at hand.
pub fn open(dispatcher: UseReducerDispatcher<AppState>, id: String, step: usize) {
    if catalog::text(&id).is_some() {
        dispatcher.dispatch(Action::Tour(TourAction::Open(id, step)));
        return;
    }
    js_sys::futures::spawn_local(async move {
        if let Some(text) = fetch_text(&format!("tours/{id}.tour")).await {
            catalog::provide(&id, &text);
        }
        // Not found: the reducer says so.
        dispatcher.dispatch(Action::Tour(TourAction::Open(id, step)));
    });
}

/// The body of a successful GET of `url` (relative to the page), as text.
async fn fetch_text(url: &str) -> Option<String> {
    let window = web_sys::window()?;
    let response: web_sys::Response = JsFuture::from(window.fetch_with_str(url))
        .await
        .ok()?
        .dyn_into()
        .ok()?;
    if !response.ok() {
        return None;
    }
    JsFuture::from(response.text().ok()?)
        .await
        .ok()?
        .as_string()
}

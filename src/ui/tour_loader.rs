//! Opens a guided tour, fetching its file the first time: Trunk copies `tours/` next to the
//! page, and only the list of tours is in the WebAssembly.

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
    yew::platform::spawn_local(async move {
        let url = format!("tours/{id}.tour");
        if let Ok(response) = gloo::net::http::Request::get(&url).send().await {
            if response.ok() {
                if let Ok(text) = response.text().await {
                    catalog::provide(&id, &text);
                }
            }
        }
        // Not found: the reducer says so.
        dispatcher.dispatch(Action::Tour(TourAction::Open(id, step)));
    });
}

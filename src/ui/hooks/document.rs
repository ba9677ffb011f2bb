//! The document follows the app: its language and title, and what a panic banner reports.

use yew::prelude::*;

use crate::ui::panic;
use crate::ui::state::AppContext;

/// Keeps `<html lang>`, the title and the panic banner's facts in step with the state.
#[hook]
pub fn use_document(state: &AppContext) {
    let lang = state.lang;
    let seed = state.view.seed;
    let brokers = state.broker_count();
    use_effect_with((lang, seed, brokers), move |_| {
        panic::remember(lang, seed, brokers);
        if let Some(document) = web_sys::window().and_then(|w| w.document()) {
            if let Some(root) = document.document_element() {
                let _ = root.set_attribute("lang", lang.tag());
            }
            document.set_title(lang.texts().document_title);
        }
    });
}

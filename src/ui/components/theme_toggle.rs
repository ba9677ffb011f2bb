//! Light or dark: follows `prefers-color-scheme` until the button picks one, which is then kept
//! (localStorage) and set as `<html data-theme>` (the stylesheet's theme section reads it).

use yew::prelude::*;

use super::use_app;
use crate::ui::i18n::fill;

const KEY: &str = "kafkascope-theme";

fn stored() -> Option<String> {
    web_sys::window()?
        .local_storage()
        .ok()??
        .get_item(KEY)
        .ok()?
}

fn system_dark() -> bool {
    web_sys::window()
        .and_then(|w| w.match_media("(prefers-color-scheme: dark)").ok().flatten())
        .is_some_and(|m| m.matches())
}

fn apply(theme: &str) {
    if let Some(root) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    {
        let _ = root.set_attribute("data-theme", theme);
    }
}

#[function_component]
pub fn ThemeToggle() -> Html {
    let t = use_app().lang.texts();
    let dark = use_state(|| match stored().as_deref() {
        Some("dark") => true,
        Some("light") => false,
        _ => system_dark(),
    });
    {
        let dark = *dark;
        use_effect_with(dark, move |_| {
            // Only a choice made here is pinned; otherwise the stylesheet follows the system.
            if stored().is_some() {
                apply(if dark { "dark" } else { "light" });
            }
        });
    }
    let onclick = {
        let dark = dark.clone();
        Callback::from(move |_: MouseEvent| {
            let next = !*dark;
            let theme = if next { "dark" } else { "light" };
            if let Some(storage) = web_sys::window().and_then(|w| w.local_storage().ok().flatten())
            {
                let _ = storage.set_item(KEY, theme);
            }
            apply(theme);
            dark.set(next);
        })
    };
    let target = if *dark { t.theme_light } else { t.theme_dark };
    let label = fill(t.theme_label, &[("theme", &target)]);
    html! {
        <button type="button" class="theme-toggle" data-action="switch-theme"
            data-theme-now={if *dark { "dark" } else { "light" }}
            aria-label={label.clone()} title={label} {onclick}>
            <span aria-hidden="true">{ if *dark { "☀" } else { "☾" } }</span>
        </button>
    }
}

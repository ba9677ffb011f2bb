//! The page's side of sharing: the link's URL, keeping the address bar's link current (at rest,
//! not every frame), copying, and downloading a scenario file.

use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use yew::prelude::*;

use super::state::AppContext;
use super::time::link_value;
use crate::timeline::link;

/// Query options a share link replaces (the run, its moment, the cluster).
const REPLACED: [&str; 4] = ["run", "t", "brokers", "mode"];

/// The page's URL for a link value: this page, its other options, `#k=...` (and `&embed`
/// when the page is embedded through its fragment).
pub fn share_url(value: &str) -> String {
    let Some(location) = web_sys::window().map(|w| w.location()) else {
        return format!("#k={value}");
    };
    let base = format!(
        "{}{}",
        location.origin().unwrap_or_default(),
        location.pathname().unwrap_or_default()
    );
    let search = location.search().unwrap_or_default();
    let kept: Vec<&str> = search
        .trim_start_matches('?')
        .split('&')
        .filter(|p| !p.is_empty())
        .filter(|p| !REPLACED.contains(&p.split('=').next().unwrap_or("")))
        .collect();
    let embed = location
        .hash()
        .is_ok_and(|h| link::fragment_has(&h, "embed"));
    let mut url = base;
    if !kept.is_empty() {
        url.push('?');
        url.push_str(&kept.join("&"));
    }
    url.push_str("#k=");
    url.push_str(value);
    if embed {
        url.push_str("&embed");
    }
    url
}

/// Keeps the address bar's URL a share link of what is on screen, whenever the page is at rest
/// (paused) and the run or the moment changed.
#[hook]
pub fn use_share_url(state: &AppContext, enabled: bool) {
    let at_rest = !state.playing;
    let key = {
        let player = state.engine.player();
        (enabled && at_rest, player.revision(), player.cursor())
    };
    let engine = state.engine.clone();
    use_effect_with(key, move |(update, _, _)| {
        if *update {
            let url = share_url(&link_value(&engine.player()));
            if let Some(history) = web_sys::window().and_then(|w| w.history().ok()) {
                let _ = history.replace_state_with_url(&JsValue::NULL, "", Some(&url));
            }
        }
    });
}

/// Copies `text` to the clipboard; `done(true)` when it was copied.
pub fn copy(text: &str, done: impl FnOnce(bool) + 'static) {
    let Some(window) = web_sys::window() else {
        return done(false);
    };
    let promise = window.navigator().clipboard().write_text(text);
    let done = std::rc::Rc::new(std::cell::RefCell::new(Some(done)));
    let (ok, err) = (done.clone(), done);
    let on_ok = Closure::<dyn FnMut(JsValue)>::once(move |_: JsValue| {
        if let Some(done) = ok.borrow_mut().take() {
            done(true);
        }
    });
    let on_err = Closure::<dyn FnMut(JsValue)>::once(move |_: JsValue| {
        if let Some(done) = err.borrow_mut().take() {
            done(false);
        }
    });
    let _ = promise.then2(&on_ok, &on_err);
    // One of them runs once; both live until then (two small closures per click).
    on_ok.forget();
    on_err.forget();
}

/// Offers `text` as a file download named `name`.
pub fn download(name: &str, text: &str) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let href = format!(
        "data:text/plain;charset=utf-8,{}",
        js_sys::encode_uri_component(text)
    );
    let Ok(a) = document.create_element("a") else {
        return;
    };
    let _ = a.set_attribute("href", &href);
    let _ = a.set_attribute("download", name);
    if let (Some(body), Ok(a)) = (document.body(), a.dyn_into::<web_sys::HtmlElement>()) {
        let _ = body.append_child(&a);
        a.click();
        a.remove();
    }
}

//! The page must never die silently: a panic is logged to the console and shown in a banner.
//!
//! The banner is built with web-sys straight into `<body>`, not through Yew, because after a panic
//! Yew's scheduler is gone (wasm32 panics abort).

use std::cell::{Cell, RefCell};

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{Document, Element};

use super::i18n::{fill, Lang};

/// The banner's id: the tests and the end-to-end check look for it.
pub const BANNER_ID: &str = "panic-banner";

thread_local! {
    /// What the banner reports besides the panic message: the page's language and the cluster
    /// on screen, kept current by the app.
    static CONTEXT: Cell<(Lang, u64, usize)> = const { Cell::new((Lang::En, 0, 0)) };
    /// The scenario lines the core accepted so far (setup included): enough to replay the run.
    static SCRIPT: RefCell<String> = const { RefCell::new(String::new()) };
}

/// Installs the hook. Yew replaces any hook not set through `yew::set_custom_panic_hook`.
pub fn install() {
    yew::set_custom_panic_hook(Box::new(|info| {
        console_error_panic_hook::hook(info);
        show_banner(&info.to_string());
    }));
}

/// Records the language and the cluster the banner should mention.
pub fn remember(lang: Lang, seed: u64, brokers: usize) {
    CONTEXT.with(|c| c.set((lang, seed, brokers)));
}

/// Records the script the banner should offer.
pub fn remember_script(script: String) {
    SCRIPT.with(|s| *s.borrow_mut() = script);
}

/// Inserts the error banner at the top of `<body>` (once; later panics only add nothing).
pub fn show_banner(detail: &str) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    if document.get_element_by_id(BANNER_ID).is_some() {
        return;
    }
    let Some(body) = document.body() else {
        return;
    };
    if let Some(banner) = build_banner(&document, detail) {
        let _ = body.insert_before(&banner, body.first_child().as_ref());
    }
}

fn build_banner(document: &Document, detail: &str) -> Option<Element> {
    let (lang, seed, brokers) = CONTEXT.with(Cell::get);
    let t = lang.texts();

    let banner = document.create_element("div").ok()?;
    banner.set_id(BANNER_ID);
    banner.set_class_name("panic-banner");
    banner.set_attribute("role", "alert").ok()?;
    banner.set_attribute("lang", lang.tag()).ok()?;

    let title = text_element(document, "strong", "panic-title", t.panic_title)?;
    let body = text_element(document, "p", "panic-body", t.panic_body)?;
    let context = fill(t.panic_context, &[("seed", &seed), ("brokers", &brokers)]);
    let context = text_element(document, "p", "panic-context", &context)?;
    let detail = text_element(document, "pre", "panic-detail", detail)?;

    let reload = text_element(document, "button", "panic-reload", t.panic_reload)?;
    reload.set_attribute("type", "button").ok()?;
    let on_click = Closure::<dyn FnMut()>::new(|| {
        if let Some(window) = web_sys::window() {
            let _ = window.location().reload();
        }
    });
    reload
        .add_event_listener_with_callback("click", on_click.as_ref().unchecked_ref())
        .ok()?;
    // The page lives until reloaded; so does this listener.
    on_click.forget();

    for child in [&title, &body, &context, &reload, &detail] {
        banner.append_child(child).ok()?;
    }
    let script = SCRIPT.with(|s| s.borrow().clone());
    if !script.is_empty() {
        let label = text_element(document, "p", "panic-context", t.panic_script)?;
        let lines = text_element(document, "pre", "panic-detail panic-script", &script)?;
        banner.append_child(&label).ok()?;
        banner.append_child(&lines).ok()?;
    }
    Some(banner)
}

fn text_element(document: &Document, tag: &str, class: &str, text: &str) -> Option<Element> {
    let element = document.create_element(tag).ok()?;
    element.set_class_name(class);
    element.set_text_content(Some(text));
    Some(element)
}

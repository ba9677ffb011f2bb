//! What every browser test (tests/web_*.rs) does with the real page: mount it, find and read its
//! elements, and act on it as a user would (click, type, choose, press a key, use the console).
//! Included by each test file with `#[path = "support/page.rs"] mod page;`.
// Each test file uses its own subset of these helpers.
#![allow(dead_code)]

use std::time::Duration;

use kafkascope::ui::app::AppProps;
use kafkascope::ui::i18n::Lang;
use kafkascope::ui::App;
use wasm_bindgen::JsCast;
use web_sys::{Element, Event, EventInit, HtmlElement, HtmlInputElement, HtmlSelectElement};
use yew::AppHandle;

/// A mounted page that a test unmounts at its end (a page reading the URL also writes it).
pub struct Page {
    pub root: Element,
    handle: Option<AppHandle<App>>,
}

impl Page {
    /// Mounts the page paused; with `read_url`, it reads (and keeps updating) the page's URL.
    pub async fn open(read_url: bool) -> Page {
        let (root, handle) = mount_app(read_url).await;
        Page {
            root,
            handle: Some(handle),
        }
    }

    pub fn close(mut self) {
        if let Some(handle) = self.handle.take() {
            handle.destroy();
        }
        self.root.remove();
    }
}

/// Sets the page URL's fragment without reloading (what a page reading the URL then opens).
pub fn set_fragment(fragment: &str) {
    let history = gloo::utils::window().history().unwrap();
    let location = gloo::utils::window().location();
    let url = format!("{}{}", location.pathname().unwrap(), fragment);
    history
        .replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url))
        .unwrap();
}

/// The language the page shows (its `<html lang>`).
pub fn page_lang() -> Lang {
    Lang::from_tag(
        &gloo::utils::document()
            .document_element()
            .unwrap()
            .get_attribute("lang")
            .unwrap(),
    )
}

/// Mounts the page paused (time moves only when a test moves it) and without reading the URL.
pub async fn mount() -> Element {
    mount_app(false).await.0
}

/// Mounts the page paused; with `read_url`, it reads (and keeps updating) the page's URL. The
/// handle lets a test unmount it.
pub async fn mount_app(read_url: bool) -> (Element, AppHandle<App>) {
    let document = gloo::utils::document();
    let root = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&root).unwrap();
    let handle = yew::Renderer::<App>::with_root_and_props(
        root.clone(),
        AppProps {
            autoplay: false,
            read_url,
            story: false,
        },
    )
    .render();
    yew::scheduler::flush().await;
    (root, handle)
}

pub fn all(root: &Element, selector: &str) -> Vec<Element> {
    let list = root.query_selector_all(selector).unwrap();
    (0..list.length())
        .map(|i| list.item(i).unwrap().dyn_into::<Element>().unwrap())
        .collect()
}

pub fn one(root: &Element, selector: &str) -> Element {
    let found = all(root, selector);
    assert_eq!(found.len(), 1, "exactly one element matches {selector}");
    found.into_iter().next().unwrap()
}

pub fn attr(element: &Element, name: &str) -> String {
    element
        .get_attribute(name)
        .unwrap_or_else(|| panic!("attribute {name} missing on <{}>", element.tag_name()))
}

pub fn text(element: &Element) -> String {
    element.text_content().unwrap_or_default()
}

pub async fn click(root: &Element, selector: &str) {
    one(root, selector)
        .dyn_into::<HtmlElement>()
        .unwrap()
        .click();
    yew::scheduler::flush().await;
}

/// Fires a bubbling `event` (such as "input" or "change") at `element`, as the browser does
/// when a user edits it.
pub async fn fire(element: &Element, event: &str) {
    let init = EventInit::new();
    init.set_bubbles(true);
    element
        .dispatch_event(&Event::new_with_event_init_dict(event, &init).unwrap())
        .unwrap();
    yew::scheduler::flush().await;
}

/// Sets a text field or select and fires the event its component listens to.
pub async fn set_field(root: &Element, selector: &str, value: &str, event: &str) {
    let element = one(root, selector);
    if let Some(input) = element.dyn_ref::<HtmlInputElement>() {
        input.set_value(value);
    } else if let Some(select) = element.dyn_ref::<HtmlSelectElement>() {
        select.set_value(value);
    }
    fire(&element, event).await;
}

/// Types a line into the console and runs it.
pub async fn console(root: &Element, line: &str) {
    let input: HtmlInputElement = one(root, "input[data-control=\"console\"]")
        .dyn_into()
        .unwrap();
    input.set_value(line);
    click(root, "[data-action=\"console-run\"]").await;
}

/// The newest line of the console's history: (its text, whether the core accepted it).
pub fn last_history(root: &Element) -> (String, bool) {
    let newest = all(root, ".history-line")
        .into_iter()
        .next()
        .expect("a history line");
    (
        text(&newest.query_selector("code").unwrap().unwrap()),
        match attr(&newest, "data-ok").as_str() {
            "true" => true,
            "false" => false,
            other => panic!("data-ok is {other}"),
        },
    )
}

/// Presses a key on the page (the page listens on the document).
pub async fn key(k: &str) {
    let init = web_sys::KeyboardEventInit::new();
    init.set_key(k);
    init.set_bubbles(true);
    let event =
        web_sys::KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap();
    gloo::utils::document().dispatch_event(&event).unwrap();
    yew::scheduler::flush().await;
}

/// The simulated time the clock shows.
pub fn clock_ms(root: &Element) -> u64 {
    attr(&one(root, "[data-clock]"), "data-now-ms")
        .parse()
        .unwrap()
}

/// Broker ids as the page writes them in attributes: "1,2,3".
pub fn join(ids: &[i32]) -> String {
    ids.iter().map(i32::to_string).collect::<Vec<_>>().join(",")
}

/// How long a test waits for what the browser does in its own time (animation frames, file
/// reads). Generous, for a loaded machine where frames stall for seconds; a passing wait ends
/// as soon as its condition holds. (The runner's limit for a whole file is set above it in
/// .cargo/config.toml.)
pub const WAIT_LIMIT_MS: f64 = 30_000.0;

/// The wall clock, in milliseconds.
pub fn wall_ms() -> f64 {
    js_sys::Date::now()
}

/// Waits until `done()` holds, letting the browser run its timers and animation frames and the
/// page re-render in between; fails the test, naming `what`, after [`WAIT_LIMIT_MS`]. Use it
/// instead of a fixed sleep wherever a test needs the page to have done something.
pub async fn wait_until(what: &str, mut done: impl FnMut() -> bool) {
    let start = wall_ms();
    loop {
        yew::scheduler::flush().await;
        if done() {
            return;
        }
        assert!(
            wall_ms() - start < WAIT_LIMIT_MS,
            "still waiting after {WAIT_LIMIT_MS} ms until {what}"
        );
        yew::platform::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Waits until the browser has run `n` more animation frames (the page's player runs on them:
/// after this, a playing page has had frames to move its clock in).
pub async fn animation_frames(n: u32) {
    for _ in 0..n {
        let frame = js_sys::Promise::new(&mut |resolve, _| {
            gloo::utils::window()
                .request_animation_frame(&resolve)
                .unwrap();
        });
        wasm_bindgen_futures::JsFuture::from(frame).await.unwrap();
    }
    yew::scheduler::flush().await;
}

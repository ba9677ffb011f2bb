//! The page (Yew, wasm32 only): function components reading one app state from a context.
//!
//! - [`state`]: the app state ([`state::AppState`], a `Reducible`) and its actions.
//! - [`engine`]: the running simulation, the animation clock and the painter of messages in
//!   flight (outside Yew); [`ticker`]: the `requestAnimationFrame` loop.
//! - [`view`]: the snapshot of the core the components draw, and the diagram's layout.
//! - [`cluster`]: the scenario on the first screen, built by the core.
//! - [`i18n`]: every visible text, English and Korean.
//! - [`panic`]: the panic hook and its error banner.
//! - [`components`]: one concept per file.

pub mod api;
pub mod app;
pub mod cluster;
pub mod components;
pub mod engine;
pub mod group_view;
pub mod hooks;
pub mod i18n;
pub mod i18n_marks;
pub mod i18n_time;
pub mod layout;
pub mod marks;
pub mod panic;
pub mod share;
pub mod state;
pub mod ticker;
pub mod time;
pub mod tour_loader;
pub mod tour_script;
pub mod tour_session;
pub mod view;

pub use app::App;

/// The element `index.html` shows until the wasm has started.
const LOADING_ID: &str = "loading";

/// The page's entry point: installs the panic hook, then mounts [`App`] into `<body>`.
pub fn start() {
    panic::install();
    api::install();
    if let Some(loading) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(LOADING_ID))
    {
        loading.remove();
    }
    yew::Renderer::<App>::with_props(app::AppProps {
        autoplay: true,
        read_url: true,
        story: true,
    })
    .render();
}

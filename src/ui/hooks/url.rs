//! What the page's URL asks for: the start options (read before the state exists) and the
//! actions run once mounted (a guided tour to open, `?panic`), plus the JavaScript API.

use web_sys::UrlSearchParams;
use yew::prelude::*;

use crate::sim::decimal::parse_f64;
use crate::sim::ControllerMode;
use crate::timeline::link;
use crate::ui::api;
use crate::ui::engine::SPEEDS;
use crate::ui::i18n::Lang;
use crate::ui::state::{Action, AppContext, StartOptions};
use crate::ui::tour_loader;

/// Once mounted: `window.kafkascope` drives this page; `?tour=ID&step=N` opens that guided tour
/// (fetching its file); `?panic` crashes on purpose (see `Action::Crash`).
#[hook]
pub fn use_url_actions(state: &AppContext, read_url: bool) {
    let (engine, dispatcher) = (state.engine.clone(), state.dispatcher());
    use_effect_with((), move |_| {
        api::register(engine, dispatcher.clone());
        if !read_url {
            return;
        }
        let mut options = StartOptions::new(Lang::En);
        url_options(&mut options);
        if let Some((id, step)) = options.tour {
            tour_loader::open(dispatcher.clone(), id, step);
        }
        if url_has("panic") {
            dispatcher.dispatch(Action::Crash);
        }
    });
}

fn search_params() -> Option<UrlSearchParams> {
    let search = web_sys::window()?.location().search().ok()?;
    UrlSearchParams::new_with_str(&search).ok()
}

fn url_has(name: &str) -> bool {
    search_params().is_some_and(|p| p.has(name))
}

/// `?brokers=12` and `?mode=zookeeper` pick the cluster; `?lang=ko` the language; `?paused` starts
/// paused; `?speed=0.01` picks the nearest speed; `?quiet=0` turns quiet time
/// off; `?run=line;line` runs scenario lines at start (`;` or newlines between them); `?t=2001.5`
/// then runs the core to that simulated millisecond (a link to a moment); `?tour=05-acks&step=3`
/// opens a guided tour at a step (from 1).
pub fn url_options(options: &mut StartOptions) {
    // `#k=...` is a share link (the whole run); `?embed` or `#...&embed` the embed mode.
    let fragment = web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .unwrap_or_default();
    options.link = link::from_fragment(&fragment).map(String::from);
    options.embed = link::fragment_has(&fragment, "embed") || url_has("embed");
    let Some(params) = search_params() else {
        return;
    };
    if let Some(n) = params.get("brokers").and_then(|s| s.parse::<usize>().ok()) {
        options.brokers = n;
    }
    if params.get("mode").as_deref() == Some("zookeeper") {
        options.mode = ControllerMode::Zookeeper;
    }
    if let Some(lang) = params.get("lang") {
        options.lang = Lang::from_tag(&lang);
    }
    if params.has("paused") {
        options.playing = false;
    }
    if let Some(speed) = params.get("speed").and_then(|s| parse_f64(&s)) {
        options.speed = nearest_speed(speed).unwrap_or(options.speed);
    }
    if params.get("quiet").as_deref() == Some("0") {
        options.quiet = false;
    }
    if let Some(t) = params.get("t").and_then(|s| parse_f64(&s)) {
        options.at_ms = Some(t);
    }
    if let Some(id) = params.get("tour") {
        let step = params
            .get("step")
            .and_then(|s| s.parse::<usize>().ok())
            .unwrap_or(1);
        options.tour = Some((id, step.saturating_sub(1)));
    }
    if let Some(run) = params.get("run") {
        options.run = run
            .split([';', '\n'])
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(String::from)
            .collect();
    }
}

/// The index of the speed nearest to `speed` on a log scale.
fn nearest_speed(speed: f64) -> Option<usize> {
    SPEEDS
        .iter()
        .enumerate()
        .min_by(|a, b| {
            let da = (a.1.ln() - speed.ln()).abs();
            let db = (b.1.ln() - speed.ln()).abs();
            da.total_cmp(&db)
        })
        .map(|(i, _)| i)
}

//! The root component: owns the app state, hands it down through a context, and runs the
//! animation loop and the keyboard shortcuts.

use gloo::events::{EventListener, EventListenerOptions};
use wasm_bindgen::JsCast;
use web_sys::{HtmlElement, KeyboardEvent, UrlSearchParams};
use yew::prelude::*;

use super::components::NetworkPanel;
use super::components::{
    ActionsPanel, ClusterPanel, CommandErrorNotice, ConsolePanel, CreatePanel, DescribeTable,
    EventLog, Footer, Header, Toolbar, TourPanel,
};
use super::components::{
    ConsumersPanel, GroupDescribePanel, GroupsPanel, InspectContext, RecordInspector, RecordRef,
};
use super::components::{
    HelpOverlay, MessageLegend, MonitorsPanel, NetworkDiagram, SharePanel, TimeNotices, TimelineBar,
};
use super::engine::{BUSY_FRAME_MS, SPEEDS};
use super::i18n::Lang;
use super::panic;
use super::state::{Action, AppContext, AppState, StartOptions};
use super::ticker::{benchmarking, performance_now, record_frame, Ticker};
use super::time::TimeAction;
use super::tour_loader;
use super::tour_session::TourAction;
use super::{api, share};
use crate::sim::decimal::parse_f64;
use crate::sim::ControllerMode;
use crate::timeline::link;

/// While playing, the snapshot (cards, tables, the event log) is refreshed at most this often.
const REFRESH_MS: f64 = 66.0;
/// ... and at least this often, however slow a refresh is.
const MAX_REFRESH_MS: f64 = 1000.0;
/// While playing, the groups' tool output is rebuilt at most this often (wall ms).
const TOOLS_REFRESH_MS: f64 = 500.0;

#[derive(Properties, PartialEq)]
pub struct AppProps {
    /// Start with time running (the page); the browser tests start paused and drive time.
    #[prop_or(true)]
    pub autoplay: bool,
    /// Read `?paused`, `?speed=`, `?run=` ... from the page's URL.
    #[prop_or(true)]
    pub read_url: bool,
}

#[function_component]
pub fn App(props: &AppProps) -> Html {
    let state = {
        let (autoplay, read_url) = (props.autoplay, props.read_url);
        use_reducer(move || {
            let mut options = StartOptions::new(Lang::detect());
            options.playing = autoplay;
            if read_url {
                url_options(&mut options);
            }
            AppState::new(options)
        })
    };

    // Keep the document's language and title, and what a panic banner reports, in step.
    {
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

    // `?tour=ID&step=N` in the URL: open that guided tour (fetching its file) once mounted.
    {
        let dispatcher = state.dispatcher();
        let read_url = props.read_url;
        use_effect_with((), move |_| {
            let mut options = StartOptions::new(Lang::En);
            if read_url {
                url_options(&mut options);
            }
            if let Some((id, step)) = options.tour {
                tour_loader::open(dispatcher, id, step);
            }
        });
    }

    // The address bar holds a share link of what is on screen (at rest); the JavaScript API
    // drives this page.
    share::use_share_url(&state, props.read_url);
    {
        let (engine, dispatcher) = (state.engine.clone(), state.dispatcher());
        use_effect_with((), move |_| api::register(engine, dispatcher));
    }

    // `?panic` in the URL: crash on purpose once mounted (see `Action::Crash`).
    {
        let dispatcher = state.dispatcher();
        let read_url = props.read_url;
        use_effect_with((), move |_| {
            if read_url && url_has("panic") {
                dispatcher.dispatch(Action::Crash);
            }
        });
    }

    // The animation loop: runs while playing. Each frame moves the animation clock by the
    // frame's wall time times the speed, runs the core up to it, refreshes the snapshot when
    // an event ran, and paints the messages in flight.
    {
        let engine = state.engine.clone();
        let dispatcher = state.dispatcher();
        let (playing, speed, quiet) = (state.playing, state.speed_factor(), state.quiet);
        use_effect_with((playing, state.speed, quiet), move |_| {
            let ticker = playing.then(|| {
                let mut last: Option<f64> = None;
                let bench = benchmarking();
                // The cards need not follow at 60 Hz: refresh the snapshot at most every
                // REFRESH_MS while events keep running (the tokens still move every frame).
                // A big cluster's refresh (snapshot and re-render) can take tens of ms: then
                // refresh less often, so that refreshing takes at most an eighth of the time.
                // Yew renders after this callback (in a microtask), so the cost is measured by
                // a task queued behind the render and read at the next frame.
                let measured: std::rc::Rc<std::cell::Cell<Option<f64>>> = Default::default();
                let mut stale = false;
                let mut refreshed_at = f64::NEG_INFINITY;
                let mut refresh_every = REFRESH_MS;
                let mut tools_at = f64::NEG_INFINITY;
                Ticker::start(move |timestamp| {
                    let started = performance_now();
                    let wall_ms = last.map_or(0.0, |l| timestamp - l);
                    last = Some(timestamp);
                    stale |= engine.play(wall_ms, speed, quiet);
                    let core = performance_now() - started;
                    let mut refresh = 0.0;
                    if let Some(cost) = measured.take() {
                        refresh_every = (cost * 8.0).clamp(REFRESH_MS, MAX_REFRESH_MS);
                        refresh = cost;
                    }
                    if engine.take_arrived() {
                        dispatcher.dispatch(Action::Tour(TourAction::Arrived));
                    }
                    // A frame that ran a burst of events is long already: the cards wait for the
                    // next one, unless their refresh is overdue.
                    let busy =
                        core >= BUSY_FRAME_MS && timestamp - refreshed_at < 2.0 * refresh_every;
                    if stale && timestamp - refreshed_at >= refresh_every && !busy {
                        stale = false;
                        refreshed_at = timestamp;
                        let before = performance_now();
                        let tools = timestamp - tools_at >= TOOLS_REFRESH_MS;
                        if tools {
                            tools_at = timestamp;
                        }
                        dispatcher.dispatch(Action::Refresh { tools });
                        let measured = measured.clone();
                        js_sys::futures::spawn_local(async move {
                            measured.set(Some(performance_now() - before));
                        });
                    }
                    let painting = if bench { performance_now() } else { 0.0 };
                    let drawn = engine.paint();
                    if bench {
                        let end = performance_now();
                        record_frame([
                            timestamp,
                            end - started,
                            core,
                            refresh,
                            end - painting,
                            drawn as f64,
                        ]);
                    }
                })
            });
            move || drop(ticker)
        });
    }

    // Space plays or pauses, → steps, ← steps back, ? opens the help, unless the key is meant
    // for a control.
    {
        let dispatcher = state.dispatcher();
        use_effect_with((), move |_| {
            let document = gloo::utils::document();
            let listener = EventListener::new_with_options(
                &document,
                "keydown",
                EventListenerOptions::enable_prevent_default(),
                move |event| {
                    let Some(event) = event.dyn_ref::<KeyboardEvent>() else {
                        return;
                    };
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
                    match event.key().as_str() {
                        " " | "Spacebar" => {
                            event.prevent_default();
                            dispatcher.dispatch(Action::TogglePlay);
                        }
                        "ArrowRight" => {
                            event.prevent_default();
                            dispatcher.dispatch(Action::Step);
                        }
                        // In a guided tour: the next and the previous step.
                        "PageDown" | "PageUp" if touring() => {
                            event.prevent_default();
                            dispatcher.dispatch(Action::Tour(if event.key() == "PageDown" {
                                TourAction::Next
                            } else {
                                TourAction::Back
                            }));
                        }
                        "ArrowLeft" => {
                            event.prevent_default();
                            dispatcher.dispatch(Action::Time(TimeAction::StepBack));
                        }
                        "?" => {
                            event.prevent_default();
                            dispatcher.dispatch(Action::Time(TimeAction::ToggleHelp));
                        }
                        "Escape" => dispatcher.dispatch(Action::Time(TimeAction::CloseHelp)),
                        _ => {}
                    }
                },
            );
            move || drop(listener)
        });
    }

    // The record the inspector follows (set by a click on a log cell).
    let inspect: InspectContext = use_state(|| None::<RecordRef>);

    let touring = state.tour.is_some();
    // Embed mode (`?embed`, for an iframe): the diagram and the time controls only.
    let embed = state.time.embed;
    html! {
        <ContextProvider<AppContext> context={state}>
        <ContextProvider<InspectContext> context={inspect}>
            <div class={classes!("app", embed.then_some("embed"))} data-embed={embed.then_some("")}>
                if !embed {
                    <Header />
                }
                <Toolbar />
                <TimelineBar />
                <TimeNotices />
                if embed {
                    <NetworkDiagram />
                    <MessageLegend />
                } else {
                    <CommandErrorNotice />
                    <div class={classes!("workspace", touring.then_some("touring"))}>
                        if touring {
                            <TourPanel />
                        }
                        <main class="main-col">
                            <ClusterPanel />
                            <GroupsPanel />
                            <DescribeTable />
                            <GroupDescribePanel />
                        </main>
                        <aside class="side-col">
                            <RecordInspector />
                            if !touring {
                                <ActionsPanel />
                                <ConsumersPanel />
                                <NetworkPanel />
                            }
                            <ConsolePanel />
                            <EventLog />
                            if !touring {
                                <CreatePanel />
                            }
                            <MonitorsPanel />
                            <SharePanel />
                        </aside>
                    </div>
                    <Footer />
                }
                <HelpOverlay />
            </div>
        </ContextProvider<InspectContext>>
        </ContextProvider<AppContext>>
    }
}

/// Elements that use Space or arrows themselves: text fields, selects, sliders, buttons.
fn wants_keys(element: &HtmlElement) -> bool {
    matches!(
        element.tag_name().to_ascii_lowercase().as_str(),
        "input" | "textarea" | "select" | "button" | "summary"
    ) || element.is_content_editable()
}

/// Whether a guided tour is on screen (the keyboard handler is set up once, without the state).
fn touring() -> bool {
    gloo::utils::document()
        .query_selector("[data-tour-panel]")
        .ok()
        .flatten()
        .is_some()
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
fn url_options(options: &mut StartOptions) {
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
        options.speed = SPEEDS
            .iter()
            .enumerate()
            .min_by(|a, b| {
                let da = (a.1.ln() - speed.ln()).abs();
                let db = (b.1.ln() - speed.ln()).abs();
                da.total_cmp(&db)
            })
            .map_or(options.speed, |(i, _)| i);
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

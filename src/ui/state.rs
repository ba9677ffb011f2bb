//! The one app state: the running simulation (in the [`Engine`]), the snapshot the page draws
//! ([`View`]), the player's settings and the console's history. Components read it from the
//! context and dispatch [`Action`]s. Every change to the cluster is a scenario-language line
//! given to the core (`Action::Run`), so every button is also a line of a script.

use std::rc::Rc;

use yew::prelude::*;

use super::cluster::{DEFAULT_BROKERS, MAX_BROKERS, MIN_BROKERS};
use super::engine::{Engine, DEFAULT_SPEED, SPEEDS};
use super::i18n::Lang;
use super::panic;
use super::time::{self, default_player, history_of, TimeAction, TimeUi};
use super::tour_session::{TourAction, TourSession};
use super::view::View;
use crate::sim::ControllerMode;

/// Lines the console remembers.
pub const HISTORY: usize = 200;

/// One line given to the core, and its refusal if it was refused.
#[derive(Clone, Debug, PartialEq)]
pub struct HistoryEntry {
    pub line: Rc<str>,
    /// The simulated time it was applied at.
    pub at_ms: u64,
    pub error: Option<Rc<str>>,
}

#[derive(Clone)]
pub struct AppState {
    pub lang: Lang,
    pub engine: Rc<Engine>,
    pub view: Rc<View>,
    pub playing: bool,
    /// Index into [`SPEEDS`].
    pub speed: usize,
    /// Quiet time runs at 1× at least (see [`Engine::play`]).
    pub quiet: bool,
    /// Oldest first.
    pub history: Rc<Vec<HistoryEntry>>,
    /// The core's refusal of the last command, in its own (Kafka-style) words.
    pub error: Option<Rc<str>>,
    /// Bumped whenever time moves or the cluster changes, so the diagram repaints.
    pub revision: u64,
    /// What the last Kafka tool command typed in the console printed.
    pub console_output: Option<Rc<str>>,
    /// The guided tour on screen, if any.
    pub tour: Option<Rc<TourSession>>,
    /// Time travel and sharing: notices, the help overlay, embed mode (see `time.rs`).
    pub time: TimeUi,
}

pub enum Action {
    /// *New cluster*, confirmed: the default cluster with this many brokers (ignored outside the
    /// control's range) in this controller mode; the run it replaces is kept for
    /// [`Action::PreviousRun`].
    NewCluster(usize, ControllerMode),
    /// Back to the run the last *New cluster* replaced (and that one becomes the previous run).
    PreviousRun,
    SetLang(Lang),
    /// One scenario-language line for the core (a button, a form, the console).
    Run(String),
    TogglePlay,
    SetSpeed(usize),
    SetQuiet(bool),
    /// Process the next event (pauses).
    Step,
    /// The animation loop ran events: take a new snapshot; without `tools`, the groups' tool
    /// output (`kafka-consumer-groups.sh --describe`, hundreds of lines for a big group) is kept
    /// from the last one (the loop asks for it a few times a second; pausing refreshes it all).
    Refresh {
        tools: bool,
    },
    /// Panics on purpose: `?panic` in the page's URL dispatches it, so a check can see that a
    /// panic shows the error banner instead of leaving a dead page.
    Crash,
    /// Open, walk or leave a guided tour.
    Tour(TourAction),
    /// Seek, step back, share links, import, help (see `time.rs`).
    Time(TimeAction),
}

pub type AppContext = UseReducerHandle<AppState>;

/// How the page starts (the URL can change it: see `app.rs`).
#[derive(Clone, Debug, PartialEq)]
pub struct StartOptions {
    pub lang: Lang,
    pub playing: bool,
    pub speed: usize,
    pub quiet: bool,
    /// The cluster to build (clamped to the broker control's range).
    pub brokers: usize,
    pub mode: ControllerMode,
    /// Lines run after the default cluster is built.
    pub run: Vec<String>,
    /// Then run the core to this simulated time (ms, fractions allowed).
    pub at_ms: Option<f64>,
    /// Open this guided tour (its id) at this step (from 0).
    pub tour: Option<(String, usize)>,
    /// A share link's value (`#k=...`): the whole run, instead of the options above.
    pub link: Option<String>,
    /// Diagram and time controls only (`?embed`).
    pub embed: bool,
    /// Run the first screen's story ([`super::cluster::STORY`]) when nothing else was asked for
    /// (no link, no `?run=`, no `?t=`, no tour).
    pub story: bool,
}

impl StartOptions {
    pub fn new(lang: Lang) -> Self {
        Self {
            lang,
            playing: true,
            speed: DEFAULT_SPEED,
            quiet: true,
            brokers: DEFAULT_BROKERS,
            mode: ControllerMode::Kraft,
            run: Vec::new(),
            at_ms: None,
            tour: None,
            link: None,
            embed: false,
            story: false,
        }
    }
}

impl AppState {
    pub fn new(options: StartOptions) -> Self {
        let brokers = options.brokers.clamp(MIN_BROKERS, MAX_BROKERS);
        // A share link holds the whole run; a damaged one leaves the default page and a banner.
        let (shared, link_notices) = time::open_link(options.link.as_deref());
        let from_link = shared.is_some();
        let player = shared.unwrap_or_else(|| {
            default_player(brokers, options.mode)
                .expect("the default cluster (topic orders with RF min(3, brokers)) is valid")
        });
        let view = Rc::new(View::build(&player, None));
        let history = Rc::new(history_of(&player));
        let engine = Rc::new(Engine::new(player));
        let mut state = Self {
            lang: options.lang,
            view,
            engine,
            playing: options.playing,
            speed: options.speed.min(SPEEDS.len() - 1),
            quiet: options.quiet,
            history,
            error: None,
            revision: 0,
            console_output: None,
            tour: None,
            time: TimeUi {
                embed: options.embed,
                ..link_notices
            },
        };
        if from_link {
            return state;
        }
        // A refused line of `?run=` stays on screen even when later lines run: the link's
        // author must see which line the page did not take.
        let mut refused: Option<Rc<str>> = None;
        let story = options.story
            && options.run.is_empty()
            && options.at_ms.is_none()
            && options.tour.is_none();
        let story_lines = super::cluster::STORY.iter().map(|l| l.to_string());
        let lines: Vec<String> = if story {
            story_lines.collect()
        } else {
            options.run.clone()
        };
        for line in &lines {
            state = state.run(line);
            if refused.is_none() {
                refused = state
                    .error
                    .as_ref()
                    .map(|e| format!("{}: {e}", line.trim()).into());
            }
        }
        if refused.is_some() {
            state.error = refused;
        }
        if let Some(at_ms) = options.at_ms.filter(|t| t.is_finite()) {
            state.engine.seek(at_ms);
            state = state.refreshed();
        }
        state
    }

    /// The live broker count (the core's, after any `broker add`).
    pub fn broker_count(&self) -> usize {
        self.view.broker_count()
    }

    pub fn mode(&self) -> ControllerMode {
        self.view.mode
    }

    pub fn speed_factor(&self) -> f64 {
        SPEEDS[self.speed]
    }

    pub(super) fn refreshed(&self) -> Self {
        let mut next = self.clone();
        next.view = Rc::new(View::build(&self.engine.player(), Some(&self.view)));
        next.revision += 1;
        next
    }

    fn run(&self, line: &str) -> Self {
        let line = line.trim();
        let at_ms = self.engine.sim().now_ms();
        let result = self.engine.run_console_line(line);
        let mut next = match &result {
            Ok((printed, applied)) => {
                let mut next = self.refreshed();
                next.error = None;
                if crate::sim::kafka_cli::is_tool_line(line) {
                    next.console_output = (!printed.is_empty()).then(|| printed.as_str().into());
                }
                time::after_command(&mut next, *applied);
                next
            }
            Err(_) => self.clone(),
        };
        let error: Option<Rc<str>> = result.err().map(|e| e.to_string().into());
        let mut history = (*next.history).clone();
        if history.len() >= HISTORY {
            history.remove(0);
        }
        history.push(HistoryEntry {
            line: line.into(),
            at_ms,
            error: error.clone(),
        });
        next.history = Rc::new(history);
        if error.is_some() {
            next.error = error;
        }
        remember_script(&next.history);
        next
    }

    fn recreate(&self, brokers: usize, mode: ControllerMode) -> Self {
        match default_player(brokers, mode) {
            Ok(player) => {
                self.engine.replace_keeping_previous(player);
                self.after_new_run()
            }
            Err(e) => {
                let mut next = self.clone();
                next.error = Some(e.to_string().into());
                next
            }
        }
    }

    /// The run a *New cluster* replaced, back on screen (at the moment it showed).
    fn previous_run(&self) -> Self {
        if self.engine.swap_previous() {
            self.after_new_run()
        } else {
            self.clone()
        }
    }

    /// The state after the engine was given another run: its view, history, no tour.
    fn after_new_run(&self) -> Self {
        {
            {
                let history = history_of(&self.engine.player());
                let mut next = self.clone();
                next.view = Rc::new(View::build(&self.engine.player(), None));
                next.history = Rc::new(history);
                next.time.fork = None;
                next.error = None;
                next.revision += 1;
                next.tour = None;
                remember_script(&next.history);
                next
            }
        }
    }
}

/// What the panic banner offers: the lines the core accepted, in order.
pub(super) fn remember_script(history: &[HistoryEntry]) {
    let script: Vec<&str> = history
        .iter()
        .filter(|h| h.error.is_none())
        .map(|h| &*h.line)
        .collect();
    panic::remember_script(script.join("\n"));
}

impl Reducible for AppState {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        match action {
            Action::NewCluster(n, _) if !(MIN_BROKERS..=MAX_BROKERS).contains(&n) => self,
            Action::NewCluster(n, mode) => Rc::new(self.recreate(n, mode)),
            Action::PreviousRun => Rc::new(self.previous_run()),
            Action::SetLang(lang) if lang == self.lang => self,
            Action::SetLang(lang) => {
                let mut next = (*self).clone();
                next.lang = lang;
                Rc::new(next)
            }
            Action::Run(line) if line.trim().is_empty() => self,
            Action::Run(line) => Rc::new(self.settle_tour().run(&line)),
            Action::TogglePlay => {
                if self.playing {
                    // At rest, the end-of-run invariant checks run (see the monitors panel).
                    self.engine.player_mut().check_monitors();
                }
                // Pausing catches up with any refresh the animation loop held back.
                let mut next = self.refreshed();
                next.playing = !self.playing;
                Rc::new(next)
            }
            Action::SetSpeed(i) if i >= SPEEDS.len() || i == self.speed => self,
            Action::SetSpeed(i) => {
                let mut next = (*self).clone();
                next.speed = i;
                Rc::new(next)
            }
            Action::SetQuiet(on) if on == self.quiet => self,
            Action::SetQuiet(on) => {
                let mut next = (*self).clone();
                next.quiet = on;
                Rc::new(next)
            }
            Action::Step => {
                self.engine.step();
                let mut next = self.refreshed();
                next.playing = false;
                if self.engine.take_arrived() {
                    next = next.tour_action(TourAction::Arrived);
                }
                Rc::new(next)
            }
            Action::Refresh { tools } => {
                let view = View::build_playing(&self.engine.player(), Some(&self.view), tools);
                if view == *self.view {
                    return self;
                }
                let mut next = (*self).clone();
                next.view = Rc::new(view);
                Rc::new(next)
            }
            Action::Crash => panic!("a panic on purpose (the page was opened with ?panic)"),
            Action::Tour(action) => Rc::new(self.tour_action(action)),
            Action::Time(action) => time::reduce(&self, action).map_or(self, Rc::new),
        }
    }
}

impl PartialEq for AppState {
    fn eq(&self, other: &Self) -> bool {
        self.lang == other.lang
            && Rc::ptr_eq(&self.engine, &other.engine)
            && Rc::ptr_eq(&self.view, &other.view)
            && self.playing == other.playing
            && self.speed == other.speed
            && self.quiet == other.quiet
            && Rc::ptr_eq(&self.history, &other.history)
            && self.error == other.error
            && self.revision == other.revision
            && self.console_output == other.console_output
            && match (&self.tour, &other.tour) {
                (Some(a), Some(b)) => Rc::ptr_eq(a, b),
                (a, b) => a.is_none() && b.is_none(),
            }
            && self.time == other.time
    }
}

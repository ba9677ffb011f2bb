//! The animation loop: runs while playing. Each frame moves the animation clock by the frame's
//! wall time times the speed, runs the core up to it, refreshes the snapshot when an event ran,
//! and paints the messages in flight.

use std::cell::Cell;
use std::rc::Rc;

use yew::prelude::*;

use crate::ui::engine::{Engine, BUSY_FRAME_MS};
use crate::ui::state::{Action, AppContext};
use crate::ui::ticker::{benchmarking, performance_now, record_frame, Ticker};
use crate::ui::tour_session::TourAction;

/// While playing, the snapshot (cards, tables, the event log) is refreshed at most this often.
const REFRESH_MS: f64 = 66.0;
/// ... and at least this often, however slow a refresh is.
const MAX_REFRESH_MS: f64 = 1000.0;
/// While playing, the groups' tool output is rebuilt at most this often (wall ms).
const TOOLS_REFRESH_MS: f64 = 500.0;

/// Runs the loop while `state.playing`, restarted when the speed or quiet time changes.
#[hook]
pub fn use_animation_loop(state: &AppContext) {
    let engine = state.engine.clone();
    let dispatcher = state.dispatcher();
    let (playing, speed, quiet) = (state.playing, state.speed_factor(), state.quiet);
    use_effect_with((playing, state.speed, quiet), move |_| {
        let ticker = playing.then(|| {
            let mut frames = Frames::new(engine, dispatcher);
            Ticker::start(move |timestamp| frames.frame(timestamp, speed, quiet))
        });
        move || drop(ticker)
    });
}

/// The loop's memory from one frame to the next.
struct Frames {
    engine: Rc<Engine>,
    dispatcher: UseReducerDispatcher<crate::ui::state::AppState>,
    last: Option<f64>,
    bench: bool,
    /// The cards need not follow at 60 Hz: the snapshot is refreshed at most every
    /// `refresh_every` while events keep running (the tokens still move every frame). A big
    /// cluster's refresh (snapshot and re-render) can take tens of ms: then it is refreshed less
    /// often, so that refreshing takes at most an eighth of the time. Yew renders after the
    /// frame's callback (in a microtask), so the cost is measured by a task queued behind the
    /// render and read at the next frame.
    measured: Rc<Cell<Option<f64>>>,
    stale: bool,
    refreshed_at: f64,
    refresh_every: f64,
    tools_at: f64,
}

impl Frames {
    fn new(
        engine: Rc<Engine>,
        dispatcher: UseReducerDispatcher<crate::ui::state::AppState>,
    ) -> Self {
        Self {
            engine,
            dispatcher,
            last: None,
            bench: benchmarking(),
            measured: Rc::default(),
            stale: false,
            refreshed_at: f64::NEG_INFINITY,
            refresh_every: REFRESH_MS,
            tools_at: f64::NEG_INFINITY,
        }
    }

    fn frame(&mut self, timestamp: f64, speed: f64, quiet: bool) {
        let started = performance_now();
        let wall_ms = self.last.map_or(0.0, |l| timestamp - l);
        self.last = Some(timestamp);
        self.stale |= self.engine.play(wall_ms, speed, quiet);
        let core = performance_now() - started;
        let mut refresh = 0.0;
        if let Some(cost) = self.measured.take() {
            self.refresh_every = (cost * 8.0).clamp(REFRESH_MS, MAX_REFRESH_MS);
            refresh = cost;
        }
        if self.engine.take_arrived() {
            self.dispatcher.dispatch(Action::Tour(TourAction::Arrived));
        }
        self.maybe_refresh(timestamp, core);
        let painting = if self.bench { performance_now() } else { 0.0 };
        let drawn = self.engine.paint();
        if self.bench {
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
    }

    /// Refreshes the snapshot when events ran and the last refresh is old enough. A frame that
    /// ran a burst of events is long already: the cards wait for the next one, unless their
    /// refresh is overdue.
    fn maybe_refresh(&mut self, timestamp: f64, core: f64) {
        let since = timestamp - self.refreshed_at;
        let busy = core >= BUSY_FRAME_MS && since < 2.0 * self.refresh_every;
        if !self.stale || since < self.refresh_every || busy {
            return;
        }
        self.stale = false;
        self.refreshed_at = timestamp;
        let before = performance_now();
        let tools = timestamp - self.tools_at >= TOOLS_REFRESH_MS;
        if tools {
            self.tools_at = timestamp;
        }
        self.dispatcher.dispatch(Action::Refresh { tools });
        let measured = self.measured.clone();
        js_sys::futures::spawn_local(async move {
            measured.set(Some(performance_now() - before));
        });
    }
}

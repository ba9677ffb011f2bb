//! The running simulation and the two clocks of the page.
//!
//! The simulation lives in a [`Player`] (`crate::timeline`): it records every command with its
//! exact moment and can go back to any earlier moment and play on from there.
//!
//! - The **simulation clock** is the core's `now_ms`: it moves only when the core runs events
//!   (`run_until`, `step`, an `advance` line).
//! - The **animation clock** (`view_ms`, fractional simulated milliseconds) is what the screen
//!   shows: wall time times the speed factor. The core is run up to its whole millisecond, and
//!   each message in flight is drawn at `frac = (view_ms - sent_at) / (deliver_at - sent_at)`.
//!
//! Messages are painted (`engine/paint.rs`) straight into one SVG group with web-sys, once per
//! animation frame:
//! one `<g>` per message (its path and its token), created when the message appears, moved while
//! it flies, removed when the core delivers it. Yew never re-renders for that.

use std::cell::{Cell, Ref, RefCell, RefMut};

use wasm_bindgen::JsCast;
use web_sys::{Document, Element};
use yew::NodeRef;

use super::ticker::performance_now;

mod paint;
mod watched;
use super::tour_script::Script;
use super::view::Layout;
use crate::sim::vec_map::VecMap;
use crate::sim::{Message, MessageKind, Simulation};
use crate::timeline::{Applied, Player};
pub use paint::Curve;

const SVG_NS: &str = "http://www.w3.org/2000/svg";

/// More tokens than this are not drawn: the diagram says how many more are in flight (and the
/// toolbar's count is all of them). A token costs about 30 µs of the main thread to create,
/// style, lay out and paint (DevTools trace, 100 brokers): a hundred brokers' replica fetches
/// and heartbeats falling due together (up to 1,355 messages) took frames of 100–200 ms, and so
/// many paths over a hundred nodes show no one of them.
pub const MAX_TOKENS: usize = 300;

/// Playback speeds, in simulated milliseconds per wall millisecond. At the slowest a 2 ms
/// network hop takes 4 s to cross the screen.
pub const SPEEDS: [f64; 14] = [
    0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0,
];
/// The speeds as the control shows them.
pub const SPEED_LABELS: [&str; 14] = [
    "×0.0005", "×0.001", "×0.002", "×0.005", "×0.01", "×0.02", "×0.05", "×0.1", "×0.2", "×0.5",
    "×1", "×2", "×5", "×10",
];
/// ×0.005: a 2 ms hop crosses the screen in 0.4 s, so a record's whole trip (producer,
/// leader, followers, high watermark, ack, a consumer's fetch) is seen within the first seconds.
pub const DEFAULT_SPEED: usize = 3;

/// While no watched message is in flight ("quiet time": background traffic such as heartbeats,
/// metadata and empty long-poll fetches does not count; see `engine/watched.rs`), time runs at
/// least this fast (real time), so that timeouts of seconds pass in seconds even when messages
/// crawl.
pub const QUIET_RATE: f64 = 1.0;

/// A frame longer than this (a background tab, a debugger pause) counts as this long.
const MAX_FRAME_MS: f64 = 100.0;
/// A frame whose core work took longer than this leaves a due snapshot for a later frame...
pub const BUSY_FRAME_MS: f64 = 4.0;
/// ... but not for more than this many frames in a row (half a second).
const MAX_DEFERRED_FRAMES: u32 = 30;

/// A message's family: its colour in the diagram and the legend.
pub fn family(kind: MessageKind) -> (&'static str, bool) {
    use MessageKind::*;
    match kind {
        Produce => ("produce", false),
        ProduceResponse => ("produce", true),
        Fetch => ("fetch", false),
        FetchResponse => ("fetch", true),
        Metadata => ("metadata", false),
        MetadataResponse => ("metadata", true),
        BrokerHeartbeat => ("heartbeat", false),
        BrokerHeartbeatResponse => ("heartbeat", true),
        AlterPartition => ("alter-partition", false),
        AlterPartitionResponse => ("alter-partition", true),
        MetadataUpdate => ("metadata-update", false),
        MetadataUpdateResponse => ("metadata-update", true),
        Vote | BeginQuorumEpoch => ("vote", false),
        VoteResponse => ("vote", true),
        ZkWatch | ZkCreateController => ("zookeeper", false),
        ZkControllerElected => ("zookeeper", true),
        FindCoordinator | JoinGroup | SyncGroup | Heartbeat | LeaveGroup | OffsetCommit
        | OffsetFetch | ListOffsets => ("group", false),
        GroupResponse => ("group", true),
        Disconnected => ("disconnected", true),
        // Kinds the core adds later draw in a neutral colour until they get their own.
        #[allow(unreachable_patterns)]
        _ => ("other", false),
    }
}

struct Token {
    group: Element,
    path: Element,
    dot: Element,
    /// A produce request's label: its batch's record count and first sequence number.
    label: Option<Element>,
    /// The paint pass that last saw this message.
    seen: u64,
}

pub struct Engine {
    player: RefCell<Player>,
    view_ms: Cell<f64>,
    reduced_motion: Cell<bool>,
    /// The SVG group the tokens go in, the clock and the in-flight count (rendered by Yew,
    /// filled here).
    pub layer: NodeRef,
    pub clock: NodeRef,
    pub count: NodeRef,
    /// The diagram's note of the messages in flight beyond [`MAX_TOKENS`] (hidden while none),
    /// and its number.
    pub not_drawn: NodeRef,
    pub not_drawn_count: NodeRef,
    /// What the note shows now, and in which element (Yew may render a new one).
    not_drawn_shown: RefCell<Option<(Element, usize)>>,
    /// The timeline's slider (its value follows the animation clock).
    pub seek: NodeRef,
    tokens: RefCell<VecMap<u64, Token>>,
    /// A token's elements by (message kind, dropped), cloned for each new message.
    templates: RefCell<VecMap<(&'static str, bool), Element>>,
    layout: RefCell<Option<Layout>>,
    pass: Cell<u64>,
    /// A tour step being played (its commands at their times), and whether one just ended.
    script: RefCell<Option<Script>>,
    arrived: Cell<bool>,
    /// Frames in a row that left a due snapshot for later (see [`Engine::play`]).
    deferred: Cell<u32>,
    /// The run the last *New cluster* replaced, and the animation clock it showed.
    previous: RefCell<Option<(Player, f64)>>,
}

impl Engine {
    pub fn new(player: Player) -> Engine {
        Engine {
            view_ms: Cell::new(player.sim().now_ms() as f64),
            player: RefCell::new(player),
            reduced_motion: Cell::new(prefers_reduced_motion()),
            layer: NodeRef::default(),
            clock: NodeRef::default(),
            count: NodeRef::default(),
            not_drawn: NodeRef::default(),
            not_drawn_count: NodeRef::default(),
            not_drawn_shown: RefCell::new(None),
            seek: NodeRef::default(),
            tokens: RefCell::new(VecMap::new()),
            templates: RefCell::new(VecMap::new()),
            layout: RefCell::new(None),
            pass: Cell::new(0),
            script: RefCell::new(None),
            arrived: Cell::new(false),
            deferred: Cell::new(0),
            previous: RefCell::new(None),
        }
    }

    pub fn sim(&self) -> Ref<'_, Simulation> {
        Ref::map(self.player.borrow(), Player::sim)
    }

    pub fn player(&self) -> Ref<'_, Player> {
        self.player.borrow()
    }

    pub fn player_mut(&self) -> RefMut<'_, Player> {
        self.player.borrow_mut()
    }

    /// *New cluster*: [`Engine::replace`], keeping the run it replaces for
    /// [`Engine::swap_previous`] (a run is never thrown away by one click).
    pub fn replace_keeping_previous(&self, player: Player) {
        let at = self.view_ms.get();
        let old = self.install(player);
        *self.previous.borrow_mut() = Some((old, at));
    }

    /// Puts the previous run back on screen, at the moment it showed, and keeps the current one
    /// as the previous; false when there is none.
    pub fn swap_previous(&self) -> bool {
        let Some((previous, at)) = self.previous.borrow_mut().take() else {
            return false;
        };
        let now = self.view_ms.get();
        let current = self.install(previous);
        self.view_ms.set(at.max(self.view_ms.get()));
        *self.previous.borrow_mut() = Some((current, now));
        true
    }

    /// Whether a run replaced by *New cluster* can be brought back.
    pub fn has_previous(&self) -> bool {
        self.previous.borrow().is_some()
    }

    /// Re-creates the cluster: a new run, the clock back at its time, no tokens.
    pub fn replace(&self, player: Player) {
        self.install(player);
    }

    /// Puts `player` on screen (the clock at its time, no tokens) and returns the run it replaced.
    fn install(&self, player: Player) -> Player {
        *self.script.borrow_mut() = None;
        self.view_ms.set(player.sim().now_ms() as f64);
        let old = std::mem::replace(&mut *self.player.borrow_mut(), player);
        for (_, token) in std::mem::take(&mut *self.tokens.borrow_mut()) {
            token.group.remove();
        }
        *self.layout.borrow_mut() = None;
        old
    }

    pub fn reduced_motion(&self) -> bool {
        self.reduced_motion.get()
    }

    pub fn set_reduced_motion(&self, on: bool) {
        self.reduced_motion.set(on);
    }

    /// Applies one scenario line; on error nothing changed (the core's promise). A command in
    /// the past forks the timeline (see [`Applied`]).
    pub fn apply_line(&self, line: &str) -> Result<Applied, crate::sim::CommandError> {
        let result = self.player.borrow_mut().apply_line(line);
        self.catch_up();
        result
    }

    /// Runs one console line (a scenario line or a Kafka tool command): what the tool prints, and
    /// what applying it did (a command in the past forks the timeline). On error nothing changed.
    pub fn run_console_line(
        &self,
        line: &str,
    ) -> Result<(String, Applied), crate::sim::CommandError> {
        let result = self.player.borrow_mut().run_console_line(line);
        self.catch_up();
        result
    }

    /// Plays a tour step from the simulation's time: its commands due now are given at once,
    /// the others as the clock reaches them (each recorded on the timeline like any command).
    /// Returns whether anything is left to play.
    pub fn play_script(&self, mut script: Script) -> bool {
        let mut player = self.player.borrow_mut();
        script.apply_due(&mut player);
        let playing = !script.done(player.sim());
        *self.script.borrow_mut() = playing.then_some(script);
        drop(player);
        self.catch_up();
        playing
    }

    /// Whether a tour step is being played.
    pub fn scripted(&self) -> bool {
        self.script.borrow().is_some()
    }

    /// Runs the tour step being played to its end at once.
    pub fn finish_script(&self) {
        if let Some(mut script) = self.script.borrow_mut().take() {
            script.finish(&mut self.player.borrow_mut());
            self.view_ms.set(script.end_ms() as f64);
        }
    }

    /// Whether a tour step reached its end since the last call.
    pub fn take_arrived(&self) -> bool {
        self.arrived.replace(false)
    }

    /// Processes the next event (after the recorded commands due before it; in a tour step,
    /// or the step's next command if it comes first); false when nothing is scheduled.
    pub fn step(&self) -> bool {
        let scripted = self
            .script
            .borrow_mut()
            .as_mut()
            .map(|script| script.step(&mut self.player.borrow_mut()));
        if let Some(done) = scripted {
            if done {
                *self.script.borrow_mut() = None;
                self.arrived.set(true);
            }
            self.show_core_time();
            return true;
        }
        let stepped = self.player.borrow_mut().step();
        self.show_core_time();
        stepped
    }

    /// Back one event (see [`Player::step_back`]).
    pub fn step_back(&self) -> bool {
        let moved = self.player.borrow_mut().step_back();
        self.show_core_time();
        moved
    }

    /// Show the simulation's time exactly: tokens sent now sit on their sender.
    pub fn show_core_time(&self) {
        self.view_ms.set(self.sim().now_ms() as f64);
    }

    /// The animation clock never shows a time before the core's.
    fn catch_up(&self) {
        let now = self.sim().now_ms() as f64;
        if self.view_ms.get() < now {
            self.view_ms.set(now);
        }
    }

    /// Runs the core to `view_ms` and shows that moment (fractions of a millisecond place the
    /// messages in flight along their paths). Never goes back.
    pub fn seek(&self, view_ms: f64) {
        let mut player = self.player.borrow_mut();
        if view_ms > player.sim().now_ms() as f64 {
            run_until(&mut player, view_ms);
            self.view_ms.set(view_ms);
        }
    }

    /// Shows the run at `view_ms`, earlier or later: from the nearest snapshot before it, along
    /// the recorded run.
    pub fn travel(&self, view_ms: f64) {
        let t = view_ms.max(0.0);
        self.player.borrow_mut().seek_ms(t.floor() as u64);
        self.view_ms.set(t);
    }

    /// The animation clock, in simulated milliseconds.
    pub fn view_ms(&self) -> f64 {
        self.view_ms.get()
    }

    /// Moves time forward by `wall_ms` of wall time at `speed` (simulated ms per wall ms).
    /// With `quiet`, stretches with no watched message in flight run at [`QUIET_RATE`] at least, but
    /// always stop at the next event, so no message is skipped over. Returns whether the core
    /// processed any event (the page then refreshes its snapshot).
    pub fn play(&self, wall_ms: f64, speed: f64, quiet: bool) -> bool {
        let scripted = self.script.borrow_mut().as_mut().map(|script| {
            script.play(
                &mut self.player.borrow_mut(),
                self.view_ms.get(),
                wall_ms,
                speed,
            )
        });
        if let Some((t, processed, done)) = scripted {
            self.view_ms.set(t);
            if done {
                *self.script.borrow_mut() = None;
                self.arrived.set(true);
            }
            return processed || done;
        }
        let mut player = self.player.borrow_mut();
        // A frame that runs a burst of events (a big cluster's fetches falling due together)
        // leaves a due snapshot, a copy of the whole run, to a frame with time to spare.
        let started = performance_now();
        player.set_defer_snapshots(true);
        let mut t = self.view_ms.get().max(player.sim().now_ms() as f64);
        let mut budget = wall_ms.clamp(0.0, MAX_FRAME_MS);
        let mut processed = false;
        // Bounded: each turn either ends the frame or runs the core to its next event.
        for _ in 0..10_000 {
            if budget <= 0.0 {
                break;
            }
            let idle = quiet && {
                let sim = player.sim();
                !sim.in_flight().any(|m| watched::watched(m, sim))
            };
            let rate = if idle { speed.max(QUIET_RATE) } else { speed };
            let target = t + budget * rate;
            if idle {
                if let Some(next) = player.sim().next_event_ms().map(|n| n as f64) {
                    if next <= target {
                        budget -= (next - t).max(0.0) / rate;
                        t = next.max(t);
                        processed |= run_until(&mut player, t);
                        continue;
                    }
                }
            }
            t = target;
            processed |= run_until(&mut player, t);
            break;
        }
        player.set_defer_snapshots(false);
        if performance_now() - started < BUSY_FRAME_MS || self.deferred.get() >= MAX_DEFERRED_FRAMES
        {
            player.take_due_snapshot();
            self.deferred.set(0);
        } else {
            self.deferred.set(self.deferred.get() + 1);
        }
        self.view_ms.set(t);
        processed
    }
}

fn run_until(player: &mut Player, t: f64) -> bool {
    let until = t.floor().max(0.0) as u64;
    let before = player.cursor();
    player.run_until(until);
    // Events ran, or recorded commands were applied again (playing on from the past).
    before.at.events != player.sim().events_processed() || before.applied != player.cursor().applied
}

/// A coordinate in whole SVG units (about a pixel): integers keep float formatting out of the
/// bundle.
pub fn px(v: f64) -> i64 {
    v.round() as i64
}

/// `12.345 s`: simulated seconds with milliseconds.
pub fn format_clock(ms: f64) -> String {
    let ms = ms.max(0.0).floor() as u64;
    format!("{}.{:03} s", ms / 1000, ms % 1000)
}

/// `prefers-reduced-motion: reduce`, or `?reduced-motion` in the URL.
fn prefers_reduced_motion() -> bool {
    let Some(window) = web_sys::window() else {
        return false;
    };
    let by_url = window
        .location()
        .search()
        .is_ok_and(|s| s.contains("reduced-motion"));
    by_url
        || window
            .match_media("(prefers-reduced-motion: reduce)")
            .ok()
            .flatten()
            .is_some_and(|m| m.matches())
}

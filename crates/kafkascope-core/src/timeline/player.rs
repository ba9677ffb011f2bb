//! A run that moves along its timeline in both directions.
//!
//! Forward, it is the live run: every accepted command is recorded with its [`Moment`]. Back,
//! it restores the nearest [`Snapshot`] before the target and replays from there, re-applying
//! the recorded commands at their moments; playing on from the past follows the recorded run.
//! Applying a command in the past forks: the recorded commands after that moment are dropped.

use crate::sim::command::Command;
use crate::sim::{kafka_cli, script};
use crate::sim::{CommandError, Simulation, MAX_ADVANCE_MS, MAX_STEP_EVENTS};

use super::markers::Markers;
use super::monitors::Monitors;
use super::snapshots::{Snapshot, Snapshots};
use super::{Cursor, Entry, Moment, ReplayError, Start, Timeline};

/// What applying a line did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Applied {
    /// A blank line or a comment.
    Nothing,
    /// `advance` or `step`: time moved along the timeline (recorded commands on the way were
    /// applied again).
    Time,
    /// A command, recorded at its moment; `fork` when it was applied in the past.
    Command { fork: Option<Fork> },
}

/// Acting in the past: the recorded run after `at` was dropped, with `dropped` commands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Fork {
    pub at: Moment,
    pub dropped: usize,
}

pub struct Player {
    timeline: Timeline,
    sim: Simulation,
    /// Entries of the timeline applied to `sim` (the next to apply is `entries[applied]`).
    applied: usize,
    /// When the last processed event happened (the clock may have moved on since).
    last_event_ms: u64,
    snapshots: Snapshots,
    markers: Markers,
    monitors: Monitors,
    /// Trace lines already turned into markers: the trace's total at the furthest moment.
    scanned: u64,
    /// No event beyond this count is processed (imports stop at the replay limit).
    event_limit: u64,
    /// Bumped whenever the recorded timeline changes (a command, a fork).
    revision: u64,
    /// While set, a move leaves the snapshot that falls due to [`Player::take_due_snapshot`]
    /// (the page takes it in a frame with time to spare). Snapshots only make going back
    /// faster: the run is the same.
    defer_snapshots: bool,
}

impl Player {
    /// A new run from `start`, with nothing recorded yet.
    pub fn new(start: Start) -> Result<Player, CommandError> {
        let sim = start.simulation()?;
        Ok(Player::from_sim(start, sim))
    }

    fn from_sim(start: Start, sim: Simulation) -> Player {
        let mut timeline = Timeline::new(start);
        timeline.end = Moment::of(&sim);
        Player {
            snapshots: Snapshots::new(Snapshot::take(Cursor::default(), 0, &sim)),
            markers: Markers::default(),
            monitors: Monitors::new(&sim),
            scanned: sim.trace.total(),
            last_event_ms: sim.now_ms(),
            applied: 0,
            event_limit: u64::MAX,
            revision: 0,
            defer_snapshots: false,
            timeline,
            sim,
        }
    }

    /// Replays a recorded run from its start (every command at its moment, up to its end), then
    /// goes to `at`. A refused command or an unreachable moment is an error.
    pub fn replay(timeline: &Timeline, at: Cursor) -> Result<Player, ReplayError> {
        timeline.check()?;
        let sim = timeline
            .start
            .simulation()
            .map_err(|e| ReplayError::Start(e.to_string()))?;
        let mut player = Player::from_sim(timeline.start.clone(), sim);
        for (index, entry) in timeline.entries.iter().enumerate() {
            player
                .go_to(entry.at)
                .map_err(|_| ReplayError::Unreachable { index })?;
            let refused = |error: String| ReplayError::Refused {
                index,
                line: entry.line.clone(),
                error,
            };
            let command = match script::parse_line(&entry.line) {
                Ok(Some(c)) if !is_time(&c) => c,
                Ok(_) => return Err(refused("not a command".into())),
                Err(e) => return Err(refused(e.to_string())),
            };
            player
                .sim
                .apply(command)
                .map_err(|e| refused(e.to_string()))?;
            player.record(entry.at, entry.line.clone());
        }
        player
            .go_to(timeline.end)
            .map_err(|_| ReplayError::Unreachable {
                index: timeline.entries.len(),
            })?;
        player.seek_cursor(at)?;
        Ok(player)
    }

    pub fn sim(&self) -> &Simulation {
        &self.sim
    }

    pub fn timeline(&self) -> &Timeline {
        &self.timeline
    }

    pub fn markers(&self) -> &Markers {
        &self.markers
    }

    pub fn monitors(&self) -> &Monitors {
        &self.monitors
    }

    pub fn snapshots(&self) -> &Snapshots {
        &self.snapshots
    }

    /// Changes whenever the recorded timeline changes.
    pub fn revision(&self) -> u64 {
        self.revision
    }

    pub fn position(&self) -> Moment {
        Moment::of(&self.sim)
    }

    pub fn cursor(&self) -> Cursor {
        Cursor {
            applied: self.applied,
            at: self.position(),
        }
    }

    /// The furthest moment of the recorded run.
    pub fn end(&self) -> Moment {
        self.timeline.end
    }

    /// Before the end of the recorded run (a command applied now would fork it).
    pub fn in_past(&self) -> bool {
        self.applied < self.timeline.entries.len() || self.position() < self.timeline.end
    }

    /// Stops processing events at this count (`u64::MAX`: no limit).
    pub fn set_event_limit(&mut self, limit: u64) {
        self.event_limit = limit;
    }

    /// Applies one line of the scenario language. `advance` and `step` move time along the
    /// timeline; any other command is recorded at this moment (forking the timeline when in the
    /// past). On error nothing changed.
    pub fn apply_line(&mut self, line: &str) -> Result<Applied, CommandError> {
        let Some(command) = script::parse_line(line)? else {
            return Ok(Applied::Nothing);
        };
        match command {
            // Time moves along the recording here, not in the core: the core's checks first.
            Command::Advance(ms) if ms > MAX_ADVANCE_MS => {
                self.sim.apply(command)?;
                Ok(Applied::Nothing)
            }
            Command::Step(n) if n > MAX_STEP_EVENTS => {
                self.sim.apply(command)?;
                Ok(Applied::Nothing)
            }
            Command::Advance(ms) => {
                self.run_until(self.sim.now_ms().saturating_add(ms));
                Ok(Applied::Time)
            }
            Command::Step(n) => {
                for _ in 0..n {
                    if !self.step() {
                        break;
                    }
                }
                Ok(Applied::Time)
            }
            command => {
                let at = self.position();
                let trace_total = self.sim.trace.total();
                let violations = self.sim.invariants.violations.len();
                self.sim.apply(command)?;
                let fork = self.fork(trace_total, violations);
                self.record(at, line.trim().to_string());
                Ok(Applied::Command { fork })
            }
        }
    }

    /// A console line: a Kafka tool command (`kafka-topics.sh --create ...`, see
    /// `sim::kafka_cli`) or a scenario line. A tool's scenario lines are recorded one by one (all
    /// or nothing, as the tool); returns what the tool prints, and the first fork if any.
    pub fn run_console_line(&mut self, line: &str) -> Result<(String, Applied), CommandError> {
        if !kafka_cli::is_tool_line(line) {
            return self
                .apply_line(line)
                .map(|applied| (String::new(), applied));
        }
        let run = self.sim.translate_tool_line(line)?;
        if run.lines.len() > 1 {
            let mut probe = self.sim.clone();
            for l in &run.lines {
                probe.apply_line(l)?;
            }
        }
        let mut first = Applied::Nothing;
        for l in &run.lines {
            let applied = self.apply_line(l)?;
            if first == Applied::Nothing {
                first = applied;
            }
        }
        Ok((run.output, first))
    }

    /// Processes the next event, after the recorded commands due before it. False when nothing
    /// is scheduled.
    pub fn step(&mut self) -> bool {
        let events = self.sim.events_processed();
        while let Some(entry) = self.timeline.entries.get(self.applied) {
            if entry.at.events > events {
                break;
            }
            if !self.reapply_next() {
                break;
            }
        }
        self.step_one()
    }

    /// Runs to `t` (ms) along the recorded run: its commands at their moments, every event up
    /// to `t`, then the clock to `t`.
    pub fn run_until(&mut self, t: u64) {
        while let Some(entry) = self.timeline.entries.get(self.applied) {
            if entry.at.at_ms > t || !self.reapply_next() {
                break;
            }
        }
        while self.sim.next_event_ms().is_some_and(|n| n <= t) {
            if !self.step_one() {
                break;
            }
        }
        if self.sim.events_processed() < self.event_limit {
            self.sim.hold_until(t);
        }
        self.after_move();
    }

    /// Shows the run at `t` (ms): what `run_until(t)` gives along the recorded run, from the
    /// nearest snapshot when `t` is in the past.
    pub fn seek_ms(&mut self, t: u64) {
        if t < self.sim.now_ms() {
            self.restore(|s| s.cursor.at.at_ms <= t);
        }
        self.run_until(t);
    }

    /// Goes to an exact place of the recorded run.
    pub fn seek_cursor(&mut self, target: Cursor) -> Result<(), ReplayError> {
        let entries = self.timeline.entries.len();
        if target.applied > entries {
            return Err(ReplayError::Unreachable { index: entries });
        }
        let here = self.cursor();
        if here.at > target.at || here.applied > target.applied {
            self.restore(|s| s.cursor.at <= target.at && s.cursor.applied <= target.applied);
        }
        while self.applied < target.applied {
            let index = self.applied;
            if self.timeline.entries[index].at > target.at || !self.reapply_next() {
                return Err(ReplayError::Unreachable { index });
            }
        }
        self.go_to(target.at)
            .map_err(|_| ReplayError::Unreachable { index: entries })
    }

    /// One event back: to the moment right after the last event processed when the clock or a
    /// command has moved on since, else to the moment right after the event before it. Never
    /// before the first event. False when there is nothing to go back to.
    pub fn step_back(&mut self) -> bool {
        let events = self.sim.events_processed();
        let commands_here = self
            .timeline
            .entries
            .iter()
            .take(self.applied)
            .any(|e| e.at.events == events);
        let target = if self.sim.now_ms() > self.last_event_ms || commands_here {
            events
        } else {
            events.saturating_sub(1)
        };
        if target == 0 {
            return false;
        }
        self.seek_events(target);
        true
    }

    /// The moment right after event `n` (n >= 1), before the commands recorded there.
    fn seek_events(&mut self, n: u64) {
        self.restore(|s| s.cursor.at.events < n);
        while self.sim.events_processed() < n {
            let step = self.step();
            if !step {
                break;
            }
        }
    }

    /// Back to the latest snapshot that `fits`.
    fn restore(&mut self, fits: impl Fn(&Snapshot) -> bool) {
        if let Some(s) = self.snapshots.latest(fits) {
            let (sim, cursor, last_event_ms) = (s.sim.clone(), s.cursor, s.last_event_ms);
            self.sim = sim;
            self.applied = cursor.applied;
            self.last_event_ms = last_event_ms;
        }
    }

    /// Applies the next recorded command at its moment. On a recorded run this cannot fail;
    /// should it, the rest of the recording is dropped rather than leaving the run stuck.
    fn reapply_next(&mut self) -> bool {
        let Some(entry) = self.timeline.entries.get(self.applied) else {
            return false;
        };
        let (at, line) = (entry.at, entry.line.clone());
        let ok = self.go_to(at).is_ok()
            && match script::parse_line(&line) {
                Ok(Some(c)) if !is_time(&c) => self.sim.apply(c).is_ok(),
                _ => false,
            };
        if ok {
            self.applied += 1;
            self.after_move();
        } else {
            let (trace_total, violations) =
                (self.sim.trace.total(), self.sim.invariants.violations.len());
            self.fork(trace_total, violations);
        }
        ok
    }

    /// Steps to `at.events` exactly, then holds the clock at `at.at_ms`.
    fn go_to(&mut self, at: Moment) -> Result<(), ()> {
        while self.sim.events_processed() < at.events {
            if !self.step_one() {
                return Err(());
            }
        }
        if self.sim.events_processed() != at.events || !self.sim.hold_until(at.at_ms) {
            return Err(());
        }
        self.after_move();
        Ok(())
    }

    fn step_one(&mut self) -> bool {
        if self.sim.events_processed() >= self.event_limit || !self.sim.step() {
            return false;
        }
        self.last_event_ms = self.sim.now_ms();
        self.after_move();
        true
    }

    /// Drops the recorded run after this moment, when there is any.
    fn fork(&mut self, trace_total: u64, violations: usize) -> Option<Fork> {
        if !self.in_past() {
            return None;
        }
        let at = self.position();
        let dropped = self.timeline.entries.len() - self.applied;
        self.timeline.entries.truncate(self.applied);
        self.timeline.end = at;
        self.snapshots.truncate_after(self.cursor());
        self.markers.truncate_from(trace_total);
        self.monitors.truncate_after(at, violations);
        self.scanned = trace_total;
        self.revision += 1;
        Some(Fork { at, dropped })
    }

    fn record(&mut self, at: Moment, line: String) {
        self.timeline.entries.push(Entry { at, line });
        self.applied += 1;
        self.revision += 1;
        self.after_move();
    }

    /// Book-keeping after the run moved: the end of the recording, markers and monitors from
    /// what is new beyond it, and a snapshot when one is due.
    fn after_move(&mut self) {
        let at = self.position();
        if at > self.timeline.end {
            self.timeline.end = at;
        }
        // Only beyond the furthest moment is anything new: a replay of the past has fewer lines.
        let total = self.sim.trace.total();
        if total > self.scanned {
            self.markers.observe(&self.sim.trace, self.scanned, at);
            self.scanned = total;
        }
        self.monitors.observe(&self.sim, at);
        if !self.defer_snapshots {
            self.take_due_snapshot();
        }
    }

    /// See [`Player::take_due_snapshot`].
    pub fn set_defer_snapshots(&mut self, defer: bool) {
        self.defer_snapshots = defer;
    }

    /// At the head of the run, takes the snapshot that is due (with the end-of-run checks that
    /// go with it); returns whether it did.
    pub fn take_due_snapshot(&mut self) -> bool {
        let at = self.position();
        let at_head = at == self.timeline.end && self.applied == self.timeline.entries.len();
        if !(at_head && self.snapshots.due(at)) {
            return false;
        }
        self.monitors.check_end_of_run(&self.sim, at);
        self.snapshots
            .push(Snapshot::take(self.cursor(), self.last_event_ms, &self.sim));
        true
    }

    /// Runs the end-of-run checks now (they otherwise run with each snapshot).
    pub fn check_monitors(&mut self) {
        if self.position() >= self.timeline.end {
            let at = self.position();
            self.monitors.check_end_of_run(&self.sim, at);
        }
    }
}

fn is_time(command: &Command) -> bool {
    matches!(command, Command::Advance(_) | Command::Step(_))
}

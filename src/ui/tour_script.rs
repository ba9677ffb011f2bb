//! A tour step played on the page: its commands are given to the core at their simulated times
//! while the clock runs through the step's `advance`s, and the clock stops at the step's end. The
//! core is run exactly as the step's lines would run it (all events up to a command's time, then
//! the command), so the page ends where the tour's replay ends.
//!
//! Pacing: for [`WINDOW_MS`] after each command (the command's own requests, replication and
//! answers) messages cross the screen at the player's speed; the rest of the step flows so that
//! it takes about [`FLOW_WALL_MS`], and faster while nothing worth watching is in flight (only
//! heartbeats and empty fetches); a step that has played for [`PATIENCE_WALL_MS`] (a very slow
//! speed) finishes within [`HURRY_WALL_MS`].

use std::collections::VecDeque;

use crate::sim::group_protocol::{GroupRequest, GroupResponse};
use crate::sim::{Message, NodeId, Payload, Simulation};
use crate::timeline::Player;
use crate::tour::play::Timeline;

/// Simulated time after a command shown at the player's speed (a few network hops).
const WINDOW_MS: u64 = 12;
/// The rest of a step takes about this long.
const FLOW_WALL_MS: f64 = 5_000.0;
/// Stretches with nothing worth watching in flight run at least this fast (real time × 2).
const MIN_IDLE_RATE: f64 = 2.0;
/// Wall time after which a step stops taking its time...
const PATIENCE_WALL_MS: f64 = 15_000.0;
/// ... and then finishes within this.
const HURRY_WALL_MS: f64 = 2_000.0;
/// A frame longer than this counts as this long (a background tab).
const MAX_FRAME_MS: f64 = 100.0;

pub struct Script {
    /// (simulated ms, line), in time order.
    commands: VecDeque<(u64, String)>,
    end_ms: u64,
    /// Simulated ms per wall ms outside the windows after commands.
    flow_rate: f64,
    /// The end of the window after the last command given.
    window_until: u64,
    wall_ms: f64,
    hurry_rate: Option<f64>,
}

impl Script {
    /// The step whose timeline is `timeline`, starting at `start_ms`.
    pub fn new(start_ms: u64, timeline: &Timeline) -> Script {
        Script {
            commands: timeline
                .commands
                .iter()
                .map(|(at, line)| (start_ms + at, line.clone()))
                .collect(),
            end_ms: start_ms + timeline.duration_ms,
            flow_rate: timeline.duration_ms as f64 / FLOW_WALL_MS,
            window_until: start_ms + WINDOW_MS,
            wall_ms: 0.0,
            hurry_rate: None,
        }
    }

    pub fn end_ms(&self) -> u64 {
        self.end_ms
    }

    /// Gives the core the commands due at its time. A tour's `>!` lines are refused by the
    /// core, which changes nothing: the console shows their refusal from the tour's replay.
    pub fn apply_due(&mut self, player: &mut Player) -> bool {
        let mut applied = false;
        while self
            .commands
            .front()
            .is_some_and(|(at, _)| *at <= player.sim().now_ms())
        {
            let (_, line) = self.commands.pop_front().expect("front exists");
            let _ = player.apply_line(&line);
            applied = true;
            self.window_until = player.sim().now_ms() + WINDOW_MS;
        }
        applied
    }

    /// Whether the step has reached its end (every command given, the clock at the end).
    pub fn done(&self, sim: &Simulation) -> bool {
        self.commands.is_empty() && sim.now_ms() >= self.end_ms
    }

    fn next_stop(&self) -> u64 {
        self.commands.front().map_or(self.end_ms, |(at, _)| *at)
    }

    /// Runs to the step's end at once.
    pub fn finish(&mut self, player: &mut Player) {
        while !self.done(player.sim()) {
            player.run_until(self.next_stop());
            self.apply_due(player);
        }
    }

    /// One animation frame of `wall_ms` from the animation clock `t`: returns the new clock,
    /// whether the core processed anything, and whether the step has ended.
    pub fn play(
        &mut self,
        player: &mut Player,
        t: f64,
        wall_ms: f64,
        speed: f64,
    ) -> (f64, bool, bool) {
        let mut t = t.max(player.sim().now_ms() as f64);
        let mut budget = wall_ms.clamp(0.0, MAX_FRAME_MS);
        self.wall_ms += budget;
        if self.hurry_rate.is_none() && self.wall_ms > PATIENCE_WALL_MS {
            self.hurry_rate = Some(((self.end_ms as f64 - t) / HURRY_WALL_MS).max(speed));
        }
        let mut processed = false;
        // Bounded: each turn ends the frame, or runs the core to an event or a command.
        for _ in 0..10_000 {
            if self.done(player.sim()) {
                return (self.end_ms as f64, processed, true);
            }
            if budget <= 0.0 {
                break;
            }
            let in_window = t < self.window_until as f64;
            let mut stop = self.next_stop() as f64;
            if in_window {
                stop = stop.min(self.window_until as f64);
            }
            let sim = player.sim();
            let watching = sim.in_flight().any(|m| worth_watching(sim, m));
            let rate = match self.hurry_rate {
                Some(hurry) => hurry,
                None if in_window && watching => speed,
                None if watching => speed.max(self.flow_rate),
                None => speed.max(self.flow_rate).max(MIN_IDLE_RATE),
            };
            let target = t + budget * rate;
            if !watching {
                // Fast, but not past the moment the next message leaves.
                if let Some(next) = player.sim().next_event_ms().map(|n| n as f64) {
                    if next <= target.min(stop) {
                        budget -= (next - t).max(0.0) / rate;
                        t = next.max(t);
                        processed |= run_to(player, t);
                        continue;
                    }
                }
            }
            if target >= stop {
                budget -= (stop - t).max(0.0) / rate;
                t = stop;
                processed |= run_to(player, t);
                processed |= self.apply_due(player);
                continue;
            }
            t = target;
            processed |= run_to(player, t);
            break;
        }
        let done = self.done(player.sim());
        (t, processed, done)
    }

    /// The Step button: the core's next event, or the next command if it comes first, or the
    /// step's end. Returns whether the step has ended.
    pub fn step(&mut self, player: &mut Player) -> bool {
        let stop = self.next_stop();
        match player.sim().next_event_ms() {
            Some(next) if next <= stop => {
                player.step();
            }
            _ => {
                player.run_until(stop);
                self.apply_due(player);
            }
        }
        self.done(player.sim())
    }
}

fn run_to(player: &mut Player, t: f64) -> bool {
    let until = t.floor().max(0.0) as u64;
    let runs = player.sim().next_event_ms().is_some_and(|n| n <= until);
    player.run_until(until);
    runs
}

/// Whether a message in flight carries something a learner should see move: not heartbeats,
/// not fetches that will come back empty and change nothing.
pub fn worth_watching(sim: &Simulation, msg: &Message) -> bool {
    match &msg.payload {
        Payload::BrokerHeartbeat { .. } | Payload::BrokerHeartbeatResponse { .. } => false,
        Payload::Group {
            body: GroupRequest::Heartbeat { .. },
            ..
        } => false,
        Payload::GroupResponse {
            body: GroupResponse::Heartbeat(None),
            ..
        } => false,
        Payload::FetchResponse { partitions, .. } => partitions
            .iter()
            .any(|p| !p.records.is_empty() || p.error.is_some() || p.diverging_epoch.is_some()),
        Payload::Fetch {
            replica,
            partitions,
            ..
        } => {
            let NodeId::Broker(leader) = msg.to else {
                return true;
            };
            let Some(broker) = sim.brokers.get(&leader) else {
                return true;
            };
            // A fetch matters if it brings records back, or tells the leader of new progress
            // (a follower's offset past the high watermark moves it).
            partitions.iter().any(|p| match broker.replicas.get(&p.tp) {
                Some(r) => {
                    p.fetch_offset != r.high_watermark
                        || (replica.is_some() && r.log.leo() > p.fetch_offset)
                }
                None => true,
            })
        }
        _ => true,
    }
}

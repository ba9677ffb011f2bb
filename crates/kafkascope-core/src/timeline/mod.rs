//! The page's run as data, and a player that moves along it in both directions.
//!
//! A run is its [`Start`] (seed and `cluster` settings), every command the core accepted with
//! the exact [`Moment`] it was applied at, and the furthest moment reached. A moment is the
//! number of events processed plus the clock, not the clock alone: *Step* processes one event,
//! and other events of the same millisecond may still be queued when a command is applied, so
//! `run_until(ms)` would process them first and replay a different run. Replaying "exactly N
//! events, then the clock to T, then the line" gives the live run back byte for byte (same
//! report, same trace hash): see [`player::Player`] and the tests in `tests/timeline.rs`.
//!
//! Everything here is native Rust (no web crate): the share-link codec ([`link`]) and the
//! scenario export/import ([`scenario`]) are fuzzed natively (`tests/fuzz.rs`).

pub mod link;
pub mod markers;
pub mod monitors;
pub mod player;
pub mod scenario;
pub mod snapshots;

use std::fmt;

use crate::sim::script::{self, Line, Setup};
use crate::sim::{CommandError, Simulation};

pub use player::{Applied, Fork, Player};

/// Beyond this many events a replay (a share link, an imported file) is refused rather than
/// leaving the page busy for minutes.
pub const MAX_REPLAY_EVENTS: u64 = 20_000_000;
/// The most commands a timeline holds.
pub const MAX_ENTRIES: usize = 10_000;
/// The longest command line a timeline holds (bytes).
pub const MAX_LINE: usize = 4096;

/// An exact moment of a run: events processed since the start, and the simulated clock.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Moment {
    pub events: u64,
    pub at_ms: u64,
}

impl Moment {
    pub fn of(sim: &Simulation) -> Moment {
        Moment {
            events: sim.events_processed(),
            at_ms: sim.now_ms(),
        }
    }
}

/// One accepted command and the moment it was applied at.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub at: Moment,
    pub line: String,
}

/// How a run starts: the `seed` and `cluster` lines of a script.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Start {
    pub seed: u64,
    /// The `cluster` line's settings as written (`brokers=3 mode=kraft`); empty for defaults.
    pub cluster: String,
}

impl Start {
    pub fn new(seed: u64, cluster: impl Into<String>) -> Start {
        Start {
            seed,
            cluster: cluster.into(),
        }
    }

    /// The setup lines of a script that starts this way.
    pub fn script_lines(&self) -> Vec<String> {
        let mut lines = vec![format!("seed {}", self.seed)];
        if !self.cluster.trim().is_empty() {
            lines.push(format!("cluster {}", self.cluster.trim()));
        }
        lines
    }

    /// A new simulation, as `kafka-sim run` builds it from the setup lines.
    pub fn simulation(&self) -> Result<Simulation, CommandError> {
        let pairs = match script::parse(&format!("cluster {}", self.cluster))? {
            Some(Line::Setup(Setup::Cluster(pairs))) => pairs,
            _ => {
                return Err(CommandError::invalid(
                    "a cluster line takes name=value settings",
                ))
            }
        };
        Simulation::new(script::cluster_config_from(self.seed, &pairs)?)
    }
}

/// A recorded run: how it starts, the commands with their moments (in order), and the furthest
/// moment it reached.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Timeline {
    pub start: Start,
    pub entries: Vec<Entry>,
    pub end: Moment,
}

impl Timeline {
    pub fn new(start: Start) -> Timeline {
        Timeline {
            start,
            entries: Vec::new(),
            end: Moment::default(),
        }
    }

    /// The moments are in order and within the end; the sizes within the limits.
    pub fn check(&self) -> Result<(), ReplayError> {
        if self.entries.len() > MAX_ENTRIES {
            return Err(ReplayError::TooLong(format!(
                "more than {MAX_ENTRIES} commands"
            )));
        }
        if self.end.events > MAX_REPLAY_EVENTS {
            return Err(ReplayError::TooLong(format!(
                "more than {MAX_REPLAY_EVENTS} events"
            )));
        }
        let mut last = Moment::default();
        for (i, e) in self.entries.iter().enumerate() {
            if e.at < last || e.at.at_ms < last.at_ms || e.line.len() > MAX_LINE {
                return Err(ReplayError::Unreachable { index: i });
            }
            last = e.at;
        }
        if self.end < last || self.end.at_ms < last.at_ms {
            return Err(ReplayError::Unreachable {
                index: self.entries.len(),
            });
        }
        Ok(())
    }
}

/// A place on a timeline: how many of its commands are applied, and the moment.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Cursor {
    pub applied: usize,
    pub at: Moment,
}

/// Why a recorded run could not be replayed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ReplayError {
    /// The `seed`/`cluster` settings are refused.
    Start(String),
    /// Command `index` (0-based) was refused by the core.
    Refused {
        index: usize,
        line: String,
        error: String,
    },
    /// Command `index`'s moment (or the end, `index == entries`) cannot be reached: the run
    /// ends earlier, or a moment lies before the one before it.
    Unreachable { index: usize },
    /// Beyond the limits ([`MAX_REPLAY_EVENTS`], [`MAX_ENTRIES`]).
    TooLong(String),
}

impl fmt::Display for ReplayError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReplayError::Start(e) => write!(f, "the cluster settings are refused: {e}"),
            ReplayError::Refused { index, line, error } => {
                write!(f, "command {} ({line}) was refused: {error}", index + 1)
            }
            ReplayError::Unreachable { index } => {
                write!(f, "the moment of command {} cannot be reached", index + 1)
            }
            ReplayError::TooLong(what) => write!(f, "the run is too long ({what})"),
        }
    }
}

impl std::error::Error for ReplayError {}

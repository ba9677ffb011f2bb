//! Copies of the simulation along the recorded run, so going back restores the nearest one
//! before the target and replays only from there.
//!
//! A snapshot is due after [`FIRST_INTERVAL_EVENTS`] events, or as many as the last copy's
//! weight if more (copying costs about as much as processing that many events, so snapshots
//! take a few per cent of the run's time, and a seek replays at most that many events), or after
//! [`FIRST_INTERVAL_MS`] of simulated time when anything happened at all. Bounded: at most [`MAX_SNAPSHOTS`] copies and
//! [`WEIGHT_BUDGET`] units of estimated size (trace lines, log records, messages in flight,
//! client records). Beyond either, every other snapshot is dropped and both intervals double, so
//! a long run keeps snapshots spread over its whole length.

use crate::sim::Simulation;

use super::{Cursor, Moment};

/// Events between snapshots at first (some 50 ms of replay natively for a busy cluster).
pub const FIRST_INTERVAL_EVENTS: u64 = 2_000;
/// Simulated time between snapshots at first, when few events happen.
pub const FIRST_INTERVAL_MS: u64 = 5_000;
pub const MAX_SNAPSHOTS: usize = 48;
/// About 100 bytes per unit: some 60 MB of copies at most.
pub const WEIGHT_BUDGET: usize = 600_000;

pub struct Snapshot {
    pub cursor: Cursor,
    pub last_event_ms: u64,
    pub sim: Simulation,
    weight: usize,
}

impl Snapshot {
    pub fn take(cursor: Cursor, last_event_ms: u64, sim: &Simulation) -> Snapshot {
        Snapshot {
            cursor,
            last_event_ms,
            sim: sim.clone(),
            weight: weight(sim),
        }
    }
}

/// A rough size of a simulation's copy, in units of about 100 bytes.
pub fn weight(sim: &Simulation) -> usize {
    let logs: usize = sim
        .brokers
        .values()
        .flat_map(|b| b.replicas.values())
        .map(|r| r.log.len())
        .sum();
    let producers: usize = sim
        .producers
        .iter()
        .map(|p| p.acked.len() + p.failed.len())
        .sum();
    let consumers: usize = sim.consumers.iter().map(|c| c.processed.len() + 20).sum();
    let replicas: usize = sim
        .brokers
        .values()
        .map(|b| 20 + 10 * b.replicas.len())
        .sum();
    1 + sim.trace.events.len()
        + sim.network.in_flight.len()
        + logs
        + producers
        + consumers
        + replicas
}

pub struct Snapshots {
    /// In the order of the run; the first is the start and is never dropped.
    list: Vec<Snapshot>,
    interval_ms: u64,
    interval_events: u64,
    weight: usize,
}

impl Snapshots {
    pub fn new(first: Snapshot) -> Snapshots {
        Snapshots {
            weight: first.weight,
            list: vec![first],
            interval_ms: FIRST_INTERVAL_MS,
            interval_events: FIRST_INTERVAL_EVENTS,
        }
    }

    pub fn len(&self) -> usize {
        self.list.len()
    }

    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    pub fn interval_ms(&self) -> u64 {
        self.interval_ms
    }

    /// The estimated size of all copies (see [`weight`]).
    pub fn weight(&self) -> usize {
        self.weight
    }

    /// The copies kept, in the order of the run.
    pub fn iter(&self) -> impl Iterator<Item = &Snapshot> + '_ {
        self.list.iter()
    }

    /// The moments kept, in order.
    pub fn cursors(&self) -> impl Iterator<Item = Cursor> + '_ {
        self.list.iter().map(|s| s.cursor)
    }

    /// Whether a snapshot at `at` (after the last one) is due.
    pub fn due(&self, at: Moment) -> bool {
        self.list.last().is_none_or(|s| {
            let last = s.cursor.at;
            let events = at.events.saturating_sub(last.events);
            events >= self.interval_events.max(s.weight as u64)
                || (events > 0 && at.at_ms >= last.at_ms.saturating_add(self.interval_ms))
        })
    }

    pub fn push(&mut self, snapshot: Snapshot) {
        self.weight += snapshot.weight;
        self.list.push(snapshot);
        while self.list.len() > MAX_SNAPSHOTS
            || (self.weight > WEIGHT_BUDGET && self.list.len() > 1)
        {
            self.thin();
        }
    }

    /// Drops every other snapshot after the first, and doubles the interval.
    fn thin(&mut self) {
        let mut i = 0;
        self.list.retain(|_| {
            i += 1;
            i % 2 == 1
        });
        self.weight = self.list.iter().map(|s| s.weight).sum();
        self.interval_ms = self.interval_ms.saturating_mul(2);
        self.interval_events = self.interval_events.saturating_mul(2);
    }

    /// The latest snapshot that `fits`.
    pub fn latest(&self, fits: impl Fn(&Snapshot) -> bool) -> Option<&Snapshot> {
        self.list.iter().rev().find(|s| fits(s))
    }

    /// Forgets snapshots beyond `cursor` (a fork there).
    pub fn truncate_after(&mut self, cursor: Cursor) {
        self.list
            .retain(|s| s.cursor.at <= cursor.at && s.cursor.applied <= cursor.applied);
        self.weight = self.list.iter().map(|s| s.weight).sum();
    }
}

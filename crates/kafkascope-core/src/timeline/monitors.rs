//! Invariant monitors: for each guarantee the model checks (see `sim::invariants` and
//! `sim::report`), the first moment of the recorded run where it broke, if any.
//!
//! The per-event invariants come from the core's own log (checked after every event); the
//! end-of-run ones (acknowledged records lost, committed logs diverging, committed records
//! never processed) cost a pass over the logs, so they run with each snapshot, not each frame.

use crate::sim::vec_map::VecMap;
use crate::sim::vec_set::VecSet;

use crate::sim::consumer::ConsumerState;
use crate::sim::outcomes::LossAllowedBy;
use crate::sim::sort::CollectSet;
use crate::sim::Simulation;

use super::Moment;

/// Every invariant monitored, in the order the panel lists them.
pub const MONITORED: [&str; 8] = [
    "one-leader-per-epoch",
    "leader-hw-monotonic",
    "leader-in-isr",
    "hw-within-isr",
    "one-owner-per-generation",
    "acknowledged-record-lost",
    "committed-logs-diverge",
    "committed-not-processed",
];

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Broken {
    /// The first moment it was seen broken (for end-of-run checks: the check that saw it).
    pub at: Moment,
    pub detail: String,
    /// Its index in the core's violation log (per-event invariants).
    violation: Option<usize>,
}

/// What Kafka allows to go wrong, counted at the latest end-of-run check: not broken
/// invariants, but the price of a configuration (acks=1, min.insync.replicas=1, an unclean
/// election) or of at-least-once processing.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Allowed {
    /// Acknowledged records lost, by what allowed it (in `LossAllowedBy` order).
    pub losses: Vec<(LossAllowedBy, usize)>,
    /// Per group (by name), the records it processed more than once.
    pub processed_twice: Vec<(String, u64)>,
}

#[derive(Clone, Debug, Default)]
pub struct Monitors {
    first: VecMap<&'static str, Broken>,
    /// Violations of the core's log already read.
    seen: usize,
    allowed: Allowed,
}

impl Monitors {
    pub fn new(sim: &Simulation) -> Monitors {
        Monitors {
            first: VecMap::new(),
            seen: sim.invariants.violations.len(),
            allowed: Allowed::default(),
        }
    }

    /// The outcomes Kafka allows, as of the latest end-of-run check.
    pub fn allowed(&self) -> &Allowed {
        &self.allowed
    }

    /// Where `invariant` first broke on the recorded run.
    pub fn broken(&self, invariant: &str) -> Option<&Broken> {
        self.first.get(invariant)
    }

    /// Reads the core's violations logged since the last call (only beyond the furthest moment
    /// does the log grow past what was read).
    pub fn observe(&mut self, sim: &Simulation, at: Moment) {
        let log = &sim.invariants.violations;
        if log.len() <= self.seen {
            return;
        }
        for (i, v) in log.iter().enumerate().skip(self.seen) {
            self.first.entry(v.invariant).or_insert_with(|| Broken {
                at: Moment {
                    events: at.events,
                    at_ms: v.at_ms,
                },
                detail: v.detail.clone(),
                violation: Some(i),
            });
        }
        self.seen = log.len();
    }

    /// The checks `kafka-sim run` makes at the end of a run, made now.
    pub fn check_end_of_run(&mut self, sim: &Simulation, at: Moment) {
        self.allowed = allowed_now(sim);
        for v in sim.end_of_run_violations() {
            self.first.entry(v.invariant).or_insert(Broken {
                at,
                detail: v.detail,
                violation: None,
            });
        }
        if self.first.contains_key("committed-not-processed") || sim.consumers.is_empty() {
            return;
        }
        // A record a live member still holds is on its way, not lost.
        let held: VecSet<(&str, String)> = sim
            .consumers
            .iter()
            .filter(|c| c.state == ConsumerState::Running)
            .flat_map(|c| {
                c.unprocessed()
                    .map(|(tp, offset)| (c.config.group_id.as_str(), format!("{tp}@{offset}")))
            })
            .collect_set();
        for g in sim.group_reports() {
            let lost = g
                .committed_not_processed
                .iter()
                .find(|r| !held.contains(&(g.group.as_str(), (*r).clone())));
            if let Some(record) = lost {
                self.first
                    .entry("committed-not-processed")
                    .or_insert(Broken {
                        at,
                        detail: format!(
                            "group {}: {record} is below the committed offset and no member processed it",
                            g.group
                        ),
                        violation: None,
                    });
                break;
            }
        }
    }

    /// Forgets what broke after `at` (a fork there); `violations` is the core's log length there.
    pub fn truncate_after(&mut self, at: Moment, violations: usize) {
        self.first.retain(|_, b| match b.violation {
            Some(i) => i < violations,
            None => b.at <= at,
        });
        self.seen = violations;
    }
}

/// Counts what Kafka allows to go wrong in `sim` now.
fn allowed_now(sim: &Simulation) -> Allowed {
    let mut losses: Vec<(LossAllowedBy, usize)> = Vec::new();
    for by in sim
        .acknowledged_losses()
        .iter()
        .filter_map(|l| l.allowed_by)
    {
        match losses.iter_mut().find(|(b, _)| *b == by) {
            Some((_, n)) => *n += 1,
            None => losses.push((by, 1)),
        }
    }
    crate::sim::sort::sort_by_key(&mut losses, |(b, _)| *b as u8);
    let groups: VecSet<&str> = sim
        .consumers
        .iter()
        .map(|c| c.config.group_id.as_str())
        .collect_set();
    let processed_twice = groups
        .into_iter()
        .map(|g| (g.to_string(), sim.processed_twice_count(g)))
        .filter(|(_, n)| *n > 0)
        .collect();
    Allowed {
        losses,
        processed_twice,
    }
}

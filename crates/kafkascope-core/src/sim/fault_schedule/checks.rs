//! What a finished schedule is checked for: the per-event and end-of-run invariants, the
//! class's promise, and records committed twice (classified by their idempotent stamps).

use super::*;

/// How a record came to be committed twice.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DuplicateKind {
    /// Written by a producer without idempotence (a retry after a lost answer).
    NotIdempotent,
    /// The same batch (producer id, epoch, sequence) appended twice: the broker's de-duplication
    /// failed. Never allowed.
    SameBatchTwice,
    /// The idempotent producer re-sent the record under a newer epoch: after an
    /// OUT_OF_ORDER_SEQUENCE_NUMBER it bumped the epoch and renumbered batches still in flight
    /// (KIP-360, `TransactionManager.canRetry` / `startSequencesAtBeginning`), one of which the
    /// log already held. Java's client does the same; see docs/FAULTS.md.
    Resequenced,
    /// Any other way (two different idempotent stamps from different producers, ...).
    Other,
}

/// A record committed more than once in a partition.
#[derive(Clone, Debug)]
pub struct Duplicate {
    pub tp: TopicPartition,
    pub value: String,
    pub offsets: (i64, i64),
    pub kind: DuplicateKind,
}

/// Records committed more than once in a partition's log (the same value twice).
pub fn committed_duplicates(sim: &Simulation) -> Vec<Duplicate> {
    let mut dups = Vec::new();
    // Internal topics hold offset commits, whose values repeat by nature.
    for t in sim
        .metadata
        .topics
        .values()
        .filter(|t| !t.name.starts_with("__"))
    {
        for i in 0..t.partitions.len() {
            let tp = TopicPartition::new(t.name.clone(), i as i32);
            let Some(r) = sim.authoritative_replica(&tp) else {
                continue;
            };
            // std's B-tree: see the `use` in fault_schedule.rs.
            #[allow(clippy::disallowed_types)]
            let mut seen: BTreeMap<&str, &crate::sim::log::LogEntry> = BTreeMap::new();
            for e in r.log.entries().take_while(|e| e.offset < r.high_watermark) {
                let Some(first) = seen.insert(&e.record.value, e) else {
                    continue;
                };
                let (a, b) = (first.stamp, e.stamp);
                let kind = if a.producer_id < 0 && b.producer_id < 0 {
                    DuplicateKind::NotIdempotent
                } else if a.producer_id == b.producer_id
                    && a.producer_epoch == b.producer_epoch
                    && a.sequence == b.sequence
                {
                    DuplicateKind::SameBatchTwice
                } else if a.producer_id == b.producer_id && b.producer_epoch > a.producer_epoch {
                    DuplicateKind::Resequenced
                } else {
                    DuplicateKind::Other
                };
                dups.push(Duplicate {
                    tp: tp.clone(),
                    value: e.record.value.to_string(),
                    offsets: (first.offset, e.offset),
                    kind,
                });
            }
        }
    }
    dups
}

/// Runs the class's checks on a finished schedule.
pub fn check(schedule: &Schedule) -> Outcome {
    let sim = &schedule.sim;
    let class = schedule.class;
    let mut failures = Vec::new();
    for v in &sim.invariants.violations {
        failures.push(format!(
            "invariant {} at {} ms: {}",
            v.invariant, v.at_ms, v.detail
        ));
    }
    for v in sim.end_of_run_violations() {
        failures.push(format!("end of run: {}: {}", v.invariant, v.detail));
    }
    let lost = sim.lost_acknowledged_records();
    if class.promises_durability() {
        for l in &lost {
            failures.push(format!(
                "acknowledged record lost: {} ({}-{} offset {}, producer {})",
                l.value, l.topic, l.partition, l.offset, l.producer
            ));
        }
    }
    let dups = committed_duplicates(sim);
    for d in &dups {
        // The broker never appends one batch twice, whatever the class; an idempotent producer
        // never writes a record twice except by the client-side re-sequencing Java also does.
        let broken = d.kind == DuplicateKind::SameBatchTwice
            || (class.promises_no_duplicates() && d.kind != DuplicateKind::Resequenced);
        if broken {
            failures.push(format!(
                "record committed twice in {} ({:?}): {} at offsets {} and {}",
                d.tp, d.kind, d.value, d.offsets.0, d.offsets.1
            ));
        }
    }
    let groups = if class == FaultClass::Groups {
        groups::check(sim, &mut failures)
    } else {
        groups::GroupCounts::default()
    };
    failures.truncate(20);
    Outcome {
        seed: schedule.seed,
        class,
        script: schedule.script.clone(),
        failures,
        lost: lost.len(),
        duplicates: dups.len(),
        resequenced: dups
            .iter()
            .filter(|d| d.kind == DuplicateKind::Resequenced)
            .count(),
        settled: schedule.settled,
        acknowledged: sim.producers.iter().map(|p| p.acked.len()).sum(),
        groups,
    }
}

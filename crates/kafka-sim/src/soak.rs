//! A long run at a steady rate, to show the simulation stays in bounded memory
//! (`kafka-sim bench --soak`, BENCHMARKS.md). What grows with time and what bounds it:
//!
//! - the logs: the topic's retention (`retention.ms`, `retention.bytes`), applied to whole
//!   segments (`segment.bytes`) every `log.retention.check.interval.ms`, as in Kafka;
//! - `__consumer_offsets`: one record per commit. Kafka compacts it (`cleanup.policy=compact`);
//!   the model keeps Kafka's retention only, so it grows by the commit rate (small: counted);
//! - the trace: its newest `trace::MAX_TRACE` lines;
//! - the per-client lists the report checks (acknowledged, failed, processed records): their
//!   newest `observations::MAX_OBSERVED_RECORDS` entries each;
//! - messages in flight, timers, producer state, group state: bounded by the rate, the timeouts
//!   and the numbers of clients and partitions.

use std::fmt::Write as _;

use kafkascope_core::sim::coordinator::OFFSETS_TOPIC;
use kafkascope_core::sim::{script as scenario, Simulation};

use crate::cli::HeapMeter;

/// The soak scenario: 3 brokers, 6 partitions RF 3 with 60 s retention in segments of
/// `segment_bytes` (1 MB in the bench), one acks=all producer at `rate` records/s for
/// `minutes`, a group of two consumers reading it.
pub fn script(rate: u64, minutes: u64, segment_bytes: u64) -> String {
    format!(
        "seed 1\n\
         cluster brokers=3\n\
         topic create soak partitions=6 replication-factor=3 min.insync.replicas=2 retention.ms=60000 segment.bytes={segment_bytes}\n\
         producer create p acks=all linger.ms=5\n\
         consumer create c1 group.id=soak topics=soak auto.offset.reset=earliest processing.time.ms=0 max.poll.records=500\n\
         consumer create c2 group.id=soak topics=soak auto.offset.reset=earliest processing.time.ms=0 max.poll.records=500\n\
         produce p soak count={} rate={rate}/s\n",
        rate * 60 * minutes
    )
}

/// What the simulation holds, counted (the sizes that could grow with time).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Census {
    /// Log entries on every replica (records themselves are shared between replicas).
    pub log_entries: usize,
    /// Of those, in `__consumer_offsets`.
    pub offsets_entries: usize,
    pub trace_events: usize,
    pub acked_listed: usize,
    pub failed_listed: usize,
    pub processed_listed: usize,
    pub in_flight: usize,
}

/// Counts what `sim` holds.
pub fn census(sim: &Simulation) -> Census {
    let mut c = Census {
        trace_events: sim.trace.events.len(),
        in_flight: sim.network.in_flight.len(),
        ..Census::default()
    };
    for b in sim.brokers.values() {
        for r in b.replicas.values() {
            let n = r.log.entries().count();
            c.log_entries += n;
            if r.tp.topic == OFFSETS_TOPIC {
                c.offsets_entries += n;
            }
        }
    }
    for p in &sim.producers {
        c.acked_listed += p.acked.len();
        c.failed_listed += p.failed.len();
    }
    for k in &sim.consumers {
        c.processed_listed += k.processed.len();
    }
    c
}

const SOAK_USAGE: &str = "usage: kafka-sim bench --soak [--minutes M] [--rate R]";

/// `kafka-sim bench --soak`: runs the scenario minute by minute and reports, every 10
/// simulated minutes, the heap the process holds (with a counting allocator) and the census.
pub fn cli(args: &[String], heap: Option<HeapMeter>) -> Result<String, String> {
    let mut minutes: u64 = 60;
    let mut rate: u64 = 1_000;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let mut num = |name: &str| -> Result<u64, String> {
            let v = it
                .next()
                .ok_or_else(|| format!("{name} takes a value\n{SOAK_USAGE}"))?;
            v.parse()
                .map_err(|_| format!("{name} takes a number, not '{v}'"))
        };
        match a.as_str() {
            "--minutes" => minutes = num("--minutes")?,
            "--rate" => rate = num("--rate")?,
            other => return Err(format!("unknown option '{other}'\n{SOAK_USAGE}")),
        }
    }
    if !(1..=24 * 60).contains(&minutes) || !(1..=100_000).contains(&rate) {
        return Err("--minutes must be 1 to 1440 and --rate 1 to 100000".into());
    }
    let started = std::time::Instant::now();
    let before = heap.map(|h| (h.usage)().0);
    let mut sim = scenario::run(&script(rate, minutes, 1_048_576)).map_err(|e| e.to_string())?;
    if let Some(h) = heap {
        (h.reset_peak)();
    }
    let mut rows = String::new();
    for minute in 1..=minutes {
        sim.apply_line("advance 60s").map_err(|e| e.to_string())?;
        if minute % 10 == 0 || minute == minutes || minute == 1 {
            let c = census(&sim);
            let (live, peak) = heap.map_or((0, 0), |h| (h.usage)());
            let live = live.saturating_sub(before.unwrap_or(0));
            let _ = writeln!(
                rows,
                "  {{\"minute\": {minute}, \"heap_live_bytes\": {live}, \"heap_peak_bytes\": {}, \"acknowledged\": {}, \"processed\": {}, \"log_entries\": {}, \"offsets_entries\": {}, \"trace_events\": {}, \"acked_listed\": {}, \"processed_listed\": {}, \"in_flight\": {}}},",
                peak.saturating_sub(before.unwrap_or(0)),
                sim.producers.iter().map(|p| p.acked_count).sum::<u64>(),
                sim.consumers.iter().map(|c| c.processed_count).sum::<u64>(),
                c.log_entries,
                c.offsets_entries,
                c.trace_events,
                c.acked_listed,
                c.processed_listed,
                c.in_flight
            );
        }
    }
    let rows = rows.trim_end().trim_end_matches(',');
    // The report's checks still hold over the bounded lists.
    let unprocessed: usize = sim
        .group_reports()
        .iter()
        .map(|g| g.committed_not_processed.len())
        .sum();
    Ok(format!(
        "{{\"rate\": {rate}, \"minutes\": {minutes}, \"heap_measured\": {}, \"seconds\": {:.1}, \"lost_acknowledged\": {}, \"committed_not_processed\": {unprocessed}, \"samples\": [\n{rows}\n]}}",
        heap.is_some(),
        started.elapsed().as_secs_f64(),
        sim.lost_acknowledged_records().len()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A few simulated minutes: the logs keep what retention has not deleted yet, not all.
    #[test]
    fn a_soak_keeps_logs_within_retention() {
        let mut sim = scenario::run(&script(50, 7, 4_096)).unwrap();
        sim.apply_line("advance 7m").unwrap();
        let acked: u64 = sim.producers.iter().map(|p| p.acked_count).sum();
        assert!(acked >= 50 * 60 * 7 - 10, "{acked}");
        let c = census(&sim);
        // The check at 5 min deleted the segments older than 60 s: about 4 of the 7 minutes.
        assert!(c.log_entries < 3 * 21_000 * 6 / 10, "{c:?}");
        assert!(c.log_entries > 3 * 21_000 * 2 / 10, "{c:?}");
        assert!(sim.consumers.iter().all(|k| k.processed_count > 0));
    }
}

//! The `groups` class: consumer groups under faults.
//!
//! Besides the brokers, producers and faults of the other classes, 1 to 3 consumer groups read
//! the topics: each with its own assignor (range, roundrobin, sticky, cooperative-sticky, or
//! range,cooperative-sticky) and its own application:
//!
//! - `commit`: poll loop, `enable.auto.commit=false`, commitSync after processing each batch
//!   (`commit.after.processing=true`): at least once;
//! - `auto`: poll loop with auto-commit (Java commits inside `poll()` what earlier polls
//!   returned, which the loop has processed): at least once;
//! - `worker`: records handed to a worker thread, auto-commit: the commit can run ahead of the
//!   processing, so committed records may never be processed (Kafka allows it; counted).
//!
//! Consumers crash, restart, close and join; the coordinator's broker is killed; consumers are
//! isolated, cut from their coordinator or slowed. After every event no partition may be owned
//! by two members of one generation (`one-owner-per-generation`); at the end, after the heal and
//! a quiet minute, every record a `commit` or `auto` group committed must have been processed by
//! some member (`committed_not_processed` empty).

use super::*;
use crate::sim::consumer::{ConsumerState, MemberState, Processing};
use crate::sim::coordinator::{OFFSETS_TOPIC, OFFSETS_TOPIC_NUM_PARTITIONS};
use crate::sim::hash::offsets_partition_for;

/// At most this many consumers in one schedule.
const MAX_CONSUMERS: usize = 9;

/// Creates 1 to 3 groups of 1 to 3 consumers reading some of `topics` from the earliest offset.
pub(super) fn setup(
    rng: &mut SplitMix64,
    w: &mut Writer,
    topics: &[(String, i32)],
) -> Result<(), String> {
    let groups = range(rng, 1, 3);
    for g in 0..groups {
        let assignor = pick(
            rng,
            &[
                "range",
                "roundrobin",
                "sticky",
                "cooperative-sticky",
                "range,cooperative-sticky",
            ],
        );
        let app = match rng.below(100) {
            0..=49 => "processing=poll-loop commit.after.processing=true enable.auto.commit=false",
            50..=84 => "processing=poll-loop enable.auto.commit=true",
            _ => "processing=worker enable.auto.commit=true",
        };
        let session = pick(rng, &[6_000u64, 10_000, 20_000]);
        let subscribed: Vec<&str> = topics
            .iter()
            .filter(|_| chance(rng, 70))
            .map(|(t, _)| t.as_str())
            .collect();
        let subscribed = if subscribed.is_empty() {
            topics[0].0.clone()
        } else {
            subscribed.join(",")
        };
        // A worker falls behind (and auto-commit runs ahead of it) when records take long.
        let worker = app.contains("worker");
        let processing_ms = if worker {
            pick(rng, &[5u64, 20, 100])
        } else {
            pick(rng, &[0u64, 1, 5, 20])
        };
        let mut config = format!(
            "group.id=g{g} topics={subscribed} auto.offset.reset=earliest partition.assignment.strategy={assignor} {app} session.timeout.ms={session} heartbeat.interval.ms={} max.poll.interval.ms={} max.poll.records={} processing.time.ms={processing_ms}",
            session / 3,
            pick(rng, &[10_000u64, 30_000, 60_000]),
            pick(rng, &[1u64, 10, 100, 500]),
        );
        if app.contains("enable.auto.commit=true") {
            let interval = if worker {
                pick(rng, &[100u64, 1_000])
            } else {
                pick(rng, &[100u64, 1_000, 5_000])
            };
            let _ = write!(config, " auto.commit.interval.ms={interval}");
        }
        let members = range(rng, 1, 3);
        let is_static = chance(rng, 20);
        for c in 0..members {
            w.cmd(consumer_line(&format!("g{g}c{c}"), &config, is_static))?;
        }
    }
    Ok(())
}

fn consumer_line(name: &str, config: &str, is_static: bool) -> String {
    let mut line = format!("consumer create {name} {config}");
    if is_static {
        let _ = write!(line, " group.instance.id={name}");
    }
    line
}

/// A consumer-group event chosen from the current state (one or more lines, valid now), or
/// `None` when no group event applies.
pub(super) fn next_event(rng: &mut SplitMix64, sim: &Simulation) -> Option<Vec<String>> {
    let names = |f: &dyn Fn(ConsumerState) -> bool| -> Vec<String> {
        sim.consumers
            .iter()
            .filter(|c| f(c.state))
            .map(|c| c.name.to_string())
            .collect()
    };
    let running = names(&|s| s == ConsumerState::Running);
    let stopped = names(&|s| s != ConsumerState::Running);
    let running_brokers: Vec<i32> = sim
        .brokers
        .values()
        .filter(|b| b.state == BrokerState::Running)
        .map(|b| b.id)
        .collect();
    let all_brokers: Vec<i32> = sim.brokers.keys().copied().collect();
    let coordinators: Vec<(String, i32)> = sim
        .consumers
        .iter()
        .filter(|c| c.state == ConsumerState::Running)
        .filter_map(|c| coordinator(sim, &c.config.group_id).map(|b| (c.name.to_string(), b)))
        .collect();
    let on = |yes: bool, w: u64| if yes { w } else { 0 };
    let menu: [(u64, u8); 9] = [
        (on(!running.is_empty(), 4), 0),                 // consumer crash
        (on(!stopped.is_empty(), 5), 1),                 // consumer restart
        (on(!running.is_empty(), 2), 2),                 // consumer close
        (on(sim.consumers.len() < MAX_CONSUMERS, 2), 3), // a new member joins
        (
            on(running_brokers.len() > 1 && !coordinators.is_empty(), 3),
            4,
        ), // kill a coordinator
        (on(!running.is_empty(), 2), 5),                 // isolate a consumer
        (on(!coordinators.is_empty(), 2), 6),            // cut a consumer from its coordinator
        (on(!running.is_empty(), 1), 7),                 // slow a consumer's link
        (on(!sim.consumers.is_empty(), 2), 8),           // heal a consumer
    ];
    let kind = rng.weighted(&menu)?;
    let pick_name =
        |rng: &mut SplitMix64, v: &[String]| v[rng.below(v.len() as u64) as usize].clone();
    let line = match kind {
        0 => format!("consumer crash {}", pick_name(rng, &running)),
        1 => format!("consumer restart {}", pick_name(rng, &stopped)),
        2 => format!("consumer close {}", pick_name(rng, &running)),
        3 => {
            // A new member with the configuration of an existing one of a random group.
            let like = &sim.consumers[rng.below(sim.consumers.len() as u64) as usize];
            let name = format!("{}c{}", like.config.group_id, sim.consumers.len());
            let c = &like.config;
            let mut config = format!(
                "group.id={} topics={} auto.offset.reset=earliest partition.assignment.strategy={} processing={} enable.auto.commit={} session.timeout.ms={} heartbeat.interval.ms={} max.poll.interval.ms={} max.poll.records={} processing.time.ms={}",
                c.group_id,
                like.topics.join(","),
                c.assignors.iter().map(|a| a.name()).collect::<Vec<_>>().join(","),
                match c.processing {
                    Processing::PollLoop => "poll-loop",
                    Processing::Worker => "worker",
                },
                c.enable_auto_commit,
                c.session_timeout_ms,
                c.heartbeat_interval_ms,
                c.max_poll_interval_ms,
                c.max_poll_records,
                c.processing_time_ms,
            );
            if c.commit_after_processing {
                config.push_str(" commit.after.processing=true");
            }
            if c.enable_auto_commit {
                let _ = write!(
                    config,
                    " auto.commit.interval.ms={}",
                    c.auto_commit_interval_ms
                );
            }
            consumer_line(&name, &config, c.group_instance_id.is_some())
        }
        4 => {
            let (_, b) = coordinators[rng.below(coordinators.len() as u64) as usize];
            if running_brokers.contains(&b) {
                format!("broker kill {b}")
            } else {
                format!("broker kill {}", pick(rng, &running_brokers))
            }
        }
        5 => format!("network isolate {}", pick_name(rng, &running)),
        6 => {
            let (c, b) = coordinators[rng.below(coordinators.len() as u64) as usize].clone();
            format!("network cut {c} {b}")
        }
        7 => format!(
            "network slow {} {} {}ms",
            pick_name(rng, &running),
            pick(rng, &all_brokers),
            pick(rng, &[20u64, 200, 2_000])
        ),
        8 => {
            let all: Vec<String> = sim.consumers.iter().map(|c| c.name.to_string()).collect();
            format!("network heal {}", pick_name(rng, &all))
        }
        _ => unreachable!("menu kinds are 0..=8"),
    };
    Some(vec![line])
}

/// The broker the controller's metadata names as `group`'s coordinator (the leader of its
/// `__consumer_offsets` partition).
fn coordinator(sim: &Simulation, group: &str) -> Option<i32> {
    let p = offsets_partition_for(group, OFFSETS_TOPIC_NUM_PARTITIONS);
    sim.metadata
        .topics
        .get(OFFSETS_TOPIC)?
        .partitions
        .get(p as usize)?
        .leader
}

/// Whether every member of `group` processes records in its poll loop (commit after
/// processing, or Java's auto-commit inside `poll()`): then the group reads at least once.
pub fn promises_at_least_once(sim: &Simulation, group: &str) -> bool {
    sim.consumers
        .iter()
        .filter(|c| c.config.group_id == group)
        .all(|c| c.config.processing == Processing::PollLoop && c.config.enable_auto_offset_store)
}

/// Every group with running members is Stable and each running member is in it (liveness,
/// counted, not asserted).
pub(super) fn groups_settled(sim: &Simulation) -> bool {
    sim.consumers
        .iter()
        .filter(|c| c.state == ConsumerState::Running)
        .all(|c| c.member_state == MemberState::Stable)
}

/// What the groups of a finished schedule show.
#[derive(Clone, Debug, Default)]
pub struct GroupCounts {
    /// Records processed (by every consumer).
    pub processed: usize,
    /// Records processed more than once by a group (at-least-once duplicates).
    pub reprocessed: usize,
    /// Committed records no member processed, in groups that do not promise at least once.
    pub unprocessed_allowed: usize,
}

/// The at-least-once check; failures are pushed to `failures`.
pub(super) fn check(sim: &Simulation, failures: &mut Vec<String>) -> GroupCounts {
    let mut counts = GroupCounts {
        processed: sim.consumers.iter().map(|c| c.processed.len()).sum(),
        ..GroupCounts::default()
    };
    for g in sim.group_reports() {
        counts.reprocessed += g.processed_more_than_once.len();
        if g.committed_not_processed.is_empty() {
            continue;
        }
        if promises_at_least_once(sim, &g.group) {
            let shown: Vec<&str> = g
                .committed_not_processed
                .iter()
                .take(10)
                .map(String::as_str)
                .collect();
            failures.push(format!(
                "group {} committed {} record(s) no member processed: {}",
                g.group,
                g.committed_not_processed.len(),
                shown.join(" ")
            ));
        } else {
            counts.unprocessed_allowed += g.committed_not_processed.len();
        }
    }
    counts
}

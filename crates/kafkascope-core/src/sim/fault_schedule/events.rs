//! The menu of events a schedule draws from, chosen from the simulation's current state.

use super::*;

/// The leader of a random partition, as the controller has it.
pub(super) fn some_leader(rng: &mut SplitMix64, sim: &Simulation) -> Option<(TopicPartition, i32)> {
    let all: Vec<(TopicPartition, i32)> = sim
        .metadata
        .topics
        .values()
        .flat_map(|t| {
            t.partitions.iter().enumerate().filter_map(|(i, p)| {
                p.leader
                    .map(|l| (TopicPartition::new(t.name.clone(), i as i32), l))
            })
        })
        .collect();
    if all.is_empty() {
        None
    } else {
        Some(all[rng.below(all.len() as u64) as usize].clone())
    }
}

/// Which faults a class's schedules use.
///
/// The simulated network loses single messages (a drop rule, or anything sent across an
/// isolated or cut link) while later messages on the same path still arrive. TCP never does
/// that: a lost segment is retransmitted or the connection breaks, failing every request in
/// flight on it. Kafka's idempotent producer relies on that per-connection order (it is why
/// max.in.flight.requests.per.connection <= 5 matches the 5 batches a broker remembers, I3), so
/// the `idempotent` class keeps producer<->broker paths in order: processes die and restart
/// (connections reset), brokers are cut off from each other and from the controllers, but no
/// single produce request or response is lost or overtaken. The other classes use every fault.
pub(super) fn in_order_client_paths(class: FaultClass) -> bool {
    class == FaultClass::Idempotent
}

/// Chooses the next event from the current state: only commands valid now (one or more lines).
pub(super) fn next_event(
    rng: &mut SplitMix64,
    sim: &Simulation,
    class: FaultClass,
    topics: &[(String, i32)],
    producers: &[String],
    kraft: bool,
) -> Vec<String> {
    let ids = |f: &dyn Fn(&BrokerState) -> bool| -> Vec<i32> {
        sim.brokers
            .values()
            .filter(|b| f(&b.state))
            .map(|b| b.id)
            .collect()
    };
    let running = ids(&|s| *s == BrokerState::Running);
    let down = ids(&|s| *s != BrokerState::Running);
    let all_brokers: Vec<i32> = sim.brokers.keys().copied().collect();
    let voters: Vec<i32> = sim.controller.voters.iter().map(|v| v.id).collect();
    let alive_voters: Vec<i32> = sim
        .controller
        .voters
        .iter()
        .filter(|v| v.alive)
        .map(|v| v.id)
        .collect();
    let dead_voters: Vec<i32> = sim
        .controller
        .voters
        .iter()
        .filter(|v| !v.alive)
        .map(|v| v.id)
        .collect();
    let producer_names: Vec<&str> = producers.iter().map(String::as_str).collect();
    let in_order = in_order_client_paths(class);
    let on = |yes: bool, w: u64| if yes { w } else { 0 };
    // Keep at least one broker up: faults pile up otherwise and nothing happens.
    let may_take_down = running.len() > 1;
    // Weighted menu: (weight, kind).
    let menu: [(u64, u8); 17] = [
        (10, 0),                                        // produce
        (8, 1),                                         // advance
        (on(may_take_down, 3), 2),                      // broker kill
        (on(may_take_down, 2), 3),                      // broker stop (controlled shutdown)
        (on(!down.is_empty(), 5), 4),                   // broker start
        (on(may_take_down, 3), 5),                      // kill a partition leader
        (on(!in_order, 3), 6),                          // isolate a broker from everything
        (3, 7),                                         // cut a leader from a follower
        (on(!in_order, 1), 8),                          // cut a client link
        (on(!in_order, 2), 9),                          // slow a client link
        (3, 10),                                        // heal one node
        (1, 11),                                        // heal all
        (on(!in_order, 3), 12),                         // drop produce responses
        (2, 13),                                        // drop replication messages (or requests)
        (on(kraft && !alive_voters.is_empty(), 2), 14), // controller kill
        (on(kraft && !dead_voters.is_empty(), 3), 15),  // controller start
        (3, 16), // cut a broker (often a leader) off from the cluster but not from clients
    ];
    // Broker produce and advance always weigh in, so there is always a choice.
    let kind = rng.weighted(&menu).unwrap_or(0);
    let one = |s: String| vec![s];
    match kind {
        0 => {
            let p = pick(rng, &producer_names);
            let (topic, partitions) = &topics[rng.below(topics.len() as u64) as usize];
            let count = pick(rng, &[1u64, 5, 20, 100, 300]);
            let mut line = format!("produce {p} {topic} count={count}");
            match rng.below(4) {
                0 => {
                    let _ = write!(line, " key=k{}", rng.below(8));
                }
                1 => {
                    let _ = write!(line, " partition={}", rng.below(*partitions as u64));
                }
                _ => {}
            }
            if count > 1 && chance(rng, 50) {
                let _ = write!(line, " rate={}/s", pick(rng, &[10u64, 50, 200, 1000]));
            }
            one(line)
        }
        1 => {
            let ms = match rng.below(10) {
                0..=3 => range(rng, 1, 50),
                4..=7 => range(rng, 100, 5_000),
                _ => range(rng, 10_000, 45_000),
            };
            one(format!("advance {ms}ms"))
        }
        2 => one(format!("broker kill {}", pick(rng, &running))),
        3 => one(format!("broker stop {}", pick(rng, &running))),
        4 => one(format!("broker start {}", pick(rng, &down))),
        5 => match some_leader(rng, sim).filter(|(_, l)| running.contains(l)) {
            Some((_, l)) => one(format!("broker kill {l}")),
            None => one(format!("broker kill {}", pick(rng, &running))),
        },
        6 => one(format!("network isolate {}", pick(rng, &all_brokers))),
        7 => {
            // Cut a partition's leader off from one follower (the classic acks=1 loss setup).
            let leader = some_leader(rng, sim).and_then(|(tp, l)| {
                let replicas =
                    &sim.metadata.topics[&tp.topic].partitions[tp.partition as usize].replicas;
                let followers: Vec<i32> = replicas.iter().copied().filter(|&b| b != l).collect();
                (!followers.is_empty()).then(|| (l, pick(rng, &followers)))
            });
            match leader {
                Some((l, f)) => one(format!("network cut {l} {f}")),
                None => {
                    let a = pick(rng, &all_brokers);
                    let others: Vec<i32> =
                        all_brokers.iter().copied().filter(|&b| b != a).collect();
                    one(format!("network cut {a} {}", pick(rng, &others)))
                }
            }
        }
        8 => {
            let b = pick(rng, &all_brokers);
            let p = pick(rng, &producer_names);
            if chance(rng, 70) {
                one(format!("network cut {p} {b}"))
            } else {
                one(format!("network isolate {p}"))
            }
        }
        9 => {
            let a = pick(rng, &all_brokers);
            let others: Vec<i32> = all_brokers.iter().copied().filter(|&b| b != a).collect();
            let ms = pick(rng, &[20u64, 100, 500, 3_000]);
            if chance(rng, 70) {
                one(format!("network slow {a} {} {ms}ms", pick(rng, &others)))
            } else {
                one(format!(
                    "network slow {} {a} {ms}ms",
                    pick(rng, &producer_names)
                ))
            }
        }
        10 => {
            if chance(rng, 80) {
                one(format!("network heal {}", pick(rng, &all_brokers)))
            } else {
                one(format!("network heal {}", pick(rng, &producer_names)))
            }
        }
        11 => one("network heal".to_string()),
        12 => {
            let mut line = format!("network drop produce-response count={}", range(rng, 1, 3));
            if chance(rng, 30) {
                let _ = write!(line, " to={}", pick(rng, &producer_names));
            }
            one(line)
        }
        13 => {
            let kinds: &[&str] = if in_order {
                &["fetch", "fetch-response"]
            } else {
                &["produce", "fetch", "fetch-response", "metadata-response"]
            };
            one(format!(
                "network drop {} count={}",
                pick(rng, kinds),
                range(rng, 1, 4)
            ))
        }
        14 => {
            if chance(rng, 60) && sim.controller.active.is_some() {
                one("controller kill".to_string())
            } else {
                one(format!("controller kill {}", pick(rng, &alive_voters)))
            }
        }
        15 => one(format!("controller start {}", pick(rng, &dead_voters))),
        16 => {
            // Jepsen's "partition the leader": cut from every other broker and from the
            // controllers (or ZooKeeper), still reachable by clients.
            let b = match some_leader(rng, sim) {
                Some((_, l)) if chance(rng, 70) => l,
                _ => pick(rng, &all_brokers),
            };
            let mut lines: Vec<String> = all_brokers
                .iter()
                .filter(|&&o| o != b)
                .map(|o| format!("network cut {b} {o}"))
                .collect();
            if kraft {
                lines.extend(
                    voters
                        .iter()
                        .map(|v| format!("network cut {b} controller-{v}")),
                );
            } else {
                lines.push(format!("network cut {b} zookeeper"));
            }
            lines
        }
        _ => unreachable!("menu kinds are 0..=16"),
    }
}

//! Regression scenarios for core bugs the seeded fault schedules found (docs/FAULTS.md). Each
//! started as a failing schedule, reduced to a few lines.

// The rules of clippy.toml (VecMap, sim::sort, no wall clock) are the model's; a test may
// use std's collections, sorts and clock.
#![allow(clippy::disallowed_types, clippy::disallowed_methods)]

use kafkascope_core::sim::script;
use kafkascope_core::sim::{BrokerId, Simulation, TopicPartition};

fn run(text: &str) -> Simulation {
    script::run(text).unwrap_or_else(|e| panic!("script failed: {e}"))
}

fn apply(sim: &mut Simulation, lines: &str) {
    for l in lines.lines() {
        sim.apply_line(l).unwrap_or_else(|e| panic!("{l}: {e}"));
    }
}

/// A follower of `t-0` (not its leader).
fn a_follower(sim: &Simulation) -> BrokerId {
    let p = &sim.metadata.topics["t"].partitions[0];
    *p.replicas
        .iter()
        .find(|&&b| Some(b) != p.leader)
        .expect("RF > 1")
}

/// Values committed more than once in `t-0`.
fn duplicates(sim: &Simulation) -> Vec<String> {
    let r = sim
        .authoritative_replica(&TopicPartition::new("t", 0))
        .expect("t-0 has a replica");
    let mut seen = std::collections::BTreeSet::new();
    r.log
        .entries()
        .take_while(|e| e.offset < r.high_watermark)
        .filter(|e| !seen.insert(e.record.value.to_string()))
        .map(|e| e.record.value.to_string())
        .collect()
}

/// Acknowledged records whose offset holds another record.
fn acked_elsewhere(sim: &Simulation) -> Vec<String> {
    let r = sim
        .authoritative_replica(&TopicPartition::new("t", 0))
        .expect("t-0 has a replica");
    sim.producers[0]
        .acked
        .iter()
        .filter(|a| {
            r.log
                .entry(a.offset)
                .is_none_or(|e| e.record.value != a.value)
        })
        .map(|a| format!("{} at {}", a.value, a.offset))
        .collect()
}

/// Found by `fault_schedules` (durable class, seed 545). The idempotent producer's KIP-360 epoch
/// bump used to renumber batches that were waiting to be retried, and to send old-epoch retries
/// with the new epoch: two different batches then carried the same (epoch, sequence), the broker
/// took the second for a duplicate of the first and acknowledged it at the first one's offset.
/// An acks=all, min.insync.replicas=2 record was acknowledged and never written.
#[test]
fn an_epoch_bump_never_acknowledges_a_record_at_another_records_offset() {
    let mut sim = run("seed 1
        cluster brokers=3
        topic create t partitions=1 replication-factor=3 min.insync.replicas=2
        producer create p acks=all enable.idempotence=true linger.ms=0 request.timeout.ms=1s delivery.timeout.ms=30s
        advance 1s");
    let f = a_follower(&sim);
    apply(
        &mut sim,
        &format!(
            "network drop produce count=3\nproduce p t count=300 rate=10/s\nbroker kill {f}\nadvance 20s\nbroker start {f}\nadvance 60s"
        ),
    );
    assert!(sim.producers[0].acked.len() > 100, "writes went on");
    assert_eq!(acked_elsewhere(&sim), Vec::<String>::new());
    assert!(sim.lost_acknowledged_records().is_empty());
    assert!(
        sim.end_of_run_violations().is_empty(),
        "{:?}",
        sim.end_of_run_violations()
    );
    assert!(sim.invariants.violations.is_empty());
}

/// Found by `fault_schedules` (idempotent class, seed 1). A batch that expired (delivery.timeout.ms)
/// after being sent made the producer bump its epoch at once and renumber every queued batch,
/// including retries the log already held: they were written a second time under the new epoch.
/// As in Java (`TransactionManager.maybeResolveSequences`), the partition now waits until nothing
/// it sent is in flight, and only then bumps the epoch if the sequences do not line up.
#[test]
fn expired_batches_do_not_make_the_idempotent_producer_write_records_twice() {
    let mut sim = run("seed 1
        cluster brokers=3
        topic create t partitions=1 replication-factor=3
        producer create p acks=all enable.idempotence=true linger.ms=0 request.timeout.ms=3s delivery.timeout.ms=5s");
    let f = a_follower(&sim);
    apply(
        &mut sim,
        &format!("produce p t count=100 rate=10/s\nbroker kill {f}\nadvance 20s\nbroker start {f}\nadvance 60s"),
    );
    let p = &sim.producers[0];
    assert!(
        !p.failed.is_empty(),
        "some batches expired while the HW waited for the dead follower"
    );
    assert!(!p.acked.is_empty(), "and later ones were written");
    assert_eq!(duplicates(&sim), Vec::<String>::new());
    assert_eq!(acked_elsewhere(&sim), Vec::<String>::new());
    assert!(
        p.producer_epoch >= 1,
        "the epoch was bumped: {}",
        p.producer_epoch
    );
}

/// Found by `fault_schedules` (idempotent class, seed 2; the partition stayed offline to the end).
/// ZooKeeper mode: a broker asks for a controlled shutdown, the controller broker dies, and the
/// broker comes back. The new controller unfenced the live brokers on failover but kept the old
/// "in controlled shutdown" mark, so the broker could never lead or join an ISR again. A new
/// controller starts from a fresh context (`ControllerContext.resetContext` clears
/// `shuttingDownBrokerIds`); a broker still shutting down asks the new controller again.
#[test]
fn zookeeper_failover_forgets_controlled_shutdowns_asked_of_the_old_controller() {
    let sim = run("cluster brokers=3 mode=zookeeper
        topic create t partitions=3 replication-factor=1
        advance 1s
        broker stop 2
        advance 1s
        broker kill 1
        broker start 2
        advance 30s");
    assert_eq!(
        sim.controller.active,
        Some(2),
        "a new controller after 1's session expired"
    );
    let t = &sim.metadata.topics["t"];
    for (i, p) in t.partitions.iter().enumerate() {
        let replica = p.replicas[0];
        if replica != 1 {
            assert_eq!(
                p.leader,
                Some(replica),
                "t-{i}: its only replica, broker {replica}, is running and unfenced"
            );
        }
    }
    assert!(!sim.metadata.brokers[&2].in_controlled_shutdown);
}

/// Found by `fault_schedules` (idempotent class, seed 581; brokers stayed fenced to the end).
/// ZooKeeper sessions were per broker id, not per process: the controller broker was killed
/// while another broker's registration notice was on its way to it, restarted within
/// zookeeper.session.timeout.ms and kept the controller role on the old session; the notice was
/// never sent again and the other broker stayed fenced for good. A restarted process now cannot
/// take the session over (NodeExists on /brokers/ids/N) until the old one expires, which also
/// elects a new controller that reads /brokers/ids afresh.
#[test]
fn zookeeper_restarted_controller_does_not_leave_a_broker_fenced_forever() {
    let sim = run("cluster brokers=3 mode=zookeeper
        broker stop 1
        advance 2s
        broker start 1
        advance 150ms
        broker kill 2
        advance 3s
        broker start 2
        advance 60s");
    for b in sim.brokers.values() {
        assert!(
            !sim.metadata.brokers[&b.id].fenced,
            "broker {} is running but fenced",
            b.id
        );
    }
}

/// Found while reading a fault schedule's trace (the HW of a partition stuck for minutes). A
/// broker killed and started again within its session timeout kept its old registration: the
/// controller never fenced it, so the restarted process, which had lost its in-memory leadership,
/// never got metadata again and its partitions stayed unavailable for good. In Kafka the new
/// process is a new registration (KRaft: DUPLICATE_BROKER_REGISTRATION until the old session
/// times out; ZooKeeper: NodeExists until the old session expires); then it is fenced, registers
/// afresh and gets the metadata.
#[test]
fn a_broker_killed_and_restarted_at_once_rejoins_and_its_partitions_serve_again() {
    for mode in ["kraft", "zookeeper"] {
        let mut sim = run(&format!(
            "seed 3
            cluster brokers=3 mode={mode}
            topic create t partitions=1 replication-factor=3 min.insync.replicas=2
            producer create p acks=all linger.ms=0 delivery.timeout.ms=10m
            advance 1s"
        ));
        let leader = sim.metadata.topics["t"].partitions[0]
            .leader
            .expect("a leader");
        apply(
            &mut sim,
            &format!("broker kill {leader}\nbroker start {leader}\nadvance 1s\nproduce p t value=after-restart\nadvance 60s"),
        );
        assert_eq!(
            sim.producers[0].acked.len(),
            1,
            "{mode}: the record written after the restart is acknowledged"
        );
        let p = &sim.metadata.topics["t"].partitions[0];
        assert_eq!(
            p.isr.len(),
            3,
            "{mode}: the restarted broker is back in the ISR"
        );
        assert!(sim
            .brokers
            .values()
            .all(|b| !sim.metadata.brokers[&b.id].fenced));
        assert!(sim.invariants.violations.is_empty());
    }
}

/// Known bug, not fixed (see docs/FAULTS.md): the controller pushes each metadata change once.
/// A broker that misses one to a network fault never learns it: here broker 2 is elected
/// leader while its link to the controller is cut, and it never acts as leader, so the
/// partition takes no write for good. In Kafka, KRaft brokers fetch the metadata log and catch
/// up once the link heals (their heartbeats carry the metadata offset they reached), and the
/// ZooKeeper-era controller retries LeaderAndIsr until the broker answers. Fixing it means a
/// metadata version in updates and heartbeats (network, broker and controller), beyond a local
/// fix.
#[test]
fn a_broker_that_missed_a_metadata_update_catches_up_after_the_network_heals() {
    let sim = run("seed 1
        cluster brokers=3 controllers=1
        topic create t partitions=1 replication-factor=3
        producer create p acks=all linger.ms=0 delivery.timeout.ms=10m
        advance 1s
        network cut controller-3000 2
        broker stop 1
        advance 100ms
        network heal
        broker start 1
        advance 30s
        produce p t value=x
        advance 2m");
    let p = &sim.metadata.topics["t"].partitions[0];
    let leader = p.leader.expect("a leader");
    let r = &sim.brokers[&leader].replicas[&TopicPartition::new("t", 0)];
    assert!(
        r.leading.is_some() && r.leader_epoch == p.leader_epoch,
        "broker {leader} is leader at epoch {} in the metadata but acts at epoch {}",
        p.leader_epoch,
        r.leader_epoch
    );
    assert_eq!(sim.producers[0].acked.len(), 1);
}

/// Requests a broker holds when its process dies (an acks=all produce waiting for the HW, a
/// consumer's long-poll fetch) get a connection reset at once, as a TCP peer going away gives;
/// they used to wait for the client's request.timeout.ms (30 s).
#[test]
fn requests_held_by_a_dying_broker_get_a_connection_reset() {
    let mut sim = run("seed 1
        cluster brokers=3 controllers=1
        topic create t partitions=1 replication-factor=3 min.insync.replicas=2
        producer create p acks=all linger.ms=0 request.timeout.ms=30s
        advance 1s");
    assert_eq!(sim.metadata.topics["t"].partitions[0].leader, Some(1));
    apply(
        &mut sim,
        "network cut 1 2
        network cut 1 3
        produce p t value=x
        advance 100ms
        broker kill 1
        advance 50ms",
    );
    let reset_at = sim
        .trace
        .events
        .iter()
        .find(|e| e.text().contains("Error: NETWORK_EXCEPTION"))
        .map(|e| e.at_ms);
    assert!(
        reset_at.is_some_and(|t| t <= 1_110),
        "the held produce was reset when broker 1 died (at {reset_at:?})"
    );
    // The new leader is elected once broker 1's session times out (9 s); the retry lands then.
    apply(&mut sim, "advance 11s");
    assert_eq!(
        sim.producers[0].acked.len(),
        1,
        "acknowledged after ~10 s, not 31 s"
    );
    assert!(!sim
        .trace
        .events
        .iter()
        .any(|e| e.text().contains("due to request timeout")));
}

#[test]
fn a_consumer_fetch_held_by_a_dying_leader_is_reset() {
    let mut sim = run("seed 1
        cluster brokers=3 controllers=1
        topic create t partitions=1 replication-factor=3
        producer create p acks=all linger.ms=0
        consumer create c group.id=g topics=t auto.offset.reset=earliest fetch.max.wait.ms=30s
        advance 5s");
    let leader = sim.metadata.topics["t"].partitions[0].leader.unwrap();
    // The consumer's fetch waits at the leader (long poll) when the leader dies.
    apply(
        &mut sim,
        &format!("broker kill {leader}\nadvance 12s\nproduce p t value=after\nadvance 2s"),
    );
    let processed: Vec<&str> = sim.consumers[0]
        .processed
        .iter()
        .map(|r| &*r.value)
        .collect();
    assert_eq!(processed, ["after"], "read from the new leader within 14 s");
}

/// ZooKeeper mode: the controller broker resends LeaderAndIsr / UpdateMetadata a broker has not
/// answered (after controller.socket.timeout.ms, 30 s), as Kafka's controller channel does. It
/// used to push each update once: broker 2, elected leader of t-2 while cut off from the
/// controller, never learned it and t-2 took no write for good.
#[test]
fn zookeeper_controller_resends_a_lost_leader_and_isr() {
    let mut sim = run("seed 1
        cluster brokers=3 mode=zookeeper
        topic create t partitions=3 replication-factor=3
        producer create p acks=all linger.ms=0 delivery.timeout.ms=10m
        advance 1s");
    assert_eq!(sim.controller.active, Some(1));
    let t2 = &sim.metadata.topics["t"].partitions[2];
    assert_eq!((t2.leader, t2.replicas.clone()), (Some(3), vec![3, 2, 1]));
    apply(
        &mut sim,
        "network cut 1 2
        broker stop 3
        advance 2s
        network heal
        advance 1s
        produce p t partition=2 value=x",
    );
    assert_eq!(sim.metadata.topics["t"].partitions[2].leader, Some(2));
    assert!(sim.brokers[&2].replicas[&TopicPartition::new("t", 2)]
        .leading
        .is_none());
    apply(&mut sim, "advance 20s");
    assert!(
        sim.producers[0].acked.is_empty(),
        "not before the socket timeout"
    );
    apply(&mut sim, "advance 15s");
    assert_eq!(
        sim.producers[0].acked.len(),
        1,
        "acknowledged once broker 2 learned it leads"
    );
    assert!(sim
        .trace
        .events
        .iter()
        .any(|e| e.text().contains("fails to send request to broker 2")));
}

/// Committed offsets of a group and its `committed_not_processed` list (from the report).
fn group_report(sim: &Simulation, group: &str) -> (Vec<(i32, Option<i64>)>, Vec<String>) {
    let g = sim
        .group_reports()
        .into_iter()
        .find(|g| g.group == group)
        .expect("the group");
    (
        g.partitions
            .iter()
            .map(|p| (p.partition, p.committed))
            .collect(),
        g.committed_not_processed,
    )
}

/// A poll-loop consumer asked to rebalance while it processes a batch rejoins in its next
/// `poll()`, as Java does (the heartbeat thread only flags it). It used to rejoin at once,
/// auto-committing the batch still being processed: a crash then lost it. Found while building
/// cases for the `groups` class's at-least-once check (where does Java commit?).
#[test]
fn a_rebalance_during_processing_waits_for_the_next_poll() {
    let sim = run("seed 1
        topic create t partitions=2 replication-factor=3
        producer create p linger.ms=0
        produce p t count=400 partition=0
        consumer create c1 group.id=g topics=t auto.offset.reset=earliest processing=poll-loop processing.time.ms=20 max.poll.records=200 auto.commit.interval.ms=100000 heartbeat.interval.ms=100 session.timeout.ms=10s
        advance 4100ms
        consumer create c2 group.id=g topics=t auto.offset.reset=earliest heartbeat.interval.ms=100 session.timeout.ms=10s
        advance 300ms
        consumer crash c1
        advance 20s");
    let (committed, lost) = group_report(&sim, "g");
    assert_eq!(committed, [(0, Some(400)), (1, Some(0))]);
    assert!(lost.is_empty(), "committed, never processed: {lost:?}");
    assert_eq!(
        sim.consumers[1].processed.len(),
        400,
        "c2 read the whole partition"
    );
}

/// `consumer close` while the poll loop processes a batch closes once the batch is done (the
/// `wakeup()` pattern), so the auto-commit on close covers processed records only. It used to
/// commit the whole batch and drop it.
#[test]
fn close_during_processing_finishes_the_batch_first() {
    let mut sim = run("seed 1
        topic create t partitions=1 replication-factor=3
        producer create p linger.ms=0
        produce p t count=200
        consumer create c group.id=g topics=t auto.offset.reset=earliest processing=poll-loop processing.time.ms=20 max.poll.records=100 auto.commit.interval.ms=100
        advance 4500ms
        consumer close c");
    assert_eq!(
        sim.consumers[0].state,
        kafkascope_core::sim::consumer::ConsumerState::Running,
        "still processing its batch"
    );
    apply(&mut sim, "advance 5s");
    assert_eq!(
        sim.consumers[0].state,
        kafkascope_core::sim::consumer::ConsumerState::Closed
    );
    let (committed, lost) = group_report(&sim, "g");
    assert_eq!(committed, [(0, Some(100))]);
    assert!(lost.is_empty(), "committed, never processed: {lost:?}");
    assert_eq!(sim.consumers[0].processed.len(), 100);
}

/// The group coordinator writes the group's metadata (generation, members, assignments) to
/// `__consumer_offsets` when a rebalance completes, and a broker taking the partition over
/// loads it: members go on heartbeating without a rebalance, and the next generation follows
/// the last one. The coordinator used to keep groups in memory only: a new coordinator knew no
/// member (UNKNOWN_MEMBER_ID, a full rebalance) and restarted at generation 1, so a zombie of
/// the old generation 1 and a member of the new one owned a partition "in the same
/// generation" (`one-owner-per-generation`; `groups` fault schedules, seeds 8, 27, 38, 43, 45).
#[test]
fn a_group_keeps_its_generation_and_members_across_a_coordinator_failover() {
    let mut sim = run("seed 2
        cluster brokers=3 controllers=1
        topic create t partitions=4 replication-factor=3
        producer create p linger.ms=0
        produce p t count=1000 rate=100/s
        consumer create a group.id=g topics=t auto.offset.reset=earliest session.timeout.ms=10s
        consumer create b group.id=g topics=t auto.offset.reset=earliest session.timeout.ms=10s
        advance 5s");
    let (coordinator, group) = sim.group_view("g");
    let (coordinator, generation) = (coordinator.unwrap(), group.unwrap().generation);
    assert_eq!(generation, 1);
    apply(&mut sim, &format!("broker kill {coordinator}\nadvance 15s"));
    let (moved_to, group) = sim.group_view("g");
    assert_ne!(moved_to, Some(coordinator), "the coordinator moved");
    let group = group.expect("the new coordinator loaded the group");
    assert_eq!(group.generation, 1, "same generation, no rebalance");
    assert_eq!(group.members.len(), 2);
    assert!(
        !sim.trace
            .events
            .iter()
            .any(|e| e.text().contains("UNKNOWN_MEMBER_ID")),
        "members were known to the new coordinator"
    );
    // The next rebalance moves on to generation 2.
    apply(&mut sim, "consumer crash b\nadvance 20s");
    let (_, group) = sim.group_view("g");
    assert_eq!(group.unwrap().generation, 2);
    assert!(
        sim.invariants.violations.is_empty(),
        "{:?}",
        sim.invariants.violations
    );
    assert_eq!(sim.consumers[0].assignment.len(), 4);
}

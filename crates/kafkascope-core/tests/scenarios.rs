//! Scenario tests: scripts in the scenario language, run natively, with asserted outcomes.

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

fn leader(sim: &Simulation, topic: &str, p: usize) -> Option<BrokerId> {
    sim.metadata.topics[topic].partitions[p].leader
}

fn isr(sim: &Simulation, topic: &str, p: usize) -> Vec<BrokerId> {
    sim.metadata.topics[topic].partitions[p].isr.clone()
}

fn acked(sim: &Simulation, producer: &str) -> usize {
    sim.producers
        .iter()
        .find(|p| &*p.name == producer)
        .unwrap()
        .acked
        .len()
}

fn failed_with(sim: &Simulation, producer: &str, error: &str) -> usize {
    sim.producers
        .iter()
        .find(|p| &*p.name == producer)
        .unwrap()
        .failed
        .iter()
        .filter(|f| f.error == error)
        .count()
}

fn committed_values(sim: &Simulation, topic: &str, p: i32) -> Vec<String> {
    let r = sim
        .authoritative_replica(&TopicPartition::new(topic, p))
        .unwrap();
    r.log
        .entries()
        .take_while(|e| e.offset < r.high_watermark)
        .map(|e| e.record.value.to_string())
        .collect()
}

#[test]
fn acks_all_min_isr_2_survives_one_failure_refuses_at_two_and_recovers() {
    let mut sim = run("seed 3
        topic create orders partitions=1 replication-factor=3 min.insync.replicas=2
        producer create p1 acks=all linger.ms=0 delivery.timeout.ms=20s request.timeout.ms=5s
        producer create p2 acks=all linger.ms=0 retries=0
        produce p1 orders count=5
        advance 1s");
    assert_eq!(acked(&sim, "p1"), 5);
    let first = leader(&sim, "orders", 0).unwrap();
    apply(
        &mut sim,
        &format!("broker kill {first}\nadvance 12s\nproduce p1 orders count=5\nadvance 2s"),
    );
    let second = leader(&sim, "orders", 0).unwrap();
    assert_ne!(second, first, "leadership moved after the session timeout");
    assert_eq!(
        acked(&sim, "p1"),
        10,
        "writes continue with one broker down"
    );
    assert_eq!(isr(&sim, "orders", 0).len(), 2);

    // A second failure: the ISR shrinks to one, below min.insync.replicas.
    apply(&mut sim, &format!("broker kill {second}\nadvance 12s\nproduce p1 orders count=3\nproduce p2 orders count=2\nadvance 25s"));
    assert_eq!(isr(&sim, "orders", 0).len(), 1);
    assert_eq!(acked(&sim, "p1"), 10);
    // Without retries the error comes straight back; with them the producer retries until
    // delivery.timeout.ms and reports the timeout, caused by NOT_ENOUGH_REPLICAS.
    assert_eq!(
        failed_with(&sim, "p2", "NOT_ENOUGH_REPLICAS"),
        2,
        "{:?}",
        sim.producers[1].failed
    );
    assert_eq!(failed_with(&sim, "p1", "DELIVERY_TIMEOUT"), 3);
    assert!(sim.producers[0]
        .failed
        .iter()
        .all(|f| f.cause.as_deref() == Some("NOT_ENOUGH_REPLICAS")));
    assert!(sim.lost_acknowledged_records().is_empty());

    // Restarts: the ISR expands and writes resume.
    apply(&mut sim, &format!("broker start {first}\nbroker start {second}\nadvance 10s\nproduce p1 orders count=4\nadvance 2s"));
    assert_eq!(
        isr(&sim, "orders", 0).len(),
        3,
        "ISR expanded: {:?}",
        isr(&sim, "orders", 0)
    );
    assert_eq!(acked(&sim, "p1"), 14);
    assert!(sim.lost_acknowledged_records().is_empty());
    assert!(
        sim.report().invariant_violations.is_empty(),
        "{:?}",
        sim.report().invariant_violations
    );
}

/// Followers cut off from the leader, the leader acknowledges, then dies.
fn lagging_follower_then_leader_dies(acks: &str) -> Simulation {
    let mut sim = run(&format!(
        "seed 11
        topic create t partitions=1 replication-factor=3
        producer create p acks={acks} linger.ms=0 request.timeout.ms=3s delivery.timeout.ms=60s
        produce p t value=before
        advance 1s"
    ));
    let l = leader(&sim, "t", 0).unwrap();
    let others: Vec<BrokerId> = (1..=3).filter(|&b| b != l).collect();
    apply(
        &mut sim,
        &format!(
            "network cut {l} {a}\nnetwork cut {l} {b}\nproduce p t value=acked-then-lost\nadvance 200ms\nbroker kill {l}\nadvance 15s",
            a = others[0],
            b = others[1]
        ),
    );
    assert_ne!(leader(&sim, "t", 0), Some(l));
    sim
}

#[test]
fn acks_1_loses_an_acknowledged_record_when_the_leader_dies_before_replication() {
    let sim = lagging_follower_then_leader_dies("1");
    let lost = sim.lost_acknowledged_records();
    assert_eq!(lost.len(), 1, "{lost:?}");
    assert_eq!(lost[0].value, "acked-then-lost");
    // Kafka promises nothing here: it is not an invariant violation.
    assert!(sim.report().invariant_violations.is_empty());
}

#[test]
fn acks_all_loses_nothing_in_the_same_failure() {
    let mut sim = lagging_follower_then_leader_dies("all");
    apply(&mut sim, "advance 30s");
    assert!(sim.lost_acknowledged_records().is_empty());
    // The record was retried to the new leader and acknowledged there.
    assert!(sim.producers[0]
        .acked
        .iter()
        .any(|a| &*a.value == "acked-then-lost"));
    assert!(committed_values(&sim, "t", 0).contains(&"acked-then-lost".to_string()));
}

/// Broker `x` falls out of the ISR; records are written without it; then the ISR dies.
fn isr_dies(unclean: bool) -> (Simulation, BrokerId) {
    let mut sim = run(&format!(
        "seed 5
        topic create t partitions=1 replication-factor=3 unclean.leader.election.enable={unclean}
        producer create p acks=all linger.ms=0
        produce p t value=old
        advance 1s"
    ));
    let l = leader(&sim, "t", 0).unwrap();
    let x = (1..=3).find(|&b| b != l).unwrap();
    let y = (1..=3).find(|&b| b != l && b != x).unwrap();
    apply(&mut sim, &format!("network isolate {x}\nadvance 50s"));
    assert!(
        !isr(&sim, "t", 0).contains(&x),
        "x left the ISR: {:?}",
        isr(&sim, "t", 0)
    );
    apply(&mut sim, &format!("produce p t value=new\nadvance 1s\nbroker kill {l}\nbroker kill {y}\nnetwork heal {x}\nadvance 20s"));
    (sim, x)
}

#[test]
fn all_isr_members_down_leaves_the_partition_offline_without_unclean_election() {
    let (sim, _) = isr_dies(false);
    assert_eq!(leader(&sim, "t", 0), None);
    assert!(sim.lost_acknowledged_records().is_empty());
}

#[test]
fn unclean_election_lets_an_out_of_sync_replica_lead_and_loses_acknowledged_records() {
    let (sim, x) = isr_dies(true);
    assert_eq!(leader(&sim, "t", 0), Some(x));
    assert_eq!(isr(&sim, "t", 0), vec![x]);
    let lost: Vec<String> = sim
        .lost_acknowledged_records()
        .into_iter()
        .map(|l| l.value)
        .collect();
    assert_eq!(lost, vec!["new".to_string()]);
}

fn lost_ack_and_retry(idempotence: bool) -> Simulation {
    run(&format!(
        "seed 2
        topic create t partitions=1 replication-factor=3
        producer create p acks=all enable.idempotence={idempotence} linger.ms=0 request.timeout.ms=1s
        network drop produce-response count=1
        produce p t value=once
        advance 5s"
    ))
}

#[test]
fn a_lost_ack_duplicates_the_record_without_idempotence() {
    let sim = lost_ack_and_retry(false);
    assert_eq!(committed_values(&sim, "t", 0), vec!["once", "once"]);
}

#[test]
fn the_idempotent_producer_keeps_exactly_one_copy() {
    let sim = lost_ack_and_retry(true);
    assert_eq!(committed_values(&sim, "t", 0), vec!["once"]);
    assert_eq!(sim.producers[0].acked.len(), 1);
    assert_eq!(
        sim.producers[0].acked[0].offset, 0,
        "the retry is answered with the original offset"
    );
}

#[test]
fn same_key_same_partition_in_order() {
    let sim = run("seed 9
        topic create t partitions=6 replication-factor=2
        producer create p
        produce p t key=user-42 count=20
        produce p t key=user-7 count=20
        advance 2s");
    let expected = kafkascope_core::sim::hash::partition_for_key(b"user-42", 6);
    let acked = &sim.producers[0].acked;
    let mine: Vec<&_> = acked
        .iter()
        .filter(|a| a.key.as_deref() == Some("user-42"))
        .collect();
    assert_eq!(mine.len(), 20);
    assert!(mine.iter().all(|a| a.partition == expected));
    let values = committed_values(&sim, "t", expected);
    let in_log: Vec<&String> = values
        .iter()
        .filter(|v| mine.iter().any(|a| *a.value == ***v))
        .collect();
    let sent: Vec<String> = (0..20).map(|i| format!("p-{i}")).collect();
    assert_eq!(
        in_log,
        sent.iter().collect::<Vec<_>>(),
        "per-key order kept in the partition"
    );
}

#[test]
fn kraft_controller_failover_elects_a_new_active_controller_that_keeps_working() {
    let mut sim = run("seed 4
        cluster brokers=3 mode=kraft controllers=3
        topic create t partitions=3 replication-factor=3
        controller kill
        advance 5s");
    let active = sim.controller.active.expect("a new active controller");
    assert_ne!(active, 3000);
    assert!(sim.controller.epoch > 1);
    // The new controller still fences a dead broker and moves its leaderships.
    let l = leader(&sim, "t", 0).unwrap();
    apply(&mut sim, &format!("broker kill {l}\nadvance 12s"));
    assert_ne!(leader(&sim, "t", 0), Some(l));
    // Without a majority of voters there is no controller.
    apply(&mut sim, &format!("controller kill {active}\nadvance 10s"));
    assert_eq!(sim.controller.active, None);
    assert!(sim
        .apply_line("topic create u partitions=1 replication-factor=1")
        .is_err());
}

#[test]
fn zookeeper_controller_failover_after_session_expiry() {
    let mut sim = run("seed 4
        cluster brokers=3 mode=zookeeper
        topic create t partitions=3 replication-factor=3
        advance 1s");
    assert_eq!(sim.controller.active, Some(1));
    apply(&mut sim, "broker kill 1\nadvance 10s");
    assert_eq!(
        sim.controller.active,
        Some(1),
        "ZooKeeper has not expired the session yet (18s)"
    );
    apply(&mut sim, "advance 15s");
    let c = sim.controller.active.expect("a new controller broker");
    assert_ne!(c, 1);
    assert_eq!(sim.controller.epoch, 2);
    for p in 0..3 {
        assert_ne!(leader(&sim, "t", p), Some(1));
        assert!(!isr(&sim, "t", p).contains(&1));
    }
}

#[test]
fn controlled_shutdown_moves_leadership_at_once() {
    let mut sim = run("seed 8
        topic create t partitions=1 replication-factor=3
        advance 1s");
    let l = leader(&sim, "t", 0).unwrap();
    let epoch = sim.metadata.topics["t"].partitions[0].leader_epoch;
    apply(&mut sim, &format!("broker stop {l}\nadvance 1s"));
    assert_ne!(leader(&sim, "t", 0), Some(l));
    assert_eq!(
        sim.metadata.topics["t"].partitions[0].leader_epoch,
        epoch + 1
    );
}

#[test]
fn same_script_same_report() {
    let text = "seed 21
        topic create t partitions=3 replication-factor=3 min.insync.replicas=2
        producer create p linger.ms=5
        produce p t count=500 rate=1000/s
        advance 200ms
        broker kill 2
        advance 20s
        broker start 2
        advance 20s";
    let a = run(text).report_json();
    let b = run(text).report_json();
    assert_eq!(a, b);
    let c = run(&text.replace("seed 21", "seed 22")).report_json();
    assert_ne!(a, c, "the seed matters");
}

#[test]
fn a_refused_command_changes_nothing() {
    let mut sim =
        run("topic create t partitions=2 replication-factor=3\nproducer create p\nadvance 1s");
    let before = sim.report_json();
    for bad in [
        "topic create u partitions=1 replication-factor=4",
        "topic create t partitions=1 replication-factor=1",
        "topic create v partitions=0 replication-factor=1",
        "producer create q acks=2",
        "producer create q ack=all",
        "produce p nope count=1",
        "produce p t partition=7",
        "broker kill 9",
        "broker start 1",
        "network isolate 42",
        "advance 2d",
    ] {
        let e = sim.apply_line(bad).unwrap_err();
        assert!(!e.message.is_empty());
        assert_eq!(sim.report_json(), before, "after '{bad}'");
    }
    let e = sim
        .apply_line("topic create u partitions=1 replication-factor=4")
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "INVALID_REPLICATION_FACTOR: The target replication factor of 4 cannot be reached because only 3 broker(s) are registered."
    );
}

#[test]
fn retention_moves_the_log_start_offset() {
    let sim = run("seed 1
        cluster log.retention.check.interval.ms=1s
        topic create t partitions=1 replication-factor=1 segment.bytes=100 retention.bytes=200
        producer create p linger.ms=0
        produce p t value=0123456789 count=100
        advance 5s");
    let r = sim
        .authoritative_replica(&TopicPartition::new("t", 0))
        .unwrap();
    assert_eq!(r.log.leo(), 100);
    assert!(r.log.log_start_offset() > 0);
    assert!(r.log.size_bytes() <= 300);
}

#[test]
fn every_scenario_file_runs_cleanly() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scenarios");
    let mut count = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "kss") {
            let text = std::fs::read_to_string(&path).unwrap();
            let sim = script::run(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            let v = sim.report().invariant_violations;
            assert!(v.is_empty(), "{}: {v:?}", path.display());
            count += 1;
        }
    }
    assert!(count >= 3, "the scenario files are found");
}

#[test]
fn network_latency_changes_delivery_times() {
    let mut sim = run("topic create t partitions=1 replication-factor=1\nproducer create p linger.ms=0\nadvance 1s");
    sim.apply_line("network latency 250ms").unwrap();
    sim.apply_line("produce p t value=x").unwrap();
    let m = sim
        .in_flight()
        .find(|m| m.payload.kind() == kafkascope_core::sim::MessageKind::Produce)
        .expect("a produce in flight");
    assert_eq!(m.deliver_at_ms - m.sent_at_ms, 250);
    assert!(sim.apply_line("network latency 2m").is_err());
}

#[test]
fn produce_stop_ends_a_steady_rate() {
    let mut sim = run("seed 2
        topic create a partitions=1 replication-factor=3
        topic create b partitions=1 replication-factor=3
        producer create p acks=all linger.ms=0
        advance 1s
        produce p a count=100000 rate=100/s
        produce p b count=100000 rate=100/s
        advance 2s");
    let before = acked(&sim, "p");
    assert!(
        (390..=410).contains(&before),
        "{before} acknowledged in 2 s"
    );
    // One topic's rate stops, the other goes on.
    apply(&mut sim, "produce stop p a\nadvance 2s");
    let to = |sim: &Simulation, t: &str| {
        sim.producers[0]
            .acked
            .iter()
            .filter(|r| &*r.topic == t)
            .count()
    };
    let (a, b) = (to(&sim, "a"), to(&sim, "b"));
    assert!((195..=205).contains(&a), "a stopped at ~200, got {a}");
    assert!((395..=405).contains(&b), "b went on to ~400, got {b}");
    // Then every rate: nothing more is sent, nothing is left pending.
    apply(&mut sim, "produce stop p\nadvance 5s");
    let total = acked(&sim, "p");
    assert!(
        total <= a + b + 2,
        "{total} after stopping ({a} + {b} before)"
    );
    assert_eq!(sim.producers[0].pending_records(), 0);
    assert!(sim
        .trace
        .events
        .iter()
        .any(|e| e.text().contains("application stopped sending")));
    // Nothing left to stop.
    let e = sim.apply_line("produce stop p").unwrap_err();
    assert!(e.message.contains("has no rate running"), "{e}");
}

//! Outcomes counted for the page: records a group processed twice or never, and acknowledged
//! records lost with what allowed the loss.

use kafkascope_core::sim::outcomes::LossAllowedBy;
use kafkascope_core::sim::script;
use kafkascope_core::sim::{Simulation, TopicPartition};
use kafkascope_core::timeline::monitors::Monitors;
use kafkascope_core::timeline::Moment;

fn run(text: &str) -> Simulation {
    script::run(text).unwrap_or_else(|e| panic!("script failed: {e}"))
}

/// Tour 16's story: two groups, one committing before processing (worker), one after
/// (poll loop); both members crash and are replaced.
const DELIVERY: &str = "seed 6
topic create payments partitions=1 replication-factor=3 min.insync.replicas=2
producer create retrying acks=all enable.idempotence=false linger.ms=0 request.timeout.ms=1s
producer create exact acks=all enable.idempotence=true linger.ms=0 request.timeout.ms=1s
consumer create m1 group.id=at-most-once topics=payments session.timeout.ms=10s auto.offset.reset=earliest processing=worker processing.time.ms=100 auto.commit.interval.ms=1000
consumer create l1 group.id=at-least-once topics=payments session.timeout.ms=10s auto.offset.reset=earliest processing=poll-loop processing.time.ms=50 max.poll.records=10 auto.commit.interval.ms=1000
advance 5s
network drop produce-response count=1
produce retrying payments value=pay-1
advance 3s
network drop produce-response count=1
produce exact payments value=pay-2
advance 3s
produce exact payments count=40
advance 1500ms";

const REPLACE: &str = "consumer crash m1
consumer crash l1
consumer create m2 group.id=at-most-once topics=payments session.timeout.ms=10s auto.offset.reset=earliest
consumer create l2 group.id=at-least-once topics=payments session.timeout.ms=10s auto.offset.reset=earliest
advance 20s";

#[test]
fn records_processed_twice_are_counted_per_group_as_the_report_lists_them() {
    let mut sim = run(DELIVERY);
    assert_eq!(sim.processed_twice_count("at-least-once"), 0);
    for line in REPLACE.lines() {
        sim.apply_line(line).unwrap();
    }
    let report = sim.group_reports();
    for g in ["at-least-once", "at-most-once"] {
        let listed = report.iter().find(|r| r.group == g).unwrap();
        assert_eq!(
            sim.processed_twice_count(g),
            listed.processed_more_than_once.len() as u64,
            "{g}"
        );
    }
    // l1 processed some records and committed fewer; l2 starts at the commit.
    let twice = sim.processed_twice_count("at-least-once");
    assert_eq!(twice, 10, "l2 re-reads 13..22, as tour 16 says");
    assert_eq!(sim.processed_twice_count("at-most-once"), 0);
    let tp = TopicPartition::new("payments", 0);
    let once = sim.group_partition_outcome("at-least-once", &tp);
    assert_eq!(once.twice.count(), twice);
    assert!(once.never.ranges().is_empty());
}

#[test]
fn records_committed_and_never_processed_are_the_reports_list() {
    let mut sim = run(DELIVERY);
    for line in REPLACE.lines() {
        sim.apply_line(line).unwrap();
    }
    let tp = TopicPartition::new("payments", 0);
    let outcome = sim.group_partition_outcome("at-most-once", &tp);
    let listed = sim
        .group_reports()
        .into_iter()
        .find(|r| r.group == "at-most-once")
        .unwrap()
        .committed_not_processed;
    assert_eq!(
        listed.len(),
        27,
        "m1's worker held 27 records, as tour 16 says"
    );
    assert_eq!(outcome.never.count(), listed.len() as u64);
    for (a, b) in outcome.never.ranges() {
        for o in *a..*b {
            assert!(listed.contains(&format!("payments-0@{o}")), "{o}");
        }
    }
}

#[test]
fn a_record_lost_after_an_acks_1_ack_is_allowed_by_acks_1_and_counted_by_the_monitors() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../scenarios/acks-1-leader-dies.kss"
    ))
    .unwrap();
    let sim = run(&text);
    let losses = sim.acknowledged_losses();
    assert_eq!(losses.len(), 1);
    assert_eq!(losses[0].record.value, "acked-then-lost");
    assert_eq!(losses[0].allowed_by, Some(LossAllowedBy::Acks1));
    assert_eq!(LossAllowedBy::Acks1.config(), "acks=1");
    // Allowed: not an invariant violation.
    assert!(sim
        .end_of_run_violations()
        .iter()
        .all(|v| v.invariant != "acknowledged-record-lost"));
    let mut monitors = Monitors::new(&sim);
    monitors.check_end_of_run(
        &sim,
        Moment {
            events: 0,
            at_ms: sim.now_ms(),
        },
    );
    assert_eq!(monitors.allowed().losses, vec![(LossAllowedBy::Acks1, 1)]);
    assert!(monitors.broken("acknowledged-record-lost").is_none());
}

#[test]
fn acks_all_with_min_isr_1_and_unclean_election_name_their_config() {
    let mut sim = run("seed 11
topic create t partitions=1 replication-factor=3
producer create p acks=all linger.ms=0
produce p t value=before
advance 1s");
    let lost = kafkascope_core::sim::report::LostRecord {
        producer: "p".into(),
        topic: "t".into(),
        partition: 0,
        offset: 0,
        key: None,
        value: "before".into(),
    };
    assert_eq!(
        sim.loss_allowed_by(&lost),
        Some(LossAllowedBy::MinInsyncReplicas1)
    );
    sim.apply_line("topic create u partitions=1 replication-factor=3 min.insync.replicas=2 unclean.leader.election.enable=true")
        .unwrap();
    let unclean = kafkascope_core::sim::report::LostRecord {
        topic: "u".into(),
        ..lost.clone()
    };
    assert_eq!(
        sim.loss_allowed_by(&unclean),
        Some(LossAllowedBy::UncleanLeaderElection)
    );
    sim.apply_line("topic create v partitions=1 replication-factor=3 min.insync.replicas=2")
        .unwrap();
    let promised = kafkascope_core::sim::report::LostRecord {
        topic: "v".into(),
        ..lost
    };
    assert_eq!(sim.loss_allowed_by(&promised), None);
}

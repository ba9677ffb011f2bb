//! Consumer-group scenarios: assignment, rebalancing, commits, delivery semantics.

// The rules of clippy.toml (VecMap, sim::sort, no wall clock) are the model's; a test may
// use std's collections, sorts and clock.
#![allow(clippy::disallowed_types, clippy::disallowed_methods)]

use kafkascope_core::sim::coordinator::GroupState;
use kafkascope_core::sim::report::GroupReport;
use kafkascope_core::sim::script;
use kafkascope_core::sim::Simulation;

fn run(text: &str) -> Simulation {
    script::run(text).unwrap_or_else(|e| panic!("script failed: {e}"))
}

fn apply(sim: &mut Simulation, lines: &str) {
    for l in lines.lines() {
        sim.apply_line(l).unwrap_or_else(|e| panic!("{l}: {e}"));
    }
}

fn group(sim: &Simulation, g: &str) -> GroupReport {
    sim.group_reports()
        .into_iter()
        .find(|r| r.group == g)
        .expect("group in report")
}

fn assignment(sim: &Simulation, consumer: &str) -> Vec<String> {
    let c = &sim.consumers[sim.consumer_index(consumer).unwrap() as usize];
    c.assignment.iter().map(|t| t.to_string()).collect()
}

fn processed(sim: &Simulation, consumer: &str) -> usize {
    sim.consumers[sim.consumer_index(consumer).unwrap() as usize]
        .processed
        .len()
}

const SETUP: &str = "seed 3
topic create orders partitions=3 replication-factor=3
producer create p linger.ms=0";

#[test]
fn two_consumers_split_three_partitions_two_and_one() {
    let sim = run(&format!(
        "{SETUP}
        consumer create c1 group.id=g topics=orders
        consumer create c2 group.id=g topics=orders
        advance 5s"
    ));
    let g = group(&sim, "g");
    assert_eq!(g.state.map(|s| format!("{s:?}")), Some("Stable".into()));
    assert_eq!(
        g.protocol.as_deref(),
        Some("range"),
        "the default list gives eager range"
    );
    let (a, b) = (assignment(&sim, "c1"), assignment(&sim, "c2"));
    let mut sizes = [a.len(), b.len()];
    sizes.sort();
    assert_eq!(sizes, [1, 2], "{a:?} {b:?}");
}

#[test]
fn a_fourth_consumer_on_three_partitions_idles() {
    let sim = run(&format!(
        "{SETUP}
        consumer create c1 group.id=g topics=orders
        consumer create c2 group.id=g topics=orders
        consumer create c3 group.id=g topics=orders
        consumer create c4 group.id=g topics=orders
        advance 5s"
    ));
    let sizes: Vec<usize> = ["c1", "c2", "c3", "c4"]
        .iter()
        .map(|c| assignment(&sim, c).len())
        .collect();
    assert_eq!(sizes.iter().sum::<usize>(), 3);
    assert_eq!(sizes.iter().filter(|&&n| n == 0).count(), 1, "{sizes:?}");
    assert_eq!(group(&sim, "g").members.len(), 4);
}

#[test]
fn a_crashed_consumer_is_removed_after_the_session_timeout_and_its_partitions_resume_from_commits()
{
    let mut sim = run(&format!(
        "{SETUP}
        consumer create c1 group.id=g topics=orders session.timeout.ms=10s auto.offset.reset=earliest
        consumer create c2 group.id=g topics=orders session.timeout.ms=10s auto.offset.reset=earliest
        advance 5s
        produce p orders count=300 rate=20/s
        advance 8s"
    ));
    let before = group(&sim, "g").generation;
    apply(&mut sim, "consumer crash c1\nadvance 5s");
    assert_eq!(
        group(&sim, "g").generation,
        before,
        "not noticed before the session timeout"
    );
    apply(&mut sim, "advance 10s");
    let g = group(&sim, "g");
    assert!(g.generation > before);
    assert_eq!(g.members.len(), 1);
    assert_eq!(assignment(&sim, "c2").len(), 3, "c2 took every partition");
    apply(&mut sim, "advance 20s");
    let g = group(&sim, "g");
    assert!(
        g.committed_not_processed.is_empty(),
        "nothing skipped: {:?}",
        g.committed_not_processed
    );
    assert!(
        g.partitions.iter().all(|p| p.lag == Some(0)),
        "{:?}",
        g.partitions.iter().map(|p| p.lag).collect::<Vec<_>>()
    );
    assert!(sim
        .trace
        .events
        .iter()
        .any(|t| t.text().contains("has failed, removing it from the group")));
}

fn crash_while_processing(configs: &str) -> GroupReport {
    let mut sim = run(&format!(
        "{SETUP}
        consumer create c1 group.id=g topics=orders session.timeout.ms=10s auto.offset.reset=earliest auto.commit.interval.ms=1s {configs}
        advance 4s
        produce p orders count=100
        advance 3s
        consumer crash c1
        consumer create c2 group.id=g topics=orders session.timeout.ms=10s auto.offset.reset=earliest
        advance 20s
        produce p orders count=20
        advance 20s"
    ));
    assert!(processed(&sim, "c2") > 0);
    let _ = &mut sim;
    group(&sim, "g")
}

#[test]
fn worker_processing_with_auto_commit_commits_records_never_processed() {
    let g = crash_while_processing("processing=worker processing.time.ms=100");
    assert!(
        !g.committed_not_processed.is_empty(),
        "the hand-off loses records"
    );
}

#[test]
fn poll_loop_processing_with_auto_commit_gives_duplicates_not_loss() {
    let g = crash_while_processing("processing=poll-loop processing.time.ms=60 max.poll.records=10 auto.commit.interval.ms=2500");
    assert!(
        g.committed_not_processed.is_empty(),
        "{:?}",
        g.committed_not_processed
    );
    assert!(
        !g.processed_more_than_once.is_empty(),
        "records processed since the last commit come again"
    );
}

#[test]
fn manual_commit_after_processing_gives_duplicates_not_loss() {
    let g = crash_while_processing("enable.auto.commit=false commit.after.processing=true processing=poll-loop processing.time.ms=20 max.poll.records=10");
    assert!(
        g.committed_not_processed.is_empty(),
        "{:?}",
        g.committed_not_processed
    );
}

#[test]
fn librdkafka_offset_store_off_commits_only_what_was_processed() {
    let g = crash_while_processing(
        "processing=worker processing.time.ms=100 enable.auto.offset.store=false",
    );
    assert!(
        g.committed_not_processed.is_empty(),
        "{:?}",
        g.committed_not_processed
    );
}

#[test]
fn auto_offset_reset_decides_where_a_new_group_starts() {
    let base = format!(
        "{SETUP}
        produce p orders count=30
        advance 2s"
    );
    let earliest = run(&format!(
        "{base}\nconsumer create c group.id=e topics=orders auto.offset.reset=earliest\nadvance 8s"
    ));
    assert_eq!(processed(&earliest, "c"), 30);
    let latest = run(&format!("{base}\nconsumer create c group.id=l topics=orders\nadvance 8s\nproduce p orders count=5\nadvance 3s"));
    assert_eq!(
        processed(&latest, "c"),
        5,
        "latest starts at the HW: only new records"
    );
    let none = run(&format!(
        "{base}\nconsumer create c group.id=n topics=orders auto.offset.reset=none\nadvance 8s"
    ));
    assert_eq!(processed(&none, "c"), 0);
    let errors = &none.consumers[0].errors;
    assert!(
        errors
            .iter()
            .any(|e| e.contains("Undefined offset with no reset policy for partitions: [orders-")),
        "{errors:?}"
    );
}

#[test]
fn two_groups_read_one_topic_independently() {
    let sim = run(&format!(
        "{SETUP}
        produce p orders count=40
        consumer create a1 group.id=ga topics=orders auto.offset.reset=earliest
        consumer create b1 group.id=gb topics=orders auto.offset.reset=earliest
        consumer create b2 group.id=gb topics=orders auto.offset.reset=earliest
        advance 15s"
    ));
    assert_eq!(processed(&sim, "a1"), 40);
    assert_eq!(processed(&sim, "b1") + processed(&sim, "b2"), 40);
    assert_eq!(assignment(&sim, "a1").len(), 3);
}

#[test]
fn the_coordinator_broker_dies_and_committed_offsets_survive() {
    let mut sim = run(&format!(
        "{SETUP}
        produce p orders count=60
        consumer create c1 group.id=g topics=orders auto.offset.reset=earliest auto.commit.interval.ms=1s
        advance 12s"
    ));
    let before = group(&sim, "g");
    let coordinator = before.coordinator.unwrap();
    let committed: Vec<Option<i64>> = before.partitions.iter().map(|p| p.committed).collect();
    assert!(committed.iter().all(|c| c.is_some()));
    apply(&mut sim, &format!("broker kill {coordinator}\nadvance 30s"));
    let after = group(&sim, "g");
    assert_ne!(after.coordinator, Some(coordinator), "a new coordinator");
    let committed_after: Vec<Option<i64>> = after.partitions.iter().map(|p| p.committed).collect();
    assert_eq!(committed_after, committed, "loaded from __consumer_offsets");
    assert!(after.committed_not_processed.is_empty());
    assert!(sim
        .trace
        .events
        .iter()
        .any(|t| t.text().contains("Loaded") && t.text().contains("offset commit")));
}

/// Records c1 processes from its kept partitions while c3 joins.
fn consumed_during_rebalance(strategy: &str) -> (usize, usize) {
    let mut sim = run(&format!(
        "{SETUP}
        consumer create c1 group.id=g topics=orders partition.assignment.strategy={strategy} auto.offset.reset=earliest
        consumer create c2 group.id=g topics=orders partition.assignment.strategy={strategy} auto.offset.reset=earliest
        advance 5s
        produce p orders count=2000 rate=200/s
        advance 2s"
    ));
    let before = processed(&sim, "c1") + processed(&sim, "c2");
    // c3 joins: the rebalance lasts until c1 and c2 rejoin (up to a heartbeat interval).
    apply(&mut sim, &format!("consumer create c3 group.id=g topics=orders partition.assignment.strategy={strategy} auto.offset.reset=earliest"));
    let start = sim.now_ms();
    let mut during = 0;
    while sim.now_ms() < start + 10_000 {
        sim.step();
        let stable = sim
            .group_view("g")
            .1
            .is_some_and(|g| g.state == GroupState::Stable);
        if !stable {
            during = processed(&sim, "c1") + processed(&sim, "c2") - before;
        }
    }
    (before, during)
}

#[test]
fn cooperative_rebalancing_keeps_consuming_kept_partitions_eager_stops() {
    let (_, eager) = consumed_during_rebalance("range");
    let (_, coop) = consumed_during_rebalance("cooperative-sticky");
    assert!(
        coop > eager,
        "cooperative consumed {coop} during the rebalance, eager {eager}"
    );
}

#[test]
fn same_script_same_report_with_groups() {
    let text = format!(
        "{SETUP}
        consumer create c1 group.id=g topics=orders auto.offset.reset=earliest partition.assignment.strategy=cooperative-sticky
        consumer create c2 group.id=g topics=orders auto.offset.reset=earliest partition.assignment.strategy=cooperative-sticky
        produce p orders count=200 rate=100/s
        advance 3s
        consumer crash c2
        consumer create c3 group.id=g topics=orders auto.offset.reset=earliest partition.assignment.strategy=cooperative-sticky
        advance 60s"
    );
    let a = run(&text);
    let b = run(&text);
    assert_eq!(a.report_json(), b.report_json());
    assert_eq!(a.trace.hash(), b.trace.hash());
    assert!(
        a.report().invariant_violations.is_empty(),
        "{:?}",
        a.report().invariant_violations
    );
    assert!(a
        .trace
        .events
        .iter()
        .any(|t| t.text().contains("Adding newly assigned partitions:")));
}

#[test]
fn adding_partitions_or_changing_the_subscription_rebalances_the_group() {
    let mut sim = run(&format!(
        "{SETUP}
        topic create audit partitions=2 replication-factor=3
        consumer create c1 group.id=g topics=orders metadata.max.age.ms=5s
        consumer create c2 group.id=g topics=orders metadata.max.age.ms=5s
        advance 5s"
    ));
    let generation = group(&sim, "g").generation;
    apply(&mut sim, "topic alter orders partitions=6\nadvance 12s");
    let g = group(&sim, "g");
    assert!(
        g.generation > generation,
        "the leader noticed the new partitions"
    );
    let total: usize = ["c1", "c2"].iter().map(|c| assignment(&sim, c).len()).sum();
    assert_eq!(total, 6);
    let generation = g.generation;
    apply(&mut sim, "consumer subscribe c2 topics=orders,audit\nconsumer subscribe c1 topics=orders,audit\nadvance 8s");
    assert!(group(&sim, "g").generation > generation);
    let all: Vec<String> = ["c1", "c2"]
        .iter()
        .flat_map(|c| assignment(&sim, c))
        .collect();
    assert_eq!(all.len(), 8, "{all:?}");
    assert!(all.iter().any(|t| t.starts_with("audit-")));
    let e = sim
        .apply_line("topic alter orders partitions=3")
        .unwrap_err();
    assert_eq!(e.to_string(), "INVALID_PARTITIONS: Topic currently has 6 partitions, which is higher than the requested 3.");
}

#[test]
fn a_static_member_restarting_within_its_session_gets_its_partitions_back_without_a_rebalance() {
    let mut sim = run(&format!(
        "{SETUP}
        consumer create c1 group.id=g topics=orders group.instance.id=c1-host session.timeout.ms=30s auto.offset.reset=earliest
        consumer create c2 group.id=g topics=orders group.instance.id=c2-host session.timeout.ms=30s auto.offset.reset=earliest
        advance 5s
        produce p orders count=60 rate=20/s
        advance 5s"
    ));
    let before = group(&sim, "g");
    let owned = assignment(&sim, "c1");
    apply(
        &mut sim,
        "consumer crash c1\nadvance 10s\nconsumer restart c1\nadvance 10s",
    );
    let after = group(&sim, "g");
    assert_eq!(
        after.generation, before.generation,
        "no rebalance for a returning static member"
    );
    assert_eq!(assignment(&sim, "c1"), owned);
    assert!(after
        .members
        .iter()
        .any(|m| m.group_instance_id.as_deref() == Some("c1-host")));
    assert!(sim.trace.events.iter().any(|t| t
        .text()
        .contains("Static member with instance id c1-host re-joined")));
    // Gone for longer than its session: removed, and the group rebalances.
    apply(&mut sim, "consumer crash c1\nadvance 40s");
    assert!(group(&sim, "g").generation > before.generation);
    assert_eq!(assignment(&sim, "c2").len(), 3);
}

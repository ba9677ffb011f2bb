//! With auto-commit on, a member commits its positions before it rejoins a rebalance, eager or
//! cooperative (`ConsumerCoordinator.onJoinPrepare`): a partition that moves to a newcomer is
//! picked up where its owner got to, not from an older commit (or from auto.offset.reset when
//! there was none yet).

use kafkascope_core::sim::script;

#[test]
fn a_cooperative_member_commits_before_it_rejoins() {
    let sim = script::run(
        "seed 12
        topic create t partitions=4 replication-factor=3
        producer create p linger.ms=0
        produce p t count=10 partition=0
        produce p t count=10 partition=1
        produce p t count=10 partition=2
        produce p t count=10 partition=3
        consumer create c1 group.id=g topics=t partition.assignment.strategy=cooperative-sticky auto.offset.reset=earliest
        advance 4s
        consumer create c3 group.id=g topics=t partition.assignment.strategy=cooperative-sticky auto.offset.reset=earliest
        advance 3s",
    )
    .unwrap();
    // c1 joined at about 3 s and read all 40 records; its first interval auto-commit is due at
    // about 8 s. At 7 s the commit seen came from its rejoin (at its heartbeat, about 6 s).
    let report = sim.report();
    let g = &report.groups[0];
    let committed: Vec<Option<i64>> = g.partitions.iter().map(|p| p.committed).collect();
    assert_eq!(
        committed,
        vec![Some(10); 4],
        "committed before the rebalance: {committed:?}"
    );
    let c3 = sim.consumers.iter().find(|c| &*c.name == "c3").unwrap();
    assert!(
        !c3.errors.iter().any(|e| e.contains("reset")),
        "{:?}",
        c3.errors
    );
}

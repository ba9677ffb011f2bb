//! A broker that became leader, appended nothing at its epoch and was killed comes back as a
//! follower, truncates once and rejoins the ISR (found by the oracle, docs/FIDELITY.md
//! difference 10). Its leader-epoch cache held an epoch starting at its log end; Kafka's
//! `UnifiedLog.truncateTo` drops such an entry even when there is nothing to truncate, and the
//! model did not, so the follower truncated "to offset 2" every few milliseconds for ever and
//! never fetched.

use kafkascope_core::sim::script;

#[test]
fn a_former_leader_with_an_empty_epoch_truncates_once_and_rejoins_the_isr() {
    let sim = script::run(
        "seed 14
        cluster brokers=3 mode=kraft controllers=1
        topic create t partitions=3 replication-factor=3
        producer create p acks=all linger.ms=0
        produce p t count=2 partition=1
        advance 1s
        broker stop 1
        advance 2s
        broker kill 2
        advance 12s
        broker start 1
        broker start 2
        advance 15s",
    )
    .unwrap();
    let truncations = sim
        .trace
        .events
        .iter()
        .filter(|e| e.text().contains("Truncating partition t-1"))
        .count();
    assert!(truncations <= 2, "{truncations} truncations of t-1");
    let isr = &sim.metadata.topics["t"].partitions[1].isr;
    assert!(
        isr.contains(&2),
        "broker 2 is back in the ISR of t-1: {isr:?}"
    );
    assert_eq!(isr.len(), 3, "{isr:?}");
}

//! What a member's latest rebalance did (`Consumer::rebalance`), as the group cards draw it:
//! eager revokes everything and gives back an assignment; cooperative keeps what stays.

use kafkascope_core::sim::consumer::{Consumer, MemberState};
use kafkascope_core::sim::{script, Simulation};

fn run(text: &str) -> Simulation {
    script::run(text).unwrap_or_else(|e| panic!("script failed: {e}"))
}

fn consumer<'a>(sim: &'a Simulation, name: &str) -> &'a Consumer {
    &sim.consumers[sim.consumer_index(name).unwrap() as usize]
}

fn names(tps: &[kafkascope_core::sim::TopicPartition]) -> Vec<String> {
    tps.iter().map(|t| t.to_string()).collect()
}

fn scenario(strategy: &str) -> Simulation {
    let mut sim = run(&format!(
        "seed 3
        topic create orders partitions=4 replication-factor=3
        consumer create c1 group.id=g topics=orders partition.assignment.strategy={strategy}
        advance 6s"
    ));
    let c1 = consumer(&sim, "c1");
    assert_eq!(c1.assignment.len(), 4);
    assert_eq!(
        c1.rebalance.added.len(),
        4,
        "the first assignment is all new"
    );
    assert!(c1.rebalance.before.is_empty());
    sim.apply_line(&format!(
        "consumer create c2 group.id=g topics=orders partition.assignment.strategy={strategy}"
    ))
    .unwrap();
    sim
}

#[test]
fn eager_revokes_everything_until_the_new_assignment() {
    let mut sim = scenario("range");
    // Run until c1 is in the middle of the rebalance: nothing owned, its old partitions noted.
    for _ in 0..100_000 {
        sim.step();
        if consumer(&sim, "c1").member_state != MemberState::Stable {
            break;
        }
    }
    let c1 = consumer(&sim, "c1");
    assert_ne!(c1.member_state, MemberState::Stable);
    assert!(
        c1.assignment.is_empty(),
        "eager: all revoked while rebalancing"
    );
    assert_eq!(c1.rebalance.before.len(), 4);
    assert_eq!(c1.rebalance.synced_ms, None);
    sim.advance(10_000);
    let (c1, c2) = (consumer(&sim, "c1"), consumer(&sim, "c2"));
    assert_eq!(c1.assignment.len() + c2.assignment.len(), 4);
    assert!(c1.rebalance.synced_ms.is_some());
    assert_eq!(names(&c1.rebalance.revoked), names(&c2.assignment));
    assert!(
        c1.rebalance.added.is_empty(),
        "range keeps c1's first partitions"
    );
    assert_eq!(names(&c2.rebalance.added), names(&c2.assignment));
}

#[test]
fn cooperative_keeps_what_stays() {
    let mut sim = scenario("cooperative-sticky");
    let mut kept_while_rebalancing = false;
    for _ in 0..20_000 {
        sim.step();
        let c1 = consumer(&sim, "c1");
        if c1.member_state != MemberState::Stable || c1.rebalance.synced_ms.is_none() {
            kept_while_rebalancing |= !c1.assignment.is_empty();
        }
    }
    assert!(
        kept_while_rebalancing,
        "cooperative: c1 keeps partitions during the rebalance"
    );
    let (c1, c2) = (consumer(&sim, "c1"), consumer(&sim, "c2"));
    assert_eq!(c1.assignment.len(), 2);
    assert_eq!(c2.assignment.len(), 2);
    assert_eq!(
        c1.rebalance.before.len(),
        4,
        "the episode spans both rounds"
    );
    assert_eq!(names(&c1.rebalance.revoked), names(&c2.assignment));
    assert!(c1.rebalance.added.is_empty());
    assert_eq!(names(&c2.rebalance.added), names(&c2.assignment));
}

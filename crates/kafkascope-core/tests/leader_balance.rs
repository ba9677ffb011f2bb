//! Automatic preferred-leader election (controller/leader_balance.rs): with
//! `auto.leader.rebalance.enable=true` (Kafka's default) a broker that comes back leads its
//! preferred partitions again at the controller's next imbalance check
//! (`leader.imbalance.check.interval.seconds`, 300); with it off, it never does.

use kafkascope_core::sim::script;
use kafkascope_core::sim::{BrokerId, Simulation};

fn run(text: &str) -> Simulation {
    script::run(text).unwrap_or_else(|e| panic!("{e}"))
}

fn apply(sim: &mut Simulation, lines: &str) {
    for l in lines.lines() {
        sim.apply_line(l.trim())
            .unwrap_or_else(|e| panic!("{l}: {e}"));
    }
}

fn leader(sim: &Simulation, p: usize) -> Option<BrokerId> {
    sim.metadata.topics["t"].partitions[p].leader
}

fn preferred(sim: &Simulation, p: usize) -> BrokerId {
    sim.metadata.topics["t"].partitions[p].replicas[0]
}

/// Kills the preferred leader of t-0, lets the controller move the leadership, brings the broker
/// back, and returns the simulation when it is back in the ISR, with that broker.
fn failover_and_return(cluster: &str) -> (Simulation, BrokerId) {
    let mut sim = run(&format!(
        "seed 5
        {cluster}
        topic create t partitions=3 replication-factor=3
        advance 1s"
    ));
    let b = preferred(&sim, 0);
    assert_eq!(leader(&sim, 0), Some(b));
    apply(
        &mut sim,
        &format!("broker kill {b}\nadvance 30s\nbroker start {b}\nadvance 30s"),
    );
    assert_ne!(leader(&sim, 0), Some(b), "the leadership moved away");
    assert!(
        sim.metadata.topics["t"].partitions[0].isr.contains(&b),
        "broker {b} caught up and is back in the ISR"
    );
    (sim, b)
}

#[test]
fn kraft_the_returning_preferred_replica_leads_again_at_the_next_check() {
    let (mut sim, b) = failover_and_return("cluster brokers=3");
    // The check was scheduled 300 s after the leadership moved (about t=10 s).
    apply(&mut sim, "advance 200s");
    assert_ne!(leader(&sim, 0), Some(b), "not before the check interval");
    apply(&mut sim, "advance 100s");
    for p in 0..3 {
        assert_eq!(leader(&sim, p), Some(preferred(&sim, p)), "t-{p}");
    }
    assert!(sim.trace.events.iter().any(|e| e
        .text()
        .contains("the preferred replica, as leader of t-0 again")));
}

#[test]
fn with_auto_leader_rebalance_off_the_leadership_stays_where_it_moved() {
    let (mut sim, b) = failover_and_return("cluster brokers=3 auto.leader.rebalance.enable=false");
    apply(&mut sim, "advance 20m");
    assert_ne!(leader(&sim, 0), Some(b));
}

#[test]
fn the_check_interval_is_a_cluster_setting_in_seconds() {
    let (mut sim, b) =
        failover_and_return("cluster brokers=3 leader.imbalance.check.interval.seconds=60");
    apply(&mut sim, "advance 30s");
    assert_eq!(leader(&sim, 0), Some(b));
}

#[test]
fn zookeeper_mode_checks_every_interval_with_the_per_broker_ratio() {
    let (mut sim, b) = failover_and_return("cluster brokers=3 mode=zookeeper");
    apply(&mut sim, "advance 300s");
    assert_eq!(leader(&sim, 0), Some(b));
}

#[test]
fn bad_values_are_refused_with_kafkas_words() {
    for (line, says) in [
        (
            "cluster auto.leader.rebalance.enable=yes",
            "Expected value to be either true or false",
        ),
        (
            "cluster leader.imbalance.check.interval.seconds=0",
            "between 1 and 86400",
        ),
        (
            "cluster leader.imbalance.per.broker.percentage=101",
            "between 0 and 100",
        ),
    ] {
        let e = script::run(&format!("seed 1\n{line}\n")).unwrap_err();
        assert!(e.to_string().contains(says), "{line}: {e}");
    }
}

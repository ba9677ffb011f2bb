//! Brokers learn the active controller only from messages (broker/controller_channel.rs), never
//! by reading the controller's state: after a KRaft failover, from the new leader's metadata;
//! when a heartbeat reaches a voter that does not lead, from its NOT_CONTROLLER answer; when
//! their heartbeats go unanswered (the controller died while they were cut off), by asking the
//! voters again. ZooKeeper-mode brokers learn the controller broker from its requests.

use kafkascope_core::sim::network::{NodeId, Payload};
use kafkascope_core::sim::script;
use kafkascope_core::sim::Simulation;

fn run(text: &str) -> Simulation {
    script::run(text).unwrap_or_else(|e| panic!("{e}"))
}

fn apply(sim: &mut Simulation, lines: &str) {
    for l in lines.lines() {
        sim.apply_line(l.trim())
            .unwrap_or_else(|e| panic!("{l}: {e}"));
    }
}

fn known_controller(sim: &Simulation, broker: i32) -> Option<NodeId> {
    sim.brokers[&broker].controller
}

fn active(sim: &Simulation) -> Option<NodeId> {
    sim.controller.active_node()
}

/// Steps event by event until `done` holds (at most `limit` events).
fn step_until(sim: &mut Simulation, limit: usize, done: impl Fn(&Simulation) -> bool) -> bool {
    for _ in 0..limit {
        if done(sim) {
            return true;
        }
        if !sim.step() {
            return false;
        }
    }
    done(sim)
}

#[test]
fn after_a_kraft_failover_brokers_learn_the_new_leader_from_its_metadata_not_at_once() {
    let mut sim = run("seed 4
        cluster brokers=3 mode=kraft controllers=3
        topic create t partitions=3 replication-factor=3
        advance 1s
        controller kill");
    assert!(step_until(&mut sim, 100_000, |s| s
        .controller
        .active
        .is_some()));
    let new = active(&sim).expect("a new active controller");
    // The moment it wins the vote, no broker knows yet: nothing has reached them.
    for b in 1..=3 {
        assert_ne!(
            known_controller(&sim, b),
            Some(new),
            "broker {b} knew before any message"
        );
    }
    // One network hop later every broker has its metadata, and follows it.
    apply(&mut sim, "advance 100ms");
    for b in 1..=3 {
        assert_eq!(known_controller(&sim, b), Some(new), "broker {b}");
        assert_eq!(sim.brokers[&b].heartbeat_target, Some(new), "broker {b}");
    }
    // No broker is fenced by the failover: their heartbeats reach the new leader in time.
    apply(&mut sim, "advance 20s");
    assert!(sim.metadata.brokers.values().all(|r| !r.fenced));
}

#[test]
fn a_broker_cut_off_during_a_failover_finds_the_new_leader_by_asking_the_voters() {
    let mut sim = run("seed 4
        cluster brokers=3 mode=kraft controllers=3
        topic create t partitions=3 replication-factor=3
        advance 1s
        network isolate 2
        controller kill
        advance 3s");
    let new = active(&sim).expect("a new active controller");
    // Broker 2 missed the new leader's metadata: it still names the dead one.
    assert_ne!(known_controller(&sim, 2), Some(new));
    apply(&mut sim, "network heal\nadvance 15s");
    assert_eq!(known_controller(&sim, 2), Some(new));
    assert!(
        !sim.metadata.brokers[&2].fenced,
        "broker 2 registered again with the new leader"
    );
}

#[test]
fn a_started_broker_asks_the_voters_and_one_that_does_not_lead_names_the_leader() {
    let mut sim = run("seed 4
        cluster brokers=3 mode=kraft controllers=3
        topic create t partitions=3 replication-factor=3
        advance 1s
        broker kill 3
        controller kill
        advance 15s
        broker start 3");
    // A new process knows only the voters.
    assert_eq!(known_controller(&sim, 3), None);
    assert_eq!(sim.brokers[&3].heartbeat_target, None);
    // Its heartbeats go to the voters in turn; a live voter that does not lead answers
    // NOT_CONTROLLER with the leader it knows.
    let named = step_until(&mut sim, 200_000, |s| {
        s.network.in_flight.values().any(|m| {
            m.to == NodeId::Broker(3)
                && matches!(
                    m.payload,
                    Payload::BrokerHeartbeatResponse {
                        not_controller: true,
                        leader: Some(_),
                        ..
                    }
                )
        })
    });
    assert!(named, "no voter answered NOT_CONTROLLER to broker 3");
    apply(&mut sim, "advance 15s");
    assert_eq!(known_controller(&sim, 3), active(&sim));
    assert!(
        !sim.metadata.brokers[&3].fenced,
        "broker 3 is back in the cluster"
    );
}

#[test]
fn zookeeper_brokers_learn_the_new_controller_broker_from_its_requests() {
    let sim = run("seed 4
        cluster brokers=3 mode=zookeeper
        topic create t partitions=3 replication-factor=3
        advance 1s
        broker kill 1
        advance 30s");
    let c = sim.controller.active.expect("a new controller broker");
    assert_ne!(c, 1);
    for b in [2, 3] {
        assert_eq!(
            known_controller(&sim, b),
            Some(NodeId::Broker(c)),
            "broker {b}"
        );
        // ZooKeeper-mode heartbeats are session pings to ZooKeeper whoever the controller is.
        assert_eq!(sim.brokers[&b].heartbeat_target, Some(NodeId::ZooKeeper));
    }
}

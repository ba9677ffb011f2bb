//! Whom a trace line (the page's event log, `kafka-sim run --trace`) names as its subject: a
//! network fault set for one node names that node; a fault of the whole network (latency for
//! every link, dropping a message kind everywhere, healing everything) names the network, never
//! ZooKeeper: a KRaft cluster has no ZooKeeper, and in ZooKeeper mode ZooKeeper did not do it.

use kafkascope_core::sim::{script, NodeId, Simulation, TraceKind};

const WHOLE_NETWORK: &[&str] = &[
    "network latency set to 5 ms",
    "dropping 1 produce-response message(s)",
    "healed all network faults",
];

fn run(mode: &str) -> Simulation {
    script::run(&format!(
        "seed 1\n\
         cluster brokers=3 mode={mode}\n\
         topic create orders partitions=3 replication-factor=3\n\
         network latency 5ms\n\
         network drop produce-response count=1\n\
         network isolate 2\n\
         advance 1s\n\
         network heal 2\n\
         network heal\n"
    ))
    .unwrap_or_else(|e| panic!("{e}"))
}

fn fault_lines(sim: &Simulation) -> Vec<(String, String)> {
    sim.trace
        .events
        .iter()
        .filter(|e| e.kind() == TraceKind::Fault)
        .map(|e| (e.text(), e.subject()))
        .collect()
}

#[test]
fn kraft_network_faults_never_name_zookeeper() {
    let sim = run("kraft");
    for e in &sim.trace.events {
        assert!(
            !format!("{:?}", e.node).contains("ZooKeeper"),
            "a KRaft cluster has no ZooKeeper: {} {}",
            e.subject(),
            e.text()
        );
    }
}

#[test]
fn whole_network_faults_name_the_network_and_node_faults_the_node() {
    for mode in ["kraft", "zookeeper"] {
        let lines = fault_lines(&run(mode));
        let expected: Vec<(String, String)> = [
            (WHOLE_NETWORK[0], "network"),
            (WHOLE_NETWORK[1], "network"),
            ("broker 2 isolated from the network", "broker 2"),
            ("healed network faults of broker 2", "broker 2"),
            (WHOLE_NETWORK[2], "network"),
        ]
        .iter()
        .map(|(text, subject)| (text.to_string(), subject.to_string()))
        .collect();
        assert_eq!(lines, expected, "{mode}");
        let sim = run(mode);
        for e in sim.trace.events.iter() {
            if WHOLE_NETWORK.contains(&e.text().as_str()) {
                assert_eq!(e.node, None, "{mode}: {}", e.text());
            }
        }
    }
}

#[test]
fn a_drop_between_named_nodes_names_its_sender() {
    let sim = script::run("seed 1\ncluster brokers=3\nnetwork drop fetch from=2 to=1 count=2\n")
        .unwrap_or_else(|e| panic!("{e}"));
    let line = sim
        .trace
        .events
        .iter()
        .find(|e| e.kind() == TraceKind::Fault)
        .expect("a fault line");
    assert_eq!(line.node, Some(NodeId::Broker(2)));
    assert_eq!(line.subject(), "broker 2");
}

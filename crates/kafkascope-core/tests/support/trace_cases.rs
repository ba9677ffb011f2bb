//! The scripts whose runs must hash the same natively and in the browser (tests/trace_hashes.rs,
//! tests/web_determinism.rs), and the hash itself.
//!
//! The hash is FNV-1a (64 bits) over the whole JSON report of the run: every partition's logs
//! and committed records, producers' acknowledged and failed records, groups, consumers'
//! processed records, invariant violations, and the trace hash (FNV-1a over every trace line's
//! time and text). Anything that differs between platforms — a float formatted differently, a
//! collection iterated in another order, a different random draw, a timer firing in another
//! order — changes a line of the trace or of the report, and so the hash.
//!
//! The expected values are in tests/trace_hashes.txt. After an intended change of behaviour:
//! `UPDATE_TRACE_HASHES=1 cargo test --test trace_hashes` rewrites it (review the diff: a file
//! split or a refactoring must leave every hash as it was).

use kafkascope_core::sim::fault_schedule::{generate_into, FaultClass};
use kafkascope_core::sim::script;
use kafkascope_core::timeline::link::MODEL_VERSION;

/// tests/trace_hashes.txt's line naming the model version its hashes are of
/// (`kafkascope_core::timeline::link::MODEL_VERSION`, which share links carry).
pub const MODEL_VERSION_LINE: &str = "model-version";

/// Every scenario file of the repository (the native test checks that none is missing).
pub const SCENARIO_FILES: &[(&str, &str)] = &[
    (
        "scenarios/acks-1-leader-dies.kss",
        include_str!("../../../../scenarios/acks-1-leader-dies.kss"),
    ),
    (
        "scenarios/acks-all-min-isr.kss",
        include_str!("../../../../scenarios/acks-all-min-isr.kss"),
    ),
    (
        "scenarios/consumer-worker-loses-records.kss",
        include_str!("../../../../scenarios/consumer-worker-loses-records.kss"),
    ),
];

/// Scripts that reach what the scenario files do not: ZooKeeper mode, every assignor, static
/// membership, retention, fractional durations and rates, network faults.
pub const INLINE_SCRIPTS: &[(&str, &str)] = &[
    (
        "inline/zookeeper-failover",
        "seed 21
cluster brokers=4 mode=zookeeper latency=3ms zookeeper.session.timeout.ms=6s
topic create t partitions=4 replication-factor=3 min.insync.replicas=2
producer create p acks=all linger.ms=2.5 enable.idempotence=true
produce p t count=500 rate=333.3/s key=k1
advance 700ms
broker kill 1
advance 1.25s
broker stop 2
advance 9s
broker start 1
broker start 2
network slow p 3 40ms
advance 30s
",
    ),
    (
        "inline/producer-before-topic",
        "seed 5
cluster brokers=3
producer create p1
topic create t1 partitions=6 replication-factor=3
produce p1 t1 rate=50/s count=100
producer create p2 max.block.ms=1500
network isolate p2
produce p2 t1 rate=10/s count=5 key=k
advance 3s
",
    ),
    (
        "inline/groups-every-assignor",
        "seed 5
cluster brokers=3 controllers=1
topic create a partitions=5 replication-factor=2
topic create b partitions=3 replication-factor=3 retention.bytes=2000 segment.bytes=500
producer create p linger.ms=1 partitioner.class=RoundRobinPartitioner
produce p a count=300 rate=150/s
produce p b count=300 rate=150/s
consumer create r1 group.id=range topics=a,b auto.offset.reset=earliest partition.assignment.strategy=range
consumer create r2 group.id=range topics=a,b auto.offset.reset=earliest partition.assignment.strategy=range processing=worker
consumer create s1 group.id=sticky topics=a,b auto.offset.reset=earliest partition.assignment.strategy=sticky commit.after.processing=true enable.auto.commit=false
consumer create s2 group.id=sticky topics=a auto.offset.reset=earliest partition.assignment.strategy=sticky
consumer create c1 group.id=coop topics=a,b partition.assignment.strategy=cooperative-sticky group.instance.id=i1
consumer create c2 group.id=coop topics=a,b partition.assignment.strategy=cooperative-sticky
consumer create o1 group.id=rr topics=a,b partition.assignment.strategy=roundrobin max.poll.records=7
advance 3s
consumer crash r1
consumer close s2
network isolate 2
advance 1500ms
network heal
consumer restart r1
consumer subscribe c2 topics=b
topic alter a partitions=7
advance 20s
",
    ),
];

/// Fault schedules (generated from their seed while they run, as `kafka-sim faults` does).
pub const FAULT_SCHEDULES: &[(&str, u64)] = &[
    ("durable", 3),
    ("idempotent", 3),
    ("acks1", 3),
    ("unclean", 3),
    ("groups", 3),
];

/// FNV-1a, 64 bits.
pub fn fnv1a64(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x100_0000_01b3);
    }
    h
}

/// Every case's name and the hash of its run, after the model version.
pub fn compute() -> Vec<(String, String)> {
    let mut out = vec![(MODEL_VERSION_LINE.to_string(), MODEL_VERSION.to_string())];
    for (name, text) in SCENARIO_FILES.iter().chain(INLINE_SCRIPTS) {
        let sim = script::run(text).unwrap_or_else(|e| panic!("{name}: {e}"));
        out.push((
            name.to_string(),
            format!("{:016x}", fnv1a64(sim.report_json().as_bytes())),
        ));
    }
    for (class, seed) in FAULT_SCHEDULES {
        let class = FaultClass::parse(class).expect("a class name");
        let mut text = String::new();
        let (sim, _) = generate_into(*seed, class, &mut text, false)
            .unwrap_or_else(|e| panic!("faults {} {seed}: {e}", class.name()));
        // The generated script is part of what must agree.
        let h = fnv1a64(sim.report_json().as_bytes()) ^ fnv1a64(text.as_bytes()).rotate_left(1);
        out.push((
            format!("faults/{}/{seed}", class.name()),
            format!("{h:016x}"),
        ));
    }
    out
}

/// Parses tests/trace_hashes.txt: `NAME HASH` lines, `#` comments.
pub fn expected(text: &str) -> Vec<(String, String)> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| {
            let (name, hash) = l.split_once(' ').expect("NAME HASH");
            (name.to_string(), hash.trim().to_string())
        })
        .collect()
}

/// The differences between computed and expected hashes, one line each (empty when they agree).
pub fn differences(computed: &[(String, String)], expected: &[(String, String)]) -> Vec<String> {
    let mut diffs = Vec::new();
    for (name, hash) in computed {
        match expected.iter().find(|(n, _)| n == name) {
            None => diffs.push(format!(
                "{name}: computed {hash}, not in tests/trace_hashes.txt"
            )),
            Some((_, want)) if want != hash => {
                diffs.push(format!("{name}: computed {hash}, expected {want}"))
            }
            Some(_) => {}
        }
    }
    for (name, _) in expected {
        if !computed.iter().any(|(n, _)| n == name) {
            diffs.push(format!("{name}: expected but not computed"));
        }
    }
    diffs
}

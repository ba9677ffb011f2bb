//! Bad input: invalid commands and configs, each refused with a clear Kafka-style error (the
//! Kafka error name where one applies) and leaving the simulation exactly as it was.

use kafkascope_core::sim::script;
use kafkascope_core::sim::{
    Simulation, MAX_ADVANCE_MS, MAX_BROKERS, MAX_PARTITIONS_PER_TOPIC, MAX_PRODUCERS, MAX_TOPICS,
};

/// Three brokers, topic `t` (2 partitions, RF 3), producer `p`, a second ago.
fn base() -> Simulation {
    script::run(
        "seed 5
         cluster brokers=3 mode=kraft controllers=3
         topic create t partitions=2 replication-factor=3 min.insync.replicas=2
         producer create p linger.ms=0
         produce p t count=3
         advance 1s",
    )
    .expect("the base script runs")
}

/// `line` is refused with `kafka` (the Kafka error name, if one applies) and a message that says
/// `says`; the simulation's report (state, time, trace hash) is unchanged.
fn refused(sim: &mut Simulation, line: &str, kafka: Option<&str>, says: &str) {
    let before = sim.report_json();
    let in_flight = sim.in_flight().count();
    let e = match sim.apply_line(line) {
        Ok(()) => panic!("'{line}' was accepted"),
        Err(e) => e,
    };
    assert_eq!(
        e.kafka.map(|k| k.name()),
        kafka,
        "'{line}': wrong Kafka error in '{e}'"
    );
    assert!(
        e.to_string().contains(says),
        "'{line}': the error '{e}' does not say '{says}'"
    );
    assert_eq!(sim.report_json(), before, "'{line}' changed the state");
    assert_eq!(sim.in_flight().count(), in_flight, "'{line}' sent messages");
}

const INVALID_REPLICATION_FACTOR: Option<&str> = Some("INVALID_REPLICATION_FACTOR");
const INVALID_PARTITIONS: Option<&str> = Some("INVALID_PARTITIONS");
const INVALID_CONFIG: Option<&str> = Some("INVALID_CONFIG");
const UNKNOWN_TOPIC_OR_PARTITION: Option<&str> = Some("UNKNOWN_TOPIC_OR_PARTITION");
const BROKER_NOT_AVAILABLE: Option<&str> = Some("BROKER_NOT_AVAILABLE");
const TOPIC_ALREADY_EXISTS: Option<&str> = Some("TOPIC_ALREADY_EXISTS");
const INVALID_TOPIC_EXCEPTION: Option<&str> = Some("INVALID_TOPIC_EXCEPTION");
/// A script or validation error Kafka has no protocol error for.
const NONE: Option<&str> = None;

#[test]
fn invalid_commands_are_refused_with_kafka_errors_and_change_nothing() {
    let mut sim = base();
    let table: &[(&str, Option<&str>, &str)] = &[
        // Replication factor and partition counts.
        (
            "topic create u partitions=1 replication-factor=4",
            INVALID_REPLICATION_FACTOR,
            "The target replication factor of 4 cannot be reached because only 3 broker(s) are registered.",
        ),
        ("topic create u partitions=1 replication-factor=0", INVALID_REPLICATION_FACTOR, "must be positive"),
        ("topic create u partitions=1 replication-factor=-1", INVALID_REPLICATION_FACTOR, "must be positive"),
        ("topic create u partitions=0 replication-factor=1", INVALID_PARTITIONS, "invalid non-positive value (0)"),
        ("topic create u partitions=-3 replication-factor=1", INVALID_PARTITIONS, "invalid non-positive value (-3)"),
        ("topic create u partitions=1001 replication-factor=1", INVALID_PARTITIONS, "at most 1000 partitions"),
        ("topic create u partitions=2147483647 replication-factor=1", INVALID_PARTITIONS, "at most 1000 partitions"),
        ("topic create u partitions=2147483648 replication-factor=1", NONE, "partitions must be a number"),
        ("topic create u partitions=many replication-factor=1", NONE, "partitions must be a number"),
        ("topic create t partitions=1 replication-factor=1", TOPIC_ALREADY_EXISTS, "Topic 't' already exists."),
        // Topic names: Kafka's `Topic.validate`, INVALID_TOPIC_EXCEPTION (17), in its words.
        ("topic create a/b partitions=1 replication-factor=1", INVALID_TOPIC_EXCEPTION, "Topic name \"a/b\" is illegal, it contains a character other than ASCII alphanumerics, '.', '_' and '-'"),
        ("topic create \"a b\" partitions=1 replication-factor=1", INVALID_TOPIC_EXCEPTION, "Topic name \"a b\" is illegal"),
        ("topic create tópico partitions=1 replication-factor=1", INVALID_TOPIC_EXCEPTION, "other than ASCII alphanumerics"),
        ("topic create .. partitions=1 replication-factor=1", INVALID_TOPIC_EXCEPTION, "Topic name cannot be \".\" or \"..\""),
        ("topic create . partitions=1 replication-factor=1", INVALID_TOPIC_EXCEPTION, "Topic name cannot be \".\" or \"..\""),
        ("topic create \"\" partitions=1 replication-factor=1", INVALID_TOPIC_EXCEPTION, "Topic name is illegal, it can't be empty"),
        // Topic config values of the wrong type or out of range.
        ("topic create u partitions=1 replication-factor=1 min.insync.replicas=0", INVALID_CONFIG, "Invalid value 0 for configuration min.insync.replicas"),
        ("topic create u partitions=1 replication-factor=1 min.insync.replicas=two", INVALID_CONFIG, "Invalid value two for configuration min.insync.replicas"),
        ("topic create u partitions=1 replication-factor=1 unclean.leader.election.enable=yes", INVALID_CONFIG, "Invalid value yes for configuration unclean.leader.election.enable"),
        ("topic create u partitions=1 replication-factor=1 retention.ms=-2", INVALID_CONFIG, "Invalid value -2 for configuration retention.ms"),
        ("topic create u partitions=1 replication-factor=1 segment.bytes=13", INVALID_CONFIG, "Invalid value 13 for configuration segment.bytes"),
        // Producer configs of the wrong type, out of range, or in conflict.
        ("producer create q acks=2", INVALID_CONFIG, "String must be one of: all, -1, 0, 1"),
        ("producer create q acks=every", INVALID_CONFIG, "Invalid value every for configuration acks"),
        ("producer create q enable.idempotence=yes", INVALID_CONFIG, "Invalid value yes for configuration enable.idempotence"),
        ("producer create q linger.ms=soon", INVALID_CONFIG, "Invalid value soon for configuration linger.ms"),
        ("producer create q retries=-1", INVALID_CONFIG, "Invalid value -1 for configuration retries"),
        ("producer create q request.timeout.ms=0", INVALID_CONFIG, "Invalid value 0 for configuration request.timeout.ms"),
        ("producer create q max.in.flight.requests.per.connection=0", INVALID_CONFIG, "max.in.flight.requests.per.connection"),
        ("producer create q batch.size=999999999999", INVALID_CONFIG, "Invalid value 999999999999 for configuration batch.size"),
        ("producer create q partitioner.class=com.example.Mine", INVALID_CONFIG, "could not be found"),
        ("producer create q acks=1 enable.idempotence=true", INVALID_CONFIG, "Must set acks to all"),
        ("producer create q retries=0 enable.idempotence=true", INVALID_CONFIG, "Must set retries to non-zero"),
        ("producer create q max.in.flight.requests.per.connection=6 enable.idempotence=true", INVALID_CONFIG, "at most 5"),
        ("producer create q delivery.timeout.ms=1000 request.timeout.ms=30000", INVALID_CONFIG, "delivery.timeout.ms should be equal to or larger than linger.ms + request.timeout.ms"),
        ("producer create p", NONE, "a producer named 'p' already exists"),
        ("producer create 123", NONE, "not a valid client name"),
        ("producer create p!q", NONE, "not a valid client name"),
        // Unknown brokers, producers, topics, partitions, controllers.
        ("broker kill 9", BROKER_NOT_AVAILABLE, "Broker 9 does not exist"),
        ("broker stop broker-42", BROKER_NOT_AVAILABLE, "Broker 42 does not exist"),
        ("broker start 1", NONE, "Broker 1 is already running"),
        ("broker add 2", NONE, "Broker 2 already exists"),
        ("broker add -1", NONE, "broker.id must be between 0 and 2999"),
        ("broker add 3000", NONE, "broker.id must be between 0 and 2999"),
        ("broker kill one", NONE, "'one' is not a broker id"),
        ("produce nobody t count=1", NONE, "no producer named 'nobody'"),
        ("produce p nope count=1", UNKNOWN_TOPIC_OR_PARTITION, "Topic nope not present in metadata"),
        ("produce p t partition=2", UNKNOWN_TOPIC_OR_PARTITION, "Partition 2 of topic t with partition count 2 is not present in metadata"),
        ("produce p t partition=-1", UNKNOWN_TOPIC_OR_PARTITION, "Partition -1 of topic t"),
        ("produce p t color=red", NONE, "unknown produce option 'color'"),
        ("network isolate nobody", NONE, "no producer or consumer named 'nobody'"),
        ("network isolate 42", BROKER_NOT_AVAILABLE, "Broker 42 does not exist"),
        ("network isolate controller-42", NONE, "controller 42 does not exist"),
        ("network isolate zookeeper", NONE, "KRaft mode: there is no ZooKeeper"),
        ("network cut 1 1", NONE, "a link joins two different nodes"),
        ("network cut 1 9", BROKER_NOT_AVAILABLE, "Broker 9 does not exist"),
        ("network drop produce-respons count=1", NONE, "unknown message kind 'produce-respons'"),
        ("network drop produce colour=red", NONE, "unknown drop option 'colour'"),
        ("network drop produce count=-1", NONE, "count must be a number"),
        ("controller kill 42", NONE, "controller 42 is not running"),
        ("controller start 3000", NONE, "controller 3000 is already running"),
        ("controller start 42", NONE, "controller 42 does not exist"),
        // Durations: negative, malformed, absurd.
        ("advance -5s", NONE, "'-5s' is not a duration"),
        ("advance soon", NONE, "'soon' is not a duration"),
        ("advance 2d", NONE, "'2d' is not a duration"),
        ("advance 999999999999h", NONE, "is not a duration"),
        ("advance 1e3s", NONE, "is not a duration"),
        ("advance", NONE, "usage: advance DURATION"),
        ("network slow 1 2 -1ms", NONE, "'-1ms' is not a duration"),
        // Script lines that do not make a command.
        ("brokr kill 2", NONE, "unknown command 'brokr'"),
        ("broker kill", NONE, "usage: broker"),
        ("topic delete t", NONE, "usage: topic create"),
        ("seed 3", NONE, "seed and cluster set up a new cluster"),
        ("cluster brokers=5", NONE, "seed and cluster set up a new cluster"),
        ("produce p t value=\"unterminated", NONE, "unterminated quote"),
        ("produce p t =x", NONE, "'=x' is not name=value"),
    ];
    for &(line, kafka, says) in table {
        refused(&mut sim, line, kafka, says);
    }
    // Still a working cluster.
    sim.apply_line("produce p t count=2").expect("produce");
    sim.apply_line("advance 1s").expect("advance");
    assert_eq!(sim.producers[0].acked.len(), 5);
}

#[test]
fn misspelt_configs_get_a_did_you_mean_hint() {
    let mut sim = base();
    let table: &[(&str, &str)] = &[
        (
            "producer create q ack=all",
            "Unknown producer config 'ack'. Did you mean 'acks'?",
        ),
        (
            "producer create q lingr.ms=5",
            "Unknown producer config 'lingr.ms'. Did you mean 'linger.ms'?",
        ),
        (
            "producer create q enable.idempotance=true",
            "Did you mean 'enable.idempotence'?",
        ),
        (
            "producer create q retry.backof.ms=10",
            "Did you mean 'retry.backoff.ms'?",
        ),
        (
            "topic create u partitions=1 replication-factor=1 min.insync.replica=2",
            "Unknown topic config 'min.insync.replica'. Did you mean 'min.insync.replicas'?",
        ),
        (
            "topic create u partitions=1 replication-factor=1 retention.mss=5",
            "Did you mean 'retention.ms'?",
        ),
        (
            "topic create u partitions=1 replication-factor=1 unclean.leader.election=true",
            "Did you mean 'unclean.leader.election.enable'?",
        ),
    ];
    for &(line, says) in table {
        refused(&mut sim, line, INVALID_CONFIG, says);
    }
    // Far from every known name: no hint.
    let e = sim
        .apply_line("producer create q colour=blue")
        .expect_err("unknown config");
    assert_eq!(e.message, "Unknown producer config 'colour'.");
}

#[test]
fn every_limit_is_enforced() {
    let mut sim = base();
    // MAX_PARTITIONS_PER_TOPIC: the limit itself is accepted, one more is not.
    refused(
        &mut sim,
        &format!(
            "topic create big partitions={} replication-factor=1",
            MAX_PARTITIONS_PER_TOPIC + 1
        ),
        INVALID_PARTITIONS,
        &format!("at most {MAX_PARTITIONS_PER_TOPIC} partitions per topic"),
    );
    // Topic names: 249 characters are accepted, 250 are not (Kafka's `Topic.MAX_NAME_LENGTH`).
    let long = "n".repeat(250);
    refused(
        &mut sim,
        &format!("topic create {long} partitions=1 replication-factor=1"),
        INVALID_TOPIC_EXCEPTION,
        &format!(
            "Topic name is illegal, it can't be longer than 249 characters, Topic name: {long}"
        ),
    );
    let mut copy = sim.clone();
    copy.apply_line(&format!(
        "topic create {} partitions=1 replication-factor=1",
        &long[..249]
    ))
    .expect("a 249-character name is legal");
    // MAX_ADVANCE_MS (a whole day is accepted; on a small cluster to keep the test quick).
    script::run(&format!(
        "cluster brokers=1 controllers=1\nadvance {MAX_ADVANCE_MS}ms"
    ))
    .expect("one simulated day");
    refused(
        &mut sim,
        &format!("advance {}ms", MAX_ADVANCE_MS + 1),
        NONE,
        "advance at most 24h at a time",
    );
    refused(&mut sim, "advance 25h", NONE, "advance at most 24h");
    // Counts and rates.
    for (line, says) in [
        (
            "produce p t count=0",
            "count must be between 1 and 10000000",
        ),
        (
            "produce p t count=10000001",
            "count must be between 1 and 10000000",
        ),
        ("produce p t count=-1", "count must be a number"),
        (
            "produce p t count=2 rate=0/s",
            "rate must be between 0 and 1000000 records/s",
        ),
        (
            "produce p t count=2 rate=1000001/s",
            "rate must be between 0 and 1000000",
        ),
        (
            "produce p t count=2 rate=-5/s",
            "rate must be between 0 and 1000000",
        ),
        (
            "produce p t count=2 rate=NaN/s",
            "rate must be between 0 and 1000000",
        ),
        (
            "produce p t count=2 rate=inf/s",
            "rate must be between 0 and 1000000",
        ),
        (
            "produce p t count=2 rate=fast",
            "rate must be records per second",
        ),
        (
            "network slow 1 2 11m",
            "a link's latency must be at most 10m",
        ),
        ("produce stop p", "producer 'p' has no rate running"),
        ("produce stop p t", "producer 'p' has no rate running to t"),
        ("produce stop nobody", "no producer named 'nobody'"),
        ("produce stop", "usage: produce"),
        ("produce stop p t u", "usage: produce"),
        ("produce stop p count=3", "usage: produce"),
        ("producer create stop", "'stop' is not a producer name"),
    ] {
        refused(&mut sim, line, NONE, says);
    }
    // MAX_TOPICS: fill up to the limit, then one more.
    for i in sim.metadata.topics.len()..MAX_TOPICS {
        sim.apply_line(&format!(
            "topic create x{i} partitions=1 replication-factor=1"
        ))
        .expect("below the limit");
    }
    refused(
        &mut sim,
        "topic create one-too-many partitions=1 replication-factor=1",
        NONE,
        &format!("at most {MAX_TOPICS} topics"),
    );
    // MAX_PRODUCERS.
    for i in sim.producers.len()..MAX_PRODUCERS {
        sim.apply_line(&format!("producer create q{i}"))
            .expect("below the limit");
    }
    refused(
        &mut sim,
        "producer create one-too-many",
        NONE,
        &format!("at most {MAX_PRODUCERS} producers"),
    );
    // MAX_BROKERS: `broker add` up to the limit, then one more.
    for _ in sim.brokers.len()..MAX_BROKERS {
        sim.apply_line("broker add").expect("below the limit");
    }
    assert_eq!(sim.brokers.len(), MAX_BROKERS);
    refused(
        &mut sim,
        "broker add",
        NONE,
        &format!("at most {MAX_BROKERS} brokers"),
    );
}

#[test]
fn bad_cluster_setups_name_their_line() {
    let table: &[(&str, usize, &str)] = &[
        ("cluster brokers=0", 1, "between 1 and 100 brokers, not 0"),
        (
            &*Box::leak(format!("cluster brokers={}", MAX_BROKERS + 1).into_boxed_str()),
            1,
            "between 1 and 100 brokers, not 101",
        ),
        ("cluster brokers=-1", 1, "brokers must be a number"),
        ("cluster brokers=three", 1, "brokers must be a number"),
        ("cluster controllers=0", 1, "1 to 9 voters, not 0"),
        ("cluster controllers=10", 1, "1 to 9 voters, not 10"),
        (
            "cluster mode=raft",
            1,
            "mode is kraft or zookeeper, not 'raft'",
        ),
        ("cluster latency=61s", 1, "latency must be at most 60s"),
        ("cluster latency=-2ms", 1, "'-2ms' is not a duration"),
        ("cluster replica.lag.time.max.ms=1ms", 1, "at least 2ms"),
        (
            "cluster broker=3",
            1,
            "INVALID_CONFIG: Unknown cluster config 'broker'. Did you mean 'brokers'?",
        ),
        ("cluster 3", 1, "usage: cluster"),
        ("seed -1", 1, "seed must be a number"),
        ("seed 1 2", 1, "usage: seed N"),
        (
            "seed 1\ntopic create t partitions=1 replication-factor=1\nseed 2",
            3,
            "seed and cluster must come before other commands",
        ),
        (
            "cluster brokers=2\ntopic create t partitions=1 replication-factor=3",
            2,
            "INVALID_REPLICATION_FACTOR",
        ),
    ];
    for &(text, line, says) in table {
        let e = match script::run(text) {
            Ok(_) => panic!("'{text}' ran"),
            Err(e) => e,
        };
        assert_eq!(e.line, line, "'{text}': {e}");
        assert!(
            e.message.contains(says),
            "'{text}': '{e}' does not say '{says}'"
        );
    }
}

#[test]
fn mode_specific_commands_are_refused_in_the_other_mode() {
    let mut zk = script::run("cluster brokers=3 mode=zookeeper\nadvance 1s").expect("runs");
    refused(
        &mut zk,
        "controller kill",
        NONE,
        "in ZooKeeper mode the controller is a broker",
    );
    refused(
        &mut zk,
        "controller start 3000",
        NONE,
        "controller 3000 does not exist",
    );
    refused(
        &mut zk,
        "network isolate controller-3000",
        NONE,
        "controller 3000 does not exist",
    );
    // A broker that is down cannot be killed or stopped again.
    zk.apply_line("broker kill 2").expect("kill");
    refused(
        &mut zk,
        "broker kill 2",
        BROKER_NOT_AVAILABLE,
        "Broker 2 is not running",
    );
    refused(
        &mut zk,
        "broker stop 2",
        BROKER_NOT_AVAILABLE,
        "Broker 2 is not running",
    );
    // KRaft without a quorum: no topic can be created.
    let mut kraft =
        script::run("cluster brokers=3 controllers=1\ncontroller kill\nadvance 5s").expect("runs");
    refused(
        &mut kraft,
        "topic create t partitions=1 replication-factor=1",
        Some("REQUEST_TIMED_OUT"),
        "there is no active controller",
    );
    refused(
        &mut kraft,
        "controller kill",
        NONE,
        "there is no active controller",
    );
}

/// Kafka's tools in the console (`sim::kafka_cli`): bad forms get the tools' own refusals
/// (joptsimple's and `CommandLineUtils`' messages, `TopicCommand`'s "Error while executing
/// topic command"), and nothing changes — a console producer line that fails does not even
/// create the producer.
#[test]
fn bad_kafka_tool_lines_are_refused_as_the_tools_refuse_them() {
    let mut sim = base();
    let bs = "--bootstrap-server localhost:9092";
    let topics = |rest: &str| format!("kafka-topics.sh {bs} {rest}");
    let producer = |rest: &str| format!("kafka-console-producer.sh {bs} {rest}");
    let table: Vec<(String, Option<&str>, &str)> = vec![
        ("kafka-topics.sh --create --topic u".into(), NONE, "--bootstrap-server must be specified"),
        (topics("--topic u"), NONE, "Command must include exactly one action: --list, --describe, --create, --alter or --delete"),
        (topics("--create --list --topic u"), NONE, "Command must include exactly one action"),
        (topics("--create"), NONE, "Missing required argument \"[topic]\""),
        (topics("--alter --topic t"), NONE, "Missing required argument \"[partitions]\""),
        (topics("--create --topic u --partitions x"), NONE, "Cannot parse argument 'x' of option partitions"),
        (topics("--create --topic u --bogus"), NONE, "bogus is not a recognized option"),
        (topics("--create --topic"), NONE, "Option topic requires an argument"),
        (topics("--describe --replication-factor 3"), NONE, "Option \"[replication-factor]\" can't be used with option \"[describe]\""),
        (topics("--list --partitions 3"), NONE, "Option \"[partitions]\" can't be used with option \"[list]\""),
        (topics("--create --topic u --config retention.ms"), NONE, "all configs to be added must be in the format \"key=val\""),
        (topics("--delete --topic t"), NONE, "Kafkascope does not model --delete"),
        (topics("--create --topic t"), Some("TOPIC_ALREADY_EXISTS"), "Error while executing topic command : Topic 't' already exists."),
        (topics("--create --topic u --replication-factor 4"), Some("INVALID_REPLICATION_FACTOR"), "Error while executing topic command : The target replication factor of 4 cannot be reached"),
        (topics("--create --topic a/b"), Some("INVALID_TOPIC_EXCEPTION"), "Topic name \"a/b\" is illegal"),
        (topics("--create --topic u --config min.insync.replicas=zero"), INVALID_CONFIG, "Invalid value zero for configuration min.insync.replicas"),
        (topics("--alter --topic t --partitions 1"), INVALID_PARTITIONS, "Topic currently has 2 partitions, which is higher than the requested 1."),
        (topics("--alter --topic nope --partitions 5"), UNKNOWN_TOPIC_OR_PARTITION, "Topic 'nope' does not exist."),
        (format!("kafka-consumer-groups.sh {bs} --describe"), NONE, "Option [describe] takes one of these options: [all-groups], [group]"),
        (format!("kafka-consumer-groups.sh {bs} --describe --group g --members --state"), NONE, "takes at most one of these options"),
        ("kafka-consumer-groups.sh --list".into(), NONE, "Missing required argument \"[bootstrap-server]\""),
        (format!("kafka-consumer-groups.sh {bs} --reset-offsets --group g"), NONE, "Kafkascope does not model --reset-offsets"),
        ("kafka-console-producer.sh --topic t <<< x".into(), NONE, "Missing required option(s) [bootstrap-server]"),
        (format!("kafka-console-producer.sh {bs} <<< x"), NONE, "Missing required argument \"[topic]\""),
        (producer("--topic t"), NONE, "reads records from standard input"),
        (producer("--topic t --property parse.key=true <<< 'no-tab'"), NONE, "No key separator found on line number 1: 'no-tab'"),
        (producer("--topic nope <<< x"), UNKNOWN_TOPIC_OR_PARTITION, "Topic nope not present in metadata"),
        (producer("--topic t --producer-property acks=2 <<< x"), INVALID_CONFIG, "String must be one of: all, -1, 0, 1"),
        (producer("--topic t <<< x y"), NONE, "`<<<` takes one word after it"),
        (format!("cat f | kafka-console-producer.sh {bs} --topic t"), NONE, "only `echo 'TEXT' |` can feed a tool"),
        (format!("echo x | kafka-topics.sh {bs} --list"), NONE, "kafka-topics.sh does not read standard input"),
        (topics("--create --topic 'u"), NONE, "unterminated quote"),
    ];
    for (line, kafka, says) in &table {
        refused(&mut sim, line, *kafka, says);
    }
    assert!(
        !sim.producers.iter().any(|p| &*p.name == "console-producer"),
        "refused console producer lines created no producer"
    );
}

//! Kafka's command-line tools in the console (`sim::kafka_cli`): each form translates to the
//! scenario lines it stands for, or prints the tool's own output, and running it changes the
//! cluster as those lines do. Bad forms are in tests/bad_input.rs.

use kafkascope_core::sim::cli_output::GroupDescribe;
use kafkascope_core::sim::kafka_cli::{is_tool_line, CONSOLE_PRODUCER};
use kafkascope_core::sim::{script, Simulation};

const BS: &str = "--bootstrap-server localhost:9092";

fn console(sim: &Simulation) -> &kafkascope_core::sim::Producer {
    sim.producers
        .iter()
        .find(|p| &*p.name == CONSOLE_PRODUCER)
        .expect("the console producer")
}

fn base() -> Simulation {
    script::run(
        "seed 4
         topic create t partitions=2 replication-factor=3
         producer create p linger.ms=0
         consumer create c group.id=g topics=t auto.offset.reset=earliest
         produce p t count=5
         advance 10s",
    )
    .expect("runs")
}

#[test]
fn tool_lines_translate_to_scenario_lines() {
    let sim = base();
    let table: &[(&str, &[&str], &str)] = &[
        (
            "kafka-topics.sh --bootstrap-server localhost:9092 --create --topic orders --partitions 3 --replication-factor 3 --config min.insync.replicas=2 --config retention.ms=60000",
            &["topic create orders partitions=3 replication-factor=3 min.insync.replicas=\"2\" retention.ms=\"60000\""],
            "Created topic orders.\n",
        ),
        // Kafka 4: without --partitions / --replication-factor the broker defaults apply
        // (num.partitions=1, default.replication.factor=1).
        (
            "bin/kafka-topics.sh --create --topic orders --bootstrap-server b:9092",
            &["topic create orders"],
            "Created topic orders.\n",
        ),
        (
            "kafka-topics --bootstrap-server=b:9092 --create --topic=orders --partitions=2",
            &["topic create orders partitions=2"],
            "Created topic orders.\n",
        ),
        (
            "kafka-topics.sh --bootstrap-server b:9092 --create --topic t --if-not-exists",
            &[],
            "",
        ),
        (
            "kafka-topics.sh --bootstrap-server b:9092 --alter --topic t --partitions 4",
            &["topic alter t partitions=4"],
            "",
        ),
        (
            "kafka-topics.sh --bootstrap-server b:9092 --list --exclude-internal",
            &[],
            "t\n",
        ),
        (
            "kafka-console-producer.sh --bootstrap-server b:9092 --topic t --property parse.key=true --property key.separator=: <<< 'user-1:hello world'",
            &[
                "producer create console-producer acks=\"-1\" linger.ms=\"1000\" retries=\"3\" retry.backoff.ms=\"100\" request.timeout.ms=\"1500\" batch.size=\"16384\"",
                "produce console-producer t key=\"user-1\" value=\"hello world\"",
            ],
            "",
        ),
        (
            "echo 'a \"quoted\" value' | kafka-console-producer.sh --bootstrap-server b:9092 --topic t --producer-property acks=1 --producer-property enable.idempotence=false --timeout 0",
            &[
                "producer create console-producer acks=\"1\" linger.ms=\"0\" retries=\"3\" retry.backoff.ms=\"100\" request.timeout.ms=\"1500\" batch.size=\"16384\" enable.idempotence=\"false\"",
                "produce console-producer t value=\"a \\\"quoted\\\" value\"",
            ],
            "",
        ),
        (
            // The separator is a tab unless told: a value with a colon is all value.
            "kafka-console-producer.sh --bootstrap-server b:9092 --topic t <<< k:v",
            &[
                "producer create console-producer acks=\"-1\" linger.ms=\"1000\" retries=\"3\" retry.backoff.ms=\"100\" request.timeout.ms=\"1500\" batch.size=\"16384\"",
                "produce console-producer t value=\"k:v\"",
            ],
            "",
        ),
    ];
    for (line, lines, output) in table {
        assert!(is_tool_line(line), "{line}");
        let run = sim
            .translate_tool_line(line)
            .unwrap_or_else(|e| panic!("{line}: {e}"));
        assert_eq!(run.lines, *lines, "{line}");
        assert_eq!(run.output, *output, "{line}");
    }
}

#[test]
fn describe_forms_print_the_tools_text() {
    let sim = base();
    let describe = |line: &str| sim.translate_tool_line(line).unwrap();
    let all = describe(&format!("kafka-topics.sh {BS} --describe"));
    assert!(all.lines.is_empty());
    assert_eq!(all.output, sim.describe_topics_text(None, false).terminal());
    assert!(all.output.contains("Topic: __consumer_offsets\t"));
    let one = describe(&format!("kafka-topics.sh {BS} --describe --topic t"));
    assert_eq!(
        one.output,
        sim.describe_topics_text(Some("t"), false).terminal()
    );
    assert!(
        one.output.starts_with("Topic: t\tTopicId: "),
        "{}",
        one.output
    );
    assert!(one.output.contains("\tTopic: t\tPartition: 1\tLeader: "));
    let missing = describe(&format!("kafka-topics.sh {BS} --describe --topic nope"));
    assert_eq!(
        missing.output,
        "Error while executing topic command : Topic 'nope' does not exist as expected\n"
    );
    let g = describe(&format!(
        "kafka-consumer-groups.sh {BS} --describe --group g"
    ));
    assert_eq!(
        g.output,
        sim.describe_group_text("g", GroupDescribe::Offsets)
            .terminal()
    );
    assert!(g.output.contains("CURRENT-OFFSET"), "{}", g.output);
    let members = describe(&format!(
        "kafka-consumer-groups.sh {BS} --describe --group g --members"
    ));
    assert_eq!(
        members.output,
        sim.describe_group_text("g", GroupDescribe::Members)
            .terminal()
    );
    let state = describe(&format!(
        "kafka-consumer-groups.sh {BS} --describe --group g --state"
    ));
    assert!(state.output.contains("Stable"), "{}", state.output);
    assert_eq!(
        describe(&format!("kafka-consumer-groups.sh {BS} --list")).output,
        "g\n"
    );
}

#[test]
fn running_a_tool_line_changes_the_cluster_as_its_lines_do() {
    let mut sim = base();
    let out = sim
        .run_console_line(&format!(
            "kafka-topics.sh {BS} --create --topic orders --partitions 3 --replication-factor 2"
        ))
        .unwrap();
    assert_eq!(out, "Created topic orders.\n");
    let orders = &sim.metadata.topics["orders"];
    assert_eq!(orders.partitions.len(), 3);
    assert!(orders.partitions.iter().all(|p| p.replicas.len() == 2));
    // Two records through the console producer (created once, then reused).
    for v in ["k1:first", "k1:second"] {
        sim.run_console_line(&format!(
            "kafka-console-producer.sh {BS} --topic orders --property parse.key=true --property key.separator=: <<< '{v}'"
        ))
        .unwrap();
    }
    assert_eq!(
        sim.producers
            .iter()
            .filter(|p| &*p.name == CONSOLE_PRODUCER)
            .count(),
        1
    );
    sim.apply_line("advance 3s").unwrap();
    let acked = &console(&sim).acked;
    let values: Vec<(&str, &str)> = acked
        .iter()
        .map(|a| (a.key.as_deref().unwrap_or(""), &*a.value))
        .collect();
    assert_eq!(values, [("k1", "first"), ("k1", "second")]);
    assert_eq!(
        acked[0].partition, acked[1].partition,
        "same key, same partition"
    );
    // A scenario line through the same entry prints nothing.
    assert_eq!(sim.run_console_line("advance 1s").unwrap(), "");
    // Scripts and share links replay tool lines too.
    let replayed = script::run(&format!(
        "seed 4\nkafka-topics.sh {BS} --create --topic x --partitions 2\nkafka-console-producer.sh {BS} --topic x <<< hi\nadvance 3s"
    ))
    .unwrap();
    assert_eq!(replayed.metadata.topics["x"].partitions.len(), 2);
    assert_eq!(console(&replayed).acked.len(), 1);
}

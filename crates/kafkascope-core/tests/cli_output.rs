//! The tools' exact text: `kafka-topics.sh --describe` and `kafka-consumer-groups.sh
//! --describe` (offsets, `--members`, `--state`), compared byte for byte with Kafka's format.

use kafkascope_core::sim::cli_output::{topic_id, GroupDescribe, ToolOutput};
use kafkascope_core::sim::{script, Simulation};

fn run(text: &str) -> Simulation {
    script::run(text).unwrap_or_else(|e| panic!("script failed: {e}"))
}

fn apply(sim: &mut Simulation, lines: &str) {
    for l in lines.lines() {
        sim.apply_line(l).unwrap_or_else(|e| panic!("{l}: {e}"));
    }
}

const GROUP: &str = "seed 1
topic create orders partitions=3 replication-factor=3 min.insync.replicas=2
producer create p1 linger.ms=0
consumer create c1 group.id=billing topics=orders auto.offset.reset=earliest
consumer create c2 group.id=billing topics=orders auto.offset.reset=earliest
produce p1 orders key=alice value=a count=5
produce p1 orders key=carol value=c count=4
advance 12s";

fn member_id(sim: &Simulation, consumer: &str) -> String {
    sim.consumers[sim.consumer_index(consumer).unwrap() as usize]
        .member_id
        .clone()
}

#[test]
fn topics_describe_kraft() {
    let sim = run(GROUP);
    let id = topic_id(1, "orders");
    assert_eq!(id, "ZV1LyqbWRcm14diRcUyRtw", "stable for a seed and name");
    let expected = format!(
        "Topic: orders\tTopicId: {id}\tPartitionCount: 3\tReplicationFactor: 3\tConfigs: min.insync.replicas=2\n\
         \tTopic: orders\tPartition: 0\tLeader: 1\tReplicas: 1,2,3\tIsr: 1,2,3\tElr: \tLastKnownElr: \n\
         \tTopic: orders\tPartition: 1\tLeader: 2\tReplicas: 2,3,1\tIsr: 2,3,1\tElr: \tLastKnownElr: \n\
         \tTopic: orders\tPartition: 2\tLeader: 3\tReplicas: 3,1,2\tIsr: 3,1,2\tElr: \tLastKnownElr: \n"
    );
    assert_eq!(
        sim.describe_topics_text(Some("orders"), false),
        ToolOutput {
            stdout: expected.clone(),
            stderr: String::new()
        }
    );
    // Without --topic: every topic by name, the internal one first ('_' sorts before 'o').
    let all = sim.describe_topics_text(None, false).stdout;
    assert!(
        all.starts_with("Topic: __consumer_offsets\tTopicId: "),
        "{all}"
    );
    assert!(all.contains(
        "\tPartitionCount: 50\tReplicationFactor: 3\tConfigs: cleanup.policy=compact,compression.type=producer,segment.bytes=104857600\n"
    ));
    assert!(all.ends_with(&expected));
    assert_eq!(all.lines().count(), 51 + 4);
    assert_eq!(sim.describe_topics_text(None, true).stdout, expected);
}

#[test]
fn topics_describe_offline_partition_and_zookeeper_mode() {
    let mut sim = run("seed 1
        cluster brokers=2 mode=zookeeper
        topic create solo partitions=1 replication-factor=1 retention.ms=60000");
    let leader = sim.describe_partitions()[0].leader.unwrap();
    sim.apply_line(&format!("broker stop {leader}")).unwrap();
    sim.apply_line("advance 30s").unwrap();
    let id = topic_id(1, "solo");
    assert_eq!(
        sim.describe_topics_text(Some("solo"), false).stdout,
        format!(
            "Topic: solo\tTopicId: {id}\tPartitionCount: 1\tReplicationFactor: 1\tConfigs: retention.ms=60000\n\
             \tTopic: solo\tPartition: 0\tLeader: none\tReplicas: {leader}\tIsr: {leader}\tElr: N/A\tLastKnownElr: N/A\n"
        )
    );
    assert_eq!(
        sim.describe_topics_text(Some("nope"), false).stdout,
        "Error while executing topic command : Topic 'nope' does not exist as expected\n"
    );
}

#[test]
fn consumer_groups_describe_a_stable_group() {
    let sim = run(GROUP);
    let (m1, m2) = (member_id(&sim, "c1"), member_id(&sim, "c2"));
    assert_eq!(m1, "consumer-billing-1-002dc6ca-1");
    assert_eq!(m2, "consumer-billing-2-002dc6cb-2");
    // Widths: GROUP and TOPIC at least 15, CONSUMER-ID as wide as the longest id (29).
    let offsets = sim.describe_group_text("billing", GroupDescribe::Offsets);
    assert_eq!(offsets.stderr, "");
    assert_eq!(
        offsets.stdout,
        "\nGROUP           TOPIC           PARTITION  CURRENT-OFFSET  LOG-END-OFFSET  LAG             CONSUMER-ID                   HOST            CLIENT-ID\
         \nbilling         orders          0          5               5               0               consumer-billing-1-002dc6ca-1 /127.0.0.1      consumer-billing-1\
         \nbilling         orders          1          0               0               0               consumer-billing-1-002dc6ca-1 /127.0.0.1      consumer-billing-1\
         \nbilling         orders          2          4               4               0               consumer-billing-2-002dc6cb-2 /127.0.0.1      consumer-billing-2\n"
    );
    let members = sim.describe_group_text("billing", GroupDescribe::Members);
    assert_eq!(
        members.stdout,
        "\nGROUP           CONSUMER-ID                   HOST            CLIENT-ID          #PARTITIONS     \
         \nbilling         consumer-billing-1-002dc6ca-1 /127.0.0.1      consumer-billing-1 2               \
         \nbilling         consumer-billing-2-002dc6cb-2 /127.0.0.1      consumer-billing-2 1               \n"
    );
    let state = sim.describe_group_text("billing", GroupDescribe::State);
    assert_eq!(
        state.stdout,
        "\nGROUP           COORDINATOR (ID)          ASSIGNMENT-STRATEGY  STATE                #MEMBERS\
         \nbilling         broker-3:9092  (3)        range                Stable               2\n"
    );
    assert_eq!(sim.list_groups_text().stdout, "billing\n");
}

#[test]
fn consumer_groups_describe_lag_an_empty_group_and_a_rebalance() {
    let mut sim = run(GROUP);
    apply(
        &mut sim,
        "consumer close c1
consumer close c2
advance 1s
produce p1 orders key=alice value=a count=3
advance 2s",
    );
    // No members: the status line on stderr, every committed offset with '-' for the owner.
    let offsets = sim.describe_group_text("billing", GroupDescribe::Offsets);
    assert_eq!(
        offsets.stderr,
        "\nConsumer group 'billing' has no active members.\n"
    );
    assert_eq!(
        offsets.stdout,
        "\nGROUP           TOPIC           PARTITION  CURRENT-OFFSET  LOG-END-OFFSET  LAG             CONSUMER-ID     HOST            CLIENT-ID\
         \nbilling         orders          0          5               8               3               -               -               -\
         \nbilling         orders          1          0               0               0               -               -               -\
         \nbilling         orders          2          4               4               0               -               -               -\n"
    );
    assert_eq!(
        offsets.terminal(),
        format!("{}{}", offsets.stderr, offsets.stdout)
    );
    let members = sim.describe_group_text("billing", GroupDescribe::Members);
    assert_eq!(
        members.terminal(),
        "\nConsumer group 'billing' has no active members.\n\
         \nGROUP           CONSUMER-ID     HOST            CLIENT-ID       #PARTITIONS     \n"
    );
    assert_eq!(
        sim.describe_group_text("billing", GroupDescribe::State)
            .stdout,
        "\nGROUP           COORDINATOR (ID)          ASSIGNMENT-STRATEGY  STATE                #MEMBERS\
         \nbilling         broker-3:9092  (3)        -                    Empty                0\n"
    );

    // A new member: the group rebalances (the initial delay of an Empty group is 3 s).
    apply(
        &mut sim,
        "consumer create c3 group.id=billing topics=orders\nadvance 1s",
    );
    let during = sim.describe_group_text("billing", GroupDescribe::Offsets);
    assert_eq!(
        during.stderr,
        "\nWarning: Consumer group 'billing' is rebalancing.\n"
    );
    assert!(
        during.stdout.contains("\nbilling         orders          0          5               8               3               -"),
        "no owner is shown while rebalancing: {}",
        during.stdout
    );
}

#[test]
fn consumer_groups_errors() {
    let mut sim = run(GROUP);
    assert_eq!(
        sim.describe_group_text("nope", GroupDescribe::Offsets)
            .terminal(),
        "\nError: Consumer group 'nope' does not exist.\n"
    );
    // The coordinator's broker is gone and nobody leads the group's partition yet.
    apply(&mut sim, "broker kill 3");
    let out = sim.describe_group_text("billing", GroupDescribe::State);
    assert_eq!(
        out.stdout,
        "\nError: Executing consumer group command failed due to org.apache.kafka.common.errors.CoordinatorNotAvailableException: The coordinator is not available.\n"
    );
}

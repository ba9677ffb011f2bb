//! The tools: `kafka-topics.sh` (`TopicCommand`), `kafka-consumer-groups.sh`
//! (`ConsumerGroupCommand`) and `kafka-console-producer.sh` (`ConsoleProducer`).

use super::options::{Options, Spec};
use super::{quote, usage, ToolRun, CONSOLE_PRODUCER};
use crate::sim::cli_output::GroupDescribe;
use crate::sim::coordinator::OFFSETS_TOPIC;
use crate::sim::error::CommandError;
use crate::sim::Simulation;

const TOPICS_OPTIONS: Spec = &[
    ("bootstrap-server", true),
    ("command-config", true),
    ("create", false),
    ("describe", false),
    ("list", false),
    ("alter", false),
    ("delete", false),
    ("topic", true),
    ("topic-id", true),
    ("partitions", true),
    ("replication-factor", true),
    ("config", true),
    ("replica-assignment", true),
    ("if-exists", false),
    ("if-not-exists", false),
    ("exclude-internal", false),
    ("under-replicated-partitions", false),
    ("unavailable-partitions", false),
    ("under-min-isr-partitions", false),
    ("at-min-isr-partitions", false),
    ("topics-with-overrides", false),
    ("help", false),
    ("version", false),
];

const GROUPS_OPTIONS: Spec = &[
    ("bootstrap-server", true),
    ("command-config", true),
    ("describe", false),
    ("list", false),
    ("delete", false),
    ("reset-offsets", false),
    ("delete-offsets", false),
    ("group", true),
    ("all-groups", false),
    ("members", false),
    ("state", false),
    ("offsets", false),
    ("verbose", false),
    ("topic", true),
    ("help", false),
    ("version", false),
];

const PRODUCER_OPTIONS: Spec = &[
    ("bootstrap-server", true),
    ("broker-list", true),
    ("topic", true),
    ("property", true),
    ("reader-property", true),
    ("producer-property", true),
    ("request-required-acks", true),
    ("timeout", true),
    ("sync", false),
    ("batch-size", true),
    ("message-send-max-retries", true),
    ("retry-backoff-ms", true),
    ("request-timeout-ms", true),
    ("max-block-ms", true),
    ("help", false),
    ("version", false),
];

impl Simulation {
    /// `kafka-topics.sh` (Kafka 4's `TopicCommand`).
    pub(super) fn topics_command(&self, args: &[String]) -> Result<ToolRun, CommandError> {
        if args.is_empty() {
            return Err(usage("Create, delete, describe, or change a topic."));
        }
        let o = Options::parse(args, TOPICS_OPTIONS)?;
        check_topics_options(&o)?;
        let topic = o.value("topic");
        if o.has("describe") {
            let exclude = o.has("exclude-internal");
            if let (Some(t), true) = (topic, o.has("if-exists")) {
                if !self.metadata.topics.contains_key(t) {
                    return Ok(ToolRun::default());
                }
            }
            return Ok(ToolRun {
                lines: Vec::new(),
                output: self.describe_topics_text(topic, exclude).terminal(),
            });
        }
        if o.has("list") {
            return Ok(self.topics_list(&o, topic));
        }
        let topic = topic.expect("required above");
        if o.has("alter") {
            return self.topics_alter(&o, topic);
        }
        self.topics_create(&o, topic)
    }

    /// `--list`: the topic names, one a line.
    fn topics_list(&self, o: &Options, topic: Option<&str>) -> ToolRun {
        let output = self
            .metadata
            .topics
            .keys()
            .filter(|t| !(o.has("exclude-internal") && t.as_str() == OFFSETS_TOPIC))
            .filter(|t| topic.is_none_or(|want| want == t.as_str()))
            .map(|t| format!("{t}\n"))
            .collect();
        ToolRun {
            lines: Vec::new(),
            output,
        }
    }

    /// `--alter --partitions N`, as the line `topic alter`.
    fn topics_alter(&self, o: &Options, topic: &str) -> Result<ToolRun, CommandError> {
        let partitions = o.int("partitions")?.expect("required above");
        if !self.metadata.topics.contains_key(topic) && o.has("if-exists") {
            return Ok(ToolRun::default());
        }
        let line = format!("topic alter {topic} partitions={partitions}");
        self.clone()
            .apply_line(&line)
            .map_err(topic_command_failed)?;
        Ok(ToolRun {
            lines: vec![line],
            output: String::new(),
        })
    }

    /// `--create`, as the line `topic create`; refused here (as the controller would) before
    /// anything changes.
    fn topics_create(&self, o: &Options, topic: &str) -> Result<ToolRun, CommandError> {
        if o.has("if-not-exists") && self.metadata.topics.contains_key(topic) {
            return Ok(ToolRun::default());
        }
        let mut line = format!("topic create {topic}");
        if let Some(p) = o.int("partitions")? {
            line.push_str(&format!(" partitions={p}"));
        }
        if let Some(rf) = o.int("replication-factor")? {
            line.push_str(&format!(" replication-factor={rf}"));
        }
        for c in o.values("config") {
            let Some((k, v)) = c.split_once('=').filter(|(k, _)| !k.is_empty()) else {
                return Err(topic_command_failed(usage(format!(
                    "Invalid topic config: all configs to be added must be in the format \"key=val\"., found: {c}"
                ))));
            };
            line.push_str(&format!(" {k}={}", quote(v)));
        }
        self.clone()
            .apply_line(&line)
            .map_err(topic_command_failed)?;
        Ok(ToolRun {
            lines: vec![line],
            output: format!("Created topic {topic}.\n"),
        })
    }

    /// `kafka-consumer-groups.sh` (`ConsumerGroupCommand`): `--list` and `--describe`.
    pub(super) fn consumer_groups_command(&self, args: &[String]) -> Result<ToolRun, CommandError> {
        let o = Options::parse(args, GROUPS_OPTIONS)?;
        o.require("bootstrap-server")?;
        let actions = [
            "list",
            "describe",
            "delete",
            "reset-offsets",
            "delete-offsets",
        ];
        if actions.iter().filter(|a| o.has(a)).count() != 1 {
            return Err(usage(
                "Command must include exactly one action: --list, --describe, --delete, --reset-offsets, --delete-offsets",
            ));
        }
        for unsupported in [
            "delete",
            "reset-offsets",
            "delete-offsets",
            "all-groups",
            "command-config",
            "topic",
        ] {
            if o.has(unsupported) {
                return Err(usage(format!(
                    "Kafkascope does not model --{unsupported} (supported: --list, --describe --group G [--members | --state | --offsets])"
                )));
            }
        }
        if o.has("list") {
            return Ok(ToolRun {
                lines: Vec::new(),
                output: self.list_groups_text().terminal(),
            });
        }
        let Some(group) = o.value("group") else {
            return Err(usage(
                "Option [describe] takes one of these options: [all-groups], [group]",
            ));
        };
        let views = [o.has("members"), o.has("state"), o.has("offsets")];
        if views.iter().filter(|v| **v).count() > 1 {
            return Err(usage(
                "Option [describe] takes at most one of these options: [members], [offsets], [state]",
            ));
        }
        let view = if o.has("members") {
            GroupDescribe::Members
        } else if o.has("state") {
            GroupDescribe::State
        } else {
            GroupDescribe::Offsets
        };
        Ok(ToolRun {
            lines: Vec::new(),
            output: self.describe_group_text(group, view).terminal(),
        })
    }

    /// `kafka-console-producer.sh` with one line of standard input.
    pub(super) fn console_producer(
        &self,
        args: &[String],
        stdin: Option<String>,
    ) -> Result<ToolRun, CommandError> {
        let o = Options::parse(args, PRODUCER_OPTIONS)?;
        if !o.has("bootstrap-server") && !o.has("broker-list") {
            return Err(usage("Missing required option(s) [bootstrap-server]"));
        }
        o.require("topic")?;
        let topic = o.value("topic").expect("required");
        let Some(input) = stdin else {
            return Err(usage(format!(
                "kafka-console-producer.sh reads records from standard input: give it one line, e.g. `... --topic {topic} <<< 'hello'` or `echo 'hello' | kafka-console-producer.sh ...`"
            )));
        };
        let (key, value) = read_line(&o, input)?;
        let mut lines = Vec::new();
        if self.producer_index(CONSOLE_PRODUCER).is_none() {
            lines.push(console_producer_create(&o)?);
        }
        let mut produce = format!("produce {CONSOLE_PRODUCER} {topic}");
        if let Some(k) = key {
            produce.push_str(&format!(" key={}", quote(&k)));
        }
        produce.push_str(&format!(" value={}", quote(&value)));
        lines.push(produce);
        // All or nothing: a refused line (an unknown topic, a bad producer property) changes
        // nothing, not even the producer's creation.
        let mut check = self.clone();
        for l in &lines {
            check.apply_line(l)?;
        }
        Ok(ToolRun {
            lines,
            output: String::new(),
        })
    }
}

/// `TopicCommandOptions.checkArgs`: one action, the options it needs, none it cannot take,
/// and nothing Kafkascope does not model.
fn check_topics_options(o: &Options) -> Result<(), CommandError> {
    let actions = ["create", "list", "alter", "describe", "delete"];
    if actions.iter().filter(|a| o.has(a)).count() != 1 {
        return Err(usage(
            "Command must include exactly one action: --list, --describe, --create, --alter or --delete",
        ));
    }
    if !o.has("bootstrap-server") {
        return Err(usage("--bootstrap-server must be specified"));
    }
    if !o.has("list") && !o.has("describe") {
        o.require("topic")?;
    }
    if o.has("alter") {
        o.require("partitions")?;
    }
    o.invalid_with("config", &["describe", "list", "delete", "alter"])?;
    o.invalid_with("partitions", &["describe", "list", "delete"])?;
    o.invalid_with(
        "replication-factor",
        &["describe", "list", "delete", "alter"],
    )?;
    o.invalid_with("if-not-exists", &["describe", "list", "delete", "alter"])?;
    o.invalid_with("exclude-internal", &["create", "delete", "alter"])?;
    for unsupported in [
        "delete",
        "topic-id",
        "replica-assignment",
        "command-config",
        "under-replicated-partitions",
        "unavailable-partitions",
        "under-min-isr-partitions",
        "at-min-isr-partitions",
        "topics-with-overrides",
    ] {
        if o.has(unsupported) {
            return Err(usage(format!(
                "Kafkascope does not model --{unsupported} (supported: --create, --describe, --list, --alter --partitions)"
            )));
        }
    }
    Ok(())
}

/// How TopicCommand reports an error of the action.
fn topic_command_failed(e: CommandError) -> CommandError {
    CommandError {
        kafka: e.kafka,
        message: format!("Error while executing topic command : {}", e.message),
    }
}

/// `LineMessageReader`: the line as a record, its key before `key.separator` when
/// `parse.key=true`.
fn read_line(o: &Options, input: String) -> Result<(Option<String>, String), CommandError> {
    let mut parse_key = false;
    let mut separator = "\t".to_string();
    for p in o
        .values("property")
        .into_iter()
        .chain(o.values("reader-property"))
    {
        let Some((k, v)) = p.split_once('=') else {
            return Err(usage(format!(
                "Invalid property: expected key=value, found '{p}'"
            )));
        };
        match k {
            "parse.key" => parse_key = v.eq_ignore_ascii_case("true"),
            "key.separator" => separator = v.to_string(),
            "parse.headers"
            | "ignore.error"
            | "null.marker"
            | "headers.delimiter"
            | "headers.separator"
            | "headers.key.separator" => {}
            _ => {}
        }
    }
    Ok(if parse_key {
        match input.split_once(separator.as_str()).filter(|_| !separator.is_empty()) {
            Some((k, v)) => (Some(k.to_string()), v.to_string()),
            None => {
                return Err(usage(format!(
                    "org.apache.kafka.common.KafkaException: No key separator found on line number 1: '{input}'"
                )))
            }
        }
    } else {
        (None, input)
    })
}

/// The console producer's `producer create` line: ConsoleProducer's defaults, then its
/// options, then `--producer-property`.
fn console_producer_create(o: &Options) -> Result<String, CommandError> {
    // ConsoleProducer's defaults, then its options, then --producer-property.
    let mut configs: Vec<(String, String)> = vec![
        ("acks".into(), "-1".into()),
        ("linger.ms".into(), "1000".into()),
        ("retries".into(), "3".into()),
        ("retry.backoff.ms".into(), "100".into()),
        ("request.timeout.ms".into(), "1500".into()),
        ("batch.size".into(), "16384".into()),
    ];
    let mut set = |k: &str, v: &str| match configs.iter_mut().find(|(n, _)| n == k) {
        Some(c) => c.1 = v.to_string(),
        None => configs.push((k.to_string(), v.to_string())),
    };
    for (option, config) in [
        ("request-required-acks", "acks"),
        ("timeout", "linger.ms"),
        ("message-send-max-retries", "retries"),
        ("retry-backoff-ms", "retry.backoff.ms"),
        ("request-timeout-ms", "request.timeout.ms"),
        ("batch-size", "batch.size"),
        ("max-block-ms", "max.block.ms"),
    ] {
        if let Some(v) = o.value(option) {
            set(config, v);
        }
    }
    for p in o.values("producer-property") {
        let Some((k, v)) = p.split_once('=') else {
            return Err(usage(format!(
                "Invalid producer property: expected key=value, found '{p}'"
            )));
        };
        set(k, v);
    }
    let configs: Vec<String> = configs
        .iter()
        .map(|(k, v)| format!("{k}={}", quote(v)))
        .collect();
    Ok(format!(
        "producer create {CONSOLE_PRODUCER} {}",
        configs.join(" ")
    ))
}

//! Kafka's command-line tools as console lines: the forms people type against a real cluster,
//! translated into scenario-language lines (or answered with the tool's output), with the
//! tools' own refusals for bad forms.
//!
//! ```text
//! kafka-topics.sh --bootstrap-server localhost:9092 --create --topic orders --partitions 3 --replication-factor 3 --config min.insync.replicas=2
//! kafka-topics.sh --bootstrap-server localhost:9092 --describe [--topic orders] [--exclude-internal]
//! kafka-topics.sh --bootstrap-server localhost:9092 --list
//! kafka-topics.sh --bootstrap-server localhost:9092 --alter --topic orders --partitions 6
//! kafka-consumer-groups.sh --bootstrap-server localhost:9092 --describe --group g [--members | --state]
//! kafka-consumer-groups.sh --bootstrap-server localhost:9092 --list
//! kafka-console-producer.sh --bootstrap-server localhost:9092 --topic orders --property parse.key=true --property key.separator=: <<< 'user-1:hello'
//! echo 'hello' | kafka-console-producer.sh --bootstrap-server localhost:9092 --topic orders
//! ```
//!
//! The tool may be named with a path (`bin/kafka-topics.sh`) or without `.sh` (`kafka-topics`,
//! as Confluent's packages name them). Any `--bootstrap-server` value reaches this cluster, but
//! the option is required, as the tools require it. Words split as a shell splits them
//! ('single' and "double" quotes). The console producer reads one record from standard input:
//! a here-string (`<<< 'line'`) or `echo 'line' |` in front; it is a producer named
//! `console-producer` created on first use with the tool's defaults (acks=-1, linger.ms=1000
//! from `--timeout`, retries=3, retry.backoff.ms=100, request.timeout.ms=1500) and the
//! `--producer-property` / `--request-required-acks` / `--timeout` of that first line.

use super::cli_output::GroupDescribe;
use super::coordinator::OFFSETS_TOPIC;
use super::error::CommandError;
use super::Simulation;

/// The producer the console producer runs as (its `client.id`).
pub const CONSOLE_PRODUCER: &str = "console-producer";

/// What a tool line does: scenario lines to apply (all or nothing), then the text the tool
/// prints (its stdout and stderr as a terminal shows them).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ToolRun {
    pub lines: Vec<String>,
    pub output: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Tool {
    Topics,
    ConsumerGroups,
    ConsoleProducer,
}

impl Tool {
    fn name(self) -> &'static str {
        match self {
            Tool::Topics => "kafka-topics.sh",
            Tool::ConsumerGroups => "kafka-consumer-groups.sh",
            Tool::ConsoleProducer => "kafka-console-producer.sh",
        }
    }

    fn from_word(word: &str) -> Option<Tool> {
        let base = word.rsplit('/').next().unwrap_or(word);
        match base.strip_suffix(".sh").unwrap_or(base) {
            "kafka-topics" => Some(Tool::Topics),
            "kafka-consumer-groups" => Some(Tool::ConsumerGroups),
            "kafka-console-producer" => Some(Tool::ConsoleProducer),
            _ => None,
        }
    }
}

/// Whether a line is a Kafka tool command (possibly behind `echo ... |`), not a scenario line.
pub fn is_tool_line(line: &str) -> bool {
    let Ok(words) = shell_words(line) else {
        // A tool line with a quoting error is still one (its error is the tool's to give).
        return line
            .split_whitespace()
            .next()
            .is_some_and(|w| Tool::from_word(w).is_some());
    };
    let first = match words.iter().position(|w| w.op && w.text == "|") {
        Some(pipe) => words.get(pipe + 1),
        None => words.first(),
    };
    first.is_some_and(|w| !w.op && Tool::from_word(&w.text).is_some())
}

/// A word as a shell splits it; `op` marks the unquoted operators `|` and `<<<`.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Word {
    text: String,
    op: bool,
}

fn usage(message: impl Into<String>) -> CommandError {
    CommandError::invalid(message)
}

/// Splits like a POSIX shell: blanks separate words, 'single quotes' keep everything, "double
/// quotes" keep blanks (a backslash escapes `"` and `\` inside them), `|` and `<<<` stand apart.
fn shell_words(line: &str) -> Result<Vec<Word>, CommandError> {
    let mut words = Vec::new();
    let mut cur = String::new();
    let mut any = false;
    let mut chars = line.chars().peekable();
    let flush = |cur: &mut String, any: &mut bool, words: &mut Vec<Word>| {
        if *any {
            words.push(Word {
                text: std::mem::take(cur),
                op: false,
            });
            *any = false;
        }
    };
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                any = true;
                loop {
                    match chars.next() {
                        Some('\'') => break,
                        Some(c) => cur.push(c),
                        None => return Err(usage("unexpected end of line: unterminated quote")),
                    }
                }
            }
            '"' => {
                any = true;
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some('\\') if matches!(chars.peek(), Some('"' | '\\')) => {
                            cur.push(chars.next().expect("peeked"));
                        }
                        Some(c) => cur.push(c),
                        None => return Err(usage("unexpected end of line: unterminated quote")),
                    }
                }
            }
            '\\' => {
                any = true;
                if let Some(c) = chars.next() {
                    cur.push(c);
                }
            }
            '|' => {
                flush(&mut cur, &mut any, &mut words);
                words.push(Word {
                    text: "|".into(),
                    op: true,
                });
            }
            '<' if !any && line_rest_starts(&mut chars, "<<") => {
                words.push(Word {
                    text: "<<<".into(),
                    op: true,
                });
            }
            c if c.is_whitespace() => flush(&mut cur, &mut any, &mut words),
            c => {
                cur.push(c);
                any = true;
            }
        }
    }
    flush(&mut cur, &mut any, &mut words);
    Ok(words)
}

/// Consumes `s` from `chars` if they start with it.
fn line_rest_starts(chars: &mut std::iter::Peekable<std::str::Chars>, s: &str) -> bool {
    let ahead: String = chars.clone().take(s.len()).collect();
    if ahead == s {
        for _ in 0..s.len() {
            chars.next();
        }
        true
    } else {
        false
    }
}

/// A value as the scenario language reads it back exactly (double quotes, `\"` and `\\`).
pub fn quote(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

/// The options a tool accepts: name and whether it takes a value.
type Spec = &'static [(&'static str, bool)];

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
    ("help", false),
    ("version", false),
];

/// Parsed options in order: (name, value).
struct Options(Vec<(&'static str, Option<String>)>);

impl Options {
    /// Reads `--name [value]` words the way joptsimple does (also `--name=value`), with its
    /// messages for unknown options and missing values.
    fn parse(words: &[String], spec: Spec) -> Result<Options, CommandError> {
        let mut found = Vec::new();
        let mut i = 0;
        while i < words.len() {
            let w = &words[i];
            let Some(body) = w.strip_prefix("--").or_else(|| w.strip_prefix('-')) else {
                return Err(usage(format!(
                    "Found non-option argument '{w}': options start with --"
                )));
            };
            let (name, inline) = match body.split_once('=') {
                Some((n, v)) => (n, Some(v.to_string())),
                None => (body, None),
            };
            let Some(&(known, takes_value)) = spec.iter().find(|(n, _)| *n == name) else {
                return Err(usage(format!("{name} is not a recognized option")));
            };
            let value = if takes_value {
                match inline {
                    Some(v) => Some(v),
                    None => {
                        i += 1;
                        match words.get(i) {
                            Some(v) if !v.starts_with("--") => Some(v.clone()),
                            _ => return Err(usage(format!("Option {known} requires an argument"))),
                        }
                    }
                }
            } else {
                None
            };
            found.push((known, value));
            i += 1;
        }
        Ok(Options(found))
    }

    fn has(&self, name: &str) -> bool {
        self.0.iter().any(|(n, _)| *n == name)
    }

    fn value(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .rev()
            .find(|(n, _)| *n == name)
            .and_then(|(_, v)| v.as_deref())
    }

    fn values(&self, name: &str) -> Vec<&str> {
        self.0
            .iter()
            .filter(|(n, _)| *n == name)
            .filter_map(|(_, v)| v.as_deref())
            .collect()
    }

    fn int(&self, name: &str) -> Result<Option<i32>, CommandError> {
        self.value(name)
            .map(|v| {
                v.parse::<i32>()
                    .map_err(|_| usage(format!("Cannot parse argument '{v}' of option {name}")))
            })
            .transpose()
    }

    /// `CommandLineUtils.checkRequiredArgs`.
    fn require(&self, name: &str) -> Result<(), CommandError> {
        if self.has(name) {
            Ok(())
        } else {
            Err(usage(format!("Missing required argument \"[{name}]\"")))
        }
    }

    /// `CommandLineUtils.checkInvalidArgs`: `name` may not come with any of `actions`.
    fn invalid_with(&self, name: &str, actions: &[&str]) -> Result<(), CommandError> {
        match actions.iter().find(|a| self.has(name) && self.has(a)) {
            Some(a) => Err(usage(format!(
                "Option \"[{name}]\" can't be used with option \"[{a}]\""
            ))),
            None => Ok(()),
        }
    }
}

impl Simulation {
    /// Translates a Kafka tool line. Describe and list forms only print; the others give the
    /// scenario lines that do what the tool would ask of the cluster.
    pub fn translate_tool_line(&self, line: &str) -> Result<ToolRun, CommandError> {
        let words = shell_words(line)?;
        // `echo TEXT | tool ...` and `tool ... <<< TEXT` give the tool one line of input.
        let (words, stdin) =
            match words.iter().position(|w| w.op && w.text == "|") {
                Some(pipe) => {
                    let (before, after) = words.split_at(pipe);
                    match before.split_first() {
                        Some((echo, text)) if echo.text == "echo" && !echo.op => {
                            let text: Vec<&str> = text.iter().map(|w| w.text.as_str()).collect();
                            (after[1..].to_vec(), Some(text.join(" ")))
                        }
                        _ => return Err(usage(
                            "only `echo 'TEXT' |` can feed a tool here (or `<<< 'TEXT'` after it)",
                        )),
                    }
                }
                None => (words, None),
            };
        let (words, stdin) = match words.iter().position(|w| w.op && w.text == "<<<") {
            Some(at) if at + 2 == words.len() && stdin.is_none() => {
                (words[..at].to_vec(), Some(words[at + 1].text.clone()))
            }
            Some(_) => {
                return Err(usage(
                    "`<<<` takes one word after it, at the end of the line: <<< 'key:value'",
                ))
            }
            None => (words, stdin),
        };
        if let Some(op) = words.iter().find(|w| w.op) {
            return Err(usage(format!("unexpected '{}'", op.text)));
        }
        let (tool_word, args) = words.split_first().ok_or_else(|| usage("an empty line"))?;
        let tool = Tool::from_word(&tool_word.text)
            .ok_or_else(|| usage(format!("unknown tool '{}'", tool_word.text)))?;
        let args: Vec<String> = args.iter().map(|w| w.text.clone()).collect();
        if stdin.is_some() && tool != Tool::ConsoleProducer {
            return Err(usage(format!(
                "{} does not read standard input",
                tool.name()
            )));
        }
        match tool {
            Tool::Topics => self.topics_command(&args),
            Tool::ConsumerGroups => self.consumer_groups_command(&args),
            Tool::ConsoleProducer => self.console_producer(&args, stdin),
        }
    }

    /// Runs a Kafka tool line: applies its scenario lines (all or nothing) and returns what the
    /// tool prints.
    pub fn run_tool_line(&mut self, line: &str) -> Result<String, CommandError> {
        let run = self.translate_tool_line(line)?;
        match run.lines.as_slice() {
            [] => {}
            [one] => self.apply_line(one)?,
            many => {
                let mut next = self.clone();
                for l in many {
                    next.apply_line(l)?;
                }
                *self = next;
            }
        }
        Ok(run.output)
    }

    /// A console line: a Kafka tool command or a scenario-language line. Returns what a tool
    /// prints (empty for scenario lines).
    pub fn run_console_line(&mut self, line: &str) -> Result<String, CommandError> {
        if is_tool_line(line) {
            self.run_tool_line(line)
        } else {
            self.apply_line(line).map(|()| String::new())
        }
    }

    /// `kafka-topics.sh` (Kafka 4's `TopicCommand`).
    fn topics_command(&self, args: &[String]) -> Result<ToolRun, CommandError> {
        if args.is_empty() {
            return Err(usage("Create, delete, describe, or change a topic."));
        }
        let o = Options::parse(args, TOPICS_OPTIONS)?;
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
        let topic = o.value("topic");
        let failed = |e: CommandError| CommandError {
            kafka: e.kafka,
            message: format!("Error while executing topic command : {}", e.message),
        };
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
            let output = self
                .metadata
                .topics
                .keys()
                .filter(|t| !(o.has("exclude-internal") && t.as_str() == OFFSETS_TOPIC))
                .filter(|t| topic.is_none_or(|want| want == t.as_str()))
                .map(|t| format!("{t}\n"))
                .collect();
            return Ok(ToolRun {
                lines: Vec::new(),
                output,
            });
        }
        let topic = topic.expect("required above");
        if o.has("alter") {
            let partitions = o.int("partitions")?.expect("required above");
            if !self.metadata.topics.contains_key(topic) && o.has("if-exists") {
                return Ok(ToolRun::default());
            }
            let line = format!("topic alter {topic} partitions={partitions}");
            self.clone().apply_line(&line).map_err(failed)?;
            return Ok(ToolRun {
                lines: vec![line],
                output: String::new(),
            });
        }
        // --create
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
                return Err(failed(usage(format!(
                    "Invalid topic config: all configs to be added must be in the format \"key=val\"., found: {c}"
                ))));
            };
            line.push_str(&format!(" {k}={}", quote(v)));
        }
        // Refused here (as the controller would) before anything changes.
        self.clone().apply_line(&line).map_err(failed)?;
        Ok(ToolRun {
            lines: vec![line],
            output: format!("Created topic {topic}.\n"),
        })
    }

    /// `kafka-consumer-groups.sh` (`ConsumerGroupCommand`): `--list` and `--describe`.
    fn consumer_groups_command(&self, args: &[String]) -> Result<ToolRun, CommandError> {
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
    fn console_producer(
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
        // LineMessageReader's properties.
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
        let (key, value) = if parse_key {
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
        };
        let mut lines = Vec::new();
        if self.producer_index(CONSOLE_PRODUCER).is_none() {
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
            lines.push(format!(
                "producer create {CONSOLE_PRODUCER} {}",
                configs.join(" ")
            ));
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

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(line: &str) -> Vec<String> {
        shell_words(line)
            .unwrap()
            .into_iter()
            .map(|w| {
                if w.op {
                    format!("<{}>", w.text)
                } else {
                    w.text
                }
            })
            .collect()
    }

    #[test]
    fn words_split_as_a_shell_splits_them() {
        assert_eq!(
            texts("a 'b c' \"d \\\" e\" f\\ g"),
            ["a", "b c", "d \" e", "f g"]
        );
        assert_eq!(texts("echo 'x y'|t"), ["echo", "x y", "<|>", "t"]);
        assert_eq!(texts("t <<< 'k:v'"), ["t", "<<<<>", "k:v"]);
        assert_eq!(texts("t <<<k:v"), ["t", "<<<<>", "k:v"]);
        assert_eq!(texts("'<<<' '|'"), ["<<<", "|"]);
        assert!(shell_words("a 'b").is_err());
    }

    #[test]
    fn tool_lines_are_recognized() {
        for yes in [
            "kafka-topics.sh --list",
            "bin/kafka-topics.sh --list",
            "kafka-topics --list",
            "echo x | kafka-console-producer.sh --topic t",
            "./bin/kafka-consumer-groups.sh --list",
        ] {
            assert!(is_tool_line(yes), "{yes}");
        }
        for no in [
            "topic create t",
            "kafka-topicz.sh",
            "produce p t",
            "",
            "echo x",
        ] {
            assert!(!is_tool_line(no), "{no}");
        }
    }

    #[test]
    fn quoted_values_read_back() {
        for v in [
            "plain",
            "two words",
            "a\"b",
            "back\\slash",
            "#hash",
            "<b>x</b>",
            "",
        ] {
            let line = format!("produce p t value={}", quote(v));
            match crate::sim::script::parse_line(&line).unwrap() {
                Some(crate::sim::Command::Produce { value, .. }) => {
                    assert_eq!(value.as_deref(), Some(v))
                }
                other => panic!("{other:?}"),
            }
        }
    }
}

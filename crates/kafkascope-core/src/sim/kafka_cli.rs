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

use super::error::CommandError;
use super::Simulation;

mod options;
mod shell;
mod tools;

use shell::shell_words;

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

fn usage(message: impl Into<String>) -> CommandError {
    CommandError::invalid(message)
}

/// A value as the scenario language reads it back exactly (double quotes, `\"` and `\\`).
pub fn quote(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
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

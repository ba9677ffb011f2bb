//! The scenario language: one command per line, Kafka's config names as `name=value`.
//!
//! ```text
//! # a comment
//! seed 42
//! cluster brokers=3 mode=kraft controllers=3 latency=2ms
//! topic create orders partitions=3 replication-factor=3 min.insync.replicas=2
//! producer create p1 acks=all enable.idempotence=true linger.ms=0
//! produce p1 orders key=user-1 value=hello count=10 rate=100/s partition=0
//! produce stop p1          # stop p1's rates (or: produce stop p1 orders)
//! broker kill 2            # also: broker stop|start|add [id]
//! controller kill          # KRaft: the active controller (or an id); controller start 3000
//! consumer create c1 group.id=g topics=orders auto.offset.reset=earliest processing=worker
//! consumer crash c1        # also: close, restart, commit (commitSync), pause, resume
//! network isolate 2        # also: heal [node], cut A B, slow A B 500ms, drop KIND [count=N] [from=A] [to=B]
//! advance 5s               # also: wait 5s, 200ms, 2m
//! step 3                   # exactly the next 3 events (several can share a millisecond)
//! ```
//! `seed` and `cluster` set up the cluster and come before any other command.

use super::command::{Command, NodeRef};
use super::config::{parse_duration_ms, BrokerConfig, ClusterConfig, ControllerMode};
use super::error::CommandError;
use super::network::MessageKind;
use super::Simulation;

/// A script error: the line (1-based) and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScriptError {
    pub line: usize,
    pub message: String,
}

impl std::fmt::Display for ScriptError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

impl std::error::Error for ScriptError {}

/// A line that sets the cluster up rather than acting on it.
#[derive(Clone, Debug, PartialEq)]
pub enum Setup {
    Seed(u64),
    Cluster(Vec<(String, String)>),
}

#[derive(Clone, Debug, PartialEq)]
pub enum Line {
    Setup(Setup),
    Command(Command),
}

fn err(message: impl Into<String>) -> CommandError {
    CommandError::invalid(message)
}

/// `name=value` settings as written.
pub type Pairs = Vec<(String, String)>;

fn split_pairs(words: &[&str]) -> Result<(Vec<String>, Pairs), CommandError> {
    let mut positional = Vec::new();
    let mut pairs = Vec::new();
    for w in words {
        match w.split_once('=') {
            Some((k, v)) if !k.is_empty() => pairs.push((k.to_string(), v.to_string())),
            Some(_) => return Err(err(format!("'{w}' is not name=value"))),
            None => positional.push(w.to_string()),
        }
    }
    Ok((positional, pairs))
}

fn tokenize(line: &str) -> Result<Vec<String>, CommandError> {
    // Words split on blanks; "double quotes" keep blanks (for keys and values), and inside
    // them a backslash escapes `"` and `\`, so any value can be written.
    let mut words = Vec::new();
    let mut cur = String::new();
    let mut in_quotes = false;
    let mut any = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => {
                in_quotes = !in_quotes;
                any = true;
            }
            '\\' if in_quotes && matches!(chars.peek(), Some('"' | '\\')) => {
                cur.push(chars.next().expect("peeked"));
            }
            '#' if !in_quotes => break,
            c if c.is_whitespace() && !in_quotes => {
                if any {
                    words.push(std::mem::take(&mut cur));
                    any = false;
                }
            }
            c => {
                cur.push(c);
                any = true;
            }
        }
    }
    if in_quotes {
        return Err(err("unterminated quote"));
    }
    if any {
        words.push(cur);
    }
    Ok(words)
}

fn parse_int<T: std::str::FromStr>(what: &str, s: &str) -> Result<T, CommandError> {
    s.parse()
        .map_err(|_| err(format!("{what} must be a number, not '{s}'")))
}

fn parse_node(s: &str) -> Result<NodeRef, CommandError> {
    if let Some(id) = s
        .strip_prefix("broker-")
        .or_else(|| s.strip_prefix("broker"))
    {
        if !id.is_empty() {
            return Ok(NodeRef::Broker(parse_int("broker id", id)?));
        }
    }
    if let Some(id) = s.strip_prefix("controller-") {
        return Ok(NodeRef::Controller(parse_int("controller id", id)?));
    }
    if s == "zookeeper" || s == "zk" {
        return Ok(NodeRef::ZooKeeper);
    }
    if s.bytes().all(|b| b.is_ascii_digit()) && !s.is_empty() {
        return Ok(NodeRef::Broker(parse_int("broker id", s)?));
    }
    Ok(NodeRef::Client(s.to_string()))
}

fn duration(s: &str) -> Result<u64, CommandError> {
    parse_duration_ms(s).ok_or_else(|| err(format!("'{s}' is not a duration (e.g. 5s, 200ms, 2m)")))
}

fn no_extra(
    positional: &[String],
    pairs: &[(String, String)],
    expected: usize,
    usage: &str,
) -> Result<(), CommandError> {
    if positional.len() != expected || !pairs.is_empty() {
        return Err(err(format!("usage: {usage}")));
    }
    Ok(())
}

/// Parses one line: `Ok(None)` for blank lines and comments.
pub fn parse(line: &str) -> Result<Option<Line>, CommandError> {
    let words = tokenize(line)?;
    let Some((head, rest)) = words.split_first() else {
        return Ok(None);
    };
    let rest: Vec<&str> = rest.iter().map(String::as_str).collect();
    let (pos, pairs) = split_pairs(&rest)?;
    let cmd = match head.as_str() {
        "seed" => {
            no_extra(&pos, &pairs, 1, "seed N")?;
            return Ok(Some(Line::Setup(Setup::Seed(parse_int("seed", &pos[0])?))));
        }
        "cluster" => {
            if !pos.is_empty() {
                return Err(err("usage: cluster brokers=N mode=kraft|zookeeper controllers=N latency=2ms"));
            }
            return Ok(Some(Line::Setup(Setup::Cluster(pairs))));
        }
        "advance" | "wait" | "run" => {
            no_extra(&pos, &pairs, 1, "advance DURATION (e.g. 5s, 200ms)")?;
            Command::Advance(duration(&pos[0])?)
        }
        "step" => {
            if pos.len() > 1 || !pairs.is_empty() {
                return Err(err("usage: step [N] (process exactly the next N events)"));
            }
            Command::Step(pos.first().map(|n| parse_int("step", n)).transpose()?.unwrap_or(1))
        }
        "broker" => parse_broker(&pos, pairs)?,
        "controller" => parse_controller(&pos, pairs)?,
        "topic" => parse_topic(&pos, pairs)?,
        "producer" => {
            if pos.first().map(String::as_str) != Some("create") || pos.len() != 2 {
                return Err(err("usage: producer create NAME [producer configs]"));
            }
            Command::ProducerCreate {
                name: pos[1].clone(),
                configs: pairs,
            }
        }
        "produce" => parse_produce(&pos, pairs)?,
        "consumer" => parse_consumer(&pos, pairs)?,
        "network" => parse_network(&pos, pairs)?,
        other => {
            return Err(err(format!(
                "unknown command '{other}' (seed, cluster, broker, controller, topic, producer, produce, consumer, network, advance, step)"
            )))
        }
    };
    Ok(Some(Line::Command(cmd)))
}

/// `broker add|stop|kill|start ...`.
fn parse_broker(pos: &[String], pairs: Vec<(String, String)>) -> Result<Command, CommandError> {
    let usage = "broker add [ID] | broker stop|kill|start ID";
    Ok(match pos.first().map(String::as_str) {
        Some("add") => {
            if pos.len() > 2 || !pairs.is_empty() {
                return Err(err(format!("usage: {usage}")));
            }
            Command::BrokerAdd {
                id: pos.get(1).map(|s| parse_int("broker id", s)).transpose()?,
            }
        }
        Some(verb @ ("stop" | "kill" | "start" | "crash" | "restart")) => {
            no_extra(pos, &pairs, 2, usage)?;
            let id = match parse_node(&pos[1])? {
                NodeRef::Broker(id) => id,
                _ => return Err(err(format!("'{}' is not a broker id", pos[1]))),
            };
            match verb {
                "stop" => Command::BrokerStop(id),
                "kill" | "crash" => Command::BrokerKill(id),
                _ => Command::BrokerStart(id),
            }
        }
        _ => return Err(err(format!("usage: {usage}"))),
    })
}

/// `controller kill|start ...`.
fn parse_controller(pos: &[String], pairs: Vec<(String, String)>) -> Result<Command, CommandError> {
    let usage = "controller kill [ID] | controller start ID";
    Ok(match pos.first().map(String::as_str) {
        Some("kill") if pos.len() <= 2 && pairs.is_empty() => Command::ControllerKill(
            pos.get(1)
                .map(|s| parse_int::<i32>("controller id", s.trim_start_matches("controller-")))
                .transpose()?,
        ),
        Some("start") if pos.len() == 2 && pairs.is_empty() => Command::ControllerStart(parse_int(
            "controller id",
            pos[1].trim_start_matches("controller-"),
        )?),
        _ => return Err(err(format!("usage: {usage}"))),
    })
}

/// `topic create|alter ...`.
fn parse_topic(pos: &[String], pairs: Vec<(String, String)>) -> Result<Command, CommandError> {
    let usage = "topic create NAME partitions=N replication-factor=N [topic configs] | topic alter NAME partitions=N";
    if pos.first().map(String::as_str) == Some("alter") && pos.len() == 2 {
        return match pairs.as_slice() {
            [(k, v)] if k == "partitions" => Ok(Command::TopicAddPartitions {
                name: pos[1].clone(),
                partitions: parse_int("partitions", v)?,
            }),
            _ => Err(err(format!("usage: {usage}"))),
        };
    }
    if pos.first().map(String::as_str) != Some("create") || pos.len() != 2 {
        return Err(err(format!("usage: {usage}")));
    }
    let mut partitions = None;
    let mut rf = None;
    let mut configs = Vec::new();
    for (k, v) in pairs {
        match k.as_str() {
            "partitions" => partitions = Some(parse_int::<i32>("partitions", &v)?),
            "replication-factor" | "replication.factor" | "rf" => {
                rf = Some(parse_int::<i32>("replication-factor", &v)?)
            }
            _ => configs.push((k, v)),
        }
    }
    Ok(Command::TopicCreate {
        name: pos[1].clone(),
        // kafka-topics.sh falls back to the broker defaults num.partitions=1 and
        // default.replication.factor=1.
        partitions: partitions.unwrap_or(1),
        replication_factor: rf.unwrap_or(1),
        configs,
    })
}

/// `produce ...` and `produce stop ...`.
fn parse_produce(pos: &[String], pairs: Vec<(String, String)>) -> Result<Command, CommandError> {
    let usage = "produce PRODUCER TOPIC [key=K] [value=V] [count=N] [rate=R/s] [partition=P] | produce stop PRODUCER [TOPIC]";
    if pos.first().map(String::as_str) == Some("stop") {
        if !(2..=3).contains(&pos.len()) || !pairs.is_empty() {
            return Err(err(format!("usage: {usage}")));
        }
        return Ok(Command::ProduceStop {
            producer: pos[1].clone(),
            topic: pos.get(2).cloned(),
        });
    }
    if pos.len() != 2 {
        return Err(err(format!("usage: {usage}")));
    }
    let mut key = None;
    let mut value = None;
    let mut count = 1;
    let mut rate = None;
    let mut partition = None;
    for (k, v) in pairs {
        match k.as_str() {
            "key" => key = Some(v),
            "value" => value = Some(v),
            "count" => count = parse_int::<u64>("count", &v)?,
            "partition" => partition = Some(parse_int::<i32>("partition", &v)?),
            "rate" => {
                let r = v.trim_end_matches("/s");
                rate = Some(crate::sim::decimal::parse_f64(r).ok_or_else(|| {
                    err(format!(
                        "rate must be records per second (e.g. 100/s), not '{v}'"
                    ))
                })?);
            }
            other => return Err(err(format!("unknown produce option '{other}' ({usage})"))),
        }
    }
    Ok(Command::Produce {
        producer: pos[0].clone(),
        topic: pos[1].clone(),
        key,
        value,
        partition,
        count,
        rate,
    })
}

/// `consumer create|subscribe|close|crash|restart|commit|pause|resume ...`.
fn parse_consumer(pos: &[String], pairs: Vec<(String, String)>) -> Result<Command, CommandError> {
    let usage = "consumer create NAME group.id=G topics=T1,T2 [configs] | consumer close|crash|restart|commit|pause|resume NAME | consumer subscribe NAME topics=a,b";
    Ok(match pos.first().map(String::as_str) {
        Some("create") if pos.len() == 2 => Command::ConsumerCreate {
            name: pos[1].clone(),
            configs: pairs,
        },
        Some("subscribe") if pos.len() == 2 => match pairs.as_slice() {
            [(k, v)] if k == "topics" || k == "topic" => Command::ConsumerSubscribe(
                pos[1].clone(),
                v.split(',')
                    .filter(|t| !t.is_empty())
                    .map(str::to_string)
                    .collect(),
            ),
            _ => return Err(err(format!("usage: {usage}"))),
        },
        Some(
            verb @ ("close" | "crash" | "kill" | "restart" | "start" | "commit" | "pause"
            | "resume"),
        ) if pos.len() == 2 && pairs.is_empty() => {
            let name = pos[1].clone();
            match verb {
                "close" => Command::ConsumerClose(name),
                "crash" | "kill" => Command::ConsumerCrash(name),
                "restart" | "start" => Command::ConsumerRestart(name),
                "commit" => Command::ConsumerCommit(name),
                "pause" => Command::ConsumerPause(name),
                _ => Command::ConsumerResume(name),
            }
        }
        _ => return Err(err(format!("usage: {usage}"))),
    })
}

/// `network isolate|heal|cut|slow|drop|latency ...`.
fn parse_network(pos: &[String], pairs: Vec<(String, String)>) -> Result<Command, CommandError> {
    let usage = "network isolate NODE | heal [NODE] | cut A B | slow A B LATENCY | drop KIND [count=N] [from=A] [to=B] | latency DURATION";
    Ok(match pos.first().map(String::as_str) {
        Some("isolate") if pos.len() == 2 && pairs.is_empty() => {
            Command::NetworkIsolate(parse_node(&pos[1])?)
        }
        Some("latency") if pos.len() == 2 && pairs.is_empty() => {
            Command::NetworkLatency(duration(&pos[1])?)
        }
        Some("heal") if pos.len() <= 2 && pairs.is_empty() => {
            Command::NetworkHeal(pos.get(1).map(|s| parse_node(s)).transpose()?)
        }
        Some("cut") if pos.len() == 3 && pairs.is_empty() => {
            Command::NetworkCut(parse_node(&pos[1])?, parse_node(&pos[2])?)
        }
        Some("slow") if pos.len() == 4 && pairs.is_empty() => Command::NetworkSlow(
            parse_node(&pos[1])?,
            parse_node(&pos[2])?,
            duration(&pos[3])?,
        ),
        Some("drop") if pos.len() == 2 => {
            let kind = MessageKind::parse(&pos[1]).ok_or_else(|| {
                let kinds: Vec<&str> = MessageKind::ALL.iter().map(|k| k.name()).collect();
                err(format!(
                    "unknown message kind '{}' (one of: {})",
                    pos[1],
                    kinds.join(", ")
                ))
            })?;
            let (mut count, mut from, mut to) = (None, None, None);
            for (k, v) in pairs {
                match k.as_str() {
                    "count" => count = Some(parse_int::<u32>("count", &v)?),
                    "from" => from = Some(parse_node(&v)?),
                    "to" => to = Some(parse_node(&v)?),
                    other => return Err(err(format!("unknown drop option '{other}'"))),
                }
            }
            Command::NetworkDrop {
                kind,
                from,
                to,
                count,
            }
        }
        _ => return Err(err(format!("usage: {usage}"))),
    })
}

/// A line as a command; setup lines are refused here (they only make sense in a whole script).
pub fn parse_line(line: &str) -> Result<Option<Command>, CommandError> {
    match parse(line)? {
        None => Ok(None),
        Some(Line::Command(c)) => Ok(Some(c)),
        Some(Line::Setup(_)) => Err(err(
            "seed and cluster set up a new cluster: they go at the top of a script",
        )),
    }
}

pub fn cluster_config_from(
    seed: u64,
    pairs: &[(String, String)],
) -> Result<ClusterConfig, CommandError> {
    let mut c = ClusterConfig {
        seed,
        ..ClusterConfig::default()
    };
    for (k, v) in pairs {
        match k.as_str() {
            "brokers" => c.brokers = parse_int("brokers", v)?,
            "mode" => {
                c.mode = match v.as_str() {
                    "kraft" => ControllerMode::Kraft,
                    "zookeeper" | "zk" => ControllerMode::Zookeeper,
                    _ => return Err(err(format!("mode is kraft or zookeeper, not '{v}'"))),
                }
            }
            "controllers" => c.controllers = parse_int("controllers", v)?,
            "latency" => c.latency_ms = duration(v)?,
            "replica.lag.time.max.ms" => c.broker.replica_lag_time_max_ms = duration(v)?,
            "replica.fetch.wait.max.ms" => c.broker.replica_fetch_wait_max_ms = duration(v)?,
            "broker.session.timeout.ms" => c.broker.broker_session_timeout_ms = duration(v)?,
            "broker.heartbeat.interval.ms" => {
                c.broker.broker_heartbeat_interval_ms = duration(v)?.max(1)
            }
            "zookeeper.session.timeout.ms" => {
                c.broker.zookeeper_session_timeout_ms = duration(v)?.max(3)
            }
            "log.retention.check.interval.ms" => {
                c.broker.log_retention_check_interval_ms = duration(v)?.max(1)
            }
            _ => leader_balance_config(&mut c.broker, k, v)?,
        }
    }
    c.replica_lag_check()?;
    c.validate()?;
    Ok(c)
}

/// What the `cluster` line accepts.
const CLUSTER_CONFIGS: &[&str] = &[
    "brokers",
    "mode",
    "controllers",
    "latency",
    "replica.lag.time.max.ms",
    "replica.fetch.wait.max.ms",
    "broker.session.timeout.ms",
    "broker.heartbeat.interval.ms",
    "zookeeper.session.timeout.ms",
    "log.retention.check.interval.ms",
    "auto.leader.rebalance.enable",
    "leader.imbalance.check.interval.seconds",
    "leader.imbalance.per.broker.percentage",
];

/// The preferred-leader election's configs (`auto.leader.rebalance.enable` and its check); any
/// other key is unknown to the `cluster` line.
fn leader_balance_config(broker: &mut BrokerConfig, k: &str, v: &str) -> Result<(), CommandError> {
    match k {
    "auto.leader.rebalance.enable" => {
        broker.auto_leader_rebalance_enable = match v {
            "true" => true,
            "false" => false,
            _ => {
                return Err(err(format!(
                    "Invalid value {v} for configuration auto.leader.rebalance.enable: Expected value to be either true or false"
                )))
            }
        }
    }
    "leader.imbalance.check.interval.seconds" => {
        let seconds: u64 = parse_int(k, v)?;
        if !(1..=86_400).contains(&seconds) {
            return Err(err(format!(
                "leader.imbalance.check.interval.seconds must be between 1 and 86400, not {v}"
            )));
        }
        broker.leader_imbalance_check_interval_ms = seconds * 1_000;
    }
    "leader.imbalance.per.broker.percentage" => {
        let pct: u32 = parse_int(k, v)?;
        if pct > 100 {
            return Err(err(format!(
                "leader.imbalance.per.broker.percentage must be between 0 and 100, not {v}"
            )));
        }
        broker.leader_imbalance_per_broker_percentage = pct;
    }
        _ => return Err(super::producer::unknown_config("cluster", k, CLUSTER_CONFIGS)),
    }
    Ok(())
}

impl ClusterConfig {
    fn replica_lag_check(&self) -> Result<(), CommandError> {
        if self.broker.replica_lag_time_max_ms < 2 {
            return Err(err("replica.lag.time.max.ms must be at least 2ms"));
        }
        Ok(())
    }
}

/// Runs a whole script: setup lines first, then commands. Any error names its line.
pub fn run(text: &str) -> Result<Simulation, ScriptError> {
    let mut seed = 1;
    let mut cluster: Vec<(String, String)> = Vec::new();
    let mut sim: Option<Simulation> = None;
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        let at = |e: CommandError| ScriptError {
            line,
            message: e.to_string(),
        };
        if super::kafka_cli::is_tool_line(raw) {
            if sim.is_none() {
                let config = cluster_config_from(seed, &cluster).map_err(at)?;
                sim = Some(Simulation::new(config).map_err(at)?);
            }
            sim.as_mut()
                .expect("created")
                .run_tool_line(raw)
                .map_err(at)?;
            continue;
        }
        match parse(raw).map_err(at)? {
            None => {}
            Some(Line::Setup(s)) => {
                if sim.is_some() {
                    return Err(ScriptError {
                        line,
                        message: "seed and cluster must come before other commands".into(),
                    });
                }
                match s {
                    Setup::Seed(n) => seed = n,
                    Setup::Cluster(pairs) => {
                        cluster_config_from(seed, &pairs).map_err(at)?;
                        cluster = pairs;
                    }
                }
            }
            Some(Line::Command(cmd)) => {
                if sim.is_none() {
                    let config = cluster_config_from(seed, &cluster).map_err(at)?;
                    sim = Some(Simulation::new(config).map_err(at)?);
                }
                sim.as_mut().expect("created").apply(cmd).map_err(at)?;
            }
        }
    }
    match sim {
        Some(s) => Ok(s),
        None => {
            let config = cluster_config_from(seed, &cluster).map_err(|e| ScriptError {
                line: 0,
                message: e.to_string(),
            })?;
            Simulation::new(config).map_err(|e| ScriptError {
                line: 0,
                message: e.to_string(),
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_documented_forms() {
        let ok = [
            "seed 42",
            "cluster brokers=3 mode=zookeeper",
            "topic create orders partitions=3 replication-factor=3 min.insync.replicas=2",
            "producer create p1 acks=all enable.idempotence=true",
            "produce p1 orders key=k1 value=\"hello world\" count=10 rate=100/s",
            "broker kill 2",
            "broker stop broker-2",
            "controller kill",
            "controller start 3001",
            "network isolate 2",
            "network drop produce-response count=1",
            "network slow 1 2 500ms",
            "advance 5s",
            "  # only a comment",
            "",
        ];
        for l in ok {
            assert!(parse(l).is_ok(), "{l}: {:?}", parse(l));
        }
    }

    #[test]
    fn bad_lines_say_why() {
        let bad = [
            ("brokr kill 2", "unknown command 'brokr'"),
            ("broker kill", "usage: broker"),
            ("advance soon", "not a duration"),
            ("produce p1", "usage: produce"),
            ("network drop produce-respons", "unknown message kind"),
            ("produce p1 t value=\"x", "unterminated quote"),
        ];
        for (l, want) in bad {
            let e = parse(l).unwrap_err();
            assert!(e.message.contains(want), "{l}: {e}");
        }
    }

    #[test]
    fn script_errors_name_the_line() {
        let e = run("seed 1\ntopic create t partitions=1 replication-factor=1\n\nbroker kill 9\n")
            .unwrap_err();
        assert_eq!(e.line, 4);
        assert!(e.message.contains("Broker 9 does not exist"), "{e}");
    }
}

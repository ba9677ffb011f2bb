//! The same scenario files on two executors: each `oracle/scenarios/NAME.kss` was run on a real
//! Apache Kafka cluster by `oracle/` (`bash scripts/oracle.sh`), its observations recorded in
//! `oracle/recorded/scenario-NAME.json`; here the model runs the same file and every observation
//! is compared with the recording.
//!
//! `#@ observe NAME` lines (comments to the model's parser) mark the observation points; the
//! end of the file is the point `end`. Ids and wall-clock values are normalised: records are
//! named by their values (`p1-0`, ...), members by client id, topic ids and member ids are
//! blanked in the tools' output, the real cluster's times are moved back by how late its
//! commands ran. `oracle/scenarios/NAME.tolerances` (and `_all.tolerances`) say, key pattern by
//! key pattern, what may differ by how much (`within N`), what is not compared (`ignore`) and
//! what is a known difference (`differs`, each with its reason in docs/FIDELITY.md): a known
//! difference that matches again fails the test, as does any other mismatch.
//!
//! Environment: ORACLE_RECORDED_DIR (default oracle/recorded) and ORACLE_ONLY (one scenario)
//! let `scripts/oracle.sh --smoke` check a fresh recording.

// The rules of clippy.toml (VecMap, sim::sort, no wall clock) are the model's; a test may
// use std's collections, sorts and clock.
#![allow(clippy::disallowed_types, clippy::disallowed_methods)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::{json, Value};

use kafkascope_core::sim::command::Command;
use kafkascope_core::sim::kafka_cli::is_tool_line;
use kafkascope_core::sim::script::{cluster_config_from, parse, Line, Setup};
use kafkascope_core::sim::Simulation;

fn oracle_dir() -> PathBuf {
    let mut dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    loop {
        if dir.join("oracle").join("scenarios").is_dir() {
            return dir.join("oracle");
        }
        assert!(dir.pop(), "no oracle/ above {}", env!("CARGO_MANIFEST_DIR"));
    }
}

// ---------------------------------------------------------------------------------------------
// tolerances

#[derive(Clone, Debug, PartialEq)]
enum Rule {
    Within(f64),
    Ignore,
    Differs,
}

#[derive(Clone, Debug)]
struct Tolerance {
    pattern: String,
    rule: Rule,
    reason: String,
}

fn read_tolerances(path: &Path) -> Vec<Tolerance> {
    let Ok(text) = std::fs::read_to_string(path) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let (body, reason) = line.split_once('#').unwrap_or((line, ""));
        let w: Vec<&str> = body.split_whitespace().collect();
        if w.is_empty() {
            continue;
        }
        let rule = match (w.get(1).copied(), w.get(2)) {
            (Some("within"), Some(n)) => Rule::Within(n.parse().expect("within N")),
            (Some("ignore"), None) => Rule::Ignore,
            (Some("differs"), None) => Rule::Differs,
            _ => panic!(
                "{}:{}: KEY-PATTERN within N|ignore|differs  # reason",
                path.display(),
                n + 1
            ),
        };
        assert!(
            !reason.trim().is_empty(),
            "{}:{}: every tolerance says why",
            path.display(),
            n + 1
        );
        out.push(Tolerance {
            pattern: w[0].to_string(),
            rule,
            reason: reason.trim().to_string(),
        });
    }
    out
}

/// `*` matches any run of characters.
fn glob(pattern: &str, text: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return pattern == text;
    }
    let mut rest = text;
    for (i, part) in parts.iter().enumerate() {
        if i == 0 {
            match rest.strip_prefix(part) {
                Some(r) => rest = r,
                None => return false,
            }
        } else if i == parts.len() - 1 {
            return rest.ends_with(part);
        } else {
            match rest.find(part) {
                Some(at) => rest = &rest[at + part.len()..],
                None => return false,
            }
        }
    }
    true
}

// ---------------------------------------------------------------------------------------------
// flattening both sides into `observation/key -> value`

type Flat = BTreeMap<String, Value>;

fn sorted_strings(v: &Value) -> Value {
    let mut list: Vec<String> = v
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|x| x.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    list.sort();
    json!(list)
}

/// How many partitions each member has, largest first: the assignment's shape, which does not
/// depend on which member is which (the sticky assignors break ties by member id, random in
/// Kafka).
fn assignment_sizes(members: Option<&Vec<Value>>) -> Value {
    let mut sizes: Vec<usize> = members
        .into_iter()
        .flatten()
        .map(|m| m["assignment"].as_array().map_or(0, Vec::len))
        .collect();
    sizes.sort_unstable_by(|a, b| b.cmp(a));
    json!(sizes)
}

/// Blanks what differs between any two runs and between the executors' naming: topic ids,
/// and in the group tool's tables the CONSUMER-ID, HOST and CLIENT-ID columns (member ids are
/// generated; the oracle names its clients after the scenario's consumers, the model after
/// Kafka's consumer-GROUP-N) and COORDINATOR (ID) (Kafka places __consumer_offsets at random).
/// Words are compared, not padding (column widths follow the ids' lengths); `--list` prints
/// groups in no particular order, so its lines are sorted.
fn normalise_tool_text(cmd: &str, text: &str) -> String {
    let mut out = Vec::new();
    let mut blank_columns: Vec<usize> = Vec::new();
    for line in text.lines() {
        let mut words: Vec<String> = line.split_whitespace().map(str::to_string).collect();
        if words.is_empty() {
            blank_columns.clear();
            continue;
        }
        if words
            .iter()
            .any(|w| w == "CONSUMER-ID" || w == "COORDINATOR")
        {
            blank_columns = words
                .iter()
                .enumerate()
                .filter(|(_, w)| {
                    matches!(
                        w.as_str(),
                        "CONSUMER-ID" | "HOST" | "CLIENT-ID" | "COORDINATOR" | "(ID)"
                    )
                })
                .map(|(i, _)| i)
                .collect();
        } else {
            for &i in &blank_columns {
                if let Some(w) = words.get_mut(i) {
                    *w = "<blank>".into();
                }
            }
        }
        if let Some(i) = words.iter().position(|w| w == "TopicId:") {
            if let Some(w) = words.get_mut(i + 1) {
                *w = "<id>".into();
            }
        }
        out.push(words.join(" "));
    }
    if cmd.ends_with("--list") {
        out.sort();
    }
    // The group tool prints a table's rows member by member, members in member-id order
    // (random ids): compare the rows as a set, the header first.
    if cmd.contains("kafka-consumer-groups.sh") {
        if let Some(header) = out.iter().position(|l| l.starts_with("GROUP ")) {
            out[header + 1..].sort();
        }
    }
    out.join("\n")
}

/// A tool's output, line by line (`tool.CMD.N`; blanks in the command become `_`, since keys
/// are words in the tolerance files), and its line count (`tool.CMD.lines`): a difference in
/// one line (a topic's header, one partition) leaves the others compared.
fn insert_tool_lines(out: &mut Flat, cmd: &str, text: &str) {
    let key = format!("tool.{}", cmd.replace(' ', "_"));
    let lines: Vec<&str> = text.lines().collect();
    out.insert(format!("{key}.lines"), json!(lines.len()));
    for (i, line) in lines.iter().enumerate() {
        out.insert(format!("{key}.{i}"), json!(line));
    }
}

/// A real producer record's outcome in the model's terms: Java's delivery TimeoutException
/// ("Expiring N record(s) ... has passed since batch creation") is the model's DELIVERY_TIMEOUT.
fn real_outcome(r: &Value) -> String {
    if let Some(off) = r.get("offset").and_then(Value::as_i64) {
        return format!(
            "acked {}-{}@{off}",
            r["topic"].as_str().unwrap_or(""),
            r["partition"]
        );
    }
    match r.get("error").and_then(Value::as_str) {
        None => "pending".into(),
        Some(_)
            if r["exception"] == "TimeoutException"
                && r["message"]
                    .as_str()
                    .is_some_and(|m| m.contains("since batch creation")) =>
        {
            "failed DELIVERY_TIMEOUT".into()
        }
        Some(e) => format!("failed {e}"),
    }
}

fn flatten_real(o: &Value, out: &mut Flat) {
    for b in o["brokers"].as_array().into_iter().flatten() {
        if !b["fenced"].is_null() {
            out.insert(format!("broker.{}.fenced", b["id"]), b["fenced"].clone());
        }
    }
    out.insert("controller.active".into(), o["active_controller"].clone());
    for p in o["partitions"].as_array().into_iter().flatten() {
        let tp = format!("{}-{}", p["topic"].as_str().unwrap(), p["partition"]);
        for k in [
            "leader",
            "leader_epoch",
            "replicas",
            "isr",
            "high_watermark",
        ] {
            if !p[k].is_null() || k == "leader" {
                out.insert(format!("{tp}.{k}"), p[k].clone());
            }
        }
        for (b, leo) in p["leo"].as_object().into_iter().flatten() {
            if !leo.is_null() {
                out.insert(format!("{tp}.leo.{b}"), leo.clone());
            }
        }
    }
    for prod in o["producers"].as_array().into_iter().flatten() {
        for r in prod["records"].as_array().into_iter().flatten() {
            let value = r["value"].as_str().unwrap_or("?");
            out.insert(format!("record.{value}"), json!(real_outcome(r)));
        }
    }
    for g in o["groups"].as_array().into_iter().flatten() {
        let name = g["group"].as_str().unwrap();
        out.insert(format!("group.{name}.state"), g["state"].clone());
        let mut members = Vec::new();
        for m in g["members"].as_array().into_iter().flatten() {
            let client = m["client_id"].as_str().unwrap_or("?").to_string();
            out.insert(
                format!("group.{name}.assignment.{client}"),
                sorted_strings(&m["assignment"]),
            );
            members.push(json!(client));
        }
        out.insert(
            format!("group.{name}.members"),
            sorted_strings(&json!(members)),
        );
        out.insert(
            format!("group.{name}.assignment-sizes"),
            assignment_sizes(g["members"].as_array()),
        );
        for (tp, off) in g["committed"].as_object().into_iter().flatten() {
            out.insert(format!("group.{name}.committed.{tp}"), off.clone());
        }
    }
    for c in o["consumers"].as_array().into_iter().flatten() {
        let name = c["name"].as_str().unwrap();
        if c["alive"] == true && !c["assignment"].is_null() {
            out.insert(
                format!("consumer.{name}.assignment"),
                sorted_strings(&c["assignment"]),
            );
            out.insert(format!("consumer.{name}.processed"), c["processed"].clone());
            out.insert(format!("consumer.{name}.errors"), c["errors"].clone());
        }
    }
    for (cmd, text) in o["tools"].as_object().into_iter().flatten() {
        insert_tool_lines(
            out,
            cmd,
            &normalise_tool_text(cmd, text.as_str().unwrap_or("")),
        );
    }
}

/// The model at an observation point, flattened with the keys `flatten_real` uses; the tools
/// are the ones the recording ran, as their model lines.
fn flatten_model(sim: &mut Simulation, real: &Value, out: &mut Flat) {
    let report = serde_json::to_value(sim.report()).expect("report");
    for b in report["brokers"].as_array().into_iter().flatten() {
        out.insert(format!("broker.{}.fenced", b["id"]), b["fenced"].clone());
    }
    out.insert(
        "controller.active".into(),
        report["controller"]["active"].clone(),
    );
    for p in report["partitions"].as_array().into_iter().flatten() {
        let topic = p["topic"].as_str().unwrap();
        if topic.starts_with("__") {
            continue;
        }
        let tp = format!("{topic}-{}", p["partition"]);
        for k in [
            "leader",
            "leader_epoch",
            "replicas",
            "isr",
            "high_watermark",
        ] {
            out.insert(format!("{tp}.{k}"), p[k].clone());
        }
        for (b, leo) in p["leo"].as_object().into_iter().flatten() {
            out.insert(format!("{tp}.leo.{b}"), leo.clone());
        }
    }
    for prod in report["producers"].as_array().into_iter().flatten() {
        for r in prod["acked"].as_array().into_iter().flatten() {
            out.insert(
                format!("record.{}", r["value"].as_str().unwrap_or("?")),
                json!(format!(
                    "acked {}-{}@{}",
                    r["topic"].as_str().unwrap_or(""),
                    r["partition"],
                    r["offset"]
                )),
            );
        }
        for r in prod["failed"].as_array().into_iter().flatten() {
            out.insert(
                format!("record.{}", r["value"].as_str().unwrap_or("?")),
                json!(format!("failed {}", r["error"].as_str().unwrap_or("?"))),
            );
        }
    }
    // the scenario's consumer names by member id (the oracle's client.id is that name)
    let consumer_of: BTreeMap<String, String> = report["consumers"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|c| {
            (
                c["member_id"].as_str().unwrap_or("").to_string(),
                c["name"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    for g in report["groups"].as_array().into_iter().flatten() {
        let name = g["group"].as_str().unwrap();
        out.insert(format!("group.{name}.state"), g["state"].clone());
        let mut members = Vec::new();
        for m in g["members"].as_array().into_iter().flatten() {
            let member_id = m["member_id"].as_str().unwrap_or("");
            let client = consumer_of
                .get(member_id)
                .cloned()
                .unwrap_or_else(|| m["client_id"].as_str().unwrap_or("?").to_string());
            out.insert(
                format!("group.{name}.assignment.{client}"),
                sorted_strings(&m["assignment"]),
            );
            members.push(json!(client));
        }
        out.insert(
            format!("group.{name}.members"),
            sorted_strings(&json!(members)),
        );
        out.insert(
            format!("group.{name}.assignment-sizes"),
            assignment_sizes(g["members"].as_array()),
        );
        for p in g["partitions"].as_array().into_iter().flatten() {
            if !p["committed"].is_null() {
                out.insert(
                    format!(
                        "group.{name}.committed.{}-{}",
                        p["topic"].as_str().unwrap(),
                        p["partition"]
                    ),
                    p["committed"].clone(),
                );
            }
        }
    }
    for c in report["consumers"].as_array().into_iter().flatten() {
        let name = c["name"].as_str().unwrap();
        out.insert(
            format!("consumer.{name}.assignment"),
            sorted_strings(&c["assignment"]),
        );
        out.insert(
            format!("consumer.{name}.processed"),
            json!(c["processed"].as_array().map_or(0, Vec::len)),
        );
        out.insert(format!("consumer.{name}.errors"), c["errors"].clone());
    }
    for cmd in real["tools"]
        .as_object()
        .into_iter()
        .flatten()
        .map(|(k, _)| k)
    {
        let mut words = cmd.split_whitespace();
        let tool = words.next().unwrap_or("");
        let rest: Vec<&str> = words.collect();
        let line = format!(
            "{tool} --bootstrap-server localhost:9092 {}",
            rest.join(" ")
        );
        let text = sim
            .run_tool_line(&line)
            .unwrap_or_else(|e| format!("refused: {e}"));
        insert_tool_lines(out, cmd, &normalise_tool_text(cmd, &text));
    }
}

// ---------------------------------------------------------------------------------------------
// the model's run, observation point by observation point

struct ModelRun {
    observations: BTreeMap<String, Flat>,
    /// `line.N` -> "accepted" or the model's refusal, for every command line.
    lines: Flat,
    /// The consumers' log lines over the whole run (`client_log_keys`).
    client_log: Flat,
    /// (partition, leader, epoch, at_ms) each time a partition's leader or epoch changed.
    changes: Vec<(String, Value, Value, u64)>,
}

fn leadership(sim: &Simulation) -> BTreeMap<String, (Value, Value)> {
    sim.describe_partitions()
        .into_iter()
        .filter(|p| !p.topic.starts_with("__"))
        .map(|p| {
            (
                format!("{}-{}", p.topic, p.partition),
                (json!(p.leader), json!(p.leader_epoch)),
            )
        })
        .collect()
}

fn run_model(script: &str, recording: &Value) -> ModelRun {
    let real_obs: BTreeMap<String, &Value> = recording["observations"]
        .as_array()
        .expect("observations")
        .iter()
        .map(|o| (o["name"].as_str().unwrap().to_string(), o))
        .collect();
    let mut seed = 1;
    let mut cluster = Vec::new();
    let mut sim: Option<Simulation> = None;
    let mut run = ModelRun {
        observations: BTreeMap::new(),
        lines: Flat::new(),
        client_log: Flat::new(),
        changes: Vec::new(),
    };
    let mut last: BTreeMap<String, (Value, Value)> = BTreeMap::new();
    let ensure = |sim: &mut Option<Simulation>, seed: u64, cluster: &Vec<(String, String)>| {
        if sim.is_none() {
            let config = cluster_config_from(seed, cluster).expect("cluster line");
            *sim = Some(Simulation::new(config).expect("cluster"));
        }
    };
    let observe = |sim: &mut Simulation, name: &str, run: &mut ModelRun| {
        let real = real_obs
            .get(name)
            .unwrap_or_else(|| panic!("the recording has no observation {name}"));
        let mut flat = Flat::new();
        flatten_model(sim, real, &mut flat);
        run.observations.insert(name.to_string(), flat);
    };
    for (i, raw) in script.lines().enumerate() {
        let trimmed = raw.trim();
        if let Some(directive) = trimmed.strip_prefix("#@") {
            let w: Vec<&str> = directive.split_whitespace().collect();
            if w.first() == Some(&"observe") {
                ensure(&mut sim, seed, &cluster);
                observe(sim.as_mut().unwrap(), w[1], &mut run);
            }
            continue;
        }
        if is_tool_line(raw) {
            ensure(&mut sim, seed, &cluster);
            sim.as_mut()
                .unwrap()
                .run_tool_line(raw)
                .unwrap_or_else(|e| panic!("line {}: {e}", i + 1));
            continue;
        }
        match parse(raw).unwrap_or_else(|e| panic!("line {}: {e}", i + 1)) {
            None => {}
            Some(Line::Setup(Setup::Seed(n))) => seed = n,
            Some(Line::Setup(Setup::Cluster(pairs))) => cluster = pairs,
            Some(Line::Command(Command::Advance(ms))) => {
                ensure(&mut sim, seed, &cluster);
                let s = sim.as_mut().unwrap();
                // sampled every 100 ms, as the real cluster's metadata is polled (200 ms)
                let mut left = ms;
                while left > 0 {
                    let step = left.min(100);
                    s.advance(step);
                    left -= step;
                    for (tp, now) in leadership(s) {
                        if last.get(&tp) != Some(&now) {
                            if last.contains_key(&tp) {
                                run.changes.push((
                                    tp.clone(),
                                    now.0.clone(),
                                    now.1.clone(),
                                    s.now_ms(),
                                ));
                            }
                            last.insert(tp, now);
                        }
                    }
                }
            }
            Some(Line::Command(c)) => {
                ensure(&mut sim, seed, &cluster);
                let s = sim.as_mut().unwrap();
                // A line the model refuses (and Kafka ran) is an observation of its own; the
                // run goes on without it, as the console's would.
                let verdict = match s.apply(c) {
                    Ok(()) => "accepted".to_string(),
                    Err(e) => format!("refused: {e}"),
                };
                run.lines.insert(format!("line.{}", i + 1), json!(verdict));
                for (tp, now) in leadership(s) {
                    last.entry(tp).or_insert(now);
                }
            }
        }
    }
    ensure(&mut sim, seed, &cluster);
    observe(sim.as_mut().unwrap(), "end", &mut run);
    client_log_keys(
        &model_client_log(sim.as_ref().unwrap()),
        &mut run.client_log,
    );
    run
}

/// The real cluster's leadership changes, their times moved back by how late the command
/// before them ran against the scenario's clock.
fn real_changes(recording: &Value) -> Vec<(String, Value, Value, f64)> {
    let commands: Vec<(f64, f64)> = recording["commands"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|c| {
            (
                c["at_ms"].as_f64().unwrap_or(0.0),
                c["scenario_ms"].as_f64().unwrap_or(0.0),
            )
        })
        .collect();
    let mut last: BTreeMap<String, (Value, Value)> = BTreeMap::new();
    let mut out = Vec::new();
    for e in recording["timeline"].as_array().into_iter().flatten() {
        let tp = e["partition"].as_str().unwrap().to_string();
        let now = (e["leader"].clone(), e["leader_epoch"].clone());
        let at = e["at_ms"].as_f64().unwrap();
        let lag = commands
            .iter()
            .rfind(|(real, _)| *real <= at)
            .map_or(0.0, |(real, scen)| real - scen);
        match last.get(&tp) {
            None => {}
            Some(prev) if *prev == now => continue,
            Some(_) => out.push((tp.clone(), now.0.clone(), now.1.clone(), at - lag)),
        }
        last.insert(tp, now);
    }
    out
}

// ---------------------------------------------------------------------------------------------
// the consumers' log lines the source notes quote

/// `t-0, t-1` or `[t-0, t-1]` as a sorted list.
fn partition_list(text: &str) -> Vec<String> {
    let mut list: Vec<String> = text
        .trim()
        .trim_start_matches('[')
        .trim_end_matches(']')
        .split(',')
        .map(|p| p.trim().to_string())
        .filter(|p| !p.is_empty())
        .collect();
    list.sort();
    list
}

/// What a consumer's client logged, by kind: the partitions of each assignment, revocation
/// and loss in order, the partitions found without a committed offset, each offset reset, the
/// generations joined, the heartbeats answered REBALANCE_IN_PROGRESS; and, once per run, the
/// wording of an assignment line with its partitions blanked.
fn client_log_keys(lines: &[(String, String)], out: &mut Flat) {
    let mut seqs: BTreeMap<String, Vec<Value>> = BTreeMap::new();
    let mut heartbeats: BTreeMap<String, usize> = BTreeMap::new();
    let mut wording: Option<String> = None;
    for (client, message) in lines {
        let push = |seqs: &mut BTreeMap<String, Vec<Value>>, kind: &str, v: Value| {
            seqs.entry(format!("log.{client}.{kind}"))
                .or_default()
                .push(v);
        };
        if let Some(rest) = message.strip_prefix("Adding newly assigned partitions:") {
            push(&mut seqs, "assigned", json!(partition_list(rest)));
            if wording.is_none() {
                let mut w = message.clone();
                for p in partition_list(rest) {
                    w = w.replace(&p, "P");
                }
                wording = Some(w);
            }
        } else if let Some(rest) = message.strip_prefix("Revoke previously assigned partitions") {
            push(&mut seqs, "revoked", json!(partition_list(rest)));
        } else if let Some(rest) = message.strip_prefix("Lost previously assigned partitions") {
            push(&mut seqs, "lost", json!(partition_list(rest)));
        } else if let Some(tp) = message.strip_prefix("Found no committed offset for partition ") {
            // logged again at each poll that retries it (how often is the application's
            // doing): the distinct partitions in order
            let key = format!("log.{client}.no-committed-offset");
            if !seqs
                .get(&key)
                .is_some_and(|l| l.contains(&json!(tp.trim())))
            {
                push(&mut seqs, "no-committed-offset", json!(tp.trim()));
            }
        } else if let Some(rest) = message.strip_prefix("Resetting offset for partition ") {
            // "t-0 to position FetchPosition{offset=5, ..."
            let tp = rest.split_whitespace().next().unwrap_or("");
            let offset = rest
                .split("offset=")
                .nth(1)
                .and_then(|o| o.split([',', '}']).next())
                .unwrap_or("?");
            push(&mut seqs, "reset", json!(format!("{tp}@{offset}")));
        } else if let Some(rest) = message
            .strip_prefix("Successfully joined group with generation Generation{generationId=")
        {
            let generation = rest.split(',').next().unwrap_or("?");
            push(&mut seqs, "joined-generation", json!(generation));
        } else if message.starts_with("Attempt to heartbeat failed since group is rebalancing")
            || message == "Request joining group due to: group is already rebalancing"
        {
            // Kafka 4's wording (INFO) of what 3.x logged as "Attempt to heartbeat failed since
            // group is rebalancing": the heartbeat's REBALANCE_IN_PROGRESS
            *heartbeats.entry(client.clone()).or_default() += 1;
        }
    }
    for (k, mut v) in seqs {
        // Kafka logs one line per partition in its hash set's order: a set, not a sequence
        if k.ends_with(".no-committed-offset") || k.ends_with(".reset") {
            v.sort_by_key(|x| x.to_string());
        }
        out.insert(k, json!(v));
    }
    for (client, n) in heartbeats {
        out.insert(
            format!("log.{client}.heartbeat-failed-rebalancing"),
            json!(n),
        );
    }
    if let Some(w) = wording {
        out.insert("log.wording.assigned".into(), json!(w));
    }
}

/// The model's consumer lines: `[Consumer clientId=..., groupId=...] message` from the trace,
/// each consumer named as the scenario names it (the trace's `consumer #i` is the i-th created).
fn model_client_log(sim: &Simulation) -> Vec<(String, String)> {
    let names: Vec<String> = sim.consumer_reports().into_iter().map(|c| c.name).collect();
    let mut out = Vec::new();
    for e in &sim.trace.events {
        let subject = e.subject();
        let Some(i) = subject
            .strip_prefix("consumer #")
            .and_then(|i| i.parse::<usize>().ok())
        else {
            continue;
        };
        let text = e.text();
        let Some(message) = text
            .strip_prefix("[Consumer clientId=")
            .and_then(|r| r.split_once("] ").map(|(_, m)| m.to_string()))
        else {
            continue;
        };
        if let Some(name) = names.get(i) {
            out.push((name.clone(), message));
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// comparing

fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        _ => a == b,
    }
}

#[derive(Default)]
struct Tally {
    compared: usize,
    matching: usize,
    known: Vec<String>,
    failures: Vec<String>,
}

fn judge(key: &str, real: &Value, model: &Value, tolerances: &[Tolerance], t: &mut Tally) {
    let rule = tolerances.iter().find(|tol| glob(&tol.pattern, key));
    let exact = same(real, model);
    match rule.map(|r| &r.rule) {
        Some(Rule::Ignore) => {}
        Some(Rule::Within(n)) => {
            t.compared += 1;
            let ok = match (real.as_f64(), model.as_f64()) {
                (Some(a), Some(b)) => (a - b).abs() <= *n,
                _ => exact,
            };
            if ok {
                t.matching += 1;
            } else {
                t.failures
                    .push(format!("{key}: Kafka {real}, model {model} (within {n})"));
            }
        }
        Some(Rule::Differs) => {
            t.compared += 1;
            if exact {
                t.failures.push(format!(
                    "{key}: listed as a known difference ({}) but now matches: {real}",
                    rule.unwrap().reason
                ));
            } else {
                t.known.push(format!(
                    "{key}: Kafka {real}, model {model} — {}",
                    rule.unwrap().reason
                ));
            }
        }
        None => {
            t.compared += 1;
            if exact {
                t.matching += 1;
            } else {
                t.failures
                    .push(format!("{key}: Kafka {real}, model {model}"));
            }
        }
    }
}

fn compare_scenario(name: &str, recorded_dir: &Path, total: &mut Tally) -> String {
    let dir = oracle_dir();
    let script =
        std::fs::read_to_string(dir.join("scenarios").join(format!("{name}.kss"))).unwrap();
    let rec_path = recorded_dir.join(format!("scenario-{name}.json"));
    let recording: Value =
        serde_json::from_str(&std::fs::read_to_string(&rec_path).unwrap_or_else(|e| {
            panic!(
                "{}: {e} (bash scripts/oracle.sh records it)",
                rec_path.display()
            )
        }))
        .expect("recording JSON");
    let mut tolerances = read_tolerances(&dir.join("scenarios").join(format!("{name}.tolerances")));
    tolerances.extend(read_tolerances(
        &dir.join("scenarios").join("_all.tolerances"),
    ));

    let model = run_model(&script, &recording);
    let mut t = Tally::default();
    for o in recording["observations"].as_array().unwrap() {
        let obs = o["name"].as_str().unwrap();
        let mut real = Flat::new();
        flatten_real(o, &mut real);
        let m = &model.observations[obs];
        for (key, rv) in &real {
            // a record the model's producer neither acknowledged nor failed is still pending
            let missing = if key.starts_with("record.") {
                json!("pending")
            } else {
                Value::Null
            };
            let mv = m.get(key).cloned().unwrap_or(missing);
            judge(&format!("{obs}/{key}"), rv, &mv, &tolerances, &mut t);
        }
    }
    // every command line the real cluster ran was accepted there
    for c in recording["commands"].as_array().into_iter().flatten() {
        let key = format!("line.{}", c["line"]);
        let model_verdict = model.lines.get(&key).cloned().unwrap_or(Value::Null);
        judge(
            &format!("commands/{key}"),
            &json!("accepted"),
            &model_verdict,
            &tolerances,
            &mut t,
        );
    }
    // the consumers' log lines over the run (recordings made before they were kept have none)
    if let Some(lines) = recording["client_log"].as_array() {
        let real_lines: Vec<(String, String)> = lines
            .iter()
            .map(|l| {
                (
                    l["client"].as_str().unwrap_or("?").to_string(),
                    l["message"].as_str().unwrap_or("").to_string(),
                )
            })
            .collect();
        let mut real = Flat::new();
        client_log_keys(&real_lines, &mut real);
        // a kind one side logged and the other never did is compared too
        let keys: std::collections::BTreeSet<&String> =
            real.keys().chain(model.client_log.keys()).collect();
        for key in keys {
            let rv = real.get(key).cloned().unwrap_or(Value::Null);
            let mv = model.client_log.get(key).cloned().unwrap_or(Value::Null);
            judge(&format!("client-log/{key}"), &rv, &mv, &tolerances, &mut t);
        }
    }
    // leadership changes: the same sequence, each within its time tolerance
    let real = real_changes(&recording);
    let mut per_tp: BTreeMap<&str, usize> = BTreeMap::new();
    for (tp, leader, epoch, at) in &real {
        let k = per_tp.entry(tp).or_insert(0);
        let model_change = model.changes.iter().filter(|c| &c.0 == tp).nth(*k);
        let key = format!("timeline/{tp}.change{k}");
        let (mv, mat) = match model_change {
            Some((_, l, e, at)) => (json!(format!("leader {l} epoch {e}")), json!(*at)),
            None => (Value::Null, Value::Null),
        };
        judge(
            &key,
            &json!(format!("leader {leader} epoch {epoch}")),
            &mv,
            &tolerances,
            &mut t,
        );
        judge(
            &format!("{key}.at_ms"),
            &json!(at.round()),
            &mat,
            &tolerances,
            &mut t,
        );
        *k += 1;
    }
    judge(
        "timeline/changes",
        &json!(real.len()),
        &json!(model.changes.len()),
        &tolerances,
        &mut t,
    );

    let version = recording["kafka_version"]
        .as_str()
        .unwrap_or("?")
        .to_string();
    println!(
        "{name}: {} of {} observations match Apache Kafka {version}; {} known difference(s)",
        t.matching,
        t.compared,
        t.known.len()
    );
    for k in &t.known {
        println!("    known: {k}");
    }
    total.compared += t.compared;
    total.matching += t.matching;
    total.known.extend(t.known);
    total
        .failures
        .extend(t.failures.into_iter().map(|f| format!("{name}: {f}")));
    version
}

#[test]
fn scenarios_match_apache_kafka_recordings() {
    let dir = oracle_dir();
    let recorded_dir = std::env::var("ORACLE_RECORDED_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|_| dir.join("recorded"));
    let only = std::env::var("ORACLE_ONLY").ok();
    let mut names: Vec<String> = std::fs::read_dir(dir.join("scenarios"))
        .unwrap()
        .filter_map(|e| {
            let p = e.unwrap().path();
            (p.extension()? == "kss").then(|| p.file_stem()?.to_str().map(str::to_string))?
        })
        .filter(|n| only.as_ref().is_none_or(|o| o == n))
        .collect();
    names.sort();
    assert!(!names.is_empty(), "no oracle scenarios");
    let mut total = Tally::default();
    let mut version = String::new();
    for name in &names {
        version = compare_scenario(name, &recorded_dir, &mut total);
    }
    println!(
        "{} of {} observations match Apache Kafka {version} ({} scenarios; {} known differences, docs/FIDELITY.md)",
        total.matching,
        total.compared,
        names.len(),
        total.known.len()
    );
    assert!(
        total.failures.is_empty(),
        "{} observation(s) differ from Apache Kafka {version} beyond their tolerances:\n  {}",
        total.failures.len(),
        total.failures.join("\n  ")
    );
}

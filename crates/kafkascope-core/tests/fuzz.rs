//! Property tests ("never panics"): the scenario parser and runner on arbitrary and mutated
//! input, and random sequences of valid commands applied one by one with the invariants on.
//!
//! Runs are deterministic (proptest's ChaCha runner with a fixed seed; `FUZZ_SEED=N` picks
//! another) and small in CI; `PROPTEST_CASES=N` sets the number of cases. The long run recorded
//! in docs/FAULTS.md:
//! `PROPTEST_CASES=1000000 cargo test --release --test fuzz -- --ignored --nocapture parser`.

// The rules of clippy.toml (VecMap, sim::sort, no wall clock) are the model's; a test may
// use std's collections, sorts and clock.
#![allow(clippy::disallowed_types, clippy::disallowed_methods)]
#![cfg(not(target_arch = "wasm32"))]

use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestCaseError, TestRng, TestRunner};

use kafkascope_core::sim::command::Command;
use kafkascope_core::sim::script::{self, Line};
use kafkascope_core::sim::Simulation;

fn cases(default: u32) -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// A runner with a fixed seed (or `FUZZ_SEED`) and no failure files.
fn runner(default_cases: u32) -> TestRunner {
    let config = Config {
        cases: cases(default_cases),
        failure_persistence: None,
        max_shrink_iters: 2_000,
        ..Config::default()
    };
    let rng = match std::env::var("FUZZ_SEED")
        .ok()
        .and_then(|v| v.parse::<u64>().ok())
    {
        Some(seed) => {
            let mut bytes = [0u8; 32];
            bytes[..8].copy_from_slice(&seed.to_le_bytes());
            TestRng::from_seed(RngAlgorithm::ChaCha, &bytes)
        }
        None => TestRng::deterministic_rng(RngAlgorithm::ChaCha),
    };
    TestRunner::new_with_rng(config, rng)
}

fn run_property<S: Strategy>(
    default_cases: u32,
    strategy: S,
    test: impl Fn(S::Value) -> Result<(), TestCaseError>,
) where
    S::Value: std::fmt::Debug,
{
    if let Err(e) = runner(default_cases).run(&strategy, test) {
        panic!("{e}");
    }
}

/// Scripts that run: the examples a user would start from.
const VALID_SCRIPTS: &[&str] = &[
    "seed 42\ncluster brokers=3 mode=kraft controllers=3 latency=2ms\n\
     topic create orders partitions=3 replication-factor=3 min.insync.replicas=2\n\
     producer create p1 acks=all enable.idempotence=true linger.ms=0\n\
     produce p1 orders key=user-1 value=hello count=10 rate=100/s partition=0\n\
     broker kill 2\nadvance 5s\nbroker start 2\nadvance 2s\n",
    "seed 7\ncluster brokers=4 mode=zookeeper\n\
     topic create t partitions=2 replication-factor=2 unclean.leader.election.enable=true\n\
     producer create p acks=1 linger.ms=5 retries=3\n\
     produce p t count=20\nnetwork isolate 1\nadvance 1s\nnetwork heal 1\n\
     network cut 2 3\nnetwork slow 1 2 200ms\nnetwork drop produce-response count=1\n\
     broker stop 2\nadvance 3s\nnetwork heal\n",
    "# comment\ncluster brokers=3\ntopic create a partitions=1 replication-factor=3\n\
     controller kill\nadvance 3s\ncontroller start 3000\nproducer create q\n\
     produce q a value=\"two words\" count=3\nwait 200ms\nrun 1m\n",
];

/// Tokens that stress number parsing, quoting and name=value splitting.
const NASTY: &[&str] = &[
    "",
    "=",
    "==",
    "x=",
    "=y",
    "\"",
    "\"\"",
    "#",
    "-1",
    "0",
    "-0",
    "1e9",
    "1e309",
    "NaN",
    "inf",
    "-inf",
    "18446744073709551616",
    "9223372036854775808",
    "2147483648",
    "-2147483649",
    "99999999999999999999999",
    "0.5",
    ".",
    "..",
    "5s",
    "5ms",
    "5m",
    "5h",
    "5d",
    "1.5s",
    "-5s",
    "s",
    "ms",
    "0x10",
    "１２",
    "broker-",
    "broker-x",
    "controller-",
    "controller--1",
    "zookeeper",
    "zk",
    "all",
    "true",
    "false",
    "count=0",
    "count=-1",
    "count=18446744073709551616",
    "rate=0/s",
    "rate=-1/s",
    "rate=NaN/s",
    "rate=inf/s",
    "rate=1e400/s",
    "partition=-1",
    "partition=2147483647",
    "replication-factor=-1",
    "partitions=-5",
    "partitions=2147483647",
    "min.insync.replicas=0",
    "acks=2",
    "linger.ms=-1",
    "latency=999999999999h",
    "brokers=0",
    "brokers=101",
    "controllers=0",
    "mode=raft",
    "\u{0}",
    "\u{202e}",
    "🦀",
    "\t",
    "\r",
];

fn nasty() -> impl Strategy<Value = String> {
    prop_oneof![
        proptest::sample::select(NASTY).prop_map(str::to_string),
        "[a-z0-9.=\"#/-]{0,8}",
        any::<String>(),
    ]
}

#[derive(Clone, Debug)]
enum Mutation {
    DeleteChar(usize),
    InsertChar(usize, char),
    ReplaceWord(usize, String),
    InsertWord(usize, String),
    DeleteLine(usize),
    DuplicateLine(usize),
    SwapLines(usize, usize),
    Truncate(usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        any::<usize>().prop_map(Mutation::DeleteChar),
        (any::<usize>(), any::<char>()).prop_map(|(i, c)| Mutation::InsertChar(i, c)),
        (any::<usize>(), nasty()).prop_map(|(i, w)| Mutation::ReplaceWord(i, w)),
        (any::<usize>(), nasty()).prop_map(|(i, w)| Mutation::InsertWord(i, w)),
        any::<usize>().prop_map(Mutation::DeleteLine),
        any::<usize>().prop_map(Mutation::DuplicateLine),
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Mutation::SwapLines(a, b)),
        any::<usize>().prop_map(Mutation::Truncate),
    ]
}

fn apply_mutation(text: &str, m: &Mutation) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let n = lines.len().max(1);
    match m {
        Mutation::DeleteChar(i) if !chars.is_empty() => {
            let i = i % chars.len();
            chars[..i].iter().chain(&chars[i + 1..]).collect()
        }
        Mutation::InsertChar(i, c) => {
            let i = i % (chars.len() + 1);
            let mut v = chars.clone();
            v.insert(i, *c);
            v.into_iter().collect()
        }
        Mutation::ReplaceWord(i, w) | Mutation::InsertWord(i, w) => {
            let mut words: Vec<String> = text.split(' ').map(str::to_string).collect();
            let i = i % words.len();
            if matches!(m, Mutation::ReplaceWord(..)) {
                words[i] = w.clone();
            } else {
                words.insert(i, w.clone());
            }
            words.join(" ")
        }
        Mutation::DeleteLine(i) if !lines.is_empty() => {
            lines.remove(i % n);
            lines.join("\n")
        }
        Mutation::DuplicateLine(i) if !lines.is_empty() => {
            let l = lines[i % n].clone();
            lines.insert(i % n, l);
            lines.join("\n")
        }
        Mutation::SwapLines(a, b) if !lines.is_empty() => {
            lines.swap(a % n, b % n);
            lines.join("\n")
        }
        Mutation::Truncate(i) => chars[..i % (chars.len() + 1)].iter().collect(),
        _ => text.to_string(),
    }
}

fn mutated_script() -> impl Strategy<Value = String> {
    (
        0..VALID_SCRIPTS.len(),
        proptest::collection::vec(mutation(), 1..6),
    )
        .prop_map(|(i, ms)| {
            ms.iter()
                .fold(VALID_SCRIPTS[i].to_string(), |t, m| apply_mutation(&t, m))
        })
}

/// Inputs for the parser: arbitrary text, command-shaped lines, and mutated valid scripts.
fn parser_input() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "(seed|cluster|broker|controller|topic|producer|produce|network|advance|wait|run)( [a-z0-9.=\"#/-]{0,12}){0,6}",
        proptest::collection::vec(nasty(), 0..8).prop_map(|w| w.join(" ")),
        mutated_script(),
    ]
}

/// Whether running a script stays cheap enough for a property test: commands that ask for
/// much simulated time or many records are valid but slow, and are skipped (they are bounded
/// by the limits the bad-input table checks).
fn cheap_to_run(text: &str) -> bool {
    let mut total_ms: u64 = 0;
    for line in text.lines() {
        match script::parse(line) {
            Ok(Some(Line::Command(Command::Advance(ms)))) => total_ms += ms,
            Ok(Some(Line::Command(Command::Produce { count, .. }))) if count > 1_000 => {
                return false
            }
            Ok(Some(Line::Command(Command::NetworkSlow(_, _, ms)))) if ms > 5_000 => return false,
            Ok(Some(Line::Setup(script::Setup::Cluster(pairs))))
                if pairs
                    .iter()
                    .any(|(k, v)| k == "brokers" && v.parse::<u64>().is_ok_and(|n| n > 10)) =>
            {
                return false
            }
            _ => {}
        }
    }
    total_ms <= 120_000
}

/// (a) The parser never panics, on anything.
#[test]
fn parser_never_panics() {
    run_property(4_000, parser_input(), |text| {
        for line in text.lines() {
            let _ = script::parse(line);
            let _ = script::parse_line(line);
        }
        let _ = script::parse(&text);
        Ok(())
    });
}

/// The model's own decimal parser (`sim::decimal`, rates, durations, the page's `?t=`) on
/// arbitrary text and on number-like text: never panics, and reads exactly what
/// `str::parse::<f64>` reads (the same value bit for bit, the same refusals).
#[test]
fn decimal_parser_reads_as_the_standard_one() {
    let numberish = "[-+]?[0-9]{0,30}(\\.[0-9]{0,30})?([eE][-+]?[0-9]{1,4})?|[-+]?(inf|infinity|nan|NaN|INF)|[ 0-9.eE+_-]{0,12}";
    let text = prop_oneof![
        any::<String>(),
        proptest::string::string_regex(numberish).unwrap()
    ];
    run_property(20_000, text, |s| {
        let ours = kafkascope_core::sim::decimal::parse_f64(&s).map(f64::to_bits);
        let std = s.parse::<f64>().ok().map(f64::to_bits);
        prop_assert_eq!(ours, std, "{:?}", s);
        Ok(())
    });
}

/// Kafka tool lines in the console (`sim::kafka_cli`): shell-like splitting, options, here-strings
/// and pipes never panic, and a refused line changes nothing.
#[test]
fn kafka_tool_lines_never_panic() {
    let base = script::run(
        "seed 2\ntopic create t partitions=2 replication-factor=3\nconsumer create c group.id=g topics=t\nadvance 5s",
    )
    .expect("runs");
    let tool_line = prop_oneof![
        "(echo [a-z'\"|<]{0,6} \\| )?(bin/)?(kafka-topics|kafka-consumer-groups|kafka-console-producer)(\\.sh)?( (--bootstrap-server|--create|--describe|--list|--alter|--topic|--partitions|--replication-factor|--config|--group|--members|--state|--property|--producer-property|--if-not-exists|[a-z0-9:=.'\"<|\\\\-]{0,8})){0,10}( <<< [a-z0-9:'\"\\\\ ]{0,8})?",
        any::<String>().prop_map(|s| format!("kafka-topics.sh {s}")),
    ];
    run_property(cases(2_000), tool_line, |line| {
        let mut sim = base.clone();
        let before = sim.report_json();
        if sim.run_console_line(&line).is_err() {
            prop_assert_eq!(
                before,
                sim.report_json(),
                "refused '{}' changed the state",
                line
            );
        }
        Ok(())
    });
}

/// (a) Running mutated scripts never panics, and a script that runs leaves no invariant broken.
#[test]
fn mutated_scripts_run_without_panic() {
    use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
    static RAN: AtomicUsize = AtomicUsize::new(0);
    static REFUSED: AtomicUsize = AtomicUsize::new(0);
    run_property(
        cases(100),
        mutated_script().prop_filter("cheap to run", |t| cheap_to_run(t)),
        |text| {
            match script::run(&text) {
                Ok(sim) => {
                    RAN.fetch_add(1, Relaxed);
                    prop_assert!(
                        sim.invariants.violations.is_empty(),
                        "{:?}",
                        sim.invariants.violations
                    );
                }
                Err(e) => {
                    REFUSED.fetch_add(1, Relaxed);
                    prop_assert!(e.line <= text.lines().count(), "{e}");
                }
            }
            Ok(())
        },
    );
    let (ran, refused) = (RAN.load(Relaxed), REFUSED.load(Relaxed));
    println!("mutated scripts: {ran} ran to the end, {refused} refused with a line number");
    assert!(ran > 0, "no mutated script ran to the end");
}

/// The long parser run (`PROPTEST_CASES=1000000 ... -- --ignored`): the same property as
/// `parser_never_panics`, alone so it can be given a million cases.
#[test]
#[ignore]
fn parser_never_panics_long() {
    let start = std::time::Instant::now();
    let n = cases(1_000_000);
    run_property(n, parser_input(), |text| {
        for line in text.lines() {
            let _ = script::parse(line);
        }
        let _ = script::parse(&text);
        Ok(())
    });
    println!(
        "parser: {n} inputs, no panic, {:.1}s",
        start.elapsed().as_secs_f64()
    );
}

/// One command, with names drawn from what exists (indices are taken modulo the counts).
#[derive(Clone, Debug)]
enum Op {
    TopicCreate {
        partitions: i32,
        rf: i32,
        min_isr: i32,
        unclean: bool,
    },
    ProducerCreate {
        acks: &'static str,
        idempotence: bool,
        linger_ms: u32,
        request_timeout_ms: u32,
    },
    Produce {
        producer: usize,
        topic: usize,
        count: u32,
        key: Option<u8>,
        partition: Option<u8>,
        rate: Option<u32>,
    },
    ProduceStop(usize, Option<usize>),
    BrokerKill(usize),
    BrokerStop(usize),
    BrokerStart(usize),
    BrokerAdd,
    ControllerKill(Option<usize>),
    ControllerStart(usize),
    Isolate(usize),
    Cut(usize, usize),
    Slow(usize, usize, u32),
    Heal(Option<usize>),
    Drop(&'static str, u8),
    Advance(u32),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        1 => (1..5i32, 1..4i32, 1..3i32, any::<bool>()).prop_map(|(partitions, rf, min_isr, unclean)| {
            Op::TopicCreate {
                partitions,
                rf,
                min_isr,
                unclean,
            }
        }),
        1 => (
            proptest::sample::select(&["all", "1", "0"][..]),
            any::<bool>(),
            0..20u32,
            1..5u32
        )
            .prop_map(|(acks, idempotence, linger_ms, t)| Op::ProducerCreate {
                acks,
                idempotence: idempotence && acks == "all",
                linger_ms,
                request_timeout_ms: t * 1_000,
            }),
        3 => (
            any::<usize>(),
            any::<usize>(),
            1..200u32,
            proptest::option::of(0..8u8),
            proptest::option::of(0..4u8),
            proptest::option::of(1..1000u32)
        )
            .prop_map(|(producer, topic, count, key, partition, rate)| Op::Produce {
                producer,
                topic,
                count,
                key,
                partition,
                rate,
            }),
        1 => (any::<usize>(), proptest::option::of(any::<usize>()))
            .prop_map(|(p, t)| Op::ProduceStop(p, t)),
        1 => any::<usize>().prop_map(Op::BrokerKill),
        1 => any::<usize>().prop_map(Op::BrokerStop),
        2 => any::<usize>().prop_map(Op::BrokerStart),
        1 => Just(Op::BrokerAdd),
        1 => proptest::option::of(any::<usize>()).prop_map(Op::ControllerKill),
        1 => any::<usize>().prop_map(Op::ControllerStart),
        1 => any::<usize>().prop_map(Op::Isolate),
        1 => (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Op::Cut(a, b)),
        1 => (any::<usize>(), any::<usize>(), 1..3_000u32).prop_map(|(a, b, ms)| Op::Slow(a, b, ms)),
        1 => proptest::option::of(any::<usize>()).prop_map(Op::Heal),
        1 => (
            proptest::sample::select(
                &[
                    "produce",
                    "produce-response",
                    "fetch",
                    "fetch-response",
                    "metadata",
                    "metadata-update",
                    "alter-partition",
                    "broker-heartbeat"
                ][..]
            ),
            1..4u8
        )
            .prop_map(|(k, n)| Op::Drop(k, n)),
        4 => (1..20_000u32).prop_map(Op::Advance),
    ]
}

/// The scenario line for an operation in the simulation's current state.
fn line_for(sim: &Simulation, op: &Op, topics: &mut usize, producers: &mut usize) -> String {
    let brokers: Vec<i32> = sim.brokers.keys().copied().collect();
    let broker = |i: usize| brokers[i % brokers.len()];
    let voters: Vec<i32> = sim.controller.voters.iter().map(|v| v.id).collect();
    match op {
        Op::TopicCreate {
            partitions,
            rf,
            min_isr,
            unclean,
        } => {
            *topics += 1;
            format!(
                "topic create t{} partitions={partitions} replication-factor={rf} min.insync.replicas={min_isr} unclean.leader.election.enable={unclean}",
                *topics - 1
            )
        }
        Op::ProducerCreate {
            acks,
            idempotence,
            linger_ms,
            request_timeout_ms,
        } => {
            *producers += 1;
            format!(
                "producer create p{} acks={acks} enable.idempotence={idempotence} linger.ms={linger_ms} request.timeout.ms={request_timeout_ms}",
                *producers - 1
            )
        }
        Op::Produce {
            producer,
            topic,
            count,
            key,
            partition,
            rate,
        } => {
            let mut l = format!(
                "produce p{} t{} count={count}",
                producer % (*producers).max(1),
                topic % (*topics).max(1)
            );
            if let Some(k) = key {
                l.push_str(&format!(" key=k{k}"));
            }
            if let Some(p) = partition {
                l.push_str(&format!(" partition={p}"));
            }
            if let Some(r) = rate {
                l.push_str(&format!(" rate={r}/s"));
            }
            l
        }
        Op::ProduceStop(p, t) => {
            let mut l = format!("produce stop p{}", p % (*producers).max(1));
            if let Some(t) = t {
                l.push_str(&format!(" t{}", t % (*topics).max(1)));
            }
            l
        }
        Op::BrokerKill(i) => format!("broker kill {}", broker(*i)),
        Op::BrokerStop(i) => format!("broker stop {}", broker(*i)),
        Op::BrokerStart(i) => format!("broker start {}", broker(*i)),
        Op::BrokerAdd => "broker add".to_string(),
        Op::ControllerKill(None) => "controller kill".to_string(),
        Op::ControllerKill(Some(i)) if !voters.is_empty() => {
            format!("controller kill {}", voters[i % voters.len()])
        }
        Op::ControllerStart(i) if !voters.is_empty() => {
            format!("controller start {}", voters[i % voters.len()])
        }
        Op::ControllerKill(_) | Op::ControllerStart(_) => "controller kill".to_string(),
        Op::Isolate(i) => format!("network isolate {}", broker(*i)),
        Op::Cut(a, b) => format!("network cut {} {}", broker(*a), broker(*b)),
        Op::Slow(a, b, ms) => format!("network slow {} {} {ms}ms", broker(*a), broker(*b)),
        Op::Heal(None) => "network heal".to_string(),
        Op::Heal(Some(i)) => format!("network heal {}", broker(*i)),
        Op::Drop(kind, n) => format!("network drop {kind} count={n}"),
        Op::Advance(ms) => format!("advance {ms}ms"),
    }
}

/// (b) Random sequences of valid commands, applied one at a time: no panic, no per-event
/// invariant violation, and a refused command changes nothing.
#[test]
fn random_valid_commands_never_panic_or_break_invariants() {
    use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
    // Not vacuous: across the cases, commands are accepted and records acknowledged.
    static ACCEPTED: AtomicUsize = AtomicUsize::new(0);
    static ACKED: AtomicUsize = AtomicUsize::new(0);
    let setup = (any::<u64>(), 1..6usize, any::<bool>(), 1..4usize);
    run_property(
        cases(64),
        (
            setup,
            proptest::collection::vec(op(), 1..40),
            (1..4i32, 1..3i32),
        ),
        |((seed, brokers, kraft, controllers), random_ops, (partitions, rf))| {
            // Every sequence starts with a topic and a producer, so that produces can land.
            let mut ops = vec![
                Op::TopicCreate {
                    partitions,
                    rf: rf.min(brokers as i32),
                    min_isr: 1,
                    unclean: false,
                },
                Op::ProducerCreate {
                    acks: "all",
                    idempotence: true,
                    linger_ms: 0,
                    request_timeout_ms: 3_000,
                },
            ];
            ops.extend(random_ops);
            let mode = if kraft { "kraft" } else { "zookeeper" };
            let mut sim = script::run(&format!(
                "seed {seed}\ncluster brokers={brokers} mode={mode} controllers={controllers}\n"
            ))
            .map_err(|e| TestCaseError::fail(e.to_string()))?;
            let (mut topics, mut producers) = (0, 0);
            let mut lines = Vec::new();
            for (i, op) in ops.iter().enumerate() {
                let (t, p) = (topics, producers);
                let line = line_for(&sim, op, &mut topics, &mut producers);
                // Checking "refused changes nothing" on every command would dominate the run
                // time: do it on every fourth.
                let before = (i % 4 == 0).then(|| sim.report_json());
                let result = sim.apply_line(&line);
                lines.push(line.clone());
                if let Err(e) = &result {
                    (topics, producers) = (t, p);
                    prop_assert!(!e.message.is_empty(), "{line}: an error says why");
                    if let Some(before) = before {
                        prop_assert_eq!(
                            before,
                            sim.report_json(),
                            "refused '{}' changed the state",
                            line
                        );
                    }
                }
                if result.is_ok() {
                    ACCEPTED.fetch_add(1, Relaxed);
                }
                prop_assert!(
                    sim.invariants.violations.is_empty(),
                    "after {:?}: {:?}",
                    lines,
                    sim.invariants.violations
                );
            }
            ACKED.fetch_add(sim.producers.iter().map(|p| p.acked.len()).sum(), Relaxed);
            Ok(())
        },
    );
    println!(
        "random commands: {} accepted, {} records acknowledged",
        ACCEPTED.load(Relaxed),
        ACKED.load(Relaxed)
    );
    assert!(
        ACCEPTED.load(Relaxed) > 100,
        "{ACCEPTED:?} commands accepted"
    );
    assert!(ACKED.load(Relaxed) > 0, "no record acknowledged");
}

// ---------------------------------------------------------------------------------------------
// The share-link decoder and the scenario-file importer (the page's inputs from outside).

use kafkascope_core::sim::base64;
use kafkascope_core::timeline::{link, scenario, Player};

/// Share links of real runs: a few commands, steps between events of one millisecond, a moment
/// in the past.
fn sample_links() -> Vec<String> {
    let mut out = Vec::new();
    let mut p = scenario::import(
        "seed 3\ncluster brokers=3\ntopic create orders partitions=3 replication-factor=3\n\
         producer create p1 linger.ms=0\nproduce p1 orders key=a count=20 rate=100/s\nadvance 300ms\n\
         step 3\nbroker kill 2\nadvance 2s\nconsumer create c1 group.id=g topics=orders\nadvance 1s",
    )
    .expect("the sample runs");
    out.push(link::encode(p.timeline(), p.cursor()));
    p.seek_ms(1_000);
    out.push(link::encode(p.timeline(), p.cursor()));
    let q = scenario::import("seed 9\ncluster brokers=1 mode=zookeeper\nadvance 1s").unwrap();
    out.push(link::encode(q.timeline(), q.cursor()));
    out
}

#[derive(Clone, Debug)]
enum ByteMutation {
    Flip(usize, u8),
    Insert(usize, u8),
    Delete(usize),
    Truncate(usize),
    /// A 10-byte varint of all ones (the largest numbers).
    Huge(usize),
}

fn byte_mutation() -> impl Strategy<Value = ByteMutation> {
    prop_oneof![
        (any::<usize>(), any::<u8>()).prop_map(|(i, b)| ByteMutation::Flip(i, b)),
        (any::<usize>(), any::<u8>()).prop_map(|(i, b)| ByteMutation::Insert(i, b)),
        any::<usize>().prop_map(ByteMutation::Delete),
        any::<usize>().prop_map(ByteMutation::Truncate),
        any::<usize>().prop_map(ByteMutation::Huge),
    ]
}

fn mutate_bytes(mut v: Vec<u8>, m: &ByteMutation) -> Vec<u8> {
    let n = v.len().max(1);
    match m {
        ByteMutation::Flip(i, b) if !v.is_empty() => v[i % n] ^= b | 1,
        ByteMutation::Insert(i, b) => v.insert(i % (v.len() + 1), *b),
        ByteMutation::Delete(i) if !v.is_empty() => {
            v.remove(i % n);
        }
        ByteMutation::Truncate(i) => v.truncate(i % n),
        ByteMutation::Huge(i) => {
            let at = i % (v.len() + 1);
            v.splice(at..at, [0xff; 9].into_iter().chain([0x7f]));
        }
        _ => {}
    }
    v
}

/// Inputs for the decoder: anything; `1` plus base64url; real links with characters changed;
/// and real links' payloads mutated with the checksum made right again, so the mutation reaches
/// the fields behind it.
fn link_input(samples: Vec<String>) -> impl Strategy<Value = String> {
    let n = samples.len();
    let samples = std::sync::Arc::new(samples);
    let (s1, s2) = (samples.clone(), samples);
    prop_oneof![
        any::<String>(),
        "[12][A-Za-z0-9_-]{0,80}",
        (0..n, proptest::collection::vec(mutation(), 1..4))
            .prop_map(move |(i, ms)| ms.iter().fold(s1[i].clone(), |t, m| apply_mutation(&t, m))),
        (0..n, proptest::collection::vec(byte_mutation(), 1..5)).prop_map(move |(i, ms)| {
            let mut bytes = base64::decode(&s2[i][1..]).expect("a sample link");
            bytes.truncate(bytes.len() - 4);
            let mut payload = ms.iter().fold(bytes, mutate_bytes);
            let sum = link::checksum(&payload);
            payload.extend_from_slice(&sum.to_le_bytes());
            format!("{}{}", &s2[i][..1], base64::encode(&payload))
        }),
    ]
}

/// Decodes (and when cheap replays) a link: never panics; what decodes is encoded again to a
/// link of the same run (not always the same characters: a packed text or a number may be
/// written in more than one way).
fn check_link(value: &str, decoded: &std::sync::atomic::AtomicUsize) -> Result<(), TestCaseError> {
    if let Ok(shared) = link::decode(value) {
        decoded.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let again = link::decode(&link::encode_by_model(
            &shared.timeline,
            shared.at,
            shared.model,
        ));
        prop_assert_eq!(again.as_ref(), Ok(&shared));
        if shared.timeline.end.events <= 5_000 && shared.timeline.entries.len() <= 50 {
            let _ = Player::replay(&shared.timeline, shared.at);
        }
    }
    Ok(())
}

/// The share-link decoder never panics (nor does replaying what it accepts).
#[test]
fn share_link_decoder_never_panics() {
    use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
    static DECODED: AtomicUsize = AtomicUsize::new(0);
    run_property(2_000, link_input(sample_links()), |value| {
        check_link(&value, &DECODED)
    });
    println!("share links: {} decoded", DECODED.load(Relaxed));
    assert!(DECODED.load(Relaxed) > 0, "some mutated links still decode");
}

/// The long decoder run (`PROPTEST_CASES=1000000 ... -- --ignored share_link`).
#[test]
#[ignore]
fn share_link_decoder_never_panics_long() {
    use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
    static DECODED: AtomicUsize = AtomicUsize::new(0);
    let start = std::time::Instant::now();
    let n = cases(1_000_000);
    run_property(n, link_input(sample_links()), |value| {
        check_link(&value, &DECODED)
    });
    println!(
        "share links: {n} inputs, {} decoded, no panic, {:.0?}",
        DECODED.load(Relaxed),
        start.elapsed()
    );
}

/// Events an imported file may run in the property tests (a real import allows 20,000,000).
const FUZZ_IMPORT_EVENTS: u64 = 3_000;

/// Imports a file: never panics; an error names a line of the file.
fn check_import(text: &str, ran: &std::sync::atomic::AtomicUsize) -> Result<(), TestCaseError> {
    match scenario::import_limited(text, FUZZ_IMPORT_EVENTS) {
        Ok(p) => {
            ran.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            prop_assert!(p.sim().invariants.violations.is_empty());
        }
        Err(e) => prop_assert!(e.line <= text.lines().count(), "{e}"),
    }
    Ok(())
}

/// The scenario-file importer never panics, on anything.
#[test]
fn scenario_importer_never_panics() {
    use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
    static RAN: AtomicUsize = AtomicUsize::new(0);
    run_property(300, parser_input(), |text| check_import(&text, &RAN));
    println!("imported files: {} ran", RAN.load(Relaxed));
    assert!(RAN.load(Relaxed) > 0);
}

/// The long importer run (`PROPTEST_CASES=1000000 ... -- --ignored scenario_importer`).
#[test]
#[ignore]
fn scenario_importer_never_panics_long() {
    use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
    static RAN: AtomicUsize = AtomicUsize::new(0);
    let start = std::time::Instant::now();
    let n = cases(1_000_000);
    run_property(n, parser_input(), |text| check_import(&text, &RAN));
    println!(
        "imported files: {n} inputs, {} ran, the others refused with a line number, {:.0?}",
        RAN.load(Relaxed),
        start.elapsed()
    );
}

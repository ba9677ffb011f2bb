//! Seeded fault schedules (in the spirit of Jepsen and TigerBeetle's VOPR): from a seed, a random
//! cluster, topics, producers of one configuration class, and a schedule of faults, produce
//! bursts and advances, written as scenario-language text. A failing schedule prints its seed and
//! the exact script, which `kafka-sim run FILE` replays.
//!
//! The schedule is generated while it runs: each line is chosen from the state the simulation is
//! in (which brokers are up, who leads what), then applied. The simulation is deterministic, so
//! the seed gives the same script every time, and the script alone replays the same run.
//!
//! At the end the cluster is healed and settled (every fault healed, every controller and broker
//! started, long advances), then the class's checks run (see `docs/FAULTS.md`):
//!
//! | class        | configuration                                     | must hold                          |
//! |--------------|---------------------------------------------------|------------------------------------|
//! | `durable`    | acks=all, RF=3, min.insync.replicas=2, clean only | no acknowledged record lost        |
//! | `idempotent` | enable.idempotence=true (acks=all), RF 2-3        | no record committed twice (1)      |
//! | `acks1`      | acks=1, RF 2-3                                    | (losses Kafka allows are counted)  |
//! | `unclean`    | unclean.leader.election.enable=true               | (losses Kafka allows are counted)  |
//!
//! (1) With faults that keep each producer connection in order (see `in_order_client_paths`);
//! records the producer re-sent under a newer epoch after OUT_OF_ORDER_SEQUENCE_NUMBER, as the
//! Java client does, are counted apart (`DuplicateKind::Resequenced`), not failed.
//!
//! Every class: no panic, no per-event invariant violation, no end-of-run violation (committed
//! logs agree; no loss where Kafka promises durability), and no generated command refused.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::panic::{catch_unwind, AssertUnwindSafe};

use super::broker::BrokerState;
use super::rng::SplitMix64;
use super::{script, Simulation, TopicPartition};

/// A configuration class: what the producers and topics look like, and what must hold.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FaultClass {
    /// acks=all, RF=3, min.insync.replicas=2, unclean election off: nothing acknowledged is lost.
    Durable,
    /// Idempotent producers (acks=all): no record is committed twice.
    Idempotent,
    /// acks=1: an acknowledged record may be lost when a leader dies before replicating it.
    Acks1,
    /// Unclean leader election on: an out-of-sync replica may lead and lose records.
    Unclean,
}

impl FaultClass {
    pub const ALL: [FaultClass; 4] = [
        FaultClass::Durable,
        FaultClass::Idempotent,
        FaultClass::Acks1,
        FaultClass::Unclean,
    ];

    pub fn name(self) -> &'static str {
        match self {
            FaultClass::Durable => "durable",
            FaultClass::Idempotent => "idempotent",
            FaultClass::Acks1 => "acks1",
            FaultClass::Unclean => "unclean",
        }
    }

    pub fn parse(s: &str) -> Option<FaultClass> {
        FaultClass::ALL.into_iter().find(|c| c.name() == s)
    }

    /// Whether this class promises that no acknowledged record is lost.
    pub fn promises_durability(self) -> bool {
        self == FaultClass::Durable
    }

    /// Whether this class promises that no record is committed twice.
    pub fn promises_no_duplicates(self) -> bool {
        self == FaultClass::Idempotent
    }

    /// Mixed into the seed so the classes do not share clusters.
    fn salt(self) -> u64 {
        match self {
            FaultClass::Durable => 0x0d0d_0001,
            FaultClass::Idempotent => 0x1d1d_0002,
            FaultClass::Acks1 => 0xac51_0003,
            FaultClass::Unclean => 0x0c1e_0004,
        }
    }
}

/// A finished schedule: its script and the simulation it left.
pub struct Schedule {
    pub seed: u64,
    pub class: FaultClass,
    pub script: String,
    pub sim: Simulation,
    /// After the settle phase every broker ran, every partition had a leader and no producer had
    /// records pending (a liveness observation; not asserted).
    pub settled: bool,
}

/// What one schedule showed.
#[derive(Clone, Debug)]
pub struct Outcome {
    pub seed: u64,
    pub class: FaultClass,
    pub script: String,
    /// Broken promises of this class (empty when the schedule passed).
    pub failures: Vec<String>,
    /// Acknowledged records no longer in their partition's log (allowed or not).
    pub lost: usize,
    /// Records committed more than once in a partition (same value twice).
    pub duplicates: usize,
    /// Of those, records an idempotent producer re-sent under a newer epoch (see `DuplicateKind`).
    pub resequenced: usize,
    pub settled: bool,
    pub acknowledged: usize,
}

impl Outcome {
    /// The text printed for a failing schedule: what broke and the script that replays it.
    pub fn replay_text(&self) -> String {
        let mut s = format!(
            "fault schedule seed={} class={} failed:\n",
            self.seed,
            self.class.name()
        );
        for f in &self.failures {
            let _ = writeln!(s, "  - {f}");
        }
        let _ = write!(
            s,
            "replay: save the script below to a file and run `kafka-sim run --trace FILE`\n\
             (or regenerate it with `kafka-sim faults --class {} --seed {} --script`)\n\
             ---- script ----\n{}---- end ----\n",
            self.class.name(),
            self.seed,
            self.script
        );
        s
    }
}

/// Counts over many schedules.
#[derive(Clone, Debug, Default)]
pub struct Summary {
    pub schedules: usize,
    /// Schedules that broke a promise of their class.
    pub failed: usize,
    pub schedules_with_loss: usize,
    pub lost_records: usize,
    pub schedules_with_duplicates: usize,
    pub duplicate_records: usize,
    /// Schedules where an idempotent producer re-sent a written record under a newer epoch.
    pub schedules_with_resequenced: usize,
    pub unsettled: usize,
    pub acknowledged: usize,
    /// The first failing outcomes (at most 5), for printing.
    pub first_failures: Vec<Outcome>,
}

impl Summary {
    fn add(&mut self, o: Outcome) {
        self.schedules += 1;
        self.acknowledged += o.acknowledged;
        if o.lost > 0 {
            self.schedules_with_loss += 1;
            self.lost_records += o.lost;
        }
        if o.duplicates > 0 {
            self.schedules_with_duplicates += 1;
            self.duplicate_records += o.duplicates;
        }
        if o.resequenced > 0 {
            self.schedules_with_resequenced += 1;
        }
        if !o.settled {
            self.unsettled += 1;
        }
        if !o.failures.is_empty() {
            self.failed += 1;
            if self.first_failures.len() < 5 {
                self.first_failures.push(o);
            }
        }
    }

    pub fn to_json(&self, class: FaultClass, first_seed: u64, seconds: Option<f64>) -> String {
        let failing: Vec<String> = self
            .first_failures
            .iter()
            .map(|o| o.seed.to_string())
            .collect();
        let mut s = format!(
            "{{\"class\": \"{}\", \"first_seed\": {first_seed}, \"schedules\": {}, \"failed\": {}, \"failing_seeds\": [{}], \"schedules_with_loss\": {}, \"lost_records\": {}, \"schedules_with_duplicates\": {}, \"duplicate_records\": {}, \"schedules_with_resequenced\": {}, \"unsettled\": {}, \"acknowledged_records\": {}",
            class.name(),
            self.schedules,
            self.failed,
            failing.join(", "),
            self.schedules_with_loss,
            self.lost_records,
            self.schedules_with_duplicates,
            self.duplicate_records,
            self.schedules_with_resequenced,
            self.unsettled,
            self.acknowledged
        );
        if let Some(secs) = seconds {
            let _ = write!(s, ", \"seconds\": {secs:.1}");
        }
        s.push('}');
        s
    }
}

fn pick<T: Copy>(rng: &mut SplitMix64, items: &[T]) -> T {
    items[rng.below(items.len() as u64) as usize]
}

fn chance(rng: &mut SplitMix64, percent: u64) -> bool {
    rng.below(100) < percent
}

fn range(rng: &mut SplitMix64, lo: u64, hi: u64) -> u64 {
    lo + rng.below(hi - lo + 1)
}

/// Writes a schedule's lines and applies each to the simulation.
struct Writer<'a> {
    script: &'a mut String,
    sim: Option<Simulation>,
    echo: bool,
}

impl Writer<'_> {
    fn header(&mut self, line: String) {
        self.push_text(&line);
    }

    fn push_text(&mut self, line: &str) {
        self.script.push_str(line);
        self.script.push('\n');
        if self.echo {
            println!("{line}");
        }
    }

    fn sim(&mut self) -> &mut Simulation {
        self.sim.as_mut().expect("started")
    }

    fn start(&mut self) -> Result<(), String> {
        let sim =
            script::run(self.script).map_err(|e| format!("the generated setup failed: {e}"))?;
        self.sim = Some(sim);
        Ok(())
    }

    /// Appends a command line and applies it: a refusal is a failure (the generator only writes
    /// commands that are valid in the current state).
    fn cmd(&mut self, line: String) -> Result<(), String> {
        self.push_text(&line);
        self.sim()
            .apply_line(&line)
            .map_err(|e| format!("the generated command '{line}' was refused: {e}"))
    }
}

/// Generates and runs a schedule. The script is written into `script` line by line as it is
/// chosen, so it is there even if the simulation panics halfway (`echo` also prints each line).
/// An `Err` says a generated command was refused.
pub fn generate_into(
    seed: u64,
    class: FaultClass,
    script: &mut String,
    echo: bool,
) -> Result<(Simulation, bool), String> {
    let mut rng = SplitMix64::new(seed ^ class.salt());
    let mut w = Writer {
        script,
        sim: None,
        echo,
    };
    w.header(format!(
        "# kafkascope fault schedule: seed={seed} class={}",
        class.name()
    ));

    // ---- the cluster ---------------------------------------------------------------------
    let brokers = range(&mut rng, 3, 6) as i32;
    let kraft = chance(&mut rng, 65);
    let controllers = pick(&mut rng, &[1u64, 3, 3, 3, 5]);
    let latency = range(&mut rng, 1, 5);
    let lag = pick(&mut rng, &["10s", "30s", "30s"]);
    w.header(format!("seed {}", rng.next_u64() >> 1));
    let mut cluster = format!(
        "cluster brokers={brokers} mode={} latency={latency}ms replica.lag.time.max.ms={lag}",
        if kraft { "kraft" } else { "zookeeper" }
    );
    if kraft {
        let _ = write!(
            cluster,
            " controllers={controllers} broker.session.timeout.ms={}",
            pick(&mut rng, &["6s", "9s", "9s"])
        );
    } else {
        let _ = write!(
            cluster,
            " zookeeper.session.timeout.ms={}",
            pick(&mut rng, &["6s", "18s", "18s"])
        );
    }
    w.header(cluster);
    w.start()?;

    // ---- topics ----------------------------------------------------------------------------
    let topics = range(&mut rng, 1, 3);
    let mut topic_names = Vec::new();
    for t in 0..topics {
        let name = format!("t{t}");
        let partitions = range(&mut rng, 1, 4);
        let (rf, min_isr, unclean) = match class {
            FaultClass::Durable => (3, 2, false),
            FaultClass::Idempotent => (range(&mut rng, 2, 3), range(&mut rng, 1, 2), false),
            FaultClass::Acks1 => (range(&mut rng, 2, 3), range(&mut rng, 1, 2), false),
            FaultClass::Unclean => (range(&mut rng, 2, 3), range(&mut rng, 1, 2), true),
        };
        w.cmd(format!(
            "topic create {name} partitions={partitions} replication-factor={rf} min.insync.replicas={min_isr} unclean.leader.election.enable={unclean}"
        ))?;
        topic_names.push((name, partitions as i32));
    }

    // ---- producers -------------------------------------------------------------------------
    let producers = range(&mut rng, 1, 3);
    let mut producer_names = Vec::new();
    for p in 0..producers {
        let name = format!("p{p}");
        let acks = match class {
            FaultClass::Durable | FaultClass::Idempotent => "all",
            FaultClass::Acks1 => "1",
            FaultClass::Unclean => pick(&mut rng, &["all", "1"]),
        };
        let idempotence = match class {
            FaultClass::Idempotent => true,
            FaultClass::Durable => chance(&mut rng, 50),
            FaultClass::Acks1 | FaultClass::Unclean => false,
        };
        let linger = pick(&mut rng, &[0u64, 0, 5, 20]);
        let request_timeout = pick(&mut rng, &[1_000u64, 3_000, 10_000, 30_000]);
        let delivery_timeout =
            (linger + request_timeout).max(pick(&mut rng, &[5_000u64, 30_000, 120_000]));
        let in_flight = range(&mut rng, 1, 5);
        let mut line = format!(
            "producer create {name} acks={acks} enable.idempotence={idempotence} linger.ms={linger} request.timeout.ms={request_timeout} delivery.timeout.ms={delivery_timeout} max.in.flight.requests.per.connection={in_flight}"
        );
        if chance(&mut rng, 30) {
            let _ = write!(line, " retries={}", range(&mut rng, 1, 10));
        }
        if chance(&mut rng, 30) {
            let _ = write!(
                line,
                " retry.backoff.ms={}",
                pick(&mut rng, &[10u64, 100, 1000])
            );
        }
        if chance(&mut rng, 20) {
            let _ = write!(line, " batch.size={}", pick(&mut rng, &[100u64, 1000]));
        }
        w.cmd(line)?;
        producer_names.push(name);
    }
    w.cmd("advance 1s".into())?;

    // ---- the schedule ------------------------------------------------------------------------
    let events = range(&mut rng, 12, 36);
    for _ in 0..events {
        let lines = next_event(
            &mut rng,
            w.sim(),
            class,
            &topic_names,
            &producer_names,
            kraft,
        );
        for line in lines {
            w.cmd(line)?;
        }
    }

    // ---- heal and settle -------------------------------------------------------------------------
    w.cmd("network heal".into())?;
    let dead_voters: Vec<i32> = w
        .sim()
        .controller
        .voters
        .iter()
        .filter(|v| !v.alive)
        .map(|v| v.id)
        .collect();
    for v in dead_voters {
        w.cmd(format!("controller start {v}"))?;
    }
    let mut settled = false;
    for _ in 0..8 {
        let down: Vec<i32> = w
            .sim()
            .brokers
            .values()
            .filter(|b| b.state != BrokerState::Running)
            .map(|b| b.id)
            .collect();
        for b in down {
            w.cmd(format!("broker start {b}"))?;
        }
        w.cmd("advance 20s".into())?;
        if is_settled(w.sim()) {
            settled = true;
            break;
        }
    }
    w.cmd("advance 30s".into())?;
    let sim = w.sim.take().expect("started");
    Ok((sim, settled))
}

/// Every broker runs (none shutting down), every partition has a leader that acts as leader
/// (its process leads the partition in that epoch), no producer has records pending.
fn is_settled(sim: &Simulation) -> bool {
    let served = |tp: TopicPartition, leader: Option<i32>, epoch: i32| {
        leader.is_some_and(|l| {
            sim.brokers.get(&l).is_some_and(|b| {
                b.state == BrokerState::Running
                    && b.replicas
                        .get(&tp)
                        .is_some_and(|r| r.leading.is_some() && r.leader_epoch == epoch)
            })
        })
    };
    sim.brokers
        .values()
        .all(|b| b.state == BrokerState::Running && !b.shutting_down)
        && sim.metadata.topics.values().all(|t| {
            t.partitions.iter().enumerate().all(|(i, p)| {
                served(
                    TopicPartition::new(t.name.clone(), i as i32),
                    p.leader,
                    p.leader_epoch,
                )
            })
        })
        && sim.producers.iter().all(|p| p.pending_records() == 0)
}

/// The leader of a random partition, as the controller has it.
fn some_leader(rng: &mut SplitMix64, sim: &Simulation) -> Option<(TopicPartition, i32)> {
    let all: Vec<(TopicPartition, i32)> = sim
        .metadata
        .topics
        .values()
        .flat_map(|t| {
            t.partitions.iter().enumerate().filter_map(|(i, p)| {
                p.leader
                    .map(|l| (TopicPartition::new(t.name.clone(), i as i32), l))
            })
        })
        .collect();
    if all.is_empty() {
        None
    } else {
        Some(all[rng.below(all.len() as u64) as usize].clone())
    }
}

/// Which faults a class's schedules use.
///
/// The simulated network loses single messages (a drop rule, or anything sent across an
/// isolated or cut link) while later messages on the same path still arrive. TCP never does
/// that: a lost segment is retransmitted or the connection breaks, failing every request in
/// flight on it. Kafka's idempotent producer relies on that per-connection order (it is why
/// max.in.flight.requests.per.connection <= 5 matches the 5 batches a broker remembers, I3), so
/// the `idempotent` class keeps producer<->broker paths in order: processes die and restart
/// (connections reset), brokers are cut off from each other and from the controllers, but no
/// single produce request or response is lost or overtaken. The other classes use every fault.
fn in_order_client_paths(class: FaultClass) -> bool {
    class == FaultClass::Idempotent
}

/// Chooses the next event from the current state: only commands valid now (one or more lines).
fn next_event(
    rng: &mut SplitMix64,
    sim: &Simulation,
    class: FaultClass,
    topics: &[(String, i32)],
    producers: &[String],
    kraft: bool,
) -> Vec<String> {
    let ids = |f: &dyn Fn(&BrokerState) -> bool| -> Vec<i32> {
        sim.brokers
            .values()
            .filter(|b| f(&b.state))
            .map(|b| b.id)
            .collect()
    };
    let running = ids(&|s| *s == BrokerState::Running);
    let down = ids(&|s| *s != BrokerState::Running);
    let all_brokers: Vec<i32> = sim.brokers.keys().copied().collect();
    let voters: Vec<i32> = sim.controller.voters.iter().map(|v| v.id).collect();
    let alive_voters: Vec<i32> = sim
        .controller
        .voters
        .iter()
        .filter(|v| v.alive)
        .map(|v| v.id)
        .collect();
    let dead_voters: Vec<i32> = sim
        .controller
        .voters
        .iter()
        .filter(|v| !v.alive)
        .map(|v| v.id)
        .collect();
    let producer_names: Vec<&str> = producers.iter().map(String::as_str).collect();
    let in_order = in_order_client_paths(class);
    let on = |yes: bool, w: u64| if yes { w } else { 0 };
    // Keep at least one broker up: faults pile up otherwise and nothing happens.
    let may_take_down = running.len() > 1;
    // Weighted menu: (weight, kind).
    let menu: [(u64, u8); 17] = [
        (10, 0),                                        // produce
        (8, 1),                                         // advance
        (on(may_take_down, 3), 2),                      // broker kill
        (on(may_take_down, 2), 3),                      // broker stop (controlled shutdown)
        (on(!down.is_empty(), 5), 4),                   // broker start
        (on(may_take_down, 3), 5),                      // kill a partition leader
        (on(!in_order, 3), 6),                          // isolate a broker from everything
        (3, 7),                                         // cut a leader from a follower
        (on(!in_order, 1), 8),                          // cut a client link
        (on(!in_order, 2), 9),                          // slow a client link
        (3, 10),                                        // heal one node
        (1, 11),                                        // heal all
        (on(!in_order, 3), 12),                         // drop produce responses
        (2, 13),                                        // drop replication messages (or requests)
        (on(kraft && !alive_voters.is_empty(), 2), 14), // controller kill
        (on(kraft && !dead_voters.is_empty(), 3), 15),  // controller start
        (3, 16), // cut a broker (often a leader) off from the cluster but not from clients
    ];
    let total: u64 = menu.iter().map(|m| m.0).sum();
    let mut x = rng.below(total);
    let mut kind = 0;
    for (weight, k) in menu {
        if x < weight {
            kind = k;
            break;
        }
        x -= weight;
    }
    let one = |s: String| vec![s];
    match kind {
        0 => {
            let p = pick(rng, &producer_names);
            let (topic, partitions) = &topics[rng.below(topics.len() as u64) as usize];
            let count = pick(rng, &[1u64, 5, 20, 100, 300]);
            let mut line = format!("produce {p} {topic} count={count}");
            match rng.below(4) {
                0 => {
                    let _ = write!(line, " key=k{}", rng.below(8));
                }
                1 => {
                    let _ = write!(line, " partition={}", rng.below(*partitions as u64));
                }
                _ => {}
            }
            if count > 1 && chance(rng, 50) {
                let _ = write!(line, " rate={}/s", pick(rng, &[10u64, 50, 200, 1000]));
            }
            one(line)
        }
        1 => {
            let ms = match rng.below(10) {
                0..=3 => range(rng, 1, 50),
                4..=7 => range(rng, 100, 5_000),
                _ => range(rng, 10_000, 45_000),
            };
            one(format!("advance {ms}ms"))
        }
        2 => one(format!("broker kill {}", pick(rng, &running))),
        3 => one(format!("broker stop {}", pick(rng, &running))),
        4 => one(format!("broker start {}", pick(rng, &down))),
        5 => match some_leader(rng, sim).filter(|(_, l)| running.contains(l)) {
            Some((_, l)) => one(format!("broker kill {l}")),
            None => one(format!("broker kill {}", pick(rng, &running))),
        },
        6 => one(format!("network isolate {}", pick(rng, &all_brokers))),
        7 => {
            // Cut a partition's leader off from one follower (the classic acks=1 loss setup).
            let leader = some_leader(rng, sim).and_then(|(tp, l)| {
                let replicas =
                    &sim.metadata.topics[&tp.topic].partitions[tp.partition as usize].replicas;
                let followers: Vec<i32> = replicas.iter().copied().filter(|&b| b != l).collect();
                (!followers.is_empty()).then(|| (l, pick(rng, &followers)))
            });
            match leader {
                Some((l, f)) => one(format!("network cut {l} {f}")),
                None => {
                    let a = pick(rng, &all_brokers);
                    let others: Vec<i32> =
                        all_brokers.iter().copied().filter(|&b| b != a).collect();
                    one(format!("network cut {a} {}", pick(rng, &others)))
                }
            }
        }
        8 => {
            let b = pick(rng, &all_brokers);
            let p = pick(rng, &producer_names);
            if chance(rng, 70) {
                one(format!("network cut {p} {b}"))
            } else {
                one(format!("network isolate {p}"))
            }
        }
        9 => {
            let a = pick(rng, &all_brokers);
            let others: Vec<i32> = all_brokers.iter().copied().filter(|&b| b != a).collect();
            let ms = pick(rng, &[20u64, 100, 500, 3_000]);
            if chance(rng, 70) {
                one(format!("network slow {a} {} {ms}ms", pick(rng, &others)))
            } else {
                one(format!(
                    "network slow {} {a} {ms}ms",
                    pick(rng, &producer_names)
                ))
            }
        }
        10 => {
            if chance(rng, 80) {
                one(format!("network heal {}", pick(rng, &all_brokers)))
            } else {
                one(format!("network heal {}", pick(rng, &producer_names)))
            }
        }
        11 => one("network heal".to_string()),
        12 => {
            let mut line = format!("network drop produce-response count={}", range(rng, 1, 3));
            if chance(rng, 30) {
                let _ = write!(line, " to={}", pick(rng, &producer_names));
            }
            one(line)
        }
        13 => {
            let kinds: &[&str] = if in_order {
                &["fetch", "fetch-response"]
            } else {
                &["produce", "fetch", "fetch-response", "metadata-response"]
            };
            one(format!(
                "network drop {} count={}",
                pick(rng, kinds),
                range(rng, 1, 4)
            ))
        }
        14 => {
            if chance(rng, 60) && sim.controller.active.is_some() {
                one("controller kill".to_string())
            } else {
                one(format!("controller kill {}", pick(rng, &alive_voters)))
            }
        }
        15 => one(format!("controller start {}", pick(rng, &dead_voters))),
        16 => {
            // Jepsen's "partition the leader": cut from every other broker and from the
            // controllers (or ZooKeeper), still reachable by clients.
            let b = match some_leader(rng, sim) {
                Some((_, l)) if chance(rng, 70) => l,
                _ => pick(rng, &all_brokers),
            };
            let mut lines: Vec<String> = all_brokers
                .iter()
                .filter(|&&o| o != b)
                .map(|o| format!("network cut {b} {o}"))
                .collect();
            if kraft {
                lines.extend(
                    voters
                        .iter()
                        .map(|v| format!("network cut {b} controller-{v}")),
                );
            } else {
                lines.push(format!("network cut {b} zookeeper"));
            }
            lines
        }
        _ => unreachable!("menu kinds are 0..=16"),
    }
}

/// How a record came to be committed twice.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DuplicateKind {
    /// Written by a producer without idempotence (a retry after a lost answer).
    NotIdempotent,
    /// The same batch (producer id, epoch, sequence) appended twice: the broker's de-duplication
    /// failed. Never allowed.
    SameBatchTwice,
    /// The idempotent producer re-sent the record under a newer epoch: after an
    /// OUT_OF_ORDER_SEQUENCE_NUMBER it bumped the epoch and renumbered batches still in flight
    /// (KIP-360, `TransactionManager.canRetry` / `startSequencesAtBeginning`), one of which the
    /// log already held. Java's client does the same; see docs/FAULTS.md.
    Resequenced,
    /// Any other way (two different idempotent stamps from different producers, ...).
    Other,
}

/// A record committed more than once in a partition.
#[derive(Clone, Debug)]
pub struct Duplicate {
    pub tp: TopicPartition,
    pub value: String,
    pub offsets: (i64, i64),
    pub kind: DuplicateKind,
}

/// Records committed more than once in a partition's log (the same value twice).
pub fn committed_duplicates(sim: &Simulation) -> Vec<Duplicate> {
    let mut dups = Vec::new();
    for t in sim.metadata.topics.values() {
        for i in 0..t.partitions.len() {
            let tp = TopicPartition::new(t.name.clone(), i as i32);
            let Some(r) = sim.authoritative_replica(&tp) else {
                continue;
            };
            let mut seen: BTreeMap<&str, &super::log::LogEntry> = BTreeMap::new();
            for e in r.log.entries().take_while(|e| e.offset < r.high_watermark) {
                let Some(first) = seen.insert(&e.record.value, e) else {
                    continue;
                };
                let (a, b) = (first.stamp, e.stamp);
                let kind = if a.producer_id < 0 && b.producer_id < 0 {
                    DuplicateKind::NotIdempotent
                } else if a.producer_id == b.producer_id
                    && a.producer_epoch == b.producer_epoch
                    && a.sequence == b.sequence
                {
                    DuplicateKind::SameBatchTwice
                } else if a.producer_id == b.producer_id && b.producer_epoch > a.producer_epoch {
                    DuplicateKind::Resequenced
                } else {
                    DuplicateKind::Other
                };
                dups.push(Duplicate {
                    tp: tp.clone(),
                    value: e.record.value.to_string(),
                    offsets: (first.offset, e.offset),
                    kind,
                });
            }
        }
    }
    dups
}

/// Runs the class's checks on a finished schedule.
pub fn check(schedule: &Schedule) -> Outcome {
    let sim = &schedule.sim;
    let class = schedule.class;
    let mut failures = Vec::new();
    for v in &sim.invariants.violations {
        failures.push(format!(
            "invariant {} at {} ms: {}",
            v.invariant, v.at_ms, v.detail
        ));
    }
    for v in sim.end_of_run_violations() {
        failures.push(format!("end of run: {}: {}", v.invariant, v.detail));
    }
    let lost = sim.lost_acknowledged_records();
    if class.promises_durability() {
        for l in &lost {
            failures.push(format!(
                "acknowledged record lost: {} ({}-{} offset {}, producer {})",
                l.value, l.topic, l.partition, l.offset, l.producer
            ));
        }
    }
    let dups = committed_duplicates(sim);
    for d in &dups {
        // The broker never appends one batch twice, whatever the class; an idempotent producer
        // never writes a record twice except by the client-side re-sequencing Java also does.
        let broken = d.kind == DuplicateKind::SameBatchTwice
            || (class.promises_no_duplicates() && d.kind != DuplicateKind::Resequenced);
        if broken {
            failures.push(format!(
                "record committed twice in {} ({:?}): {} at offsets {} and {}",
                d.tp, d.kind, d.value, d.offsets.0, d.offsets.1
            ));
        }
    }
    failures.truncate(20);
    Outcome {
        seed: schedule.seed,
        class,
        script: schedule.script.clone(),
        failures,
        lost: lost.len(),
        duplicates: dups.len(),
        resequenced: dups
            .iter()
            .filter(|d| d.kind == DuplicateKind::Resequenced)
            .count(),
        settled: schedule.settled,
        acknowledged: sim.producers.iter().map(|p| p.acked.len()).sum(),
    }
}

fn panic_text(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "(no message)".into())
}

/// Generates, runs and checks one schedule. A panic or a refused command is a failure with the
/// script up to that line.
pub fn run_one(seed: u64, class: FaultClass) -> Outcome {
    RUNNING.with(|r| r.set(Some((seed, class))));
    let mut script = String::new();
    let result = catch_unwind(AssertUnwindSafe(|| {
        generate_into(seed, class, &mut script, false)
    }));
    let failure = |what: String, script: String| Outcome {
        seed,
        class,
        script,
        failures: vec![what],
        lost: 0,
        duplicates: 0,
        resequenced: 0,
        settled: false,
        acknowledged: 0,
    };
    match result {
        Ok(Ok((sim, settled))) => check(&Schedule {
            seed,
            class,
            script,
            sim,
            settled,
        }),
        Ok(Err(refused)) => failure(refused, script),
        Err(payload) => failure(
            format!(
                "panic: {} (the last line of the script was running)",
                panic_text(&*payload)
            ),
            script,
        ),
    }
}

/// Runs `count` schedules from `first_seed` on `threads` threads; results are the same whatever
/// the thread count (each seed is independent; they are summed in seed order).
pub fn run_many(class: FaultClass, first_seed: u64, count: u64, threads: usize) -> Summary {
    let threads = threads.clamp(1, 64) as u64;
    let outcomes: Vec<Vec<Outcome>> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                s.spawn(move || {
                    let mut mine = Vec::new();
                    let mut i = t;
                    while i < count {
                        let mut o = run_one(first_seed + i, class);
                        if o.failures.is_empty() {
                            o.script = String::new(); // keep memory small
                        }
                        mine.push(o);
                        i += threads;
                    }
                    mine
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .expect("a schedule thread panicked outside catch_unwind")
            })
            .collect()
    });
    let mut all: Vec<Outcome> = outcomes.into_iter().flatten().collect();
    all.sort_by_key(|o| o.seed);
    let mut summary = Summary::default();
    for o in all {
        summary.add(o);
    }
    summary
}

const FAULTS_USAGE: &str = "usage:
  kafka-sim faults --class CLASS [--schedules N] [--first-seed S] [--threads T]
      run N seeded fault schedules (default 100) of a class and print a JSON summary;
      failing schedules are printed with their replay script on stderr (exit code 1)
  kafka-sim faults --class CLASS --seed S --script
      print the scenario script of one schedule (replay it with `kafka-sim run FILE`)
  CLASS: durable | idempotent | acks1 | unclean | all";

/// `kafka-sim faults ...` (wired in `cli.rs`). Returns the text to print, or an error.
pub fn cli(args: &[String]) -> Result<String, String> {
    let mut class = None;
    let mut schedules: u64 = 100;
    let mut first_seed: u64 = 1;
    let mut seed = None;
    let mut print_script = false;
    let mut threads: usize = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let mut value = |name: &str| {
            it.next()
                .cloned()
                .ok_or_else(|| format!("{name} takes a value\n{FAULTS_USAGE}"))
        };
        let num = |name: &str, v: String| {
            v.parse::<u64>()
                .map_err(|_| format!("{name} takes a number, not '{v}'"))
        };
        match a.as_str() {
            "--class" => class = Some(value("--class")?),
            "--schedules" => schedules = num("--schedules", value("--schedules")?)?,
            "--first-seed" => first_seed = num("--first-seed", value("--first-seed")?)?,
            "--seed" => seed = Some(num("--seed", value("--seed")?)?),
            "--threads" => threads = num("--threads", value("--threads")?)? as usize,
            "--script" => print_script = true,
            "-h" | "--help" => return Ok(FAULTS_USAGE.to_string()),
            other => return Err(format!("unknown option '{other}'\n{FAULTS_USAGE}")),
        }
    }
    let class_name = class.ok_or_else(|| format!("--class is required\n{FAULTS_USAGE}"))?;
    let classes: Vec<FaultClass> = if class_name == "all" {
        FaultClass::ALL.to_vec()
    } else {
        vec![FaultClass::parse(&class_name)
            .ok_or_else(|| format!("unknown class '{class_name}'\n{FAULTS_USAGE}"))?]
    };
    if print_script || seed.is_some() {
        let seed = seed.ok_or_else(|| format!("--script needs --seed\n{FAULTS_USAGE}"))?;
        if classes.len() != 1 {
            return Err("--seed takes one class".into());
        }
        // Each line is printed as it is chosen, so a panic still leaves the replay script.
        let mut script = String::new();
        return match generate_into(seed, classes[0], &mut script, print_script) {
            Ok(_) if print_script => Ok(String::new()),
            Ok((sim, settled)) => {
                let o = check(&Schedule {
                    seed,
                    class: classes[0],
                    script,
                    sim,
                    settled,
                });
                if o.failures.is_empty() {
                    Ok(format!(
                        "seed {seed} class {}: ok (lost {}, duplicates {}, settled {})",
                        classes[0].name(),
                        o.lost,
                        o.duplicates,
                        o.settled
                    ))
                } else {
                    Err(o.replay_text())
                }
            }
            Err(e) => Err(e),
        };
    }
    if schedules == 0 || schedules > 10_000_000 {
        return Err("--schedules must be between 1 and 10000000".into());
    }
    let mut lines = Vec::new();
    let mut failed = false;
    install_panic_note();
    for class in classes {
        let start = std::time::Instant::now();
        let summary = run_many(class, first_seed, schedules, threads);
        let secs = start.elapsed().as_secs_f64();
        for o in &summary.first_failures {
            eprintln!("{}", o.replay_text());
        }
        failed |= summary.failed > 0;
        lines.push(summary.to_json(class, first_seed, Some(secs)));
    }
    let text = lines.join("\n");
    if failed {
        Err(format!("some schedules failed:\n{text}"))
    } else {
        Ok(text)
    }
}

thread_local! {
    /// The schedule this thread is running (named by the panic hook).
    static RUNNING: std::cell::Cell<Option<(u64, FaultClass)>> = const { std::cell::Cell::new(None) };
}

/// With `panic = "abort"` (the release profile) a panic cannot be caught: name the schedule and
/// how to print its script before the process dies.
fn install_panic_note() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(install_panic_note_once);
}

fn install_panic_note_once() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        previous(info);
        if let Some((seed, class)) = RUNNING.with(|r| r.get()) {
            eprintln!(
                "kafka-sim faults: schedule seed={seed} class={} panicked; \
                 `kafka-sim faults --class {} --seed {seed} --script` prints its script up to the panic",
                class.name(),
                class.name()
            );
        }
    }));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(a: &[&str]) -> Vec<String> {
        a.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn the_cli_checks_its_arguments() {
        for (a, says) in [
            (&[][..], "--class is required"),
            (&["--class", "nope"][..], "unknown class 'nope'"),
            (
                &["--class", "durable", "--schedules", "x"][..],
                "takes a number",
            ),
            (
                &["--class", "durable", "--schedules", "0"][..],
                "between 1 and",
            ),
            (
                &["--class", "durable", "--bogus"][..],
                "unknown option '--bogus'",
            ),
            (&["--class"][..], "--class takes a value"),
            (
                &["--class", "all", "--seed", "1"][..],
                "--seed takes one class",
            ),
        ] {
            let e = cli(&args(a)).unwrap_err();
            assert!(e.contains(says), "{a:?}: {e}");
        }
        assert!(cli(&args(&["--help"]))
            .unwrap()
            .contains("kafka-sim faults"));
    }

    #[test]
    fn the_cli_runs_one_seed_and_a_few_schedules() {
        let one = cli(&args(&["--class", "acks1", "--seed", "2"])).unwrap();
        assert!(one.starts_with("seed 2 class acks1: ok"), "{one}");
        let many = cli(&args(&[
            "--class",
            "durable",
            "--schedules",
            "2",
            "--threads",
            "1",
        ]))
        .unwrap();
        assert!(many.contains("\"schedules\": 2, \"failed\": 0"), "{many}");
    }

    #[test]
    fn a_seed_gives_the_same_script() {
        let a = run_one(7, FaultClass::Durable);
        let b = run_one(7, FaultClass::Durable);
        assert_eq!(a.script, b.script);
        assert!(a.script.contains("cluster brokers="));
        let c = run_one(8, FaultClass::Durable);
        assert_ne!(a.script, c.script);
    }
}

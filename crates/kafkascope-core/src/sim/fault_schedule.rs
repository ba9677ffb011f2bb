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
//! | `groups`     | as `durable`, plus consumer groups (groups.rs)    | one owner per generation; at least |
//! |              |                                                   | once for poll-loop groups          |
//!
//! (1) With faults that keep each producer connection in order (see `in_order_client_paths`);
//! records the producer re-sent under a newer epoch after OUT_OF_ORDER_SEQUENCE_NUMBER, as the
//! Java client does, are counted apart (`DuplicateKind::Resequenced`), not failed.
//!
//! Every class: no panic, no per-event invariant violation, no end-of-run violation (committed
//! logs agree; no loss where Kafka promises durability), and no generated command refused.

// The duplicate check indexes every committed record of a partition by value: std's B-tree
// keeps that O(n log n) where a VecMap would insert in O(n). Fault schedules run natively
// (kafka-sim faults, the tests), never in the page.
#[allow(clippy::disallowed_types)]
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::panic::{catch_unwind, AssertUnwindSafe};

use super::broker::BrokerState;
use super::rng::SplitMix64;
use super::{script, Simulation, TopicPartition};

mod checks;
mod events;
pub mod groups;

pub use checks::{check, committed_duplicates, Duplicate, DuplicateKind};
use events::next_event;

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
    /// Consumer groups (durable topics): one owner per partition per generation; groups that
    /// process in their poll loop read every committed record at least once.
    Groups,
}

impl FaultClass {
    pub const ALL: [FaultClass; 5] = [
        FaultClass::Durable,
        FaultClass::Idempotent,
        FaultClass::Acks1,
        FaultClass::Unclean,
        FaultClass::Groups,
    ];

    pub fn name(self) -> &'static str {
        match self {
            FaultClass::Durable => "durable",
            FaultClass::Idempotent => "idempotent",
            FaultClass::Acks1 => "acks1",
            FaultClass::Unclean => "unclean",
            FaultClass::Groups => "groups",
        }
    }

    pub fn parse(s: &str) -> Option<FaultClass> {
        FaultClass::ALL.into_iter().find(|c| c.name() == s)
    }

    /// Whether this class promises that no acknowledged record is lost.
    pub fn promises_durability(self) -> bool {
        matches!(self, FaultClass::Durable | FaultClass::Groups)
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
            FaultClass::Groups => 0x6e0b_0005,
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
    /// Consumer groups (the `groups` class): records processed, records a group processed
    /// more than once, committed records no member processed in groups allowed to lose them.
    pub groups: groups::GroupCounts,
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
    pub records_processed: usize,
    pub reprocessed_records: usize,
    /// Schedules where a group that may lose records (worker thread, auto-commit) committed
    /// records nobody processed, and how many.
    pub schedules_with_unprocessed: usize,
    pub unprocessed_records: usize,
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
        self.records_processed += o.groups.processed;
        self.reprocessed_records += o.groups.reprocessed;
        if o.groups.unprocessed_allowed > 0 {
            self.schedules_with_unprocessed += 1;
            self.unprocessed_records += o.groups.unprocessed_allowed;
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
        if class == FaultClass::Groups {
            let _ = write!(
                s,
                ", \"records_processed\": {}, \"reprocessed_records\": {}, \"schedules_with_unprocessed\": {}, \"unprocessed_records\": {}",
                self.records_processed,
                self.reprocessed_records,
                self.schedules_with_unprocessed,
                self.unprocessed_records
            );
        }
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
            FaultClass::Durable | FaultClass::Groups => (3, 2, false),
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
            FaultClass::Durable | FaultClass::Idempotent | FaultClass::Groups => "all",
            FaultClass::Acks1 => "1",
            FaultClass::Unclean => pick(&mut rng, &["all", "1"]),
        };
        let idempotence = match class {
            FaultClass::Idempotent => true,
            FaultClass::Durable | FaultClass::Groups => chance(&mut rng, 50),
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
    if class == FaultClass::Groups {
        groups::setup(&mut rng, &mut w, &topic_names)?;
    }
    w.cmd("advance 1s".into())?;

    // ---- the schedule ------------------------------------------------------------------------
    let events = range(&mut rng, 12, 36);
    for _ in 0..events {
        let group_event = (class == FaultClass::Groups && chance(&mut rng, 40))
            .then(|| groups::next_event(&mut rng, w.sim()))
            .flatten();
        let lines = group_event.unwrap_or_else(|| {
            next_event(
                &mut rng,
                w.sim(),
                class,
                &topic_names,
                &producer_names,
                kraft,
            )
        });
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
    if class == FaultClass::Groups {
        // Quiet time for the groups: a JoinGroup lost to a fault is given up after
        // max.poll.interval.ms (at most 60 s here) + 5 s, then the member joins again.
        w.cmd("advance 90s".into())?;
        settled &= groups::groups_settled(w.sim());
    } else {
        w.cmd("advance 30s".into())?;
    }
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
        groups: groups::GroupCounts::default(),
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

/// Runs `count` schedules from `first_seed`, one after the other (`kafka-sim faults` spreads
/// them over threads with the same result).
pub fn run_seeds(class: FaultClass, first_seed: u64, count: u64) -> Summary {
    summarize((0..count).map(|i| run_one(first_seed + i, class)).collect())
}

/// Sums outcomes in seed order, whatever order they were run in.
pub fn summarize(mut outcomes: Vec<Outcome>) -> Summary {
    super::sort::sort_by_key(&mut outcomes, |o| o.seed);
    let mut summary = Summary::default();
    for o in outcomes {
        summary.add(o);
    }
    summary
}

//! The simulation core: a deterministic, discrete-event model of a Kafka cluster.
//!
//! Pure Rust with no web crate and no wall clock: time is `now_ms`, randomness comes from the
//! seed, and every collection iterated is ordered (`VecMap`, `Vec`), so the same seed and the
//! same commands give the same run natively and in the page.
//!
//! Handlers never act on other nodes directly: they write effects (messages to send, timers,
//! trace lines) into an `Out` buffer that the loop then applies, so every interaction between
//! nodes crosses the simulated network.

pub mod assignor;
pub mod base64;
pub mod broker;
pub mod cli_output;
pub mod command;
pub mod config;
pub mod consumer;
pub mod controller;
pub mod coordinator;
pub mod decimal;
pub mod describe;
pub mod error;
pub mod fault_schedule;
pub mod group_protocol;
pub mod hash;
pub mod in_flight;
pub mod invariants;
pub mod kafka_cli;
pub mod leader_epoch;
pub mod log;
pub mod metadata;
pub mod network;
pub mod observations;
pub mod outcomes;
pub mod placement;
pub mod producer;
pub mod producer_state;
pub mod record_history;
pub mod replica;
pub mod report;
pub mod rng;
pub mod script;
pub mod sort;
pub mod timer;
pub mod trace;
pub mod vec_map;
pub mod vec_set;

use std::cmp::Ordering;
use std::collections::BinaryHeap;
use std::fmt;

use serde::Serialize;

pub use broker::{Broker, BrokerState};
pub use command::Command;
pub use config::{BrokerConfig, ClusterConfig, ControllerMode};
pub use controller::Controller;
pub use describe::{BrokerDescription, PartitionDescription};
pub use error::{CommandError, KafkaError};
pub use metadata::{ClusterMetadata, PartitionRegistration, TopicConfig, TopicMetadata};
pub use network::{Message, MessageKind, Network, NodeId, Payload};
pub use producer::Producer;
use rng::{JavaRandom, SplitMix64};
pub use timer::Timer;
pub use trace::{TraceEvent, TraceKind, TraceLine};
use vec_map::VecMap;

/// Kafka's `broker.id` / `node.id`.
pub type BrokerId = i32;

/// Limits that keep a run (and the page) bounded.
pub const MAX_BROKERS: usize = 100;
pub const MAX_PARTITIONS_PER_TOPIC: i32 = 1000;
pub const MAX_TOPICS: usize = 100;
pub const MAX_PRODUCERS: usize = 100;
pub const MAX_CONSUMERS: usize = 100;
/// The longest single `advance` (one simulated day).
pub const MAX_ADVANCE_MS: u64 = 86_400_000;
/// The most events one `step N` line processes.
pub const MAX_STEP_EVENTS: u64 = 1_000_000;

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct TopicPartition {
    pub topic: String,
    pub partition: i32,
}

impl TopicPartition {
    pub fn new(topic: impl Into<String>, partition: i32) -> Self {
        Self {
            topic: topic.into(),
            partition,
        }
    }
}

impl fmt::Display for TopicPartition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}", self.topic, self.partition)
    }
}

#[derive(Clone, Debug)]
pub enum Event {
    Deliver(u64),
    Timer(Timer),
}

#[derive(Clone, Debug)]
struct Scheduled {
    at_ms: u64,
    seq: u64,
    event: Event,
}

impl PartialEq for Scheduled {
    fn eq(&self, other: &Self) -> bool {
        (self.at_ms, self.seq) == (other.at_ms, other.seq)
    }
}
impl Eq for Scheduled {}
impl PartialOrd for Scheduled {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Scheduled {
    // Reversed: BinaryHeap is a max-heap and the earliest (time, seq) must come out first.
    fn cmp(&self, other: &Self) -> Ordering {
        (other.at_ms, other.seq).cmp(&(self.at_ms, self.seq))
    }
}

/// Effects a handler asks for; applied by the loop after the handler returns.
#[derive(Default)]
pub struct Out {
    pub sends: Vec<(NodeId, NodeId, Payload)>,
    pub timers: Vec<(u64, Timer)>,
    pub trace: Vec<(NodeId, TraceLine)>,
}

impl Out {
    pub fn send(&mut self, from: NodeId, to: NodeId, payload: Payload) {
        self.sends.push((from, to, payload));
    }
    pub fn timer(&mut self, delay_ms: u64, timer: Timer) {
        self.timers.push((delay_ms, timer));
    }
    /// A line of text about `node`.
    pub fn trace(&mut self, node: NodeId, kind: TraceKind, text: String) {
        self.trace.push((node, TraceLine::Text(kind, text)));
    }
    /// A notable event about `node`.
    pub fn event(&mut self, node: NodeId, line: TraceLine) {
        self.trace.push((node, line));
    }
}

#[derive(Clone, Debug)]
pub struct Simulation {
    pub(crate) config: ClusterConfig,
    pub(crate) now_ms: u64,
    pub(crate) rng: SplitMix64,
    /// The controller's `java.util.Random` (replica placement).
    pub(crate) controller_random: JavaRandom,
    queue: BinaryHeap<Scheduled>,
    next_seq: u64,
    pub network: Network,
    pub brokers: VecMap<BrokerId, Broker>,
    pub controller: Controller,
    /// The committed cluster metadata (the KRaft metadata log / ZooKeeper's znodes).
    pub metadata: ClusterMetadata,
    pub producers: Vec<Producer>,
    pub consumers: Vec<consumer::Consumer>,
    pub trace: trace::Trace,
    pub(crate) next_record_id: u64,
    pub(crate) next_request_id: u64,
    pub(crate) next_producer_id: i64,
    pub invariants: invariants::InvariantLog,
    /// Marks of what happened to records (the page's record inspector); observation only.
    pub history: record_history::RecordHistory,
    /// Events processed since the start: with `now_ms`, the exact moment of a run (several
    /// events can share a millisecond), so a replay can stop between them.
    events_processed: u64,
}

impl Simulation {
    pub fn new(config: ClusterConfig) -> Result<Self, CommandError> {
        config.validate()?;
        let mut sim = Self {
            rng: SplitMix64::new(config.seed),
            controller_random: JavaRandom::new(config.seed as i64),
            queue: BinaryHeap::new(),
            next_seq: 0,
            network: Network::new(config.latency_ms),
            brokers: VecMap::new(),
            controller: Controller::new(&config),
            metadata: ClusterMetadata::default(),
            producers: Vec::new(),
            consumers: Vec::new(),
            trace: trace::Trace::default(),
            next_record_id: 0,
            next_request_id: 0,
            next_producer_id: 1000,
            invariants: invariants::InvariantLog::default(),
            history: record_history::RecordHistory::default(),
            events_processed: 0,
            now_ms: 0,
            config,
        };
        sim.bootstrap();
        Ok(sim)
    }

    /// A cluster that has formed: the controller elected, every broker registered and unfenced.
    fn bootstrap(&mut self) {
        for id in 1..=self.config.brokers as BrokerId {
            self.brokers.insert(id, Broker::new(id));
            self.metadata.brokers.insert(
                id,
                metadata::BrokerRegistration {
                    fenced: false,
                    in_controlled_shutdown: false,
                    last_heard_ms: 0,
                },
            );
        }
        let mut out = Out::default();
        self.controller.bootstrap(&self.config, &mut out);
        // The cluster starts formed: every broker has registered with the first controller.
        let quorum = self.controller.quorum_nodes();
        let heartbeat_target = self.controller.heartbeat_target();
        let controller = self.controller.active_node();
        let epoch = self.controller.epoch;
        for id in 1..=self.config.brokers as BrokerId {
            let b = self.brokers.get_mut(&id).expect("just added");
            b.quorum = quorum.clone();
            b.heartbeat_target = heartbeat_target;
            b.controller = controller;
            b.controller_epoch = epoch;
            b.start_timers(&self.config.broker, &mut self.rng, &mut out);
        }
        self.flush(out);
    }

    pub fn now_ms(&self) -> u64 {
        self.now_ms
    }

    pub fn config(&self) -> &ClusterConfig {
        &self.config
    }

    /// How many events `step` has processed since the start.
    pub fn events_processed(&self) -> u64 {
        self.events_processed
    }

    /// Moves the clock forward to `until_ms` without processing any event: a replay stopping
    /// where a live run stopped, between two events of one millisecond. It never passes the next
    /// scheduled event and never goes back; returns whether the clock is now at `until_ms`.
    pub fn hold_until(&mut self, until_ms: u64) -> bool {
        let limit = self.next_event_ms().map_or(until_ms, |n| n.min(until_ms));
        self.now_ms = self.now_ms.max(limit);
        self.now_ms == until_ms
    }

    /// Whether a node's process is up (messages to a dead process get a connection reset).
    pub fn node_alive(&self, node: NodeId) -> bool {
        match node {
            NodeId::Broker(id) => self
                .brokers
                .get(&id)
                .is_some_and(|b| b.state == BrokerState::Running),
            NodeId::Controller(id) => self.controller.voter_alive(id),
            NodeId::ZooKeeper => true,
            NodeId::Producer(i) => (i as usize) < self.producers.len(),
            NodeId::Consumer(i) => self
                .consumers
                .get(i as usize)
                .is_some_and(|c| c.state == consumer::ConsumerState::Running),
        }
    }

    fn schedule(&mut self, at_ms: u64, event: Event) {
        self.next_seq += 1;
        self.queue.push(Scheduled {
            at_ms,
            seq: self.next_seq,
            event,
        });
    }

    pub(crate) fn flush(&mut self, out: Out) {
        for (node, line) in out.trace {
            self.trace.event(self.now_ms, node, line);
        }
        for (from, to, payload) in out.sends {
            self.send(from, to, payload);
        }
        for (delay, timer) in out.timers {
            self.schedule(self.now_ms + delay, Event::Timer(timer));
        }
    }

    fn send(&mut self, from: NodeId, to: NodeId, payload: Payload) {
        let kind = payload.kind();
        let dropped = self.network.should_drop(from, to, kind);
        let latency = self.network.latency(from, to);
        self.network.next_id += 1;
        let id = self.network.next_id;
        let refused = !self.node_alive(to);
        let msg = Message {
            id,
            from,
            to,
            sent_at_ms: self.now_ms,
            deliver_at_ms: self.now_ms + latency,
            dropped,
            refused,
            payload,
        };
        self.network.in_flight.insert(id, msg);
        self.schedule(self.now_ms + latency, Event::Deliver(id));
    }

    /// The time of the next event, if any.
    pub fn next_event_ms(&self) -> Option<u64> {
        self.queue.peek().map(|s| s.at_ms)
    }

    /// Processes the next event; false when nothing is scheduled.
    pub fn step(&mut self) -> bool {
        let Some(next) = self.queue.pop() else {
            return false;
        };
        self.now_ms = next.at_ms;
        self.events_processed += 1;
        let node = match next.event {
            Event::Deliver(id) => match self.network.in_flight.remove(&id) {
                Some(msg) => {
                    let to = msg.to;
                    self.deliver(msg);
                    Some(to)
                }
                None => None,
            },
            Event::Timer(timer) => {
                let node = timer.node();
                self.fire(timer);
                node
            }
        };
        if let Some(node) = node {
            self.check_invariants_at(node);
        }
        true
    }

    /// Runs every event up to and including `until_ms`, then sets the clock there.
    pub fn run_until(&mut self, until_ms: u64) {
        while self.queue.peek().is_some_and(|s| s.at_ms <= until_ms) {
            self.step();
        }
        self.now_ms = self.now_ms.max(until_ms);
    }

    pub fn advance(&mut self, ms: u64) {
        self.run_until(self.now_ms + ms);
    }

    fn deliver(&mut self, msg: Message) {
        if msg.dropped {
            return;
        }
        if !self.node_alive(msg.to) {
            // The peer's process is gone: a client or broker sees its connection reset.
            if let Some(request_id) = msg.payload.request_id() {
                if self.node_alive(msg.from) {
                    let kind = msg.payload.kind();
                    self.send(
                        msg.to,
                        msg.from,
                        Payload::Disconnected {
                            request_id,
                            kind,
                            refused: msg.refused,
                        },
                    );
                }
            }
            return;
        }
        let watch = self.history_before(&msg);
        let mut out = Out::default();
        match msg.to {
            NodeId::Broker(id) => {
                if controller::is_controller_request(&msg.payload) {
                    self.controller_handle(msg, &mut out);
                } else {
                    let broker = self.brokers.get_mut(&id).expect("alive broker exists");
                    broker.handle(msg, self.now_ms, &self.config.broker, &mut out);
                    if broker.state != BrokerState::Running {
                        self.flush(out);
                        self.after_broker_down(id);
                        return;
                    }
                }
            }
            NodeId::Controller(_) | NodeId::ZooKeeper => self.controller_handle(msg, &mut out),
            NodeId::Producer(i) => {
                self.with_producer(i, &mut out, |p, ctx, out| p.handle(msg, ctx, out))
            }
            NodeId::Consumer(i) => {
                self.with_consumer(i, &mut out, |c, ctx, out| c.handle(msg, ctx, out))
            }
        }
        self.flush(out);
        if let Some(watch) = watch {
            self.history_after(watch);
        }
    }

    fn controller_handle(&mut self, msg: Message, out: &mut Out) {
        let mut ctx = controller::Ctx {
            now_ms: self.now_ms,
            config: &self.config,
            metadata: &mut self.metadata,
            rng: &mut self.rng,
        };
        self.controller.handle(msg, &mut ctx, out);
    }

    /// Applies one command, validated first. On error nothing changed.
    pub fn apply(&mut self, command: Command) -> Result<(), CommandError> {
        let command = self.validate(command)?;
        command::apply(self, command)?;
        self.check_all_invariants();
        Ok(())
    }

    /// Applies one line of the scenario language (or a Kafka tool command: `kafka_cli`).
    pub fn apply_line(&mut self, line: &str) -> Result<(), CommandError> {
        if kafka_cli::is_tool_line(line) {
            return self.run_tool_line(line).map(|_| ());
        }
        match script::parse_line(line)? {
            Some(cmd) => self.apply(cmd),
            None => Ok(()),
        }
    }

    /// The number of messages in flight (drawn by the page).
    pub fn in_flight(&self) -> impl Iterator<Item = &Message> {
        self.network.in_flight.values()
    }
}

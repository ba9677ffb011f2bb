//! Commands: everything a user can do to the cluster (from a button, the console, a tour step,
//! a share link or a script). Each is validated before anything changes, so a refused command
//! leaves the simulation exactly as it was.

use super::broker::{Broker, BrokerState};
use super::config::{ControllerMode, FIRST_CONTROLLER_ID};
use super::consumer::{Consumer, ConsumerConfig, ConsumerCtx, ConsumerState};
use super::controller::Ctx;
use super::coordinator::{OFFSETS_TOPIC, OFFSETS_TOPIC_NUM_PARTITIONS};
use super::error::{CommandError, KafkaError};
use super::metadata::{BrokerRegistration, PartitionRegistration, TopicConfig, TopicMetadata};
use super::network::{DropRule, MessageKind, NodeId};
use super::placement::{self, UsableBroker};
use super::producer::{unknown_config, Producer, ProducerConfig, ProducerCtx};
use super::sort::CollectSet;
use super::trace::TraceKind;
use super::{
    BrokerId, Out, Simulation, TopicPartition, MAX_ADVANCE_MS, MAX_BROKERS, MAX_CONSUMERS,
    MAX_PARTITIONS_PER_TOPIC, MAX_PRODUCERS, MAX_STEP_EVENTS, MAX_TOPICS,
};

/// A node as commands name it: `2` or `broker-2`, `controller-3000`, `zookeeper`, a producer name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NodeRef {
    Broker(BrokerId),
    Controller(i32),
    ZooKeeper,
    Client(String),
}

#[derive(Clone, Debug, PartialEq)]
pub enum Command {
    BrokerAdd {
        id: Option<BrokerId>,
    },
    /// Controlled shutdown.
    BrokerStop(BrokerId),
    /// kill -9.
    BrokerKill(BrokerId),
    BrokerStart(BrokerId),
    /// Kill a KRaft controller (the active one when no id is given).
    ControllerKill(Option<i32>),
    ControllerStart(i32),
    TopicCreate {
        name: String,
        partitions: i32,
        replication_factor: i32,
        configs: Vec<(String, String)>,
    },
    ProducerCreate {
        name: String,
        configs: Vec<(String, String)>,
    },
    Produce {
        producer: String,
        topic: String,
        key: Option<String>,
        value: Option<String>,
        partition: Option<i32>,
        count: u64,
        /// Records per second; all at once when absent.
        rate: Option<f64>,
    },
    /// `produce stop PRODUCER [TOPIC]`: end the producer's steady rates (of one topic), as an
    /// application stops calling send(); records already sent go on.
    ProduceStop {
        producer: String,
        topic: Option<String>,
    },
    NetworkIsolate(NodeRef),
    NetworkHeal(Option<NodeRef>),
    /// The one-way latency of every link not slowed on its own.
    NetworkLatency(u64),
    NetworkCut(NodeRef, NodeRef),
    NetworkSlow(NodeRef, NodeRef, u64),
    NetworkDrop {
        kind: MessageKind,
        from: Option<NodeRef>,
        to: Option<NodeRef>,
        count: Option<u32>,
    },
    Advance(u64),
    /// `step N`: process exactly the next N events (stops early when none is scheduled).
    Step(u64),
    /// `consumer create NAME group.id=G topics=a,b [consumer configs]`.
    ConsumerCreate {
        name: String,
        configs: Vec<(String, String)>,
    },
    ConsumerClose(String),
    ConsumerCrash(String),
    ConsumerRestart(String),
    /// The application calls commitSync().
    ConsumerCommit(String),
    ConsumerPause(String),
    ConsumerResume(String),
    /// `consumer subscribe NAME topics=a,b`: a new subscription (the group rebalances).
    ConsumerSubscribe(String, Vec<String>),
    /// `kafka-topics.sh --alter --partitions N`: partitions can only be added.
    TopicAddPartitions {
        name: String,
        partitions: i32,
    },
}

pub const TOPIC_CONFIGS: &[&str] = &[
    "min.insync.replicas",
    "unclean.leader.election.enable",
    "retention.ms",
    "retention.bytes",
    "segment.bytes",
];

pub fn topic_config_from_pairs(pairs: &[(String, String)]) -> Result<TopicConfig, CommandError> {
    let mut c = TopicConfig::default();
    for (k, v) in pairs {
        let bad = || {
            CommandError::kafka(
                KafkaError::InvalidConfig,
                format!("Invalid value {v} for configuration {k}"),
            )
        };
        match k.as_str() {
            "min.insync.replicas" => {
                c.min_insync_replicas = v.parse::<i32>().ok().filter(|&n| n >= 1).ok_or_else(bad)?
            }
            "unclean.leader.election.enable" => {
                c.unclean_leader_election_enable = match v.as_str() {
                    "true" => true,
                    "false" => false,
                    _ => return Err(bad()),
                }
            }
            "retention.ms" => {
                c.log.retention_ms = v.parse::<i64>().ok().filter(|&n| n >= -1).ok_or_else(bad)?
            }
            "retention.bytes" => {
                c.log.retention_bytes =
                    v.parse::<i64>().ok().filter(|&n| n >= -1).ok_or_else(bad)?
            }
            "segment.bytes" => {
                c.log.segment_bytes = v.parse::<i64>().ok().filter(|&n| n >= 14).ok_or_else(bad)?
            }
            _ => return Err(unknown_config("topic", k, TOPIC_CONFIGS)),
        }
    }
    Ok(c)
}

impl Simulation {
    fn resolve(&self, node: &NodeRef) -> Result<NodeId, CommandError> {
        match node {
            NodeRef::Broker(id) => self
                .brokers
                .contains_key(id)
                .then_some(NodeId::Broker(*id))
                .ok_or_else(|| {
                    CommandError::kafka(
                        KafkaError::BrokerNotAvailable,
                        format!("Broker {id} does not exist"),
                    )
                }),
            NodeRef::Controller(id) => self
                .controller
                .voters
                .iter()
                .any(|v| v.id == *id)
                .then_some(NodeId::Controller(*id))
                .ok_or_else(|| CommandError::invalid(format!("controller {id} does not exist"))),
            NodeRef::ZooKeeper => {
                if self.config.mode == ControllerMode::Zookeeper {
                    Ok(NodeId::ZooKeeper)
                } else {
                    Err(CommandError::invalid(
                        "this cluster runs in KRaft mode: there is no ZooKeeper",
                    ))
                }
            }
            NodeRef::Client(name) => self
                .producer_index(name)
                .map(NodeId::Producer)
                .or_else(|| self.consumer_index(name).map(NodeId::Consumer))
                .ok_or_else(|| {
                    CommandError::invalid(format!("no producer or consumer named '{name}'"))
                }),
        }
    }

    pub fn producer_index(&self, name: &str) -> Option<u32> {
        self.producers
            .iter()
            .position(|p| &*p.name == name)
            .map(|i| i as u32)
    }

    fn broker_exists(&self, id: BrokerId) -> Result<&Broker, CommandError> {
        self.brokers.get(&id).ok_or_else(|| {
            CommandError::kafka(
                KafkaError::BrokerNotAvailable,
                format!("Broker {id} does not exist"),
            )
        })
    }

    /// Runs `f` with the controller and a context, then applies its effects.
    pub(crate) fn with_controller(
        &mut self,
        f: impl FnOnce(&mut super::Controller, &mut Ctx, &mut Out),
    ) {
        let mut out = Out::default();
        let mut ctx = Ctx {
            now_ms: self.now_ms,
            config: &self.config,
            metadata: &mut self.metadata,
            rng: &mut self.rng,
        };
        f(&mut self.controller, &mut ctx, &mut out);
        self.flush(out);
    }

    /// `kafka-topics.sh --create`: the active controller places replicas and propagates.
    pub fn create_topic(
        &mut self,
        name: &str,
        partitions: i32,
        replication_factor: i32,
    ) -> Result<(), CommandError> {
        self.create_topic_with(name, partitions, replication_factor, TopicConfig::default())
    }

    pub fn create_topic_with(
        &mut self,
        name: &str,
        partitions: i32,
        replication_factor: i32,
        config: TopicConfig,
    ) -> Result<(), CommandError> {
        validate_topic_name(name)?;
        if self.metadata.topics.contains_key(name) {
            return Err(CommandError::kafka(
                KafkaError::TopicAlreadyExists,
                format!("Topic '{name}' already exists."),
            ));
        }
        if self.metadata.topics.len() >= MAX_TOPICS {
            return Err(CommandError::invalid(format!(
                "Kafkascope keeps at most {MAX_TOPICS} topics"
            )));
        }
        if partitions > MAX_PARTITIONS_PER_TOPIC {
            return Err(CommandError::kafka(
                KafkaError::InvalidPartitions,
                format!("Kafkascope keeps at most {MAX_PARTITIONS_PER_TOPIC} partitions per topic, not {partitions}."),
            ));
        }
        if replication_factor > 0 && config.min_insync_replicas > replication_factor {
            // Kafka accepts it (writes with acks=all then always fail); say so in the trace only.
        }
        if self.controller.active.is_none() {
            return Err(CommandError::kafka(
                KafkaError::RequestTimedOut,
                "Timed out waiting for a node assignment: there is no active controller",
            ));
        }
        let regs = self.place_partitions(partitions, replication_factor)?;
        let n = regs.len() as i32;
        self.metadata.topics.insert(
            name.to_string(),
            TopicMetadata {
                name: name.to_string(),
                config,
                partitions: regs,
            },
        );
        let node = self.controller.active_node().expect("checked");
        self.trace.push(
            self.now_ms,
            node,
            TraceKind::Command,
            format!("Created topic {name} with {n} partitions and replication factor {replication_factor}"),
        );
        let changed: Vec<TopicPartition> = (0..n).map(|i| TopicPartition::new(name, i)).collect();
        self.with_controller(|c, ctx, out| c.broadcast(changed, ctx, out));
        Ok(())
    }

    /// Places `count` new partitions as the active controller would (KRaft's striped placer or
    /// ZooKeeper mode's rack-unaware assignment) and registers their first leaders. It draws
    /// from a copy of the controller's random source, kept only on success: a refused command
    /// leaves no trace.
    fn place_partitions(
        &mut self,
        count: i32,
        replication_factor: i32,
    ) -> Result<Vec<PartitionRegistration>, CommandError> {
        let mut random = self.controller_random.clone();
        let assignment = match self.config.mode {
            ControllerMode::Kraft => {
                let usable: Vec<UsableBroker> = self
                    .metadata
                    .brokers
                    .iter()
                    .map(|(&id, r)| UsableBroker {
                        id,
                        fenced: r.fenced,
                    })
                    .collect();
                placement::place_striped(&mut random, &usable, count, replication_factor)?
            }
            ControllerMode::Zookeeper => {
                let live: Vec<BrokerId> = self
                    .metadata
                    .brokers
                    .iter()
                    .filter(|(_, r)| !r.fenced)
                    .map(|(&id, _)| id)
                    .collect();
                placement::place_rack_unaware(&mut random, &live, count, replication_factor)?
            }
        };
        self.controller_random = random;
        let metadata = &self.metadata;
        Ok(assignment
            .into_iter()
            .map(|replicas| {
                let isr: Vec<BrokerId> = replicas
                    .iter()
                    .copied()
                    .filter(|&b| metadata.is_acceptable(b))
                    .collect();
                PartitionRegistration {
                    leader: isr.first().copied(),
                    isr,
                    replicas,
                    leader_epoch: 0,
                    partition_epoch: 0,
                }
            })
            .collect())
    }

    /// New partitions for an existing topic, placed like a new topic's with the same RF.
    fn add_partitions(&mut self, name: &str, partitions: i32) -> Result<(), CommandError> {
        let topic = &self.metadata.topics[name];
        let current = topic.partitions.len() as i32;
        let rf = topic.partitions[0].replicas.len() as i32;
        let regs = self.place_partitions(partitions - current, rf)?;
        self.metadata
            .topics
            .get_mut(name)
            .expect("validated")
            .partitions
            .extend(regs);
        let node = self.controller.active_node().expect("validated");
        self.trace.push(
            self.now_ms,
            node,
            TraceKind::Command,
            format!("Increased the partition count of {name} from {current} to {partitions}"),
        );
        let changed: Vec<TopicPartition> = (current..partitions)
            .map(|i| TopicPartition::new(name, i))
            .collect();
        self.with_controller(|c, ctx, out| c.broadcast(changed, ctx, out));
        Ok(())
    }

    /// A consumer subscribes only to existing user topics.
    fn check_subscription(&self, topics: &[String]) -> Result<(), CommandError> {
        match topics
            .iter()
            .find(|t| !self.metadata.topics.contains_key(*t) || *t == OFFSETS_TOPIC)
        {
            Some(t) => Err(CommandError::kafka(
                KafkaError::UnknownTopicOrPartition,
                format!("Topic {t} not present in metadata"),
            )),
            None => Ok(()),
        }
    }

    /// The named consumer exists and its process is up.
    fn running_consumer(&self, name: &str) -> Result<(), CommandError> {
        let i = self
            .consumer_index(name)
            .ok_or_else(|| CommandError::invalid(format!("no consumer named '{name}'")))?;
        if self.consumers[i as usize].state != ConsumerState::Running {
            return Err(CommandError::invalid(format!(
                "consumer '{name}' is not running"
            )));
        }
        Ok(())
    }

    /// Whether `command` would be accepted now (what `apply` checks before changing anything).
    pub fn validate(&self, command: &Command) -> Result<(), CommandError> {
        match command {
            Command::BrokerAdd { id } => {
                if self.brokers.len() >= MAX_BROKERS {
                    return Err(CommandError::invalid(format!(
                        "Kafkascope runs at most {MAX_BROKERS} brokers"
                    )));
                }
                if let Some(id) = id {
                    if *id < 0 || *id >= FIRST_CONTROLLER_ID {
                        return Err(CommandError::invalid(format!(
                            "broker.id must be between 0 and {}",
                            FIRST_CONTROLLER_ID - 1
                        )));
                    }
                    if self.brokers.contains_key(id) {
                        return Err(CommandError::invalid(format!("Broker {id} already exists")));
                    }
                }
            }
            Command::BrokerStop(id) | Command::BrokerKill(id) => {
                if self.broker_exists(*id)?.state != BrokerState::Running {
                    return Err(CommandError::kafka(
                        KafkaError::BrokerNotAvailable,
                        format!("Broker {id} is not running"),
                    ));
                }
            }
            Command::BrokerStart(id) => {
                if self.broker_exists(*id)?.state == BrokerState::Running {
                    return Err(CommandError::invalid(format!(
                        "Broker {id} is already running"
                    )));
                }
            }
            Command::ControllerKill(id) => {
                if self.config.mode == ControllerMode::Zookeeper {
                    return Err(CommandError::invalid(
                        "in ZooKeeper mode the controller is a broker: kill the controller broker instead",
                    ));
                }
                match id {
                    None if self.controller.active.is_none() => {
                        return Err(CommandError::invalid("there is no active controller"))
                    }
                    Some(id) if !self.controller.voter_alive(*id) => {
                        return Err(CommandError::invalid(format!(
                            "controller {id} is not running"
                        )))
                    }
                    _ => {}
                }
            }
            Command::ControllerStart(id) => {
                if self.config.mode == ControllerMode::Zookeeper
                    || !self.controller.voters.iter().any(|v| v.id == *id)
                {
                    return Err(CommandError::invalid(format!(
                        "controller {id} does not exist"
                    )));
                }
                if self.controller.voter_alive(*id) {
                    return Err(CommandError::invalid(format!(
                        "controller {id} is already running"
                    )));
                }
            }
            Command::TopicCreate { configs, .. } => {
                topic_config_from_pairs(configs)?;
            }
            Command::ProducerCreate { name, configs } => {
                if self.producer_index(name).is_some() {
                    return Err(CommandError::invalid(format!(
                        "a producer named '{name}' already exists"
                    )));
                }
                if self.producers.len() >= MAX_PRODUCERS {
                    return Err(CommandError::invalid(format!(
                        "Kafkascope runs at most {MAX_PRODUCERS} producers"
                    )));
                }
                validate_client_name(name)?;
                if name == "stop" {
                    return Err(CommandError::invalid(
                        "'stop' is not a producer name: `produce stop NAME` stops a rate",
                    ));
                }
                ProducerConfig::from_pairs(configs)?;
            }
            Command::Produce {
                producer,
                topic,
                partition,
                count,
                rate,
                ..
            } => {
                if self.producer_index(producer).is_none() {
                    return Err(CommandError::invalid(format!(
                        "no producer named '{producer}'"
                    )));
                }
                let Some(t) = self.metadata.topics.get(topic) else {
                    return Err(CommandError::kafka(
                        KafkaError::UnknownTopicOrPartition,
                        format!("Topic {topic} not present in metadata"),
                    ));
                };
                if let Some(p) = partition {
                    if *p < 0 || *p as usize >= t.partitions.len() {
                        return Err(CommandError::kafka(
                            KafkaError::UnknownTopicOrPartition,
                            format!("Partition {p} of topic {topic} with partition count {} is not present in metadata", t.partitions.len()),
                        ));
                    }
                }
                if *count == 0 || *count > 10_000_000 {
                    return Err(CommandError::invalid(
                        "count must be between 1 and 10000000",
                    ));
                }
                if let Some(r) = rate {
                    if !(r.is_finite() && *r > 0.0 && *r <= 1_000_000.0) {
                        return Err(CommandError::invalid(
                            "rate must be between 0 and 1000000 records/s",
                        ));
                    }
                }
            }
            Command::ProduceStop { producer, topic } => {
                let i = self.producer_index(producer).ok_or_else(|| {
                    CommandError::invalid(format!("no producer named '{producer}'"))
                })?;
                if self.producers[i as usize].rates_running(topic.as_deref()) == 0 {
                    return Err(CommandError::invalid(match topic {
                        Some(t) => format!("producer '{producer}' has no rate running to {t}"),
                        None => format!("producer '{producer}' has no rate running"),
                    }));
                }
            }
            Command::NetworkIsolate(n) | Command::NetworkHeal(Some(n)) => {
                self.resolve(n)?;
            }
            Command::NetworkCut(a, b) | Command::NetworkSlow(a, b, _) => {
                let (a, b) = (self.resolve(a)?, self.resolve(b)?);
                if a == b {
                    return Err(CommandError::invalid("a link joins two different nodes"));
                }
                if let Command::NetworkSlow(_, _, ms) = command {
                    if *ms > 600_000 {
                        return Err(CommandError::invalid(
                            "a link's latency must be at most 10m",
                        ));
                    }
                }
            }
            Command::NetworkDrop { from, to, .. } => {
                if let Some(n) = from {
                    self.resolve(n)?;
                }
                if let Some(n) = to {
                    self.resolve(n)?;
                }
            }
            Command::NetworkHeal(None) => {}
            Command::NetworkLatency(ms) => {
                if *ms > 60_000 {
                    return Err(CommandError::invalid("latency must be at most 60s"));
                }
            }
            Command::ConsumerCreate { name, configs } => {
                if self.consumer_index(name).is_some() || self.producer_index(name).is_some() {
                    return Err(CommandError::invalid(format!(
                        "a client named '{name}' already exists"
                    )));
                }
                if self.consumers.len() >= MAX_CONSUMERS {
                    return Err(CommandError::invalid(format!(
                        "Kafkascope runs at most {MAX_CONSUMERS} consumers"
                    )));
                }
                validate_client_name(name)?;
                let (_, topics) = ConsumerConfig::from_pairs(configs)?;
                self.check_subscription(&topics)?;
                if self.controller.active.is_none()
                    && !self.metadata.topics.contains_key(OFFSETS_TOPIC)
                {
                    return Err(CommandError::kafka(
                        KafkaError::CoordinatorNotAvailable,
                        "no active controller to create __consumer_offsets",
                    ));
                }
            }
            Command::ConsumerClose(name)
            | Command::ConsumerCrash(name)
            | Command::ConsumerCommit(name)
            | Command::ConsumerPause(name)
            | Command::ConsumerResume(name) => self.running_consumer(name)?,
            Command::ConsumerSubscribe(name, topics) => {
                self.running_consumer(name)?;
                if topics.is_empty() {
                    return Err(CommandError::invalid(
                        "a consumer subscribes to at least one topic (topics=a,b)",
                    ));
                }
                self.check_subscription(topics)?;
            }
            Command::TopicAddPartitions { name, partitions } => {
                let Some(t) = self.metadata.topics.get(name) else {
                    return Err(CommandError::kafka(
                        KafkaError::UnknownTopicOrPartition,
                        format!("Topic '{name}' does not exist."),
                    ));
                };
                let current = t.partitions.len() as i32;
                if *partitions <= current {
                    return Err(CommandError::kafka(
                        KafkaError::InvalidPartitions,
                        format!("Topic currently has {current} partitions, which is higher than the requested {partitions}."),
                    ));
                }
                if *partitions > MAX_PARTITIONS_PER_TOPIC {
                    return Err(CommandError::kafka(
                        KafkaError::InvalidPartitions,
                        format!("Kafkascope keeps at most {MAX_PARTITIONS_PER_TOPIC} partitions per topic, not {partitions}."),
                    ));
                }
                if self.controller.active.is_none() {
                    return Err(CommandError::kafka(
                        KafkaError::RequestTimedOut,
                        "Timed out waiting for a node assignment: there is no active controller",
                    ));
                }
            }
            Command::ConsumerRestart(name) => {
                let i = self
                    .consumer_index(name)
                    .ok_or_else(|| CommandError::invalid(format!("no consumer named '{name}'")))?;
                if self.consumers[i as usize].state == ConsumerState::Running {
                    return Err(CommandError::invalid(format!(
                        "consumer '{name}' is already running"
                    )));
                }
            }
            Command::Advance(ms) => {
                if *ms > MAX_ADVANCE_MS {
                    return Err(CommandError::invalid(format!(
                        "advance at most {}h at a time",
                        MAX_ADVANCE_MS / 3_600_000
                    )));
                }
            }
            Command::Step(n) => {
                if *n > MAX_STEP_EVENTS {
                    return Err(CommandError::invalid(format!(
                        "step at most {MAX_STEP_EVENTS} events at a time"
                    )));
                }
            }
        }
        Ok(())
    }
}

pub(crate) fn apply(sim: &mut Simulation, command: Command) -> Result<(), CommandError> {
    sim.validate(&command)?;
    let now = sim.now_ms;
    match command {
        Command::BrokerAdd { id } => {
            let id = id.unwrap_or_else(|| sim.brokers.keys().next_back().map_or(1, |m| m + 1));
            let mut b = Broker::new(id);
            b.heartbeat_target = sim.controller.heartbeat_target();
            b.controller = sim.controller.active_node();
            sim.metadata.brokers.insert(
                id,
                BrokerRegistration {
                    fenced: true,
                    in_controlled_shutdown: false,
                    last_heard_ms: now,
                },
            );
            let mut out = Out::default();
            b.start_timers(&sim.config.broker, &mut sim.rng, &mut out);
            sim.brokers.insert(id, b);
            sim.trace.push(
                now,
                NodeId::Broker(id),
                TraceKind::Broker,
                format!("[KafkaServer id={id}] started"),
            );
            sim.flush(out);
        }
        Command::BrokerStop(id) => {
            let b = sim.brokers.get_mut(&id).expect("validated");
            b.shutting_down = true;
            b.controller = sim.controller.active_node();
            sim.trace.push(
                now,
                NodeId::Broker(id),
                TraceKind::Broker,
                format!("[KafkaServer id={id}] shutting down (controlled shutdown)"),
            );
            if b.controller.is_none() {
                // No controller to ask: stop at once.
                let mut out = Out::default();
                b.go_down(BrokerState::Stopped, &mut out);
                sim.flush(out);
                sim.after_broker_down(id);
            } else {
                // The next heartbeat carries the shutdown request; send one now.
                let inc = b.incarnation;
                let mut out = Out::default();
                out.timer(
                    0,
                    super::Timer::BrokerHeartbeat {
                        broker: id,
                        incarnation: inc,
                    },
                );
                sim.flush(out);
            }
        }
        Command::BrokerKill(id) => {
            let mut out = Out::default();
            sim.brokers
                .get_mut(&id)
                .expect("validated")
                .go_down(BrokerState::Crashed, &mut out);
            sim.trace.push(
                now,
                NodeId::Broker(id),
                TraceKind::Broker,
                format!("Broker {id} killed (kill -9)"),
            );
            sim.flush(out);
            sim.after_broker_down(id);
        }
        Command::BrokerStart(id) => {
            let mut out = Out::default();
            let b = sim.brokers.get_mut(&id).expect("validated");
            b.heartbeat_target = sim.controller.heartbeat_target();
            b.controller = sim.controller.active_node();
            b.restart(&sim.config.broker, &mut sim.rng, &mut out);
            sim.flush(out);
        }
        Command::ControllerKill(id) => {
            let id = id.or(sim.controller.active).expect("validated");
            sim.trace.push(
                now,
                NodeId::Controller(id),
                TraceKind::Controller,
                format!("Controller {id} killed"),
            );
            sim.with_controller(|c, ctx, out| c.set_voter_alive(id, false, ctx, out));
        }
        Command::ControllerStart(id) => {
            sim.trace.push(
                now,
                NodeId::Controller(id),
                TraceKind::Controller,
                format!("Controller {id} started"),
            );
            sim.with_controller(|c, ctx, out| c.set_voter_alive(id, true, ctx, out));
        }
        Command::TopicCreate {
            name,
            partitions,
            replication_factor,
            configs,
        } => {
            let config = topic_config_from_pairs(&configs)?;
            sim.create_topic_with(&name, partitions, replication_factor, config)?;
        }
        Command::ProducerCreate { name, configs } => {
            let (config, notes) = ProducerConfig::from_pairs(&configs)?;
            let index = sim.producers.len() as u32;
            sim.next_producer_id += 1;
            let bootstrap: Vec<BrokerId> = sim.brokers.keys().copied().collect();
            let p = Producer::new(&name, index, config, sim.next_producer_id, bootstrap);
            for n in notes {
                sim.trace.push(
                    now,
                    NodeId::Producer(index),
                    TraceKind::Produce,
                    format!("[Producer clientId={name}] {n}"),
                );
            }
            if p.producer_id >= 0 {
                sim.trace.push(
                    now,
                    NodeId::Producer(index),
                    TraceKind::Produce,
                    format!(
                        "[Producer clientId={name}] ProducerId set to {} with epoch 0",
                        p.producer_id
                    ),
                );
            }
            sim.producers.push(p);
            let mut out = Out::default();
            sim.with_producer(index, &mut out, |p, ctx, out| p.drain(ctx, out));
            sim.flush(out);
        }
        Command::Produce {
            producer,
            topic,
            key,
            value,
            partition,
            count,
            rate,
        } => {
            let index = sim.producer_index(&producer).expect("validated");
            let interval = rate.map(|r| ((1000.0 / r).round() as u64).max(1));
            let mut out = Out::default();
            sim.with_producer(index, &mut out, |p, ctx, out| {
                p.produce(
                    &topic,
                    key.as_deref(),
                    value.as_deref(),
                    partition,
                    count,
                    interval,
                    ctx,
                    out,
                )
            });
            sim.flush(out);
        }
        Command::ProduceStop { producer, topic } => {
            let index = sim.producer_index(&producer).expect("validated");
            let p = &mut sim.producers[index as usize];
            let unsent = p.stop_rates(topic.as_deref());
            sim.trace.push(
                now,
                NodeId::Producer(index),
                TraceKind::Produce,
                format!("[Producer clientId={producer}] application stopped sending ({unsent} scheduled records not sent)"),
            );
        }
        Command::NetworkIsolate(n) => {
            let node = sim.resolve(&n)?;
            sim.network.isolated.insert(node);
            sim.trace.push(
                now,
                node,
                TraceKind::Fault,
                format!("{node} isolated from the network"),
            );
        }
        Command::NetworkHeal(n) => {
            let node = n.map(|n| sim.resolve(&n)).transpose()?;
            sim.network.heal(node);
            let what = node.map_or("all network faults".to_string(), |n| {
                format!("network faults of {n}")
            });
            let text = format!("healed {what}");
            match node {
                Some(node) => sim.trace.push(now, node, TraceKind::Fault, text),
                None => sim.trace.push_network(now, TraceKind::Fault, text),
            }
        }
        Command::NetworkCut(a, b) => {
            let (a, b) = (sim.resolve(&a)?, sim.resolve(&b)?);
            sim.network.cut_link(a, b);
            sim.trace
                .push(now, a, TraceKind::Fault, format!("link {a} <-> {b} cut"));
        }
        Command::NetworkSlow(a, b, ms) => {
            let (a, b) = (sim.resolve(&a)?, sim.resolve(&b)?);
            sim.network.slow_link(a, b, ms);
            sim.trace.push(
                now,
                a,
                TraceKind::Fault,
                format!("link {a} <-> {b} slowed to {ms} ms"),
            );
        }
        Command::NetworkLatency(ms) => {
            // Messages already in flight keep their delivery time.
            sim.network.latency_ms = ms;
            sim.trace.push_network(
                now,
                TraceKind::Fault,
                format!("network latency set to {ms} ms"),
            );
        }
        Command::NetworkDrop {
            kind,
            from,
            to,
            count,
        } => {
            let from = from.map(|n| sim.resolve(&n)).transpose()?;
            let to = to.map(|n| sim.resolve(&n)).transpose()?;
            sim.network.drops.push(DropRule {
                kind,
                from,
                to,
                remaining: count,
            });
            let text = format!(
                "dropping {} {} message(s)",
                count.map_or("all".to_string(), |c| c.to_string()),
                kind.name()
            );
            match from.or(to) {
                Some(node) => sim.trace.push(now, node, TraceKind::Fault, text),
                None => sim.trace.push_network(now, TraceKind::Fault, text),
            }
        }
        Command::Advance(ms) => sim.advance(ms),
        Command::Step(n) => {
            for _ in 0..n {
                if !sim.step() {
                    break;
                }
            }
        }
        Command::ConsumerCreate { name, configs } => {
            let (config, topics) = ConsumerConfig::from_pairs(&configs)?;
            if !sim.metadata.topics.contains_key(OFFSETS_TOPIC) {
                // Created on the first FindCoordinator, as the broker does (auto-creation of
                // the internal topic: offsets.topic.num.partitions, RF up to 3).
                let rf = (sim.metadata.brokers.values().filter(|b| !b.fenced).count() as i32)
                    .clamp(1, 3);
                sim.create_topic_with(
                    OFFSETS_TOPIC,
                    OFFSETS_TOPIC_NUM_PARTITIONS,
                    rf,
                    super::metadata::TopicConfig::default(),
                )?;
            }
            let index = sim.consumers.len() as u32;
            let seq = sim
                .consumers
                .iter()
                .filter(|c| c.config.group_id == config.group_id)
                .count() as u32
                + 1;
            let bootstrap: Vec<BrokerId> = sim.brokers.keys().copied().collect();
            sim.consumers
                .push(Consumer::new(&name, index, config, topics, bootstrap, seq));
            let mut out = Out::default();
            sim.with_consumer(index, &mut out, |c, ctx, out| c.start(ctx, out));
            sim.flush(out);
        }
        Command::ConsumerClose(name) => sim.consumer_do(&name, |c, ctx, out| c.close(ctx, out)),
        Command::ConsumerCrash(name) => {
            let i = sim.consumer_index(&name).expect("validated");
            sim.consumers[i as usize].crash();
            sim.trace.push(
                now,
                NodeId::Consumer(i),
                TraceKind::Consumer,
                format!("Consumer {name} crashed (kill -9)"),
            );
        }
        Command::ConsumerRestart(name) => sim.consumer_do(&name, |c, ctx, out| c.restart(ctx, out)),
        Command::ConsumerCommit(name) => {
            sim.consumer_do(&name, |c, ctx, out| c.commit_now(ctx, out))
        }
        Command::ConsumerPause(name) => sim.consumer_do(&name, |c, _, _| {
            c.paused = c.assignment.iter().cloned().collect_set()
        }),
        Command::ConsumerResume(name) => sim.consumer_do(&name, |c, _, _| c.paused.clear()),
        Command::ConsumerSubscribe(name, topics) => {
            sim.consumer_do(&name, |c, ctx, out| c.subscribe(topics, ctx, out))
        }
        Command::TopicAddPartitions { name, partitions } => {
            sim.add_partitions(&name, partitions)?
        }
    }
    Ok(())
}

impl Simulation {
    /// After a broker process stops or dies: ZooKeeper closes a cleanly stopped broker's
    /// session at once; a crash is noticed only when the session times out.
    pub(crate) fn after_broker_down(&mut self, id: BrokerId) {
        let clean = self
            .brokers
            .get(&id)
            .is_some_and(|b| b.state == BrokerState::Stopped);
        if self.config.mode == ControllerMode::Zookeeper && clean {
            self.with_controller(|c, ctx, out| c.zk_session_closed(id, ctx, out));
        }
    }

    pub fn consumer_index(&self, name: &str) -> Option<u32> {
        self.consumers
            .iter()
            .position(|c| &*c.name == name)
            .map(|i| i as u32)
    }

    fn consumer_do(
        &mut self,
        name: &str,
        f: impl FnOnce(&mut Consumer, &mut ConsumerCtx, &mut Out),
    ) {
        let index = self.consumer_index(name).expect("validated");
        let mut out = Out::default();
        self.with_consumer(index, &mut out, f);
        self.flush(out);
    }

    pub(crate) fn with_consumer(
        &mut self,
        index: u32,
        out: &mut Out,
        f: impl FnOnce(&mut Consumer, &mut ConsumerCtx, &mut Out),
    ) {
        let mut ctx = ConsumerCtx {
            now_ms: self.now_ms,
            next_request_id: &mut self.next_request_id,
        };
        if let Some(c) = self.consumers.get_mut(index as usize) {
            f(c, &mut ctx, out);
        }
    }

    pub(crate) fn with_producer(
        &mut self,
        index: u32,
        out: &mut Out,
        f: impl FnOnce(&mut Producer, &mut ProducerCtx, &mut Out),
    ) {
        let mut ctx = ProducerCtx {
            now_ms: self.now_ms,
            rng: &mut self.rng,
            next_record_id: &mut self.next_record_id,
            next_request_id: &mut self.next_request_id,
        };
        if let Some(p) = self.producers.get_mut(index as usize) {
            f(p, &mut ctx, out);
        }
    }
}

/// Kafka's `Topic.validate`: 1-249 characters of `[a-zA-Z0-9._-]`, not "." or "..", refused
/// with `InvalidTopicException` (INVALID_TOPIC_EXCEPTION) in Kafka's words.
pub fn validate_topic_name(name: &str) -> Result<(), CommandError> {
    let invalid = |why: String| Err(CommandError::kafka(KafkaError::InvalidTopicException, why));
    if name.is_empty() {
        return invalid("Topic name is illegal, it can't be empty".into());
    }
    if name == "." || name == ".." {
        return invalid("Topic name cannot be \".\" or \"..\"".into());
    }
    if name.len() > 249 {
        return invalid(format!(
            "Topic name is illegal, it can't be longer than 249 characters, Topic name: {name}"
        ));
    }
    if !name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '_' || c == '-')
    {
        return invalid(format!(
            "Topic name \"{name}\" is illegal, it contains a character other than ASCII alphanumerics, '.', '_' and '-'"
        ));
    }
    Ok(())
}

fn validate_client_name(name: &str) -> Result<(), CommandError> {
    let ok = !name.is_empty()
        && name.len() <= 64
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '_' || c == '-')
        && !name.chars().all(|c| c.is_ascii_digit());
    if ok {
        Ok(())
    } else {
        Err(CommandError::invalid(format!(
            "'{name}' is not a valid client name (1-64 characters of letters, digits, '.', '_', '-', not only digits)"
        )))
    }
}

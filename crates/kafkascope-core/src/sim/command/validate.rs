//! Validation: whether a command would be accepted now, checked before anything changes, so
//! that a refused command leaves the simulation exactly as it was. One function per command
//! (or per kind of check), each returning what it resolved.

use super::{
    topic_config_from_pairs, Command, ConsumerAction, NodeRef, ProduceRecords, Valid, Validated,
};
use crate::sim::broker::BrokerState;
use crate::sim::config::{ControllerMode, FIRST_CONTROLLER_ID};
use crate::sim::consumer::{ConsumerConfig, ConsumerState};
use crate::sim::coordinator::OFFSETS_TOPIC;
use crate::sim::error::{CommandError, KafkaError};
use crate::sim::network::{DropRule, NodeId};
use crate::sim::producer::ProducerConfig;
use crate::sim::{
    BrokerId, Simulation, MAX_ADVANCE_MS, MAX_BROKERS, MAX_CONSUMERS, MAX_PARTITIONS_PER_TOPIC,
    MAX_PRODUCERS, MAX_STEP_EVENTS,
};

impl Simulation {
    /// A consumer subscribes only to existing user topics.
    pub(super) fn check_subscription(&self, topics: &[String]) -> Result<(), CommandError> {
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

    /// The named consumer exists and its process is up: its index.
    pub(super) fn running_consumer(&self, name: &str) -> Result<u32, CommandError> {
        let i = self
            .consumer_index(name)
            .ok_or_else(|| CommandError::invalid(format!("no consumer named '{name}'")))?;
        if self.consumers[i as usize].state != ConsumerState::Running {
            return Err(CommandError::invalid(format!(
                "consumer '{name}' is not running"
            )));
        }
        Ok(i)
    }

    /// Whether `command` would be accepted now; if so, the command as `apply` takes it. Nothing
    /// changes here.
    pub fn validate(&self, command: Command) -> Result<Validated, CommandError> {
        let valid = match command {
            Command::BrokerAdd { id } => Valid::BrokerAdd(self.new_broker_id(id)?),
            Command::BrokerStop(id) => Valid::BrokerStop(self.running_broker(id)?),
            Command::BrokerKill(id) => Valid::BrokerKill(self.running_broker(id)?),
            Command::BrokerStart(id) => Valid::BrokerStart(self.startable_broker(id)?),
            Command::ControllerKill(id) => Valid::ControllerKill(self.killable_controller(id)?),
            Command::ControllerStart(id) => Valid::ControllerStart(self.startable_controller(id)?),
            Command::TopicCreate {
                name,
                partitions,
                replication_factor,
                configs,
            } => Valid::TopicCreate {
                config: topic_config_from_pairs(&configs)?,
                name,
                partitions,
                replication_factor,
            },
            Command::ProducerCreate { name, configs } => self.new_producer(name, &configs)?,
            Command::Produce {
                producer,
                topic,
                key,
                value,
                partition,
                count,
                rate,
            } => {
                let index = self.producer_to(&producer, &topic, partition)?;
                Valid::Produce(ProduceRecords {
                    index,
                    interval_ms: record_interval(count, rate)?,
                    topic,
                    key,
                    value,
                    partition,
                    count,
                })
            }
            Command::ProduceStop { producer, topic } => Valid::ProduceStop {
                index: self.producer_with_rate(&producer, topic.as_deref())?,
                topic,
            },
            command => self.validate_other(command)?,
        };
        Ok(Validated(valid))
    }

    /// The network's, the clock's, the consumers' and the partitions' commands.
    fn validate_other(&self, command: Command) -> Result<Valid, CommandError> {
        Ok(match command {
            Command::NetworkIsolate(n) => Valid::NetworkIsolate(self.resolve(&n)?),
            Command::NetworkHeal(n) => Valid::NetworkHeal(n.map(|n| self.resolve(&n)).transpose()?),
            Command::NetworkCut(a, b) => {
                let (a, b) = self.link(&a, &b)?;
                Valid::NetworkCut(a, b)
            }
            Command::NetworkSlow(a, b, ms) => {
                let (a, b) = self.link(&a, &b)?;
                Valid::NetworkSlow(a, b, link_latency(ms)?)
            }
            Command::NetworkDrop {
                kind,
                from,
                to,
                count,
            } => Valid::NetworkDrop(DropRule {
                kind,
                from: from.map(|n| self.resolve(&n)).transpose()?,
                to: to.map(|n| self.resolve(&n)).transpose()?,
                remaining: count,
            }),
            Command::NetworkLatency(ms) => Valid::NetworkLatency(network_latency(ms)?),
            Command::Advance(ms) => Valid::Advance(advance(ms)?),
            Command::Step(n) => Valid::Step(step(n)?),
            Command::ConsumerCreate { name, configs } => self.new_consumer(name, &configs)?,
            Command::TopicAddPartitions { name, partitions } => {
                self.partitions_to_add(&name, partitions)?;
                Valid::TopicAddPartitions { name, partitions }
            }
            command => self.validate_consumer_action(command)?,
        })
    }

    /// A command to one consumer: it must be running (to be restarted: not running).
    fn validate_consumer_action(&self, command: Command) -> Result<Valid, CommandError> {
        let (name, action) = match command {
            Command::ConsumerClose(name) => (name, ConsumerAction::Close),
            Command::ConsumerCrash(name) => {
                return Ok(Valid::ConsumerCrash(self.running_consumer(&name)?));
            }
            Command::ConsumerCommit(name) => (name, ConsumerAction::Commit),
            Command::ConsumerPause(name) => (name, ConsumerAction::Pause),
            Command::ConsumerResume(name) => (name, ConsumerAction::Resume),
            Command::ConsumerSubscribe(name, topics) => {
                let index = self.running_consumer(&name)?;
                if topics.is_empty() {
                    return Err(CommandError::invalid(
                        "a consumer subscribes to at least one topic (topics=a,b)",
                    ));
                }
                self.check_subscription(&topics)?;
                return Ok(Valid::Consumer(index, ConsumerAction::Subscribe(topics)));
            }
            Command::ConsumerRestart(name) => {
                let index = self.stopped_consumer(&name)?;
                return Ok(Valid::Consumer(index, ConsumerAction::Restart));
            }
            _ => unreachable!("validate and validate_other take every other command"),
        };
        Ok(Valid::Consumer(self.running_consumer(&name)?, action))
    }

    /// `broker add [ID]`: the id given (free, below the controllers' ids) or the next one.
    fn new_broker_id(&self, id: Option<BrokerId>) -> Result<BrokerId, CommandError> {
        if self.brokers.len() >= MAX_BROKERS {
            return Err(CommandError::invalid(format!(
                "Kafkascope runs at most {MAX_BROKERS} brokers"
            )));
        }
        let Some(id) = id else {
            return Ok(self.brokers.keys().next_back().map_or(1, |m| m + 1));
        };
        if !(0..FIRST_CONTROLLER_ID).contains(&id) {
            return Err(CommandError::invalid(format!(
                "broker.id must be between 0 and {}",
                FIRST_CONTROLLER_ID - 1
            )));
        }
        if self.brokers.contains_key(&id) {
            return Err(CommandError::invalid(format!("Broker {id} already exists")));
        }
        Ok(id)
    }

    /// `broker stop` / `broker kill`: the broker exists and runs.
    fn running_broker(&self, id: BrokerId) -> Result<BrokerId, CommandError> {
        if self.broker_exists(id)?.state != BrokerState::Running {
            return Err(CommandError::kafka(
                KafkaError::BrokerNotAvailable,
                format!("Broker {id} is not running"),
            ));
        }
        Ok(id)
    }

    fn startable_broker(&self, id: BrokerId) -> Result<BrokerId, CommandError> {
        if self.broker_exists(id)?.state == BrokerState::Running {
            return Err(CommandError::invalid(format!(
                "Broker {id} is already running"
            )));
        }
        Ok(id)
    }

    /// `controller kill [ID]`: a running KRaft voter, the active one when no id is given.
    fn killable_controller(&self, id: Option<i32>) -> Result<i32, CommandError> {
        if self.config.mode == ControllerMode::Zookeeper {
            return Err(CommandError::invalid(
                "in ZooKeeper mode the controller is a broker: kill the controller broker instead",
            ));
        }
        match id {
            None => self
                .controller
                .active
                .ok_or_else(|| CommandError::invalid("there is no active controller")),
            Some(id) if !self.controller.voter_alive(id) => Err(CommandError::invalid(format!(
                "controller {id} is not running"
            ))),
            Some(id) => Ok(id),
        }
    }

    fn startable_controller(&self, id: i32) -> Result<i32, CommandError> {
        if self.config.mode == ControllerMode::Zookeeper
            || !self.controller.voters.iter().any(|v| v.id == id)
        {
            return Err(CommandError::invalid(format!(
                "controller {id} does not exist"
            )));
        }
        if self.controller.voter_alive(id) {
            return Err(CommandError::invalid(format!(
                "controller {id} is already running"
            )));
        }
        Ok(id)
    }

    /// `producer create NAME [configs]`: a free, valid name and valid configs.
    fn new_producer(
        &self,
        name: String,
        configs: &[(String, String)],
    ) -> Result<Valid, CommandError> {
        if self.producer_index(&name).is_some() {
            return Err(CommandError::invalid(format!(
                "a producer named '{name}' already exists"
            )));
        }
        if self.producers.len() >= MAX_PRODUCERS {
            return Err(CommandError::invalid(format!(
                "Kafkascope runs at most {MAX_PRODUCERS} producers"
            )));
        }
        validate_client_name(&name)?;
        if name == "stop" {
            return Err(CommandError::invalid(
                "'stop' is not a producer name: `produce stop NAME` stops a rate",
            ));
        }
        let (config, notes) = ProducerConfig::from_pairs(configs)?;
        Ok(Valid::ProducerCreate {
            name,
            config,
            notes,
        })
    }

    /// `produce`: the producer exists, and so do the topic and the partition named.
    fn producer_to(
        &self,
        producer: &str,
        topic: &str,
        partition: Option<i32>,
    ) -> Result<u32, CommandError> {
        let index = self
            .producer_index(producer)
            .ok_or_else(|| CommandError::invalid(format!("no producer named '{producer}'")))?;
        let Some(t) = self.metadata.topics.get(topic) else {
            return Err(CommandError::kafka(
                KafkaError::UnknownTopicOrPartition,
                format!("Topic {topic} not present in metadata"),
            ));
        };
        if let Some(p) = partition {
            if p < 0 || p as usize >= t.partitions.len() {
                return Err(CommandError::kafka(
                    KafkaError::UnknownTopicOrPartition,
                    format!("Partition {p} of topic {topic} with partition count {} is not present in metadata", t.partitions.len()),
                ));
            }
        }
        Ok(index)
    }

    /// `produce stop PRODUCER [TOPIC]`: the producer has a rate running (to that topic).
    fn producer_with_rate(&self, producer: &str, topic: Option<&str>) -> Result<u32, CommandError> {
        let i = self
            .producer_index(producer)
            .ok_or_else(|| CommandError::invalid(format!("no producer named '{producer}'")))?;
        if self.producers[i as usize].rates_running(topic) == 0 {
            return Err(CommandError::invalid(match topic {
                Some(t) => format!("producer '{producer}' has no rate running to {t}"),
                None => format!("producer '{producer}' has no rate running"),
            }));
        }
        Ok(i)
    }

    /// The two ends of a link: two different nodes.
    fn link(&self, a: &NodeRef, b: &NodeRef) -> Result<(NodeId, NodeId), CommandError> {
        let (a, b) = (self.resolve(a)?, self.resolve(b)?);
        if a == b {
            return Err(CommandError::invalid("a link joins two different nodes"));
        }
        Ok((a, b))
    }

    /// `consumer create NAME [configs]`: a free, valid client name, valid configs, existing
    /// topics, and a controller to create `__consumer_offsets` if it does not exist yet.
    fn new_consumer(
        &self,
        name: String,
        configs: &[(String, String)],
    ) -> Result<Valid, CommandError> {
        if self.consumer_index(&name).is_some() || self.producer_index(&name).is_some() {
            return Err(CommandError::invalid(format!(
                "a client named '{name}' already exists"
            )));
        }
        if self.consumers.len() >= MAX_CONSUMERS {
            return Err(CommandError::invalid(format!(
                "Kafkascope runs at most {MAX_CONSUMERS} consumers"
            )));
        }
        validate_client_name(&name)?;
        let (config, topics) = ConsumerConfig::from_pairs(configs)?;
        self.check_subscription(&topics)?;
        if self.controller.active.is_none() && !self.metadata.topics.contains_key(OFFSETS_TOPIC) {
            return Err(CommandError::kafka(
                KafkaError::CoordinatorNotAvailable,
                "no active controller to create __consumer_offsets",
            ));
        }
        Ok(Valid::ConsumerCreate {
            name,
            config,
            topics,
        })
    }

    fn stopped_consumer(&self, name: &str) -> Result<u32, CommandError> {
        let i = self
            .consumer_index(name)
            .ok_or_else(|| CommandError::invalid(format!("no consumer named '{name}'")))?;
        if self.consumers[i as usize].state == ConsumerState::Running {
            return Err(CommandError::invalid(format!(
                "consumer '{name}' is already running"
            )));
        }
        Ok(i)
    }

    /// `kafka-topics.sh --alter --partitions N`: more partitions than now, within the limit,
    /// with a controller to create them.
    fn partitions_to_add(&self, name: &str, partitions: i32) -> Result<(), CommandError> {
        let Some(t) = self.metadata.topics.get(name) else {
            return Err(CommandError::kafka(
                KafkaError::UnknownTopicOrPartition,
                format!("Topic '{name}' does not exist."),
            ));
        };
        let current = t.partitions.len() as i32;
        if partitions <= current {
            return Err(CommandError::kafka(
                KafkaError::InvalidPartitions,
                format!("Topic currently has {current} partitions, which is higher than the requested {partitions}."),
            ));
        }
        if partitions > MAX_PARTITIONS_PER_TOPIC {
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
        Ok(())
    }
}

/// `count` records, all at once or at `rate` per second: the interval between two.
fn record_interval(count: u64, rate: Option<f64>) -> Result<Option<u64>, CommandError> {
    if count == 0 || count > 10_000_000 {
        return Err(CommandError::invalid(
            "count must be between 1 and 10000000",
        ));
    }
    match rate {
        Some(r) if !(r.is_finite() && r > 0.0 && r <= 1_000_000.0) => Err(CommandError::invalid(
            "rate must be between 0 and 1000000 records/s",
        )),
        Some(r) => Ok(Some(((1000.0 / r).round() as u64).max(1))),
        None => Ok(None),
    }
}

fn link_latency(ms: u64) -> Result<u64, CommandError> {
    if ms > 600_000 {
        return Err(CommandError::invalid(
            "a link's latency must be at most 10m",
        ));
    }
    Ok(ms)
}

fn network_latency(ms: u64) -> Result<u64, CommandError> {
    if ms > 60_000 {
        return Err(CommandError::invalid("latency must be at most 60s"));
    }
    Ok(ms)
}

fn advance(ms: u64) -> Result<u64, CommandError> {
    if ms > MAX_ADVANCE_MS {
        return Err(CommandError::invalid(format!(
            "advance at most {}h at a time",
            MAX_ADVANCE_MS / 3_600_000
        )));
    }
    Ok(ms)
}

fn step(n: u64) -> Result<u64, CommandError> {
    if n > MAX_STEP_EVENTS {
        return Err(CommandError::invalid(format!(
            "step at most {MAX_STEP_EVENTS} events at a time"
        )));
    }
    Ok(n)
}

pub(super) fn validate_client_name(name: &str) -> Result<(), CommandError> {
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

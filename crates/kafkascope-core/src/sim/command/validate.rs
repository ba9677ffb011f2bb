//! Validation: whether a command would be accepted now, checked before anything changes, so
//! that a refused command leaves the simulation exactly as it was.

use super::{topic_config_from_pairs, Command};
use crate::sim::broker::BrokerState;
use crate::sim::config::{ControllerMode, FIRST_CONTROLLER_ID};
use crate::sim::consumer::{ConsumerConfig, ConsumerState};
use crate::sim::coordinator::OFFSETS_TOPIC;
use crate::sim::error::{CommandError, KafkaError};
use crate::sim::producer::ProducerConfig;
use crate::sim::{
    Simulation, MAX_ADVANCE_MS, MAX_BROKERS, MAX_CONSUMERS, MAX_PARTITIONS_PER_TOPIC,
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

    /// The named consumer exists and its process is up.
    pub(super) fn running_consumer(&self, name: &str) -> Result<(), CommandError> {
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

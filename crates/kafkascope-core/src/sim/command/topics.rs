//! Topics: their configs, creating them (the controller places the replicas) and adding
//! partitions, and Kafka's rule for topic names.

use crate::sim::config::ControllerMode;
use crate::sim::error::{CommandError, KafkaError};
use crate::sim::metadata::{PartitionRegistration, TopicConfig, TopicMetadata};
use crate::sim::placement::{self, UsableBroker};
use crate::sim::producer::unknown_config;
use crate::sim::trace::TraceKind;
use crate::sim::{BrokerId, Simulation, TopicPartition, MAX_PARTITIONS_PER_TOPIC, MAX_TOPICS};

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
    pub(super) fn place_partitions(
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
    pub(super) fn add_partitions(
        &mut self,
        name: &str,
        partitions: i32,
    ) -> Result<(), CommandError> {
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

//! The simulation core: a deterministic, discrete-event model of a Kafka cluster.
//!
//! Pure Rust with no web crate and no wall clock: time is `now_ms`, randomness comes from the
//! seed, and every collection iterated is ordered (`BTreeMap`, `Vec`), so the same seed and the
//! same commands give the same run natively and in the page.

pub mod assignor;
pub mod cli;
pub mod describe;
pub mod error;
pub mod hash;
pub mod placement;
pub mod rng;

use std::collections::BTreeMap;

use serde::Serialize;

pub use describe::{BrokerDescription, PartitionDescription};
pub use error::{CommandError, KafkaError};
use placement::UsableBroker;
use rng::{JavaRandom, SplitMix64};

/// Kafka's `broker.id` / `node.id`.
pub type BrokerId = i32;

/// Limits that keep a run (and the page) bounded.
pub const MAX_BROKERS: usize = 100;
pub const MAX_PARTITIONS_PER_TOPIC: i32 = 1000;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ControllerMode {
    /// A controller quorum elects an active controller (Kafka 3.3+ default, the only mode in 4.x).
    Kraft,
    /// A ZooKeeper ensemble elects a controller broker (Kafka up to 3.9).
    Zookeeper,
}

/// How a cluster starts.
#[derive(Clone, Debug)]
pub struct ClusterConfig {
    pub seed: u64,
    pub brokers: usize,
    pub mode: ControllerMode,
}

impl Default for ClusterConfig {
    fn default() -> Self {
        Self {
            seed: 1,
            brokers: 3,
            mode: ControllerMode::Kraft,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BrokerState {
    Running,
    /// Stopped after a controlled shutdown.
    Stopped,
    /// Killed (kill -9): no controlled shutdown, the controller notices by session timeout.
    Crashed,
}

#[derive(Clone, Debug)]
pub struct Broker {
    pub id: BrokerId,
    pub state: BrokerState,
}

/// One partition as the controller has it registered (KRaft `PartitionRegistration`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PartitionRegistration {
    pub replicas: Vec<BrokerId>,
    pub isr: Vec<BrokerId>,
    /// `None` is Kafka's leader -1: the partition is offline.
    pub leader: Option<BrokerId>,
    pub leader_epoch: i32,
    pub partition_epoch: i32,
}

#[derive(Clone, Debug)]
pub struct TopicMetadata {
    pub name: String,
    pub partitions: Vec<PartitionRegistration>,
}

#[derive(Clone, Debug)]
pub struct Simulation {
    pub(crate) config: ClusterConfig,
    pub(crate) now_ms: u64,
    #[allow(dead_code)]
    pub(crate) rng: SplitMix64,
    /// The controller's `java.util.Random` (replica placement).
    pub(crate) controller_random: JavaRandom,
    pub(crate) brokers: BTreeMap<BrokerId, Broker>,
    pub(crate) topics: BTreeMap<String, TopicMetadata>,
}

impl Simulation {
    pub fn new(config: ClusterConfig) -> Result<Self, CommandError> {
        if config.brokers == 0 || config.brokers > MAX_BROKERS {
            return Err(CommandError::invalid(format!(
                "a cluster needs between 1 and {MAX_BROKERS} brokers, not {}",
                config.brokers
            )));
        }
        let brokers = (1..=config.brokers as BrokerId)
            .map(|id| {
                (
                    id,
                    Broker {
                        id,
                        state: BrokerState::Running,
                    },
                )
            })
            .collect();
        Ok(Self {
            rng: SplitMix64::new(config.seed),
            controller_random: JavaRandom::new(config.seed as i64),
            config,
            now_ms: 0,
            brokers,
            topics: BTreeMap::new(),
        })
    }

    pub fn now_ms(&self) -> u64 {
        self.now_ms
    }

    pub fn config(&self) -> &ClusterConfig {
        &self.config
    }

    /// `kafka-topics.sh --create`: places replicas as the active controller would.
    pub fn create_topic(
        &mut self,
        name: &str,
        partitions: i32,
        replication_factor: i32,
    ) -> Result<(), CommandError> {
        validate_topic_name(name)?;
        if self.topics.contains_key(name) {
            return Err(CommandError::kafka(
                KafkaError::TopicAlreadyExists,
                format!("Topic '{name}' already exists."),
            ));
        }
        if partitions > MAX_PARTITIONS_PER_TOPIC {
            return Err(CommandError::kafka(
                KafkaError::InvalidPartitions,
                format!("Kafkascope keeps at most {MAX_PARTITIONS_PER_TOPIC} partitions per topic, not {partitions}."),
            ));
        }
        // Place with a copy of the random source: a refused command must leave no trace.
        let mut random = self.controller_random.clone();
        let assignment = match self.config.mode {
            ControllerMode::Kraft => {
                let usable: Vec<UsableBroker> = self
                    .brokers
                    .values()
                    .map(|b| UsableBroker {
                        id: b.id,
                        fenced: b.state != BrokerState::Running,
                    })
                    .collect();
                placement::place_striped(&mut random, &usable, partitions, replication_factor)?
            }
            ControllerMode::Zookeeper => {
                let live: Vec<BrokerId> = self
                    .brokers
                    .values()
                    .filter(|b| b.state == BrokerState::Running)
                    .map(|b| b.id)
                    .collect();
                placement::place_rack_unaware(&mut random, &live, partitions, replication_factor)?
            }
        };
        self.controller_random = random;
        let partitions = assignment
            .into_iter()
            .map(|replicas| {
                let isr: Vec<BrokerId> = replicas
                    .iter()
                    .copied()
                    .filter(|id| self.brokers[id].state == BrokerState::Running)
                    .collect();
                PartitionRegistration {
                    leader: isr.first().copied(),
                    isr,
                    replicas,
                    leader_epoch: 0,
                    partition_epoch: 0,
                }
            })
            .collect();
        self.topics.insert(
            name.to_string(),
            TopicMetadata {
                name: name.to_string(),
                partitions,
            },
        );
        Ok(())
    }
}

/// Kafka's `Topic.validate`: 1-249 characters of `[a-zA-Z0-9._-]`, not "." or "..".
pub fn validate_topic_name(name: &str) -> Result<(), CommandError> {
    let invalid = |why: String| Err(CommandError::kafka(KafkaError::InvalidConfig, why));
    if name.is_empty() {
        return invalid("Topic name is illegal, it can't be empty".into());
    }
    if name == "." || name == ".." {
        return invalid("Topic name cannot be \".\" or \"..\"".into());
    }
    if name.len() > 249 {
        return invalid(format!(
            "Topic name is illegal, it can't be longer than 249 characters, topic name: {name}"
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

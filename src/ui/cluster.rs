//! The scenario the first screen shows: a fresh cluster with one topic, built by the core.

use crate::sim::{ClusterConfig, CommandError, ControllerMode, Simulation};

pub const DEFAULT_SEED: u64 = 1;
pub const DEFAULT_BROKERS: usize = 3;
/// The broker count control's range.
pub const MIN_BROKERS: usize = 1;
pub const MAX_BROKERS: usize = 12;
pub const DEFAULT_TOPIC: &str = "orders";
pub const DEFAULT_PARTITIONS: i32 = 3;
/// The default topic's replication factor is min(this, brokers).
pub const MAX_REPLICATION_FACTOR: i32 = 3;

/// A KRaft cluster of `brokers` brokers (seed [`DEFAULT_SEED`]) with topic [`DEFAULT_TOPIC`].
/// The replication factor is a command argument; where the replicas go is the core's decision.
// The core's config grows (latency, controllers, broker settings): take its defaults for the rest.
#[allow(clippy::needless_update)]
pub fn default_cluster(brokers: usize) -> Result<Simulation, CommandError> {
    let mut sim = Simulation::new(ClusterConfig {
        seed: DEFAULT_SEED,
        brokers,
        mode: ControllerMode::Kraft,
        ..ClusterConfig::default()
    })?;
    let replication_factor = MAX_REPLICATION_FACTOR.min(i32::try_from(brokers).unwrap_or(i32::MAX));
    sim.create_topic(DEFAULT_TOPIC, DEFAULT_PARTITIONS, replication_factor)?;
    Ok(sim)
}

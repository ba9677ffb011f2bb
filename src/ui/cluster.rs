//! The cluster the page starts with, written as scenario-language lines and built by the core's
//! own script runner, so the console history starts with the script that made what is on screen.

use crate::sim::script;
use crate::sim::{CommandError, ControllerMode, Simulation};

pub const DEFAULT_SEED: u64 = 1;
pub const DEFAULT_BROKERS: usize = 3;
/// The broker count control's range.
pub const MIN_BROKERS: usize = 1;
pub const MAX_BROKERS: usize = 12;
pub const DEFAULT_TOPIC: &str = "orders";
pub const DEFAULT_PARTITIONS: i32 = 3;
/// The default topic's replication factor is min(this, brokers).
pub const MAX_REPLICATION_FACTOR: i32 = 3;
/// The producer the page starts with, so that "Send" works at once.
pub const DEFAULT_PRODUCER: &str = "p1";

/// The scenario-language name of a controller mode (`cluster mode=...`).
pub fn mode_name(mode: ControllerMode) -> &'static str {
    match mode {
        ControllerMode::Kraft => "kraft",
        ControllerMode::Zookeeper => "zookeeper",
    }
}

/// The script of a fresh cluster: `brokers` brokers in `mode` (seed [`DEFAULT_SEED`]), topic
/// [`DEFAULT_TOPIC`] with replication factor min(3, brokers), and producer [`DEFAULT_PRODUCER`]
/// with Kafka's default settings.
pub fn setup_script(brokers: usize, mode: ControllerMode) -> Vec<String> {
    let replication_factor = MAX_REPLICATION_FACTOR.min(i32::try_from(brokers).unwrap_or(i32::MAX));
    vec![
        format!("seed {DEFAULT_SEED}"),
        format!("cluster brokers={brokers} mode={}", mode_name(mode)),
        format!(
            "topic create {DEFAULT_TOPIC} partitions={DEFAULT_PARTITIONS} replication-factor={replication_factor}"
        ),
        format!("producer create {DEFAULT_PRODUCER}"),
    ]
}

/// The small story the page opens with (the first screen, without a link, `?run=` or a tour):
/// group billing's consumer c1 joins and settles (its first rebalance waits
/// `group.initial.rebalance.delay.ms`, 3 s), then p1 sends one record a second with key alice,
/// so every record takes the same road: p1 → the leader of its partition → the followers'
/// fetches → the high watermark → the ack to p1, and c1's fetch returns it.
pub const STORY: [&str; 3] = [
    "consumer create c1 group.id=billing topics=orders auto.offset.reset=earliest",
    "advance 4s",
    "produce p1 orders key=alice rate=1/s count=3600",
];

/// Runs [`setup_script`] in the core.
pub fn default_cluster(brokers: usize, mode: ControllerMode) -> Result<Simulation, CommandError> {
    script::run(&setup_script(brokers, mode).join("\n"))
        .map_err(|e| CommandError::invalid(e.message))
}

//! Cluster and broker configuration, by Kafka's names, with Kafka's defaults.

use serde::Serialize;

use super::error::CommandError;
use super::MAX_BROKERS;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ControllerMode {
    /// A controller quorum elects an active controller (Kafka 3.3+ default, the only mode in 4.x).
    Kraft,
    /// A ZooKeeper ensemble elects a controller broker (Kafka up to 3.9).
    Zookeeper,
}

/// Broker-side settings that shape timing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BrokerConfig {
    pub replica_lag_time_max_ms: u64,
    pub replica_fetch_wait_max_ms: u64,
    pub replica_fetch_backoff_ms: u64,
    /// Records per partition per fetch (stands in for replica.fetch.max.bytes).
    pub replica_fetch_max_records: usize,
    pub replica_socket_timeout_ms: u64,
    pub broker_heartbeat_interval_ms: u64,
    pub broker_session_timeout_ms: u64,
    pub zookeeper_session_timeout_ms: u64,
    pub log_retention_check_interval_ms: u64,
    pub controller_quorum_fetch_timeout_ms: u64,
    pub controller_quorum_election_backoff_max_ms: u64,
    /// `auto.leader.rebalance.enable`: preferred replicas lead again (controller/leader_balance.rs).
    pub auto_leader_rebalance_enable: bool,
    /// `leader.imbalance.check.interval.seconds`, in ms.
    pub leader_imbalance_check_interval_ms: u64,
    /// `leader.imbalance.per.broker.percentage` (ZooKeeper mode only).
    pub leader_imbalance_per_broker_percentage: u32,
}

impl Default for BrokerConfig {
    fn default() -> Self {
        Self {
            replica_lag_time_max_ms: 30_000,
            replica_fetch_wait_max_ms: 500,
            replica_fetch_backoff_ms: 1_000,
            replica_fetch_max_records: 10_000,
            replica_socket_timeout_ms: 30_000,
            broker_heartbeat_interval_ms: 2_000,
            broker_session_timeout_ms: 9_000,
            zookeeper_session_timeout_ms: 18_000,
            log_retention_check_interval_ms: 300_000,
            controller_quorum_fetch_timeout_ms: 2_000,
            controller_quorum_election_backoff_max_ms: 1_000,
            auto_leader_rebalance_enable: true,
            leader_imbalance_check_interval_ms: 300_000,
            leader_imbalance_per_broker_percentage: 10,
        }
    }
}

/// How a cluster starts.
#[derive(Clone, Debug)]
pub struct ClusterConfig {
    pub seed: u64,
    pub brokers: usize,
    pub mode: ControllerMode,
    /// KRaft controller quorum voters (node ids 3000, 3001, ...).
    pub controllers: usize,
    /// One-way network latency between any two nodes.
    pub latency_ms: u64,
    pub broker: BrokerConfig,
}

impl Default for ClusterConfig {
    fn default() -> Self {
        Self {
            seed: 1,
            brokers: 3,
            mode: ControllerMode::Kraft,
            controllers: 3,
            latency_ms: 2,
            broker: BrokerConfig::default(),
        }
    }
}

/// KRaft controllers' node ids start here (brokers are 1..=N).
pub const FIRST_CONTROLLER_ID: i32 = 3000;

impl ClusterConfig {
    pub fn validate(&self) -> Result<(), CommandError> {
        if self.brokers == 0 || self.brokers > MAX_BROKERS {
            return Err(CommandError::invalid(format!(
                "a cluster needs between 1 and {MAX_BROKERS} brokers, not {}",
                self.brokers
            )));
        }
        if self.mode == ControllerMode::Kraft && !(1..=9).contains(&self.controllers) {
            return Err(CommandError::invalid(format!(
                "a KRaft controller quorum has 1 to 9 voters, not {}",
                self.controllers
            )));
        }
        if self.latency_ms > 60_000 {
            return Err(CommandError::invalid("latency must be at most 60s"));
        }
        Ok(())
    }
}

/// Parses a duration as scripts write it: `5s`, `200ms`, `2m`, `1h`, or bare milliseconds.
pub fn parse_duration_ms(s: &str) -> Option<u64> {
    let (num, mult) = if let Some(n) = s.strip_suffix("ms") {
        (n, 1)
    } else if let Some(n) = s.strip_suffix('s') {
        (n, 1_000)
    } else if let Some(n) = s.strip_suffix('m') {
        (n, 60_000)
    } else if let Some(n) = s.strip_suffix('h') {
        (n, 3_600_000)
    } else {
        (s, 1)
    };
    if num.is_empty() || !num.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        return None;
    }
    let v = super::decimal::parse_f64(num)?;
    let ms = v * mult as f64;
    if !(0.0..=1e15).contains(&ms) {
        return None;
    }
    Some(ms.round() as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration_ms("5s"), Some(5000));
        assert_eq!(parse_duration_ms("200ms"), Some(200));
        assert_eq!(parse_duration_ms("1.5s"), Some(1500));
        assert_eq!(parse_duration_ms("2m"), Some(120_000));
        assert_eq!(parse_duration_ms("750"), Some(750));
        assert_eq!(parse_duration_ms("-1s"), None);
        assert_eq!(parse_duration_ms("s"), None);
        assert_eq!(parse_duration_ms("5x"), None);
    }
}

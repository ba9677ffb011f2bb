//! The consumer's configuration: Kafka's consumer configs by their names and defaults, and the
//! application's (`processing`, `processing.time.ms`, `commit.after.processing`).

use serde::Serialize;

use crate::sim::assignor::{self, AssignorName, RebalanceProtocol};
use crate::sim::error::{CommandError, KafkaError};
use crate::sim::producer::unknown_config;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum OffsetReset {
    Earliest,
    Latest,
    None,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Processing {
    /// Process each batch between two `poll()` calls.
    PollLoop,
    /// Hand records to a worker thread and keep polling.
    Worker,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConsumerConfig {
    pub group_id: String,
    pub enable_auto_commit: bool,
    pub auto_commit_interval_ms: u64,
    pub auto_offset_reset: OffsetReset,
    pub max_poll_records: usize,
    pub session_timeout_ms: u64,
    pub heartbeat_interval_ms: u64,
    pub max_poll_interval_ms: u64,
    pub assignors: Vec<AssignorName>,
    pub group_instance_id: Option<String>,
    pub enable_auto_offset_store: bool,
    pub fetch_max_wait_ms: u64,
    pub request_timeout_ms: u64,
    pub retry_backoff_ms: u64,
    pub metadata_max_age_ms: u64,
    pub processing: Processing,
    pub processing_time_ms: u64,
    /// The application calls commitSync() after processing each polled batch.
    pub commit_after_processing: bool,
}

impl Default for ConsumerConfig {
    fn default() -> Self {
        Self {
            group_id: String::new(),
            enable_auto_commit: true,
            auto_commit_interval_ms: 5_000,
            auto_offset_reset: OffsetReset::Latest,
            max_poll_records: 500,
            session_timeout_ms: 45_000,
            heartbeat_interval_ms: 3_000,
            max_poll_interval_ms: 300_000,
            assignors: vec![AssignorName::Range, AssignorName::CooperativeSticky],
            group_instance_id: None,
            enable_auto_offset_store: true,
            fetch_max_wait_ms: 500,
            request_timeout_ms: 30_000,
            retry_backoff_ms: 100,
            metadata_max_age_ms: 300_000,
            processing: Processing::PollLoop,
            processing_time_ms: 10,
            commit_after_processing: false,
        }
    }
}

pub const CONSUMER_CONFIGS: &[&str] = &[
    "group.id",
    "topics",
    "enable.auto.commit",
    "auto.commit.interval.ms",
    "auto.offset.reset",
    "max.poll.records",
    "session.timeout.ms",
    "heartbeat.interval.ms",
    "max.poll.interval.ms",
    "partition.assignment.strategy",
    "group.instance.id",
    "enable.auto.offset.store",
    "fetch.max.wait.ms",
    "request.timeout.ms",
    "retry.backoff.ms",
    "metadata.max.age.ms",
    "processing",
    "processing.time.ms",
    "commit.after.processing",
];

impl ConsumerConfig {
    /// Builds a config (and the subscribed topics) from `name=value` pairs.
    pub fn from_pairs(pairs: &[(String, String)]) -> Result<(Self, Vec<String>), CommandError> {
        let mut c = Self::default();
        let mut topics = Vec::new();
        for (k, v) in pairs {
            let bad = || {
                CommandError::kafka(
                    KafkaError::InvalidConfig,
                    format!("Invalid value {v} for configuration {k}"),
                )
            };
            let ms = || crate::sim::config::parse_duration_ms(v).ok_or_else(bad);
            let boolean = || match v.as_str() {
                "true" => Ok(true),
                "false" => Ok(false),
                _ => Err(bad()),
            };
            match k.as_str() {
                "group.id" | "group" => c.group_id = v.clone(),
                "topics" | "topic" => topics = v.split(',').filter(|t| !t.is_empty()).map(str::to_string).collect(),
                "enable.auto.commit" => c.enable_auto_commit = boolean()?,
                "auto.commit.interval.ms" => c.auto_commit_interval_ms = ms()?.max(1),
                "auto.offset.reset" => {
                    c.auto_offset_reset = match v.as_str() {
                        "earliest" => OffsetReset::Earliest,
                        "latest" => OffsetReset::Latest,
                        "none" => OffsetReset::None,
                        _ => return Err(CommandError::kafka(KafkaError::InvalidConfig, format!("Invalid value {v} for configuration auto.offset.reset: String must be one of: latest, earliest, none"))),
                    }
                }
                "max.poll.records" => c.max_poll_records = v.parse::<usize>().ok().filter(|&n| (1..=100_000).contains(&n)).ok_or_else(bad)?,
                "session.timeout.ms" => c.session_timeout_ms = ms()?,
                "heartbeat.interval.ms" => c.heartbeat_interval_ms = ms()?.max(1),
                "max.poll.interval.ms" => c.max_poll_interval_ms = ms()?.max(1),
                "partition.assignment.strategy" => {
                    c.assignors = v
                        .split(',')
                        .map(|a| AssignorName::parse(a.trim()).ok_or_else(|| CommandError::kafka(KafkaError::InvalidConfig, format!("Invalid value {v} for configuration partition.assignment.strategy: Class {a} cannot be found (range, roundrobin, sticky, cooperative-sticky)"))))
                        .collect::<Result<_, _>>()?;
                    if c.assignors.is_empty() {
                        return Err(bad());
                    }
                }
                "group.instance.id" => c.group_instance_id = Some(v.clone()).filter(|s| !s.is_empty()),
                "enable.auto.offset.store" => c.enable_auto_offset_store = boolean()?,
                "fetch.max.wait.ms" => c.fetch_max_wait_ms = ms()?,
                "request.timeout.ms" => c.request_timeout_ms = ms()?.max(1),
                "retry.backoff.ms" => c.retry_backoff_ms = ms()?,
                "metadata.max.age.ms" => c.metadata_max_age_ms = ms()?,
                "processing" => {
                    c.processing = match v.as_str() {
                        "poll-loop" | "in-loop" => Processing::PollLoop,
                        "worker" | "hand-off" => Processing::Worker,
                        _ => return Err(CommandError::invalid(format!("processing is poll-loop or worker, not '{v}'"))),
                    }
                }
                "processing.time.ms" => c.processing_time_ms = ms()?,
                "commit.after.processing" => c.commit_after_processing = boolean()?,
                _ => return Err(unknown_config("consumer", k, CONSUMER_CONFIGS)),
            }
        }
        if c.group_id.is_empty() {
            return Err(CommandError::kafka(
                KafkaError::InvalidConfig,
                "group.id is required (Kafkascope models consumers in groups)",
            ));
        }
        if topics.is_empty() {
            return Err(CommandError::invalid(
                "a consumer subscribes to at least one topic (topics=a,b)",
            ));
        }
        if c.heartbeat_interval_ms >= c.session_timeout_ms {
            return Err(CommandError::kafka(
                KafkaError::InvalidConfig,
                "heartbeat.interval.ms must be lower than session.timeout.ms",
            ));
        }
        Ok((c, topics))
    }

    pub(super) fn rebalance_protocol(&self) -> RebalanceProtocol {
        assignor::rebalance_protocol_for(&self.assignors).unwrap_or(RebalanceProtocol::Eager)
    }
}

//! The producer's configuration: Kafka's producer configs by their names and defaults, the
//! checks `ProducerConfig` makes (idempotence needs acks=all, retries and at most 5 requests in
//! flight), and the "did you mean" hint for a misspelt config of any kind.

use serde::Serialize;

use crate::sim::error::{CommandError, KafkaError};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Partitioner {
    /// Murmur2 for keyed records, sticky batches for keyless ones (KIP-794).
    BuiltIn,
    /// `org.apache.kafka.clients.producer.RoundRobinPartitioner`.
    RoundRobin,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProducerConfig {
    pub acks: i16,
    pub enable_idempotence: bool,
    pub retries: u32,
    pub max_in_flight_requests_per_connection: u32,
    pub linger_ms: u64,
    pub batch_size: u32,
    pub request_timeout_ms: u64,
    pub delivery_timeout_ms: u64,
    pub retry_backoff_ms: u64,
    /// `retry.backoff.max.ms`: the longest wait between retries (KIP-580; backoff.rs).
    pub retry_backoff_max_ms: u64,
    /// How long send() waits for the topic's metadata before TimeoutException.
    pub max_block_ms: u64,
    pub partitioner: Partitioner,
}

impl Default for ProducerConfig {
    /// Kafka 4.x defaults (linger.ms became 5 in 4.0, KIP-1030).
    fn default() -> Self {
        Self {
            acks: -1,
            enable_idempotence: true,
            retries: i32::MAX as u32,
            max_in_flight_requests_per_connection: 5,
            linger_ms: 5,
            batch_size: 16_384,
            request_timeout_ms: 30_000,
            delivery_timeout_ms: 120_000,
            retry_backoff_ms: 100,
            retry_backoff_max_ms: 1_000,
            max_block_ms: 60_000,
            partitioner: Partitioner::BuiltIn,
        }
    }
}

/// The config names a script may set, as Kafka spells them.
pub const PRODUCER_CONFIGS: &[&str] = &[
    "acks",
    "enable.idempotence",
    "retries",
    "max.in.flight.requests.per.connection",
    "linger.ms",
    "batch.size",
    "request.timeout.ms",
    "delivery.timeout.ms",
    "retry.backoff.ms",
    "retry.backoff.max.ms",
    "max.block.ms",
    "partitioner.class",
];

impl ProducerConfig {
    /// Builds a config from `name=value` pairs, with `ProducerConfig`'s validation: explicit
    /// idempotence with a conflicting setting is a ConfigException; a defaulted one is quietly
    /// turned off (I3).
    pub fn from_pairs(pairs: &[(String, String)]) -> Result<(Self, Vec<String>), CommandError> {
        let mut c = Self::default();
        let mut idempotence_explicit = false;
        let mut notes = Vec::new();
        for (k, v) in pairs {
            let bad = || {
                CommandError::kafka(
                    KafkaError::InvalidConfig,
                    format!("Invalid value {v} for configuration {k}"),
                )
            };
            match k.as_str() {
                "acks" => {
                    c.acks = match v.as_str() {
                        "all" | "-1" => -1,
                        "0" => 0,
                        "1" => 1,
                        _ => return Err(CommandError::kafka(KafkaError::InvalidConfig, format!("Invalid value {v} for configuration acks: String must be one of: all, -1, 0, 1"))),
                    }
                }
                "enable.idempotence" => {
                    c.enable_idempotence = parse_bool(v).ok_or_else(bad)?;
                    idempotence_explicit = true;
                }
                "retries" => c.retries = v.parse::<i32>().ok().filter(|&n| n >= 0).ok_or_else(bad)? as u32,
                "max.in.flight.requests.per.connection" => {
                    c.max_in_flight_requests_per_connection = v.parse::<u32>().ok().filter(|&n| (1..=1000).contains(&n)).ok_or_else(bad)?
                }
                "linger.ms" => c.linger_ms = parse_ms(v).ok_or_else(bad)?,
                "batch.size" => c.batch_size = v.parse::<u32>().ok().filter(|&n| n <= 64 << 20).ok_or_else(bad)?,
                "request.timeout.ms" => c.request_timeout_ms = parse_ms(v).filter(|&n| n > 0).ok_or_else(bad)?,
                "delivery.timeout.ms" => c.delivery_timeout_ms = parse_ms(v).ok_or_else(bad)?,
                "retry.backoff.ms" => c.retry_backoff_ms = parse_ms(v).ok_or_else(bad)?,
                "retry.backoff.max.ms" => c.retry_backoff_max_ms = parse_ms(v).ok_or_else(bad)?,
                "max.block.ms" => c.max_block_ms = parse_ms(v).ok_or_else(bad)?,
                "partitioner.class" => {
                    c.partitioner = match v.as_str() {
                        "org.apache.kafka.clients.producer.RoundRobinPartitioner" | "RoundRobinPartitioner" | "roundrobin" => Partitioner::RoundRobin,
                        "default" | "builtin" => Partitioner::BuiltIn,
                        _ => return Err(CommandError::kafka(KafkaError::InvalidConfig, format!("Invalid value {v} for configuration partitioner.class: Class {v} could not be found."))),
                    }
                }
                _ => return Err(unknown_config("producer", k, PRODUCER_CONFIGS)),
            }
        }
        if c.delivery_timeout_ms < c.linger_ms + c.request_timeout_ms {
            return Err(CommandError::kafka(
                KafkaError::InvalidConfig,
                "delivery.timeout.ms should be equal to or larger than linger.ms + request.timeout.ms",
            ));
        }
        if c.enable_idempotence {
            let conflict = if c.max_in_flight_requests_per_connection > 5 {
                Some("Must set max.in.flight.requests.per.connection to at most 5 to use the idempotent producer.")
            } else if c.retries == 0 {
                Some("Must set retries to non-zero when using the idempotent producer.")
            } else if c.acks != -1 {
                Some("Must set acks to all in order to use the idempotent producer. Otherwise we cannot guarantee idempotence.")
            } else {
                None
            };
            if let Some(why) = conflict {
                if idempotence_explicit {
                    return Err(CommandError::kafka(
                        KafkaError::InvalidConfig,
                        format!("ConfigException: {why}"),
                    ));
                }
                c.enable_idempotence = false;
                notes.push(format!(
                    "Idempotence will be disabled because of the producer's settings ({why})"
                ));
            }
        }
        Ok((c, notes))
    }
}

fn parse_bool(v: &str) -> Option<bool> {
    match v {
        "true" => Some(true),
        "false" => Some(false),
        _ => None,
    }
}

fn parse_ms(v: &str) -> Option<u64> {
    crate::sim::config::parse_duration_ms(v)
}

/// "Unknown producer config 'ack'. Did you mean 'acks'?"
pub fn unknown_config(what: &str, key: &str, known: &[&str]) -> CommandError {
    // A near miss (a typo), or else a name the key begins (a truncated name).
    let best = known
        .iter()
        .min_by_key(|k| edit_distance(key, k))
        .filter(|k| edit_distance(key, k) <= 3)
        .or_else(|| known.iter().find(|k| key.len() >= 4 && k.starts_with(key)));
    let hint = best
        .map(|k| format!(" Did you mean '{k}'?"))
        .unwrap_or_default();
    CommandError::kafka(
        KafkaError::InvalidConfig,
        format!("Unknown {what} config '{key}'.{hint}"),
    )
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != *cb))
                .min(prev[j + 1] + 1)
                .min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(p: &[(&str, &str)]) -> Vec<(String, String)> {
        p.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn idempotence_conflicts_follow_producer_config() {
        // defaulted idempotence is silently disabled by acks=1
        let (c, notes) = ProducerConfig::from_pairs(&pairs(&[("acks", "1")])).unwrap();
        assert!(!c.enable_idempotence);
        assert_eq!(notes.len(), 1);
        // explicit idempotence with acks=1 is a ConfigException
        let err =
            ProducerConfig::from_pairs(&pairs(&[("acks", "1"), ("enable.idempotence", "true")]))
                .unwrap_err();
        assert!(err.message.contains("Must set acks to all"), "{err}");
        let err = ProducerConfig::from_pairs(&pairs(&[
            ("max.in.flight.requests.per.connection", "6"),
            ("enable.idempotence", "true"),
        ]))
        .unwrap_err();
        assert!(err.message.contains("at most 5"), "{err}");
    }

    #[test]
    fn unknown_configs_get_a_suggestion() {
        let err = ProducerConfig::from_pairs(&pairs(&[("ack", "all")])).unwrap_err();
        assert_eq!(
            err.message,
            "Unknown producer config 'ack'. Did you mean 'acks'?"
        );
        let err = ProducerConfig::from_pairs(&pairs(&[("acks", "2")])).unwrap_err();
        assert!(err.message.contains("String must be one of"), "{err}");
    }
}

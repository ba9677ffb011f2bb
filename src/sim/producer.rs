//! A producer client (KafkaProducer): Kafka's config names and defaults, the default
//! partitioner (murmur2 for keys, the built-in sticky partitioner for keyless records), the
//! record accumulator (batches per partition, linger.ms, batch.size), the sender (one request
//! per batch, max.in.flight per connection), retries with backoff, timeouts, and the idempotent
//! producer's producer id, epoch and sequences.

use std::collections::{BTreeMap, VecDeque};
use std::rc::Rc;

use serde::Serialize;

use super::error::{CommandError, KafkaError};
use super::log::Record;
use super::network::{Message, NodeId, Payload, ProduceBatch};
use super::rng::SplitMix64;
use super::trace::TraceKind;
use super::{BrokerId, Out, Timer, TopicPartition};

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
    super::config::parse_duration_ms(v)
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

#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct AckedRecord {
    pub topic: Rc<str>,
    pub partition: i32,
    /// -1 for acks=0 (the client never learns the offset).
    pub offset: i64,
    pub key: Option<Rc<str>>,
    pub value: Rc<str>,
    #[serde(skip)]
    pub record_id: u64,
}

#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct FailedRecord {
    pub key: Option<String>,
    pub value: String,
    pub error: String,
    /// The last retriable error before a delivery timeout (e.g. NOT_ENOUGH_REPLICAS).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cause: Option<String>,
}

#[derive(Clone, Debug)]
struct Batch {
    tp: TopicPartition,
    records: Vec<Rc<Record>>,
    bytes: u32,
    created_ms: u64,
    base_sequence: Option<i32>,
    /// The producer epoch the sequence belongs to (`ProducerBatch.producerEpoch`): a retry is
    /// sent with it, not with the producer's current epoch.
    producer_epoch: i16,
    attempts: u32,
    retry_at_ms: u64,
    last_error: Option<KafkaError>,
}

/// What a failed batch leaves of its partition's sequences (idempotent producer).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum SequenceFate {
    /// Retries exhausted: whether the broker appended it is unknown; sequences go on (a gap
    /// shows up as OUT_OF_ORDER_SEQUENCE_NUMBER on the next batch).
    Keep,
    /// Refused for good: renumber the partition's batches under a new epoch.
    Rewrite,
    /// Expired after being sent: decided once nothing of the partition is in flight.
    Unresolved,
}

#[derive(Clone, Debug)]
struct InFlight {
    broker: BrokerId,
    batch: Batch,
}

#[derive(Clone, Debug)]
struct Send {
    topic: String,
    key: Option<Rc<str>>,
    value: Option<Rc<str>>,
    partition: Option<i32>,
}

/// A `produce` command spread over time (`rate=`).
#[derive(Clone, Debug)]
struct Schedule {
    send: Send,
    remaining: u64,
    interval_ms: u64,
}

#[derive(Clone, Debug, Default)]
struct Sticky {
    partition: i32,
    produced_bytes: u32,
}

#[derive(Clone, Debug)]
pub struct Producer {
    pub name: Rc<str>,
    pub index: u32,
    pub config: ProducerConfig,
    /// -1 when not idempotent.
    pub producer_id: i64,
    pub producer_epoch: i16,
    bootstrap: Vec<BrokerId>,
    bootstrap_cursor: usize,
    leaders: BTreeMap<TopicPartition, Option<BrokerId>>,
    partition_counts: BTreeMap<String, i32>,
    metadata_in_flight: Option<u64>,
    has_metadata: bool,
    waiting_sends: VecDeque<Send>,
    accumulator: BTreeMap<TopicPartition, VecDeque<Batch>>,
    sticky: BTreeMap<String, Sticky>,
    round_robin: BTreeMap<String, u32>,
    next_sequence: BTreeMap<TopicPartition, i32>,
    /// Per partition, the epoch its sequences belong to (Java's per-partition `producerIdAndEpoch`
    /// in the `TxnPartitionMap`): after a bump, a partition moves to the new epoch only once
    /// nothing it sent is in flight.
    partition_epoch: BTreeMap<TopicPartition, i16>,
    last_acked_sequence: BTreeMap<TopicPartition, i32>,
    /// Partitions with a batch that expired after being sent: its fate is unknown until every
    /// in-flight batch of the partition completes (`partitionsWithUnresolvedSequences`). Value:
    /// the sequence after the expired batch.
    unresolved_sequences: BTreeMap<TopicPartition, i32>,
    /// Partitions whose sequences restart at 0 at the next epoch bump (`partitionsToRewriteSequences`).
    rewrite_sequences: std::collections::BTreeSet<TopicPartition>,
    in_flight: BTreeMap<u64, InFlight>,
    in_flight_per_broker: BTreeMap<BrokerId, u32>,
    schedules: BTreeMap<u64, Schedule>,
    next_schedule: u64,
    wake_at: Option<u64>,
    records_created: u64,
    /// The latest acknowledged and failed records (`observations`: bounded), and their totals.
    pub acked: Vec<AckedRecord>,
    pub failed: Vec<FailedRecord>,
    pub acked_count: u64,
    pub failed_count: u64,
    pub closed: bool,
    /// Epochs the producer moved to after failed batches (traced by the sender).
    epoch_bumps: Vec<i16>,
}

impl Producer {
    pub fn new(
        name: &str,
        index: u32,
        config: ProducerConfig,
        producer_id: i64,
        bootstrap: Vec<BrokerId>,
    ) -> Self {
        Self {
            name: Rc::from(name),
            index,
            producer_id: if config.enable_idempotence {
                producer_id
            } else {
                -1
            },
            producer_epoch: if config.enable_idempotence { 0 } else { -1 },
            config,
            bootstrap,
            bootstrap_cursor: 0,
            leaders: BTreeMap::new(),
            partition_counts: BTreeMap::new(),
            metadata_in_flight: None,
            has_metadata: false,
            waiting_sends: VecDeque::new(),
            accumulator: BTreeMap::new(),
            sticky: BTreeMap::new(),
            round_robin: BTreeMap::new(),
            next_sequence: BTreeMap::new(),
            partition_epoch: BTreeMap::new(),
            last_acked_sequence: BTreeMap::new(),
            unresolved_sequences: BTreeMap::new(),
            rewrite_sequences: Default::default(),
            in_flight: BTreeMap::new(),
            in_flight_per_broker: BTreeMap::new(),
            schedules: BTreeMap::new(),
            next_schedule: 0,
            wake_at: None,
            records_created: 0,
            acked: Vec::new(),
            failed: Vec::new(),
            acked_count: 0,
            failed_count: 0,
            closed: false,
            epoch_bumps: Vec::new(),
        }
    }

    fn node(&self) -> NodeId {
        NodeId::Producer(self.index)
    }

    fn record_acked(&mut self, record: AckedRecord) {
        self.acked_count += 1;
        super::observations::push_bounded(&mut self.acked, record, |_| {});
    }

    fn record_failed(&mut self, record: FailedRecord) {
        self.failed_count += 1;
        super::observations::push_bounded(&mut self.failed, record, |_| {});
    }

    /// Records produced but not yet acknowledged or failed.
    pub fn pending_records(&self) -> usize {
        self.waiting_sends.len()
            + self
                .accumulator
                .values()
                .flatten()
                .map(|b| b.records.len())
                .sum::<usize>()
            + self
                .in_flight
                .values()
                .map(|f| f.batch.records.len())
                .sum::<usize>()
            + self
                .schedules
                .values()
                .map(|s| s.remaining as usize)
                .sum::<usize>()
    }

    /// `produce`: `count` sends, all now or one every `interval_ms`.
    #[allow(clippy::too_many_arguments)]
    pub fn produce(
        &mut self,
        topic: &str,
        key: Option<&str>,
        value: Option<&str>,
        partition: Option<i32>,
        count: u64,
        interval_ms: Option<u64>,
        ctx: &mut ProducerCtx,
        out: &mut Out,
    ) {
        let send = Send {
            topic: topic.to_string(),
            key: key.map(Rc::from),
            value: value.map(Rc::from),
            partition,
        };
        match interval_ms {
            Some(interval) if count > 1 => {
                self.next_schedule += 1;
                let id = self.next_schedule;
                self.schedules.insert(
                    id,
                    Schedule {
                        send,
                        remaining: count,
                        interval_ms: interval,
                    },
                );
                self.on_schedule(id, ctx, out);
            }
            _ => {
                for _ in 0..count {
                    self.send(send.clone(), ctx);
                }
                self.drain(ctx, out);
            }
        }
    }

    /// The steady rates (`produce ... rate=`) still sending, to `topic` or to any topic.
    pub fn rates_running(&self, topic: Option<&str>) -> usize {
        self.schedules
            .values()
            .filter(|s| topic.is_none_or(|t| s.send.topic == t))
            .count()
    }

    /// `produce stop`: the application stops calling send() for these rates; returns the records
    /// they had left. A timer already set for one finds it gone and does nothing.
    pub fn stop_rates(&mut self, topic: Option<&str>) -> u64 {
        let mut unsent = 0;
        self.schedules.retain(|_, s| {
            let stop = topic.is_none_or(|t| s.send.topic == t);
            if stop {
                unsent += s.remaining;
            }
            !stop
        });
        unsent
    }

    fn on_schedule(&mut self, id: u64, ctx: &mut ProducerCtx, out: &mut Out) {
        let Some(s) = self.schedules.get_mut(&id) else {
            return;
        };
        s.remaining -= 1;
        let send = s.send.clone();
        let interval = s.interval_ms;
        if s.remaining == 0 {
            self.schedules.remove(&id);
        } else {
            out.timer(
                interval,
                Timer::ProducerSend {
                    producer: self.index,
                    schedule: id,
                },
            );
        }
        self.send(send, ctx);
        self.drain(ctx, out);
    }

    /// `KafkaProducer.send()`: stamps the record and appends it to the accumulator.
    fn send(&mut self, send: Send, ctx: &mut ProducerCtx) {
        if !self.has_metadata || !self.partition_counts.contains_key(&send.topic) {
            self.waiting_sends.push_back(send);
            return;
        }
        let n = self.records_created;
        self.records_created += 1;
        *ctx.next_record_id += 1;
        let value = send
            .value
            .clone()
            .unwrap_or_else(|| Rc::from(format!("{}-{n}", self.name).as_str()));
        let record = Rc::new(Record {
            id: *ctx.next_record_id,
            key: send.key.clone(),
            value,
            producer: self.name.clone(),
            timestamp_ms: ctx.now_ms,
        });
        let partitions = self.partition_counts[&send.topic];
        let partition = match (send.partition, &send.key, self.config.partitioner) {
            (Some(p), _, _) => p,
            (None, _, Partitioner::RoundRobin) => {
                let available: Vec<i32> = (0..partitions)
                    .filter(|&p| {
                        self.leaders
                            .get(&TopicPartition::new(send.topic.clone(), p))
                            .is_some_and(|l| l.is_some())
                    })
                    .collect();
                let c = self.round_robin.entry(send.topic.clone()).or_insert(0);
                let i = super::hash::to_positive(*c as i32);
                *c = c.wrapping_add(1);
                if available.is_empty() {
                    i % partitions
                } else {
                    available[(i as usize) % available.len()]
                }
            }
            (None, Some(k), Partitioner::BuiltIn) => {
                super::hash::partition_for_key(k.as_bytes(), partitions)
            }
            (None, None, Partitioner::BuiltIn) => {
                self.sticky_partition(&send.topic, partitions, ctx.rng)
            }
        };
        if partition < 0 || partition >= partitions {
            self.record_failed(FailedRecord {
                key: record.key.as_deref().map(str::to_string),
                value: record.value.to_string(),
                error: KafkaError::UnknownTopicOrPartition.name().to_string(),
                cause: None,
            });
            return;
        }
        let tp = TopicPartition::new(send.topic.clone(), partition);
        let size = record.size_bytes();
        let queue = self.accumulator.entry(tp.clone()).or_default();
        let fits = queue.back().is_some_and(|b| {
            b.base_sequence.is_none() && b.attempts == 0 && b.bytes + size <= self.config.batch_size
        });
        if fits {
            let b = queue.back_mut().expect("checked");
            b.records.push(record);
            b.bytes += size;
        } else {
            queue.push_back(Batch {
                tp: tp.clone(),
                records: vec![record],
                bytes: size,
                created_ms: ctx.now_ms,
                base_sequence: None,
                producer_epoch: -1,
                attempts: 0,
                retry_at_ms: 0,
                last_error: None,
            });
        }
        if send.key.is_none()
            && send.partition.is_none()
            && self.config.partitioner == Partitioner::BuiltIn
        {
            // KIP-794: switch after batch.size bytes once the batch is full, or 2x regardless.
            let batch_full = self.accumulator[&tp]
                .back()
                .is_some_and(|b| b.bytes >= self.config.batch_size);
            let s = self.sticky.get_mut(&send.topic).expect("chosen above");
            s.produced_bytes += size;
            if (s.produced_bytes >= self.config.batch_size && batch_full)
                || s.produced_bytes >= 2 * self.config.batch_size
            {
                self.sticky.remove(&send.topic);
            }
        }
    }

    fn sticky_partition(&mut self, topic: &str, partitions: i32, rng: &mut SplitMix64) -> i32 {
        if let Some(s) = self.sticky.get(topic) {
            return s.partition;
        }
        // A random partition among those with a leader (uniform; the adaptive weighting by
        // queue length is not modelled), possibly the same as before.
        let available: Vec<i32> = (0..partitions)
            .filter(|&p| {
                self.leaders
                    .get(&TopicPartition::new(topic, p))
                    .is_some_and(|l| l.is_some())
            })
            .collect();
        let partition = if available.is_empty() {
            rng.below(partitions as u64) as i32
        } else {
            available[rng.below(available.len() as u64) as usize]
        };
        self.sticky.insert(
            topic.to_string(),
            Sticky {
                partition,
                produced_bytes: 0,
            },
        );
        partition
    }

    /// The sender thread: resolve sequences and bump the epoch if needed, expire old batches,
    /// send ready ones, ask for metadata when needed.
    pub fn drain(&mut self, ctx: &mut ProducerCtx, out: &mut Out) {
        // An expiry in this pass may make a bump possible at once (nothing left in flight).
        for _ in 0..2 {
            self.resolve_sequences_and_bump(out);
            self.drain_once(ctx, out);
            if !self.bump_actionable() {
                break;
            }
        }
    }

    /// Whether some batch of `tp` was sent and has not completed (in a request, or waiting to be
    /// retried): Java's `hasInflightBatches`.
    fn has_inflight_batches(&self, tp: &TopicPartition) -> bool {
        self.in_flight.values().any(|f| &f.batch.tp == tp)
            || self
                .accumulator
                .get(tp)
                .is_some_and(|q| q.iter().any(|b| b.base_sequence.is_some()))
    }

    fn bump_actionable(&self) -> bool {
        !self.rewrite_sequences.is_empty()
            || self
                .unresolved_sequences
                .keys()
                .any(|tp| !self.has_inflight_batches(tp))
    }

    /// `TransactionManager.maybeResolveSequences` then `bumpIdempotentEpochAndResetIdIfNeeded`:
    /// once an unresolved partition has nothing in flight, it is resolved if the last
    /// acknowledged sequence is the one before the next, else its sequences are rewritten under
    /// a new epoch. A bump rewrites only the partitions that asked for it (KIP-360): a batch
    /// that may be in the log is never sent again with another epoch or sequence.
    fn resolve_sequences_and_bump(&mut self, out: &mut Out) {
        if self.producer_id < 0 {
            return;
        }
        let unresolved: Vec<(TopicPartition, i32)> = self
            .unresolved_sequences
            .iter()
            .map(|(tp, &s)| (tp.clone(), s))
            .collect();
        for (tp, _) in unresolved {
            if self.has_inflight_batches(&tp) {
                continue;
            }
            self.unresolved_sequences.remove(&tp);
            let next = self.next_sequence.get(&tp).copied().unwrap_or(0);
            let last_acked = self.last_acked_sequence.get(&tp).copied().unwrap_or(-1);
            if next as i64 - last_acked as i64 != 1 {
                out.trace(
                    self.node(),
                    TraceKind::Produce,
                    format!(
                        "[Producer clientId={}] No inflight batches remaining for {tp}, last ack'd sequence for partition is {last_acked}, next sequence is {next}. Going to bump epoch and reset sequence numbers.",
                        self.name
                    ),
                );
                self.rewrite_sequences.insert(tp);
            }
        }
        if self.rewrite_sequences.is_empty() {
            return;
        }
        self.producer_epoch += 1;
        self.epoch_bumps.push(self.producer_epoch);
        for tp in std::mem::take(&mut self.rewrite_sequences) {
            self.start_sequences_at_beginning(&tp);
        }
    }

    /// `startSequencesAtBeginning`: the partition's in-flight batches, in sequence order, are
    /// renumbered from 0 under the current epoch.
    fn start_sequences_at_beginning(&mut self, tp: &TopicPartition) {
        let epoch = self.producer_epoch;
        let mut batches: Vec<&mut Batch> = self
            .in_flight
            .values_mut()
            .map(|f| &mut f.batch)
            .filter(|b| &b.tp == tp && b.base_sequence.is_some())
            .chain(
                self.accumulator
                    .get_mut(tp)
                    .into_iter()
                    .flat_map(|q| q.iter_mut())
                    .filter(|b| b.base_sequence.is_some()),
            )
            .collect();
        super::sort::sort_by_key(&mut batches, |b| (b.producer_epoch, b.base_sequence));
        let mut seq = 0i32;
        for b in batches {
            b.base_sequence = Some(seq);
            b.producer_epoch = epoch;
            seq = super::producer_state::last_sequence(seq, b.records.len() as i32)
                .wrapping_add(1)
                .max(0);
        }
        self.next_sequence.insert(tp.clone(), seq);
        self.partition_epoch.insert(tp.clone(), epoch);
        self.last_acked_sequence.remove(tp);
        self.unresolved_sequences.remove(tp);
    }

    fn drain_once(&mut self, ctx: &mut ProducerCtx, out: &mut Out) {
        let now = ctx.now_ms;
        let mut next_wake: Option<u64> = None;
        let mut need_metadata = false;
        let tps: Vec<TopicPartition> = self.accumulator.keys().cloned().collect();
        for tp in tps {
            while let Some(queue) = self.accumulator.get_mut(&tp) {
                let Some(front) = queue.front() else { break };
                if now.saturating_sub(front.created_ms) >= self.config.delivery_timeout_ms {
                    let b = queue.pop_front().expect("front exists");
                    let waited = now - b.created_ms;
                    out.trace(
                        NodeId::Producer(self.index),
                        TraceKind::ProduceError,
                        format!(
                            "[Producer clientId={}] Expiring {} record(s) for {}:{} ms has passed since batch creation",
                            self.name,
                            b.records.len(),
                            tp,
                            waited
                        ),
                    );
                    // A batch that was sent and ran out of time: its fate is unknown.
                    self.fail_batch(b, KafkaError::DeliveryTimeout, SequenceFate::Unresolved);
                    continue;
                }
                let ready = front.bytes >= self.config.batch_size
                    || queue.len() > 1
                    || now >= front.created_ms + self.config.linger_ms
                    || front.attempts > 0;
                let linger_end = if front.attempts > 0 {
                    0
                } else {
                    front.created_ms + self.config.linger_ms
                };
                let wake = front.retry_at_ms.max(linger_end);
                if !ready || now < front.retry_at_ms {
                    next_wake = Some(next_wake.map_or(wake, |w: u64| w.min(wake)));
                    break;
                }
                let leader = self.leaders.get(&tp).copied().flatten();
                let Some(leader) = leader else {
                    need_metadata = true;
                    break;
                };
                let in_flight = self.in_flight_per_broker.get(&leader).copied().unwrap_or(0);
                if in_flight >= self.config.max_in_flight_requests_per_connection {
                    break;
                }
                if self.producer_id >= 0 && front.base_sequence.is_none() {
                    // Java's `shouldStopDrainBatchesForPartition`: no new batch while the fate of
                    // an earlier one is unknown, or while batches of an older epoch are in flight.
                    if self.unresolved_sequences.contains_key(&tp) {
                        break;
                    }
                    if self.partition_epoch.get(&tp) != Some(&self.producer_epoch) {
                        if self.has_inflight_batches(&tp) {
                            break;
                        }
                        // `maybeUpdateProducerIdAndEpoch`: the partition joins the current epoch.
                        self.partition_epoch.insert(tp.clone(), self.producer_epoch);
                        self.next_sequence.insert(tp.clone(), 0);
                        self.last_acked_sequence.remove(&tp);
                    }
                }
                let Some(queue) = self.accumulator.get_mut(&tp) else {
                    break;
                };
                let mut batch = queue.pop_front().expect("front exists");
                if self.producer_id >= 0 && batch.base_sequence.is_none() {
                    let seq = self.next_sequence.entry(tp.clone()).or_insert(0);
                    batch.base_sequence = Some(*seq);
                    batch.producer_epoch = self.producer_epoch;
                    *seq = super::producer_state::last_sequence(*seq, batch.records.len() as i32)
                        .wrapping_add(1)
                        .max(0);
                }
                *ctx.next_request_id += 1;
                let request_id = *ctx.next_request_id;
                out.send(
                    self.node(),
                    NodeId::Broker(leader),
                    Payload::Produce {
                        request_id,
                        acks: self.config.acks,
                        timeout_ms: self.config.request_timeout_ms,
                        batch: ProduceBatch {
                            tp: tp.clone(),
                            producer_id: self.producer_id,
                            producer_epoch: if batch.base_sequence.is_some() {
                                batch.producer_epoch
                            } else {
                                self.producer_epoch
                            },
                            base_sequence: batch.base_sequence.unwrap_or(-1),
                            records: batch.records.clone(),
                        },
                    },
                );
                if self.config.acks == 0 {
                    // acks=0: done once written to the socket; offset unknown (-1).
                    let topic: Rc<str> = Rc::from(tp.topic.as_str());
                    for r in &batch.records {
                        self.record_acked(acked(&topic, tp.partition, -1, r));
                    }
                    continue;
                }
                *self.in_flight_per_broker.entry(leader).or_insert(0) += 1;
                self.in_flight.insert(
                    request_id,
                    InFlight {
                        broker: leader,
                        batch,
                    },
                );
                out.timer(
                    self.config.request_timeout_ms,
                    Timer::ProducerRequestTimeout {
                        producer: self.index,
                        request_id,
                    },
                );
            }
        }
        self.accumulator.retain(|_, q| !q.is_empty());
        for epoch in std::mem::take(&mut self.epoch_bumps) {
            out.trace(
                self.node(),
                TraceKind::Produce,
                format!(
                    "[Producer clientId={}] ProducerId set to {} with epoch {epoch}",
                    self.name, self.producer_id
                ),
            );
        }
        if need_metadata || !self.has_metadata {
            self.request_metadata(ctx, out);
        }
        if let Some(at) = next_wake {
            if self.wake_at.is_none_or(|w| w <= now || at < w) {
                self.wake_at = Some(at);
                out.timer(
                    at.saturating_sub(now),
                    Timer::ProducerWake {
                        producer: self.index,
                    },
                );
            }
        }
    }

    fn request_metadata(&mut self, ctx: &mut ProducerCtx, out: &mut Out) {
        if self.metadata_in_flight.is_some() || self.bootstrap.is_empty() {
            return;
        }
        let broker = self.bootstrap[self.bootstrap_cursor % self.bootstrap.len()];
        self.bootstrap_cursor += 1;
        *ctx.next_request_id += 1;
        let request_id = *ctx.next_request_id;
        self.metadata_in_flight = Some(request_id);
        out.send(
            self.node(),
            NodeId::Broker(broker),
            Payload::Metadata { request_id },
        );
        out.timer(
            self.config.request_timeout_ms,
            Timer::ProducerMetadataTimeout {
                producer: self.index,
                request_id,
            },
        );
    }

    pub fn handle(&mut self, msg: Message, ctx: &mut ProducerCtx, out: &mut Out) {
        match msg.payload {
            Payload::MetadataResponse {
                request_id,
                leaders,
                ..
            } => {
                if self.metadata_in_flight != Some(request_id) {
                    return;
                }
                self.metadata_in_flight = None;
                self.has_metadata = true;
                for (tp, leader, _) in leaders {
                    let count = self.partition_counts.entry(tp.topic.clone()).or_insert(0);
                    *count = (*count).max(tp.partition + 1);
                    self.leaders.insert(tp, leader);
                }
                let waiting: Vec<Send> = self.waiting_sends.drain(..).collect();
                for s in waiting {
                    if self.partition_counts.contains_key(&s.topic) {
                        self.send(s, ctx);
                    } else {
                        self.record_failed(FailedRecord {
                            key: s.key.as_deref().map(str::to_string),
                            value: s.value.as_deref().map(str::to_string).unwrap_or_default(),
                            error: KafkaError::UnknownTopicOrPartition.name().to_string(),
                            cause: None,
                        });
                    }
                }
                self.drain(ctx, out);
            }
            Payload::ProduceResponse {
                request_id,
                tp,
                result,
            } => {
                let Some(f) = self.in_flight.remove(&request_id) else {
                    return;
                };
                self.release(f.broker);
                match result {
                    Ok(base) => {
                        if let Some(first) = f.batch.base_sequence {
                            // `maybeUpdateLastAckedSequence`.
                            let last = super::producer_state::last_sequence(
                                first,
                                f.batch.records.len() as i32,
                            );
                            let e = self.last_acked_sequence.entry(tp.clone()).or_insert(-1);
                            *e = (*e).max(last);
                        }
                        let topic: Rc<str> = Rc::from(tp.topic.as_str());
                        for (i, r) in f.batch.records.iter().enumerate() {
                            self.record_acked(acked(&topic, tp.partition, base + i as i64, r));
                        }
                    }
                    Err(e) => self.on_batch_error(f.batch, e, ctx, out),
                }
                self.drain(ctx, out);
            }
            Payload::Disconnected {
                request_id,
                refused,
                ..
            } => {
                if self.metadata_in_flight == Some(request_id) {
                    self.metadata_in_flight = None;
                    self.request_metadata(ctx, out);
                } else if let Some(mut f) = self.in_flight.remove(&request_id) {
                    self.release(f.broker);
                    if refused {
                        // Connection refused: the batch was never sent; wait for fresh metadata
                        // (reconnect.backoff.ms) without spending a retry.
                        out.trace(
                            self.node(),
                            TraceKind::ProduceError,
                            format!("[Producer clientId={}] Connection to node {} could not be established. Node may not be available.", self.name, f.broker),
                        );
                        let tp = f.batch.tp.clone();
                        self.leaders.insert(tp.clone(), None);
                        f.batch.retry_at_ms = ctx.now_ms + 50;
                        let q = self.accumulator.entry(tp).or_default();
                        let pos = q
                            .iter()
                            .position(|b| {
                                b.base_sequence.is_none() || b.base_sequence > f.batch.base_sequence
                            })
                            .unwrap_or(q.len());
                        q.insert(pos, f.batch);
                    } else {
                        self.on_batch_error(f.batch, KafkaError::NetworkException, ctx, out);
                    }
                    self.drain(ctx, out);
                }
            }
            _ => {}
        }
    }

    pub fn fire(&mut self, timer: Timer, ctx: &mut ProducerCtx, out: &mut Out) {
        match timer {
            Timer::ProducerSend { schedule, .. } => self.on_schedule(schedule, ctx, out),
            Timer::ProducerWake { .. } => {
                if self.wake_at.is_some_and(|w| w <= ctx.now_ms) {
                    self.wake_at = None;
                }
                self.drain(ctx, out);
            }
            Timer::ProducerRequestTimeout { request_id, .. } => {
                if let Some(f) = self.in_flight.remove(&request_id) {
                    // The Java client disconnects and retries; the broker may still append.
                    out.trace(
                        self.node(),
                        TraceKind::ProduceError,
                        format!(
                            "[Producer clientId={}] Disconnecting from node {} due to request timeout.",
                            self.name, f.broker
                        ),
                    );
                    self.release(f.broker);
                    self.on_batch_error(f.batch, KafkaError::RequestTimedOut, ctx, out);
                    self.drain(ctx, out);
                }
            }
            Timer::ProducerMetadataTimeout { request_id, .. }
                if self.metadata_in_flight == Some(request_id) =>
            {
                self.metadata_in_flight = None;
                self.request_metadata(ctx, out);
            }
            _ => {}
        }
    }

    fn release(&mut self, broker: BrokerId) {
        if let Some(n) = self.in_flight_per_broker.get_mut(&broker) {
            *n = n.saturating_sub(1);
        }
    }

    fn on_batch_error(
        &mut self,
        mut batch: Batch,
        e: KafkaError,
        ctx: &mut ProducerCtx,
        out: &mut Out,
    ) {
        let tp = batch.tp.clone();
        let mut retriable = e.is_retriable();
        let mut bump = false;
        if e == KafkaError::OutOfOrderSequenceNumber && self.producer_id >= 0 {
            // `TransactionManager.canRetry`: the idempotent producer retries every out-of-order
            // answer. If the batch is the one right after the last acknowledged sequence (or
            // right after an unresolved one) there is a real gap: bump the epoch, which renumbers
            // the partition's batches from 0. Otherwise an earlier batch may still fill the gap.
            retriable = true;
            let seq = batch.base_sequence.unwrap_or(-1) as i64;
            let last_acked = self.last_acked_sequence.get(&tp).copied().unwrap_or(-1) as i64;
            bump = match self.unresolved_sequences.get(&tp) {
                None => seq - last_acked == 1,
                Some(&next) => next as i64 == seq,
            };
        }
        let expired =
            ctx.now_ms.saturating_sub(batch.created_ms) >= self.config.delivery_timeout_ms;
        let can_retry = retriable && batch.attempts < self.config.retries && !expired;
        if can_retry && bump {
            self.rewrite_sequences.insert(tp.clone());
        }
        if can_retry {
            batch.attempts += 1;
            batch.last_error = Some(e);
            batch.retry_at_ms = ctx.now_ms + self.config.retry_backoff_ms;
            out.trace(
                self.node(),
                TraceKind::ProduceError,
                format!(
                    "[Producer clientId={}] Got error produce response on topic-partition {}, retrying ({} attempts left). Error: {}",
                    self.name,
                    tp,
                    self.config.retries.saturating_sub(batch.attempts),
                    e.name()
                ),
            );
            if matches!(
                e,
                KafkaError::NotLeaderOrFollower
                    | KafkaError::NetworkException
                    | KafkaError::RequestTimedOut
                    | KafkaError::UnknownTopicOrPartition
            ) {
                self.leaders.insert(tp.clone(), None);
            }
            // Back in front of the queue, in sequence order.
            let q = self.accumulator.entry(tp).or_default();
            let pos = q
                .iter()
                .position(|b| b.base_sequence.is_none() || b.base_sequence > batch.base_sequence)
                .unwrap_or(q.len());
            q.insert(pos, batch);
        } else {
            out.trace(
                self.node(),
                TraceKind::ProduceError,
                format!(
                    "[Producer clientId={}] Failed to send {} record(s) to {}: {}",
                    self.name,
                    batch.records.len(),
                    tp,
                    e.name()
                ),
            );
            // Sender.completeBatch: sequences are only adjusted if the batch did not exhaust its
            // retries (then whether the broker took it is unknown); a batch that ran out of
            // delivery time is an expiry (Sender.sendProducerData), which leaves its partition
            // unresolved until everything in flight there completes.
            let fate = if expired && retriable {
                SequenceFate::Unresolved
            } else if batch.attempts < self.config.retries {
                SequenceFate::Rewrite
            } else {
                SequenceFate::Keep
            };
            self.fail_batch(batch, e, fate);
        }
    }

    /// KIP-360 / `TransactionManager.handleFailedBatch` for the idempotent producer: what a
    /// failed batch means for its partition's sequences. A batch that may be in the log is never
    /// sent again under another epoch or sequence (that is what keeps records from being written
    /// twice).
    fn fail_batch(&mut self, batch: Batch, e: KafkaError, fate: SequenceFate) {
        if let (true, Some(base)) = (self.producer_id >= 0, batch.base_sequence) {
            let tp = batch.tp.clone();
            match fate {
                SequenceFate::Keep => {}
                SequenceFate::Rewrite => {
                    self.rewrite_sequences.insert(tp);
                }
                SequenceFate::Unresolved => {
                    let next =
                        super::producer_state::last_sequence(base, batch.records.len() as i32)
                            .wrapping_add(1)
                            .max(0);
                    let e = self.unresolved_sequences.entry(tp).or_insert(next);
                    *e = (*e).max(next);
                }
            }
        }
        let cause = batch
            .last_error
            .filter(|&c| c != e)
            .map(|c| c.name().to_string());
        for r in batch.records {
            self.record_failed(FailedRecord {
                key: r.key.as_deref().map(str::to_string),
                value: r.value.to_string(),
                error: e.name().to_string(),
                cause: cause.clone(),
            });
        }
    }
}

fn acked(topic: &Rc<str>, partition: i32, offset: i64, r: &Rc<Record>) -> AckedRecord {
    AckedRecord {
        topic: topic.clone(),
        partition,
        offset,
        key: r.key.clone(),
        value: r.value.clone(),
        record_id: r.id,
    }
}

/// What a producer may touch besides itself.
pub struct ProducerCtx<'a> {
    pub now_ms: u64,
    pub rng: &'a mut SplitMix64,
    pub next_record_id: &'a mut u64,
    pub next_request_id: &'a mut u64,
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

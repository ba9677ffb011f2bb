//! A producer client (KafkaProducer): Kafka's config names and defaults, the default
//! partitioner (murmur2 for keys, the built-in sticky partitioner for keyless records), the
//! record accumulator (batches per partition, linger.ms, batch.size), the sender (one request
//! per batch, max.in.flight per connection), retries with backoff, timeouts, and the idempotent
//! producer's producer id, epoch and sequences. By concept: `producer/config.rs`,
//! `partitioning.rs` (send()), `metadata.rs` (waitOnMetadata), `sender.rs` (the sender thread),
//! `idempotence.rs`.

use std::collections::VecDeque;
use std::rc::Rc;

use serde::Serialize;

use super::error::KafkaError;
use super::log::Record;
use super::network::{Message, NodeId, Payload, ProduceBatch};
use super::rng::SplitMix64;
use super::trace::{ProducerError, TraceKind, TraceLine};
use super::vec_map::VecMap;
use super::vec_set::VecSet;
use super::{BrokerId, Out, Timer, TopicPartition};

mod backoff;
mod config;
mod idempotence;
mod metadata;
mod partitioning;
mod sender;

pub use config::{unknown_config, Partitioner, ProducerConfig, PRODUCER_CONFIGS};

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

/// A send() blocked in `waitOnMetadata` until its topic (or partition) is in the producer's
/// metadata, for at most max.block.ms.
#[derive(Clone, Debug)]
struct WaitingSend {
    send: Send,
    deadline_ms: u64,
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
    leaders: VecMap<TopicPartition, Option<BrokerId>>,
    partition_counts: VecMap<String, i32>,
    metadata_in_flight: Option<u64>,
    has_metadata: bool,
    waiting_sends: VecDeque<WaitingSend>,
    /// After a metadata response without a topic a send waits for: the next request, one
    /// retry.backoff.ms later.
    metadata_retry_at_ms: u64,
    accumulator: VecMap<TopicPartition, VecDeque<Batch>>,
    sticky: VecMap<String, Sticky>,
    round_robin: VecMap<String, u32>,
    next_sequence: VecMap<TopicPartition, i32>,
    /// Per partition, the epoch its sequences belong to (Java's per-partition `producerIdAndEpoch`
    /// in the `TxnPartitionMap`): after a bump, a partition moves to the new epoch only once
    /// nothing it sent is in flight.
    partition_epoch: VecMap<TopicPartition, i16>,
    last_acked_sequence: VecMap<TopicPartition, i32>,
    /// Partitions with a batch that expired after being sent: its fate is unknown until every
    /// in-flight batch of the partition completes (`partitionsWithUnresolvedSequences`). Value:
    /// the sequence after the expired batch.
    unresolved_sequences: VecMap<TopicPartition, i32>,
    /// Partitions whose sequences restart at 0 at the next epoch bump (`partitionsToRewriteSequences`).
    rewrite_sequences: VecSet<TopicPartition>,
    in_flight: VecMap<u64, InFlight>,
    in_flight_per_broker: VecMap<BrokerId, u32>,
    schedules: VecMap<u64, Schedule>,
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
            leaders: VecMap::new(),
            partition_counts: VecMap::new(),
            metadata_in_flight: None,
            has_metadata: false,
            waiting_sends: VecDeque::new(),
            metadata_retry_at_ms: 0,
            accumulator: VecMap::new(),
            sticky: VecMap::new(),
            round_robin: VecMap::new(),
            next_sequence: VecMap::new(),
            partition_epoch: VecMap::new(),
            last_acked_sequence: VecMap::new(),
            unresolved_sequences: VecMap::new(),
            rewrite_sequences: Default::default(),
            in_flight: VecMap::new(),
            in_flight_per_broker: VecMap::new(),
            schedules: VecMap::new(),
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

    /// Records in the accumulator, waiting for their batch to fill or `linger.ms` to pass.
    pub fn gathering_records(&self) -> usize {
        self.accumulator
            .values()
            .flatten()
            .filter(|b| b.attempts == 0)
            .map(|b| b.records.len())
            .sum()
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

    pub fn handle(&mut self, msg: Message, ctx: &mut ProducerCtx, out: &mut Out) {
        match msg.payload {
            Payload::MetadataResponse {
                request_id,
                leaders,
                ..
            } => {
                self.on_metadata(request_id, leaders, ctx, out);
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
                        let refused = ProducerError::ConnectionRefused {
                            producer: self.name.clone(),
                            broker: f.broker,
                        };
                        out.event(self.node(), TraceLine::Producer(refused));
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
                    let timed_out = ProducerError::RequestTimedOut {
                        producer: self.name.clone(),
                        broker: f.broker,
                    };
                    out.event(self.node(), TraceLine::Producer(timed_out));
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

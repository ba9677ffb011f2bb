//! A producer client (KafkaProducer): Kafka's config names and defaults, the default
//! partitioner (murmur2 for keys, the built-in sticky partitioner for keyless records), the
//! record accumulator (batches per partition, linger.ms, batch.size), the sender (one request
//! per batch, max.in.flight per connection), retries with backoff, timeouts, and the idempotent
//! producer's producer id, epoch and sequences.

use std::collections::VecDeque;
use std::rc::Rc;

use serde::Serialize;

use super::error::KafkaError;
use super::log::Record;
use super::network::{Message, NodeId, Payload, ProduceBatch};
use super::rng::SplitMix64;
use super::trace::TraceKind;
use super::vec_map::VecMap;
use super::vec_set::VecSet;
use super::{BrokerId, Out, Timer, TopicPartition};

mod config;
mod idempotence;
mod partitioning;

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
        if let Some(at) = self.expire_waiting_sends(now, out) {
            next_wake = Some(next_wake.map_or(at, |w: u64| w.min(at)));
        }
        if !self.waiting_sends.is_empty() {
            if now >= self.metadata_retry_at_ms {
                need_metadata = true;
            } else {
                let at = self.metadata_retry_at_ms;
                next_wake = Some(next_wake.map_or(at, |w: u64| w.min(at)));
            }
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
                // The blocked sends go on if their topic came back; the others keep waiting
                // (max.block.ms) and the metadata is asked again after retry.backoff.ms.
                let mut missing: Vec<String> = Vec::new();
                for w in std::mem::take(&mut self.waiting_sends) {
                    if !self.partition_counts.contains_key(&w.send.topic)
                        && !missing.contains(&w.send.topic)
                    {
                        missing.push(w.send.topic.clone());
                    }
                    self.send_or_wait(w.send, w.deadline_ms, ctx);
                }
                if !self.waiting_sends.is_empty() {
                    self.metadata_retry_at_ms = ctx.now_ms + self.config.retry_backoff_ms;
                }
                if !missing.is_empty() {
                    crate::sim::sort::sort(&mut missing);
                    let errors: Vec<String> = missing
                        .iter()
                        .map(|t| format!("{t}={}", KafkaError::UnknownTopicOrPartition.name()))
                        .collect();
                    out.trace(
                        self.node(),
                        TraceKind::ProduceError,
                        format!(
                            "[Producer clientId={}] The metadata response from the cluster reported a recoverable issue with correlation id {request_id} : {{{}}}",
                            self.name,
                            errors.join(", ")
                        ),
                    );
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

//! A broker: hosts partition replicas; as leader it appends produced records, answers follower
//! fetches, moves the high watermark, grows and shrinks the ISR and answers acks; as follower it
//! fetches from the leader, truncates by leader epoch and copies. It learns leadership from the
//! controller's metadata updates and keeps its session alive with heartbeats.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use super::config::BrokerConfig;
use super::coordinator::{GroupCoordinator, OFFSETS_TOPIC};
use super::error::KafkaError;
use super::log::{LogEntry, ProducerStamp};
use super::network::{FetchPartition, FetchedPartition, Message, NodeId, Payload, ProduceBatch};
use super::producer_state::{last_sequence, BatchMetadata, SequenceCheck};
use super::replica::{DelayedProduce, FollowerState, LeaderState, Replica};
use super::rng::SplitMix64;
use super::trace::TraceKind;
use super::{BrokerId, Out, Timer, TopicPartition};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BrokerState {
    Running,
    /// Stopped after a controlled shutdown.
    Stopped,
    /// Killed (kill -9): no controlled shutdown; the controller notices by session timeout.
    Crashed,
}

/// A follower's fetcher towards one leader (Kafka's ReplicaFetcherThread for that source broker).
#[derive(Clone, Debug, Default)]
pub struct Fetcher {
    pub in_flight: Option<u64>,
    pub backing_off: bool,
}

/// A fetch the leader holds until data arrives or `max_wait_ms` passes (long poll).
#[derive(Clone, Debug)]
pub struct HeldFetch {
    pub from: NodeId,
    pub request_id: u64,
    pub replica: Option<BrokerId>,
    pub partitions: Vec<FetchPartition>,
}

#[derive(Clone, Debug)]
pub struct Broker {
    pub id: BrokerId,
    pub state: BrokerState,
    /// Bumped at each restart: timers of an earlier life are ignored.
    pub incarnation: u32,
    pub replicas: BTreeMap<TopicPartition, Replica>,
    /// Brokers the metadata this broker has seen says are fenced.
    pub fenced_view: BTreeSet<BrokerId>,
    pub fetchers: BTreeMap<BrokerId, Fetcher>,
    pub held_fetches: Vec<HeldFetch>,
    /// Where heartbeats go (KRaft: the active controller; ZooKeeper mode: ZooKeeper).
    pub heartbeat_target: Option<NodeId>,
    /// Where AlterPartition and controlled shutdown go (the active controller).
    pub controller: Option<NodeId>,
    pub shutting_down: bool,
    /// Every partition's leader and epoch as this broker's metadata says (answers Metadata).
    pub leader_image: BTreeMap<TopicPartition, (Option<BrokerId>, i32)>,
    /// The metadata version applied without a gap (reported in heartbeats).
    pub metadata_version: u64,
    /// The groups this broker coordinates (those whose `__consumer_offsets` partition it leads).
    pub coordinator: GroupCoordinator,
    next_request_id: u64,
}

impl Broker {
    pub fn new(id: BrokerId) -> Self {
        Self {
            id,
            state: BrokerState::Running,
            incarnation: 0,
            replicas: BTreeMap::new(),
            fenced_view: BTreeSet::new(),
            fetchers: BTreeMap::new(),
            held_fetches: Vec::new(),
            heartbeat_target: None,
            controller: None,
            shutting_down: false,
            leader_image: BTreeMap::new(),
            metadata_version: 0,
            coordinator: GroupCoordinator::default(),
            next_request_id: 0,
        }
    }

    fn node(&self) -> NodeId {
        NodeId::Broker(self.id)
    }

    fn request_id(&mut self) -> u64 {
        self.next_request_id += 1;
        // Broker request ids live in their own range, apart from clients'.
        ((self.id as u64) << 40) | self.next_request_id
    }

    pub fn start_timers(&self, cfg: &BrokerConfig, rng: &mut SplitMix64, out: &mut Out) {
        let inc = self.incarnation;
        // Spread periodic work so brokers do not all tick at the same millisecond.
        let jitter = rng.below(cfg.broker_heartbeat_interval_ms.max(1));
        out.timer(
            jitter,
            Timer::BrokerHeartbeat {
                broker: self.id,
                incarnation: inc,
            },
        );
        out.timer(
            cfg.replica_lag_time_max_ms / 2 + jitter,
            Timer::IsrExpiration {
                broker: self.id,
                incarnation: inc,
            },
        );
        out.timer(
            1_000 + jitter,
            Timer::GroupSessionCheck {
                broker: self.id,
                incarnation: inc,
            },
        );
        out.timer(
            cfg.log_retention_check_interval_ms + jitter,
            Timer::RetentionCheck {
                broker: self.id,
                incarnation: inc,
            },
        );
    }

    /// The process dies (or stops): in-memory state goes, the logs stay on disk.
    pub fn go_down(&mut self, state: BrokerState) {
        self.state = state;
        self.shutting_down = false;
        self.fetchers.clear();
        self.held_fetches.clear();
        self.coordinator = GroupCoordinator::default();
        for r in self.replicas.values_mut() {
            r.leading = None;
            r.leader = None;
        }
    }

    /// Restart: a new incarnation that registers with the controller and waits for metadata.
    pub fn restart(&mut self, cfg: &BrokerConfig, rng: &mut SplitMix64, out: &mut Out) {
        self.state = BrokerState::Running;
        self.incarnation += 1;
        self.fenced_view.clear();
        // A new process knows no metadata until the controller sends the image.
        self.metadata_version = 0;
        self.start_timers(cfg, rng, out);
        out.trace(
            self.node(),
            TraceKind::Broker,
            format!("[KafkaServer id={}] started", self.id),
        );
    }

    pub fn handle(&mut self, msg: Message, now: u64, cfg: &BrokerConfig, out: &mut Out) {
        match msg.payload {
            Payload::Produce {
                request_id,
                acks,
                timeout_ms,
                batch,
            } => self.on_produce(msg.from, request_id, acks, timeout_ms, batch, now, cfg, out),
            Payload::Fetch {
                request_id,
                replica,
                max_wait_ms,
                partitions,
            } => self.on_fetch(
                msg.from,
                request_id,
                replica,
                max_wait_ms,
                partitions,
                now,
                cfg,
                out,
            ),
            Payload::FetchResponse {
                request_id,
                partitions,
            } => self.on_fetch_response(msg.from, request_id, partitions, now, cfg, out),
            Payload::MetadataUpdate {
                partitions,
                fenced,
                version,
                full,
            } => {
                // Versions count only without a gap: a missed delta shows in the heartbeat.
                if full || version == self.metadata_version + 1 {
                    self.metadata_version = self.metadata_version.max(version);
                }
                self.on_metadata_update(partitions, fenced, now, cfg, out)
            }
            Payload::AlterPartitionResponse { tp, result } => {
                self.on_alter_partition_response(tp, result, now, cfg, out)
            }
            Payload::BrokerHeartbeatResponse {
                should_shutdown, ..
            } if should_shutdown && self.shutting_down => {
                out.trace(
                    self.node(),
                    TraceKind::Broker,
                    format!(
                        "[BrokerServer id={}] Controlled shutdown complete; shutting down",
                        self.id
                    ),
                );
                self.go_down(BrokerState::Stopped);
            }
            Payload::Metadata { request_id } => {
                let leaders = self
                    .leader_image
                    .iter()
                    .map(|(tp, &(leader, epoch))| (tp.clone(), leader, epoch))
                    .collect();
                let live_brokers = Vec::new();
                out.send(
                    self.node(),
                    msg.from,
                    Payload::MetadataResponse {
                        request_id,
                        leaders,
                        live_brokers,
                    },
                );
            }
            Payload::Group {
                request_id,
                group,
                body,
            } => self.on_group(msg.from, request_id, group, body, now, cfg, out),
            Payload::Disconnected { request_id, .. } => {
                // A fetch to a dead leader: back off and try again (the leader may come back,
                // or metadata will move us to a new one).
                if let NodeId::Broker(leader) = msg.from {
                    if let Some(f) = self.fetchers.get_mut(&leader) {
                        if f.in_flight == Some(request_id) {
                            f.in_flight = None;
                            self.backoff_fetcher(leader, cfg, out);
                        }
                    }
                }
            }
            _ => {}
        }
    }

    pub fn fire(&mut self, timer: Timer, now: u64, cfg: &BrokerConfig, out: &mut Out) {
        match timer {
            Timer::BrokerHeartbeat { .. } => {
                let target = if self.shutting_down {
                    self.controller
                } else {
                    self.heartbeat_target
                };
                if let Some(to) = target {
                    out.send(
                        self.node(),
                        to,
                        Payload::BrokerHeartbeat {
                            broker: self.id,
                            incarnation: self.incarnation,
                            want_shutdown: self.shutting_down,
                            metadata_version: self.metadata_version,
                        },
                    );
                }
                let interval = match self.heartbeat_target {
                    Some(NodeId::ZooKeeper) => cfg.zookeeper_session_timeout_ms / 3,
                    _ => cfg.broker_heartbeat_interval_ms,
                };
                let interval = if self.shutting_down {
                    interval.min(500)
                } else {
                    interval
                };
                out.timer(
                    interval,
                    Timer::BrokerHeartbeat {
                        broker: self.id,
                        incarnation: self.incarnation,
                    },
                );
            }
            Timer::IsrExpiration { .. } => {
                self.maybe_shrink_isr(now, cfg, out);
                out.timer(
                    cfg.replica_lag_time_max_ms / 2,
                    Timer::IsrExpiration {
                        broker: self.id,
                        incarnation: self.incarnation,
                    },
                );
            }
            Timer::FetcherRetry { leader, .. } => {
                if let Some(f) = self.fetchers.get_mut(&leader) {
                    f.backing_off = false;
                }
                self.maybe_fetch(leader, cfg, out);
            }
            Timer::FetchRequestTimeout {
                leader, request_id, ..
            } => {
                if let Some(f) = self.fetchers.get_mut(&leader) {
                    if f.in_flight == Some(request_id) {
                        f.in_flight = None;
                        self.backoff_fetcher(leader, cfg, out);
                    }
                }
            }
            Timer::FetchWaitExpiry { request_id, .. } => {
                if let Some(i) = self
                    .held_fetches
                    .iter()
                    .position(|h| h.request_id == request_id)
                {
                    let held = self.held_fetches.remove(i);
                    self.answer_fetch(held, now, cfg, out);
                }
            }
            Timer::DelayedProduceExpiry { tp, request_id, .. } => {
                if let Some(leading) = self.replicas.get_mut(&tp).and_then(|r| r.leading.as_mut()) {
                    if let Some(i) = leading
                        .delayed
                        .iter()
                        .position(|d| d.request_id == request_id)
                    {
                        let d = leading.delayed.remove(i).expect("index valid");
                        out.send(
                            self.node(),
                            d.from,
                            d.reply(&tp, Err(KafkaError::RequestTimedOut)),
                        );
                    }
                }
            }
            Timer::GroupJoinDeadline { group, .. } => self.maybe_complete_join(&group, now, out),
            Timer::GroupSessionCheck { .. } => {
                self.check_group_sessions(now, out);
                out.timer(
                    1_000,
                    Timer::GroupSessionCheck {
                        broker: self.id,
                        incarnation: self.incarnation,
                    },
                );
            }
            Timer::RetentionCheck { .. } => {
                for r in self.replicas.values_mut() {
                    let cfg_log = r.config.log.clone();
                    if let Some(start) = r.log.apply_retention(now, &cfg_log, r.high_watermark) {
                        out.trace(
                            NodeId::Broker(self.id),
                            TraceKind::Retention,
                            format!(
                                "[UnifiedLog partition={}] Incremented log start offset to {} due to segment deletion",
                                r.tp, start
                            ),
                        );
                    }
                }
                out.timer(
                    cfg.log_retention_check_interval_ms,
                    Timer::RetentionCheck {
                        broker: self.id,
                        incarnation: self.incarnation,
                    },
                );
            }
            _ => {}
        }
    }

    /// After the leader appended locally (offset commits): move the HW if it can, answer what
    /// waited for it, wake fetches waiting for data.
    pub(crate) fn after_local_append(
        &mut self,
        tp: &TopicPartition,
        now: u64,
        cfg: &BrokerConfig,
        out: &mut Out,
    ) {
        let fenced = self.fenced_view.clone();
        let hw_moved = self.replicas.get_mut(tp).is_some_and(|r| {
            r.maybe_increment_hw(now, cfg.replica_lag_time_max_ms, |b| !fenced.contains(&b))
        });
        self.complete_delayed(tp, out);
        self.wake_held_fetches(tp, true, now, cfg, out);
        if hw_moved {
            self.wake_held_fetches(tp, false, now, cfg, out);
        }
    }

    // ---- leader side ------------------------------------------------------------------------

    #[allow(clippy::too_many_arguments)]
    fn on_produce(
        &mut self,
        from: NodeId,
        request_id: u64,
        acks: i16,
        timeout_ms: u64,
        batch: ProduceBatch,
        now: u64,
        cfg: &BrokerConfig,
        out: &mut Out,
    ) {
        let node = self.node();
        let tp = batch.tp.clone();
        let respond = |out: &mut Out, result: Result<i64, KafkaError>| {
            if acks != 0 {
                out.send(
                    node,
                    from,
                    Payload::ProduceResponse {
                        request_id,
                        tp: tp.clone(),
                        result,
                    },
                );
            }
        };
        if !matches!(acks, -1..=1) {
            return respond(out, Err(KafkaError::InvalidRequiredAcks));
        }
        let Some(replica) = self
            .replicas
            .get_mut(&batch.tp)
            .filter(|r| r.leading.is_some())
        else {
            return respond(out, Err(KafkaError::NotLeaderOrFollower));
        };
        let count = batch.records.len() as i32;
        let idempotent = batch.producer_id >= 0;
        let last_seq = last_sequence(batch.base_sequence, count);
        // acks=all refuses before appending when the ISR is below min.insync.replicas.
        if acks == -1 && replica.isr.len() < replica.effective_min_isr() {
            out.trace(
                node,
                TraceKind::ProduceError,
                format!(
                    "[ReplicaManager broker={}] Error processing append operation on partition {}: NotEnoughReplicasException: The size of the current ISR [{}] is insufficient to satisfy the min.isr requirement of {} for partition {}",
                    self.id,
                    tp,
                    join(&replica.isr),
                    replica.effective_min_isr(),
                    tp
                ),
            );
            return respond(out, Err(KafkaError::NotEnoughReplicas));
        }
        let first_offset = if idempotent {
            match replica.producers.check(
                batch.producer_id,
                batch.producer_epoch,
                batch.base_sequence,
                last_seq,
            ) {
                Err(e) => {
                    out.trace(
                        node,
                        TraceKind::ProduceError,
                        format!(
                            "{} for partition {tp}: producerId={}, epoch={}, sequence {}..{}",
                            e.name(),
                            batch.producer_id,
                            batch.producer_epoch,
                            batch.base_sequence,
                            last_seq
                        ),
                    );
                    return respond(out, Err(e));
                }
                Ok(SequenceCheck::Duplicate { first_offset }) => {
                    out.trace(
                        node,
                        TraceKind::Produce,
                        format!(
                            "Duplicate batch for {tp} dropped: producerId={}, epoch={}, sequence {}..{} already at offset {}",
                            batch.producer_id, batch.producer_epoch, batch.base_sequence, last_seq, first_offset
                        ),
                    );
                    first_offset
                }
                Ok(SequenceCheck::Append) => append_batch(replica, &batch, last_seq, cfg),
            }
        } else {
            append_batch(replica, &batch, last_seq, cfg)
        };
        let required_offset = first_offset + count as i64;
        let fenced = self.fenced_view.clone();
        let replica = self.replicas.get_mut(&tp).expect("present");
        let hw_moved =
            replica.maybe_increment_hw(now, cfg.replica_lag_time_max_ms, |b| !fenced.contains(&b));
        match acks {
            0 => {}
            1 => respond(out, Ok(first_offset)),
            _ => {
                if replica.high_watermark >= required_offset {
                    respond(out, Ok(first_offset));
                } else {
                    let leading = replica.leading.as_mut().expect("leader");
                    leading.delayed.push_back(DelayedProduce {
                        from,
                        request_id,
                        first_offset,
                        required_offset,
                        deadline_ms: now + timeout_ms,
                        commit: None,
                    });
                    out.timer(
                        timeout_ms,
                        Timer::DelayedProduceExpiry {
                            broker: self.id,
                            incarnation: self.incarnation,
                            tp: tp.clone(),
                            request_id,
                        },
                    );
                }
            }
        }
        self.complete_delayed(&tp, out);
        self.wake_held_fetches(&tp, true, now, cfg, out);
        if hw_moved {
            self.wake_held_fetches(&tp, false, now, cfg, out);
        }
    }

    /// Answers acks=all produces whose offsets the HW has passed (`DelayedProduce.tryComplete`).
    fn complete_delayed(&mut self, tp: &TopicPartition, out: &mut Out) {
        let node = self.node();
        let Some(replica) = self.replicas.get_mut(tp) else {
            return;
        };
        let hw = replica.high_watermark;
        let min_isr = replica.effective_min_isr();
        let isr_len = replica.maximal_isr().len();
        let Some(leading) = replica.leading.as_mut() else {
            return;
        };
        while leading
            .delayed
            .front()
            .is_some_and(|d| d.required_offset <= hw)
        {
            let d = leading.delayed.pop_front().expect("checked");
            let result = if isr_len < min_isr {
                Err(KafkaError::NotEnoughReplicasAfterAppend)
            } else {
                Ok(d.first_offset)
            };
            if let (Ok(_), Some((group, offsets))) = (&result, &d.commit) {
                self.coordinator.commit_completed(group, offsets);
            }
            out.send(node, d.from, d.reply(tp, result));
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn on_fetch(
        &mut self,
        from: NodeId,
        request_id: u64,
        replica: Option<BrokerId>,
        max_wait_ms: u64,
        partitions: Vec<FetchPartition>,
        now: u64,
        cfg: &BrokerConfig,
        out: &mut Out,
    ) {
        // Record each follower's position first: it moves the HW and may grow the ISR.
        if let Some(follower) = replica {
            for p in &partitions {
                self.update_follower(follower, p, now, cfg, out);
            }
        }
        let held = HeldFetch {
            from,
            request_id,
            replica,
            partitions,
        };
        let has_data = held
            .partitions
            .iter()
            .any(|p| match self.replicas.get(&p.tp) {
                Some(r) if r.leading.is_some() => {
                    let limit = if replica.is_some() {
                        r.log.leo()
                    } else {
                        r.high_watermark
                    };
                    p.fetch_offset < limit
                        || diverging(r, p).is_some()
                        || p.fetch_offset > r.log.leo()
                }
                _ => true,
            });
        if has_data || max_wait_ms == 0 {
            self.answer_fetch(held, now, cfg, out);
        } else {
            self.held_fetches.push(held);
            out.timer(
                max_wait_ms,
                Timer::FetchWaitExpiry {
                    broker: self.id,
                    incarnation: self.incarnation,
                    request_id,
                },
            );
        }
    }

    fn update_follower(
        &mut self,
        follower: BrokerId,
        p: &FetchPartition,
        now: u64,
        cfg: &BrokerConfig,
        out: &mut Out,
    ) {
        let fenced = self.fenced_view.clone();
        let node = self.node();
        let Some(r) = self.replicas.get_mut(&p.tp) else {
            return;
        };
        if diverging(r, p).is_some() {
            return;
        }
        let leo = r.log.leo();
        let hw = r.high_watermark;
        let Some(leading) = r.leading.as_mut() else {
            return;
        };
        let Some(state) = leading.followers.get_mut(&follower) else {
            return;
        };
        state.on_fetch(p.fetch_offset.min(leo), leo, now);
        let follower_leo = state.leo;
        // maybeExpandIsr: past the HW and the epoch start, eligible, and no change in flight.
        let expand = !r.isr.contains(&follower)
            && leading.pending_isr.is_none()
            && follower_leo >= hw
            && follower_leo >= leading.epoch_start_offset
            && !fenced.contains(&follower);
        if expand {
            let mut new_isr = r.isr.clone();
            new_isr.push(follower);
            leading.pending_isr = Some(new_isr.clone());
            out.trace(
                node,
                TraceKind::Isr,
                format!(
                    "[Partition {} broker={}] Expanding ISR from {} to {}",
                    r.tp,
                    self.id,
                    join(&r.isr),
                    join(&new_isr)
                ),
            );
            if let Some(c) = self.controller {
                out.send(
                    node,
                    c,
                    Payload::AlterPartition {
                        tp: r.tp.clone(),
                        leader_epoch: r.leader_epoch,
                        partition_epoch: r.partition_epoch,
                        new_isr,
                    },
                );
            }
        }
        let tp = p.tp.clone();
        if r.maybe_increment_hw(now, cfg.replica_lag_time_max_ms, |b| !fenced.contains(&b)) {
            self.complete_delayed(&tp, out);
            // Consumers read up to the HW: their waiting fetches can be answered now.
            self.wake_held_fetches(&tp, false, now, cfg, out);
        }
    }

    fn answer_fetch(&mut self, held: HeldFetch, _now: u64, cfg: &BrokerConfig, out: &mut Out) {
        let partitions = held
            .partitions
            .iter()
            .map(|p| self.read_partition(p, held.replica.is_some(), cfg))
            .collect();
        out.send(
            self.node(),
            held.from,
            Payload::FetchResponse {
                request_id: held.request_id,
                partitions,
            },
        );
    }

    fn read_partition(
        &self,
        p: &FetchPartition,
        from_follower: bool,
        cfg: &BrokerConfig,
    ) -> FetchedPartition {
        let mut fetched = FetchedPartition {
            tp: p.tp.clone(),
            error: None,
            high_watermark: -1,
            log_start_offset: -1,
            diverging_epoch: None,
            records: Vec::new(),
        };
        let Some(r) = self.replicas.get(&p.tp).filter(|r| r.leading.is_some()) else {
            fetched.error = Some(KafkaError::NotLeaderOrFollower);
            return fetched;
        };
        fetched.high_watermark = r.high_watermark;
        fetched.log_start_offset = r.log.log_start_offset();
        if let Some(div) = diverging(r, p) {
            fetched.diverging_epoch = Some(div);
            return fetched;
        }
        if p.fetch_offset < r.log.log_start_offset() || p.fetch_offset > r.log.leo() {
            fetched.error = Some(KafkaError::OffsetOutOfRange);
            return fetched;
        }
        // Followers read to the LEO; consumers (read_uncommitted) only to the HW.
        let limit = if from_follower {
            r.log.leo()
        } else {
            r.high_watermark
        };
        fetched.records = r
            .log
            .read(p.fetch_offset, limit, cfg.replica_fetch_max_records);
        fetched
    }

    /// Answers the long-polls waiting on `tp`: followers' when the log grows, consumers' when
    /// the high watermark moves (they read only up to it).
    fn wake_held_fetches(
        &mut self,
        tp: &TopicPartition,
        followers: bool,
        now: u64,
        cfg: &BrokerConfig,
        out: &mut Out,
    ) {
        let (wake, keep): (Vec<HeldFetch>, Vec<HeldFetch>) = std::mem::take(&mut self.held_fetches)
            .into_iter()
            .partition(|h| {
                h.replica.is_some() == followers && h.partitions.iter().any(|p| &p.tp == tp)
            });
        self.held_fetches = keep;
        for h in wake {
            self.answer_fetch(h, now, cfg, out);
        }
    }

    fn maybe_shrink_isr(&mut self, now: u64, cfg: &BrokerConfig, out: &mut Out) {
        let node = self.node();
        for r in self.replicas.values_mut() {
            let leo = r.log.leo();
            let Some(leading) = r.leading.as_mut() else {
                continue;
            };
            if leading.pending_isr.is_some() {
                continue;
            }
            let out_of_sync: Vec<BrokerId> = r
                .isr
                .iter()
                .copied()
                .filter(|&b| b != self.id)
                .filter(|b| {
                    leading
                        .followers
                        .get(b)
                        .is_none_or(|f| !f.is_caught_up(leo, now, cfg.replica_lag_time_max_ms))
                })
                .collect();
            if out_of_sync.is_empty() {
                continue;
            }
            let new_isr: Vec<BrokerId> = r
                .isr
                .iter()
                .copied()
                .filter(|b| !out_of_sync.contains(b))
                .collect();
            let details: Vec<String> = out_of_sync
                .iter()
                .map(|b| {
                    let f = leading.followers.get(b).copied().unwrap_or_default();
                    format!(
                        "(brokerId: {b}, endOffset: {}, lastCaughtUpTimeMs: {})",
                        f.leo, f.last_caught_up_ms
                    )
                })
                .collect();
            out.trace(
                node,
                TraceKind::Isr,
                format!(
                    "[Partition {} broker={}] Shrinking ISR from {} to {}. Leader: (highWatermark: {}, endOffset: {}). Out of sync replicas: {}.",
                    r.tp,
                    self.id,
                    join(&r.isr),
                    join(&new_isr),
                    r.high_watermark,
                    leo,
                    details.join(", ")
                ),
            );
            leading.pending_isr = Some(new_isr.clone());
            if let Some(c) = self.controller {
                out.send(
                    node,
                    c,
                    Payload::AlterPartition {
                        tp: r.tp.clone(),
                        leader_epoch: r.leader_epoch,
                        partition_epoch: r.partition_epoch,
                        new_isr,
                    },
                );
            }
        }
    }

    fn on_alter_partition_response(
        &mut self,
        tp: TopicPartition,
        result: Result<super::metadata::PartitionRegistration, KafkaError>,
        now: u64,
        cfg: &BrokerConfig,
        out: &mut Out,
    ) {
        let fenced = self.fenced_view.clone();
        let Some(r) = self.replicas.get_mut(&tp) else {
            return;
        };
        let Some(leading) = r.leading.as_mut() else {
            return;
        };
        leading.pending_isr = None;
        if let Ok(reg) = result {
            if reg.leader_epoch == r.leader_epoch && reg.partition_epoch > r.partition_epoch {
                r.isr = reg.isr;
                r.partition_epoch = reg.partition_epoch;
            }
        }
        let hw_moved =
            r.maybe_increment_hw(now, cfg.replica_lag_time_max_ms, |b| !fenced.contains(&b));
        self.complete_delayed(&tp, out);
        if hw_moved {
            self.wake_held_fetches(&tp, false, now, cfg, out);
        }
    }

    // ---- metadata ---------------------------------------------------------------------------

    fn on_metadata_update(
        &mut self,
        partitions: Vec<(
            TopicPartition,
            super::metadata::PartitionRegistration,
            super::metadata::TopicConfig,
        )>,
        fenced: Vec<BrokerId>,
        now: u64,
        cfg: &BrokerConfig,
        out: &mut Out,
    ) {
        self.fenced_view = fenced.into_iter().collect();
        let node = self.node();
        let mut leaders_to_fetch = BTreeSet::new();
        let mut loads = Vec::new();
        let mut unloads = Vec::new();
        for (tp, reg, topic_config) in partitions {
            let known = self.leader_image.get(&tp).map_or(-1, |e| e.1);
            if reg.leader_epoch >= known {
                self.leader_image
                    .insert(tp.clone(), (reg.leader, reg.leader_epoch));
            }
            if !reg.replicas.contains(&self.id) {
                continue;
            }
            let r = self
                .replicas
                .entry(tp.clone())
                .or_insert_with(|| Replica::new(tp.clone(), topic_config.clone()));
            r.config = topic_config;
            if reg.leader_epoch < r.leader_epoch
                || (reg.leader_epoch == r.leader_epoch
                    && reg.partition_epoch <= r.partition_epoch
                    && r.leader == reg.leader)
            {
                continue; // stale
            }
            let same_epoch = reg.leader_epoch == r.leader_epoch;
            r.replicas = reg.replicas.clone();
            r.isr = reg.isr.clone();
            r.partition_epoch = reg.partition_epoch;
            if reg.leader == Some(self.id) {
                if !(same_epoch && r.leading.is_some()) {
                    // becomeLeader: remember followers, start the epoch at our LEO.
                    let leo = r.log.leo();
                    r.leader_epoch = reg.leader_epoch;
                    r.log.epochs.assign(reg.leader_epoch, leo);
                    let followers = reg
                        .replicas
                        .iter()
                        .filter(|&&b| b != self.id)
                        .map(|&b| {
                            let in_isr = reg.isr.contains(&b);
                            (
                                b,
                                FollowerState {
                                    leo: -1,
                                    last_caught_up_ms: if in_isr { now } else { 0 },
                                    last_fetch_leader_leo: -1,
                                    last_fetch_ms: 0,
                                },
                            )
                        })
                        .collect();
                    r.leading = Some(LeaderState {
                        followers,
                        epoch_start_offset: leo,
                        pending_isr: None,
                        delayed: Default::default(),
                    });
                    r.rebuild_producer_state();
                    if tp.topic == OFFSETS_TOPIC {
                        loads.push((
                            tp.partition,
                            r.log
                                .entries()
                                .map(|e| e.record.clone())
                                .collect::<Vec<_>>(),
                        ));
                    }
                    out.trace(
                        node,
                        TraceKind::Election,
                        format!(
                            "[Partition {tp} broker={}] {tp} starts at leader epoch {} from offset {} with partition epoch {}, high watermark {}, ISR [{}]",
                            self.id,
                            reg.leader_epoch,
                            leo,
                            reg.partition_epoch,
                            r.high_watermark,
                            join(&reg.isr)
                        ),
                    );
                }
                r.leader = Some(self.id);
                let fenced = self.fenced_view.clone();
                r.maybe_increment_hw(now, cfg.replica_lag_time_max_ms, |b| !fenced.contains(&b));
                self.complete_delayed(&tp, out);
            } else {
                if let Some(leading) = r.leading.take() {
                    // Resigning: waiting acks=all produces get NOT_LEADER_OR_FOLLOWER.
                    for d in leading.delayed {
                        out.send(
                            node,
                            d.from,
                            d.reply(&tp, Err(KafkaError::NotLeaderOrFollower)),
                        );
                    }
                    if tp.topic == OFFSETS_TOPIC {
                        unloads.push(tp.partition);
                    }
                }
                if !same_epoch {
                    out.trace(
                        node,
                        TraceKind::Replication,
                        match reg.leader {
                            Some(l) => format!(
                                "[Partition {tp} broker={}] {tp} starts as follower of leader {l} at epoch {}",
                                self.id, reg.leader_epoch
                            ),
                            None => format!("[Partition {tp} broker={}] {tp} has no leader (epoch {})", self.id, reg.leader_epoch),
                        },
                    );
                }
                r.leader_epoch = reg.leader_epoch;
                r.leader = reg.leader;
                if let Some(l) = reg.leader {
                    leaders_to_fetch.insert(l);
                }
            }
        }
        for leader in leaders_to_fetch {
            self.maybe_fetch(leader, cfg, out);
        }
        for partition in unloads {
            self.coordinator.unload(partition);
        }
        for (partition, records) in loads {
            self.coordinator.load(partition, &records, node, out);
        }
    }

    // ---- follower side ----------------------------------------------------------------------

    /// Sends the next fetch to `leader` for every partition we follow there, unless one is in
    /// flight or we are backing off.
    fn maybe_fetch(&mut self, leader: BrokerId, cfg: &BrokerConfig, out: &mut Out) {
        let partitions: Vec<FetchPartition> = self
            .replicas
            .values()
            .filter(|r| r.leader == Some(leader) && r.leading.is_none())
            .map(|r| FetchPartition {
                tp: r.tp.clone(),
                fetch_offset: r.log.leo(),
                last_fetched_epoch: r.log.epochs.latest_epoch().unwrap_or(-1),
            })
            .collect();
        if partitions.is_empty() {
            self.fetchers.remove(&leader);
            return;
        }
        let f = self.fetchers.entry(leader).or_default();
        if f.in_flight.is_some() || f.backing_off {
            return;
        }
        let request_id = self.request_id();
        self.fetchers
            .get_mut(&leader)
            .expect("just inserted")
            .in_flight = Some(request_id);
        out.send(
            self.node(),
            NodeId::Broker(leader),
            Payload::Fetch {
                request_id,
                replica: Some(self.id),
                max_wait_ms: cfg.replica_fetch_wait_max_ms,
                partitions,
            },
        );
        out.timer(
            cfg.replica_socket_timeout_ms,
            Timer::FetchRequestTimeout {
                broker: self.id,
                incarnation: self.incarnation,
                leader,
                request_id,
            },
        );
    }

    fn backoff_fetcher(&mut self, leader: BrokerId, cfg: &BrokerConfig, out: &mut Out) {
        let f = self.fetchers.entry(leader).or_default();
        if !f.backing_off {
            f.backing_off = true;
            out.timer(
                cfg.replica_fetch_backoff_ms,
                Timer::FetcherRetry {
                    broker: self.id,
                    incarnation: self.incarnation,
                    leader,
                },
            );
        }
    }

    fn on_fetch_response(
        &mut self,
        from: NodeId,
        request_id: u64,
        partitions: Vec<FetchedPartition>,
        _now: u64,
        cfg: &BrokerConfig,
        out: &mut Out,
    ) {
        let NodeId::Broker(leader) = from else { return };
        match self.fetchers.get_mut(&leader) {
            Some(f) if f.in_flight == Some(request_id) => f.in_flight = None,
            _ => return, // a late answer to a fetch we gave up on
        }
        let node = self.node();
        let mut had_error = false;
        for p in partitions {
            let Some(r) = self.replicas.get_mut(&p.tp) else {
                continue;
            };
            if r.leader != Some(leader) || r.leading.is_some() {
                continue;
            }
            if let Some((epoch, end_offset)) = p.diverging_epoch {
                // KIP-279: truncate to where our log and the leader's agree.
                let (own_epoch, own_end) = r.log.epochs.end_offset_for(epoch, r.log.leo());
                let target = if own_epoch < 0 || end_offset < 0 {
                    r.high_watermark
                } else {
                    end_offset.min(own_end)
                }
                .min(r.log.leo());
                out.trace(
                    node,
                    TraceKind::Replication,
                    format!(
                        "[ReplicaFetcher replicaId={}, leaderId={leader}, fetcherId=0] Truncating partition {} with TruncationState(offset={target}, completed=true) due to leader epoch and offset EpochEndOffset(errorCode=0, partition={}, leaderEpoch={epoch}, endOffset={end_offset})",
                        self.id, p.tp, p.tp.partition
                    ),
                );
                r.log.truncate_to(target);
                r.high_watermark = r.high_watermark.min(r.log.leo());
                r.rebuild_producer_state();
                continue;
            }
            match p.error {
                Some(KafkaError::OffsetOutOfRange) if r.log.leo() < p.log_start_offset => {
                    r.log.reset_to(p.log_start_offset);
                    r.high_watermark = p.log_start_offset;
                    r.rebuild_producer_state();
                    continue;
                }
                Some(KafkaError::OffsetOutOfRange) => {
                    // Ahead of the leader without a known divergence: fall back to our HW.
                    let hw = r.high_watermark;
                    r.log.truncate_to(hw);
                    r.rebuild_producer_state();
                    continue;
                }
                Some(_) => {
                    had_error = true;
                    continue;
                }
                None => {}
            }
            let segment_bytes = r.config.log.segment_bytes;
            for e in p.records {
                if e.offset != r.log.leo() {
                    continue;
                }
                let stamp = e.stamp;
                let offset = e.offset;
                r.log.append(e, segment_bytes);
                if stamp.producer_id >= 0 && stamp.sequence == stamp.batch_last_seq {
                    let count = (stamp.batch_last_seq as i64 - stamp.batch_first_seq as i64)
                        .rem_euclid(1 << 31);
                    r.producers.record(
                        stamp.producer_id,
                        stamp.producer_epoch,
                        BatchMetadata {
                            first_seq: stamp.batch_first_seq,
                            last_seq: stamp.batch_last_seq,
                            first_offset: offset - count,
                        },
                    );
                }
            }
            // A follower's HW: the leader's, capped by what it holds.
            r.high_watermark = r.high_watermark.max(p.high_watermark.min(r.log.leo()));
            if p.log_start_offset > r.log.log_start_offset() {
                r.log.advance_log_start(p.log_start_offset);
            }
        }
        if had_error {
            self.backoff_fetcher(leader, cfg, out);
        } else {
            self.maybe_fetch(leader, cfg, out);
        }
    }
}

/// KIP-320: the leader's check of the follower's last fetched epoch. Returns the epoch and end
/// offset to truncate to when the follower's log diverges.
fn diverging(r: &Replica, p: &FetchPartition) -> Option<(i32, i64)> {
    if p.last_fetched_epoch < 0 {
        return None;
    }
    let (epoch, end) = r
        .log
        .epochs
        .end_offset_for(p.last_fetched_epoch, r.log.leo());
    if epoch != p.last_fetched_epoch || end < p.fetch_offset {
        Some((epoch, end))
    } else {
        None
    }
}

fn append_batch(
    replica: &mut Replica,
    batch: &ProduceBatch,
    last_seq: i32,
    cfg: &BrokerConfig,
) -> i64 {
    let _ = cfg;
    let first_offset = replica.log.leo();
    let idempotent = batch.producer_id >= 0;
    let segment_bytes = replica.config.log.segment_bytes;
    for (i, record) in batch.records.iter().enumerate() {
        let stamp = if idempotent {
            ProducerStamp {
                producer_id: batch.producer_id,
                producer_epoch: batch.producer_epoch,
                sequence: last_sequence(batch.base_sequence, i as i32 + 1),
                batch_first_seq: batch.base_sequence,
                batch_last_seq: last_seq,
            }
        } else {
            ProducerStamp::NONE
        };
        replica.log.append(
            LogEntry {
                offset: -1,
                leader_epoch: replica.leader_epoch,
                record: record.clone(),
                stamp,
            },
            segment_bytes,
        );
    }
    if idempotent {
        replica.producers.record(
            batch.producer_id,
            batch.producer_epoch,
            BatchMetadata {
                first_seq: batch.base_sequence,
                last_seq,
                first_offset,
            },
        );
    }
    first_offset
}

pub(crate) fn join(ids: &[BrokerId]) -> String {
    ids.iter()
        .map(|b| b.to_string())
        .collect::<Vec<_>>()
        .join(",")
}

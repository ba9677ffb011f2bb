//! A consumer client (KafkaConsumer, classic group protocol) and the application around it.
//!
//! The client: FindCoordinator, JoinGroup / SyncGroup (the leader member runs the assignor),
//! heartbeats from a background thread, eager or cooperative rebalancing, committed offsets
//! fetched on assignment and `auto.offset.reset` without one, fetches from partition leaders
//! (never above the HW), auto-commit inside `poll()` every `auto.commit.interval.ms` and before a
//! rebalance or close, and `max.poll.interval.ms`.
//!
//! The application (Kafkascope's model of the code around the client): each record takes
//! `processing.time.ms`; with `processing=poll-loop` records are processed between two polls
//! (Java's auto-commit then gives at-least-once); with `processing=worker` they are handed to a
//! worker thread and the loop keeps polling, so auto-commit can commit records not yet
//! processed — the loss the source notes warn about. librdkafka's `enable.auto.offset.store`
//! is modelled too: when false, only offsets the worker stored after processing are committed.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::rc::Rc;

use serde::Serialize;

use super::assignor::{self, AssignorName, MemberSubscription, RebalanceProtocol};
use super::error::{CommandError, KafkaError};
use super::group_protocol::{GroupRequest, GroupResponse, JoinResult, Subscription};
use super::log::LogEntry;
use super::network::{FetchPartition, FetchedPartition, Message, NodeId, Payload};
use super::producer::unknown_config;
use super::trace::TraceKind;
use super::{BrokerId, Out, Timer, TopicPartition};

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
            let ms = || super::config::parse_duration_ms(v).ok_or_else(bad);
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

    fn rebalance_protocol(&self) -> RebalanceProtocol {
        assignor::rebalance_protocol_for(&self.assignors).unwrap_or(RebalanceProtocol::Eager)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ConsumerState {
    Running,
    Closed,
    Crashed,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum MemberState {
    Unjoined,
    Joining,
    Syncing,
    Stable,
}

#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct ProcessedRecord {
    pub topic: Rc<str>,
    pub partition: i32,
    pub offset: i64,
    pub key: Option<Rc<str>>,
    pub value: Rc<str>,
    #[serde(skip)]
    pub at_ms: u64,
}

/// What this member's latest rebalance did (the page draws it): the partitions it owned when
/// the rebalance began, and those it then lost and gained.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RebalanceChange {
    pub before: Vec<TopicPartition>,
    pub revoked: Vec<TopicPartition>,
    pub added: Vec<TopicPartition>,
    pub started_ms: u64,
    /// When the new assignment arrived; `None` while the rebalance is under way.
    pub synced_ms: Option<u64>,
}

/// A shared topic-partition name: records in buffers carry it without a string copy each.
type Tp = Rc<TopicPartition>;

#[derive(Clone, Debug)]
enum Pending {
    FindCoordinator,
    Join,
    Sync,
    Heartbeat,
    Leave,
    Commit,
    OffsetFetch,
    ListOffsets,
    Metadata,
}

#[derive(Clone, Debug)]
pub struct Consumer {
    pub name: Rc<str>,
    pub index: u32,
    pub config: ConsumerConfig,
    pub client_id: String,
    pub topics: Vec<String>,
    pub state: ConsumerState,
    pub member_state: MemberState,
    pub coordinator: Option<BrokerId>,
    pub member_id: String,
    pub generation: i32,
    pub protocol: Option<String>,
    pub assignment: Vec<TopicPartition>,
    /// The next offset to fetch, per assigned partition.
    pub positions: BTreeMap<TopicPartition, i64>,
    /// Just past the last record `poll()` returned (what Java's auto-commit commits).
    pub consumed: BTreeMap<TopicPartition, i64>,
    /// Offsets to commit (librdkafka's offset store; equal to `consumed` when auto-stored).
    pub stored: BTreeMap<TopicPartition, i64>,
    pub paused: BTreeSet<TopicPartition>,
    /// Where this consumer started reading each partition (committed offset or reset).
    pub start_positions: BTreeMap<TopicPartition, i64>,
    buffer: VecDeque<(Tp, LogEntry)>,
    fetch_in_flight: BTreeMap<BrokerId, u64>,
    leaders: BTreeMap<TopicPartition, Option<BrokerId>>,
    pub partition_counts: BTreeMap<String, i32>,
    pending: BTreeMap<u64, Pending>,
    in_process: Vec<(Tp, LogEntry)>,
    worker_queue: VecDeque<(Tp, LogEntry)>,
    worker_busy: bool,
    bootstrap: Vec<BrokerId>,
    cursor: usize,
    last_poll_ms: u64,
    last_commit_ms: u64,
    poll_scheduled: bool,
    /// Bumped on restart: timers of an earlier life are ignored.
    pub incarnation: u32,
    /// The latest processed records (`observations`: bounded), their total, and per partition
    /// the offset below which processed records were dropped from the list.
    pub processed: Vec<ProcessedRecord>,
    pub processed_count: u64,
    pub processed_from: BTreeMap<TopicPartition, i64>,
    /// Shared topic names for `processed` (one allocation per topic, not per record).
    topic_names: BTreeMap<String, Rc<str>>,
    pub polled: u64,
    pub errors: Vec<String>,
    /// This member computes the group's assignment (it is the group leader).
    pub is_leader: bool,
    last_metadata_ms: u64,
    pub rebalance: RebalanceChange,
    /// A rejoin requested while the application processed a batch (poll loop): it happens in
    /// the next `poll()`, with onJoinPrepare's commit and revocation, as in Java, where the
    /// heartbeat thread only flags it (`requestRejoin`) and `poll()` rejoins.
    rejoin_pending: Option<String>,
    /// `close()` asked while the application processed a batch: the loop finishes the batch,
    /// then closes (the `wakeup()` shutdown pattern).
    close_pending: bool,
}

fn list(tps: &[TopicPartition]) -> String {
    tps.iter()
        .map(|t| t.to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

impl Consumer {
    /// Records this consumer holds but has not processed yet: fetched, being processed, or
    /// queued for its worker thread.
    pub fn unprocessed(&self) -> impl Iterator<Item = (&TopicPartition, i64)> {
        self.buffer
            .iter()
            .chain(&self.in_process)
            .chain(&self.worker_queue)
            .map(|(tp, e)| (&**tp, e.offset))
    }

    pub fn new(
        name: &str,
        index: u32,
        config: ConsumerConfig,
        topics: Vec<String>,
        bootstrap: Vec<BrokerId>,
        client_seq: u32,
    ) -> Self {
        // C8: consumer-<groupId>-<n>, or the instance id for static members.
        let client_id = match &config.group_instance_id {
            Some(i) => format!("consumer-{}-{i}", config.group_id),
            None => format!("consumer-{}-{client_seq}", config.group_id),
        };
        Self {
            name: Rc::from(name),
            index,
            client_id,
            topics,
            state: ConsumerState::Running,
            member_state: MemberState::Unjoined,
            coordinator: None,
            member_id: String::new(),
            generation: -1,
            protocol: None,
            assignment: Vec::new(),
            positions: BTreeMap::new(),
            consumed: BTreeMap::new(),
            stored: BTreeMap::new(),
            paused: BTreeSet::new(),
            start_positions: BTreeMap::new(),
            buffer: VecDeque::new(),
            fetch_in_flight: BTreeMap::new(),
            leaders: BTreeMap::new(),
            partition_counts: BTreeMap::new(),
            pending: BTreeMap::new(),
            in_process: Vec::new(),
            worker_queue: VecDeque::new(),
            worker_busy: false,
            bootstrap,
            cursor: 0,
            last_poll_ms: 0,
            last_commit_ms: 0,
            poll_scheduled: false,
            incarnation: 0,
            processed: Vec::new(),
            processed_count: 0,
            processed_from: BTreeMap::new(),
            topic_names: BTreeMap::new(),
            polled: 0,
            errors: Vec::new(),
            is_leader: false,
            last_metadata_ms: 0,
            rebalance: RebalanceChange::default(),
            rejoin_pending: None,
            close_pending: false,
            config,
        }
    }

    fn node(&self) -> NodeId {
        NodeId::Consumer(self.index)
    }

    fn log(&self, out: &mut Out, text: String) {
        let prefix = match &self.config.group_instance_id {
            Some(i) => format!(
                "[Consumer instanceId={i}, clientId={}, groupId={}] ",
                self.client_id, self.config.group_id
            ),
            None => format!(
                "[Consumer clientId={}, groupId={}] ",
                self.client_id, self.config.group_id
            ),
        };
        out.trace(self.node(), TraceKind::Consumer, prefix + &text);
    }

    fn request(
        &mut self,
        to: BrokerId,
        body: GroupRequest,
        kind: Pending,
        ctx: &mut ConsumerCtx,
        out: &mut Out,
    ) {
        *ctx.next_request_id += 1;
        let request_id = *ctx.next_request_id;
        self.pending.insert(request_id, kind);
        out.send(
            self.node(),
            NodeId::Broker(to),
            Payload::Group {
                request_id,
                group: self.config.group_id.clone(),
                body,
            },
        );
        out.timer(
            self.config.request_timeout_ms,
            Timer::ConsumerRequestTimeout {
                consumer: self.index,
                incarnation: self.incarnation,
                request_id,
            },
        );
    }

    fn any_broker(&mut self) -> Option<BrokerId> {
        if self.bootstrap.is_empty() {
            return None;
        }
        let b = self.bootstrap[self.cursor % self.bootstrap.len()];
        self.cursor += 1;
        Some(b)
    }

    /// Starts (or restarts) the application: metadata, coordinator discovery, the poll loop.
    pub fn start(&mut self, ctx: &mut ConsumerCtx, out: &mut Out) {
        self.refresh_metadata(ctx, out);
        self.find_coordinator(ctx, out);
        self.schedule_poll(0, out);
        out.timer(
            self.config.heartbeat_interval_ms,
            Timer::ConsumerHeartbeat {
                consumer: self.index,
                incarnation: self.incarnation,
            },
        );
    }

    fn subscribed_counts(&self) -> Vec<(String, i32)> {
        self.topics
            .iter()
            .map(|t| {
                (
                    t.clone(),
                    self.partition_counts.get(t).copied().unwrap_or(0),
                )
            })
            .collect()
    }

    fn refresh_metadata(&mut self, ctx: &mut ConsumerCtx, out: &mut Out) {
        if self
            .pending
            .values()
            .any(|p| matches!(p, Pending::Metadata))
        {
            return;
        }
        let Some(b) = self.any_broker() else { return };
        *ctx.next_request_id += 1;
        let request_id = *ctx.next_request_id;
        self.pending.insert(request_id, Pending::Metadata);
        out.send(
            self.node(),
            NodeId::Broker(b),
            Payload::Metadata { request_id },
        );
        out.timer(
            self.config.request_timeout_ms,
            Timer::ConsumerRequestTimeout {
                consumer: self.index,
                incarnation: self.incarnation,
                request_id,
            },
        );
    }

    fn find_coordinator(&mut self, ctx: &mut ConsumerCtx, out: &mut Out) {
        if self
            .pending
            .values()
            .any(|p| matches!(p, Pending::FindCoordinator))
        {
            return;
        }
        if let Some(b) = self.any_broker() {
            self.request(
                b,
                GroupRequest::FindCoordinator,
                Pending::FindCoordinator,
                ctx,
                out,
            );
        }
    }

    fn coordinator_lost(&mut self, why: &str, ctx: &mut ConsumerCtx, out: &mut Out) {
        if let Some(c) = self.coordinator.take() {
            self.log(out, format!("Group coordinator broker {c} is unavailable or invalid due to cause: {why}. isDisconnected: true. Rediscovery will be attempted."));
        }
        if self.member_state != MemberState::Stable {
            self.member_state = MemberState::Unjoined;
        }
        self.find_coordinator(ctx, out);
    }

    fn schedule_poll(&mut self, delay: u64, out: &mut Out) {
        if !self.poll_scheduled {
            self.poll_scheduled = true;
            out.timer(
                delay,
                Timer::ConsumerPoll {
                    consumer: self.index,
                    incarnation: self.incarnation,
                },
            );
        }
    }

    /// One iteration of the application's loop: `poll()`, then processing.
    fn poll(&mut self, ctx: &mut ConsumerCtx, out: &mut Out) {
        self.poll_scheduled = false;
        let now = ctx.now_ms;
        // Poll-loop processing of the previous batch is done by now.
        let done = std::mem::take(&mut self.in_process);
        let processed_batch = !done.is_empty();
        for (tp, e) in done {
            self.mark_processed(&tp, &e, now);
        }
        if processed_batch && self.config.commit_after_processing {
            self.commit(self.stored.clone(), "commitSync after processing", ctx, out);
        }
        if self.close_pending {
            self.close(ctx, out);
            return;
        }
        if let Some(reason) = self.rejoin_pending.take() {
            self.join(&reason, ctx, out);
        }
        self.last_poll_ms = now;
        if self.coordinator.is_none() {
            self.find_coordinator(ctx, out);
        } else if self.member_state == MemberState::Unjoined {
            self.join("consumer is not in a group", ctx, out);
        }
        // C2(a): auto-commit inside poll, of what earlier polls returned.
        if self.config.enable_auto_commit
            && self.member_state == MemberState::Stable
            && now.saturating_sub(self.last_commit_ms) >= self.config.auto_commit_interval_ms
        {
            self.last_commit_ms = now;
            self.commit(self.stored.clone(), "auto-commit", ctx, out);
        }
        let mut taken = Vec::new();
        if self.member_state == MemberState::Stable
            || self.config.rebalance_protocol() == RebalanceProtocol::Cooperative
        {
            // Records of paused partitions stay buffered; those of revoked ones are dropped.
            let mut keep = VecDeque::new();
            while taken.len() < self.config.max_poll_records {
                let Some((tp, e)) = self.buffer.pop_front() else {
                    break;
                };
                if !self.assignment.contains(&tp) {
                    continue;
                }
                if self.paused.contains(&*tp) {
                    keep.push_back((tp, e));
                    continue;
                }
                set_offset(&mut self.consumed, &tp, e.offset + 1);
                if self.config.enable_auto_offset_store {
                    set_offset(&mut self.stored, &tp, e.offset + 1);
                }
                taken.push((tp, e));
            }
            if !keep.is_empty() {
                keep.append(&mut self.buffer);
                self.buffer = keep;
            }
        }
        self.polled += taken.len() as u64;
        let next = match self.config.processing {
            Processing::PollLoop => {
                let busy = taken.len() as u64 * self.config.processing_time_ms;
                self.in_process = taken;
                if busy > 0 {
                    busy
                } else {
                    100
                }
            }
            Processing::Worker => {
                let got = !taken.is_empty();
                self.worker_queue.extend(taken);
                self.kick_worker(out);
                if got {
                    1
                } else {
                    100
                }
            }
        };
        self.ensure_fetches(ctx, out);
        self.schedule_poll(next, out);
    }

    /// A position from a committed offset or a reset: it is also what `allConsumed` (and so
    /// auto-commit) reports for the partition until records are returned.
    fn set_position(&mut self, tp: TopicPartition, offset: i64) {
        self.start_positions.entry(tp.clone()).or_insert(offset);
        self.consumed.insert(tp.clone(), offset);
        if self.config.enable_auto_offset_store {
            self.stored.insert(tp.clone(), offset);
        }
        self.positions.insert(tp, offset);
    }

    fn mark_processed(&mut self, tp: &TopicPartition, e: &LogEntry, now: u64) {
        let topic = match self.topic_names.get(&tp.topic) {
            Some(t) => t.clone(),
            None => {
                let t: Rc<str> = Rc::from(tp.topic.as_str());
                self.topic_names.insert(tp.topic.clone(), t.clone());
                t
            }
        };
        self.processed_count += 1;
        let from = &mut self.processed_from;
        let record = ProcessedRecord {
            topic,
            partition: tp.partition,
            offset: e.offset,
            key: e.record.key.clone(),
            value: e.record.value.clone(),
            at_ms: now,
        };
        super::observations::push_bounded(&mut self.processed, record, |d| {
            let tp = TopicPartition::new(&*d.topic, d.partition);
            let below = from.entry(tp).or_insert(0);
            *below = (*below).max(d.offset + 1);
        });
        if !self.config.enable_auto_offset_store {
            // The application stores the offset once the record is processed (offsets_store).
            self.stored.insert(tp.clone(), e.offset + 1);
        }
    }

    fn kick_worker(&mut self, out: &mut Out) {
        if !self.worker_busy && !self.worker_queue.is_empty() {
            self.worker_busy = true;
            out.timer(
                self.config.processing_time_ms,
                Timer::ConsumerWorker {
                    consumer: self.index,
                    incarnation: self.incarnation,
                },
            );
        }
    }

    fn ensure_fetches(&mut self, ctx: &mut ConsumerCtx, out: &mut Out) {
        if self.member_state != MemberState::Stable
            && self.config.rebalance_protocol() == RebalanceProtocol::Eager
        {
            return;
        }
        let mut by_leader: BTreeMap<BrokerId, Vec<FetchPartition>> = BTreeMap::new();
        let mut need_metadata = false;
        let mut buffered_by_tp: BTreeMap<&TopicPartition, usize> = BTreeMap::new();
        for (t, _) in &self.buffer {
            *buffered_by_tp.entry(&**t).or_default() += 1;
        }
        for tp in &self.assignment {
            if self.paused.contains(tp) {
                continue;
            }
            let Some(&pos) = self.positions.get(tp) else {
                continue;
            };
            let buffered = buffered_by_tp.get(tp).copied().unwrap_or(0);
            if buffered >= self.config.max_poll_records {
                continue;
            }
            match self.leaders.get(tp).copied().flatten() {
                Some(l) => by_leader.entry(l).or_default().push(FetchPartition {
                    tp: tp.clone(),
                    fetch_offset: pos,
                    last_fetched_epoch: -1,
                }),
                None => need_metadata = true,
            }
        }
        for (leader, partitions) in by_leader {
            if self.fetch_in_flight.contains_key(&leader) {
                continue;
            }
            *ctx.next_request_id += 1;
            let request_id = *ctx.next_request_id;
            self.fetch_in_flight.insert(leader, request_id);
            out.send(
                self.node(),
                NodeId::Broker(leader),
                Payload::Fetch {
                    request_id,
                    replica: None,
                    max_wait_ms: self.config.fetch_max_wait_ms,
                    partitions,
                },
            );
            out.timer(
                self.config.request_timeout_ms,
                Timer::ConsumerRequestTimeout {
                    consumer: self.index,
                    incarnation: self.incarnation,
                    request_id,
                },
            );
        }
        if need_metadata {
            self.refresh_metadata(ctx, out);
        }
    }

    fn commit(
        &mut self,
        offsets: BTreeMap<TopicPartition, i64>,
        why: &str,
        ctx: &mut ConsumerCtx,
        out: &mut Out,
    ) {
        let offsets: Vec<(TopicPartition, i64)> = offsets
            .into_iter()
            .filter(|(tp, _)| self.assignment.contains(tp))
            .collect();
        if offsets.is_empty() {
            return;
        }
        let Some(c) = self.coordinator else { return };
        let _ = why;
        self.request(
            c,
            GroupRequest::OffsetCommit {
                member_id: self.member_id.clone(),
                generation: self.generation,
                offsets,
            },
            Pending::Commit,
            ctx,
            out,
        );
    }

    /// `onJoinPrepare` then JoinGroup.
    fn join(&mut self, reason: &str, ctx: &mut ConsumerCtx, out: &mut Out) {
        let Some(c) = self.coordinator else {
            self.member_state = MemberState::Unjoined;
            self.find_coordinator(ctx, out);
            return;
        };
        if matches!(
            self.member_state,
            MemberState::Joining | MemberState::Syncing
        ) {
            return;
        }
        if self.busy_processing() && self.member_state == MemberState::Stable {
            self.rejoin_pending = Some(reason.to_string());
            return;
        }
        // A rebalance begins for this member when it leaves Stable (not for the cooperative
        // follow-up join in the same moment as its sync, nor for retries of a failed join).
        let follow_up = self.rebalance.synced_ms == Some(ctx.now_ms);
        if (self.member_state == MemberState::Stable && !follow_up) || self.generation < 0 {
            self.rebalance = RebalanceChange {
                before: self.assignment.clone(),
                started_ms: ctx.now_ms,
                ..RebalanceChange::default()
            };
        }
        let cooperative = self.config.rebalance_protocol() == RebalanceProtocol::Cooperative;
        if !cooperative && self.generation >= 0 {
            // Eager: commit (auto-commit), then revoke everything before rejoining.
            if self.config.enable_auto_commit {
                self.commit(
                    self.stored.clone(),
                    "auto-commit before rebalance",
                    ctx,
                    out,
                );
            }
            let revoked = std::mem::take(&mut self.assignment);
            self.log(
                out,
                format!("Revoke previously assigned partitions {}", list(&revoked)),
            );
            self.forget(&revoked);
        }
        self.log(out, format!("(Re-)joining group (reason: {reason})"));
        self.member_state = MemberState::Joining;
        let owned = if cooperative {
            self.assignment.clone()
        } else {
            Vec::new()
        };
        self.request(
            c,
            GroupRequest::JoinGroup {
                member_id: self.member_id.clone(),
                group_instance_id: self.config.group_instance_id.clone(),
                client_id: self.client_id.clone(),
                session_timeout_ms: self.config.session_timeout_ms,
                rebalance_timeout_ms: self.config.max_poll_interval_ms,
                protocols: self
                    .config
                    .assignors
                    .iter()
                    .map(|a| a.name().to_string())
                    .collect(),
                subscription: Subscription {
                    topics: self.topics.clone(),
                    owned,
                    generation: self.generation,
                },
                reason: reason.to_string(),
            },
            Pending::Join,
            ctx,
            out,
        );
    }

    fn forget(&mut self, tps: &[TopicPartition]) {
        for tp in tps {
            self.positions.remove(tp);
            self.consumed.remove(tp);
            self.stored.remove(tp);
        }
        self.buffer.retain(|(t, _)| !tps.contains(&**t));
    }

    fn reset_membership(&mut self) {
        self.member_id.clear();
        self.generation = -1;
        self.member_state = MemberState::Unjoined;
    }

    fn on_join(
        &mut self,
        result: Result<JoinResult, KafkaError>,
        ctx: &mut ConsumerCtx,
        out: &mut Out,
    ) {
        let r = match result {
            Ok(r) => r,
            Err(e) => {
                self.member_state = MemberState::Unjoined;
                match e {
                    KafkaError::UnknownMemberId => self.reset_membership(),
                    KafkaError::NotCoordinator | KafkaError::CoordinatorNotAvailable => {
                        self.coordinator_lost(e.name(), ctx, out)
                    }
                    _ => self.errors.push(format!("JoinGroup failed: {}", e.name())),
                }
                return;
            }
        };
        self.member_id = r.member_id.clone();
        self.is_leader = r.leader == r.member_id;
        self.generation = r.generation;
        self.protocol = Some(r.protocol.clone());
        self.log(out, format!("Successfully joined group with generation Generation{{generationId={}, memberId='{}', protocol='{}'}}", r.generation, r.member_id, r.protocol));
        let mut assignments = Vec::new();
        if r.leader == r.member_id {
            let strategy = AssignorName::parse(&r.protocol).unwrap_or(AssignorName::Range);
            let counts: BTreeMap<String, i32> = self.partition_counts.clone();
            let members: Vec<MemberSubscription> = r
                .members
                .iter()
                .map(|m| MemberSubscription {
                    member_id: m.member_id.clone(),
                    group_instance_id: m.group_instance_id.clone(),
                    topics: m.subscription.topics.clone(),
                    owned_partitions: m.subscription.owned.clone(),
                    generation: (m.subscription.generation >= 0)
                        .then_some(m.subscription.generation),
                })
                .collect();
            match assignor::assign(strategy, &counts, &members) {
                Ok(a) => assignments = a.into_iter().collect(),
                Err(e) => self.errors.push(format!("assignor failed: {e:?}")),
            }
        }
        self.member_state = MemberState::Syncing;
        let Some(c) = self.coordinator else { return };
        self.request(
            c,
            GroupRequest::SyncGroup {
                member_id: self.member_id.clone(),
                generation: self.generation,
                assignments,
            },
            Pending::Sync,
            ctx,
            out,
        );
    }

    fn on_sync(
        &mut self,
        result: Result<Vec<TopicPartition>, KafkaError>,
        ctx: &mut ConsumerCtx,
        out: &mut Out,
    ) {
        let assigned = match result {
            Ok(a) => a,
            Err(e) => {
                self.member_state = MemberState::Unjoined;
                match e {
                    KafkaError::UnknownMemberId | KafkaError::IllegalGeneration => {
                        self.reset_membership()
                    }
                    KafkaError::NotCoordinator => self.coordinator_lost(e.name(), ctx, out),
                    _ => {}
                }
                self.join(&format!("rebalance failed due to {}", e.name()), ctx, out);
                return;
            }
        };
        self.log(out, format!("Successfully synced group in generation Generation{{generationId={}, memberId='{}', protocol='{}'}}", self.generation, self.member_id, self.protocol.as_deref().unwrap_or("")));
        let owned = self.assignment.clone();
        let mut sorted = assigned.clone();
        super::sort::sort(&mut sorted);
        let revoked: Vec<TopicPartition> = owned
            .iter()
            .filter(|t| !assigned.contains(t))
            .cloned()
            .collect();
        let added: Vec<TopicPartition> = sorted
            .iter()
            .filter(|t| !owned.contains(t))
            .cloned()
            .collect();
        if !revoked.is_empty() {
            self.log(
                out,
                format!("Revoke previously assigned partitions {}", list(&revoked)),
            );
            self.forget(&revoked);
        }
        let before = &self.rebalance.before;
        self.rebalance.revoked = before
            .iter()
            .filter(|t| !sorted.contains(t))
            .cloned()
            .collect();
        self.rebalance.added = sorted
            .iter()
            .filter(|t| !before.contains(t))
            .cloned()
            .collect();
        self.rebalance.synced_ms = Some(ctx.now_ms);
        self.assignment = sorted;
        self.member_state = MemberState::Stable;
        // C2(d): the auto-commit timer restarts after each assignment.
        self.last_commit_ms = ctx.now_ms;
        self.log(
            out,
            format!("Adding newly assigned partitions: {}", list(&added)),
        );
        if !added.is_empty() {
            if let Some(c) = self.coordinator {
                self.request(
                    c,
                    GroupRequest::OffsetFetch { partitions: added },
                    Pending::OffsetFetch,
                    ctx,
                    out,
                );
            }
        }
        if !revoked.is_empty() {
            let parts = format!("[{}]", list(&revoked));
            self.rejoin(&format!("need to revoke partitions {parts} as indicated by the current assignment and re-join"), ctx, out);
        }
    }

    fn rejoin(&mut self, reason: &str, ctx: &mut ConsumerCtx, out: &mut Out) {
        self.log(out, format!("Request joining group due to: {reason}"));
        self.join(reason, ctx, out);
    }

    fn reset_position(&mut self, tp: TopicPartition, ctx: &mut ConsumerCtx, out: &mut Out) {
        let earliest = match self.config.auto_offset_reset {
            OffsetReset::Earliest => true,
            OffsetReset::Latest => false,
            OffsetReset::None => {
                let msg = format!("NoOffsetForPartitionException: Undefined offset with no reset policy for partition: {tp}");
                self.log(out, msg.clone());
                self.errors.push(msg);
                return;
            }
        };
        match self.leaders.get(&tp).copied().flatten() {
            Some(l) => self.request(
                l,
                GroupRequest::ListOffsets { tp, earliest },
                Pending::ListOffsets,
                ctx,
                out,
            ),
            None => self.refresh_metadata(ctx, out),
        }
    }

    pub fn handle(&mut self, msg: Message, ctx: &mut ConsumerCtx, out: &mut Out) {
        if self.state != ConsumerState::Running {
            return;
        }
        let from_broker = match msg.from {
            NodeId::Broker(b) => Some(b),
            _ => None,
        };
        match msg.payload {
            Payload::MetadataResponse {
                request_id,
                leaders,
                ..
            } => {
                if self.pending.remove(&request_id).is_none() {
                    return;
                }
                let before: Vec<(String, i32)> = self.subscribed_counts();
                for (tp, leader, _) in leaders {
                    let c = self.partition_counts.entry(tp.topic.clone()).or_insert(0);
                    *c = (*c).max(tp.partition + 1);
                    self.leaders.insert(tp, leader);
                }
                // The leader notices a partition-count change of a subscribed topic and
                // triggers a rebalance (ConsumerCoordinator.rejoinNeededOrPending).
                let after = self.subscribed_counts();
                if self.is_leader && self.member_state == MemberState::Stable && before != after {
                    self.rejoin(&format!("cached metadata has changed from {before:?} at the beginning of the rebalance to {after:?}"), ctx, out);
                }
                self.ensure_fetches(ctx, out);
            }
            Payload::FetchResponse {
                request_id,
                partitions,
            } => {
                let Some(b) = from_broker else { return };
                if self.fetch_in_flight.get(&b) != Some(&request_id) {
                    return;
                }
                self.fetch_in_flight.remove(&b);
                for p in partitions {
                    self.on_fetched(p, ctx, out);
                }
                self.ensure_fetches(ctx, out);
            }
            Payload::GroupResponse { request_id, body } => {
                if self.pending.remove(&request_id).is_none() {
                    return;
                }
                match body {
                    GroupResponse::FindCoordinator(Ok(c)) => {
                        self.coordinator = Some(c);
                        self.log(
                            out,
                            format!(
                                "Discovered group coordinator broker-{c}:9092 (id: {} rack: null)",
                                i32::MAX - c
                            ),
                        );
                        if self.member_state == MemberState::Unjoined {
                            self.join("consumer is not in a group", ctx, out);
                        }
                    }
                    GroupResponse::FindCoordinator(Err(_)) => {
                        // Retried from the poll loop after the backoff.
                    }
                    GroupResponse::JoinGroup(r) => self.on_join(r, ctx, out),
                    GroupResponse::SyncGroup(r) => self.on_sync(r, ctx, out),
                    GroupResponse::Heartbeat(err) => match err {
                        None => {}
                        Some(KafkaError::RebalanceInProgress)
                            if self.member_state == MemberState::Stable =>
                        {
                            self.rejoin("group is already rebalancing", ctx, out);
                        }
                        Some(KafkaError::RebalanceInProgress) => {}
                        Some(e @ (KafkaError::UnknownMemberId | KafkaError::IllegalGeneration)) => {
                            self.log(out, format!("Attempt to heartbeat with Generation{{generationId={}, memberId='{}', protocol='{}'}} and group instance id {:?} failed due to {}, resetting generation", self.generation, self.member_id, self.protocol.as_deref().unwrap_or(""), self.config.group_instance_id, e.name()));
                            if e == KafkaError::UnknownMemberId {
                                self.reset_membership();
                            } else {
                                self.generation = -1;
                                self.member_state = MemberState::Unjoined;
                            }
                            if self.config.rebalance_protocol() == RebalanceProtocol::Eager
                                || e == KafkaError::UnknownMemberId
                            {
                                let lost = std::mem::take(&mut self.assignment);
                                if !lost.is_empty() {
                                    self.log(
                                        out,
                                        format!(
                                            "Lost previously assigned partitions {}",
                                            list(&lost)
                                        ),
                                    );
                                    self.forget(&lost);
                                }
                            }
                            self.join(
                                &format!("encountered {} from HEARTBEAT response", e.name()),
                                ctx,
                                out,
                            );
                        }
                        Some(
                            e @ (KafkaError::NotCoordinator | KafkaError::CoordinatorNotAvailable),
                        ) => self.coordinator_lost(e.name(), ctx, out),
                        Some(_) => {}
                    },
                    GroupResponse::LeaveGroup(_) => {}
                    GroupResponse::OffsetCommit(r) => {
                        if let Err(e) = r {
                            self.log(
                                out,
                                format!("Asynchronous auto-commit of offsets failed: {}", e.name()),
                            );
                            if matches!(
                                e,
                                KafkaError::NotCoordinator
                                    | KafkaError::CoordinatorNotAvailable
                                    | KafkaError::RequestTimedOut
                            ) {
                                self.coordinator_lost(e.name(), ctx, out);
                            }
                        }
                    }
                    GroupResponse::OffsetFetch(Ok(offsets)) => {
                        for (tp, committed) in offsets {
                            if !self.assignment.contains(&tp) {
                                continue;
                            }
                            match committed {
                                Some(o) => {
                                    self.log(out, format!("Setting offset for partition {tp} to the committed offset FetchPosition{{offset={o}, offsetEpoch=Optional.empty}}"));
                                    self.set_position(tp, o);
                                }
                                None => {
                                    self.log(
                                        out,
                                        format!("Found no committed offset for partition {tp}"),
                                    );
                                    self.reset_position(tp, ctx, out);
                                }
                            }
                        }
                        self.ensure_fetches(ctx, out);
                    }
                    GroupResponse::OffsetFetch(Err(e)) => self.coordinator_lost(e.name(), ctx, out),
                    GroupResponse::ListOffsets(tp, Ok(o)) => {
                        if self.assignment.contains(&tp) && !self.positions.contains_key(&tp) {
                            self.log(out, format!("Resetting offset for partition {tp} to position FetchPosition{{offset={o}, offsetEpoch=Optional.empty}}."));
                            self.set_position(tp, o);
                            self.ensure_fetches(ctx, out);
                        }
                    }
                    GroupResponse::ListOffsets(tp, Err(_)) => {
                        self.leaders.insert(tp, None);
                        self.refresh_metadata(ctx, out);
                    }
                }
            }
            Payload::Disconnected { request_id, .. } => {
                if let Some(b) = from_broker {
                    if self.fetch_in_flight.get(&b) == Some(&request_id) {
                        self.fetch_in_flight.remove(&b);
                        for l in self.leaders.values_mut() {
                            if *l == Some(b) {
                                *l = None;
                            }
                        }
                        self.refresh_metadata(ctx, out);
                        return;
                    }
                }
                if let Some(kind) = self.pending.remove(&request_id) {
                    self.request_failed(kind, ctx, out);
                }
            }
            _ => {}
        }
    }

    fn request_failed(&mut self, kind: Pending, ctx: &mut ConsumerCtx, out: &mut Out) {
        match kind {
            Pending::Metadata => self.refresh_metadata(ctx, out),
            Pending::FindCoordinator => self.find_coordinator(ctx, out),
            Pending::ListOffsets => self.refresh_metadata(ctx, out),
            Pending::Join | Pending::Sync => {
                self.member_state = MemberState::Unjoined;
                self.coordinator_lost("the request failed", ctx, out);
            }
            _ => self.coordinator_lost("the request failed", ctx, out),
        }
    }

    fn on_fetched(&mut self, p: FetchedPartition, ctx: &mut ConsumerCtx, out: &mut Out) {
        let tp = p.tp.clone();
        if !self.assignment.contains(&tp) {
            return;
        }
        let Some(&pos) = self.positions.get(&tp) else {
            return;
        };
        match p.error {
            Some(KafkaError::OffsetOutOfRange) => {
                // C4: reset with the policy (or fail with `none`).
                self.log(out, format!("Fetch position FetchPosition{{offset={pos}}} is out of range for partition {tp}, resetting offset"));
                self.positions.remove(&tp);
                self.reset_position(tp, ctx, out);
                return;
            }
            Some(_) => {
                self.leaders.insert(tp, None);
                self.refresh_metadata(ctx, out);
                return;
            }
            None => {}
        }
        let mut next = pos;
        let shared: Tp = Rc::new(tp.clone());
        for e in p.records {
            if e.offset == next {
                next += 1;
                self.buffer.push_back((shared.clone(), e));
            }
        }
        self.positions.insert(tp, next);
    }

    pub fn fire(&mut self, timer: Timer, ctx: &mut ConsumerCtx, out: &mut Out) {
        if self.state != ConsumerState::Running {
            return;
        }
        match timer {
            Timer::ConsumerPoll { incarnation, .. } if incarnation == self.incarnation => {
                self.poll(ctx, out)
            }
            Timer::ConsumerWorker { incarnation, .. } if incarnation == self.incarnation => {
                self.worker_busy = false;
                if let Some((tp, e)) = self.worker_queue.pop_front() {
                    self.mark_processed(&tp, &e, ctx.now_ms);
                }
                self.kick_worker(out);
            }
            Timer::ConsumerHeartbeat { incarnation, .. } if incarnation == self.incarnation => {
                let now = ctx.now_ms;
                if self.member_state == MemberState::Stable
                    && now.saturating_sub(self.last_poll_ms) > self.config.max_poll_interval_ms
                {
                    // C5: the heartbeat thread gives up the membership.
                    self.log(out, "consumer poll timeout has expired. This means the time between subsequent calls to poll() was longer than the configured max.poll.interval.ms, which typically implies that the poll loop is spending too much time processing messages.".into());
                    self.leave("consumer poll timeout has expired", ctx, out);
                } else if let (Some(c), MemberState::Stable | MemberState::Syncing) =
                    (self.coordinator, self.member_state)
                {
                    self.request(
                        c,
                        GroupRequest::Heartbeat {
                            member_id: self.member_id.clone(),
                            generation: self.generation,
                        },
                        Pending::Heartbeat,
                        ctx,
                        out,
                    );
                }
                if now.saturating_sub(self.last_metadata_ms) >= self.config.metadata_max_age_ms {
                    self.last_metadata_ms = now;
                    self.refresh_metadata(ctx, out);
                }
                out.timer(
                    self.config.heartbeat_interval_ms,
                    Timer::ConsumerHeartbeat {
                        consumer: self.index,
                        incarnation: self.incarnation,
                    },
                );
            }
            Timer::ConsumerRequestTimeout {
                request_id,
                incarnation,
                ..
            } if incarnation == self.incarnation => {
                if let Some(kind) = self.pending.remove(&request_id) {
                    self.request_failed(kind, ctx, out);
                } else if let Some((&b, _)) =
                    self.fetch_in_flight.iter().find(|(_, &r)| r == request_id)
                {
                    self.fetch_in_flight.remove(&b);
                    self.ensure_fetches(ctx, out);
                }
            }
            _ => {}
        }
    }

    fn leave(&mut self, reason: &str, ctx: &mut ConsumerCtx, out: &mut Out) {
        // Static members send no LeaveGroup: the coordinator waits for the session timeout.
        if self.config.group_instance_id.is_none() {
            if let Some(c) = self.coordinator {
                self.log(out, format!("Member {} sending LeaveGroup request to coordinator broker-{c}:9092 due to {reason}", self.member_id));
                self.request(
                    c,
                    GroupRequest::LeaveGroup {
                        member_id: self.member_id.clone(),
                        reason: reason.to_string(),
                    },
                    Pending::Leave,
                    ctx,
                    out,
                );
            }
        }
        let lost = std::mem::take(&mut self.assignment);
        self.forget(&lost);
        self.reset_membership();
    }

    /// The application is processing a batch `poll()` returned (poll-loop processing): the
    /// client's own work (rejoin, close) waits for the next `poll()`.
    fn busy_processing(&self) -> bool {
        self.config.processing == Processing::PollLoop && !self.in_process.is_empty()
    }

    /// `close()`: a last commit (auto-commit), then LeaveGroup. Called while the poll loop
    /// processes a batch, it runs once the batch is done.
    pub fn close(&mut self, ctx: &mut ConsumerCtx, out: &mut Out) {
        if self.busy_processing() {
            self.close_pending = true;
            return;
        }
        if self.config.enable_auto_commit {
            self.commit(self.stored.clone(), "commit on close", ctx, out);
        }
        let revoked = self.assignment.clone();
        self.log(
            out,
            format!("Revoke previously assigned partitions {}", list(&revoked)),
        );
        self.leave("the consumer is being closed", ctx, out);
        self.state = ConsumerState::Closed;
    }

    /// The process dies: nothing more is sent; the group notices by session timeout.
    pub fn crash(&mut self) {
        self.state = ConsumerState::Crashed;
        self.in_process.clear();
        self.worker_queue.clear();
        self.buffer.clear();
    }

    /// A new process with the same configuration (a static member keeps its instance id).
    pub fn restart(&mut self, ctx: &mut ConsumerCtx, out: &mut Out) {
        let keep_processed = std::mem::take(&mut self.processed);
        let keep_errors = std::mem::take(&mut self.errors);
        let mut fresh = Consumer::new(
            &self.name,
            self.index,
            self.config.clone(),
            self.topics.clone(),
            self.bootstrap.clone(),
            0,
        );
        fresh.client_id = self.client_id.clone();
        fresh.incarnation = self.incarnation + 1;
        fresh.processed = keep_processed;
        fresh.processed_count = self.processed_count;
        fresh.processed_from = std::mem::take(&mut self.processed_from);
        fresh.errors = keep_errors;
        fresh.polled = self.polled;
        fresh.start_positions = std::mem::take(&mut self.start_positions);
        *self = fresh;
        self.start(ctx, out);
    }

    /// `subscribe()` with new topics: the member rejoins with its new subscription.
    pub fn subscribe(&mut self, topics: Vec<String>, ctx: &mut ConsumerCtx, out: &mut Out) {
        self.topics = topics;
        self.refresh_metadata(ctx, out);
        if self.member_state == MemberState::Stable {
            self.rejoin("subscription changed", ctx, out);
        }
    }

    /// `commitSync()` of what has been consumed (or stored), from a command.
    pub fn commit_now(&mut self, ctx: &mut ConsumerCtx, out: &mut Out) {
        self.commit(self.stored.clone(), "commitSync", ctx, out);
    }
}

/// What a consumer may touch besides itself.
pub struct ConsumerCtx<'a> {
    pub now_ms: u64,
    pub next_request_id: &'a mut u64,
}

/// Updates an offset map without cloning the key when it is already there.
fn set_offset(map: &mut BTreeMap<TopicPartition, i64>, tp: &TopicPartition, offset: i64) {
    match map.get_mut(tp) {
        Some(v) => *v = offset,
        None => {
            map.insert(tp.clone(), offset);
        }
    }
}

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

use std::collections::VecDeque;
use std::rc::Rc;

use serde::Serialize;

use super::assignor::{self, AssignorName, MemberSubscription, RebalanceProtocol};
use super::error::KafkaError;
use super::group_protocol::{
    GroupRequest, GroupResponse, JoinGroupRequest, JoinResult, Subscription,
};
use super::log::LogEntry;
use super::network::{FetchPartition, FetchedPartition, Message, NodeId, Payload};
use super::trace::TraceKind;
use super::vec_map::VecMap;
use super::vec_set::VecSet;
use super::{BrokerId, Out, Timer, TopicPartition};

mod app;
mod config;
mod fetching;
mod heartbeat;
mod membership;

pub use config::{ConsumerConfig, OffsetReset, Processing, CONSUMER_CONFIGS};

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
    pub positions: VecMap<TopicPartition, i64>,
    /// Just past the last record `poll()` returned (what Java's auto-commit commits).
    pub consumed: VecMap<TopicPartition, i64>,
    /// Offsets to commit (librdkafka's offset store; equal to `consumed` when auto-stored).
    pub stored: VecMap<TopicPartition, i64>,
    pub paused: VecSet<TopicPartition>,
    /// Where this consumer started reading each partition (committed offset or reset).
    pub start_positions: VecMap<TopicPartition, i64>,
    buffer: VecDeque<(Tp, LogEntry)>,
    fetch_in_flight: VecMap<BrokerId, u64>,
    leaders: VecMap<TopicPartition, Option<BrokerId>>,
    pub partition_counts: VecMap<String, i32>,
    pending: VecMap<u64, Pending>,
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
    pub processed_from: VecMap<TopicPartition, i64>,
    /// Every offset processed, and those processed again (not bounded: ranges; see `outcomes`).
    pub processed_offsets: crate::sim::outcomes::ProcessedOffsets,
    /// Shared topic names for `processed` (one allocation per topic, not per record).
    topic_names: VecMap<String, Rc<str>>,
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
            positions: VecMap::new(),
            consumed: VecMap::new(),
            stored: VecMap::new(),
            paused: VecSet::new(),
            start_positions: VecMap::new(),
            buffer: VecDeque::new(),
            fetch_in_flight: VecMap::new(),
            leaders: VecMap::new(),
            partition_counts: VecMap::new(),
            pending: VecMap::new(),
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
            processed_from: VecMap::new(),
            processed_offsets: Default::default(),
            topic_names: VecMap::new(),
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

    /// A response (or a broken connection) reaching the client: each kind has its handler,
    /// as Kafka's `NetworkClient` hands each response to the handler of its request.
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
            } => self.on_metadata_response(request_id, leaders, ctx, out),
            Payload::FetchResponse {
                request_id,
                partitions,
            } => {
                if let Some(b) = from_broker {
                    self.on_fetch_response(b, request_id, partitions, ctx, out)
                }
            }
            Payload::GroupResponse { request_id, body } => {
                self.on_group_response(request_id, body, ctx, out)
            }
            Payload::Disconnected { request_id, .. } => {
                self.on_disconnected(from_broker, request_id, ctx, out)
            }
            _ => {}
        }
    }

    /// The group protocol's responses (and ListOffsets'), to a request still pending.
    fn on_group_response(
        &mut self,
        request_id: u64,
        body: GroupResponse,
        ctx: &mut ConsumerCtx,
        out: &mut Out,
    ) {
        if self.pending.remove(&request_id).is_none() {
            return;
        }
        match body {
            GroupResponse::FindCoordinator(r) => self.on_find_coordinator(r, ctx, out),
            GroupResponse::JoinGroup(r) => self.on_join(r, ctx, out),
            GroupResponse::SyncGroup(r) => self.on_sync(r, ctx, out),
            GroupResponse::Heartbeat(err) => self.on_heartbeat(err, ctx, out),
            GroupResponse::LeaveGroup(_) => {}
            GroupResponse::OffsetCommit(r) => self.on_offset_commit(r, ctx, out),
            GroupResponse::OffsetFetch(r) => self.on_offset_fetch(r, ctx, out),
            GroupResponse::ListOffsets(tp, r) => self.on_list_offsets(tp, r, ctx, out),
        }
    }

    /// A connection broke with a request in flight: a fetch's leader is forgotten (metadata
    /// is refreshed), any other request fails.
    fn on_disconnected(
        &mut self,
        from_broker: Option<BrokerId>,
        request_id: u64,
        ctx: &mut ConsumerCtx,
        out: &mut Out,
    ) {
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
}

/// What a consumer may touch besides itself.
pub struct ConsumerCtx<'a> {
    pub now_ms: u64,
    pub next_request_id: &'a mut u64,
}

/// Updates an offset map without cloning the key when it is already there.
fn set_offset(map: &mut VecMap<TopicPartition, i64>, tp: &TopicPartition, offset: i64) {
    match map.get_mut(tp) {
        Some(v) => *v = offset,
        None => {
            map.insert(tp.clone(), offset);
        }
    }
}

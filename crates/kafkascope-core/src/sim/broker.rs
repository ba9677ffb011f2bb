//! A broker: hosts partition replicas; as leader it appends produced records, answers follower
//! fetches, moves the high watermark, grows and shrinks the ISR and answers acks; as follower it
//! fetches from the leader, truncates by leader epoch and copies. It learns leadership from the
//! controller's metadata updates and keeps its session alive with heartbeats.

use super::sort::{CollectMap, CollectSet};
use super::vec_map::VecMap;
use super::vec_set::VecSet;

use serde::Serialize;

use super::config::BrokerConfig;
use super::coordinator::{GroupCoordinator, OFFSETS_TOPIC};
use super::error::KafkaError;
use super::log::{LogEntry, ProducerStamp};
use super::network::{
    FetchPartition, FetchedPartition, Message, MessageKind, NodeId, Payload, ProduceBatch,
};
use super::producer_state::{last_sequence, BatchMetadata, SequenceCheck};
use super::replica::{DelayedProduce, FollowerState, LeaderState, Replica};
use super::rng::SplitMix64;
use super::trace::{AppendError, TraceKind, TraceLine};
use super::{BrokerId, Out, Timer, TopicPartition};

mod controller_channel;
mod fetcher;
mod metadata_update;
mod replica_manager;

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
    pub replicas: VecMap<TopicPartition, Replica>,
    /// Brokers the metadata this broker has seen says are fenced.
    pub fenced_view: VecSet<BrokerId>,
    pub fetchers: VecMap<BrokerId, Fetcher>,
    pub held_fetches: Vec<HeldFetch>,
    /// Where heartbeats go (KRaft: the active controller; ZooKeeper mode: ZooKeeper).
    pub heartbeat_target: Option<NodeId>,
    /// Where AlterPartition and controlled shutdown go (the active controller), as this broker
    /// last learned it from a message (controller_channel.rs).
    pub controller: Option<NodeId>,
    /// The epoch of `controller` (KRaft quorum epoch / ZooKeeper controller epoch).
    pub controller_epoch: i32,
    /// KRaft: the quorum's voters (`controller.quorum.bootstrap.servers`); empty in ZooKeeper mode.
    pub quorum: Vec<NodeId>,
    /// The voter the next heartbeat asks while no controller is known.
    next_bootstrap: usize,
    /// Heartbeats sent since the last answer.
    unanswered_heartbeats: u32,
    pub shutting_down: bool,
    /// Every partition's leader and epoch as this broker's metadata says (answers Metadata).
    pub leader_image: VecMap<TopicPartition, (Option<BrokerId>, i32)>,
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
            replicas: VecMap::new(),
            fenced_view: VecSet::new(),
            fetchers: VecMap::new(),
            held_fetches: Vec::new(),
            heartbeat_target: None,
            controller: None,
            controller_epoch: -1,
            quorum: Vec::new(),
            next_bootstrap: 0,
            unanswered_heartbeats: 0,
            shutting_down: false,
            leader_image: VecMap::new(),
            metadata_version: 0,
            coordinator: GroupCoordinator::default(),
            next_request_id: 0,
        }
    }

    fn node(&self) -> NodeId {
        NodeId::Broker(self.id)
    }

    pub(crate) fn request_id(&mut self) -> u64 {
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

    /// The process dies (or stops): in-memory state goes, the logs stay on disk. Its sockets
    /// close with it, so every request it held unanswered (long-poll fetches, acks=all produces
    /// and offset commits waiting for the HW, JoinGroup and SyncGroup waiting for the rebalance)
    /// gets a connection reset, as a TCP peer going away gives (unless the link is cut).
    pub fn go_down(&mut self, state: BrokerState, out: &mut Out) {
        let node = self.node();
        let mut reset = |to: NodeId, request_id: u64, kind: MessageKind| {
            out.send(
                node,
                to,
                Payload::Disconnected {
                    request_id,
                    kind,
                    refused: false,
                },
            )
        };
        for h in &self.held_fetches {
            reset(h.from, h.request_id, MessageKind::Fetch);
        }
        for r in self.replicas.values() {
            let delayed = r.leading.iter().flat_map(|l| &l.delayed);
            for d in delayed.filter(|d| d.store_group.is_none()) {
                let kind = match d.commit {
                    Some(_) => MessageKind::OffsetCommit,
                    None => MessageKind::Produce,
                };
                reset(d.from, d.request_id, kind);
            }
        }
        for g in self.coordinator.groups.values() {
            for m in g.members.values() {
                if let Some(request_id) = m.awaiting_join {
                    reset(m.from, request_id, MessageKind::JoinGroup);
                }
                if let Some(request_id) = m.awaiting_sync {
                    reset(m.from, request_id, MessageKind::SyncGroup);
                }
            }
        }
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
        // A new process knows no metadata until the controller sends the image, and no
        // controller until a message names it.
        self.metadata_version = 0;
        self.forget_controller();
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
                controller_epoch,
            } => {
                self.learn_controller(msg.from, controller_epoch);
                // Versions count only without a gap: a missed delta shows in the heartbeat.
                if full || version == self.metadata_version + 1 {
                    self.metadata_version = self.metadata_version.max(version);
                }
                self.on_metadata_update(partitions, fenced, now, cfg, out);
                self.acknowledge_metadata_update(msg.from, out);
            }
            Payload::AlterPartitionResponse { tp, result } => {
                self.on_alter_partition_response(tp, result, now, cfg, out)
            }
            answer @ Payload::BrokerHeartbeatResponse { .. } => {
                self.on_heartbeat_response(answer, out)
            }
            Payload::Metadata { request_id } => self.on_metadata_request(msg.from, request_id, out),
            Payload::Group {
                request_id,
                group,
                body,
            } => self.on_group(msg.from, request_id, group, body, now, cfg, out),
            Payload::Disconnected { request_id, .. } => {
                // A fetch to a dead leader: back off and try again (the leader may come back,
                // or metadata will move us to a new one).
                if let NodeId::Broker(leader) = msg.from {
                    self.fetch_failed(leader, request_id, cfg, out);
                }
            }
            _ => {}
        }
    }

    /// ZooKeeper mode: LeaderAndIsr / UpdateMetadata are requests the controller resends until
    /// answered (KRaft brokers report their version in heartbeats).
    fn acknowledge_metadata_update(&self, controller: NodeId, out: &mut Out) {
        if self.heartbeat_target == Some(NodeId::ZooKeeper) {
            out.send(
                self.node(),
                controller,
                Payload::MetadataUpdateResponse {
                    version: self.metadata_version,
                },
            );
        }
    }

    /// The controller's answer to a heartbeat; during a controlled shutdown, its permission to
    /// stop.
    fn on_heartbeat_response(&mut self, answer: Payload, out: &mut Out) {
        if let Payload::BrokerHeartbeatResponse {
            should_shutdown: true,
            ..
        } = answer
        {
            if self.shutting_down {
                out.trace(
                    self.node(),
                    TraceKind::Broker,
                    format!(
                        "[BrokerServer id={}] Controlled shutdown complete; shutting down",
                        self.id
                    ),
                );
                self.go_down(BrokerState::Stopped, out);
                return;
            }
        }
        self.on_heartbeat_answer(&answer);
    }

    /// A client's MetadataRequest: the leaders this broker's metadata has.
    fn on_metadata_request(&self, from: NodeId, request_id: u64, out: &mut Out) {
        let leaders = self
            .leader_image
            .iter()
            .map(|(tp, &(leader, epoch))| (tp.clone(), leader, epoch))
            .collect();
        let live_brokers = Vec::new();
        out.send(
            self.node(),
            from,
            Payload::MetadataResponse {
                request_id,
                leaders,
                live_brokers,
            },
        );
    }

    /// The follower's fetch to `leader` got no answer (timed out, or the connection broke):
    /// back off and fetch again.
    fn fetch_failed(
        &mut self,
        leader: BrokerId,
        request_id: u64,
        cfg: &BrokerConfig,
        out: &mut Out,
    ) {
        if let Some(f) = self.fetchers.get_mut(&leader) {
            if f.in_flight == Some(request_id) {
                f.in_flight = None;
                self.backoff_fetcher(leader, cfg, out);
            }
        }
    }

    pub fn fire(&mut self, timer: Timer, now: u64, cfg: &BrokerConfig, out: &mut Out) {
        match timer {
            Timer::BrokerHeartbeat { .. } => self.send_heartbeat(cfg, out),
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
            } => self.fetch_failed(leader, request_id, cfg, out),
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
                self.expire_delayed_produce(&tp, request_id, now, out)
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
            Timer::RetentionCheck { .. } => self.check_retention(now, cfg, out),
            _ => {}
        }
    }

    /// The heartbeat to the active controller (ZooKeeper mode: the session ping), and the next
    /// one's timer (every 500 ms at most during a controlled shutdown).
    fn send_heartbeat(&mut self, cfg: &BrokerConfig, out: &mut Out) {
        if let Some(to) = self.heartbeat_destination() {
            self.heartbeat_sent();
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

    /// A produce (or a group's metadata) that waited for replication past its timeout: it
    /// fails with REQUEST_TIMED_OUT.
    fn expire_delayed_produce(
        &mut self,
        tp: &TopicPartition,
        request_id: u64,
        now: u64,
        out: &mut Out,
    ) {
        if let Some(leading) = self.replicas.get_mut(tp).and_then(|r| r.leading.as_mut()) {
            if let Some(i) = leading
                .delayed
                .iter()
                .position(|d| d.request_id == request_id)
            {
                let d = leading.delayed.remove(i).expect("index valid");
                match d.store_group {
                    Some((group, generation)) => self.group_stored(
                        &group,
                        generation,
                        Err(KafkaError::RequestTimedOut),
                        now,
                        out,
                    ),
                    None => out.send(
                        self.node(),
                        d.from,
                        d.reply(tp, Err(KafkaError::RequestTimedOut)),
                    ),
                }
            }
        }
    }

    /// `log.retention.check.interval.ms`: old segments go (UnifiedLog.deleteOldSegments).
    fn check_retention(&mut self, now: u64, cfg: &BrokerConfig, out: &mut Out) {
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
        self.complete_delayed(tp, now, out);
        self.wake_held_fetches(tp, true, now, cfg, out);
        if hw_moved {
            self.wake_held_fetches(tp, false, now, cfg, out);
        }
    }
}

pub(crate) fn join(ids: &[BrokerId]) -> String {
    ids.iter()
        .map(|b| b.to_string())
        .collect::<Vec<_>>()
        .join(",")
}

//! The controller: in KRaft mode a quorum of voters elects an active controller (Raft-style:
//! fetch timeout, randomized backoff, votes, BeginQuorumEpoch); in ZooKeeper mode a ZooKeeper
//! node keeps broker sessions and the first broker to create /controller becomes controller.
//! Either way the active controller owns the metadata: it fences brokers whose session expired,
//! moves leaders on controlled shutdown, elects partition leaders, accepts ISR changes
//! (AlterPartition) and propagates every change to the brokers.

use super::sort::CollectMap;
use super::vec_map::VecMap;
use super::vec_set::VecSet;

use super::broker::join;
use super::config::{ClusterConfig, ControllerMode, FIRST_CONTROLLER_ID};
use super::error::KafkaError;
use super::metadata::{
    elect_leader, isr_without, ClusterMetadata, Election, PartitionRegistration,
};
use super::network::{Message, NodeId, Payload};
use super::rng::SplitMix64;
use super::trace::{ControllerEvent, LeaderElection, TraceKind, TraceLine};
use super::{BrokerId, Out, Timer, TopicPartition};

mod leader_balance;
mod quorum;
mod replication_control;
mod zookeeper;

/// How often the active controller (or ZooKeeper) checks sessions.
const SESSION_CHECK_INTERVAL_MS: u64 = 1_000;

#[derive(Clone, Debug)]
pub struct Voter {
    pub id: i32,
    pub alive: bool,
    pub epoch: i32,
    pub voted_for: Option<i32>,
    pub votes: VecSet<i32>,
}

#[derive(Clone, Debug)]
pub struct Controller {
    pub mode: ControllerMode,
    /// KRaft voters (empty in ZooKeeper mode).
    pub voters: Vec<Voter>,
    /// KRaft: the active controller's node id; ZooKeeper mode: the controller broker.
    pub active: Option<i32>,
    /// KRaft quorum epoch / ZooKeeper controller epoch.
    pub epoch: i32,
    /// ZooKeeper mode: ZooKeeper's live sessions (/brokers/ids) and their last ping.
    pub zk_sessions: VecMap<BrokerId, u64>,
    /// The broker process incarnation each registration belongs to (KRaft: the registered
    /// incarnation id; ZooKeeper mode: the process that owns the session). A restarted process
    /// cannot take over while the previous one's session lives.
    pub registered_incarnation: VecMap<BrokerId, u32>,
    /// ZooKeeper mode: per broker, the metadata updates sent and not yet answered (version,
    /// sent at), oldest first: the controller resends them (`zookeeper::ChannelManager`).
    pub unanswered_updates: VecMap<BrokerId, std::collections::VecDeque<(u64, u64)>>,
    /// KRaft: a preferred-leader check is pending (leader_balance.rs).
    pub balance_scheduled: bool,
}

/// What the controller may touch while handling an event.
pub struct Ctx<'a> {
    pub now_ms: u64,
    pub config: &'a ClusterConfig,
    pub metadata: &'a mut ClusterMetadata,
    pub rng: &'a mut SplitMix64,
}

/// Requests handled by the controller logic even when addressed to a broker (ZooKeeper mode's
/// controller broker, and every broker's ZooKeeper client).
pub fn is_controller_request(p: &Payload) -> bool {
    matches!(
        p,
        Payload::AlterPartition { .. }
            | Payload::BrokerHeartbeat { .. }
            | Payload::ZkWatch { .. }
            | Payload::ZkCreateController { .. }
            | Payload::ZkControllerElected { .. }
            | Payload::MetadataUpdateResponse { .. }
            | Payload::Vote { .. }
            | Payload::VoteResponse { .. }
            | Payload::BeginQuorumEpoch { .. }
    )
}

impl Controller {
    pub fn new(config: &ClusterConfig) -> Self {
        let voters = match config.mode {
            ControllerMode::Kraft => (0..config.controllers as i32)
                .map(|i| Voter {
                    id: FIRST_CONTROLLER_ID + i,
                    alive: true,
                    epoch: 1,
                    voted_for: None,
                    votes: VecSet::new(),
                })
                .collect(),
            ControllerMode::Zookeeper => Vec::new(),
        };
        Self {
            mode: config.mode,
            voters,
            active: None,
            epoch: 0,
            zk_sessions: VecMap::new(),
            registered_incarnation: (1..=config.brokers as BrokerId)
                .map(|b| (b, 0))
                .collect_map(),
            unanswered_updates: VecMap::new(),
            balance_scheduled: false,
        }
    }

    /// A formed cluster: the first voter (or broker 1) is controller at epoch 1.
    pub fn bootstrap(&mut self, config: &ClusterConfig, out: &mut Out) {
        match self.mode {
            ControllerMode::Kraft => {
                self.active = Some(FIRST_CONTROLLER_ID);
                self.epoch = 1;
                out.event(
                    NodeId::Controller(FIRST_CONTROLLER_ID),
                    TraceLine::Controller(ControllerEvent::RaftLeaderElected {
                        controller: FIRST_CONTROLLER_ID,
                        epoch: 1,
                        voters: Some(config.controllers),
                    }),
                );
            }
            ControllerMode::Zookeeper => {
                self.zk_sessions = (1..=config.brokers as BrokerId)
                    .map(|b| (b, 0))
                    .collect_map();
                self.active = Some(1);
                self.epoch = 1;
                out.event(
                    NodeId::Broker(1),
                    TraceLine::Controller(ControllerEvent::ZkControllerElected {
                        controller: 1,
                        epoch: 1,
                    }),
                );
            }
        }
        out.timer(SESSION_CHECK_INTERVAL_MS, Timer::SessionCheck);
        self.schedule_zk_leader_balance(config, out);
    }

    pub fn voter_alive(&self, id: i32) -> bool {
        self.voters.iter().any(|v| v.id == id && v.alive)
    }

    /// The node that acts as controller now, if any.
    pub fn active_node(&self) -> Option<NodeId> {
        self.active.map(|id| match self.mode {
            ControllerMode::Kraft => NodeId::Controller(id),
            ControllerMode::Zookeeper => NodeId::Broker(id),
        })
    }

    /// KRaft: the voters a broker is configured with (`controller.quorum.bootstrap.servers`);
    /// none in ZooKeeper mode.
    pub fn quorum_nodes(&self) -> Vec<NodeId> {
        match self.mode {
            ControllerMode::Kraft => self
                .voters
                .iter()
                .map(|v| NodeId::Controller(v.id))
                .collect(),
            ControllerMode::Zookeeper => Vec::new(),
        }
    }

    /// Where a broker of a formed cluster sends its heartbeats.
    pub fn heartbeat_target(&self) -> Option<NodeId> {
        match self.mode {
            ControllerMode::Kraft => self.active_node(),
            ControllerMode::Zookeeper => Some(NodeId::ZooKeeper),
        }
    }

    fn session_timeout(&self, config: &ClusterConfig) -> u64 {
        match self.mode {
            ControllerMode::Kraft => config.broker.broker_session_timeout_ms,
            ControllerMode::Zookeeper => config.broker.zookeeper_session_timeout_ms,
        }
    }

    pub fn handle(&mut self, msg: Message, ctx: &mut Ctx, out: &mut Out) {
        let to_active = Some(msg.to) == self.active_node();
        match msg.payload {
            Payload::BrokerHeartbeat {
                broker,
                incarnation,
                want_shutdown,
                metadata_version,
            } => {
                if msg.to == NodeId::ZooKeeper {
                    self.zk_ping(broker, incarnation, ctx, out);
                } else if !to_active {
                    self.not_controller(msg.to, msg.from, out);
                } else {
                    if self.mode == ControllerMode::Kraft
                        && !self.kraft_registration(broker, incarnation, ctx, out)
                    {
                        return;
                    }
                    self.on_heartbeat(msg.from, broker, want_shutdown, ctx, out);
                    // A broker that missed an update (lost to a network fault) catches up.
                    let live = ctx.metadata.brokers.get(&broker).is_some_and(|r| !r.fenced);
                    if live && metadata_version < ctx.metadata.version {
                        self.send_full_image(msg.from, ctx, out);
                    }
                }
            }
            Payload::AlterPartition {
                tp,
                leader_epoch,
                partition_epoch,
                new_isr,
            } => {
                let result = if to_active {
                    self.alter_partition(
                        msg.from,
                        &tp,
                        leader_epoch,
                        partition_epoch,
                        new_isr,
                        ctx,
                        out,
                    )
                } else {
                    Err(KafkaError::NotController)
                };
                out.send(
                    msg.to,
                    msg.from,
                    Payload::AlterPartitionResponse { tp, result },
                );
            }
            Payload::ZkWatch { .. }
            | Payload::ZkCreateController { .. }
            | Payload::ZkControllerElected { .. } => self.on_zookeeper(msg, to_active, ctx, out),
            Payload::MetadataUpdateResponse { version } => {
                if let (true, NodeId::Broker(b)) = (to_active, msg.from) {
                    self.channel_answered(b, version);
                }
            }
            Payload::Vote { .. }
            | Payload::VoteResponse { .. }
            | Payload::BeginQuorumEpoch { .. } => self.on_quorum(msg, ctx, out),
            _ => {}
        }
    }

    pub fn fire(&mut self, timer: Timer, ctx: &mut Ctx, out: &mut Out) {
        match timer {
            Timer::SessionCheck => {
                self.check_sessions(ctx, out);
                out.timer(SESSION_CHECK_INTERVAL_MS, Timer::SessionCheck);
            }
            Timer::QuorumElection { voter, epoch } => {
                self.on_quorum_election(voter, epoch, ctx, out)
            }
            Timer::LeaderBalance { epoch } => self.on_leader_balance(epoch, ctx, out),
            _ => {}
        }
    }

    /// A heartbeat that reached a controller (or, in ZooKeeper mode, a broker) that is not the
    /// active one: NOT_CONTROLLER, naming the active controller it knows.
    fn not_controller(&self, me: NodeId, to: NodeId, out: &mut Out) {
        out.send(
            me,
            to,
            Payload::BrokerHeartbeatResponse {
                fenced: false,
                should_shutdown: false,
                not_controller: true,
                leader: self.active_node().map(|n| (n, self.epoch)),
            },
        );
    }

    fn on_heartbeat(
        &mut self,
        from: NodeId,
        broker: BrokerId,
        want_shutdown: bool,
        ctx: &mut Ctx,
        out: &mut Out,
    ) {
        let Some(me) = self.active_node() else { return };
        let Some(r) = ctx.metadata.brokers.get_mut(&broker) else {
            return;
        };
        r.last_heard_ms = ctx.now_ms;
        if want_shutdown {
            if !r.in_controlled_shutdown {
                self.controlled_shutdown(broker, ctx, out);
            }
            out.send(
                me,
                from,
                Payload::BrokerHeartbeatResponse {
                    fenced: true,
                    should_shutdown: true,
                    not_controller: false,
                    leader: None,
                },
            );
            return;
        }
        if r.fenced || r.in_controlled_shutdown {
            self.unfence(broker, ctx, out);
        }
        out.send(
            me,
            from,
            Payload::BrokerHeartbeatResponse {
                fenced: false,
                should_shutdown: false,
                not_controller: false,
                leader: None,
            },
        );
    }

    fn check_sessions(&mut self, ctx: &mut Ctx, out: &mut Out) {
        let timeout = self.session_timeout(ctx.config);
        // KRaft: only an active controller tracks sessions. ZooKeeper tracks them always.
        if self.mode == ControllerMode::Kraft && self.active.is_none() {
            return;
        }
        match self.mode {
            ControllerMode::Kraft => {
                let expired: Vec<BrokerId> = ctx
                    .metadata
                    .brokers
                    .iter()
                    .filter(|(_, r)| {
                        !r.fenced && ctx.now_ms.saturating_sub(r.last_heard_ms) > timeout
                    })
                    .map(|(&b, _)| b)
                    .collect();
                for b in expired {
                    self.fence(b, ctx, out, "session timed out");
                }
            }
            ControllerMode::Zookeeper => {
                let expired: Vec<BrokerId> = self
                    .zk_sessions
                    .iter()
                    .filter(|(_, &last)| ctx.now_ms.saturating_sub(last) > timeout)
                    .map(|(&b, _)| b)
                    .collect();
                for b in expired {
                    self.zk_session_closed(b, ctx, out);
                }
            }
        }
    }

    fn fenced_list(ctx: &Ctx) -> Vec<BrokerId> {
        ctx.metadata
            .brokers
            .iter()
            .filter(|(_, r)| r.fenced)
            .map(|(&b, _)| b)
            .collect()
    }

    /// Propagates changed partitions to every broker (metadata records / LeaderAndIsr).
    pub fn broadcast(&mut self, changed: Vec<TopicPartition>, ctx: &mut Ctx, out: &mut Out) {
        self.broadcast_changes(changed, false, ctx, out)
    }

    /// Like `broadcast`, but also sent when only the set of fenced brokers changed (brokers
    /// must learn it: leaders add a follower to the ISR only once it is unfenced).
    fn broadcast_changes(
        &mut self,
        changed: Vec<TopicPartition>,
        fencing_changed: bool,
        ctx: &mut Ctx,
        out: &mut Out,
    ) {
        if changed.is_empty() && !fencing_changed {
            return;
        }
        let Some(me) = self.active_node() else { return };
        let partitions: Vec<_> = changed
            .iter()
            .filter_map(|tp| {
                let t = ctx.metadata.topics.get(&tp.topic)?;
                Some((
                    tp.clone(),
                    t.partitions[tp.partition as usize].clone(),
                    t.config.clone(),
                ))
            })
            .collect();
        let fenced = Self::fenced_list(ctx);
        ctx.metadata.version += 1;
        for &b in ctx.metadata.brokers.keys() {
            self.channel_sent(b, ctx.metadata.version, false, ctx.now_ms);
            out.send(
                me,
                NodeId::Broker(b),
                Payload::MetadataUpdate {
                    partitions: partitions.clone(),
                    fenced: fenced.clone(),
                    version: ctx.metadata.version,
                    full: false,
                    controller_epoch: self.epoch,
                },
            );
        }
        self.maybe_schedule_leader_balance(ctx, out);
    }

    pub fn broadcast_all(&mut self, ctx: &mut Ctx, out: &mut Out) {
        let all: Vec<TopicPartition> = ctx
            .metadata
            .topics
            .values()
            .flat_map(|t| {
                (0..t.partitions.len() as i32).map(|i| TopicPartition::new(t.name.clone(), i))
            })
            .collect();
        self.broadcast(all, ctx, out);
    }

    pub(crate) fn send_full_image(&mut self, to: NodeId, ctx: &mut Ctx, out: &mut Out) {
        let Some(me) = self.active_node() else { return };
        let partitions: Vec<_> = ctx
            .metadata
            .topics
            .values()
            .flat_map(|t| {
                t.partitions.iter().enumerate().map(|(i, p)| {
                    (
                        TopicPartition::new(t.name.clone(), i as i32),
                        p.clone(),
                        t.config.clone(),
                    )
                })
            })
            .collect();
        let fenced = Self::fenced_list(ctx);
        let version = ctx.metadata.version;
        if let NodeId::Broker(b) = to {
            self.channel_sent(b, version, true, ctx.now_ms);
        }
        out.send(
            me,
            to,
            Payload::MetadataUpdate {
                partitions,
                fenced,
                version,
                full: true,
                controller_epoch: self.epoch,
            },
        );
    }
}

//! The controller: in KRaft mode a quorum of voters elects an active controller (Raft-style:
//! fetch timeout, randomized backoff, votes, BeginQuorumEpoch); in ZooKeeper mode a ZooKeeper
//! node keeps broker sessions and the first broker to create /controller becomes controller.
//! Either way the active controller owns the metadata: it fences brokers whose session expired,
//! moves leaders on controlled shutdown, elects partition leaders, accepts ISR changes
//! (AlterPartition) and propagates every change to the brokers.

use std::collections::{BTreeMap, BTreeSet};

use super::broker::join;
use super::config::{ClusterConfig, ControllerMode, FIRST_CONTROLLER_ID};
use super::error::KafkaError;
use super::metadata::{
    elect_leader, isr_without, ClusterMetadata, Election, PartitionRegistration,
};
use super::network::{Message, NodeId, Payload};
use super::rng::SplitMix64;
use super::trace::TraceKind;
use super::{BrokerId, Out, Timer, TopicPartition};

/// How often the active controller (or ZooKeeper) checks sessions.
const SESSION_CHECK_INTERVAL_MS: u64 = 1_000;

#[derive(Clone, Debug)]
pub struct Voter {
    pub id: i32,
    pub alive: bool,
    pub epoch: i32,
    pub voted_for: Option<i32>,
    pub votes: BTreeSet<i32>,
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
    pub zk_sessions: BTreeMap<BrokerId, u64>,
    /// The broker process incarnation each registration belongs to (KRaft: the registered
    /// incarnation id; ZooKeeper mode: the process that owns the session). A restarted process
    /// cannot take over while the previous one's session lives.
    pub registered_incarnation: BTreeMap<BrokerId, u32>,
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
            | Payload::Vote { .. }
            | Payload::VoteResponse { .. }
            | Payload::BeginQuorumEpoch { .. }
    )
}

/// When a voter stands for election: the fetch timeout (it stopped hearing from the leader)
/// plus a random backoff up to `controller.quorum.election.backoff.max.ms`.
fn election_delay(ctx: &mut Ctx) -> u64 {
    let b = &ctx.config.broker;
    b.controller_quorum_fetch_timeout_ms
        + ctx
            .rng
            .below(b.controller_quorum_election_backoff_max_ms.max(1))
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
                    votes: BTreeSet::new(),
                })
                .collect(),
            ControllerMode::Zookeeper => Vec::new(),
        };
        Self {
            mode: config.mode,
            voters,
            active: None,
            epoch: 0,
            zk_sessions: BTreeMap::new(),
            registered_incarnation: (1..=config.brokers as BrokerId).map(|b| (b, 0)).collect(),
        }
    }

    /// A formed cluster: the first voter (or broker 1) is controller at epoch 1.
    pub fn bootstrap(&mut self, config: &ClusterConfig, out: &mut Out) {
        match self.mode {
            ControllerMode::Kraft => {
                self.active = Some(FIRST_CONTROLLER_ID);
                self.epoch = 1;
                out.trace(
                    NodeId::Controller(FIRST_CONTROLLER_ID),
                    TraceKind::Controller,
                    format!(
                        "[RaftManager id={FIRST_CONTROLLER_ID}] Completed transition to Leader(localId={FIRST_CONTROLLER_ID}, epoch=1) with {} voter(s)",
                        config.controllers
                    ),
                );
            }
            ControllerMode::Zookeeper => {
                self.zk_sessions = (1..=config.brokers as BrokerId).map(|b| (b, 0)).collect();
                self.active = Some(1);
                self.epoch = 1;
                out.trace(
                    NodeId::Broker(1),
                    TraceKind::Controller,
                    "[Controller id=1] 1 successfully elected as the controller. Epoch incremented to 1".into(),
                );
            }
        }
        out.timer(SESSION_CHECK_INTERVAL_MS, Timer::SessionCheck);
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

    /// Where a broker sends its heartbeats.
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
                } else if to_active {
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
            Payload::ZkWatch {
                broker_change,
                controller_gone,
            } => {
                let NodeId::Broker(me) = msg.to else { return };
                if controller_gone && self.active.is_none() {
                    out.send(
                        msg.to,
                        NodeId::ZooKeeper,
                        Payload::ZkCreateController { broker: me },
                    );
                }
                if let (Some((broker, alive)), true) = (broker_change, to_active) {
                    if alive {
                        self.unfence(broker, ctx, out);
                    } else {
                        self.fence(broker, ctx, out, "session expired");
                    }
                }
            }
            Payload::ZkCreateController { broker }
                // ZooKeeper: the first create of the ephemeral /controller znode wins.
                if self.active.is_none() && self.zk_sessions.contains_key(&broker) => {
                    self.active = Some(broker);
                    self.epoch += 1;
                    for &b in self.zk_sessions.keys() {
                        out.send(
                            NodeId::ZooKeeper,
                            NodeId::Broker(b),
                            Payload::ZkControllerElected {
                                controller: broker,
                                epoch: self.epoch,
                            },
                        );
                    }
                }
            Payload::ZkControllerElected { controller, epoch }
                if msg.to == NodeId::Broker(controller) && self.active == Some(controller) => {
                    out.trace(
                        msg.to,
                        TraceKind::Controller,
                        format!("[Controller id={controller}] {controller} successfully elected as the controller. Epoch incremented to {epoch}"),
                    );
                    // onControllerFailover: read the live brokers from ZooKeeper, fail the
                    // missing ones, then send everyone the full state.
                    let registered: Vec<BrokerId> = ctx.metadata.brokers.keys().copied().collect();
                    for b in registered {
                        if self.zk_sessions.contains_key(&b) {
                            // A new controller starts from a fresh context: no broker is
                            // shutting down until it asks this controller
                            // (ControllerContext.resetContext clears shuttingDownBrokerIds).
                            let r = ctx.metadata.brokers.get_mut(&b).expect("listed");
                            r.fenced = false;
                            r.in_controlled_shutdown = false;
                        } else {
                            self.fence(b, ctx, out, "not registered in ZooKeeper");
                        }
                    }
                    self.elect_offline(ctx, out);
                    self.broadcast_all(ctx, out);
                }
            Payload::Vote { epoch } => {
                let NodeId::Controller(me) = msg.to else {
                    return;
                };
                let NodeId::Controller(candidate) = msg.from else {
                    return;
                };
                let Some(v) = self.voters.iter_mut().find(|v| v.id == me) else {
                    return;
                };
                let granted = epoch > v.epoch
                    || (epoch == v.epoch && v.voted_for.is_none_or(|c| c == candidate));
                if granted {
                    v.epoch = epoch;
                    v.voted_for = Some(candidate);
                }
                out.send(msg.to, msg.from, Payload::VoteResponse { epoch, granted });
            }
            Payload::VoteResponse { epoch, granted } => {
                let (NodeId::Controller(me), NodeId::Controller(voter)) = (msg.to, msg.from) else {
                    return;
                };
                let majority = self.voters.len() / 2 + 1;
                let Some(v) = self.voters.iter_mut().find(|v| v.id == me) else {
                    return;
                };
                if !granted || epoch != v.epoch || v.voted_for != Some(me) || self.active.is_some()
                {
                    return;
                }
                v.votes.insert(voter);
                if v.votes.len() >= majority {
                    self.become_active(me, epoch, ctx, out);
                }
            }
            Payload::BeginQuorumEpoch { epoch, leader } => {
                let NodeId::Controller(me) = msg.to else {
                    return;
                };
                if let Some(v) = self.voters.iter_mut().find(|v| v.id == me) {
                    if epoch >= v.epoch {
                        v.epoch = epoch;
                        v.voted_for = Some(leader);
                    }
                }
            }
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
                if self.active.is_some() {
                    return;
                }
                let Some(v) = self.voters.iter_mut().find(|v| v.id == voter && v.alive) else {
                    return;
                };
                if v.epoch != epoch {
                    return; // someone else's election moved on; its own timer covers a failure
                }
                // Become candidate: bump the epoch, vote for ourselves, ask the others.
                v.epoch += 1;
                v.voted_for = Some(voter);
                v.votes = BTreeSet::from([voter]);
                let new_epoch = v.epoch;
                out.trace(
                    NodeId::Controller(voter),
                    TraceKind::Controller,
                    format!("[RaftManager id={voter}] Completed transition to CandidateState(localId={voter}, epoch={new_epoch})"),
                );
                let others: Vec<i32> = self
                    .voters
                    .iter()
                    .map(|v| v.id)
                    .filter(|&id| id != voter)
                    .collect();
                for o in others {
                    out.send(
                        NodeId::Controller(voter),
                        NodeId::Controller(o),
                        Payload::Vote { epoch: new_epoch },
                    );
                }
                if self.voters.len() == 1 {
                    self.become_active(voter, new_epoch, ctx, out);
                    return;
                }
                // If the vote fails (no majority alive), try again later.
                let delay = election_delay(ctx);
                out.timer(
                    delay,
                    Timer::QuorumElection {
                        voter,
                        epoch: new_epoch,
                    },
                );
            }
            _ => {}
        }
    }

    fn become_active(&mut self, id: i32, epoch: i32, ctx: &mut Ctx, out: &mut Out) {
        self.active = Some(id);
        self.epoch = epoch;
        out.trace(
            NodeId::Controller(id),
            TraceKind::Controller,
            format!(
                "[RaftManager id={id}] Completed transition to Leader(localId={id}, epoch={epoch})"
            ),
        );
        for v in self.voters.iter().filter(|v| v.id != id) {
            out.send(
                NodeId::Controller(id),
                NodeId::Controller(v.id),
                Payload::BeginQuorumEpoch { epoch, leader: id },
            );
        }
        // A new active controller starts every broker's session afresh.
        for r in ctx.metadata.brokers.values_mut() {
            r.last_heard_ms = ctx.now_ms;
        }
    }

    /// KRaft: a voter process dies or comes back.
    pub fn set_voter_alive(&mut self, id: i32, alive: bool, ctx: &mut Ctx, out: &mut Out) {
        let Some(v) = self.voters.iter_mut().find(|v| v.id == id) else {
            return;
        };
        v.alive = alive;
        if !alive && self.active == Some(id) {
            self.active = None;
            out.trace(
                NodeId::Controller(id),
                TraceKind::Controller,
                format!("[RaftManager id={id}] active controller {id} is gone"),
            );
        }
        match self.active {
            None => self.schedule_elections(ctx, out),
            Some(leader) if alive => {
                // A returning voter learns the current leader (it fetches from it).
                let epoch = self.epoch;
                if let Some(v) = self.voters.iter_mut().find(|v| v.id == id) {
                    v.epoch = epoch;
                    v.voted_for = Some(leader);
                }
            }
            Some(_) => {}
        }
    }

    /// Every live voter notices the missing leader after the fetch timeout, then waits a random
    /// backoff before standing: the first to stand usually wins.
    fn schedule_elections(&mut self, ctx: &mut Ctx, out: &mut Out) {
        for v in self.voters.iter().filter(|v| v.alive) {
            let delay = election_delay(ctx);
            out.timer(
                delay,
                Timer::QuorumElection {
                    voter: v.id,
                    epoch: v.epoch,
                },
            );
        }
    }

    /// KRaft `ClusterControlManager.registerBroker`: a heartbeat from a new process incarnation
    /// is a new registration. While the previous incarnation's registration is live (unfenced:
    /// its session has not timed out) it is refused (DUPLICATE_BROKER_REGISTRATION) and the new
    /// process retries; once the old one is fenced the new one registers and is unfenced with
    /// the whole metadata image. Returns whether the heartbeat goes on to be handled.
    fn kraft_registration(
        &mut self,
        broker: BrokerId,
        incarnation: u32,
        ctx: &mut Ctx,
        out: &mut Out,
    ) -> bool {
        let Some(r) = ctx.metadata.brokers.get(&broker) else {
            return true;
        };
        match self.registered_incarnation.get(&broker) {
            Some(&i) if i == incarnation => true,
            Some(_) if !r.fenced => {
                if let Some(me) = self.active_node() {
                    out.trace(
                        me,
                        TraceKind::Controller,
                        format!("Broker {broker} registration refused: DUPLICATE_BROKER_REGISTRATION (the previous broker {broker} process is still registered until its session times out)"),
                    );
                }
                false
            }
            _ => {
                self.registered_incarnation.insert(broker, incarnation);
                true
            }
        }
    }

    /// ZooKeeper: a broker's session starts (first ping after a restart) or pings. A restarted
    /// process cannot register /brokers/ids/N while the previous process's session still holds
    /// it (NodeExists): its pings go unanswered until that session expires.
    fn zk_ping(&mut self, broker: BrokerId, incarnation: u32, ctx: &mut Ctx, out: &mut Out) {
        if self.zk_sessions.contains_key(&broker)
            && self.registered_incarnation.get(&broker) != Some(&incarnation)
        {
            return;
        }
        self.registered_incarnation.insert(broker, incarnation);
        let new_session = self.zk_sessions.insert(broker, ctx.now_ms).is_none();
        if !new_session {
            return;
        }
        out.trace(
            NodeId::ZooKeeper,
            TraceKind::Controller,
            format!("[ZooKeeper] broker {broker} registered at /brokers/ids/{broker}"),
        );
        match self.active_node() {
            // The controller's watch on /brokers/ids fires.
            Some(c) => out.send(
                NodeId::ZooKeeper,
                c,
                Payload::ZkWatch {
                    broker_change: Some((broker, true)),
                    controller_gone: false,
                },
            ),
            // No controller: the new broker tries to become it.
            None => out.send(
                NodeId::ZooKeeper,
                NodeId::Broker(broker),
                Payload::ZkWatch {
                    broker_change: None,
                    controller_gone: true,
                },
            ),
        }
    }

    /// ZooKeeper mode: a broker's session ended (expired, or closed by a clean shutdown). Its
    /// ephemeral znodes go; if it was the controller, every live broker races for /controller.
    pub fn zk_session_closed(&mut self, broker: BrokerId, ctx: &mut Ctx, out: &mut Out) {
        if self.zk_sessions.remove(&broker).is_none() {
            return;
        }
        let _ = ctx;
        out.trace(
            NodeId::ZooKeeper,
            TraceKind::Controller,
            format!("[ZooKeeper] session of broker {broker} closed; /brokers/ids/{broker} deleted"),
        );
        if self.active == Some(broker) {
            self.active = None;
            for &b in self.zk_sessions.keys() {
                out.send(
                    NodeId::ZooKeeper,
                    NodeId::Broker(b),
                    Payload::ZkWatch {
                        broker_change: None,
                        controller_gone: true,
                    },
                );
            }
        } else if let Some(c) = self.active_node() {
            out.send(
                NodeId::ZooKeeper,
                c,
                Payload::ZkWatch {
                    broker_change: Some((broker, false)),
                    controller_gone: false,
                },
            );
        }
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

    /// The broker leaves the live set: out of every ISR (never emptying one), leaders re-elected.
    pub fn fence(&mut self, broker: BrokerId, ctx: &mut Ctx, out: &mut Out, why: &str) {
        let Some(r) = ctx.metadata.brokers.get_mut(&broker) else {
            return;
        };
        let was_fenced = r.fenced;
        r.fenced = true;
        if !was_fenced {
            if let Some(me) = self.active_node() {
                out.trace(
                    me,
                    TraceKind::Controller,
                    format!("Fencing broker {broker}: {why}"),
                );
            }
        }
        self.reelect_without(broker, ctx, out);
        if !was_fenced {
            self.broadcast_changes(Vec::new(), true, ctx, out);
        }
    }

    fn controlled_shutdown(&mut self, broker: BrokerId, ctx: &mut Ctx, out: &mut Out) {
        if let Some(r) = ctx.metadata.brokers.get_mut(&broker) {
            r.in_controlled_shutdown = true;
        }
        if let Some(me) = self.active_node() {
            out.trace(
                me,
                TraceKind::Controller,
                format!("Broker {broker} requested controlled shutdown; moving its leaderships"),
            );
        }
        self.reelect_without(broker, ctx, out);
        if let Some(r) = ctx.metadata.brokers.get_mut(&broker) {
            r.fenced = true;
        }
        self.broadcast_all(ctx, out);
    }

    fn reelect_without(&mut self, broker: BrokerId, ctx: &mut Ctx, out: &mut Out) {
        let mut changed = Vec::new();
        let metadata = &*ctx.metadata;
        let mut updates = Vec::new();
        for (name, topic) in &metadata.topics {
            for (i, p) in topic.partitions.iter().enumerate() {
                if !p.isr.contains(&broker) && p.leader != Some(broker) {
                    continue;
                }
                let isr = isr_without(&p.isr, broker);
                let (leader, isr, how) = elect_leader(
                    &p.replicas,
                    &isr,
                    p.leader.filter(|&l| l != broker),
                    topic.config.unclean_leader_election_enable,
                    |b| b != broker && metadata.is_acceptable(b),
                );
                updates.push((name.clone(), i, leader, isr, how));
            }
        }
        for (name, i, leader, isr, how) in updates {
            if let Some(tp) = self.apply_change(&name, i, leader, isr, how, ctx, out) {
                changed.push(tp);
            }
        }
        self.broadcast(changed, ctx, out);
    }

    fn unfence(&mut self, broker: BrokerId, ctx: &mut Ctx, out: &mut Out) {
        let Some(r) = ctx.metadata.brokers.get_mut(&broker) else {
            return;
        };
        r.fenced = false;
        r.in_controlled_shutdown = false;
        r.last_heard_ms = ctx.now_ms;
        if let Some(me) = self.active_node() {
            out.trace(
                me,
                TraceKind::Controller,
                format!("Broker {broker} registered and unfenced"),
            );
        }
        // The returning broker gets the whole image first; everyone learns it is unfenced.
        self.send_full_image(NodeId::Broker(broker), ctx, out);
        self.broadcast_changes(Vec::new(), true, ctx, out);
        self.elect_offline(ctx, out);
    }

    /// Elects leaders for leaderless partitions now that a broker is back (clean from the ISR,
    /// or unclean where the topic allows it).
    pub fn elect_offline(&mut self, ctx: &mut Ctx, out: &mut Out) {
        let metadata = &*ctx.metadata;
        let mut updates = Vec::new();
        for (name, topic) in &metadata.topics {
            for (i, p) in topic.partitions.iter().enumerate() {
                if p.leader.is_some() {
                    continue;
                }
                let (leader, isr, how) = elect_leader(
                    &p.replicas,
                    &p.isr,
                    None,
                    topic.config.unclean_leader_election_enable,
                    |b| metadata.is_acceptable(b),
                );
                if leader.is_some() {
                    updates.push((name.clone(), i, leader, isr, how));
                }
            }
        }
        let mut changed = Vec::new();
        for (name, i, leader, isr, how) in updates {
            if let Some(tp) = self.apply_change(&name, i, leader, isr, how, ctx, out) {
                changed.push(tp);
            }
        }
        self.broadcast(changed, ctx, out);
    }

    #[allow(clippy::too_many_arguments)]
    fn apply_change(
        &mut self,
        topic: &str,
        partition: usize,
        leader: Option<BrokerId>,
        isr: Vec<BrokerId>,
        how: Election,
        ctx: &mut Ctx,
        out: &mut Out,
    ) -> Option<TopicPartition> {
        let me = self.active_node()?;
        let p = &mut ctx.metadata.topics.get_mut(topic)?.partitions[partition];
        if p.leader == leader && p.isr == isr {
            return None;
        }
        let tp = TopicPartition::new(topic, partition as i32);
        if p.leader != leader {
            p.leader_epoch += 1;
            let text = match (leader, how) {
                (Some(l), Election::Unclean) => format!(
                    "UNCLEAN leader election for {tp}: broker {l} (not in the ISR [{}]) is now leader at epoch {}; records it does not have are lost",
                    join(&p.isr),
                    p.leader_epoch
                ),
                (Some(l), Election::Online) => format!(
                    "Elected broker {l} as leader of {tp} at epoch {} (ISR [{}])",
                    p.leader_epoch,
                    join(&isr)
                ),
                (None, _) => format!(
                    "{tp} is offline: no live replica in the ISR [{}] (unclean.leader.election.enable=false); leader -1 at epoch {}",
                    join(&isr),
                    p.leader_epoch
                ),
            };
            out.trace(me, TraceKind::Election, text);
        }
        p.leader = leader;
        p.isr = isr;
        p.partition_epoch += 1;
        Some(tp)
    }

    #[allow(clippy::too_many_arguments)]
    fn alter_partition(
        &mut self,
        from: NodeId,
        tp: &TopicPartition,
        leader_epoch: i32,
        partition_epoch: i32,
        new_isr: Vec<BrokerId>,
        ctx: &mut Ctx,
        out: &mut Out,
    ) -> Result<PartitionRegistration, KafkaError> {
        let me = self.active_node().ok_or(KafkaError::NotController)?;
        let metadata = &*ctx.metadata;
        let topic = metadata
            .topics
            .get(&tp.topic)
            .ok_or(KafkaError::UnknownTopicOrPartition)?;
        let p = topic
            .partitions
            .get(tp.partition as usize)
            .ok_or(KafkaError::UnknownTopicOrPartition)?;
        if from != NodeId::Broker(p.leader.unwrap_or(-1)) || leader_epoch != p.leader_epoch {
            return Err(KafkaError::FencedLeaderEpoch);
        }
        if partition_epoch != p.partition_epoch {
            return Err(KafkaError::InvalidUpdateVersion);
        }
        if new_isr
            .iter()
            .any(|&b| !p.isr.contains(&b) && !metadata.is_acceptable(b))
        {
            return Err(KafkaError::IneligibleReplica);
        }
        let p = &mut ctx
            .metadata
            .topics
            .get_mut(&tp.topic)
            .expect("checked")
            .partitions[tp.partition as usize];
        out.trace(
            me,
            TraceKind::Isr,
            format!(
                "ISR of {tp} changed from [{}] to [{}] (partition epoch {})",
                join(&p.isr),
                join(&new_isr),
                p.partition_epoch + 1
            ),
        );
        p.isr = new_isr;
        p.partition_epoch += 1;
        let reg = p.clone();
        self.broadcast(vec![tp.clone()], ctx, out);
        Ok(reg)
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
            out.send(
                me,
                NodeId::Broker(b),
                Payload::MetadataUpdate {
                    partitions: partitions.clone(),
                    fenced: fenced.clone(),
                    version: ctx.metadata.version,
                    full: false,
                },
            );
        }
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

    fn send_full_image(&mut self, to: NodeId, ctx: &mut Ctx, out: &mut Out) {
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
        out.send(
            me,
            to,
            Payload::MetadataUpdate {
                partitions,
                fenced,
                version,
                full: true,
            },
        );
    }
}

//! KRaft mode: the controller quorum (Raft-style: fetch timeout, randomized backoff, votes,
//! BeginQuorumEpoch) and broker registrations by process incarnation.

use super::*;
use crate::sim::vec_set::VecSet;

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
    /// Votes and the new leader's BeginQuorumEpoch, as they reach a voter.
    pub(super) fn on_quorum(&mut self, msg: Message, ctx: &mut Ctx, out: &mut Out) {
        match msg.payload {
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

    /// A voter stopped hearing from the leader: it stands for election in `epoch + 1`.
    pub(super) fn on_quorum_election(
        &mut self,
        voter: i32,
        epoch: i32,
        ctx: &mut Ctx,
        out: &mut Out,
    ) {
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
        v.votes = VecSet::from([voter]);
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

    pub(super) fn become_active(&mut self, id: i32, epoch: i32, ctx: &mut Ctx, out: &mut Out) {
        self.active = Some(id);
        self.epoch = epoch;
        out.event(
            NodeId::Controller(id),
            TraceLine::Controller(ControllerEvent::RaftLeaderElected {
                controller: id,
                epoch,
                voters: None,
            }),
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
        // Brokers observe the metadata log: the new leader's first records reach each of them,
        // which is how they learn who leads now (broker/controller_channel.rs).
        let brokers: Vec<BrokerId> = ctx.metadata.brokers.keys().copied().collect();
        for b in brokers {
            self.send_full_image(NodeId::Broker(b), ctx, out);
        }
        // Activation schedules the periodic tasks afresh (CompleteActivationEvent).
        self.balance_scheduled = false;
        self.maybe_schedule_leader_balance(ctx, out);
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
    pub(super) fn schedule_elections(&mut self, ctx: &mut Ctx, out: &mut Out) {
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
    pub(super) fn kraft_registration(
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
}

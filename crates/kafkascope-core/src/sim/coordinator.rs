//! The group coordinator (classic protocol), as it runs on the broker that leads the group's
//! `__consumer_offsets` partition: group states Empty → PreparingRebalance → CompletingRebalance
//! → Stable (and Dead), JoinGroup / SyncGroup / Heartbeat / LeaveGroup, session expiry, and
//! offset commits written as records to `__consumer_offsets` (answered once replicated) and
//! loaded back from the log when another broker takes the partition over.

use std::rc::Rc;

use serde::Serialize;

use super::broker::Broker;
use super::config::BrokerConfig;
use super::error::KafkaError;
use super::group_protocol::{GroupRequest, GroupResponse, JoinResult, JoinedMember, Subscription};
use super::hash::offsets_partition_for;
use super::log::{LogEntry, ProducerStamp, Record};
use super::network::{NodeId, Payload};
use super::replica::DelayedProduce;
use super::trace::TraceKind;
use super::vec_map::VecMap;
use super::{Out, Timer, TopicPartition};

mod group_metadata_manager;
mod rebalance;

pub const OFFSETS_TOPIC: &str = "__consumer_offsets";
/// `offsets.topic.num.partitions`.
pub const OFFSETS_TOPIC_NUM_PARTITIONS: i32 = 50;
/// `group.initial.rebalance.delay.ms`.
pub const GROUP_INITIAL_REBALANCE_DELAY_MS: u64 = 3_000;
/// `offsets.commit.timeout.ms`.
pub const OFFSETS_COMMIT_TIMEOUT_MS: u64 = 5_000;
/// `group.min.session.timeout.ms` / `group.max.session.timeout.ms`.
pub const GROUP_MIN_SESSION_TIMEOUT_MS: u64 = 6_000;
pub const GROUP_MAX_SESSION_TIMEOUT_MS: u64 = 1_800_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum GroupState {
    Empty,
    PreparingRebalance,
    CompletingRebalance,
    Stable,
    Dead,
}

#[derive(Clone, Debug)]
pub struct Member {
    pub from: NodeId,
    pub client_id: String,
    pub group_instance_id: Option<String>,
    pub protocols: Vec<String>,
    pub subscription: Subscription,
    pub session_timeout_ms: u64,
    pub rebalance_timeout_ms: u64,
    pub last_heartbeat_ms: u64,
    /// A JoinGroup waiting for the join phase to end.
    pub awaiting_join: Option<u64>,
    /// A SyncGroup waiting for the leader's assignment.
    pub awaiting_sync: Option<u64>,
    pub assignment: Vec<TopicPartition>,
}

#[derive(Clone, Debug)]
pub struct Group {
    pub state: GroupState,
    pub generation: i32,
    pub protocol: Option<String>,
    pub leader: Option<String>,
    pub members: VecMap<String, Member>,
    /// Committed offsets (the next offset to read), as loaded or written.
    pub offsets: VecMap<TopicPartition, i64>,
    /// When the current join phase ends at the latest.
    pub join_deadline_ms: u64,
    /// The join order of members (the first becomes leader).
    pub join_order: Vec<String>,
    /// The first rebalance of an Empty group waits `group.initial.rebalance.delay.ms`.
    pub in_initial_delay: bool,
    /// The latest state changes, oldest first: (time, state entered). The page shows them.
    pub transitions: std::collections::VecDeque<(u64, GroupState)>,
}

/// State changes a group remembers.
pub const GROUP_TRANSITIONS_KEPT: usize = 8;

impl GroupState {
    /// Kafka's name for the state (`GroupState.toString()`).
    pub fn name(self) -> &'static str {
        match self {
            GroupState::Empty => "Empty",
            GroupState::PreparingRebalance => "PreparingRebalance",
            GroupState::CompletingRebalance => "CompletingRebalance",
            GroupState::Stable => "Stable",
            GroupState::Dead => "Dead",
        }
    }
}

impl Group {
    fn new() -> Self {
        Self {
            state: GroupState::Empty,
            generation: 0,
            protocol: None,
            leader: None,
            members: VecMap::new(),
            offsets: VecMap::new(),
            join_deadline_ms: 0,
            join_order: Vec::new(),
            in_initial_delay: false,
            transitions: Default::default(),
        }
    }

    fn enter(&mut self, state: GroupState, now: u64) {
        self.state = state;
        if self.transitions.len() == GROUP_TRANSITIONS_KEPT {
            self.transitions.pop_front();
        }
        self.transitions.push_back((now, state));
    }
}

#[derive(Clone, Debug, Default)]
pub struct GroupCoordinator {
    pub groups: VecMap<String, Group>,
    next_member: u64,
}

/// Answers every SyncGroup waiting in the group.
fn answer_syncs(
    g: &mut Group,
    node: NodeId,
    out: &mut Out,
    result: impl Fn(&Member) -> Result<Vec<TopicPartition>, KafkaError>,
) {
    for m in g.members.values_mut() {
        if let Some(request_id) = m.awaiting_sync.take() {
            let body = GroupResponse::SyncGroup(result(m));
            out.send(node, m.from, Payload::GroupResponse { request_id, body });
        }
    }
}

impl GroupCoordinator {
    /// A commit was replicated: the offsets cache takes it.
    pub fn commit_completed(&mut self, group: &str, offsets: &[(TopicPartition, i64)]) {
        let g = self
            .groups
            .entry(group.to_string())
            .or_insert_with(Group::new);
        for (tp, o) in offsets {
            g.offsets.insert(tp.clone(), *o);
        }
    }
}

impl Broker {
    /// Whether this broker coordinates `group` now (it leads the group's offsets partition).
    fn coordinates(&self, group: &str) -> bool {
        let p = offsets_partition_for(group, OFFSETS_TOPIC_NUM_PARTITIONS);
        self.replicas
            .get(&TopicPartition::new(OFFSETS_TOPIC, p))
            .is_some_and(|r| r.leading.is_some())
    }

    #[allow(clippy::too_many_arguments)]
    pub(crate) fn on_group(
        &mut self,
        from: NodeId,
        request_id: u64,
        group: String,
        body: GroupRequest,
        now: u64,
        cfg: &BrokerConfig,
        out: &mut Out,
    ) {
        let node = NodeId::Broker(self.id);
        let reply = |out: &mut Out, body: GroupResponse| {
            out.send(node, from, Payload::GroupResponse { request_id, body })
        };
        match body {
            GroupRequest::FindCoordinator => {
                let p = offsets_partition_for(&group, OFFSETS_TOPIC_NUM_PARTITIONS);
                let leader = self
                    .leader_image
                    .get(&TopicPartition::new(OFFSETS_TOPIC, p))
                    .and_then(|(l, _)| *l);
                reply(
                    out,
                    GroupResponse::FindCoordinator(
                        leader.ok_or(KafkaError::CoordinatorNotAvailable),
                    ),
                );
                return;
            }
            GroupRequest::ListOffsets { tp, earliest } => {
                let result = match self.replicas.get(&tp).filter(|r| r.leading.is_some()) {
                    None => Err(KafkaError::NotLeaderOrFollower),
                    Some(r) if earliest => Ok(r.log.log_start_offset()),
                    // "latest" is the high watermark, not the LEO (read_uncommitted).
                    Some(r) => Ok(r.high_watermark),
                };
                reply(out, GroupResponse::ListOffsets(tp, result));
                return;
            }
            _ => {}
        }
        if !self.coordinates(&group) {
            let err = KafkaError::NotCoordinator;
            reply(
                out,
                match body {
                    GroupRequest::JoinGroup { .. } => GroupResponse::JoinGroup(Err(err)),
                    GroupRequest::SyncGroup { .. } => GroupResponse::SyncGroup(Err(err)),
                    GroupRequest::Heartbeat { .. } => GroupResponse::Heartbeat(Some(err)),
                    GroupRequest::LeaveGroup { .. } => GroupResponse::LeaveGroup(Some(err)),
                    GroupRequest::OffsetCommit { .. } => GroupResponse::OffsetCommit(Err(err)),
                    _ => GroupResponse::OffsetFetch(Err(err)),
                },
            );
            return;
        }
        match body {
            GroupRequest::JoinGroup {
                member_id,
                group_instance_id,
                client_id,
                session_timeout_ms,
                rebalance_timeout_ms,
                protocols,
                subscription,
                reason,
            } => {
                if !(GROUP_MIN_SESSION_TIMEOUT_MS..=GROUP_MAX_SESSION_TIMEOUT_MS)
                    .contains(&session_timeout_ms)
                {
                    reply(
                        out,
                        GroupResponse::JoinGroup(Err(KafkaError::InvalidSessionTimeout)),
                    );
                    return;
                }
                let g = self
                    .coordinator
                    .groups
                    .entry(group.clone())
                    .or_insert_with(Group::new);
                let member_id = if member_id.is_empty() || !g.members.contains_key(&member_id) {
                    // Static members keep their identity across restarts: the old member id is
                    // replaced. A known static member rejoining a Stable group with the same
                    // subscription gets its assignment back without a rebalance (KIP-345).
                    if let Some(inst) = &group_instance_id {
                        let old: Vec<String> = g
                            .members
                            .iter()
                            .filter(|(_, m)| m.group_instance_id.as_ref() == Some(inst))
                            .map(|(id, _)| id.clone())
                            .collect();
                        let rejoin_stable = g.state == GroupState::Stable
                            && old.len() == 1
                            && g.members[&old[0]].subscription.topics == subscription.topics;
                        if rejoin_stable {
                            self.coordinator.next_member += 1;
                            let new_id = format!(
                                "{inst}-{:08x}-{}",
                                self.id as u64 * 1_000_003 + self.coordinator.next_member,
                                self.coordinator.next_member
                            );
                            let g = self.coordinator.groups.get_mut(&group).expect("exists");
                            let mut m = g.members.remove(&old[0]).expect("listed");
                            m.from = from;
                            m.last_heartbeat_ms = now;
                            for id in g.join_order.iter_mut().filter(|id| **id == old[0]) {
                                *id = new_id.clone();
                            }
                            if g.leader.as_deref() == Some(old[0].as_str()) {
                                g.leader = Some(new_id.clone());
                            }
                            g.members.insert(new_id.clone(), m);
                            out.trace(
                                node,
                                TraceKind::Group,
                                format!("[GroupCoordinator {}]: Static member with instance id {inst} re-joined group {group} as {new_id}; no rebalance.", self.id),
                            );
                            let result = JoinResult {
                                generation: g.generation,
                                protocol: g.protocol.clone().unwrap_or_default(),
                                leader: g.leader.clone().unwrap_or_default(),
                                member_id: new_id,
                                members: Vec::new(),
                            };
                            reply(out, GroupResponse::JoinGroup(Ok(result)));
                            return;
                        }
                        for id in old {
                            g.members.remove(&id);
                            g.join_order.retain(|x| x != &id);
                        }
                    }
                    if !member_id.is_empty()
                        && !g.members.contains_key(&member_id)
                        && group_instance_id.is_none()
                    {
                        reply(
                            out,
                            GroupResponse::JoinGroup(Err(KafkaError::UnknownMemberId)),
                        );
                        return;
                    }
                    self.coordinator.next_member += 1;
                    let prefix = group_instance_id
                        .clone()
                        .unwrap_or_else(|| client_id.clone());
                    // Kafka appends a random UUID; a deterministic counter keeps runs reproducible.
                    format!(
                        "{prefix}-{:08x}-{}",
                        self.id as u64 * 1_000_003 + self.coordinator.next_member,
                        self.coordinator.next_member
                    )
                } else {
                    member_id
                };
                let g = self
                    .coordinator
                    .groups
                    .get_mut(&group)
                    .expect("just inserted");
                let member = Member {
                    from,
                    client_id,
                    group_instance_id,
                    protocols,
                    subscription,
                    session_timeout_ms,
                    rebalance_timeout_ms,
                    last_heartbeat_ms: now,
                    awaiting_join: Some(request_id),
                    awaiting_sync: None,
                    assignment: g
                        .members
                        .get(&member_id)
                        .map(|m| m.assignment.clone())
                        .unwrap_or_default(),
                };
                if !g.join_order.contains(&member_id) {
                    g.join_order.push(member_id.clone());
                }
                g.members.insert(member_id.clone(), member);
                let state = g.state;
                match state {
                    GroupState::Empty | GroupState::Dead => {
                        let delay = GROUP_INITIAL_REBALANCE_DELAY_MS.min(rebalance_timeout_ms);
                        self.prepare_rebalance(&group, &format!("Adding new member {member_id} with group instance id None; client reason: {reason}"), now, delay, out);
                    }
                    GroupState::PreparingRebalance => {
                        // Each newcomer during the initial delay extends it (KIP-134).
                        if g.in_initial_delay {
                            g.join_deadline_ms = g.join_deadline_ms.max(
                                now + GROUP_INITIAL_REBALANCE_DELAY_MS.min(rebalance_timeout_ms),
                            );
                            let at = g.join_deadline_ms - now;
                            out.timer(
                                at,
                                Timer::GroupJoinDeadline {
                                    broker: self.id,
                                    incarnation: self.incarnation,
                                    group: group.clone(),
                                },
                            );
                        }
                        self.maybe_complete_join(&group, now, out)
                    }
                    // A join while Completing or Stable (new member, changed metadata, or a
                    // member that lost its assignment) starts a new rebalance.
                    GroupState::CompletingRebalance | GroupState::Stable => {
                        self.prepare_rebalance(&group, &format!("Updating metadata for member {member_id} during {state:?}; client reason: {reason}"), now, 0, out);
                    }
                }
            }
            GroupRequest::SyncGroup {
                member_id,
                generation,
                assignments,
            } => {
                let Some(g) = self.coordinator.groups.get_mut(&group) else {
                    reply(
                        out,
                        GroupResponse::SyncGroup(Err(KafkaError::UnknownMemberId)),
                    );
                    return;
                };
                let Some(m) = g.members.get_mut(&member_id) else {
                    reply(
                        out,
                        GroupResponse::SyncGroup(Err(KafkaError::UnknownMemberId)),
                    );
                    return;
                };
                if generation != g.generation {
                    reply(
                        out,
                        GroupResponse::SyncGroup(Err(KafkaError::IllegalGeneration)),
                    );
                    return;
                }
                match g.state {
                    GroupState::CompletingRebalance => {
                        m.awaiting_sync = Some(request_id);
                        m.last_heartbeat_ms = now;
                        if g.leader.as_deref() == Some(member_id.as_str()) {
                            for m in g.members.values_mut() {
                                m.assignment.clear();
                            }
                            for (id, parts) in assignments {
                                if let Some(mm) = g.members.get_mut(&id) {
                                    mm.assignment = parts;
                                }
                            }
                            out.trace(
                                node,
                                TraceKind::Group,
                                format!("[GroupCoordinator {}]: Assignment received from leader {member_id} for group {group} for generation {}. The group has {} members, 0 of which are static.", self.id, g.generation, g.members.len()),
                            );
                            // Stable, and the assignments sent, once the group's metadata is
                            // replicated (`group_stored`).
                            self.store_group(&group, now, cfg, out);
                        }
                    }
                    GroupState::Stable => {
                        m.last_heartbeat_ms = now;
                        reply(out, GroupResponse::SyncGroup(Ok(m.assignment.clone())));
                    }
                    _ => reply(
                        out,
                        GroupResponse::SyncGroup(Err(KafkaError::RebalanceInProgress)),
                    ),
                }
            }
            GroupRequest::Heartbeat {
                member_id,
                generation,
            } => {
                let err = match self.coordinator.groups.get_mut(&group) {
                    None => Some(KafkaError::UnknownMemberId),
                    Some(g) => match g.members.get_mut(&member_id) {
                        None => Some(KafkaError::UnknownMemberId),
                        Some(m) => {
                            m.last_heartbeat_ms = now;
                            match g.state {
                                GroupState::PreparingRebalance
                                | GroupState::CompletingRebalance => {
                                    Some(KafkaError::RebalanceInProgress)
                                }
                                _ if generation != g.generation => {
                                    Some(KafkaError::IllegalGeneration)
                                }
                                _ => None,
                            }
                        }
                    },
                };
                reply(out, GroupResponse::Heartbeat(err));
            }
            GroupRequest::LeaveGroup { member_id, reason } => {
                let known = self
                    .coordinator
                    .groups
                    .get(&group)
                    .is_some_and(|g| g.members.contains_key(&member_id));
                if known {
                    self.remove_member(
                        &group,
                        &member_id,
                        &format!(
                            "Removing member {member_id} on LeaveGroup; client reason: {reason}"
                        ),
                        now,
                        out,
                    );
                    reply(out, GroupResponse::LeaveGroup(None));
                } else {
                    reply(
                        out,
                        GroupResponse::LeaveGroup(Some(KafkaError::UnknownMemberId)),
                    );
                }
            }
            GroupRequest::OffsetCommit {
                member_id,
                generation,
                offsets,
            } => {
                let g = self
                    .coordinator
                    .groups
                    .entry(group.clone())
                    .or_insert_with(Group::new);
                let check = if g.members.is_empty() && generation < 0 {
                    Ok(()) // a simple (non-group) commit
                } else if !g.members.contains_key(&member_id) {
                    Err(KafkaError::UnknownMemberId)
                } else if g.state == GroupState::CompletingRebalance {
                    Err(KafkaError::RebalanceInProgress)
                } else if generation != g.generation {
                    // While PreparingRebalance the generation has not moved yet: commits of the
                    // generation being left are still accepted.
                    Err(KafkaError::IllegalGeneration)
                } else {
                    Ok(())
                };
                if let Err(e) = check {
                    reply(out, GroupResponse::OffsetCommit(Err(e)));
                    return;
                }
                self.append_commit(from, request_id, &group, offsets, now, cfg, out);
            }
            GroupRequest::OffsetFetch { partitions } => {
                let g = self.coordinator.groups.get(&group);
                let offsets = partitions
                    .into_iter()
                    .map(|tp| {
                        let o = g.and_then(|g| g.offsets.get(&tp).copied());
                        (tp, o)
                    })
                    .collect();
                reply(out, GroupResponse::OffsetFetch(Ok(offsets)));
            }
            GroupRequest::FindCoordinator | GroupRequest::ListOffsets { .. } => {
                unreachable!("answered above")
            }
        }
    }
}

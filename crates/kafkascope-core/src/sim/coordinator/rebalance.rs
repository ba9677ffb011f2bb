//! How a rebalance runs on the coordinator: PreparingRebalance (waiting for members to rejoin,
//! up to the rebalance timeout, or `group.initial.rebalance.delay.ms` for a new group), the
//! join phase's end (members that did not rejoin removed, the protocol chosen, the leader told),
//! members leaving, and session expiry.

use super::*;
use crate::sim::vec_map::VecMap;

impl Broker {
    pub(super) fn prepare_rebalance(
        &mut self,
        group: &str,
        reason: &str,
        now: u64,
        delay_ms: u64,
        out: &mut Out,
    ) {
        let node = NodeId::Broker(self.id);
        let Some(g) = self.coordinator.groups.get_mut(group) else {
            return;
        };
        if g.state != GroupState::PreparingRebalance {
            out.event(
                node,
                TraceLine::PreparingRebalance {
                    coordinator: self.id,
                    group: group.to_string(),
                    generation: g.generation,
                    reason: reason.to_string(),
                },
            );
            g.enter(GroupState::PreparingRebalance, now);
            g.in_initial_delay = delay_ms > 0;
            // Later rebalances wait for every known member, up to the rebalance timeout.
            let timeout = g
                .members
                .values()
                .map(|m| m.rebalance_timeout_ms)
                .max()
                .unwrap_or(0);
            g.join_deadline_ms = now + if delay_ms > 0 { delay_ms } else { timeout };
            // Members in the middle of a sync learn of the new rebalance.
            answer_syncs(g, node, out, |_| Err(KafkaError::RebalanceInProgress));
        }
        let at = g.join_deadline_ms.saturating_sub(now);
        self.schedule_join_deadline(group, at, out);
        if delay_ms == 0 {
            self.maybe_complete_join(group, now, out);
        }
    }

    /// The join phase's deadline, `at` ms from now.
    pub(super) fn schedule_join_deadline(&self, group: &str, at: u64, out: &mut Out) {
        out.timer(
            at,
            Timer::GroupJoinDeadline {
                broker: self.id,
                incarnation: self.incarnation,
                group: group.to_string(),
            },
        );
    }

    /// The join phase ends when every known member has rejoined (not during the initial delay),
    /// or at the deadline, when members that did not rejoin are removed.
    pub(crate) fn maybe_complete_join(&mut self, group: &str, now: u64, out: &mut Out) {
        let coordinator = self.id;
        let Some(g) = self.coordinator.groups.get_mut(group) else {
            return;
        };
        if g.state != GroupState::PreparingRebalance || !g.join_phase_over(now) {
            return;
        }
        g.remove_members_not_rejoined(coordinator, group, out);
        g.generation += 1;
        g.in_initial_delay = false;
        if g.members.is_empty() {
            g.enter(GroupState::Empty, now);
            g.leader = None;
            out.trace(
                NodeId::Broker(coordinator),
                TraceKind::Group,
                format!(
                    "[GroupCoordinator {coordinator}]: Group {group} with generation {} is now empty.",
                    g.generation
                ),
            );
            self.store_empty_group(group, now);
            return;
        }
        match g.select_protocol() {
            Some(protocol) => g.complete_join(coordinator, group, protocol, now, out),
            None => g.answer_joins(NodeId::Broker(coordinator), out, |_| {
                Err(KafkaError::InconsistentGroupProtocol)
            }),
        }
    }

    pub(super) fn remove_member(
        &mut self,
        group: &str,
        member_id: &str,
        why: &str,
        now: u64,
        out: &mut Out,
    ) {
        let Some(g) = self.coordinator.groups.get_mut(group) else {
            return;
        };
        g.members.remove(member_id);
        g.join_order.retain(|x| x != member_id);
        match g.state {
            GroupState::Stable | GroupState::CompletingRebalance => {
                self.prepare_rebalance(group, why, now, 0, out)
            }
            GroupState::PreparingRebalance => self.maybe_complete_join(group, now, out),
            _ => {}
        }
    }

    /// Session expiry: members not heard from within their session timeout are removed.
    pub(crate) fn check_group_sessions(&mut self, now: u64, out: &mut Out) {
        let node = NodeId::Broker(self.id);
        let expired: Vec<(String, String)> = self
            .coordinator
            .groups
            .iter()
            .flat_map(|(gid, g)| {
                g.members
                    .iter()
                    .filter(|(_, m)| {
                        m.awaiting_join.is_none()
                            && now.saturating_sub(m.last_heartbeat_ms) > m.session_timeout_ms
                    })
                    .map(move |(mid, _)| (gid.clone(), mid.clone()))
            })
            .collect();
        for (gid, mid) in expired {
            out.trace(node, TraceKind::Group, format!("[GroupCoordinator {}]: Member {mid} in group {gid} has failed, removing it from the group.", self.id));
            self.remove_member(
                &gid,
                &mid,
                &format!("removing member {mid} on heartbeat expiration"),
                now,
                out,
            );
        }
    }
}

/// The join phase of a classic group (Kafka's `ClassicGroup`, group-coordinator/src/main/java/
/// org/apache/kafka/coordinator/group/classic/ClassicGroup.java, and
/// `GroupMetadataManager.completeClassicGroupJoin`).
impl Group {
    /// Every known member has rejoined (and the initial delay is over), or the deadline passed.
    fn join_phase_over(&self, now: u64) -> bool {
        let all_joined = self.members.values().all(|m| m.awaiting_join.is_some());
        // During the initial delay (group.initial.rebalance.delay.ms) the phase waits for the
        // deadline even when everyone known has joined: more members may be starting.
        now >= self.join_deadline_ms || (all_joined && !self.in_initial_delay)
    }

    /// Dynamic members that did not rejoin are removed; static ones are kept (G3).
    fn remove_members_not_rejoined(&mut self, coordinator: BrokerId, group: &str, out: &mut Out) {
        let missing: Vec<String> = self
            .members
            .iter()
            .filter(|(_, m)| m.awaiting_join.is_none() && m.group_instance_id.is_none())
            .map(|(id, _)| id.clone())
            .collect();
        if missing.is_empty() {
            return;
        }
        for id in &missing {
            self.members.remove(id);
            self.join_order.retain(|x| x != id);
        }
        out.trace(NodeId::Broker(coordinator), TraceKind::Group, format!("[GroupCoordinator {coordinator}]: Group {group} removed dynamic members who haven't joined: [{}]", missing.join(", ")));
    }

    /// `selectProtocol`: among the protocols every member supports, each member votes for its
    /// first; the most votes win, ties going to the first member's order. `None` when no
    /// protocol is common to all.
    fn select_protocol(&self) -> Option<String> {
        let candidates: Vec<String> = self
            .members
            .values()
            .next()
            .map(|m| {
                m.protocols
                    .iter()
                    .filter(|p| self.members.values().all(|o| o.protocols.contains(p)))
                    .cloned()
                    .collect()
            })
            .unwrap_or_default();
        let mut votes: VecMap<&String, usize> = VecMap::new();
        for m in self.members.values() {
            if let Some(p) = m.protocols.iter().find(|p| candidates.contains(p)) {
                *votes.entry(p).or_default() += 1;
            }
        }
        candidates
            .iter()
            .max_by_key(|p| {
                (
                    votes.get(p).copied().unwrap_or(0),
                    std::cmp::Reverse(candidates.iter().position(|c| c == *p)),
                )
            })
            .cloned()
    }

    /// The group moves to CompletingRebalance with its protocol and leader (the old one if it
    /// is still a member, else the first to have joined), and every waiting JoinGroup is
    /// answered: the leader gets every member's subscription.
    fn complete_join(
        &mut self,
        coordinator: BrokerId,
        group: &str,
        protocol: String,
        now: u64,
        out: &mut Out,
    ) {
        self.protocol = Some(protocol.clone());
        if self
            .leader
            .as_ref()
            .is_none_or(|l| !self.members.contains_key(l))
        {
            self.leader = self
                .join_order
                .iter()
                .find(|id| self.members.contains_key(*id))
                .cloned();
        }
        let leader = self.leader.clone().expect("a member exists");
        self.enter(GroupState::CompletingRebalance, now);
        let node = NodeId::Broker(coordinator);
        out.trace(
            node,
            TraceKind::Group,
            format!(
                "[GroupCoordinator {coordinator}]: Stabilized group {group} generation {} with {} members.",
                self.generation,
                self.members.len()
            ),
        );
        let members = self.joined_members();
        let generation = self.generation;
        for m in self.members.values_mut() {
            m.last_heartbeat_ms = now;
        }
        self.answer_joins(node, out, |id| {
            Ok(JoinResult {
                generation,
                protocol: protocol.clone(),
                leader: leader.clone(),
                member_id: id.to_string(),
                members: if id == leader {
                    members.clone()
                } else {
                    Vec::new()
                },
            })
        });
    }

    fn joined_members(&self) -> Vec<JoinedMember> {
        self.members
            .iter()
            .map(|(id, m)| JoinedMember {
                member_id: id.clone(),
                group_instance_id: m.group_instance_id.clone(),
                subscription: m.subscription.clone(),
            })
            .collect()
    }

    /// Answers every JoinGroup waiting in the group.
    fn answer_joins(
        &mut self,
        node: NodeId,
        out: &mut Out,
        result: impl Fn(&str) -> Result<JoinResult, KafkaError>,
    ) {
        for (id, m) in self.members.iter_mut() {
            if let Some(request_id) = m.awaiting_join.take() {
                let body = GroupResponse::JoinGroup(result(id));
                out.send(node, m.from, Payload::GroupResponse { request_id, body });
            }
        }
    }
}

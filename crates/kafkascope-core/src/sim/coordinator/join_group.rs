//! JoinGroup (Kafka's `GroupMetadataManager.classicGroupJoin`, group-coordinator/src/main/java/
//! org/apache/kafka/coordinator/group/GroupMetadataManager.java): a member joins or rejoins, a
//! new member gets its member id, a known static member gets its assignment back without a
//! rebalance, and every other join starts or extends the join phase. The response waits for the
//! phase to end (`maybe_complete_join`).

use super::*;

/// Who a joining member is, or the answer when its join ends here.
enum Joining {
    As(String),
    Answered(GroupResponse),
}

impl Broker {
    pub(super) fn join_group(
        &mut self,
        request: &RequestContext,
        join: JoinGroupRequest,
        out: &mut Out,
    ) -> CoordinatorResult {
        if !(GROUP_MIN_SESSION_TIMEOUT_MS..=GROUP_MAX_SESSION_TIMEOUT_MS)
            .contains(&join.session_timeout_ms)
        {
            return CoordinatorResult::respond(GroupResponse::JoinGroup(Err(
                KafkaError::InvalidSessionTimeout,
            )));
        }
        let g = self
            .coordinator
            .groups
            .entry(request.group.to_string())
            .or_insert_with(Group::new);
        // A member must share a protocol (assignor) with every current member, or it is
        // refused and the group stays as it was (`ClassicGroup.supportsProtocols`).
        if !g.supports_protocols(&join.protocols) {
            return CoordinatorResult::respond(GroupResponse::JoinGroup(Err(
                KafkaError::InconsistentGroupProtocol,
            )));
        }
        let member_id = if join.member_id.is_empty() || !g.members.contains_key(&join.member_id) {
            match self.join_unknown_member(request, &join, out) {
                Joining::As(member_id) => member_id,
                Joining::Answered(answer) => return CoordinatorResult::respond(answer),
            }
        } else {
            join.member_id.clone()
        };
        let (rebalance_timeout_ms, reason) = (join.rebalance_timeout_ms, join.reason.clone());
        self.add_member(request, &member_id, join);
        self.rebalance_on_join(request, &member_id, rebalance_timeout_ms, &reason, out);
        CoordinatorResult::wait()
    }

    /// A join without a member id the group knows: a static member's earlier identity is
    /// replaced (or, rejoining a Stable group unchanged, answered at once), an unknown dynamic
    /// member id is refused, and anyone else gets a new member id.
    fn join_unknown_member(
        &mut self,
        request: &RequestContext,
        join: &JoinGroupRequest,
        out: &mut Out,
    ) -> Joining {
        if let Some(inst) = &join.group_instance_id {
            if let Some(result) = self.rejoin_static_member(request, inst, join, out) {
                return Joining::Answered(GroupResponse::JoinGroup(Ok(result)));
            }
        }
        let g = self.coordinator.groups.get(request.group).expect("created");
        if !join.member_id.is_empty()
            && !g.members.contains_key(&join.member_id)
            && join.group_instance_id.is_none()
        {
            return Joining::Answered(GroupResponse::JoinGroup(Err(KafkaError::UnknownMemberId)));
        }
        let prefix = join.group_instance_id.as_ref().unwrap_or(&join.client_id);
        Joining::As(self.new_member_id(prefix))
    }

    /// Static members keep their identity across restarts: the old member id is replaced. A
    /// known static member rejoining a Stable group with the same subscription gets its
    /// assignment back without a rebalance (KIP-345); otherwise its old entry goes and the
    /// join goes on as a new member's (`None`).
    fn rejoin_static_member(
        &mut self,
        request: &RequestContext,
        inst: &str,
        join: &JoinGroupRequest,
        out: &mut Out,
    ) -> Option<JoinResult> {
        let g = self
            .coordinator
            .groups
            .get_mut(request.group)
            .expect("created");
        let old: Vec<String> = g
            .members
            .iter()
            .filter(|(_, m)| m.group_instance_id.as_deref() == Some(inst))
            .map(|(id, _)| id.clone())
            .collect();
        let rejoin_stable = g.state == GroupState::Stable
            && old.len() == 1
            && g.members[&old[0]].subscription.topics == join.subscription.topics;
        if !rejoin_stable {
            for id in old {
                g.members.remove(&id);
                g.join_order.retain(|x| x != &id);
            }
            return None;
        }
        let new_id = self.new_member_id(inst);
        Some(self.replace_static_member(request, &old[0], new_id, out))
    }

    /// The static member's entry moves to its new member id, keeping its assignment (and its
    /// place as leader); the answer is the group as it stands.
    fn replace_static_member(
        &mut self,
        request: &RequestContext,
        old_id: &str,
        new_id: String,
        out: &mut Out,
    ) -> JoinResult {
        let (group, now) = (request.group, request.now);
        let g = self.coordinator.groups.get_mut(group).expect("exists");
        let mut m = g.members.remove(old_id).expect("listed");
        m.from = request.from;
        m.last_heartbeat_ms = now;
        for id in g.join_order.iter_mut().filter(|id| *id == old_id) {
            *id = new_id.clone();
        }
        if g.leader.as_deref() == Some(old_id) {
            g.leader = Some(new_id.clone());
        }
        let inst = m.group_instance_id.clone().unwrap_or_default();
        g.members.insert(new_id.clone(), m);
        out.trace(
            NodeId::Broker(self.id),
            TraceKind::Group,
            format!("[GroupCoordinator {}]: Static member with instance id {inst} re-joined group {group} as {new_id}; no rebalance.", self.id),
        );
        JoinResult {
            generation: g.generation,
            protocol: g.protocol.clone().unwrap_or_default(),
            leader: g.leader.clone().unwrap_or_default(),
            member_id: new_id,
            members: Vec::new(),
        }
    }

    /// Kafka appends a random UUID to the prefix; a deterministic counter keeps runs
    /// reproducible.
    fn new_member_id(&mut self, prefix: &str) -> String {
        self.coordinator.next_member += 1;
        let n = self.coordinator.next_member;
        format!("{prefix}-{:08x}-{n}", self.id as u64 * 1_000_003 + n)
    }

    /// The member as it joins, waiting for the join phase to end (a rejoining member keeps its
    /// assignment until then).
    fn add_member(&mut self, request: &RequestContext, member_id: &str, join: JoinGroupRequest) {
        let g = self
            .coordinator
            .groups
            .get_mut(request.group)
            .expect("just inserted");
        let member = Member {
            from: request.from,
            client_id: join.client_id,
            group_instance_id: join.group_instance_id,
            protocols: join.protocols,
            subscription: join.subscription,
            session_timeout_ms: join.session_timeout_ms,
            rebalance_timeout_ms: join.rebalance_timeout_ms,
            last_heartbeat_ms: request.now,
            awaiting_join: Some(request.request_id),
            awaiting_sync: None,
            assignment: g
                .members
                .get(member_id)
                .map(|m| m.assignment.clone())
                .unwrap_or_default(),
        };
        if !g.join_order.iter().any(|id| id == member_id) {
            g.join_order.push(member_id.to_string());
        }
        g.members.insert(member_id.to_string(), member);
    }

    /// A join starts a rebalance (Empty: after `group.initial.rebalance.delay.ms`), extends
    /// the initial delay (KIP-134), or may end the join phase.
    fn rebalance_on_join(
        &mut self,
        request: &RequestContext,
        member_id: &str,
        rebalance_timeout_ms: u64,
        reason: &str,
        out: &mut Out,
    ) {
        let (group, now) = (request.group, request.now);
        let g = self.coordinator.groups.get_mut(group).expect("joined");
        let state = g.state;
        match state {
            GroupState::Empty | GroupState::Dead => {
                let delay = GROUP_INITIAL_REBALANCE_DELAY_MS.min(rebalance_timeout_ms);
                self.prepare_rebalance(group, &format!("Adding new member {member_id} with group instance id None; client reason: {reason}"), now, delay, out);
            }
            GroupState::PreparingRebalance => {
                // Each newcomer during the initial delay extends it (KIP-134).
                if g.in_initial_delay {
                    g.join_deadline_ms = g
                        .join_deadline_ms
                        .max(now + GROUP_INITIAL_REBALANCE_DELAY_MS.min(rebalance_timeout_ms));
                    let at = g.join_deadline_ms - now;
                    self.schedule_join_deadline(group, at, out);
                }
                self.maybe_complete_join(group, now, out)
            }
            // A join while Completing or Stable (new member, changed metadata, or a member that
            // lost its assignment) starts a new rebalance.
            GroupState::CompletingRebalance | GroupState::Stable => {
                self.prepare_rebalance(group, &format!("Updating metadata for member {member_id} during {state:?}; client reason: {reason}"), now, 0, out);
            }
        }
    }
}

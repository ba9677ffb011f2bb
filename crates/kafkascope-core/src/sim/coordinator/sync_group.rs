//! SyncGroup (Kafka's `GroupMetadataManager.classicGroupSync`, group-coordinator/src/main/java/
//! org/apache/kafka/coordinator/group/GroupMetadataManager.java): the leader brings the
//! assignment, which is stored in `__consumer_offsets` before anyone gets theirs; in a Stable
//! group a member gets its assignment at once.

use super::*;

impl Broker {
    pub(super) fn sync_group(
        &mut self,
        request: &RequestContext,
        member_id: String,
        generation: i32,
        assignments: Vec<(String, Vec<TopicPartition>)>,
        out: &mut Out,
    ) -> CoordinatorResult {
        let refuse = |e| CoordinatorResult::respond(GroupResponse::SyncGroup(Err(e)));
        let Some(g) = self.coordinator.groups.get_mut(request.group) else {
            return refuse(KafkaError::UnknownMemberId);
        };
        let Some(m) = g.members.get_mut(&member_id) else {
            return refuse(KafkaError::UnknownMemberId);
        };
        if generation != g.generation {
            return refuse(KafkaError::IllegalGeneration);
        }
        match g.state {
            GroupState::CompletingRebalance => {
                m.awaiting_sync = Some(request.request_id);
                m.last_heartbeat_ms = request.now;
                if g.leader.as_deref() != Some(member_id.as_str()) {
                    return CoordinatorResult::wait();
                }
                self.take_leader_assignment(request.group, &member_id, assignments, out);
                // Stable, and the assignments sent, once the group's metadata is replicated
                // (`group_stored`).
                CoordinatorResult::store_group()
            }
            GroupState::Stable => {
                m.last_heartbeat_ms = request.now;
                CoordinatorResult::respond(GroupResponse::SyncGroup(Ok(m.assignment.clone())))
            }
            _ => refuse(KafkaError::RebalanceInProgress),
        }
    }

    /// The leader's assignment replaces every member's.
    fn take_leader_assignment(
        &mut self,
        group: &str,
        leader: &str,
        assignments: Vec<(String, Vec<TopicPartition>)>,
        out: &mut Out,
    ) {
        let g = self.coordinator.groups.get_mut(group).expect("syncing");
        for m in g.members.values_mut() {
            m.assignment.clear();
        }
        for (id, parts) in assignments {
            if let Some(m) = g.members.get_mut(&id) {
                m.assignment = parts;
            }
        }
        out.trace(
            NodeId::Broker(self.id),
            TraceKind::Group,
            format!("[GroupCoordinator {}]: Assignment received from leader {leader} for group {group} for generation {}. The group has {} members, 0 of which are static.", self.id, g.generation, g.members.len()),
        );
    }
}

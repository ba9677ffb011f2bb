//! LeaveGroup (Kafka's `GroupMetadataManager.classicGroupLeave`, group-coordinator/src/main/
//! java/org/apache/kafka/coordinator/group/GroupMetadataManager.java): the member goes at once,
//! and the group rebalances without it.

use super::*;

impl Broker {
    pub(super) fn leave_group(
        &mut self,
        request: &RequestContext,
        member_id: &str,
        reason: &str,
        out: &mut Out,
    ) -> CoordinatorResult {
        let known = self
            .coordinator
            .groups
            .get(request.group)
            .is_some_and(|g| g.members.contains_key(member_id));
        if !known {
            return CoordinatorResult::respond(GroupResponse::LeaveGroup(Some(
                KafkaError::UnknownMemberId,
            )));
        }
        self.remove_member(
            request.group,
            member_id,
            &format!("Removing member {member_id} on LeaveGroup; client reason: {reason}"),
            request.now,
            out,
        );
        CoordinatorResult::respond(GroupResponse::LeaveGroup(None))
    }
}

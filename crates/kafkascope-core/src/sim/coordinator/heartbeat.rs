//! Heartbeat (Kafka's `GroupMetadataManager.classicGroupHeartbeat`, group-coordinator/src/main/
//! java/org/apache/kafka/coordinator/group/GroupMetadataManager.java): keeps the member's
//! session alive, and tells it when a rebalance is under way or its generation is over.

use super::*;

impl Broker {
    pub(super) fn heartbeat(
        &mut self,
        request: &RequestContext,
        member_id: &str,
        generation: i32,
    ) -> CoordinatorResult {
        let err = match self.coordinator.groups.get_mut(request.group) {
            None => Some(KafkaError::UnknownMemberId),
            Some(g) => match g.members.get_mut(member_id) {
                None => Some(KafkaError::UnknownMemberId),
                Some(m) => {
                    m.last_heartbeat_ms = request.now;
                    match g.state {
                        GroupState::PreparingRebalance | GroupState::CompletingRebalance => {
                            Some(KafkaError::RebalanceInProgress)
                        }
                        _ if generation != g.generation => Some(KafkaError::IllegalGeneration),
                        _ => None,
                    }
                }
            },
        };
        CoordinatorResult::respond(GroupResponse::Heartbeat(err))
    }
}

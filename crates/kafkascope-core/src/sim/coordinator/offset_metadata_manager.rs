//! OffsetCommit and OffsetFetch (Kafka's `OffsetMetadataManager.commitOffset` /
//! `fetchOffsets`, group-coordinator/src/main/java/org/apache/kafka/coordinator/group/
//! OffsetMetadataManager.java): a commit is checked against the member and its generation and
//! becomes records for `__consumer_offsets` (answered once replicated); a fetch reads the
//! offsets cache.

use super::*;

impl Broker {
    pub(super) fn commit_offset(
        &mut self,
        group: &str,
        member_id: &str,
        generation: i32,
        offsets: Vec<(TopicPartition, i64)>,
    ) -> CoordinatorResult {
        let g = self
            .coordinator
            .groups
            .entry(group.to_string())
            .or_insert_with(Group::new);
        match validate_offset_commit(g, member_id, generation) {
            Ok(()) => CoordinatorResult::append_offsets(offsets),
            Err(e) => CoordinatorResult::respond(GroupResponse::OffsetCommit(Err(e))),
        }
    }

    pub(super) fn fetch_offsets(
        &self,
        group: &str,
        partitions: Vec<TopicPartition>,
    ) -> CoordinatorResult {
        let g = self.coordinator.groups.get(group);
        let offsets = partitions
            .into_iter()
            .map(|tp| {
                let o = g.and_then(|g| g.offsets.get(&tp).copied());
                (tp, o)
            })
            .collect();
        CoordinatorResult::respond(GroupResponse::OffsetFetch(Ok(offsets)))
    }
}

/// Kafka's `validateOffsetCommit` for a classic group.
fn validate_offset_commit(g: &Group, member_id: &str, generation: i32) -> Result<(), KafkaError> {
    if g.members.is_empty() && generation < 0 {
        Ok(()) // a simple (non-group) commit
    } else if !g.members.contains_key(member_id) {
        Err(KafkaError::UnknownMemberId)
    } else if g.state == GroupState::CompletingRebalance {
        Err(KafkaError::RebalanceInProgress)
    } else if generation != g.generation {
        // While PreparingRebalance the generation has not moved yet: commits of the
        // generation being left are still accepted.
        Err(KafkaError::IllegalGeneration)
    } else {
        Ok(())
    }
}

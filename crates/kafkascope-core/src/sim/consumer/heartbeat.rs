//! The heartbeat's response (Kafka's `AbstractCoordinator.HeartbeatResponseHandler`,
//! clients/src/main/java/org/apache/kafka/clients/consumer/internals/AbstractCoordinator.java):
//! a rebalance under way makes a Stable member rejoin; an unknown member or an old generation
//! resets the membership (an eager member, or one whose id is gone, loses its partitions);
//! a moved coordinator is looked up again.

use super::*;

impl Consumer {
    pub(super) fn on_heartbeat(
        &mut self,
        err: Option<KafkaError>,
        ctx: &mut ConsumerCtx,
        out: &mut Out,
    ) {
        match err {
            None => {}
            Some(KafkaError::RebalanceInProgress) if self.member_state == MemberState::Stable => {
                self.rejoin("group is already rebalancing", ctx, out);
            }
            Some(KafkaError::RebalanceInProgress) => {}
            Some(e @ (KafkaError::UnknownMemberId | KafkaError::IllegalGeneration)) => {
                self.heartbeat_fenced(e, ctx, out)
            }
            Some(e @ (KafkaError::NotCoordinator | KafkaError::CoordinatorNotAvailable)) => {
                self.coordinator_lost(e.name(), ctx, out)
            }
            Some(_) => {}
        }
    }

    /// UNKNOWN_MEMBER_ID or ILLEGAL_GENERATION: the generation is reset and the member joins
    /// again.
    fn heartbeat_fenced(&mut self, e: KafkaError, ctx: &mut ConsumerCtx, out: &mut Out) {
        self.log(out, format!("Attempt to heartbeat with Generation{{generationId={}, memberId='{}', protocol='{}'}} and group instance id {:?} failed due to {}, resetting generation", self.generation, self.member_id, self.protocol.as_deref().unwrap_or(""), self.config.group_instance_id, e.name()));
        if e == KafkaError::UnknownMemberId {
            self.reset_membership();
        } else {
            self.generation = -1;
            self.member_state = MemberState::Unjoined;
        }
        if self.config.rebalance_protocol() == RebalanceProtocol::Eager
            || e == KafkaError::UnknownMemberId
        {
            let lost = std::mem::take(&mut self.assignment);
            if !lost.is_empty() {
                self.log(
                    out,
                    format!("Lost previously assigned partitions {}", list(&lost)),
                );
                self.forget(&lost);
            }
        }
        self.join(
            &format!("encountered {} from HEARTBEAT response", e.name()),
            ctx,
            out,
        );
    }
}

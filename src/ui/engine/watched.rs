//! Which messages in flight the learner watches, for quiet time: while none is in flight, time
//! runs at least in real time (`QUIET_RATE`), however slow the speed, so the pauses between a
//! story's moments pass as they would on a real cluster instead of holding the clock back.
//!
//! The rule: a message is watched when it carries records, an acknowledgement, or a change of
//! who leads, who is in sync, who owns what, or what is committed. Background traffic is not:
//! metadata requests and their answers, broker heartbeats, group heartbeats that answer
//! "fine", a consumer's fetch request (an empty long-poll: it only asks), and a fetch
//! response that brings no records, no error and no higher high watermark. A follower's fetch
//! request is watched when its fetch offset is beyond the leader's high watermark: that is the
//! request that moves the high watermark (Kafka: `Partition.maybeIncrementLeaderHW`, called
//! from `updateFollowerFetchState` in core/src/main/scala/kafka/cluster/Partition.scala).

use crate::sim::group_protocol::{GroupRequest, GroupResponse};
use crate::sim::network::{FetchPartition, FetchedPartition};
use crate::sim::{Message, NodeId, Payload, Simulation};

/// Whether `m` is one of the messages the learner watches (see the module's rule).
pub fn watched(m: &Message, sim: &Simulation) -> bool {
    match &m.payload {
        Payload::Metadata { .. }
        | Payload::MetadataResponse { .. }
        | Payload::BrokerHeartbeat { .. }
        | Payload::BrokerHeartbeatResponse { .. } => false,
        Payload::Group {
            body: GroupRequest::Heartbeat { .. },
            ..
        } => false,
        Payload::GroupResponse {
            body: GroupResponse::Heartbeat(error),
            ..
        } => error.is_some(),
        Payload::Fetch { replica: None, .. } => false,
        Payload::Fetch { partitions, .. } => partitions.iter().any(|p| moves_hw(sim, m.to, p)),
        Payload::FetchResponse { partitions, .. } => {
            partitions.iter().any(|p| brings_news(sim, m.to, p))
        }
        _ => true,
    }
}

/// A follower's fetch from `leader` that will move the leader's high watermark.
fn moves_hw(sim: &Simulation, leader: NodeId, p: &FetchPartition) -> bool {
    let NodeId::Broker(id) = leader else {
        return false;
    };
    sim.brokers
        .get(&id)
        .and_then(|b| b.replicas.get(&p.tp))
        .is_some_and(|r| p.fetch_offset > r.high_watermark)
}

/// A fetch response with records, an error, or (to a follower) a higher high watermark.
fn brings_news(sim: &Simulation, to: NodeId, p: &FetchedPartition) -> bool {
    if !p.records.is_empty() || p.error.is_some() {
        return true;
    }
    let NodeId::Broker(id) = to else {
        return false;
    };
    sim.brokers
        .get(&id)
        .and_then(|b| b.replicas.get(&p.tp))
        .is_some_and(|r| p.high_watermark > r.high_watermark)
}

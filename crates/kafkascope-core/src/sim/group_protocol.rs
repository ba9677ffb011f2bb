//! The consumer-group protocol's requests and responses (classic protocol): FindCoordinator,
//! JoinGroup, SyncGroup, Heartbeat, LeaveGroup, OffsetCommit, OffsetFetch, and ListOffsets for
//! `auto.offset.reset`. They travel in `Payload::Group` / `Payload::GroupResponse`.

use super::error::KafkaError;
use super::network::MessageKind;
use super::{BrokerId, TopicPartition};

/// What a member tells the coordinator when it joins (its protocol metadata).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Subscription {
    pub topics: Vec<String>,
    pub owned: Vec<TopicPartition>,
    pub generation: i32,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JoinedMember {
    pub member_id: String,
    pub group_instance_id: Option<String>,
    pub subscription: Subscription,
}

/// A JoinGroup request's fields (`JoinGroupRequestData`).
#[derive(Clone, Debug)]
pub struct JoinGroupRequest {
    /// Empty on a member's first join: the coordinator gives it one.
    pub member_id: String,
    pub group_instance_id: Option<String>,
    pub client_id: String,
    pub session_timeout_ms: u64,
    pub rebalance_timeout_ms: u64,
    /// Assignor names in the consumer's preference order, each with its subscription.
    pub protocols: Vec<String>,
    pub subscription: Subscription,
    pub reason: String,
}

#[derive(Clone, Debug)]
pub enum GroupRequest {
    FindCoordinator,
    JoinGroup(JoinGroupRequest),
    SyncGroup {
        member_id: String,
        generation: i32,
        /// Only the leader sends assignments.
        assignments: Vec<(String, Vec<TopicPartition>)>,
    },
    Heartbeat {
        member_id: String,
        generation: i32,
    },
    LeaveGroup {
        member_id: String,
        reason: String,
    },
    OffsetCommit {
        member_id: String,
        generation: i32,
        offsets: Vec<(TopicPartition, i64)>,
    },
    OffsetFetch {
        partitions: Vec<TopicPartition>,
    },
    /// `ListOffsets` to a partition leader: earliest (log start) or latest (the HW).
    ListOffsets {
        tp: TopicPartition,
        earliest: bool,
    },
}

#[derive(Clone, Debug)]
pub enum GroupResponse {
    FindCoordinator(Result<BrokerId, KafkaError>),
    JoinGroup(Result<JoinResult, KafkaError>),
    SyncGroup(Result<Vec<TopicPartition>, KafkaError>),
    Heartbeat(Option<KafkaError>),
    LeaveGroup(Option<KafkaError>),
    OffsetCommit(Result<Vec<(TopicPartition, i64)>, KafkaError>),
    OffsetFetch(Result<Vec<(TopicPartition, Option<i64>)>, KafkaError>),
    ListOffsets(TopicPartition, Result<i64, KafkaError>),
}

#[derive(Clone, Debug)]
pub struct JoinResult {
    pub generation: i32,
    pub protocol: String,
    pub leader: String,
    pub member_id: String,
    /// Every member's subscription, sent to the leader only.
    pub members: Vec<JoinedMember>,
}

impl GroupRequest {
    pub fn kind(&self) -> MessageKind {
        match self {
            GroupRequest::FindCoordinator => MessageKind::FindCoordinator,
            GroupRequest::JoinGroup(_) => MessageKind::JoinGroup,
            GroupRequest::SyncGroup { .. } => MessageKind::SyncGroup,
            GroupRequest::Heartbeat { .. } => MessageKind::Heartbeat,
            GroupRequest::LeaveGroup { .. } => MessageKind::LeaveGroup,
            GroupRequest::OffsetCommit { .. } => MessageKind::OffsetCommit,
            GroupRequest::OffsetFetch { .. } => MessageKind::OffsetFetch,
            GroupRequest::ListOffsets { .. } => MessageKind::ListOffsets,
        }
    }
}

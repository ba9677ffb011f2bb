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
use super::group_protocol::{
    GroupRequest, GroupResponse, JoinGroupRequest, JoinResult, JoinedMember, Subscription,
};
use super::hash::offsets_partition_for;
use super::log::{LogEntry, ProducerStamp, Record};
use super::network::{NodeId, Payload};
use super::replica::DelayedProduce;
use super::trace::{TraceKind, TraceLine};
use super::vec_map::VecMap;
use super::{BrokerId, Out, Timer, TopicPartition};

mod group_metadata_manager;
mod heartbeat;
mod join_group;
mod leave_group;
mod offset_metadata_manager;
mod rebalance;
mod sync_group;

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
    /// `ClassicGroup.supportsProtocols`: an Empty group takes any non-empty protocol list;
    /// otherwise one of the joining member's protocols must be supported by every member
    /// (group-coordinator/src/main/java/org/apache/kafka/coordinator/group/classic/ClassicGroup.java).
    pub fn supports_protocols(&self, protocols: &[String]) -> bool {
        if self.state == GroupState::Empty || self.members.is_empty() {
            return !protocols.is_empty();
        }
        protocols
            .iter()
            .any(|p| self.members.values().all(|m| m.protocols.contains(p)))
    }

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

    /// A group request (Kafka's `GroupCoordinatorShard`, group-coordinator/src/main/java/org/
    /// apache/kafka/coordinator/group/GroupCoordinatorShard.java): each kind has its handler,
    /// which returns the records to append and the response; the records go to the group's
    /// `__consumer_offsets` partition first, and a response that waits for them is sent once
    /// they are replicated.
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
        let request = RequestContext {
            from,
            request_id,
            group: &group,
            now,
        };
        let result = match body {
            GroupRequest::FindCoordinator => self.find_coordinator(&group),
            GroupRequest::ListOffsets { tp, earliest } => self.list_offsets(tp, earliest),
            body if !self.coordinates(&group) => CoordinatorResult::respond(not_coordinator(&body)),
            GroupRequest::JoinGroup(join) => self.join_group(&request, join, out),
            GroupRequest::SyncGroup {
                member_id,
                generation,
                assignments,
            } => self.sync_group(&request, member_id, generation, assignments, out),
            GroupRequest::Heartbeat {
                member_id,
                generation,
            } => self.heartbeat(&request, &member_id, generation),
            GroupRequest::LeaveGroup { member_id, reason } => {
                self.leave_group(&request, &member_id, &reason, out)
            }
            GroupRequest::OffsetCommit {
                member_id,
                generation,
                offsets,
            } => self.commit_offset(&group, &member_id, generation, offsets),
            GroupRequest::OffsetFetch { partitions } => self.fetch_offsets(&group, partitions),
        };
        self.complete(&request, result, cfg, out);
    }

    /// Appends the handler's records, then sends its response if it has one now.
    fn complete(
        &mut self,
        request: &RequestContext,
        result: CoordinatorResult,
        cfg: &BrokerConfig,
        out: &mut Out,
    ) {
        let RequestContext {
            from,
            request_id,
            group,
            now,
        } = *request;
        match result.records {
            GroupRecords::None => {}
            GroupRecords::OffsetCommit(offsets) => {
                self.append_commit(from, request_id, group, offsets, now, cfg, out)
            }
            GroupRecords::GroupMetadata => self.store_group(group, now, cfg, out),
        }
        if let Some(body) = result.response {
            let node = NodeId::Broker(self.id);
            out.send(node, from, Payload::GroupResponse { request_id, body });
        }
    }

    /// FindCoordinator: the leader of the group's `__consumer_offsets` partition, as this
    /// broker's metadata has it.
    fn find_coordinator(&self, group: &str) -> CoordinatorResult {
        let p = offsets_partition_for(group, OFFSETS_TOPIC_NUM_PARTITIONS);
        let leader = self
            .leader_image
            .get(&TopicPartition::new(OFFSETS_TOPIC, p))
            .and_then(|(l, _)| *l);
        CoordinatorResult::respond(GroupResponse::FindCoordinator(
            leader.ok_or(KafkaError::CoordinatorNotAvailable),
        ))
    }

    /// ListOffsets (for `auto.offset.reset`), answered by the partition's leader.
    fn list_offsets(&self, tp: TopicPartition, earliest: bool) -> CoordinatorResult {
        let result = match self.replicas.get(&tp).filter(|r| r.leading.is_some()) {
            None => Err(KafkaError::NotLeaderOrFollower),
            Some(r) if earliest => Ok(r.log.log_start_offset()),
            // "latest" is the high watermark, not the LEO (read_uncommitted).
            Some(r) => Ok(r.high_watermark),
        };
        CoordinatorResult::respond(GroupResponse::ListOffsets(tp, result))
    }
}

/// The request being handled (Kafka's `RequestContext`, with the group it names).
#[derive(Clone, Copy)]
pub(super) struct RequestContext<'a> {
    pub from: NodeId,
    pub request_id: u64,
    pub group: &'a str,
    pub now: u64,
}

/// What a handler produces (Kafka's `CoordinatorResult`): records for the group's
/// `__consumer_offsets` partition, and the response, or `None` when the answer comes later (a
/// JoinGroup when the join phase ends, a SyncGroup when the leader's assignment is stored, a
/// commit when its records are replicated).
pub(super) struct CoordinatorResult {
    records: GroupRecords,
    response: Option<GroupResponse>,
}

enum GroupRecords {
    None,
    /// Offset commits (`OffsetCommitKey` / `OffsetCommitValue`).
    OffsetCommit(Vec<(TopicPartition, i64)>),
    /// The group's metadata after a rebalance (`GroupMetadataKey` / `GroupMetadataValue`).
    GroupMetadata,
}

impl CoordinatorResult {
    pub(super) fn respond(body: GroupResponse) -> Self {
        Self {
            records: GroupRecords::None,
            response: Some(body),
        }
    }

    /// Nothing to append and nothing to answer yet.
    pub(super) fn wait() -> Self {
        Self {
            records: GroupRecords::None,
            response: None,
        }
    }

    pub(super) fn append_offsets(offsets: Vec<(TopicPartition, i64)>) -> Self {
        Self {
            records: GroupRecords::OffsetCommit(offsets),
            response: None,
        }
    }

    pub(super) fn store_group() -> Self {
        Self {
            records: GroupRecords::GroupMetadata,
            response: None,
        }
    }
}

/// The answer of a broker that does not coordinate the group (any more).
fn not_coordinator(body: &GroupRequest) -> GroupResponse {
    let err = KafkaError::NotCoordinator;
    match body {
        GroupRequest::JoinGroup(_) => GroupResponse::JoinGroup(Err(err)),
        GroupRequest::SyncGroup { .. } => GroupResponse::SyncGroup(Err(err)),
        GroupRequest::Heartbeat { .. } => GroupResponse::Heartbeat(Some(err)),
        GroupRequest::LeaveGroup { .. } => GroupResponse::LeaveGroup(Some(err)),
        GroupRequest::OffsetCommit { .. } => GroupResponse::OffsetCommit(Err(err)),
        GroupRequest::OffsetFetch { .. }
        | GroupRequest::FindCoordinator
        | GroupRequest::ListOffsets { .. } => GroupResponse::OffsetFetch(Err(err)),
    }
}

//! The network as data: every Kafka request and response is a `Message` with a send and a
//! delivery time, held in the state while in flight so the page can draw it. Faults act here.

use std::fmt;
use std::rc::Rc;

use serde::Serialize;

use super::error::KafkaError;
use super::group_protocol::{GroupRequest, GroupResponse};
use super::in_flight::InFlight;
use super::log::{LogEntry, Record};
use super::metadata::{PartitionRegistration, TopicConfig};
use super::vec_map::VecMap;
use super::vec_set::VecSet;
use super::{BrokerId, TopicPartition};

/// Every node that sends or receives messages.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
pub enum NodeId {
    Broker(BrokerId),
    /// A KRaft controller quorum voter (its `node.id`).
    Controller(i32),
    ZooKeeper,
    /// A producer client, by its index in the simulation.
    Producer(u32),
    /// A consumer client, by its index in the simulation.
    Consumer(u32),
}

impl fmt::Display for NodeId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NodeId::Broker(id) => write!(f, "broker {id}"),
            NodeId::Controller(id) => write!(f, "controller {id}"),
            NodeId::ZooKeeper => f.write_str("zookeeper"),
            NodeId::Producer(i) => write!(f, "producer #{i}"),
            NodeId::Consumer(i) => write!(f, "consumer #{i}"),
        }
    }
}

#[derive(Clone, Debug)]
pub struct ProduceBatch {
    pub tp: TopicPartition,
    pub producer_id: i64,
    pub producer_epoch: i16,
    pub base_sequence: i32,
    pub records: Vec<Rc<Record>>,
    /// How many times this batch was sent before (0 on its first send). Not on Kafka's wire:
    /// the page draws a retry differently from a first send.
    pub attempt: u32,
}

#[derive(Clone, Debug)]
pub struct FetchPartition {
    pub tp: TopicPartition,
    pub fetch_offset: i64,
    /// The epoch of the follower's last record (KIP-320 divergence check); -1 if none.
    pub last_fetched_epoch: i32,
}

#[derive(Clone, Debug)]
pub struct FetchedPartition {
    pub tp: TopicPartition,
    pub error: Option<KafkaError>,
    pub high_watermark: i64,
    pub log_start_offset: i64,
    /// Set when the follower's log diverges: (epoch, end offset) to truncate to.
    pub diverging_epoch: Option<(i32, i64)>,
    pub records: Vec<LogEntry>,
}

#[derive(Clone, Debug)]
pub enum Payload {
    Produce {
        request_id: u64,
        acks: i16,
        timeout_ms: u64,
        batch: ProduceBatch,
    },
    ProduceResponse {
        request_id: u64,
        tp: TopicPartition,
        result: Result<i64, KafkaError>,
    },
    Fetch {
        request_id: u64,
        /// The follower's broker id; `None` for a consumer.
        replica: Option<BrokerId>,
        max_wait_ms: u64,
        partitions: Vec<FetchPartition>,
    },
    FetchResponse {
        request_id: u64,
        partitions: Vec<FetchedPartition>,
    },
    Metadata {
        request_id: u64,
    },
    MetadataResponse {
        request_id: u64,
        leaders: Vec<(TopicPartition, Option<BrokerId>, i32)>,
        live_brokers: Vec<BrokerId>,
    },
    /// KRaft: broker → active controller. ZooKeeper mode: the session ping to ZooKeeper.
    BrokerHeartbeat {
        broker: BrokerId,
        /// The broker process's incarnation (KRaft's incarnation id; in ZooKeeper mode the
        /// session that process opened): a restarted process is a new registration.
        incarnation: u32,
        want_shutdown: bool,
        /// The metadata version the broker has applied without a gap (KRaft brokers report the
        /// metadata offset they reached): a broker behind gets the whole image again.
        metadata_version: u64,
    },
    BrokerHeartbeatResponse {
        fenced: bool,
        should_shutdown: bool,
        /// NOT_CONTROLLER: the heartbeat reached a voter that does not lead the quorum.
        not_controller: bool,
        /// With NOT_CONTROLLER, the leader that voter knows and its epoch (Kafka's observers
        /// learn it as `currentLeader` in a voter's FetchResponse).
        leader: Option<(NodeId, i32)>,
    },
    AlterPartition {
        tp: TopicPartition,
        leader_epoch: i32,
        partition_epoch: i32,
        new_isr: Vec<BrokerId>,
    },
    AlterPartitionResponse {
        tp: TopicPartition,
        result: Result<PartitionRegistration, KafkaError>,
    },
    /// Controller → broker: changed partitions (KRaft metadata records / ZK LeaderAndIsr).
    MetadataUpdate {
        partitions: Vec<(TopicPartition, PartitionRegistration, TopicConfig)>,
        fenced: Vec<BrokerId>,
        /// The metadata version this update brings the broker to (the metadata log offset).
        version: u64,
        /// A whole image rather than a delta.
        full: bool,
        /// The sender's controller epoch (KRaft quorum epoch / ZooKeeper controller epoch):
        /// how a broker learns which controller is active.
        controller_epoch: i32,
    },
    /// ZooKeeper mode: the broker's answer to the controller's LeaderAndIsr / UpdateMetadata,
    /// with the metadata version it has applied without a gap. The controller resends what a
    /// broker has not answered (`ControllerChannelManager`'s RequestSendThread).
    MetadataUpdateResponse {
        version: u64,
    },
    /// KRaft quorum: a candidate asks for a vote; the answer; the winner's announcement.
    Vote {
        epoch: i32,
    },
    VoteResponse {
        epoch: i32,
        granted: bool,
    },
    BeginQuorumEpoch {
        epoch: i32,
        leader: i32,
    },
    /// ZooKeeper mode: ZooKeeper tells the controller a broker's session expired, or tells
    /// brokers the /controller znode is gone.
    ZkWatch {
        /// A broker's session appeared (true) or expired (false).
        broker_change: Option<(BrokerId, bool)>,
        controller_gone: bool,
    },
    /// ZooKeeper mode: a broker tries to create the /controller znode; the reply says who won.
    ZkCreateController {
        broker: BrokerId,
    },
    ZkControllerElected {
        controller: BrokerId,
        epoch: i32,
    },
    /// A consumer-group request (to any broker, or to the group coordinator).
    Group {
        request_id: u64,
        group: String,
        body: GroupRequest,
    },
    GroupResponse {
        request_id: u64,
        body: GroupResponse,
    },
    /// The connection broke (the peer's process is gone: RST), answering `kind`.
    Disconnected {
        request_id: u64,
        kind: MessageKind,
        /// The peer was already gone when the request left: the connection was refused and
        /// the request never reached a broker (the client does not count it as an attempt).
        refused: bool,
    },
}

/// Message kinds, as scripts name them for faults (`network drop produce-response`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum MessageKind {
    Produce,
    ProduceResponse,
    Fetch,
    FetchResponse,
    Metadata,
    MetadataResponse,
    BrokerHeartbeat,
    BrokerHeartbeatResponse,
    AlterPartition,
    AlterPartitionResponse,
    MetadataUpdate,
    MetadataUpdateResponse,
    Vote,
    VoteResponse,
    BeginQuorumEpoch,
    ZkWatch,
    ZkCreateController,
    ZkControllerElected,
    FindCoordinator,
    JoinGroup,
    SyncGroup,
    Heartbeat,
    LeaveGroup,
    OffsetCommit,
    OffsetFetch,
    ListOffsets,
    GroupResponse,
    Disconnected,
}

impl MessageKind {
    pub const ALL: [MessageKind; 28] = [
        MessageKind::Produce,
        MessageKind::ProduceResponse,
        MessageKind::Fetch,
        MessageKind::FetchResponse,
        MessageKind::Metadata,
        MessageKind::MetadataResponse,
        MessageKind::BrokerHeartbeat,
        MessageKind::BrokerHeartbeatResponse,
        MessageKind::AlterPartition,
        MessageKind::AlterPartitionResponse,
        MessageKind::MetadataUpdate,
        MessageKind::MetadataUpdateResponse,
        MessageKind::Vote,
        MessageKind::VoteResponse,
        MessageKind::BeginQuorumEpoch,
        MessageKind::ZkWatch,
        MessageKind::ZkCreateController,
        MessageKind::ZkControllerElected,
        MessageKind::FindCoordinator,
        MessageKind::JoinGroup,
        MessageKind::SyncGroup,
        MessageKind::Heartbeat,
        MessageKind::LeaveGroup,
        MessageKind::OffsetCommit,
        MessageKind::OffsetFetch,
        MessageKind::ListOffsets,
        MessageKind::GroupResponse,
        MessageKind::Disconnected,
    ];

    pub fn name(self) -> &'static str {
        match self {
            MessageKind::Produce => "produce",
            MessageKind::ProduceResponse => "produce-response",
            MessageKind::Fetch => "fetch",
            MessageKind::FetchResponse => "fetch-response",
            MessageKind::Metadata => "metadata",
            MessageKind::MetadataResponse => "metadata-response",
            MessageKind::BrokerHeartbeat => "broker-heartbeat",
            MessageKind::BrokerHeartbeatResponse => "broker-heartbeat-response",
            MessageKind::AlterPartition => "alter-partition",
            MessageKind::AlterPartitionResponse => "alter-partition-response",
            MessageKind::MetadataUpdate => "metadata-update",
            MessageKind::MetadataUpdateResponse => "metadata-update-response",
            MessageKind::Vote => "vote",
            MessageKind::VoteResponse => "vote-response",
            MessageKind::BeginQuorumEpoch => "begin-quorum-epoch",
            MessageKind::ZkWatch => "zk-watch",
            MessageKind::ZkCreateController => "zk-create-controller",
            MessageKind::ZkControllerElected => "zk-controller-elected",
            MessageKind::FindCoordinator => "find-coordinator",
            MessageKind::JoinGroup => "join-group",
            MessageKind::SyncGroup => "sync-group",
            MessageKind::Heartbeat => "heartbeat",
            MessageKind::LeaveGroup => "leave-group",
            MessageKind::OffsetCommit => "offset-commit",
            MessageKind::OffsetFetch => "offset-fetch",
            MessageKind::ListOffsets => "list-offsets",
            MessageKind::GroupResponse => "group-response",
            MessageKind::Disconnected => "disconnected",
        }
    }

    pub fn parse(s: &str) -> Option<MessageKind> {
        MessageKind::ALL.into_iter().find(|k| k.name() == s)
    }
}

impl Payload {
    pub fn kind(&self) -> MessageKind {
        match self {
            Payload::Produce { .. } => MessageKind::Produce,
            Payload::ProduceResponse { .. } => MessageKind::ProduceResponse,
            Payload::Fetch { .. } => MessageKind::Fetch,
            Payload::FetchResponse { .. } => MessageKind::FetchResponse,
            Payload::Metadata { .. } => MessageKind::Metadata,
            Payload::MetadataResponse { .. } => MessageKind::MetadataResponse,
            Payload::BrokerHeartbeat { .. } => MessageKind::BrokerHeartbeat,
            Payload::BrokerHeartbeatResponse { .. } => MessageKind::BrokerHeartbeatResponse,
            Payload::AlterPartition { .. } => MessageKind::AlterPartition,
            Payload::AlterPartitionResponse { .. } => MessageKind::AlterPartitionResponse,
            Payload::MetadataUpdate { .. } => MessageKind::MetadataUpdate,
            Payload::MetadataUpdateResponse { .. } => MessageKind::MetadataUpdateResponse,
            Payload::Vote { .. } => MessageKind::Vote,
            Payload::VoteResponse { .. } => MessageKind::VoteResponse,
            Payload::BeginQuorumEpoch { .. } => MessageKind::BeginQuorumEpoch,
            Payload::ZkWatch { .. } => MessageKind::ZkWatch,
            Payload::ZkCreateController { .. } => MessageKind::ZkCreateController,
            Payload::ZkControllerElected { .. } => MessageKind::ZkControllerElected,
            Payload::Group { body, .. } => body.kind(),
            Payload::GroupResponse { .. } => MessageKind::GroupResponse,
            Payload::Disconnected { .. } => MessageKind::Disconnected,
        }
    }

    /// The request id a client matches a response or disconnect to.
    pub fn request_id(&self) -> Option<u64> {
        match self {
            Payload::Produce { request_id, .. }
            | Payload::Fetch { request_id, .. }
            | Payload::Metadata { request_id }
            | Payload::Group { request_id, .. } => Some(*request_id),
            _ => None,
        }
    }
}

#[derive(Clone, Debug)]
pub struct Message {
    pub id: u64,
    pub from: NodeId,
    pub to: NodeId,
    pub sent_at_ms: u64,
    pub deliver_at_ms: u64,
    /// Lost to a fault: still drawn in flight, never delivered.
    pub dropped: bool,
    /// The receiver's process was down when this was sent.
    pub refused: bool,
    pub payload: Payload,
}

/// A rule dropping messages of one kind (`network drop produce-response count=1`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DropRule {
    pub kind: MessageKind,
    pub from: Option<NodeId>,
    pub to: Option<NodeId>,
    /// How many more to drop; `None` = until healed.
    pub remaining: Option<u32>,
}

#[derive(Clone, Debug)]
pub struct Network {
    pub latency_ms: u64,
    pub in_flight: InFlight,
    pub isolated: VecSet<NodeId>,
    /// Cut links, stored with the smaller node first.
    pub cut: VecSet<(NodeId, NodeId)>,
    pub slow: VecMap<(NodeId, NodeId), u64>,
    pub drops: Vec<DropRule>,
    pub next_id: u64,
}

fn link(a: NodeId, b: NodeId) -> (NodeId, NodeId) {
    if a <= b {
        (a, b)
    } else {
        (b, a)
    }
}

impl Network {
    pub fn new(latency_ms: u64) -> Self {
        Self {
            latency_ms,
            in_flight: InFlight::new(),
            isolated: VecSet::new(),
            cut: VecSet::new(),
            slow: VecMap::new(),
            drops: Vec::new(),
            next_id: 0,
        }
    }

    pub fn latency(&self, from: NodeId, to: NodeId) -> u64 {
        self.slow
            .get(&link(from, to))
            .copied()
            .unwrap_or(self.latency_ms)
    }

    /// Whether a fault eats this message (and consumes a counted drop rule).
    pub fn should_drop(&mut self, from: NodeId, to: NodeId, kind: MessageKind) -> bool {
        if self.isolated.contains(&from)
            || self.isolated.contains(&to)
            || self.cut.contains(&link(from, to))
        {
            return true;
        }
        for rule in &mut self.drops {
            if rule.kind == kind
                && rule.from.is_none_or(|f| f == from)
                && rule.to.is_none_or(|t| t == to)
            {
                if let Some(n) = rule.remaining.as_mut() {
                    if *n == 0 {
                        continue;
                    }
                    *n -= 1;
                }
                return true;
            }
        }
        false
    }

    pub fn cut_link(&mut self, a: NodeId, b: NodeId) {
        self.cut.insert(link(a, b));
    }

    pub fn slow_link(&mut self, a: NodeId, b: NodeId, latency_ms: u64) {
        self.slow.insert(link(a, b), latency_ms);
    }

    /// Heals every fault touching `node`, or all faults.
    pub fn heal(&mut self, node: Option<NodeId>) {
        match node {
            None => {
                self.isolated.clear();
                self.cut.clear();
                self.slow.clear();
                self.drops.clear();
            }
            Some(n) => {
                self.isolated.remove(&n);
                self.cut.retain(|&(a, b)| a != n && b != n);
                self.slow.retain(|&(a, b), _| a != n && b != n);
                self.drops.retain(|r| r.from != Some(n) && r.to != Some(n));
            }
        }
    }
}

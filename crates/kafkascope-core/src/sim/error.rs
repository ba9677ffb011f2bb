//! Kafka's error codes, by the names Kafka's protocol gives them, plus script errors.

use serde::Serialize;
use std::fmt;

/// A protocol error as Kafka names it (`org.apache.kafka.common.protocol.Errors`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum KafkaError {
    OffsetOutOfRange,
    UnknownTopicOrPartition,
    LeaderNotAvailable,
    NotLeaderOrFollower,
    RequestTimedOut,
    NetworkException,
    NotEnoughReplicas,
    NotEnoughReplicasAfterAppend,
    InvalidRequiredAcks,
    InvalidReplicationFactor,
    InvalidPartitions,
    TopicAlreadyExists,
    InvalidConfig,
    OutOfOrderSequenceNumber,
    InvalidProducerEpoch,
    DuplicateSequenceNumber,
    DeliveryTimeout,
    MetadataTimeout,
    BrokerNotAvailable,
    OffsetNotAvailable,
    UnknownMemberId,
    RebalanceInProgress,
    IllegalGeneration,
    CoordinatorNotAvailable,
    NotCoordinator,
    NoOffsetForPartition,
    InvalidUpdateVersion,
    IneligibleReplica,
    FencedLeaderEpoch,
    NotController,
    InvalidSessionTimeout,
    InconsistentGroupProtocol,
    InvalidTopicException,
}

impl KafkaError {
    /// The wire code (`Errors.code()`); client-side exceptions without one get -1.
    pub fn code(self) -> i16 {
        use KafkaError::*;
        match self {
            OffsetOutOfRange => 1,
            UnknownTopicOrPartition => 3,
            LeaderNotAvailable => 5,
            NotLeaderOrFollower => 6,
            RequestTimedOut => 7,
            BrokerNotAvailable => 8,
            NetworkException => 13,
            CoordinatorNotAvailable => 15,
            NotCoordinator => 16,
            NotEnoughReplicas => 19,
            NotEnoughReplicasAfterAppend => 20,
            InvalidRequiredAcks => 21,
            IllegalGeneration => 22,
            UnknownMemberId => 25,
            RebalanceInProgress => 27,
            TopicAlreadyExists => 36,
            InvalidPartitions => 37,
            InvalidReplicationFactor => 38,
            InvalidConfig => 40,
            OutOfOrderSequenceNumber => 45,
            DuplicateSequenceNumber => 46,
            InvalidProducerEpoch => 47,
            OffsetNotAvailable => 78,
            FencedLeaderEpoch => 74,
            NotController => 41,
            InvalidSessionTimeout => 26,
            InconsistentGroupProtocol => 23,
            InvalidTopicException => 17,
            InvalidUpdateVersion => 108,
            IneligibleReplica => 107,
            DeliveryTimeout | MetadataTimeout | NoOffsetForPartition => -1,
        }
    }

    pub fn name(self) -> &'static str {
        use KafkaError::*;
        match self {
            OffsetOutOfRange => "OFFSET_OUT_OF_RANGE",
            UnknownTopicOrPartition => "UNKNOWN_TOPIC_OR_PARTITION",
            LeaderNotAvailable => "LEADER_NOT_AVAILABLE",
            NotLeaderOrFollower => "NOT_LEADER_OR_FOLLOWER",
            RequestTimedOut => "REQUEST_TIMED_OUT",
            NetworkException => "NETWORK_EXCEPTION",
            NotEnoughReplicas => "NOT_ENOUGH_REPLICAS",
            NotEnoughReplicasAfterAppend => "NOT_ENOUGH_REPLICAS_AFTER_APPEND",
            InvalidRequiredAcks => "INVALID_REQUIRED_ACKS",
            InvalidReplicationFactor => "INVALID_REPLICATION_FACTOR",
            InvalidPartitions => "INVALID_PARTITIONS",
            TopicAlreadyExists => "TOPIC_ALREADY_EXISTS",
            InvalidConfig => "INVALID_CONFIG",
            OutOfOrderSequenceNumber => "OUT_OF_ORDER_SEQUENCE_NUMBER",
            InvalidProducerEpoch => "INVALID_PRODUCER_EPOCH",
            DuplicateSequenceNumber => "DUPLICATE_SEQUENCE_NUMBER",
            // The Java client raises TimeoutException when delivery.timeout.ms expires.
            DeliveryTimeout => "DELIVERY_TIMEOUT",
            // ... and when max.block.ms passes with the topic still missing from its metadata
            // ("Topic t not present in metadata after 60000 ms.").
            MetadataTimeout => "METADATA_TIMEOUT",
            BrokerNotAvailable => "BROKER_NOT_AVAILABLE",
            OffsetNotAvailable => "OFFSET_NOT_AVAILABLE",
            UnknownMemberId => "UNKNOWN_MEMBER_ID",
            RebalanceInProgress => "REBALANCE_IN_PROGRESS",
            IllegalGeneration => "ILLEGAL_GENERATION",
            CoordinatorNotAvailable => "COORDINATOR_NOT_AVAILABLE",
            NotCoordinator => "NOT_COORDINATOR",
            NoOffsetForPartition => "NO_OFFSET_FOR_PARTITION",
            InvalidUpdateVersion => "INVALID_UPDATE_VERSION",
            IneligibleReplica => "INELIGIBLE_REPLICA",
            FencedLeaderEpoch => "FENCED_LEADER_EPOCH",
            NotController => "NOT_CONTROLLER",
            InvalidSessionTimeout => "INVALID_SESSION_TIMEOUT",
            InconsistentGroupProtocol => "INCONSISTENT_GROUP_PROTOCOL",
            InvalidTopicException => "INVALID_TOPIC_EXCEPTION",
        }
    }

    /// Whether the Java client retries it (`RetriableException` subclasses).
    pub fn is_retriable(self) -> bool {
        use KafkaError::*;
        matches!(
            self,
            UnknownTopicOrPartition
                | LeaderNotAvailable
                | NotLeaderOrFollower
                | RequestTimedOut
                | NetworkException
                | NotEnoughReplicas
                | NotEnoughReplicasAfterAppend
                | OffsetNotAvailable
                | CoordinatorNotAvailable
                | NotCoordinator
        )
    }
}

impl fmt::Display for KafkaError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Why a command was refused. The simulation is left exactly as it was.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CommandError {
    /// The Kafka error this corresponds to, if any (e.g. INVALID_REPLICATION_FACTOR).
    pub kafka: Option<KafkaError>,
    pub message: String,
}

impl CommandError {
    pub fn kafka(error: KafkaError, message: impl Into<String>) -> Self {
        Self {
            kafka: Some(error),
            message: message.into(),
        }
    }

    pub fn invalid(message: impl Into<String>) -> Self {
        Self {
            kafka: None,
            message: message.into(),
        }
    }
}

impl fmt::Display for CommandError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kafka {
            Some(e) => write!(f, "{}: {}", e.name(), self.message),
            None => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for CommandError {}

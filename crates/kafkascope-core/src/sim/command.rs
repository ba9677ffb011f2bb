//! Commands: everything a user can do to the cluster (from a button, the console, a tour step,
//! a share link or a script). Each is validated before anything changes, so a refused command
//! leaves the simulation exactly as it was: validation turns a [`Command`] into a [`Validated`]
//! one (names resolved, configs parsed), the only thing `apply` takes.

mod apply;
mod nodes;
mod topics;
mod validate;

pub(crate) use apply::apply;
pub use topics::{topic_config_from_pairs, validate_topic_name, TOPIC_CONFIGS};

use super::consumer::ConsumerConfig;
use super::metadata::TopicConfig;
use super::network::{DropRule, MessageKind, NodeId};
use super::producer::ProducerConfig;
use super::BrokerId;

/// A node as commands name it: `2` or `broker-2`, `controller-3000`, `zookeeper`, a producer name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NodeRef {
    Broker(BrokerId),
    Controller(i32),
    ZooKeeper,
    Client(String),
}

#[derive(Clone, Debug, PartialEq)]
pub enum Command {
    BrokerAdd {
        id: Option<BrokerId>,
    },
    /// Controlled shutdown.
    BrokerStop(BrokerId),
    /// kill -9.
    BrokerKill(BrokerId),
    BrokerStart(BrokerId),
    /// Kill a KRaft controller (the active one when no id is given).
    ControllerKill(Option<i32>),
    ControllerStart(i32),
    TopicCreate {
        name: String,
        partitions: i32,
        replication_factor: i32,
        configs: Vec<(String, String)>,
    },
    ProducerCreate {
        name: String,
        configs: Vec<(String, String)>,
    },
    Produce {
        producer: String,
        topic: String,
        key: Option<String>,
        value: Option<String>,
        partition: Option<i32>,
        count: u64,
        /// Records per second; all at once when absent.
        rate: Option<f64>,
    },
    /// `produce stop PRODUCER [TOPIC]`: end the producer's steady rates (of one topic), as an
    /// application stops calling send(); records already sent go on.
    ProduceStop {
        producer: String,
        topic: Option<String>,
    },
    NetworkIsolate(NodeRef),
    NetworkHeal(Option<NodeRef>),
    /// The one-way latency of every link not slowed on its own.
    NetworkLatency(u64),
    NetworkCut(NodeRef, NodeRef),
    NetworkSlow(NodeRef, NodeRef, u64),
    NetworkDrop {
        kind: MessageKind,
        from: Option<NodeRef>,
        to: Option<NodeRef>,
        count: Option<u32>,
    },
    Advance(u64),
    /// `step N`: process exactly the next N events (stops early when none is scheduled).
    Step(u64),
    /// `consumer create NAME group.id=G topics=a,b [consumer configs]`.
    ConsumerCreate {
        name: String,
        configs: Vec<(String, String)>,
    },
    ConsumerClose(String),
    ConsumerCrash(String),
    ConsumerRestart(String),
    /// The application calls commitSync().
    ConsumerCommit(String),
    ConsumerPause(String),
    ConsumerResume(String),
    /// `consumer subscribe NAME topics=a,b`: a new subscription (the group rebalances).
    ConsumerSubscribe(String, Vec<String>),
    /// `kafka-topics.sh --alter --partitions N`: partitions can only be added.
    TopicAddPartitions {
        name: String,
        partitions: i32,
    },
}

/// A command `Simulation::validate` accepted, with what validation found out (the nodes its
/// names stand for, its parsed configs, the client's index). Only validation can build one (its
/// field is private to this module), so no command is applied unchecked.
pub struct Validated(Valid);

enum Valid {
    BrokerAdd(BrokerId),
    BrokerStop(BrokerId),
    BrokerKill(BrokerId),
    BrokerStart(BrokerId),
    ControllerKill(i32),
    ControllerStart(i32),
    TopicCreate {
        name: String,
        partitions: i32,
        replication_factor: i32,
        config: TopicConfig,
    },
    ProducerCreate {
        name: String,
        config: ProducerConfig,
        notes: Vec<String>,
    },
    Produce(ProduceRecords),
    ProduceStop {
        index: u32,
        topic: Option<String>,
    },
    NetworkIsolate(NodeId),
    NetworkHeal(Option<NodeId>),
    NetworkLatency(u64),
    NetworkCut(NodeId, NodeId),
    NetworkSlow(NodeId, NodeId, u64),
    NetworkDrop(DropRule),
    Advance(u64),
    Step(u64),
    ConsumerCreate {
        name: String,
        config: ConsumerConfig,
        topics: Vec<String>,
    },
    ConsumerCrash(u32),
    /// A running (or, to restart, a stopped) consumer, by index.
    Consumer(u32, ConsumerAction),
    TopicAddPartitions {
        name: String,
        partitions: i32,
    },
}

/// `produce PRODUCER TOPIC ...` as validated: the producer's index and the interval between
/// records of a rate.
struct ProduceRecords {
    index: u32,
    topic: String,
    key: Option<String>,
    value: Option<String>,
    partition: Option<i32>,
    count: u64,
    interval_ms: Option<u64>,
}

enum ConsumerAction {
    Close,
    Restart,
    Commit,
    Pause,
    Resume,
    Subscribe(Vec<String>),
}

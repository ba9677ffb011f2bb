//! Commands: everything a user can do to the cluster (from a button, the console, a tour step,
//! a share link or a script). Each is validated before anything changes, so a refused command
//! leaves the simulation exactly as it was.

mod apply;
mod nodes;
mod topics;
mod validate;

pub(crate) use apply::apply;
pub use topics::{topic_config_from_pairs, validate_topic_name, TOPIC_CONFIGS};

use super::network::MessageKind;
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

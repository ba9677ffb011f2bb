//! The trace's lines as values: the notable events (faults, elections, rebalances, produce
//! errors) as variants, which the timeline marks by variant, and every other line as text.
//! `Display` renders each as the Kafka-style log line the event log shows and the trace hash
//! covers.

use std::fmt;
use std::rc::Rc;

use super::TraceKind;
use crate::sim::broker::join;
use crate::sim::error::KafkaError;
use crate::sim::network::{MessageKind, NodeId};
use crate::sim::{BrokerId, TopicPartition};

#[derive(Clone, Debug, PartialEq)]
pub enum TraceLine {
    Broker(BrokerEvent),
    Controller(ControllerEvent),
    /// `consumer crash`: kill -9 of the application.
    ConsumerCrashed {
        consumer: Rc<str>,
    },
    Network(NetworkFault),
    Election(LeaderElection),
    /// The coordinator starts a rebalance.
    PreparingRebalance {
        coordinator: BrokerId,
        group: String,
        generation: i32,
        reason: String,
    },
    /// A partition leader refused a produce.
    AppendRefused(AppendError),
    /// A producer's send or batch failed, or will be retried.
    Producer(ProducerError),
    /// Any other line, with its kind.
    Text(TraceKind, String),
}

/// A broker process starting or going down.
#[derive(Clone, Debug, PartialEq)]
pub enum BrokerEvent {
    /// `broker add`.
    Started { broker: BrokerId },
    /// `broker stop`: the broker asks the controller to move its leaderships, then stops.
    ControlledShutdown { broker: BrokerId },
    /// `broker kill`: kill -9.
    Killed { broker: BrokerId },
}

#[derive(Clone, Debug, PartialEq)]
pub enum ControllerEvent {
    Killed {
        controller: i32,
    },
    Started {
        controller: i32,
    },
    /// A KRaft voter won an election (`voters`: on the cluster's first election).
    RaftLeaderElected {
        controller: i32,
        epoch: i32,
        voters: Option<usize>,
    },
    /// ZooKeeper mode: a broker became the controller.
    ZkControllerElected {
        controller: BrokerId,
        epoch: i32,
    },
}

/// A network fault set, or healed.
#[derive(Clone, Debug, PartialEq)]
pub enum NetworkFault {
    Isolated {
        node: NodeId,
    },
    /// `network heal [NODE]`: one node's faults, or (`None`) every fault.
    Healed {
        node: Option<NodeId>,
    },
    LinkCut {
        a: NodeId,
        b: NodeId,
    },
    LinkSlowed {
        a: NodeId,
        b: NodeId,
        ms: u64,
    },
    LatencySet {
        ms: u64,
    },
    /// `network drop KIND`: `count` messages of a kind (`None`: all, until healed).
    MessagesDropped {
        count: Option<u32>,
        kind: MessageKind,
    },
}

/// The controller's choice of a partition leader (PartitionChangeBuilder).
#[derive(Clone, Debug, PartialEq)]
pub enum LeaderElection {
    /// A leader from the ISR.
    Elected {
        tp: TopicPartition,
        leader: BrokerId,
        epoch: i32,
        isr: Vec<BrokerId>,
    },
    /// The preferred replica back as leader (`auto.leader.rebalance.enable`).
    Preferred {
        tp: TopicPartition,
        leader: BrokerId,
        epoch: i32,
        isr: Vec<BrokerId>,
    },
    /// A leader from outside the ISR (`isr`: the ISR it was not in).
    Unclean {
        tp: TopicPartition,
        leader: BrokerId,
        epoch: i32,
        isr: Vec<BrokerId>,
    },
    /// No live replica in the ISR and unclean election off: leader -1.
    Offline {
        tp: TopicPartition,
        isr: Vec<BrokerId>,
        epoch: i32,
    },
}

/// Why a partition leader refused a produce (ReplicaManager).
#[derive(Clone, Debug, PartialEq)]
pub enum AppendError {
    /// acks=all with the ISR below min.insync.replicas.
    NotEnoughReplicas {
        broker: BrokerId,
        tp: TopicPartition,
        isr: Vec<BrokerId>,
        min_isr: usize,
    },
    /// An idempotent batch out of order, duplicated or of a fenced epoch.
    ProducerState {
        error: KafkaError,
        tp: TopicPartition,
        producer_id: i64,
        epoch: i16,
        first_sequence: i32,
        last_sequence: i32,
    },
}

/// What goes wrong on the producer's side (Sender, RecordAccumulator, KafkaProducer).
#[derive(Clone, Debug, PartialEq)]
pub enum ProducerError {
    /// The producer could not connect to the broker.
    ConnectionRefused { producer: Rc<str>, broker: BrokerId },
    /// No answer within `request.timeout.ms`: the producer disconnects and retries.
    RequestTimedOut { producer: Rc<str>, broker: BrokerId },
    /// `delivery.timeout.ms` passed: the batch fails.
    BatchExpired {
        producer: Rc<str>,
        records: usize,
        tp: TopicPartition,
        waited_ms: u64,
    },
    /// A retriable error: the batch goes back to the queue.
    Retry {
        producer: Rc<str>,
        tp: TopicPartition,
        attempts_left: u32,
        error: KafkaError,
    },
    /// A batch failed for good.
    Failed {
        producer: Rc<str>,
        records: usize,
        tp: TopicPartition,
        error: KafkaError,
    },
    /// A metadata response without some of the producer's topics.
    MetadataIssue {
        producer: Rc<str>,
        correlation_id: u64,
        errors: String,
    },
    /// A send blocked past `max.block.ms` (`what`: the TimeoutException's message).
    SendTimedOut {
        producer: Rc<str>,
        topic: String,
        what: String,
    },
}

impl TraceLine {
    pub fn kind(&self) -> TraceKind {
        match self {
            TraceLine::Broker(_) => TraceKind::Broker,
            TraceLine::Controller(_) => TraceKind::Controller,
            TraceLine::ConsumerCrashed { .. } => TraceKind::Consumer,
            TraceLine::Network(_) => TraceKind::Fault,
            TraceLine::Election(_) => TraceKind::Election,
            TraceLine::PreparingRebalance { .. } => TraceKind::Group,
            TraceLine::AppendRefused(_) | TraceLine::Producer(_) => TraceKind::ProduceError,
            TraceLine::Text(kind, _) => *kind,
        }
    }
}

impl fmt::Display for TraceLine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TraceLine::Broker(e) => e.fmt(f),
            TraceLine::Controller(e) => e.fmt(f),
            TraceLine::ConsumerCrashed { consumer } => {
                write!(f, "Consumer {consumer} crashed (kill -9)")
            }
            TraceLine::Network(e) => e.fmt(f),
            TraceLine::Election(e) => e.fmt(f),
            TraceLine::PreparingRebalance {
                coordinator,
                group,
                generation,
                reason,
            } => write!(
                f,
                "[GroupCoordinator {coordinator}]: Preparing to rebalance group {group} in state PreparingRebalance with old generation {generation} (reason: {reason})."
            ),
            TraceLine::AppendRefused(e) => e.fmt(f),
            TraceLine::Producer(e) => e.fmt(f),
            TraceLine::Text(_, text) => f.write_str(text),
        }
    }
}

impl fmt::Display for BrokerEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BrokerEvent::Started { broker } => write!(f, "[KafkaServer id={broker}] started"),
            BrokerEvent::ControlledShutdown { broker } => write!(
                f,
                "[KafkaServer id={broker}] shutting down (controlled shutdown)"
            ),
            BrokerEvent::Killed { broker } => write!(f, "Broker {broker} killed (kill -9)"),
        }
    }
}

impl fmt::Display for ControllerEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ControllerEvent::Killed { controller } => write!(f, "Controller {controller} killed"),
            ControllerEvent::Started { controller } => {
                write!(f, "Controller {controller} started")
            }
            ControllerEvent::RaftLeaderElected {
                controller: id,
                epoch,
                voters,
            } => {
                write!(
                    f,
                    "[RaftManager id={id}] Completed transition to Leader(localId={id}, epoch={epoch})"
                )?;
                match voters {
                    Some(n) => write!(f, " with {n} voter(s)"),
                    None => Ok(()),
                }
            }
            ControllerEvent::ZkControllerElected {
                controller: id,
                epoch,
            } => write!(
                f,
                "[Controller id={id}] {id} successfully elected as the controller. Epoch incremented to {epoch}"
            ),
        }
    }
}

impl fmt::Display for NetworkFault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NetworkFault::Isolated { node } => write!(f, "{node} isolated from the network"),
            NetworkFault::Healed { node: None } => f.write_str("healed all network faults"),
            NetworkFault::Healed { node: Some(n) } => write!(f, "healed network faults of {n}"),
            NetworkFault::LinkCut { a, b } => write!(f, "link {a} <-> {b} cut"),
            NetworkFault::LinkSlowed { a, b, ms } => {
                write!(f, "link {a} <-> {b} slowed to {ms} ms")
            }
            NetworkFault::LatencySet { ms } => write!(f, "network latency set to {ms} ms"),
            NetworkFault::MessagesDropped { count, kind } => match count {
                Some(c) => write!(f, "dropping {c} {} message(s)", kind.name()),
                None => write!(f, "dropping all {} message(s)", kind.name()),
            },
        }
    }
}

impl fmt::Display for LeaderElection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LeaderElection::Elected {
                tp,
                leader,
                epoch,
                isr,
            } => write!(
                f,
                "Elected broker {leader} as leader of {tp} at epoch {epoch} (ISR [{}])",
                join(isr)
            ),
            LeaderElection::Preferred {
                tp,
                leader,
                epoch,
                isr,
            } => write!(
                f,
                "Elected broker {leader}, the preferred replica, as leader of {tp} again at epoch {epoch} (ISR [{}]; auto.leader.rebalance.enable)",
                join(isr)
            ),
            LeaderElection::Unclean {
                tp,
                leader,
                epoch,
                isr,
            } => write!(
                f,
                "UNCLEAN leader election for {tp}: broker {leader} (not in the ISR [{}]) is now leader at epoch {epoch}; records it does not have are lost",
                join(isr)
            ),
            LeaderElection::Offline { tp, isr, epoch } => write!(
                f,
                "{tp} is offline: no live replica in the ISR [{}] (unclean.leader.election.enable=false); leader -1 at epoch {epoch}",
                join(isr)
            ),
        }
    }
}

impl fmt::Display for AppendError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AppendError::NotEnoughReplicas {
                broker,
                tp,
                isr,
                min_isr,
            } => write!(
                f,
                "[ReplicaManager broker={broker}] Error processing append operation on partition {tp}: NotEnoughReplicasException: The size of the current ISR [{}] is insufficient to satisfy the min.isr requirement of {min_isr} for partition {tp}",
                join(isr)
            ),
            AppendError::ProducerState {
                error,
                tp,
                producer_id,
                epoch,
                first_sequence,
                last_sequence,
            } => write!(
                f,
                "{} for partition {tp}: producerId={producer_id}, epoch={epoch}, sequence {first_sequence}..{last_sequence}",
                error.name()
            ),
        }
    }
}

impl fmt::Display for ProducerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use ProducerError::*;
        match self {
            ConnectionRefused { producer, broker } => write!(
                f,
                "[Producer clientId={producer}] Connection to node {broker} could not be established. Node may not be available."
            ),
            RequestTimedOut { producer, broker } => write!(
                f,
                "[Producer clientId={producer}] Disconnecting from node {broker} due to request timeout."
            ),
            BatchExpired {
                producer,
                records,
                tp,
                waited_ms,
            } => write!(
                f,
                "[Producer clientId={producer}] Expiring {records} record(s) for {tp}:{waited_ms} ms has passed since batch creation"
            ),
            Retry {
                producer,
                tp,
                attempts_left,
                error,
            } => write!(
                f,
                "[Producer clientId={producer}] Got error produce response on topic-partition {tp}, retrying ({attempts_left} attempts left). Error: {}",
                error.name()
            ),
            Failed {
                producer,
                records,
                tp,
                error,
            } => write!(
                f,
                "[Producer clientId={producer}] Failed to send {records} record(s) to {tp}: {}",
                error.name()
            ),
            MetadataIssue {
                producer,
                correlation_id,
                errors,
            } => write!(
                f,
                "[Producer clientId={producer}] The metadata response from the cluster reported a recoverable issue with correlation id {correlation_id} : {{{errors}}}"
            ),
            SendTimedOut {
                producer,
                topic,
                what,
            } => write!(
                f,
                "[Producer clientId={producer}] Error when sending message to topic {topic}: org.apache.kafka.common.errors.TimeoutException: {what}"
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each variant renders the text the line had when it was a string (the trace hash and
    /// the tours' expectations read it).
    #[test]
    fn typed_lines_render_as_kafka_style_text() {
        let tp = TopicPartition::new("orders", 1);
        let p: Rc<str> = Rc::from("p1");
        let cases = [
            (
                TraceLine::Controller(ControllerEvent::RaftLeaderElected {
                    controller: 3000,
                    epoch: 1,
                    voters: Some(3),
                }),
                "[RaftManager id=3000] Completed transition to Leader(localId=3000, epoch=1) with 3 voter(s)",
            ),
            (
                TraceLine::Network(NetworkFault::MessagesDropped {
                    count: None,
                    kind: MessageKind::FetchResponse,
                }),
                "dropping all fetch-response message(s)",
            ),
            (
                TraceLine::Election(LeaderElection::Offline {
                    tp: tp.clone(),
                    isr: vec![2, 3],
                    epoch: 4,
                }),
                "orders-1 is offline: no live replica in the ISR [2,3] (unclean.leader.election.enable=false); leader -1 at epoch 4",
            ),
            (
                TraceLine::AppendRefused(AppendError::ProducerState {
                    error: KafkaError::OutOfOrderSequenceNumber,
                    tp: tp.clone(),
                    producer_id: 7,
                    epoch: 0,
                    first_sequence: 5,
                    last_sequence: 9,
                }),
                "OUT_OF_ORDER_SEQUENCE_NUMBER for partition orders-1: producerId=7, epoch=0, sequence 5..9",
            ),
            (
                TraceLine::Producer(ProducerError::MetadataIssue {
                    producer: p.clone(),
                    correlation_id: 12,
                    errors: "ghost=UNKNOWN_TOPIC_OR_PARTITION".into(),
                }),
                "[Producer clientId=p1] The metadata response from the cluster reported a recoverable issue with correlation id 12 : {ghost=UNKNOWN_TOPIC_OR_PARTITION}",
            ),
            (
                TraceLine::Producer(ProducerError::BatchExpired {
                    producer: p,
                    records: 3,
                    tp,
                    waited_ms: 120_000,
                }),
                "[Producer clientId=p1] Expiring 3 record(s) for orders-1:120000 ms has passed since batch creation",
            ),
        ];
        for (line, text) in cases {
            assert_eq!(line.to_string(), text);
        }
    }
}

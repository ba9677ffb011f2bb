//! Read-only views of the cluster, shaped like Kafka's admin output (`kafka-topics.sh --describe`).
//! The page and the report read the model through these.

use serde::Serialize;

use super::{BrokerId, BrokerState, Simulation};

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct BrokerDescription {
    pub id: BrokerId,
    pub state: BrokerState,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PartitionDescription {
    pub topic: String,
    pub partition: i32,
    /// `None` prints as Kafka's `none` / -1: offline.
    pub leader: Option<BrokerId>,
    pub leader_epoch: i32,
    pub replicas: Vec<BrokerId>,
    pub isr: Vec<BrokerId>,
}

impl Simulation {
    pub fn describe_brokers(&self) -> Vec<BrokerDescription> {
        self.brokers
            .values()
            .map(|b| BrokerDescription {
                id: b.id,
                state: b.state,
            })
            .collect()
    }

    /// Every partition of every topic, topics by name, partitions by number.
    pub fn describe_partitions(&self) -> Vec<PartitionDescription> {
        self.metadata
            .topics
            .values()
            .flat_map(|t| {
                t.partitions
                    .iter()
                    .enumerate()
                    .map(|(i, p)| PartitionDescription {
                        topic: t.name.clone(),
                        partition: i as i32,
                        leader: p.leader,
                        leader_epoch: p.leader_epoch,
                        replicas: p.replicas.clone(),
                        isr: p.isr.clone(),
                    })
            })
            .collect()
    }
}

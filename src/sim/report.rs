//! The JSON report of a run (`kafka-sim run`): the cluster's state, every partition's logs and
//! committed records, what each producer had acknowledged or failed, acknowledged records that
//! are gone, and the invariant violations.

use serde::Serialize;

use super::broker::BrokerState;
use super::config::ControllerMode;
use super::invariants::Violation;
use super::producer::{AckedRecord, FailedRecord};
use super::replica::Replica;
use super::{BrokerId, Simulation, TopicPartition};

#[derive(Serialize)]
pub struct Report {
    pub time_ms: u64,
    pub seed: u64,
    pub mode: ControllerMode,
    pub controller: ControllerReport,
    pub brokers: Vec<BrokerReport>,
    pub partitions: Vec<PartitionReport>,
    pub producers: Vec<ProducerReport>,
    pub acknowledged_records_lost: Vec<LostRecord>,
    pub invariant_violations: Vec<Violation>,
    pub trace_hash: String,
}

#[derive(Serialize)]
pub struct ControllerReport {
    /// KRaft: the active controller's node id; ZooKeeper mode: the controller broker's id.
    pub active: Option<i32>,
    pub epoch: i32,
}

#[derive(Serialize)]
pub struct BrokerReport {
    pub id: BrokerId,
    pub state: BrokerState,
    pub fenced: bool,
}

#[derive(Serialize)]
pub struct CommittedRecord {
    pub offset: i64,
    pub key: Option<String>,
    pub value: String,
    pub producer: String,
}

#[derive(Serialize)]
pub struct PartitionReport {
    pub topic: String,
    pub partition: i32,
    pub leader: Option<BrokerId>,
    pub leader_epoch: i32,
    pub replicas: Vec<BrokerId>,
    pub isr: Vec<BrokerId>,
    pub high_watermark: i64,
    pub log_start_offset: i64,
    /// Each replica's log end offset, by broker id.
    pub leo: std::collections::BTreeMap<String, i64>,
    /// The records below the high watermark (what consumers may read).
    pub committed: Vec<CommittedRecord>,
}

#[derive(Serialize)]
pub struct ProducerReport {
    pub name: String,
    pub producer_id: i64,
    pub acked: Vec<AckedRecord>,
    pub failed: Vec<FailedRecord>,
}

#[derive(Serialize, Clone, Debug, PartialEq, Eq)]
pub struct LostRecord {
    pub producer: String,
    pub topic: String,
    pub partition: i32,
    pub offset: i64,
    pub key: Option<String>,
    pub value: String,
}

impl Simulation {
    /// The replica that speaks for a partition: its leader, or (offline) the replica that was
    /// last in the ISR.
    pub fn authoritative_replica(&self, tp: &TopicPartition) -> Option<&Replica> {
        let reg = self
            .metadata
            .topics
            .get(&tp.topic)?
            .partitions
            .get(tp.partition as usize)?;
        let broker = reg.leader.or_else(|| reg.isr.first().copied())?;
        self.brokers.get(&broker)?.replicas.get(tp)
    }

    /// Acknowledged records (acks=1/all) no longer in the partition's log at their offset.
    pub fn lost_acknowledged_records(&self) -> Vec<LostRecord> {
        let mut lost = Vec::new();
        for p in &self.producers {
            for a in p.acked.iter().filter(|a| a.offset >= 0) {
                let tp = TopicPartition::new(a.topic.to_string(), a.partition);
                let reg = &self.metadata.topics[&*a.topic].partitions[a.partition as usize];
                if reg.leader.is_none() {
                    continue; // offline: not lost yet, the ISR's last member may return
                }
                let Some(r) = self.authoritative_replica(&tp) else {
                    continue;
                };
                if a.offset < r.log.log_start_offset() {
                    continue; // deleted by retention, not lost
                }
                let present = r
                    .log
                    .entry(a.offset)
                    .is_some_and(|e| e.record.id == a.record_id);
                if !present {
                    lost.push(LostRecord {
                        producer: p.name.to_string(),
                        topic: a.topic.to_string(),
                        partition: a.partition,
                        offset: a.offset,
                        key: a.key.as_deref().map(str::to_string),
                        value: a.value.to_string(),
                    });
                }
            }
        }
        lost
    }

    /// End-of-run invariants: durability where Kafka promises it, and agreement of committed logs.
    pub fn end_of_run_violations(&self) -> Vec<Violation> {
        let mut v = Vec::new();
        let lost = self.lost_acknowledged_records();
        for l in &lost {
            let topic = &self.metadata.topics[&l.topic];
            let producer = self.producers.iter().find(|p| *p.name == *l.producer);
            let promised = producer.is_some_and(|p| p.config.acks == -1)
                && topic.effective_min_isr(l.partition as usize) >= 2
                && !topic.config.unclean_leader_election_enable;
            if promised {
                v.push(Violation {
                    at_ms: self.now_ms,
                    invariant: "acknowledged-record-lost",
                    detail: format!("{}-{} offset {} ({}) acknowledged with acks=all, min.insync.replicas>=2, and lost", l.topic, l.partition, l.offset, l.value),
                });
            }
        }
        for t in self.metadata.topics.values() {
            for (i, reg) in t.partitions.iter().enumerate() {
                let tp = TopicPartition::new(t.name.clone(), i as i32);
                let Some(leader) = reg
                    .leader
                    .and_then(|l| self.brokers.get(&l))
                    .and_then(|b| b.replicas.get(&tp))
                else {
                    continue;
                };
                for &b in &reg.isr {
                    let Some(r) = self.brokers.get(&b).and_then(|x| x.replicas.get(&tp)) else {
                        continue;
                    };
                    let upto = r.high_watermark.min(leader.high_watermark);
                    let from = r.log.log_start_offset().max(leader.log.log_start_offset());
                    for off in from..upto {
                        let (a, c) = (r.log.entry(off), leader.log.entry(off));
                        if a.map(|e| e.record.id) != c.map(|e| e.record.id) {
                            v.push(Violation {
                                at_ms: self.now_ms,
                                invariant: "committed-logs-diverge",
                                detail: format!(
                                    "{tp} offset {off}: broker {b} and leader differ below the HW"
                                ),
                            });
                            break;
                        }
                    }
                }
            }
        }
        v
    }

    pub fn report(&self) -> Report {
        let brokers = self
            .brokers
            .values()
            .map(|b| BrokerReport {
                id: b.id,
                state: b.state,
                fenced: self.metadata.brokers.get(&b.id).is_none_or(|r| r.fenced),
            })
            .collect();
        let mut partitions = Vec::new();
        for t in self.metadata.topics.values() {
            for (i, reg) in t.partitions.iter().enumerate() {
                let tp = TopicPartition::new(t.name.clone(), i as i32);
                let auth = self.authoritative_replica(&tp);
                let leo = reg
                    .replicas
                    .iter()
                    .filter_map(|b| {
                        Some((
                            b.to_string(),
                            self.brokers.get(b)?.replicas.get(&tp)?.log.leo(),
                        ))
                    })
                    .collect();
                let committed = auth
                    .map(|r| {
                        r.log
                            .read(r.log.log_start_offset(), r.high_watermark, usize::MAX)
                            .into_iter()
                            .map(|e| CommittedRecord {
                                offset: e.offset,
                                key: e.record.key.as_deref().map(str::to_string),
                                value: e.record.value.to_string(),
                                producer: e.record.producer.to_string(),
                            })
                            .collect()
                    })
                    .unwrap_or_default();
                partitions.push(PartitionReport {
                    topic: t.name.clone(),
                    partition: i as i32,
                    leader: reg.leader,
                    leader_epoch: reg.leader_epoch,
                    replicas: reg.replicas.clone(),
                    isr: reg.isr.clone(),
                    high_watermark: auth.map_or(0, |r| r.high_watermark),
                    log_start_offset: auth.map_or(0, |r| r.log.log_start_offset()),
                    leo,
                    committed,
                });
            }
        }
        let producers = self
            .producers
            .iter()
            .map(|p| ProducerReport {
                name: p.name.to_string(),
                producer_id: p.producer_id,
                acked: p.acked.clone(),
                failed: p.failed.clone(),
            })
            .collect();
        let mut invariant_violations = self.invariants.violations.clone();
        invariant_violations.extend(self.end_of_run_violations());
        Report {
            time_ms: self.now_ms,
            seed: self.config.seed,
            mode: self.config.mode,
            controller: ControllerReport {
                active: self.controller.active,
                epoch: self.controller.epoch,
            },
            brokers,
            partitions,
            producers,
            acknowledged_records_lost: self.lost_acknowledged_records(),
            invariant_violations,
            trace_hash: format!("{:016x}", self.trace.hash()),
        }
    }

    pub fn report_json(&self) -> String {
        serde_json::to_string_pretty(&self.report()).expect("the report serializes")
    }
}

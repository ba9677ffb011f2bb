//! The JSON report of a run (`kafka-sim run`): the cluster's state, every partition's logs and
//! committed records, what each producer had acknowledged or failed, acknowledged records that
//! are gone, and the invariant violations.

use super::sort::CollectSet;
use super::vec_map::VecMap;
use super::vec_set::VecSet;
use serde::Serialize;

use super::broker::BrokerState;
use super::config::ControllerMode;
use super::consumer::{Consumer, ConsumerState, ProcessedRecord};
use super::coordinator::{Group, GroupState, OFFSETS_TOPIC, OFFSETS_TOPIC_NUM_PARTITIONS};
use super::hash::offsets_partition_for;
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
    pub groups: Vec<GroupReport>,
    pub consumers: Vec<ConsumerReport>,
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
    pub leo: VecMap<String, i64>,
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
                if self.acked_record_lost(&a.topic, a.partition, a.offset, a.record_id) {
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

    /// Every partition as the metadata has it, with the authoritative replica's HW and
    /// committed records, and each replica's LEO.
    fn partition_reports(&self) -> Vec<PartitionReport> {
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
        partitions
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
        let partitions = self.partition_reports();
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
            groups: self.group_reports(),
            consumers: self.consumer_reports(),
            invariant_violations,
            trace_hash: format!("{:016x}", self.trace.hash()),
        }
    }

    pub fn report_json(&self) -> String {
        serde_json::to_string_pretty(&self.report()).expect("the report serializes")
    }
}

/// One group as `kafka-consumer-groups.sh --describe` and the coordinator see it.
#[derive(Serialize)]
pub struct GroupReport {
    pub group: String,
    pub state: Option<GroupState>,
    pub generation: i32,
    pub protocol: Option<String>,
    pub coordinator: Option<BrokerId>,
    pub offsets_partition: i32,
    pub members: Vec<MemberReport>,
    pub partitions: Vec<GroupPartitionReport>,
    /// Offsets below a committed offset that no consumer of the group processed (lost).
    pub committed_not_processed: Vec<String>,
    /// Records processed more than once by the group (at-least-once duplicates).
    pub processed_more_than_once: Vec<String>,
}

#[derive(Serialize)]
pub struct MemberReport {
    pub member_id: String,
    pub client_id: String,
    pub group_instance_id: Option<String>,
    pub assignment: Vec<String>,
}

#[derive(Serialize)]
pub struct GroupPartitionReport {
    pub topic: String,
    pub partition: i32,
    /// CURRENT-OFFSET: the committed offset (next to read).
    pub committed: Option<i64>,
    /// LOG-END-OFFSET as the tool shows it: the high watermark.
    pub log_end_offset: i64,
    pub lag: Option<i64>,
}

#[derive(Serialize)]
pub struct ConsumerReport {
    pub name: String,
    pub group: String,
    pub state: ConsumerState,
    pub member_id: String,
    pub generation: i32,
    pub assignment: Vec<String>,
    pub polled: u64,
    pub processed: Vec<ProcessedRecord>,
    pub errors: Vec<String>,
}

impl Simulation {
    /// The broker coordinating `group` now and its view of the group.
    pub fn group_view(&self, group: &str) -> (Option<BrokerId>, Option<&Group>) {
        let p = offsets_partition_for(group, OFFSETS_TOPIC_NUM_PARTITIONS);
        let leader = self
            .metadata
            .topics
            .get(OFFSETS_TOPIC)
            .and_then(|t| t.partitions.get(p as usize))
            .and_then(|r| r.leader);
        let g = leader
            .and_then(|l| self.brokers.get(&l))
            .and_then(|b| b.coordinator.groups.get(group));
        (leader, g)
    }

    pub fn group_reports(&self) -> Vec<GroupReport> {
        let groups: VecSet<&str> = self
            .consumers
            .iter()
            .map(|c| c.config.group_id.as_str())
            .collect_set();
        groups
            .into_iter()
            .map(|group| {
                let (coordinator, g) = self.group_view(group);
                let members = g
                    .map(|g| {
                        g.members
                            .iter()
                            .map(|(id, m)| MemberReport {
                                member_id: id.clone(),
                                client_id: m.client_id.clone(),
                                group_instance_id: m.group_instance_id.clone(),
                                assignment: m.assignment.iter().map(|t| t.to_string()).collect(),
                            })
                            .collect()
                    })
                    .unwrap_or_default();
                let consumers: Vec<&Consumer> = self
                    .consumers
                    .iter()
                    .filter(|c| c.config.group_id == group)
                    .collect();
                let topics: VecSet<&String> =
                    consumers.iter().flat_map(|c| c.topics.iter()).collect_set();
                let mut partitions = Vec::new();
                let mut lost = Vec::new();
                let mut dups = Vec::new();
                for t in topics {
                    let Some(meta) = self.metadata.topics.get(t) else {
                        continue;
                    };
                    for p in 0..meta.partitions.len() as i32 {
                        let tp = TopicPartition::new(t.clone(), p);
                        let committed = g.and_then(|g| g.offsets.get(&tp).copied());
                        let hw = self
                            .authoritative_replica(&tp)
                            .map_or(0, |r| r.high_watermark);
                        partitions.push(GroupPartitionReport {
                            topic: t.clone(),
                            partition: p,
                            committed,
                            log_end_offset: hw,
                            lag: committed.map(|c| (hw - c).max(0)),
                        });
                        check_processing(&consumers, &tp, committed, &mut dups, &mut lost);
                    }
                }
                GroupReport {
                    group: group.to_string(),
                    state: g.map(|g| g.state),
                    generation: g.map_or(0, |g| g.generation),
                    protocol: g.and_then(|g| g.protocol.clone()),
                    coordinator,
                    offsets_partition: offsets_partition_for(group, OFFSETS_TOPIC_NUM_PARTITIONS),
                    members,
                    partitions,
                    committed_not_processed: lost,
                    processed_more_than_once: dups,
                }
            })
            .collect()
    }

    pub fn consumer_reports(&self) -> Vec<ConsumerReport> {
        self.consumers
            .iter()
            .map(|c| ConsumerReport {
                name: c.name.to_string(),
                group: c.config.group_id.clone(),
                state: c.state,
                member_id: c.member_id.clone(),
                generation: c.generation,
                assignment: c.assignment.iter().map(|t| t.to_string()).collect(),
                polled: c.polled,
                processed: c.processed.clone(),
                errors: c.errors.clone(),
            })
            .collect()
    }
}

/// One partition of a group: the offsets its consumers processed more than once (`dups`), and
/// the committed offsets no consumer processed (`lost`).
fn check_processing(
    consumers: &[&Consumer],
    tp: &TopicPartition,
    committed: Option<i64>,
    dups: &mut Vec<String>,
    lost: &mut Vec<String>,
) {
    let mut seen: VecMap<i64, u32> = VecMap::new();
    for c in consumers {
        for r in c
            .processed
            .iter()
            .filter(|r| &*r.topic == tp.topic.as_str() && r.partition == tp.partition)
        {
            *seen.entry(r.offset).or_default() += 1;
        }
    }
    for (o, n) in &seen {
        if *n > 1 {
            dups.push(format!("{tp}@{o}"));
        }
    }
    // Offsets whose processed records left the bounded lists are not checked.
    let dropped_below = consumers
        .iter()
        .filter_map(|c| c.processed_from.get(tp).copied())
        .max()
        .unwrap_or(0);
    let start = consumers
        .iter()
        .filter_map(|c| c.start_positions.get(tp).copied())
        .min()
        .map(|s| s.max(dropped_below));
    if let (Some(start), Some(committed)) = (start, committed) {
        for o in start..committed {
            if !seen.contains_key(&o) {
                lost.push(format!("{tp}@{o}"));
            }
        }
    }
}

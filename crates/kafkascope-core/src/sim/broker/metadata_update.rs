//! A broker learning the controller's metadata (KRaft metadata records / ZooKeeper-mode
//! LeaderAndIsr and UpdateMetadata): becoming leader or follower of each replica it hosts,
//! truncating and starting fetchers, and which brokers are fenced.

use super::*;
use crate::sim::metadata::PartitionRegistration;

impl Broker {
    // ---- metadata ---------------------------------------------------------------------------

    pub(super) fn on_metadata_update(
        &mut self,
        partitions: Vec<(
            TopicPartition,
            PartitionRegistration,
            crate::sim::metadata::TopicConfig,
        )>,
        fenced: Vec<BrokerId>,
        now: u64,
        cfg: &BrokerConfig,
        out: &mut Out,
    ) {
        self.fenced_view = fenced.into_iter().collect_set();
        let node = self.node();
        let mut leaders_to_fetch = VecSet::new();
        let mut loads = Vec::new();
        let mut unloads = Vec::new();
        for (tp, reg, topic_config) in partitions {
            let known = self.leader_image.get(&tp).map_or(-1, |e| e.1);
            if reg.leader_epoch >= known {
                self.leader_image
                    .insert(tp.clone(), (reg.leader, reg.leader_epoch));
            }
            if !reg.replicas.contains(&self.id) {
                continue;
            }
            let r = self
                .replicas
                .entry(tp.clone())
                .or_insert_with(|| Replica::new(tp.clone(), topic_config.clone()));
            r.config = topic_config;
            if reg.leader_epoch < r.leader_epoch
                || (reg.leader_epoch == r.leader_epoch
                    && reg.partition_epoch <= r.partition_epoch
                    && r.leader == reg.leader)
            {
                continue; // stale
            }
            let same_epoch = reg.leader_epoch == r.leader_epoch;
            r.replicas = reg.replicas.clone();
            r.isr = reg.isr.clone();
            r.partition_epoch = reg.partition_epoch;
            if reg.leader == Some(self.id) {
                if !(same_epoch && r.leading.is_some()) {
                    become_leader(r, self.id, &reg, now, node, out);
                    if tp.topic == OFFSETS_TOPIC {
                        let records: Vec<_> = r.log.entries().map(|e| e.record.clone()).collect();
                        loads.push((tp.partition, records));
                    }
                }
                r.leader = Some(self.id);
                let fenced = self.fenced_view.clone();
                r.maybe_increment_hw(now, cfg.replica_lag_time_max_ms, |b| !fenced.contains(&b));
                self.complete_delayed(&tp, now, out);
            } else {
                if resign_leadership(r, node, out) && tp.topic == OFFSETS_TOPIC {
                    unloads.push(tp.partition);
                }
                if !same_epoch {
                    trace_follower(&tp, self.id, &reg, node, out);
                }
                r.leader_epoch = reg.leader_epoch;
                r.leader = reg.leader;
                if let Some(l) = reg.leader {
                    leaders_to_fetch.insert(l);
                }
            }
        }
        for leader in leaders_to_fetch {
            self.maybe_fetch(leader, cfg, out);
        }
        for partition in unloads {
            self.coordinator.unload(partition, node, out);
        }
        for (partition, records) in loads {
            self.coordinator.load(partition, &records, node, now, out);
        }
    }
}

/// `Partition.makeLeader`: the replica remembers its followers and starts the epoch at its
/// LEO.
fn become_leader(
    r: &mut Replica,
    me: BrokerId,
    reg: &PartitionRegistration,
    now: u64,
    node: NodeId,
    out: &mut Out,
) {
    let leo = r.log.leo();
    r.leader_epoch = reg.leader_epoch;
    r.log.epochs.assign(reg.leader_epoch, leo);
    let followers = reg
        .replicas
        .iter()
        .filter(|&&b| b != me)
        .map(|&b| {
            let in_isr = reg.isr.contains(&b);
            (
                b,
                FollowerState {
                    leo: -1,
                    last_caught_up_ms: if in_isr { now } else { 0 },
                    last_fetch_leader_leo: -1,
                    last_fetch_ms: 0,
                },
            )
        })
        .collect_map();
    r.leading = Some(LeaderState {
        followers,
        epoch_start_offset: leo,
        pending_isr: None,
        delayed: Default::default(),
    });
    r.rebuild_producer_state();
    let tp = &r.tp;
    out.trace(
        node,
        TraceKind::Election,
        format!(
            "[Partition {tp} broker={me}] {tp} starts at leader epoch {} from offset {} with partition epoch {}, high watermark {}, ISR [{}]",
            reg.leader_epoch,
            leo,
            reg.partition_epoch,
            r.high_watermark,
            join(&reg.isr)
        ),
    );
}

/// A leader no more: waiting acks=all produces get NOT_LEADER_OR_FOLLOWER (a group's pending
/// metadata: its members learn it when the group unloads). Whether it led.
fn resign_leadership(r: &mut Replica, node: NodeId, out: &mut Out) -> bool {
    let Some(leading) = r.leading.take() else {
        return false;
    };
    for d in leading
        .delayed
        .into_iter()
        .filter(|d| d.store_group.is_none())
    {
        out.send(
            node,
            d.from,
            d.reply(&r.tp, Err(KafkaError::NotLeaderOrFollower)),
        );
    }
    true
}

/// `Partition.makeFollower`'s log line (or the partition has no leader).
fn trace_follower(
    tp: &TopicPartition,
    me: BrokerId,
    reg: &PartitionRegistration,
    node: NodeId,
    out: &mut Out,
) {
    let epoch = reg.leader_epoch;
    out.trace(
        node,
        TraceKind::Replication,
        match reg.leader {
            Some(l) => format!(
                "[Partition {tp} broker={me}] {tp} starts as follower of leader {l} at epoch {epoch}"
            ),
            None => format!("[Partition {tp} broker={me}] {tp} has no leader (epoch {epoch})"),
        },
    );
}

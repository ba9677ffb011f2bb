//! The cluster metadata the controller owns (KRaft's metadata image / ZooKeeper's znodes):
//! topics, partition registrations, broker registrations; and the leader election rules
//! (`PartitionChangeBuilder.electLeader`, the ZK-era `PartitionLeaderElectionAlgorithms`).

use serde::Serialize;

use super::log::LogConfig;
use super::vec_map::VecMap;
use super::BrokerId;

/// One partition as the controller has it registered (KRaft `PartitionRegistration`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PartitionRegistration {
    pub replicas: Vec<BrokerId>,
    pub isr: Vec<BrokerId>,
    /// `None` is Kafka's leader -1: the partition is offline.
    pub leader: Option<BrokerId>,
    pub leader_epoch: i32,
    pub partition_epoch: i32,
}

/// Topic-level configs (Kafka names in scripts; defaults as Kafka's).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TopicConfig {
    pub min_insync_replicas: i32,
    pub unclean_leader_election_enable: bool,
    pub log: LogConfig,
}

impl Default for TopicConfig {
    fn default() -> Self {
        Self {
            min_insync_replicas: 1,
            unclean_leader_election_enable: false,
            log: LogConfig::default(),
        }
    }
}

#[derive(Clone, Debug)]
pub struct TopicMetadata {
    pub name: String,
    pub config: TopicConfig,
    pub partitions: Vec<PartitionRegistration>,
}

impl TopicMetadata {
    /// `Partition.effectiveMinIsr`: min(min.insync.replicas, replication factor).
    pub fn effective_min_isr(&self, partition: usize) -> usize {
        let rf = self.partitions[partition].replicas.len();
        (self.config.min_insync_replicas.max(1) as usize).min(rf)
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BrokerRegistration {
    /// Fenced brokers are not in the cluster's live set: they lead nothing and leave ISRs.
    pub fenced: bool,
    pub in_controlled_shutdown: bool,
    /// When the controller last heard from the broker (heartbeat or ZK session ping).
    pub last_heard_ms: u64,
}

#[derive(Clone, Debug, Default)]
pub struct ClusterMetadata {
    /// Bumped by every change the controller propagates (the metadata log's end offset).
    pub version: u64,
    pub topics: VecMap<String, TopicMetadata>,
    pub brokers: VecMap<BrokerId, BrokerRegistration>,
}

impl ClusterMetadata {
    /// A broker may lead or join an ISR (KRaft "acceptable"): registered, unfenced, not shutting down.
    pub fn is_acceptable(&self, broker: BrokerId) -> bool {
        self.brokers
            .get(&broker)
            .is_some_and(|b| !b.fenced && !b.in_controlled_shutdown)
    }
}

/// How the leader was chosen, for the trace.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Election {
    Online,
    Unclean,
    /// The preferred replica (`replicas[0]`) back as leader (controller/leader_balance.rs).
    Preferred,
}

/// Leader election for a partition whose ISR is `isr` (already without departing brokers).
/// ONLINE: keep the current leader if valid, else the first valid replica in replica order.
/// UNCLEAN (only if enabled and ONLINE found nobody): the first acceptable replica; ISR := [it].
/// Returns (leader, isr, how) — leader `None` means offline.
pub fn elect_leader(
    replicas: &[BrokerId],
    isr: &[BrokerId],
    current_leader: Option<BrokerId>,
    unclean_enabled: bool,
    acceptable: impl Fn(BrokerId) -> bool,
) -> (Option<BrokerId>, Vec<BrokerId>, Election) {
    let valid = |b: BrokerId| acceptable(b) && isr.contains(&b);
    if let Some(l) = current_leader.filter(|&l| valid(l)) {
        return (Some(l), isr.to_vec(), Election::Online);
    }
    if let Some(&l) = replicas.iter().find(|&&b| valid(b)) {
        return (Some(l), isr.to_vec(), Election::Online);
    }
    if unclean_enabled {
        if let Some(&l) = replicas.iter().find(|&&b| acceptable(b)) {
            return (Some(l), vec![l], Election::Unclean);
        }
    }
    (None, isr.to_vec(), Election::Online)
}

/// The ISR after `broker` is fenced or shuts down: removed, except that the ISR is never
/// emptied (ELR off): the last member stays, leader -1, until it returns.
pub fn isr_without(isr: &[BrokerId], broker: BrokerId) -> Vec<BrokerId> {
    let rest: Vec<BrokerId> = isr.iter().copied().filter(|&b| b != broker).collect();
    if rest.is_empty() {
        isr.to_vec()
    } else {
        rest
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn election_table() {
        // (replicas, isr, current leader, unclean, alive) -> (leader, isr, how)
        struct Case {
            replicas: &'static [i32],
            isr: &'static [i32],
            current: Option<i32>,
            unclean: bool,
            alive: &'static [i32],
            want_leader: Option<i32>,
            want_isr: &'static [i32],
            want_how: Election,
        }
        let cases = [
            // current leader still valid: kept even though replica 1 is first
            Case {
                replicas: &[1, 2, 3],
                isr: &[1, 2, 3],
                current: Some(2),
                unclean: false,
                alive: &[1, 2, 3],
                want_leader: Some(2),
                want_isr: &[1, 2, 3],
                want_how: Election::Online,
            },
            // leader died: first valid in replica order, not "most caught up"
            Case {
                replicas: &[3, 1, 2],
                isr: &[1, 2],
                current: Some(3),
                unclean: false,
                alive: &[1, 2],
                want_leader: Some(1),
                want_isr: &[1, 2],
                want_how: Election::Online,
            },
            // nobody in the ISR alive, unclean off: offline
            Case {
                replicas: &[1, 2, 3],
                isr: &[1],
                current: Some(1),
                unclean: false,
                alive: &[2, 3],
                want_leader: None,
                want_isr: &[1],
                want_how: Election::Online,
            },
            // unclean on: first acceptable replica leads, ISR becomes [it]
            Case {
                replicas: &[1, 2, 3],
                isr: &[1],
                current: Some(1),
                unclean: true,
                alive: &[3, 2],
                want_leader: Some(2),
                want_isr: &[2],
                want_how: Election::Unclean,
            },
        ];
        for c in cases {
            let (leader, isr, how) = elect_leader(c.replicas, c.isr, c.current, c.unclean, |b| {
                c.alive.contains(&b)
            });
            assert_eq!(leader, c.want_leader);
            assert_eq!(isr, c.want_isr);
            assert_eq!(how, c.want_how);
        }
    }

    #[test]
    fn isr_is_never_emptied() {
        assert_eq!(isr_without(&[1, 2], 2), vec![1]);
        assert_eq!(isr_without(&[2], 2), vec![2]);
    }
}

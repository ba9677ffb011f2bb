//! A partition as one broker holds it (Kafka's `Partition` + `Replica`): the log, the high
//! watermark, the leader epoch, and — while leading — each follower's fetch state, the ISR and
//! the produce requests waiting for acks=all. The HW and lag rules are free functions with
//! tables of tests beside them.

use std::collections::VecDeque;

use super::error::KafkaError;
use super::group_protocol::GroupResponse;
use super::log::Log;
use super::metadata::TopicConfig;
use super::network::{NodeId, Payload};
use super::producer_state::{BatchMetadata, ProducerStateTable};
use super::vec_map::VecMap;
use super::{BrokerId, TopicPartition};

/// What the leader knows of one follower (`ReplicaState`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FollowerState {
    pub leo: i64,
    pub last_caught_up_ms: u64,
    pub last_fetch_leader_leo: i64,
    pub last_fetch_ms: u64,
}

impl FollowerState {
    /// `Replica.updateFetchStateOrThrow`: a fetch at `fetch_offset` while the leader's LEO is
    /// `leader_leo`. Caught up now if it reached the LEO; caught up as of the previous fetch if
    /// it reached the LEO the leader had then.
    pub fn on_fetch(&mut self, fetch_offset: i64, leader_leo: i64, now_ms: u64) {
        if fetch_offset >= leader_leo {
            self.last_caught_up_ms = self.last_caught_up_ms.max(now_ms);
        } else if fetch_offset >= self.last_fetch_leader_leo {
            self.last_caught_up_ms = self.last_caught_up_ms.max(self.last_fetch_ms);
        }
        self.leo = fetch_offset;
        self.last_fetch_leader_leo = leader_leo;
        self.last_fetch_ms = now_ms;
    }

    /// `ReplicaState.isCaughtUp`.
    pub fn is_caught_up(&self, leader_leo: i64, now_ms: u64, replica_lag_time_max_ms: u64) -> bool {
        self.leo == leader_leo
            || now_ms.saturating_sub(self.last_caught_up_ms) <= replica_lag_time_max_ms
    }
}

/// The leader's HW candidate (`Partition.maybeIncrementLeaderHW`): its LEO lowered to the LEO of
/// each remote that counts (in the maximal ISR, or caught up and ISR-eligible). `None` while the
/// committed ISR is below the effective min ISR (the HW is frozen then, KAFKA-15583).
pub fn leader_hw_candidate(
    leader_leo: i64,
    committed_isr_len: usize,
    effective_min_isr: usize,
    remotes: impl IntoIterator<Item = (i64, bool)>,
) -> Option<i64> {
    if committed_isr_len < effective_min_isr {
        return None;
    }
    Some(
        remotes
            .into_iter()
            .filter(|&(_, counts)| counts)
            .map(|(leo, _)| leo)
            .fold(leader_leo, i64::min),
    )
}

/// A produce (acks=all) waiting until the HW passes its last offset (`DelayedProduce`).
#[derive(Clone, Debug)]
pub struct DelayedProduce {
    pub from: NodeId,
    pub request_id: u64,
    pub first_offset: i64,
    pub required_offset: i64,
    pub deadline_ms: u64,
    /// Set when this append is a group's offset commit to `__consumer_offsets` (Kafka writes
    /// commits with acks=all and answers once they are replicated).
    pub commit: Option<(String, Vec<(TopicPartition, i64)>)>,
    /// Set when this append is a group's metadata after a rebalance (group, generation): no
    /// client waits for it; the coordinator completes the rebalance (`Broker::group_stored`).
    pub store_group: Option<(String, i32)>,
}

impl DelayedProduce {
    /// The answer to send back: a ProduceResponse, or an OffsetCommit response.
    pub fn reply(&self, tp: &TopicPartition, result: Result<i64, KafkaError>) -> Payload {
        match &self.commit {
            None => Payload::ProduceResponse {
                request_id: self.request_id,
                tp: tp.clone(),
                result,
            },
            Some((_, offsets)) => Payload::GroupResponse {
                request_id: self.request_id,
                body: GroupResponse::OffsetCommit(match result {
                    Ok(_) => Ok(offsets.clone()),
                    Err(KafkaError::NotLeaderOrFollower) => Err(KafkaError::NotCoordinator),
                    Err(e) => Err(e),
                }),
            },
        }
    }
}

#[derive(Clone, Debug)]
pub struct LeaderState {
    pub followers: VecMap<BrokerId, FollowerState>,
    /// The LEO when this broker became leader: a follower joins the ISR only past it.
    pub epoch_start_offset: i64,
    /// An AlterPartition in flight (one at a time per partition): the ISR it asks for.
    pub pending_isr: Option<Vec<BrokerId>>,
    pub delayed: VecDeque<DelayedProduce>,
}

#[derive(Clone, Debug)]
pub struct Replica {
    pub tp: TopicPartition,
    pub log: Log,
    pub high_watermark: i64,
    pub leader_epoch: i32,
    pub partition_epoch: i32,
    pub replicas: Vec<BrokerId>,
    pub isr: Vec<BrokerId>,
    pub leader: Option<BrokerId>,
    /// Present while this broker leads the partition.
    pub leading: Option<LeaderState>,
    pub producers: ProducerStateTable,
    pub config: TopicConfig,
}

impl Replica {
    pub fn new(tp: TopicPartition, config: TopicConfig) -> Self {
        Self {
            tp,
            log: Log::new(),
            high_watermark: 0,
            leader_epoch: -1,
            partition_epoch: -1,
            replicas: Vec::new(),
            isr: Vec::new(),
            leader: None,
            leading: None,
            producers: ProducerStateTable::default(),
            config,
        }
    }

    pub fn effective_min_isr(&self) -> usize {
        (self.config.min_insync_replicas.max(1) as usize).min(self.replicas.len().max(1))
    }

    /// The ISR including a pending expansion (Kafka's "maximal ISR").
    pub fn maximal_isr(&self) -> Vec<BrokerId> {
        let mut isr = self.isr.clone();
        if let Some(pending) = self.leading.as_ref().and_then(|l| l.pending_isr.as_ref()) {
            for b in pending {
                if !isr.contains(b) {
                    isr.push(*b);
                }
            }
        }
        isr
    }

    /// Recomputes the leader's HW; returns true when it moved (it only moves forward).
    pub fn maybe_increment_hw(
        &mut self,
        now_ms: u64,
        lag_max_ms: u64,
        eligible: impl Fn(BrokerId) -> bool,
    ) -> bool {
        let Some(leading) = &self.leading else {
            return false;
        };
        let leo = self.log.leo();
        let maximal = self.maximal_isr();
        let remotes = leading.followers.iter().map(|(&b, f)| {
            let counts =
                maximal.contains(&b) || (f.is_caught_up(leo, now_ms, lag_max_ms) && eligible(b));
            (f.leo, counts)
        });
        match leader_hw_candidate(leo, self.isr.len(), self.effective_min_isr(), remotes) {
            Some(hw) if hw > self.high_watermark => {
                self.high_watermark = hw;
                true
            }
            _ => false,
        }
    }

    /// Rebuilds the idempotent-producer state from the log (after truncation or on becoming
    /// leader), as Kafka reloads it from snapshots and the log.
    pub fn rebuild_producer_state(&mut self) {
        self.producers.clear();
        for e in self.log.entries() {
            if e.stamp.producer_id >= 0 && e.stamp.sequence == e.stamp.batch_last_seq {
                let count = (e.stamp.batch_last_seq as i64 - e.stamp.batch_first_seq as i64)
                    .rem_euclid(1 << 31);
                self.producers.record(
                    e.stamp.producer_id,
                    e.stamp.producer_epoch,
                    BatchMetadata {
                        first_seq: e.stamp.batch_first_seq,
                        last_seq: e.stamp.batch_last_seq,
                        first_offset: e.offset - count,
                    },
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hw_table() {
        // (leader LEO, committed ISR size, min ISR, remotes) -> candidate
        type Case = (i64, usize, usize, &'static [(i64, bool)], Option<i64>);
        let cases: &[Case] = &[
            (10, 3, 1, &[(10, true), (7, true)], Some(7)),
            // a follower outside the ISR that does not count does not hold the HW back
            (10, 2, 1, &[(10, true), (2, false)], Some(10)),
            // a caught-up, eligible follower about to join does hold it back
            (10, 1, 1, &[(9, true)], Some(9)),
            // ISR below min.insync.replicas: frozen
            (10, 1, 2, &[(10, true)], None),
            (5, 1, 1, &[], Some(5)),
        ];
        for &(leo, isr, min, remotes, want) in cases {
            assert_eq!(
                leader_hw_candidate(leo, isr, min, remotes.iter().copied()),
                want
            );
        }
    }

    #[test]
    fn caught_up_uses_the_previous_fetch_leo() {
        let mut f = FollowerState::default();
        f.on_fetch(0, 10, 1000); // behind
        assert_eq!(f.last_caught_up_ms, 0);
        f.on_fetch(10, 20, 2000); // reached what the leader had at the previous fetch
        assert_eq!(f.last_caught_up_ms, 1000);
        f.on_fetch(20, 20, 3000); // reached the LEO
        assert_eq!(f.last_caught_up_ms, 3000);
        // equal LEO is never out of sync, whatever the time
        assert!(f.is_caught_up(20, 1_000_000, 30_000));
        assert!(!f.is_caught_up(25, 40_000, 30_000));
        assert!(f.is_caught_up(25, 33_000, 30_000));
    }
}

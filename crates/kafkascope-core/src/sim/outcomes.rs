//! Outcomes a learner asks about, read off the model: which acknowledged records are gone and
//! which configuration allowed it, and which records a consumer group processed more than once
//! or committed past without processing. Kafka keeps none of this (a client sees only its own
//! callbacks); the page draws it as marks on the producers and the log cells, and the
//! JavaScript API returns the counts.

use serde::Serialize;

use super::consumer::{Consumer, ConsumerState};
use super::report::LostRecord;
use super::vec_map::VecMap;
use super::{Simulation, TopicPartition};

/// Offsets as sorted, disjoint, non-adjacent half-open ranges. A consumer processes a partition
/// in offset order, so a long run of records takes one range, not one entry per record.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OffsetRanges(Vec<(i64, i64)>);

impl OffsetRanges {
    /// The index of the first range ending after `offset`.
    fn index(&self, offset: i64) -> usize {
        self.0.partition_point(|&(_, end)| end <= offset)
    }

    pub fn contains(&self, offset: i64) -> bool {
        self.0
            .get(self.index(offset))
            .is_some_and(|&(start, _)| start <= offset)
    }

    /// Adds `offset`; false when it was there already.
    pub fn insert(&mut self, offset: i64) -> bool {
        let i = self.index(offset);
        let next = self.0.get(i).copied();
        if next.is_some_and(|(start, _)| start <= offset) {
            return false;
        }
        let joins_previous = i > 0 && self.0[i - 1].1 == offset;
        let joins_next = next.is_some_and(|(start, _)| start == offset + 1);
        match (joins_previous, joins_next) {
            (true, true) => {
                self.0[i - 1].1 = self.0[i].1;
                self.0.remove(i);
            }
            (true, false) => self.0[i - 1].1 = offset + 1,
            (false, true) => self.0[i].0 = offset,
            (false, false) => self.0.insert(i, (offset, offset + 1)),
        }
        true
    }

    /// How many offsets it holds.
    pub fn count(&self) -> u64 {
        self.0.iter().map(|&(s, e)| (e - s) as u64).sum()
    }

    pub fn ranges(&self) -> &[(i64, i64)] {
        &self.0
    }

    /// The offsets covered at least `times` times by `sets` together.
    fn covered(sets: &[&OffsetRanges], times: usize) -> OffsetRanges {
        let mut edges: Vec<(i64, i32)> = sets
            .iter()
            .flat_map(|s| s.0.iter().flat_map(|&(a, b)| [(a, 1), (b, -1)]))
            .collect();
        crate::sim::sort::sort(&mut edges);
        let (mut out, mut depth, mut open) = (Vec::new(), 0usize, None);
        for (at, step) in edges {
            depth = (depth as i64 + step as i64) as usize;
            match open {
                None if depth >= times => open = Some(at),
                Some(start) if depth < times => {
                    if start < at {
                        push_merged(&mut out, (start, at));
                    }
                    open = None;
                }
                _ => {}
            }
        }
        OffsetRanges(out)
    }

    /// The offsets in any of `sets`.
    pub fn union(sets: &[&OffsetRanges]) -> OffsetRanges {
        OffsetRanges::covered(sets, 1)
    }

    /// The offsets in both.
    pub fn intersection(&self, other: &OffsetRanges) -> OffsetRanges {
        OffsetRanges::covered(&[self, other], 2)
    }

    /// The offsets of `start..end` not in `self`.
    pub fn gaps(&self, start: i64, end: i64) -> OffsetRanges {
        let mut out = Vec::new();
        let mut at = start;
        for &(a, b) in &self.0 {
            if b <= at {
                continue;
            }
            if a >= end {
                break;
            }
            if a > at {
                out.push((at, a));
            }
            at = b;
        }
        if at < end {
            out.push((at, end));
        }
        OffsetRanges(out)
    }
}

fn push_merged(out: &mut Vec<(i64, i64)>, range: (i64, i64)) {
    match out.last_mut() {
        Some(last) if last.1 >= range.0 => last.1 = last.1.max(range.1),
        _ => out.push(range),
    }
}

/// What one consumer application processed, per partition: every offset (`once`) and the
/// offsets it processed again (after a restart or a seek back, it re-reads from the committed
/// offset: at-least-once). Kept across `consumer restart`, like its processed list.
#[derive(Clone, Debug, Default)]
pub struct ProcessedOffsets {
    pub once: VecMap<TopicPartition, OffsetRanges>,
    pub again: VecMap<TopicPartition, OffsetRanges>,
}

impl ProcessedOffsets {
    pub fn record(&mut self, tp: &TopicPartition, offset: i64) {
        let fresh = match self.once.get_mut(tp) {
            Some(r) => r.insert(offset),
            None => {
                let mut r = OffsetRanges::default();
                r.insert(offset);
                self.once.insert(tp.clone(), r);
                true
            }
        };
        if !fresh {
            self.again.entry(tp.clone()).or_default().insert(offset);
        }
    }
}

/// One partition as one group processed it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct GroupPartitionOutcome {
    /// Processed by some member at least once.
    pub processed: OffsetRanges,
    /// Processed more than once: by two members (a rebalance moved the partition before a
    /// commit) or twice by one (a restart re-read from the committed offset).
    pub twice: OffsetRanges,
    /// Below the group's committed offset, at or after where its members started reading, and
    /// processed by none (nor held by a live member, on its way): at-most-once's loss.
    pub never: OffsetRanges,
}

/// Why Kafka allowed an acknowledged record to be lost. Kafka promises an acknowledged record
/// survives only with acks=all, an effective min.insync.replicas of at least 2 and no unclean
/// election (KAFKA-SEMANTICS R6, R5, and UNCLEAN: `ProducerConfig.java` ACKS_DOC,
/// `TopicConfig.java` MIN_IN_SYNC_REPLICAS_DOC and UNCLEAN_LEADER_ELECTION_ENABLE_DOC).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LossAllowedBy {
    /// The leader acknowledged before any follower had the record.
    Acks1,
    /// acks=all, but the ISR could shrink to the leader alone.
    MinInsyncReplicas1,
    /// A replica outside the ISR could become leader.
    UncleanLeaderElection,
}

impl LossAllowedBy {
    /// The configuration, as Kafka names it.
    pub fn config(self) -> &'static str {
        match self {
            LossAllowedBy::Acks1 => "acks=1",
            LossAllowedBy::MinInsyncReplicas1 => "min.insync.replicas=1",
            LossAllowedBy::UncleanLeaderElection => "unclean.leader.election.enable=true",
        }
    }
}

/// An acknowledged record no longer in its partition's log.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AcknowledgedLoss {
    pub record: LostRecord,
    /// `None`: Kafka promised it would survive (an invariant violation).
    pub allowed_by: Option<LossAllowedBy>,
}

impl Simulation {
    /// Whether the record acknowledged at `offset` is no longer there. Not lost yet while the
    /// partition is offline (the ISR's last member may return), nor below the log start offset
    /// (retention deleted it).
    pub fn acked_record_lost(
        &self,
        topic: &str,
        partition: i32,
        offset: i64,
        record_id: u64,
    ) -> bool {
        let Some(reg) = self
            .metadata
            .topics
            .get(topic)
            .and_then(|t| t.partitions.get(partition as usize))
        else {
            return false;
        };
        if reg.leader.is_none() {
            return false;
        }
        let tp = TopicPartition::new(topic, partition);
        let Some(r) = self.authoritative_replica(&tp) else {
            return false;
        };
        let present = r.log.entry(offset).map(|e| e.record.id) == Some(record_id);
        offset >= r.log.log_start_offset() && !present
    }

    /// The configuration that allowed `lost` to be lost, or `None` if Kafka promised it.
    pub fn loss_allowed_by(&self, lost: &LostRecord) -> Option<LossAllowedBy> {
        self.loss_allowed_for(&lost.producer, &lost.topic, lost.partition)
    }

    /// The configuration that allows `producer`'s acknowledged records on the partition to be
    /// lost, or `None` if Kafka promises they survive.
    pub fn loss_allowed_for(
        &self,
        producer: &str,
        topic: &str,
        partition: i32,
    ) -> Option<LossAllowedBy> {
        let topic = self.metadata.topics.get(topic)?;
        let acks_all = self
            .producers
            .iter()
            .find(|p| *p.name == *producer)
            .is_some_and(|p| p.config.acks == -1);
        if !acks_all {
            Some(LossAllowedBy::Acks1)
        } else if topic.effective_min_isr(partition as usize) < 2 {
            Some(LossAllowedBy::MinInsyncReplicas1)
        } else if topic.config.unclean_leader_election_enable {
            Some(LossAllowedBy::UncleanLeaderElection)
        } else {
            None
        }
    }

    /// Every acknowledged record lost, with what allowed it.
    pub fn acknowledged_losses(&self) -> Vec<AcknowledgedLoss> {
        self.lost_acknowledged_records()
            .into_iter()
            .map(|record| AcknowledgedLoss {
                allowed_by: self.loss_allowed_by(&record),
                record,
            })
            .collect()
    }

    fn group_consumers<'a>(&'a self, group: &'a str) -> impl Iterator<Item = &'a Consumer> {
        self.consumers
            .iter()
            .filter(move |c| c.config.group_id == group)
    }

    /// How `group` processed partition `tp`.
    pub fn group_partition_outcome(
        &self,
        group: &str,
        tp: &TopicPartition,
    ) -> GroupPartitionOutcome {
        let members: Vec<&Consumer> = self.group_consumers(group).collect();
        let once: Vec<&OffsetRanges> = members
            .iter()
            .filter_map(|c| c.processed_offsets.once.get(tp))
            .collect();
        let mut twice_sets: Vec<&OffsetRanges> = members
            .iter()
            .filter_map(|c| c.processed_offsets.again.get(tp))
            .collect();
        let across = OffsetRanges::covered(&once, 2);
        twice_sets.push(&across);
        let processed = OffsetRanges::union(&once);
        let twice = OffsetRanges::union(&twice_sets);
        GroupPartitionOutcome {
            never: self.never_processed(group, tp, &members, &processed),
            processed,
            twice,
        }
    }

    /// Offsets below the group's committed offset that no member processed or holds.
    fn never_processed(
        &self,
        group: &str,
        tp: &TopicPartition,
        members: &[&Consumer],
        processed: &OffsetRanges,
    ) -> OffsetRanges {
        let committed = self
            .group_view(group)
            .1
            .and_then(|g| g.offsets.get(tp).copied());
        let start = members
            .iter()
            .filter_map(|c| c.start_positions.get(tp).copied())
            .min();
        let (Some(start), Some(committed)) = (start, committed) else {
            return OffsetRanges::default();
        };
        let mut seen = processed.clone();
        for c in members.iter().filter(|c| c.state == ConsumerState::Running) {
            for (_, offset) in c.unprocessed().filter(|(t, _)| *t == tp) {
                seen.insert(offset);
            }
        }
        seen.gaps(start, committed)
    }

    /// Records `group` processed more than once, over every partition it read.
    pub fn processed_twice_count(&self, group: &str) -> u64 {
        let mut tps: Vec<&TopicPartition> = self
            .group_consumers(group)
            .flat_map(|c| c.processed_offsets.once.keys())
            .collect();
        crate::sim::sort::sort(&mut tps);
        tps.dedup();
        tps.into_iter()
            .map(|tp| self.group_partition_outcome(group, tp).twice.count())
            .sum()
    }
}

impl Simulation {
    /// Records `consumer` processed that its group processed more than once (by it or by
    /// another member).
    pub fn consumer_processed_twice(&self, consumer: &Consumer) -> u64 {
        let group = consumer.config.group_id.as_str();
        consumer
            .processed_offsets
            .once
            .iter()
            .map(|(tp, mine)| {
                let twice = self.group_partition_outcome(group, tp).twice;
                mine.intersection(&twice).count()
            })
            .sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ranges(offsets: &[i64]) -> OffsetRanges {
        let mut r = OffsetRanges::default();
        for &o in offsets {
            r.insert(o);
        }
        r
    }

    #[test]
    fn offsets_in_order_take_one_range_and_a_repeat_is_refused() {
        let mut r = ranges(&[0, 1, 2, 5, 4, 3]);
        assert_eq!(r.ranges(), &[(0, 6)]);
        assert!(!r.insert(4));
        assert!(r.insert(9));
        assert_eq!(r.ranges(), &[(0, 6), (9, 10)]);
        assert_eq!(r.count(), 7);
        assert!(r.contains(5) && !r.contains(6) && r.contains(9));
    }

    #[test]
    fn covered_twice_is_the_overlap_and_gaps_are_the_rest() {
        let (a, b) = (ranges(&[0, 1, 2, 3]), ranges(&[2, 3, 4, 5]));
        assert_eq!(OffsetRanges::covered(&[&a, &b], 2).ranges(), &[(2, 4)]);
        assert_eq!(OffsetRanges::union(&[&a, &b]).ranges(), &[(0, 6)]);
        assert_eq!(
            ranges(&[1, 2, 5]).gaps(0, 7).ranges(),
            &[(0, 1), (3, 5), (6, 7)]
        );
    }

    #[test]
    fn a_consumer_processing_an_offset_again_records_it() {
        let tp = TopicPartition::new("t", 0);
        let mut p = ProcessedOffsets::default();
        for o in [0, 1, 2, 1, 2] {
            p.record(&tp, o);
        }
        assert_eq!(p.once[&tp].ranges(), &[(0, 3)]);
        assert_eq!(p.again[&tp].ranges(), &[(1, 3)]);
    }
}

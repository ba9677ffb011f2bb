//! What each drawn log cell carries besides its offset: the record's fate, read from the core
//! (`sim::outcomes`). Acknowledged to its producer; an acknowledged record lost at this offset
//! and the configuration that allowed it; a copy of a record appended twice (a retry without
//! idempotence); the idempotent producer's sequence number; and, per consumer group, processed
//! more than once or committed past without being processed.

use std::rc::Rc;

use crate::sim::log::LogEntry;
use crate::sim::outcomes::{GroupPartitionOutcome, LossAllowedBy};
use crate::sim::sort::CollectSet;
use crate::sim::vec_map::VecMap;
use crate::sim::vec_set::VecSet;
use crate::sim::{Simulation, TopicPartition};

/// Acknowledgements read per producer, newest first: the cells drawn are a log's newest, and a
/// partition's acks come in offset order, so older acknowledgements fall before the cells. The
/// record inspector has any record's whole story.
const ACKS_READ: usize = 4096;
/// How far back in a log a cell's record is looked for again (a retry lands a few batches on).
const DUPLICATE_WINDOW: usize = 64;

/// One log cell's marks.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CellMarks {
    /// Its producer was told it is written (acks=1 or all).
    pub acked: bool,
    /// An acknowledged record that was at this offset is gone; what allowed it (`None` inside:
    /// Kafka promised it, a broken invariant).
    pub lost: Option<Option<LossAllowedBy>>,
    /// The same record is also at this earlier offset (a retry appended twice).
    pub duplicate_of: Option<i64>,
    /// The idempotent producer's sequence number (-1 without idempotence).
    pub sequence: i32,
    /// Groups that processed it more than once.
    pub twice: Vec<Rc<str>>,
    /// Groups whose committed offset passed it while no member processed it.
    pub never: Vec<Rc<str>>,
}

impl CellMarks {
    pub fn any(&self) -> bool {
        self.acked
            || self.lost.is_some()
            || self.duplicate_of.is_some()
            || !self.twice.is_empty()
            || !self.never.is_empty()
    }
}

/// One drawn log cell: its offset, the leader epoch it was appended in, its marks. A cell
/// without a record (`ghost`) stands past the log's end where an acknowledged record was lost.
#[derive(Clone, Debug, PartialEq)]
pub struct CellView {
    pub offset: i64,
    pub epoch: i32,
    pub ghost: bool,
    pub marks: CellMarks,
}

/// What the model knows about one partition's records, read once per view for every replica.
#[derive(Default)]
pub struct PartitionFates {
    /// Acknowledged record ids, sorted.
    acked: Vec<u64>,
    /// Offsets whose acknowledged record is gone: its producer, and what allowed it.
    lost: VecMap<i64, (Rc<str>, Option<LossAllowedBy>)>,
    /// Per group reading the partition, how it processed it.
    groups: Vec<(Rc<str>, GroupPartitionOutcome)>,
}

/// Every partition's fates, by partition.
pub fn partition_fates(sim: &Simulation) -> VecMap<TopicPartition, PartitionFates> {
    let mut fates: VecMap<TopicPartition, PartitionFates> = VecMap::new();
    for p in &sim.producers {
        for a in p
            .acked
            .iter()
            .rev()
            .take(ACKS_READ)
            .filter(|a| a.offset >= 0)
        {
            let tp = TopicPartition::new(&*a.topic, a.partition);
            let f = fates.entry(tp).or_default();
            f.acked.push(a.record_id);
            if sim.acked_record_lost(&a.topic, a.partition, a.offset, a.record_id) {
                let allowed = sim.loss_allowed_for(&p.name, &a.topic, a.partition);
                f.lost.insert(a.offset, (p.name.clone(), allowed));
            }
        }
    }
    for f in fates.values_mut() {
        crate::sim::sort::sort(&mut f.acked);
    }
    let groups: VecSet<&str> = sim
        .consumers
        .iter()
        .map(|c| c.config.group_id.as_str())
        .collect_set();
    for g in groups {
        let name: Rc<str> = Rc::from(g);
        let tps: Vec<TopicPartition> = sim
            .consumers
            .iter()
            .filter(|c| c.config.group_id == g)
            .flat_map(|c| c.processed_offsets.once.keys().cloned())
            .collect();
        for tp in tps {
            let f = fates.entry(tp.clone()).or_default();
            if f.groups.iter().any(|(n, _)| **n == *g) {
                continue;
            }
            let outcome = sim.group_partition_outcome(g, &tp);
            f.groups.push((name.clone(), outcome));
        }
    }
    fates
}

impl PartitionFates {
    /// The marks of the record at `entry` (its log's newest entries before it are `before`).
    fn marks(&self, entry: &LogEntry, before: &[&LogEntry]) -> CellMarks {
        let o = entry.offset;
        CellMarks {
            acked: self.acked.binary_search(&entry.record.id).is_ok(),
            lost: self.lost.get(&o).map(|(_, allowed)| *allowed),
            duplicate_of: before
                .iter()
                .find(|e| e.record.id == entry.record.id)
                .map(|e| e.offset),
            sequence: entry.stamp.sequence,
            twice: self.groups_where(|g| g.twice.contains(o)),
            never: self.groups_where(|g| g.never.contains(o)),
        }
    }

    fn groups_where(&self, test: impl Fn(&GroupPartitionOutcome) -> bool) -> Vec<Rc<str>> {
        self.groups
            .iter()
            .filter(|(_, g)| test(g))
            .map(|(n, _)| n.clone())
            .collect()
    }

    /// The `newest` cells of a replica's log, marked, then a ghost cell for each lost
    /// acknowledged offset past its end.
    pub fn cells<'a>(
        fates: Option<&Self>,
        entries: impl Iterator<Item = &'a LogEntry>,
        len: usize,
        newest: usize,
        leo: i64,
    ) -> Vec<CellView> {
        let skip = len.saturating_sub(newest + DUPLICATE_WINDOW);
        let window: Vec<&LogEntry> = entries.skip(skip).collect();
        let first_drawn = window.len().saturating_sub(newest);
        let mut cells: Vec<CellView> = window
            .iter()
            .enumerate()
            .skip(first_drawn)
            .map(|(i, e)| CellView {
                offset: e.offset,
                epoch: e.leader_epoch,
                ghost: false,
                marks: match fates {
                    Some(f) => f.marks(e, &window[..i]),
                    None => CellMarks {
                        sequence: e.stamp.sequence,
                        ..CellMarks::default()
                    },
                },
            })
            .collect();
        if let Some(f) = fates {
            for (&offset, &(_, allowed)) in f.lost.range(leo..) {
                cells.push(CellView {
                    offset,
                    epoch: -1,
                    ghost: true,
                    marks: CellMarks {
                        lost: Some(allowed),
                        sequence: -1,
                        ..CellMarks::default()
                    },
                });
            }
        }
        cells
    }
}

/// How many of `producer`'s acknowledged records are lost (among those read), and what allowed
/// the first.
pub fn lost_of(
    fates: &VecMap<TopicPartition, PartitionFates>,
    producer: &str,
) -> (usize, Option<LossAllowedBy>) {
    let mut lost = fates
        .values()
        .flat_map(|f| f.lost.values())
        .filter(|(p, _)| **p == *producer);
    match lost.next() {
        Some((_, allowed)) => (1 + lost.count(), *allowed),
        None => (0, None),
    }
}

//! `PartitionMovements` of the sticky assignor's general path (`AbstractStickyAssignor.java`).

use super::java::JavaHashTable;
use super::partition_map::PartitionMap;
use super::{Ctx, Tp};
use crate::sim::vec_map::VecMap;

/// `PartitionMovements`: where reassigned partitions came from, so that a later move in the
/// opposite direction moves the same partition back (keeping the result sticky).
pub(super) struct Movements {
    by_partition: PartitionMap<(usize, usize)>,
    /// topic → (src, dst) → partitions, each set a Java `HashSet` whose first element matters.
    by_topic: VecMap<u32, VecMap<(usize, usize), JavaHashTable<Tp>>>,
}

impl Movements {
    pub(super) fn new(ctx: &Ctx) -> Self {
        Self {
            by_partition: PartitionMap::new(ctx),
            by_topic: VecMap::new(),
        }
    }

    fn remove_record(&mut self, ctx: &Ctx, tp: Tp) -> Option<(usize, usize)> {
        let pair = self.by_partition.remove(ctx, tp)?;
        if let Some(topic) = self.by_topic.get_mut(&tp.topic) {
            if let Some(set) = topic.get_mut(&pair) {
                set.remove(&tp);
                if set.is_empty() {
                    topic.remove(&pair);
                }
            }
            if topic.is_empty() {
                self.by_topic.remove(&tp.topic);
            }
        }
        Some(pair)
    }

    fn add_record(&mut self, ctx: &Ctx, tp: Tp, pair: (usize, usize)) {
        self.by_partition.insert(ctx, tp, pair);
        self.by_topic
            .entry(tp.topic)
            .or_default()
            .entry(pair)
            .or_insert_with(JavaHashTable::new)
            .insert(tp, ctx.tp_hash(tp));
    }

    pub(super) fn move_partition(&mut self, ctx: &Ctx, tp: Tp, old: usize, new: usize) {
        if let Some((src, _dst)) = self.remove_record(ctx, tp) {
            // Moving back to where it came from cancels the movement.
            if src != new {
                self.add_record(ctx, tp, (src, new));
            }
        } else {
            self.add_record(ctx, tp, (old, new));
        }
    }

    /// `getTheActualPartitionToBeMoved`: if some partition of the topic already moved from
    /// `new` to the (original) owner, move that one back instead.
    pub(super) fn actual_partition_to_move(&self, ctx: &Ctx, tp: Tp, old: usize, new: usize) -> Tp {
        let Some(topic) = self.by_topic.get(&tp.topic) else {
            return tp;
        };
        let old = self.by_partition.get(ctx, tp).map_or(old, |&(src, _)| src);
        topic
            .get(&(new, old))
            .and_then(JavaHashTable::first)
            .unwrap_or(tp)
    }
}

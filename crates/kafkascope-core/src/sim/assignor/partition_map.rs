//! A value per partition of one assignment, one slot per partition (by [`Ctx::flat`]): the sticky
//! assignors' maps over every partition (previous owners, claims, movements).
//!
//! Why not a `BTreeMap<Tp, _>`: its code is a few KB of wasm per value type. Why not a `VecMap`:
//! these maps are filled in no key order (members' owned lists), up to 100,000 partitions, and a
//! sorted `Vec` moves its tail on every insert (10× slower there). A slot per partition is O(1)
//! and iterates in (topic, partition) order, as the `BTreeMap` did.

use super::{Ctx, Tp};

pub(crate) struct PartitionMap<V> {
    slots: Vec<Option<V>>,
}

/// The set of partitions of one assignment.
pub(crate) type PartitionSet = PartitionMap<()>;

impl<V> PartitionMap<V> {
    pub(crate) fn new(ctx: &Ctx) -> Self {
        let mut slots = Vec::new();
        slots.resize_with(ctx.total_partitions(), || None);
        Self { slots }
    }

    pub(crate) fn get(&self, ctx: &Ctx, tp: Tp) -> Option<&V> {
        self.slots[ctx.flat(tp)].as_ref()
    }

    pub(crate) fn get_mut(&mut self, ctx: &Ctx, tp: Tp) -> Option<&mut V> {
        self.slots[ctx.flat(tp)].as_mut()
    }

    pub(crate) fn contains(&self, ctx: &Ctx, tp: Tp) -> bool {
        self.slots[ctx.flat(tp)].is_some()
    }

    pub(crate) fn insert(&mut self, ctx: &Ctx, tp: Tp, value: V) -> Option<V> {
        self.slots[ctx.flat(tp)].replace(value)
    }

    pub(crate) fn remove(&mut self, ctx: &Ctx, tp: Tp) -> Option<V> {
        self.slots[ctx.flat(tp)].take()
    }

    /// The entries in (topic, partition) order.
    pub(crate) fn iter<'a>(&'a self, ctx: &Ctx) -> impl Iterator<Item = (Tp, &'a V)> + 'a {
        ctx.all_partitions()
            .into_iter()
            .zip(&self.slots)
            .filter_map(|(tp, slot)| slot.as_ref().map(|v| (tp, v)))
    }
}

impl PartitionSet {
    /// Adds `tp` to the set.
    pub(crate) fn add(&mut self, ctx: &Ctx, tp: Tp) {
        self.insert(ctx, tp, ());
    }
}

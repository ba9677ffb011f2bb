//! `VecSet`: an ordered set kept as one sorted `Vec`, with the part of `BTreeSet`'s API the
//! model uses, iterating in the same order. Why: see [`VecMap`]; a set shares its key search with
//! every map of the same key type.
//!
//! [`VecMap`]: super::vec_map::VecMap

use std::borrow::Borrow;
use std::fmt;
use std::ops::RangeBounds;

use serde::{Serialize, Serializer};

use super::vec_map::{index_range, search};

#[derive(Clone, PartialEq, Eq)]
pub struct VecSet<T> {
    items: Vec<T>,
}

impl<T> Default for VecSet<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T> VecSet<T> {
    pub const fn new() -> Self {
        Self { items: Vec::new() }
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub fn clear(&mut self) {
        self.items.clear();
    }

    pub fn iter(&self) -> std::slice::Iter<'_, T> {
        self.items.iter()
    }

    pub fn first(&self) -> Option<&T> {
        self.items.first()
    }

    pub fn last(&self) -> Option<&T> {
        self.items.last()
    }

    pub fn pop_first(&mut self) -> Option<T> {
        if self.items.is_empty() {
            return None;
        }
        Some(self.items.remove(0))
    }

    pub fn pop_last(&mut self) -> Option<T> {
        self.items.pop()
    }

    pub fn retain(&mut self, keep: impl FnMut(&T) -> bool) {
        self.items.retain(keep);
    }
}

impl<T: Ord> VecSet<T> {
    pub fn contains<Q: Ord + ?Sized>(&self, item: &Q) -> bool
    where
        T: Borrow<Q>,
    {
        search(&self.items, item).is_ok()
    }

    pub fn get<Q: Ord + ?Sized>(&self, item: &Q) -> Option<&T>
    where
        T: Borrow<Q>,
    {
        search(&self.items, item).ok().map(|i| &self.items[i])
    }

    /// Adds `item`; false if it was there (the one there is kept, as in `BTreeSet`).
    pub fn insert(&mut self, item: T) -> bool {
        match search(&self.items, &item) {
            Ok(_) => false,
            Err(i) => {
                self.items.insert(i, item);
                true
            }
        }
    }

    pub fn remove<Q: Ord + ?Sized>(&mut self, item: &Q) -> bool
    where
        T: Borrow<Q>,
    {
        self.take(item).is_some()
    }

    pub fn take<Q: Ord + ?Sized>(&mut self, item: &Q) -> Option<T>
    where
        T: Borrow<Q>,
    {
        let i = search(&self.items, item).ok()?;
        Some(self.items.remove(i))
    }

    pub fn range<Q: Ord + ?Sized>(&self, range: impl RangeBounds<Q>) -> std::slice::Iter<'_, T>
    where
        T: Borrow<Q>,
    {
        self.items[index_range(&self.items, &range)].iter()
    }

    /// The items of `self` not in `other`, in order.
    pub fn difference<'a>(&'a self, other: &'a Self) -> impl Iterator<Item = &'a T> + 'a {
        self.items.iter().filter(move |t| !other.contains(*t))
    }

    /// The items in both, in order.
    pub fn intersection<'a>(&'a self, other: &'a Self) -> impl Iterator<Item = &'a T> + 'a {
        self.items.iter().filter(move |t| other.contains(*t))
    }

    pub fn is_subset(&self, other: &Self) -> bool {
        self.items.iter().all(|t| other.contains(t))
    }
}

impl<T: Ord> Extend<T> for VecSet<T> {
    fn extend<I: IntoIterator<Item = T>>(&mut self, items: I) {
        for t in items {
            self.insert(t);
        }
    }
}

/// Built by insertion: no sort code per type.
impl<T: Ord> FromIterator<T> for VecSet<T> {
    fn from_iter<I: IntoIterator<Item = T>>(items: I) -> Self {
        let mut set = Self::new();
        set.extend(items);
        set
    }
}

impl<T: Ord, const N: usize> From<[T; N]> for VecSet<T> {
    fn from(items: [T; N]) -> Self {
        items.into_iter().collect()
    }
}

impl<T> IntoIterator for VecSet<T> {
    type Item = T;
    type IntoIter = std::vec::IntoIter<T>;

    fn into_iter(self) -> Self::IntoIter {
        self.items.into_iter()
    }
}

impl<'a, T> IntoIterator for &'a VecSet<T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

/// As `BTreeSet` prints: `{a, b}`.
impl<T: fmt::Debug> fmt::Debug for VecSet<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.iter()).finish()
    }
}

/// As `BTreeSet` serializes: a sequence in order.
impl<T: Serialize> Serialize for VecSet<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.iter())
    }
}

#[cfg(test)]
// VecSet is checked against std's BTreeSet, the behaviour it stands in for.
#[allow(clippy::disallowed_types)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn behaves_as_a_btree_set() {
        let mut ours: VecSet<(u32, u32)> = VecSet::new();
        let mut std: BTreeSet<(u32, u32)> = BTreeSet::new();
        let mut x: u64 = 5;
        for i in 0..1500u32 {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let item = (((x >> 33) % 20) as u32, ((x >> 40) % 9) as u32);
            if i % 3 == 0 {
                assert_eq!(ours.remove(&item), std.remove(&item));
            } else {
                assert_eq!(ours.insert(item), std.insert(item));
            }
            assert_eq!(ours.contains(&item), std.contains(&item));
        }
        assert!(ours.iter().eq(std.iter()));
        assert!(ours.range((3, 0)..(7, 4)).eq(std.range((3, 0)..(7, 4))));
        let other: VecSet<(u32, u32)> = ours.iter().copied().filter(|t| t.1 % 2 == 0).collect();
        let other_std: BTreeSet<(u32, u32)> = other.iter().copied().collect();
        assert!(ours.difference(&other).eq(std.difference(&other_std)));
        assert!(ours.intersection(&other).eq(std.intersection(&other_std)));
        assert!(other.is_subset(&ours));
        assert_eq!(format!("{ours:?}"), format!("{std:?}"));
        assert_eq!(ours.pop_first(), std.pop_first());
        assert_eq!(ours.first(), std.first());
        assert_eq!(ours.last(), std.last());
    }
}

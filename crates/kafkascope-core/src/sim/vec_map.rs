//! `VecMap`: an ordered map kept as two sorted `Vec`s (keys, values), with the part of
//! `BTreeMap`'s API the model uses, iterating in the same key order.
//!
//! Why not `BTreeMap`: its code (node search, insert with splits, remove with merges, clone,
//! drop, iterators) is instantiated for every key/value type, and the model has about fifty map
//! types: a fifth of the page's code before this. Here the per-type code is a binary search
//! over the keys (shared by every map with the same key type, sets included: [`VecSet`]) and a
//! `Vec` insert or remove. Lookups are O(log n); an insert or remove moves the entries after it,
//! so the model's maps that grow with the traffic (messages in flight, the partition logs) stay
//! `BTreeMap`s or `Vec`s. Inserting in key order appends.
//!
//! [`VecSet`]: super::vec_set::VecSet

use std::borrow::Borrow;
use std::cmp::Ordering;
use std::fmt;
use std::ops::{Bound, Index, RangeBounds};

use serde::{Serialize, Serializer};

/// Where `key` is in the sorted `keys`: `Ok(index)`, or `Err(index)` it would be inserted at.
/// The last key is looked at first: the model often inserts in key order (appends) and looks
/// up the same key many times in a row (records grouped by partition).
pub(crate) fn search<K: Borrow<Q>, Q: Ord + ?Sized>(keys: &[K], key: &Q) -> Result<usize, usize> {
    let Some(last) = keys.last() else {
        return Err(0);
    };
    match last.borrow().cmp(key) {
        Ordering::Less => Err(keys.len()),
        Ordering::Equal => Ok(keys.len() - 1),
        Ordering::Greater => keys[..keys.len() - 1].binary_search_by(|k| k.borrow().cmp(key)),
    }
}

/// The index range of the sorted `keys` that `range` covers, as `BTreeMap::range` selects.
pub(crate) fn index_range<K: Borrow<Q>, Q: Ord + ?Sized>(
    keys: &[K],
    range: &impl RangeBounds<Q>,
) -> std::ops::Range<usize> {
    let start = match range.start_bound() {
        Bound::Included(q) => keys.partition_point(|k| k.borrow() < q),
        Bound::Excluded(q) => keys.partition_point(|k| k.borrow() <= q),
        Bound::Unbounded => 0,
    };
    let end = match range.end_bound() {
        Bound::Included(q) => keys.partition_point(|k| k.borrow() <= q),
        Bound::Excluded(q) => keys.partition_point(|k| k.borrow() < q),
        Bound::Unbounded => keys.len(),
    };
    start..end.max(start)
}

pub type Iter<'a, K, V> = std::iter::Zip<std::slice::Iter<'a, K>, std::slice::Iter<'a, V>>;
pub type IterMut<'a, K, V> = std::iter::Zip<std::slice::Iter<'a, K>, std::slice::IterMut<'a, V>>;
pub type IntoIter<K, V> = std::iter::Zip<std::vec::IntoIter<K>, std::vec::IntoIter<V>>;

#[derive(Clone, PartialEq, Eq)]
pub struct VecMap<K, V> {
    keys: Vec<K>,
    values: Vec<V>,
}

impl<K, V> Default for VecMap<K, V> {
    fn default() -> Self {
        Self::new()
    }
}

impl<K, V> VecMap<K, V> {
    pub const fn new() -> Self {
        Self {
            keys: Vec::new(),
            values: Vec::new(),
        }
    }

    pub fn len(&self) -> usize {
        self.keys.len()
    }

    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    pub fn clear(&mut self) {
        self.keys.clear();
        self.values.clear();
    }

    pub fn iter(&self) -> Iter<'_, K, V> {
        self.keys.iter().zip(self.values.iter())
    }

    pub fn iter_mut(&mut self) -> IterMut<'_, K, V> {
        self.keys.iter().zip(self.values.iter_mut())
    }

    pub fn keys(&self) -> std::slice::Iter<'_, K> {
        self.keys.iter()
    }

    pub fn values(&self) -> std::slice::Iter<'_, V> {
        self.values.iter()
    }

    pub fn values_mut(&mut self) -> std::slice::IterMut<'_, V> {
        self.values.iter_mut()
    }

    pub fn into_keys(self) -> std::vec::IntoIter<K> {
        self.keys.into_iter()
    }

    pub fn into_values(self) -> std::vec::IntoIter<V> {
        self.values.into_iter()
    }

    pub fn first_key_value(&self) -> Option<(&K, &V)> {
        self.keys.first().zip(self.values.first())
    }

    pub fn last_key_value(&self) -> Option<(&K, &V)> {
        self.keys.last().zip(self.values.last())
    }

    pub fn pop_first(&mut self) -> Option<(K, V)> {
        if self.keys.is_empty() {
            return None;
        }
        Some((self.keys.remove(0), self.values.remove(0)))
    }

    pub fn pop_last(&mut self) -> Option<(K, V)> {
        self.keys.pop().zip(self.values.pop())
    }

    /// Keeps the entries `keep` returns true for, calling it once per entry in key order.
    pub fn retain(&mut self, mut keep: impl FnMut(&K, &mut V) -> bool) {
        let mut kept = 0;
        for i in 0..self.keys.len() {
            if keep(&self.keys[i], &mut self.values[i]) {
                // Everything in kept..i was dropped: move entry i down to the first free slot.
                self.keys.swap(kept, i);
                self.values.swap(kept, i);
                kept += 1;
            }
        }
        self.keys.truncate(kept);
        self.values.truncate(kept);
    }

    /// Moves every entry of `other` into `self` (a key in both takes `other`'s value).
    pub fn append(&mut self, other: &mut Self)
    where
        K: Ord,
    {
        self.extend(std::mem::take(other));
    }
}

impl<K: Ord, V> VecMap<K, V> {
    pub fn get<Q: Ord + ?Sized>(&self, key: &Q) -> Option<&V>
    where
        K: Borrow<Q>,
    {
        search(&self.keys, key).ok().map(|i| &self.values[i])
    }

    pub fn get_mut<Q: Ord + ?Sized>(&mut self, key: &Q) -> Option<&mut V>
    where
        K: Borrow<Q>,
    {
        search(&self.keys, key).ok().map(|i| &mut self.values[i])
    }

    pub fn get_key_value<Q: Ord + ?Sized>(&self, key: &Q) -> Option<(&K, &V)>
    where
        K: Borrow<Q>,
    {
        search(&self.keys, key)
            .ok()
            .map(|i| (&self.keys[i], &self.values[i]))
    }

    pub fn contains_key<Q: Ord + ?Sized>(&self, key: &Q) -> bool
    where
        K: Borrow<Q>,
    {
        search(&self.keys, key).is_ok()
    }

    /// Inserts or replaces; returns the value replaced (the key kept is the first one, as
    /// `BTreeMap` keeps it).
    pub fn insert(&mut self, key: K, value: V) -> Option<V> {
        match search(&self.keys, &key) {
            Ok(i) => Some(std::mem::replace(&mut self.values[i], value)),
            Err(i) => {
                self.keys.insert(i, key);
                self.values.insert(i, value);
                None
            }
        }
    }

    pub fn remove<Q: Ord + ?Sized>(&mut self, key: &Q) -> Option<V>
    where
        K: Borrow<Q>,
    {
        self.remove_entry(key).map(|(_, v)| v)
    }

    pub fn remove_entry<Q: Ord + ?Sized>(&mut self, key: &Q) -> Option<(K, V)>
    where
        K: Borrow<Q>,
    {
        let i = search(&self.keys, key).ok()?;
        Some((self.keys.remove(i), self.values.remove(i)))
    }

    pub fn entry(&mut self, key: K) -> Entry<'_, K, V> {
        let at = search(&self.keys, &key);
        Entry { map: self, at, key }
    }

    pub fn range<Q: Ord + ?Sized>(&self, range: impl RangeBounds<Q>) -> Iter<'_, K, V>
    where
        K: Borrow<Q>,
    {
        let r = index_range(&self.keys, &range);
        self.keys[r.clone()].iter().zip(self.values[r].iter())
    }

    pub fn range_mut<Q: Ord + ?Sized>(&mut self, range: impl RangeBounds<Q>) -> IterMut<'_, K, V>
    where
        K: Borrow<Q>,
    {
        let r = index_range(&self.keys, &range);
        self.keys[r.clone()].iter().zip(self.values[r].iter_mut())
    }
}

/// `BTreeMap::entry`'s answer: the key and where it is (or goes).
pub struct Entry<'a, K, V> {
    map: &'a mut VecMap<K, V>,
    at: Result<usize, usize>,
    key: K,
}

impl<'a, K, V> Entry<'a, K, V> {
    pub fn key(&self) -> &K {
        &self.key
    }

    pub fn or_insert_with(self, value: impl FnOnce() -> V) -> &'a mut V {
        let i = match self.at {
            Ok(i) => i,
            Err(i) => {
                self.map.keys.insert(i, self.key);
                self.map.values.insert(i, value());
                i
            }
        };
        &mut self.map.values[i]
    }

    pub fn or_insert(self, value: V) -> &'a mut V {
        self.or_insert_with(|| value)
    }

    pub fn or_default(self) -> &'a mut V
    where
        V: Default,
    {
        self.or_insert_with(V::default)
    }

    pub fn and_modify(self, change: impl FnOnce(&mut V)) -> Self {
        if let Ok(i) = self.at {
            change(&mut self.map.values[i]);
        }
        self
    }
}

impl<K: Ord + Borrow<Q>, Q: Ord + ?Sized, V> Index<&Q> for VecMap<K, V> {
    type Output = V;

    fn index(&self, key: &Q) -> &V {
        self.get(key).expect("no entry found for key")
    }
}

impl<K: Ord, V> Extend<(K, V)> for VecMap<K, V> {
    fn extend<I: IntoIterator<Item = (K, V)>>(&mut self, entries: I) {
        for (k, v) in entries {
            self.insert(k, v);
        }
    }
}

/// Built by insertion (a later key wins, as in `BTreeMap`): no sort code per type.
impl<K: Ord, V> FromIterator<(K, V)> for VecMap<K, V> {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(entries: I) -> Self {
        let mut map = Self::new();
        map.extend(entries);
        map
    }
}

impl<K: Ord, V, const N: usize> From<[(K, V); N]> for VecMap<K, V> {
    fn from(entries: [(K, V); N]) -> Self {
        entries.into_iter().collect()
    }
}

impl<K, V> IntoIterator for VecMap<K, V> {
    type Item = (K, V);
    type IntoIter = IntoIter<K, V>;

    fn into_iter(self) -> Self::IntoIter {
        self.keys.into_iter().zip(self.values)
    }
}

impl<'a, K, V> IntoIterator for &'a VecMap<K, V> {
    type Item = (&'a K, &'a V);
    type IntoIter = Iter<'a, K, V>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl<'a, K, V> IntoIterator for &'a mut VecMap<K, V> {
    type Item = (&'a K, &'a mut V);
    type IntoIter = IterMut<'a, K, V>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter_mut()
    }
}

/// As `BTreeMap` prints: `{k: v, ...}`.
impl<K: fmt::Debug, V: fmt::Debug> fmt::Debug for VecMap<K, V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

/// As `BTreeMap` serializes: a map in key order.
impl<K: Serialize, V: Serialize> Serialize for VecMap<K, V> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.iter())
    }
}

#[cfg(test)]
// VecMap is checked against std's BTreeMap, the behaviour it stands in for.
#[allow(clippy::disallowed_types)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    /// A small LCG: keys with repeats, in no order.
    fn keys(n: usize, modulus: u64) -> Vec<u64> {
        let mut x: u64 = 11;
        (0..n)
            .map(|_| {
                x = x
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                (x >> 33) % modulus
            })
            .collect()
    }

    #[test]
    fn behaves_as_a_btree_map() {
        let mut ours: VecMap<u64, usize> = VecMap::new();
        let mut std: BTreeMap<u64, usize> = BTreeMap::new();
        for (i, k) in keys(2000, 300).into_iter().enumerate() {
            match i % 7 {
                0 | 1 => assert_eq!(ours.remove(&k), std.remove(&k)),
                2 => {
                    *ours.entry(k).or_default() += i;
                    *std.entry(k).or_default() += i;
                }
                3 => {
                    ours.entry(k).and_modify(|v| *v *= 2).or_insert(i);
                    std.entry(k).and_modify(|v| *v *= 2).or_insert(i);
                }
                _ => assert_eq!(ours.insert(k, i), std.insert(k, i)),
            }
            assert_eq!(ours.get(&k), std.get(&k));
            assert_eq!(ours.contains_key(&(k + 1)), std.contains_key(&(k + 1)));
        }
        assert!(ours.iter().eq(std.iter()));
        assert!(ours.iter().rev().eq(std.iter().rev()));
        assert!(ours.range(40..=90).eq(std.range(40..=90)));
        assert!(ours.range(40..40).eq(std.range(40..40)));
        assert!(ours.range(..90).eq(std.range(..90)));
        assert!(ours
            .range((Bound::Excluded(40), Bound::Unbounded))
            .eq(std.range((Bound::Excluded(40), Bound::Unbounded))));
        assert_eq!(ours.first_key_value(), std.first_key_value());
        assert_eq!(ours.last_key_value(), std.last_key_value());
        ours.retain(|k, v| !(k + *v as u64).is_multiple_of(3));
        std.retain(|k, v| !(k + *v as u64).is_multiple_of(3));
        assert!(ours.iter().eq(std.iter()));
        assert_eq!(ours.len(), std.len());
        assert_eq!(format!("{ours:?}"), format!("{std:?}"));
        assert_eq!(ours.pop_first(), std.pop_first());
        assert_eq!(ours.pop_last(), std.pop_last());
        let rebuilt: VecMap<u64, usize> = std.clone().into_iter().rev().collect();
        assert!(rebuilt.into_iter().eq(std.into_iter()));
    }

    #[test]
    fn a_later_key_wins_when_collecting() {
        let map: VecMap<&str, i32> = [("b", 1), ("a", 2), ("b", 3)].into_iter().collect();
        assert_eq!(format!("{map:?}"), r#"{"a": 2, "b": 3}"#);
        assert_eq!(map["b"], 3);
    }

    #[test]
    fn string_keys_are_found_by_str() {
        let mut map: VecMap<String, u32> = VecMap::new();
        map.insert("orders".into(), 1);
        map.insert("audit".into(), 2);
        assert_eq!(map.get("orders"), Some(&1));
        assert_eq!(map.remove("audit"), Some(2));
        assert!(!map.contains_key("audit"));
    }
}

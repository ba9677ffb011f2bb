//! The bits of Java the assignors' results depend on: `String.compareTo` and the iteration order
//! of `java.util.HashMap` / `HashSet` (rule A8).
//!
//! `HashMap` iteration visits buckets in ascending index, and within a bucket the entries in the
//! order they were inserted (a resize splits a bucket keeping relative order, a removal keeps the
//! others in place). The bucket is `spread(hashCode) & (capacity - 1)` with
//! `spread(h) = h ^ (h >>> 16)`. The capacity starts at 16 on the first insertion and doubles when
//! the size exceeds 3/4 of it, or when one bucket reaches 9 entries while the capacity is below 64
//! (`HashMap.putVal` → `treeifyBin` → `resize`). It never shrinks. Buckets that Java turns into
//! red-black trees (9+ colliding entries at capacity ≥ 64) are not modelled: their order would
//! depend on the tree shape.

use crate::sim::vec_set::VecSet;
use std::cmp::Ordering;

/// `java.lang.String.compareTo`: lexicographic over UTF-16 code units (differs from Rust's
/// byte order only between supplementary characters and U+E000..U+FFFF).
pub fn java_compare(a: &str, b: &str) -> Ordering {
    a.encode_utf16().cmp(b.encode_utf16())
}

/// `HashMap.hash`: the hash code with its high half folded into the low half.
pub(crate) fn spread(hash_code: i32) -> u32 {
    let h = hash_code as u32;
    h ^ (h >> 16)
}

/// The bucket layout of a Java `HashMap`/`HashSet` of keys `K`: insertion, removal, iteration.
#[derive(Clone, Debug)]
pub(crate) struct JavaHashTable<K> {
    capacity: usize,
    next_seq: u64,
    /// (key, spread hash, insertion sequence)
    entries: Vec<(K, u32, u64)>,
}

impl<K: PartialEq + Clone> JavaHashTable<K> {
    pub(crate) fn new() -> Self {
        Self {
            capacity: 0,
            next_seq: 0,
            entries: Vec::new(),
        }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub(crate) fn contains(&self, key: &K) -> bool {
        self.entries.iter().any(|(k, _, _)| k == key)
    }

    /// `put`/`add`: a key already present keeps its place.
    pub(crate) fn insert(&mut self, key: K, hash_code: i32) {
        if self.contains(&key) {
            return;
        }
        self.insert_new(key, hash_code);
    }

    /// `put`/`add` of a key the caller knows is absent.
    pub(crate) fn insert_new(&mut self, key: K, hash_code: i32) {
        if self.capacity == 0 {
            self.capacity = 16;
        }
        let h = spread(hash_code);
        // treeifyBin resizes instead of treeifying while the table is below 64 buckets.
        let crowded_small_table = self.capacity < 64 && {
            let mask = (self.capacity - 1) as u32;
            let bin_len = self
                .entries
                .iter()
                .filter(|(_, eh, _)| eh & mask == h & mask)
                .count();
            bin_len + 1 >= 9
        };
        self.entries.push((key, h, self.next_seq));
        self.next_seq += 1;
        if crowded_small_table {
            self.capacity *= 2;
        }
        if self.entries.len() > self.capacity / 4 * 3 {
            self.capacity *= 2;
        }
    }

    pub(crate) fn remove(&mut self, key: &K) {
        self.entries.retain(|(k, _, _)| k != key);
    }

    fn bucket(&self, h: u32) -> u32 {
        h & (self.capacity.max(1) as u32 - 1)
    }

    /// The keys in Java iteration order.
    pub(crate) fn iteration_order(&self) -> Vec<K> {
        let mut order: Vec<&(K, u32, u64)> = self.entries.iter().collect();
        crate::sim::sort::sort_by_key(&mut order, |(_, h, seq)| (self.bucket(*h), *seq));
        order.into_iter().map(|(k, _, _)| k.clone()).collect()
    }

    /// `iterator().next()`.
    pub(crate) fn first(&self) -> Option<K> {
        self.entries
            .iter()
            .min_by_key(|(_, h, seq)| (self.bucket(*h), *seq))
            .map(|(k, _, _)| k.clone())
    }
}

/// The order in which a Java `HashMap<String, _>` built by inserting `keys` in the given order
/// (into a fresh `new HashMap<>()`) iterates them: indices into `keys`. Duplicates are ignored.
pub fn hash_map_order(keys: &[&str]) -> Vec<usize> {
    let mut seen = VecSet::new();
    let mut table = JavaHashTable::new();
    for (i, key) in keys.iter().enumerate() {
        if seen.insert(*key) {
            table.insert_new(i, crate::sim::hash::java_string_hash_code(key));
        }
    }
    table.iteration_order()
}

#[cfg(test)]
mod tests {
    use super::JavaHashTable;
    use crate::sim::hash::java_string_hash_code;

    /// Runs "+p"/"-p" operations on a `HashSet` of `topic-p` partitions.
    fn run(script: &str) -> JavaHashTable<i32> {
        let topic_hash = java_string_hash_code("topic");
        let mut set = JavaHashTable::new();
        for op in script.split(' ') {
            let p: i32 = op[1..].parse().unwrap();
            if op.starts_with('+') {
                let hash = 31i32
                    .wrapping_add(p)
                    .wrapping_mul(31)
                    .wrapping_add(topic_hash);
                set.insert(p, hash);
            } else {
                set.remove(&p);
            }
        }
        set
    }

    #[test]
    fn hash_set_of_topic_partitions_iterates_like_java() {
        // Expected orders printed by Java 17 for a HashSet<TopicPartition> after each script.
        let cases: &[(&str, &[i32])] = &[
            ("+5 +3 +40 +17 +1 +33", &[17, 1, 33, 3, 5, 40]),
            (
                // nine partitions in one bucket of 16: treeifyBin doubles the table instead
                "+0 +16 +32 +48 +64 +80 +96 +112 +128 +1 +2",
                &[0, 32, 64, 96, 128, 16, 48, 80, 112, 2, 1],
            ),
            (
                // growth past 12 entries, then removals and more insertions
                "+0 +1 +2 +3 +4 +5 +6 +7 +8 +9 +10 +11 +12 +13 -0 -5 +100 +21",
                &[21, 10, 9, 12, 11, 13, 2, 1, 4, 100, 3, 6, 8, 7],
            ),
            ("+7 +23 -7 +39 +7 +999 +55", &[999, 23, 39, 7, 55]),
        ];
        for (script, expected) in cases {
            let set = run(script);
            assert_eq!(set.iteration_order(), expected.to_vec(), "{script}");
            assert_eq!(set.first(), expected.first().copied(), "{script}");
        }
    }
}

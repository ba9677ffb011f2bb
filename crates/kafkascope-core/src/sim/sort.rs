//! One stable sort for every list the model sorts (members, topics, partitions, brokers,
//! batches).
//!
//! Why not `slice::sort_by`: the standard stable sort is a few kilobytes of wasm for every
//! element type it is used with, and the model sorts a dozen types; that was about a tenth of
//! the page's code. Here the merge sort runs once, on indices, behind a `dyn` comparison, and
//! only the small permutation step is generic. Stable, as Java's `Collections.sort` (which the
//! assignors follow) and Kafka's orders rely on; O(n log n).
//!
//! For the same reason maps and sets are built with [`CollectMap::collect_map`] and
//! [`CollectSet::collect_set`]: `collect()` into a `BTreeMap` or `BTreeSet` runs the standard sort
//! first; inserting one by one reuses the map's own code. (The model's small maps are
//! [`VecMap`](super::vec_map::VecMap)s and [`VecSet`](super::vec_set::VecSet)s, whose `collect()`
//! inserts one by one too.)

/// `collect::<BTreeMap<_, _>>()` without the standard sort (a later key wins, as there).
pub trait CollectMap<K: Ord, V>: Iterator<Item = (K, V)> + Sized {
    fn collect_map<M: Default + Extend<(K, V)>>(self) -> M {
        let mut map = M::default();
        map.extend(self);
        map
    }
}

impl<K: Ord, V, I: Iterator<Item = (K, V)>> CollectMap<K, V> for I {}

/// `collect::<BTreeSet<_>>()` without the standard sort.
pub trait CollectSet<T: Ord>: Iterator<Item = T> + Sized {
    fn collect_set<S: Default + Extend<T>>(self) -> S {
        let mut set = S::default();
        set.extend(self);
        set
    }
}

impl<T: Ord, I: Iterator<Item = T>> CollectSet<T> for I {}

/// Sorts `v` so that no element is `less` than the one before it, keeping equal elements in
/// their order.
pub fn sort_by<T>(v: &mut [T], mut less: impl FnMut(&T, &T) -> bool) {
    if v.len() < 2 {
        return;
    }
    let order = stable_order(v.len(), &mut |a, b| less(&v[a], &v[b]));
    permute(v, order);
}

pub fn sort_by_key<T, K: Ord>(v: &mut [T], mut key: impl FnMut(&T) -> K) {
    sort_by(v, |a, b| key(a) < key(b))
}

pub fn sort<T: Ord>(v: &mut [T]) {
    sort_by(v, |a, b| a < b)
}

/// The indices `0..n` in sorted order: a bottom-up merge sort, taking from the left run on
/// ties (stable).
fn stable_order(n: usize, less: &mut dyn FnMut(usize, usize) -> bool) -> Vec<usize> {
    let mut from: Vec<usize> = (0..n).collect();
    let mut to = vec![0; n];
    let mut width = 1;
    while width < n {
        let mut start = 0;
        while start < n {
            let mid = (start + width).min(n);
            let end = (start + 2 * width).min(n);
            let (mut i, mut j) = (start, mid);
            for slot in &mut to[start..end] {
                if j < end && (i >= mid || less(from[j], from[i])) {
                    *slot = from[j];
                    j += 1;
                } else {
                    *slot = from[i];
                    i += 1;
                }
            }
            start = end;
        }
        std::mem::swap(&mut from, &mut to);
        width *= 2;
    }
    from
}

/// Moves `v[order[k]]` to position `k` for every `k`, following the permutation's cycles.
fn permute<T>(v: &mut [T], mut order: Vec<usize>) {
    for start in 0..v.len() {
        let mut at = start;
        loop {
            let next = order[at];
            order[at] = at;
            if next == start || next == at {
                break;
            }
            v.swap(at, next);
            at = next;
        }
    }
}

#[cfg(test)]
// The merge sort is checked against std's stable sort.
#[allow(clippy::disallowed_methods)]
mod tests {
    use super::*;

    #[test]
    fn sorts_like_the_standard_stable_sort() {
        // A small LCG gives lists with many ties; the key is the low bits, the tag the position.
        let mut x: u64 = 7;
        for n in [0usize, 1, 2, 3, 5, 8, 13, 64, 100, 257, 1000] {
            for modulus in [1u64, 2, 5, 1000] {
                let mut v: Vec<(u64, usize)> = (0..n)
                    .map(|i| {
                        x = x
                            .wrapping_mul(6364136223846793005)
                            .wrapping_add(1442695040888963407);
                        ((x >> 33) % modulus, i)
                    })
                    .collect();
                let mut expected = v.clone();
                expected.sort_by_key(|e| e.0);
                sort_by_key(&mut v, |e| e.0);
                assert_eq!(v, expected, "n={n} modulus={modulus}");
            }
        }
    }

    #[test]
    fn sorts_owned_values() {
        let mut v: Vec<String> = ["orders-2", "audit-0", "orders-10", "orders-1"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        sort(&mut v);
        assert_eq!(v, ["audit-0", "orders-1", "orders-10", "orders-2"]);
    }
}

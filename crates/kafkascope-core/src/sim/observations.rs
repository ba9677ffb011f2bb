//! The model's own record of what clients saw — each producer's acknowledged and failed records,
//! each consumer's processed records — kept for the report and its checks (lost acknowledged
//! records, records committed but never processed). Kafka keeps none of this; here it is
//! bounded so a long run stays in bounded memory: each list keeps its latest
//! `MAX_OBSERVED_RECORDS` entries (the oldest tenth goes at once when full), and counters keep
//! the totals. The checks then cover the kept window (docs/FAULTS.md, BENCHMARKS.md).

/// The most entries one client's list keeps.
pub const MAX_OBSERVED_RECORDS: usize = 100_000;

/// Appends `item`; when the list is full its oldest tenth is dropped first, each dropped entry
/// passed to `dropped`.
pub fn push_bounded<T>(list: &mut Vec<T>, item: T, dropped: impl FnMut(&T)) {
    push_bounded_to(list, item, MAX_OBSERVED_RECORDS, dropped)
}

pub fn push_bounded_to<T>(list: &mut Vec<T>, item: T, limit: usize, mut dropped: impl FnMut(&T)) {
    if list.len() >= limit.max(1) {
        let n = (limit / 10).max(1).min(list.len());
        for d in list.drain(..n) {
            dropped(&d);
        }
    }
    list.push(item);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_list_drops_its_oldest_tenth() {
        let mut list: Vec<u32> = Vec::new();
        let mut gone = Vec::new();
        for i in 0..25 {
            push_bounded_to(&mut list, i, 20, |d| gone.push(*d));
        }
        assert_eq!(gone, [0, 1, 2, 3, 4, 5]);
        assert_eq!(list, (6..25).collect::<Vec<_>>());
        assert!(list.len() <= 20);
    }
}

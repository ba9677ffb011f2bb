//! The leader-epoch cache (`LeaderEpochFileCache`): epoch → first offset written in it. Followers
//! use it to find where their log diverges from a new leader's (KIP-101, KIP-279).

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LeaderEpochCache {
    entries: Vec<(i32, i64)>,
}

impl LeaderEpochCache {
    pub fn entries(&self) -> &[(i32, i64)] {
        &self.entries
    }

    pub fn latest_epoch(&self) -> Option<i32> {
        self.entries.last().map(|e| e.0)
    }

    /// `assign(e, o)`: no-op when `e` is the latest epoch already; else drop tail entries with
    /// epoch >= e or start >= o, then append.
    pub fn assign(&mut self, epoch: i32, start_offset: i64) {
        if let Some(&(last_epoch, last_start)) = self.entries.last() {
            if last_epoch == epoch && start_offset >= last_start {
                return;
            }
        }
        while self
            .entries
            .last()
            .is_some_and(|&(e, o)| e >= epoch || o >= start_offset)
        {
            self.entries.pop();
        }
        self.entries.push((epoch, start_offset));
    }

    /// `endOffsetFor(requestedEpoch, logEndOffset)`: (epoch, end offset) or (-1, -1).
    pub fn end_offset_for(&self, requested: i32, log_end_offset: i64) -> (i32, i64) {
        if requested < 0 || self.entries.is_empty() {
            return (-1, -1);
        }
        let last = *self.entries.last().expect("non-empty");
        if requested == last.0 {
            return (requested, log_end_offset);
        }
        if requested > last.0 {
            return (-1, -1);
        }
        if requested < self.entries[0].0 {
            return (requested, self.entries[0].1);
        }
        // largest epoch <= requested, and the start of the smallest epoch > requested
        let idx = self.entries.partition_point(|&(e, _)| e <= requested);
        (self.entries[idx - 1].0, self.entries[idx].1)
    }

    pub fn truncate_from_end(&mut self, end_offset: i64) {
        while self.entries.last().is_some_and(|&(_, o)| o >= end_offset) {
            self.entries.pop();
        }
    }

    pub fn truncate_from_start(&mut self, start_offset: i64) {
        // Keep the entry covering start_offset, moved up to it.
        let keep_from = self.entries.partition_point(|&(_, o)| o <= start_offset);
        if keep_from > 0 {
            let (epoch, _) = self.entries[keep_from - 1];
            self.entries.drain(..keep_from - 1);
            self.entries[0] = (epoch, start_offset);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cache(e: &[(i32, i64)]) -> LeaderEpochCache {
        let mut c = LeaderEpochCache::default();
        for &(epoch, off) in e {
            c.assign(epoch, off);
        }
        c
    }

    #[test]
    fn end_offset_for_follows_kafka_rules() {
        let c = cache(&[(1, 0), (3, 10), (5, 20)]);
        // (requested, LEO) -> expected
        let table = [
            ((-1, 30), (-1, -1)),
            ((5, 30), (5, 30)),
            ((6, 30), (-1, -1)),
            ((0, 30), (0, 0)),
            ((1, 30), (1, 10)),
            ((2, 30), (1, 10)),
            ((3, 30), (3, 20)),
            ((4, 30), (3, 20)),
        ];
        for ((req, leo), want) in table {
            assert_eq!(c.end_offset_for(req, leo), want, "requested {req}");
        }
    }

    #[test]
    fn assign_drops_conflicting_tail() {
        let mut c = cache(&[(1, 0), (3, 10)]);
        c.assign(3, 12); // same epoch, later offset: no-op
        assert_eq!(c.entries(), &[(1, 0), (3, 10)]);
        c.assign(2, 5); // lower epoch replaces the tail
        assert_eq!(c.entries(), &[(1, 0), (2, 5)]);
    }
}

//! A partition replica's log: records at offsets, segments, retention, the leader-epoch cache
//! (KIP-101) and truncation.

use std::collections::VecDeque;
use std::rc::Rc;

use super::leader_epoch::LeaderEpochCache;

/// One produced record, shared by every replica and message that carries it.
#[derive(Debug, PartialEq, Eq)]
pub struct Record {
    /// Unique in a run: traces one record from `send()` to every replica and consumer.
    pub id: u64,
    pub key: Option<Rc<str>>,
    pub value: Rc<str>,
    pub producer: Rc<str>,
    /// When the producer's `send()` was called (the record timestamp, CreateTime).
    pub timestamp_ms: u64,
}

impl Record {
    /// Approximate size on the wire (DefaultRecord: ~7 bytes of framing + key + value).
    pub fn size_bytes(&self) -> u32 {
        (7 + self.key.as_deref().map_or(0, str::len) + self.value.len()) as u32
    }
}

/// Producer identity stamped on a record by the idempotent producer (-1 when not idempotent).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ProducerStamp {
    pub producer_id: i64,
    pub producer_epoch: i16,
    pub sequence: i32,
    /// The batch this record was appended in: (first sequence, last sequence).
    pub batch_first_seq: i32,
    pub batch_last_seq: i32,
}

impl ProducerStamp {
    pub const NONE: ProducerStamp = ProducerStamp {
        producer_id: -1,
        producer_epoch: -1,
        sequence: -1,
        batch_first_seq: -1,
        batch_last_seq: -1,
    };
}

#[derive(Clone, Debug)]
pub struct LogEntry {
    pub offset: i64,
    /// The leader epoch in which the record was appended (the batch's partitionLeaderEpoch).
    pub leader_epoch: i32,
    pub record: Rc<Record>,
    pub stamp: ProducerStamp,
}

/// Per-topic log settings (topic configs).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogConfig {
    pub retention_ms: i64,
    pub retention_bytes: i64,
    pub segment_bytes: i64,
}

impl Default for LogConfig {
    fn default() -> Self {
        Self {
            retention_ms: 604_800_000,
            retention_bytes: -1,
            segment_bytes: 1_073_741_824,
        }
    }
}

#[derive(Clone, Debug)]
struct Segment {
    base_offset: i64,
    bytes: i64,
    /// Largest record timestamp (time-based retention looks at it).
    max_timestamp_ms: u64,
}

#[derive(Clone, Debug)]
pub struct Log {
    entries: VecDeque<LogEntry>,
    log_start_offset: i64,
    segments: Vec<Segment>,
    pub epochs: LeaderEpochCache,
}

impl Default for Log {
    fn default() -> Self {
        Self::new()
    }
}

impl Log {
    pub fn new() -> Self {
        Self {
            entries: VecDeque::new(),
            log_start_offset: 0,
            segments: vec![Segment {
                base_offset: 0,
                bytes: 0,
                max_timestamp_ms: 0,
            }],
            epochs: LeaderEpochCache::default(),
        }
    }

    /// Log end offset: the offset the next record will get.
    pub fn leo(&self) -> i64 {
        self.log_start_offset + self.entries.len() as i64
    }

    pub fn log_start_offset(&self) -> i64 {
        self.log_start_offset
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn entries(&self) -> impl Iterator<Item = &LogEntry> {
        self.entries.iter()
    }

    pub fn entry(&self, offset: i64) -> Option<&LogEntry> {
        if offset < self.log_start_offset {
            return None;
        }
        self.entries.get((offset - self.log_start_offset) as usize)
    }

    /// Entries in `[from, to)`, clipped to what the log holds.
    pub fn read(&self, from: i64, to: i64, max: usize) -> Vec<LogEntry> {
        let from = from.max(self.log_start_offset);
        let to = to.min(self.leo());
        if from >= to {
            return Vec::new();
        }
        let start = (from - self.log_start_offset) as usize;
        let end = ((to - self.log_start_offset) as usize).min(start + max);
        self.entries.range(start..end).cloned().collect()
    }

    /// Appends a record at the log end (leader append or follower copy), rolling segments.
    pub fn append(&mut self, mut entry: LogEntry, segment_bytes: i64) {
        entry.offset = self.leo();
        self.epochs.assign(entry.leader_epoch, entry.offset);
        let size = entry.record.size_bytes() as i64;
        let active = self
            .segments
            .last_mut()
            .expect("a log always has an active segment");
        if active.bytes > 0 && active.bytes + size > segment_bytes {
            self.segments.push(Segment {
                base_offset: entry.offset,
                bytes: 0,
                max_timestamp_ms: 0,
            });
        }
        let active = self.segments.last_mut().expect("just ensured");
        active.bytes += size;
        active.max_timestamp_ms = active.max_timestamp_ms.max(entry.record.timestamp_ms);
        self.entries.push_back(entry);
    }

    /// Removes every record at or above `offset` (follower truncation, KIP-101/279).
    pub fn truncate_to(&mut self, offset: i64) {
        let offset = offset.max(self.log_start_offset);
        if offset >= self.leo() {
            // Nothing to cut, but an epoch that starts at the log end goes: a broker that became
            // leader and appended nothing before losing leadership has such an entry, and kept,
            // it makes every OffsetsForLeaderEpoch diverge again (`UnifiedLog.truncateTo`:
            // "Always truncate epoch cache since we may have a conflicting epoch entry at the
            // end of the log from the leader").
            self.epochs.truncate_from_end(self.leo());
            return;
        }
        self.entries
            .truncate((offset - self.log_start_offset) as usize);
        self.epochs.truncate_from_end(offset);
        while self.segments.len() > 1
            && self
                .segments
                .last()
                .is_some_and(|s| s.base_offset >= offset)
        {
            self.segments.pop();
        }
        self.recount_segments();
    }

    /// Empties the log and starts it at `offset` (a follower whose fetch offset fell below the
    /// leader's log start: Kafka's truncateFullyAndStartAt).
    pub fn reset_to(&mut self, offset: i64) {
        self.entries.clear();
        self.log_start_offset = offset;
        self.segments = vec![Segment {
            base_offset: offset,
            bytes: 0,
            max_timestamp_ms: 0,
        }];
        self.epochs = LeaderEpochCache::default();
    }

    /// Moves the log start forward (retention, or the leader's log start seen by a follower).
    pub fn advance_log_start(&mut self, offset: i64) {
        let offset = offset.min(self.leo());
        if offset <= self.log_start_offset {
            return;
        }
        let drop = (offset - self.log_start_offset) as usize;
        self.entries.drain(..drop);
        self.log_start_offset = offset;
        self.segments.retain(|s| s.base_offset >= offset);
        if self.segments.first().is_none_or(|s| s.base_offset > offset) {
            self.segments.insert(
                0,
                Segment {
                    base_offset: offset,
                    bytes: 0,
                    max_timestamp_ms: 0,
                },
            );
        }
        self.recount_segments();
        self.epochs.truncate_from_start(offset);
    }

    /// Deletes whole segments (never the active one) that retention.ms or retention.bytes
    /// condemn; only below `high_watermark` (Kafka deletes only below the HW). Returns the new
    /// log start offset when it moved.
    pub fn apply_retention(
        &mut self,
        now_ms: u64,
        config: &LogConfig,
        high_watermark: i64,
    ) -> Option<i64> {
        let mut total: i64 = self.segments.iter().map(|s| s.bytes).sum();
        let mut new_start = None;
        for i in 0..self.segments.len().saturating_sub(1) {
            let seg = &self.segments[i];
            let next_base = self.segments[i + 1].base_offset;
            if next_base > high_watermark {
                break;
            }
            let expired = config.retention_ms >= 0
                && now_ms.saturating_sub(seg.max_timestamp_ms) as i64 > config.retention_ms;
            let oversize =
                config.retention_bytes >= 0 && total - seg.bytes >= config.retention_bytes;
            if !(expired || oversize) {
                break;
            }
            total -= seg.bytes;
            new_start = Some(next_base);
        }
        if let Some(start) = new_start {
            self.advance_log_start(start);
        }
        new_start
    }

    pub fn segment_count(&self) -> usize {
        self.segments.len()
    }

    pub fn size_bytes(&self) -> i64 {
        self.segments.iter().map(|s| s.bytes).sum()
    }

    fn recount_segments(&mut self) {
        for s in &mut self.segments {
            s.bytes = 0;
            s.max_timestamp_ms = 0;
        }
        let mut idx = 0;
        for e in &self.entries {
            while idx + 1 < self.segments.len() && self.segments[idx + 1].base_offset <= e.offset {
                idx += 1;
            }
            let seg = &mut self.segments[idx];
            seg.bytes += e.record.size_bytes() as i64;
            seg.max_timestamp_ms = seg.max_timestamp_ms.max(e.record.timestamp_ms);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(id: u64, ts: u64) -> Rc<Record> {
        Rc::new(Record {
            id,
            key: None,
            value: Rc::from(format!("v{id}").as_str()),
            producer: Rc::from("p"),
            timestamp_ms: ts,
        })
    }

    fn entry(id: u64, epoch: i32, ts: u64) -> LogEntry {
        LogEntry {
            offset: -1,
            leader_epoch: epoch,
            record: rec(id, ts),
            stamp: ProducerStamp::NONE,
        }
    }

    #[test]
    fn append_assigns_consecutive_offsets_and_epochs() {
        let mut log = Log::new();
        for i in 0..3 {
            log.append(entry(i, 0, 0), 1 << 30);
        }
        log.append(entry(3, 2, 0), 1 << 30);
        assert_eq!(log.leo(), 4);
        assert_eq!(log.epochs.entries(), &[(0, 0), (2, 3)]);
        log.truncate_to(3);
        assert_eq!(log.leo(), 3);
        assert_eq!(log.epochs.entries(), &[(0, 0)]);
    }

    #[test]
    fn retention_bytes_deletes_whole_old_segments_below_the_hw() {
        let mut log = Log::new();
        // each record is 7 + 2 = 9 bytes; segment.bytes 20 holds two records
        for i in 0..10 {
            log.append(entry(i, 0, 0), 20);
        }
        assert_eq!(log.segment_count(), 5);
        let cfg = LogConfig {
            retention_ms: -1,
            retention_bytes: 36,
            segment_bytes: 20,
        };
        // HW at 4: only segments wholly below offset 4 may go.
        assert_eq!(log.apply_retention(0, &cfg, 4), Some(4));
        assert_eq!(log.log_start_offset(), 4);
        assert_eq!(log.apply_retention(0, &cfg, 10), Some(6));
        assert_eq!(log.size_bytes(), 36);
        assert!(log.entry(5).is_none());
        assert_eq!(log.entry(6).map(|e| e.record.id), Some(6));
    }

    #[test]
    fn retention_ms_deletes_expired_segments() {
        let mut log = Log::new();
        for i in 0..4 {
            log.append(entry(i, 0, i * 1000), 20);
        }
        let cfg = LogConfig {
            retention_ms: 1500,
            retention_bytes: -1,
            segment_bytes: 20,
        };
        // segment [0,1] max ts 1000: expired at 3000; active segment [2,3] is kept.
        assert_eq!(log.apply_retention(3000, &cfg, 4), Some(2));
        assert_eq!(log.apply_retention(9000, &cfg, 4), None);
    }
}

//! Idempotent producer state on a partition replica (`ProducerStateManager`,
//! `ProducerAppendInfo`): per producer id, its epoch and the metadata of its last 5 batches.

use std::collections::VecDeque;

use super::error::KafkaError;
use super::vec_map::VecMap;

/// The broker keeps this many batches per producer: why `max.in.flight` must be <= 5.
pub const NUM_BATCHES_TO_RETAIN: usize = 5;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BatchMetadata {
    pub first_seq: i32,
    pub last_seq: i32,
    pub first_offset: i64,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ProducerStateEntry {
    pub epoch: i16,
    pub batches: VecDeque<BatchMetadata>,
}

/// What the leader should do with a batch from an idempotent producer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SequenceCheck {
    /// Append it.
    Append,
    /// A retry of a batch already in the log: answer with its original offset, append nothing.
    Duplicate { first_offset: i64 },
}

#[derive(Clone, Debug, Default)]
pub struct ProducerStateTable {
    producers: VecMap<i64, ProducerStateEntry>,
}

/// `lastSeq = baseSeq + count - 1`, wrapping after i32::MAX to 0.
pub fn last_sequence(base: i32, count: i32) -> i32 {
    let last = base as i64 + count as i64 - 1;
    if last > i32::MAX as i64 {
        (last - i32::MAX as i64 - 1) as i32
    } else {
        last as i32
    }
}

fn next_sequence(seq: i32) -> i32 {
    if seq == i32::MAX {
        0
    } else {
        seq + 1
    }
}

impl ProducerStateTable {
    pub fn get(&self, producer_id: i64) -> Option<&ProducerStateEntry> {
        self.producers.get(&producer_id)
    }

    /// The checks of a client append, in Kafka's order: duplicate, epoch, sequence (I2).
    pub fn check(
        &self,
        producer_id: i64,
        epoch: i16,
        first_seq: i32,
        last_seq: i32,
    ) -> Result<SequenceCheck, KafkaError> {
        let Some(entry) = self.producers.get(&producer_id) else {
            // No state (new producer, or expired/removed): any sequence is accepted.
            return Ok(SequenceCheck::Append);
        };
        if entry.epoch == epoch {
            if let Some(b) = entry
                .batches
                .iter()
                .find(|b| b.first_seq == first_seq && b.last_seq == last_seq)
            {
                return Ok(SequenceCheck::Duplicate {
                    first_offset: b.first_offset,
                });
            }
        }
        if epoch < entry.epoch {
            return Err(KafkaError::InvalidProducerEpoch);
        }
        if epoch > entry.epoch {
            return if first_seq == 0 {
                Ok(SequenceCheck::Append)
            } else {
                Err(KafkaError::OutOfOrderSequenceNumber)
            };
        }
        let expected = entry
            .batches
            .back()
            .map_or(first_seq, |b| next_sequence(b.last_seq));
        if first_seq == expected {
            Ok(SequenceCheck::Append)
        } else {
            Err(KafkaError::OutOfOrderSequenceNumber)
        }
    }

    /// Records an appended batch (leader append, or a follower replaying the log).
    pub fn record(&mut self, producer_id: i64, epoch: i16, batch: BatchMetadata) {
        let entry = self.producers.entry(producer_id).or_default();
        if epoch != entry.epoch {
            entry.epoch = epoch;
            entry.batches.clear();
        }
        entry.batches.push_back(batch);
        while entry.batches.len() > NUM_BATCHES_TO_RETAIN {
            entry.batches.pop_front();
        }
    }

    pub fn clear(&mut self) {
        self.producers.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table_with(batches: &[(i32, i32, i64)]) -> ProducerStateTable {
        let mut t = ProducerStateTable::default();
        for &(f, l, o) in batches {
            t.record(
                7,
                0,
                BatchMetadata {
                    first_seq: f,
                    last_seq: l,
                    first_offset: o,
                },
            );
        }
        t
    }

    #[test]
    fn sequence_check_table() {
        let t = table_with(&[
            (0, 4, 100),
            (5, 9, 105),
            (10, 14, 110),
            (15, 19, 115),
            (20, 24, 120),
            (25, 29, 125),
        ]);
        // (epoch, first, last) -> expected
        let cases = [
            ((0, 30, 34), Ok(SequenceCheck::Append)),
            (
                (0, 25, 29),
                Ok(SequenceCheck::Duplicate { first_offset: 125 }),
            ),
            (
                (0, 5, 9),
                Ok(SequenceCheck::Duplicate { first_offset: 105 }),
            ),
            // the first batch fell out of the 5 retained: out of order, not a duplicate
            ((0, 0, 4), Err(KafkaError::OutOfOrderSequenceNumber)),
            // a gap
            ((0, 31, 35), Err(KafkaError::OutOfOrderSequenceNumber)),
            // partial overlap
            ((0, 27, 31), Err(KafkaError::OutOfOrderSequenceNumber)),
            // a fenced (older) epoch
            ((-1, 30, 34), Err(KafkaError::InvalidProducerEpoch)),
            // a new epoch must start at 0
            ((1, 30, 34), Err(KafkaError::OutOfOrderSequenceNumber)),
            ((1, 0, 4), Ok(SequenceCheck::Append)),
        ];
        for ((epoch, first, last), want) in cases {
            assert_eq!(
                t.check(7, epoch, first, last),
                want,
                "epoch {epoch} seq {first}..{last}"
            );
        }
        // unknown producer: anything goes
        assert_eq!(t.check(8, 0, 42, 43), Ok(SequenceCheck::Append));
    }

    #[test]
    fn sequences_wrap_after_int_max() {
        assert_eq!(last_sequence(i32::MAX - 1, 3), 0);
        let t = table_with(&[(i32::MAX - 1, i32::MAX, 0)]);
        assert_eq!(t.check(7, 0, 0, 1), Ok(SequenceCheck::Append));
    }
}

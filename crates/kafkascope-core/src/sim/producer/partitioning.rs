//! `KafkaProducer.send()`: the partition a record goes to (explicit, murmur2 of the key, the
//! sticky partitioner or round robin) and its place in the accumulator.

use super::*;

impl Producer {
    /// `KafkaProducer.send()`: waits for the topic's metadata (max.block.ms), stamps the record
    /// and appends it to the accumulator.
    pub(super) fn send(&mut self, send: Send, ctx: &mut ProducerCtx) {
        let deadline_ms = ctx.now_ms + self.config.max_block_ms;
        self.send_or_wait(send, deadline_ms, ctx);
    }

    pub(super) fn send_or_wait(&mut self, send: Send, deadline_ms: u64, ctx: &mut ProducerCtx) {
        if !self.in_metadata(&send) {
            self.waiting_sends
                .push_back(WaitingSend { send, deadline_ms });
            return;
        }
        let n = self.records_created;
        self.records_created += 1;
        *ctx.next_record_id += 1;
        let value = send
            .value
            .clone()
            .unwrap_or_else(|| Rc::from(format!("{}-{n}", self.name).as_str()));
        let record = Rc::new(Record {
            id: *ctx.next_record_id,
            key: send.key.clone(),
            value,
            producer: self.name.clone(),
            timestamp_ms: ctx.now_ms,
        });
        let partitions = self.partition_counts[&send.topic];
        let partition = self.partition(&send, partitions, ctx);
        if partition < 0 || partition >= partitions {
            self.record_failed(FailedRecord {
                key: record.key.as_deref().map(str::to_string),
                value: record.value.to_string(),
                error: KafkaError::UnknownTopicOrPartition.name().to_string(),
                cause: None,
            });
            return;
        }
        let tp = TopicPartition::new(send.topic.clone(), partition);
        let size = record.size_bytes();
        self.append_to_batch(&tp, record, ctx.now_ms);
        if send.key.is_none()
            && send.partition.is_none()
            && self.config.partitioner == Partitioner::BuiltIn
        {
            self.after_sticky_append(&send.topic, &tp, size);
        }
    }

    /// `KafkaProducer.partition`: the partition named, or the partitioner's choice (the key's
    /// murmur2 hash, the sticky partition without a key, or round robin).
    fn partition(&mut self, send: &Send, partitions: i32, ctx: &mut ProducerCtx) -> i32 {
        match (send.partition, &send.key, self.config.partitioner) {
            (Some(p), _, _) => p,
            (None, _, Partitioner::RoundRobin) => {
                self.round_robin_partition(&send.topic, partitions)
            }
            (None, Some(k), Partitioner::BuiltIn) => {
                crate::sim::hash::partition_for_key(k.as_bytes(), partitions)
            }
            (None, None, Partitioner::BuiltIn) => {
                self.sticky_partition(&send.topic, partitions, ctx.rng)
            }
        }
    }

    /// The topic's partitions whose leader the producer knows (the partitioners' "available"
    /// partitions).
    fn partitions_with_leader(&self, topic: &str, partitions: i32) -> Vec<i32> {
        (0..partitions)
            .filter(|&p| {
                self.leaders
                    .get(&TopicPartition::new(topic, p))
                    .is_some_and(|l| l.is_some())
            })
            .collect()
    }

    /// `RoundRobinPartitioner`: the next partition with a leader, by a per-topic counter.
    fn round_robin_partition(&mut self, topic: &str, partitions: i32) -> i32 {
        let available = self.partitions_with_leader(topic, partitions);
        let c = self.round_robin.entry(topic.to_string()).or_insert(0);
        let i = crate::sim::hash::to_positive(*c as i32);
        *c = c.wrapping_add(1);
        if available.is_empty() {
            i % partitions
        } else {
            available[(i as usize) % available.len()]
        }
    }

    /// `RecordAccumulator.append`: into the partition's last batch while it has room (and was
    /// never sent), else a new batch.
    fn append_to_batch(&mut self, tp: &TopicPartition, record: Rc<Record>, now: u64) {
        let size = record.size_bytes();
        let queue = self.accumulator.entry(tp.clone()).or_default();
        let fits = queue.back().is_some_and(|b| {
            b.base_sequence.is_none() && b.attempts == 0 && b.bytes + size <= self.config.batch_size
        });
        if fits {
            let b = queue.back_mut().expect("checked");
            b.records.push(record);
            b.bytes += size;
        } else {
            queue.push_back(Batch {
                tp: tp.clone(),
                records: vec![record],
                bytes: size,
                created_ms: now,
                base_sequence: None,
                producer_epoch: -1,
                attempts: 0,
                retry_at_ms: 0,
                last_error: None,
            });
        }
    }

    /// KIP-794: the sticky partition switches after batch.size bytes once the batch is full,
    /// or after twice that regardless.
    fn after_sticky_append(&mut self, topic: &str, tp: &TopicPartition, size: u32) {
        let batch_full = self.accumulator[tp]
            .back()
            .is_some_and(|b| b.bytes >= self.config.batch_size);
        let s = self.sticky.get_mut(topic).expect("chosen above");
        s.produced_bytes += size;
        if (s.produced_bytes >= self.config.batch_size && batch_full)
            || s.produced_bytes >= 2 * self.config.batch_size
        {
            self.sticky.remove(topic);
        }
    }

    pub(super) fn sticky_partition(
        &mut self,
        topic: &str,
        partitions: i32,
        rng: &mut SplitMix64,
    ) -> i32 {
        if let Some(s) = self.sticky.get(topic) {
            return s.partition;
        }
        // A random partition among those with a leader (uniform; the adaptive weighting by
        // queue length is not modelled), possibly the same as before.
        let available = self.partitions_with_leader(topic, partitions);
        let partition = if available.is_empty() {
            rng.below(partitions as u64) as i32
        } else {
            available[rng.below(available.len() as u64) as usize]
        };
        self.sticky.insert(
            topic.to_string(),
            Sticky {
                partition,
                produced_bytes: 0,
            },
        );
        partition
    }
}

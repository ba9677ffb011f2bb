//! The producer's metadata: which partitions each topic has and who leads them, asked of the
//! bootstrap brokers, and `waitOnMetadata`: send() blocks until its topic (and the partition it
//! names) is known, asking again every retry.backoff.ms, for at most max.block.ms.

use super::*;

impl Producer {
    pub(super) fn request_metadata(&mut self, ctx: &mut ProducerCtx, out: &mut Out) {
        if self.metadata_in_flight.is_some() || self.bootstrap.is_empty() {
            return;
        }
        let broker = self.bootstrap[self.bootstrap_cursor % self.bootstrap.len()];
        self.bootstrap_cursor += 1;
        *ctx.next_request_id += 1;
        let request_id = *ctx.next_request_id;
        self.metadata_in_flight = Some(request_id);
        out.send(
            self.node(),
            NodeId::Broker(broker),
            Payload::Metadata { request_id },
        );
        out.timer(
            self.config.request_timeout_ms,
            Timer::ProducerMetadataTimeout {
                producer: self.index,
                request_id,
            },
        );
    }

    /// A MetadataResponse: new leaders and partition counts; blocked sends go on or keep waiting.
    pub(super) fn on_metadata(
        &mut self,
        request_id: u64,
        leaders: Vec<(TopicPartition, Option<BrokerId>, i32)>,
        ctx: &mut ProducerCtx,
        out: &mut Out,
    ) {
        if self.metadata_in_flight != Some(request_id) {
            return;
        }
        self.metadata_in_flight = None;
        self.has_metadata = true;
        for (tp, leader, _) in leaders {
            let count = self.partition_counts.entry(tp.topic.clone()).or_insert(0);
            *count = (*count).max(tp.partition + 1);
            self.leaders.insert(tp, leader);
        }
        // The blocked sends go on if their topic came back; the others keep waiting
        // (max.block.ms) and the metadata is asked again after retry.backoff.ms.
        let mut missing: Vec<String> = Vec::new();
        for w in std::mem::take(&mut self.waiting_sends) {
            if !self.partition_counts.contains_key(&w.send.topic)
                && !missing.contains(&w.send.topic)
            {
                missing.push(w.send.topic.clone());
            }
            self.send_or_wait(w.send, w.deadline_ms, ctx);
        }
        if !self.waiting_sends.is_empty() {
            self.metadata_retry_at_ms = ctx.now_ms + self.config.retry_backoff_ms;
        }
        if !missing.is_empty() {
            crate::sim::sort::sort(&mut missing);
            let errors: Vec<String> = missing
                .iter()
                .map(|t| format!("{t}={}", KafkaError::UnknownTopicOrPartition.name()))
                .collect();
            let issue = ProducerError::MetadataIssue {
                producer: self.name.clone(),
                correlation_id: request_id,
                errors: errors.join(", "),
            };
            out.event(self.node(), TraceLine::Producer(issue));
        }
        self.drain(ctx, out);
    }

    /// `waitOnMetadata`: whether the producer's metadata has the topic, and the partition a
    /// record names.
    pub(super) fn in_metadata(&self, send: &Send) -> bool {
        self.has_metadata
            && self
                .partition_counts
                .get(&send.topic)
                .is_some_and(|&n| send.partition.is_none_or(|p| p < n))
    }

    /// Sends still blocked when max.block.ms has passed fail with Java's TimeoutException;
    /// returns when the next one times out.
    pub(super) fn expire_waiting_sends(&mut self, now: u64, out: &mut Out) -> Option<u64> {
        // Deadlines grow in the order the sends were made, so the oldest is at the front.
        while let Some(w) = self.waiting_sends.front() {
            if w.deadline_ms > now {
                return Some(w.deadline_ms);
            }
            let w = self.waiting_sends.pop_front().expect("front exists");
            let what = match (w.send.partition, self.partition_counts.get(&w.send.topic)) {
                (Some(p), Some(n)) => format!(
                    "Partition {p} of topic {} with partition count {n} is not present in metadata after {} ms.",
                    w.send.topic, self.config.max_block_ms
                ),
                _ => format!(
                    "Topic {} not present in metadata after {} ms.",
                    w.send.topic, self.config.max_block_ms
                ),
            };
            let timed_out = ProducerError::SendTimedOut {
                producer: self.name.clone(),
                topic: w.send.topic.to_string(),
                what,
            };
            out.event(NodeId::Producer(self.index), TraceLine::Producer(timed_out));
            // The cause: the broker answered without the topic, or never answered.
            let cause = (self.has_metadata && !self.partition_counts.contains_key(&w.send.topic))
                .then(|| KafkaError::UnknownTopicOrPartition.name().to_string());
            self.record_failed(FailedRecord {
                key: w.send.key.as_deref().map(str::to_string),
                value: w
                    .send
                    .value
                    .as_deref()
                    .map(str::to_string)
                    .unwrap_or_default(),
                error: KafkaError::MetadataTimeout.name().to_string(),
                cause,
            });
        }
        None
    }
}

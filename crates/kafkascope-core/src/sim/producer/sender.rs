//! The sender thread (`Sender.java`): drains ready batches of the accumulator to their
//! partitions' leaders (linger.ms, batch.size, max.in.flight.requests.per.connection, backoff),
//! expires batches past delivery.timeout.ms, and asks for metadata when a leader is unknown.

use super::*;

impl Producer {
    /// The sender thread: resolve sequences and bump the epoch if needed, expire old batches,
    /// send ready ones, ask for metadata when needed.
    pub fn drain(&mut self, ctx: &mut ProducerCtx, out: &mut Out) {
        // An expiry in this pass may make a bump possible at once (nothing left in flight).
        for _ in 0..2 {
            self.resolve_sequences_and_bump(out);
            self.drain_once(ctx, out);
            if !self.bump_actionable() {
                break;
            }
        }
    }

    fn drain_once(&mut self, ctx: &mut ProducerCtx, out: &mut Out) {
        let now = ctx.now_ms;
        let mut next_wake: Option<u64> = None;
        let mut need_metadata = false;
        let tps: Vec<TopicPartition> = self.accumulator.keys().cloned().collect();
        for tp in tps {
            match self.drain_partition(&tp, ctx, out) {
                Some(Stopped::NotReady { wake }) => {
                    next_wake = Some(next_wake.map_or(wake, |w: u64| w.min(wake)))
                }
                Some(Stopped::NoLeader) => need_metadata = true,
                None => {}
            }
        }
        self.accumulator.retain(|_, q| !q.is_empty());
        for epoch in std::mem::take(&mut self.epoch_bumps) {
            out.trace(
                self.node(),
                TraceKind::Produce,
                format!(
                    "[Producer clientId={}] ProducerId set to {} with epoch {epoch}",
                    self.name, self.producer_id
                ),
            );
        }
        if let Some(at) = self.expire_waiting_sends(now, out) {
            next_wake = Some(next_wake.map_or(at, |w: u64| w.min(at)));
        }
        if !self.waiting_sends.is_empty() {
            if now >= self.metadata_retry_at_ms {
                need_metadata = true;
            } else {
                let at = self.metadata_retry_at_ms;
                next_wake = Some(next_wake.map_or(at, |w: u64| w.min(at)));
            }
        }
        if need_metadata || !self.has_metadata {
            self.request_metadata(ctx, out);
        }
        if let Some(at) = next_wake {
            if self.wake_at.is_none_or(|w| w <= now || at < w) {
                self.wake_at = Some(at);
                out.timer(
                    at.saturating_sub(now),
                    Timer::ProducerWake {
                        producer: self.index,
                    },
                );
            }
        }
    }

    /// Sends the partition's ready batches, in order, while its leader is known and takes more
    /// in-flight requests; batches past delivery.timeout.ms fail on the way. Why it stopped,
    /// when the caller has to act on it.
    fn drain_partition(
        &mut self,
        tp: &TopicPartition,
        ctx: &mut ProducerCtx,
        out: &mut Out,
    ) -> Option<Stopped> {
        let now = ctx.now_ms;
        loop {
            let front = self.accumulator.get(tp)?.front()?;
            if now.saturating_sub(front.created_ms) >= self.config.delivery_timeout_ms {
                self.expire_front_batch(tp, now, out);
                continue;
            }
            let ready = front.bytes >= self.config.batch_size
                || self.accumulator[tp].len() > 1
                || now >= front.created_ms + self.config.linger_ms
                || front.attempts > 0;
            let linger_end = if front.attempts > 0 {
                0
            } else {
                front.created_ms + self.config.linger_ms
            };
            if !ready || now < front.retry_at_ms {
                let wake = front.retry_at_ms.max(linger_end);
                return Some(Stopped::NotReady { wake });
            }
            let never_sent = front.base_sequence.is_none();
            let Some(leader) = self.leaders.get(tp).copied().flatten() else {
                return Some(Stopped::NoLeader);
            };
            let in_flight = self.in_flight_per_broker.get(&leader).copied().unwrap_or(0);
            if in_flight >= self.config.max_in_flight_requests_per_connection {
                return None;
            }
            if self.producer_id >= 0 && never_sent && !self.may_start_batch(tp) {
                return None;
            }
            self.send_front_batch(tp, leader, ctx, out);
        }
    }

    /// The front batch ran out of delivery.timeout.ms. A batch that was sent and ran out of
    /// time: its fate is unknown.
    fn expire_front_batch(&mut self, tp: &TopicPartition, now: u64, out: &mut Out) {
        let queue = self.accumulator.get_mut(tp).expect("a queue with a front");
        let b = queue.pop_front().expect("front exists");
        let expired = ProducerError::BatchExpired {
            producer: self.name.clone(),
            records: b.records.len(),
            tp: tp.clone(),
            waited_ms: now - b.created_ms,
        };
        out.event(NodeId::Producer(self.index), TraceLine::Producer(expired));
        self.fail_batch(b, KafkaError::DeliveryTimeout, SequenceFate::Unresolved);
    }

    /// Java's `shouldStopDrainBatchesForPartition`: no new idempotent batch while the fate of
    /// an earlier one is unknown, or while batches of an older epoch are in flight; otherwise
    /// (`maybeUpdateProducerIdAndEpoch`) the partition joins the current epoch.
    fn may_start_batch(&mut self, tp: &TopicPartition) -> bool {
        if self.unresolved_sequences.contains_key(tp) {
            return false;
        }
        if self.partition_epoch.get(tp) != Some(&self.producer_epoch) {
            if self.has_inflight_batches(tp) {
                return false;
            }
            self.partition_epoch.insert(tp.clone(), self.producer_epoch);
            self.next_sequence.insert(tp.clone(), 0);
            self.last_acked_sequence.remove(tp);
        }
        true
    }

    /// The front batch goes to the leader in a ProduceRequest, with its sequence numbers if it
    /// has none yet; with acks=0 it is acknowledged at once (offset unknown), else it waits in
    /// flight up to request.timeout.ms.
    fn send_front_batch(
        &mut self,
        tp: &TopicPartition,
        leader: BrokerId,
        ctx: &mut ProducerCtx,
        out: &mut Out,
    ) {
        let queue = self.accumulator.get_mut(tp).expect("a queue with a front");
        let mut batch = queue.pop_front().expect("front exists");
        if self.producer_id >= 0 && batch.base_sequence.is_none() {
            let seq = self.next_sequence.entry(tp.clone()).or_insert(0);
            batch.base_sequence = Some(*seq);
            batch.producer_epoch = self.producer_epoch;
            *seq = crate::sim::producer_state::last_sequence(*seq, batch.records.len() as i32)
                .wrapping_add(1)
                .max(0);
        }
        *ctx.next_request_id += 1;
        let request_id = *ctx.next_request_id;
        out.send(
            self.node(),
            NodeId::Broker(leader),
            Payload::Produce {
                request_id,
                acks: self.config.acks,
                timeout_ms: self.config.request_timeout_ms,
                batch: ProduceBatch {
                    tp: tp.clone(),
                    producer_id: self.producer_id,
                    producer_epoch: if batch.base_sequence.is_some() {
                        batch.producer_epoch
                    } else {
                        self.producer_epoch
                    },
                    base_sequence: batch.base_sequence.unwrap_or(-1),
                    records: batch.records.clone(),
                    attempt: batch.attempts,
                },
            },
        );
        if self.config.acks == 0 {
            let topic: Rc<str> = Rc::from(tp.topic.as_str());
            for r in &batch.records {
                self.record_acked(acked(&topic, tp.partition, -1, r));
            }
            return;
        }
        *self.in_flight_per_broker.entry(leader).or_insert(0) += 1;
        self.in_flight.insert(
            request_id,
            InFlight {
                broker: leader,
                batch,
            },
        );
        out.timer(
            self.config.request_timeout_ms,
            Timer::ProducerRequestTimeout {
                producer: self.index,
                request_id,
            },
        );
    }
}

/// Why the sender stopped draining a partition, when the caller must act on it.
enum Stopped {
    /// The front batch is not ready (linger.ms, or its retry backoff) until `wake`.
    NotReady { wake: u64 },
    /// The partition's leader is unknown: metadata is needed.
    NoLeader,
}

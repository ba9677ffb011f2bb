//! The idempotent producer's sequences and epochs after errors (KIP-360, Java's
//! `TransactionManager`): which failures keep the sequence, which need a rewrite under a new
//! epoch, and batches whose fate stays unknown until nothing of their partition is in flight.

use super::*;

impl Producer {
    /// Whether some batch of `tp` was sent and has not completed (in a request, or waiting to be
    /// retried): Java's `hasInflightBatches`.
    pub(super) fn has_inflight_batches(&self, tp: &TopicPartition) -> bool {
        self.in_flight.values().any(|f| &f.batch.tp == tp)
            || self
                .accumulator
                .get(tp)
                .is_some_and(|q| q.iter().any(|b| b.base_sequence.is_some()))
    }

    pub(super) fn bump_actionable(&self) -> bool {
        !self.rewrite_sequences.is_empty()
            || self
                .unresolved_sequences
                .keys()
                .any(|tp| !self.has_inflight_batches(tp))
    }

    /// `TransactionManager.maybeResolveSequences` then `bumpIdempotentEpochAndResetIdIfNeeded`:
    /// once an unresolved partition has nothing in flight, it is resolved if the last
    /// acknowledged sequence is the one before the next, else its sequences are rewritten under
    /// a new epoch. A bump rewrites only the partitions that asked for it (KIP-360): a batch
    /// that may be in the log is never sent again with another epoch or sequence.
    pub(super) fn resolve_sequences_and_bump(&mut self, out: &mut Out) {
        if self.producer_id < 0 {
            return;
        }
        let unresolved: Vec<(TopicPartition, i32)> = self
            .unresolved_sequences
            .iter()
            .map(|(tp, &s)| (tp.clone(), s))
            .collect();
        for (tp, _) in unresolved {
            if self.has_inflight_batches(&tp) {
                continue;
            }
            self.unresolved_sequences.remove(&tp);
            let next = self.next_sequence.get(&tp).copied().unwrap_or(0);
            let last_acked = self.last_acked_sequence.get(&tp).copied().unwrap_or(-1);
            if next as i64 - last_acked as i64 != 1 {
                out.trace(
                    self.node(),
                    TraceKind::Produce,
                    format!(
                        "[Producer clientId={}] No inflight batches remaining for {tp}, last ack'd sequence for partition is {last_acked}, next sequence is {next}. Going to bump epoch and reset sequence numbers.",
                        self.name
                    ),
                );
                self.rewrite_sequences.insert(tp);
            }
        }
        if self.rewrite_sequences.is_empty() {
            return;
        }
        self.producer_epoch += 1;
        self.epoch_bumps.push(self.producer_epoch);
        for tp in std::mem::take(&mut self.rewrite_sequences) {
            self.start_sequences_at_beginning(&tp);
        }
    }

    /// `startSequencesAtBeginning`: the partition's in-flight batches, in sequence order, are
    /// renumbered from 0 under the current epoch.
    pub(super) fn start_sequences_at_beginning(&mut self, tp: &TopicPartition) {
        let epoch = self.producer_epoch;
        let mut batches: Vec<&mut Batch> = self
            .in_flight
            .values_mut()
            .map(|f| &mut f.batch)
            .filter(|b| &b.tp == tp && b.base_sequence.is_some())
            .chain(
                self.accumulator
                    .get_mut(tp)
                    .into_iter()
                    .flat_map(|q| q.iter_mut())
                    .filter(|b| b.base_sequence.is_some()),
            )
            .collect();
        crate::sim::sort::sort_by_key(&mut batches, |b| (b.producer_epoch, b.base_sequence));
        let mut seq = 0i32;
        for b in batches {
            b.base_sequence = Some(seq);
            b.producer_epoch = epoch;
            seq = crate::sim::producer_state::last_sequence(seq, b.records.len() as i32)
                .wrapping_add(1)
                .max(0);
        }
        self.next_sequence.insert(tp.clone(), seq);
        self.partition_epoch.insert(tp.clone(), epoch);
        self.last_acked_sequence.remove(tp);
        self.unresolved_sequences.remove(tp);
    }

    pub(super) fn on_batch_error(
        &mut self,
        batch: Batch,
        e: KafkaError,
        ctx: &mut ProducerCtx,
        out: &mut Out,
    ) {
        // `TransactionManager.canRetry`: the idempotent producer retries every out-of-order
        // answer; a real gap in the sequences bumps the epoch first.
        let out_of_order = e == KafkaError::OutOfOrderSequenceNumber && self.producer_id >= 0;
        let retriable = e.is_retriable() || out_of_order;
        let bump = out_of_order && self.sequence_gap_at(&batch);
        let expired =
            ctx.now_ms.saturating_sub(batch.created_ms) >= self.config.delivery_timeout_ms;
        if !(retriable && batch.attempts < self.config.retries && !expired) {
            return self.give_up_batch(batch, e, expired && retriable, out);
        }
        if bump {
            self.rewrite_sequences.insert(batch.tp.clone());
        }
        self.retry_batch(batch, e, ctx, out);
    }

    /// Whether an OUT_OF_ORDER_SEQUENCE_NUMBER answer shows a real gap: the batch is the one
    /// right after the last acknowledged sequence (or right after an unresolved one), so no
    /// earlier batch can fill it. Bumping the epoch renumbers the partition's batches from 0.
    fn sequence_gap_at(&self, batch: &Batch) -> bool {
        let tp = &batch.tp;
        let seq = batch.base_sequence.unwrap_or(-1) as i64;
        let last_acked = self.last_acked_sequence.get(tp).copied().unwrap_or(-1) as i64;
        match self.unresolved_sequences.get(tp) {
            None => seq - last_acked == 1,
            Some(&next) => next as i64 == seq,
        }
    }

    /// The batch goes back to the front of its queue, in sequence order, after the backoff
    /// (KIP-580); errors that mean the leader moved forget it.
    fn retry_batch(
        &mut self,
        mut batch: Batch,
        e: KafkaError,
        ctx: &mut ProducerCtx,
        out: &mut Out,
    ) {
        let tp = batch.tp.clone();
        batch.attempts += 1;
        batch.last_error = Some(e);
        batch.retry_at_ms = ctx.now_ms
            + super::backoff::retry_backoff_ms(
                self.config.retry_backoff_ms,
                self.config.retry_backoff_max_ms,
                batch.attempts,
                ctx.rng,
            );
        let retry = ProducerError::Retry {
            producer: self.name.clone(),
            tp: tp.clone(),
            attempts_left: self.config.retries.saturating_sub(batch.attempts),
            error: e,
        };
        out.event(self.node(), TraceLine::Producer(retry));
        if matches!(
            e,
            KafkaError::NotLeaderOrFollower
                | KafkaError::NetworkException
                | KafkaError::RequestTimedOut
                | KafkaError::UnknownTopicOrPartition
        ) {
            self.leaders.insert(tp.clone(), None);
        }
        let q = self.accumulator.entry(tp).or_default();
        let pos = q
            .iter()
            .position(|b| b.base_sequence.is_none() || b.base_sequence > batch.base_sequence)
            .unwrap_or(q.len());
        q.insert(pos, batch);
    }

    /// The batch fails for good. Sender.completeBatch: sequences are only adjusted if the
    /// batch did not exhaust its retries (then whether the broker took it is unknown); a batch
    /// that ran out of delivery time is an expiry (Sender.sendProducerData), which leaves its
    /// partition unresolved until everything in flight there completes.
    fn give_up_batch(&mut self, batch: Batch, e: KafkaError, expired: bool, out: &mut Out) {
        let failed = ProducerError::Failed {
            producer: self.name.clone(),
            records: batch.records.len(),
            tp: batch.tp.clone(),
            error: e,
        };
        out.event(self.node(), TraceLine::Producer(failed));
        let fate = if expired {
            SequenceFate::Unresolved
        } else if batch.attempts < self.config.retries {
            SequenceFate::Rewrite
        } else {
            SequenceFate::Keep
        };
        self.fail_batch(batch, e, fate);
    }

    /// KIP-360 / `TransactionManager.handleFailedBatch` for the idempotent producer: what a
    /// failed batch means for its partition's sequences. A batch that may be in the log is never
    /// sent again under another epoch or sequence (that is what keeps records from being written
    /// twice).
    pub(super) fn fail_batch(&mut self, batch: Batch, e: KafkaError, fate: SequenceFate) {
        if let (true, Some(base)) = (self.producer_id >= 0, batch.base_sequence) {
            let tp = batch.tp.clone();
            match fate {
                SequenceFate::Keep => {}
                SequenceFate::Rewrite => {
                    self.rewrite_sequences.insert(tp);
                }
                SequenceFate::Unresolved => {
                    let next =
                        crate::sim::producer_state::last_sequence(base, batch.records.len() as i32)
                            .wrapping_add(1)
                            .max(0);
                    let e = self.unresolved_sequences.entry(tp).or_insert(next);
                    *e = (*e).max(next);
                }
            }
        }
        let cause = batch
            .last_error
            .filter(|&c| c != e)
            .map(|c| c.name().to_string());
        for r in batch.records {
            self.record_failed(FailedRecord {
                key: r.key.as_deref().map(str::to_string),
                value: r.value.to_string(),
                error: e.name().to_string(),
                cause: cause.clone(),
            });
        }
    }
}

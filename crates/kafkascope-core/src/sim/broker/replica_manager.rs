//! The leader side of a broker (Kafka's `ReplicaManager` and `Partition`): appends produced
//! batches (with the idempotent producer's sequence checks), holds acks=all produces until the
//! high watermark passes them, answers and holds fetches from followers and consumers, tracks
//! followers' progress and shrinks or expands the ISR through AlterPartition.

use super::*;

impl Broker {
    #[allow(clippy::too_many_arguments)]
    pub(super) fn on_produce(
        &mut self,
        from: NodeId,
        request_id: u64,
        acks: i16,
        timeout_ms: u64,
        batch: ProduceBatch,
        now: u64,
        cfg: &BrokerConfig,
        out: &mut Out,
    ) {
        let node = self.node();
        let tp = batch.tp.clone();
        let respond = |out: &mut Out, result: Result<i64, KafkaError>| {
            if acks != 0 {
                out.send(
                    node,
                    from,
                    Payload::ProduceResponse {
                        request_id,
                        tp: tp.clone(),
                        result,
                    },
                );
            }
        };
        if !matches!(acks, -1..=1) {
            return respond(out, Err(KafkaError::InvalidRequiredAcks));
        }
        let first_offset = match self.append_to_leader(&batch, acks, cfg, out) {
            Ok(first_offset) => first_offset,
            Err(e) => return respond(out, Err(e)),
        };
        let required_offset = first_offset + batch.records.len() as i64;
        let fenced = self.fenced_view.clone();
        let replica = self.replicas.get_mut(&tp).expect("present");
        let hw_moved =
            replica.maybe_increment_hw(now, cfg.replica_lag_time_max_ms, |b| !fenced.contains(&b));
        match acks {
            0 => {}
            1 => respond(out, Ok(first_offset)),
            _ => {
                if replica.high_watermark >= required_offset {
                    respond(out, Ok(first_offset));
                } else {
                    let delayed = DelayedProduce {
                        from,
                        request_id,
                        first_offset,
                        required_offset,
                        deadline_ms: now + timeout_ms,
                        commit: None,
                        store_group: None,
                    };
                    self.hold_produce(&tp, delayed, timeout_ms, out);
                }
            }
        }
        self.complete_delayed(&tp, now, out);
        self.wake_held_fetches(&tp, true, now, cfg, out);
        if hw_moved {
            self.wake_held_fetches(&tp, false, now, cfg, out);
        }
    }

    /// `Partition.appendRecordsToLeader`: refused unless this broker leads the partition
    /// (and, for acks=all, the ISR has min.insync.replicas); an idempotent batch is checked
    /// against its producer's sequences (a duplicate is answered with its first offset, not
    /// appended again). The first offset of the batch.
    fn append_to_leader(
        &mut self,
        batch: &ProduceBatch,
        acks: i16,
        cfg: &BrokerConfig,
        out: &mut Out,
    ) -> Result<i64, KafkaError> {
        let node = self.node();
        let Some(replica) = self
            .replicas
            .get_mut(&batch.tp)
            .filter(|r| r.leading.is_some())
        else {
            return Err(KafkaError::NotLeaderOrFollower);
        };
        let count = batch.records.len() as i32;
        let idempotent = batch.producer_id >= 0;
        let last_seq = last_sequence(batch.base_sequence, count);
        // acks=all refuses before appending when the ISR is below min.insync.replicas.
        if acks == -1 && replica.isr.len() < replica.effective_min_isr() {
            let refused = AppendError::NotEnoughReplicas {
                broker: self.id,
                tp: batch.tp.clone(),
                isr: replica.isr.clone(),
                min_isr: replica.effective_min_isr(),
            };
            out.event(node, TraceLine::AppendRefused(refused));
            return Err(KafkaError::NotEnoughReplicas);
        }
        Ok(if idempotent {
            match replica.producers.check(
                batch.producer_id,
                batch.producer_epoch,
                batch.base_sequence,
                last_seq,
            ) {
                Err(e) => {
                    let refused = AppendError::ProducerState {
                        error: e,
                        tp: batch.tp.clone(),
                        producer_id: batch.producer_id,
                        epoch: batch.producer_epoch,
                        first_sequence: batch.base_sequence,
                        last_sequence: last_seq,
                    };
                    out.event(node, TraceLine::AppendRefused(refused));
                    return Err(e);
                }
                Ok(SequenceCheck::Duplicate { first_offset }) => {
                    out.trace(
                        node,
                        TraceKind::Produce,
                        format!(
                            "Duplicate batch for {} dropped: producerId={}, epoch={}, sequence {}..{} already at offset {}",
                            batch.tp, batch.producer_id, batch.producer_epoch, batch.base_sequence, last_seq, first_offset
                        ),
                    );
                    first_offset
                }
                Ok(SequenceCheck::Append) => append_batch(replica, batch, last_seq, cfg),
            }
        } else {
            append_batch(replica, batch, last_seq, cfg)
        })
    }

    /// An acks=all produce waits for the HW to pass its records, up to `timeout_ms`.
    fn hold_produce(
        &mut self,
        tp: &TopicPartition,
        delayed: DelayedProduce,
        timeout_ms: u64,
        out: &mut Out,
    ) {
        let request_id = delayed.request_id;
        let Some(leading) = self.replicas.get_mut(tp).and_then(|r| r.leading.as_mut()) else {
            return;
        };
        leading.delayed.push_back(delayed);
        out.timer(
            timeout_ms,
            Timer::DelayedProduceExpiry {
                broker: self.id,
                incarnation: self.incarnation,
                tp: tp.clone(),
                request_id,
            },
        );
    }

    /// Answers acks=all produces whose offsets the HW has passed (`DelayedProduce.tryComplete`).
    pub(super) fn complete_delayed(&mut self, tp: &TopicPartition, now: u64, out: &mut Out) {
        let node = self.node();
        let Some(replica) = self.replicas.get_mut(tp) else {
            return;
        };
        let hw = replica.high_watermark;
        let min_isr = replica.effective_min_isr();
        let isr_len = replica.maximal_isr().len();
        let Some(leading) = replica.leading.as_mut() else {
            return;
        };
        let mut ready = Vec::new();
        while leading
            .delayed
            .front()
            .is_some_and(|d| d.required_offset <= hw)
        {
            ready.push(leading.delayed.pop_front().expect("checked"));
        }
        for d in ready {
            let result = if isr_len < min_isr {
                Err(KafkaError::NotEnoughReplicasAfterAppend)
            } else {
                Ok(d.first_offset)
            };
            if let (Ok(_), Some((group, offsets))) = (&result, &d.commit) {
                self.coordinator.commit_completed(group, offsets);
            }
            match d.store_group {
                // A group's metadata: the coordinator completes the rebalance.
                Some((group, generation)) => {
                    self.group_stored(&group, generation, result.map(|_| ()), now, out)
                }
                None => out.send(node, d.from, d.reply(tp, result)),
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) fn on_fetch(
        &mut self,
        from: NodeId,
        request_id: u64,
        replica: Option<BrokerId>,
        max_wait_ms: u64,
        partitions: Vec<FetchPartition>,
        now: u64,
        cfg: &BrokerConfig,
        out: &mut Out,
    ) {
        // Record each follower's position first: it moves the HW and may grow the ISR.
        if let Some(follower) = replica {
            for p in &partitions {
                self.update_follower(follower, p, now, cfg, out);
            }
        }
        let held = HeldFetch {
            from,
            request_id,
            replica,
            partitions,
        };
        let has_data = held
            .partitions
            .iter()
            .any(|p| match self.replicas.get(&p.tp) {
                Some(r) if r.leading.is_some() => {
                    let limit = if replica.is_some() {
                        r.log.leo()
                    } else {
                        r.high_watermark
                    };
                    p.fetch_offset < limit
                        || diverging(r, p).is_some()
                        || p.fetch_offset > r.log.leo()
                }
                _ => true,
            });
        if has_data || max_wait_ms == 0 {
            self.answer_fetch(held, now, cfg, out);
        } else {
            self.held_fetches.push(held);
            out.timer(
                max_wait_ms,
                Timer::FetchWaitExpiry {
                    broker: self.id,
                    incarnation: self.incarnation,
                    request_id,
                },
            );
        }
    }

    pub(super) fn update_follower(
        &mut self,
        follower: BrokerId,
        p: &FetchPartition,
        now: u64,
        cfg: &BrokerConfig,
        out: &mut Out,
    ) {
        let fenced = self.fenced_view.clone();
        let node = self.node();
        let Some(r) = self.replicas.get_mut(&p.tp) else {
            return;
        };
        if diverging(r, p).is_some() {
            return;
        }
        let leo = r.log.leo();
        let hw = r.high_watermark;
        let Some(leading) = r.leading.as_mut() else {
            return;
        };
        let Some(state) = leading.followers.get_mut(&follower) else {
            return;
        };
        state.on_fetch(p.fetch_offset.min(leo), leo, now);
        let follower_leo = state.leo;
        // maybeExpandIsr: past the HW and the epoch start, eligible, and no change in flight.
        let expand = !r.isr.contains(&follower)
            && leading.pending_isr.is_none()
            && follower_leo >= hw
            && follower_leo >= leading.epoch_start_offset
            && !fenced.contains(&follower);
        if expand {
            let mut new_isr = r.isr.clone();
            new_isr.push(follower);
            leading.pending_isr = Some(new_isr.clone());
            out.trace(
                node,
                TraceKind::Isr,
                format!(
                    "[Partition {} broker={}] Expanding ISR from {} to {}",
                    r.tp,
                    self.id,
                    join(&r.isr),
                    join(&new_isr)
                ),
            );
            if let Some(c) = self.controller {
                out.send(
                    node,
                    c,
                    Payload::AlterPartition {
                        tp: r.tp.clone(),
                        leader_epoch: r.leader_epoch,
                        partition_epoch: r.partition_epoch,
                        new_isr,
                    },
                );
            }
        }
        let tp = p.tp.clone();
        if r.maybe_increment_hw(now, cfg.replica_lag_time_max_ms, |b| !fenced.contains(&b)) {
            self.complete_delayed(&tp, now, out);
            // Consumers read up to the HW: their waiting fetches can be answered now.
            self.wake_held_fetches(&tp, false, now, cfg, out);
        }
    }

    pub(super) fn answer_fetch(
        &mut self,
        held: HeldFetch,
        _now: u64,
        cfg: &BrokerConfig,
        out: &mut Out,
    ) {
        let partitions = held
            .partitions
            .iter()
            .map(|p| self.read_partition(p, held.replica.is_some(), cfg))
            .collect();
        out.send(
            self.node(),
            held.from,
            Payload::FetchResponse {
                request_id: held.request_id,
                partitions,
            },
        );
    }

    pub(super) fn read_partition(
        &self,
        p: &FetchPartition,
        from_follower: bool,
        cfg: &BrokerConfig,
    ) -> FetchedPartition {
        let mut fetched = FetchedPartition {
            tp: p.tp.clone(),
            error: None,
            high_watermark: -1,
            log_start_offset: -1,
            diverging_epoch: None,
            records: Vec::new(),
        };
        let Some(r) = self.replicas.get(&p.tp).filter(|r| r.leading.is_some()) else {
            fetched.error = Some(KafkaError::NotLeaderOrFollower);
            return fetched;
        };
        fetched.high_watermark = r.high_watermark;
        fetched.log_start_offset = r.log.log_start_offset();
        if let Some(div) = diverging(r, p) {
            fetched.diverging_epoch = Some(div);
            return fetched;
        }
        if p.fetch_offset < r.log.log_start_offset() || p.fetch_offset > r.log.leo() {
            fetched.error = Some(KafkaError::OffsetOutOfRange);
            return fetched;
        }
        // Followers read to the LEO; consumers (read_uncommitted) only to the HW.
        let limit = if from_follower {
            r.log.leo()
        } else {
            r.high_watermark
        };
        fetched.records = r
            .log
            .read(p.fetch_offset, limit, cfg.replica_fetch_max_records);
        fetched
    }

    /// Answers the long-polls waiting on `tp`: followers' when the log grows, consumers' when
    /// the high watermark moves (they read only up to it).
    pub(super) fn wake_held_fetches(
        &mut self,
        tp: &TopicPartition,
        followers: bool,
        now: u64,
        cfg: &BrokerConfig,
        out: &mut Out,
    ) {
        let (wake, keep): (Vec<HeldFetch>, Vec<HeldFetch>) = std::mem::take(&mut self.held_fetches)
            .into_iter()
            .partition(|h| {
                h.replica.is_some() == followers && h.partitions.iter().any(|p| &p.tp == tp)
            });
        self.held_fetches = keep;
        for h in wake {
            self.answer_fetch(h, now, cfg, out);
        }
    }

    pub(super) fn maybe_shrink_isr(&mut self, now: u64, cfg: &BrokerConfig, out: &mut Out) {
        let node = self.node();
        for r in self.replicas.values_mut() {
            let leo = r.log.leo();
            let Some(leading) = r.leading.as_mut() else {
                continue;
            };
            if leading.pending_isr.is_some() {
                continue;
            }
            let out_of_sync: Vec<BrokerId> = r
                .isr
                .iter()
                .copied()
                .filter(|&b| b != self.id)
                .filter(|b| {
                    leading
                        .followers
                        .get(b)
                        .is_none_or(|f| !f.is_caught_up(leo, now, cfg.replica_lag_time_max_ms))
                })
                .collect();
            if out_of_sync.is_empty() {
                continue;
            }
            let new_isr: Vec<BrokerId> = r
                .isr
                .iter()
                .copied()
                .filter(|b| !out_of_sync.contains(b))
                .collect();
            let details: Vec<String> = out_of_sync
                .iter()
                .map(|b| {
                    let f = leading.followers.get(b).copied().unwrap_or_default();
                    format!(
                        "(brokerId: {b}, endOffset: {}, lastCaughtUpTimeMs: {})",
                        f.leo, f.last_caught_up_ms
                    )
                })
                .collect();
            out.trace(
                node,
                TraceKind::Isr,
                format!(
                    "[Partition {} broker={}] Shrinking ISR from {} to {}. Leader: (highWatermark: {}, endOffset: {}). Out of sync replicas: {}.",
                    r.tp,
                    self.id,
                    join(&r.isr),
                    join(&new_isr),
                    r.high_watermark,
                    leo,
                    details.join(", ")
                ),
            );
            leading.pending_isr = Some(new_isr.clone());
            if let Some(c) = self.controller {
                out.send(
                    node,
                    c,
                    Payload::AlterPartition {
                        tp: r.tp.clone(),
                        leader_epoch: r.leader_epoch,
                        partition_epoch: r.partition_epoch,
                        new_isr,
                    },
                );
            }
        }
    }

    pub(super) fn on_alter_partition_response(
        &mut self,
        tp: TopicPartition,
        result: Result<crate::sim::metadata::PartitionRegistration, KafkaError>,
        now: u64,
        cfg: &BrokerConfig,
        out: &mut Out,
    ) {
        let fenced = self.fenced_view.clone();
        let Some(r) = self.replicas.get_mut(&tp) else {
            return;
        };
        let Some(leading) = r.leading.as_mut() else {
            return;
        };
        leading.pending_isr = None;
        if let Ok(reg) = result {
            if reg.leader_epoch == r.leader_epoch && reg.partition_epoch > r.partition_epoch {
                r.isr = reg.isr;
                r.partition_epoch = reg.partition_epoch;
            }
        }
        let hw_moved =
            r.maybe_increment_hw(now, cfg.replica_lag_time_max_ms, |b| !fenced.contains(&b));
        self.complete_delayed(&tp, now, out);
        if hw_moved {
            self.wake_held_fetches(&tp, false, now, cfg, out);
        }
    }
}

/// KIP-320: the leader's check of the follower's last fetched epoch. Returns the epoch and end
/// offset to truncate to when the follower's log diverges.
pub(super) fn diverging(r: &Replica, p: &FetchPartition) -> Option<(i32, i64)> {
    if p.last_fetched_epoch < 0 {
        return None;
    }
    let (epoch, end) = r
        .log
        .epochs
        .end_offset_for(p.last_fetched_epoch, r.log.leo());
    if epoch != p.last_fetched_epoch || end < p.fetch_offset {
        Some((epoch, end))
    } else {
        None
    }
}

pub(super) fn append_batch(
    replica: &mut Replica,
    batch: &ProduceBatch,
    last_seq: i32,
    cfg: &BrokerConfig,
) -> i64 {
    let _ = cfg;
    let first_offset = replica.log.leo();
    let idempotent = batch.producer_id >= 0;
    let segment_bytes = replica.config.log.segment_bytes;
    for (i, record) in batch.records.iter().enumerate() {
        let stamp = if idempotent {
            ProducerStamp {
                producer_id: batch.producer_id,
                producer_epoch: batch.producer_epoch,
                sequence: last_sequence(batch.base_sequence, i as i32 + 1),
                batch_first_seq: batch.base_sequence,
                batch_last_seq: last_seq,
            }
        } else {
            ProducerStamp::NONE
        };
        replica.log.append(
            LogEntry {
                offset: -1,
                leader_epoch: replica.leader_epoch,
                record: record.clone(),
                stamp,
            },
            segment_bytes,
        );
    }
    if idempotent {
        replica.producers.record(
            batch.producer_id,
            batch.producer_epoch,
            BatchMetadata {
                first_seq: batch.base_sequence,
                last_seq,
                first_offset,
            },
        );
    }
    first_offset
}

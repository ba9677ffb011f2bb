//! Metadata, positions and fetches: partition leaders, the committed offset or the reset
//! policy as the starting position, fetch requests to leaders, and what a fetch returns.

use super::*;

impl Consumer {
    pub(super) fn subscribed_counts(&self) -> Vec<(String, i32)> {
        self.topics
            .iter()
            .map(|t| {
                (
                    t.clone(),
                    self.partition_counts.get(t).copied().unwrap_or(0),
                )
            })
            .collect()
    }

    pub(super) fn refresh_metadata(&mut self, ctx: &mut ConsumerCtx, out: &mut Out) {
        if self
            .pending
            .values()
            .any(|p| matches!(p, Pending::Metadata))
        {
            return;
        }
        let Some(b) = self.any_broker() else { return };
        *ctx.next_request_id += 1;
        let request_id = *ctx.next_request_id;
        self.pending.insert(request_id, Pending::Metadata);
        out.send(
            self.node(),
            NodeId::Broker(b),
            Payload::Metadata { request_id },
        );
        out.timer(
            self.config.request_timeout_ms,
            Timer::ConsumerRequestTimeout {
                consumer: self.index,
                incarnation: self.incarnation,
                request_id,
            },
        );
    }

    /// A position from a committed offset or a reset: it is also what `allConsumed` (and so
    /// auto-commit) reports for the partition until records are returned.
    pub(super) fn set_position(&mut self, tp: TopicPartition, offset: i64) {
        self.start_positions.entry(tp.clone()).or_insert(offset);
        self.consumed.insert(tp.clone(), offset);
        if self.config.enable_auto_offset_store {
            self.stored.insert(tp.clone(), offset);
        }
        self.positions.insert(tp, offset);
    }

    pub(super) fn ensure_fetches(&mut self, ctx: &mut ConsumerCtx, out: &mut Out) {
        if self.member_state != MemberState::Stable
            && self.config.rebalance_protocol() == RebalanceProtocol::Eager
        {
            return;
        }
        let mut by_leader: VecMap<BrokerId, Vec<FetchPartition>> = VecMap::new();
        let mut need_metadata = false;
        let mut buffered_by_tp: VecMap<&TopicPartition, usize> = VecMap::new();
        for (t, _) in &self.buffer {
            *buffered_by_tp.entry(&**t).or_default() += 1;
        }
        for tp in &self.assignment {
            if self.paused.contains(tp) {
                continue;
            }
            let Some(&pos) = self.positions.get(tp) else {
                continue;
            };
            let buffered = buffered_by_tp.get(tp).copied().unwrap_or(0);
            if buffered >= self.config.max_poll_records {
                continue;
            }
            match self.leaders.get(tp).copied().flatten() {
                // That leader's fetch is still out: nothing to send it now (skipping early
                // spares building a request per partition on every event of a big group).
                Some(l) if self.fetch_in_flight.contains_key(&l) => {}
                Some(l) => by_leader.entry(l).or_default().push(FetchPartition {
                    tp: tp.clone(),
                    fetch_offset: pos,
                    last_fetched_epoch: -1,
                }),
                None => need_metadata = true,
            }
        }
        for (leader, partitions) in by_leader {
            *ctx.next_request_id += 1;
            let request_id = *ctx.next_request_id;
            self.fetch_in_flight.insert(leader, request_id);
            out.send(
                self.node(),
                NodeId::Broker(leader),
                Payload::Fetch {
                    request_id,
                    replica: None,
                    max_wait_ms: self.config.fetch_max_wait_ms,
                    partitions,
                },
            );
            out.timer(
                self.config.request_timeout_ms,
                Timer::ConsumerRequestTimeout {
                    consumer: self.index,
                    incarnation: self.incarnation,
                    request_id,
                },
            );
        }
        if need_metadata {
            self.refresh_metadata(ctx, out);
        }
    }

    pub(super) fn reset_position(
        &mut self,
        tp: TopicPartition,
        ctx: &mut ConsumerCtx,
        out: &mut Out,
    ) {
        let earliest = match self.config.auto_offset_reset {
            OffsetReset::Earliest => true,
            OffsetReset::Latest => false,
            OffsetReset::None => {
                let msg = format!("NoOffsetForPartitionException: Undefined offset with no reset policy for partitions: [{tp}]");
                self.log(out, msg.clone());
                self.errors.push(msg);
                return;
            }
        };
        match self.leaders.get(&tp).copied().flatten() {
            Some(l) => self.request(
                l,
                GroupRequest::ListOffsets { tp, earliest },
                Pending::ListOffsets,
                ctx,
                out,
            ),
            None => self.refresh_metadata(ctx, out),
        }
    }

    pub(super) fn on_fetched(&mut self, p: FetchedPartition, ctx: &mut ConsumerCtx, out: &mut Out) {
        let tp = p.tp.clone();
        if !self.assignment.contains(&tp) {
            return;
        }
        let Some(&pos) = self.positions.get(&tp) else {
            return;
        };
        match p.error {
            Some(KafkaError::OffsetOutOfRange) => {
                // C4: reset with the policy (or fail with `none`).
                self.log(out, format!("Fetch position FetchPosition{{offset={pos}}} is out of range for partition {tp}, resetting offset"));
                self.positions.remove(&tp);
                self.reset_position(tp, ctx, out);
                return;
            }
            Some(_) => {
                self.leaders.insert(tp, None);
                self.refresh_metadata(ctx, out);
                return;
            }
            None => {}
        }
        let mut next = pos;
        let shared: Tp = Rc::new(tp.clone());
        for e in p.records {
            if e.offset == next {
                next += 1;
                self.buffer.push_back((shared.clone(), e));
            }
        }
        self.positions.insert(tp, next);
    }
}

impl Consumer {
    /// A MetadataResponse: partition counts and leaders. The leader member notices a
    /// partition-count change of a subscribed topic and triggers a rebalance
    /// (`ConsumerCoordinator.rejoinNeededOrPending`, clients/src/main/java/org/apache/kafka/
    /// clients/consumer/internals/ConsumerCoordinator.java).
    pub(super) fn on_metadata_response(
        &mut self,
        request_id: u64,
        leaders: Vec<(TopicPartition, Option<BrokerId>, i32)>,
        ctx: &mut ConsumerCtx,
        out: &mut Out,
    ) {
        if self.pending.remove(&request_id).is_none() {
            return;
        }
        let before: Vec<(String, i32)> = self.subscribed_counts();
        for (tp, leader, _) in leaders {
            let c = self.partition_counts.entry(tp.topic.clone()).or_insert(0);
            *c = (*c).max(tp.partition + 1);
            self.leaders.insert(tp, leader);
        }
        let after = self.subscribed_counts();
        if self.is_leader && self.member_state == MemberState::Stable && before != after {
            self.rejoin(&format!("cached metadata has changed from {before:?} at the beginning of the rebalance to {after:?}"), ctx, out);
        }
        self.ensure_fetches(ctx, out);
    }

    /// A FetchResponse from a leader, if it answers the fetch in flight to it.
    pub(super) fn on_fetch_response(
        &mut self,
        from: BrokerId,
        request_id: u64,
        partitions: Vec<FetchedPartition>,
        ctx: &mut ConsumerCtx,
        out: &mut Out,
    ) {
        if self.fetch_in_flight.get(&from) != Some(&request_id) {
            return;
        }
        self.fetch_in_flight.remove(&from);
        for p in partitions {
            self.on_fetched(p, ctx, out);
        }
        self.ensure_fetches(ctx, out);
    }

    /// ListOffsets (`auto.offset.reset`): the reset position, if the partition still waits for
    /// one; on an error the leader is forgotten and metadata refreshed.
    pub(super) fn on_list_offsets(
        &mut self,
        tp: TopicPartition,
        result: Result<i64, KafkaError>,
        ctx: &mut ConsumerCtx,
        out: &mut Out,
    ) {
        match result {
            Ok(o) => {
                if self.assignment.contains(&tp) && !self.positions.contains_key(&tp) {
                    self.log(out, format!("Resetting offset for partition {tp} to position FetchPosition{{offset={o}, offsetEpoch=Optional.empty}}."));
                    self.set_position(tp, o);
                    self.ensure_fetches(ctx, out);
                }
            }
            Err(_) => {
                self.leaders.insert(tp, None);
                self.refresh_metadata(ctx, out);
            }
        }
    }
}

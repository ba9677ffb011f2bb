//! The application around the client (Kafkascope's model of the code that calls `poll()`):
//! the poll loop, processing each batch between two polls or on a worker thread, and what is
//! stored and committed after processing.

use super::*;

impl Consumer {
    pub(super) fn schedule_poll(&mut self, delay: u64, out: &mut Out) {
        if !self.poll_scheduled {
            self.poll_scheduled = true;
            out.timer(
                delay,
                Timer::ConsumerPoll {
                    consumer: self.index,
                    incarnation: self.incarnation,
                },
            );
        }
    }

    /// One iteration of the application's loop: `poll()`, then processing.
    pub(super) fn poll(&mut self, ctx: &mut ConsumerCtx, out: &mut Out) {
        self.poll_scheduled = false;
        let now = ctx.now_ms;
        // Poll-loop processing of the previous batch is done by now.
        let done = std::mem::take(&mut self.in_process);
        let processed_batch = !done.is_empty();
        for (tp, e) in done {
            self.mark_processed(&tp, &e, now);
        }
        if processed_batch && self.config.commit_after_processing {
            self.commit(self.stored.clone(), "commitSync after processing", ctx, out);
        }
        if self.close_pending {
            self.close(ctx, out);
            return;
        }
        if let Some(reason) = self.rejoin_pending.take() {
            self.join(&reason, ctx, out);
        }
        self.last_poll_ms = now;
        if self.coordinator.is_none() {
            self.find_coordinator(ctx, out);
        } else if self.member_state == MemberState::Unjoined {
            self.join("consumer is not in a group", ctx, out);
        }
        // C2(a): auto-commit inside poll, of what earlier polls returned.
        if self.config.enable_auto_commit
            && self.member_state == MemberState::Stable
            && now.saturating_sub(self.last_commit_ms) >= self.config.auto_commit_interval_ms
        {
            self.last_commit_ms = now;
            self.commit(self.stored.clone(), "auto-commit", ctx, out);
        }
        let taken = self.take_records();
        self.polled += taken.len() as u64;
        let next = self.hand_over(taken, out);
        self.ensure_fetches(ctx, out);
        self.schedule_poll(next, out);
    }

    /// What `poll()` returns: up to `max.poll.records` buffered records of assigned partitions
    /// (none during an eager rebalance). Records of paused partitions stay buffered; those of
    /// revoked ones are dropped.
    fn take_records(&mut self) -> Vec<(Rc<TopicPartition>, LogEntry)> {
        let mut taken = Vec::new();
        if !(self.member_state == MemberState::Stable
            || self.config.rebalance_protocol() == RebalanceProtocol::Cooperative)
        {
            return taken;
        }
        let mut keep = VecDeque::new();
        while taken.len() < self.config.max_poll_records {
            let Some((tp, e)) = self.buffer.pop_front() else {
                break;
            };
            if !self.assignment.contains(&tp) {
                continue;
            }
            if self.paused.contains(&*tp) {
                keep.push_back((tp, e));
                continue;
            }
            set_offset(&mut self.consumed, &tp, e.offset + 1);
            if self.config.enable_auto_offset_store {
                set_offset(&mut self.stored, &tp, e.offset + 1);
            }
            taken.push((tp, e));
        }
        if !keep.is_empty() {
            keep.append(&mut self.buffer);
            self.buffer = keep;
        }
        taken
    }

    /// The application takes the records: processed before the next poll (poll-loop), or
    /// queued for the worker thread. Returns when to poll next.
    fn hand_over(&mut self, taken: Vec<(Rc<TopicPartition>, LogEntry)>, out: &mut Out) -> u64 {
        match self.config.processing {
            Processing::PollLoop => {
                let busy = taken.len() as u64 * self.config.processing_time_ms;
                self.in_process = taken;
                if busy > 0 {
                    busy
                } else {
                    100
                }
            }
            Processing::Worker => {
                let got = !taken.is_empty();
                self.worker_queue.extend(taken);
                self.kick_worker(out);
                if got {
                    1
                } else {
                    100
                }
            }
        }
    }

    pub(super) fn mark_processed(&mut self, tp: &TopicPartition, e: &LogEntry, now: u64) {
        let topic = match self.topic_names.get(&tp.topic) {
            Some(t) => t.clone(),
            None => {
                let t: Rc<str> = Rc::from(tp.topic.as_str());
                self.topic_names.insert(tp.topic.clone(), t.clone());
                t
            }
        };
        self.processed_count += 1;
        self.processed_offsets.record(tp, e.offset);
        let from = &mut self.processed_from;
        let record = ProcessedRecord {
            topic,
            partition: tp.partition,
            offset: e.offset,
            key: e.record.key.clone(),
            value: e.record.value.clone(),
            at_ms: now,
        };
        crate::sim::observations::push_bounded(&mut self.processed, record, |d| {
            let tp = TopicPartition::new(&*d.topic, d.partition);
            let below = from.entry(tp).or_insert(0);
            *below = (*below).max(d.offset + 1);
        });
        if !self.config.enable_auto_offset_store {
            // The application stores the offset once the record is processed (offsets_store).
            self.stored.insert(tp.clone(), e.offset + 1);
        }
    }

    pub(super) fn kick_worker(&mut self, out: &mut Out) {
        if !self.worker_busy && !self.worker_queue.is_empty() {
            self.worker_busy = true;
            out.timer(
                self.config.processing_time_ms,
                Timer::ConsumerWorker {
                    consumer: self.index,
                    incarnation: self.incarnation,
                },
            );
        }
    }

    /// The application is processing a batch `poll()` returned (poll-loop processing): the
    /// client's own work (rejoin, close) waits for the next `poll()`.
    pub(super) fn busy_processing(&self) -> bool {
        self.config.processing == Processing::PollLoop && !self.in_process.is_empty()
    }
}

impl Consumer {
    /// `close()`: a last commit (auto-commit), then LeaveGroup. Called while the poll loop
    /// processes a batch, it runs once the batch is done.
    pub fn close(&mut self, ctx: &mut ConsumerCtx, out: &mut Out) {
        if self.busy_processing() {
            self.close_pending = true;
            return;
        }
        if self.config.enable_auto_commit {
            self.commit(self.stored.clone(), "commit on close", ctx, out);
        }
        let revoked = self.assignment.clone();
        self.log(
            out,
            format!("Revoke previously assigned partitions {}", list(&revoked)),
        );
        self.leave("the consumer is being closed", ctx, out);
        self.state = ConsumerState::Closed;
    }

    /// The process dies: nothing more is sent; the group notices by session timeout.
    pub fn crash(&mut self) {
        self.state = ConsumerState::Crashed;
        self.in_process.clear();
        self.worker_queue.clear();
        self.buffer.clear();
    }

    /// A new process with the same configuration (a static member keeps its instance id).
    pub fn restart(&mut self, ctx: &mut ConsumerCtx, out: &mut Out) {
        let keep_processed = std::mem::take(&mut self.processed);
        let keep_errors = std::mem::take(&mut self.errors);
        let mut fresh = Consumer::new(
            &self.name,
            self.index,
            self.config.clone(),
            self.topics.clone(),
            self.bootstrap.clone(),
            0,
        );
        fresh.client_id = self.client_id.clone();
        fresh.incarnation = self.incarnation + 1;
        fresh.processed = keep_processed;
        fresh.processed_count = self.processed_count;
        fresh.processed_from = std::mem::take(&mut self.processed_from);
        fresh.processed_offsets = std::mem::take(&mut self.processed_offsets);
        fresh.errors = keep_errors;
        fresh.polled = self.polled;
        fresh.start_positions = std::mem::take(&mut self.start_positions);
        *self = fresh;
        self.start(ctx, out);
    }

    /// `subscribe()` with new topics: the member rejoins with its new subscription.
    pub fn subscribe(&mut self, topics: Vec<String>, ctx: &mut ConsumerCtx, out: &mut Out) {
        self.topics = topics;
        self.refresh_metadata(ctx, out);
        if self.member_state == MemberState::Stable {
            self.rejoin("subscription changed", ctx, out);
        }
    }

    /// `commitSync()` of what has been consumed (or stored), from a command.
    pub fn commit_now(&mut self, ctx: &mut ConsumerCtx, out: &mut Out) {
        self.commit(self.stored.clone(), "commitSync", ctx, out);
    }
}

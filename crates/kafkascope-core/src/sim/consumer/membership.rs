//! The consumer's side of the group protocol: finding the coordinator, JoinGroup and SyncGroup
//! (eager or cooperative), revoking and assigning partitions, commits, LeaveGroup.

use super::*;

impl Consumer {
    pub(super) fn find_coordinator(&mut self, ctx: &mut ConsumerCtx, out: &mut Out) {
        if self
            .pending
            .values()
            .any(|p| matches!(p, Pending::FindCoordinator))
        {
            return;
        }
        if let Some(b) = self.any_broker() {
            self.request(
                b,
                GroupRequest::FindCoordinator,
                Pending::FindCoordinator,
                ctx,
                out,
            );
        }
    }

    pub(super) fn coordinator_lost(&mut self, why: &str, ctx: &mut ConsumerCtx, out: &mut Out) {
        if let Some(c) = self.coordinator.take() {
            self.log(out, format!("Group coordinator broker {c} is unavailable or invalid due to cause: {why}. isDisconnected: true. Rediscovery will be attempted."));
        }
        if self.member_state != MemberState::Stable {
            self.member_state = MemberState::Unjoined;
        }
        self.find_coordinator(ctx, out);
    }

    pub(super) fn commit(
        &mut self,
        offsets: VecMap<TopicPartition, i64>,
        why: &str,
        ctx: &mut ConsumerCtx,
        out: &mut Out,
    ) {
        let offsets: Vec<(TopicPartition, i64)> = offsets
            .into_iter()
            .filter(|(tp, _)| self.assignment.contains(tp))
            .collect();
        if offsets.is_empty() {
            return;
        }
        let Some(c) = self.coordinator else { return };
        let _ = why;
        self.request(
            c,
            GroupRequest::OffsetCommit {
                member_id: self.member_id.clone(),
                generation: self.generation,
                offsets,
            },
            Pending::Commit,
            ctx,
            out,
        );
    }

    /// `onJoinPrepare` then JoinGroup.
    pub(super) fn join(&mut self, reason: &str, ctx: &mut ConsumerCtx, out: &mut Out) {
        let Some(c) = self.coordinator else {
            self.member_state = MemberState::Unjoined;
            self.find_coordinator(ctx, out);
            return;
        };
        if matches!(
            self.member_state,
            MemberState::Joining | MemberState::Syncing
        ) {
            return;
        }
        if self.busy_processing() && self.member_state == MemberState::Stable {
            self.rejoin_pending = Some(reason.to_string());
            return;
        }
        // A rebalance begins for this member when it leaves Stable (not for the cooperative
        // follow-up join in the same moment as its sync, nor for retries of a failed join).
        let follow_up = self.rebalance.synced_ms == Some(ctx.now_ms);
        if (self.member_state == MemberState::Stable && !follow_up) || self.generation < 0 {
            self.rebalance = RebalanceChange {
                before: self.assignment.clone(),
                started_ms: ctx.now_ms,
                ..RebalanceChange::default()
            };
        }
        let cooperative = self.config.rebalance_protocol() == RebalanceProtocol::Cooperative;
        // `ConsumerCoordinator.onJoinPrepare`: with auto-commit on, the positions are committed
        // before any rejoin, eager or cooperative (a cooperative member keeps consuming what it
        // keeps, but the partitions it may lose are committed first).
        if self.generation >= 0 && self.config.enable_auto_commit {
            self.commit(
                self.stored.clone(),
                "auto-commit before rebalance",
                ctx,
                out,
            );
        }
        if !cooperative && self.generation >= 0 {
            // Eager: revoke everything before rejoining.
            let revoked = std::mem::take(&mut self.assignment);
            self.log(
                out,
                format!("Revoke previously assigned partitions {}", list(&revoked)),
            );
            self.forget(&revoked);
        }
        self.log(out, format!("(Re-)joining group (reason: {reason})"));
        self.member_state = MemberState::Joining;
        let owned = if cooperative {
            self.assignment.clone()
        } else {
            Vec::new()
        };
        self.request(
            c,
            GroupRequest::JoinGroup(JoinGroupRequest {
                member_id: self.member_id.clone(),
                group_instance_id: self.config.group_instance_id.clone(),
                client_id: self.client_id.clone(),
                session_timeout_ms: self.config.session_timeout_ms,
                rebalance_timeout_ms: self.config.max_poll_interval_ms,
                protocols: self
                    .config
                    .assignors
                    .iter()
                    .map(|a| a.name().to_string())
                    .collect(),
                subscription: Subscription {
                    topics: self.topics.clone(),
                    owned,
                    generation: self.generation,
                },
                reason: reason.to_string(),
            }),
            Pending::Join,
            ctx,
            out,
        );
    }

    pub(super) fn forget(&mut self, tps: &[TopicPartition]) {
        for tp in tps {
            self.positions.remove(tp);
            self.consumed.remove(tp);
            self.stored.remove(tp);
        }
        self.buffer.retain(|(t, _)| !tps.contains(&**t));
    }

    pub(super) fn reset_membership(&mut self) {
        self.member_id.clear();
        self.generation = -1;
        self.member_state = MemberState::Unjoined;
    }

    /// A JoinGroup error the client does not retry (`JoinGroupResponseHandler`: "JoinGroup
    /// failed due to fatal error"): `poll()` throws it, and the application's poll loop, which
    /// does not catch it, dies without closing the consumer (as `consumer crash` leaves it).
    fn join_failed_fatally(&mut self, e: KafkaError, out: &mut Out) {
        let (exception, why) = match e {
            KafkaError::InconsistentGroupProtocol => ("InconsistentGroupProtocolException", "The group member's supported protocols are incompatible with those of existing members or first group member tried to join with empty protocol type or empty protocol list."),
            _ => ("InvalidSessionTimeoutException", "The session timeout is not within the range allowed by the broker (as configured by group.min.session.timeout.ms and group.max.session.timeout.ms)."),
        };
        self.log(out, format!("JoinGroup failed due to fatal error: {why}"));
        // What the application sees: the exception poll() threw.
        self.errors.push(format!("{exception}: {why}"));
        self.crash();
    }

    pub(super) fn on_join(
        &mut self,
        result: Result<JoinResult, KafkaError>,
        ctx: &mut ConsumerCtx,
        out: &mut Out,
    ) {
        let r = match result {
            Ok(r) => r,
            Err(e) => {
                self.member_state = MemberState::Unjoined;
                match e {
                    KafkaError::UnknownMemberId => self.reset_membership(),
                    KafkaError::NotCoordinator | KafkaError::CoordinatorNotAvailable => {
                        self.coordinator_lost(e.name(), ctx, out)
                    }
                    KafkaError::InconsistentGroupProtocol | KafkaError::InvalidSessionTimeout => {
                        self.join_failed_fatally(e, out)
                    }
                    _ => self.errors.push(format!("JoinGroup failed: {}", e.name())),
                }
                return;
            }
        };
        self.member_id = r.member_id.clone();
        self.is_leader = r.leader == r.member_id;
        self.generation = r.generation;
        self.protocol = Some(r.protocol.clone());
        self.log(out, format!("Successfully joined group with generation Generation{{generationId={}, memberId='{}', protocol='{}'}}", r.generation, r.member_id, r.protocol));
        let mut assignments = Vec::new();
        if r.leader == r.member_id {
            let strategy = AssignorName::parse(&r.protocol).unwrap_or(AssignorName::Range);
            let counts: VecMap<String, i32> = self.partition_counts.clone();
            let members: Vec<MemberSubscription> = r
                .members
                .iter()
                .map(|m| MemberSubscription {
                    member_id: m.member_id.clone(),
                    group_instance_id: m.group_instance_id.clone(),
                    topics: m.subscription.topics.clone(),
                    owned_partitions: m.subscription.owned.clone(),
                    generation: (m.subscription.generation >= 0)
                        .then_some(m.subscription.generation),
                })
                .collect();
            match assignor::assign(strategy, &counts, &members) {
                Ok(a) => assignments = a.into_iter().collect(),
                Err(e) => self.errors.push(format!("assignor failed: {e:?}")),
            }
        }
        self.member_state = MemberState::Syncing;
        let Some(c) = self.coordinator else { return };
        self.request(
            c,
            GroupRequest::SyncGroup {
                member_id: self.member_id.clone(),
                generation: self.generation,
                assignments,
            },
            Pending::Sync,
            ctx,
            out,
        );
    }

    pub(super) fn on_sync(
        &mut self,
        result: Result<Vec<TopicPartition>, KafkaError>,
        ctx: &mut ConsumerCtx,
        out: &mut Out,
    ) {
        let assigned = match result {
            Ok(a) => a,
            Err(e) => {
                self.member_state = MemberState::Unjoined;
                match e {
                    KafkaError::UnknownMemberId | KafkaError::IllegalGeneration => {
                        self.reset_membership()
                    }
                    KafkaError::NotCoordinator => self.coordinator_lost(e.name(), ctx, out),
                    _ => {}
                }
                self.join(&format!("rebalance failed due to {}", e.name()), ctx, out);
                return;
            }
        };
        self.log(out, format!("Successfully synced group in generation Generation{{generationId={}, memberId='{}', protocol='{}'}}", self.generation, self.member_id, self.protocol.as_deref().unwrap_or("")));
        let owned = self.assignment.clone();
        let mut sorted = assigned.clone();
        crate::sim::sort::sort(&mut sorted);
        let revoked: Vec<TopicPartition> = owned
            .iter()
            .filter(|t| !assigned.contains(t))
            .cloned()
            .collect();
        let added: Vec<TopicPartition> = sorted
            .iter()
            .filter(|t| !owned.contains(t))
            .cloned()
            .collect();
        if !revoked.is_empty() {
            self.log(
                out,
                format!("Revoke previously assigned partitions {}", list(&revoked)),
            );
            self.forget(&revoked);
        }
        let before = &self.rebalance.before;
        self.rebalance.revoked = before
            .iter()
            .filter(|t| !sorted.contains(t))
            .cloned()
            .collect();
        self.rebalance.added = sorted
            .iter()
            .filter(|t| !before.contains(t))
            .cloned()
            .collect();
        self.rebalance.synced_ms = Some(ctx.now_ms);
        self.assignment = sorted;
        self.member_state = MemberState::Stable;
        // C2(d): the auto-commit timer restarts after each assignment.
        self.last_commit_ms = ctx.now_ms;
        self.log(
            out,
            // Kafka 4's ConsumerRebalanceListenerInvoker logs the sorted set itself ("[t-0, t-1]");
            // the revoke and lost lines join the partitions without brackets.
            format!("Adding newly assigned partitions: [{}]", list(&added)),
        );
        if !added.is_empty() {
            if let Some(c) = self.coordinator {
                self.request(
                    c,
                    GroupRequest::OffsetFetch { partitions: added },
                    Pending::OffsetFetch,
                    ctx,
                    out,
                );
            }
        }
        if !revoked.is_empty() {
            let parts = format!("[{}]", list(&revoked));
            self.rejoin(&format!("need to revoke partitions {parts} as indicated by the current assignment and re-join"), ctx, out);
        }
    }

    pub(super) fn rejoin(&mut self, reason: &str, ctx: &mut ConsumerCtx, out: &mut Out) {
        self.log(out, format!("Request joining group due to: {reason}"));
        self.join(reason, ctx, out);
    }

    pub(super) fn leave(&mut self, reason: &str, ctx: &mut ConsumerCtx, out: &mut Out) {
        // Static members send no LeaveGroup: the coordinator waits for the session timeout.
        if self.config.group_instance_id.is_none() {
            if let Some(c) = self.coordinator {
                self.log(out, format!("Member {} sending LeaveGroup request to coordinator broker-{c}:9092 due to {reason}", self.member_id));
                self.request(
                    c,
                    GroupRequest::LeaveGroup {
                        member_id: self.member_id.clone(),
                        reason: reason.to_string(),
                    },
                    Pending::Leave,
                    ctx,
                    out,
                );
            }
        }
        let lost = std::mem::take(&mut self.assignment);
        self.forget(&lost);
        self.reset_membership();
    }
}

impl Consumer {
    /// FindCoordinator's response: the coordinator found (an unjoined member joins), or an
    /// error, retried from the poll loop after the backoff.
    pub(super) fn on_find_coordinator(
        &mut self,
        result: Result<BrokerId, KafkaError>,
        ctx: &mut ConsumerCtx,
        out: &mut Out,
    ) {
        let Ok(c) = result else { return };
        self.coordinator = Some(c);
        self.log(
            out,
            format!(
                "Discovered group coordinator broker-{c}:9092 (id: {} rack: null)",
                i32::MAX - c
            ),
        );
        if self.member_state == MemberState::Unjoined {
            self.join("consumer is not in a group", ctx, out);
        }
    }

    /// OffsetCommit's response: a failed commit is logged; a moved coordinator or a timeout
    /// sends the member looking for the coordinator again.
    pub(super) fn on_offset_commit(
        &mut self,
        result: Result<Vec<(TopicPartition, i64)>, KafkaError>,
        ctx: &mut ConsumerCtx,
        out: &mut Out,
    ) {
        let Err(e) = result else { return };
        self.log(
            out,
            format!("Asynchronous auto-commit of offsets failed: {}", e.name()),
        );
        if matches!(
            e,
            KafkaError::NotCoordinator
                | KafkaError::CoordinatorNotAvailable
                | KafkaError::RequestTimedOut
        ) {
            self.coordinator_lost(e.name(), ctx, out);
        }
    }

    /// OffsetFetch's response: each assigned partition starts at its committed offset, or
    /// where `auto.offset.reset` says when it has none.
    pub(super) fn on_offset_fetch(
        &mut self,
        result: Result<Vec<(TopicPartition, Option<i64>)>, KafkaError>,
        ctx: &mut ConsumerCtx,
        out: &mut Out,
    ) {
        let offsets = match result {
            Ok(offsets) => offsets,
            Err(e) => return self.coordinator_lost(e.name(), ctx, out),
        };
        for (tp, committed) in offsets {
            if !self.assignment.contains(&tp) {
                continue;
            }
            match committed {
                Some(o) => {
                    self.log(out, format!("Setting offset for partition {tp} to the committed offset FetchPosition{{offset={o}, offsetEpoch=Optional.empty}}"));
                    self.set_position(tp, o);
                }
                None => {
                    self.log(out, format!("Found no committed offset for partition {tp}"));
                    self.reset_position(tp, ctx, out);
                }
            }
        }
        self.ensure_fetches(ctx, out);
    }
}

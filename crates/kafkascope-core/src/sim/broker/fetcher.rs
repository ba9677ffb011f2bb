//! The follower side of a broker (Kafka's `ReplicaFetcherThread`): one fetcher per leader
//! fetches every partition followed there, truncates by leader epoch where the logs diverge
//! (KIP-279), copies records and the leader's high watermark, and backs off after errors.

use super::*;

impl Broker {
    /// Sends the next fetch to `leader` for every partition we follow there, unless one is in
    /// flight or we are backing off.
    pub(super) fn maybe_fetch(&mut self, leader: BrokerId, cfg: &BrokerConfig, out: &mut Out) {
        let partitions: Vec<FetchPartition> = self
            .replicas
            .values()
            .filter(|r| r.leader == Some(leader) && r.leading.is_none())
            .map(|r| FetchPartition {
                tp: r.tp.clone(),
                fetch_offset: r.log.leo(),
                last_fetched_epoch: r.log.epochs.latest_epoch().unwrap_or(-1),
            })
            .collect();
        if partitions.is_empty() {
            self.fetchers.remove(&leader);
            return;
        }
        let f = self.fetchers.entry(leader).or_default();
        if f.in_flight.is_some() || f.backing_off {
            return;
        }
        let request_id = self.request_id();
        self.fetchers
            .get_mut(&leader)
            .expect("just inserted")
            .in_flight = Some(request_id);
        out.send(
            self.node(),
            NodeId::Broker(leader),
            Payload::Fetch {
                request_id,
                replica: Some(self.id),
                max_wait_ms: cfg.replica_fetch_wait_max_ms,
                partitions,
            },
        );
        out.timer(
            cfg.replica_socket_timeout_ms,
            Timer::FetchRequestTimeout {
                broker: self.id,
                incarnation: self.incarnation,
                leader,
                request_id,
            },
        );
    }

    pub(super) fn backoff_fetcher(&mut self, leader: BrokerId, cfg: &BrokerConfig, out: &mut Out) {
        let f = self.fetchers.entry(leader).or_default();
        if !f.backing_off {
            f.backing_off = true;
            out.timer(
                cfg.replica_fetch_backoff_ms,
                Timer::FetcherRetry {
                    broker: self.id,
                    incarnation: self.incarnation,
                    leader,
                },
            );
        }
    }

    pub(super) fn on_fetch_response(
        &mut self,
        from: NodeId,
        request_id: u64,
        partitions: Vec<FetchedPartition>,
        _now: u64,
        cfg: &BrokerConfig,
        out: &mut Out,
    ) {
        let NodeId::Broker(leader) = from else { return };
        match self.fetchers.get_mut(&leader) {
            Some(f) if f.in_flight == Some(request_id) => f.in_flight = None,
            _ => return, // a late answer to a fetch we gave up on
        }
        let node = self.node();
        let mut had_error = false;
        for p in partitions {
            let Some(r) = self.replicas.get_mut(&p.tp) else {
                continue;
            };
            if r.leader != Some(leader) || r.leading.is_some() {
                continue;
            }
            if let Some((epoch, end_offset)) = p.diverging_epoch {
                let fetcher = format!("replicaId={}, leaderId={leader}", self.id);
                truncate_to_leader(r, &fetcher, epoch, end_offset, node, out);
                continue;
            }
            match p.error {
                Some(KafkaError::OffsetOutOfRange) if r.log.leo() < p.log_start_offset => {
                    r.log.reset_to(p.log_start_offset);
                    r.high_watermark = p.log_start_offset;
                    r.rebuild_producer_state();
                    continue;
                }
                Some(KafkaError::OffsetOutOfRange) => {
                    // Ahead of the leader without a known divergence: fall back to our HW.
                    let hw = r.high_watermark;
                    r.log.truncate_to(hw);
                    r.rebuild_producer_state();
                    continue;
                }
                Some(_) => {
                    had_error = true;
                    continue;
                }
                None => {}
            }
            append_fetched(r, p.records);
            // A follower's HW: the leader's, capped by what it holds.
            r.high_watermark = r.high_watermark.max(p.high_watermark.min(r.log.leo()));
            if p.log_start_offset > r.log.log_start_offset() {
                r.log.advance_log_start(p.log_start_offset);
            }
        }
        if had_error {
            self.backoff_fetcher(leader, cfg, out);
        } else {
            self.maybe_fetch(leader, cfg, out);
        }
    }
}

/// KIP-279: the follower's log diverges from the leader's at `epoch`; it truncates to where
/// the two agree (its HW when the epoch is unknown on either side).
fn truncate_to_leader(
    r: &mut Replica,
    fetcher: &str,
    epoch: i32,
    end_offset: i64,
    node: NodeId,
    out: &mut Out,
) {
    let (own_epoch, own_end) = r.log.epochs.end_offset_for(epoch, r.log.leo());
    let target = if own_epoch < 0 || end_offset < 0 {
        r.high_watermark
    } else {
        end_offset.min(own_end)
    }
    .min(r.log.leo());
    let tp = &r.tp;
    out.trace(
        node,
        TraceKind::Replication,
        format!(
            "[ReplicaFetcher {fetcher}, fetcherId=0] Truncating partition {tp} with TruncationState(offset={target}, completed=true) due to leader epoch and offset EpochEndOffset(errorCode=0, partition={}, leaderEpoch={epoch}, endOffset={end_offset})",
            tp.partition
        ),
    );
    r.log.truncate_to(target);
    r.high_watermark = r.high_watermark.min(r.log.leo());
    r.rebuild_producer_state();
}

/// The fetched records that extend the log (`ReplicaFetcherThread.processPartitionData`),
/// and each idempotent batch's last record into the producer state.
fn append_fetched(r: &mut Replica, records: Vec<LogEntry>) {
    let segment_bytes = r.config.log.segment_bytes;
    for e in records {
        if e.offset != r.log.leo() {
            continue;
        }
        let stamp = e.stamp;
        let offset = e.offset;
        r.log.append(e, segment_bytes);
        if stamp.producer_id >= 0 && stamp.sequence == stamp.batch_last_seq {
            let count =
                (stamp.batch_last_seq as i64 - stamp.batch_first_seq as i64).rem_euclid(1 << 31);
            r.producers.record(
                stamp.producer_id,
                stamp.producer_epoch,
                BatchMetadata {
                    first_seq: stamp.batch_first_seq,
                    last_seq: stamp.batch_last_seq,
                    first_offset: offset - count,
                },
            );
        }
    }
}

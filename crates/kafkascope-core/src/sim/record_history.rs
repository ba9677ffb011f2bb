//! What happened to each record, for the page's record inspector: appended on the leader,
//! copied by each follower, passed by the high watermark, acknowledged (or failed), returned by
//! consumer fetches and covered by a group's commit — with simulated times.
//!
//! The core does not log per record (that would cost memory per record forever). Instead the
//! delivery loop observes the few messages that move records and writes one small [`Mark`] per
//! message and partition, naming an offset range. A bounded ring keeps the newest
//! [`MAX_MARKS`]; [`Simulation::record_history`] scans it for the marks whose range covers one
//! offset. Observing changes nothing in the run: the same seed and lines give the same trace.

use std::collections::VecDeque;

use serde::Serialize;

use super::coordinator::{OFFSETS_TOPIC, OFFSETS_TOPIC_NUM_PARTITIONS};
use super::error::KafkaError;
use super::group_protocol::{GroupRequest, GroupResponse};
use super::hash::offsets_partition_for;
use super::network::{Message, NodeId, Payload};
use super::vec_map::VecMap;
use super::{BrokerId, Simulation, TopicPartition};

/// Marks kept (the newest ones): about 1.5 MB, the last minutes of a busy run.
pub const MAX_MARKS: usize = 20_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MarkKind {
    /// `node` (the leader) appended [first, end) in `epoch`, from `peer`'s request.
    Append { epoch: i32, request: u64 },
    /// Follower `node` copied [first, end) from leader `peer`.
    Copy,
    /// Leader `node`'s high watermark moved from `first` to `end`.
    HighWatermark,
    /// Producer `node` got `peer`'s answer: the batch at base offset `first`, or an error for
    /// `request`.
    Ack {
        request: u64,
        error: Option<KafkaError>,
    },
    /// Consumer `node`'s fetch from `peer` returned [first, end).
    ConsumerFetch,
    /// Consumer `node`'s commit of offset `end` was written by coordinator `peer`.
    Commit,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Mark {
    /// Index into [`RecordHistory::partitions`].
    pub tp: u32,
    pub kind: MarkKind,
    pub node: NodeId,
    pub peer: NodeId,
    pub first: i64,
    pub end: i64,
    /// When the message that caused it was sent, and when it was handled.
    pub sent_ms: u64,
    pub at_ms: u64,
}

#[derive(Clone, Debug, Default)]
pub struct RecordHistory {
    marks: VecDeque<Mark>,
    partitions: Vec<TopicPartition>,
    index: VecMap<TopicPartition, u32>,
    /// Marks dropped from the front so far (older history is gone).
    pub dropped: u64,
}

impl RecordHistory {
    fn tp_index(&mut self, tp: &TopicPartition) -> u32 {
        if let Some(&i) = self.index.get(tp) {
            return i;
        }
        let i = self.partitions.len() as u32;
        self.partitions.push(tp.clone());
        self.index.insert(tp.clone(), i);
        i
    }

    #[allow(clippy::too_many_arguments)]
    fn push(
        &mut self,
        tp: &TopicPartition,
        kind: MarkKind,
        node: NodeId,
        peer: NodeId,
        first: i64,
        end: i64,
        sent_ms: u64,
        at_ms: u64,
    ) {
        let tp = self.tp_index(tp);
        if self.marks.len() == MAX_MARKS {
            self.marks.pop_front();
            self.dropped += 1;
        }
        self.marks.push_back(Mark {
            tp,
            kind,
            node,
            peer,
            first,
            end,
            sent_ms,
            at_ms,
        });
    }

    pub fn len(&self) -> usize {
        self.marks.len()
    }

    pub fn is_empty(&self) -> bool {
        self.marks.is_empty()
    }

    /// The time of the oldest mark kept.
    pub fn oldest_ms(&self) -> Option<u64> {
        self.marks.front().map(|m| m.at_ms)
    }

    fn marks_of<'a>(&'a self, tp: &TopicPartition) -> impl Iterator<Item = &'a Mark> + 'a {
        let index = self.index.get(tp).copied();
        self.marks.iter().filter(move |m| Some(m.tp) == index)
    }
}

/// What the delivery loop remembers about a message before handling it.
pub(crate) struct Watch {
    broker: BrokerId,
    from: NodeId,
    sent_ms: u64,
    /// Partitions whose LEO and HW to compare: (tp, leo, hw).
    before: Vec<(TopicPartition, i64, i64)>,
    /// A produce or commit request: the leader's LEO growth is an append.
    append_request: Option<u64>,
    /// A fetch response to a follower: (tp, first offset, end offset, first record id).
    copies: Vec<(TopicPartition, i64, i64, u64)>,
}

impl Simulation {
    /// Called for every message about to be handled. Client-bound messages are marked at once;
    /// for broker-bound ones the state to compare afterwards is returned.
    pub(crate) fn history_before(&mut self, msg: &Message) -> Option<Watch> {
        let now = self.now_ms;
        match (&msg.payload, msg.to) {
            (
                Payload::ProduceResponse {
                    request_id,
                    tp,
                    result,
                },
                NodeId::Producer(_),
            ) => {
                let (first, error) = match result {
                    Ok(base) => (*base, None),
                    Err(e) => (-1, Some(*e)),
                };
                let kind = MarkKind::Ack {
                    request: *request_id,
                    error,
                };
                self.history.push(
                    tp,
                    kind,
                    msg.to,
                    msg.from,
                    first,
                    first,
                    msg.sent_at_ms,
                    now,
                );
                None
            }
            (Payload::FetchResponse { partitions, .. }, NodeId::Consumer(_)) => {
                for p in partitions {
                    if let (Some(a), Some(b)) = (p.records.first(), p.records.last()) {
                        self.history.push(
                            &p.tp,
                            MarkKind::ConsumerFetch,
                            msg.to,
                            msg.from,
                            a.offset,
                            b.offset + 1,
                            msg.sent_at_ms,
                            now,
                        );
                    }
                }
                None
            }
            (
                Payload::GroupResponse {
                    body: GroupResponse::OffsetCommit(Ok(offsets)),
                    ..
                },
                NodeId::Consumer(_),
            ) => {
                for (tp, o) in offsets {
                    self.history.push(
                        tp,
                        MarkKind::Commit,
                        msg.to,
                        msg.from,
                        *o,
                        *o,
                        msg.sent_at_ms,
                        now,
                    );
                }
                None
            }
            (payload, NodeId::Broker(id)) => {
                let broker = self.brokers.get(&id)?;
                let offsets_tp;
                let mut tps: Vec<&TopicPartition> = Vec::new();
                let mut append_request = None;
                let mut copies = Vec::new();
                match payload {
                    Payload::Produce {
                        request_id, batch, ..
                    } => {
                        tps.push(&batch.tp);
                        append_request = Some(*request_id);
                    }
                    Payload::Group {
                        request_id,
                        group,
                        body: GroupRequest::OffsetCommit { .. },
                    } => {
                        offsets_tp = TopicPartition::new(
                            OFFSETS_TOPIC,
                            offsets_partition_for(group, OFFSETS_TOPIC_NUM_PARTITIONS),
                        );
                        tps.push(&offsets_tp);
                        append_request = Some(*request_id);
                    }
                    Payload::Fetch {
                        replica: Some(_),
                        partitions,
                        ..
                    } => tps.extend(partitions.iter().map(|p| &p.tp)),
                    Payload::FetchResponse { partitions, .. } => {
                        for p in partitions {
                            if let (Some(a), Some(b)) = (p.records.first(), p.records.last()) {
                                copies.push((p.tp.clone(), a.offset, b.offset + 1, a.record.id));
                            }
                        }
                    }
                    Payload::AlterPartitionResponse { tp, .. } => tps.push(tp),
                    Payload::MetadataUpdate { partitions, .. } => {
                        tps.extend(partitions.iter().map(|(tp, _, _)| tp))
                    }
                    _ => return None,
                }
                let before = tps
                    .into_iter()
                    .filter_map(|tp| {
                        let r = broker.replicas.get(tp)?;
                        Some((tp.clone(), r.log.leo(), r.high_watermark))
                    })
                    .collect();
                Some(Watch {
                    broker: id,
                    from: msg.from,
                    sent_ms: msg.sent_at_ms,
                    before,
                    append_request,
                    copies,
                })
            }
            _ => None,
        }
    }

    /// After the broker handled the watched message: appends, copies and HW moves.
    pub(crate) fn history_after(&mut self, w: Watch) {
        let now = self.now_ms;
        let node = NodeId::Broker(w.broker);
        let Some(broker) = self.brokers.get(&w.broker) else {
            return;
        };
        let history = &mut self.history;
        for (tp, leo, hw) in &w.before {
            let Some(r) = broker.replicas.get(tp) else {
                continue;
            };
            if r.leading.is_none() {
                continue;
            }
            if let Some(request) = w.append_request {
                if r.log.leo() > *leo {
                    let epoch = r.log.entry(*leo).map_or(r.leader_epoch, |e| e.leader_epoch);
                    let kind = MarkKind::Append { epoch, request };
                    history.push(tp, kind, node, w.from, *leo, r.log.leo(), w.sent_ms, now);
                }
            }
            if r.high_watermark > *hw {
                let kind = MarkKind::HighWatermark;
                history.push(tp, kind, node, node, *hw, r.high_watermark, w.sent_ms, now);
            }
        }
        for (tp, first, end, id) in &w.copies {
            let Some(r) = broker.replicas.get(tp) else {
                continue;
            };
            if r.log.entry(*first).is_some_and(|e| e.record.id == *id) {
                let end = (*end).min(r.log.leo());
                history.push(
                    tp,
                    MarkKind::Copy,
                    node,
                    w.from,
                    *first,
                    end,
                    w.sent_ms,
                    now,
                );
            }
        }
    }
}

/// One step in a record's life.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum LifeEvent {
    /// The producer's `send()` (the record's timestamp).
    Sent {
        producer: String,
    },
    /// The produce request left the producer.
    RequestSent {
        producer: String,
    },
    Appended {
        broker: BrokerId,
        epoch: i32,
    },
    Copied {
        broker: BrokerId,
    },
    HighWatermark {
        broker: BrokerId,
    },
    Acked {
        producer: String,
        broker: BrokerId,
    },
    ProduceError {
        producer: String,
        broker: BrokerId,
        error: KafkaError,
    },
    Fetched {
        consumer: String,
        broker: BrokerId,
    },
    Committed {
        group: String,
        consumer: String,
        offset: i64,
    },
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TimedEvent {
    pub at_ms: u64,
    #[serde(flatten)]
    pub event: LifeEvent,
}

/// A record and what happened to it, oldest first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RecordLife {
    pub topic: String,
    pub partition: i32,
    pub offset: i64,
    pub leader_epoch: i32,
    pub key: Option<String>,
    pub value: String,
    pub producer: String,
    pub events: Vec<TimedEvent>,
    /// Some of the history may be missing: marks older than the ring keeps were dropped.
    pub incomplete: bool,
}

impl Simulation {
    /// The life of the record at `offset` of `tp`, as `broker`'s log holds it (or the
    /// partition's leader's). `None` when no such record is in that log.
    pub fn record_history(
        &self,
        tp: &TopicPartition,
        offset: i64,
        broker: Option<BrokerId>,
    ) -> Option<RecordLife> {
        let replica = match broker {
            Some(b) => self.brokers.get(&b)?.replicas.get(tp)?,
            None => self.authoritative_replica(tp)?,
        };
        let entry = replica.log.entry(offset)?;
        let record = &entry.record;
        let producer_name = |n: NodeId| match n {
            NodeId::Producer(i) => self
                .producers
                .get(i as usize)
                .map_or_else(|| n.to_string(), |p| p.name.to_string()),
            NodeId::Consumer(i) => self
                .consumers
                .get(i as usize)
                .map_or_else(|| n.to_string(), |c| c.name.to_string()),
            _ => n.to_string(),
        };
        let broker_id = |n: NodeId| match n {
            NodeId::Broker(b) => b,
            _ => -1,
        };
        let covers = |m: &Mark| m.first <= offset && offset < m.end;
        let marks: Vec<&Mark> = self.history.marks_of(tp).collect();

        // This record's append: the one in its epoch covering the offset (a leader appends an
        // offset once per epoch). It ends where another epoch's append rewrote the offset.
        let append = marks.iter().rposition(|m| {
            matches!(m.kind, MarkKind::Append { epoch, .. } if epoch == entry.leader_epoch)
                && covers(m)
        });
        let start_ms = append.map_or(record.timestamp_ms, |i| marks[i].at_ms);
        let end_ms = append
            .and_then(|i| {
                marks[i + 1..]
                    .iter()
                    .find(|m| matches!(m.kind, MarkKind::Append { .. }) && covers(m))
            })
            .map_or(u64::MAX, |m| m.at_ms);
        let in_window = |m: &Mark| m.at_ms >= start_ms && m.at_ms < end_ms;

        let mut events = vec![TimedEvent {
            at_ms: record.timestamp_ms,
            event: LifeEvent::Sent {
                producer: record.producer.to_string(),
            },
        }];
        let mut request = None;
        let mut append_first = None;
        if let Some(m) = append.map(|i| marks[i]) {
            if let MarkKind::Append { epoch, request: r } = m.kind {
                request = Some(r);
                append_first = Some(m.first);
                if matches!(m.peer, NodeId::Producer(_)) {
                    events.push(TimedEvent {
                        at_ms: m.sent_ms,
                        event: LifeEvent::RequestSent {
                            producer: producer_name(m.peer),
                        },
                    });
                }
                events.push(TimedEvent {
                    at_ms: m.at_ms,
                    event: LifeEvent::Appended {
                        broker: broker_id(m.node),
                        epoch,
                    },
                });
            }
        }
        let mut hw_brokers: Vec<NodeId> = Vec::new();
        let mut committed_groups: Vec<String> = Vec::new();
        for m in marks.iter().filter(|m| in_window(m)) {
            let event = match m.kind {
                MarkKind::Append { .. } => continue,
                MarkKind::Copy if covers(m) => LifeEvent::Copied {
                    broker: broker_id(m.node),
                },
                MarkKind::HighWatermark if covers(m) && !hw_brokers.contains(&m.node) => {
                    hw_brokers.push(m.node);
                    LifeEvent::HighWatermark {
                        broker: broker_id(m.node),
                    }
                }
                MarkKind::Ack { request: r, error } => {
                    let producer = producer_name(m.node);
                    match error {
                        None if Some(m.first) == append_first => LifeEvent::Acked {
                            producer,
                            broker: broker_id(m.peer),
                        },
                        Some(error) if Some(r) == request => LifeEvent::ProduceError {
                            producer,
                            broker: broker_id(m.peer),
                            error,
                        },
                        _ => continue,
                    }
                }
                MarkKind::ConsumerFetch if covers(m) => LifeEvent::Fetched {
                    consumer: producer_name(m.node),
                    broker: broker_id(m.peer),
                },
                // The first commit past the record, per group.
                MarkKind::Commit if m.end > offset => {
                    let NodeId::Consumer(i) = m.node else {
                        continue;
                    };
                    let Some(c) = self.consumers.get(i as usize) else {
                        continue;
                    };
                    if committed_groups.contains(&c.config.group_id) {
                        continue;
                    }
                    committed_groups.push(c.config.group_id.clone());
                    LifeEvent::Committed {
                        group: c.config.group_id.clone(),
                        consumer: c.name.to_string(),
                        offset: m.end,
                    }
                }
                _ => continue,
            };
            // A commit is written when the coordinator answers; the rest when handled.
            let at_ms = if matches!(m.kind, MarkKind::Commit) {
                m.sent_ms
            } else {
                m.at_ms
            };
            events.push(TimedEvent { at_ms, event });
        }
        super::sort::sort_by_key(&mut events, |e| e.at_ms);
        let incomplete = self.history.dropped > 0
            && self
                .history
                .oldest_ms()
                .is_none_or(|oldest| oldest > record.timestamp_ms);
        Some(RecordLife {
            topic: tp.topic.clone(),
            partition: tp.partition,
            offset,
            leader_epoch: entry.leader_epoch,
            key: record.key.as_deref().map(str::to_string),
            value: record.value.to_string(),
            producer: record.producer.to_string(),
            events,
            incomplete,
        })
    }
}

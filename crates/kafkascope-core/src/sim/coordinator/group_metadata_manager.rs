//! What the group coordinator keeps in `__consumer_offsets` (Kafka's `GroupMetadataManager`):
//! offset commits, and each group's metadata — generation, protocol, leader, members and their
//! assignments — written when a rebalance completes and when the group empties. Both are
//! appended with acks=all; a broker that takes the partition over replays them, so a group keeps
//! its generation and its members across a coordinator failover (members go on heartbeating to
//! the new coordinator without a rebalance).

use super::*;
use crate::sim::vec_map::VecMap;

/// The record key of a commit: `topic:partition:group` (topic names cannot contain ':', so the
/// group id is everything after the second one).
pub(super) fn commit_key(group: &str, tp: &TopicPartition) -> String {
    format!("{}:{}:{group}", tp.topic, tp.partition)
}

pub(super) fn parse_commit_key(key: &str) -> Option<(String, TopicPartition)> {
    let mut parts = key.splitn(3, ':');
    let topic = parts.next()?;
    let partition = parts.next()?.parse().ok()?;
    let group = parts.next()?;
    Some((group.to_string(), TopicPartition::new(topic, partition)))
}

/// The record key of a group's metadata (`GroupMetadataKey`): '/' is not allowed in topic
/// names, so no commit key starts like this.
const METADATA_KEY_PREFIX: &str = "metadata/";

/// `GroupMetadataValue`, in the record's value as length-prefixed fields (Kafka's is a binary
/// schema too; JSON would bring a parser into the page for one record type).
#[derive(Debug, PartialEq)]
struct GroupMetadataValue {
    protocol_type: String,
    generation: i32,
    protocol: Option<String>,
    leader: Option<String>,
    members: Vec<MemberMetadata>,
}

#[derive(Debug, PartialEq)]
struct MemberMetadata {
    member_id: String,
    group_instance_id: Option<String>,
    client_id: String,
    rebalance_timeout: u64,
    session_timeout: u64,
    /// The assignors the member offered, in its order (each one's subscription is `topics`).
    protocols: Vec<String>,
    topics: Vec<String>,
    assignment: Vec<(String, i32)>,
    /// Where the member's requests come from (the model's stand-in for its connection).
    client: u32,
}

impl GroupMetadataValue {
    /// `consumer;3;range;5:c1-ab;1;...`: strings as `len:text` (any text), numbers and counts
    /// as `n;`, absent strings as `-;`.
    fn encode(&self) -> String {
        let mut w = String::new();
        put_str(&mut w, Some(&self.protocol_type));
        put_num(&mut w, i64::from(self.generation));
        put_str(&mut w, self.protocol.as_deref());
        put_str(&mut w, self.leader.as_deref());
        put_num(&mut w, self.members.len() as i64);
        for m in &self.members {
            put_str(&mut w, Some(&m.member_id));
            put_str(&mut w, m.group_instance_id.as_deref());
            put_str(&mut w, Some(&m.client_id));
            put_num(&mut w, m.rebalance_timeout as i64);
            put_num(&mut w, m.session_timeout as i64);
            for list in [&m.protocols, &m.topics] {
                put_num(&mut w, list.len() as i64);
                for item in list {
                    put_str(&mut w, Some(item));
                }
            }
            put_num(&mut w, m.assignment.len() as i64);
            for (topic, partition) in &m.assignment {
                put_str(&mut w, Some(topic));
                put_num(&mut w, i64::from(*partition));
            }
            put_num(&mut w, i64::from(m.client));
        }
        w
    }

    /// The value [`encode`](Self::encode) wrote; `None` for anything else.
    fn decode(mut r: &str) -> Option<Self> {
        let r = &mut r;
        let protocol_type = get_str(r)??;
        let generation = i32::try_from(get_num(r)?).ok()?;
        let protocol = get_str(r)?;
        let leader = get_str(r)?;
        let count = get_num(r)?;
        let mut members = Vec::new();
        for _ in 0..count {
            let member_id = get_str(r)??;
            let group_instance_id = get_str(r)?;
            let client_id = get_str(r)??;
            let rebalance_timeout = u64::try_from(get_num(r)?).ok()?;
            let session_timeout = u64::try_from(get_num(r)?).ok()?;
            let mut lists = [Vec::new(), Vec::new()];
            for list in &mut lists {
                for _ in 0..get_num(r)? {
                    list.push(get_str(r)??);
                }
            }
            let [protocols, topics] = lists;
            let mut assignment = Vec::new();
            for _ in 0..get_num(r)? {
                assignment.push((get_str(r)??, i32::try_from(get_num(r)?).ok()?));
            }
            let client = u32::try_from(get_num(r)?).ok()?;
            members.push(MemberMetadata {
                member_id,
                group_instance_id,
                client_id,
                rebalance_timeout,
                session_timeout,
                protocols,
                topics,
                assignment,
                client,
            });
        }
        r.is_empty().then_some(Self {
            protocol_type,
            generation,
            protocol,
            leader,
            members,
        })
    }

    fn of(g: &Group) -> Self {
        Self {
            protocol_type: "consumer".into(),
            generation: g.generation,
            protocol: g.protocol.clone(),
            leader: g.leader.clone(),
            members: g
                .join_order
                .iter()
                .filter_map(|id| Some((id, g.members.get(id)?)))
                .map(|(id, m)| MemberMetadata {
                    member_id: id.clone(),
                    group_instance_id: m.group_instance_id.clone(),
                    client_id: m.client_id.clone(),
                    rebalance_timeout: m.rebalance_timeout_ms,
                    session_timeout: m.session_timeout_ms,
                    protocols: m.protocols.clone(),
                    topics: m.subscription.topics.clone(),
                    assignment: m
                        .assignment
                        .iter()
                        .map(|tp| (tp.topic.clone(), tp.partition))
                        .collect(),
                    client: match m.from {
                        NodeId::Consumer(i) => i,
                        _ => u32::MAX,
                    },
                })
                .collect(),
        }
    }
}

impl GroupCoordinator {
    /// Becoming leader of a `__consumer_offsets` partition: replay its records (the last commit
    /// per partition and the last metadata per group win). A group with members comes back
    /// Stable in its generation, each member's session starting now.
    pub fn load(
        &mut self,
        partition: i32,
        records: &[Rc<Record>],
        node: NodeId,
        now: u64,
        out: &mut Out,
    ) {
        let mut commits = 0;
        let mut metadata: VecMap<String, GroupMetadataValue> = VecMap::new();
        for r in records {
            let Some(key) = r.key.as_deref() else {
                continue;
            };
            if let Some(group) = key.strip_prefix(METADATA_KEY_PREFIX) {
                if let Some(v) = GroupMetadataValue::decode(&r.value) {
                    metadata.insert(group.to_string(), v);
                }
                continue;
            }
            let Some((group, tp)) = parse_commit_key(key) else {
                continue;
            };
            let Ok(offset) = r.value.parse::<i64>() else {
                continue;
            };
            let g = self.groups.entry(group).or_insert_with(Group::new);
            g.offsets.insert(tp, offset);
            commits += 1;
        }
        let groups = metadata.len();
        for (group, v) in metadata {
            let g = self.groups.entry(group).or_insert_with(Group::new);
            g.generation = v.generation;
            g.protocol = v.protocol;
            g.leader = v.leader;
            g.members.clear();
            g.join_order.clear();
            for m in v.members {
                g.join_order.push(m.member_id.clone());
                g.members.insert(
                    m.member_id,
                    Member {
                        from: NodeId::Consumer(m.client),
                        client_id: m.client_id,
                        group_instance_id: m.group_instance_id,
                        protocols: m.protocols,
                        subscription: Subscription {
                            topics: m.topics,
                            owned: Vec::new(),
                            generation: v.generation,
                        },
                        session_timeout_ms: m.session_timeout,
                        rebalance_timeout_ms: m.rebalance_timeout,
                        last_heartbeat_ms: now,
                        awaiting_join: None,
                        awaiting_sync: None,
                        assignment: m
                            .assignment
                            .into_iter()
                            .map(|(t, p)| TopicPartition::new(t, p))
                            .collect(),
                    },
                );
            }
            let state = if g.members.is_empty() {
                GroupState::Empty
            } else {
                GroupState::Stable
            };
            g.enter(state, now);
        }
        out.trace(
            node,
            TraceKind::Group,
            format!("[GroupCoordinator] Loaded {commits} offset commit(s) from {OFFSETS_TOPIC}-{partition} and the metadata of {groups} group(s)"),
        );
    }

    /// Another broker leads this `__consumer_offsets` partition now: its groups go, and members
    /// waiting in a JoinGroup or SyncGroup learn the coordinator moved (`onGroupUnloaded`).
    pub fn unload(&mut self, partition: i32, node: NodeId, out: &mut Out) {
        let gone: Vec<String> = self
            .groups
            .keys()
            .filter(|g| offsets_partition_for(g, OFFSETS_TOPIC_NUM_PARTITIONS) == partition)
            .cloned()
            .collect();
        for id in gone {
            let mut g = self.groups.remove(&id).expect("listed");
            for m in g.members.values_mut() {
                if let Some(request_id) = m.awaiting_join.take() {
                    let body = GroupResponse::JoinGroup(Err(KafkaError::NotCoordinator));
                    out.send(node, m.from, Payload::GroupResponse { request_id, body });
                }
            }
            answer_syncs(&mut g, node, out, |_| Err(KafkaError::NotCoordinator));
        }
    }
}

impl Broker {
    /// Appends records to the group's `__consumer_offsets` partition as its leader; returns the
    /// partition and the offset past them, or `None` when this broker no longer leads it.
    fn append_group_records(
        &mut self,
        group: &str,
        records: Vec<(String, String)>,
        now: u64,
    ) -> Option<(TopicPartition, i64, i64)> {
        let p = offsets_partition_for(group, OFFSETS_TOPIC_NUM_PARTITIONS);
        let tp = TopicPartition::new(OFFSETS_TOPIC, p);
        let r = self.replicas.get_mut(&tp).filter(|r| r.leading.is_some())?;
        let first_offset = r.log.leo();
        let producer: Rc<str> = Rc::from(group);
        let segment_bytes = r.config.log.segment_bytes;
        let epoch = r.leader_epoch;
        for (key, value) in records {
            let record = Rc::new(Record {
                id: 0,
                key: Some(Rc::from(key.as_str())),
                value: Rc::from(value.as_str()),
                producer: producer.clone(),
                timestamp_ms: now,
            });
            r.log.append(
                LogEntry {
                    offset: -1,
                    leader_epoch: epoch,
                    record,
                    stamp: ProducerStamp::NONE,
                },
                segment_bytes,
            );
        }
        Some((tp, first_offset, r.log.leo()))
    }

    /// Writes commit records to the group's `__consumer_offsets` partition; answers once the
    /// HW passes them (acks=all), like a produce.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn append_commit(
        &mut self,
        from: NodeId,
        request_id: u64,
        group: &str,
        offsets: Vec<(TopicPartition, i64)>,
        now: u64,
        cfg: &BrokerConfig,
        out: &mut Out,
    ) {
        let records = offsets
            .iter()
            .map(|(otp, o)| (commit_key(group, otp), o.to_string()))
            .collect();
        let Some((tp, first_offset, required_offset)) =
            self.append_group_records(group, records, now)
        else {
            return;
        };
        self.delay_until_replicated(
            &tp,
            DelayedProduce {
                from,
                request_id,
                first_offset,
                required_offset,
                deadline_ms: now + OFFSETS_COMMIT_TIMEOUT_MS,
                commit: Some((group.to_string(), offsets)),
                store_group: None,
            },
            out,
        );
        self.after_local_append(&tp, now, cfg, out);
    }

    fn delay_until_replicated(&mut self, tp: &TopicPartition, d: DelayedProduce, out: &mut Out) {
        let Some(leading) = self.replicas.get_mut(tp).and_then(|r| r.leading.as_mut()) else {
            return;
        };
        out.timer(
            OFFSETS_COMMIT_TIMEOUT_MS,
            Timer::DelayedProduceExpiry {
                broker: self.id,
                incarnation: self.incarnation,
                tp: tp.clone(),
                request_id: d.request_id,
            },
        );
        leading.delayed.push_back(d);
    }

    /// The group's metadata as a record (`storeGroup`), appended to its partition.
    fn append_group_metadata(
        &mut self,
        group: &str,
        now: u64,
    ) -> Option<(TopicPartition, i64, i64, i32)> {
        let g = self.coordinator.groups.get(group)?;
        let generation = g.generation;
        let value = GroupMetadataValue::of(g).encode();
        let key = format!("{METADATA_KEY_PREFIX}{group}");
        let (tp, first, required) = self.append_group_records(group, vec![(key, value)], now)?;
        Some((tp, first, required, generation))
    }

    /// After a rebalance: the group turns Stable and the members get their assignments only
    /// once its metadata is replicated (`group_stored`).
    pub(super) fn store_group(&mut self, group: &str, now: u64, cfg: &BrokerConfig, out: &mut Out) {
        let Some((tp, first_offset, required_offset, generation)) =
            self.append_group_metadata(group, now)
        else {
            return;
        };
        let request_id = self.request_id();
        self.delay_until_replicated(
            &tp,
            DelayedProduce {
                from: NodeId::Broker(self.id),
                request_id,
                first_offset,
                required_offset,
                deadline_ms: now + OFFSETS_COMMIT_TIMEOUT_MS,
                commit: None,
                store_group: Some((group.to_string(), generation)),
            },
            out,
        );
        self.after_local_append(&tp, now, cfg, out);
    }

    /// An emptied group's metadata (its new generation) is written without waiting.
    pub(super) fn store_empty_group(&mut self, group: &str, now: u64) {
        self.append_group_metadata(group, now);
    }

    /// The group's metadata record was replicated (or not): if the group still waits in that
    /// generation, it turns Stable and every waiting SyncGroup gets its assignment; on an error
    /// the members get it (as Kafka maps it) and the group rebalances again.
    pub(crate) fn group_stored(
        &mut self,
        group: &str,
        generation: i32,
        result: Result<(), KafkaError>,
        now: u64,
        out: &mut Out,
    ) {
        let node = NodeId::Broker(self.id);
        let Some(g) = self.coordinator.groups.get_mut(group) else {
            return;
        };
        if g.state != GroupState::CompletingRebalance || g.generation != generation {
            return;
        }
        match result {
            Ok(()) => {
                g.enter(GroupState::Stable, now);
                answer_syncs(g, node, out, |m| Ok(m.assignment.clone()));
            }
            Err(e) => {
                let error = match e {
                    KafkaError::UnknownTopicOrPartition
                    | KafkaError::NotEnoughReplicas
                    | KafkaError::NotEnoughReplicasAfterAppend => {
                        KafkaError::CoordinatorNotAvailable
                    }
                    KafkaError::NotLeaderOrFollower => KafkaError::NotCoordinator,
                    KafkaError::RequestTimedOut => KafkaError::RebalanceInProgress,
                    other => other,
                };
                for m in g.members.values_mut() {
                    m.assignment.clear();
                }
                answer_syncs(g, node, out, |_| Err(error));
                self.prepare_rebalance(
                    group,
                    &format!(
                        "Error {} when storing group assignment during SyncGroup",
                        error.name()
                    ),
                    now,
                    0,
                    out,
                );
            }
        }
    }
}

fn put_num(w: &mut String, n: i64) {
    w.push_str(&n.to_string());
    w.push(';');
}

fn put_str(w: &mut String, s: Option<&str>) {
    match s {
        Some(s) => {
            w.push_str(&s.len().to_string());
            w.push(':');
            w.push_str(s);
        }
        None => w.push_str("-;"),
    }
}

fn get_num(r: &mut &str) -> Option<i64> {
    let (n, rest) = r.split_once(';')?;
    *r = rest;
    n.parse().ok()
}

/// `Some(None)` for an absent string, `None` when the input is not what `put_str` wrote.
fn get_str(r: &mut &str) -> Option<Option<String>> {
    if let Some(rest) = r.strip_prefix("-;") {
        *r = rest;
        return Some(None);
    }
    let (len, rest) = r.split_once(':')?;
    let len: usize = len.parse().ok()?;
    let s = rest.get(..len)?;
    *r = &rest[len..];
    Some(Some(s.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn group_metadata_values_round_trip_and_garbage_is_refused() {
        let v = GroupMetadataValue {
            protocol_type: "consumer".into(),
            generation: 7,
            protocol: Some("range".into()),
            leader: None,
            members: vec![MemberMetadata {
                member_id: "c1-1:2;3-;".into(),
                group_instance_id: Some(String::new()),
                client_id: "c1 키".into(),
                rebalance_timeout: 300_000,
                session_timeout: 45_000,
                protocols: vec!["range".into(), "cooperative-sticky".into()],
                topics: vec!["orders".into()],
                assignment: vec![("orders".into(), 0), ("orders".into(), 2)],
                client: 4,
            }],
        };
        let text = v.encode();
        assert_eq!(GroupMetadataValue::decode(&text), Some(v));
        for bad in [
            "",
            "8:consumer",
            "8:consumer;x;",
            &text[..text.len() - 1],
            &format!("{text}1;"),
        ] {
            assert_eq!(GroupMetadataValue::decode(bad), None, "{bad:?}");
        }
    }
}

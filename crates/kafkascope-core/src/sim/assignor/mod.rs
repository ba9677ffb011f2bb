//! Consumer partition assignors (classic protocol, client side): range, roundrobin, sticky,
//! cooperative-sticky, with Kafka's exact results and ordering rules (KAFKA-SEMANTICS A1–A10).
//!
//! The group leader runs the assignor on the members' subscriptions. [`assign`] is that call: it
//! takes the cluster's topics (name → partition count), the members in the order the leader
//! received them (the JoinGroup response order, which only matters where Kafka iterates a
//! `HashMap`), and returns each member's partitions in the order Kafka's assignor lists them.

mod cooperative_sticky;
mod java;
mod partition_map;
mod partition_movements;
mod range;
mod roundrobin;
mod sticky;

use crate::sim::sort::{CollectMap, CollectSet};
use crate::sim::vec_map::VecMap;
use crate::sim::vec_set::VecSet;
use std::fmt;

pub use java::{hash_map_order, java_compare};

use crate::sim::hash::java_string_hash_code;

/// Bounds that keep one assignment small enough for the page (and keep bad input from exhausting
/// memory): Kafka's own tests go up to 1,000,000 partitions, the simulation far below.
pub const MAX_MEMBERS: usize = 10_000;
pub const MAX_TOTAL_PARTITIONS: i64 = 100_000;

/// Kafka's `TopicPartition` (the simulation's own type): displayed `topic-partition`, ordered by
/// (topic, partition). The assignors add parsing and Java's hashCode to it.
pub use crate::sim::TopicPartition;

impl TopicPartition {
    /// Parses `topic-N` the way Kafka's tools do: the topic is everything before the last `-`.
    pub fn parse(s: &str) -> Result<Self, String> {
        let Some((topic, partition)) = s.rsplit_once('-') else {
            return Err(format!(
                "'{s}' is not a topic partition (expected TOPIC-N, like t-0)"
            ));
        };
        if topic.is_empty() {
            return Err(format!("'{s}' has an empty topic name (expected TOPIC-N)"));
        }
        match partition.parse::<i32>() {
            Ok(p) if p >= 0 && !partition.starts_with('+') => Ok(Self::new(topic, p)),
            _ => Err(format!(
                "'{s}' does not end in a partition number (expected TOPIC-N, like t-0)"
            )),
        }
    }

    /// `TopicPartition.hashCode`: `31 * (31 + partition) + topic.hashCode()`, wrapping.
    pub fn java_hash_code(&self) -> i32 {
        tp_hash_code(java_string_hash_code(&self.topic), self.partition)
    }
}

fn tp_hash_code(topic_hash: i32, partition: i32) -> i32 {
    31i32
        .wrapping_add(partition)
        .wrapping_mul(31)
        .wrapping_add(topic_hash)
}

/// What one member sends in its JoinGroup subscription.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MemberSubscription {
    pub member_id: String,
    /// `group.instance.id` of a static member.
    pub group_instance_id: Option<String>,
    pub topics: Vec<String>,
    /// The partitions the member owns (cooperative: `ownedPartitions`; eager `sticky`: its last
    /// assignment from userData). Ignored by range and roundrobin.
    pub owned_partitions: Vec<TopicPartition>,
    /// The generation of `owned_partitions`; `None` (or negative) is Kafka's -1, "unknown".
    pub generation: Option<i32>,
}

impl MemberSubscription {
    pub fn new(member_id: impl Into<String>, topics: &[&str]) -> Self {
        Self {
            member_id: member_id.into(),
            topics: topics.iter().map(|t| t.to_string()).collect(),
            ..Self::default()
        }
    }

    pub fn owning(mut self, owned: &[TopicPartition], generation: i32) -> Self {
        self.owned_partitions = owned.to_vec();
        self.generation = Some(generation);
        self
    }

    pub fn with_instance_id(mut self, group_instance_id: impl Into<String>) -> Self {
        self.group_instance_id = Some(group_instance_id.into());
        self
    }
}

/// The rebalance protocols of `ConsumerPartitionAssignor.RebalanceProtocol`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RebalanceProtocol {
    /// Revoke everything before rejoining (`onJoinPrepare`), then get the new assignment.
    Eager,
    /// Keep partitions across the rebalance; give up only those moving, then rejoin (A9).
    Cooperative,
}

/// The classic assignors shipped with the Java client.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum AssignorName {
    Range,
    RoundRobin,
    Sticky,
    CooperativeSticky,
}

impl AssignorName {
    pub const ALL: [AssignorName; 4] = [
        AssignorName::Range,
        AssignorName::RoundRobin,
        AssignorName::Sticky,
        AssignorName::CooperativeSticky,
    ];

    /// The protocol name sent in JoinGroup (`ConsumerPartitionAssignor.name()`).
    pub fn name(self) -> &'static str {
        match self {
            AssignorName::Range => "range",
            AssignorName::RoundRobin => "roundrobin",
            AssignorName::Sticky => "sticky",
            AssignorName::CooperativeSticky => "cooperative-sticky",
        }
    }

    /// The value of `partition.assignment.strategy` that selects it.
    pub fn class_name(self) -> &'static str {
        match self {
            AssignorName::Range => "org.apache.kafka.clients.consumer.RangeAssignor",
            AssignorName::RoundRobin => "org.apache.kafka.clients.consumer.RoundRobinAssignor",
            AssignorName::Sticky => "org.apache.kafka.clients.consumer.StickyAssignor",
            AssignorName::CooperativeSticky => {
                "org.apache.kafka.clients.consumer.CooperativeStickyAssignor"
            }
        }
    }

    /// Accepts the protocol name or the class name (simple or fully qualified).
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| {
            s == a.name() || s == a.class_name() || Some(s) == a.class_name().rsplit('.').next()
        })
    }

    /// `supportedProtocols()` (A10): only cooperative-sticky supports COOPERATIVE; it lists it
    /// first, then EAGER.
    pub fn supported_protocols(self) -> &'static [RebalanceProtocol] {
        match self {
            AssignorName::CooperativeSticky => {
                &[RebalanceProtocol::Cooperative, RebalanceProtocol::Eager]
            }
            _ => &[RebalanceProtocol::Eager],
        }
    }
}

impl fmt::Display for AssignorName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The client's rebalance protocol (`ConsumerCoordinator` constructor, A10): the highest protocol
/// supported by every configured assignor. The default `[range, cooperative-sticky]` is EAGER.
/// `None` if the assignors share no protocol (Kafka refuses that configuration).
pub fn rebalance_protocol_for(assignors: &[AssignorName]) -> Option<RebalanceProtocol> {
    let first = assignors.first()?;
    first
        .supported_protocols()
        .iter()
        .copied()
        .filter(|p| {
            assignors
                .iter()
                .all(|a| a.supported_protocols().contains(p))
        })
        .max()
}

/// An assignment request the assignors cannot run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AssignError(pub String);

impl fmt::Display for AssignError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for AssignError {}

/// Which branch of `AbstractStickyAssignor.assignPartitions` ran.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StickyPath {
    /// All members subscribe to the same topics (`ConstrainedAssignmentBuilder`, A6).
    Constrained,
    /// Unequal subscriptions (`GeneralAssignmentBuilder`, A7).
    General,
}

/// One assignor run with what the simulation may want to show besides the result.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AssignmentOutcome {
    /// Every member, with its partitions in the order Kafka's assignor lists them.
    pub assignment: VecMap<String, Vec<TopicPartition>>,
    /// cooperative-sticky only: partitions left out of this round because their previous owner
    /// must revoke them first, with the member that gets them in the follow-up rebalance (A9).
    pub withheld: VecMap<TopicPartition, String>,
    /// sticky and cooperative-sticky: which algorithm ran.
    pub sticky_path: Option<StickyPath>,
}

/// Runs one assignor as the group leader would (`AbstractPartitionAssignor.assign`).
///
/// `partitions_per_topic` is the cluster metadata; only topics some member subscribes to and
/// that have at least one partition take part (A2). `members` come in the order the leader
/// received them. Every member appears in the result, possibly with an empty list.
pub fn assign(
    strategy: AssignorName,
    partitions_per_topic: &VecMap<String, i32>,
    members: &[MemberSubscription],
) -> Result<VecMap<String, Vec<TopicPartition>>, AssignError> {
    assign_detailed(strategy, partitions_per_topic, members).map(|o| o.assignment)
}

/// [`assign`] with the partitions cooperative-sticky withholds and the sticky path taken.
pub fn assign_detailed(
    strategy: AssignorName,
    partitions_per_topic: &VecMap<String, i32>,
    members: &[MemberSubscription],
) -> Result<AssignmentOutcome, AssignError> {
    let ctx = Ctx::new(partitions_per_topic, members)?;
    let (lists, withheld, sticky_path) = match strategy {
        AssignorName::Range => (range::assign(&ctx), Vec::new(), None),
        AssignorName::RoundRobin => (roundrobin::assign(&ctx), Vec::new(), None),
        AssignorName::Sticky => {
            let out = sticky::assign(&ctx);
            (out.assignment, Vec::new(), Some(out.path))
        }
        AssignorName::CooperativeSticky => {
            let (lists, withheld, path) = cooperative_sticky::assign(&ctx);
            (lists, withheld, Some(path))
        }
    };
    let assignment = ctx
        .members
        .iter()
        .zip(lists)
        .map(|(m, list)| {
            (
                m.id.clone(),
                list.into_iter().map(|tp| ctx.topic_partition(tp)).collect(),
            )
        })
        .collect_map();
    let withheld = withheld
        .into_iter()
        .map(|(tp, m)| (ctx.topic_partition(tp), ctx.members[m].id.clone()))
        .collect_map();
    Ok(AssignmentOutcome {
        assignment,
        withheld,
        sticky_path,
    })
}

/// A partition of a topic taking part, by the topic's index in [`Ctx::topics`]. Topic indices
/// follow Java `String.compareTo` order, so `Tp`'s derived order is Kafka's (topic, partition).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct Tp {
    pub(crate) topic: u32,
    pub(crate) partition: i32,
}

/// One member, normalized.
#[derive(Clone, Debug)]
pub(crate) struct Member {
    pub(crate) id: String,
    pub(crate) instance_id: Option<String>,
    /// The subscription as sent (duplicates dropped), including topics that do not exist: the
    /// sticky assignor compares these to decide whether all subscriptions are equal.
    pub(crate) raw_topics: Vec<String>,
    /// Subscribed topics that take part.
    pub(crate) topics: VecSet<u32>,
    /// Owned partitions that exist (duplicates dropped), in the order reported.
    pub(crate) owned: Vec<Tp>,
    /// Kafka's `Optional<Integer>` generation; -1 and below are "absent".
    pub(crate) generation: Option<i32>,
}

/// The normalized input shared by the assignors.
pub(crate) struct Ctx {
    /// Topics that take part (subscribed by someone, ≥ 1 partition), in Java string order.
    pub(crate) topics: Vec<String>,
    pub(crate) partition_counts: Vec<i32>,
    pub(crate) topic_hashes: Vec<i32>,
    /// Members in the order the leader received them.
    pub(crate) members: Vec<Member>,
    /// Member indices in the iteration order of the leader's `HashMap<memberId, Subscription>`.
    pub(crate) hash_order: Vec<usize>,
    /// Each member's rank by member id (`String.compareTo`).
    pub(crate) id_rank: Vec<usize>,
    /// All distinct subscribed topic names (existing or not), for the range topic order.
    pub(crate) all_subscribed: Vec<String>,
    /// Each topic's first partition in the flat numbering of all partitions ([`Ctx::flat`]).
    offsets: Vec<usize>,
}

impl Ctx {
    fn new(
        partitions_per_topic: &VecMap<String, i32>,
        input: &[MemberSubscription],
    ) -> Result<Self, AssignError> {
        if input.len() > MAX_MEMBERS {
            return Err(AssignError(format!(
                "at most {MAX_MEMBERS} members per assignment, not {}",
                input.len()
            )));
        }
        let mut seen = VecSet::new();
        for m in input {
            if !seen.insert(m.member_id.as_str()) {
                return Err(AssignError(format!(
                    "member id '{}' appears twice",
                    m.member_id
                )));
            }
        }
        for (topic, &count) in partitions_per_topic {
            if count < 0 {
                return Err(AssignError(format!(
                    "topic '{topic}' has a negative partition count ({count})"
                )));
            }
        }
        let ids: Vec<&str> = input.iter().map(|m| m.member_id.as_str()).collect();
        let hash_order = hash_map_order(&ids);

        // AbstractPartitionAssignor.assign: the union of subscriptions, kept if the topic has
        // metadata with at least one partition.
        let mut all_subscribed: Vec<String> = Vec::new();
        let mut subscribed_set = VecSet::new();
        for &m in &hash_order {
            for t in &input[m].topics {
                if subscribed_set.insert(t.as_str()) {
                    all_subscribed.push(t.clone());
                }
            }
        }
        let mut topics: Vec<String> = all_subscribed
            .iter()
            .filter(|t| partitions_per_topic.get(*t).is_some_and(|&n| n > 0))
            .cloned()
            .collect();
        crate::sim::sort::sort_by(&mut topics, |a, b| java_compare(a, b).is_lt());
        let partition_counts: Vec<i32> = topics.iter().map(|t| partitions_per_topic[t]).collect();
        let total: i64 = partition_counts.iter().map(|&n| i64::from(n)).sum();
        if total > MAX_TOTAL_PARTITIONS {
            return Err(AssignError(format!(
                "at most {MAX_TOTAL_PARTITIONS} partitions per assignment, not {total}"
            )));
        }
        let topic_hashes = topics.iter().map(|t| java_string_hash_code(t)).collect();
        let index: VecMap<&str, u32> = topics
            .iter()
            .enumerate()
            .map(|(i, t)| (t.as_str(), i as u32))
            .collect_map();

        let members = input
            .iter()
            .map(|m| {
                let mut seen_topics = VecSet::new();
                let raw_topics: Vec<String> = m
                    .topics
                    .iter()
                    .filter(|t| seen_topics.insert(t.as_str()))
                    .cloned()
                    .collect();
                let topics = raw_topics
                    .iter()
                    .filter_map(|t| index.get(t.as_str()).copied())
                    .collect_set();
                // Kafka drops claims on topics that no longer take part (A5). A partition number
                // beyond the topic's count cannot be owned in a real cluster; it is dropped too.
                let mut seen_owned = VecSet::new();
                let mut owned: Vec<Tp> = Vec::new();
                for tp in &m.owned_partitions {
                    if let Some(&topic) = index.get(tp.topic.as_str()) {
                        let candidate = Tp {
                            topic,
                            partition: tp.partition,
                        };
                        if tp.partition >= 0
                            && tp.partition < partition_counts[topic as usize]
                            && seen_owned.insert(candidate)
                        {
                            owned.push(candidate);
                        }
                    }
                }
                Member {
                    id: m.member_id.clone(),
                    instance_id: m.group_instance_id.clone(),
                    raw_topics,
                    topics,
                    owned,
                    generation: m.generation.filter(|&g| g >= 0),
                }
            })
            .collect();

        let mut by_id: Vec<usize> = (0..input.len()).collect();
        crate::sim::sort::sort_by(&mut by_id, |&a, &b| {
            java_compare(&input[a].member_id, &input[b].member_id).is_lt()
        });
        let mut id_rank = vec![0; input.len()];
        for (rank, &m) in by_id.iter().enumerate() {
            id_rank[m] = rank;
        }

        let mut offsets = Vec::with_capacity(partition_counts.len());
        let mut next = 0usize;
        for &count in &partition_counts {
            offsets.push(next);
            next += count as usize;
        }

        Ok(Self {
            topics,
            partition_counts,
            topic_hashes,
            members,
            hash_order,
            id_rank,
            all_subscribed,
            offsets,
        })
    }

    pub(crate) fn topic_partition(&self, tp: Tp) -> TopicPartition {
        TopicPartition::new(self.topics[tp.topic as usize].clone(), tp.partition)
    }

    pub(crate) fn tp_hash(&self, tp: Tp) -> i32 {
        tp_hash_code(self.topic_hashes[tp.topic as usize], tp.partition)
    }

    /// The partition's index among all partitions in (topic, partition) order.
    pub(crate) fn flat(&self, tp: Tp) -> usize {
        self.offsets[tp.topic as usize] + tp.partition as usize
    }

    pub(crate) fn total_partitions(&self) -> usize {
        self.partition_counts.iter().map(|&n| n as usize).sum()
    }

    /// All partitions in (topic, partition) order.
    pub(crate) fn all_partitions(&self) -> Vec<Tp> {
        self.partitions_of_topics((0..self.topics.len() as u32).collect::<Vec<_>>().as_slice())
    }

    pub(crate) fn partitions_of_topics(&self, topics: &[u32]) -> Vec<Tp> {
        topics
            .iter()
            .flat_map(|&topic| {
                (0..self.partition_counts[topic as usize])
                    .map(move |partition| Tp { topic, partition })
            })
            .collect()
    }

    /// `AbstractPartitionAssignor.MemberInfo` order (A1): static members first by
    /// `group.instance.id`, then dynamic members by member id (`String.compareTo`). The sort is
    /// stable over `HashMap` order, as Java's `Collections.sort` is.
    pub(crate) fn member_info_order(&self, members: &mut [usize]) {
        crate::sim::sort::sort_by(members, |&a, &b| {
            let (ma, mb) = (&self.members[a], &self.members[b]);
            match (&ma.instance_id, &mb.instance_id) {
                (Some(x), Some(y)) => java_compare(x, y),
                (Some(_), None) => std::cmp::Ordering::Less,
                (None, Some(_)) => std::cmp::Ordering::Greater,
                (None, None) => java_compare(&ma.id, &mb.id),
            }
            .is_lt()
        });
    }
}

//! The consumer-group part of the page's snapshot ([`super::view::View`]): each group as its
//! coordinator sees it and as its consumers see it, the lag over time, the `__consumer_offsets`
//! partitions, and the tools' describe output — all read from the core in one pass.

use crate::sim::vec_set::VecSet;
use std::rc::Rc;

use crate::sim::cli_output::GroupDescribe;
use crate::sim::consumer::{Consumer, ConsumerState, MemberState, RebalanceChange};
use crate::sim::coordinator::{GroupState, OFFSETS_TOPIC, OFFSETS_TOPIC_NUM_PARTITIONS};
use crate::sim::hash::offsets_partition_for;
use crate::sim::sort::CollectSet;
use crate::sim::{BrokerId, Simulation, TopicPartition};

/// After a rebalance, newly assigned and moved-away partitions stay marked this long.
pub const RECENT_MS: u64 = 10_000;
/// Points kept per lag plot; beyond it every other point goes (older time, coarser steps).
pub const LAG_POINTS: usize = 240;

/// What a partition is to a member right now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PartitionRole {
    Owned,
    /// Assigned by the latest rebalance.
    New,
    /// Cooperative rebalance under way: still owned and consumed.
    Kept,
    /// Eager rebalance under way: revoked, nothing is consumed until the new assignment.
    Paused,
    /// Given up by the latest rebalance (to another member).
    Revoked,
}

#[derive(Clone, Debug, PartialEq)]
pub struct PartitionLag {
    pub tp: TopicPartition,
    pub role: PartitionRole,
    /// The consumer's position: the offset its next `poll()` returns.
    pub position: Option<i64>,
    /// The group's committed offset (CURRENT-OFFSET).
    pub committed: Option<i64>,
    /// LOG-END-OFFSET as the tool shows it: the leader's high watermark.
    pub log_end: Option<i64>,
    pub lag: Option<i64>,
    /// Where a revoked partition went.
    pub moved_to: Option<Rc<str>>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct MemberView {
    pub name: Rc<str>,
    pub index: u32,
    pub state: ConsumerState,
    pub member_state: MemberState,
    pub member_id: String,
    pub client_id: String,
    pub leader: bool,
    pub generation: i32,
    /// partition.assignment.strategy as configured.
    pub assignors: String,
    pub cooperative: bool,
    pub rebalancing: bool,
    /// Rebalancing with nothing owned before: a new member joining.
    pub joining: bool,
    pub paused: bool,
    pub partitions: Vec<PartitionLag>,
    pub polled: u64,
    pub processed: usize,
    pub last_error: Option<String>,
}

/// Total lag over simulated time: (ms, records).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LagSeries {
    pub points: Vec<(u64, i64)>,
}

impl LagSeries {
    /// `previous` plus a sample at `now`. Samples later than `now` are dropped first: time may
    /// have gone back (a seek to an earlier moment). `past(after)` gives samples of the run's
    /// snapshots later than `after` and earlier than `now`: a page opened at a moment (a link,
    /// `?t=`, a scenario file) or moved far ahead has no samples of its own for that stretch.
    pub fn sampled(
        previous: Option<&LagSeries>,
        now: u64,
        lag: Option<i64>,
        past: impl FnOnce(Option<u64>) -> Vec<(u64, i64)>,
    ) -> LagSeries {
        let mut points: Vec<(u64, i64)> = previous
            .map(|p| p.points.iter().copied().filter(|(t, _)| *t < now).collect())
            .unwrap_or_default();
        points.extend(past(points.last().map(|p| p.0)));
        if let Some(lag) = lag {
            points.push((now, lag));
        }
        while points.len() > LAG_POINTS {
            let last = points[points.len() - 1];
            points = points.into_iter().step_by(2).collect();
            if points.last() != Some(&last) {
                points.push(last);
            }
        }
        LagSeries { points }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct GroupView {
    pub id: String,
    /// `None` while no live coordinator knows the group.
    pub state: Option<GroupState>,
    /// The latest state changes (time, state entered), oldest first.
    pub transitions: Vec<(u64, GroupState)>,
    pub generation: i32,
    pub protocol: Option<String>,
    pub coordinator: Option<BrokerId>,
    pub offsets_partition: i32,
    pub members: Vec<MemberView>,
    pub total_lag: Option<i64>,
    pub lag: Rc<LagSeries>,
    /// `kafka-consumer-groups.sh --describe --group G` as a terminal shows it: offsets,
    /// `--members`, `--state`.
    pub describe: Rc<[String; 3]>,
}

/// One `__consumer_offsets` partition.
#[derive(Clone, Debug, PartialEq)]
pub struct OffsetsCell {
    pub partition: i32,
    pub leader: Option<BrokerId>,
    /// Records written: commits and group metadata (the leader's log end offset).
    pub commits: i64,
    /// Groups whose coordinator this partition picks (`abs(hashCode) % 50`).
    pub groups: Vec<String>,
    /// The newest commit: (group, partition committed, offset).
    pub last: Option<(String, String, String)>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct OffsetsView {
    pub cells: Vec<OffsetsCell>,
}

fn member_view(sim: &Simulation, c: &Consumer, others: &[&Consumer]) -> MemberView {
    let now = sim.now_ms();
    let (_, group) = sim.group_view(&c.config.group_id);
    let running = c.state == ConsumerState::Running;
    let r: &RebalanceChange = &c.rebalance;
    let rebalancing = running && (c.member_state != MemberState::Stable || r.synced_ms.is_none());
    let recent = r
        .synced_ms
        .is_some_and(|t| now.saturating_sub(t) < RECENT_MS);
    let cooperative = crate::sim::assignor::rebalance_protocol_for(&c.config.assignors)
        .is_some_and(|p| p == crate::sim::assignor::RebalanceProtocol::Cooperative);

    let mut rows: Vec<(TopicPartition, PartitionRole)> = Vec::new();
    if rebalancing {
        let owned: VecSet<&TopicPartition> = c.assignment.iter().collect_set();
        let mut all: VecSet<&TopicPartition> = r.before.iter().collect_set();
        all.extend(owned.iter().copied());
        for tp in all {
            let role = if owned.contains(tp) {
                PartitionRole::Kept
            } else if cooperative {
                PartitionRole::Revoked
            } else {
                PartitionRole::Paused
            };
            rows.push((tp.clone(), role));
        }
    } else if c.state != ConsumerState::Crashed {
        // (A crashed process owns nothing: the assignment it held is the coordinator's to give
        // to others once its session expires, and the card must not show them twice.)
        for tp in &c.assignment {
            let role = if recent && r.added.contains(tp) {
                PartitionRole::New
            } else {
                PartitionRole::Owned
            };
            rows.push((tp.clone(), role));
        }
        if recent {
            rows.extend(
                r.revoked
                    .iter()
                    .map(|tp| (tp.clone(), PartitionRole::Revoked)),
            );
        }
    }
    let partitions = rows
        .into_iter()
        .map(|(tp, role)| {
            let committed = group.and_then(|g| g.offsets.get(&tp).copied());
            let log_end = sim.log_end_offset(&tp);
            let owning = role != PartitionRole::Revoked && role != PartitionRole::Paused;
            PartitionLag {
                position: owning
                    .then(|| c.consumed.get(&tp).or(c.positions.get(&tp)).copied())
                    .flatten(),
                lag: committed.zip(log_end).map(|(c, e)| e - c),
                moved_to: (role == PartitionRole::Revoked)
                    .then(|| {
                        others
                            .iter()
                            .find(|o| o.assignment.contains(&tp))
                            .map(|o| o.name.clone())
                    })
                    .flatten(),
                committed,
                log_end,
                tp,
                role,
            }
        })
        .collect();
    MemberView {
        name: c.name.clone(),
        index: c.index,
        state: c.state,
        member_state: c.member_state,
        member_id: c.member_id.clone(),
        client_id: c.client_id.clone(),
        leader: c.is_leader,
        generation: c.generation,
        assignors: c
            .config
            .assignors
            .iter()
            .map(|a| a.name())
            .collect::<Vec<_>>()
            .join(","),
        cooperative,
        rebalancing,
        joining: rebalancing && r.before.is_empty() && c.assignment.is_empty(),
        paused: !c.paused.is_empty(),
        partitions,
        polled: c.polled,
        processed: c.processed_count as usize,
        last_error: c.errors.last().cloned(),
    }
}

/// Every group with a consumer in the simulation, by name.
/// Without `tools`, a group's `describe` is `previous`'s when it has one.
/// A group's total lag: over every partition of its members' topics where the group has a
/// commit, the log end offset minus the committed offset (as kafka-consumer-groups.sh counts).
fn total_lag(sim: &Simulation, id: &str) -> Option<i64> {
    let (coordinator, group) = sim.group_view(id);
    let live = coordinator.is_some_and(|c| sim.node_alive(crate::sim::NodeId::Broker(c)));
    let group = group.filter(|_| live)?;
    let topics: VecSet<&String> = sim
        .consumers
        .iter()
        .filter(|c| c.config.group_id == id)
        .flat_map(|c| &c.topics)
        .collect_set();
    let mut total: Option<i64> = None;
    for t in topics {
        let Some(meta) = sim.metadata.topics.get(t) else {
            continue;
        };
        for p in 0..meta.partitions.len() as i32 {
            let tp = TopicPartition::new(t.clone(), p);
            if let (Some(c), Some(e)) = (group.offsets.get(&tp), sim.log_end_offset(&tp)) {
                *total.get_or_insert(0) += (e - c).max(0);
            }
        }
    }
    total
}

/// The groups' views; `past` are earlier copies of the run (the timeline's snapshots), read
/// only for lag samples the page did not take itself.
pub fn build_groups(
    sim: &Simulation,
    past: &[&Simulation],
    previous: Option<&[GroupView]>,
    tools: bool,
) -> Vec<GroupView> {
    let names: VecSet<&str> = sim
        .consumers
        .iter()
        .map(|c| c.config.group_id.as_str())
        .collect_set();
    names
        .into_iter()
        .map(|id| {
            let (coordinator, group) = sim.group_view(id);
            let live = coordinator.is_some_and(|c| sim.node_alive(crate::sim::NodeId::Broker(c)));
            let group = group.filter(|_| live);
            let consumers: Vec<&Consumer> = sim
                .consumers
                .iter()
                .filter(|c| c.config.group_id == id)
                .collect();
            let members = consumers
                .iter()
                .map(|c| member_view(sim, c, &consumers))
                .collect();
            let total = total_lag(sim, id);
            let old = previous.and_then(|p| p.iter().find(|g| g.id == id));
            let now = sim.now_ms();
            let series = LagSeries::sampled(old.map(|g| &*g.lag), now, total, |after| {
                past.iter()
                    .filter(|s| s.now_ms() < now && after.is_none_or(|a| s.now_ms() > a))
                    .filter_map(|s| Some((s.now_ms(), total_lag(s, id)?)))
                    .collect()
            });
            let lag = match old {
                Some(o) if *o.lag == series => o.lag.clone(),
                _ => Rc::new(series),
            };
            let describe = match old {
                Some(o) if !tools => o.describe.clone(),
                _ => {
                    let describe = [
                        GroupDescribe::Offsets,
                        GroupDescribe::Members,
                        GroupDescribe::State,
                    ]
                    .map(|v| sim.describe_group_text(id, v).terminal());
                    match old {
                        Some(o) if *o.describe == describe => o.describe.clone(),
                        _ => Rc::new(describe),
                    }
                }
            };
            GroupView {
                id: id.to_string(),
                state: group.map(|g| g.state),
                transitions: group
                    .map(|g| g.transitions.iter().copied().collect())
                    .unwrap_or_default(),
                generation: group.map_or(0, |g| g.generation),
                protocol: group.and_then(|g| g.protocol.clone()),
                coordinator,
                offsets_partition: offsets_partition_for(id, OFFSETS_TOPIC_NUM_PARTITIONS),
                members,
                total_lag: total,
                lag,
                describe,
            }
        })
        .collect()
}

/// The `__consumer_offsets` partitions, once the topic exists.
pub fn build_offsets(sim: &Simulation) -> Option<OffsetsView> {
    let topic = sim.metadata.topics.get(OFFSETS_TOPIC)?;
    let groups: VecSet<&str> = sim
        .consumers
        .iter()
        .map(|c| c.config.group_id.as_str())
        .collect_set();
    let cells = topic
        .partitions
        .iter()
        .enumerate()
        .map(|(i, reg)| {
            let tp = TopicPartition::new(OFFSETS_TOPIC, i as i32);
            let replica = sim.authoritative_replica(&tp);
            // The newest commit among the last records (group metadata records are keyed
            // `metadata/<group>`; commits `topic:partition:group`, valued by the offset).
            let last = replica.and_then(|r| {
                let from = (r.log.leo() - 64).max(r.log.log_start_offset());
                (from..r.log.leo()).rev().find_map(|o| {
                    let e = r.log.entry(o)?;
                    let key = e.record.key.as_deref()?;
                    let mut parts = key.splitn(3, ':');
                    let (topic, partition, group) = (parts.next()?, parts.next()?, parts.next()?);
                    Some((
                        group.to_string(),
                        format!("{topic}-{partition}"),
                        e.record.value.to_string(),
                    ))
                })
            });
            OffsetsCell {
                partition: i as i32,
                leader: reg.leader,
                commits: replica.map_or(0, |r| r.log.leo()),
                groups: groups
                    .iter()
                    .filter(|g| offsets_partition_for(g, OFFSETS_TOPIC_NUM_PARTITIONS) == i as i32)
                    .map(|g| g.to_string())
                    .collect(),
                last,
            }
        })
        .collect();
    Some(OffsetsView { cells })
}

/// `kafka-topics.sh --describe --topic T` for every topic, by name.
pub fn build_topic_texts(sim: &Simulation) -> Vec<(String, String)> {
    sim.metadata
        .topics
        .keys()
        .filter_map(|t| Some((t.clone(), sim.describe_topic_text(t)?)))
        .collect()
}

//! What the page draws, read from the core in one pass: a value snapshot of the simulation.
//!
//! The animation loop advances the core many times a second; the page rebuilds this snapshot
//! only when an event was processed, and re-renders only when the snapshot differs from the one
//! on screen (brokers whose card did not change compare equal and are skipped by Yew). The clock
//! and the messages in flight are not in it: they move every frame and are painted outside Yew
//! (see [`super::engine`]).

use crate::sim::sort::CollectMap;
use crate::sim::vec_map::VecMap;
use crate::timeline::Player;
use std::rc::Rc;

pub use super::layout::{Layout, Row, DIAGRAM_WIDTH};

use super::group_view::{build_groups, build_offsets, build_topic_texts, GroupView, OffsetsView};
use super::marks::{lost_of, partition_fates, CellView, PartitionFates};
use crate::sim::consumer::ConsumerState;
use crate::sim::coordinator::OFFSETS_TOPIC;
use crate::sim::{
    BrokerId, BrokerState, ControllerMode, NodeId, PartitionDescription, Simulation,
    TopicPartition, TraceKind,
};

/// A broker's state as the page shows it: the CSS class / data attribute, and the words.
pub fn broker_state_label(
    t: &crate::ui::i18n::Texts,
    state: BrokerState,
) -> (&'static str, &'static str) {
    match state {
        BrokerState::Running => ("running", t.state_running),
        BrokerState::Stopped => ("stopped", t.state_stopped),
        BrokerState::Crashed => ("crashed", t.state_crashed),
    }
}

/// Offsets drawn per replica log strip (the newest ones).
pub const LOG_CELLS: usize = 10;
/// Trace lines kept for the event log panel (the newest ones).
pub const TRACE_LINES: usize = 200;

/// One partition replica as a broker card shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct ReplicaView {
    pub topic: Rc<str>,
    pub partition: i32,
    /// The controller's metadata names this broker leader (what `--describe` prints).
    pub leader: bool,
    /// The partition's leader epoch in the metadata.
    pub leader_epoch: i32,
    pub in_isr: bool,
    /// The broker's own log: end offset, high watermark, first offset.
    pub leo: i64,
    pub hw: i64,
    pub log_start: i64,
    /// The newest [`LOG_CELLS`] records with their marks, then a ghost cell for each lost
    /// acknowledged offset past the log's end.
    pub cells: Vec<CellView>,
}

impl ReplicaView {
    pub fn name(&self) -> String {
        format!("{}-{}", self.topic, self.partition)
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct BrokerView {
    pub id: BrokerId,
    pub state: BrokerState,
    /// Cut off by `network isolate`.
    pub isolated: bool,
    /// The controller has fenced it (session expired): it leads nothing and is in no ISR.
    pub fenced: bool,
    /// ZooKeeper mode: this broker is the active controller.
    pub controller: bool,
    pub replicas: Vec<ReplicaView>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct VoterView {
    pub id: i32,
    pub alive: bool,
    pub active: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ControllerView {
    pub mode: ControllerMode,
    /// KRaft voters (empty in ZooKeeper mode).
    pub voters: Vec<VoterView>,
    /// KRaft: the active voter; ZooKeeper mode: the controller broker.
    pub active: Option<i32>,
    pub epoch: i32,
    pub zookeeper_isolated: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ProducerView {
    pub name: Rc<str>,
    pub index: u32,
    pub acks: i16,
    pub idempotence: bool,
    pub linger_ms: u64,
    pub producer_id: i64,
    pub producer_epoch: i16,
    pub acked: usize,
    pub failed: usize,
    pub pending: usize,
    /// Records in the accumulator, gathering into a batch (`linger.ms`, `batch.size`).
    pub gathering: usize,
    /// Acknowledged records since lost, and what allowed it (the first loss's reason).
    pub lost: usize,
    pub lost_allowed_by: Option<crate::sim::outcomes::LossAllowedBy>,
    pub isolated: bool,
    /// The last failure, as the producer's callback saw it.
    pub last_error: Option<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ConsumerView {
    pub name: Rc<str>,
    pub index: u32,
    pub group: String,
    pub running: bool,
    pub state: ConsumerState,
    pub generation: i32,
    pub assigned: usize,
    /// The group's leader (it computes the assignment).
    pub group_leader: bool,
}

/// The network's faults on links (an isolated node is on its own node): cut links, slowed
/// links with their latency, and rules dropping messages of a kind.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FaultsView {
    pub cut: Vec<(NodeId, NodeId)>,
    pub slow: Vec<(NodeId, NodeId, u64)>,
    pub drops: Vec<crate::sim::network::DropRule>,
}

impl FaultsView {
    fn of(sim: &Simulation) -> FaultsView {
        let n = &sim.network;
        FaultsView {
            cut: n.cut.iter().copied().collect(),
            slow: n.slow.iter().map(|(&(a, b), &ms)| (a, b, ms)).collect(),
            // A counted rule that has dropped its last message no longer acts.
            drops: n
                .drops
                .iter()
                .filter(|r| r.remaining != Some(0))
                .cloned()
                .collect(),
        }
    }

    /// The nodes a running node cannot reach over a cut link.
    pub fn cut_from(&self, node: NodeId) -> Vec<NodeId> {
        self.cut
            .iter()
            .filter_map(|&(a, b)| match () {
                _ if a == node => Some(b),
                _ if b == node => Some(a),
                _ => None,
            })
            .collect()
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct TopicView {
    pub name: String,
    pub partitions: usize,
    pub replication_factor: usize,
    pub min_insync_replicas: i32,
}

#[derive(Clone, Debug, PartialEq)]
pub struct TraceLine {
    pub at_ms: u64,
    /// `None`: the whole network.
    pub node: Option<NodeId>,
    pub kind: TraceKind,
    pub text: String,
}

/// The newest trace lines, newest first. Equal when the core's trace hash is equal.
#[derive(Clone, Debug)]
pub struct TraceView {
    pub hash: u64,
    pub total: usize,
    pub lines: Vec<TraceLine>,
}

impl PartialEq for TraceView {
    fn eq(&self, other: &Self) -> bool {
        self.hash == other.hash && self.total == other.total
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct View {
    pub seed: u64,
    pub mode: ControllerMode,
    pub latency_ms: u64,
    pub brokers: Vec<Rc<BrokerView>>,
    pub partitions: Rc<[PartitionDescription]>,
    pub topics: Rc<[TopicView]>,
    pub controller: Rc<ControllerView>,
    pub producers: Rc<[ProducerView]>,
    pub consumers: Rc<[ConsumerView]>,
    pub trace: Rc<TraceView>,
    /// Consumer groups, the `__consumer_offsets` partitions, the tools' describe output.
    pub groups: Rc<[GroupView]>,
    pub offsets: Option<Rc<OffsetsView>>,
    /// (topic, `kafka-topics.sh --describe --topic` output), by name.
    pub topic_texts: Rc<[(String, String)]>,
    pub faults: Rc<FaultsView>,
}

impl View {
    /// Reads the player's simulation (and its snapshots, for lag samples the page did not
    /// take). Parts equal to `previous` keep its `Rc`s, so unchanged components compare equal by
    /// pointer first.
    pub fn build(player: &Player, previous: Option<&View>) -> View {
        View::build_playing(player, previous, true)
    }

    /// [`View::build`]; without `tools`, each group's tool output is `previous`'s (a refresh
    /// while playing: see [`super::state::Action::Refresh`]).
    pub fn build_playing(player: &Player, previous: Option<&View>, tools: bool) -> View {
        let sim = player.sim();
        let config = sim.config();
        let partitions: Rc<[PartitionDescription]> = match previous {
            Some(p) if *p.partitions == *sim.describe_partitions() => p.partitions.clone(),
            _ => sim.describe_partitions().into(),
        };
        let topic_names: VecMap<&str, Rc<str>> = sim
            .metadata
            .topics
            .keys()
            .map(|name| (name.as_str(), Rc::from(name.as_str())))
            .collect_map();

        let fates = partition_fates(sim);
        let zk_controller = match sim.controller.mode {
            ControllerMode::Zookeeper => sim.controller.active,
            ControllerMode::Kraft => None,
        };
        let brokers = sim
            .brokers
            .values()
            .enumerate()
            .map(|(i, b)| {
                // The 50 `__consumer_offsets` partitions have their own compact view.
                let replicas = partitions
                    .iter()
                    .filter(|p| p.replicas.contains(&b.id) && p.topic != OFFSETS_TOPIC)
                    .map(|p| {
                        let tp = TopicPartition::new(p.topic.as_str(), p.partition);
                        let local = b.replicas.get(&tp);
                        let (leo, hw, log_start, cells) = match local {
                            Some(r) => {
                                let cells = PartitionFates::cells(
                                    fates.get(&tp),
                                    r.log.entries(),
                                    r.log.len(),
                                    LOG_CELLS,
                                    r.log.leo(),
                                );
                                (
                                    r.log.leo(),
                                    r.high_watermark,
                                    r.log.log_start_offset(),
                                    cells,
                                )
                            }
                            None => (0, 0, 0, Vec::new()),
                        };
                        ReplicaView {
                            topic: topic_names
                                .get(p.topic.as_str())
                                .cloned()
                                .unwrap_or_else(|| Rc::from(p.topic.as_str())),
                            partition: p.partition,
                            leader: p.leader == Some(b.id),
                            leader_epoch: p.leader_epoch,
                            in_isr: p.isr.contains(&b.id),
                            leo,
                            hw,
                            log_start,
                            cells,
                        }
                    })
                    .collect();
                let view = BrokerView {
                    id: b.id,
                    state: b.state,
                    isolated: sim.network.isolated.contains(&NodeId::Broker(b.id)),
                    fenced: sim.metadata.brokers.get(&b.id).is_some_and(|r| r.fenced),
                    controller: zk_controller == Some(b.id),
                    replicas,
                };
                match previous.and_then(|p| p.brokers.get(i)) {
                    Some(old) if **old == view => old.clone(),
                    _ => Rc::new(view),
                }
            })
            .collect();

        let controller = ControllerView {
            mode: sim.controller.mode,
            voters: sim
                .controller
                .voters
                .iter()
                .map(|v| VoterView {
                    id: v.id,
                    alive: v.alive,
                    active: sim.controller.active == Some(v.id),
                })
                .collect(),
            active: sim.controller.active,
            epoch: sim.controller.epoch,
            zookeeper_isolated: sim.network.isolated.contains(&NodeId::ZooKeeper),
        };
        let controller = match previous {
            Some(p) if *p.controller == controller => p.controller.clone(),
            _ => Rc::new(controller),
        };

        let topics: Vec<TopicView> = sim
            .metadata
            .topics
            .values()
            .map(|t| TopicView {
                name: t.name.clone(),
                partitions: t.partitions.len(),
                replication_factor: t.partitions.first().map_or(0, |p| p.replicas.len()),
                min_insync_replicas: t.config.min_insync_replicas,
            })
            .collect();
        let topics: Rc<[TopicView]> = match previous {
            Some(p) if *p.topics == *topics => p.topics.clone(),
            _ => topics.into(),
        };

        let producers: Vec<ProducerView> = sim
            .producers
            .iter()
            .map(|p| ProducerView {
                name: p.name.clone(),
                index: p.index,
                acks: p.config.acks,
                idempotence: p.config.enable_idempotence,
                linger_ms: p.config.linger_ms,
                producer_id: p.producer_id,
                producer_epoch: p.producer_epoch,
                acked: p.acked_count as usize,
                failed: p.failed_count as usize,
                pending: p.pending_records(),
                gathering: p.gathering_records(),
                lost: lost_of(&fates, &p.name).0,
                lost_allowed_by: lost_of(&fates, &p.name).1,
                isolated: sim.network.isolated.contains(&NodeId::Producer(p.index)),
                last_error: p.failed.last().map(|f| f.error.clone()),
            })
            .collect();
        let producers: Rc<[ProducerView]> = match previous {
            Some(p) if *p.producers == *producers => p.producers.clone(),
            _ => producers.into(),
        };

        let consumers: Vec<ConsumerView> = sim
            .consumers
            .iter()
            .map(|c| ConsumerView {
                name: c.name.clone(),
                index: c.index,
                group: c.config.group_id.clone(),
                running: matches!(c.state, ConsumerState::Running),
                state: c.state,
                generation: c.generation,
                assigned: c.assignment.len(),
                group_leader: c.is_leader,
            })
            .collect();
        let consumers: Rc<[ConsumerView]> = match previous {
            Some(p) if *p.consumers == *consumers => p.consumers.clone(),
            _ => consumers.into(),
        };

        let trace_hash = sim.trace.hash();
        let trace_total = sim.trace.events.len();
        let trace = match previous {
            Some(p) if p.trace.hash == trace_hash && p.trace.total == trace_total => {
                p.trace.clone()
            }
            _ => Rc::new(TraceView {
                hash: trace_hash,
                total: trace_total,
                lines: sim
                    .trace
                    .events
                    .iter()
                    .rev()
                    .take(TRACE_LINES)
                    .map(|e| TraceLine {
                        at_ms: e.at_ms,
                        node: e.node,
                        kind: e.kind(),
                        text: e.text(),
                    })
                    .collect(),
            }),
        };

        let past: Vec<&Simulation> = player.snapshots().iter().map(|s| &s.sim).collect();
        let groups = build_groups(sim, &past, previous.map(|p| &*p.groups), tools);
        let groups: Rc<[GroupView]> = match previous {
            Some(p) if *p.groups == *groups => p.groups.clone(),
            _ => groups.into(),
        };
        let offsets = build_offsets(sim).map(|o| match previous.and_then(|p| p.offsets.as_ref()) {
            Some(old) if **old == o => old.clone(),
            _ => Rc::new(o),
        });
        // The describe text follows the partitions' metadata (configs do not change).
        let topic_texts: Rc<[(String, String)]> = match previous {
            Some(p) if Rc::ptr_eq(&p.partitions, &partitions) => p.topic_texts.clone(),
            _ => build_topic_texts(sim).into(),
        };

        let faults = FaultsView::of(sim);
        let faults = match previous {
            Some(p) if *p.faults == faults => p.faults.clone(),
            _ => Rc::new(faults),
        };
        View {
            faults,
            seed: config.seed,
            mode: config.mode,
            latency_ms: config.latency_ms,
            brokers,
            partitions,
            topics,
            controller,
            producers,
            consumers,
            trace,
            groups,
            offsets,
            topic_texts,
        }
    }

    pub fn broker_count(&self) -> usize {
        self.brokers.len()
    }
}

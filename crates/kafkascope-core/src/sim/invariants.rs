//! Named invariants, checked after every event (those of the node it touched) and after every
//! command (all). Each names a guarantee Kafka keeps; a
//! violation means the model is wrong (or, for the end-of-run checks, that a configuration
//! Kafka promises durability for lost data).
//!
//! - `one-leader-per-epoch`: no two brokers lead a partition in the same leader epoch.
//! - `leader-hw-monotonic`: a leader's high watermark never goes down within its epoch.
//! - `leader-in-isr`: a leader is a member of the ISR it holds.
//! - `hw-within-isr`: the leader's HW is not above the LEO of any live ISR member.
//! - `one-owner-per-generation`: no partition is assigned to two live members of one group in
//!   the same generation.
//!
//! End of run (see `report`): `acknowledged-record-lost` for acks=all with
//! min.insync.replicas >= 2 and unclean election off, and `committed-logs-diverge`.

use serde::Serialize;

use super::broker::{Broker, BrokerState};
use super::consumer::{ConsumerState, MemberState};
use super::metadata::PartitionRegistration;
use super::replica::Replica;
use super::vec_map::VecMap;
use super::{BrokerId, NodeId, Simulation, TopicPartition};

#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct Violation {
    pub at_ms: u64,
    pub invariant: &'static str,
    pub detail: String,
}

/// At most this many violations are kept (the first ones matter most).
const MAX_VIOLATIONS: usize = 1000;

#[derive(Clone, Debug)]
pub struct InvariantLog {
    pub enabled: bool,
    pub violations: Vec<Violation>,
    leader_hw: VecMap<(BrokerId, TopicPartition), (i32, i64)>,
    /// Per consumer: (owns its partitions, generation, partition count) when last checked.
    member_seen: VecMap<u32, (bool, i32, usize)>,
    /// Per broker, its replicas (in map order) when last checked.
    replica_seen: VecMap<BrokerId, Vec<Option<ReplicaSeen>>>,
}

/// What the replica invariants read of a replica.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct ReplicaSeen {
    leading: bool,
    leader_epoch: i32,
    high_watermark: i64,
    leo: i64,
    isr: u64,
}

impl ReplicaSeen {
    fn of(r: &super::replica::Replica) -> Self {
        Self {
            leading: r.leading.is_some(),
            leader_epoch: r.leader_epoch,
            high_watermark: r.high_watermark,
            leo: r.log.leo(),
            isr: r.isr.iter().fold(r.isr.len() as u64, |h, &m| {
                h.wrapping_mul(1_000_003) ^ m as u64
            }),
        }
    }
}

impl Default for InvariantLog {
    fn default() -> Self {
        Self {
            enabled: true,
            violations: Vec::new(),
            leader_hw: VecMap::new(),
            member_seen: VecMap::new(),
            replica_seen: VecMap::new(),
        }
    }
}

impl InvariantLog {
    pub fn record(&mut self, at_ms: u64, invariant: &'static str, detail: String) {
        if self.violations.len() < MAX_VIOLATIONS {
            self.violations.push(Violation {
                at_ms,
                invariant,
                detail,
            });
        }
    }
}

impl Simulation {
    /// After an event handled by `node`: only that node's state changed, so only the invariants
    /// that involve it can have broken. (Scanning every replica after every event made a
    /// 100-broker cluster run 80 times slower.)
    pub(crate) fn check_invariants_at(&mut self, node: NodeId) {
        if !self.invariants.enabled {
            return;
        }
        let mut found = Vec::new();
        match node {
            NodeId::Broker(id) => self.check_broker(id, true, &mut found),
            NodeId::Consumer(i) => {
                // Ownership changes only with the member's state, generation or assignment:
                // most of its events (fetches, polls, heartbeats) change none of them.
                if let Some(c) = self.consumers.get(i as usize) {
                    let owning =
                        c.state == ConsumerState::Running && c.member_state == MemberState::Stable;
                    let seen = (owning, c.generation, c.assignment.len());
                    if self.invariants.member_seen.insert(i, seen) != Some(seen) {
                        let group = c.config.group_id.clone();
                        self.check_group(Some(&group), &mut found);
                    }
                }
            }
            _ => {}
        }
        self.record_violations(found);
    }

    /// After a command, which may change any node: everything.
    pub(crate) fn check_all_invariants(&mut self) {
        if !self.invariants.enabled {
            return;
        }
        let mut found = Vec::new();
        let brokers: Vec<BrokerId> = self.brokers.keys().copied().collect();
        for id in brokers {
            self.check_broker(id, false, &mut found);
        }
        self.check_group(None, &mut found);
        self.record_violations(found);
    }

    fn record_violations(&mut self, found: Vec<(&'static str, String)>) {
        let mut recorded: Vec<&(&'static str, String)> = Vec::new();
        for v in &found {
            // A pair of leaders is found from both sides in a full check.
            if !recorded.contains(&v) {
                recorded.push(v);
                self.invariants.record(self.now_ms, v.0, v.1.clone());
            }
        }
    }

    /// The replica invariants of broker `id`: its leaders (epoch, ISR, HW) and, after an event
    /// (`incremental`), whether its log went below the HW of the leader it follows (a full check
    /// finds that from the leader's side).
    fn check_broker(
        &mut self,
        id: BrokerId,
        incremental: bool,
        found: &mut Vec<(&'static str, String)>,
    ) {
        let Some(b) = self
            .brokers
            .get(&id)
            .filter(|b| b.state == BrokerState::Running)
        else {
            return;
        };
        // After an event, only the replicas that changed since this broker was last checked
        // (by position: the replica map is ordered, so an unchanged set keeps positions).
        let mut seen = self.invariants.replica_seen.remove(&id).unwrap_or_default();
        if seen.len() != b.replicas.len() {
            seen = vec![None; b.replicas.len()];
        }
        let mut hws = Vec::new();
        for (r, seen) in b.replicas.values().zip(seen.iter_mut()) {
            let now = Some(ReplicaSeen::of(r));
            if incremental && *seen == now {
                continue;
            }
            *seen = now;
            // The partition as the controller's metadata has it (its leader and epoch).
            let registration = self
                .metadata
                .topics
                .get(&r.tp.topic)
                .and_then(|t| t.partitions.get(r.tp.partition as usize));
            if r.leading.is_some() {
                self.check_leader(id, r, registration, found);
                hws.push((r.tp.clone(), r.leader_epoch, r.high_watermark));
            } else if incremental {
                found.extend(self.check_follower(id, r, registration));
            }
        }
        for (tp, epoch, hw) in hws {
            self.invariants.leader_hw.insert((id, tp), (epoch, hw));
        }
        self.invariants.replica_seen.insert(id, seen);
    }

    /// A running broker, if it is one.
    fn running(&self, id: &BrokerId) -> Option<&Broker> {
        self.brokers
            .get(id)
            .filter(|b| b.state == BrokerState::Running)
    }

    /// A follower that truncated: is it below the current leader's HW while in its ISR?
    fn check_follower(
        &self,
        id: BrokerId,
        r: &Replica,
        registration: Option<&PartitionRegistration>,
    ) -> Option<(&'static str, String)> {
        let reg = registration?;
        let leader = reg.leader.and_then(|l| self.running(&l))?;
        let lr = leader.replicas.get(&r.tp)?;
        (lr.leading.is_some()
            && lr.leader_epoch == reg.leader_epoch
            && lr.isr.contains(&id)
            && r.log.leo() < lr.high_watermark
            && !self.metadata.brokers.get(&id).is_some_and(|x| x.fenced))
        .then(|| hw_above_leo(&r.tp, lr.high_watermark, leader.id, id, r.log.leo()))
    }

    /// A leader: alone in its epoch, in its ISR, its HW never going back in an epoch, and
    /// (if it is the current leader) no ISR member's log below its HW. Only the current
    /// leader's HW is compared with the ISR's logs: a zombie leader of an older epoch
    /// (isolated, not yet told) may hold a HW its former followers truncated below.
    fn check_leader(
        &self,
        id: BrokerId,
        r: &Replica,
        registration: Option<&PartitionRegistration>,
        found: &mut Vec<(&'static str, String)>,
    ) {
        // Other leaders of this partition in the same epoch, among the brokers that host it.
        let hosts: Vec<BrokerId> = match registration {
            Some(reg) => reg.replicas.clone(),
            None => self.brokers.keys().copied().collect(),
        };
        for other in hosts
            .iter()
            .filter(|&&o| o != id)
            .filter_map(|o| self.running(o))
        {
            if other
                .replicas
                .get(&r.tp)
                .is_some_and(|or| or.leading.is_some() && or.leader_epoch == r.leader_epoch)
            {
                found.push((
                    "one-leader-per-epoch",
                    format!(
                        "brokers {} and {} both lead {} in epoch {}",
                        other.id.min(id),
                        other.id.max(id),
                        r.tp,
                        r.leader_epoch
                    ),
                ));
            }
        }
        if !r.isr.contains(&id) {
            found.push((
                "leader-in-isr",
                format!("broker {id} leads {} but the ISR is {:?}", r.tp, r.isr),
            ));
        }
        if let Some(&(epoch, hw)) = self.invariants.leader_hw.get(&(id, r.tp.clone())) {
            if epoch == r.leader_epoch && r.high_watermark < hw {
                found.push((
                    "leader-hw-monotonic",
                    format!(
                        "{} HW went from {hw} to {} on leader {id} in epoch {epoch}",
                        r.tp, r.high_watermark
                    ),
                ));
            }
        }
        if registration.map(|reg| reg.leader_epoch) != Some(r.leader_epoch) {
            return;
        }
        for m in &r.isr {
            let Some(mr) = self.running(m).and_then(|mb| mb.replicas.get(&r.tp)) else {
                continue;
            };
            if mr.log.leo() < r.high_watermark
                && !self.metadata.brokers.get(m).is_some_and(|x| x.fenced)
            {
                found.push(hw_above_leo(&r.tp, r.high_watermark, id, *m, mr.log.leo()));
            }
        }
    }

    /// One owner per partition per group generation (among live, Stable members), for one
    /// group or all.
    fn check_group(&self, group: Option<&str>, found: &mut Vec<(&'static str, String)>) {
        let mut owners: VecMap<(&str, i32, &TopicPartition), &str> = VecMap::new();
        for c in self.consumers.iter().filter(|c| {
            c.state == ConsumerState::Running
                && c.member_state == MemberState::Stable
                && group.is_none_or(|g| g == c.config.group_id)
        }) {
            for tp in &c.assignment {
                if let Some(other) =
                    owners.insert((c.config.group_id.as_str(), c.generation, tp), &c.name)
                {
                    found.push((
                        "one-owner-per-generation",
                        format!(
                            "{tp} is owned by both {other} and {} in generation {} of group {}",
                            c.name, c.generation, c.config.group_id
                        ),
                    ));
                }
            }
        }
    }
}

fn hw_above_leo(
    tp: &TopicPartition,
    hw: i64,
    leader: BrokerId,
    member: BrokerId,
    leo: i64,
) -> (&'static str, String) {
    (
        "hw-within-isr",
        format!("{tp} HW {hw} on leader {leader} is above ISR member {member}'s LEO {leo}"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Three brokers, `t` with one partition led by broker 1 (RF 3), ten records committed.
    fn cluster() -> Simulation {
        let sim = crate::sim::script::run(
            "cluster brokers=3\n\
             topic create t partitions=1 replication-factor=3\n\
             producer create p acks=all\n\
             produce p t count=10\n\
             advance 2s",
        )
        .expect("a valid script");
        assert!(sim.invariants.violations.is_empty());
        sim
    }

    fn names(sim: &Simulation) -> Vec<&'static str> {
        sim.invariants
            .violations
            .iter()
            .map(|v| v.invariant)
            .collect()
    }

    #[test]
    fn a_second_leader_in_the_same_epoch_is_found_at_the_broker_that_changed_and_by_a_full_check() {
        let tp = TopicPartition::new("t", 0);
        for full in [false, true] {
            let mut sim = cluster();
            let leader = sim.brokers[&1].replicas[&tp].clone();
            assert!(leader.leading.is_some());
            let follower = sim
                .brokers
                .get_mut(&2)
                .unwrap()
                .replicas
                .get_mut(&tp)
                .unwrap();
            follower.leading = leader.leading.clone();
            if full {
                sim.check_all_invariants();
            } else {
                // Broker 1 did not change since it was last checked: nothing new there.
                sim.check_invariants_at(NodeId::Broker(1));
                assert!(names(&sim).is_empty());
                sim.check_invariants_at(NodeId::Broker(2));
            }
            // Found once, though a full check sees the pair from both brokers.
            assert_eq!(names(&sim), ["one-leader-per-epoch"], "full check: {full}");
        }
    }

    #[test]
    fn a_follower_truncated_below_the_hw_is_found_at_the_follower() {
        let tp = TopicPartition::new("t", 0);
        let mut sim = cluster();
        assert_eq!(sim.brokers[&1].replicas[&tp].high_watermark, 10);
        let follower = sim
            .brokers
            .get_mut(&3)
            .unwrap()
            .replicas
            .get_mut(&tp)
            .unwrap();
        follower.log.truncate_to(4);
        // Broker 2 is not involved: nothing to see there.
        sim.check_invariants_at(NodeId::Broker(2));
        assert!(names(&sim).is_empty());
        sim.check_invariants_at(NodeId::Broker(3));
        assert_eq!(names(&sim), ["hw-within-isr"]);
        assert!(sim.invariants.violations[0]
            .detail
            .contains("ISR member 3's LEO 4"));
    }

    #[test]
    fn a_lower_hw_on_the_leader_is_found_and_a_command_checks_everything() {
        let tp = TopicPartition::new("t", 0);
        let mut sim = cluster();
        sim.brokers
            .get_mut(&1)
            .unwrap()
            .replicas
            .get_mut(&tp)
            .unwrap()
            .high_watermark = 7;
        // A command (any command) runs the full check.
        sim.apply_line("advance 0ms").unwrap();
        assert_eq!(names(&sim), ["leader-hw-monotonic"]);
    }
}

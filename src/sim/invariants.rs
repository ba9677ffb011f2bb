//! Named invariants, checked after every event. Each names a guarantee Kafka keeps; a
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

use std::collections::BTreeMap;

use serde::Serialize;

use super::broker::BrokerState;
use super::consumer::{ConsumerState, MemberState};
use super::{BrokerId, Simulation, TopicPartition};

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
    leader_hw: BTreeMap<(BrokerId, TopicPartition), (i32, i64)>,
}

impl Default for InvariantLog {
    fn default() -> Self {
        Self {
            enabled: true,
            violations: Vec::new(),
            leader_hw: BTreeMap::new(),
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
    /// Checks the per-event invariants (the loop calls it after every event).
    pub(crate) fn check_invariants(&mut self) {
        if !self.invariants.enabled {
            return;
        }
        let now = self.now_ms;
        let mut found = Vec::new();
        let mut leaders: BTreeMap<(&TopicPartition, i32), BrokerId> = BTreeMap::new();
        for b in self
            .brokers
            .values()
            .filter(|b| b.state == BrokerState::Running)
        {
            for r in b.replicas.values() {
                if r.leading.is_none() {
                    continue;
                }
                if let Some(other) = leaders.insert((&r.tp, r.leader_epoch), b.id) {
                    found.push((
                        "one-leader-per-epoch",
                        format!(
                            "brokers {other} and {} both lead {} in epoch {}",
                            b.id, r.tp, r.leader_epoch
                        ),
                    ));
                }
                if !r.isr.contains(&b.id) {
                    found.push((
                        "leader-in-isr",
                        format!("broker {} leads {} but the ISR is {:?}", b.id, r.tp, r.isr),
                    ));
                }
                let key = (b.id, r.tp.clone());
                if let Some(&(epoch, hw)) = self.invariants.leader_hw.get(&key) {
                    if epoch == r.leader_epoch && r.high_watermark < hw {
                        found.push((
                            "leader-hw-monotonic",
                            format!(
                                "{} HW went from {hw} to {} on leader {} in epoch {epoch}",
                                r.tp, r.high_watermark, b.id
                            ),
                        ));
                    }
                }
                self.invariants
                    .leader_hw
                    .insert(key, (r.leader_epoch, r.high_watermark));
                // Only the current leader's HW is compared: a zombie leader of an older epoch
                // (isolated, not yet told) may hold a HW its former followers truncated below.
                let current_epoch = self
                    .metadata
                    .topics
                    .get(&r.tp.topic)
                    .and_then(|t| t.partitions.get(r.tp.partition as usize))
                    .map(|p| p.leader_epoch);
                if current_epoch != Some(r.leader_epoch) {
                    continue;
                }
                for m in &r.isr {
                    let Some(mb) = self
                        .brokers
                        .get(m)
                        .filter(|mb| mb.state == BrokerState::Running)
                    else {
                        continue;
                    };
                    if let Some(mr) = mb.replicas.get(&r.tp) {
                        if mr.log.leo() < r.high_watermark
                            && !self.metadata.brokers.get(m).is_some_and(|x| x.fenced)
                        {
                            found.push((
                                "hw-within-isr",
                                format!(
                                    "{} HW {} on leader {} is above ISR member {}'s LEO {}",
                                    r.tp,
                                    r.high_watermark,
                                    b.id,
                                    m,
                                    mr.log.leo()
                                ),
                            ));
                        }
                    }
                }
            }
        }
        // One owner per partition per group generation (among live, Stable members).
        let mut owners: BTreeMap<(&str, i32, &TopicPartition), &str> = BTreeMap::new();
        for c in self
            .consumers
            .iter()
            .filter(|c| c.state == ConsumerState::Running && c.member_state == MemberState::Stable)
        {
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
        for (name, detail) in found {
            self.invariants.record(now, name, detail);
        }
    }
}

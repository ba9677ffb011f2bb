//! The sticky algorithm shared by `sticky` and `cooperative-sticky`
//! (`clients/.../consumer/internals/AbstractStickyAssignor.java`, rules A5–A8), non-rack path.
//!
//! Kafka's results depend on the iteration order of `HashMap`s keyed by member id and of the
//! `HashSet`s that record partition movements; both are emulated (see `java.rs`), so the exact
//! lists of Kafka's tests come out, not just balanced ones.

use crate::sim::vec_map::VecMap;
use crate::sim::vec_set::VecSet;
use std::collections::VecDeque;

use super::partition_map::{PartitionMap, PartitionSet};
use super::partition_movements::Movements;
use super::{Ctx, StickyPath, Tp};

/// Kafka's `DEFAULT_GENERATION`.
const DEFAULT_GENERATION: i32 = -1;

pub(crate) struct StickyOutcome {
    /// Per member (input order), in Kafka's list order.
    pub(crate) assignment: Vec<Vec<Tp>>,
    /// `partitionsTransferringOwnership` (partition → new owner): recorded on the constrained
    /// path, `None` (Kafka's null) on the general path.
    pub(crate) transferring: Option<VecMap<Tp, usize>>,
    pub(crate) path: StickyPath,
}

pub(crate) fn assign(ctx: &Ctx) -> StickyOutcome {
    if ctx.members.is_empty() {
        // Kafka never assigns an empty group (the leader is a member); avoid dividing by zero.
        return StickyOutcome {
            assignment: Vec::new(),
            transferring: Some(VecMap::new()),
            path: StickyPath::Constrained,
        };
    }
    let owned = owned_partitions(ctx);
    if owned.all_subscriptions_equal {
        constrained(ctx, &owned)
    } else {
        general(ctx, owned)
    }
}

/// What `allSubscriptionsEqual` computes besides its answer.
struct OwnedState {
    all_subscriptions_equal: bool,
    /// `consumerToOwnedPartitions`: each member's still-valid claims after conflicts.
    owned: Vec<Vec<Tp>>,
    /// `partitionsWithMultiplePreviousOwners`: claimed by two members of the same generation.
    multiply_owned: PartitionSet,
    max_generation: i32,
}

/// `allSubscriptionsEqual` (A5). Members are visited in `HashMap` order, which decides conflicts.
fn owned_partitions(ctx: &Ctx) -> OwnedState {
    let n = ctx.members.len();
    let mut all_equal = true;
    let mut subscribed: VecSet<&str> = VecSet::new();
    let mut owned: Vec<Vec<Tp>> = vec![Vec::new(); n];
    // Claims withdrawn from a member; a member meets each partition once, so a withdrawal is
    // final and the lists can be filtered at the end (same result as List.remove, in O(log n)).
    let mut withdrawn: PartitionMap<Vec<usize>> = PartitionMap::new(ctx);
    let mut previous_owner: PartitionMap<usize> = PartitionMap::new(ctx);
    let mut multiply_owned = PartitionSet::new(ctx);
    let mut max_generation = DEFAULT_GENERATION;

    for &m in &ctx.hash_order {
        let member = &ctx.members[m];
        // Kafka (re)initialises the reference set while it is empty, so a member with an empty
        // subscription visited first does not make the subscriptions unequal.
        if subscribed.is_empty() {
            subscribed.extend(member.raw_topics.iter().map(String::as_str));
        } else if all_equal
            && !(member.raw_topics.len() == subscribed.len()
                && member
                    .raw_topics
                    .iter()
                    .all(|t| subscribed.contains(t.as_str())))
        {
            all_equal = false;
        }

        let generation = member.generation.unwrap_or(DEFAULT_GENERATION);
        max_generation = max_generation.max(generation);
        for &tp in &member.owned {
            match previous_owner.get(ctx, tp).copied() {
                None => {
                    owned[m].push(tp);
                    previous_owner.insert(ctx, tp, m);
                }
                Some(other) => {
                    let other_generation =
                        ctx.members[other].generation.unwrap_or(DEFAULT_GENERATION);
                    if generation == other_generation {
                        // Same generation: nobody keeps it (and it always counts as moving).
                        multiply_owned.add(ctx, tp);
                        withdraw(ctx, &mut withdrawn, other, tp);
                        previous_owner.insert(ctx, tp, m);
                    } else if generation > other_generation {
                        owned[m].push(tp);
                        withdraw(ctx, &mut withdrawn, other, tp);
                        previous_owner.insert(ctx, tp, m);
                    }
                }
            }
        }
    }
    for (m, list) in owned.iter_mut().enumerate() {
        list.retain(|&tp| !withdrawn.get(ctx, tp).is_some_and(|from| from.contains(&m)));
    }
    OwnedState {
        all_subscriptions_equal: all_equal,
        owned,
        multiply_owned,
        max_generation,
    }
}

/// Records that `member`'s claim on `tp` was withdrawn.
fn withdraw(ctx: &Ctx, withdrawn: &mut PartitionMap<Vec<usize>>, member: usize, tp: Tp) {
    match withdrawn.get_mut(ctx, tp) {
        Some(from) => from.push(member),
        None => {
            withdrawn.insert(ctx, tp, vec![member]);
        }
    }
}

/// `ConstrainedAssignmentBuilder` (A6).
fn constrained(ctx: &Ctx, state: &OwnedState) -> StickyOutcome {
    let n = ctx.members.len();
    let total = ctx.total_partitions();
    let min_quota = total / n;
    let max_quota = total.div_ceil(n);
    let expected_over_min = total % n;
    let mut current_over_min = 0;

    let mut assignment: Vec<Vec<Tp>> = vec![Vec::new(); n];
    let mut assigned = PartitionSet::new(ctx);
    let mut revoked = PartitionSet::new(ctx);
    let mut under_min: Vec<usize> = Vec::new();
    let mut exactly_min: VecDeque<usize> = VecDeque::new();

    // assignOwnedPartitions: which owners keep maxQuota depends on this visit order (A8).
    for &m in &ctx.hash_order {
        let mut owned = state.owned[m].clone();
        crate::sim::sort::sort_by_key(&mut owned, |tp| (tp.partition, tp.topic));
        owned.retain(|&tp| !state.multiply_owned.contains(ctx, tp));

        let keep = if owned.len() < min_quota {
            under_min.push(m);
            owned.len()
        } else if owned.len() >= max_quota && current_over_min < expected_over_min {
            current_over_min += 1;
            if current_over_min == expected_over_min {
                exactly_min.clear();
            }
            max_quota
        } else {
            if current_over_min < expected_over_min {
                exactly_min.push_back(m);
            }
            min_quota
        };
        assignment[m].extend_from_slice(&owned[..keep]);
        for &tp in &owned[..keep] {
            assigned.add(ctx, tp);
        }
        for &tp in &owned[keep..] {
            revoked.add(ctx, tp);
        }
    }

    let unassigned: Vec<Tp> = ctx
        .all_partitions()
        .into_iter()
        .filter(|&tp| !assigned.contains(ctx, tp))
        .collect();
    crate::sim::sort::sort_by_key(&mut under_min, |&m| ctx.id_rank[m]);
    crate::sim::sort::sort_by_key(exactly_min.make_contiguous(), |&m| ctx.id_rank[m]);

    // assignRoundRobin: cycle through the under-min members (removing those that reach
    // minQuota), then top up exactly-min members one partition each.
    let mut transferring: VecMap<Tp, usize> = VecMap::new();
    let mut cursor = 0usize;
    for tp in unassigned {
        let (member, from_cursor) = if cursor < under_min.len() {
            cursor += 1;
            (under_min[cursor - 1], true)
        } else if under_min.is_empty() {
            match exactly_min.pop_front() {
                Some(m) => (m, false),
                // Kafka throws IllegalStateException here; the quotas make it unreachable.
                None => break,
            }
        } else {
            cursor = 1;
            (under_min[0], true)
        };

        assignment[member].push(tp);
        if revoked.contains(ctx, tp) || state.multiply_owned.contains(ctx, tp) {
            transferring.insert(tp, member);
        }
        // Reaching maxQuota only feeds a log line in Kafka.
        if assignment[member].len() == min_quota {
            if from_cursor {
                cursor -= 1;
                under_min.remove(cursor);
            }
            exactly_min.push_back(member);
        }
    }

    StickyOutcome {
        assignment,
        transferring: Some(transferring),
        path: StickyPath::Constrained,
    }
}

/// `GeneralAssignmentBuilder` (A7).
fn general(ctx: &Ctx, state: OwnedState) -> StickyOutcome {
    let mut builder = General::new(ctx, state);
    builder.build();
    let assignment = builder
        .current
        .into_iter()
        .map(|list| list.unwrap_or_default())
        .collect();
    StickyOutcome {
        assignment,
        transferring: None,
        path: StickyPath::General,
    }
}

struct General<'a> {
    ctx: &'a Ctx,
    /// `topic2AllPotentialConsumers` (only its sizes and membership matter).
    potential: Vec<Vec<usize>>,
    /// `currentAssignment`; `None` while a member is set aside as fixed.
    current: Vec<Option<Vec<Tp>>>,
    /// `currentPartitionConsumer`, indexed by flat partition index.
    owner: Vec<Option<usize>>,
    /// `sortedCurrentSubscriptions`: (assignment size, member id rank, member).
    sorted: VecSet<(usize, usize, usize)>,
    /// Partitions of a member's subscribed topics (`getMaxAssignmentSize`).
    max_size: Vec<usize>,
    /// `prevAssignment`: lower-generation claims, partition → (member, generation).
    prev: PartitionMap<(usize, i32)>,
    sorted_all_partitions: Vec<Tp>,
    unassigned: Vec<Tp>,
    revocation_required: bool,
    movements: Movements,
}

impl<'a> General<'a> {
    fn new(ctx: &'a Ctx, state: OwnedState) -> Self {
        let n = ctx.members.len();
        let topic_count = ctx.topics.len();
        let mut potential: Vec<Vec<usize>> = vec![Vec::new(); topic_count];
        for &m in &ctx.hash_order {
            for &t in &ctx.members[m].topics {
                potential[t as usize].push(m);
            }
        }
        let max_size = ctx
            .members
            .iter()
            .map(|m| {
                m.topics
                    .iter()
                    .map(|&t| ctx.partition_counts[t as usize] as usize)
                    .sum()
            })
            .collect();

        // sortedAllTopics: fewest potential consumers first, then by name.
        let mut sorted_topics: Vec<u32> = (0..topic_count as u32).collect();
        crate::sim::sort::sort_by_key(&mut sorted_topics, |&t| (potential[t as usize].len(), t));
        let sorted_all_partitions = ctx.partitions_of_topics(&sorted_topics);

        // prepopulateCurrentAssignments: claims of older generations become "previous owners";
        // on a tie in generation the member visited first keeps the record.
        let mut prev: PartitionMap<(usize, i32)> = PartitionMap::new(ctx);
        for &m in &ctx.hash_order {
            let member = &ctx.members[m];
            let generation = match member.generation {
                Some(g) if g < state.max_generation => g,
                None if state.max_generation > DEFAULT_GENERATION => DEFAULT_GENERATION,
                _ => continue,
            };
            for &tp in &member.owned {
                match prev.get(ctx, tp) {
                    Some(&(_, g)) if generation <= g => {}
                    _ => {
                        prev.insert(ctx, tp, (m, generation));
                    }
                }
            }
        }

        // assignOwnedPartitions: keep claims on topics the member still subscribes to.
        let mut revocation_required = false;
        let mut current: Vec<Option<Vec<Tp>>> = Vec::with_capacity(n);
        let mut assigned = PartitionSet::new(ctx);
        for (m, mut list) in state.owned.into_iter().enumerate() {
            list.retain(|tp| {
                if ctx.members[m].topics.contains(&tp.topic) {
                    assigned.add(ctx, *tp);
                    true
                } else {
                    revocation_required = true;
                    false
                }
            });
            current.push(Some(list));
        }
        let unassigned = sorted_all_partitions
            .iter()
            .copied()
            .filter(|&tp| !assigned.contains(ctx, tp))
            .collect();

        let mut builder = Self {
            ctx,
            potential,
            current,
            owner: vec![None; ctx.total_partitions()],
            sorted: VecSet::new(),
            max_size,
            prev,
            sorted_all_partitions,
            unassigned,
            revocation_required,
            movements: Movements::new(ctx),
        };
        for m in 0..n {
            let list = builder.current[m].clone().unwrap_or_default();
            for tp in list {
                let i = builder.flat(tp);
                builder.owner[i] = Some(m);
            }
            builder.sorted.insert(builder.key(m));
        }
        builder
    }

    fn flat(&self, tp: Tp) -> usize {
        self.ctx.flat(tp)
    }

    fn len(&self, m: usize) -> Option<usize> {
        self.current[m].as_ref().map(Vec::len)
    }

    fn key(&self, m: usize) -> (usize, usize, usize) {
        (self.len(m).unwrap_or(0), self.ctx.id_rank[m], m)
    }

    fn subscribes(&self, m: usize, topic: u32) -> bool {
        self.ctx.members[m].topics.contains(&topic)
    }

    fn build(&mut self) {
        let Some(&(largest, _, _)) = self.sorted.last() else {
            return;
        };
        let initializing = largest == 0;

        // maybeAssign: each unassigned partition to the least loaded member subscribed to it.
        for tp in self.unassigned.clone() {
            let Some(&(len, rank, m)) = self
                .sorted
                .iter()
                .find(|&&(_, _, m)| self.subscribes(m, tp.topic))
            else {
                continue;
            };
            self.sorted.remove(&(len, rank, m));
            if let Some(list) = self.current[m].as_mut() {
                list.push(tp);
            }
            let i = self.flat(tp);
            self.owner[i] = Some(m);
            self.sorted.insert(self.key(m));
        }

        // Partitions of topics with one possible consumer cannot move.
        let potential = &self.potential;
        self.sorted_all_partitions
            .retain(|tp| potential[tp.topic as usize].len() >= 2);
        self.unassigned
            .retain(|tp| potential[tp.topic as usize].len() >= 2);

        // Members that cannot gain or lose anything are set aside.
        let mut fixed: Vec<(usize, Vec<Tp>)> = Vec::new();
        for m in 0..self.ctx.members.len() {
            if !self.can_participate(m) {
                self.sorted.remove(&self.key(m));
                if let Some(list) = self.current[m].take() {
                    fixed.push((m, list));
                }
            }
        }

        let pre_balance = self.current.clone();
        let pre_balance_owner = self.owner.clone();

        if !self.revocation_required {
            let unassigned = self.unassigned.clone();
            self.perform_reassignments(&unassigned);
        }
        let all = self.sorted_all_partitions.clone();
        let reassignment_performed = self.perform_reassignments(&all);

        // A rebalance of an existing assignment is kept only if it improves the balance score.
        if !initializing
            && reassignment_performed
            && balance_score(&self.current) >= balance_score(&pre_balance)
        {
            self.current = pre_balance;
            self.owner = pre_balance_owner;
        }

        for (m, list) in fixed {
            self.current[m] = Some(list);
        }
    }

    /// `canConsumerParticipateInReassignment`.
    fn can_participate(&self, m: usize) -> bool {
        let Some(list) = self.current[m].as_ref() else {
            return false;
        };
        list.len() < self.max_size[m]
            || list
                .iter()
                .any(|tp| self.potential[tp.topic as usize].len() >= 2)
    }

    /// `isBalanced`.
    fn is_balanced(&self) -> bool {
        let (Some(&(min, _, _)), Some(&(max, _, _))) = (self.sorted.first(), self.sorted.last())
        else {
            return true;
        };
        if min + 1 >= max {
            return true;
        }
        for &(len, _, m) in &self.sorted {
            if len == self.max_size[m] {
                continue;
            }
            for &topic in &self.ctx.members[m].topics {
                for partition in 0..self.ctx.partition_counts[topic as usize] {
                    let owner = self.owner[self.flat(Tp { topic, partition })];
                    if let Some(other) = owner.filter(|&o| o != m) {
                        if self.len(other).is_some_and(|other_len| len + 1 < other_len) {
                            return false;
                        }
                    }
                }
            }
        }
        true
    }

    /// `performReassignments`: repeatedly move partitions from members with 2+ more than another
    /// eligible member, preferring the previous-generation owner.
    fn perform_reassignments(&mut self, partitions: &[Tp]) -> bool {
        let mut performed = false;
        loop {
            let mut modified = false;
            for &tp in partitions {
                if self.is_balanced() {
                    break;
                }
                let Some(consumer) = self.owner[self.flat(tp)] else {
                    continue;
                };
                let Some(consumer_len) = self.len(consumer) else {
                    continue;
                };
                // Kafka does not check that the previous owner still subscribes to the topic
                // (nor that it was not set aside): it would assign a partition to a member not
                // subscribed to it, or throw. The model skips such a previous owner.
                if let Some(&(previous, _)) = self.prev.get(self.ctx, tp) {
                    if self.subscribes(previous, tp.topic)
                        && self
                            .len(previous)
                            .is_some_and(|prev_len| consumer_len > prev_len + 1)
                    {
                        self.reassign_to(tp, previous);
                        performed = true;
                        modified = true;
                        continue;
                    }
                }
                let better_exists = self.potential[tp.topic as usize]
                    .iter()
                    .any(|&other| self.len(other).is_some_and(|l| consumer_len > l + 1));
                if better_exists {
                    if let Some(new) = self
                        .sorted
                        .iter()
                        .map(|&(_, _, m)| m)
                        .find(|&m| self.subscribes(m, tp.topic))
                    {
                        self.reassign_to(tp, new);
                        performed = true;
                        modified = true;
                    }
                }
            }
            if !modified {
                return performed;
            }
        }
    }

    fn reassign_to(&mut self, tp: Tp, new: usize) {
        let Some(consumer) = self.owner[self.flat(tp)] else {
            return;
        };
        let moved = self
            .movements
            .actual_partition_to_move(self.ctx, tp, consumer, new);
        self.process_partition_movement(moved, new);
    }

    fn process_partition_movement(&mut self, tp: Tp, new: usize) {
        let i = self.flat(tp);
        let Some(old) = self.owner[i] else {
            return;
        };
        if self.current[old].is_none() || self.current[new].is_none() {
            return;
        }
        self.sorted.remove(&self.key(old));
        self.sorted.remove(&self.key(new));
        self.movements.move_partition(self.ctx, tp, old, new);
        if let Some(list) = self.current[old].as_mut() {
            if let Some(pos) = list.iter().position(|x| *x == tp) {
                list.remove(pos);
            }
        }
        if let Some(list) = self.current[new].as_mut() {
            list.push(tp);
        }
        self.owner[i] = Some(new);
        self.sorted.insert(self.key(new));
        self.sorted.insert(self.key(old));
    }
}

/// `getBalanceScore`: the sum of size differences over all pairs of (non-fixed) members.
fn balance_score(assignment: &[Option<Vec<Tp>>]) -> i64 {
    let mut sizes: Vec<i64> = assignment
        .iter()
        .flatten()
        .map(|list| list.len() as i64)
        .collect();
    crate::sim::sort::sort(&mut sizes);
    let k = sizes.len() as i64;
    sizes
        .iter()
        .enumerate()
        .map(|(i, &s)| s * (2 * i as i64 - (k - 1)))
        .sum()
}

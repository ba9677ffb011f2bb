//! `cooperative-sticky` (`clients/.../consumer/CooperativeStickyAssignor.java`, rule A9).
//!
//! The same target as `sticky`, minus every partition whose ownership moves: its previous owner
//! must revoke it first, and it is assigned in the follow-up rebalance. On the constrained path
//! the sticky builder records those partitions; on the general path they are recomputed as
//! (partitions newly given to a member) ∩ (partitions some member loses).

use crate::sim::sort::CollectSet;
use crate::sim::vec_map::VecMap;
use crate::sim::vec_set::VecSet;

use super::partition_map::{PartitionMap, PartitionSet};
use super::sticky;
use super::{Ctx, StickyPath, Tp};

pub(super) fn assign(ctx: &Ctx) -> (Vec<Vec<Tp>>, Vec<(Tp, usize)>, StickyPath) {
    let out = sticky::assign(ctx);
    let mut assignment = out.assignment;
    let transferring = match out.transferring {
        Some(t) => t,
        None => compute_transferring(ctx, &assignment),
    };
    // adjustAssignment: List.remove(Object) keeps the order of the rest.
    for (tp, &member) in &transferring {
        if let Some(pos) = assignment[member].iter().position(|x| x == tp) {
            assignment[member].remove(pos);
        }
    }
    (assignment, transferring.into_iter().collect(), out.path)
}

/// `computePartitionsTransferringOwnership`.
fn compute_transferring(ctx: &Ctx, assignment: &[Vec<Tp>]) -> VecMap<Tp, usize> {
    let mut added: PartitionMap<usize> = PartitionMap::new(ctx);
    let mut revoked = PartitionSet::new(ctx);
    for (m, assigned) in assignment.iter().enumerate() {
        let owned: VecSet<Tp> = ctx.members[m].owned.iter().copied().collect_set();
        let assigned_set: VecSet<Tp> = assigned.iter().copied().collect_set();
        for &tp in assigned {
            if !owned.contains(&tp) {
                added.insert(ctx, tp, m);
            }
        }
        for &tp in owned.difference(&assigned_set) {
            revoked.add(ctx, tp);
        }
    }
    // In (topic, partition) order: the map is built by appending.
    added
        .iter(ctx)
        .filter(|&(tp, _)| revoked.contains(ctx, tp))
        .map(|(tp, &m)| (tp, m))
        .collect()
}

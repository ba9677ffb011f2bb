//! `roundrobin` (`clients/.../consumer/RoundRobinAssignor.java`, rule A4).
//!
//! All partitions of all subscribed topics, topics sorted by name (a `TreeSet`), partitions
//! ascending; members in `MemberInfo` order (A1) on a circular iterator that is never reset
//! between topics. Each partition goes to the next member subscribed to its topic.

use super::{Ctx, Tp};

pub(super) fn assign(ctx: &Ctx) -> Vec<Vec<Tp>> {
    let n = ctx.members.len();
    let mut assignment: Vec<Vec<Tp>> = vec![Vec::new(); n];
    if n == 0 {
        return assignment;
    }
    let mut members = ctx.hash_order.clone();
    ctx.member_info_order(&mut members);
    let mut cursor = 0usize;
    // Ctx topics are the subscribed topics with metadata, already in String.compareTo order.
    for tp in ctx.all_partitions() {
        // Every taking-part topic has a subscriber, so this stops within one lap.
        let mut skipped = 0;
        while !ctx.members[members[cursor]].topics.contains(&tp.topic) && skipped < n {
            cursor = (cursor + 1) % n;
            skipped += 1;
        }
        assignment[members[cursor]].push(tp);
        cursor = (cursor + 1) % n;
    }
    assignment
}

//! `range` (`clients/.../consumer/RangeAssignor.java`, rule A3), non-rack path.
//!
//! Per topic, independently: the members subscribed to it in `MemberInfo` order (A1) get
//! contiguous ranges; with `q = P / C` and `r = P % C`, the first `r` get `q + 1`. Topics are
//! visited in the iteration order of the `HashMap` `partitionsPerTopic` that
//! `AbstractPartitionAssignor.assign` builds, which fixes the order of each member's list.

use crate::sim::sort::CollectMap;
use crate::sim::vec_map::VecMap;

use super::{hash_map_order, Ctx, Tp};

pub(super) fn assign(ctx: &Ctx) -> Vec<Vec<Tp>> {
    let mut assignment: Vec<Vec<Tp>> = vec![Vec::new(); ctx.members.len()];
    // consumersPerTopic: subscriptions in HashMap order, then sorted by MemberInfo.
    let mut consumers_per_topic: Vec<Vec<usize>> = vec![Vec::new(); ctx.topics.len()];
    for &m in &ctx.hash_order {
        for &topic in &ctx.members[m].topics {
            consumers_per_topic[topic as usize].push(m);
        }
    }
    for topic in topic_visit_order(ctx) {
        let consumers = &mut consumers_per_topic[topic as usize];
        if consumers.is_empty() {
            continue;
        }
        ctx.member_info_order(consumers);
        let partitions = ctx.partition_counts[topic as usize];
        let per_consumer = partitions / consumers.len() as i32;
        let with_extra = partitions % consumers.len() as i32;
        let mut next = 0;
        for (i, &m) in consumers.iter().enumerate() {
            let quota = per_consumer + i32::from((i as i32) < with_extra);
            for partition in next..next + quota {
                assignment[m].push(Tp { topic, partition });
            }
            next += quota;
        }
    }
    assignment
}

/// `partitionsPerTopic` iteration order: `allSubscribedTopics` is a `HashSet` filled from the
/// subscriptions (in their `HashMap` order); the topics with metadata are then put into a fresh
/// `HashMap` in that set's iteration order.
fn topic_visit_order(ctx: &Ctx) -> Vec<u32> {
    let index: VecMap<&str, u32> = ctx
        .topics
        .iter()
        .enumerate()
        .map(|(i, t)| (t.as_str(), i as u32))
        .collect_map();
    let subscribed: Vec<&str> = ctx.all_subscribed.iter().map(String::as_str).collect();
    let existing: Vec<&str> = hash_map_order(&subscribed)
        .into_iter()
        .map(|i| subscribed[i])
        .filter(|t| index.contains_key(t))
        .collect();
    hash_map_order(&existing)
        .into_iter()
        .map(|i| index[existing[i]])
        .collect()
}

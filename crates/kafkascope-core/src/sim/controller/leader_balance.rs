//! Automatic preferred-leader election (`auto.leader.rebalance.enable=true`, the default): a
//! broker that comes back after a failure leads its partitions again, at the controller's next
//! imbalance check, instead of leaving every leadership on the brokers that took over.
//!
//! KRaft (`QuorumController.maybeScheduleNextBalancePartitionLeaders`,
//! `ReplicationControlManager.maybeBalancePartitionLeaders`): after each metadata change, if some
//! partition's leader is not its preferred replica (`replicas[0]`) and no check is pending, the
//! active controller schedules one `leader.imbalance.check.interval.seconds` (300) later; the check
//! runs a PREFERRED election on every such partition (`PartitionChangeBuilder`): the preferred
//! replica if it is in the ISR and unfenced, else the current leader stays. There is no imbalance
//! ratio in KRaft; a new active controller schedules afresh.
//!
//! ZooKeeper mode (`KafkaController.checkAndTriggerAutoLeaderRebalance`, Kafka 3.x): a task 5 s
//! after the controller is elected and then every interval; a broker's partitions move back only
//! when more than `leader.imbalance.per.broker.percentage` (10) of the partitions it prefers are
//! led by others, and only to a preferred replica that is alive and in the ISR.

use super::*;

/// ZooKeeper mode: the first check after a controller is elected (`onControllerFailover`).
const ZK_FIRST_CHECK_DELAY_MS: u64 = 5_000;

impl Controller {
    /// KRaft: schedules the next check if leaders are imbalanced and none is pending.
    pub(super) fn maybe_schedule_leader_balance(&mut self, ctx: &mut Ctx, out: &mut Out) {
        let cfg = &ctx.config.broker;
        if self.mode != ControllerMode::Kraft
            || !cfg.auto_leader_rebalance_enable
            || self.balance_scheduled
            || self.active.is_none()
            || imbalanced(ctx.metadata).is_empty()
        {
            return;
        }
        self.balance_scheduled = true;
        out.timer(
            cfg.leader_imbalance_check_interval_ms,
            Timer::LeaderBalance { epoch: self.epoch },
        );
    }

    /// ZooKeeper mode: a controller's first check, 5 s after its election (or the cluster's start).
    pub(super) fn schedule_zk_leader_balance(&self, config: &ClusterConfig, out: &mut Out) {
        if self.mode == ControllerMode::Zookeeper && config.broker.auto_leader_rebalance_enable {
            out.timer(
                ZK_FIRST_CHECK_DELAY_MS,
                Timer::LeaderBalance { epoch: self.epoch },
            );
        }
    }

    /// The check: preferred elections where they are possible (and, in ZooKeeper mode, where
    /// the preferred broker's imbalance is over the percentage). A timer of an earlier
    /// controller (another epoch) does nothing.
    pub(super) fn on_leader_balance(&mut self, epoch: i32, ctx: &mut Ctx, out: &mut Out) {
        if epoch != self.epoch || self.active.is_none() {
            return;
        }
        let partitions = match self.mode {
            ControllerMode::Kraft => {
                self.balance_scheduled = false;
                imbalanced(ctx.metadata)
            }
            ControllerMode::Zookeeper => {
                out.timer(
                    ctx.config.broker.leader_imbalance_check_interval_ms,
                    Timer::LeaderBalance { epoch },
                );
                over_zk_imbalance_ratio(ctx)
            }
        };
        let metadata = &*ctx.metadata;
        let mut updates = Vec::new();
        for (topic, i) in partitions {
            let p = &metadata.topics[&topic].partitions[i];
            let preferred = p.replicas[0];
            if p.leader != Some(preferred)
                && p.isr.contains(&preferred)
                && metadata.is_acceptable(preferred)
            {
                updates.push((topic, i, preferred, p.isr.clone()));
            }
        }
        let mut changed = Vec::new();
        for (topic, i, leader, isr) in updates {
            if let Some(tp) =
                self.apply_change(&topic, i, Some(leader), isr, Election::Preferred, ctx, out)
            {
                changed.push(tp);
            }
        }
        self.broadcast(changed, ctx, out);
        self.maybe_schedule_leader_balance(ctx, out);
    }
}

/// Partitions whose leader is not their preferred replica (leaderless ones included), in
/// topic and partition order.
fn imbalanced(metadata: &ClusterMetadata) -> Vec<(String, usize)> {
    let mut out = Vec::new();
    for (name, topic) in &metadata.topics {
        for (i, p) in topic.partitions.iter().enumerate() {
            if p.replicas
                .first()
                .is_some_and(|&pref| p.leader != Some(pref))
            {
                out.push((name.clone(), i));
            }
        }
    }
    out
}

/// ZooKeeper mode: the imbalanced partitions of preferred brokers whose share of partitions led
/// by others is over `leader.imbalance.per.broker.percentage`.
fn over_zk_imbalance_ratio(ctx: &Ctx) -> Vec<(String, usize)> {
    let limit = f64::from(ctx.config.broker.leader_imbalance_per_broker_percentage) / 100.0;
    let mut preferred_total: VecMap<BrokerId, usize> = VecMap::new();
    for topic in ctx.metadata.topics.values() {
        for p in &topic.partitions {
            if let Some(&pref) = p.replicas.first() {
                *preferred_total.entry(pref).or_insert(0) += 1;
            }
        }
    }
    let all = imbalanced(ctx.metadata);
    let mut moved: VecMap<BrokerId, usize> = VecMap::new();
    for (topic, i) in &all {
        let pref = ctx.metadata.topics[topic].partitions[*i].replicas[0];
        *moved.entry(pref).or_insert(0) += 1;
    }
    all.into_iter()
        .filter(|(topic, i)| {
            let pref = ctx.metadata.topics[topic].partitions[*i].replicas[0];
            let total = preferred_total.get(&pref).copied().unwrap_or(1).max(1);
            let off = moved.get(&pref).copied().unwrap_or(0);
            off as f64 / total as f64 > limit
        })
        .collect()
}

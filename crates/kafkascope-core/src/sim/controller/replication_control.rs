//! What KRaft's ReplicationControlManager (and the ZooKeeper-mode controller's
//! KafkaController) does with partitions: fences and unfences brokers, moves leaders away on
//! controlled shutdown, elects leaders for offline partitions and accepts ISR changes
//! (AlterPartition).

use super::*;

impl Controller {
    /// The broker leaves the live set: out of every ISR (never emptying one), leaders re-elected.
    pub fn fence(&mut self, broker: BrokerId, ctx: &mut Ctx, out: &mut Out, why: &str) {
        let Some(r) = ctx.metadata.brokers.get_mut(&broker) else {
            return;
        };
        let was_fenced = r.fenced;
        r.fenced = true;
        if !was_fenced {
            if let Some(me) = self.active_node() {
                out.trace(
                    me,
                    TraceKind::Controller,
                    format!("Fencing broker {broker}: {why}"),
                );
            }
        }
        self.reelect_without(broker, ctx, out);
        if !was_fenced {
            self.broadcast_changes(Vec::new(), true, ctx, out);
        }
    }

    pub(super) fn controlled_shutdown(&mut self, broker: BrokerId, ctx: &mut Ctx, out: &mut Out) {
        if let Some(r) = ctx.metadata.brokers.get_mut(&broker) {
            r.in_controlled_shutdown = true;
        }
        if let Some(me) = self.active_node() {
            out.trace(
                me,
                TraceKind::Controller,
                format!("Broker {broker} requested controlled shutdown; moving its leaderships"),
            );
        }
        self.reelect_without(broker, ctx, out);
        if let Some(r) = ctx.metadata.brokers.get_mut(&broker) {
            r.fenced = true;
        }
        self.broadcast_all(ctx, out);
    }

    pub(super) fn reelect_without(&mut self, broker: BrokerId, ctx: &mut Ctx, out: &mut Out) {
        let mut changed = Vec::new();
        let metadata = &*ctx.metadata;
        let mut updates = Vec::new();
        for (name, topic) in &metadata.topics {
            for (i, p) in topic.partitions.iter().enumerate() {
                if !p.isr.contains(&broker) && p.leader != Some(broker) {
                    continue;
                }
                let isr = isr_without(&p.isr, broker);
                let (leader, isr, how) = elect_leader(
                    &p.replicas,
                    &isr,
                    p.leader.filter(|&l| l != broker),
                    topic.config.unclean_leader_election_enable,
                    |b| b != broker && metadata.is_acceptable(b),
                );
                updates.push((name.clone(), i, leader, isr, how));
            }
        }
        for (name, i, leader, isr, how) in updates {
            if let Some(tp) = self.apply_change(&name, i, leader, isr, how, ctx, out) {
                changed.push(tp);
            }
        }
        self.broadcast(changed, ctx, out);
    }

    pub(super) fn unfence(&mut self, broker: BrokerId, ctx: &mut Ctx, out: &mut Out) {
        let Some(r) = ctx.metadata.brokers.get_mut(&broker) else {
            return;
        };
        r.fenced = false;
        r.in_controlled_shutdown = false;
        r.last_heard_ms = ctx.now_ms;
        if let Some(me) = self.active_node() {
            out.trace(
                me,
                TraceKind::Controller,
                format!("Broker {broker} registered and unfenced"),
            );
        }
        // The returning broker gets the whole image first; everyone learns it is unfenced.
        self.send_full_image(NodeId::Broker(broker), ctx, out);
        self.broadcast_changes(Vec::new(), true, ctx, out);
        self.elect_offline(ctx, out);
    }

    /// Elects leaders for leaderless partitions now that a broker is back (clean from the ISR,
    /// or unclean where the topic allows it).
    pub fn elect_offline(&mut self, ctx: &mut Ctx, out: &mut Out) {
        let metadata = &*ctx.metadata;
        let mut updates = Vec::new();
        for (name, topic) in &metadata.topics {
            for (i, p) in topic.partitions.iter().enumerate() {
                if p.leader.is_some() {
                    continue;
                }
                let (leader, isr, how) = elect_leader(
                    &p.replicas,
                    &p.isr,
                    None,
                    topic.config.unclean_leader_election_enable,
                    |b| metadata.is_acceptable(b),
                );
                if leader.is_some() {
                    updates.push((name.clone(), i, leader, isr, how));
                }
            }
        }
        let mut changed = Vec::new();
        for (name, i, leader, isr, how) in updates {
            if let Some(tp) = self.apply_change(&name, i, leader, isr, how, ctx, out) {
                changed.push(tp);
            }
        }
        self.broadcast(changed, ctx, out);
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) fn apply_change(
        &mut self,
        topic: &str,
        partition: usize,
        leader: Option<BrokerId>,
        isr: Vec<BrokerId>,
        how: Election,
        ctx: &mut Ctx,
        out: &mut Out,
    ) -> Option<TopicPartition> {
        let me = self.active_node()?;
        let p = &mut ctx.metadata.topics.get_mut(topic)?.partitions[partition];
        if p.leader == leader && p.isr == isr {
            return None;
        }
        let tp = TopicPartition::new(topic, partition as i32);
        if p.leader != leader {
            p.leader_epoch += 1;
            let (tp, epoch) = (tp.clone(), p.leader_epoch);
            let election = match (leader, how) {
                (Some(leader), Election::Unclean) => LeaderElection::Unclean {
                    tp,
                    leader,
                    epoch,
                    isr: p.isr.clone(),
                },
                (Some(leader), Election::Online) => LeaderElection::Elected {
                    tp,
                    leader,
                    epoch,
                    isr: isr.clone(),
                },
                (Some(leader), Election::Preferred) => LeaderElection::Preferred {
                    tp,
                    leader,
                    epoch,
                    isr: isr.clone(),
                },
                (None, _) => LeaderElection::Offline {
                    tp,
                    isr: isr.clone(),
                    epoch,
                },
            };
            out.event(me, TraceLine::Election(election));
        }
        p.leader = leader;
        p.isr = isr;
        p.partition_epoch += 1;
        Some(tp)
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) fn alter_partition(
        &mut self,
        from: NodeId,
        tp: &TopicPartition,
        leader_epoch: i32,
        partition_epoch: i32,
        new_isr: Vec<BrokerId>,
        ctx: &mut Ctx,
        out: &mut Out,
    ) -> Result<PartitionRegistration, KafkaError> {
        let me = self.active_node().ok_or(KafkaError::NotController)?;
        let metadata = &*ctx.metadata;
        let topic = metadata
            .topics
            .get(&tp.topic)
            .ok_or(KafkaError::UnknownTopicOrPartition)?;
        let p = topic
            .partitions
            .get(tp.partition as usize)
            .ok_or(KafkaError::UnknownTopicOrPartition)?;
        if from != NodeId::Broker(p.leader.unwrap_or(-1)) || leader_epoch != p.leader_epoch {
            return Err(KafkaError::FencedLeaderEpoch);
        }
        if partition_epoch != p.partition_epoch {
            return Err(KafkaError::InvalidUpdateVersion);
        }
        if new_isr
            .iter()
            .any(|&b| !p.isr.contains(&b) && !metadata.is_acceptable(b))
        {
            return Err(KafkaError::IneligibleReplica);
        }
        // The registered ISR comes out in ascending broker id, whatever order the leader sent
        // (measured on Apache Kafka 4.4.0: [2,3], then [1,2,3] in oracle/recorded/
        // scenario-follower-cut-isr.json); at creation it is the replica order.
        let mut new_isr = new_isr;
        crate::sim::sort::sort(&mut new_isr);
        let p = &mut ctx
            .metadata
            .topics
            .get_mut(&tp.topic)
            .expect("checked")
            .partitions[tp.partition as usize];
        out.trace(
            me,
            TraceKind::Isr,
            format!(
                "ISR of {tp} changed from [{}] to [{}] (partition epoch {})",
                join(&p.isr),
                join(&new_isr),
                p.partition_epoch + 1
            ),
        );
        p.isr = new_isr;
        p.partition_epoch += 1;
        let reg = p.clone();
        self.broadcast(vec![tp.clone()], ctx, out);
        Ok(reg)
    }
}

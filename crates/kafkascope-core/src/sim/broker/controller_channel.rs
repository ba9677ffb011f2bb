//! How a broker finds the active controller: only from messages, as Kafka's brokers do.
//!
//! KRaft: a broker knows the quorum's voters (`controller.quorum.bootstrap.servers`), not which
//! of them leads. It learns the leader from the metadata the leader sends it (a broker is an
//! observer of `__cluster_metadata`; the new leader's first record reaches every observer) and
//! from a voter that is not the leader, which answers NOT_CONTROLLER with the leader it knows
//! (Kafka's observers get `currentLeader` in the voter's FetchResponse:
//! raft/src/main/java/org/apache/kafka/raft/KafkaRaftClient.java). A broker whose heartbeats go
//! unanswered forgets its controller and asks the voters in turn
//! (server/src/main/java/org/apache/kafka/server/NodeToControllerChannelManagerImpl.java
//! re-resolves the controller on a timeout or NOT_CONTROLLER).
//!
//! ZooKeeper mode: heartbeats are ZooKeeper session pings; the controller broker announces
//! itself with its LeaderAndIsr / UpdateMetadata requests, which carry the controller epoch
//! (core/src/main/scala/kafka/controller/ControllerChannelManager.scala).

use super::super::network::{NodeId, Payload};
use super::Broker;

/// Heartbeats in a row without an answer before a KRaft broker looks for the controller again.
pub const UNANSWERED_HEARTBEATS_BEFORE_REDISCOVERY: u32 = 2;

impl Broker {
    /// A newly started process: in KRaft it knows the voters only; in ZooKeeper mode it pings
    /// ZooKeeper and waits for the controller's requests.
    pub fn forget_controller(&mut self) {
        self.controller = None;
        self.controller_epoch = -1;
        self.unanswered_heartbeats = 0;
        self.heartbeat_target = if self.quorum.is_empty() {
            Some(NodeId::ZooKeeper)
        } else {
            None
        };
    }

    /// The controller `from` spoke at `epoch` (its metadata, or a voter's NOT_CONTROLLER hint):
    /// newer or equal epochs win, so a stale update in flight cannot undo a failover.
    pub fn learn_controller(&mut self, from: NodeId, epoch: i32) {
        if epoch < self.controller_epoch {
            return;
        }
        self.controller_epoch = epoch;
        self.controller = Some(from);
        if !self.quorum.is_empty() {
            self.heartbeat_target = Some(from);
        }
    }

    /// Where this heartbeat goes: the known controller, or (KRaft, none known) the next voter.
    pub fn heartbeat_destination(&mut self) -> Option<NodeId> {
        if self.shutting_down {
            return self.controller;
        }
        if let Some(to) = self.heartbeat_target {
            return Some(to);
        }
        let n = self.quorum.len();
        if n == 0 {
            return None;
        }
        let to = self.quorum[self.next_bootstrap % n];
        self.next_bootstrap = (self.next_bootstrap + 1) % n;
        Some(to)
    }

    /// Counts a heartbeat sent; after too many without an answer, a KRaft broker looks for the
    /// controller again (it may have died, or been replaced while this broker was cut off).
    pub fn heartbeat_sent(&mut self) {
        self.unanswered_heartbeats += 1;
        if !self.quorum.is_empty()
            && self.unanswered_heartbeats > UNANSWERED_HEARTBEATS_BEFORE_REDISCOVERY
        {
            self.heartbeat_target = None;
            self.unanswered_heartbeats = 0;
        }
    }

    /// A heartbeat answer: NOT_CONTROLLER names the leader the voter knows (or none yet).
    pub fn on_heartbeat_answer(&mut self, payload: &Payload) {
        self.unanswered_heartbeats = 0;
        if let Payload::BrokerHeartbeatResponse {
            not_controller: true,
            leader,
            ..
        } = payload
        {
            match *leader {
                Some((node, epoch)) => self.learn_controller(node, epoch),
                None if !self.quorum.is_empty() => self.heartbeat_target = None,
                None => {}
            }
        }
    }
}

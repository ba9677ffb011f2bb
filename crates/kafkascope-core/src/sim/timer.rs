//! Timers: a node asks to be woken later, and the loop wakes the node that set it.

use super::{
    controller, BrokerId, BrokerState, ControllerMode, NodeId, Out, Simulation, TopicPartition,
};

/// Timers: a node asks to be woken later. Broker timers carry the broker's incarnation so a
/// timer set before a crash does nothing after the restart.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Timer {
    BrokerHeartbeat {
        broker: BrokerId,
        incarnation: u32,
    },
    IsrExpiration {
        broker: BrokerId,
        incarnation: u32,
    },
    FetcherRetry {
        broker: BrokerId,
        incarnation: u32,
        leader: BrokerId,
    },
    FetchRequestTimeout {
        broker: BrokerId,
        incarnation: u32,
        leader: BrokerId,
        request_id: u64,
    },
    FetchWaitExpiry {
        broker: BrokerId,
        incarnation: u32,
        request_id: u64,
    },
    DelayedProduceExpiry {
        broker: BrokerId,
        incarnation: u32,
        tp: TopicPartition,
        request_id: u64,
    },
    RetentionCheck {
        broker: BrokerId,
        incarnation: u32,
    },
    /// The group coordinator's join phase deadline for `group`.
    GroupJoinDeadline {
        broker: BrokerId,
        incarnation: u32,
        group: String,
    },
    /// The group coordinator checks its members' sessions.
    GroupSessionCheck {
        broker: BrokerId,
        incarnation: u32,
    },
    ControlledShutdownTimeout {
        broker: BrokerId,
        incarnation: u32,
    },
    /// The active controller checks broker sessions (KRaft heartbeats, ZK sessions).
    SessionCheck,
    /// The active controller's preferred-leader check (`leader.imbalance.check.interval.seconds`),
    /// scheduled by the controller of `epoch`.
    LeaderBalance {
        epoch: i32,
    },
    /// A KRaft voter has not heard from the quorum leader: start an election for `epoch`.
    QuorumElection {
        voter: i32,
        epoch: i32,
    },
    /// A producer's scheduled `send()` calls (`produce ... rate=`).
    ProducerSend {
        producer: u32,
        schedule: u64,
    },
    /// Wake a producer's sender thread (linger expiry, retry backoff).
    ProducerWake {
        producer: u32,
    },
    ProducerRequestTimeout {
        producer: u32,
        request_id: u64,
    },
    ProducerMetadataTimeout {
        producer: u32,
        request_id: u64,
    },
    /// The consumer application's next loop iteration (`poll()`).
    ConsumerPoll {
        consumer: u32,
        incarnation: u32,
    },
    /// The consumer's worker thread finished a record (`processing=worker`).
    ConsumerWorker {
        consumer: u32,
        incarnation: u32,
    },
    /// The consumer's heartbeat thread.
    ConsumerHeartbeat {
        consumer: u32,
        incarnation: u32,
    },
    ConsumerRequestTimeout {
        consumer: u32,
        incarnation: u32,
        request_id: u64,
    },
}

impl Timer {
    /// The incarnation of the broker a broker's timer was set by (a restarted broker ignores
    /// its earlier life's timers).
    fn broker_incarnation(&self) -> Option<u32> {
        match self {
            Timer::BrokerHeartbeat { incarnation, .. }
            | Timer::IsrExpiration { incarnation, .. }
            | Timer::FetcherRetry { incarnation, .. }
            | Timer::FetchRequestTimeout { incarnation, .. }
            | Timer::FetchWaitExpiry { incarnation, .. }
            | Timer::DelayedProduceExpiry { incarnation, .. }
            | Timer::RetentionCheck { incarnation, .. }
            | Timer::GroupJoinDeadline { incarnation, .. }
            | Timer::GroupSessionCheck { incarnation, .. }
            | Timer::ControlledShutdownTimeout { incarnation, .. } => Some(*incarnation),
            _ => None,
        }
    }

    /// The node whose state the timer changes (none for the controller's: they change only
    /// the metadata, which the per-event invariants read but do not check).
    pub(super) fn node(&self) -> Option<NodeId> {
        match self {
            Timer::BrokerHeartbeat { broker, .. }
            | Timer::IsrExpiration { broker, .. }
            | Timer::FetcherRetry { broker, .. }
            | Timer::FetchRequestTimeout { broker, .. }
            | Timer::FetchWaitExpiry { broker, .. }
            | Timer::DelayedProduceExpiry { broker, .. }
            | Timer::RetentionCheck { broker, .. }
            | Timer::GroupJoinDeadline { broker, .. }
            | Timer::GroupSessionCheck { broker, .. }
            | Timer::ControlledShutdownTimeout { broker, .. } => Some(NodeId::Broker(*broker)),
            Timer::SessionCheck | Timer::QuorumElection { .. } | Timer::LeaderBalance { .. } => {
                None
            }
            Timer::ProducerSend { producer, .. }
            | Timer::ProducerWake { producer }
            | Timer::ProducerRequestTimeout { producer, .. }
            | Timer::ProducerMetadataTimeout { producer, .. } => Some(NodeId::Producer(*producer)),
            Timer::ConsumerPoll { consumer, .. }
            | Timer::ConsumerWorker { consumer, .. }
            | Timer::ConsumerHeartbeat { consumer, .. }
            | Timer::ConsumerRequestTimeout { consumer, .. } => Some(NodeId::Consumer(*consumer)),
        }
    }
}

impl Simulation {
    /// Wakes the node a timer belongs to. A broker's timer does nothing once the broker has
    /// stopped or restarted (another incarnation).
    pub(super) fn fire(&mut self, timer: Timer) {
        let mut out = Out::default();
        match &timer {
            Timer::BrokerHeartbeat { broker, .. }
            | Timer::IsrExpiration { broker, .. }
            | Timer::FetcherRetry { broker, .. }
            | Timer::FetchRequestTimeout { broker, .. }
            | Timer::FetchWaitExpiry { broker, .. }
            | Timer::DelayedProduceExpiry { broker, .. }
            | Timer::RetentionCheck { broker, .. }
            | Timer::GroupJoinDeadline { broker, .. }
            | Timer::GroupSessionCheck { broker, .. }
            | Timer::ControlledShutdownTimeout { broker, .. } => {
                let incarnation = timer.broker_incarnation();
                if let Some(b) = self.brokers.get_mut(broker) {
                    if b.state == BrokerState::Running && Some(b.incarnation) == incarnation {
                        b.fire(timer, self.now_ms, &self.config.broker, &mut out);
                    }
                }
            }
            Timer::SessionCheck | Timer::QuorumElection { .. } | Timer::LeaderBalance { .. } => {
                self.fire_controller(timer, &mut out)
            }
            Timer::ConsumerPoll { consumer, .. }
            | Timer::ConsumerWorker { consumer, .. }
            | Timer::ConsumerHeartbeat { consumer, .. }
            | Timer::ConsumerRequestTimeout { consumer, .. } => {
                let c = *consumer;
                self.with_consumer(c, &mut out, |c, ctx, out| c.fire(timer, ctx, out));
            }
            Timer::ProducerSend { producer, .. }
            | Timer::ProducerWake { producer }
            | Timer::ProducerRequestTimeout { producer, .. }
            | Timer::ProducerMetadataTimeout { producer, .. } => {
                let p = *producer;
                self.with_producer(p, &mut out, |p, ctx, out| p.fire(timer, ctx, out));
            }
        }
        self.flush(out);
    }

    /// The controller's timers; in ZooKeeper mode the session check also makes the controller
    /// broker resend what brokers have not answered.
    fn fire_controller(&mut self, timer: Timer, out: &mut Out) {
        let resend = matches!(timer, Timer::SessionCheck)
            && self.config.mode == ControllerMode::Zookeeper
            && self.controller.active.is_some_and(|c| {
                self.brokers
                    .get(&c)
                    .is_some_and(|b| b.state == BrokerState::Running)
            });
        let mut ctx = controller::Ctx {
            now_ms: self.now_ms,
            config: &self.config,
            metadata: &mut self.metadata,
            rng: &mut self.rng,
        };
        self.controller.fire(timer, &mut ctx, out);
        // ZooKeeper mode: the controller broker's request threads resend what brokers
        // have not answered.
        if resend {
            self.controller.resend_unanswered_updates(&mut ctx, out);
        }
    }
}

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
    /// A broker's timer: the broker, and the incarnation that set it (a restarted broker
    /// ignores its earlier life's timers).
    fn broker_timer(&self) -> Option<(BrokerId, u32)> {
        match *self {
            Timer::BrokerHeartbeat {
                broker,
                incarnation,
            }
            | Timer::IsrExpiration {
                broker,
                incarnation,
            }
            | Timer::FetcherRetry {
                broker,
                incarnation,
                ..
            }
            | Timer::FetchRequestTimeout {
                broker,
                incarnation,
                ..
            }
            | Timer::FetchWaitExpiry {
                broker,
                incarnation,
                ..
            }
            | Timer::DelayedProduceExpiry {
                broker,
                incarnation,
                ..
            }
            | Timer::RetentionCheck {
                broker,
                incarnation,
            }
            | Timer::GroupJoinDeadline {
                broker,
                incarnation,
                ..
            }
            | Timer::GroupSessionCheck {
                broker,
                incarnation,
            }
            | Timer::ControlledShutdownTimeout {
                broker,
                incarnation,
            } => Some((broker, incarnation)),
            _ => None,
        }
    }

    /// The node whose state the timer changes (none for the controller's: they change only
    /// the metadata, which the per-event invariants read but do not check).
    pub(super) fn node(&self) -> Option<NodeId> {
        match self {
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
            broker => broker.broker_timer().map(|(b, _)| NodeId::Broker(b)),
        }
    }
}

impl Simulation {
    /// Wakes the node a timer belongs to. A broker's timer does nothing once the broker has
    /// stopped or restarted (another incarnation).
    pub(super) fn fire(&mut self, timer: Timer) {
        let mut out = Out::default();
        match &timer {
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
            broker => {
                let Some((id, incarnation)) = broker.broker_timer() else {
                    return;
                };
                if let Some(b) = self.brokers.get_mut(&id) {
                    if b.state == BrokerState::Running && b.incarnation == incarnation {
                        b.fire(timer, self.now_ms, &self.config.broker, &mut out);
                    }
                }
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

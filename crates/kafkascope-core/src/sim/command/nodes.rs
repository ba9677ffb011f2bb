//! Reaching the nodes commands name: resolving a name to a node, and running a broker's,
//! the controller's, a producer's or a consumer's logic with its context.

use super::NodeRef;
use crate::sim::broker::{Broker, BrokerState};
use crate::sim::config::ControllerMode;
use crate::sim::consumer::{Consumer, ConsumerCtx};
use crate::sim::controller::Ctx;
use crate::sim::error::{CommandError, KafkaError};
use crate::sim::network::NodeId;
use crate::sim::producer::{Producer, ProducerCtx};
use crate::sim::{BrokerId, Out, Simulation};

impl Simulation {
    pub(super) fn resolve(&self, node: &NodeRef) -> Result<NodeId, CommandError> {
        match node {
            NodeRef::Broker(id) => self
                .brokers
                .contains_key(id)
                .then_some(NodeId::Broker(*id))
                .ok_or_else(|| {
                    CommandError::kafka(
                        KafkaError::BrokerNotAvailable,
                        format!("Broker {id} does not exist"),
                    )
                }),
            NodeRef::Controller(id) => self
                .controller
                .voters
                .iter()
                .any(|v| v.id == *id)
                .then_some(NodeId::Controller(*id))
                .ok_or_else(|| CommandError::invalid(format!("controller {id} does not exist"))),
            NodeRef::ZooKeeper => {
                if self.config.mode == ControllerMode::Zookeeper {
                    Ok(NodeId::ZooKeeper)
                } else {
                    Err(CommandError::invalid(
                        "this cluster runs in KRaft mode: there is no ZooKeeper",
                    ))
                }
            }
            NodeRef::Client(name) => self
                .producer_index(name)
                .map(NodeId::Producer)
                .or_else(|| self.consumer_index(name).map(NodeId::Consumer))
                .ok_or_else(|| {
                    CommandError::invalid(format!("no producer or consumer named '{name}'"))
                }),
        }
    }

    pub fn producer_index(&self, name: &str) -> Option<u32> {
        self.producers
            .iter()
            .position(|p| &*p.name == name)
            .map(|i| i as u32)
    }

    pub(super) fn broker_exists(&self, id: BrokerId) -> Result<&Broker, CommandError> {
        self.brokers.get(&id).ok_or_else(|| {
            CommandError::kafka(
                KafkaError::BrokerNotAvailable,
                format!("Broker {id} does not exist"),
            )
        })
    }

    /// Runs `f` with the controller and a context, then applies its effects.
    pub(crate) fn with_controller(
        &mut self,
        f: impl FnOnce(&mut crate::sim::Controller, &mut Ctx, &mut Out),
    ) {
        let mut out = Out::default();
        let mut ctx = Ctx {
            now_ms: self.now_ms,
            config: &self.config,
            metadata: &mut self.metadata,
            rng: &mut self.rng,
        };
        f(&mut self.controller, &mut ctx, &mut out);
        self.flush(out);
    }

    /// After a broker process stops or dies: ZooKeeper closes a cleanly stopped broker's
    /// session at once; a crash is noticed only when the session times out.
    pub(crate) fn after_broker_down(&mut self, id: BrokerId) {
        let clean = self
            .brokers
            .get(&id)
            .is_some_and(|b| b.state == BrokerState::Stopped);
        if self.config.mode == ControllerMode::Zookeeper && clean {
            self.with_controller(|c, ctx, out| c.zk_session_closed(id, ctx, out));
        }
    }

    pub fn consumer_index(&self, name: &str) -> Option<u32> {
        self.consumers
            .iter()
            .position(|c| &*c.name == name)
            .map(|i| i as u32)
    }

    pub(crate) fn with_consumer(
        &mut self,
        index: u32,
        out: &mut Out,
        f: impl FnOnce(&mut Consumer, &mut ConsumerCtx, &mut Out),
    ) {
        let mut ctx = ConsumerCtx {
            now_ms: self.now_ms,
            next_request_id: &mut self.next_request_id,
        };
        if let Some(c) = self.consumers.get_mut(index as usize) {
            f(c, &mut ctx, out);
        }
    }

    pub(crate) fn with_producer(
        &mut self,
        index: u32,
        out: &mut Out,
        f: impl FnOnce(&mut Producer, &mut ProducerCtx, &mut Out),
    ) {
        let mut ctx = ProducerCtx {
            now_ms: self.now_ms,
            rng: &mut self.rng,
            next_record_id: &mut self.next_record_id,
            next_request_id: &mut self.next_request_id,
        };
        if let Some(p) = self.producers.get_mut(index as usize) {
            f(p, &mut ctx, out);
        }
    }
}

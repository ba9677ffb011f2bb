//! ZooKeeper mode: ZooKeeper keeps the brokers' sessions (/brokers/ids) and the /controller
//! znode; the first broker to create /controller is the controller, watches fire on the
//! controller when brokers come and go, and a new controller reads the live brokers and sends
//! everyone the full state (`KafkaController.onControllerFailover`).

use super::*;

impl Controller {
    /// ZooKeeper watches and the /controller race, as they reach a broker.
    pub(super) fn on_zookeeper(
        &mut self,
        msg: Message,
        to_active: bool,
        ctx: &mut Ctx,
        out: &mut Out,
    ) {
        match msg.payload {
            Payload::ZkWatch {
                broker_change,
                controller_gone,
            } => {
                let NodeId::Broker(me) = msg.to else { return };
                if controller_gone && self.active.is_none() {
                    out.send(
                        msg.to,
                        NodeId::ZooKeeper,
                        Payload::ZkCreateController { broker: me },
                    );
                }
                if let (Some((broker, alive)), true) = (broker_change, to_active) {
                    if alive {
                        self.unfence(broker, ctx, out);
                    } else {
                        self.fence(broker, ctx, out, "session expired");
                    }
                }
            }
            Payload::ZkCreateController { broker }
                // ZooKeeper: the first create of the ephemeral /controller znode wins.
                if self.active.is_none() && self.zk_sessions.contains_key(&broker) => {
                    self.active = Some(broker);
                    self.epoch += 1;
                    for &b in self.zk_sessions.keys() {
                        out.send(
                            NodeId::ZooKeeper,
                            NodeId::Broker(b),
                            Payload::ZkControllerElected {
                                controller: broker,
                                epoch: self.epoch,
                            },
                        );
                    }
                }
            Payload::ZkControllerElected { controller, epoch }
                if msg.to == NodeId::Broker(controller) && self.active == Some(controller) => {
                    out.trace(
                        msg.to,
                        TraceKind::Controller,
                        format!("[Controller id={controller}] {controller} successfully elected as the controller. Epoch incremented to {epoch}"),
                    );
                    // onControllerFailover: read the live brokers from ZooKeeper, fail the
                    // missing ones, then send everyone the full state.
                    let registered: Vec<BrokerId> = ctx.metadata.brokers.keys().copied().collect();
                    for b in registered {
                        if self.zk_sessions.contains_key(&b) {
                            // A new controller starts from a fresh context: no broker is
                            // shutting down until it asks this controller
                            // (ControllerContext.resetContext clears shuttingDownBrokerIds).
                            let r = ctx.metadata.brokers.get_mut(&b).expect("listed");
                            r.fenced = false;
                            r.in_controlled_shutdown = false;
                        } else {
                            self.fence(b, ctx, out, "not registered in ZooKeeper");
                        }
                    }
                    self.elect_offline(ctx, out);
                    self.broadcast_all(ctx, out);
                }
            _ => {}
        }
    }

    /// ZooKeeper: a broker's session starts (first ping after a restart) or pings. A restarted
    /// process cannot register /brokers/ids/N while the previous process's session still holds
    /// it (NodeExists): its pings go unanswered until that session expires.
    pub(super) fn zk_ping(
        &mut self,
        broker: BrokerId,
        incarnation: u32,
        ctx: &mut Ctx,
        out: &mut Out,
    ) {
        if self.zk_sessions.contains_key(&broker)
            && self.registered_incarnation.get(&broker) != Some(&incarnation)
        {
            return;
        }
        self.registered_incarnation.insert(broker, incarnation);
        let new_session = self.zk_sessions.insert(broker, ctx.now_ms).is_none();
        if !new_session {
            return;
        }
        out.trace(
            NodeId::ZooKeeper,
            TraceKind::Controller,
            format!("[ZooKeeper] broker {broker} registered at /brokers/ids/{broker}"),
        );
        match self.active_node() {
            // The controller's watch on /brokers/ids fires.
            Some(c) => out.send(
                NodeId::ZooKeeper,
                c,
                Payload::ZkWatch {
                    broker_change: Some((broker, true)),
                    controller_gone: false,
                },
            ),
            // No controller: the new broker tries to become it.
            None => out.send(
                NodeId::ZooKeeper,
                NodeId::Broker(broker),
                Payload::ZkWatch {
                    broker_change: None,
                    controller_gone: true,
                },
            ),
        }
    }

    /// ZooKeeper mode: a broker's session ended (expired, or closed by a clean shutdown). Its
    /// ephemeral znodes go; if it was the controller, every live broker races for /controller.
    pub fn zk_session_closed(&mut self, broker: BrokerId, ctx: &mut Ctx, out: &mut Out) {
        if self.zk_sessions.remove(&broker).is_none() {
            return;
        }
        let _ = ctx;
        out.trace(
            NodeId::ZooKeeper,
            TraceKind::Controller,
            format!("[ZooKeeper] session of broker {broker} closed; /brokers/ids/{broker} deleted"),
        );
        if self.active == Some(broker) {
            self.active = None;
            for &b in self.zk_sessions.keys() {
                out.send(
                    NodeId::ZooKeeper,
                    NodeId::Broker(b),
                    Payload::ZkWatch {
                        broker_change: None,
                        controller_gone: true,
                    },
                );
            }
        } else if let Some(c) = self.active_node() {
            out.send(
                NodeId::ZooKeeper,
                c,
                Payload::ZkWatch {
                    broker_change: Some((broker, false)),
                    controller_gone: false,
                },
            );
        }
    }
}

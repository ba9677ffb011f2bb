//! ZooKeeper mode: ZooKeeper keeps the brokers' sessions (/brokers/ids) and the /controller
//! znode; the first broker to create /controller is the controller, watches fire on the
//! controller when brokers come and go, and a new controller reads the live brokers and sends
//! everyone the full state (`KafkaController.onControllerFailover`).

use super::*;

/// `controller.socket.timeout.ms`: how long the controller's request thread waits for a
/// broker's answer before it reconnects and sends the request again.
pub const CONTROLLER_SOCKET_TIMEOUT_MS: u64 = 30_000;

/// Unanswered updates remembered per broker (the queue of a request thread that is stuck).
const MAX_UNANSWERED_UPDATES: usize = 256;

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
                    out.event(
                        msg.to,
                        TraceLine::Controller(ControllerEvent::ZkControllerElected {
                            controller,
                            epoch,
                        }),
                    );
                    // A new controller opens new channels to every broker.
                    self.unanswered_updates.clear();
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
                    self.schedule_zk_leader_balance(ctx.config, out);
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
        // A new process: what the old one left unanswered is moot (it gets the whole image).
        self.unanswered_updates.remove(&broker);
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

    // ---- the controller's channel to each broker (`ControllerChannelManager`) ----------------
    //
    // In ZooKeeper mode LeaderAndIsr and UpdateMetadata are requests: a per-broker thread sends
    // them in order and waits for each answer; when none comes within
    // controller.socket.timeout.ms it reconnects and sends again, for as long as the broker is
    // registered. So a broker that missed an update (its link to the controller was cut) learns
    // it once the link heals. Resending the whole image brings it to the same state as resending
    // the queued requests one by one.

    /// Notes an update sent to `broker` (a whole image replaces whatever was unanswered). Only
    /// registered brokers have a channel; a broker that registers again gets the whole image.
    pub(super) fn channel_sent(&mut self, broker: BrokerId, version: u64, full: bool, now: u64) {
        if self.mode != ControllerMode::Zookeeper || !self.zk_sessions.contains_key(&broker) {
            return;
        }
        let q = self.unanswered_updates.entry(broker).or_default();
        if full {
            q.clear();
        }
        // Bounded: only the oldest unanswered update's age matters, and any answer at or above
        // a later version clears it.
        if q.len() < MAX_UNANSWERED_UPDATES {
            q.push_back((version, now));
        }
    }

    /// The broker has applied every update up to `version`.
    pub(super) fn channel_answered(&mut self, broker: BrokerId, version: u64) {
        if let Some(q) = self.unanswered_updates.get_mut(&broker) {
            while q.front().is_some_and(|&(v, _)| v <= version) {
                q.pop_front();
            }
        }
    }

    /// Resends the image to every registered broker whose oldest unanswered update is older than
    /// the socket timeout. Called every second while the controller broker's process runs.
    pub fn resend_unanswered_updates(&mut self, ctx: &mut Ctx, out: &mut Out) {
        if self.mode != ControllerMode::Zookeeper || self.active.is_none() {
            return;
        }
        let due: Vec<BrokerId> = self
            .unanswered_updates
            .iter()
            .filter(|(b, q)| {
                self.zk_sessions.contains_key(b)
                    && q.front().is_some_and(|&(_, at)| {
                        ctx.now_ms.saturating_sub(at) >= CONTROLLER_SOCKET_TIMEOUT_MS
                    })
            })
            .map(|(&b, _)| b)
            .collect();
        for b in due {
            if let Some(me) = self.active_node() {
                out.trace(
                    me,
                    TraceKind::Controller,
                    format!("[RequestSendThread controllerId={}] Controller {} epoch {} fails to send request to broker {b} (no response within {CONTROLLER_SOCKET_TIMEOUT_MS} ms). Reconnecting to broker and resending the current state.", self.active.unwrap_or(-1), self.active.unwrap_or(-1), self.epoch),
                );
            }
            self.send_full_image(NodeId::Broker(b), ctx, out);
        }
    }
}

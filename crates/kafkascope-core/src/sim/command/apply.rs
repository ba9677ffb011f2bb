//! Applying a validated command to the simulation: one function per command. Only a
//! [`Validated`] command gets here, so what validation checked (the broker exists, the
//! producer is there, the configs parse) holds.

use super::{ConsumerAction, ProduceRecords, Valid, Validated};
use crate::sim::broker::{Broker, BrokerState};
use crate::sim::consumer::{Consumer, ConsumerConfig};
use crate::sim::coordinator::{OFFSETS_TOPIC, OFFSETS_TOPIC_NUM_PARTITIONS};
use crate::sim::error::CommandError;
use crate::sim::metadata::{BrokerRegistration, TopicConfig};
use crate::sim::network::{DropRule, NodeId};
use crate::sim::producer::{Producer, ProducerConfig};
use crate::sim::sort::CollectSet;
use crate::sim::trace::{BrokerEvent, ControllerEvent, NetworkFault, TraceKind, TraceLine};
use crate::sim::{BrokerId, Out, Simulation};

pub(crate) fn apply(sim: &mut Simulation, command: Validated) -> Result<(), CommandError> {
    match command.0 {
        Valid::BrokerAdd(id) => add_broker(sim, id),
        Valid::BrokerStop(id) => stop_broker(sim, id),
        Valid::BrokerKill(id) => kill_broker(sim, id),
        Valid::BrokerStart(id) => start_broker(sim, id),
        Valid::ControllerKill(id) => set_controller_alive(sim, id, false),
        Valid::ControllerStart(id) => set_controller_alive(sim, id, true),
        Valid::TopicCreate {
            name,
            partitions,
            replication_factor,
            config,
        } => sim.create_topic_with(&name, partitions, replication_factor, config)?,
        Valid::ProducerCreate {
            name,
            config,
            notes,
        } => create_producer(sim, &name, config, notes),
        Valid::Produce(send) => produce(sim, send),
        Valid::ProduceStop { index, topic } => stop_producing(sim, index, topic.as_deref()),
        Valid::NetworkIsolate(node) => isolate(sim, node),
        Valid::NetworkHeal(node) => heal(sim, node),
        Valid::NetworkCut(a, b) => cut_link(sim, a, b),
        Valid::NetworkSlow(a, b, ms) => slow_link(sim, a, b, ms),
        Valid::NetworkLatency(ms) => set_latency(sim, ms),
        Valid::NetworkDrop(rule) => drop_messages(sim, rule),
        Valid::Advance(ms) => sim.advance(ms),
        Valid::Step(n) => step(sim, n),
        Valid::ConsumerCreate {
            name,
            config,
            topics,
        } => create_consumer(sim, &name, config, topics)?,
        Valid::ConsumerCrash(index) => crash_consumer(sim, index),
        Valid::Consumer(index, action) => consumer_action(sim, index, action),
        Valid::TopicAddPartitions { name, partitions } => sim.add_partitions(&name, partitions)?,
    }
    Ok(())
}

fn add_broker(sim: &mut Simulation, id: BrokerId) {
    let now = sim.now_ms;
    let mut b = Broker::new(id);
    // A new broker knows the voters (or ZooKeeper), not which controller is active.
    b.quorum = sim.controller.quorum_nodes();
    b.forget_controller();
    sim.metadata.brokers.insert(
        id,
        BrokerRegistration {
            fenced: true,
            in_controlled_shutdown: false,
            last_heard_ms: now,
        },
    );
    let mut out = Out::default();
    b.start_timers(&sim.config.broker, &mut sim.rng, &mut out);
    sim.brokers.insert(id, b);
    let started = BrokerEvent::Started { broker: id };
    sim.trace
        .event(now, NodeId::Broker(id), TraceLine::Broker(started));
    sim.flush(out);
}

/// Controlled shutdown: the broker asks the controller to move its leaderships first.
fn stop_broker(sim: &mut Simulation, id: BrokerId) {
    let now = sim.now_ms;
    let b = sim
        .brokers
        .get_mut(&id)
        .expect("validated: the broker runs");
    b.shutting_down = true;
    let stopping = BrokerEvent::ControlledShutdown { broker: id };
    sim.trace
        .event(now, NodeId::Broker(id), TraceLine::Broker(stopping));
    let mut out = Out::default();
    if b.controller.is_none() {
        // No controller to ask: stop at once.
        b.go_down(BrokerState::Stopped, &mut out);
        sim.flush(out);
        sim.after_broker_down(id);
    } else {
        // The next heartbeat carries the shutdown request; send one now.
        out.timer(
            0,
            crate::sim::Timer::BrokerHeartbeat {
                broker: id,
                incarnation: b.incarnation,
            },
        );
        sim.flush(out);
    }
}

/// kill -9.
fn kill_broker(sim: &mut Simulation, id: BrokerId) {
    let mut out = Out::default();
    sim.brokers
        .get_mut(&id)
        .expect("validated: the broker runs")
        .go_down(BrokerState::Crashed, &mut out);
    let killed = BrokerEvent::Killed { broker: id };
    sim.trace
        .event(sim.now_ms, NodeId::Broker(id), TraceLine::Broker(killed));
    sim.flush(out);
    sim.after_broker_down(id);
}

fn start_broker(sim: &mut Simulation, id: BrokerId) {
    let mut out = Out::default();
    let b = sim
        .brokers
        .get_mut(&id)
        .expect("validated: the broker exists");
    b.restart(&sim.config.broker, &mut sim.rng, &mut out);
    sim.flush(out);
}

/// `controller kill` / `controller start` of a KRaft voter.
fn set_controller_alive(sim: &mut Simulation, id: i32, alive: bool) {
    let event = if alive {
        ControllerEvent::Started { controller: id }
    } else {
        ControllerEvent::Killed { controller: id }
    };
    let node = NodeId::Controller(id);
    sim.trace
        .event(sim.now_ms, node, TraceLine::Controller(event));
    sim.with_controller(|c, ctx, out| c.set_voter_alive(id, alive, ctx, out));
}

fn create_producer(sim: &mut Simulation, name: &str, config: ProducerConfig, notes: Vec<String>) {
    let now = sim.now_ms;
    let index = sim.producers.len() as u32;
    sim.next_producer_id += 1;
    let bootstrap: Vec<BrokerId> = sim.brokers.keys().copied().collect();
    let p = Producer::new(name, index, config, sim.next_producer_id, bootstrap);
    let node = NodeId::Producer(index);
    for n in notes {
        let text = format!("[Producer clientId={name}] {n}");
        sim.trace.push(now, node, TraceKind::Produce, text);
    }
    if p.producer_id >= 0 {
        sim.trace.push(
            now,
            node,
            TraceKind::Produce,
            format!(
                "[Producer clientId={name}] ProducerId set to {} with epoch 0",
                p.producer_id
            ),
        );
    }
    sim.producers.push(p);
    let mut out = Out::default();
    sim.with_producer(index, &mut out, |p, ctx, out| p.drain(ctx, out));
    sim.flush(out);
}

/// The application calls send(): `count` records, at once or at a rate.
fn produce(sim: &mut Simulation, send: ProduceRecords) {
    let mut out = Out::default();
    sim.with_producer(send.index, &mut out, |p, ctx, out| {
        p.produce(
            &send.topic,
            send.key.as_deref(),
            send.value.as_deref(),
            send.partition,
            send.count,
            send.interval_ms,
            ctx,
            out,
        )
    });
    sim.flush(out);
}

fn stop_producing(sim: &mut Simulation, index: u32, topic: Option<&str>) {
    let p = &mut sim.producers[index as usize];
    let unsent = p.stop_rates(topic);
    let text = format!(
        "[Producer clientId={}] application stopped sending ({unsent} scheduled records not sent)",
        p.name
    );
    let node = NodeId::Producer(index);
    sim.trace.push(sim.now_ms, node, TraceKind::Produce, text);
}

fn isolate(sim: &mut Simulation, node: NodeId) {
    sim.network.isolated.insert(node);
    let fault = TraceLine::Network(NetworkFault::Isolated { node });
    sim.trace.event(sim.now_ms, node, fault);
}

/// Heals one node's faults, or every fault.
fn heal(sim: &mut Simulation, node: Option<NodeId>) {
    let now = sim.now_ms;
    sim.network.heal(node);
    let healed = TraceLine::Network(NetworkFault::Healed { node });
    match node {
        Some(node) => sim.trace.event(now, node, healed),
        None => sim.trace.push_network(now, healed),
    }
}

fn cut_link(sim: &mut Simulation, a: NodeId, b: NodeId) {
    sim.network.cut_link(a, b);
    let fault = TraceLine::Network(NetworkFault::LinkCut { a, b });
    sim.trace.event(sim.now_ms, a, fault);
}

fn slow_link(sim: &mut Simulation, a: NodeId, b: NodeId, ms: u64) {
    sim.network.slow_link(a, b, ms);
    let fault = TraceLine::Network(NetworkFault::LinkSlowed { a, b, ms });
    sim.trace.event(sim.now_ms, a, fault);
}

fn set_latency(sim: &mut Simulation, ms: u64) {
    // Messages already in flight keep their delivery time.
    sim.network.latency_ms = ms;
    let fault = TraceLine::Network(NetworkFault::LatencySet { ms });
    sim.trace.push_network(sim.now_ms, fault);
}

fn drop_messages(sim: &mut Simulation, rule: DropRule) {
    let fault = TraceLine::Network(NetworkFault::MessagesDropped {
        count: rule.remaining,
        kind: rule.kind,
    });
    let node = rule.from.or(rule.to);
    sim.network.drops.push(rule);
    match node {
        Some(node) => sim.trace.event(sim.now_ms, node, fault),
        None => sim.trace.push_network(sim.now_ms, fault),
    }
}

/// `step N`: the next N events, fewer when none is scheduled.
fn step(sim: &mut Simulation, n: u64) {
    for _ in 0..n {
        if !sim.step() {
            break;
        }
    }
}

fn create_consumer(
    sim: &mut Simulation,
    name: &str,
    config: ConsumerConfig,
    topics: Vec<String>,
) -> Result<(), CommandError> {
    if !sim.metadata.topics.contains_key(OFFSETS_TOPIC) {
        // Created on the first FindCoordinator, as the broker does (auto-creation of the
        // internal topic: offsets.topic.num.partitions, RF up to 3).
        let rf = (sim.metadata.brokers.values().filter(|b| !b.fenced).count() as i32).clamp(1, 3);
        let partitions = OFFSETS_TOPIC_NUM_PARTITIONS;
        sim.create_topic_with(OFFSETS_TOPIC, partitions, rf, TopicConfig::default())?;
    }
    let index = sim.consumers.len() as u32;
    let seq = sim
        .consumers
        .iter()
        .filter(|c| c.config.group_id == config.group_id)
        .count() as u32
        + 1;
    let bootstrap: Vec<BrokerId> = sim.brokers.keys().copied().collect();
    sim.consumers
        .push(Consumer::new(name, index, config, topics, bootstrap, seq));
    let mut out = Out::default();
    sim.with_consumer(index, &mut out, |c, ctx, out| c.start(ctx, out));
    sim.flush(out);
    Ok(())
}

/// kill -9 of the consumer's process.
fn crash_consumer(sim: &mut Simulation, index: u32) {
    let c = &mut sim.consumers[index as usize];
    c.crash();
    let crashed = TraceLine::ConsumerCrashed {
        consumer: c.name.clone(),
    };
    sim.trace
        .event(sim.now_ms, NodeId::Consumer(index), crashed);
}

/// What the application does to its consumer.
fn consumer_action(sim: &mut Simulation, index: u32, action: ConsumerAction) {
    let mut out = Out::default();
    sim.with_consumer(index, &mut out, |c, ctx, out| match action {
        ConsumerAction::Close => c.close(ctx, out),
        ConsumerAction::Restart => c.restart(ctx, out),
        ConsumerAction::Commit => c.commit_now(ctx, out),
        ConsumerAction::Pause => c.paused = c.assignment.iter().cloned().collect_set(),
        ConsumerAction::Resume => c.paused.clear(),
        ConsumerAction::Subscribe(topics) => c.subscribe(topics, ctx, out),
    });
    sim.flush(out);
}

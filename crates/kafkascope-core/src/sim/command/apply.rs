//! Applying a validated command to the simulation.

use super::{topic_config_from_pairs, Command};
use crate::sim::broker::{Broker, BrokerState};
use crate::sim::consumer::{Consumer, ConsumerConfig};
use crate::sim::coordinator::{OFFSETS_TOPIC, OFFSETS_TOPIC_NUM_PARTITIONS};
use crate::sim::error::CommandError;
use crate::sim::metadata::BrokerRegistration;
use crate::sim::network::{DropRule, NodeId};
use crate::sim::producer::{Producer, ProducerConfig};
use crate::sim::sort::CollectSet;
use crate::sim::trace::TraceKind;
use crate::sim::{BrokerId, Out, Simulation};

pub(crate) fn apply(sim: &mut Simulation, command: Command) -> Result<(), CommandError> {
    sim.validate(&command)?;
    let now = sim.now_ms;
    match command {
        Command::BrokerAdd { id } => {
            let id = id.unwrap_or_else(|| sim.brokers.keys().next_back().map_or(1, |m| m + 1));
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
            sim.trace.push(
                now,
                NodeId::Broker(id),
                TraceKind::Broker,
                format!("[KafkaServer id={id}] started"),
            );
            sim.flush(out);
        }
        Command::BrokerStop(id) => {
            let b = sim.brokers.get_mut(&id).expect("validated");
            b.shutting_down = true;
            sim.trace.push(
                now,
                NodeId::Broker(id),
                TraceKind::Broker,
                format!("[KafkaServer id={id}] shutting down (controlled shutdown)"),
            );
            if b.controller.is_none() {
                // No controller to ask: stop at once.
                let mut out = Out::default();
                b.go_down(BrokerState::Stopped, &mut out);
                sim.flush(out);
                sim.after_broker_down(id);
            } else {
                // The next heartbeat carries the shutdown request; send one now.
                let inc = b.incarnation;
                let mut out = Out::default();
                out.timer(
                    0,
                    crate::sim::Timer::BrokerHeartbeat {
                        broker: id,
                        incarnation: inc,
                    },
                );
                sim.flush(out);
            }
        }
        Command::BrokerKill(id) => {
            let mut out = Out::default();
            sim.brokers
                .get_mut(&id)
                .expect("validated")
                .go_down(BrokerState::Crashed, &mut out);
            sim.trace.push(
                now,
                NodeId::Broker(id),
                TraceKind::Broker,
                format!("Broker {id} killed (kill -9)"),
            );
            sim.flush(out);
            sim.after_broker_down(id);
        }
        Command::BrokerStart(id) => {
            let mut out = Out::default();
            let b = sim.brokers.get_mut(&id).expect("validated");
            b.restart(&sim.config.broker, &mut sim.rng, &mut out);
            sim.flush(out);
        }
        Command::ControllerKill(id) => {
            let id = id.or(sim.controller.active).expect("validated");
            sim.trace.push(
                now,
                NodeId::Controller(id),
                TraceKind::Controller,
                format!("Controller {id} killed"),
            );
            sim.with_controller(|c, ctx, out| c.set_voter_alive(id, false, ctx, out));
        }
        Command::ControllerStart(id) => {
            sim.trace.push(
                now,
                NodeId::Controller(id),
                TraceKind::Controller,
                format!("Controller {id} started"),
            );
            sim.with_controller(|c, ctx, out| c.set_voter_alive(id, true, ctx, out));
        }
        Command::TopicCreate {
            name,
            partitions,
            replication_factor,
            configs,
        } => {
            let config = topic_config_from_pairs(&configs)?;
            sim.create_topic_with(&name, partitions, replication_factor, config)?;
        }
        Command::ProducerCreate { name, configs } => {
            let (config, notes) = ProducerConfig::from_pairs(&configs)?;
            let index = sim.producers.len() as u32;
            sim.next_producer_id += 1;
            let bootstrap: Vec<BrokerId> = sim.brokers.keys().copied().collect();
            let p = Producer::new(&name, index, config, sim.next_producer_id, bootstrap);
            for n in notes {
                sim.trace.push(
                    now,
                    NodeId::Producer(index),
                    TraceKind::Produce,
                    format!("[Producer clientId={name}] {n}"),
                );
            }
            if p.producer_id >= 0 {
                sim.trace.push(
                    now,
                    NodeId::Producer(index),
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
        Command::Produce {
            producer,
            topic,
            key,
            value,
            partition,
            count,
            rate,
        } => {
            let index = sim.producer_index(&producer).expect("validated");
            let interval = rate.map(|r| ((1000.0 / r).round() as u64).max(1));
            let mut out = Out::default();
            sim.with_producer(index, &mut out, |p, ctx, out| {
                p.produce(
                    &topic,
                    key.as_deref(),
                    value.as_deref(),
                    partition,
                    count,
                    interval,
                    ctx,
                    out,
                )
            });
            sim.flush(out);
        }
        Command::ProduceStop { producer, topic } => {
            let index = sim.producer_index(&producer).expect("validated");
            let p = &mut sim.producers[index as usize];
            let unsent = p.stop_rates(topic.as_deref());
            sim.trace.push(
                now,
                NodeId::Producer(index),
                TraceKind::Produce,
                format!("[Producer clientId={producer}] application stopped sending ({unsent} scheduled records not sent)"),
            );
        }
        Command::NetworkIsolate(n) => {
            let node = sim.resolve(&n)?;
            sim.network.isolated.insert(node);
            sim.trace.push(
                now,
                node,
                TraceKind::Fault,
                format!("{node} isolated from the network"),
            );
        }
        Command::NetworkHeal(n) => {
            let node = n.map(|n| sim.resolve(&n)).transpose()?;
            sim.network.heal(node);
            let what = node.map_or("all network faults".to_string(), |n| {
                format!("network faults of {n}")
            });
            let text = format!("healed {what}");
            match node {
                Some(node) => sim.trace.push(now, node, TraceKind::Fault, text),
                None => sim.trace.push_network(now, TraceKind::Fault, text),
            }
        }
        Command::NetworkCut(a, b) => {
            let (a, b) = (sim.resolve(&a)?, sim.resolve(&b)?);
            sim.network.cut_link(a, b);
            sim.trace
                .push(now, a, TraceKind::Fault, format!("link {a} <-> {b} cut"));
        }
        Command::NetworkSlow(a, b, ms) => {
            let (a, b) = (sim.resolve(&a)?, sim.resolve(&b)?);
            sim.network.slow_link(a, b, ms);
            sim.trace.push(
                now,
                a,
                TraceKind::Fault,
                format!("link {a} <-> {b} slowed to {ms} ms"),
            );
        }
        Command::NetworkLatency(ms) => {
            // Messages already in flight keep their delivery time.
            sim.network.latency_ms = ms;
            sim.trace.push_network(
                now,
                TraceKind::Fault,
                format!("network latency set to {ms} ms"),
            );
        }
        Command::NetworkDrop {
            kind,
            from,
            to,
            count,
        } => {
            let from = from.map(|n| sim.resolve(&n)).transpose()?;
            let to = to.map(|n| sim.resolve(&n)).transpose()?;
            sim.network.drops.push(DropRule {
                kind,
                from,
                to,
                remaining: count,
            });
            let text = format!(
                "dropping {} {} message(s)",
                count.map_or("all".to_string(), |c| c.to_string()),
                kind.name()
            );
            match from.or(to) {
                Some(node) => sim.trace.push(now, node, TraceKind::Fault, text),
                None => sim.trace.push_network(now, TraceKind::Fault, text),
            }
        }
        Command::Advance(ms) => sim.advance(ms),
        Command::Step(n) => {
            for _ in 0..n {
                if !sim.step() {
                    break;
                }
            }
        }
        Command::ConsumerCreate { name, configs } => {
            let (config, topics) = ConsumerConfig::from_pairs(&configs)?;
            if !sim.metadata.topics.contains_key(OFFSETS_TOPIC) {
                // Created on the first FindCoordinator, as the broker does (auto-creation of
                // the internal topic: offsets.topic.num.partitions, RF up to 3).
                let rf = (sim.metadata.brokers.values().filter(|b| !b.fenced).count() as i32)
                    .clamp(1, 3);
                sim.create_topic_with(
                    OFFSETS_TOPIC,
                    OFFSETS_TOPIC_NUM_PARTITIONS,
                    rf,
                    crate::sim::metadata::TopicConfig::default(),
                )?;
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
                .push(Consumer::new(&name, index, config, topics, bootstrap, seq));
            let mut out = Out::default();
            sim.with_consumer(index, &mut out, |c, ctx, out| c.start(ctx, out));
            sim.flush(out);
        }
        Command::ConsumerClose(name) => sim.consumer_do(&name, |c, ctx, out| c.close(ctx, out)),
        Command::ConsumerCrash(name) => {
            let i = sim.consumer_index(&name).expect("validated");
            sim.consumers[i as usize].crash();
            sim.trace.push(
                now,
                NodeId::Consumer(i),
                TraceKind::Consumer,
                format!("Consumer {name} crashed (kill -9)"),
            );
        }
        Command::ConsumerRestart(name) => sim.consumer_do(&name, |c, ctx, out| c.restart(ctx, out)),
        Command::ConsumerCommit(name) => {
            sim.consumer_do(&name, |c, ctx, out| c.commit_now(ctx, out))
        }
        Command::ConsumerPause(name) => sim.consumer_do(&name, |c, _, _| {
            c.paused = c.assignment.iter().cloned().collect_set()
        }),
        Command::ConsumerResume(name) => sim.consumer_do(&name, |c, _, _| c.paused.clear()),
        Command::ConsumerSubscribe(name, topics) => {
            sim.consumer_do(&name, |c, ctx, out| c.subscribe(topics, ctx, out))
        }
        Command::TopicAddPartitions { name, partitions } => {
            sim.add_partitions(&name, partitions)?
        }
    }
    Ok(())
}

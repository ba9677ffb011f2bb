//! The messages in flight on the simulated network, by id: sent in id order, delivered in any
//! order (links have different latencies).
//!
//! Why not a `BTreeMap<u64, Message>`: its code is about 5 KB of wasm for this one type. Here a
//! send appends (ids only grow) and a delivery finds its message by binary search and leaves a
//! hole; holes at the front are dropped at once, and the rest are squeezed out when they
//! outnumber the messages, so memory and iteration stay proportional to the messages in flight.
//! Iterates in id order, as the map did.

use std::collections::VecDeque;

use super::network::Message;

#[derive(Clone, Debug, Default)]
pub struct InFlight {
    /// (id, the message or `None` once delivered), ids increasing; the front is never a hole.
    slots: VecDeque<(u64, Option<Message>)>,
    live: usize,
}

impl InFlight {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn len(&self) -> usize {
        self.live
    }

    pub fn is_empty(&self) -> bool {
        self.live == 0
    }

    /// Adds a message just sent: `id` is above every id in flight (the network numbers them).
    pub fn insert(&mut self, id: u64, msg: Message) {
        debug_assert!(self.slots.back().is_none_or(|&(last, _)| last < id));
        self.slots.push_back((id, Some(msg)));
        self.live += 1;
    }

    pub fn remove(&mut self, id: &u64) -> Option<Message> {
        let i = self.slots.binary_search_by_key(id, |&(k, _)| k).ok()?;
        let msg = self.slots[i].1.take()?;
        self.live -= 1;
        while self.slots.front().is_some_and(|(_, m)| m.is_none()) {
            self.slots.pop_front();
        }
        if self.slots.len() > 2 * self.live + 64 {
            self.slots.retain(|(_, m)| m.is_some());
        }
        Some(msg)
    }

    /// The messages in id order.
    pub fn values(&self) -> impl Iterator<Item = &Message> + Clone {
        self.slots.iter().filter_map(|(_, m)| m.as_ref())
    }
}

#[cfg(test)]
// InFlight is checked against std's BTreeMap, the behaviour it stands in for.
#[allow(clippy::disallowed_types)]
mod tests {
    use super::*;
    use crate::sim::network::{NodeId, Payload};
    use std::collections::BTreeMap;

    fn msg(id: u64) -> Message {
        Message {
            id,
            from: NodeId::Broker(1),
            to: NodeId::Broker(2),
            sent_at_ms: id,
            deliver_at_ms: id + 1,
            dropped: false,
            refused: false,
            payload: Payload::Metadata { request_id: id },
        }
    }

    #[test]
    fn behaves_as_a_btree_map_of_messages_and_stays_small() {
        let mut ours = InFlight::new();
        let mut std: BTreeMap<u64, Message> = BTreeMap::new();
        let mut next = 0u64;
        let mut x: u64 = 3;
        for round in 0..3000u64 {
            // Sends in bursts; deliveries in a scrambled order, sometimes of an id never sent.
            for _ in 0..(round % 3) {
                ours.insert(next, msg(next));
                std.insert(next, msg(next));
                next += 1;
            }
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let id = (x >> 33) % (next + 2);
            assert_eq!(
                ours.remove(&id).map(|m| m.id),
                std.remove(&id).map(|m| m.id)
            );
            assert_eq!(ours.len(), std.len());
            assert!(ours.values().map(|m| m.id).eq(std.keys().copied()));
            assert!(ours.slots.len() <= 2 * ours.len() + 65);
        }
        assert!(ours.len() > 100, "the test kept messages in flight");
    }
}

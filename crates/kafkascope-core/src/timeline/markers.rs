//! What the timeline bar marks: crashes and faults, leader elections, rebalances and errors,
//! read from the core's trace as the run first passes them (a replay of the past adds none).

use crate::sim::trace::Trace;
use crate::sim::trace::{BrokerEvent, ControllerEvent, NetworkFault, TraceLine};
use crate::sim::TraceEvent;

use super::Moment;

/// At most this many markers are kept (the first ones).
pub const MAX_MARKERS: usize = 2000;
/// Markers of one kind closer than this are counted in one.
pub const COALESCE_MS: u64 = 250;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum MarkerKind {
    /// A broker, controller or consumer killed or stopped; a network fault.
    Fault,
    /// A partition leader or the active controller elected (or a partition gone offline).
    Election,
    /// A consumer group starts a rebalance.
    Rebalance,
    /// A produce error.
    Error,
}

impl MarkerKind {
    pub const ALL: [MarkerKind; 4] = [
        MarkerKind::Fault,
        MarkerKind::Election,
        MarkerKind::Rebalance,
        MarkerKind::Error,
    ];

    /// The CSS class and `data-marker` value.
    pub fn name(self) -> &'static str {
        match self {
            MarkerKind::Fault => "fault",
            MarkerKind::Election => "election",
            MarkerKind::Rebalance => "rebalance",
            MarkerKind::Error => "error",
        }
    }

    /// Which trace lines make a marker: by the line's variant.
    pub fn of(event: &TraceEvent) -> Option<MarkerKind> {
        match &event.line {
            TraceLine::Broker(
                BrokerEvent::Killed { .. } | BrokerEvent::ControlledShutdown { .. },
            )
            | TraceLine::Controller(ControllerEvent::Killed { .. })
            | TraceLine::ConsumerCrashed { .. } => Some(MarkerKind::Fault),
            TraceLine::Network(fault) => match fault {
                NetworkFault::Healed { .. } | NetworkFault::LatencySet { .. } => None,
                NetworkFault::Isolated { .. }
                | NetworkFault::LinkCut { .. }
                | NetworkFault::LinkSlowed { .. }
                | NetworkFault::MessagesDropped { .. } => Some(MarkerKind::Fault),
            },
            TraceLine::Election(_)
            | TraceLine::Controller(
                ControllerEvent::RaftLeaderElected { .. }
                | ControllerEvent::ZkControllerElected { .. },
            ) => Some(MarkerKind::Election),
            TraceLine::PreparingRebalance { .. } => Some(MarkerKind::Rebalance),
            TraceLine::AppendRefused(_) | TraceLine::Producer(_) => Some(MarkerKind::Error),
            TraceLine::Broker(BrokerEvent::Started { .. })
            | TraceLine::Controller(ControllerEvent::Started { .. })
            | TraceLine::Text(..) => None,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Marker {
    pub at: Moment,
    pub kind: MarkerKind,
    /// The first trace line it stands for.
    pub text: String,
    /// How many lines of its kind it stands for (within [`COALESCE_MS`] of each other).
    pub count: u32,
    /// The first line's index in the whole trace (a fork drops the markers from there on).
    trace_index: u64,
}

#[derive(Clone, Debug, Default)]
pub struct Markers {
    list: Vec<Marker>,
}

impl Markers {
    /// Reads the trace lines pushed after the first `from_total`, at moment `at`.
    pub fn observe(&mut self, trace: &Trace, from_total: u64, at: Moment) {
        let total = trace.total();
        let new = total.saturating_sub(from_total) as usize;
        let len = trace.events.len();
        let first = len.saturating_sub(new);
        for (i, event) in trace.events.iter().enumerate().skip(first) {
            if let Some(kind) = MarkerKind::of(event) {
                let index = total - (len - i) as u64;
                self.add(kind, event, index, at);
            }
        }
    }

    fn add(&mut self, kind: MarkerKind, event: &TraceEvent, trace_index: u64, at: Moment) {
        if let Some(last) = self.list.iter_mut().rev().take(8).find(|m| m.kind == kind) {
            if event.at_ms.saturating_sub(last.at.at_ms) < COALESCE_MS {
                last.count += 1;
                return;
            }
        }
        if self.list.len() < MAX_MARKERS {
            self.list.push(Marker {
                at: Moment {
                    events: at.events,
                    at_ms: event.at_ms,
                },
                kind,
                text: event.text(),
                count: 1,
                trace_index,
            });
        }
    }

    /// Forgets the markers of trace lines from index `trace_total` on.
    pub fn truncate_from(&mut self, trace_total: u64) {
        self.list.retain(|m| m.trace_index < trace_total);
    }

    pub fn iter(&self) -> impl Iterator<Item = &Marker> {
        self.list.iter()
    }

    pub fn len(&self) -> usize {
        self.list.len()
    }

    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::network::NodeId;
    use crate::sim::trace::Trace;
    use crate::sim::TraceKind;

    /// A marker comes from what the line is, not from what its text says: a consumer named
    /// `crashed-1` logging, or a text line that reads like a kill, marks nothing.
    #[test]
    fn markers_are_chosen_by_variant_not_by_text() {
        let mut trace = Trace::default();
        let node = NodeId::Broker(2);
        trace.event(
            1,
            node,
            TraceLine::Broker(BrokerEvent::Killed { broker: 2 }),
        );
        trace.push(
            2,
            node,
            TraceKind::Broker,
            "Broker 2 killed (kill -9)".into(),
        );
        let consumer = NodeId::Consumer(0);
        trace.push(
            3,
            consumer,
            TraceKind::Consumer,
            "[Consumer clientId=crashed-1] polled".into(),
        );
        let healed = TraceLine::Network(NetworkFault::Healed { node: None });
        trace.push_network(4, healed);
        let kinds: Vec<Option<MarkerKind>> = trace.events.iter().map(MarkerKind::of).collect();
        assert_eq!(kinds, [Some(MarkerKind::Fault), None, None, None]);
        // The typed line and the text line read the same.
        assert_eq!(trace.events[0].text(), trace.events[1].text());
    }
}

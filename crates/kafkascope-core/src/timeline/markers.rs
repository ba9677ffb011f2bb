//! What the timeline bar marks: crashes and faults, leader elections, rebalances and errors,
//! read from the core's trace as the run first passes them (a replay of the past adds none).

use crate::sim::trace::Trace;
use crate::sim::{TraceEvent, TraceKind};

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

    /// Which trace lines make a marker.
    pub fn of(event: &TraceEvent) -> Option<MarkerKind> {
        let text = event.text.as_str();
        match event.kind {
            TraceKind::Broker if text.contains("killed") || text.contains("shutting down (") => {
                Some(MarkerKind::Fault)
            }
            TraceKind::Controller if text.contains("killed") => Some(MarkerKind::Fault),
            TraceKind::Consumer if text.contains("crashed") => Some(MarkerKind::Fault),
            TraceKind::Fault
                if !text.starts_with("healed") && !text.starts_with("network latency") =>
            {
                Some(MarkerKind::Fault)
            }
            TraceKind::Election
                if text.starts_with("Elected")
                    || text.starts_with("UNCLEAN")
                    || text.contains("is offline") =>
            {
                Some(MarkerKind::Election)
            }
            TraceKind::Controller
                if text.contains("elected as the controller")
                    || text.contains("Completed transition to Leader") =>
            {
                Some(MarkerKind::Election)
            }
            TraceKind::Group if text.contains("Preparing to rebalance") => {
                Some(MarkerKind::Rebalance)
            }
            TraceKind::ProduceError => Some(MarkerKind::Error),
            _ => None,
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
                text: event.text.clone(),
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

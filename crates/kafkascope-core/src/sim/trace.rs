//! The trace: every notable event with its time and node, as Kafka-style log lines. It drives
//! the page's event log and timeline, and its hash checks determinism.

use serde::Serialize;

use super::network::NodeId;

mod line;

pub use line::{
    AppendError, BrokerEvent, ControllerEvent, LeaderElection, NetworkFault, ProducerError,
    TraceLine,
};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TraceKind {
    Broker,
    Controller,
    Election,
    Isr,
    Replication,
    Produce,
    ProduceError,
    Retention,
    Fault,
    Command,
    Group,
    Consumer,
}

#[derive(Clone, Debug)]
pub struct TraceEvent {
    pub at_ms: u64,
    /// The node the line is about; `None` for what concerns the whole network (a fault set
    /// for every link, healing every fault), which no node did.
    pub node: Option<NodeId>,
    pub line: TraceLine,
}

impl TraceEvent {
    pub fn kind(&self) -> TraceKind {
        self.line.kind()
    }

    /// The Kafka-style log line.
    pub fn text(&self) -> String {
        self.line.to_string()
    }
}

/// As `kafka-sim` writes it: `{at_ms, node, kind, text}`.
impl Serialize for TraceEvent {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut s = serializer.serialize_struct("TraceEvent", 4)?;
        s.serialize_field("at_ms", &self.at_ms)?;
        s.serialize_field("node", &self.node)?;
        s.serialize_field("kind", &self.kind())?;
        s.serialize_field("text", &self.text())?;
        s.end()
    }
}

/// How logs name the subject of a line that concerns the whole network.
pub const NETWORK_SUBJECT: &str = "network";

impl TraceEvent {
    /// The line's subject as `kafka-sim run --trace` prints it: `broker 2`, `controller 3000`,
    /// `network`.
    pub fn subject(&self) -> String {
        self.node
            .map_or_else(|| NETWORK_SUBJECT.to_string(), |n| n.to_string())
    }
}

/// Bounded: the oldest lines go first beyond `MAX_TRACE` (the hash still covers all of them).
pub const MAX_TRACE: usize = 100_000;

#[derive(Clone, Debug)]
pub struct Trace {
    pub events: std::collections::VecDeque<TraceEvent>,
    hash: u64,
    /// Lines pushed since the start (`events` keeps only the newest).
    pushed: u64,
}

impl Default for Trace {
    fn default() -> Self {
        Self {
            events: Default::default(),
            hash: 0xcbf2_9ce4_8422_2325,
            pushed: 0,
        }
    }
}

impl Trace {
    /// A line of text about `node`.
    pub fn push(&mut self, at_ms: u64, node: NodeId, kind: TraceKind, text: String) {
        self.push_line(at_ms, Some(node), TraceLine::Text(kind, text));
    }

    /// A notable event about `node`.
    pub fn event(&mut self, at_ms: u64, node: NodeId, line: TraceLine) {
        self.push_line(at_ms, Some(node), line);
    }

    /// A line about the whole network (see [`TraceEvent::node`]).
    pub fn push_network(&mut self, at_ms: u64, line: TraceLine) {
        self.push_line(at_ms, None, line);
    }

    fn push_line(&mut self, at_ms: u64, node: Option<NodeId>, line: TraceLine) {
        // FNV-1a over time and the rendered text: equal runs give equal hashes on every
        // platform, and a line hashes the same whether it is typed or text.
        let rendered;
        let text = match &line {
            TraceLine::Text(_, text) => text.as_str(),
            typed => {
                rendered = typed.to_string();
                rendered.as_str()
            }
        };
        for b in at_ms.to_le_bytes().iter().chain(text.as_bytes()) {
            self.hash ^= *b as u64;
            self.hash = self.hash.wrapping_mul(0x100_0000_01b3);
        }
        self.pushed += 1;
        if self.events.len() == MAX_TRACE {
            self.events.pop_front();
        }
        self.events.push_back(TraceEvent { at_ms, node, line });
    }

    pub fn hash(&self) -> u64 {
        self.hash
    }

    /// Lines pushed since the start, including those no longer kept.
    pub fn total(&self) -> u64 {
        self.pushed
    }
}

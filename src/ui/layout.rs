//! Where each node sits in the network diagram (SVG user units): the controllers on top, then
//! producers on the left, brokers in the middle and the consumer groups on the right, each
//! group a box holding its consumers. Both the diagram (drawn by Yew) and the token painter
//! (drawn per frame) use it, so a token leaves and reaches exactly the node it names.

use crate::sim::vec_map::VecMap;

use crate::sim::{BrokerId, ControllerMode, NodeId, Simulation};

pub const DIAGRAM_WIDTH: f64 = 800.0;
const TOP_Y: f64 = 40.0;
/// Where the three columns start (below the controllers and the column captions).
const BODY_Y: f64 = 128.0;
const PRODUCER_X: f64 = 72.0;
/// Room for a producer's node, its producer id above and its lost records below (issue 14).
const PRODUCER_GAP: f64 = 80.0;
const BROKERS_LEFT: f64 = 170.0;
const BROKERS_RIGHT: f64 = 580.0;
const BROKER_ROW_GAP: f64 = 78.0;
const GROUP_LEFT: f64 = 618.0;
const GROUP_RIGHT: f64 = 792.0;
const CONSUMER_GAP: f64 = 44.0;
/// Beyond this many consumers, they are drawn as small name-only pills, closer together.
const COMPACT_CONSUMERS: usize = 10;
const COMPACT_CONSUMER_GAP: f64 = 26.0;
/// A group box: its caption, then its consumers.
const GROUP_HEAD: f64 = 40.0;
const GROUP_PAD: f64 = 10.0;
const GROUP_GAP: f64 = 18.0;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Row {
    Controllers,
    Brokers,
    Producers,
    Consumers,
}

/// One consumer group's box in the right-hand column.
#[derive(Clone, Debug, PartialEq)]
pub struct GroupBox {
    pub group: String,
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Layout {
    pub width: f64,
    pub height: f64,
    pub nodes: VecMap<NodeId, (f64, f64)>,
    /// (caption, x, y) of each column's caption.
    pub rows: Vec<(Row, f64, f64)>,
    pub groups: Vec<GroupBox>,
    /// Brokers per row in the middle column.
    pub brokers_per_row: usize,
    /// Many consumers: small name-only pills.
    pub compact_consumers: bool,
}

/// Brokers per row: up to three side by side, then a squarer grid.
fn per_row(brokers: usize) -> usize {
    match brokers {
        0..=3 => brokers.max(1),
        4 => 2,
        5..=9 => 3,
        n => (n as f64).sqrt().ceil() as usize,
    }
}

impl Layout {
    /// `consumer_groups[i]` is the group of consumer `i`; groups are drawn by name.
    pub fn new(
        mode: ControllerMode,
        brokers: &[BrokerId],
        voters: &[i32],
        producers: usize,
        consumer_groups: &[&str],
    ) -> Layout {
        let mut nodes = VecMap::new();
        let mut rows = Vec::new();
        let spread = |left: f64, right: f64, n: usize, i: usize| {
            left + (right - left) * (i as f64 + 0.5) / n as f64
        };
        rows.push((Row::Controllers, 12.0, TOP_Y));
        match mode {
            ControllerMode::Kraft => {
                for (i, id) in voters.iter().enumerate() {
                    let x = spread(BROKERS_LEFT, BROKERS_RIGHT, voters.len(), i);
                    nodes.insert(NodeId::Controller(*id), (x, TOP_Y));
                }
            }
            ControllerMode::Zookeeper => {
                let x = (BROKERS_LEFT + BROKERS_RIGHT) / 2.0;
                nodes.insert(NodeId::ZooKeeper, (x, TOP_Y));
            }
        }

        // The three columns' heights, to centre each against the tallest.
        let per_row = per_row(brokers.len());
        let broker_rows = brokers.len().div_ceil(per_row).max(1);
        let brokers_h = broker_rows as f64 * BROKER_ROW_GAP;
        let producers_h = producers as f64 * PRODUCER_GAP;
        let mut groups: VecMap<&str, Vec<u32>> = VecMap::new();
        for (i, g) in consumer_groups.iter().enumerate() {
            groups.entry(g).or_default().push(i as u32);
        }
        let compact = consumer_groups.len() > COMPACT_CONSUMERS;
        let gap = if compact {
            COMPACT_CONSUMER_GAP
        } else {
            CONSUMER_GAP
        };
        // Compact: two name-only pills side by side.
        let columns = if compact { 2 } else { 1 };
        let group_h = |n: usize| GROUP_HEAD + n.div_ceil(columns) as f64 * gap + GROUP_PAD;
        let groups_h = groups.values().map(|c| group_h(c.len())).sum::<f64>()
            + GROUP_GAP * groups.len().saturating_sub(1) as f64;
        let body_h = brokers_h.max(producers_h).max(groups_h);
        let top = |h: f64| BODY_Y + (body_h - h) / 2.0;

        let caption_y = BODY_Y - 30.0;
        rows.push((Row::Brokers, BROKERS_LEFT, caption_y));
        let y0 = top(brokers_h) + BROKER_ROW_GAP / 2.0;
        for (r, chunk) in brokers.chunks(per_row).enumerate() {
            for (i, id) in chunk.iter().enumerate() {
                let x = spread(BROKERS_LEFT, BROKERS_RIGHT, per_row, i);
                nodes.insert(NodeId::Broker(*id), (x, y0 + r as f64 * BROKER_ROW_GAP));
            }
        }
        if producers > 0 {
            rows.push((Row::Producers, 12.0, caption_y));
            let y0 = top(producers_h) + PRODUCER_GAP / 2.0;
            for i in 0..producers {
                nodes.insert(
                    NodeId::Producer(i as u32),
                    (PRODUCER_X, y0 + i as f64 * PRODUCER_GAP),
                );
            }
        }
        let mut boxes = Vec::new();
        if !groups.is_empty() {
            rows.push((Row::Consumers, GROUP_LEFT, caption_y));
            let mut y = top(groups_h);
            for (group, members) in &groups {
                let height = group_h(members.len());
                for (k, i) in members.iter().enumerate() {
                    let (row, col) = (k / columns, k % columns);
                    let x = spread(GROUP_LEFT, GROUP_RIGHT, columns, col);
                    let cy = y + GROUP_HEAD + gap * (row as f64 + 0.5);
                    nodes.insert(NodeId::Consumer(*i), (x, cy));
                }
                boxes.push(GroupBox {
                    group: group.to_string(),
                    x: GROUP_LEFT,
                    y,
                    width: GROUP_RIGHT - GROUP_LEFT,
                    height,
                });
                y += height + GROUP_GAP;
            }
        }
        Layout {
            width: DIAGRAM_WIDTH,
            height: BODY_Y + body_h + 16.0,
            nodes,
            rows,
            groups: boxes,
            brokers_per_row: per_row,
            compact_consumers: compact,
        }
    }

    pub fn of(sim: &Simulation) -> Layout {
        let brokers: Vec<BrokerId> = sim.brokers.keys().copied().collect();
        let voters: Vec<i32> = sim.controller.voters.iter().map(|v| v.id).collect();
        let groups: Vec<&str> = sim
            .consumers
            .iter()
            .map(|c| c.config.group_id.as_str())
            .collect();
        Layout::new(
            sim.controller.mode,
            &brokers,
            &voters,
            sim.producers.len(),
            &groups,
        )
    }

    pub fn pos(&self, node: NodeId) -> Option<(f64, f64)> {
        self.nodes.get(&node).copied()
    }

    /// Room per broker box in its row (boxes shrink when many brokers share a row).
    pub fn broker_width(&self) -> f64 {
        ((BROKERS_RIGHT - BROKERS_LEFT) / self.brokers_per_row as f64 - 14.0).min(120.0)
    }

    pub fn group_box(&self, group: &str) -> Option<&GroupBox> {
        self.groups.iter().find(|g| g.group == group)
    }
}

//! What Kafka's command-line tools print about this cluster, as exact text:
//! `kafka-topics.sh --describe` (Kafka 4's `TopicCommand`) and `kafka-consumer-groups.sh
//! --describe` with its offsets (default), `--members` and `--state` views and `--list`
//! (`ConsumerGroupCommand`). The page's panels and the console print these strings; the tests
//! compare them with Kafka's format byte for byte (tabs, padding, blank lines).

use super::config::ControllerMode;
use super::coordinator::{Group, GroupState, OFFSETS_TOPIC};
use super::metadata::{TopicConfig, TopicMetadata};
use super::rng::SplitMix64;
use super::vec_set::VecSet;
use super::{BrokerId, BrokerState, Simulation, TopicPartition};

/// A tool's two output streams. A terminal shows the status line (stderr) before the table
/// (stdout): the tools print it first.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ToolOutput {
    pub stdout: String,
    pub stderr: String,
}

impl ToolOutput {
    pub fn terminal(&self) -> String {
        format!("{}{}", self.stderr, self.stdout)
    }
}

/// `ConsumerGroupCommand.MISSING_COLUMN_VALUE`.
const MISSING: &str = "-";
/// The address the coordinator sees each consumer connect from (`/` + IP, as Java prints an
/// `InetAddress`): the simulated clients run on the tools' host.
pub const CLIENT_HOST: &str = "/127.0.0.1";

/// Java's `%-Ns`: left-justified, at least `width` characters, never cut.
fn pad(s: &str, width: usize) -> String {
    let mut out = String::with_capacity(width.max(s.len()));
    push_pad(&mut out, s, width);
    out
}

fn push_pad(out: &mut String, s: &str, width: usize) {
    out.push_str(s);
    for _ in s.chars().count()..width {
        out.push(' ');
    }
}

/// Kafka prints broker lists comma-separated without blanks: `1,2,3`.
fn ids(list: &[BrokerId]) -> String {
    list.iter()
        .map(BrokerId::to_string)
        .collect::<Vec<_>>()
        .join(",")
}

/// The topic's id as `Uuid.toString()` prints it: 16 bytes in URL-safe base64 without padding.
/// Kafka draws a random version-4 UUID at creation (redrawing ones that start with '-'); here
/// it comes from the run's seed and the topic's name, so a run always shows the same ids.
pub fn topic_id(seed: u64, topic: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in topic.as_bytes() {
        h = (h ^ *b as u64).wrapping_mul(0x100_0000_01b3);
    }
    let mut rng = SplitMix64::new(seed ^ h);
    loop {
        let msb = (rng.next_u64() & !0xF000) | 0x4000; // version 4
        let lsb = (rng.next_u64() & !(0xC << 60)) | (0x8 << 60); // IETF variant
        let mut bytes = [0u8; 16];
        bytes[..8].copy_from_slice(&msb.to_be_bytes());
        bytes[8..].copy_from_slice(&lsb.to_be_bytes());
        let id = super::base64::encode(&bytes);
        if !id.starts_with('-') {
            return id;
        }
    }
}

/// `Configs:` lists what differs from the broker's defaults, sorted by name. The group
/// coordinator creates `__consumer_offsets` compacted with its own segment size.
fn topic_configs(name: &str, c: &TopicConfig) -> String {
    let d = TopicConfig::default();
    let mut configs: Vec<String> = Vec::new();
    if name == OFFSETS_TOPIC {
        configs.push("cleanup.policy=compact".into());
        configs.push("compression.type=producer".into());
    }
    if c.min_insync_replicas != d.min_insync_replicas {
        configs.push(format!("min.insync.replicas={}", c.min_insync_replicas));
    }
    if c.log.retention_bytes != d.log.retention_bytes {
        configs.push(format!("retention.bytes={}", c.log.retention_bytes));
    }
    if c.log.retention_ms != d.log.retention_ms {
        configs.push(format!("retention.ms={}", c.log.retention_ms));
    }
    if name == OFFSETS_TOPIC && c.log.segment_bytes == d.log.segment_bytes {
        configs.push("segment.bytes=104857600".into()); // offsets.topic.segment.bytes
    } else if c.log.segment_bytes != d.log.segment_bytes {
        configs.push(format!("segment.bytes={}", c.log.segment_bytes));
    }
    if c.unclean_leader_election_enable != d.unclean_leader_election_enable {
        configs.push(format!(
            "unclean.leader.election.enable={}",
            c.unclean_leader_election_enable
        ));
    }
    configs.join(",")
}

impl Simulation {
    /// One topic's block of `kafka-topics.sh --describe`: the topic line, then a line per
    /// partition (each starting with a tab). KRaft brokers answer DescribeTopicPartitions, so
    /// the eligible leader replicas print as empty lists (ELR is off); ZooKeeper-mode brokers
    /// answer the older Metadata request, which has no ELR: `N/A`.
    pub fn describe_topic_text(&self, topic: &str) -> Option<String> {
        let t: &TopicMetadata = self.metadata.topics.get(topic)?;
        let rf = t.partitions.first().map_or(0, |p| p.replicas.len());
        let mut out = format!(
            "Topic: {topic}\tTopicId: {}\tPartitionCount: {}\tReplicationFactor: {rf}\tConfigs: {}\n",
            topic_id(self.config.seed, topic),
            t.partitions.len(),
            topic_configs(topic, &t.config)
        );
        let elr = match self.config.mode {
            ControllerMode::Kraft => "\tElr: \tLastKnownElr: ",
            ControllerMode::Zookeeper => "\tElr: N/A\tLastKnownElr: N/A",
        };
        for (i, p) in t.partitions.iter().enumerate() {
            let leader = p
                .leader
                .map_or_else(|| "none".to_string(), |l| l.to_string());
            out.push_str(&format!(
                "\tTopic: {topic}\tPartition: {i}\tLeader: {leader}\tReplicas: {}\tIsr: {}{elr}\n",
                ids(&p.replicas),
                ids(&p.isr)
            ));
        }
        Some(out)
    }

    /// `kafka-topics.sh --describe [--topic T] [--exclude-internal]`: topics by name.
    pub fn describe_topics_text(&self, topic: Option<&str>, exclude_internal: bool) -> ToolOutput {
        match topic {
            Some(t) => match self.describe_topic_text(t) {
                Some(stdout) => ToolOutput {
                    stdout,
                    stderr: String::new(),
                },
                None => ToolOutput {
                    stdout: format!(
                        "Error while executing topic command : Topic '{t}' does not exist as expected\n"
                    ),
                    stderr: String::new(),
                },
            },
            None => ToolOutput {
                stdout: self
                    .metadata
                    .topics
                    .keys()
                    .filter(|name| !(exclude_internal && name.as_str() == OFFSETS_TOPIC))
                    .filter_map(|name| self.describe_topic_text(name))
                    .collect(),
                stderr: String::new(),
            },
        }
    }

    /// `kafka-consumer-groups.sh --list`: the groups the coordinators know.
    pub fn list_groups_text(&self) -> ToolOutput {
        let mut groups: Vec<&String> = self
            .brokers
            .values()
            .filter(|b| b.state == BrokerState::Running)
            .flat_map(|b| b.coordinator.groups.keys())
            .collect();
        super::sort::sort(&mut groups);
        groups.dedup();
        ToolOutput {
            stdout: groups.iter().map(|g| format!("{g}\n")).collect(),
            stderr: String::new(),
        }
    }

    /// `kafka-consumer-groups.sh --describe --group G` with `--members`, `--state` or neither
    /// (the offsets).
    pub fn describe_group_text(&self, group: &str, view: GroupDescribe) -> ToolOutput {
        let (coordinator, g) = self.group_view(group);
        let coordinator = coordinator.filter(|c| {
            self.brokers
                .get(c)
                .is_some_and(|b| b.state == BrokerState::Running)
        });
        let Some(coordinator) = coordinator else {
            return ToolOutput {
                stdout: "\nError: Executing consumer group command failed due to org.apache.kafka.common.errors.CoordinatorNotAvailableException: The coordinator is not available.\n".into(),
                stderr: String::new(),
            };
        };
        // DescribeGroups answers Dead for a group the coordinator does not know.
        let Some(g) = g.filter(|g| g.state != GroupState::Dead) else {
            return ToolOutput {
                stdout: format!("\nError: Consumer group '{group}' does not exist.\n"),
                stderr: String::new(),
            };
        };
        let stderr = match g.state {
            GroupState::Empty => format!("\nConsumer group '{group}' has no active members.\n"),
            GroupState::PreparingRebalance | GroupState::CompletingRebalance => {
                format!("\nWarning: Consumer group '{group}' is rebalancing.\n")
            }
            GroupState::Stable | GroupState::Dead => String::new(),
        };
        let stdout = match view {
            GroupDescribe::Offsets => self.group_offsets_table(group, g),
            GroupDescribe::Members => group_members_table(group, g),
            GroupDescribe::State => group_state_table(group, g, coordinator),
        };
        ToolOutput { stdout, stderr }
    }

    /// The tool's LOG-END-OFFSET: ListOffsets(latest) answered by the partition's leader, i.e.
    /// its high watermark; unknown without a live leader.
    pub fn log_end_offset(&self, tp: &TopicPartition) -> Option<i64> {
        let reg = self
            .metadata
            .topics
            .get(&tp.topic)?
            .partitions
            .get(tp.partition as usize)?;
        let leader = self.brokers.get(&reg.leader?)?;
        if leader.state != BrokerState::Running {
            return None;
        }
        Some(leader.replicas.get(tp)?.high_watermark)
    }

    fn group_offsets_table(&self, group: &str, g: &Group) -> String {
        // One row per partition: (partition, owner's (member id, client id)).
        type Row<'a> = (&'a TopicPartition, Option<(&'a str, &'a str)>);
        let mut rows: Vec<Row> = Vec::new();
        // DescribeGroups gives members' assignments only while the group is Stable; the tool
        // lists members with the most partitions first.
        let mut members: Vec<_> = g
            .members
            .iter()
            .filter(|(_, m)| g.state == GroupState::Stable && !m.assignment.is_empty())
            .collect();
        super::sort::sort_by_key(&mut members, |(_, m)| std::cmp::Reverse(m.assignment.len()));
        let mut assigned: VecSet<&TopicPartition> = Default::default();
        for (id, m) in members {
            let mut tps: Vec<&TopicPartition> = m.assignment.iter().collect();
            super::sort::sort(&mut tps);
            for tp in tps {
                assigned.insert(tp);
                rows.push((tp, Some((id.as_str(), m.client_id.as_str()))));
            }
        }
        // Committed offsets of partitions nobody owns now.
        for tp in g.offsets.keys().filter(|tp| !assigned.contains(tp)) {
            rows.push((tp, None));
        }
        if rows.is_empty() {
            return String::new();
        }
        let widest = |f: &dyn Fn(&Row) -> usize| rows.iter().map(f).max().unwrap_or(0).max(15);
        let wg = group.len().max(15);
        let wt = widest(&|r| r.0.topic.len());
        let wc = widest(&|r| r.1.map_or(1, |m| m.0.len()));
        let wh = widest(&|r| if r.1.is_some() { CLIENT_HOST.len() } else { 1 });
        let widths = [wg, wt, 10, 15, 15, 15, wc, wh];
        let mut out = String::with_capacity((rows.len() + 1) * 160);
        let mut line = |cols: [&str; 9]| {
            out.push('\n');
            for (c, w) in cols.iter().zip(widths) {
                push_pad(&mut out, c, w);
                out.push(' ');
            }
            out.push_str(cols[8]);
        };
        line([
            "GROUP",
            "TOPIC",
            "PARTITION",
            "CURRENT-OFFSET",
            "LOG-END-OFFSET",
            "LAG",
            "CONSUMER-ID",
            "HOST",
            "CLIENT-ID",
        ]);
        let show = |v: Option<i64>| v.map_or_else(|| MISSING.to_string(), |v| v.to_string());
        for (tp, member) in rows {
            let committed = g.offsets.get(tp).copied();
            let end = self.log_end_offset(tp);
            let lag = committed.zip(end).map(|(c, e)| e - c);
            let (id, host, client) = member.map_or((MISSING, MISSING, MISSING), |(id, client)| {
                (id, CLIENT_HOST, client)
            });
            line([
                group,
                &tp.topic,
                &tp.partition.to_string(),
                &show(committed),
                &show(end),
                &show(lag),
                id,
                host,
                client,
            ]);
        }
        out.push('\n');
        out
    }
}

/// Which table `--describe` prints.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GroupDescribe {
    Offsets,
    Members,
    State,
}

/// `--members`: one line per member, each with a trailing blank after `#PARTITIONS` as the tool
/// pads it. Assignments count only while the group is Stable.
fn group_members_table(group: &str, g: &Group) -> String {
    let stable = g.state == GroupState::Stable;
    let members: Vec<_> = g.members.iter().collect();
    let with_instance = members.iter().any(|(_, m)| m.group_instance_id.is_some());
    let max = |init: usize, f: &dyn Fn(&str, &super::coordinator::Member) -> usize| {
        members
            .iter()
            .map(|(id, m)| f(id, m))
            .max()
            .unwrap_or(0)
            .max(init)
    };
    let wg = max(15, &|_, _| group.len());
    let wc = max(15, &|id, _| id.len());
    let wi = max(17, &|_, m| {
        m.group_instance_id.as_deref().map_or(0, str::len)
    });
    let wh = max(15, &|_, _| CLIENT_HOST.len());
    let wl = max(15, &|_, m| m.client_id.len());
    let line = |cols: [&str; 6]| {
        if with_instance {
            format!(
                "{} {} {} {} {} {} ",
                pad(cols[0], wg),
                pad(cols[1], wc),
                pad(cols[2], wi),
                pad(cols[3], wh),
                pad(cols[4], wl),
                pad(cols[5], 15)
            )
        } else {
            format!(
                "{} {} {} {} {} ",
                pad(cols[0], wg),
                pad(cols[1], wc),
                pad(cols[3], wh),
                pad(cols[4], wl),
                pad(cols[5], 15)
            )
        }
    };
    let mut out = format!(
        "\n{}\n",
        line([
            "GROUP",
            "CONSUMER-ID",
            "GROUP-INSTANCE-ID",
            "HOST",
            "CLIENT-ID",
            "#PARTITIONS"
        ])
    );
    for (id, m) in members {
        let count = if stable { m.assignment.len() } else { 0 };
        out.push_str(&line([
            group,
            id,
            m.group_instance_id.as_deref().unwrap_or(""),
            CLIENT_HOST,
            &m.client_id,
            &count.to_string(),
        ]));
        out.push('\n');
    }
    out
}

/// `--state`: coordinator `host:port  (id)`, the assignor, the state and the member count.
fn group_state_table(group: &str, g: &Group, coordinator: BrokerId) -> String {
    let host = format!("broker-{coordinator}:9092  ({coordinator})");
    let wg = group.len().max(15);
    let wc = host.len().max(25);
    let strategy = match (&g.protocol, g.state) {
        (Some(p), s) if s != GroupState::Empty && !p.is_empty() => p.as_str(),
        _ => MISSING,
    };
    let line = |cols: [&str; 5]| {
        format!(
            "\n{} {} {} {} {}",
            pad(cols[0], wg),
            pad(cols[1], wc),
            pad(cols[2], 20),
            pad(cols[3], 20),
            cols[4]
        )
    };
    let state = g.state.name();
    let mut out = line([
        "GROUP",
        "COORDINATOR (ID)",
        "ASSIGNMENT-STRATEGY",
        "STATE",
        "#MEMBERS",
    ]);
    out.push_str(&line([
        group,
        &host,
        strategy,
        state,
        &g.members.len().to_string(),
    ]));
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_url_without_padding() {
        let base64_url = crate::sim::base64::encode;
        assert_eq!(base64_url(b"f"), "Zg");
        assert_eq!(base64_url(b"fo"), "Zm8");
        assert_eq!(base64_url(b"foo"), "Zm9v");
        assert_eq!(base64_url(&[0xfb, 0xff]), "-_8");
    }

    #[test]
    fn topic_ids_are_uuid_v4_stable_and_distinct() {
        let a = topic_id(1, "orders");
        assert_eq!(a.len(), 22);
        assert_eq!(a, topic_id(1, "orders"));
        assert_ne!(a, topic_id(2, "orders"));
        assert_ne!(a, topic_id(1, "payments"));
        assert!(!a.starts_with('-'));
    }

    #[test]
    fn java_padding() {
        assert_eq!(pad("ab", 4), "ab  ");
        assert_eq!(pad("abcdef", 4), "abcdef");
    }
}

//! The `kafka-sim assign` request and answer.
//!
//! Request:
//! `{"strategy": "range"|"roundrobin"|"sticky"|"cooperative-sticky",
//!   "topics": {"t": 3},
//!   "members": [{"id": "c1", "topics": ["t"], "owned": ["t-0"], "generation": 1,
//!                "group_instance_id": "i1"}]}`
//! (`owned`, `generation`, `group_instance_id` optional; members in the order the leader
//! received them). Answer: compact JSON `{"c1": ["t-0", ...], ...}` with every member, keys
//! sorted, each list in the order Kafka's assignor produces it.

use std::collections::BTreeMap;

use serde::Deserialize;

use kafkascope_core::sim::vec_map::VecMap;

use kafkascope_core::sim::assignor::{
    assign, AssignorName, MemberSubscription, TopicPartition, MAX_TOTAL_PARTITIONS,
};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Request {
    strategy: String,
    #[serde(default)]
    topics: BTreeMap<String, i64>,
    members: Vec<MemberRequest>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MemberRequest {
    id: String,
    topics: Vec<String>,
    #[serde(default)]
    owned: Vec<String>,
    #[serde(default)]
    generation: Option<i64>,
    #[serde(default)]
    group_instance_id: Option<String>,
}

/// `kafka-sim assign`: reads the JSON request, returns the JSON assignment (or a message).
pub fn assign_json(input: &str) -> Result<String, String> {
    let request: Request =
        serde_json::from_str(input).map_err(|e| format!("assign: invalid request: {e}"))?;
    let strategy = AssignorName::parse(&request.strategy).ok_or_else(|| {
        format!(
            "assign: unknown strategy '{}' (expected range, roundrobin, sticky or cooperative-sticky)",
            request.strategy
        )
    })?;

    let mut topics = VecMap::new();
    for (name, count) in &request.topics {
        if *count < 0 {
            return Err(format!(
                "assign: topic '{name}' has a negative partition count ({count})"
            ));
        }
        if *count > MAX_TOTAL_PARTITIONS {
            return Err(format!(
                "assign: topic '{name}' has {count} partitions; at most {MAX_TOTAL_PARTITIONS} are supported"
            ));
        }
        topics.insert(name.clone(), *count as i32);
    }

    let mut members = Vec::with_capacity(request.members.len());
    for m in request.members {
        let owned_partitions = m
            .owned
            .iter()
            .map(|s| {
                TopicPartition::parse(s).map_err(|e| format!("assign: member '{}' owns {e}", m.id))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let generation = match m.generation {
            None => None,
            Some(g) => Some(i32::try_from(g).map_err(|_| {
                format!("assign: member '{}' has generation {g}, out of range", m.id)
            })?),
        };
        members.push(MemberSubscription {
            member_id: m.id,
            group_instance_id: m.group_instance_id,
            topics: m.topics,
            owned_partitions,
            generation,
        });
    }

    let assignment = assign(strategy, &topics, &members).map_err(|e| format!("assign: {e}"))?;
    let answer: VecMap<String, Vec<String>> = assignment
        .into_iter()
        .map(|(member, partitions)| (member, partitions.iter().map(ToString::to_string).collect()))
        .collect();
    serde_json::to_string(&answer).map_err(|e| format!("assign: cannot write the answer: {e}"))
}

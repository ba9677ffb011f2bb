//! Table tests for the classic consumer assignors, reproducing Apache Kafka's own tests
//! (`RangeAssignorTest`, `RoundRobinAssignorTest`, `internals/AbstractStickyAssignorTest`,
//! `CooperativeStickyAssignorTest`, `StickyAssignor` javadoc examples), plus property checks over
//! seeded random groups. Where a Kafka test compares exact lists, so do these.

// The rules of clippy.toml (VecMap, sim::sort, no wall clock) are the model's; a test may
// use std's collections, sorts and clock.
#![allow(clippy::disallowed_types, clippy::disallowed_methods)]

use std::collections::BTreeSet;

use kafkascope_core::sim::vec_map::VecMap;

use kafkascope_core::sim::assignor::{
    assign, assign_detailed, hash_map_order, java_compare, rebalance_protocol_for, AssignorName,
    AssignorName::*, MemberSubscription, RebalanceProtocol, StickyPath, TopicPartition,
};

// ---------------------------------------------------------------------------------------------
// helpers

fn tp(topic: &str, partition: i32) -> TopicPartition {
    TopicPartition::new(topic, partition)
}

/// "t1-0, t1-1" → partitions (the notation of Kafka's rack-aware tests).
fn parts(list: &str) -> Vec<TopicPartition> {
    list.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| TopicPartition::parse(s).unwrap())
        .collect()
}

fn topics(list: &[(&str, i32)]) -> VecMap<String, i32> {
    list.iter().map(|(t, n)| (t.to_string(), *n)).collect()
}

fn member(id: &str, subscribed: &[&str]) -> MemberSubscription {
    MemberSubscription::new(id, subscribed)
}

fn owning(
    id: &str,
    subscribed: &[&str],
    owned: &[TopicPartition],
    generation: i32,
) -> MemberSubscription {
    MemberSubscription::new(id, subscribed).owning(owned, generation)
}

fn run(
    strategy: AssignorName,
    topics: &VecMap<String, i32>,
    members: &[MemberSubscription],
) -> VecMap<String, Vec<TopicPartition>> {
    assign(strategy, topics, members).expect("assignment runs")
}

fn get<'a>(a: &'a VecMap<String, Vec<TopicPartition>>, id: &str) -> &'a [TopicPartition] {
    a.get(id)
        .map(Vec::as_slice)
        .unwrap_or_else(|| panic!("{id} missing from {a:?}"))
}

fn set(list: &[TopicPartition]) -> BTreeSet<TopicPartition> {
    list.iter().cloned().collect()
}

/// Kafka's `toSortedString` comparison: order-insensitive, as in `verifyRackAssignment`.
fn sorted_strings(list: &[TopicPartition]) -> String {
    let mut s: Vec<String> = list.iter().map(ToString::to_string).collect();
    s.sort();
    s.join(", ")
}

/// `verifyRackAssignment` without racks: members `consumer0..`, each expected list compared as
/// a sorted string.
fn verify_sorted(
    strategy: AssignorName,
    topics: &VecMap<String, i32>,
    members: &[MemberSubscription],
    expected: &[&str],
) -> VecMap<String, Vec<TopicPartition>> {
    let a = run(strategy, topics, members);
    for (i, want) in expected.iter().enumerate() {
        let id = &members[i].member_id;
        assert_eq!(sorted_strings(get(&a, id)), *want, "{strategy} {id}: {a:?}");
    }
    a
}

fn rack_test_members(subscriptions: &[&[&str]], owned: Option<&[&str]>) -> Vec<MemberSubscription> {
    subscriptions
        .iter()
        .enumerate()
        .map(|(i, subscribed)| {
            let mut m = member(&format!("consumer{i}"), subscribed);
            if let Some(owned) = owned {
                // verifyRackAssignment passes owned partitions with DEFAULT_GENERATION (-1).
                m.owned_partitions = parts(owned[i]);
                m.generation = None;
            }
            m
        })
        .collect()
}

/// `AbstractStickyAssignorTest.verifyValidityAndBalance`: each partition at most once, only to
/// subscribers; two members differing by 2+ share no assigned topic.
fn verify_validity_and_balance(
    members: &[MemberSubscription],
    a: &VecMap<String, Vec<TopicPartition>>,
) {
    assert_eq!(a.len(), members.len(), "every member present");
    let subs: VecMap<&str, &MemberSubscription> =
        members.iter().map(|m| (m.member_id.as_str(), m)).collect();
    let mut seen = BTreeSet::new();
    for (id, list) in a {
        for p in list {
            assert!(
                subs[id.as_str()].topics.contains(&p.topic),
                "{p} given to {id}, which does not subscribe to it: {a:?}"
            );
            assert!(seen.insert(p.clone()), "{p} assigned twice: {a:?}");
        }
    }
    let ids: Vec<&String> = a.keys().collect();
    for i in 0..ids.len() {
        for j in i + 1..ids.len() {
            let (x, y) = (&a[ids[i]], &a[ids[j]]);
            if x.len().abs_diff(y.len()) <= 1 {
                continue;
            }
            let tx: BTreeSet<&str> = x.iter().map(|p| p.topic.as_str()).collect();
            let ty: BTreeSet<&str> = y.iter().map(|p| p.topic.as_str()).collect();
            assert!(
                tx.is_disjoint(&ty),
                "{} ({}) and {} ({}) could be balanced: {a:?}",
                ids[i],
                x.len(),
                ids[j],
                y.len()
            );
        }
    }
}

fn fully_balanced(a: &VecMap<String, Vec<TopicPartition>>) -> bool {
    let sizes: Vec<usize> = a.values().map(Vec::len).collect();
    sizes.iter().max().unwrap_or(&0) - sizes.iter().min().unwrap_or(&0) <= 1
}

/// The members' next subscriptions: same topics, owning what they were just given.
fn next_round(
    members: &[MemberSubscription],
    a: &VecMap<String, Vec<TopicPartition>>,
    generation: i32,
) -> Vec<MemberSubscription> {
    members
        .iter()
        .map(|m| {
            let mut next = m.clone();
            next.owned_partitions = a[&m.member_id].clone();
            next.generation = Some(generation);
            next
        })
        .collect()
}

/// `CooperativeStickyAssignorTest.verifyValidityAndBalance`: rebalance again while partitions
/// are being revoked (never assigning a partition in the round its owner revokes it), then check
/// the final assignment. Returns it.
fn cooperative_converge(
    topics: &VecMap<String, i32>,
    mut members: Vec<MemberSubscription>,
    mut a: VecMap<String, Vec<TopicPartition>>,
) -> VecMap<String, Vec<TopicPartition>> {
    let mut rebalances = 0;
    loop {
        let mut added = BTreeSet::new();
        let mut revoked = BTreeSet::new();
        for m in &members {
            let owned = set(&m.owned_partitions);
            let assigned = set(&a[&m.member_id]);
            revoked.extend(owned.difference(&assigned).cloned());
            added.extend(assigned.difference(&owned).cloned());
        }
        assert!(
            added.is_disjoint(&revoked),
            "assigned while still being revoked: {:?}",
            added.intersection(&revoked).collect::<Vec<_>>()
        );
        if revoked.is_empty() {
            break;
        }
        members = next_round(&members, &a, 1);
        a = run(CooperativeSticky, topics, &members);
        rebalances += 1;
        assert!(rebalances <= 4, "cooperative rebalancing does not settle");
    }
    verify_validity_and_balance(&members, &a);
    a
}

// ---------------------------------------------------------------------------------------------
// Java HashMap order and String.compareTo (A1, A8), checked against real Java 17

#[test]
fn hash_map_order_matches_java() {
    let cases: &[(&[&str], &[&str])] = &[
        (
            &[
                "consumer1",
                "consumer2",
                "consumer3",
                "consumer4",
                "consumer5",
            ],
            &[
                "consumer5",
                "consumer4",
                "consumer3",
                "consumer2",
                "consumer1",
            ],
        ),
        (&["c1", "c2", "c3"], &["c3", "c1", "c2"]),
        (
            &["consumer0", "consumer1", "consumer2"],
            &["consumer2", "consumer1", "consumer0"],
        ),
        (
            &["topic1", "topic2", "topic3", "topic4", "topic5"],
            &["topic1", "topic2", "topic5", "topic3", "topic4"],
        ),
        (
            &["t1", "t2", "t3", "topic", "topic1", "topic2", "other"],
            &["topic1", "topic2", "other", "topic", "t1", "t2", "t3"],
        ),
    ];
    for (keys, expected) in cases {
        let order: Vec<&str> = hash_map_order(keys).into_iter().map(|i| keys[i]).collect();
        assert_eq!(order, *expected);
    }
}

#[test]
fn hash_map_order_matches_java_after_resizes() {
    // 20 keys: the table grows to 32 buckets.
    let keys: Vec<String> = (0..20).map(|i| format!("c{i:02}")).collect();
    let refs: Vec<&str> = keys.iter().map(String::as_str).collect();
    let order: Vec<&str> = hash_map_order(&refs).into_iter().map(|i| refs[i]).collect();
    assert_eq!(
        order.join(","),
        "c00,c11,c10,c02,c13,c01,c12,c04,c15,c03,c14,c06,c17,c05,c16,c08,c19,c07,c18,c09"
    );
    // Ten keys with one hash code ("Aa" and "BB" collide): a bucket of 9 resizes the table
    // (treeifyBin below 64 buckets) while insertion order is kept.
    let colliding: Vec<String> = (0..10)
        .map(|i| {
            (0..4)
                .map(|b| if (i >> b) & 1 == 1 { "BB" } else { "Aa" })
                .collect()
        })
        .chain(["x".to_string(), "y".to_string()])
        .collect();
    let refs: Vec<&str> = colliding.iter().map(String::as_str).collect();
    let order: Vec<&str> = hash_map_order(&refs).into_iter().map(|i| refs[i]).collect();
    assert_eq!(
        order.join(","),
        "AaAaAaAa,BBAaAaAa,AaBBAaAa,BBBBAaAa,AaAaBBAa,BBAaBBAa,AaBBBBAa,BBBBBBAa,AaAaAaBB,BBAaAaBB,x,y"
    );
}

#[test]
fn java_compare_is_utf16_order() {
    use std::cmp::Ordering::*;
    assert_eq!(java_compare("consumer-1", "consumer-10"), Less);
    assert_eq!(java_compare("consumer-10", "consumer-2"), Less);
    assert_eq!(java_compare("B", "a"), Less);
    // U+FF5E sorts after a surrogate pair in UTF-8 byte order but before it in UTF-16.
    assert_eq!(java_compare("\u{ff5e}", "😀"), Greater);
    assert_eq!("\u{ff5e}".cmp("😀"), Less);
}

// ---------------------------------------------------------------------------------------------
// names and protocols (A10)

#[test]
fn names_and_supported_protocols() {
    for a in AssignorName::ALL {
        assert_eq!(AssignorName::parse(a.name()), Some(a));
        assert_eq!(AssignorName::parse(a.class_name()), Some(a));
    }
    assert_eq!(
        AssignorName::parse("CooperativeStickyAssignor"),
        Some(CooperativeSticky)
    );
    assert_eq!(AssignorName::parse("uniform"), None);
    assert_eq!(Range.supported_protocols(), &[RebalanceProtocol::Eager]);
    assert_eq!(
        RoundRobin.supported_protocols(),
        &[RebalanceProtocol::Eager]
    );
    assert_eq!(Sticky.supported_protocols(), &[RebalanceProtocol::Eager]);
    assert_eq!(
        CooperativeSticky.supported_protocols(),
        &[RebalanceProtocol::Cooperative, RebalanceProtocol::Eager]
    );
    // The default [range, cooperative-sticky] stays EAGER until range is removed.
    assert_eq!(
        rebalance_protocol_for(&[Range, CooperativeSticky]),
        Some(RebalanceProtocol::Eager)
    );
    assert_eq!(
        rebalance_protocol_for(&[CooperativeSticky]),
        Some(RebalanceProtocol::Cooperative)
    );
    assert_eq!(rebalance_protocol_for(&[]), None);
}

// ---------------------------------------------------------------------------------------------
// common input handling (A2)

#[test]
fn every_member_appears_even_without_partitions() {
    for strategy in AssignorName::ALL {
        // testOneConsumerNoTopic, testOneConsumerNonexistentTopic
        let a = run(strategy, &topics(&[]), &[member("consumer", &[])]);
        assert_eq!(
            a,
            VecMap::from([("consumer".to_string(), vec![])]),
            "{strategy}"
        );
        let a = run(
            strategy,
            &topics(&[("other", 3)]),
            &[member("consumer", &["topic"])],
        );
        assert_eq!(a["consumer"], vec![], "{strategy}");
        // A topic with zero partitions is skipped like one without metadata.
        let a = run(
            strategy,
            &topics(&[("topic", 0)]),
            &[member("consumer", &["topic"])],
        );
        assert_eq!(a["consumer"], vec![], "{strategy}");
        // testOneConsumerOneTopic, testOnlyAssignsPartitionsFromSubscribedTopics
        let a = run(
            strategy,
            &topics(&[("topic", 3), ("other", 3)]),
            &[member("consumer", &["topic"])],
        );
        assert_eq!(
            a["consumer"],
            parts("topic-0, topic-1, topic-2"),
            "{strategy}"
        );
        // testOneConsumerMultipleTopics
        let a = run(
            strategy,
            &topics(&[("topic1", 1), ("topic2", 2)]),
            &[member("consumer", &["topic1", "topic2"])],
        );
        assert_eq!(
            a["consumer"],
            parts("topic1-0, topic2-0, topic2-1"),
            "{strategy}"
        );
        let a = run(strategy, &topics(&[]), &[]);
        assert!(a.is_empty(), "{strategy}");
    }
}

#[test]
fn invalid_requests_are_refused() {
    let err = assign(
        Range,
        &topics(&[("t", 1)]),
        &[member("c", &["t"]), member("c", &["t"])],
    )
    .unwrap_err();
    assert!(err.0.contains("'c' appears twice"), "{err}");
    let err = assign(Range, &topics(&[("t", -1)]), &[member("c", &["t"])]).unwrap_err();
    assert!(err.0.contains("negative partition count"), "{err}");
    let err = assign(Sticky, &topics(&[("t", 100_001)]), &[member("c", &["t"])]).unwrap_err();
    assert!(err.0.contains("at most"), "{err}");
}

// ---------------------------------------------------------------------------------------------
// range (RangeAssignorTest, A3)

#[test]
fn range_two_consumers_one_topic() {
    let members = [
        member("consumer1", &["topic1"]),
        member("consumer2", &["topic1"]),
    ];
    let a = run(Range, &topics(&[("topic1", 1)]), &members);
    assert_eq!(get(&a, "consumer1"), parts("topic1-0"));
    assert_eq!(get(&a, "consumer2"), parts(""));
    let a = run(Range, &topics(&[("topic1", 2)]), &members);
    assert_eq!(get(&a, "consumer1"), parts("topic1-0"));
    assert_eq!(get(&a, "consumer2"), parts("topic1-1"));
}

#[test]
fn range_multiple_consumers_mixed_topics() {
    let a = run(
        Range,
        &topics(&[("topic1", 3), ("topic2", 2)]),
        &[
            member("consumer1", &["topic1"]),
            member("consumer2", &["topic1", "topic2"]),
            member("consumer3", &["topic1"]),
        ],
    );
    assert_eq!(get(&a, "consumer1"), parts("topic1-0"));
    assert_eq!(get(&a, "consumer2"), parts("topic1-1, topic2-0, topic2-1"));
    assert_eq!(get(&a, "consumer3"), parts("topic1-2"));
}

#[test]
fn range_first_members_get_the_extra_partition_of_every_topic() {
    // testTwoConsumersTwoTopicsSixPartitions and the RangeAssignor javadoc example.
    let a = run(
        Range,
        &topics(&[("topic1", 3), ("topic2", 3)]),
        &[
            member("consumer1", &["topic1", "topic2"]),
            member("consumer2", &["topic1", "topic2"]),
        ],
    );
    assert_eq!(
        get(&a, "consumer1"),
        parts("topic1-0, topic1-1, topic2-0, topic2-1")
    );
    assert_eq!(get(&a, "consumer2"), parts("topic1-2, topic2-2"));
}

#[test]
fn range_orders_static_members_by_instance_id() {
    let t = topics(&[("topic1", 3), ("topic2", 3)]);
    // testTwoStaticConsumersTwoTopicsSixPartitions: consumer-b has the lower instance id.
    let a = run(
        Range,
        &t,
        &[
            member("consumer-b", &["topic1", "topic2"]).with_instance_id("instance1"),
            member("consumer-a", &["topic1", "topic2"]).with_instance_id("instance2"),
        ],
    );
    assert_eq!(
        get(&a, "consumer-b"),
        parts("topic1-0, topic1-1, topic2-0, topic2-1")
    );
    assert_eq!(get(&a, "consumer-a"), parts("topic1-2, topic2-2"));
    // testOneStaticConsumerAndOneDynamicConsumerTwoTopicsSixPartitions: static first.
    let a = run(
        Range,
        &t,
        &[
            member("consumer-b", &["topic1", "topic2"]).with_instance_id("instance1"),
            member("consumer-a", &["topic1", "topic2"]),
        ],
    );
    assert_eq!(
        get(&a, "consumer-b"),
        parts("topic1-0, topic1-1, topic2-0, topic2-1")
    );
    assert_eq!(get(&a, "consumer-a"), parts("topic1-2, topic2-2"));
}

#[test]
fn range_static_member_assignment_persistent() {
    // testStaticMemberRangeAssignmentPersistent: exact lists (assertEquals on the maps).
    let t = topics(&[("topic1", 5), ("topic2", 4)]);
    let both = ["topic1", "topic2"];
    let mut members = vec![
        member("consumer1", &both).with_instance_id("instance1"),
        member("consumer2", &both).with_instance_id("instance2"),
        member("consumer3", &both).with_instance_id("instance3"),
        member("consumer4", &both),
    ];
    let mut expected = VecMap::from([
        (
            "consumer1".to_string(),
            parts("topic1-0, topic1-1, topic2-0"),
        ),
        ("consumer2".to_string(), parts("topic1-2, topic2-1")),
        ("consumer3".to_string(), parts("topic1-3, topic2-2")),
        ("consumer4".to_string(), parts("topic1-4, topic2-3")),
    ]);
    assert_eq!(run(Range, &t, &members), expected);
    // Replace dynamic member 4 with a new dynamic member 5.
    members[3] = member("consumer5", &both);
    let c4 = expected.remove("consumer4").unwrap();
    expected.insert("consumer5".to_string(), c4);
    assert_eq!(run(Range, &t, &members), expected);
}

#[test]
fn range_static_assignment_survives_member_id_changes() {
    // testStaticMemberRangeAssignmentPersistentAfterMemberIdChanges
    let t = topics(&[("topic1", 5), ("topic2", 5)]);
    let both = ["topic1", "topic2"];
    let by_instance = |members: &[MemberSubscription]| -> VecMap<String, Vec<TopicPartition>> {
        let a = run(Range, &t, members);
        members
            .iter()
            .map(|m| {
                (
                    m.group_instance_id.clone().unwrap(),
                    a[&m.member_id].clone(),
                )
            })
            .collect()
    };
    let first = by_instance(&[
        member("consumer1", &both).with_instance_id("instance1"),
        member("consumer2", &both).with_instance_id("instance2"),
        member("consumer3", &both).with_instance_id("instance3"),
    ]);
    assert_eq!(
        first["instance1"],
        parts("topic1-0, topic1-1, topic2-0, topic2-1")
    );
    assert_eq!(
        first["instance2"],
        parts("topic1-2, topic1-3, topic2-2, topic2-3")
    );
    assert_eq!(first["instance3"], parts("topic1-4, topic2-4"));
    let second = by_instance(&[
        member("consumer1", &both).with_instance_id("instance1"),
        member("consumer5", &both).with_instance_id("instance2"),
        member("consumer4", &both).with_instance_id("instance3"),
    ]);
    assert_eq!(first, second);
}

#[test]
fn range_non_rack_cases_of_the_rack_aware_tests() {
    let all: &[&str] = &["t1", "t2", "t3"];
    // testRackAwareAssignmentWithUniformSubscription (combinations without rack-aware logic)
    verify_sorted(
        Range,
        &topics(&[("t1", 6), ("t2", 7), ("t3", 2)]),
        &rack_test_members(&[all, all, all], None),
        &[
            "t1-0, t1-1, t2-0, t2-1, t2-2, t3-0",
            "t1-2, t1-3, t2-3, t2-4, t3-1",
            "t1-4, t1-5, t2-5, t2-6",
        ],
    );
    // testRackAwareAssignmentWithNonEqualSubscription
    verify_sorted(
        Range,
        &topics(&[("t1", 6), ("t2", 7), ("t3", 2)]),
        &rack_test_members(&[all, all, &["t1", "t3"]], None),
        &[
            "t1-0, t1-1, t2-0, t2-1, t2-2, t2-3, t3-0",
            "t1-2, t1-3, t2-4, t2-5, t2-6, t3-1",
            "t1-4, t1-5",
        ],
    );
    // testRackAwareAssignmentWithUniformPartitions
    verify_sorted(
        Range,
        &topics(&[("t1", 5), ("t2", 5), ("t3", 5)]),
        &rack_test_members(&[all, all, all], None),
        &[
            "t1-0, t1-1, t2-0, t2-1, t3-0, t3-1",
            "t1-2, t1-3, t2-2, t2-3, t3-2, t3-3",
            "t1-4, t2-4, t3-4",
        ],
    );
    // testRackAwareAssignmentWithUniformPartitionsNonEqualSubscription
    verify_sorted(
        Range,
        &topics(&[("t1", 5), ("t2", 5), ("t3", 5)]),
        &rack_test_members(&[all, all, &["t1", "t3"]], None),
        &[
            "t1-0, t1-1, t2-0, t2-1, t2-2, t3-0, t3-1",
            "t1-2, t1-3, t2-3, t2-4, t3-2, t3-3",
            "t1-4, t3-4",
        ],
    );
}

#[test]
fn range_co_partitioning_cases() {
    // testRackAwareAssignmentWithCoPartitioning, non-rack expectations.
    let t = topics(&[("t1", 6), ("t2", 6), ("t3", 2), ("t4", 2)]);
    verify_sorted(
        Range,
        &t,
        &rack_test_members(
            &[&["t1", "t2"], &["t1", "t2"], &["t3", "t4"], &["t3", "t4"]],
            None,
        ),
        &[
            "t1-0, t1-1, t1-2, t2-0, t2-1, t2-2",
            "t1-3, t1-4, t1-5, t2-3, t2-4, t2-5",
            "t3-0, t4-0",
            "t3-1, t4-1",
        ],
    );
    let all: &[&str] = &["t1", "t2", "t3", "t4"];
    verify_sorted(
        Range,
        &t,
        &rack_test_members(&[all, all, all, all], None),
        &[
            "t1-0, t1-1, t2-0, t2-1, t3-0, t4-0",
            "t1-2, t1-3, t2-2, t2-3, t3-1, t4-1",
            "t1-4, t2-4",
            "t1-5, t2-5",
        ],
    );
    // testCoPartitionedAssignmentWithSameSubscription: t7..t9 do not exist.
    let list: &[&str] = &["t1", "t2", "t3", "t4", "t5", "t6", "t7", "t8", "t9"];
    verify_sorted(
        Range,
        &topics(&[
            ("t1", 6),
            ("t2", 6),
            ("t3", 2),
            ("t4", 2),
            ("t5", 4),
            ("t6", 4),
        ]),
        &rack_test_members(&[list, list, list], None),
        &[
            "t1-0, t1-1, t2-0, t2-1, t3-0, t4-0, t5-0, t5-1, t6-0, t6-1",
            "t1-2, t1-3, t2-2, t2-3, t3-1, t4-1, t5-2, t6-2",
            "t1-4, t1-5, t2-4, t2-5, t5-3, t6-3",
        ],
    );
}

#[test]
fn range_lists_topics_in_java_hash_map_order() {
    // partitionsPerTopic is a HashMap: "topic5" iterates before "topic3" (see the Java table above).
    let a = run(
        Range,
        &topics(&[("topic3", 1), ("topic5", 1), ("topic1", 1)]),
        &[member("c", &["topic3", "topic5", "topic1"])],
    );
    assert_eq!(a["c"], parts("topic1-0, topic5-0, topic3-0"));
}

// ---------------------------------------------------------------------------------------------
// roundrobin (RoundRobinAssignorTest, A4)

#[test]
fn roundrobin_two_consumers_one_topic() {
    let members = [
        member("consumer1", &["topic"]),
        member("consumer2", &["topic"]),
    ];
    let a = run(RoundRobin, &topics(&[("topic", 1)]), &members);
    assert_eq!(get(&a, "consumer1"), parts("topic-0"));
    assert_eq!(get(&a, "consumer2"), parts(""));
    let a = run(RoundRobin, &topics(&[("topic", 2)]), &members);
    assert_eq!(get(&a, "consumer1"), parts("topic-0"));
    assert_eq!(get(&a, "consumer2"), parts("topic-1"));
}

#[test]
fn roundrobin_multiple_consumers_mixed_topics() {
    let a = run(
        RoundRobin,
        &topics(&[("topic1", 3), ("topic2", 2)]),
        &[
            member("consumer1", &["topic1"]),
            member("consumer2", &["topic1", "topic2"]),
            member("consumer3", &["topic1"]),
        ],
    );
    assert_eq!(get(&a, "consumer1"), parts("topic1-0"));
    assert_eq!(get(&a, "consumer2"), parts("topic1-1, topic2-0, topic2-1"));
    assert_eq!(get(&a, "consumer3"), parts("topic1-2"));
}

#[test]
fn roundrobin_cursor_is_not_reset_between_topics() {
    let t = topics(&[("topic1", 3), ("topic2", 3)]);
    // testTwoDynamicConsumersTwoTopicsSixPartitions
    let a = run(
        RoundRobin,
        &t,
        &[
            member("consumer1", &["topic1", "topic2"]),
            member("consumer2", &["topic1", "topic2"]),
        ],
    );
    assert_eq!(get(&a, "consumer1"), parts("topic1-0, topic1-2, topic2-1"));
    assert_eq!(get(&a, "consumer2"), parts("topic1-1, topic2-0, topic2-2"));
    // testTwoStaticConsumersTwoTopicsSixPartitions
    let a = run(
        RoundRobin,
        &t,
        &[
            member("consumer-b", &["topic1", "topic2"]).with_instance_id("instance1"),
            member("consumer-a", &["topic1", "topic2"]).with_instance_id("instance2"),
        ],
    );
    assert_eq!(get(&a, "consumer-b"), parts("topic1-0, topic1-2, topic2-1"));
    assert_eq!(get(&a, "consumer-a"), parts("topic1-1, topic2-0, topic2-2"));
    // testOneStaticConsumerAndOneDynamicConsumerTwoTopicsSixPartitions
    let a = run(
        RoundRobin,
        &t,
        &[
            member("consumer-b", &["topic1", "topic2"]).with_instance_id("instance1"),
            member("consumer-a", &["topic1", "topic2"]),
        ],
    );
    assert_eq!(get(&a, "consumer-b"), parts("topic1-0, topic1-2, topic2-1"));
    assert_eq!(get(&a, "consumer-a"), parts("topic1-1, topic2-0, topic2-2"));
}

#[test]
fn roundrobin_static_member_assignment_persistent() {
    // testStaticMemberAssignmentPersistent
    let t = topics(&[("topic1", 3), ("topic2", 3)]);
    let both = ["topic1", "topic2"];
    let mut members = vec![
        member("consumer1", &both).with_instance_id("instance1"),
        member("consumer2", &both).with_instance_id("instance2"),
        member("consumer3", &both).with_instance_id("instance3"),
        member("consumer4", &both),
    ];
    let mut expected = VecMap::from([
        ("consumer1".to_string(), parts("topic1-0, topic2-1")),
        ("consumer2".to_string(), parts("topic1-1, topic2-2")),
        ("consumer3".to_string(), parts("topic1-2")),
        ("consumer4".to_string(), parts("topic2-0")),
    ]);
    assert_eq!(run(RoundRobin, &t, &members), expected);
    members[3] = member("consumer5", &both);
    let c4 = expected.remove("consumer4").unwrap();
    expected.insert("consumer5".to_string(), c4);
    assert_eq!(run(RoundRobin, &t, &members), expected);
    // testStaticMemberAssignmentPersistentAfterMemberIdChanges: instance i gets topic1-i, topic2-i.
    let renamed = [
        member("consumer4", &both).with_instance_id("instance1"),
        member("consumer5", &both).with_instance_id("instance2"),
        member("consumer1", &both).with_instance_id("instance3"),
    ];
    let a = run(RoundRobin, &t, &renamed);
    for (i, m) in renamed.iter().enumerate() {
        assert_eq!(
            a[&m.member_id],
            vec![tp("topic1", i as i32), tp("topic2", i as i32)]
        );
    }
}

#[test]
fn roundrobin_unequal_subscriptions_example() {
    // RoundRobinAssignor/StickyAssignor javadoc example 2.
    let a = run(
        RoundRobin,
        &topics(&[("t0", 1), ("t1", 2), ("t2", 3)]),
        &[
            member("C0", &["t0"]),
            member("C1", &["t0", "t1"]),
            member("C2", &["t0", "t1", "t2"]),
        ],
    );
    assert_eq!(get(&a, "C0"), parts("t0-0"));
    assert_eq!(get(&a, "C1"), parts("t1-0"));
    assert_eq!(get(&a, "C2"), parts("t1-1, t2-0, t2-1, t2-2"));
}

// ---------------------------------------------------------------------------------------------
// sticky and cooperative-sticky: AbstractStickyAssignorTest (run on both assignors)

const STICKY: [AssignorName; 2] = [Sticky, CooperativeSticky];

#[test]
fn sticky_two_consumers_fresh() {
    for s in STICKY {
        // testTwoConsumersOneTopicTwoPartitions
        let a = run(
            s,
            &topics(&[("topic", 2)]),
            &[
                member("consumer1", &["topic"]),
                member("consumer2", &["topic"]),
            ],
        );
        assert_eq!(get(&a, "consumer1"), parts("topic-0"), "{s}");
        assert_eq!(get(&a, "consumer2"), parts("topic-1"), "{s}");
        // testTwoConsumersOneTopicOnePartition
        let members = [
            member("consumer1", &["topic"]),
            member("consumer2", &["topic"]),
        ];
        let a = run(s, &topics(&[("topic", 1)]), &members);
        verify_validity_and_balance(&members, &a);
        assert_eq!(a.values().map(Vec::len).sum::<usize>(), 1);
        // testTwoConsumersTwoTopicsSixPartitions
        let a = run(
            s,
            &topics(&[("topic1", 3), ("topic2", 3)]),
            &[
                member("consumer1", &["topic1", "topic2"]),
                member("consumer2", &["topic1", "topic2"]),
            ],
        );
        assert_eq!(
            get(&a, "consumer1"),
            parts("topic1-0, topic1-2, topic2-1"),
            "{s}"
        );
        assert_eq!(
            get(&a, "consumer2"),
            parts("topic1-1, topic2-0, topic2-2"),
            "{s}"
        );
    }
}

#[test]
fn sticky_only_assigns_subscribed_topics_and_drops_unknown_claims() {
    for s in STICKY {
        // testOnlyAssignsPartitionsFromSubscribedTopics: claims on "other" are dropped.
        let members = [owning(
            "consumer",
            &["topic"],
            &parts("topic-0, topic-1, other-0, other-1"),
            1,
        )];
        let a = run(s, &topics(&[("topic", 2)]), &members);
        assert_eq!(get(&a, "consumer"), parts("topic-0, topic-1"), "{s}");
    }
}

#[test]
fn sticky_multiple_consumers_mixed_subscriptions_general_path() {
    // testMultipleConsumersMixedTopicSubscriptions (general path, no ownership transfer).
    for s in STICKY {
        let t = topics(&[("topic1", 3), ("topic2", 2)]);
        let members = [
            member("consumer1", &["topic1"]),
            member("consumer2", &["topic1", "topic2"]),
            member("consumer3", &["topic1"]),
        ];
        let out = assign_detailed(s, &t, &members).unwrap();
        let a = &out.assignment;
        assert_eq!(get(a, "consumer1"), parts("topic1-0, topic1-2"), "{s}");
        assert_eq!(get(a, "consumer2"), parts("topic2-0, topic2-1"), "{s}");
        assert_eq!(get(a, "consumer3"), parts("topic1-1"), "{s}");
        assert_eq!(out.sticky_path, Some(StickyPath::General));
        assert!(out.withheld.is_empty());
    }
}

#[test]
fn sticky_consumer_owning_min_quota_expected_max_quota() {
    // testConsumerOwningMinQuotaExpectedMaxQuota
    for s in STICKY {
        let both = ["topic1", "topic2"];
        let a = run(
            s,
            &topics(&[("topic1", 2), ("topic2", 3)]),
            &[
                owning("consumer1", &both, &parts("topic1-0, topic2-1"), 1),
                owning("consumer2", &both, &parts("topic1-1, topic2-2"), 1),
            ],
        );
        assert_eq!(
            get(&a, "consumer1"),
            parts("topic1-0, topic2-1, topic2-0"),
            "{s}"
        );
        assert_eq!(get(&a, "consumer2"), parts("topic1-1, topic2-2"), "{s}");
    }
}

#[test]
fn sticky_max_quota_owners_more_than_expected_follow_java_hash_map_order() {
    // testMaxQuotaConsumerMoreThanNumExpectedMaxCapacityMembers (A8): consumer2 is visited
    // before consumer1 in HashMap order, so consumer2 keeps 2 and consumer1 is cut to 1.
    let both = ["topic1", "topic2"];
    let t = topics(&[("topic1", 2), ("topic2", 2)]);
    let members = [
        owning("consumer1", &both, &parts("topic1-0, topic2-0"), 1),
        owning("consumer2", &both, &parts("topic1-1, topic2-1"), 1),
        owning("consumer3", &both, &[], 1),
    ];
    let out = assign_detailed(Sticky, &t, &members).unwrap();
    assert_eq!(get(&out.assignment, "consumer1"), parts("topic1-0"));
    assert_eq!(
        get(&out.assignment, "consumer2"),
        parts("topic1-1, topic2-1")
    );
    assert_eq!(get(&out.assignment, "consumer3"), parts("topic2-0"));
    assert_eq!(out.sticky_path, Some(StickyPath::Constrained));
    assert!(out.withheld.is_empty(), "eager sticky withholds nothing");

    // Cooperative: topic2-0 is transferring to consumer3, withheld until consumer1 revokes it.
    let out = assign_detailed(CooperativeSticky, &t, &members).unwrap();
    assert_eq!(get(&out.assignment, "consumer3"), parts(""));
    assert_eq!(
        out.withheld,
        VecMap::from([(tp("topic2", 0), "consumer3".to_string())])
    );
    let settled = cooperative_converge(&t, members.to_vec(), out.assignment);
    assert_eq!(get(&settled, "consumer3"), parts("topic2-0"));
    assert!(fully_balanced(&settled));
}

#[test]
fn sticky_all_consumers_under_min_quota() {
    // testAllConsumersAreUnderMinQuota
    for s in STICKY {
        let both = ["topic1", "topic2"];
        let a = run(
            s,
            &topics(&[("topic1", 2), ("topic2", 3)]),
            &[
                owning("consumer1", &both, &parts("topic1-0"), 1),
                owning("consumer2", &both, &parts("topic1-1"), 1),
                owning("consumer3", &both, &[], 1),
            ],
        );
        assert_eq!(get(&a, "consumer1"), parts("topic1-0, topic2-1"), "{s}");
        assert_eq!(get(&a, "consumer2"), parts("topic1-1, topic2-2"), "{s}");
        assert_eq!(get(&a, "consumer3"), parts("topic2-0"), "{s}");
    }
}

#[test]
fn sticky_add_remove_consumer_one_topic() {
    // testAddRemoveConsumerOneTopic
    let t = topics(&[("topic", 3)]);
    let a = run(Sticky, &t, &[member("consumer1", &["topic"])]);
    assert_eq!(get(&a, "consumer1"), parts("topic-0, topic-1, topic-2"));

    let members = [
        owning("consumer1", &["topic"], &a["consumer1"], 1),
        owning("consumer2", &["topic"], &[], 1),
    ];
    let out = assign_detailed(Sticky, &t, &members).unwrap();
    assert_eq!(get(&out.assignment, "consumer1"), parts("topic-0, topic-1"));
    assert_eq!(get(&out.assignment, "consumer2"), parts("topic-2"));
    // Cooperative: topic-2 moves from consumer1 to consumer2, so it waits a round.
    let coop = assign_detailed(CooperativeSticky, &t, &members).unwrap();
    assert_eq!(get(&coop.assignment, "consumer2"), parts(""));
    assert_eq!(
        coop.withheld,
        VecMap::from([(tp("topic", 2), "consumer2".to_string())])
    );

    let a = run(
        Sticky,
        &t,
        &[owning(
            "consumer2",
            &["topic"],
            &out.assignment["consumer2"],
            1,
        )],
    );
    assert_eq!(
        set(get(&a, "consumer2")),
        set(&parts("topic-0, topic-1, topic-2"))
    );
    assert_eq!(
        get(&a, "consumer2"),
        parts("topic-2, topic-0, topic-1"),
        "owned first"
    );
}

#[test]
fn sticky_add_remove_two_consumers_two_topics() {
    // testAddRemoveTwoConsumersTwoTopics (the version that sorts owned partitions by partition
    // number first): exact lists and transfers in all three rounds.
    let all = ["topic1", "topic2"];
    let t = topics(&[("topic1", 3), ("topic2", 4)]);
    let a = run(
        Sticky,
        &t,
        &[member("consumer1", &all), member("consumer2", &all)],
    );
    assert_eq!(
        get(&a, "consumer1"),
        parts("topic1-0, topic1-2, topic2-1, topic2-3")
    );
    assert_eq!(get(&a, "consumer2"), parts("topic1-1, topic2-0, topic2-2"));

    // add 2 consumers
    let members = [
        owning("consumer1", &all, &a["consumer1"], 1),
        owning("consumer2", &all, &a["consumer2"], 1),
        owning("consumer3", &all, &[], 1),
        owning("consumer4", &all, &[], 1),
    ];
    let a = run(Sticky, &t, &members);
    assert_eq!(get(&a, "consumer1"), parts("topic1-0, topic2-1"));
    assert_eq!(get(&a, "consumer2"), parts("topic2-0, topic1-1"));
    assert_eq!(get(&a, "consumer3"), parts("topic1-2, topic2-3"));
    assert_eq!(get(&a, "consumer4"), parts("topic2-2"));
    let coop = assign_detailed(CooperativeSticky, &t, &members).unwrap();
    assert_eq!(
        coop.withheld,
        VecMap::from([
            (tp("topic1", 2), "consumer3".to_string()),
            (tp("topic2", 2), "consumer4".to_string()),
            (tp("topic2", 3), "consumer3".to_string()),
        ])
    );
    assert_eq!(get(&coop.assignment, "consumer3"), parts(""));

    // remove 2 consumers
    let members = [
        owning("consumer3", &all, &a["consumer3"], 1),
        owning("consumer4", &all, &a["consumer4"], 1),
    ];
    let a = run(Sticky, &t, &members);
    assert_eq!(
        get(&a, "consumer3"),
        parts("topic1-2, topic2-3, topic1-0, topic2-1")
    );
    assert_eq!(get(&a, "consumer4"), parts("topic2-2, topic1-1, topic2-0"));
}

#[test]
fn sticky_topic_balance_after_reassignment() {
    // testTopicBalanceAfterReassignment: keeping owned partitions by partition number first
    // keeps every topic spread evenly as members come and go.
    let all = ["topic1", "topic2"];
    let t = topics(&[("topic1", 12), ("topic2", 12)]);
    let per_topic = |a: &VecMap<String, Vec<TopicPartition>>, n: usize| {
        for (id, list) in a {
            for topic in all {
                assert_eq!(
                    list.iter().filter(|p| p.topic == topic).count(),
                    n,
                    "{id}: {a:?}"
                );
            }
        }
    };
    let members = vec![member("consumer1", &all)];
    let a = run(Sticky, &t, &members);
    per_topic(&a, 12);
    let members = vec![
        owning("consumer1", &all, &a["consumer1"], 1),
        owning("consumer2", &all, &[], 1),
    ];
    let a = run(Sticky, &t, &members);
    per_topic(&a, 6);
    let members = vec![
        owning("consumer1", &all, &a["consumer1"], 1),
        owning("consumer2", &all, &a["consumer2"], 1),
        owning("consumer3", &all, &[], 1),
        owning("consumer4", &all, &[], 1),
    ];
    let a = run(Sticky, &t, &members);
    per_topic(&a, 3);
    let members = vec![
        owning("consumer3", &all, &a["consumer3"], 1),
        owning("consumer4", &all, &a["consumer4"], 1),
    ];
    let out = assign_detailed(Sticky, &t, &members).unwrap();
    per_topic(&out.assignment, 6);
    assert!(out.withheld.is_empty());
}

#[test]
fn sticky_constrained_examples_of_the_semantics_notes() {
    // A6: 5 partitions over {c1, c2}, fresh; then c1 owns {0,2,4}, c2 {1,3,5} and c3 joins.
    let a = run(
        Sticky,
        &topics(&[("t", 5)]),
        &[member("c1", &["t"]), member("c2", &["t"])],
    );
    assert_eq!(get(&a, "c1"), parts("t-0, t-2, t-4"));
    assert_eq!(get(&a, "c2"), parts("t-1, t-3"));
    let members = [
        owning("c1", &["t"], &parts("t-0, t-2, t-4"), 1),
        owning("c2", &["t"], &parts("t-1, t-3, t-5"), 1),
        owning("c3", &["t"], &[], 1),
    ];
    let a = run(Sticky, &topics(&[("t", 6)]), &members);
    assert_eq!(get(&a, "c1"), parts("t-0, t-2"));
    assert_eq!(get(&a, "c2"), parts("t-1, t-3"));
    assert_eq!(get(&a, "c3"), parts("t-4, t-5"));
    let coop = assign_detailed(CooperativeSticky, &topics(&[("t", 6)]), &members).unwrap();
    assert_eq!(get(&coop.assignment, "c3"), parts(""));
    assert_eq!(
        coop.withheld.keys().cloned().collect::<Vec<_>>(),
        parts("t-4, t-5")
    );
}

#[test]
fn sticky_all_consumers_reach_expected_quota() {
    // testAllConsumersReachExpectedQuotaAndAreConsideredFilled
    for s in STICKY {
        let out = assign_detailed(
            s,
            &topics(&[("topic", 4)]),
            &[
                owning("consumer1", &["topic"], &parts("topic-0, topic-1"), 1),
                owning("consumer2", &["topic"], &parts("topic-2"), 1),
                owning("consumer3", &["topic"], &[], 1),
            ],
        )
        .unwrap();
        assert_eq!(
            get(&out.assignment, "consumer1"),
            parts("topic-0, topic-1"),
            "{s}"
        );
        assert_eq!(get(&out.assignment, "consumer2"), parts("topic-2"), "{s}");
        assert_eq!(get(&out.assignment, "consumer3"), parts("topic-3"), "{s}");
        assert!(out.withheld.is_empty());
    }
}

#[test]
fn sticky_partition_claimed_by_two_members_of_one_generation() {
    // testPartitionsTransferringOwnershipIncludeThePartitionClaimedByMultipleConsumersInSameGeneration
    let t = topics(&[("topic", 3)]);
    let members = [
        owning("consumer1", &["topic"], &parts("topic-0, topic-1"), 1),
        owning("consumer2", &["topic"], &parts("topic-0, topic-2"), 1),
        owning("consumer3", &["topic"], &[], 1),
    ];
    let a = run(Sticky, &t, &members);
    assert_eq!(get(&a, "consumer1"), parts("topic-1"));
    assert_eq!(get(&a, "consumer2"), parts("topic-2"));
    assert_eq!(get(&a, "consumer3"), parts("topic-0"));
    // CooperativeStickyAssignorTest ...WithEqualPartitionsPerConsumer: topic-0 is withheld.
    let out = assign_detailed(CooperativeSticky, &t, &members).unwrap();
    assert_eq!(get(&out.assignment, "consumer1"), parts("topic-1"));
    assert_eq!(get(&out.assignment, "consumer2"), parts("topic-2"));
    assert_eq!(get(&out.assignment, "consumer3"), parts(""));
    assert_eq!(
        out.withheld,
        VecMap::from([(tp("topic", 0), "consumer3".to_string())])
    );
}

#[test]
fn cooperative_double_claim_with_unequal_partitions_per_consumer() {
    // ...ClaimedByMultipleConsumersInSameGenerationWithUnequalPartitionsPerConsumer
    let t = topics(&[("topic", 4)]);
    let members = vec![
        owning("consumer1", &["topic"], &parts("topic-0, topic-1"), 1),
        owning("consumer2", &["topic"], &parts("topic-0, topic-2"), 1),
        owning("consumer3", &["topic"], &[], 1),
    ];
    let a = run(CooperativeSticky, &t, &members);
    assert_eq!(get(&a, "consumer1"), parts("topic-1, topic-3"));
    assert_eq!(get(&a, "consumer2"), parts("topic-2"));
    assert_eq!(get(&a, "consumer3"), parts(""));
    let settled = cooperative_converge(&t, members, a);
    assert!(fully_balanced(&settled));
}

#[test]
fn cooperative_with_old_subscription_versions() {
    // testAssignorWithOldVersionSubscriptions: generations read from userData behave the same.
    let t = topics(&[("topic1", 3)]);
    let a = run(
        CooperativeSticky,
        &t,
        &[
            owning("consumer1", &["topic1"], &parts("topic1-0"), 1),
            owning("consumer2", &["topic1"], &parts("topic1-1"), 1),
            owning("consumer3", &["topic1"], &[], 1),
        ],
    );
    assert_eq!(get(&a, "consumer1"), parts("topic1-0"));
    assert_eq!(get(&a, "consumer2"), parts("topic1-1"));
    assert_eq!(get(&a, "consumer3"), parts("topic1-2"));
}

#[test]
fn sticky_stale_or_missing_generation_loses_conflicts() {
    let both = ["topic", "topic2"];
    let t = topics(&[("topic", 3), ("topic2", 3)]);
    let claims = parts("topic-0, topic-2, topic2-1");
    // ...InvalidatedForConsumerWithStaleGeneration and ...WithNoGeneration
    for stale in [Some(9), None] {
        for s in STICKY {
            let mut other = owning("consumer2", &both, &claims, 0);
            other.generation = stale;
            let a = run(s, &t, &[owning("consumer1", &both, &claims, 10), other]);
            assert_eq!(set(get(&a, "consumer1")), set(&claims), "{s} {stale:?}");
            assert_eq!(
                set(get(&a, "consumer2")),
                set(&parts("topic-1, topic2-0, topic2-2")),
                "{s} {stale:?}"
            );
        }
    }
    // testOwnedPartitionsAreInvalidatedForConsumerWithMultipleGeneration
    for s in STICKY {
        let a = run(
            s,
            &t,
            &[
                owning("consumer1", &both, &parts("topic-0, topic2-1, topic-1"), 10),
                owning("consumer2", &both, &parts("topic-0, topic2-1, topic2-2"), 8),
            ],
        );
        assert_eq!(
            set(get(&a, "consumer1")),
            set(&parts("topic-0, topic2-1, topic-1")),
            "{s}"
        );
        assert_eq!(
            set(get(&a, "consumer2")),
            set(&parts("topic-2, topic2-2, topic2-0")),
            "{s}"
        );
    }
}

#[test]
fn sticky_partitions_go_to_the_highest_generation() {
    // testEnsurePartitionsAssignedToHighestGeneration
    let all = ["topic", "topic2", "topic3"];
    for s in STICKY {
        let out = assign_detailed(
            s,
            &topics(&[("topic", 3), ("topic2", 3), ("topic3", 3)]),
            &[
                owning("consumer1", &all, &parts("topic-0, topic2-0, topic3-0"), 10),
                owning("consumer2", &all, &parts("topic-1, topic2-1, topic3-1"), 9),
                owning("consumer3", &all, &parts("topic2-1, topic3-0, topic3-2"), 8),
            ],
        )
        .unwrap();
        let a = &out.assignment;
        assert_eq!(
            set(get(a, "consumer1")),
            set(&parts("topic-0, topic2-0, topic3-0")),
            "{s}"
        );
        assert_eq!(
            set(get(a, "consumer2")),
            set(&parts("topic-1, topic2-1, topic3-1")),
            "{s}"
        );
        assert_eq!(
            set(get(a, "consumer3")),
            set(&parts("topic-2, topic2-2, topic3-2")),
            "{s}"
        );
        assert!(out.withheld.is_empty());
    }
}

#[test]
fn sticky_no_reassignment_on_current_members() {
    // testNoReassignmentOnCurrentMembers: older claims that do not conflict are still honoured.
    let all = ["topic", "topic2", "topic3", "topic1"];
    for s in STICKY {
        let mut fresh = member("consumer1", &all);
        fresh.generation = None;
        let members = [
            fresh,
            owning("consumer2", &all, &parts("topic-0, topic2-0, topic1-0"), 9),
            owning("consumer3", &all, &parts("topic3-2, topic2-2, topic1-1"), 8),
            owning("consumer4", &all, &parts("topic3-1, topic-1, topic-2"), 7),
        ];
        let out = assign_detailed(
            s,
            &topics(&[("topic", 3), ("topic1", 3), ("topic2", 3), ("topic3", 3)]),
            &members,
        )
        .unwrap();
        assert_eq!(
            set(get(&out.assignment, "consumer1")),
            set(&parts("topic1-2, topic2-1, topic3-0")),
            "{s}"
        );
        assert!(out.withheld.is_empty());
        verify_validity_and_balance(&members, &out.assignment);
    }
}

#[test]
fn sticky_stickiness_when_the_leader_leaves() {
    // testStickiness
    let t = topics(&[("topic1", 3)]);
    let members: Vec<MemberSubscription> = (1..=4)
        .map(|i| member(&format!("consumer{i}"), &["topic1"]))
        .collect();
    let a = run(Sticky, &t, &members);
    assert!(a.values().all(|l| l.len() <= 1));
    let next: Vec<MemberSubscription> = next_round(&members[1..], &a, 1);
    let b = run(Sticky, &t, &next);
    for m in &next {
        assert_eq!(b[&m.member_id].len(), 1);
        if let Some(p) = a[&m.member_id].first() {
            assert!(b[&m.member_id].contains(p), "{} lost {p}", m.member_id);
        }
    }
}

#[test]
fn sticky_add_remove_topic_two_consumers() {
    // testAddRemoveTopicTwoConsumers
    for s in STICKY {
        let mut t = topics(&[("topic", 3)]);
        let members = [
            member("consumer1", &["topic"]),
            member("consumer2", &["topic"]),
        ];
        let a1 = run(s, &t, &members);
        t.insert("topic2".into(), 3);
        let members = [
            owning("consumer1", &["topic", "topic2"], &a1["consumer1"], 1),
            owning("consumer2", &["topic", "topic2"], &a1["consumer2"], 1),
        ];
        let out = assign_detailed(s, &t, &members).unwrap();
        let a2 = out.assignment;
        assert!(out.withheld.is_empty());
        assert_eq!(
            (a2["consumer1"].len(), a2["consumer2"].len()),
            (3, 3),
            "{s}"
        );
        assert!(set(&a2["consumer1"]).is_superset(&set(&a1["consumer1"])));
        assert!(set(&a2["consumer2"]).is_superset(&set(&a1["consumer2"])));
        t.remove("topic");
        let members = [
            owning("consumer1", &["topic2"], &a2["consumer1"], 2),
            owning("consumer2", &["topic2"], &a2["consumer2"], 2),
        ];
        let a3 = run(s, &t, &members);
        assert!(fully_balanced(&a3));
        assert!(
            set(&a2["consumer1"]).is_superset(&set(&a3["consumer1"])),
            "{s}"
        );
        assert!(
            set(&a2["consumer2"]).is_superset(&set(&a3["consumer2"])),
            "{s}"
        );
    }
}

#[test]
fn sticky_deleted_topics() {
    for s in STICKY {
        // testAssignmentUpdatedForDeletedTopic
        let a = run(
            s,
            &topics(&[("topic1", 1), ("topic3", 100)]),
            &[member("consumer", &["topic1", "topic2", "topic3"])],
        );
        assert_eq!(a["consumer"].len(), 101);
        // testNoExceptionThrownWhenOnlySubscribedTopicDeleted
        let a = run(
            s,
            &topics(&[]),
            &[owning(
                "consumer",
                &["topic"],
                &parts("topic-0, topic-1, topic-2"),
                1,
            )],
        );
        assert_eq!(a["consumer"], vec![]);
    }
}

#[test]
fn sticky_non_rack_cases_of_the_rack_aware_tests() {
    let t = topics(&[("t1", 6), ("t2", 7), ("t3", 2)]);
    let all: &[&str] = &["t1", "t2", "t3"];
    // testRackAwareAssignmentWithUniformSubscription: fresh, then owning the same.
    let uniform = [
        "t1-0, t1-3, t2-0, t2-3, t2-6",
        "t1-1, t1-4, t2-1, t2-4, t3-0",
        "t1-2, t1-5, t2-2, t2-5, t3-1",
    ];
    for s in STICKY {
        verify_sorted(s, &t, &rack_test_members(&[all, all, all], None), &uniform);
        verify_sorted(
            s,
            &t,
            &rack_test_members(&[all, all, all], Some(&uniform)),
            &uniform,
        );
    }
    // testRackAwareAssignmentWithNonEqualSubscription: the general path.
    let non_equal = [
        "t1-5, t2-0, t2-2, t2-4, t2-6",
        "t1-3, t2-1, t2-3, t2-5, t3-0",
        "t1-0, t1-1, t1-2, t1-4, t3-1",
    ];
    let subs: &[&[&str]] = &[all, all, &["t1", "t3"]];
    for s in STICKY {
        verify_sorted(s, &t, &rack_test_members(subs, None), &non_equal);
        verify_sorted(
            s,
            &t,
            &rack_test_members(subs, Some(&non_equal)),
            &non_equal,
        );
    }
}

#[test]
fn cooperative_general_path_with_owned_partitions_matches_kafka() {
    // testRackAwareAssignmentWithNonEqualSubscription, CooperativeStickyAssignor branch "if all
    // racks match": owned → intermediate (revocations) → final.
    let t = topics(&[("t1", 6), ("t2", 7), ("t3", 2)]);
    let all: &[&str] = &["t1", "t2", "t3"];
    let subs: &[&[&str]] = &[all, all, &["t1", "t3"]];
    let owned = [
        "t1-0, t1-1, t1-2, t1-3, t1-4",
        "t1-5, t2-0, t2-1, t2-2, t2-3",
        "t2-4, t2-5, t2-6, t3-0, t3-1",
    ];
    let intermediate = ["t1-2, t1-3, t1-4", "t2-0, t2-1, t2-2, t2-3", "t3-0, t3-1"];
    let out = verify_sorted(
        CooperativeSticky,
        &t,
        &rack_test_members(subs, Some(&owned)),
        &intermediate,
    );
    assert_eq!(out.len(), 3);
    verify_sorted(
        CooperativeSticky,
        &t,
        &rack_test_members(subs, Some(&intermediate)),
        &[
            "t1-2, t1-3, t1-4, t2-4, t2-5",
            "t2-0, t2-1, t2-2, t2-3, t2-6",
            "t1-0, t1-1, t1-5, t3-0, t3-1",
        ],
    );
    // Eager sticky with the same claims goes straight to a balanced, sticky target.
    let members = rack_test_members(subs, Some(&owned));
    let a = run(Sticky, &t, &members);
    verify_validity_and_balance(&members, &a);
}

#[test]
fn sticky_poor_round_robin_scenario_is_balanced() {
    // testPoorRoundRobinAssignmentScenario (and the StickyAssignor javadoc example 2).
    let t: VecMap<String, i32> = (1..=5).map(|i| (format!("topic{i}"), i % 2 + 1)).collect();
    let members = [
        member(
            "consumer1",
            &["topic1", "topic2", "topic3", "topic4", "topic5"],
        ),
        member("consumer2", &["topic1", "topic3", "topic5"]),
        member("consumer3", &["topic1", "topic3", "topic5"]),
        member(
            "consumer4",
            &["topic1", "topic2", "topic3", "topic4", "topic5"],
        ),
    ];
    for s in STICKY {
        let a = run(s, &t, &members);
        verify_validity_and_balance(&members, &a);
        assert!(fully_balanced(&a), "{s}: {a:?}");
    }
    let example = [
        member("C0", &["t0"]),
        member("C1", &["t0", "t1"]),
        member("C2", &["t0", "t1", "t2"]),
    ];
    let t = topics(&[("t0", 1), ("t1", 2), ("t2", 3)]);
    let a = run(Sticky, &t, &example);
    assert_eq!(get(&a, "C0"), parts("t0-0"));
    assert_eq!(get(&a, "C1"), parts("t1-0, t1-1"));
    assert_eq!(get(&a, "C2"), parts("t2-0, t2-1, t2-2"));
    // C0 leaves: sticky keeps all five of the others' partitions.
    let b = run(Sticky, &t, &next_round(&example[1..], &a, 1));
    assert_eq!(set(get(&b, "C1")), set(&parts("t1-0, t1-1, t0-0")));
    assert_eq!(set(get(&b, "C2")), set(&parts("t2-0, t2-1, t2-2")));
}

fn padded(prefix: &str, i: usize, max: usize) -> String {
    format!("{prefix}{i:0width$}", width = max.to_string().len())
}

#[test]
fn sticky_reassignment_after_one_consumer_leaves() {
    // testReassignmentAfterOneConsumerLeaves: t_i has i partitions; c_i subscribes to t_1..t_i.
    let t: VecMap<String, i32> = (1..20).map(|i| (padded("t", i, 20), i as i32)).collect();
    let members: Vec<MemberSubscription> = (1..20)
        .map(|i| {
            let subscribed: Vec<String> = (1..=i).map(|j| padded("t", j, 20)).collect();
            let refs: Vec<&str> = subscribed.iter().map(String::as_str).collect();
            member(&padded("c", i, 20), &refs)
        })
        .collect();
    for s in STICKY {
        let a = run(s, &t, &members);
        verify_validity_and_balance(&members, &a);
        let next: Vec<MemberSubscription> = next_round(&members, &a, 1)
            .into_iter()
            .filter(|m| m.member_id != "c10")
            .collect();
        let b = run(s, &t, &next);
        if s == CooperativeSticky {
            cooperative_converge(&t, next, b);
        } else {
            verify_validity_and_balance(&next, &b);
        }
    }
}

#[test]
fn sticky_reassignment_after_one_consumer_added_and_same_subscriptions() {
    // testReassignmentAfterOneConsumerAdded
    let t = topics(&[("topic", 20)]);
    let mut members: Vec<MemberSubscription> = (1..10)
        .map(|i| member(&padded("c", i, 10), &["topic"]))
        .collect();
    let a = run(Sticky, &t, &members);
    verify_validity_and_balance(&members, &a);
    members.push(member("c10", &["topic"]));
    let b = run(Sticky, &t, &members);
    verify_validity_and_balance(&members, &b);
    // testSameSubscriptions: 8 members on 14 topics, then one leaves.
    let t: VecMap<String, i32> = (1..15).map(|i| (padded("t", i, 15), i as i32)).collect();
    let names: Vec<String> = t.keys().cloned().collect();
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    let members: Vec<MemberSubscription> =
        (1..9).map(|i| member(&padded("c", i, 9), &refs)).collect();
    for s in STICKY {
        let a = run(s, &t, &members);
        verify_validity_and_balance(&members, &a);
        let next: Vec<MemberSubscription> = next_round(&members, &a, 1)
            .into_iter()
            .filter(|m| m.member_id != "c5")
            .collect();
        let out = assign_detailed(s, &t, &next).unwrap();
        assert!(
            out.withheld.is_empty(),
            "a member leaving frees partitions: nothing to revoke"
        );
        verify_validity_and_balance(&next, &out.assignment);
    }
}

#[test]
fn sticky_move_existing_assignments() {
    // testMoveExistingAssignments
    let t: VecMap<String, i32> = (1..=6).map(|i| (format!("topic{i}"), 1)).collect();
    let members = vec![
        owning("consumer1", &["topic1", "topic2"], &parts("topic1-0"), 1),
        owning(
            "consumer2",
            &["topic1", "topic2", "topic3", "topic4"],
            &parts("topic2-0, topic3-0"),
            1,
        ),
        owning(
            "consumer3",
            &["topic2", "topic3", "topic4", "topic5", "topic6"],
            &parts("topic4-0, topic5-0, topic6-0"),
            1,
        ),
    ];
    let a = run(Sticky, &t, &members);
    verify_validity_and_balance(&members, &a);
    let c = run(CooperativeSticky, &t, &members);
    cooperative_converge(&t, members, c);
}

#[test]
fn sticky_subscriptions_not_equal_with_three_generations() {
    // testSubscriptionNotEqualAndAssignSamePartitionWith3Generation
    let t = topics(&[("topic", 6), ("topic1", 1)]);
    for s in STICKY {
        for g in [
            [1, 2, 3],
            [1, 3, 2],
            [2, 1, 3],
            [2, 3, 1],
            [3, 1, 2],
            [3, 2, 1],
        ] {
            let a = run(
                s,
                &t,
                &[
                    owning("consumer1", &["topic"], &parts("topic-0, topic-2"), g[0]),
                    owning(
                        "consumer2",
                        &["topic"],
                        &parts("topic-1, topic-2, topic-3"),
                        g[1],
                    ),
                    owning(
                        "consumer3",
                        &["topic"],
                        &parts("topic-2, topic-4, topic-5"),
                        g[2],
                    ),
                    owning("consumer4", &["topic1"], &parts("topic1-0"), 2),
                ],
            );
            let all: Vec<&TopicPartition> = a.values().flatten().collect();
            assert_eq!(
                all.len(),
                all.iter().collect::<BTreeSet<_>>().len(),
                "{s} {g:?}"
            );
            for list in a.values() {
                assert!((1..=2).contains(&list.len()), "{s} {g:?}: {a:?}");
            }
        }
    }
}

#[test]
fn sticky_empty_subscription_visited_first_keeps_the_constrained_path() {
    // Kafka quirk (allSubscriptionsEqual): the reference topic set is re-initialised while empty,
    // so an empty subscription visited first in HashMap order counts as "equal".
    // "c3" iterates before "c1" and "c2" (see hash_map_order_matches_java).
    let t = topics(&[("t", 3)]);
    let out = assign_detailed(
        Sticky,
        &t,
        &[
            member("c1", &["t"]),
            member("c2", &["t"]),
            member("c3", &[]),
        ],
    )
    .unwrap();
    assert_eq!(out.sticky_path, Some(StickyPath::Constrained));
    assert_eq!(
        out.assignment.values().map(Vec::len).collect::<Vec<_>>(),
        vec![1, 1, 1]
    );
    let out = assign_detailed(
        Sticky,
        &t,
        &[
            member("c1", &[]),
            member("c2", &["t"]),
            member("c3", &["t"]),
        ],
    )
    .unwrap();
    assert_eq!(out.sticky_path, Some(StickyPath::General));
    assert_eq!(out.assignment["c1"], vec![]);
}

// ---------------------------------------------------------------------------------------------
// properties over seeded random groups

/// A small deterministic generator (64-bit LCG, high bits).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

struct Group {
    topics: VecMap<String, i32>,
    members: Vec<MemberSubscription>,
}

fn random_group(rng: &mut Lcg, equal_subscriptions: bool) -> Group {
    let topic_count = 1 + rng.below(5);
    let topics: VecMap<String, i32> = (0..topic_count)
        .map(|i| (format!("t{i}"), 1 + rng.below(12) as i32))
        .collect();
    let names: Vec<String> = topics.keys().cloned().collect();
    let member_count = 1 + rng.below(8);
    let shared: Vec<String> = names.iter().filter(|_| rng.chance(70)).cloned().collect();
    let shared = if shared.is_empty() {
        vec![names[0].clone()]
    } else {
        shared
    };
    let members = (0..member_count)
        .map(|i| {
            let mut subscribed = if equal_subscriptions {
                shared.clone()
            } else {
                names.iter().filter(|_| rng.chance(50)).cloned().collect()
            };
            if subscribed.is_empty() {
                subscribed.push(names[rng.below(names.len())].clone());
            }
            if rng.chance(20) {
                subscribed.push("missing-topic".into());
            }
            let mut m = MemberSubscription {
                member_id: format!("consumer-{}-{:x}", i, rng.next()),
                topics: subscribed,
                ..Default::default()
            };
            if rng.chance(25) {
                m.group_instance_id = Some(format!("instance-{}", rng.below(1000)));
            }
            m
        })
        .collect();
    Group { topics, members }
}

/// Random previous ownership: each partition owned by a random member (sometimes two), with
/// random generations; some members have none.
fn random_ownership(rng: &mut Lcg, group: &mut Group) {
    let all: Vec<TopicPartition> = group
        .topics
        .iter()
        .flat_map(|(t, &n)| (0..n).map(move |p| tp(t, p)))
        .collect();
    let n = group.members.len();
    for p in all {
        if rng.chance(70) {
            let m = rng.below(n);
            group.members[m].owned_partitions.push(p.clone());
            if rng.chance(10) {
                let other = rng.below(n);
                group.members[other].owned_partitions.push(p);
            }
        }
    }
    for m in &mut group.members {
        m.generation = if rng.chance(15) {
            None
        } else {
            Some(3 + rng.below(3) as i32)
        };
    }
}

fn subscribed_partitions(group: &Group) -> BTreeSet<TopicPartition> {
    group
        .members
        .iter()
        .flat_map(|m| m.topics.iter())
        .filter_map(|t| group.topics.get(t).map(|&n| (t.clone(), n)))
        .flat_map(|(t, n)| (0..n).map(move |p| tp(&t, p)))
        .collect()
}

/// Every subscribed partition assigned exactly once (or, for cooperative, withheld), and only to
/// a member subscribed to its topic.
fn check_complete_and_valid(strategy: AssignorName, group: &Group, seed: u64) {
    let out = assign_detailed(strategy, &group.topics, &group.members)
        .unwrap_or_else(|e| panic!("seed {seed} {strategy}: {e}"));
    assert_eq!(out.assignment.len(), group.members.len(), "seed {seed}");
    let subs: VecMap<&str, &MemberSubscription> = group
        .members
        .iter()
        .map(|m| (m.member_id.as_str(), m))
        .collect();
    let mut seen = BTreeSet::new();
    for (id, list) in &out.assignment {
        for p in list {
            assert!(
                subs[id.as_str()].topics.contains(&p.topic),
                "seed {seed} {strategy}: {p} to {id}"
            );
            assert!(seen.insert(p.clone()), "seed {seed} {strategy}: {p} twice");
        }
    }
    for (p, id) in &out.withheld {
        assert!(
            seen.insert(p.clone()),
            "seed {seed}: withheld {p} also assigned"
        );
        assert!(
            subs[id.as_str()].topics.contains(&p.topic),
            "seed {seed}: {p} withheld for {id}"
        );
        assert!(
            group
                .members
                .iter()
                .any(|m| m.member_id != *id && m.owned_partitions.contains(p)),
            "seed {seed}: {p} withheld but nobody else owned it"
        );
    }
    assert_eq!(seen, subscribed_partitions(group), "seed {seed} {strategy}");
}

#[test]
fn property_every_partition_assigned_once_to_a_subscriber() {
    for seed in 0..300u64 {
        let mut rng = Lcg(seed);
        let equal = seed % 3 == 0;
        let mut group = random_group(&mut rng, equal);
        if seed % 2 == 1 {
            random_ownership(&mut rng, &mut group);
        }
        for strategy in AssignorName::ALL {
            check_complete_and_valid(strategy, &group, seed);
        }
    }
}

#[test]
fn property_balance_within_one_for_equal_subscriptions() {
    for seed in 0..200u64 {
        let mut rng = Lcg(1000 + seed);
        let mut group = random_group(&mut rng, true);
        if seed % 2 == 1 {
            random_ownership(&mut rng, &mut group);
        }
        for strategy in [RoundRobin, Sticky] {
            let a = run(strategy, &group.topics, &group.members);
            assert!(fully_balanced(&a), "seed {seed} {strategy}: {a:?}");
        }
        let a = run(CooperativeSticky, &group.topics, &group.members);
        let settled = cooperative_converge(&group.topics, group.members.clone(), a);
        assert!(
            fully_balanced(&settled),
            "seed {seed} cooperative: {settled:?}"
        );
        // range balances each topic separately.
        let a = run(Range, &group.topics, &group.members);
        for topic in group.topics.keys() {
            let counts: Vec<usize> = a
                .values()
                .map(|l| l.iter().filter(|p| &p.topic == topic).count())
                .collect();
            if group.members[0].topics.contains(topic) {
                assert!(
                    counts.iter().max().unwrap() - counts.iter().min().unwrap() <= 1,
                    "seed {seed}"
                );
            }
        }
    }
}

#[test]
fn property_sticky_general_path_is_balanced_and_cooperative_settles() {
    for seed in 0..150u64 {
        let mut rng = Lcg(5000 + seed);
        let mut group = random_group(&mut rng, false);
        let a = run(Sticky, &group.topics, &group.members);
        verify_validity_and_balance(&group.members, &a);
        // Next generation: everyone owns what they got, one member may leave, one may join.
        let mut next = next_round(&group.members, &a, 1);
        if next.len() > 1 && rng.chance(50) {
            next.remove(rng.below(next.len()));
        }
        if rng.chance(50) {
            next.push(member("newcomer", &[group.topics.keys().next().unwrap()]));
        }
        group.members = next;
        let b = run(Sticky, &group.topics, &group.members);
        verify_validity_and_balance(&group.members, &b);
        let c = run(CooperativeSticky, &group.topics, &group.members);
        cooperative_converge(&group.topics, group.members.clone(), c);
    }
}

#[test]
fn property_sticky_keeps_owned_partitions_up_to_quota() {
    // Constrained path: a member keeps min(owned, minQuota) of its valid, uncontested claims.
    for seed in 0..150u64 {
        let mut rng = Lcg(9000 + seed);
        let group = random_group(&mut rng, true);
        let a = run(Sticky, &group.topics, &group.members);
        let mut next = next_round(&group.members, &a, 1);
        next.push(member(
            "joiner",
            &group.members[0]
                .topics
                .iter()
                .map(String::as_str)
                .collect::<Vec<_>>(),
        ));
        let b = run(Sticky, &group.topics, &next);
        let total = subscribed_partitions(&group).len();
        let min_quota = total / next.len();
        for m in &next {
            let kept = set(&b[&m.member_id])
                .intersection(&set(&m.owned_partitions))
                .count();
            assert!(
                kept >= m.owned_partitions.len().min(min_quota),
                "seed {seed} {}: kept {kept}",
                m.member_id
            );
        }
    }
}

#[test]
fn property_deterministic_and_independent_of_result_map_order() {
    for seed in 0..50u64 {
        let mut rng = Lcg(20_000 + seed);
        let mut group = random_group(&mut rng, seed % 2 == 0);
        random_ownership(&mut rng, &mut group);
        for strategy in AssignorName::ALL {
            let a = assign_detailed(strategy, &group.topics, &group.members).unwrap();
            let b = assign_detailed(strategy, &group.topics, &group.members).unwrap();
            assert_eq!(a, b, "seed {seed} {strategy}");
        }
    }
}

//! The record inspector's core function: a record's life from `send()` to the commit that
//! covered it, with simulated times, from the bounded ring of marks.

use kafkascope_core::sim::record_history::{LifeEvent, RecordLife, MAX_MARKS};
use kafkascope_core::sim::{script, Simulation, TopicPartition};

fn run(text: &str) -> Simulation {
    script::run(text).unwrap_or_else(|e| panic!("script failed: {e}"))
}

fn first_at(life: &RecordLife, pred: impl Fn(&LifeEvent) -> bool) -> Option<u64> {
    life.events.iter().find(|e| pred(&e.event)).map(|e| e.at_ms)
}

fn count(life: &RecordLife, pred: impl Fn(&LifeEvent) -> bool) -> usize {
    life.events.iter().filter(|e| pred(&e.event)).count()
}

#[test]
fn a_record_from_send_to_commit() {
    let sim = run("seed 7
        topic create orders partitions=1 replication-factor=3 min.insync.replicas=2
        producer create p1 acks=all linger.ms=0
        consumer create c1 group.id=g topics=orders auto.offset.reset=earliest
        advance 5s
        produce p1 orders key=alice value=hello
        advance 10s");
    let tp = TopicPartition::new("orders", 0);
    let leader = sim
        .describe_partitions()
        .into_iter()
        .find(|p| p.topic == "orders")
        .and_then(|p| p.leader)
        .expect("a leader");
    let life = sim
        .record_history(&tp, 0, None)
        .expect("offset 0 is in the log");
    assert_eq!(life.key.as_deref(), Some("alice"));
    assert_eq!(life.value, "hello");
    assert_eq!(life.producer, "p1");
    assert!(!life.incomplete);

    let sent = first_at(
        &life,
        |e| matches!(e, LifeEvent::Sent { producer } if producer == "p1"),
    )
    .expect("sent");
    let appended = first_at(
        &life,
        |e| matches!(e, LifeEvent::Appended { broker, epoch: 0 } if *broker == leader),
    )
    .unwrap_or_else(|| panic!("appended on the leader in epoch 0: {life:#?}"));
    assert_eq!(
        count(
            &life,
            |e| matches!(e, LifeEvent::Copied { broker } if *broker != leader)
        ),
        2,
        "each follower copied it once: {:#?}",
        life.events
    );
    let last_copy = life
        .events
        .iter()
        .filter(|e| matches!(e.event, LifeEvent::Copied { .. }))
        .map(|e| e.at_ms)
        .max()
        .unwrap();
    let hw = first_at(
        &life,
        |e| matches!(e, LifeEvent::HighWatermark { broker } if *broker == leader),
    )
    .expect("the HW passed it");
    let acked = first_at(
        &life,
        |e| matches!(e, LifeEvent::Acked { producer, broker } if producer == "p1" && *broker == leader),
    )
    .expect("acked");
    let fetched = first_at(
        &life,
        |e| matches!(e, LifeEvent::Fetched { consumer, .. } if consumer == "c1"),
    )
    .expect("the consumer fetched it");
    let committed = first_at(
        &life,
        |e| matches!(e, LifeEvent::Committed { group, offset, .. } if group == "g" && *offset >= 1),
    )
    .expect("a commit covered it");

    // Causality: nothing happens before what it depends on.
    assert!(sent <= appended, "{:#?}", life.events);
    assert!(appended < last_copy);
    assert!(
        hw > appended
            && hw
                >= life
                    .events
                    .iter()
                    .filter(|e| matches!(e.event, LifeEvent::Copied { .. }))
                    .map(|e| e.at_ms)
                    .min()
                    .unwrap(),
        "acks=all: the HW passes once a follower has it"
    );
    assert!(acked > hw, "the ack travels after the HW passed");
    assert!(fetched > hw, "consumers read below the HW only");
    assert!(committed > fetched);
    let times: Vec<u64> = life.events.iter().map(|e| e.at_ms).collect();
    assert!(times.windows(2).all(|w| w[0] <= w[1]), "sorted: {times:?}");
}

#[test]
fn acks_one_is_acknowledged_before_the_followers_copy() {
    let sim = run("seed 7
        topic create orders partitions=1 replication-factor=3
        producer create p1 acks=1 linger.ms=0
        produce p1 orders key=k value=v
        advance 2s");
    let tp = TopicPartition::new("orders", 0);
    let life = sim.record_history(&tp, 0, None).unwrap();
    let acked = first_at(&life, |e| matches!(e, LifeEvent::Acked { .. })).unwrap();
    let copied = first_at(&life, |e| matches!(e, LifeEvent::Copied { .. })).unwrap();
    let hw = first_at(&life, |e| matches!(e, LifeEvent::HighWatermark { .. })).unwrap();
    assert!(
        acked <= copied,
        "acks=1 answers at append: {:#?}",
        life.events
    );
    assert!(hw >= copied);
    assert!(sim.record_history(&tp, 1, None).is_none(), "no offset 1");
}

#[test]
fn a_follower_log_answers_for_its_own_copy() {
    let sim = run("seed 7
        topic create orders partitions=1 replication-factor=2
        producer create p1 linger.ms=0
        produce p1 orders key=k value=v count=3
        advance 2s");
    let tp = TopicPartition::new("orders", 0);
    let p = &sim.describe_partitions()[0];
    assert_eq!(p.topic, "orders");
    let follower = *p.replicas.iter().find(|b| Some(**b) != p.leader).unwrap();
    let life = sim.record_history(&tp, 2, Some(follower)).unwrap();
    assert_eq!(life.offset, 2);
    assert_eq!(
        count(
            &life,
            |e| matches!(e, LifeEvent::Copied { broker } if *broker == follower)
        ),
        1
    );
    assert!(
        sim.record_history(&tp, 0, Some(99)).is_none(),
        "no broker 99"
    );
}

#[test]
fn the_ring_is_bounded_and_says_when_history_was_dropped() {
    let sim = run("seed 7
        topic create orders partitions=1 replication-factor=3
        producer create p1 linger.ms=0
        produce p1 orders value=v count=20000 rate=500/s
        advance 45s");
    assert_eq!(sim.history.len(), MAX_MARKS, "the ring is full, not larger");
    assert!(sim.history.dropped > 0);
    let tp = TopicPartition::new("orders", 0);
    let old = sim.record_history(&tp, 0, None).unwrap();
    assert!(old.incomplete, "the oldest record's marks are gone");
    let leo = sim.authoritative_replica(&tp).unwrap().log.leo();
    let recent = sim.record_history(&tp, leo - 600, None).unwrap();
    assert!(!recent.incomplete);
    assert!(first_at(&recent, |e| matches!(e, LifeEvent::Appended { .. })).is_some());
}

#[test]
fn the_same_run_gives_the_same_history() {
    let text = "seed 11
        topic create orders partitions=2 replication-factor=3
        producer create p1
        consumer create c1 group.id=g topics=orders auto.offset.reset=earliest
        produce p1 orders key=a value=v count=200 rate=100/s
        advance 5s
        broker kill 1
        advance 20s";
    let (a, b) = (run(text), run(text));
    let tp = TopicPartition::new(
        "orders",
        kafkascope_core::sim::hash::partition_for_key(b"a", 2),
    );
    let life = a.record_history(&tp, 10, None).expect("offset 10");
    assert_eq!(Some(&life), b.record_history(&tp, 10, None).as_ref());
    assert!(life.events.len() >= 6, "{:#?}", life.events);
}

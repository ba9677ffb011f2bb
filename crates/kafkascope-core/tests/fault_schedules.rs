//! Seeded fault schedules (Jepsen / VOPR style): random clusters, producers and faults from a
//! seed, written as scenario scripts, checked by class (see `src/sim/fault_schedule.rs` and
//! docs/FAULTS.md). A failing schedule panics with its seed and the script that replays it.
//!
//! CI runs a few dozen schedules per class; the long run is
//! `FAULT_SCHEDULES=10000 cargo test --release --test fault_schedules -- --ignored --nocapture`.

use kafkascope_core::sim::fault_schedule::{
    check, committed_duplicates, generate_into, run_one, run_seeds, DuplicateKind, FaultClass,
    Schedule, Summary,
};
use kafkascope_core::sim::script;

/// Panics with every failing schedule's replay text.
fn assert_no_failures(class: FaultClass, summary: &Summary) {
    if summary.failed > 0 {
        let texts: Vec<String> = summary
            .first_failures
            .iter()
            .map(|o| o.replay_text())
            .collect();
        panic!(
            "{} of {} {} schedules failed:\n{}",
            summary.failed,
            summary.schedules,
            class.name(),
            texts.join("\n")
        );
    }
}

fn schedule(seed: u64, class: FaultClass) -> Schedule {
    let mut script = String::new();
    let (sim, settled) = generate_into(seed, class, &mut script, false)
        .unwrap_or_else(|e| panic!("seed {seed} {}: {e}\n{script}", class.name()));
    Schedule {
        seed,
        class,
        script,
        sim,
        settled,
    }
}

#[test]
fn durable_schedules_lose_no_acknowledged_record() {
    let s = run_seeds(FaultClass::Durable, 1, 20);
    assert_no_failures(FaultClass::Durable, &s);
    assert_eq!(s.schedules, 20);
    assert!(s.acknowledged > 0, "the schedules produced nothing: {s:?}");
    assert_eq!(s.lost_records, 0);
}

#[test]
fn idempotent_schedules_commit_no_record_twice() {
    let s = run_seeds(FaultClass::Idempotent, 1, 10);
    assert_no_failures(FaultClass::Idempotent, &s);
    assert!(s.acknowledged > 0, "the schedules produced nothing: {s:?}");
}

#[test]
fn acks1_schedules_find_the_losses_kafka_allows() {
    let s = run_seeds(FaultClass::Acks1, 1, 16);
    assert_no_failures(FaultClass::Acks1, &s);
    assert!(
        s.schedules_with_loss > 0,
        "acks=1 under faults should lose some acknowledged records: {s:?}"
    );
}

#[test]
fn unclean_schedules_find_the_losses_kafka_allows() {
    let s = run_seeds(FaultClass::Unclean, 1, 24);
    assert_no_failures(FaultClass::Unclean, &s);
    assert!(
        s.schedules_with_loss > 0,
        "unclean leader election under faults should lose some acknowledged records: {s:?}"
    );
}

/// Consumer groups under faults (a few schedules: each runs minutes of simulated time with 50
/// `__consumer_offsets` partitions), and every consumer fault and kind of group in them.
#[test]
fn groups_schedules_keep_one_owner_and_read_at_least_once() {
    let outcomes: Vec<_> = (1..=6)
        .map(|seed| run_one(seed, FaultClass::Groups))
        .collect();
    for o in &outcomes {
        assert!(o.failures.is_empty(), "{}", o.replay_text());
        assert_eq!(o.lost, 0, "durable topics lose nothing");
    }
    assert!(outcomes.iter().map(|o| o.groups.processed).sum::<usize>() > 0);
    let scripts: String = outcomes.iter().map(|o| o.script.as_str()).collect();
    for needle in [
        "consumer create ",
        "consumer crash ",
        "consumer restart ",
        "consumer close ",
        "network isolate g",
        "network cut g",
        "network slow g",
        "partition.assignment.strategy=range",
        "partition.assignment.strategy=cooperative-sticky",
        "partition.assignment.strategy=sticky",
        "partition.assignment.strategy=roundrobin",
        "commit.after.processing=true",
        "processing=poll-loop enable.auto.commit=true",
        "processing=worker",
        "group.instance.id=",
    ] {
        assert!(
            scripts.contains(needle),
            "no groups schedule uses '{needle}'"
        );
    }
}

/// The at-least-once check is not vacuous: a worker group that auto-commits records its worker
/// never processed is allowed (Kafka allows it); judged as a poll-loop group, it fails.
#[test]
fn the_groups_check_catches_committed_records_nobody_processed() {
    let text = include_str!("../../../scenarios/consumer-worker-loses-records.kss");
    let sim = script::run(text).expect("the scenario runs");
    let lossy = Schedule {
        seed: 0,
        class: FaultClass::Groups,
        script: text.to_string(),
        sim,
        settled: true,
    };
    let allowed = check(&lossy);
    assert!(allowed.failures.is_empty(), "{:?}", allowed.failures);
    assert!(allowed.groups.unprocessed_allowed > 0);
    let mut as_poll_loop = lossy;
    for c in &mut as_poll_loop.sim.consumers {
        c.config.processing = kafkascope_core::sim::consumer::Processing::PollLoop;
    }
    let judged = check(&as_poll_loop);
    assert!(
        judged
            .failures
            .iter()
            .any(|f| f.contains("no member processed")),
        "{:?}",
        judged.failures
    );
}

#[test]
fn a_printed_script_replays_the_same_run() {
    for class in FaultClass::ALL {
        let s = schedule(3, class);
        let replayed = script::run(&s.script)
            .unwrap_or_else(|e| panic!("the script does not replay: {e}\n{}", s.script));
        assert_eq!(
            replayed.report_json(),
            s.sim.report_json(),
            "{} seed 3: the script does not replay the run",
            class.name()
        );
        assert_eq!(
            schedule(3, class).script,
            s.script,
            "same seed, same script"
        );
    }
    assert_ne!(
        schedule(3, FaultClass::Durable).script,
        schedule(4, FaultClass::Durable).script
    );
}

/// The checks are not vacuous: a loss judged by the durable class, and a duplicate judged by the
/// idempotent class, are failures.
#[test]
fn the_checks_catch_what_they_look_for() {
    let lossy = (1..=16)
        .map(|seed| schedule(seed, FaultClass::Acks1))
        .find(|s| !s.sim.lost_acknowledged_records().is_empty())
        .expect("some acks=1 schedule loses a record");
    let judged = check(&Schedule {
        class: FaultClass::Durable,
        ..lossy
    });
    assert!(
        judged
            .failures
            .iter()
            .any(|f| f.contains("acknowledged record lost")),
        "{:?}",
        judged.failures
    );

    let duplicated = (1..=16)
        .map(|seed| schedule(seed, FaultClass::Acks1))
        .find(|s| {
            committed_duplicates(&s.sim)
                .iter()
                .any(|d| d.kind == DuplicateKind::NotIdempotent)
        })
        .expect("some schedule without idempotence commits a record twice");
    assert!(
        check(&duplicated).failures.is_empty(),
        "acks=1 allows duplicates"
    );
    let judged = check(&Schedule {
        class: FaultClass::Idempotent,
        ..duplicated
    });
    assert!(
        judged
            .failures
            .iter()
            .any(|f| f.contains("committed twice")),
        "{:?}",
        judged.failures
    );
}

/// Every kind of fault the generator knows shows up in a few dozen schedules.
#[test]
fn schedules_use_every_kind_of_fault() {
    let scripts: String = (1..=16)
        .map(|seed| schedule(seed, FaultClass::Acks1).script)
        .collect();
    for needle in [
        "mode=kraft",
        "mode=zookeeper",
        "broker kill ",
        "broker stop ",
        "broker start ",
        "network isolate ",
        "network cut ",
        "network slow ",
        "network heal",
        "network drop produce-response",
        "network drop fetch",
        "controller kill",
        "controller start ",
        "produce p",
        " rate=",
        " key=",
        " partition=",
        "advance ",
    ] {
        assert!(scripts.contains(needle), "no schedule uses '{needle}'");
    }
    // The idempotent class keeps client connections in order: no single produce request or
    // response is lost.
    let idempotent: String = (1..=6)
        .map(|seed| schedule(seed, FaultClass::Idempotent).script)
        .collect();
    for absent in ["network drop produce", "network isolate", "network slow p"] {
        assert!(
            !idempotent.contains(absent),
            "idempotent class uses '{absent}'"
        );
    }
    assert!(idempotent.contains("network cut "));
}

//! The long run of the seeded fault schedules (docs/FAULTS.md), on every core:
//! `FAULT_SCHEDULES=10000 cargo test --release -p kafka-sim --test fault_schedules_long --
//! --ignored --nocapture`. The schedules themselves are the core's
//! (crates/kafkascope-core/tests/fault_schedules.rs).

use kafka_sim::faults::run_many;
use kafkascope_core::sim::fault_schedule::FaultClass;

/// The long run: the command above (FAULT_FIRST_SEED to start elsewhere, FAULT_CLASS for one class).
#[test]
#[ignore]
fn many_schedules() {
    let count: u64 = std::env::var("FAULT_SCHEDULES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    let first: u64 = std::env::var("FAULT_FIRST_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1);
    let classes: Vec<FaultClass> = match std::env::var("FAULT_CLASS") {
        Ok(c) => vec![FaultClass::parse(&c).expect("FAULT_CLASS is a class name")],
        Err(_) => FaultClass::ALL.to_vec(),
    };
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mut failed = Vec::new();
    for class in classes {
        let start = std::time::Instant::now();
        let s = run_many(class, first, count, threads);
        println!(
            "{}",
            s.to_json(class, first, Some(start.elapsed().as_secs_f64()))
        );
        for o in &s.first_failures {
            println!("{}", o.replay_text());
        }
        if s.failed > 0 {
            failed.push(class.name());
        }
        if matches!(class, FaultClass::Acks1 | FaultClass::Unclean) {
            assert!(s.schedules_with_loss > 0, "{}: no loss found", class.name());
        }
    }
    assert!(failed.is_empty(), "failing classes: {failed:?}");
}

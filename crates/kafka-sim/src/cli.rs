//! The `kafka-sim` command line: argument handling only; the work is done by the core.

use std::io::Read;

use kafkascope_core::sim::script as scenario;

const USAGE: &str = "usage:
  kafka-sim run [--trace] FILE                       run a scenario script, print the JSON report
                                                     (--trace: the Kafka-style log lines on stderr)
  kafka-sim partition --key KEY --partitions N       the partition Kafka's default partitioner picks
  kafka-sim offsets-partition --group GROUP          the __consumer_offsets partition of a group
  kafka-sim assign < input.json                      one run of a consumer assignor
  kafka-sim bench [--records N]                      end-to-end speed, produce and consume, records/s
  kafka-sim bench --soak [--minutes M] [--rate R]    memory over a long run (default 60 simulated
                                                     minutes at 1,000 records/s, retention on)
  kafka-sim faults --class CLASS [--schedules N]     seeded fault schedules (docs/FAULTS.md)";

/// The process's heap, as a counting allocator sees it (`kafka-sim` installs one).
#[derive(Clone, Copy)]
pub struct HeapMeter {
    /// (live, peak) bytes.
    pub usage: fn() -> (usize, usize),
    pub reset_peak: fn(),
}

/// Runs one invocation; returns the process exit code (0 ok, 2 usage or script error).
pub fn run(args: &[String]) -> i32 {
    run_with_heap(args, None)
}

/// `run`, with a heap meter for `bench --soak`.
pub fn run_with_heap(args: &[String], heap: Option<HeapMeter>) -> i32 {
    match dispatch(args, heap) {
        Ok(out) => {
            println!("{out}");
            0
        }
        Err(message) => {
            eprintln!("kafka-sim: {message}");
            2
        }
    }
}

fn dispatch(args: &[String], heap: Option<HeapMeter>) -> Result<String, String> {
    let Some((command, rest)) = args.split_first() else {
        return Err(USAGE.to_string());
    };
    match command.as_str() {
        "-h" | "--help" | "help" => Ok(USAGE.to_string()),
        "run" => {
            let (file, trace) = match rest {
                [file] => (file, false),
                [flag, file] if flag == "--trace" => (file, true),
                _ => return Err(format!("run takes one script file\n{USAGE}")),
            };
            let text =
                std::fs::read_to_string(file).map_err(|e| format!("cannot read {file}: {e}"))?;
            let sim = scenario::run(&text).map_err(|e| format!("{file}: {e}"))?;
            if trace {
                for t in &sim.trace.events {
                    eprintln!("{:>9} ms  {:<14} {}", t.at_ms, t.subject(), t.text());
                }
            }
            Ok(sim.report_json())
        }
        "partition" => crate::keys::partition_cli(rest),
        "bench" if rest.first().is_some_and(|a| a == "--soak") => {
            crate::soak::cli(&rest[1..], heap)
        }
        "bench" => bench(rest),
        "faults" => crate::faults::cli(rest),
        "offsets-partition" => crate::keys::offsets_partition_cli(rest),
        "assign" => {
            let mut input = String::new();
            std::io::stdin()
                .read_to_string(&mut input)
                .map_err(|e| format!("cannot read stdin: {e}"))?;
            if !rest.is_empty() {
                return Err(format!(
                    "assign takes no arguments (the request comes on stdin)\n{USAGE}"
                ));
            }
            crate::assign::assign_json(&input)
        }
        other => Err(format!("unknown command '{other}'\n{USAGE}")),
    }
}

/// `kafka-sim bench`: end-to-end speed on the host clock. Produce: 3 brokers, RF 3, acks=all,
/// min.insync.replicas=2, idempotent producer. Consume: the same records read by a group of
/// three consumers (auto-commit, no processing time). Prints records/s for each.
fn bench(args: &[String]) -> Result<String, String> {
    let records: u64 = match args {
        [] => 1_000_000,
        [flag, n] if flag == "--records" => n
            .parse()
            .map_err(|_| format!("--records takes a number, not '{n}'"))?,
        _ => return Err(format!("usage: kafka-sim bench [--records N]\n{USAGE}")),
    };
    if records == 0 || records > 10_000_000 {
        return Err("--records must be between 1 and 10000000".into());
    }
    let script = format!(
        "seed 1\ncluster brokers=3\ntopic create bench partitions=6 replication-factor=3 min.insync.replicas=2\n\
         producer create p acks=all\nproduce p bench count={records}\nadvance 10m\n"
    );
    let start = std::time::Instant::now();
    let mut sim = scenario::run(&script).map_err(|e| e.to_string())?;
    let produce_s = start.elapsed().as_secs_f64();
    // The counters, not the lists: those keep only their newest entries (observations.rs).
    let acked: u64 = sim.producers.iter().map(|p| p.acked_count).sum();
    if acked != records {
        return Err(format!(
            "only {acked} of {records} records were acknowledged"
        ));
    }
    let start = std::time::Instant::now();
    for c in ["c1", "c2", "c3"] {
        sim.apply_line(&format!(
            "consumer create {c} group.id=bench topics=bench auto.offset.reset=earliest processing.time.ms=0 max.poll.records=5000"
        ))
        .map_err(|e| e.to_string())?;
    }
    sim.apply_line("advance 10m").map_err(|e| e.to_string())?;
    let consume_s = start.elapsed().as_secs_f64();
    let consumed: u64 = sim.consumers.iter().map(|c| c.processed_count).sum();
    if consumed != records {
        return Err(format!(
            "only {consumed} of {records} records were consumed"
        ));
    }
    Ok(format!(
        "{{\"records\": {records}, \"produce_seconds\": {produce_s:.3}, \"produce_records_per_second\": {:.0}, \"consume_seconds\": {consume_s:.3}, \"consume_records_per_second\": {:.0}}}",
        records as f64 / produce_s,
        records as f64 / consume_s,
    ))
}

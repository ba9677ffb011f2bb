//! `kafka-sim faults ...`: runs many schedules, or prints one schedule's script.

use kafkascope_core::sim::fault_schedule::{
    check, generate_into, run_one, summarize, FaultClass, Outcome, Schedule, Summary,
};

const FAULTS_USAGE: &str = "usage:
  kafka-sim faults --class CLASS [--schedules N] [--first-seed S] [--threads T]
      run N seeded fault schedules (default 100) of a class and print a JSON summary;
      failing schedules are printed with their replay script on stderr (exit code 1)
  kafka-sim faults --class CLASS --seed S --script
      print the scenario script of one schedule (replay it with `kafka-sim run FILE`)
  CLASS: durable | idempotent | acks1 | unclean | groups | all";

/// `kafka-sim faults ...` (wired in `cli.rs`). Returns the text to print, or an error.
pub fn cli(args: &[String]) -> Result<String, String> {
    let mut class = None;
    let mut schedules: u64 = 100;
    let mut first_seed: u64 = 1;
    let mut seed = None;
    let mut print_script = false;
    let mut threads: usize = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let mut value = |name: &str| {
            it.next()
                .cloned()
                .ok_or_else(|| format!("{name} takes a value\n{FAULTS_USAGE}"))
        };
        let num = |name: &str, v: String| {
            v.parse::<u64>()
                .map_err(|_| format!("{name} takes a number, not '{v}'"))
        };
        match a.as_str() {
            "--class" => class = Some(value("--class")?),
            "--schedules" => schedules = num("--schedules", value("--schedules")?)?,
            "--first-seed" => first_seed = num("--first-seed", value("--first-seed")?)?,
            "--seed" => seed = Some(num("--seed", value("--seed")?)?),
            "--threads" => threads = num("--threads", value("--threads")?)? as usize,
            "--script" => print_script = true,
            "-h" | "--help" => return Ok(FAULTS_USAGE.to_string()),
            other => return Err(format!("unknown option '{other}'\n{FAULTS_USAGE}")),
        }
    }
    let class_name = class.ok_or_else(|| format!("--class is required\n{FAULTS_USAGE}"))?;
    let classes: Vec<FaultClass> = if class_name == "all" {
        FaultClass::ALL.to_vec()
    } else {
        vec![FaultClass::parse(&class_name)
            .ok_or_else(|| format!("unknown class '{class_name}'\n{FAULTS_USAGE}"))?]
    };
    if print_script || seed.is_some() {
        let seed = seed.ok_or_else(|| format!("--script needs --seed\n{FAULTS_USAGE}"))?;
        if classes.len() != 1 {
            return Err("--seed takes one class".into());
        }
        // Each line is printed as it is chosen, so a panic still leaves the replay script.
        let mut script = String::new();
        return match generate_into(seed, classes[0], &mut script, print_script) {
            Ok(_) if print_script => Ok(String::new()),
            Ok((sim, settled)) => {
                let o = check(&Schedule {
                    seed,
                    class: classes[0],
                    script,
                    sim,
                    settled,
                });
                if o.failures.is_empty() {
                    Ok(format!(
                        "seed {seed} class {}: ok (lost {}, duplicates {}, settled {})",
                        classes[0].name(),
                        o.lost,
                        o.duplicates,
                        o.settled
                    ))
                } else {
                    Err(o.replay_text())
                }
            }
            Err(e) => Err(e),
        };
    }
    if schedules == 0 || schedules > 10_000_000 {
        return Err("--schedules must be between 1 and 10000000".into());
    }
    let mut lines = Vec::new();
    let mut failed = false;
    install_panic_note();
    for class in classes {
        let start = std::time::Instant::now();
        let summary = run_many(class, first_seed, schedules, threads);
        let secs = start.elapsed().as_secs_f64();
        for o in &summary.first_failures {
            eprintln!("{}", o.replay_text());
        }
        failed |= summary.failed > 0;
        lines.push(summary.to_json(class, first_seed, Some(secs)));
    }
    let text = lines.join("\n");
    if failed {
        Err(format!("some schedules failed:\n{text}"))
    } else {
        Ok(text)
    }
}

thread_local! {
    /// The schedule this thread is running (named by the panic hook).
    static RUNNING: std::cell::Cell<Option<(u64, FaultClass)>> = const { std::cell::Cell::new(None) };
}

/// With `panic = "abort"` (the release profile) a panic cannot be caught: name the schedule and
/// how to print its script before the process dies.
fn install_panic_note() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(install_panic_note_once);
}

fn install_panic_note_once() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        previous(info);
        if let Some((seed, class)) = RUNNING.with(|r| r.get()) {
            eprintln!(
                "kafka-sim faults: schedule seed={seed} class={} panicked; \
                 `kafka-sim faults --class {} --seed {seed} --script` prints its script up to the panic",
                class.name(),
                class.name()
            );
        }
    }));
}

/// Runs `count` schedules from `first_seed` on `threads` threads; results are the same whatever
/// the thread count (each seed is independent; they are summed in seed order).
pub fn run_many(class: FaultClass, first_seed: u64, count: u64, threads: usize) -> Summary {
    let threads = threads.clamp(1, 64) as u64;
    install_panic_note();
    let outcomes: Vec<Vec<Outcome>> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|t| s.spawn(move || run_every_nth(class, first_seed, count, t, threads)))
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .expect("a schedule thread panicked outside catch_unwind")
            })
            .collect()
    });
    summarize(outcomes.into_iter().flatten().collect())
}

/// One thread's share: schedules `first_seed + t`, `+ t + threads`, ...
fn run_every_nth(
    class: FaultClass,
    first_seed: u64,
    count: u64,
    t: u64,
    threads: u64,
) -> Vec<Outcome> {
    let mut mine = Vec::new();
    let mut i = t;
    while i < count {
        let seed = first_seed + i;
        RUNNING.with(|r| r.set(Some((seed, class))));
        let mut o = run_one(seed, class);
        if o.failures.is_empty() {
            o.script = String::new(); // keep memory small
        }
        mine.push(o);
        i += threads;
    }
    mine
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(a: &[&str]) -> Vec<String> {
        a.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn the_cli_checks_its_arguments() {
        for (a, says) in [
            (&[][..], "--class is required"),
            (&["--class", "nope"][..], "unknown class 'nope'"),
            (
                &["--class", "durable", "--schedules", "x"][..],
                "takes a number",
            ),
            (
                &["--class", "durable", "--schedules", "0"][..],
                "between 1 and",
            ),
            (
                &["--class", "durable", "--bogus"][..],
                "unknown option '--bogus'",
            ),
            (&["--class"][..], "--class takes a value"),
            (
                &["--class", "all", "--seed", "1"][..],
                "--seed takes one class",
            ),
        ] {
            let e = cli(&args(a)).unwrap_err();
            assert!(e.contains(says), "{a:?}: {e}");
        }
        assert!(cli(&args(&["--help"]))
            .unwrap()
            .contains("kafka-sim faults"));
    }

    #[test]
    fn the_cli_runs_one_seed_and_a_few_schedules() {
        let one = cli(&args(&["--class", "acks1", "--seed", "2"])).unwrap();
        assert!(one.starts_with("seed 2 class acks1: ok"), "{one}");
        let many = cli(&args(&[
            "--class",
            "durable",
            "--schedules",
            "2",
            "--threads",
            "1",
        ]))
        .unwrap();
        assert!(many.contains("\"schedules\": 2, \"failed\": 0"), "{many}");
    }

    #[test]
    fn a_seed_gives_the_same_script() {
        let a = run_one(7, FaultClass::Durable);
        let b = run_one(7, FaultClass::Durable);
        assert_eq!(a.script, b.script);
        assert!(a.script.contains("cluster brokers="));
        let c = run_one(8, FaultClass::Durable);
        assert_ne!(a.script, c.script);
    }
}

//! The `kafka-sim` command line: argument handling only; the work is done by the core.

use std::io::Read;

const USAGE: &str = "usage:
  kafka-sim run FILE                                 run a scenario script, print the JSON report
  kafka-sim partition --key KEY --partitions N       the partition Kafka's default partitioner picks
  kafka-sim offsets-partition --group GROUP          the __consumer_offsets partition of a group
  kafka-sim assign < input.json                      one run of a consumer assignor";

/// Runs one invocation; returns the process exit code (0 ok, 2 usage or script error).
pub fn run(args: &[String]) -> i32 {
    match dispatch(args) {
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

fn dispatch(args: &[String]) -> Result<String, String> {
    let Some((command, rest)) = args.split_first() else {
        return Err(USAGE.to_string());
    };
    match command.as_str() {
        "-h" | "--help" | "help" => Ok(USAGE.to_string()),
        "run" => {
            let [file] = rest else {
                return Err(format!("run takes one script file\n{USAGE}"));
            };
            let text =
                std::fs::read_to_string(file).map_err(|e| format!("cannot read {file}: {e}"))?;
            let sim = super::script::run(&text).map_err(|e| format!("{file}: {e}"))?;
            Ok(sim.report_json())
        }
        "partition" => super::hash::partition_cli(rest),
        "offsets-partition" => super::hash::offsets_partition_cli(rest),
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
            super::assignor::assign_json(&input)
        }
        other => Err(format!("unknown command '{other}'\n{USAGE}")),
    }
}

//! `kafka-sim partition` and `kafka-sim offsets-partition`: Kafka's hash rules from the core
//! (`sim::hash`), with the command line's flags.

use kafkascope_core::sim::hash::{
    offsets_partition_for, partition_for_key, DEFAULT_OFFSETS_TOPIC_PARTITIONS, MAX_CLI_PARTITIONS,
};

/// `kafka-sim partition --key KEY --partitions N`: prints the partition Kafka's default
/// partitioner picks for a `StringSerializer` key (UTF-8 bytes). `args` are the words after
/// the command name; flags may come in any order, as `--flag VALUE` or `--flag=VALUE`.
pub fn partition_cli(args: &[String]) -> Result<String, String> {
    let flags = parse_flags("partition", args, &["--key", "--partitions"])?;
    let key = flags[0]
        .as_deref()
        .ok_or("partition: missing --key KEY (an empty key is --key '')")?;
    let partitions = flags[1]
        .as_deref()
        .ok_or("partition: missing --partitions N")?;
    let partitions = parse_partition_count("partition", partitions)?;
    Ok(partition_for_key(key.as_bytes(), partitions).to_string())
}

/// `kafka-sim offsets-partition --group GROUP [--partitions N]`: prints the `__consumer_offsets`
/// partition of the group (N = `offsets.topic.num.partitions`, 50 unless given).
pub fn offsets_partition_cli(args: &[String]) -> Result<String, String> {
    let flags = parse_flags("offsets-partition", args, &["--group", "--partitions"])?;
    let group = flags[0]
        .as_deref()
        .ok_or("offsets-partition: missing --group GROUP")?;
    let partitions = match flags[1].as_deref() {
        Some(n) => parse_partition_count("offsets-partition", n)?,
        None => DEFAULT_OFFSETS_TOPIC_PARTITIONS,
    };
    Ok(offsets_partition_for(group, partitions).to_string())
}

/// Reads `--name VALUE` / `--name=VALUE` pairs for the known names (each at most once).
fn parse_flags(
    command: &str,
    args: &[String],
    known: &[&str],
) -> Result<Vec<Option<String>>, String> {
    let mut values: Vec<Option<String>> = vec![None; known.len()];
    let mut i = 0;
    while i < args.len() {
        let arg = &args[i];
        let (name, inline) = match arg.split_once('=') {
            Some((n, v)) if n.starts_with("--") => (n, Some(v.to_string())),
            _ => (arg.as_str(), None),
        };
        let Some(slot) = known.iter().position(|k| *k == name) else {
            return Err(format!(
                "{command}: unknown argument '{arg}' (expected {})",
                known.join(", ")
            ));
        };
        let value = match inline {
            Some(v) => v,
            None => {
                i += 1;
                args.get(i)
                    .cloned()
                    .ok_or_else(|| format!("{command}: {name} needs a value"))?
            }
        };
        if values[slot].is_some() {
            return Err(format!("{command}: {name} given twice"));
        }
        values[slot] = Some(value);
        i += 1;
    }
    Ok(values)
}

fn parse_partition_count(command: &str, value: &str) -> Result<i32, String> {
    match value.trim().parse::<i64>() {
        Ok(n) if (1..=i64::from(MAX_CLI_PARTITIONS)).contains(&n) => Ok(n as i32),
        Ok(n) => Err(format!(
            "{command}: --partitions must be between 1 and {MAX_CLI_PARTITIONS}, not {n}"
        )),
        Err(_) => Err(format!(
            "{command}: --partitions must be a whole number, not '{value}'"
        )),
    }
}

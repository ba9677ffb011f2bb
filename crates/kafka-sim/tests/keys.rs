//! `kafka-sim partition` and `kafka-sim offsets-partition`: the command line's flags around
//! Kafka's hash rules (the rules themselves: crates/kafkascope-core/tests/hash.rs).

use kafka_sim::keys::{offsets_partition_cli, partition_cli};

fn args(words: &[&str]) -> Vec<String> {
    words.iter().map(|w| w.to_string()).collect()
}

#[test]
fn partition_cli_prints_just_the_number() {
    assert_eq!(
        partition_cli(&args(&["--key", "21", "--partitions", "10"])),
        Ok("0".to_string())
    );
    assert_eq!(
        partition_cli(&args(&["--partitions", "1000", "--key", "foobar"])),
        Ok("166".to_string())
    );
    assert_eq!(
        partition_cli(&args(&["--key=", "--partitions=10"])),
        Ok("1".to_string())
    );
    assert_eq!(
        partition_cli(&args(&["--key", "a=b", "--partitions", "1"])),
        Ok("0".to_string())
    );
}

#[test]
fn partition_cli_rejects_bad_arguments() {
    let err = |words: &[&str]| partition_cli(&args(words)).unwrap_err();
    assert!(err(&["--partitions", "3"]).contains("missing --key"));
    assert!(err(&["--key", "k"]).contains("missing --partitions"));
    assert!(err(&["--key", "k", "--partitions", "0"]).contains("between 1 and"));
    assert!(err(&["--key", "k", "--partitions", "-3"]).contains("between 1 and"));
    assert!(err(&["--key", "k", "--partitions", "1000001"]).contains("between 1 and"));
    assert!(err(&["--key", "k", "--partitions", "ten"]).contains("whole number"));
    assert!(err(&["--key", "k", "--partitions"]).contains("needs a value"));
    assert!(err(&["--key", "k", "--partitions", "3", "--key", "j"]).contains("twice"));
    assert!(err(&["--topic", "t"]).contains("unknown argument"));
}

#[test]
fn offsets_partition_cli_defaults_to_fifty_partitions() {
    assert_eq!(
        offsets_partition_cli(&args(&["--group", "polygenelubricants"])),
        Ok("0".to_string())
    );
    assert_eq!(
        offsets_partition_cli(&args(&["--group", "my-group"])),
        Ok("12".to_string())
    );
    assert_eq!(
        offsets_partition_cli(&args(&["--group", "my-group", "--partitions", "3"])),
        Ok("0".to_string())
    );
    let err = offsets_partition_cli(&args(&[])).unwrap_err();
    assert!(err.contains("missing --group"), "{err}");
    let err = offsets_partition_cli(&args(&["--group", "g", "--partitions", "0"])).unwrap_err();
    assert!(err.contains("between 1 and"), "{err}");
    let err = offsets_partition_cli(&args(&["g"])).unwrap_err();
    assert!(err.contains("unknown argument"), "{err}");
}

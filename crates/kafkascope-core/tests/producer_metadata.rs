//! `KafkaProducer.send()` blocks in `waitOnMetadata` until the topic is in the producer's
//! metadata, asking again every retry.backoff.ms, and gives up after max.block.ms with
//! `TimeoutException: Topic t not present in metadata after N ms.`. A producer made before its
//! topic (the page's p1 with a topic created later) must not fail the first send and stall.

use kafkascope_core::sim::{script, Simulation};

fn run(text: &str) -> Simulation {
    script::run(text).unwrap_or_else(|e| panic!("{e}"))
}

fn trace_has(sim: &Simulation, text: &str) -> bool {
    sim.trace.events.iter().any(|e| e.text().contains(text))
}

#[test]
fn a_producer_made_before_its_topic_waits_for_the_metadata_and_sends_everything() {
    let sim = run("seed 1\n\
         cluster brokers=3\n\
         producer create p1\n\
         topic create t1 partitions=6 replication-factor=3\n\
         produce p1 t1 rate=10/s count=20\n\
         advance 5s\n");
    let p = &sim.producers[0];
    assert!(p.failed.is_empty(), "{:?}", p.failed);
    assert_eq!(p.acked_count, 20);
    assert_eq!(p.pending_records(), 0);
    // Its first metadata answer came before the brokers knew the topic, as Kafka logs it.
    assert!(trace_has(
        &sim,
        "The metadata response from the cluster reported a recoverable issue with correlation id"
    ));
    assert!(trace_has(&sim, "{t1=UNKNOWN_TOPIC_OR_PARTITION}"));
}

#[test]
fn a_send_blocked_past_max_block_ms_fails_with_a_timeout() {
    // The producer cannot reach any broker: no metadata ever comes.
    let sim = run("seed 1\n\
         cluster brokers=3\n\
         topic create t1 partitions=3 replication-factor=3\n\
         producer create p1 max.block.ms=2000\n\
         network isolate p1\n\
         produce p1 t1 key=a value=v\n\
         advance 1999ms\n");
    assert!(
        sim.producers[0].failed.is_empty(),
        "still blocked at 1999 ms"
    );
    assert_eq!(sim.producers[0].pending_records(), 1);
    let mut sim = sim;
    sim.apply_line("advance 1ms").unwrap();
    let p = &sim.producers[0];
    assert_eq!(p.failed.len(), 1);
    assert_eq!(p.failed[0].error, "METADATA_TIMEOUT");
    assert_eq!(p.failed[0].key.as_deref(), Some("a"));
    assert_eq!(p.failed[0].cause, None, "no broker ever answered");
    assert_eq!(p.pending_records(), 0);
    assert!(trace_has(
        &sim,
        "org.apache.kafka.common.errors.TimeoutException: Topic t1 not present in metadata after 2000 ms."
    ));
}

#[test]
fn max_block_ms_is_a_producer_config_with_kafkas_default() {
    let sim = run("cluster brokers=1\nproducer create p1\n");
    assert_eq!(sim.producers[0].config.max_block_ms, 60_000);
    let mut sim = sim;
    let err = sim
        .apply_line("producer create p2 max.block.ms=soon")
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("Invalid value soon for configuration max.block.ms"),
        "{err}"
    );
}

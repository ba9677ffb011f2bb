//! The producer's retries back off exponentially (KIP-580; producer/backoff.rs): a batch refused
//! again and again with NOT_ENOUGH_REPLICAS waits about 100, 200, 400, 800 ms, then about
//! `retry.backoff.max.ms` (1000) between attempts, instead of a constant `retry.backoff.ms`.

use kafkascope_core::sim::script;

/// The times of the producer's "retrying" lines.
fn retry_times(extra: &str) -> Vec<u64> {
    let sim = script::run(&format!(
        "seed 2
        topic create t partitions=1 replication-factor=3 min.insync.replicas=3
        advance 1s
        broker kill 3
        advance 15s
        producer create p acks=all linger.ms=0 {extra}
        produce p t value=x
        advance 6s"
    ))
    .unwrap_or_else(|e| panic!("{e}"));
    sim.trace
        .events
        .iter()
        .filter(|e| {
            e.text().contains("Got error produce response")
                && e.text().contains("NOT_ENOUGH_REPLICAS")
        })
        .map(|e| e.at_ms)
        .collect()
}

fn gaps(times: &[u64]) -> Vec<u64> {
    times.windows(2).map(|w| w[1] - w[0]).collect()
}

#[test]
fn retries_wait_twice_as_long_each_time_up_to_the_max() {
    let g = gaps(&retry_times(""));
    assert!(g.len() >= 6, "{g:?}");
    // Each gap is the backoff plus one round trip (a few ms); jitter is ±20%.
    for (i, term) in [100u64, 200, 400, 800, 1000, 1000].into_iter().enumerate() {
        let low = term * 8 / 10;
        let high = (term * 12 / 10).min(1000) + 20;
        assert!(
            (low..=high).contains(&g[i]),
            "gap {i} = {} not in {low}..={high}: {g:?}",
            g[i]
        );
    }
}

#[test]
fn retry_backoff_max_ms_equal_to_retry_backoff_ms_gives_constant_waits() {
    let g = gaps(&retry_times(
        "retry.backoff.ms=300 retry.backoff.max.ms=300",
    ));
    assert!(g.len() >= 5, "{g:?}");
    assert!(g.iter().all(|&d| (300..=320).contains(&d)), "{g:?}");
}

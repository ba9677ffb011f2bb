//! How long a failed batch waits before its retry (KIP-580, Kafka 3.7+): exponential from
//! `retry.backoff.ms` (100), doubling per attempt up to `retry.backoff.max.ms` (1000), with ±20%
//! jitter. `RecordAccumulator` waits `ExponentialBackoff(retry.backoff.ms, 2, retry.backoff.max.ms,
//! 0.2).backoff(batch.attempts() - 1)` (clients/src/main/java/org/apache/kafka/common/utils/
//! ExponentialBackoff.java, clients/.../producer/internals/RecordAccumulator.java).
//!
//! Kafka computes `initial * 2^min(n, log2(max / initial))` with `Math.log` and `Math.pow`; that is
//! `min(initial * 2^n, max)`, computed here in integers: libm's `ln` and `powf` may round
//! differently natively and in WebAssembly, and a run must be the same on both. Kafka draws the
//! jitter anew each time the sender looks at the batch; the model draws it once per retry, from
//! the run's seed.

use super::super::rng::SplitMix64;

/// `RETRY_BACKOFF_JITTER`: the wait is between 80% and 120% of the exponential term.
const JITTER_PERMILLE: u64 = 200;

/// The wait before a batch's retry after `failed_attempts` attempts (1 for the first retry).
pub fn retry_backoff_ms(initial: u64, max: u64, failed_attempts: u32, rng: &mut SplitMix64) -> u64 {
    let initial = initial.min(max);
    if max <= initial {
        // expMax == 0: a constant backoff, no jitter.
        return initial;
    }
    let doublings = failed_attempts.saturating_sub(1).min(63);
    let term = initial.saturating_mul(1u64 << doublings).min(max);
    let permille = 1_000 - JITTER_PERMILLE + rng.below(2 * JITTER_PERMILLE);
    (term.saturating_mul(permille) / 1_000).min(max)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doubles_from_the_initial_wait_to_the_max_with_jitter() {
        let mut rng = SplitMix64::new(7);
        for (attempt, term) in [
            (1, 100),
            (2, 200),
            (3, 400),
            (4, 800),
            (5, 1000),
            (20, 1000),
        ] {
            for _ in 0..200 {
                let w = retry_backoff_ms(100, 1_000, attempt, &mut rng);
                let low = term * 8 / 10;
                let high = (term * 12 / 10).min(1_000);
                assert!(
                    (low..=high).contains(&w),
                    "attempt {attempt}: {w} not in {low}..={high}"
                );
            }
        }
    }

    #[test]
    fn a_max_not_above_the_initial_wait_is_a_constant_backoff() {
        let mut rng = SplitMix64::new(1);
        assert_eq!(retry_backoff_ms(100, 100, 5, &mut rng), 100);
        assert_eq!(retry_backoff_ms(500, 100, 1, &mut rng), 100);
        assert_eq!(retry_backoff_ms(0, 0, 3, &mut rng), 0);
    }

    #[test]
    fn the_jitter_spreads_the_waits() {
        let mut rng = SplitMix64::new(3);
        let waits: Vec<u64> = (0..50)
            .map(|_| retry_backoff_ms(100, 1_000, 1, &mut rng))
            .collect();
        assert!(
            waits.iter().any(|&w| w < 95) && waits.iter().any(|&w| w > 105),
            "{waits:?}"
        );
    }
}

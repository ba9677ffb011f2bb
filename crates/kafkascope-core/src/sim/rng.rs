//! Seeded randomness. Two generators, both pinned so a seed means the same run everywhere:
//! `SplitMix64` for the simulation's own choices, and `JavaRandom` (java.util.Random's 48-bit LCG)
//! where Kafka itself draws from `java.util.Random`, so placements come out as Kafka's would for a
//! given seed.

/// SplitMix64 (Steele, Lea, Flood 2014): tiny, fast, and identical on every platform.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SplitMix64 {
    state: u64,
}

impl SplitMix64 {
    pub fn new(seed: u64) -> Self {
        Self { state: seed }
    }

    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..bound` (bound > 0), without modulo bias.
    pub fn below(&mut self, bound: u64) -> u64 {
        debug_assert!(bound > 0);
        let zone = u64::MAX - (u64::MAX % bound);
        loop {
            let v = self.next_u64();
            if v < zone {
                return v % bound;
            }
        }
    }

    /// One choice of `menu`, each as likely as its weight; `None` when every weight is 0.
    pub fn weighted<K: Copy>(&mut self, menu: &[(u64, K)]) -> Option<K> {
        let total: u64 = menu.iter().map(|m| m.0).sum();
        if total == 0 {
            return None;
        }
        let mut x = self.below(total);
        for &(weight, k) in menu {
            if x < weight {
                return Some(k);
            }
            x -= weight;
        }
        None
    }
}

/// `java.util.Random`, bit for bit: Kafka's replica placers and `Collections.shuffle` use it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JavaRandom {
    seed: u64,
}

const MULTIPLIER: u64 = 0x5_DEEC_E66D;
const MASK: u64 = (1 << 48) - 1;

impl JavaRandom {
    pub fn new(seed: i64) -> Self {
        Self {
            seed: (seed as u64 ^ MULTIPLIER) & MASK,
        }
    }

    fn next(&mut self, bits: u32) -> i32 {
        self.seed = (self.seed.wrapping_mul(MULTIPLIER).wrapping_add(0xB)) & MASK;
        (self.seed >> (48 - bits)) as i64 as i32
    }

    /// `Random.nextInt(bound)` for bound > 0.
    pub fn next_int(&mut self, bound: i32) -> i32 {
        debug_assert!(bound > 0);
        if bound & (bound - 1) == 0 {
            return ((bound as i64 * self.next(31) as i64) >> 31) as i32;
        }
        loop {
            let bits = self.next(31);
            let val = bits % bound;
            if bits.wrapping_sub(val).wrapping_add(bound - 1) >= 0 {
                return val;
            }
        }
    }

    /// `Collections.shuffle(list, rnd)` for a random-access list.
    pub fn shuffle<T>(&mut self, list: &mut [T]) {
        for i in (1..list.len()).rev() {
            let j = self.next_int(i as i32 + 1) as usize;
            list.swap(i, j);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn java_random_matches_the_jdk() {
        // new Random(42).nextInt(10) x5 in the JDK gives 0, 3, 8, 4, 0.
        let mut r = JavaRandom::new(42);
        let got: Vec<i32> = (0..5).map(|_| r.next_int(10)).collect();
        assert_eq!(got, vec![0, 3, 8, 4, 0]);
        let mut r = JavaRandom::new(0);
        assert_eq!(r.next_int(100), 60);
    }

    #[test]
    fn shuffle_matches_collections_shuffle() {
        // Collections.shuffle([1,2,3,4,5], new Random(7)) in the JDK gives [5, 4, 1, 3, 2].
        let mut list = [1, 2, 3, 4, 5];
        JavaRandom::new(7).shuffle(&mut list);
        assert_eq!(list, [5, 4, 1, 3, 2]);
    }

    #[test]
    fn splitmix_is_stable() {
        let mut r = SplitMix64::new(1234567);
        // Reference values of SplitMix64 seeded with 1234567.
        assert_eq!(r.next_u64(), 6457827717110365317);
        assert_eq!(r.next_u64(), 3203168211198807973);
    }
}

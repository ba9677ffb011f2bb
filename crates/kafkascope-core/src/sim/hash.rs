//! Kafka's hash functions: murmur2 for keyed partitioning, Java's `String.hashCode` for the group
//! coordinator's `__consumer_offsets` partition.
//!
//! Every operation is wrapping 32-bit arithmetic, as in Java, so results match Kafka bit for bit.

/// Default `offsets.topic.num.partitions` (and `transaction.state.log.num.partitions`).
pub const DEFAULT_OFFSETS_TOPIC_PARTITIONS: i32 = 50;

/// Upper bound the CLI helpers accept for a partition count.
pub const MAX_CLI_PARTITIONS: i32 = 1_000_000;

/// Kafka's `Utils.murmur2` (`clients/.../common/utils/Utils.java`, rule P1): 32-bit MurmurHash2
/// with seed `0x9747b28c`, little-endian 4-byte blocks, logical shifts, result read as signed.
pub fn murmur2(data: &[u8]) -> i32 {
    const SEED: u32 = 0x9747_b28c;
    const M: u32 = 0x5bd1_e995;
    const R: u32 = 24;

    let len = data.len();
    // Java takes `length` as an int; keys are far below 2 GiB, so the truncation is Kafka's too.
    let mut h: u32 = SEED ^ (len as u32);

    let blocks = data.chunks_exact(4);
    let tail = blocks.remainder();
    for block in blocks {
        let mut k = u32::from_le_bytes([block[0], block[1], block[2], block[3]]);
        k = k.wrapping_mul(M);
        k ^= k >> R;
        k = k.wrapping_mul(M);
        h = h.wrapping_mul(M);
        h ^= k;
    }

    // Tail: the multiply happens once when any bytes are left (the switch falls through).
    match tail.len() {
        3 => {
            h ^= u32::from(tail[2]) << 16;
            h ^= u32::from(tail[1]) << 8;
            h ^= u32::from(tail[0]);
            h = h.wrapping_mul(M);
        }
        2 => {
            h ^= u32::from(tail[1]) << 8;
            h ^= u32::from(tail[0]);
            h = h.wrapping_mul(M);
        }
        1 => {
            h ^= u32::from(tail[0]);
            h = h.wrapping_mul(M);
        }
        _ => {}
    }

    h ^= h >> 13;
    h = h.wrapping_mul(M);
    h ^= h >> 15;
    h as i32
}

/// Kafka's `Utils.toPositive` (rule P2): clears the sign bit; it is not `abs`, so -1 becomes
/// 2147483647 and `i32::MIN` becomes 0.
pub fn to_positive(n: i32) -> i32 {
    n & 0x7fff_ffff
}

/// The default partitioner for a record with a (serialized) key
/// (`BuiltInPartitioner.partitionForKey`, rule P3 step 3). `num_partitions` counts every partition
/// of the topic, with or without a leader. Returns 0 for a non-positive count instead of dividing
/// by zero (Kafka never calls it so).
pub fn partition_for_key(key: &[u8], num_partitions: i32) -> i32 {
    if num_partitions <= 0 {
        return 0;
    }
    to_positive(murmur2(key)) % num_partitions
}

/// Java's `String.hashCode`: `h = 31·h + c` over UTF-16 code units, wrapping, from 0. Characters
/// outside the BMP count as two surrogate units, as in Java.
pub fn java_string_hash_code(s: &str) -> i32 {
    s.encode_utf16().fold(0i32, |h, unit| {
        h.wrapping_mul(31).wrapping_add(i32::from(unit))
    })
}

/// Kafka's `Utils.abs` (rule G4): `Math.abs` except that `i32::MIN` maps to 0 (where `Math.abs`
/// would stay negative).
pub fn java_utils_abs(n: i32) -> i32 {
    if n == i32::MIN {
        0
    } else {
        n.abs()
    }
}

/// The `__consumer_offsets` partition that holds a group and whose leader is its coordinator
/// (`GroupCoordinatorService.partitionFor`, rule G4):
/// `Utils.abs(groupId.hashCode()) % offsets.topic.num.partitions`. The transaction coordinator
/// uses the same formula on `transactional.id`. Returns 0 for a non-positive count.
pub fn offsets_partition_for(group_id: &str, num_partitions: i32) -> i32 {
    if num_partitions <= 0 {
        return 0;
    }
    java_utils_abs(java_string_hash_code(group_id)) % num_partitions
}

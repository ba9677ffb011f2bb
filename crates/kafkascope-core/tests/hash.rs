//! Table tests for Kafka's hash functions. Expected values are Kafka's published test values
//! (`UtilsTest.testMurmur2`) or were computed with real Java 17 (`String.hashCode`, and Kafka's
//! `Utils.murmur2` run in Java on `String.getBytes(UTF_8)`).

use kafkascope_core::sim::hash::{
    java_string_hash_code, java_utils_abs, murmur2, offsets_partition_for, partition_for_key,
    to_positive, DEFAULT_OFFSETS_TOPIC_PARTITIONS,
};

#[test]
fn murmur2_matches_kafka_utils_test() {
    // clients/src/test/java/org/apache/kafka/common/utils/UtilsTest.java, testMurmur2
    let cases: &[(&[u8], i32)] = &[
        (b"21", -973932308),
        (b"foobar", -790332482),
        (b"a-little-bit-long-string", -985981536),
        (b"a-little-bit-longer-string", -1486304829),
        (
            b"lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8",
            -58897971,
        ),
        (b"abc", 479470107),
    ];
    for (key, expected) in cases {
        assert_eq!(
            murmur2(key),
            *expected,
            "murmur2({:?})",
            String::from_utf8_lossy(key)
        );
    }
}

#[test]
fn murmur2_every_tail_length_and_non_ascii_keys_match_java() {
    // Covers tails of 0..=3 bytes, the empty key, a NUL byte and multi-byte UTF-8.
    let cases: &[(&str, i32)] = &[
        ("", 275646681),
        ("a", -1563381124),
        ("ab", 316155434),
        ("abc", 479470107),
        ("abcd", -1323649548),
        ("abcde", 461995741),
        ("key-1", 193331640),
        ("user-42", 1459644460),
        ("kafka", -798503068),
        ("\u{0}", 375494588),
        ("héllo", 614509002),
        ("日本語", 1431860170),
        ("😀", 131881617),
        ("a😀b", -1591872719),
    ];
    for (key, expected) in cases {
        assert_eq!(murmur2(key.as_bytes()), *expected, "murmur2({key:?})");
    }
}

#[test]
fn to_positive_clears_the_sign_bit_instead_of_negating() {
    assert_eq!(to_positive(0), 0);
    assert_eq!(to_positive(5), 5);
    assert_eq!(to_positive(-1), i32::MAX);
    assert_eq!(to_positive(i32::MIN), 0);
    assert_eq!(to_positive(-973932308), 1173551340);
    // abs() would give 973932308: a different partition for every negative hash.
    assert_ne!(to_positive(-973932308), (-973932308i32).abs());
}

#[test]
fn keyed_partitions_match_java() {
    let cases: &[(&str, i32, i32)] = &[
        ("", 10, 1), // the empty key is hashed, not treated as a null key (P3)
        ("", 7, 2),
        ("21", 10, 0),
        ("21", 7, 3),
        ("21", 1000, 340),
        ("foobar", 10, 6),
        ("foobar", 1000, 166),
        ("abc", 10, 7),
        ("abcd", 1000, 100),
        ("key-1", 7, 5),
        ("user-42", 7, 1),
        ("héllo", 10, 2),
        ("日本語", 7, 6),
        ("a😀b", 10, 9),
        ("a😀b", 1000, 929),
        ("kafka", 1, 0),
    ];
    for (key, n, expected) in cases {
        assert_eq!(
            partition_for_key(key.as_bytes(), *n),
            *expected,
            "partition of {key:?} among {n}"
        );
    }
    assert_eq!(partition_for_key(b"x", 0), 0, "no division by zero");
}

#[test]
fn java_string_hash_code_matches_java() {
    let cases: &[(&str, i32)] = &[
        ("", 0),
        ("a", 97),
        ("group", 98629247),
        ("my-group", -1906497762),
        ("polygenelubricants", i32::MIN),
        ("console-consumer-12345", 158455506),
        ("日本語", 25921943),
        // Outside the BMP: two surrogate code units, not one code point.
        ("😀", 1772899),
        ("a😀b", 57849694),
        ("\u{ffff}\u{ffff}", 2097120),
        ("GRoup-Ω", 1041948635),
    ];
    for (s, expected) in cases {
        assert_eq!(java_string_hash_code(s), *expected, "hashCode({s:?})");
    }
}

#[test]
fn utils_abs_maps_min_value_to_zero() {
    assert_eq!(java_utils_abs(i32::MIN), 0);
    assert_eq!(java_utils_abs(-7), 7);
    assert_eq!(java_utils_abs(7), 7);
    assert_eq!(java_utils_abs(0), 0);
}

#[test]
fn offsets_partitions_match_java() {
    assert_eq!(DEFAULT_OFFSETS_TOPIC_PARTITIONS, 50);
    let cases: &[(&str, i32, i32)] = &[
        ("polygenelubricants", 50, 0), // hash is i32::MIN: Utils.abs gives 0 (G4)
        ("", 50, 0),
        ("a", 50, 47),
        ("group", 50, 47),
        ("my-group", 50, 12),
        ("console-consumer-12345", 50, 6),
        ("日本語", 50, 43),
        ("😀", 50, 49),
        ("a😀b", 50, 44),
        ("GRoup-Ω", 50, 35),
        ("group", 3, 2),
        ("my-group", 3, 0),
    ];
    for (group, n, expected) in cases {
        assert_eq!(
            offsets_partition_for(group, *n),
            *expected,
            "partition of group {group:?} among {n}"
        );
    }
}

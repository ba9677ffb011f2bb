//! `kafka-sim assign`: the JSON request and answer around the core's assignors (the assignors
//! themselves: crates/kafkascope-core/tests/assignors.rs).

use kafka_sim::assign::assign_json;

#[test]
fn json_round_trip() {
    let out = assign_json(
        r#"{"strategy": "range", "topics": {"t1": 3, "t2": 3},
            "members": [{"id": "c1", "topics": ["t1", "t2"]}, {"id": "c2", "topics": ["t1", "t2"]}]}"#,
    )
    .unwrap();
    assert_eq!(
        out,
        r#"{"c1":["t1-0","t1-1","t2-0","t2-1"],"c2":["t1-2","t2-2"]}"#
    );
    let out = assign_json(
        r#"{"strategy": "cooperative-sticky", "topics": {"t": 3},
            "members": [{"id": "c1", "topics": ["t"], "owned": ["t-0", "t-1", "t-2"], "generation": 1},
                        {"id": "c2", "topics": ["t"], "group_instance_id": "i2"}]}"#,
    )
    .unwrap();
    assert_eq!(out, r#"{"c1":["t-0","t-1"],"c2":[]}"#);
    let out = assign_json(
        r#"{"strategy": "org.apache.kafka.clients.consumer.RoundRobinAssignor", "topics": {"my-topic": 2},
            "members": [{"id": "c", "topics": ["my-topic", "gone"], "owned": ["gone-3"]}]}"#,
    )
    .unwrap();
    assert_eq!(out, r#"{"c":["my-topic-0","my-topic-1"]}"#);
}

#[test]
fn json_errors_name_the_problem() {
    let err = |input: &str| assign_json(input).unwrap_err();
    assert!(err("not json").contains("invalid request"));
    assert!(err(r#"{"topics": {}, "members": []}"#).contains("strategy"));
    assert!(err(r#"{"strategy": "fair", "members": []}"#).contains("unknown strategy 'fair'"));
    let e = err(
        r#"{"strategy": "range", "members": [{"id": "a", "topics": []}, {"id": "a", "topics": []}]}"#,
    );
    assert!(e.contains("'a' appears twice"), "{e}");
    let e = err(r#"{"strategy": "range", "topics": {"t": -2}, "members": []}"#);
    assert!(e.contains("'t' has a negative partition count"), "{e}");
    let e = err(
        r#"{"strategy": "sticky", "topics": {"t": 2}, "members": [{"id": "a", "topics": ["t"], "owned": ["t-x"]}]}"#,
    );
    assert!(e.contains("member 'a'") && e.contains("'t-x'"), "{e}");
    let e =
        err(r#"{"strategy": "sticky", "members": [{"id": "a", "topics": [], "owned": ["t0"]}]}"#);
    assert!(e.contains("'t0'"), "{e}");
    let e =
        err(r#"{"strategy": "sticky", "members": [{"id": "a", "topics": [], "owned": ["-1"]}]}"#);
    assert!(e.contains("empty topic"), "{e}");
    let e = err(r#"{"strategy": "sticky", "members": [{"id": "a", "topics": [], "onwed": []}]}"#);
    assert!(e.contains("onwed"), "{e}");
    let e = err(
        r#"{"strategy": "sticky", "members": [{"id": "a", "topics": [], "generation": 99999999999}]}"#,
    );
    assert!(e.contains("generation"), "{e}");
    let e = err(r#"{"strategy": "range", "topics": {"t": 9999999999}, "members": []}"#);
    assert!(e.contains("at most"), "{e}");
}

struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

#[test]
fn property_json_never_panics() {
    let valid = r#"{"strategy": "cooperative-sticky", "topics": {"t": 4, "u": 2}, "members": [{"id": "c1", "topics": ["t", "u"], "owned": ["t-0", "u-1"], "generation": 2}, {"id": "c2", "topics": ["t"], "group_instance_id": "g"}]}"#;
    assert!(assign_json(valid).is_ok());
    let alphabet: Vec<char> = "{}[]\":,-0123456789tuc gidownersatpy\\".chars().collect();
    let mut rng = Lcg(77);
    for _ in 0..3000 {
        let mut s: Vec<char> = valid.chars().collect();
        for _ in 0..1 + rng.below(4) {
            let i = rng.below(s.len());
            match rng.below(3) {
                0 => {
                    s.remove(i);
                }
                1 => s.insert(i, alphabet[rng.below(alphabet.len())]),
                _ => s[i] = alphabet[rng.below(alphabet.len())],
            }
        }
        let input: String = s.into_iter().collect();
        let _ = assign_json(&input);
    }
}

//! Consumer partition assignors (classic protocol, client side): range, roundrobin, sticky,
//! cooperative-sticky, with Kafka's exact results and ordering rules.

/// `kafka-sim assign`: reads the JSON request, returns the JSON assignment (or a message).
pub fn assign_json(input: &str) -> Result<String, String> {
    let _ = input;
    Err("assign: not implemented yet".to_string())
}

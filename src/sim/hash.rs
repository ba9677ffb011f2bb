//! Kafka's hash functions: murmur2 for keyed partitioning, Java's `String.hashCode` for the group
//! coordinator's `__consumer_offsets` partition.

//! Kafkascope: a deterministic model of an Apache Kafka cluster (`sim`, pure Rust, no web crate)
//! and the page that animates it (`ui`, Yew, wasm32 only).

pub mod sim;
/// The run as data (commands with their exact moments), time travel, share links, scenario files.
pub mod timeline;
pub mod tour;

#[cfg(target_arch = "wasm32")]
pub mod ui;

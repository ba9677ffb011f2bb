//! Kafkascope's model of an Apache Kafka cluster: `sim` (the deterministic, discrete-event
//! core and Kafka's tools as the console runs them), `timeline` (the run as data: time travel,
//! share links, scenario files) and `tour` (the guided tours). No web crate and no wall clock:
//! the same seed and commands give the same run natively and in the page.

pub mod sim;
/// The run as data (commands with their exact moments), time travel, share links, scenario files.
pub mod timeline;
pub mod tour;

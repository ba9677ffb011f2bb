//! `kafka-sim`: Kafkascope's model on the command line (for authors, CI and benchmarks). The
//! model is `kafkascope-core`; this crate holds only what a process needs around it: argument
//! parsing, JSON in and out, the bench and soak runners, threads.

pub mod assign;
pub mod cli;
pub mod faults;
pub mod keys;
pub mod soak;

//! Kafkascope's page: Yew, wasm32 only. The model is the `kafkascope-core` crate; its modules
//! are re-exported here so the page names them as before (`crate::sim`, `crate::timeline`).

pub use kafkascope_core::{sim, timeline, tour};

#[cfg(target_arch = "wasm32")]
pub mod ui;

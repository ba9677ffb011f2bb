//! The page (Yew). Filled in by the foundation work.

pub fn start() {}

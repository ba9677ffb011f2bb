//! The tours shipped with Kafkascope: every `tours/*.tour` file, embedded at build time
//! (`build.rs` writes the list), in file-name order.

use super::{parse, Tour, TourError};

include!(concat!(env!("OUT_DIR"), "/tours.rs"));

/// Every tour, parsed (a bad file is an error naming it and its line).
pub fn all() -> Vec<Result<Tour, TourError>> {
    FILES.iter().map(|(name, text)| parse(name, text)).collect()
}

/// The tour whose id (file name without `.tour`) is `id`.
pub fn find(id: &str) -> Option<Result<Tour, TourError>> {
    FILES
        .iter()
        .find(|(name, _)| name.strip_suffix(".tour") == Some(id))
        .map(|(name, text)| parse(name, text))
}

//! The tours shipped with Kafkascope: every `tours/*.tour` file, listed at build time
//! (`build.rs`). Native builds embed the files; the page embeds only the index and fetches a
//! tour's file when it is opened, then [`provide`]s it here.

use std::cell::RefCell;
use std::rc::Rc;

use super::{parse, Tour, TourError};

/// A tour as the list shows it, before its file is read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Entry {
    /// The file name without `.tour`.
    pub id: &'static str,
    pub title_en: &'static str,
    pub title_ko: &'static str,
}

impl Entry {
    pub fn title(&self, korean: bool) -> &'static str {
        if korean {
            self.title_ko
        } else {
            self.title_en
        }
    }
}

include!(concat!(env!("OUT_DIR"), "/tours.rs"));

thread_local! {
    /// Tour files fetched by the page (or given by a test), by id.
    static PROVIDED: RefCell<Vec<(String, Rc<str>)>> = const { RefCell::new(Vec::new()) };
}

/// Makes a tour file's text available under `id` (the page, once it has fetched it).
pub fn provide(id: &str, text: &str) {
    PROVIDED.with(|p| {
        let mut p = p.borrow_mut();
        p.retain(|(i, _)| i != id);
        p.push((id.to_string(), text.into()));
    });
}

/// The text of tour `id`, if it is embedded or was provided.
pub fn text(id: &str) -> Option<Rc<str>> {
    PROVIDED
        .with(|p| {
            p.borrow()
                .iter()
                .find(|(i, _)| i == id)
                .map(|(_, t)| t.clone())
        })
        .or_else(|| {
            FILES
                .iter()
                .find(|(name, _)| name.strip_suffix(".tour") == Some(id))
                .map(|(_, text)| Rc::from(*text))
        })
}

/// The tour whose id is `id`, parsed, if its text is at hand.
pub fn find(id: &str) -> Option<Result<Tour, TourError>> {
    let text = text(id)?;
    Some(parse(&format!("{id}.tour"), &text))
}

/// Every embedded tour, parsed (a bad file is an error naming it and its line).
pub fn all() -> Vec<Result<Tour, TourError>> {
    FILES.iter().map(|(name, text)| parse(name, text)).collect()
}

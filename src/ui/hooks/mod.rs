//! The root component's hooks, one concern each: the animation loop, the keyboard shortcuts,
//! the document (language, title, what a panic banner reports) and what the URL asks for once
//! mounted. The share link in the address bar is `share::use_share_url`.

mod animation_loop;
mod document;
mod keyboard;
mod url;

pub use animation_loop::use_animation_loop;
pub use document::use_document;
pub use keyboard::use_keyboard;
pub use url::{url_options, use_url_actions};

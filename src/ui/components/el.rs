//! One small element, `<tag class="...">{ child }</tag>`, built by one function instead of inline.
//!
//! Why: `html!` expands every element in place (the tag, its attributes, its child list, a
//! reference), a hundred-odd bytes of wasm each; the page has about 150 such one-child elements.
//! The DOM is the same.

use yew::prelude::*;
use yew::virtual_dom::{AttrValue, AttributeOrProperty, Attributes, VTag};

/// `<tag class={class}>{ child }</tag>`, without the attribute when `class` is empty.
#[inline(never)]
pub fn el(tag: &'static str, class: &'static str, child: Html) -> Html {
    let mut node = VTag::new(AttrValue::Static(tag));
    if !class.is_empty() {
        node.attributes = Attributes::Dynamic {
            keys: &["class"],
            values: Box::new([Some(AttributeOrProperty::Attribute(AttrValue::Static(
                class,
            )))]),
        };
    }
    node.add_child(child);
    node.into()
}

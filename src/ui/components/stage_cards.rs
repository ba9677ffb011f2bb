//! The stage's cards column (brokers, then groups). In a guided tour it scrolls the step's
//! subjects into view, and the narration column to the step's narration, after every render
//! that shows another step or another moment of it (the cards of a tour's cluster may be drawn
//! a render after its panel, so this is done here, where the cards are, not by the panel).

use std::rc::Rc;

use wasm_bindgen::JsCast;
use yew::prelude::*;

use super::tour_panel::selectors;
use super::{use_app, BrokersPanel, GroupsPanel};

#[function_component]
pub fn StageCards() -> Html {
    let app = use_app();
    let step = app.tour.as_ref().map(|s| {
        let step = &s.tour().steps[s.step];
        let css: Vec<String> = step
            .highlights
            .iter()
            .flat_map(|h| selectors(h, &app.view))
            .collect();
        // Once the step has played, each new snapshot may have moved the cards.
        let settled = (!s.animating).then(|| Rc::as_ptr(&app.view) as usize);
        ((s.tour().id().to_string(), s.step, settled), css.join(","))
    });
    let shown = use_mut_ref(|| None);
    use_effect(move || {
        if let Some((key, css)) = step {
            if shown.borrow().as_ref() != Some(&key) {
                *shown.borrow_mut() = Some(key);
                bring_into_view(&css);
            }
        }
    });
    html! {
        <main class="stage-cards" data-stage-cards="">
            <BrokersPanel />
            <GroupsPanel />
        </main>
    }
}

/// Brings the step into view: the cards column scrolls (only as far as needed) to the first card
/// or replica the step outlines, and the narration column to the narration's first paragraph
/// (after the answer to the last prediction, which may be long). The diagram is always in view.
fn bring_into_view(selectors: &str) {
    let in_cards: Vec<String> = selectors
        .split(',')
        .filter(|s| !s.is_empty())
        .map(|s| format!(".stage-cards {s}"))
        .collect();
    if !in_cards.is_empty() {
        show_together(".stage-cards", &in_cards.join(","));
    }
    reveal_in(".stage-side", "[data-tour-narration] p", NARRATION_PAD);
}

/// Room kept above and below the narration in its column: the tour's progress stays at the
/// top, Next at the bottom (both sticky).
const NARRATION_PAD: (f64, f64) = (40.0, 64.0);

/// Scrolls `column` (only it: never the page) so the first element matching `css` is inside it,
/// `pad` (top, bottom) away from its edges; its top first when it is too tall.
fn reveal_in(column: &str, css: &str, (top_pad, bottom_pad): (f64, f64)) {
    let document = gloo::utils::document();
    let (Ok(Some(column)), Ok(Some(el))) = (
        document.query_selector(column),
        document.query_selector(css),
    ) else {
        return;
    };
    let (view, r) = (
        column.get_bounding_client_rect(),
        el.get_bounding_client_rect(),
    );
    let (top, bottom) = (view.top() + top_pad, view.bottom() - bottom_pad);
    let shift = if r.top() < top {
        r.top() - top
    } else if r.bottom() > bottom {
        (r.bottom() - bottom).min(r.top() - top)
    } else {
        return;
    };
    column.set_scroll_top(column.scroll_top() + shift.round() as i32);
}

/// How much of an outlined card must be seen: its name and state.
const CARD_HEAD_PX: f64 = 40.0;
/// Taller than this, an outlined element is a whole card (a broker), not a replica chip.
const CARD_PX: f64 = 120.0;

/// Scrolls the column `column` so that the elements matching `css` in it are seen together:
/// the replicas and the heads of the cards when they fit, else the replicas alone (what a step
/// about a partition is about), else the first of them at the column's top.
fn show_together(column: &str, css: &str) {
    let document = gloo::utils::document();
    let (Ok(Some(column)), Ok(found)) = (
        document.query_selector(column),
        document.query_selector_all(css),
    ) else {
        return;
    };
    let rects: Vec<web_sys::DomRect> = (0..found.length())
        .filter_map(|i| found.item(i))
        .filter_map(|n| n.dyn_into::<web_sys::Element>().ok())
        .map(|el| el.get_bounding_client_rect())
        .collect();
    let view = column.get_bounding_client_rect();
    let with_cards = span(rects.iter());
    let chips = span(rects.iter().filter(|r| r.height() <= CARD_PX));
    let Some((top, bottom)) = with_cards
        .filter(|(t, b)| b - t <= view.height())
        .or(chips)
        .or(with_cards)
    else {
        return;
    };
    // Already seen together: leave the column where the learner put it.
    if top >= view.top() && bottom <= view.bottom() {
        return;
    }
    let slack = view.height() - (bottom - top);
    let margin = (slack / 2.0).clamp(0.0, 8.0);
    let shift = if slack < 0.0 {
        top - view.top()
    } else if top < view.top() {
        top - view.top() - margin
    } else {
        bottom - view.bottom() + margin
    };
    column.set_scroll_top(column.scroll_top() + shift.round() as i32);
}

/// The vertical span of `rects`; a whole card counts by its head.
fn span<'a>(rects: impl Iterator<Item = &'a web_sys::DomRect>) -> Option<(f64, f64)> {
    rects.fold(None, |acc, r| {
        let bottom = r
            .bottom()
            .min(r.top() + CARD_HEAD_PX.max(r.height().min(CARD_PX)));
        Some(acc.map_or((r.top(), bottom), |(t, b): (f64, f64)| {
            (t.min(r.top()), b.max(bottom))
        }))
    })
}

//! The brokers as cards, in the core's order. One stable callback runs every card's commands.
//!
//! A big cluster's brokers beyond the first [`FULL_CARDS`] are compact lines (state, badges,
//! replica, leader and out-of-ISR counts) that open into their card on a click: a hundred cards
//! of replica strips would be tens of thousands of elements to lay out and paint while playing,
//! most of them far below the screen.

use crate::sim::vec_set::VecSet;
use std::rc::Rc;

use yew::prelude::*;

use super::{use_app, BrokerCard, BrokerRow, BrokerSummary};
use crate::ui::i18n::fill;
use crate::ui::state::Action;

/// Brokers drawn as full cards before the rest become compact lines: the page's own broker
/// control builds at most this many, so every cluster it makes shows all its cards.
pub const FULL_CARDS: usize = crate::ui::cluster::MAX_BROKERS;

#[function_component]
pub fn BrokerGrid() -> Html {
    let app = use_app();
    let t = app.lang.texts();
    let run = use_callback(app.dispatcher(), |line: String, d| {
        d.dispatch(Action::Run(line))
    });
    // The brokers whose line was opened into a card.
    let open = use_state(|| Rc::new(VecSet::<i32>::new()));
    let toggle = use_callback(open.clone(), |id: i32, open| {
        let mut next = (***open).clone();
        if !next.remove(&id) {
            next.insert(id);
        }
        open.set(Rc::new(next));
    });
    let brokers = &app.view.brokers;
    let (cards, rest) = brokers.split_at(brokers.len().min(FULL_CARDS));
    html! {
        <>
            <div class="broker-grid">
                { for cards.iter().map(|broker| html! {
                    <BrokerCard key={broker.id} broker={broker.clone()} lang={app.lang}
                        run={run.clone()} />
                }) }
            </div>
            if !rest.is_empty() {
                <p class="note broker-rows-note">{ fill(t.broker_rows_note, &[("count", &rest.len())]) }</p>
                <div class="broker-rows" data-broker-rows={rest.len().to_string()}>
                    { for rest.iter().flat_map(|broker| {
                        let is_open = open.contains(&broker.id);
                        let row = html! {
                            <BrokerRow key={format!("row-{}", broker.id)}
                                summary={BrokerSummary::of(broker)} lang={app.lang}
                                open={is_open} toggle={toggle.clone()} />
                        };
                        let card = is_open.then(|| html! {
                            <BrokerCard key={format!("card-{}", broker.id)} broker={broker.clone()}
                                lang={app.lang} run={run.clone()} />
                        });
                        std::iter::once(row).chain(card)
                    }) }
                </div>
            }
        </>
    }
}

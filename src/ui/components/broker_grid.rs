//! The brokers as cards, in the core's order. One stable callback runs every card's commands.

use yew::prelude::*;

use super::{use_app, BrokerCard};
use crate::ui::state::Action;

#[function_component]
pub fn BrokerGrid() -> Html {
    let app = use_app();
    let run = use_callback(app.dispatcher(), |line: String, d| {
        d.dispatch(Action::Run(line))
    });
    html! {
        <div class="broker-grid">
            { for app.view.brokers.iter().map(|broker| html! {
                <BrokerCard key={broker.id} broker={broker.clone()} lang={app.lang}
                    run={run.clone()} />
            }) }
        </div>
    }
}

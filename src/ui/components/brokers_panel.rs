//! The cards under the stage's picture: the controllers, one card per broker, and what their
//! marks mean.

use yew::prelude::*;

use super::{BrokerGrid, ControllerBar, Legend};

#[function_component]
pub fn BrokersPanel() -> Html {
    html! {
        <section class="panel brokers-panel" data-panel="brokers">
            <ControllerBar />
            <BrokerGrid />
            <Legend />
        </section>
    }
}

//! The brokers as cards, in the core's order.

use yew::prelude::*;

use super::{use_app, BrokerCard};

#[function_component]
pub fn BrokerGrid() -> Html {
    let app = use_app();
    html! {
        <div class="broker-grid">
            { for app.brokers.iter().map(|broker| html! {
                <BrokerCard key={broker.id} broker={broker.clone()}
                    partitions={app.partitions.clone()} lang={app.lang} />
            }) }
        </div>
    }
}

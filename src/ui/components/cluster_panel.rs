//! The cluster section: its controls, what the core built, and the drawing.

use yew::prelude::*;

use super::{use_app, BrokerControl, BrokerGrid, ClusterSummary, CommandErrorNotice, Legend};

#[function_component]
pub fn ClusterPanel() -> Html {
    let t = use_app().lang.texts();
    html! {
        <section class="panel cluster-panel">
            <div class="panel-head">
                <div>
                    <h2>{ t.cluster_heading }</h2>
                    <ClusterSummary />
                </div>
                <BrokerControl />
            </div>
            <CommandErrorNotice />
            <BrokerGrid />
            <Legend />
        </section>
    }
}

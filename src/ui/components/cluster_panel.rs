//! The cluster section: how it was made, the network diagram with its legend, the controllers,
//! and one card per broker.

use yew::prelude::*;

use super::{
    use_app, BrokerControl, BrokerGrid, ClusterSummary, ControllerBar, Legend, MessageLegend,
    ModeControl, NetworkDiagram,
};

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
                <div class="setup" role="group" aria-label={t.setup_label}>
                    <span class="control-label setup-label" aria-hidden="true">{ t.setup_label }</span>
                    <div class="setup-controls">
                        <ModeControl />
                        <BrokerControl />
                    </div>
                </div>
            </div>
            <NetworkDiagram />
            <MessageLegend />
            <ControllerBar />
            <BrokerGrid />
            <Legend />
        </section>
    }
}

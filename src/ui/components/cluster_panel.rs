//! The stage's picture: how the cluster was made, *New cluster* and *Add a broker*, the network
//! diagram and its legend. The cards (controllers, brokers) are the brokers panel below it.

use yew::prelude::*;

use super::{use_app, ClusterSummary, MessageLegend, NetworkDiagram, NewCluster};
use crate::ui::state::Action;

#[function_component]
pub fn ClusterPanel() -> Html {
    let app = use_app();
    let t = app.lang.texts();
    let add_broker = {
        let d = app.dispatcher();
        Callback::from(move |_: MouseEvent| d.dispatch(Action::Run("broker add".to_string())))
    };
    html! {
        <section class="panel cluster-panel">
            <div class="panel-head">
                <div class="panel-title">
                    <h2>{ t.cluster_heading }</h2>
                    <ClusterSummary />
                </div>
                <div class="setup">
                    // Adds a broker to this run (`broker add`); the run goes on.
                    <button type="button" class="btn small" data-action="broker-add-live"
                        title={t.add_live_broker_hint} onclick={add_broker}>
                        { "+ " }{ t.add_live_broker }
                    </button>
                    <NewCluster />
                </div>
            </div>
            <NetworkDiagram />
            <MessageLegend />
        </section>
    }
}

//! *New cluster*: a control of its own that asks before it replaces the run (mode and broker
//! count are a draft until *Create*), and *Previous run*, which brings the replaced run back.
//! Adding a broker to the running cluster is another control (`broker add`).

use yew::prelude::*;

use super::{use_app, BrokerControl, ModeControl};
use crate::ui::state::Action;

#[function_component]
pub fn NewCluster() -> Html {
    let app = use_app();
    let t = app.lang.texts();
    let open = use_state(|| false);
    let brokers = use_state(|| app.broker_count());
    let mode = use_state(|| app.mode());

    let toggle = {
        let (open, brokers, mode) = (open.clone(), brokers.clone(), mode.clone());
        let (count, current) = (app.broker_count(), app.mode());
        Callback::from(move |_: MouseEvent| {
            brokers.set(count.clamp(
                crate::ui::cluster::MIN_BROKERS,
                crate::ui::cluster::MAX_BROKERS,
            ));
            mode.set(current);
            open.set(!*open);
        })
    };
    let create = {
        let (open, d) = (open.clone(), app.dispatcher());
        let (n, m) = (*brokers, *mode);
        Callback::from(move |_: MouseEvent| {
            open.set(false);
            d.dispatch(Action::NewCluster(n, m));
        })
    };
    let cancel = {
        let open = open.clone();
        Callback::from(move |_: MouseEvent| open.set(false))
    };
    let previous = {
        let d = app.dispatcher();
        Callback::from(move |_: MouseEvent| d.dispatch(Action::PreviousRun))
    };
    let on_brokers = {
        let brokers = brokers.clone();
        Callback::from(move |n: usize| brokers.set(n))
    };
    let on_mode = {
        let mode = mode.clone();
        Callback::from(move |m| mode.set(m))
    };

    html! {
        <div class="new-cluster">
            <button type="button" class="btn small" data-action="new-cluster"
                aria-expanded={open.to_string()} title={t.new_cluster_hint} onclick={toggle}>
                { t.new_cluster }
            </button>
            if app.engine.has_previous() {
                <button type="button" class="btn small ghost" data-action="previous-run"
                    title={t.previous_run_hint} onclick={previous}>{ "↶ " }{ t.previous_run }</button>
            }
            if *open {
                <div class="new-cluster-form" role="group" aria-label={t.setup_label}
                    data-new-cluster-form="">
                    <p class="help">{ t.new_cluster_warning }</p>
                    <div class="setup-controls">
                        <ModeControl value={*mode} onchange={on_mode} />
                        <BrokerControl value={*brokers} onchange={on_brokers} />
                    </div>
                    <div class="form-actions">
                        <button type="button" class="btn primary small" data-action="new-cluster-create"
                            onclick={create}>{ t.new_cluster_create }</button>
                        <button type="button" class="btn small" data-action="new-cluster-cancel"
                            onclick={cancel}>{ t.cancel }</button>
                    </div>
                </div>
            }
        </div>
    }
}

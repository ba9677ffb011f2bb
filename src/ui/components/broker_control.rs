//! The broker count control: − / number / +. Changing it re-creates the cluster in the core.

use web_sys::HtmlInputElement;
use yew::prelude::*;

use super::use_app;
use crate::ui::cluster::{MAX_BROKERS, MIN_BROKERS};
use crate::ui::i18n::fill;
use crate::ui::state::Action;

#[function_component]
pub fn BrokerControl() -> Html {
    let app = use_app();
    let t = app.lang.texts();
    let count = app.broker_count();

    let step = |delta: isize| {
        let dispatcher = app.dispatcher();
        Callback::from(move |_: MouseEvent| {
            if let Some(n) = count.checked_add_signed(delta) {
                dispatcher.dispatch(Action::SetBrokers(n));
            }
        })
    };
    let oninput = {
        let dispatcher = app.dispatcher();
        Callback::from(move |e: InputEvent| {
            let input: HtmlInputElement = e.target_unchecked_into();
            if let Ok(n) = input.value().trim().parse::<usize>() {
                dispatcher.dispatch(Action::SetBrokers(n));
            }
        })
    };
    let hint = fill(
        t.broker_count_hint,
        &[("min", &MIN_BROKERS), ("max", &MAX_BROKERS)],
    );

    html! {
        <div class="broker-control" role="group" aria-label={t.brokers_label}>
            <span class="control-label" aria-hidden="true">{ t.brokers_label }</span>
            <div class="stepper">
                <button type="button" class="step" data-action="remove-broker"
                    aria-label={t.remove_broker} title={t.remove_broker}
                    disabled={count <= MIN_BROKERS} onclick={step(-1)}>{ "−" }</button>
                <input type="number" class="broker-count" data-control="broker-count"
                    min={MIN_BROKERS.to_string()} max={MAX_BROKERS.to_string()} step="1"
                    inputmode="numeric" value={count.to_string()}
                    aria-label={hint.clone()} title={hint} {oninput} />
                <button type="button" class="step" data-action="add-broker"
                    aria-label={t.add_broker} title={t.add_broker}
                    disabled={count >= MAX_BROKERS} onclick={step(1)}>{ "+" }</button>
            </div>
        </div>
    }
}

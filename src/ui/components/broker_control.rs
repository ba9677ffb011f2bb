//! The broker count control of *New cluster*: − / number / +, a draft until the new cluster is
//! created (it never rebuilds the cluster by itself: adding a broker to the running cluster is
//! *Add a broker*, `broker add`).

use web_sys::HtmlInputElement;
use yew::prelude::*;

use super::use_app;
use crate::ui::cluster::{MAX_BROKERS, MIN_BROKERS};
use crate::ui::i18n::fill;

#[derive(Properties, PartialEq)]
pub struct BrokerControlProps {
    pub value: usize,
    /// A new count inside the control's range.
    pub onchange: Callback<usize>,
}

#[function_component]
pub fn BrokerControl(props: &BrokerControlProps) -> Html {
    let t = use_app().lang.texts();
    let count = props.value;
    let in_range = |n: usize| (MIN_BROKERS..=MAX_BROKERS).contains(&n);
    let step = |delta: isize| {
        let onchange = props.onchange.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(n) = count.checked_add_signed(delta).filter(|n| in_range(*n)) {
                onchange.emit(n);
            }
        })
    };
    let oninput = {
        let onchange = props.onchange.clone();
        Callback::from(move |e: InputEvent| {
            let input: HtmlInputElement = e.target_unchecked_into();
            if let Some(n) = input
                .value()
                .trim()
                .parse::<usize>()
                .ok()
                .filter(|n| in_range(*n))
            {
                onchange.emit(n);
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

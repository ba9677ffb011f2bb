//! A broker as one compact line, for clusters with more brokers than cards fit on a screen: its
//! state and badges, how many replicas it hosts, how many it leads and how many are out of the
//! ISR. A click opens its full card (and closes it again).

use yew::prelude::*;

use crate::sim::BrokerState;
use crate::ui::i18n::{fill, Lang};
use crate::ui::view::{broker_state_label, BrokerView};

/// What a compact line shows: small, so comparing two is cheap and a line whose broker only
/// appended records is not drawn again.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BrokerSummary {
    pub id: i32,
    pub state: BrokerState,
    pub isolated: bool,
    pub fenced: bool,
    pub controller: bool,
    pub replicas: usize,
    pub leaders: usize,
    pub out_of_isr: usize,
}

impl BrokerSummary {
    pub fn of(b: &BrokerView) -> BrokerSummary {
        BrokerSummary {
            id: b.id,
            state: b.state,
            isolated: b.isolated,
            fenced: b.fenced,
            controller: b.controller,
            replicas: b.replicas.len(),
            leaders: b.replicas.iter().filter(|r| r.leader).count(),
            out_of_isr: b.replicas.iter().filter(|r| !r.in_isr).count(),
        }
    }
}

#[derive(Properties, PartialEq)]
pub struct BrokerRowProps {
    pub summary: BrokerSummary,
    pub lang: Lang,
    pub open: bool,
    /// Opens or closes the broker's card.
    pub toggle: Callback<i32>,
}

#[function_component]
pub fn BrokerRow(props: &BrokerRowProps) -> Html {
    let t = props.lang.texts();
    let b = &props.summary;
    let id = b.id;
    let (state_key, state_text) = broker_state_label(t, b.state);
    let running = b.state == BrokerState::Running;
    let hint = fill(
        if props.open {
            t.broker_row_close
        } else {
            t.broker_row_open
        },
        &[("id", &id)],
    );
    let toggle = props.toggle.clone();
    html! {
        <button type="button" class={classes!("broker-row", state_key, props.open.then_some("open"),
                b.isolated.then_some("isolated"))}
            data-broker-row={id.to_string()} data-state={state_key} data-action="broker-row"
            aria-expanded={props.open.to_string()} title={hint}
            onclick={Callback::from(move |_: MouseEvent| toggle.emit(id))}>
            <span class="row-caret" aria-hidden="true">{ if props.open { "▾" } else { "▸" } }</span>
            <span class="row-name">{ fill(t.broker_title, &[("id", &id)]) }</span>
            <span class={classes!("state-badge", state_key)}>{ state_text }</span>
            if b.controller {
                <span class="badge controller">{ "★ " }{ t.badge_controller }</span>
            }
            if b.fenced && running {
                <span class="badge fenced">{ t.badge_fenced }</span>
            }
            if b.isolated {
                <span class="badge isolated">{ t.badge_isolated }</span>
            }
            <span class="row-facts" data-replicas={b.replicas.to_string()}
                data-leaders={b.leaders.to_string()} data-out-of-isr={b.out_of_isr.to_string()}>
                if b.leaders > 0 {
                    <span class="row-leaders">
                        <span aria-hidden="true">{ format!("▲{}", b.leaders) }</span>
                        <span class="visually-hidden">{ fill(t.broker_row_leaders, &[("count", &b.leaders)]) }</span>
                    </span>
                }
                <span>{ fill(t.broker_row_replicas, &[("count", &b.replicas)]) }</span>
                if b.out_of_isr > 0 {
                    <span class="isr-mark">{ fill(t.broker_row_out_of_isr, &[("count", &b.out_of_isr)]) }</span>
                }
            </span>
        </button>
    }
}

//! One broker: its state, its actions (each a scenario line) and the partition replicas it hosts
//! with their logs.

use std::rc::Rc;

use yew::prelude::*;

use super::ReplicaChip;
use crate::sim::BrokerState;
use crate::ui::i18n::{fill, Lang};
use crate::ui::view::{broker_state_label, BrokerView};

#[derive(Properties, PartialEq)]
pub struct BrokerCardProps {
    pub broker: Rc<BrokerView>,
    pub lang: Lang,
    /// Runs one scenario line.
    pub run: Callback<String>,
}

#[function_component]
pub fn BrokerCard(props: &BrokerCardProps) -> Html {
    let t = props.lang.texts();
    let b = &props.broker;
    let id = b.id;
    let (state_key, state_text) = broker_state_label(t, b.state);
    let running = b.state == BrokerState::Running;
    let button = |action: &'static str,
                  label: &'static str,
                  hint: &'static str,
                  line: String,
                  enabled: bool| {
        let run = props.run.clone();
        let hint = fill(hint, &[("id", &id)]);
        html! {
            <button type="button" class={classes!("btn", "small", action)} data-action={action}
                title={hint.clone()} aria-label={hint} disabled={!enabled}
                onclick={Callback::from(move |_: MouseEvent| run.emit(line.clone()))}>
                { label }
            </button>
        }
    };

    html! {
        <article class={classes!("broker-card", state_key, b.isolated.then_some("isolated"))}
            data-broker={id.to_string()} data-state={state_key}
            data-isolated={b.isolated.to_string()} data-fenced={b.fenced.to_string()}>
            <header class="broker-head">
                <span class="broker-icon" aria-hidden="true"><span></span><span></span></span>
                <h3 class="broker-name">{ fill(t.broker_title, &[("id", &id)]) }</h3>
                <span class="badges">
                    if b.controller {
                        <span class="badge controller">{ "★ " }{ t.badge_controller }</span>
                    }
                    if b.fenced && running {
                        <span class="badge fenced">{ t.badge_fenced }</span>
                    }
                    if b.isolated {
                        <span class="badge isolated">{ t.badge_isolated }</span>
                    }
                    <span class={classes!("state-badge", state_key)}>{ state_text }</span>
                </span>
            </header>
            <div class="broker-actions" role="group" aria-label={fill(t.broker_actions, &[("id", &id)])}>
                { button("broker-stop", t.stop, t.stop_hint, format!("broker stop {id}"), running) }
                { button("broker-kill", t.kill, t.kill_hint, format!("broker kill {id}"), running) }
                { button("broker-start", t.start, t.start_hint, format!("broker start {id}"), !running) }
                if b.isolated {
                    { button("broker-heal", t.heal, t.heal_hint, format!("network heal {id}"), true) }
                } else {
                    { button("broker-isolate", t.isolate, t.isolate_hint, format!("network isolate {id}"), true) }
                }
            </div>
            if b.replicas.is_empty() {
                <p class="no-replicas">{ t.no_replicas }</p>
            } else {
                <ul class="replica-list">
                    { for b.replicas.iter().map(|r| html! {
                        <ReplicaChip key={r.name()} replica={r.clone()} broker={id}
                            lang={props.lang} />
                    }) }
                </ul>
            }
        </article>
    }
}

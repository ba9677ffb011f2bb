//! The record inspector: click a record cell in a log strip and follow that record — `send()`,
//! the append on the leader (epoch), each follower's copy, the high watermark passing it, the
//! ack (or error), each consumer fetch, the commit that covered it — with simulated times, from
//! [`crate::sim::Simulation::record_history`]. Keys and values are shown as text.

use std::rc::Rc;

use yew::prelude::*;

use super::use_app;
use crate::sim::record_history::{LifeEvent, MAX_MARKS};
use crate::sim::TopicPartition;
use crate::ui::engine::format_clock;
use crate::ui::i18n::{fill, Texts};

/// The record cell the user picked: a broker's replica of a partition, at an offset.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordRef {
    pub broker: i32,
    pub topic: Rc<str>,
    pub partition: i32,
    pub offset: i64,
}

/// The picked record, shared by the log strips (which set it) and the inspector.
pub type InspectContext = UseStateHandle<Option<RecordRef>>;

#[function_component]
pub fn RecordInspector() -> Html {
    let app = use_app();
    let t = app.lang.texts();
    let Some(inspect) = use_context::<InspectContext>() else {
        return html! {};
    };
    let Some(r) = (*inspect).clone() else {
        return html! {
            <section class="panel inspector-panel idle" data-panel="inspector">
                <h2>{ t.inspector_heading }</h2>
                <p class="help">{ t.inspector_hint }</p>
            </section>
        };
    };
    let close = {
        let inspect = inspect.clone();
        Callback::from(move |_: MouseEvent| inspect.set(None))
    };
    let tp = TopicPartition::new(r.topic.to_string(), r.partition);
    // Read at render time: the inspector follows the record as the cluster moves on.
    let life = app
        .engine
        .sim()
        .record_history(&tp, r.offset, Some(r.broker));
    let title = fill(
        t.inspector_title,
        &[("tp", &tp), ("offset", &r.offset), ("broker", &r.broker)],
    );
    html! {
        <section class="panel inspector-panel" data-panel="inspector" data-inspect-tp={tp.to_string()}
            data-inspect-offset={r.offset.to_string()} data-inspect-broker={r.broker.to_string()}
            aria-live="polite">
            <div class="inspector-head">
                <h2>{ t.inspector_heading }</h2>
                <button type="button" class="btn small" data-action="inspector-close"
                    aria-label={t.inspector_close} title={t.inspector_close} onclick={close}>{ "×" }</button>
            </div>
            <p class="inspector-title mono">{ title }</p>
            {
                match life {
                    None => html! { <p class="help">{ t.inspector_gone }</p> },
                    Some(life) => {
                        let acked = life.events.iter().any(|e| matches!(e.event, LifeEvent::Acked { .. } | LifeEvent::ProduceError { .. }));
                        html! {
                            <>
                                <dl class="record-facts">
                                    <dt>{ t.inspector_key }</dt>
                                    <dd class="mono" data-record-key="">
                                        { life.key.clone().unwrap_or_else(|| t.inspector_null_key.to_string()) }
                                    </dd>
                                    <dt>{ t.inspector_value }</dt>
                                    <dd class="mono" data-record-value="">{ life.value.clone() }</dd>
                                    <dt>{ t.inspector_producer }</dt>
                                    <dd>{ life.producer.clone() }</dd>
                                    <dt>{ t.inspector_epoch }</dt>
                                    <dd>{ life.leader_epoch }</dd>
                                </dl>
                                <ol class="life">
                                    { for life.events.iter().map(|e| html! {
                                        <li class={classes!("life-event", event_key(&e.event))} data-event={event_key(&e.event)}>
                                            <time class="mono">{ format_clock(e.at_ms as f64) }</time>
                                            <span>{ describe(t, &e.event, life.offset) }</span>
                                        </li>
                                    }) }
                                </ol>
                                if !acked {
                                    <p class="help">{ t.inspector_not_acked }</p>
                                }
                                if life.incomplete {
                                    <p class="help">{ fill(t.inspector_incomplete, &[("n", &MAX_MARKS)]) }</p>
                                }
                            </>
                        }
                    }
                }
            }
        </section>
    }
}

fn event_key(e: &LifeEvent) -> &'static str {
    match e {
        LifeEvent::Sent { .. } => "sent",
        LifeEvent::RequestSent { .. } => "request",
        LifeEvent::Appended { .. } => "appended",
        LifeEvent::Copied { .. } => "copied",
        LifeEvent::HighWatermark { .. } => "hw",
        LifeEvent::Acked { .. } => "acked",
        LifeEvent::ProduceError { .. } => "error",
        LifeEvent::Fetched { .. } => "fetched",
        LifeEvent::Committed { .. } => "committed",
    }
}

fn describe(t: &Texts, e: &LifeEvent, offset: i64) -> String {
    match e {
        LifeEvent::Sent { producer } => fill(t.ev_sent, &[("producer", producer)]),
        LifeEvent::RequestSent { producer } => fill(t.ev_request, &[("producer", producer)]),
        LifeEvent::Appended { broker, epoch } => fill(
            t.ev_appended,
            &[("broker", broker), ("offset", &offset), ("epoch", epoch)],
        ),
        LifeEvent::Copied { broker } => fill(t.ev_copied, &[("broker", broker)]),
        LifeEvent::HighWatermark { broker } => fill(t.ev_hw, &[("broker", broker)]),
        LifeEvent::Acked { producer, broker } => {
            fill(t.ev_acked, &[("broker", broker), ("producer", producer)])
        }
        LifeEvent::ProduceError {
            producer,
            broker,
            error,
        } => fill(
            t.ev_error,
            &[
                ("producer", producer),
                ("error", &error.name()),
                ("broker", broker),
            ],
        ),
        LifeEvent::Fetched { consumer, broker } => {
            fill(t.ev_fetched, &[("consumer", consumer), ("broker", broker)])
        }
        LifeEvent::Committed {
            group,
            offset,
            consumer,
        } => fill(
            t.ev_committed,
            &[("group", group), ("offset", offset), ("consumer", consumer)],
        ),
    }
}

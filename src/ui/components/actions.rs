//! The side panel's forms. Each builds one scenario-language line and runs it, so what a button
//! does is what the console shows (and what a script would say).

use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use super::use_app;
use crate::sim::ControllerMode;
use crate::ui::cluster::DEFAULT_TOPIC;
use crate::ui::i18n::{fill, Texts};
use crate::ui::state::Action;

/// A value as the scenario language reads it: quoted when it holds blanks or `#`.
pub fn quote(value: &str) -> String {
    if value.is_empty() || value.contains(char::is_whitespace) || value.contains(['#', '"', '\\']) {
        crate::sim::kafka_cli::quote(value)
    } else {
        value.to_string()
    }
}

pub(super) fn text_field(
    label: &'static str,
    control: &'static str,
    state: &UseStateHandle<String>,
    kind: &'static str,
) -> Html {
    let oninput = {
        let state = state.clone();
        Callback::from(move |e: InputEvent| {
            let input: HtmlInputElement = e.target_unchecked_into();
            state.set(input.value());
        })
    };
    html! {
        <label class="field">
            <span class="field-name">{ label }</span>
            <input type={kind} data-control={control} value={(**state).clone()}
                autocomplete="off" spellcheck="false" {oninput} />
        </label>
    }
}

/// A select whose shown value is `current` (the state may hold a stale or empty choice).
pub(super) fn select_field(
    label: &'static str,
    control: &'static str,
    state: &UseStateHandle<String>,
    current: &str,
    options: Vec<(String, String)>,
) -> Html {
    let onchange = {
        let state = state.clone();
        Callback::from(move |e: Event| {
            let select: HtmlSelectElement = e.target_unchecked_into();
            state.set(select.value());
        })
    };
    html! {
        <label class="field">
            <span class="field-name">{ label }</span>
            <select data-control={control} {onchange}>
                { for options.into_iter().map(|(value, text)| {
                    let selected = value == current;
                    html! { <option {value} {selected}>{ text }</option> }
                }) }
            </select>
        </label>
    }
}

pub(super) fn submit(f: impl Fn() + 'static) -> Callback<SubmitEvent> {
    Callback::from(move |e: SubmitEvent| {
        e.prevent_default();
        f();
    })
}

#[function_component]
pub fn ActionsPanel() -> Html {
    let t = use_app().lang.texts();
    html! {
        <section class="panel actions-panel">
            <h2>{ t.actions_heading }</h2>
            <ProduceForm />
            <ClusterActions />
        </section>
    }
}

/// New producers and topics (below the console and the event log: used less often).
#[function_component]
pub fn CreatePanel() -> Html {
    let t = use_app().lang.texts();
    html! {
        <section class="panel actions-panel">
            <h2>{ t.create_heading }</h2>
            <ProducerForm />
            <TopicForm />
        </section>
    }
}

#[function_component]
fn ProduceForm() -> Html {
    let app = use_app();
    let t = app.lang.texts();
    let producer = use_state(String::new);
    let topic = use_state(|| DEFAULT_TOPIC.to_string());
    let key = use_state(|| "user-42".to_string());
    let value = use_state(|| "hello".to_string());
    let rate = use_state(|| "10".to_string());
    let count = use_state(|| "100".to_string());

    let producers = &app.view.producers;
    if producers.is_empty() {
        return html! {
            <div class="form-block">
                <h3>{ t.produce_heading }</h3>
                <p class="help">{ t.no_producer }</p>
            </div>
        };
    }
    // The chosen producer and topic, or the first ones while nothing (valid) is chosen.
    let chosen_producer = producers
        .iter()
        .find(|p| *p.name == **producer)
        .unwrap_or(&producers[0]);
    let chosen_topic = app
        .view
        .topics
        .iter()
        .find(|x| x.name == *topic)
        .or_else(|| app.view.topics.first())
        .map(|x| x.name.clone())
        .unwrap_or_else(|| (*topic).clone());
    let base = {
        let mut line = format!("produce {} {}", chosen_producer.name, quote(&chosen_topic));
        if !key.trim().is_empty() {
            line.push_str(&format!(" key={}", quote(key.trim())));
        }
        line.push_str(&format!(" value={}", quote(&value)));
        line
    };
    let d = app.dispatcher();
    let onsubmit = {
        let (d, line) = (d.clone(), base.clone());
        submit(move || d.dispatch(Action::Run(line.clone())))
    };
    let on_stream = {
        let line = format!("{base} rate={}/s count={}", rate.trim(), count.trim());
        Callback::from(move |_: MouseEvent| d.dispatch(Action::Run(line.clone())))
    };
    let stats = fill(
        t.producer_stats,
        &[
            ("acked", &chosen_producer.acked),
            ("failed", &chosen_producer.failed),
            ("pending", &chosen_producer.pending),
        ],
    );
    let producer_options = producers
        .iter()
        .map(|p| (p.name.to_string(), p.name.to_string()))
        .collect();
    let topic_options = app
        .view
        .topics
        .iter()
        .map(|x| (x.name.clone(), x.name.clone()))
        .collect();

    html! {
        <form class="form-block" data-form="produce" {onsubmit}>
            <h3>{ t.produce_heading }</h3>
            <div class="field-row">
                { select_field(t.producer_field, "produce-producer", &producer, &chosen_producer.name, producer_options) }
                { select_field(t.topic_field, "produce-topic", &topic, &chosen_topic, topic_options) }
            </div>
            <div class="field-row">
                { text_field(t.key_field, "produce-key", &key, "text") }
                { text_field(t.value_field, "produce-value", &value, "text") }
            </div>
            <p class="help">{ t.key_hint }</p>
            <div class="form-actions">
                <button type="submit" class="btn primary" data-action="produce-send">{ t.send }</button>
            </div>
            <div class="field-row">
                { text_field(t.rate_field, "produce-rate", &rate, "number") }
                { text_field(t.count_field, "produce-count", &count, "number") }
            </div>
            <div class="form-actions">
                <button type="button" class="btn" data-action="produce-stream" onclick={on_stream}>
                    { t.start_stream }
                </button>
            </div>
            <p class="help stats" data-producer-stats={chosen_producer.name.to_string()}
                data-acked={chosen_producer.acked.to_string()}>
                <strong>{ chosen_producer.name.to_string() }</strong>{ ": " }{ stats }
                if let Some(error) = &chosen_producer.last_error {
                    <br /><code class="error-text">{ error.clone() }</code>
                }
            </p>
        </form>
    }
}

pub(super) fn help(t: &Texts, text: &'static str, default: &str) -> Html {
    html! {
        <p class="help">{ text }{ " " }<span class="default">{ fill(t.default_value, &[("value", &default)]) }</span></p>
    }
}

#[function_component]
fn ProducerForm() -> Html {
    let app = use_app();
    let t = app.lang.texts();
    let name = use_state(|| None::<String>);
    let acks = use_state(|| "all".to_string());
    let idempotence = use_state(|| "true".to_string());
    let linger = use_state(|| "5".to_string());

    let suggestion = (1..)
        .map(|n| format!("p{n}"))
        .find(|n| !app.view.producers.iter().any(|p| *p.name == **n))
        .unwrap_or_default();
    let shown = (*name).clone().unwrap_or(suggestion);

    // Only what differs from Kafka's defaults goes in the line: a defaulted idempotence is
    // turned off quietly by acks=0/1, as KafkaProducer does; an explicit one refuses them.
    let mut line = format!("producer create {}", quote(shown.trim()));
    if *acks != "all" {
        line.push_str(&format!(" acks={}", *acks));
    }
    if *idempotence != "true" {
        line.push_str(&format!(" enable.idempotence={}", *idempotence));
    }
    if linger.trim() != "5" {
        line.push_str(&format!(" linger.ms={}", linger.trim()));
    }
    let onsubmit = {
        let d = app.dispatcher();
        let name = name.clone();
        submit(move || {
            d.dispatch(Action::Run(line.clone()));
            name.set(None);
        })
    };
    let on_name = {
        let name = name.clone();
        Callback::from(move |e: InputEvent| {
            let input: HtmlInputElement = e.target_unchecked_into();
            name.set(Some(input.value()));
        })
    };
    let opts = |values: &[&str]| {
        values
            .iter()
            .map(|v| (v.to_string(), v.to_string()))
            .collect()
    };

    html! {
        <form class="form-block" data-form="producer" {onsubmit}>
            <h3>{ t.add_producer_heading }</h3>
            <div class="field-row">
                <label class="field">
                    <span class="field-name">{ t.name_field }</span>
                    <input type="text" data-control="producer-name" value={shown} autocomplete="off"
                        spellcheck="false" oninput={on_name} />
                </label>
                { select_field("acks", "producer-acks", &acks, &acks, opts(&["all", "1", "0"])) }
            </div>
            { help(t, t.acks_help, "all") }
            <div class="field-row">
                { select_field("enable.idempotence", "producer-idempotence", &idempotence, &idempotence, opts(&["true", "false"])) }
                { text_field("linger.ms", "producer-linger", &linger, "number") }
            </div>
            { help(t, t.idempotence_help, "true") }
            { help(t, t.linger_help, "5") }
            <div class="form-actions">
                <button type="submit" class="btn" data-action="producer-create">{ t.create }</button>
            </div>
        </form>
    }
}

#[function_component]
fn TopicForm() -> Html {
    let app = use_app();
    let t = app.lang.texts();
    let name = use_state(|| None::<String>);
    let partitions = use_state(|| "3".to_string());
    let rf = use_state(|| None::<String>);
    let min_isr = use_state(|| "1".to_string());

    let suggestion = ["payments", "events", "clicks"]
        .iter()
        .map(|s| s.to_string())
        .chain((2..).map(|n| format!("topic-{n}")))
        .find(|n| !app.view.topics.iter().any(|x| x.name == *n))
        .unwrap_or_default();
    let shown = (*name).clone().unwrap_or(suggestion);
    let rf_shown = (*rf)
        .clone()
        .unwrap_or_else(|| app.broker_count().min(3).to_string());

    let mut line = format!(
        "topic create {} partitions={} replication-factor={}",
        quote(shown.trim()),
        partitions.trim(),
        rf_shown.trim()
    );
    if min_isr.trim() != "1" {
        line.push_str(&format!(" min.insync.replicas={}", min_isr.trim()));
    }
    let onsubmit = {
        let d = app.dispatcher();
        let name = name.clone();
        submit(move || {
            d.dispatch(Action::Run(line.clone()));
            name.set(None);
        })
    };
    let set_some = |state: &UseStateHandle<Option<String>>| {
        let state = state.clone();
        Callback::from(move |e: InputEvent| {
            let input: HtmlInputElement = e.target_unchecked_into();
            state.set(Some(input.value()));
        })
    };

    html! {
        <form class="form-block" data-form="topic" {onsubmit}>
            <h3>{ t.add_topic_heading }</h3>
            <div class="field-row">
                <label class="field">
                    <span class="field-name">{ t.name_field }</span>
                    <input type="text" data-control="topic-name" value={shown} autocomplete="off"
                        spellcheck="false" oninput={set_some(&name)} />
                </label>
                { text_field(t.partitions_field, "topic-partitions", &partitions, "number") }
            </div>
            <div class="field-row">
                <label class="field">
                    <span class="field-name">{ t.rf_field }</span>
                    <input type="number" data-control="topic-rf" value={rf_shown}
                        oninput={set_some(&rf)} />
                </label>
                { text_field("min.insync.replicas", "topic-min-isr", &min_isr, "number") }
            </div>
            { help(t, t.min_isr_help, "1") }
            <div class="form-actions">
                <button type="submit" class="btn" data-action="topic-create">{ t.create }</button>
            </div>
        </form>
    }
}

#[function_component]
fn ClusterActions() -> Html {
    let app = use_app();
    let t = app.lang.texts();
    let button = |action: &'static str,
                  label: &'static str,
                  hint: &'static str,
                  line: &'static str| {
        let d = app.dispatcher();
        html! {
            <button type="button" class="btn" data-action={action} title={hint}
                aria-label={format!("{label}: {hint}")}
                onclick={Callback::from(move |_: MouseEvent| d.dispatch(Action::Run(line.to_string())))}>
                { label }
            </button>
        }
    };
    html! {
        <div class="form-block">
            <h3>{ t.cluster_actions_heading }</h3>
            <div class="form-actions wrap">
                { button("broker-add", t.add_live_broker, t.add_live_broker_hint, "broker add") }
                { button("network-heal", t.heal_all, t.heal_all_hint, "network heal") }
                if app.mode() == ControllerMode::Kraft {
                    { button("controller-kill-active", t.kill_active_controller, t.kill_active_controller_hint, "controller kill") }
                }
            </div>
        </div>
    }
}

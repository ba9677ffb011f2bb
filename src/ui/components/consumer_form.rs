//! Adding a consumer: Kafka's config names with their defaults and a line on each, plus the
//! application around the client (processing model). The form builds one `consumer create` line
//! holding only what differs from the defaults.

use web_sys::HtmlInputElement;
use yew::prelude::*;

use super::actions::{help, quote, select_field, submit, text_field};
use super::use_app;
use crate::ui::cluster::DEFAULT_TOPIC;
use crate::ui::i18n::fill;
use crate::ui::state::Action;

/// Kafka 4's default `partition.assignment.strategy` (eager range until every member supports
/// cooperative-sticky).
const DEFAULT_STRATEGY: &str = "range,cooperative-sticky";

#[function_component]
pub fn ConsumersPanel() -> Html {
    let t = use_app().lang.texts();
    html! {
        <section class="panel actions-panel consumers-panel">
            <h2>{ t.consumers_heading }</h2>
            <ConsumerForm />
        </section>
    }
}

#[function_component]
pub fn ConsumerForm() -> Html {
    let app = use_app();
    let t = app.lang.texts();
    let name = use_state(|| None::<String>);
    let group = use_state(|| "billing".to_string());
    let topics = use_state(|| DEFAULT_TOPIC.to_string());
    let strategy = use_state(|| DEFAULT_STRATEGY.to_string());
    let auto_commit = use_state(|| "true".to_string());
    let interval = use_state(|| "5000".to_string());
    let reset = use_state(|| "latest".to_string());
    let max_poll = use_state(|| "500".to_string());
    let session = use_state(|| "45000".to_string());
    let processing = use_state(|| "poll-loop".to_string());
    let processing_time = use_state(|| "10".to_string());

    let suggestion = (1..)
        .map(|n| format!("c{n}"))
        .find(|n| !app.view.consumers.iter().any(|c| *c.name == **n))
        .unwrap_or_default();
    let shown = (*name).clone().unwrap_or(suggestion);

    let mut line = format!(
        "consumer create {} group.id={} topics={}",
        quote(shown.trim()),
        quote(group.trim()),
        quote(&topics.replace(' ', ""))
    );
    let mut differs = |key: &str, value: &str, default: &str| {
        let value = value.trim();
        if value != default {
            line.push_str(&format!(" {key}={}", quote(value)));
        }
    };
    differs("partition.assignment.strategy", &strategy, DEFAULT_STRATEGY);
    differs("enable.auto.commit", &auto_commit, "true");
    differs("auto.commit.interval.ms", &interval, "5000");
    differs("auto.offset.reset", &reset, "latest");
    differs("max.poll.records", &max_poll, "500");
    differs("session.timeout.ms", &session, "45000");
    differs("processing", &processing, "poll-loop");
    differs("processing.time.ms", &processing_time, "10");

    let onsubmit = {
        let d = app.dispatcher();
        let name = name.clone();
        let line = line.clone();
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
    let kafkascope = |v: &str| {
        html! { <span class="default">{ fill(t.kafkascope_default, &[("value", &v)]) }</span> }
    };

    html! {
        <form class="form-block" data-form="consumer" {onsubmit}>
            <h3>{ t.add_consumer_heading }</h3>
            <div class="field-row">
                <label class="field">
                    <span class="field-name">{ t.name_field }</span>
                    <input type="text" data-control="consumer-name" value={shown} autocomplete="off"
                        spellcheck="false" oninput={on_name} />
                </label>
                { text_field("group.id", "consumer-group", &group, "text") }
            </div>
            <p class="help">{ t.group_id_help }{ " " }<span class="default">{ t.no_default }</span></p>
            { text_field("topics", "consumer-topics", &topics, "text") }
            <p class="help">{ t.topics_help }</p>
            { select_field("partition.assignment.strategy", "consumer-strategy", &strategy, &strategy,
                opts(&[DEFAULT_STRATEGY, "range", "roundrobin", "sticky", "cooperative-sticky"])) }
            { help(t, t.strategy_help, DEFAULT_STRATEGY) }
            <div class="field-row">
                { select_field("enable.auto.commit", "consumer-auto-commit", &auto_commit, &auto_commit, opts(&["true", "false"])) }
                { text_field("auto.commit.interval.ms", "consumer-commit-interval", &interval, "number") }
            </div>
            { help(t, t.auto_commit_help, "true") }
            { help(t, t.auto_commit_interval_help, "5000") }
            <div class="field-row">
                { select_field("auto.offset.reset", "consumer-offset-reset", &reset, &reset, opts(&["latest", "earliest", "none"])) }
                { text_field("max.poll.records", "consumer-max-poll", &max_poll, "number") }
            </div>
            { help(t, t.offset_reset_help, "latest") }
            { help(t, t.max_poll_records_help, "500") }
            { text_field("session.timeout.ms", "consumer-session-timeout", &session, "number") }
            { help(t, t.session_timeout_help, "45000") }
            <div class="field-row">
                { select_field("processing", "consumer-processing", &processing, &processing, opts(&["poll-loop", "worker"])) }
                { text_field("processing.time.ms", "consumer-processing-time", &processing_time, "number") }
            </div>
            <p class="help">{ t.processing_help }{ " " }{ kafkascope("poll-loop") }</p>
            <p class="help">{ t.processing_time_help }{ " " }{ kafkascope("10") }</p>
            <p class="help line-preview"><code data-consumer-line={line.clone()}>{ line.clone() }</code></p>
            <div class="form-actions">
                <button type="submit" class="btn primary" data-action="consumer-create">{ t.create }</button>
            </div>
        </form>
    }
}

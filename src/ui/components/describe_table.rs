//! `kafka-topics.sh --describe`, as Kafka prints it, for every topic in the core.

use yew::prelude::*;

use super::use_app;
use crate::sim::PartitionDescription;
use crate::ui::i18n::{fill, Texts};

#[function_component]
pub fn DescribeTable() -> Html {
    let app = use_app();
    let t = app.lang.texts();
    // The core lists partitions topic by topic: group the runs.
    let topics: Vec<&[PartitionDescription]> = app
        .view
        .partitions
        .chunk_by(|a, b| a.topic == b.topic)
        .collect();

    html! {
        <section class="panel describe-panel">
            <h2>{ t.describe_heading }</h2>
            <p class="note">{ t.describe_note }</p>
            { for topics.into_iter().map(|parts| topic_block(t, parts)) }
        </section>
    }
}

fn topic_block(t: &Texts, parts: &[PartitionDescription]) -> Html {
    let topic = &parts[0].topic;
    let rf = parts[0].replicas.len();
    html! {
        <div class="terminal" key={topic.clone()}>
            <div class="prompt"><span aria-hidden="true">{ "$ " }</span>
                <code>{ fill(t.describe_command, &[("topic", topic)]) }</code></div>
            <p class="topic-line">
                { field(t.kafka_topic, topic.clone()) }
                { field(t.kafka_partition_count, parts.len().to_string()) }
                { field(t.kafka_replication_factor, rf.to_string()) }
            </p>
            <table class="describe-table" data-topic={topic.clone()}>
                <tbody>
                    { for parts.iter().map(|p| partition_row(t, p)) }
                </tbody>
            </table>
        </div>
    }
}

fn partition_row(t: &Texts, p: &PartitionDescription) -> Html {
    let leader = p
        .leader
        .map_or_else(|| t.kafka_leader_none.to_string(), |id| id.to_string());
    let replicas = join(&p.replicas);
    let isr = join(&p.isr);
    html! {
        <tr class="partition-line" data-partition={format!("{}-{}", p.topic, p.partition)}
            data-leader={leader.clone()} data-replicas={replicas.clone()} data-isr={isr.clone()}>
            { cell(t.kafka_topic, p.topic.clone()) }
            { cell(t.kafka_partition, p.partition.to_string()) }
            { cell(t.kafka_leader, leader) }
            { cell(t.kafka_replicas, replicas) }
            { cell(t.kafka_isr, isr) }
        </tr>
    }
}

fn cell(label: &'static str, value: String) -> Html {
    html! { <td>{ field(label, value) }</td> }
}

/// `Label: value`, as Kafka prints each field.
fn field(label: &'static str, value: String) -> Html {
    html! {
        <span class="field"><span class="k">{ label }{ ":" }</span>{ " " }<span class="v">{ value }</span></span>
    }
}

/// Kafka prints broker lists comma-separated without spaces: `1,2,3`.
fn join(ids: &[i32]) -> String {
    ids.iter().map(i32::to_string).collect::<Vec<_>>().join(",")
}

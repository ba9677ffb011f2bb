//! `kafka-topics.sh --describe` for every topic, as the core prints it
//! ([`crate::sim::Simulation::describe_topic_text`]): one row per output line, the text kept
//! byte for byte (tabs included) and its `Key:` labels set apart. `__consumer_offsets` is folded.

use std::rc::Rc;

use yew::prelude::*;

use super::use_app;
use crate::sim::coordinator::OFFSETS_TOPIC;
use crate::ui::i18n::{fill, Lang, Texts};

#[function_component]
pub fn DescribeTable() -> Html {
    let app = use_app();
    html! { <TopicTexts texts={app.view.topic_texts.clone()} lang={app.lang} /> }
}

/// The texts change only with the partitions' metadata, and the snapshot keeps their `Rc` while
/// they do not: comparing pointers skips re-rendering hundreds of rows on every refresh.
#[derive(Properties)]
struct TopicTextsProps {
    texts: Rc<[(String, String)]>,
    lang: Lang,
}

impl PartialEq for TopicTextsProps {
    fn eq(&self, other: &Self) -> bool {
        self.lang == other.lang
            && (Rc::ptr_eq(&self.texts, &other.texts) || self.texts == other.texts)
    }
}

#[function_component]
fn TopicTexts(props: &TopicTextsProps) -> Html {
    let t = props.lang.texts();
    let texts = &props.texts;
    html! {
        <section class="panel describe-panel">
            <h2>{ t.describe_heading }</h2>
            <p class="note">{ t.describe_note }</p>
            { for texts.iter().filter(|(name, _)| name != OFFSETS_TOPIC).map(|(name, text)| topic_block(t, name, text)) }
            { for texts.iter().filter(|(name, _)| name == OFFSETS_TOPIC).map(|(name, text)| html! {
                <details class="internal-topic">
                    <summary>{ fill(t.internal_topic_summary, &[("partitions", &text.lines().count().saturating_sub(1))]) }</summary>
                    { topic_block(t, name, text) }
                </details>
            }) }
        </section>
    }
}

fn topic_block(t: &Texts, topic: &str, text: &str) -> Html {
    let mut lines = text.lines();
    let head = lines.next().unwrap_or_default();
    html! {
        <div class="terminal" key={topic.to_string()}>
            <div class="prompt"><span aria-hidden="true">{ "$ " }</span>
                <code>{ fill(t.describe_command, &[("topic", &topic)]) }</code></div>
            <table class="describe-table tool-output" data-topic={topic.to_string()}>
                <tbody>
                    <tr class="topic-line" data-topic-line={topic.to_string()}><td>{ fields(head) }</td></tr>
                    { for lines.map(partition_line) }
                </tbody>
            </table>
        </div>
    }
}

/// A partition line, with its fields as data attributes for tests and scripts.
fn partition_line(line: &str) -> Html {
    let field = |name: &str| {
        line.split('\t')
            .find_map(|f| f.strip_prefix(name)?.strip_prefix(": "))
            .unwrap_or_default()
            .to_string()
    };
    html! {
        <tr class="partition-line" data-partition={format!("{}-{}", field("Topic"), field("Partition"))}
            data-leader={field("Leader")} data-replicas={field("Replicas")} data-isr={field("Isr")}>
            <td>{ fields(line) }</td>
        </tr>
    }
}

/// The line's text unchanged, each `Key:` wrapped so it can be styled apart from its value.
fn fields(line: &str) -> Html {
    html! {
        { for line.split('\t').enumerate().map(|(i, f)| {
            let tab = if i > 0 { "\t" } else { "" };
            match f.split_once(": ") {
                Some((k, v)) => html! { <>{ tab }<span class="k">{ k }{ ":" }</span>{ " " }<span class="v">{ v }</span></> },
                None => html! { <>{ tab }{ f }</> },
            }
        }) }
    }
}

//! Browser tests of the console's Kafka tool lines (their output shows in the console panel) and
//! of user text shown as text: a record whose key and value are markup and script appears
//! literally wherever the page shows it, and no element is injected.
#![cfg(target_arch = "wasm32")]

use kafkascope::sim::hash::partition_for_key;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement};

wasm_bindgen_test_configure!(run_in_browser);

#[path = "support/page.rs"]
mod page;

use page::{all, click, console, last_history, mount, one, set_field, text};

const BS: &str = "--bootstrap-server localhost:9092";

#[wasm_bindgen_test]
async fn kafka_tool_lines_run_in_the_console_and_print_there() {
    let root = mount().await;
    assert!(all(&root, "[data-console-output]").is_empty());
    console(
        &root,
        &format!("kafka-topics.sh {BS} --describe --topic orders"),
    )
    .await;
    let out = text(&one(&root, "[data-console-output]"));
    assert!(out.starts_with("Topic: orders\tTopicId: "), "{out}");
    assert!(
        out.contains("\tTopic: orders\tPartition: 2\tLeader: "),
        "{out}"
    );
    // --create changes the cluster: the describe table gets the new topic's rows.
    console(
        &root,
        &format!(
            "kafka-topics.sh {BS} --create --topic audit --partitions 2 --replication-factor 3"
        ),
    )
    .await;
    assert_eq!(
        text(&one(&root, "[data-console-output]")),
        "Created topic audit.\n"
    );
    assert_eq!(all(&root, "tr[data-partition^=\"audit-\"]").len(), 2);
    assert!(last_history(&root).1, "the core took the line");
    // The console producer: no output; the record is sent once time moves.
    console(
        &root,
        &format!("kafka-console-producer.sh {BS} --topic audit --property parse.key=true --property key.separator=: <<< 'k:v'"),
    )
    .await;
    assert!(all(&root, "[data-console-output]").is_empty());
    assert!(last_history(&root).1, "the core took the line");
    // A bad form: the tool's own refusal, shown like the core's.
    console(
        &root,
        &format!("kafka-topics.sh {BS} --alter --topic audit"),
    )
    .await;
    let error = text(&one(&root, "[data-console-error]"));
    assert!(
        error.contains("Missing required argument \"[partitions]\""),
        "{error}"
    );
    assert!(!last_history(&root).1, "the core refused the line");
}

/// What a visitor types is shown as text: `<script>`, `<b>` and an `<img onerror>` in a key and
/// a value stay characters in the console history, the event log and the record inspector.
#[wasm_bindgen_test]
async fn keys_and_values_typed_by_users_are_shown_as_text() {
    let root = mount().await;
    let key = "<script>alert(1)</script><b>k</b>";
    let value = "<script>window.__kafkascope_xss=1</script><b>x</b><img src=x onerror=\"window.__kafkascope_xss=2\">";
    let elements = |root: &Element| all(root, "script, img, b, iframe, object, [onerror]").len();
    let before = elements(&root);
    set_field(&root, "[data-control=\"produce-key\"]", key, "input").await;
    set_field(&root, "[data-control=\"produce-value\"]", value, "input").await;
    click(&root, "[data-action=\"produce-send\"]").await;
    let (line, ok) = last_history(&root);
    assert!(ok, "the core took the line: {line}");
    assert!(line.contains(key), "{line}");
    console(&root, "advance 3s").await;
    // The inspector: the record's cell on any replica of its partition.
    let partition = partition_for_key(key.as_bytes(), 3);
    let cells = all(
        &root,
        &format!("[data-replica=\"orders-{partition}\"] .log-cell[data-offset=\"0\"]"),
    );
    assert!(!cells.is_empty(), "the record is in the log");
    cells[0].dyn_ref::<HtmlElement>().unwrap().click();
    yew::scheduler::flush().await;
    assert_eq!(text(&one(&root, "[data-record-key]")), key);
    assert_eq!(text(&one(&root, "[data-record-value]")), value);
    // Nothing was injected anywhere on the page, and nothing ran.
    assert_eq!(elements(&root), before, "no element came from the record");
    assert!(root.text_content().unwrap().contains(value));
    // Give an injected `onerror` time to fire (an image that fails loads asynchronously).
    let wait = js_sys::Promise::new(&mut |resolve, _| {
        gloo::utils::window()
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 300)
            .unwrap();
    });
    wasm_bindgen_futures::JsFuture::from(wait).await.unwrap();
    let xss = js_sys::Reflect::get(&gloo::utils::window(), &"__kafkascope_xss".into()).unwrap();
    assert!(xss.is_undefined(), "a script from the record ran");
}

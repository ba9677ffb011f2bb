//! Browser tests of the network-fault panel: each button writes one scenario line (seen in the
//! console's history, accepted by the core) and its effect shows on the page.
#![cfg(target_arch = "wasm32")]

use kafkascope::ui::i18n::{EN, KO};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlInputElement, HtmlSelectElement};

wasm_bindgen_test_configure!(run_in_browser);

#[path = "support/page.rs"]
mod page;

use page::{all, click, fire, last_history, mount, one, text};

async fn choose(root: &Element, control: &str, value: &str) {
    let element = one(
        root,
        &format!("[data-form=\"network\"] [data-control=\"{control}\"]"),
    );
    let event = if let Some(select) = element.dyn_ref::<HtmlSelectElement>() {
        select.set_value(value);
        assert_eq!(select.value(), value, "{control} offers {value}");
        "change"
    } else {
        element
            .dyn_ref::<HtmlInputElement>()
            .unwrap()
            .set_value(value);
        "input"
    };
    fire(&element, event).await;
}

fn isolated(root: &Element, broker: i32) -> String {
    one(root, &format!("article[data-broker=\"{broker}\"]"))
        .get_attribute("data-isolated")
        .unwrap()
}

#[wasm_bindgen_test]
async fn every_network_button_is_a_scenario_line() {
    let root = mount().await;
    // The node lists hold brokers, KRaft controllers and the producer.
    let options: Vec<String> = all(&root, "[data-control=\"network-a\"] option")
        .iter()
        .map(|o| o.get_attribute("value").unwrap())
        .collect();
    for node in ["1", "2", "3", "controller-3000"] {
        assert!(options.iter().any(|o| o == node), "{node} in {options:?}");
    }
    choose(&root, "network-a", "1").await;
    choose(&root, "network-b", "3").await;
    click(&root, "[data-action=\"fault-cut\"]").await;
    assert_eq!(last_history(&root), ("network cut 1 3".into(), true));
    choose(&root, "network-latency", "250").await;
    click(&root, "[data-action=\"fault-slow\"]").await;
    assert_eq!(last_history(&root), ("network slow 1 3 250ms".into(), true));
    choose(&root, "network-kind", "fetch-response").await;
    choose(&root, "network-count", "2").await;
    click(&root, "[data-action=\"fault-drop\"]").await;
    assert_eq!(
        last_history(&root),
        ("network drop fetch-response count=2".into(), true)
    );
    // Isolating a broker shows on its card; healing it clears that.
    choose(&root, "network-a", "2").await;
    assert_eq!(isolated(&root, 2), "false");
    click(&root, "[data-action=\"fault-isolate\"]").await;
    assert_eq!(last_history(&root), ("network isolate 2".into(), true));
    assert_eq!(isolated(&root, 2), "true");
    click(&root, "[data-action=\"fault-heal\"]").await;
    assert_eq!(last_history(&root), ("network heal 2".into(), true));
    assert_eq!(isolated(&root, 2), "false");
    click(&root, "[data-action=\"fault-isolate\"]").await;
    click(&root, "[data-action=\"fault-heal-all\"]").await;
    assert_eq!(last_history(&root), ("network heal".into(), true));
    assert_eq!(isolated(&root, 2), "false");
    // The event log's subject of healing everything is the network, not ZooKeeper (a KRaft
    // cluster has none).
    let newest = all(&root, ".event-log li.event")
        .into_iter()
        .next()
        .unwrap();
    assert_eq!(
        text(&one(&newest, ".event-text")),
        "healed all network faults"
    );
    let subject = text(&one(&newest, ".event-node"));
    assert!(
        [EN.event_node_network, KO.event_node_network].contains(&subject.as_str()),
        "{subject}"
    );
    assert!(all(&root, "[data-console-error]").is_empty());
}

//! Browser tests: mount the real page, read its DOM, and compare it with the core's own state
//! computed here from the same configuration.
#![cfg(target_arch = "wasm32")]

use std::collections::BTreeSet;

use kafkascope::sim::{ClusterConfig, ControllerMode, PartitionDescription, Simulation};
use kafkascope::ui::i18n::{fill, Lang, EN, KO};
use kafkascope::ui::{panic, App};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, Event, EventInit, HtmlElement, HtmlInputElement};

wasm_bindgen_test_configure!(run_in_browser);

/// The first screen as the core builds it, independently of the page's own builder: seed 1,
/// KRaft, topic `orders` with 3 partitions and replication factor min(3, brokers).
#[allow(clippy::needless_update)]
fn core_cluster(brokers: usize) -> Simulation {
    let mut sim = Simulation::new(ClusterConfig {
        seed: 1,
        brokers,
        mode: ControllerMode::Kraft,
        ..ClusterConfig::default()
    })
    .expect("a valid cluster");
    sim.create_topic("orders", 3, brokers.min(3) as i32)
        .expect("a valid topic");
    sim
}

async fn mount() -> Element {
    let document = gloo::utils::document();
    let root = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&root).unwrap();
    yew::Renderer::<App>::with_root(root.clone()).render();
    yew::scheduler::flush().await;
    root
}

fn all(root: &Element, selector: &str) -> Vec<Element> {
    let list = root.query_selector_all(selector).unwrap();
    (0..list.length())
        .map(|i| list.item(i).unwrap().dyn_into::<Element>().unwrap())
        .collect()
}

fn one(root: &Element, selector: &str) -> Element {
    let found = all(root, selector);
    assert_eq!(found.len(), 1, "exactly one element matches {selector}");
    found.into_iter().next().unwrap()
}

fn attr(element: &Element, name: &str) -> String {
    element
        .get_attribute(name)
        .unwrap_or_else(|| panic!("attribute {name} missing on <{}>", element.tag_name()))
}

fn join(ids: &[i32]) -> String {
    ids.iter().map(i32::to_string).collect::<Vec<_>>().join(",")
}

/// A replica chip as the DOM shows it: (name, leader?, in ISR?, leader epoch if leader).
type Chip = (String, bool, bool, Option<i32>);

fn chips_in_dom(card: &Element) -> BTreeSet<Chip> {
    all(card, "[data-replica]")
        .iter()
        .map(|chip| {
            let leader = attr(chip, "data-leader");
            assert!(
                leader == "true" || leader == "false",
                "data-leader={leader}"
            );
            let epoch = chip
                .query_selector("[data-leader-epoch]")
                .unwrap()
                .map(|e| attr(&e, "data-leader-epoch").parse().unwrap());
            (
                attr(chip, "data-replica"),
                leader == "true",
                attr(chip, "data-isr") == "true",
                epoch,
            )
        })
        .collect()
}

fn chips_in_core(partitions: &[PartitionDescription], broker: i32) -> BTreeSet<Chip> {
    partitions
        .iter()
        .filter(|p| p.replicas.contains(&broker))
        .map(|p| {
            let leader = p.leader == Some(broker);
            (
                format!("{}-{}", p.topic, p.partition),
                leader,
                p.isr.contains(&broker),
                leader.then_some(p.leader_epoch),
            )
        })
        .collect()
}

/// The whole drawing and the describe table agree with the core's cluster of `brokers` brokers.
fn assert_dom_matches_core(root: &Element, brokers: usize) {
    let sim = core_cluster(brokers);
    let partitions = sim.describe_partitions();
    assert_eq!(partitions.len(), 3, "the core made 3 partitions");

    // Brokers: one card each, in the core's order.
    let core_ids: Vec<String> = sim
        .describe_brokers()
        .iter()
        .map(|b| b.id.to_string())
        .collect();
    let dom_ids: Vec<String> = all(root, "[data-broker]")
        .iter()
        .map(|card| attr(card, "data-broker"))
        .collect();
    assert_eq!(dom_ids, core_ids, "broker cards");
    assert_eq!(dom_ids.len(), brokers);

    // Replicas: every chip on the right broker, leaders and ISR marked as the core has them.
    for broker in sim.describe_brokers() {
        let card = one(root, &format!("[data-broker=\"{}\"]", broker.id));
        assert_eq!(
            chips_in_dom(&card),
            chips_in_core(&partitions, broker.id),
            "replicas on broker {}",
            broker.id
        );
    }
    // Each partition: as many chips as replicas, exactly one of them marked leader.
    for p in &partitions {
        let name = format!("{}-{}", p.topic, p.partition);
        let chips = all(root, &format!("[data-replica=\"{name}\"]"));
        assert_eq!(chips.len(), p.replicas.len(), "chips of {name}");
        let leaders = chips
            .iter()
            .filter(|c| attr(c, "data-leader") == "true")
            .count();
        assert_eq!(
            leaders,
            usize::from(p.leader.is_some()),
            "leaders of {name}"
        );
    }

    // The describe table, in Kafka's format.
    for p in &partitions {
        let row = one(
            root,
            &format!("tr[data-partition=\"{}-{}\"]", p.topic, p.partition),
        );
        let leader = p.leader.map_or("none".to_string(), |l| l.to_string());
        assert_eq!(attr(&row, "data-leader"), leader);
        assert_eq!(attr(&row, "data-replicas"), join(&p.replicas));
        assert_eq!(attr(&row, "data-isr"), join(&p.isr));
        let text = row.text_content().unwrap();
        assert!(
            text.contains(&format!("Leader: {leader}"))
                && text.contains(&format!("Replicas: {}", join(&p.replicas)))
                && text.contains(&format!("Isr: {}", join(&p.isr))),
            "row text {text:?}"
        );
    }

    // The control shows the core's broker count.
    let input: HtmlInputElement = one(root, "input[data-control=\"broker-count\"]")
        .dyn_into()
        .unwrap();
    assert_eq!(input.value(), brokers.to_string());
}

async fn click(root: &Element, selector: &str) {
    one(root, selector)
        .dyn_into::<HtmlElement>()
        .unwrap()
        .click();
    yew::scheduler::flush().await;
}

async fn type_broker_count(root: &Element, value: &str) {
    let input: HtmlInputElement = one(root, "input[data-control=\"broker-count\"]")
        .dyn_into()
        .unwrap();
    input.set_value(value);
    let init = EventInit::new();
    init.set_bubbles(true);
    let event = Event::new_with_event_init_dict("input", &init).unwrap();
    input.dispatch_event(&event).unwrap();
    yew::scheduler::flush().await;
}

#[wasm_bindgen_test]
async fn first_screen_draws_the_cores_default_cluster() {
    let root = mount().await;
    assert_dom_matches_core(&root, 3);
    // With 3 brokers and RF 3 every broker hosts every partition.
    assert_eq!(all(&root, "[data-replica]").len(), 9);
}

#[wasm_bindgen_test]
async fn plus_and_minus_recreate_the_cluster() {
    let root = mount().await;
    click(&root, "[data-action=\"add-broker\"]").await;
    assert_dom_matches_core(&root, 4);
    click(&root, "[data-action=\"remove-broker\"]").await;
    click(&root, "[data-action=\"remove-broker\"]").await;
    assert_dom_matches_core(&root, 2);
    click(&root, "[data-action=\"remove-broker\"]").await;
    assert_dom_matches_core(&root, 1);
    let minus: HtmlElement = one(&root, "[data-action=\"remove-broker\"]")
        .dyn_into()
        .unwrap();
    assert!(
        minus.has_attribute("disabled"),
        "− is disabled at one broker"
    );
}

#[wasm_bindgen_test]
async fn typing_a_broker_count_recreates_the_cluster() {
    let root = mount().await;
    type_broker_count(&root, "7").await;
    assert_dom_matches_core(&root, 7);
    type_broker_count(&root, "12").await;
    assert_dom_matches_core(&root, 12);
    // Outside the control's range: ignored, the cluster stays as it was.
    type_broker_count(&root, "99").await;
    assert_eq!(all(&root, "[data-broker]").len(), 12);
    type_broker_count(&root, "5").await;
    assert_dom_matches_core(&root, 5);
}

#[wasm_bindgen_test]
async fn the_language_button_switches_every_text() {
    let root = mount().await;
    let first = Lang::from_tag(&gloo::utils::window().navigator().language().unwrap());
    let tagline = || one(&root, ".tagline").text_content().unwrap();
    assert_eq!(tagline(), first.texts().tagline);

    click(&root, "[data-action=\"switch-language\"]").await;
    assert_eq!(tagline(), first.other().texts().tagline);
    let other = first.other().texts();
    let card = one(&root, "[data-broker=\"1\"] .broker-name");
    assert_eq!(
        card.text_content().unwrap(),
        fill(other.broker_title, &[("id", &1)])
    );
    // The drawing is the same cluster in either language.
    assert_dom_matches_core(&root, 3);

    click(&root, "[data-action=\"switch-language\"]").await;
    assert_eq!(tagline(), first.texts().tagline);
}

#[wasm_bindgen_test]
async fn the_broker_control_has_accessible_labels() {
    let root = mount().await;
    let lang = Lang::from_tag(&gloo::utils::window().navigator().language().unwrap());
    let t = lang.texts();
    let label = |selector: &str| attr(&one(&root, selector), "aria-label");
    assert_eq!(label("[data-action=\"remove-broker\"]"), t.remove_broker);
    assert_eq!(label("[data-action=\"add-broker\"]"), t.add_broker);
    let input = label("input[data-control=\"broker-count\"]");
    assert_eq!(
        input,
        fill(t.broker_count_hint, &[("min", &1), ("max", &12)])
    );
    let lang_button = label("[data-action=\"switch-language\"]");
    assert!(
        lang_button.contains(lang.other().texts().language_name),
        "{lang_button}"
    );
}

#[wasm_bindgen_test]
fn language_tags_and_templates() {
    assert_eq!(Lang::from_tag("ko-KR"), Lang::Ko);
    assert_eq!(Lang::from_tag("ko"), Lang::Ko);
    assert_eq!(Lang::from_tag("en-US"), Lang::En);
    assert_eq!(Lang::from_tag("fr"), Lang::En);
    assert_eq!(fill(EN.broker_title, &[("id", &7)]), "Broker 7".to_string());
    assert_eq!(fill(KO.broker_title, &[("id", &7)]), "브로커 7".to_string());
    assert_eq!(fill("{a}{b}{c}", &[("a", &1), ("b", &"x")]), "1x{c}");
    for lang in Lang::ALL {
        assert!(!lang.texts().tagline.is_empty());
    }
    assert_ne!(EN.tagline, KO.tagline);
}

#[wasm_bindgen_test]
fn the_panic_banner_is_shown_without_yew() {
    let document = gloo::utils::document();
    assert!(document.get_element_by_id(panic::BANNER_ID).is_none());
    panic::remember(Lang::En, 1, 3);
    panic::show_banner("boom at line 42");
    let banner = document
        .get_element_by_id(panic::BANNER_ID)
        .expect("the banner is in the DOM");
    let text = banner.text_content().unwrap();
    assert!(text.contains(EN.panic_title), "{text}");
    assert!(text.contains("boom at line 42"), "{text}");
    assert!(text.contains(&fill(EN.panic_context, &[("seed", &1), ("brokers", &3)])));
    assert_eq!(attr(&banner, "role"), "alert");
    let reload = one(&banner, "button.panic-reload");
    assert_eq!(reload.text_content().unwrap(), EN.panic_reload);
    // A second panic adds no second banner.
    panic::show_banner("again");
    assert_eq!(
        document
            .query_selector_all("#panic-banner")
            .unwrap()
            .length(),
        1
    );
    banner.remove();
}

//! Browser tests of what keeps a big cluster's page fast without hiding what a user needs:
//! brokers beyond the first twelve cards are compact lines (state, leaders, replicas, out of
//! ISR) that open into their full card; a member with many partitions folds its table into one
//! line (count, lag, rebalance moves) that opens into the table; beyond its token limit the
//! diagram says how many messages in flight it does not draw.
#![cfg(target_arch = "wasm32")]

use kafkascope::ui::engine::MAX_TOKENS;
use kafkascope::ui::i18n::{fill, EN, KO};
use wasm_bindgen_test::*;
use web_sys::Element;

wasm_bindgen_test_configure!(run_in_browser);

#[path = "support/page.rs"]
mod page;

use page::{all, attr, click, console, last_history, mount, one, text};

async fn run(root: &Element, line: &str) {
    console(root, line).await;
    assert_eq!(last_history(root), (line.to_string(), true), "{line}");
}

fn row(root: &Element, broker: i32) -> Element {
    one(root, &format!("[data-broker-row=\"{broker}\"]"))
}

fn cards(root: &Element) -> usize {
    all(root, "article[data-broker]").len()
}

#[wasm_bindgen_test]
async fn brokers_beyond_twelve_are_lines_that_open_into_their_card() {
    let root = mount().await;
    assert_eq!(cards(&root), 3);
    assert!(
        all(&root, "[data-broker-row]").is_empty(),
        "3 brokers: cards only"
    );
    for _ in 0..12 {
        run(&root, "broker add").await;
    }
    // The new brokers register with the controller, then a topic spreads over all fifteen.
    run(&root, "advance 1s").await;
    run(
        &root,
        "topic create wide partitions=15 replication-factor=3",
    )
    .await;
    run(&root, "advance 1s").await;
    assert_eq!(cards(&root), 12, "the first twelve brokers are cards");
    let rows = all(&root, "[data-broker-row]");
    let ids: Vec<String> = rows.iter().map(|r| attr(r, "data-broker-row")).collect();
    assert_eq!(ids, ["13", "14", "15"]);
    assert!(text(&one(&root, ".broker-rows-note")).contains('3'));
    let line = row(&root, 13);
    assert_eq!(attr(&line, "aria-expanded"), "false");
    assert_eq!(attr(&line, "data-state"), "running");
    assert!(text(&line).contains(&fill(EN.broker_title, &[("id", &13)])));
    assert!(all(&root, "article[data-broker=\"13\"]").is_empty());
    // What the line counts is what the card shows once opened.
    let facts = one(&line, ".row-facts");
    let (replicas, leaders) = (attr(&facts, "data-replicas"), attr(&facts, "data-leaders"));
    assert_ne!(replicas, "0", "broker 13 hosts replicas of `wide`");
    assert!(text(&facts).contains(&fill(EN.broker_row_replicas, &[("count", &replicas)])));

    click(&root, "[data-broker-row=\"13\"]").await;
    assert_eq!(attr(&row(&root, 13), "aria-expanded"), "true");
    let card = one(&root, "article[data-broker=\"13\"]");
    let chips = all(&card, "[data-replica]");
    assert_eq!(chips.len().to_string(), replicas);
    let led = chips
        .iter()
        .filter(|c| attr(c, "data-leader") == "true")
        .count();
    assert_eq!(led.to_string(), leaders);
    if led > 0 {
        assert!(text(&facts).contains(&format!("▲{led}")));
        assert!(text(&facts).contains(&fill(EN.broker_row_leaders, &[("count", &led)])));
    }
    assert_eq!(cards(&root), 13);

    // The opened card's buttons act on the broker, and its line follows.
    click(
        &root,
        "article[data-broker=\"13\"] [data-action=\"broker-kill\"]",
    )
    .await;
    assert_eq!(last_history(&root), ("broker kill 13".into(), true));
    assert_eq!(attr(&row(&root, 13), "data-state"), "crashed");
    assert_eq!(
        attr(&one(&root, "article[data-broker=\"13\"]"), "data-state"),
        "crashed"
    );
    // A closed line still says the broker is down, and in Korean too.
    click(&root, "[data-broker-row=\"13\"]").await;
    assert_eq!(attr(&row(&root, 13), "aria-expanded"), "false");
    assert!(all(&root, "article[data-broker=\"13\"]").is_empty());
    assert!(text(&row(&root, 13)).contains(EN.state_crashed));
    click(&root, "[data-action=\"switch-language\"]").await;
    let line = row(&root, 14);
    assert!(text(&line).contains(&fill(KO.broker_title, &[("id", &14)])));
    assert_eq!(
        attr(&line, "title"),
        fill(KO.broker_row_open, &[("id", &14)])
    );
    assert!(text(&row(&root, 13)).contains(KO.state_crashed));
}

#[wasm_bindgen_test]
async fn a_member_with_many_partitions_folds_its_table_into_one_line() {
    let root = mount().await;
    run(
        &root,
        "topic create many partitions=20 replication-factor=1",
    )
    .await;
    run(&root, "consumer create big group.id=g topics=many").await;
    run(&root, "consumer create small group.id=h topics=orders").await;
    run(&root, "advance 10s").await;
    let member = "[data-consumer=\"big\"]";
    let rows = |root: &Element| all(root, &format!("{member} tr[data-tp]")).len();
    let line = one(
        &root,
        &format!("{member} [data-action=\"member-partitions\"]"),
    );
    assert_eq!(attr(&line, "data-partitions"), "20");
    assert_eq!(attr(&line, "aria-expanded"), "false");
    assert!(text(&line).contains(&fill(
        EN.member_rows_summary,
        &[("count", &20), ("lag", &attr(&line, "data-lag"))]
    )));
    assert_eq!(rows(&root), 0, "folded: no table rows");
    click(
        &root,
        &format!("{member} [data-action=\"member-partitions\"]"),
    )
    .await;
    assert_eq!(rows(&root), 20);
    assert_eq!(
        attr(
            &one(
                &root,
                &format!("{member} [data-action=\"member-partitions\"]")
            ),
            "aria-expanded"
        ),
        "true"
    );
    click(
        &root,
        &format!("{member} [data-action=\"member-partitions\"]"),
    )
    .await;
    assert_eq!(rows(&root), 0);
    // Three partitions: the table as always, no fold.
    let small = "[data-consumer=\"small\"]";
    assert_eq!(all(&root, &format!("{small} tr[data-tp]")).len(), 3);
    assert!(all(
        &root,
        &format!("{small} [data-action=\"member-partitions\"]")
    )
    .is_empty());
}

#[wasm_bindgen_test]
async fn a_narrow_broker_node_marks_its_state_and_names_it_in_its_tooltip() {
    let root = mount().await;
    for _ in 0..27 {
        run(&root, "broker add").await;
    }
    run(&root, "advance 1s").await;
    run(&root, "broker kill 20").await;
    run(&root, "broker stop 21").await;
    run(&root, "advance 100ms").await;
    let node = |id: i32| one(&root, &format!("svg [data-node=\"broker-{id}\"]"));
    // Thirty brokers: nodes too narrow for "Broker 20" or "crashed" show the id and a mark.
    assert_eq!(text(&one(&node(20), ".node-name")), "20");
    assert_eq!(text(&one(&node(20), "[data-state-mark]")), "✕");
    assert_eq!(text(&one(&node(21), "[data-state-mark]")), "■");
    assert!(all(&node(19), "[data-state-mark]").is_empty());
    let tooltip = |id: i32| text(&one(&node(id), "title"));
    assert!(tooltip(20).contains(EN.state_crashed), "{}", tooltip(20));
    assert!(tooltip(21).contains(EN.state_stopped), "{}", tooltip(21));
    assert!(tooltip(19).contains(EN.state_running), "{}", tooltip(19));
    // In Korean too.
    click(&root, "[data-action=\"switch-language\"]").await;
    assert!(tooltip(20).contains(KO.state_crashed), "{}", tooltip(20));
}

/// The number in the diagram's note of messages not drawn; None while the note is hidden.
fn not_drawn(root: &Element) -> Option<usize> {
    let note = one(root, "[data-tokens-not-drawn]");
    if note.has_attribute("hidden") {
        return None;
    }
    Some(text(&one(&note, ".tokens-note-count")).parse().unwrap())
}

fn in_flight(root: &Element) -> usize {
    text(&one(root, "[data-in-flight]")).parse().unwrap()
}

#[wasm_bindgen_test]
async fn beyond_its_token_limit_the_diagram_says_how_many_messages_it_does_not_draw() {
    let root = mount().await;
    let tokens = |root: &Element| all(root, "svg g.tokens [data-msg]").len();
    assert_eq!(
        not_drawn(&root),
        None,
        "the first screen draws every message"
    );
    assert_eq!(tokens(&root), in_flight(&root));
    // Sixty consumers fetching from twelve brokers, every message a second on the wire: some
    // 450 in flight at once.
    for _ in 0..9 {
        run(&root, "broker add").await;
    }
    run(&root, "advance 1s").await;
    run(
        &root,
        "topic create wide partitions=48 replication-factor=3",
    )
    .await;
    for i in 0..60 {
        run(
            &root,
            &format!("consumer create c{i} group.id=g{} topics=wide", i % 4),
        )
        .await;
    }
    run(&root, "advance 5s").await;
    run(&root, "network latency 1s").await;
    run(&root, "advance 1500ms").await;
    let flying = in_flight(&root);
    assert!(flying > MAX_TOKENS, "{flying} messages in flight");
    assert_eq!(tokens(&root), MAX_TOKENS, "the diagram draws its limit");
    assert_eq!(not_drawn(&root), Some(flying - MAX_TOKENS));
    let note = text(&one(&root, "[data-tokens-not-drawn]"));
    assert_eq!(
        note,
        fill(
            EN.tokens_not_drawn,
            &[("count", &(flying - MAX_TOKENS)), ("max", &MAX_TOKENS)]
        )
    );
    click(&root, "[data-action=\"switch-language\"]").await;
    assert_eq!(
        text(&one(&root, "[data-tokens-not-drawn]")),
        fill(
            KO.tokens_not_drawn,
            &[("count", &(flying - MAX_TOKENS)), ("max", &MAX_TOKENS)]
        )
    );
    // Back under the limit: every message drawn, no note.
    run(&root, "network latency 2ms").await;
    run(&root, "advance 3s").await;
    assert!(in_flight(&root) <= MAX_TOKENS);
    assert_eq!(tokens(&root), in_flight(&root));
    assert_eq!(not_drawn(&root), None);
}

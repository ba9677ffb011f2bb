//! Browser tests of the stage (issue 14): the first screen is alive at once (a record's whole
//! road within 5 s of real time), and at 1366 × 768 (the runner's window, webdriver.json) every
//! step of every guided tour keeps its highlighted subjects, its narration and *Next* inside
//! the window, without scrolling the page.
#![cfg(target_arch = "wasm32")]

use kafkascope::tour::{catalog, parse, Highlight, Tour};
use kafkascope::ui::app::AppProps;
use kafkascope::ui::App;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement};

wasm_bindgen_test_configure!(run_in_browser);

#[path = "support/page.rs"]
mod page;

use page::{all, attr, click, one, wait_until, wall_ms};

/// Every tour, as if its file had been fetched.
const TOURS: [(&str, &str); 16] = [
    (
        "01-topics-partitions-offsets",
        include_str!("../tours/01-topics-partitions-offsets.tour"),
    ),
    (
        "02-brokers-bootstrap-metadata",
        include_str!("../tours/02-brokers-bootstrap-metadata.tour"),
    ),
    (
        "03-zookeeper-kraft",
        include_str!("../tours/03-zookeeper-kraft.tour"),
    ),
    (
        "04-replication-isr-hw",
        include_str!("../tours/04-replication-isr-hw.tour"),
    ),
    ("05-acks", include_str!("../tours/05-acks.tour")),
    (
        "06-min-insync-replicas",
        include_str!("../tours/06-min-insync-replicas.tour"),
    ),
    (
        "07-failover-unclean",
        include_str!("../tours/07-failover-unclean.tour"),
    ),
    (
        "08-partitioning",
        include_str!("../tours/08-partitioning.tour"),
    ),
    (
        "09-idempotent-producer",
        include_str!("../tours/09-idempotent-producer.tour"),
    ),
    (
        "10-consumer-groups",
        include_str!("../tours/10-consumer-groups.tour"),
    ),
    (
        "11-rebalancing",
        include_str!("../tours/11-rebalancing.tour"),
    ),
    (
        "12-offsets-consumer-offsets",
        include_str!("../tours/12-offsets-consumer-offsets.tour"),
    ),
    (
        "13-auto-vs-manual-commit",
        include_str!("../tours/13-auto-vs-manual-commit.tour"),
    ),
    (
        "14-auto-offset-reset",
        include_str!("../tours/14-auto-offset-reset.tour"),
    ),
    (
        "15-auto-commit-settings",
        include_str!("../tours/15-auto-commit-settings.tour"),
    ),
    (
        "16-delivery-semantics",
        include_str!("../tours/16-delivery-semantics.tour"),
    ),
];

/// The window the stage is laid out for: a 1366 × 768 screen, whose browser (Chromium's window
/// of that size, as `--window-size=1366,768` makes it) leaves a viewport of 1366 × 625.
const WIDTH: f64 = 1366.0;
const HEIGHT: f64 = 625.0;

/// The page's own stylesheet in the runner's document (Trunk links it in the real page), and the
/// runner's output hidden, so that the page is laid out exactly as in a browser tab.
fn as_in_a_browser_tab() {
    let document = gloo::utils::document();
    if document
        .query_selector("style[data-page-css]")
        .unwrap()
        .is_none()
    {
        let style = document.create_element("style").unwrap();
        style.set_attribute("data-page-css", "").unwrap();
        style.set_text_content(Some(include_str!("../static/style.css")));
        let head = document.head().unwrap();
        head.insert_before(&style, head.first_child().as_ref())
            .unwrap();
    }
    let body = document.body().unwrap();
    let children = body.children();
    for i in 0..children.length() {
        let child = children.item(i).unwrap();
        if child.tag_name() != "SCRIPT" {
            child.set_attribute("style", "display:none").unwrap();
        }
    }
    gloo::utils::window().scroll_to_with_x_and_y(0.0, 0.0);
}

fn window_size() -> (f64, f64) {
    let w = gloo::utils::window();
    (
        w.inner_width().unwrap().as_f64().unwrap(),
        w.inner_height().unwrap().as_f64().unwrap(),
    )
}

/// Whether `el` is wholly inside the window and inside the scrolling column that holds it (an
/// element scrolled out of its column is inside the window's box but not seen).
fn in_view(el: &Element) -> bool {
    let r = el.get_bounding_client_rect();
    let (w, h) = window_size();
    let inside = |top: f64, left: f64, bottom: f64, right: f64| {
        r.width() > 0.0
            && r.top() >= top - 0.5
            && r.left() >= left - 0.5
            && r.bottom() <= bottom + 0.5
            && r.right() <= right + 0.5
    };
    if !inside(0.0, 0.0, h, w) {
        return false;
    }
    match el.closest(".stage-cards, .stage-side").unwrap() {
        Some(column) => {
            let c = column.get_bounding_client_rect();
            inside(c.top(), c.left(), c.bottom(), c.right())
        }
        None => true,
    }
}

/// The elements on the stage that show a highlighted subject (the diagram's node, a card, a
/// replica chip), as the tour panel outlines them.
fn shown(root: &Element, h: &Highlight) -> Vec<Element> {
    let css = match h {
        Highlight::Broker(id) => format!(
            "[data-node=\"broker-{id}\"] .shape, .stage-cards [data-broker=\"{id}\"] .broker-name"
        ),
        Highlight::Partition(tp) => format!(".stage-cards [data-replica=\"{tp}\"]"),
        Highlight::Producer(_) => "[data-node^=\"producer-\"] .shape".to_string(),
        Highlight::Consumer(_) => "[data-node^=\"consumer-\"] .shape".to_string(),
        Highlight::Controller => {
            "[data-node^=\"controller-\"] .shape, [data-node=\"zookeeper\"] .shape".to_string()
        }
    };
    all(root, &css)
}

/// At step `k` of `tour`: each highlighted subject has an element in view, and so have the
/// narration and Next.
fn assert_stage(root: &Element, tour: &Tour, k: usize) {
    let at = format!("{} step {}", tour.id(), k + 1);
    assert_eq!(
        attr(&one(root, "[data-tour-panel]"), "data-step"),
        (k + 1).to_string(),
        "{at}"
    );
    for h in &tour.steps[k].highlights {
        let elements = shown(root, h);
        let rects: Vec<String> = elements
            .iter()
            .map(|e| {
                let r = e.get_bounding_client_rect();
                format!(
                    "{:.0}..{:.0} × {:.0}..{:.0}",
                    r.top(),
                    r.bottom(),
                    r.left(),
                    r.right()
                )
            })
            .collect();
        let column = one(root, ".stage-cards");
        let cards = column.get_bounding_client_rect();
        assert!(
            elements.iter().any(in_view),
            "{at}: {h:?} is not in view: {rects:?}; the cards column {:.0}..{:.0} scrolled {} of {}",
            cards.top(),
            cards.bottom(),
            column.scroll_top(),
            column.scroll_height()
        );
    }
    let narration = one(root, "[data-tour-narration]");
    let first = narration.first_element_child().unwrap_or(narration);
    assert!(in_view(&first), "{at}: the narration is not in view");
    assert!(
        in_view(&one(root, "[data-action=\"tour-next\"]")),
        "{at}: Next is not in view"
    );
    assert_eq!(
        gloo::utils::window().scroll_y().unwrap(),
        0.0,
        "{at}: the page scrolled"
    );
}

#[wasm_bindgen_test]
async fn every_tour_step_keeps_its_subjects_narration_and_next_in_view_at_1366_by_768() {
    let (w, h) = window_size();
    assert!(
        (w - WIDTH).abs() < 1.0 && (h - HEIGHT).abs() < 1.0,
        "the runner's viewport is {w} × {h}, not 1366 × 625 (a 1366 × 768 window: webdriver.json)"
    );
    for (id, text) in TOURS {
        catalog::provide(id, text);
    }
    as_in_a_browser_tab();
    for (id, text) in TOURS {
        let tour = parse(&format!("{id}.tour"), text).unwrap();
        let root = page::mount().await;
        click(&root, "[data-action=\"tours\"]").await;
        click(&root, &format!("[data-tour-id=\"{id}\"]")).await;
        wait_until("the tour opens", || {
            !all(&root, "[data-tour-panel]").is_empty()
        })
        .await;
        for k in 0..tour.steps.len() {
            if k > 0 {
                click(&root, "[data-action=\"tour-next\"]").await;
                if !all(&root, "[data-action=\"tour-skip\"]").is_empty() {
                    click(&root, "[data-action=\"tour-skip\"]").await;
                }
            }
            // The page brings the step into view after it renders.
            page::animation_frames(2).await;
            assert_stage(&root, &tour, k);
        }
        root.remove();
    }
}

/// The page as a visitor opens it: playing, with the first screen's story.
async fn mount_fresh() -> Element {
    let document = gloo::utils::document();
    let root = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&root).unwrap();
    yew::Renderer::<App>::with_root_and_props(
        root.clone(),
        AppProps {
            autoplay: true,
            read_url: false,
            story: true,
        },
    )
    .render();
    yew::scheduler::flush().await;
    root
}

#[wasm_bindgen_test]
async fn a_fresh_page_shows_a_record_acknowledged_and_fetched_within_5_s() {
    let opened = wall_ms();
    let root = mount_fresh().await;
    // Where to start, in one line.
    assert!(
        page::text(&one(&root, "[data-start-here]")).contains("Tours")
            || page::text(&one(&root, "[data-start-here]")).contains("투어")
    );

    let acked = || attr(&one(&root, "[data-producer-stats=\"p1\"]"), "data-acked");
    let polled = || {
        all(&root, "[data-polled]")
            .iter()
            .map(|p| attr(p, "data-polled").parse::<u64>().unwrap())
            .sum::<u64>()
    };
    wait_until(
        "p1's first record is acknowledged and c1 has fetched it",
        || acked() != "0" && polled() > 0,
    )
    .await;
    let took = wall_ms() - opened;
    assert!(
        took <= 5000.0,
        "the first ack and fetch took {took} ms of real time"
    );

    // The record's whole road, as the record inspector tells it: sent by p1, appended by the
    // leader, copied by both followers, below the high watermark, acknowledged, fetched by c1.
    let leader_chip = all(&root, ".stage-cards [data-replica][data-leader=\"true\"]")
        .into_iter()
        .find(|c| attr(c, "data-leo") != "0")
        .expect("a leader holds p1's record");
    let cell: HtmlElement = leader_chip
        .query_selector("[data-offset=\"0\"]")
        .unwrap()
        .unwrap()
        .dyn_into()
        .unwrap();
    cell.click();
    yew::scheduler::flush().await;
    let events: Vec<String> = all(&root, "[data-panel=\"inspector\"] [data-event]")
        .iter()
        .map(|e| attr(e, "data-event"))
        .collect();
    for (event, times) in [
        ("sent", 1),
        ("appended", 1),
        ("copied", 2),
        ("hw", 1),
        ("acked", 1),
        ("fetched", 1),
    ] {
        assert!(
            events.iter().filter(|e| *e == event).count() >= times,
            "{event} ×{times} in the record's life: {events:?}"
        );
    }
    root.remove();
}

#[wasm_bindgen_test]
async fn a_crashed_consumer_shows_no_partitions() {
    let root = page::mount().await;
    page::console(
        &root,
        "consumer create c1 group.id=billing topics=orders auto.offset.reset=earliest",
    )
    .await;
    page::console(&root, "advance 5s").await;
    let rows = |root: &Element| all(root, "[data-consumer=\"c1\"] tr[data-tp]").len();
    assert_eq!(rows(&root), 3, "c1 owns the three partitions");
    page::console(&root, "consumer crash c1").await;
    assert_eq!(rows(&root), 0, "a crashed process owns nothing");
    root.remove();
}

#[wasm_bindgen_test]
async fn each_symbol_means_one_thing_and_the_legend_says_which() {
    let root = page::mount().await;
    let count = |css: &str, glyph: char| {
        all(&root, css)
            .iter()
            .map(|e| page::text(e).matches(glyph).count())
            .sum::<usize>()
    };
    // ★: the active controller only (its node in the diagram and its chip in the quorum bar).
    assert_eq!(count("svg.network", '★'), 1);
    assert_eq!(
        count(".stage-cards [data-broker]", '★'),
        0,
        "not a replica's mark"
    );
    // ▲: a partition's leader: one chip per partition, and the brokers' counts in the diagram.
    assert_eq!(count(".stage-cards [data-replica]", '▲'), 3);
    assert_eq!(count("svg.network", '▲'), 3, "▲1 under each broker");
    let legend: Vec<String> = all(&root, "[data-symbols] .symbol")
        .iter()
        .map(page::text)
        .collect();
    assert_eq!(legend, ["★", "▲", "⚑", "◆"], "one legend entry per symbol");
    root.remove();
}

#[wasm_bindgen_test]
fn korean_tells_an_event_from_a_tour_step_and_the_two_backs_apart() {
    use kafkascope::ui::i18n::{EN, KO};
    // One core event: 이벤트; one step of a tour: 단계.
    assert!(
        KO.step.contains("이벤트") && !KO.step.contains("단계"),
        "{}",
        KO.step
    );
    assert!(
        KO.time.step_back.contains("이벤트"),
        "{}",
        KO.time.step_back
    );
    assert!(KO.tour_back.contains("단계") && KO.tour_next.contains("단계"));
    for t in [&EN, &KO] {
        assert_ne!(
            t.tour_back, t.time.step_back,
            "two different Backs, two names"
        );
    }
}

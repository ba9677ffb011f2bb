//! Browser tests of share links across versions: a link made by another model version opens its
//! run with a notice that the run may differ from the one shared (dismissable); a link of this
//! model has no notice; a link of a newer format gives a banner naming it and a working page; a
//! refused line of a hand-made `?run=` link stays on screen.
#![cfg(target_arch = "wasm32")]

use kafkascope::timeline::link::{self, MODEL_VERSION};
use kafkascope::timeline::{scenario, Player};
use kafkascope::ui::i18n::fill;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[path = "support/page.rs"]
mod page;

use page::{all, attr, click, clock_ms, console, one, page_lang, set_fragment, text, Page};

/// A run at 2.5 s, as a link would hold it.
fn shared_run() -> Player {
    let mut player = scenario::import(
        "seed 7\ncluster brokers=4 mode=kraft\n\
         topic create orders partitions=3 replication-factor=3\n\
         producer create p1 linger.ms=0\nproduce p1 orders key=alice count=5\n\
         advance 2s\nbroker kill 2\nadvance 3s\n",
    )
    .unwrap();
    player.seek_ms(2500);
    player
}

/// Opens the page on `#k=value`.
async fn open_link(value: &str) -> Page {
    set_fragment(&format!("#k={value}"));
    Page::open(true).await
}

/// The run the page shows: (time, trace hash, brokers).
fn shown(root: &web_sys::Element) -> (u64, String, usize) {
    (
        clock_ms(root),
        attr(&one(root, "[data-timeline]"), "data-trace-hash"),
        all(root, "[data-broker]").len(),
    )
}

#[wasm_bindgen_test]
async fn a_link_of_another_model_opens_its_run_with_a_notice() {
    let player = shared_run();
    let expected = (2500, format!("{:016x}", player.sim().trace.hash()), 4);
    let other = MODEL_VERSION + 1;
    let page = open_link(&link::encode_by_model(
        player.timeline(),
        player.cursor(),
        other,
    ))
    .await;
    let root = &page.root;
    // The run is opened (the same seed and commands, replayed by this model) ...
    assert_eq!(shown(root), expected);
    assert!(all(root, "[data-notice=\"link-error\"]").is_empty());
    // ... and the page says it may differ from the one shared, naming both versions.
    let notice = one(root, "[data-notice=\"link-model\"]");
    assert_eq!(attr(&notice, "role"), "status");
    let t = page_lang().texts().time;
    assert_eq!(
        text(&one(&notice, "span")),
        fill(
            t.link_other_model,
            &[("link", &other), ("page", &MODEL_VERSION)]
        )
    );
    // Dismissed, it goes; the page works on.
    click(
        root,
        "[data-notice=\"link-model\"] [data-action=\"dismiss\"]",
    )
    .await;
    assert!(all(root, "[data-notice=\"link-model\"]").is_empty());
    console(root, "broker kill 1").await;
    assert!(all(root, "[data-console-error]").is_empty());
    page.close();
    set_fragment("");
}

#[wasm_bindgen_test]
async fn a_link_of_this_model_has_no_notice() {
    let player = shared_run();
    let page = open_link(&link::encode(player.timeline(), player.cursor())).await;
    assert_eq!(shown(&page.root).0, 2500);
    assert!(all(&page.root, "[data-notice]").is_empty());
    page.close();
    set_fragment("");
}

#[wasm_bindgen_test]
async fn a_link_of_a_newer_format_names_it_over_a_working_page() {
    let page = open_link("3AQQaMyAbBAAACAgZIAkz").await;
    let root = &page.root;
    let banner = one(root, "[data-notice=\"link-error\"]");
    assert_eq!(attr(&banner, "role"), "alert");
    let t = page_lang().texts().time;
    assert_eq!(
        text(&one(&banner, "span")),
        fill(t.link_newer, &[("version", &"3")])
    );
    // The default cluster, and it works.
    assert_eq!(all(root, "[data-broker]").len(), 3);
    console(root, "broker kill 1").await;
    assert!(one(root, "[data-broker=\"1\"]")
        .class_name()
        .contains("crashed"));
    page.close();
    set_fragment("");
}

/// A hand-made `?run=` link with a line the core refuses: the refusal stays at the top of the
/// page, naming the line, even though the lines after it ran.
#[wasm_bindgen_test]
async fn a_refused_line_of_a_run_link_stays_on_screen() {
    set_fragment("?paused&run=brokr kill 2;broker kill 1;advance 1s");
    let page = Page::open(true).await;
    let root = &page.root;
    let notice = text(&one(root, "[data-command-error]"));
    assert!(
        notice.contains("brokr kill 2: ") && notice.contains("unknown command 'brokr'"),
        "{notice}"
    );
    // The lines after it ran.
    assert!(one(root, "[data-broker=\"1\"]")
        .class_name()
        .contains("crashed"));
    assert_eq!(clock_ms(root), 1000);
    page.close();
    set_fragment("");
}

//! Browser tests of time travel and sharing: mount the real page, drive it through its controls
//! and read its DOM. Seek back and find the earlier state; act in the past and see the timeline
//! fork; open a share link and get the same run; a damaged link shows a banner and a working
//! page; import a scenario file; the keyboard help; embed mode; the JavaScript API.
#![cfg(target_arch = "wasm32")]

use js_sys::{Function, Reflect};
use kafkascope::timeline::link;
use kafkascope::ui::api;
use kafkascope::ui::i18n::{fill, Lang};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlInputElement};

wasm_bindgen_test_configure!(run_in_browser);

#[path = "support/page.rs"]
mod page;

use page::{
    all, attr, click, clock_ms, console, fire, key, one, set_field, set_fragment, wait_until, Page,
};

fn lang() -> Lang {
    Lang::from_tag(&gloo::utils::window().navigator().language().unwrap())
}

/// Drags the timeline's slider to `ms`.
async fn seek(root: &Element, ms: u64) {
    set_field(
        root,
        "input[data-control=\"seek\"]",
        &ms.to_string(),
        "input",
    )
    .await;
}

fn timeline(root: &Element) -> Element {
    one(root, "[data-timeline]")
}

fn leader(root: &Element, partition: &str) -> String {
    attr(
        &one(root, &format!("tr[data-partition=\"{partition}\"]")),
        "data-leader",
    )
}

fn epoch(root: &Element, broker: &str, partition: &str) -> i32 {
    let chip = one(
        root,
        &format!("[data-broker=\"{broker}\"] [data-replica=\"{partition}\"] [data-leader-epoch]"),
    );
    attr(&chip, "data-leader-epoch").parse().unwrap()
}

fn history(root: &Element) -> String {
    one(root, ".console-panel").text_content().unwrap()
}

/// The share link's value (after `#k=`) from the share panel.
fn link_value(root: &Element) -> String {
    let input: HtmlInputElement = one(root, "input[data-control=\"share-link\"]")
        .dyn_into()
        .unwrap();
    let url = input.value();
    link::from_fragment(&url[url.find('#').expect("a fragment")..])
        .expect("a k= value")
        .to_string()
}

/// Everything a user sees of the run: the clock, the trace hash, the describe table, the cards.
fn picture(root: &Element) -> (u64, String, String, String) {
    (
        clock_ms(root),
        attr(&timeline(root), "data-trace-hash"),
        one(root, ".describe-panel").text_content().unwrap(),
        one(root, ".broker-grid").text_content().unwrap(),
    )
}

/// Kills the leader of orders-0 at 2 s, then runs 15 s: leadership moves, the epoch rises.
async fn failover(root: &Element) -> (String, i32) {
    let old = leader(root, "orders-0");
    let old_epoch = epoch(root, &old, "orders-0");
    console(root, "advance 2s").await;
    console(root, &format!("broker kill {old}")).await;
    console(root, "advance 15s").await;
    let new = leader(root, "orders-0");
    assert_ne!(new, old, "leadership moved");
    assert_eq!(epoch(root, &new, "orders-0"), old_epoch + 1);
    (old, old_epoch)
}

#[wasm_bindgen_test]
async fn seeking_back_shows_the_earlier_leader_and_latest_returns() {
    let page = Page::open(false).await;
    let root = &page.root;
    let (old, old_epoch) = failover(root).await;
    let after = picture(root);
    assert_eq!(attr(&timeline(root), "data-in-past"), "false");

    seek(root, 1000).await;
    assert_eq!(clock_ms(root), 1000);
    assert_eq!(leader(root, "orders-0"), old, "the old leader again");
    assert_eq!(epoch(root, &old, "orders-0"), old_epoch);
    let bar = timeline(root);
    assert_eq!(attr(&bar, "data-in-past"), "true");
    assert_eq!(attr(&bar, "data-end-ms"), "17000");
    let status = one(root, "[data-timeline-status]").text_content().unwrap();
    assert!(status.contains("17.000 s"), "{status}");
    // The broker card of the old leader shows it running again.
    let card = one(root, &format!("[data-broker=\"{old}\"]"));
    assert!(
        !card.class_name().contains("crashed"),
        "{}",
        card.class_name()
    );

    // The marks: the kill at 2 s and the election after it.
    let marks = |kind: &str| -> Vec<u64> {
        all(root, &format!(".marks [data-marker=\"{kind}\"]"))
            .iter()
            .map(|m| attr(m, "data-at-ms").parse().unwrap())
            .collect()
    };
    assert_eq!(marks("fault"), vec![2000]);
    assert!(
        marks("election").iter().any(|&t| t > 2000),
        "{:?}",
        marks("election")
    );
    assert!(marks("command").contains(&2000));

    // Latest: the very same run as before going back.
    click(root, "[data-action=\"to-end\"]").await;
    assert_eq!(picture(root), after);
    assert_eq!(attr(&timeline(root), "data-in-past"), "false");
    page.close();
}

#[wasm_bindgen_test]
async fn acting_in_the_past_forks_the_timeline() {
    let page = Page::open(false).await;
    let root = &page.root;
    let (old, _) = failover(root).await;
    let commands: usize = attr(&timeline(root), "data-commands").parse().unwrap();
    seek(root, 1000).await;
    console(root, "producer create p9").await;

    let notice = one(root, "[data-notice=\"fork-notice\"]");
    assert_eq!(attr(&notice, "data-dropped"), "1");
    let t = lang().texts().time;
    assert_eq!(
        notice.text_content().unwrap().trim_end_matches('×'),
        fill(t.fork_notice, &[("time", &"1.000 s"), ("dropped", &1)])
    );
    let bar = timeline(root);
    assert_eq!(
        attr(&bar, "data-commands"),
        commands.to_string(),
        "one dropped, one added"
    );
    assert_eq!(attr(&bar, "data-in-past"), "false");
    assert_eq!(attr(&bar, "data-end-ms"), "1000");
    assert!(
        all(root, ".marks [data-marker=\"fault\"]").is_empty(),
        "the kill is gone"
    );
    assert!(!history(root).contains(&format!("broker kill {old}")));
    // On the new branch nobody killed the leader.
    console(root, "advance 15s").await;
    assert_eq!(leader(root, "orders-0"), old);

    click(root, "[data-action=\"dismiss\"]").await;
    assert!(all(root, "[data-notice=\"fork-notice\"]").is_empty());
    page.close();
}

#[wasm_bindgen_test]
async fn back_and_forward_move_one_event() {
    let page = Page::open(false).await;
    let root = &page.root;
    console(root, "produce p1 orders key=a count=20").await;
    let mut clocks = vec![clock_ms(root)];
    for _ in 0..6 {
        click(root, "[data-action=\"step-forward\"]").await;
        clocks.push(clock_ms(root));
    }
    let hashes_forward = attr(&timeline(root), "data-trace-hash");
    // ← and the Back button go back the way they came.
    key("ArrowLeft").await;
    assert_eq!(clock_ms(root), clocks[5]);
    click(root, "[data-action=\"step-back\"]").await;
    assert_eq!(clock_ms(root), clocks[4]);
    assert_eq!(attr(&timeline(root), "data-in-past"), "true");
    key("ArrowRight").await;
    key("ArrowRight").await;
    assert_eq!(clock_ms(root), clocks[6]);
    assert_eq!(attr(&timeline(root), "data-trace-hash"), hashes_forward);
    // The buttons say what they do, for screen readers too.
    let t = lang().texts().time;
    assert_eq!(
        attr(&one(root, "[data-action=\"step-back\"]"), "aria-label"),
        t.step_back_hint
    );
    assert_eq!(
        attr(&one(root, "input[data-control=\"seek\"]"), "aria-label"),
        t.seek_label
    );
    page.close();
}

#[wasm_bindgen_test]
async fn a_share_link_opens_the_same_run_at_the_same_moment() {
    let page = Page::open(false).await;
    let root = &page.root;
    console(root, "produce p1 orders key=a count=30 rate=50/s").await;
    failover(root).await;
    seek(root, 9_321).await;
    click(root, "[data-action=\"step-forward\"]").await;
    let seen = picture(root);
    let value = link_value(root);
    page.close();

    set_fragment(&format!("#k={value}"));
    let opened = Page::open(true).await;
    assert!(all(&opened.root, "[data-notice=\"link-error\"]").is_empty());
    assert_eq!(picture(&opened.root), seen);
    let bar = timeline(&opened.root);
    assert_eq!(attr(&bar, "data-in-past"), "true");
    assert_eq!(attr(&bar, "data-end-ms"), "17000");
    // Latest plays the recorded rest: the same failover.
    click(&opened.root, "[data-action=\"to-end\"]").await;
    assert_eq!(clock_ms(&opened.root), 17_000);
    opened.close();
    set_fragment("");
}

#[wasm_bindgen_test]
async fn a_damaged_link_shows_a_banner_and_a_working_page() {
    let good = {
        let page = Page::open(false).await;
        console(&page.root, "broker kill 2").await;
        let v = link_value(&page.root);
        page.close();
        v
    };
    let t = lang().texts().time;
    let cases = [
        // Cut to whole groups of 4 characters (a cut inside one may leave stray bits).
        (
            good[..good.len() - 8 - (good.len() - 1) % 4].to_string(),
            t.link_checksum,
        ),
        ("9abcdef".to_string(), "9"),
        (format!("{good}!"), t.link_encoding),
        ("1".to_string(), t.link_truncated),
    ];
    for (value, expect) in cases {
        set_fragment(&format!("#k={value}"));
        let page = Page::open(true).await;
        let root = &page.root;
        let banner = one(root, "[data-notice=\"link-error\"]");
        assert_eq!(attr(&banner, "role"), "alert");
        let text = banner.text_content().unwrap();
        assert!(text.contains(expect), "{value}: {text}");
        // The default page, and it works.
        assert_eq!(all(root, "[data-broker]").len(), 3);
        console(root, "broker kill 1").await;
        assert!(one(root, "[data-broker=\"1\"]")
            .class_name()
            .contains("crashed"));
        click(root, "[data-action=\"step-forward\"]").await;
        assert!(clock_ms(root) > 0);
        click(root, "[data-action=\"dismiss\"]").await;
        assert!(all(root, "[data-notice=\"link-error\"]").is_empty());
        page.close();
    }
    set_fragment("");
}

/// Puts a file in the import control and waits for the page to read it: until the run it shows
/// (its trace hash) or its import error changes.
async fn import(root: &Element, name: &str, text: &str) {
    let outcome = || {
        (
            attr(&timeline(root), "data-trace-hash"),
            all(root, "[data-notice=\"import-error\"]")
                .first()
                .and_then(|notice| notice.text_content()),
        )
    };
    let before = outcome();
    let parts = js_sys::Array::of1(&JsValue::from_str(text));
    let file = web_sys::File::new_with_str_sequence(&parts, name).unwrap();
    let transfer = web_sys::DataTransfer::new().unwrap();
    transfer.items().add_with_file(&file).unwrap();
    let input: HtmlInputElement = one(root, "input[data-control=\"import\"]")
        .dyn_into()
        .unwrap();
    input.set_files(transfer.files().as_ref());
    fire(&input, "change").await;
    // The browser reads the file in its own time.
    wait_until(&format!("the page has read {name}"), || outcome() != before).await;
}

#[wasm_bindgen_test]
async fn importing_a_scenario_runs_it_and_a_bad_file_changes_nothing() {
    let page = Page::open(false).await;
    let root = &page.root;
    console(root, "broker kill 3").await;
    let before = picture(root);
    import(
        root,
        "bad.kss",
        "seed 4\ncluster brokers=5\ntopic create t partitions=2 replication-factor=3\nbroker kill 9\n",
    )
    .await;
    let error = one(root, "[data-notice=\"import-error\"]")
        .text_content()
        .unwrap();
    assert!(
        error.contains("bad.kss: line 4: BROKER_NOT_AVAILABLE"),
        "{error}"
    );
    assert_eq!(picture(root), before, "the page is unchanged");

    import(
        root,
        "good.kss",
        "seed 4\ncluster brokers=5\ntopic create t partitions=2 replication-factor=3\nadvance 1s\nbroker kill 5\nadvance 2s\n",
    )
    .await;
    assert!(all(root, "[data-notice=\"import-error\"]").is_empty());
    assert_eq!(all(root, "[data-broker]").len(), 5);
    assert_eq!(clock_ms(root), 3000);
    assert!(one(root, "[data-broker=\"5\"]")
        .class_name()
        .contains("crashed"));
    assert!(history(root).contains("broker kill 5"));
    page.close();
}

#[wasm_bindgen_test]
async fn question_mark_opens_the_keyboard_help() {
    let page = Page::open(false).await;
    let root = &page.root;
    assert!(all(root, "[data-help]").is_empty());
    key("?").await;
    let help = one(root, "[data-help]");
    let t = lang().texts().time;
    let text = help.text_content().unwrap();
    assert!(text.contains(t.help_title), "{text}");
    for (keys, what) in t.help_keys {
        assert!(text.contains(keys) && text.contains(what), "{text}");
    }
    assert_eq!(attr(&one(root, "[role=\"dialog\"]"), "aria-modal"), "true");
    key("Escape").await;
    assert!(all(root, "[data-help]").is_empty());
    click(root, "[data-action=\"help\"]").await;
    click(root, "[data-action=\"help-close\"]").await;
    assert!(all(root, "[data-help]").is_empty());
    // Both languages list the same shortcuts.
    assert_eq!(
        Lang::En.texts().time.help_keys.map(|k| k.0),
        Lang::Ko.texts().time.help_keys.map(|k| k.0)
    );
    page.close();
}

#[wasm_bindgen_test]
async fn embed_mode_shows_the_diagram_and_time_controls_only() {
    set_fragment("#embed");
    let page = Page::open(true).await;
    let root = &page.root;
    one(root, "[data-embed]");
    one(root, "svg.network");
    one(root, "[data-timeline]");
    one(root, "[data-action=\"play\"]");
    assert!(all(root, ".stage-side").is_empty());
    assert!(all(root, "[data-broker]").is_empty(), "no cards");
    assert!(all(root, ".site-header").is_empty());
    click(root, "[data-action=\"step-forward\"]").await;
    assert!(clock_ms(root) > 0);
    page.close();
    set_fragment("");
}

fn call(name: &str, args: &[JsValue]) -> Result<JsValue, JsValue> {
    let api = Reflect::get(&gloo::utils::window(), &"kafkascope".into()).unwrap();
    let f: Function = Reflect::get(&api, &name.into())
        .unwrap()
        .dyn_into()
        .unwrap();
    match args {
        [] => f.call0(&api),
        [a] => f.call1(&api, a),
        _ => unreachable!(),
    }
}

fn field(v: &JsValue, name: &str) -> JsValue {
    Reflect::get(v, &name.into()).unwrap()
}

#[wasm_bindgen_test]
async fn the_javascript_api_loads_steps_seeks_and_reads_the_state() {
    api::install();
    let page = Page::open(false).await;
    let root = &page.root;
    let state = call(
        "load",
        &["seed 7\ncluster brokers=4\ntopic create t partitions=2 replication-factor=3\nbroker kill 1\nadvance 10s".into()],
    )
    .unwrap();
    yew::scheduler::flush().await;
    assert_eq!(field(&state, "timeMs").as_f64(), Some(10_000.0));
    let brokers: js_sys::Array = field(&state, "brokers").dyn_into().unwrap();
    assert_eq!(brokers.length(), 4);
    assert_eq!(
        field(&brokers.get(0), "state").as_string().as_deref(),
        Some("crashed")
    );
    let partitions: js_sys::Array = field(&state, "partitions").dyn_into().unwrap();
    assert_eq!(partitions.length(), 2);
    assert_eq!(
        field(&partitions.get(0), "topic").as_string().as_deref(),
        Some("t")
    );
    assert!(js_sys::Array::is_array(&field(&state, "groups")));
    // The page shows what the API loaded, with the same trace hash.
    assert_eq!(all(root, "[data-broker]").len(), 4);
    let hash = field(&state, "traceHash").as_string().unwrap();
    assert_eq!(attr(&timeline(root), "data-trace-hash"), hash);

    let stepped = call("step", &[]).unwrap();
    assert_eq!(
        field(&stepped, "events").as_f64(),
        Some(field(&state, "events").as_f64().unwrap() + 1.0)
    );
    let back = call("runUntil", &[JsValue::from_f64(5000.0)]).unwrap();
    yew::scheduler::flush().await;
    assert_eq!(field(&back, "timeMs").as_f64(), Some(5000.0));
    assert_eq!(field(&back, "inPast").as_bool(), Some(true));
    assert_eq!(clock_ms(root), 5000);
    let on = call("runUntil", &[JsValue::from_f64(12_000.0)]).unwrap();
    assert_eq!(field(&on, "timeMs").as_f64(), Some(12_000.0));
    assert!(call("state", &[]).unwrap().is_object());
    assert!(call("link", &[])
        .unwrap()
        .as_string()
        .unwrap()
        .starts_with(link::VERSION));

    // Errors are JavaScript errors in the core's words, and change nothing.
    let error = call("load", &["seed 1\nbroker kill 9".into()]).unwrap_err();
    let message = field(&error, "message").as_string().unwrap();
    assert!(error.is_instance_of::<js_sys::Error>());
    assert!(
        message.contains("line 2: BROKER_NOT_AVAILABLE"),
        "{message}"
    );
    assert!(call("runUntil", &[JsValue::from_f64(f64::NAN)]).is_err());
    assert_eq!(all(root, "[data-broker]").len(), 4);
    page.close();
}

#[wasm_bindgen_test]
async fn monitors_list_the_invariants_and_jump_to_a_break() {
    let page = Page::open(false).await;
    let root = &page.root;
    let monitors = all(root, "[data-monitor]");
    assert_eq!(monitors.len(), 8);
    assert!(monitors.iter().all(|m| attr(m, "data-state") == "ok"));
    // Auto-commit with a worker thread commits records nobody processed (scenarios/).
    import(
        root,
        "loses.kss",
        include_str!("../scenarios/consumer-worker-loses-records.kss"),
    )
    .await;
    let broken = one(root, "[data-monitor=\"committed-not-processed\"]");
    assert_eq!(attr(&broken, "data-state"), "broken");
    click(
        root,
        "[data-monitor=\"committed-not-processed\"] [data-action=\"monitor-jump\"]",
    )
    .await;
    let at = clock_ms(root);
    assert!(at > 7000 && at < 47_000, "{at}");
    assert_eq!(
        attr(
            &one(root, "[data-monitor=\"committed-not-processed\"]"),
            "data-state"
        ),
        "broken"
    );
    // Just before it broke, it is OK there and breaks later.
    seek(root, at - 500).await;
    assert_eq!(
        attr(
            &one(root, "[data-monitor=\"committed-not-processed\"]"),
            "data-state"
        ),
        "later"
    );
    assert_eq!(
        attr(
            &one(root, "[data-monitor=\"one-leader-per-epoch\"]"),
            "data-state"
        ),
        "ok"
    );
    page.close();
}

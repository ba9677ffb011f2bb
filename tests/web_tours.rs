//! Browser tests of the guided tours: mount the real page, open a tour from the Tours list, walk
//! it forward (the step's lines played on the cluster) and back (the exact earlier cluster),
//! answer a prediction, switch the language, and leave with "Play freely". At each step the
//! cluster in the DOM is compared with the tour's own replay computed here by the core.
#![cfg(target_arch = "wasm32")]

use kafkascope::sim::Simulation;
use kafkascope::tour::{catalog, parse, Player, Tour};
use kafkascope::ui::i18n::{fill, Lang};
use wasm_bindgen_test::*;
use web_sys::Element;

wasm_bindgen_test_configure!(run_in_browser);

#[path = "support/page.rs"]
mod page;

use page::{all, attr, click, console, join, key, one, page_lang, set_field, text, wait_until};

const ACKS: &str = include_str!("../tours/05-acks.tour");

fn acks() -> Tour {
    parse("05-acks.tour", ACKS).unwrap()
}

/// The page (paused, URL ignored), with tour 05's file at hand as if fetched.
async fn mount() -> Element {
    catalog::provide("05-acks", ACKS);
    page::mount().await
}

/// Every partition's leader and ISR (describe table) and every replica's log end and high
/// watermark (broker cards) in the DOM are the core's.
fn assert_cluster(root: &Element, sim: &Simulation, what: &str) {
    for p in sim.describe_partitions() {
        let name = format!("{}-{}", p.topic, p.partition);
        let row = one(root, &format!("tr[data-partition=\"{name}\"]"));
        let leader = p.leader.map_or("none".to_string(), |l| l.to_string());
        assert_eq!(
            attr(&row, "data-leader"),
            leader,
            "{what}: leader of {name}"
        );
        assert_eq!(
            attr(&row, "data-isr"),
            join(&p.isr),
            "{what}: ISR of {name}"
        );
        for (id, broker) in &sim.brokers {
            let Some(replica) = broker.replicas.get(&kafkascope::sim::TopicPartition::new(
                p.topic.clone(),
                p.partition,
            )) else {
                continue;
            };
            let chip = one(
                root,
                &format!("[data-broker=\"{id}\"] [data-replica=\"{name}\"]"),
            );
            assert_eq!(
                attr(&chip, "data-leo"),
                replica.log.leo().to_string(),
                "{what}: LEO of {name} on broker {id}"
            );
            assert_eq!(
                attr(&chip, "data-hw"),
                replica.high_watermark.to_string(),
                "{what}: HW of {name} on broker {id}"
            );
        }
    }
    for b in sim.describe_brokers() {
        let card = one(root, &format!("[data-broker=\"{}\"]", b.id));
        let state = format!("{:?}", b.state).to_lowercase();
        assert_eq!(attr(&card, "data-state"), state, "{what}: broker {}", b.id);
    }
}

/// The panel shows step `k` (from 0) of `tour` in the page's language.
fn assert_step(root: &Element, tour: &Tour, k: usize) {
    let panel = one(root, "[data-tour-panel]");
    assert_eq!(attr(&panel, "data-tour"), "05-acks");
    assert_eq!(attr(&panel, "data-step"), (k + 1).to_string());
    let lang = page_lang();
    let korean = lang == Lang::Ko;
    assert_eq!(
        text(&one(root, "[data-tour-step]")),
        fill(
            lang.texts().tour_step,
            &[("n", &(k + 1)), ("total", &tour.steps.len())]
        )
    );
    let paragraphs: Vec<String> = all(root, "[data-tour-narration] p")
        .iter()
        .map(|p| p.text_content().unwrap())
        .collect();
    let expected: Vec<String> = tour.steps[k]
        .narration
        .iter()
        .map(|p| p.get(korean).to_string())
        .collect();
    assert_eq!(paragraphs, expected, "narration of step {}", k + 1);
}

/// Plays the step on screen to its end with the Step button (each click: the core's next
/// event, or the step's next command when it comes first).
async fn step_to_end(root: &Element) {
    for _ in 0..2000 {
        if all(root, "[data-tour-playing]").is_empty() {
            return;
        }
        click(root, "[data-action=\"step\"]").await;
    }
    panic!("the step did not end");
}

async fn open_acks(root: &Element) {
    click(root, "[data-action=\"tours\"]").await;
    let items = all(root, "[data-tour-id]");
    assert_eq!(items.len(), catalog::INDEX.len(), "every tour is listed");
    assert!(items.len() >= 16);
    let lang = page_lang();
    let first = catalog::INDEX[0];
    assert_eq!(
        items[0]
            .query_selector(".tour-item-title")
            .unwrap()
            .unwrap()
            .text_content()
            .unwrap(),
        first.title(lang == Lang::Ko),
        "listed by title in the page's language"
    );
    click(root, "[data-tour-id=\"05-acks\"]").await;
}

#[wasm_bindgen_test]
async fn walk_a_tour_forward_and_back_with_the_exact_cluster_at_each_step() {
    let root = mount().await;
    assert!(all(&root, "[data-tour-panel]").is_empty());
    open_acks(&root).await;
    let tour = acks();
    let mut player = Player::new(acks());

    // Step 1: the tour's cluster, at once. The actions panel gives way to the tour.
    assert_step(&root, &tour, 0);
    assert_cluster(&root, &player.state_after(0).unwrap(), "step 1");
    assert!(all(&root, "[data-form=\"produce\"]").is_empty());
    assert!(one(&root, "[data-action=\"tour-back\"]").has_attribute("disabled"));

    // Next plays step 2 on the cluster: its commands were given at their times (the first at
    // once), and the step ends on exactly the replayed cluster.
    click(&root, "[data-action=\"tour-next\"]").await;
    assert_step(&root, &tour, 1);
    assert!(
        !all(&root, "[data-tour-playing]").is_empty(),
        "the step is being played"
    );
    assert_eq!(
        attr(&one(&root, "[data-action=\"play\"]"), "aria-pressed"),
        "true",
        "time runs"
    );
    step_to_end(&root).await;
    assert_cluster(&root, &player.state_after(1).unwrap(), "step 2 played");

    // Next, then Skip: the end of step 3 at once.
    click(&root, "[data-action=\"tour-next\"]").await;
    assert_step(&root, &tour, 2);
    click(&root, "[data-action=\"tour-skip\"]").await;
    assert!(all(&root, "[data-tour-playing]").is_empty());
    assert_cluster(&root, &player.state_after(2).unwrap(), "step 3 skipped");

    // Step 4: the leader cut off; then step 5: the leader killed, acks=1's record lost.
    click(&root, "[data-action=\"tour-next\"]").await;
    step_to_end(&root).await;
    assert_step(&root, &tour, 3);
    let step4 = player.state_after(3).unwrap();
    assert_cluster(&root, &step4, "step 4");
    assert_eq!(
        attr(
            &one(&root, "[data-broker=\"1\"] [data-replica=\"t-0\"]"),
            "data-leo"
        ),
        "6"
    );
    click(&root, "[data-action=\"tour-next\"]").await;
    click(&root, "[data-action=\"tour-skip\"]").await;
    assert_step(&root, &tour, 4);
    assert_cluster(&root, &player.state_after(4).unwrap(), "step 5");
    assert_eq!(
        attr(&one(&root, "tr[data-partition=\"t-0\"]"), "data-leader"),
        "2"
    );
    assert_eq!(
        attr(&one(&root, "[data-broker=\"1\"]"), "data-state"),
        "crashed"
    );
    assert!(one(&root, "[data-action=\"tour-next\"]").has_attribute("disabled"));
    assert!(!all(&root, "[data-tour-end]").is_empty());

    // Back: the cluster of step 4 exactly (broker 1 alive, leading, LEO 6), then step 3.
    click(&root, "[data-action=\"tour-back\"]").await;
    assert_step(&root, &tour, 3);
    assert!(
        all(&root, "[data-tour-playing]").is_empty(),
        "Back shows the step at once"
    );
    assert_cluster(&root, &step4, "back to step 4");
    assert_eq!(
        attr(&one(&root, "tr[data-partition=\"t-0\"]"), "data-leader"),
        "1"
    );
    click(&root, "[data-action=\"tour-back\"]").await;
    assert_step(&root, &tour, 2);
    assert_cluster(&root, &player.state_after(2).unwrap(), "back to step 3");

    // The console's history is the tour's lines so far.
    let history = all(&root, ".history-line code");
    assert_eq!(history.len(), player.lines_through(2).unwrap().len());

    // The keyboard: PageDown is Next, PageUp is Back.
    key("PageDown").await;
    assert_step(&root, &tour, 3);
    key("PageUp").await;
    assert_step(&root, &tour, 2);
    assert_cluster(&root, &player.state_after(2).unwrap(), "PageUp");
}

#[wasm_bindgen_test]
async fn a_prediction_is_asked_before_the_step_and_answered_after_it() {
    let root = mount().await;
    open_acks(&root).await;
    let tour = acks();
    let lang = page_lang();
    let korean = lang == Lang::Ko;
    let t = lang.texts();
    let prediction = tour.steps[1].prediction.as_ref().unwrap();

    // Asked at step 1, about step 2.
    assert_eq!(
        text(&one(&root, ".tour-question")),
        prediction.question.get(korean)
    );
    let choices = all(&root, "[data-choice]");
    assert_eq!(choices.len(), prediction.choices.len());
    assert_eq!(
        choices[0].text_content().unwrap(),
        prediction.choices[0].get(korean)
    );
    assert!(
        all(&root, "[data-tour-reveal]").is_empty(),
        "not answered before the step"
    );

    // A wrong pick: Next plays the step, then reveals the answer and says so.
    click(&root, "[data-choice=\"0\"]").await;
    assert_eq!(
        attr(&one(&root, "[data-choice=\"0\"]"), "aria-pressed"),
        "true"
    );
    click(&root, "[data-action=\"tour-next\"]").await;
    assert!(
        all(&root, "[data-tour-reveal]").is_empty(),
        "not while the step plays"
    );
    assert!(text(&one(&root, "[data-tour-watching]")).contains(&fill(
        t.tour_your_answer,
        &[("answer", &prediction.choices[0].get(korean))]
    )));
    step_to_end(&root).await;
    let reveal = one(&root, "[data-tour-reveal]");
    assert_eq!(attr(&reveal, "data-tour-reveal"), "wrong");
    let shown = reveal.text_content().unwrap();
    assert!(shown.contains(t.tour_wrong), "{shown}");
    assert!(
        shown.contains(prediction.explanation.get(korean)),
        "{shown}"
    );
    assert!(
        shown.contains(&fill(
            t.tour_answer,
            &[("answer", &prediction.choices[prediction.answer].get(korean))]
        )),
        "{shown}"
    );

    // Back, the right pick, Next: right.
    click(&root, "[data-action=\"tour-back\"]").await;
    click(&root, &format!("[data-choice=\"{}\"]", prediction.answer)).await;
    click(&root, "[data-action=\"tour-next\"]").await;
    click(&root, "[data-action=\"tour-skip\"]").await;
    assert_eq!(
        attr(&one(&root, "[data-tour-reveal]"), "data-tour-reveal"),
        "right"
    );
    assert!(text(&one(&root, "[data-tour-reveal]")).contains(t.tour_right));
}

#[wasm_bindgen_test]
async fn the_language_switch_works_inside_a_tour() {
    let root = mount().await;
    open_acks(&root).await;
    let tour = acks();
    click(&root, "[data-action=\"tour-next\"]").await;
    click(&root, "[data-action=\"tour-skip\"]").await;
    let before = page_lang();
    assert_step(&root, &tour, 1);
    click(&root, "[data-action=\"switch-language\"]").await;
    assert_eq!(page_lang(), before.other());
    assert_step(&root, &tour, 1);
    assert_eq!(
        text(&one(&root, ".tour-title")),
        tour.title.get(before.other() == Lang::Ko)
    );
    let mut player = Player::new(acks());
    assert_cluster(
        &root,
        &player.state_after(1).unwrap(),
        "after switching the language",
    );
    click(&root, "[data-action=\"switch-language\"]").await;
    assert_step(&root, &tour, 1);
}

#[wasm_bindgen_test]
async fn play_freely_leaves_the_tour_with_its_cluster_and_every_control() {
    let root = mount().await;
    open_acks(&root).await;
    click(&root, "[data-action=\"tour-next\"]").await;
    click(&root, "[data-action=\"tour-next\"]").await;
    // Mid-step: Play freely shows the step's end, exactly.
    click(&root, "[data-action=\"tour-play-freely\"]").await;
    assert!(all(&root, "[data-tour-panel]").is_empty());
    assert_eq!(
        all(&root, "[data-form=\"produce\"]").len(),
        1,
        "the controls are back"
    );
    let mut player = Player::new(acks());
    assert_cluster(&root, &player.state_after(2).unwrap(), "play freely");
    let lines = player.lines_through(2).unwrap();
    let history: Vec<String> = all(&root, ".history-line code")
        .iter()
        .map(|c| c.text_content().unwrap())
        .collect();
    assert_eq!(history.len(), lines.len());
    assert_eq!(history[0], lines.last().unwrap().text, "newest first");
    assert!(history.contains(&"producer create p1 acks=1 linger.ms=0".to_string()));

    // And it is a live cluster: a console line acts on it.
    console(&root, "broker kill 2").await;
    assert_eq!(
        attr(&one(&root, "[data-broker=\"2\"]"), "data-state"),
        "crashed"
    );
}

#[wasm_bindgen_test]
async fn a_step_played_in_real_time_ends_on_the_replayed_cluster() {
    let root = mount().await;
    open_acks(&root).await;
    // The fastest speed: the animation loop plays the step's commands at their times.
    set_field(&root, "input[data-control=\"speed\"]", "13", "input").await;
    click(&root, "[data-action=\"tour-next\"]").await;
    click(&root, "[data-action=\"tour-next\"]").await;
    assert!(!all(&root, "[data-tour-playing]").is_empty());
    wait_until("the step played in real time ends", || {
        all(&root, "[data-tour-playing]").is_empty()
    })
    .await;
    assert_eq!(
        attr(&one(&root, "[data-action=\"play\"]"), "aria-pressed"),
        "false",
        "and time stopped with it"
    );
    let mut player = Player::new(acks());
    assert_cluster(
        &root,
        &player.state_after(2).unwrap(),
        "step 3 played in real time",
    );
}

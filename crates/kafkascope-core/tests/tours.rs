//! Every guided tour (tours/*.tour) runs natively, and everything it claims holds: each
//! `expect` line is checked on the cluster after its step. Every step speaks both languages.

// The rules of clippy.toml (VecMap, sim::sort, no wall clock) are the model's; a test may
// use std's collections, sorts and clock.
#![allow(clippy::disallowed_types, clippy::disallowed_methods)]

use kafkascope_core::tour::{catalog, parse, Player, Tour};

fn tours() -> Vec<Tour> {
    catalog::all()
        .into_iter()
        .map(|t| t.unwrap_or_else(|e| panic!("{e}")))
        .collect()
}

#[test]
fn every_tour_file_is_in_the_catalog() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tours");
    let mut on_disk: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tour"))
        .collect();
    on_disk.sort();
    let embedded: Vec<String> = catalog::FILES.iter().map(|(n, _)| n.to_string()).collect();
    assert_eq!(embedded, on_disk);
    // The page's list (built without the parser) agrees with the parsed tours.
    let tours = tours();
    assert_eq!(catalog::INDEX.len(), tours.len());
    for (entry, tour) in catalog::INDEX.iter().zip(&tours) {
        assert_eq!(entry.id, tour.id());
        assert_eq!(
            (entry.title_en, entry.title_ko),
            (&*tour.title.en, &*tour.title.ko)
        );
    }
    assert!(
        on_disk.len() >= 16,
        "at least the 16 tours of issue 6: {on_disk:?}"
    );
}

#[test]
fn every_tour_runs_and_every_claim_holds() {
    let mut failures = Vec::new();
    let mut claims = 0;
    for tour in tours() {
        claims += tour
            .steps
            .iter()
            .map(|s| s.expectations.len())
            .sum::<usize>();
        assert!(
            tour.steps.iter().any(|s| !s.expectations.is_empty()),
            "{}: a tour states at least one checkable claim",
            tour.file
        );
        let mut player = Player::new(tour);
        let mut ends = Vec::new();
        let found = player.check_and(|_, sim| ends.push(sim.now_ms()));
        if !found.is_empty() {
            failures.extend(found.into_iter().map(|e| e.to_string()));
            continue;
        }
        // Each step starts where the last ended (or at 0 on a new cluster) and lasts its
        // `advance`s: the page plays a step's timeline from its start state to its end state.
        let tour = player.tour();
        for (k, step) in tour.steps.iter().enumerate() {
            let start = player.start_ms(k);
            let expected_start = if k == 0 || step.is_setup() {
                0
            } else {
                ends[k - 1]
            };
            assert_eq!(start, expected_start, "{} step {}", tour.file, k + 1);
            assert_eq!(
                ends[k],
                start + step.timeline().duration_ms,
                "{} step {}",
                tour.file,
                k + 1
            );
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
    assert!(claims >= 16 * 3, "{claims} claims checked");
}

#[test]
fn every_step_speaks_both_languages() {
    for tour in tours() {
        let f = &tour.file;
        for (what, t) in [("title", &tour.title), ("summary", &tour.summary)] {
            assert!(
                !t.en.trim().is_empty() && !t.ko.trim().is_empty(),
                "{f}: {what}"
            );
            assert_ne!(t.en, t.ko, "{f}: the {what} is translated");
        }
        assert!(
            tour.steps.len() >= 3,
            "{f}: a tour has steps to walk through"
        );
        for (k, step) in tour.steps.iter().enumerate() {
            let at = format!("{f} step {} (line {})", k + 1, step.line);
            assert!(!step.narration.is_empty(), "{at}: narration");
            for p in &step.narration {
                assert!(
                    !p.en.trim().is_empty() && !p.ko.trim().is_empty(),
                    "{at}: {p:?}"
                );
                assert!(
                    p.ko.chars().any(|c| ('가'..='힣').contains(&c)),
                    "{at}: the Korean narration is Korean: {:?}",
                    p.ko
                );
            }
            if let Some(q) = &step.prediction {
                assert!(
                    k > 0,
                    "{at}: a prediction is asked before a step that has one before it"
                );
                let texts = std::iter::once(&q.question)
                    .chain(&q.choices)
                    .chain(std::iter::once(&q.explanation));
                for t in texts {
                    assert!(
                        !t.en.trim().is_empty() && !t.ko.trim().is_empty(),
                        "{at}: {t:?}"
                    );
                }
                assert!(q.choices.len() >= 2 && q.answer < q.choices.len(), "{at}");
            }
        }
        assert!(
            tour.steps.iter().any(|s| s.prediction.is_some()),
            "{f}: the learner predicts at least once"
        );
    }
}

#[test]
fn a_tour_missing_a_language_is_refused() {
    let text =
        "title.en T\ntitle.ko 티\nsummary.en S\nsummary.ko 에스\nstep\nsay.en only English\n";
    let e = parse("x.tour", text).unwrap_err();
    assert_eq!(
        e.to_string(),
        "x.tour:5: a step needs narration in both languages (say.en and say.ko)"
    );
}

/// For authors: `TOUR=05 cargo test --test tours show -- --ignored --nocapture` prints the
/// cluster after each step of the tours whose file name starts with `TOUR`.
#[test]
#[ignore]
fn show() {
    let prefix = std::env::var("TOUR").unwrap_or_default();
    for tour in tours().into_iter().filter(|t| t.file.starts_with(&prefix)) {
        let mut player = Player::new(tour);
        println!("==== {}", player.tour().file);
        for k in 0..player.tour().steps.len() {
            let line = player.tour().steps[k].line;
            let sim = match player.state_after(k) {
                Ok(s) => s,
                Err(e) => {
                    println!("{e}");
                    break;
                }
            };
            if std::env::var("TRACE").is_ok() {
                let from = player.start_ms(k);
                for t in sim.trace.events.iter().filter(|t| t.at_ms >= from) {
                    println!("    {:>8} {:<14} {}", t.at_ms, t.subject(), t.text());
                }
            }
            let r = sim.report();
            println!(
                "-- step {} (line {line}) at {} ms, controller {:?} epoch {}",
                k + 1,
                r.time_ms,
                r.controller.active,
                r.controller.epoch
            );
            for b in &r.brokers {
                print!(
                    "  broker {} {:?}{}",
                    b.id,
                    b.state,
                    if b.fenced { " fenced" } else { "" }
                );
            }
            println!();
            for p in r
                .partitions
                .iter()
                .filter(|p| p.topic != "__consumer_offsets")
            {
                let values: Vec<&str> = p.committed.iter().map(|c| c.value.as_str()).collect();
                let shown = if values.len() > 12 {
                    format!("{} records", values.len())
                } else {
                    format!("{values:?}")
                };
                println!(
                    "  {}-{} leader {:?} epoch {} replicas {:?} isr {:?} hw {} leo {:?} committed {shown}",
                    p.topic, p.partition, p.leader, p.leader_epoch, p.replicas, p.isr, p.high_watermark, p.leo
                );
            }
            for p in &r.producers {
                let failed: Vec<String> = p
                    .failed
                    .iter()
                    .map(|f| {
                        format!(
                            "{}:{}{}",
                            f.value,
                            f.error,
                            f.cause
                                .as_ref()
                                .map(|c| format!("({c})"))
                                .unwrap_or_default()
                        )
                    })
                    .collect();
                let acked: Vec<String> = p
                    .acked
                    .iter()
                    .take(12)
                    .map(|a| format!("{}@{}-{}:{}", a.value, a.topic, a.partition, a.offset))
                    .collect();
                println!(
                    "  producer {} acked {} {acked:?} failed {failed:?}",
                    p.name,
                    p.acked.len()
                );
            }
            if !r.acknowledged_records_lost.is_empty() {
                println!("  LOST {:?}", r.acknowledged_records_lost);
            }
            for g in &r.groups {
                let parts: Vec<String> = g
                    .partitions
                    .iter()
                    .map(|p| {
                        format!(
                            "{}-{} committed {:?} lag {:?}",
                            p.topic, p.partition, p.committed, p.lag
                        )
                    })
                    .collect();
                println!(
                    "  group {} {:?} gen {} protocol {:?} coordinator {:?} offsets-partition {} lost {:?} dups {}",
                    g.group, g.state, g.generation, g.protocol, g.coordinator, g.offsets_partition, g.committed_not_processed, g.processed_more_than_once.len()
                );
                println!("    {parts:?}");
            }
            for c in &r.consumers {
                println!(
                    "  consumer {} {:?} assignment {:?} processed {} errors {:?}",
                    c.name,
                    c.state,
                    c.assignment,
                    c.processed.len(),
                    c.errors
                );
            }
            if !r.invariant_violations.is_empty() {
                println!("  VIOLATIONS {:?}", r.invariant_violations);
            }
            for e in &player.tour().steps[k].expectations.clone() {
                if let Err(found) = e.check(&sim) {
                    println!("  FAILS line {}: expect {}: {found}", e.line, e.text);
                }
            }
        }
    }
}

//! The timeline: a run recorded as commands with exact moments replays byte for byte (same
//! report, same trace hash), forward, back, from snapshots, through a share link and through an
//! exported scenario file; acting in the past forks it.
#![cfg(not(target_arch = "wasm32"))]

use kafkascope_core::sim::script;
use kafkascope_core::sim::Simulation;
use kafkascope_core::timeline::link;
use kafkascope_core::timeline::markers::MarkerKind;
use kafkascope_core::timeline::scenario;
use kafkascope_core::timeline::snapshots::{
    Snapshot, Snapshots, FIRST_INTERVAL_EVENTS, FIRST_INTERVAL_MS, MAX_SNAPSHOTS, WEIGHT_BUDGET,
};
use kafkascope_core::timeline::{Applied, Cursor, Moment, Player, ReplayError, Start};

fn start() -> Start {
    Start::new(1, "brokers=3 mode=kraft")
}

/// What a run is, for comparison: its whole report (with the trace hash) and moment; shown
/// by its moment and hash when two differ.
#[derive(PartialEq)]
struct Fingerprint(String, u64, u64, u64);

impl std::fmt::Debug for Fingerprint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} events at {} ms, trace hash {:016x}",
            self.1, self.2, self.3
        )
    }
}

fn fingerprint(sim: &Simulation) -> Fingerprint {
    Fingerprint(
        sim.report_json(),
        sim.events_processed(),
        sim.now_ms(),
        sim.trace.hash(),
    )
}

/// The same operations on a plain simulation and on a player, as the page does them.
enum Op {
    Line(&'static str),
    Step(u32),
    RunTo(u64),
}

/// A run mixing steps, runs to a time and commands, some applied between two events of one
/// millisecond. Returns the player and the plain simulation driven alike.
fn live(ops: &[Op]) -> (Player, Simulation) {
    let mut player = Player::new(start()).unwrap();
    let mut plain = start().simulation().unwrap();
    for op in ops {
        match op {
            Op::Line(line) => {
                player.apply_line(line).unwrap();
                plain.apply_line(line).unwrap();
            }
            Op::Step(n) => {
                for _ in 0..*n {
                    player.step();
                    plain.step();
                }
            }
            Op::RunTo(t) => {
                player.run_until(*t);
                plain.run_until(*t);
            }
        }
        assert_eq!(fingerprint(player.sim()), fingerprint(&plain));
    }
    (player, plain)
}

const SETUP: [Op; 2] = [
    Op::Line("topic create orders partitions=3 replication-factor=3"),
    Op::Line("producer create p1 linger.ms=0"),
];

fn busy_run() -> Vec<Op> {
    let mut ops: Vec<Op> = SETUP.into_iter().collect();
    ops.extend([
        Op::Line("produce p1 orders key=a count=1000 rate=200/s"),
        Op::RunTo(1500),
        Op::Step(3),
        // Between two events of one millisecond (checked in the test below).
        Op::Line("produce p1 orders key=b count=3"),
        Op::Step(1),
        Op::Line("broker kill 2"),
        Op::Line("advance 2s"),
        Op::Step(5),
        Op::Line("consumer create c1 group.id=g topics=orders auto.offset.reset=earliest"),
        Op::RunTo(9000),
        Op::Line("broker start 2"),
        Op::Step(2),
        Op::Line("network isolate 3"),
        Op::Line("advance 4s"),
        Op::Line("network heal"),
        Op::RunTo(16_000),
    ]);
    ops
}

#[test]
fn the_player_moves_forward_exactly_like_the_core() {
    let (player, plain) = live(&busy_run());
    assert_eq!(player.sim().trace.hash(), plain.trace.hash());
    // Advance lines move time; only commands are recorded.
    let lines: Vec<&str> = player
        .timeline()
        .entries
        .iter()
        .map(|e| e.line.as_str())
        .collect();
    assert_eq!(lines.len(), 9, "{lines:?}");
    assert!(!lines.iter().any(|l| l.starts_with("advance")));
    assert_eq!(player.end(), player.position());
    assert!(!player.in_past());
}

#[test]
fn commands_between_events_of_one_millisecond_replay_exactly() {
    let (player, _) = live(&busy_run());
    let timeline = player.timeline().clone();
    let mid = &timeline.entries[3];
    assert!(mid.line.contains("key=b"));

    // The command really was applied with events of its millisecond still queued: a replay by
    // time alone (run to the millisecond, then the line) gives another run.
    let mut naive = start().simulation().unwrap();
    let mut exact = start().simulation().unwrap();
    for e in &timeline.entries[..4] {
        naive.run_until(e.at.at_ms);
        while exact.events_processed() < e.at.events {
            exact.step();
        }
        if e.line.contains("key=b") {
            assert_eq!(
                exact.next_event_ms(),
                Some(e.at.at_ms),
                "events still queued"
            );
            assert!(naive.events_processed() > e.at.events);
        }
        naive.apply_line(&e.line).unwrap();
        exact.apply_line(&e.line).unwrap();
    }
    naive.run_until(16_000);
    assert_ne!(naive.trace.hash(), player.sim().trace.hash());

    // The exact replay from the recording is the live run, byte for byte.
    let replayed = Player::replay(&timeline, player.cursor()).unwrap();
    assert_eq!(fingerprint(replayed.sim()), fingerprint(player.sim()));
    assert_eq!(replayed.timeline(), player.timeline());
}

#[test]
fn seeking_back_shows_the_past_and_forward_again_the_same_run() {
    let ops = busy_run();
    let (mut player, live_end) = live(&ops);
    // The same run, stopped at 5 s, computed without any snapshot.
    let at_5s = {
        let (mut p, _) = live(&ops[..11]);
        p.run_until(5000);
        fingerprint(p.sim())
    };
    player.seek_ms(5000);
    assert_eq!(fingerprint(player.sim()), at_5s);
    assert!(player.in_past());
    assert_eq!(player.end().at_ms, 16_000, "the recording is kept");
    // Back to the start, then forward along the recording: the recorded commands re-applied.
    player.seek_ms(0);
    assert_eq!(player.sim().now_ms(), 0);
    player.seek_ms(16_000);
    assert_eq!(fingerprint(player.sim()), fingerprint(&live_end));
    assert!(!player.in_past());
    // Playing forward frame by frame from the past gives the same too.
    player.seek_ms(2_345);
    let mut t = 2_345;
    while t < 16_000 {
        t = (t + 17).min(16_000);
        player.run_until(t);
    }
    assert_eq!(fingerprint(player.sim()), fingerprint(&live_end));
}

#[test]
fn step_back_returns_to_each_earlier_event() {
    let mut ops: Vec<Op> = SETUP.into_iter().collect();
    ops.extend([
        Op::Line("produce p1 orders key=a count=50 rate=100/s"),
        Op::RunTo(800),
    ]);
    let (mut player, _) = live(&ops);
    let mut seen = Vec::new();
    for _ in 0..12 {
        player.step();
        seen.push(fingerprint(player.sim()));
    }
    // Each ← lands on the moment right after the event before.
    for want in seen.iter().rev().skip(1) {
        assert!(player.step_back());
        assert_eq!(&fingerprint(player.sim()), want);
    }
    // From the moment after a run to a time, ← goes to its last event first.
    player.seek_ms(900);
    let events = player.sim().events_processed();
    assert!(player.step_back());
    assert_eq!(player.sim().events_processed(), events);
    assert!(player.sim().now_ms() < 900);
}

#[test]
fn acting_in_the_past_forks_the_timeline() {
    let (mut player, _) = live(&busy_run());
    let before = player.timeline().entries.len();
    player.seek_ms(4000);
    let applied = player.cursor().applied;
    assert_eq!(applied, 6, "setup, two produces, the kill, the consumer");
    let at = player.position();
    let done = player.apply_line("broker kill 3").unwrap();
    assert_eq!(
        done,
        Applied::Command {
            fork: Some(kafkascope_core::timeline::Fork {
                at,
                dropped: before - applied
            })
        }
    );
    let lines: Vec<&str> = player
        .timeline()
        .entries
        .iter()
        .map(|e| e.line.as_str())
        .collect();
    assert_eq!(lines.last(), Some(&"broker kill 3"));
    assert!(!lines.contains(&"network isolate 3"));
    assert_eq!(player.end(), at);
    assert!(!player.in_past());
    // Time lines in the past do not fork.
    player.run_until(7000);
    player.seek_ms(5000);
    assert_eq!(player.apply_line("advance 1s").unwrap(), Applied::Time);
    assert_eq!(player.end().at_ms, 7000);
    // The forked run replays exactly.
    player.seek_ms(7000);
    let replayed = Player::replay(player.timeline(), player.cursor()).unwrap();
    assert_eq!(fingerprint(replayed.sim()), fingerprint(player.sim()));
    // A refused line in the past changes nothing, and forks nothing.
    player.seek_ms(3000);
    let timeline = player.timeline().clone();
    assert!(player.apply_line("broker kill 9").is_err());
    assert_eq!(player.timeline(), &timeline);
}

#[test]
fn markers_follow_the_recorded_run_and_its_forks() {
    let (mut player, _) = live(&busy_run());
    let kinds = |p: &Player| -> Vec<(MarkerKind, u64)> {
        p.markers().iter().map(|m| (m.kind, m.at.at_ms)).collect()
    };
    let all = kinds(&player);
    let kill_ms = player.timeline().entries[4].at.at_ms;
    assert!(all.contains(&(MarkerKind::Fault, kill_ms)), "{all:?}");
    assert!(
        all.iter()
            .any(|(k, t)| *k == MarkerKind::Election && *t > kill_ms),
        "a new leader after the kill: {all:?}"
    );
    assert!(all.iter().any(|(k, _)| *k == MarkerKind::Rebalance));
    // Seeking back keeps them (they mark the recorded run); a fork drops the later ones.
    player.seek_ms(1000);
    assert_eq!(kinds(&player), all);
    player.apply_line("producer create p2").unwrap();
    assert!(kinds(&player).iter().all(|(_, t)| *t <= 1000));
}

#[test]
fn snapshots_stay_bounded_on_a_long_run_and_seeks_stay_exact() {
    let mut ops: Vec<Op> = SETUP.into_iter().collect();
    ops.push(Op::Line("produce p1 orders key=a count=100000 rate=100/s"));
    let (mut player, _) = live(&ops);
    player.apply_line("advance 120s").unwrap();
    let snapshots = player.snapshots();
    assert!(snapshots.len() <= MAX_SNAPSHOTS, "{}", snapshots.len());
    assert!(snapshots.weight() <= WEIGHT_BUDGET);
    assert!(
        snapshots.len() >= 3,
        "spread over the run: {}",
        snapshots.len()
    );
    let last = snapshots.cursors().last().unwrap().at.at_ms;
    assert!(last > 60_000, "spread over the run: the last at {last} ms");
    let end = fingerprint(player.sim());
    for t in [110_000, 3_000, 59_999] {
        player.seek_ms(t);
        let mut fresh = start().simulation().unwrap();
        fresh
            .apply_line("topic create orders partitions=3 replication-factor=3")
            .unwrap();
        fresh.apply_line("producer create p1 linger.ms=0").unwrap();
        fresh
            .apply_line("produce p1 orders key=a count=100000 rate=100/s")
            .unwrap();
        fresh.run_until(t);
        assert_eq!(fingerprint(player.sim()), fingerprint(&fresh), "at {t}");
    }
    player.seek_ms(120_000);
    assert_eq!(fingerprint(player.sim()), end);
}

/// The page leaves a due snapshot to a frame with time to spare: while deferred, moves take
/// none; `take_due_snapshot` takes it then, at the head of the run; seeks from it are exact.
#[test]
fn a_deferred_snapshot_is_taken_later_and_seeks_from_it_stay_exact() {
    let mut ops: Vec<Op> = SETUP.into_iter().collect();
    ops.push(Op::Line("produce p1 orders key=a count=5000 rate=500/s"));
    let (mut player, _) = live(&ops);
    let before = player.snapshots().len();
    player.set_defer_snapshots(true);
    player.run_until(4_000);
    assert_eq!(player.snapshots().len(), before, "none while deferred");
    player.set_defer_snapshots(false);
    assert!(
        player.take_due_snapshot(),
        "one is due after 4 s of records"
    );
    assert_eq!(player.snapshots().len(), before + 1);
    assert_eq!(
        player.snapshots().cursors().last().unwrap().at.at_ms,
        player.position().at_ms,
        "taken where the run is now"
    );
    assert!(!player.take_due_snapshot(), "and no other is due");
    // Not at the head of the run (seen from the past): none.
    player.run_until(6_000);
    player.seek_ms(5_000);
    let at_past = player.snapshots().len();
    assert!(!player.take_due_snapshot());
    assert_eq!(player.snapshots().len(), at_past);
    // Going back restores from the deferred snapshot and replays exactly.
    player.seek_ms(4_500);
    let mut fresh = start().simulation().unwrap();
    for line in [
        "topic create orders partitions=3 replication-factor=3",
        "producer create p1 linger.ms=0",
        "produce p1 orders key=a count=5000 rate=500/s",
    ] {
        fresh.apply_line(line).unwrap();
    }
    fresh.run_until(4_500);
    assert_eq!(fingerprint(player.sim()), fingerprint(&fresh));
}

#[test]
fn a_share_link_reproduces_the_run_and_the_moment() {
    let (mut player, _) = live(&busy_run());
    player.seek_ms(6_500);
    player.step();
    let value = link::encode(player.timeline(), player.cursor());
    assert!(value.len() < 400, "compact: {} characters", value.len());
    let shared = link::decode(&value).unwrap();
    let opened = Player::replay(&shared.timeline, shared.at).unwrap();
    assert_eq!(fingerprint(opened.sim()), fingerprint(player.sim()));
    assert_eq!(opened.end(), player.end());
    assert_eq!(opened.markers().len(), player.markers().len());
}

#[test]
fn a_link_that_decodes_but_does_not_replay_says_why() {
    let (player, _) = live(&busy_run());
    let mut timeline = player.timeline().clone();
    timeline.entries[4].line = "broker kill 9".into();
    let e = Player::replay(&timeline, Cursor::default()).err().unwrap();
    assert!(
        matches!(&e, ReplayError::Refused { index: 4, error, .. } if error.contains("Broker 9 does not exist")),
        "{e}"
    );
    let mut timeline = player.timeline().clone();
    timeline.entries[2].at.events += 1_000_000;
    assert!(Player::replay(&timeline, Cursor::default()).is_err());
    let mut timeline = player.timeline().clone();
    timeline.end = Moment {
        events: timeline.end.events,
        at_ms: timeline.end.at_ms + 10_000,
    };
    assert_eq!(
        Player::replay(&timeline, Cursor::default()).err(),
        Some(ReplayError::Unreachable {
            index: timeline.entries.len()
        })
    );
}

#[test]
fn an_exported_scenario_replays_with_kafka_sim_to_the_same_trace_hash() {
    let (player, _) = live(&busy_run());
    let text = scenario::export(
        player.timeline(),
        player.cursor().applied,
        player.position(),
    );
    assert!(text.starts_with("# Kafkascope run, 16.000 s"), "{text}");
    assert!(
        text.contains("\nseed 1\ncluster brokers=3 mode=kraft\n"),
        "{text}"
    );
    assert!(
        text.contains("\nstep "),
        "a command between events of one ms: {text}"
    );
    let sim = script::run(&text).unwrap();
    assert_eq!(fingerprint(&sim), fingerprint(player.sim()), "{text}");
    // And the page's import of it is the same run, recorded the same way.
    let imported = scenario::import(&text).unwrap();
    assert_eq!(fingerprint(imported.sim()), fingerprint(player.sim()));
    assert_eq!(imported.timeline().entries, player.timeline().entries);
}

#[test]
fn exporting_from_the_past_writes_the_run_up_to_the_moment_shown() {
    let (mut player, _) = live(&busy_run());
    player.seek_ms(3_000);
    player.step();
    player.step();
    let text = scenario::export(
        player.timeline(),
        player.cursor().applied,
        player.position(),
    );
    let sim = script::run(&text).unwrap();
    assert_eq!(fingerprint(&sim), fingerprint(player.sim()), "{text}");
}

#[test]
fn importing_a_bad_file_names_the_line() {
    let e = scenario::import(
        "seed 4\ntopic create t partitions=1 replication-factor=1\n\nbroker kill 9\n",
    )
    .err()
    .unwrap();
    assert_eq!(e.line, 4);
    assert!(e.message.contains("BROKER_NOT_AVAILABLE"), "{e}");
    let e = scenario::import("topic create t partitions=1 replication-factor=1\nseed 3\n")
        .err()
        .unwrap();
    assert_eq!(e.line, 2);
    let e = scenario::import("cluster brokers=0\n").err().unwrap();
    assert_eq!(e.line, 1);
    let e = scenario::import("produce p1 orders \"key\n").err().unwrap();
    assert!(e.message.contains("unterminated quote"), "{e}");
}

#[test]
fn the_shipped_scenarios_import_as_kafka_sim_runs_them() {
    for file in [
        "scenarios/acks-1-leader-dies.kss",
        "scenarios/acks-all-min-isr.kss",
        "scenarios/consumer-worker-loses-records.kss",
    ] {
        let text = std::fs::read_to_string(format!("../../{file}")).unwrap();
        let player = scenario::import(&text).unwrap();
        let sim = script::run(&text).unwrap();
        assert_eq!(fingerprint(player.sim()), fingerprint(&sim), "{file}");
        // Exported again, it still runs the same.
        let again = scenario::export(
            player.timeline(),
            player.cursor().applied,
            player.position(),
        );
        assert_eq!(
            fingerprint(&script::run(&again).unwrap()),
            fingerprint(&sim),
            "{file}"
        );
    }
}

#[test]
fn monitors_name_the_moment_an_invariant_broke() {
    let text =
        std::fs::read_to_string("../../scenarios/consumer-worker-loses-records.kss").unwrap();
    let mut player = scenario::import(&text).unwrap();
    player.check_monitors();
    let broken = player
        .monitors()
        .broken("committed-not-processed")
        .expect("the worker hand-off loses records")
        .clone();
    let crash_ms = player
        .timeline()
        .entries
        .iter()
        .find(|e| e.line.starts_with("consumer crash"))
        .unwrap()
        .at
        .at_ms;
    assert!(broken.at.at_ms > crash_ms, "{broken:?}");
    assert!(broken.detail.contains("group g"), "{broken:?}");
    for name in ["one-leader-per-epoch", "acknowledged-record-lost"] {
        assert!(player.monitors().broken(name).is_none(), "{name}");
    }
    // A fork before the break forgets it.
    player.seek_ms(crash_ms - 1);
    player.apply_line("producer create p9").unwrap();
    assert!(player
        .monitors()
        .broken("committed-not-processed")
        .is_none());
}

#[test]
fn snapshots_thin_out_and_keep_the_start() {
    let sim = start().simulation().unwrap();
    let cursor = |i: u64| Cursor {
        applied: 0,
        at: Moment {
            events: i * 100_000,
            at_ms: i * 60_000,
        },
    };
    let mut snapshots = Snapshots::new(Snapshot::take(cursor(0), 0, &sim));
    for i in 1..500 {
        snapshots.push(Snapshot::take(cursor(i), 0, &sim));
        assert!(snapshots.len() <= MAX_SNAPSHOTS);
    }
    let kept: Vec<u64> = snapshots.cursors().map(|c| c.at.at_ms).collect();
    assert_eq!(kept[0], 0, "the start stays");
    assert!(kept.len() >= MAX_SNAPSHOTS / 2, "{kept:?}");
    assert!(
        *kept.last().unwrap() > 400 * 60_000,
        "spread to the end: {kept:?}"
    );
    assert!(snapshots.interval_ms() > FIRST_INTERVAL_MS);
    // Due again only after the doubled intervals.
    let last = snapshots.cursors().last().unwrap().at;
    let soon = Moment {
        events: last.events + FIRST_INTERVAL_EVENTS,
        at_ms: last.at_ms + FIRST_INTERVAL_MS,
    };
    assert!(!snapshots.due(soon));
}

#[test]
fn kafka_tool_lines_are_recorded_as_the_scenario_lines_they_run() {
    let mut player = Player::new(start()).unwrap();
    let (printed, _) = player
        .run_console_line(
            "kafka-topics.sh --create --topic audit --partitions 2 --replication-factor 3 --bootstrap-server b:9092",
        )
        .unwrap();
    assert!(printed.contains("Created topic audit."), "{printed}");
    player
        .run_console_line(
            "kafka-console-producer.sh --bootstrap-server b:9092 --topic audit --property parse.key=true --property key.separator=: <<< 'k:v'",
        )
        .unwrap();
    player.apply_line("advance 1s").unwrap();
    let (described, applied) = player
        .run_console_line("kafka-topics.sh --describe --topic audit --bootstrap-server b:9092")
        .unwrap();
    assert!(described.contains("Topic: audit"), "{described}");
    assert_eq!(applied, Applied::Nothing, "describe only prints");
    // What is recorded is scenario language, so links and exported files replay it.
    assert!(player
        .timeline()
        .entries
        .iter()
        .all(|e| !e.line.contains(".sh")));
    let replayed = Player::replay(player.timeline(), player.cursor()).unwrap();
    assert_eq!(fingerprint(replayed.sim()), fingerprint(player.sim()));
    let text = scenario::export(
        player.timeline(),
        player.cursor().applied,
        player.position(),
    );
    assert_eq!(
        fingerprint(&script::run(&text).unwrap()),
        fingerprint(player.sim())
    );
    // A refused tool line changes nothing.
    let before = player.timeline().clone();
    assert!(player
        .run_console_line("kafka-topics.sh --create --topic audit --bootstrap-server b:9092")
        .is_err());
    assert_eq!(player.timeline(), &before);
}

/// The page plays guided tours on the timeline: a step's cluster is the tour's accepted lines
/// imported as a run, which must be exactly the cluster the tour's own replay builds.
#[test]
fn every_tour_step_imports_as_the_run_the_tour_builds() {
    use kafkascope_core::tour::{catalog, Player as TourPlayer};
    let mut steps = 0;
    for tour in catalog::all() {
        let tour = tour.expect("every tour parses");
        let n = tour.steps.len();
        let mut tour_player = TourPlayer::new(tour);
        for k in 0..n {
            let lines = tour_player.lines_through(k).unwrap();
            let accepted: Vec<&str> = lines
                .iter()
                .filter(|l| l.error.is_none())
                .map(|l| l.text.as_str())
                .collect();
            let run = scenario::import(&accepted.join("\n")).unwrap();
            let built = tour_player.state_after(k).unwrap();
            assert_eq!(fingerprint(run.sim()), fingerprint(&built), "step {k}");
            steps += 1;
        }
    }
    assert!(steps > 20, "{steps} steps");
}

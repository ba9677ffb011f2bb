//! A run as a scenario file (docs/SCENARIOS.md), both ways.
//!
//! Export writes the setup lines, then each command after the time that passed before it:
//! `advance` when running to the command's millisecond gives exactly its moment, and
//! `advance` to the millisecond before plus `step N` when the command was applied between two
//! events of one millisecond (after *Step*). `kafka-sim run` on the file replays the run to the
//! same trace hash (tests/timeline.rs checks it).
//!
//! Import runs a file line by line as the page does: `seed`/`cluster` first, `advance`/`step`
//! move time, every other line is a command recorded at its moment. A refused line is an error
//! naming its line, and nothing of the file is kept.

use crate::sim::script::{self, Line, ScriptError, Setup};
use crate::sim::{Simulation, MAX_ADVANCE_MS};

use super::{Moment, Player, Start, Timeline, MAX_REPLAY_EVENTS};

/// The run up to `upto` commands and moment `at`, as a script.
pub fn export(timeline: &Timeline, applied: usize, at: Moment) -> String {
    let mut lines = vec![format!(
        "# Kafkascope run, {} (replay: kafka-sim run FILE)",
        clock(at.at_ms)
    )];
    lines.extend(timeline.start.script_lines());
    let Ok(mut sim) = timeline.start.simulation() else {
        return lines.join("\n") + "\n";
    };
    for entry in timeline.entries.iter().take(applied) {
        bridge(&mut sim, entry.at, &mut lines);
        if sim.apply_line(&entry.line).is_err() {
            lines.push(format!("# refused when exported: {}", entry.line));
            return lines.join("\n") + "\n";
        }
        lines.push(entry.line.clone());
    }
    bridge(&mut sim, at, &mut lines);
    lines.join("\n") + "\n"
}

/// `12.345 s`
fn clock(ms: u64) -> String {
    format!("{}.{:03} s", ms / 1000, ms % 1000)
}

/// Lines that take `sim` from where it is to `to` (and takes it there).
fn bridge(sim: &mut Simulation, to: Moment, lines: &mut Vec<String>) {
    let (from_events, from_ms) = (sim.events_processed(), sim.now_ms());
    let mut before = 0u64; // events processed before the target millisecond
    while sim.events_processed() < to.events && sim.step() {
        if sim.now_ms() < to.at_ms {
            before += 1;
        }
    }
    let n = sim.events_processed() - from_events;
    let held = sim.hold_until(to.at_ms);
    let queued_at_target = sim.next_event_ms().is_some_and(|t| t <= to.at_ms);
    if !held || sim.events_processed() != to.events {
        lines.push(format!(
            "# this moment cannot be reached: {} events, {} ms",
            to.events, to.at_ms
        ));
        return;
    }
    if !queued_at_target {
        // Running to the millisecond processes exactly these events.
        if to.at_ms > from_ms {
            advance(to.at_ms - from_ms, lines);
        } else if n > 0 {
            lines.push(format!("step {n}"));
        }
        return;
    }
    // Stopped between two events of one millisecond: run to the millisecond before, then step.
    if to.at_ms > from_ms + 1 {
        advance(to.at_ms - 1 - from_ms, lines);
        if n > before {
            lines.push(format!("step {}", n - before));
        }
    } else if n > 0 {
        lines.push(format!("step {n}"));
    }
}

fn advance(mut ms: u64, lines: &mut Vec<String>) {
    while ms > 0 {
        let part = ms.min(MAX_ADVANCE_MS);
        lines.push(if part.is_multiple_of(1000) {
            format!("advance {}s", part / 1000)
        } else {
            format!("advance {part}ms")
        });
        ms -= part;
    }
}

/// Runs a scenario file into a new run. Errors name the line (1-based; 0 for the setup).
pub fn import(text: &str) -> Result<Player, ScriptError> {
    import_limited(text, MAX_REPLAY_EVENTS)
}

/// [`import`], refusing a file that runs more than `max_events` events.
pub fn import_limited(text: &str, max_events: u64) -> Result<Player, ScriptError> {
    let mut seed = 1;
    let mut cluster = String::new();
    let mut player: Option<Player> = None;
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        let at = |message: String| ScriptError { line, message };
        match script::parse(raw).map_err(|e| at(e.to_string()))? {
            None => {}
            Some(Line::Setup(setup)) => {
                if player.is_some() {
                    return Err(at("seed and cluster must come before other commands".into()));
                }
                match setup {
                    Setup::Seed(n) => seed = n,
                    Setup::Cluster(pairs) => {
                        script::cluster_config_from(seed, &pairs).map_err(|e| at(e.to_string()))?;
                        cluster = pairs
                            .iter()
                            .map(|(k, v)| format!("{k}={v}"))
                            .collect::<Vec<_>>()
                            .join(" ");
                    }
                }
            }
            Some(Line::Command(_)) => {
                let p = match player.as_mut() {
                    Some(p) => p,
                    None => {
                        let mut p = Player::new(Start::new(seed, cluster.clone()))
                            .map_err(|e| at(e.to_string()))?;
                        p.set_event_limit(max_events);
                        player.insert(p)
                    }
                };
                p.apply_line(raw).map_err(|e| at(e.to_string()))?;
                if p.sim().events_processed() >= max_events {
                    return Err(at(format!(
                        "the script runs past {max_events} events, the page's limit"
                    )));
                }
            }
        }
    }
    let mut player = match player {
        Some(p) => p,
        None => Player::new(Start::new(seed, cluster)).map_err(|e| ScriptError {
            line: 0,
            message: e.to_string(),
        })?,
    };
    player.set_event_limit(u64::MAX);
    Ok(player)
}

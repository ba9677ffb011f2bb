//! No function of the core (crates/kafkascope-core/src) is longer than 80 lines, from its `fn`
//! line to its closing brace: a function should read at once. The few that remain longer are
//! listed in `ALLOWED` with the reason; the list must stay true (a listed function that is short
//! now, or gone, fails too, so it shrinks as they are cut).

// The rules of clippy.toml (VecMap, sim::sort, no wall clock) are the model's; a test may
// use std's collections, sorts and clock.
#![allow(clippy::disallowed_types, clippy::disallowed_methods)]

use std::path::Path;

const LIMIT: usize = 80;

/// `file (under src/)::function`, and why it is still longer than the limit. None of these is
/// a table of data: each is a function not cut yet, with the cut it wants.
const ALLOWED: &[(&str, &str)] = &[
    ("sim/assignor/mod.rs::new", "Ctx::new builds the assignors' shared view (members, topics, flat partition numbering, Java hash orders) in one pass; cut it into one builder per order"),
    ("sim/assignor/sticky.rs::constrained", "a port of Kafka's ConstrainedAssignmentBuilder kept in the Java method's shape so it can be compared with AbstractStickyAssignor.java step by step; cut it with that file's helper methods"),
    ("sim/assignor/sticky.rs::new", "GeneralAssignmentBuilder's constructor, ported in the Java method's shape (AbstractStickyAssignor.java); cut it as the constructor's helper maps"),
    ("sim/fault_schedule/events.rs::next_event", "the fault generator's menu of every fault with its weight and precondition; cut into one chooser per fault family"),
    ("sim/fault_schedule/groups.rs::next_event", "the consumer-group fault generator's menu; cut as events.rs"),
    ("sim/fault_schedule.rs::generate_into", "one schedule's cluster, topics, producers and events; cut into a setup and an event loop"),
    ("sim/record_history.rs::history_before", "one record's life from the trace of messages; cut per stage (send, append, replication, ack, fetch, commit)"),
    ("sim/record_history.rs::record_history", "the record inspector's history; cut as history_before"),
];

#[test]
fn no_core_function_is_longer_than_80_lines() {
    let mut long = Vec::new();
    collect(Path::new("src"), &mut long);
    let too_long: Vec<String> = long
        .iter()
        .filter(|(name, _)| !ALLOWED.iter().any(|(a, _)| a == name))
        .map(|(name, lines)| format!("{name}: {lines} lines"))
        .collect();
    assert!(
        too_long.is_empty(),
        "functions over {LIMIT} lines (cut them along Kafka's concepts):\n{}",
        too_long.join("\n")
    );
    let stale: Vec<&str> = ALLOWED
        .iter()
        .map(|(a, _)| *a)
        .filter(|a| !long.iter().any(|(name, _)| name == a))
        .collect();
    assert!(
        stale.is_empty(),
        "allowed as long but no longer over {LIMIT} lines (remove them from ALLOWED): {stale:?}"
    );
}

/// The counter itself: bodies are found by their braces, whatever strings, characters and
/// comments hold.
#[test]
fn the_counter_sees_bodies_not_braces_in_text() {
    let source = "fn short() {\n    let s = \"}}}\"; // }\n    let c = '{';\n}\n\
                  /* fn hidden() { */\n\
                  fn long<'a>(x: &'a str) -> &'a str {\n    let r = r#\"{\"#;\n"
        .to_string()
        + &"    x;\n".repeat(LIMIT)
        + "}\ntrait T {\n    fn declared(&self);\n}\n";
    assert_eq!(
        function_lengths(&source),
        [("short".to_string(), 4), ("long".to_string(), LIMIT + 3)]
    );
}

fn collect(dir: &Path, long: &mut Vec<(String, usize)>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .expect("src/")
        .map(|e| e.expect("a directory entry").path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            collect(&path, long);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let source = std::fs::read_to_string(&path).expect("a source file");
            let file = path.strip_prefix("src").expect("under src/").display();
            for (name, lines) in function_lengths(&source) {
                if lines > LIMIT {
                    long.push((format!("{file}::{name}"), lines));
                }
            }
        }
    }
}

/// Every function with a body, and its length in lines (the `fn` line to the closing brace).
fn function_lengths(source: &str) -> Vec<(String, usize)> {
    let code = blank_text(source);
    let bytes = code.as_bytes();
    let line_of = |at: usize| code[..at].matches('\n').count();
    let mut found = Vec::new();
    let mut i = 0;
    while let Some(at) = code[i..].find("fn ").map(|p| p + i) {
        i = at + 3;
        let starts_word = at == 0 || !is_ident(bytes[at - 1]);
        if !starts_word {
            continue;
        }
        let name: String = code[i..]
            .trim_start()
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        // The body is the first `{` before any `;` (a declaration without a body has none).
        let Some(open) = code[i..].find(['{', ';']).map(|p| p + i) else {
            break;
        };
        if bytes[open] == b';' || name.is_empty() {
            continue;
        }
        let mut depth = 0;
        for (j, b) in bytes.iter().enumerate().skip(open) {
            match b {
                b'{' => depth += 1,
                b'}' => depth -= 1,
                _ => continue,
            }
            if depth == 0 {
                found.push((name, line_of(j) - line_of(at) + 1));
                break;
            }
        }
    }
    found
}

fn is_ident(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// The source with comments, strings and character literals blanked (newlines kept), so only
/// code's braces and `fn`s remain.
fn blank_text(source: &str) -> String {
    let s: Vec<char> = source.chars().collect();
    let mut out = String::with_capacity(source.len());
    let mut i = 0;
    while i < s.len() {
        let end = match s[i] {
            '/' if s.get(i + 1) == Some(&'/') => skip_until(&s, i, "\n") - 1,
            '/' if s.get(i + 1) == Some(&'*') => skip_until(&s, i + 2, "*/"),
            '"' => skip_string(&s, i + 1),
            'r' if !prev_ident(&s, i) && matches!(s.get(i + 1), Some('"' | '#')) => {
                let hashes = s[i + 1..].iter().take_while(|c| **c == '#').count();
                if s.get(i + 1 + hashes) != Some(&'"') {
                    out.push(s[i]);
                    i += 1;
                    continue;
                }
                let close = format!("\"{}", "#".repeat(hashes));
                skip_until(&s, i + 2 + hashes, &close)
            }
            '\'' if s.get(i + 1) == Some(&'\\') => skip_until(&s, i + 2, "'"),
            '\'' if s.get(i + 2) == Some(&'\'') => i + 3,
            c => {
                out.push(c);
                i += 1;
                continue;
            }
        };
        for c in &s[i..end.min(s.len())] {
            out.push(if *c == '\n' { '\n' } else { ' ' });
        }
        i = end;
    }
    out
}

fn prev_ident(s: &[char], i: usize) -> bool {
    i > 0 && (s[i - 1].is_alphanumeric() || s[i - 1] == '_')
}

/// The index just past the first `close` at or after `from`.
fn skip_until(s: &[char], from: usize, close: &str) -> usize {
    let close: Vec<char> = close.chars().collect();
    (from..s.len())
        .find(|&j| s[j..].starts_with(&close))
        .map_or(s.len(), |j| j + close.len())
}

/// The index just past the closing quote of a string whose text starts at `from`.
fn skip_string(s: &[char], mut from: usize) -> usize {
    while from < s.len() {
        match s[from] {
            '\\' => from += 2,
            '"' => return from + 1,
            _ => from += 1,
        }
    }
    s.len()
}

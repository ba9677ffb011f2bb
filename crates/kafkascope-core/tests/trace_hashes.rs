//! Determinism: every script of `support/trace_cases.rs` runs to the report hash checked in at
//! tests/trace_hashes.txt. tests/web_determinism.rs computes the same hashes in the browser
//! (wasm32) and compares them with the same file, so the two platforms agree.
//!
//! After an intended change of behaviour: bump `MODEL_VERSION` (src/timeline/link.rs), then
//! `UPDATE_TRACE_HASHES=1 cargo test --test trace_hashes` (it refuses new hashes under the old
//! model version).

// The rules of clippy.toml (VecMap, sim::sort, no wall clock) are the model's; a test may
// use std's collections, sorts and clock.
#![allow(clippy::disallowed_types, clippy::disallowed_methods)]

#[path = "support/trace_cases.rs"]
mod trace_cases;

use trace_cases::{compute, differences, expected, fnv1a64, MODEL_VERSION_LINE, SCENARIO_FILES};

const FILE: &str = "tests/trace_hashes.txt";

#[test]
fn native_runs_hash_as_checked_in() {
    let computed = compute();
    if std::env::var_os("UPDATE_TRACE_HASHES").is_some() {
        let old = std::fs::read_to_string(FILE).unwrap_or_default();
        if let Some(message) = forgotten_bump(&computed, &expected(&old)) {
            panic!("{message}");
        }
        let mut text = String::from(
            "# Report hashes of the runs in tests/support/trace_cases.rs (FNV-1a 64 over the JSON\n\
             # report), checked natively (tests/trace_hashes.rs) and in the browser\n\
             # (tests/web_determinism.rs), and the model version they are of (MODEL_VERSION in\n\
             # src/timeline/link.rs: bump it first). Regenerate: UPDATE_TRACE_HASHES=1 cargo test --test trace_hashes\n",
        );
        for (name, hash) in &computed {
            text.push_str(&format!("{name} {hash}\n"));
        }
        std::fs::write(FILE, text).expect("write tests/trace_hashes.txt");
        return;
    }
    let text = std::fs::read_to_string(FILE).expect("tests/trace_hashes.txt");
    let diffs = differences(&computed, &expected(&text));
    assert!(
        diffs.is_empty(),
        "runs differ from tests/trace_hashes.txt (if the change of behaviour is intended: \
         UPDATE_TRACE_HASHES=1 cargo test --test trace_hashes):\n{}",
        diffs.join("\n")
    );
}

/// When runs changed (a case's hash differs from the file's) but the model version did not: the
/// message asking for the bump. Without the bump an old share link would replay to a different
/// run with no notice on the page.
fn forgotten_bump(computed: &[(String, String)], old: &[(String, String)]) -> Option<String> {
    let model = |v: &[(String, String)]| {
        v.iter()
            .find(|(n, _)| n == MODEL_VERSION_LINE)
            .map(|(_, m)| m.clone())
    };
    let runs = |v: &[(String, String)]| -> Vec<(String, String)> {
        v.iter()
            .filter(|(n, _)| n != MODEL_VERSION_LINE)
            .cloned()
            .collect()
    };
    let changed = differences(&runs(computed), &runs(old));
    (!changed.is_empty() && model(old).is_some() && model(old) == model(computed)).then(|| {
        format!(
            "runs changed but the model version is still {}: bump MODEL_VERSION in \
             src/timeline/link.rs (share links of the old model then say their run may differ), \
             then UPDATE_TRACE_HASHES=1 again:\n{}",
            model(computed).unwrap_or_default(),
            changed.join("\n")
        )
    })
}

/// A new scenario file must be added to `SCENARIO_FILES` (and so hashed on both platforms).
#[test]
fn every_scenario_file_is_hashed() {
    let mut on_disk: Vec<String> = std::fs::read_dir("../../scenarios")
        .expect("scenarios/ at the top of the repository")
        .map(|e| format!("scenarios/{}", e.unwrap().file_name().to_string_lossy()))
        .filter(|n| n.ends_with(".kss"))
        .collect();
    on_disk.sort();
    let mut listed: Vec<String> = SCENARIO_FILES.iter().map(|(n, _)| n.to_string()).collect();
    listed.sort();
    assert_eq!(
        on_disk, listed,
        "add the scenario file to tests/support/trace_cases.rs, then \
         UPDATE_TRACE_HASHES=1 cargo test --test trace_hashes"
    );
}

/// The comparison fails on any difference: a changed run, a missing case, an unknown case.
#[test]
fn the_comparison_can_fail() {
    let computed = vec![("a".to_string(), "0000000000000001".to_string())];
    assert!(differences(&computed, &computed.clone()).is_empty());
    let other = vec![("a".to_string(), "0000000000000002".to_string())];
    assert_eq!(differences(&computed, &other).len(), 1);
    assert_eq!(differences(&computed, &[]).len(), 1);
    assert_eq!(differences(&[], &computed).len(), 1);
    // The hash sees a single character of the report (a float printed as 1.0 instead of 1).
    assert_ne!(fnv1a64(b"{\"x\": 1}"), fnv1a64(b"{\"x\": 1.0}"));
}

/// New hashes under the model version of the old ones are refused; a bumped version, or the same
/// hashes, are not.
#[test]
fn changed_runs_need_a_new_model_version() {
    let file = |model: &str, hash: &str| {
        vec![
            (MODEL_VERSION_LINE.to_string(), model.to_string()),
            ("a".to_string(), hash.to_string()),
        ]
    };
    let old = file("4", "0000000000000001");
    assert!(forgotten_bump(&file("4", "0000000000000001"), &old).is_none());
    let forgot = forgotten_bump(&file("4", "0000000000000002"), &old).expect("refused");
    assert!(forgot.contains("bump MODEL_VERSION"), "{forgot}");
    assert!(forgotten_bump(&file("5", "0000000000000002"), &old).is_none());
    // The checked-in file names this model version (compared like a hash).
    let checked_in = expected(&std::fs::read_to_string(FILE).unwrap());
    assert_eq!(
        checked_in.iter().find(|(n, _)| n == MODEL_VERSION_LINE),
        compute().iter().find(|(n, _)| n == MODEL_VERSION_LINE)
    );
}

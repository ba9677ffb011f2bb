//! Determinism across platforms: the scripts of `support/trace_cases.rs` run in the browser
//! (wasm32) to the same report hashes as natively (tests/trace_hashes.txt, checked natively by
//! tests/trace_hashes.rs).
#![cfg(target_arch = "wasm32")]

#[path = "../crates/kafkascope-core/tests/support/trace_cases.rs"]
mod trace_cases;

use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn wasm_runs_hash_as_native_ones() {
    let computed = trace_cases::compute();
    let expected = trace_cases::expected(include_str!(
        "../crates/kafkascope-core/tests/trace_hashes.txt"
    ));
    assert!(!expected.is_empty());
    let diffs = trace_cases::differences(&computed, &expected);
    assert!(
        diffs.is_empty(),
        "wasm runs differ from the native hashes:\n{}",
        diffs.join("\n")
    );
}

#!/usr/bin/env bash
# What the bundle cannot go below with this stack, measured rather than guessed:
#  1. the core alone: the model, time travel, share links and tours (what the page calls of
#     them, minus the page's own reads), no Yew, no wasm-bindgen, same profile, wasm-opt -Oz;
#  2. the smallest Yew page: one function component with a state hook and a list, through
#     wasm-bindgen and wasm-opt -Oz, with its JS glue.
# Their sum is a floor for the shipped page before any of its own views or CSS.
# With --names it also writes the core's function sizes (scripts/size_breakdown.py).
# Builds in a temporary copy of HEAD (the core crate, crates/kafkascope-core), so the work tree
# is untouched.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
work=${SIZE_FLOOR_DIR:-/tmp/kafkascope-size-floor}
target=${CARGO_TARGET_DIR:-$work/target}
rm -rf "$work/src-copy" "$work/crate"
mkdir -p "$work/src-copy" "$work/crate/src/bin" "$work/out"
git archive HEAD | tar -x -C "$work/src-copy"
profile=$(sed -n '/^\[profile.release\]/,/^$/p' Cargo.toml)
cat >"$work/crate/Cargo.toml" <<EOF
[package]
name = "floor"
version = "0.1.0"
edition = "2021"
[dependencies]
kafkascope-core = { path = "$work/src-copy/crates/kafkascope-core" }
yew = { version = "0.23", features = ["csr"] }
wasm-bindgen = "=0.2.130"
$profile
EOF
cat >"$work/crate/src/bin/core.rs" <<'EOF'
// Reaches what the page reaches in the core: commands and tools, the event loop, time travel,
// monitors, share links, tours.
#![no_main]
use kafkascope_core::timeline::{link, player::Player, Start};
#[no_mangle]
pub extern "C" fn run(ptr: *const u8, len: usize, t: u64) -> usize {
    let text = unsafe { std::str::from_utf8_unchecked(std::slice::from_raw_parts(ptr, len)) };
    let mut player = match Player::new(Start::new(1, text.lines().next().unwrap_or(""))) {
        Ok(p) => p,
        Err(e) => return e.to_string().len(),
    };
    let mut n = 0;
    for line in text.lines().skip(1) {
        match player.run_console_line(line) {
            Ok((out, _)) => n += out.len(),
            Err(e) => n += e.to_string().len(),
        }
        let _ = player.apply_line(line);
    }
    player.run_until(t);
    while player.step() {
        n += 1;
    }
    player.seek_ms(t / 2);
    player.step_back();
    player.check_monitors();
    let shared = link::encode(player.timeline(), player.cursor());
    if let Ok(s) = link::decode(&shared) {
        n += s.same_model() as usize;
    }
    if let Ok(tour) = kafkascope_core::tour::parse::parse("t", text) {
        if let Ok(sim) = kafkascope_core::tour::play::Player::new(tour).state_after(1) {
            n += sim.now_ms() as usize;
        }
    }
    n + shared.len() + player.sim().now_ms() as usize
}
#[no_mangle]
pub extern "C" fn alloc(len: usize) -> *mut u8 {
    let mut v = Vec::<u8>::with_capacity(len);
    let p = v.as_mut_ptr();
    std::mem::forget(v);
    p
}
EOF
cat >"$work/crate/src/bin/yew_min.rs" <<'EOF'
use yew::prelude::*;
#[function_component]
fn App() -> Html {
    let n = use_state(|| 0u32);
    let onclick = {
        let n = n.clone();
        Callback::from(move |_| n.set(*n + 1))
    };
    html! {
        <div class="app">
            <button {onclick}>{ "+1" }</button>
            <ul>{ for (0..*n).map(|i| html! { <li key={i}>{ i }</li> }) }</ul>
        </div>
    }
}
fn main() {
    yew::Renderer::<App>::new().render();
}
EOF
(cd "$work/crate" && CARGO_TARGET_DIR=$target cargo build --quiet --release --target wasm32-unknown-unknown)
built=$target/wasm32-unknown-unknown/release
features=(--enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext --enable-mutable-globals)
# The page's own wasm-opt parameters (index.html's data-wasm-opt-params), so the parts compare.
read -r -a page_params <<<"$(sed -n 's/.*data-wasm-opt-params="\([^"]*\)".*/\1/p' index.html)"
features+=("${page_params[@]}")
wasm-opt -Oz "${features[@]}" --strip-debug --strip-producers "$built/core.wasm" -o "$work/out/core.wasm"
wasm-bindgen --target web --out-dir "$work/out/yew" "$built/yew_min.wasm"
wasm-opt -Oz "${features[@]}" --strip-debug --strip-producers "$work/out/yew/yew_min_bg.wasm" -o "$work/out/yew.wasm"
gz() { gzip -9 -c "$1" | wc -c; }
core=$(gz "$work/out/core.wasm")
yew_wasm=$(gz "$work/out/yew.wasm")
yew_js=$(gz "$work/out/yew/yew_min.js")
printf '%-46s %10s %10s\n' "" "raw B" "gzip B"
printf '%-46s %10d %10d\n' "core alone (sim, timeline, tour)" "$(wc -c <"$work/out/core.wasm")" "$core"
printf '%-46s %10d %10d\n' "smallest Yew page: wasm" "$(wc -c <"$work/out/yew.wasm")" "$yew_wasm"
printf '%-46s %10d %10d\n' "smallest Yew page: js glue" "$(wc -c <"$work/out/yew/yew_min.js")" "$yew_js"
echo "floor: $(((core + yew_wasm + yew_js) / 1000)) KB gzip before the page's own views and CSS"
if [ "${1:-}" = "--names" ]; then
  wasm-opt -Oz -g "${features[@]}" "$built/core.wasm" -o "$work/out/core-names.wasm"
  python3 "$root/scripts/size_breakdown.py" "$work/out/core-names.wasm" --depth 4
fi

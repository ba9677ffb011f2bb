#!/usr/bin/env bash
# Every check, in order, stopping at the first failure: set-up, format, clippy (native and
# wasm32), native tests, one scenario on a real Apache Kafka cluster (the oracle), browser
# tests, the end-to-end check of the release bundle, its size.
set -euo pipefail
cd "$(dirname "$0")/.."

# The browser tests' runner finds chromedriver on PATH; name it when it is elsewhere.
if [ -z "${CHROMEDRIVER:-}" ] && command -v chromedriver >/dev/null; then
  export CHROMEDRIVER=$(command -v chromedriver)
fi
export TRUNK_SKIP_VERSION_CHECK=true

steps=(
  "set-up (installs only what is missing)|bash scripts/setup.sh"
  "format|cargo fmt --all -- --check"
  "clippy, native (every crate)|cargo clippy --workspace --all-targets -- -D warnings"
  "clippy, wasm32 (the page and the core it runs)|cargo clippy --target wasm32-unknown-unknown -p kafkascope --all-targets -- -D warnings && cargo clippy --target wasm32-unknown-unknown -p kafkascope-core --lib -- -D warnings"
  "tests, native (every crate)|cargo test --workspace"
  "end-to-end on a real Apache Kafka cluster: one scenario recorded and compared|bash scripts/oracle.sh --smoke"
  "tests, in the browser (wasm32, headless Chromium)|cargo test --target wasm32-unknown-unknown -p kafkascope"
  "end-to-end: release bundle from a sub-path|bash scripts/e2e.sh"
  "bundle size budget|bash scripts/size.sh"
)

results=()
current=
started_all=$SECONDS
summary() {
  local status=$?
  echo
  echo "==================== summary ===================="
  local r
  for r in "${results[@]}"; do echo "  $r"; done
  local failed=0
  if [ "$status" -ne 0 ] && [ -n "$current" ]; then
    echo "  FAILED  $current"
    failed=1
  fi
  echo "  ($(( SECONDS - started_all )) s in all)"
  echo "test.sh: ${#results[@]} passed, $failed failed"
  exit "$status"
}
trap summary EXIT

n=0
for step in "${steps[@]}"; do
  n=$((n + 1))
  name=${step%%|*}
  cmd=${step#*|}
  current="[$n/${#steps[@]}] $name  ($cmd)"
  echo
  echo "==> [$n/${#steps[@]}] $name"
  echo "    \$ $cmd"
  t0=$SECONDS
  bash -c "$cmd"
  results+=("ok      [$n/${#steps[@]}] $name ($(( SECONDS - t0 )) s)")
  current=
done

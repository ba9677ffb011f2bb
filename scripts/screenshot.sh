#!/usr/bin/env bash
# Takes one picture (docs/screenshots/moment.png by default): the release bundle served locally, in headless Chromium.
# Usage: scripts/screenshot.sh [OUT.png] [WIDTH,HEIGHT] [extra chromium flags...]
# The page is opened at a moment of a scenario given in the URL (SCREENSHOT_QUERY overrides it):
# two producers stream into topic orders, broker 3 is killed at 3 s, and at 12 s its session has
# expired: the controller fences it and moves leadership, and its metadata updates are in flight.
# (?paused: time stands still; ?t=: the core runs to that simulated millisecond.)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

out=${1:-docs/screenshots/moment.png}
size=${2:-1440,1400}
query=${SCREENSHOT_QUERY-"?paused&lang=en&run=producer create p2 acks=1;produce p1 orders key=alice rate=45/s count=1000;produce p2 orders key=dave rate=31/s count=1000;advance 3s;broker kill 3;advance 8999ms&t=12001.1"}
shift $(( $# > 2 ? 2 : $# ))

if ! ls dist/*.wasm >/dev/null 2>&1; then
  release_build
fi
mkdir -p "$(dirname "$out")"
out=$(realpath "$out")

work=$(mktemp -d)
SERVER_PID=
cleanup() {
  if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

serve_dir dist
"$CHROMIUM" "${chromium_flags[@]}" --user-data-dir="$work/profile" --lang=en-US \
  --window-size="$size" --virtual-time-budget=10000 --run-all-compositor-stages-before-draw "$@" \
  --screenshot="$out" "http://127.0.0.1:$PORT/${query// /%20}" 2>"$work/chromium.log" || {
  cat "$work/chromium.log" >&2
  exit 1
}
echo "screenshot: $out"

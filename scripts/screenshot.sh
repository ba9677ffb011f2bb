#!/usr/bin/env bash
# Takes docs/screenshot.png: the release bundle served locally, in headless Chromium.
# Usage: scripts/screenshot.sh [OUT.png] [WIDTH,HEIGHT] [extra chromium flags...]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

out=${1:-docs/screenshot.png}
size=${2:-1400,1000}
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
  --window-size="$size" --virtual-time-budget=10000 "$@" \
  --screenshot="$out" "http://127.0.0.1:$PORT/" 2>"$work/chromium.log" || {
  cat "$work/chromium.log" >&2
  exit 1
}
echo "screenshot: $out"

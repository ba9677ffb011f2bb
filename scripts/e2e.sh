#!/usr/bin/env bash
# End-to-end check of the release bundle: build dist/, serve it under a sub-path (/a/b/), load it
# in headless Chromium and check that the DOM holds what only the running wasm core can draw.
# Fails when the wasm does not load (no broker cards, no replica chips).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

if [ "${1:-}" != "--no-build" ]; then
  release_build
fi
ls dist/*.wasm >/dev/null

work=$(mktemp -d)
SERVER_PID=
cleanup() {
  if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

mkdir -p "$work/www/a"
cp -r dist "$work/www/a/b"
SERVER_LOG="$work/server.log" serve_dir "$work/www"

dump() { # dump URL FILE
  "$CHROMIUM" "${chromium_flags[@]}" --user-data-dir="$work/profile" \
    --virtual-time-budget=10000 --dump-dom "$1" >"$2" 2>"$work/chromium.log" || {
    cat "$work/chromium.log" >&2
    return 1
  }
}

url="http://127.0.0.1:$PORT/a/b/"
echo "loading $url"
dump "$url" "$work/page.html"

python3 - "$work/page.html" <<'PY'
import sys
from html.parser import HTMLParser

class Page(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids, self.brokers, self.chips, self.rows = set(), [], [], []
        self.broker = None
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a:
            self.ids.add(a["id"])
        if tag == "article" and "data-broker" in a:
            self.broker = a["data-broker"]
            self.brokers.append(a["data-broker"])
        if "data-replica" in a:
            self.chips.append((self.broker, a["data-replica"], a.get("data-leader"), a.get("data-isr")))
        if tag == "tr" and "data-partition" in a:
            self.rows.append((a["data-partition"], a["data-leader"], a["data-replicas"], a["data-isr"]))

page = Page()
page.feed(open(sys.argv[1], encoding="utf-8").read())
problems = []
def check(ok, what):
    print(("  ok   " if ok else "  FAIL ") + what)
    if not ok:
        problems.append(what)

check("loading" not in page.ids, "the wasm started (the loading placeholder is gone)")
check("panic-banner" not in page.ids, "no panic banner")
check(page.brokers == ["1", "2", "3"], f"three broker cards 1,2,3 (got {page.brokers})")
check(sorted(r[0] for r in page.rows) == ["orders-0", "orders-1", "orders-2"],
      f"describe rows orders-0..2 (got {[r[0] for r in page.rows]})")
for name, leader, replicas, isr in page.rows:
    hosts = sorted(b for b, c, _, _ in page.chips if c == name)
    leaders = [b for b, c, l, _ in page.chips if c == name and l == "true"]
    check(hosts == sorted(replicas.split(",")), f"{name}: chips on brokers {hosts} = Replicas {replicas}")
    check(leaders == [leader], f"{name}: leader chip on broker {leaders} = Leader {leader}")
    in_isr = sorted(b for b, c, _, i in page.chips if c == name and i == "true")
    check(in_isr == sorted(isr.split(",")), f"{name}: ISR chips {in_isr} = Isr {isr}")
if problems:
    sys.exit(f"e2e: {len(problems)} check(s) failed on the page")
PY

# A panic must leave a visible banner, not a dead page (`?panic` panics on purpose).
echo "loading ${url}?panic"
dump "${url}?panic" "$work/panic.html"
if grep -q 'id="panic-banner"' "$work/panic.html"; then
  echo "  ok   a panic shows the error banner"
else
  echo "  FAIL a panic did not show the error banner" >&2
  exit 1
fi
echo "e2e: the release bundle works from a sub-path"

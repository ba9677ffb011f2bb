#!/usr/bin/env bash
# End-to-end check of the release bundle: build dist/, serve it under a sub-path (/a/b/), load it
# in headless Chromium and check that the DOM holds what only the running wasm core can draw:
# the first screen (cards, chips, describe rows, the network diagram and its messages in flight),
# a failover run from scenario lines in the URL, and a refused line. Fails when the wasm does not
# load (no broker cards, no replica chips). Then the page's promises: it runs under its strict
# Content-Security-Policy without a violation (and a violation would show), and it makes no
# network request after the load whatever a visitor does (scripts/page_checks.py, through
# ChromeDriver). --soak: the page's memory after one simulated hour at 1,000 records/s.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

build=1
frames=0
soak=0
for arg in "$@"; do
  case "$arg" in
    --no-build) build=0 ;;
    --frames) frames=1 ;;
    --soak) soak=1 ;;
    *) echo "usage: scripts/e2e.sh [--no-build] [--frames] [--soak]" >&2; exit 2 ;;
  esac
done
if [ "$build" = 1 ]; then
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

dump() { # dump URL FILE: the DOM after 10 s of virtual time; the console in $work/chromium.log
  "$CHROMIUM" "${chromium_flags[@]}" --user-data-dir="$work/profile" --enable-logging=stderr --v=0 \
    --virtual-time-budget=10000 --dump-dom "$1" >"$2" 2>"$work/chromium.log" || {
    cat "$work/chromium.log" >&2
    return 1
  }
  # Chromium logs every Content-Security-Policy violation to the console.
  if grep -q "Content Security Policy" "$work/chromium.log"; then
    grep "Content Security Policy" "$work/chromium.log" | head -3 >&2
    echo "  FAIL a Content-Security-Policy violation while loading $1" >&2
    return 1
  fi
}

# page_checks [--soak]: scripts/page_checks.py through ChromeDriver.
page_checks() {
  DRIVER_PORT=$(free_port)
  chromedriver --port="$DRIVER_PORT" >"$work/chromedriver.log" 2>&1 &
  DRIVER_PID=$!
  local flags status=0
  flags=$(printf '"%s",' "${chromium_flags[@]}")
  python3 scripts/page_checks.py "http://127.0.0.1:$DRIVER_PORT" "$url" "[${flags%,}]" "$@" || status=$?
  kill "$DRIVER_PID" 2>/dev/null || true
  wait "$DRIVER_PID" 2>/dev/null || true
  return $status
}

url="http://127.0.0.1:$PORT/a/b/"

# --frames: the frame-time harness instead of the checks (scripts/frame_times.py: frame intervals,
# the page's own work, the browser's CPU time per frame from a DevTools trace, the DOM's size;
# FRAMES_CASES=3 runs only the 100-broker case).
if [ "$frames" = 1 ]; then
  DRIVER_PORT=$(free_port)
  chromedriver --port="$DRIVER_PORT" >"$work/chromedriver.log" 2>&1 &
  DRIVER_PID=$!
  trap 'kill "$DRIVER_PID" 2>/dev/null || true; cleanup' EXIT
  flags=$(printf '"%s",' "${chromium_flags[@]}")
  python3 scripts/frame_times.py "http://127.0.0.1:$DRIVER_PORT" "$url" "[${flags%,}]"
  exit 0
fi

if [ "$soak" = 1 ]; then
  echo "the page's memory after simulated time at 1,000 records/s ($url)"
  page_checks --soak
  exit 0
fi

# The release page carries its policy (Trunk's post_build hook, scripts/csp.py).
grep -q 'http-equiv="Content-Security-Policy"' dist/index.html || {
  echo "  FAIL dist/index.html has no Content-Security-Policy" >&2
  exit 1
}

echo "loading $url"
dump "$url" "$work/page.html"

# The page's DOM hooks, read by every check below.
cat >"$work/page.py" <<'PY'
import sys
from html.parser import HTMLParser

class Page(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids, self.brokers, self.chips, self.rows = set(), [], [], []
        self.nodes, self.tokens, self.states = [], [], {}
        self.broker = None
        self.capture = None
        self.text = {}
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a:
            self.ids.add(a["id"])
        if tag == "article" and "data-broker" in a:
            self.broker = a["data-broker"]
            self.brokers.append(a["data-broker"])
            self.states[a["data-broker"]] = a.get("data-state")
        if "data-replica" in a:
            self.chips.append((self.broker, a["data-replica"], a.get("data-leader"), a.get("data-isr")))
        if tag == "tr" and "data-partition" in a:
            self.rows.append((a["data-partition"], a["data-leader"], a["data-replicas"], a["data-isr"]))
        if "data-node" in a:
            self.nodes.append(a["data-node"])
        if "data-msg" in a:
            self.tokens.append(a.get("data-kind"))
        for hook in ("data-clock", "data-in-flight", "data-console-error"):
            if hook in a:
                self.capture = hook
                self.text[hook] = ""
                if hook == "data-clock":
                    self.text["now-ms"] = a.get("data-now-ms")
    def handle_endtag(self, tag):
        if tag in ("output", "div"):
            self.capture = None
    def handle_data(self, data):
        if self.capture:
            self.text[self.capture] += data

def load(path):
    page = Page()
    page.feed(open(path, encoding="utf-8").read())
    return page

problems = []
def check(ok, what):
    print(("  ok   " if ok else "  FAIL ") + what)
    if not ok:
        problems.append(what)
def done(what):
    if problems:
        sys.exit(f"e2e: {len(problems)} check(s) failed on {what}")
PY

PYTHONPATH="$work" python3 - "$work/page.html" <<'PY'
import sys
from page import load, check, done
page = load(sys.argv[1])
check("loading" not in page.ids, "the wasm started (the loading placeholder is gone)")
check("panic-banner" not in page.ids, "no panic banner")
check(page.brokers == ["1", "2", "3"], f"three broker cards 1,2,3 (got {page.brokers})")
# The first screen's story has a consumer group, so __consumer_offsets exists: its 50 rows are
# in the describe table, its replicas left out of the cards by design (README, "Broker cards").
rows = [r for r in page.rows if not r[0].startswith("__consumer_offsets-")]
check(len(rows) + 50 == len(page.rows), f"__consumer_offsets' 50 rows besides ({len(page.rows)} rows)")
check(sorted(r[0] for r in rows) == ["orders-0", "orders-1", "orders-2"],
      f"describe rows orders-0..2 (got {[r[0] for r in rows]})")
for name, leader, replicas, isr in rows:
    hosts = sorted(b for b, c, _, _ in page.chips if c == name)
    leaders = [b for b, c, l, _ in page.chips if c == name and l == "true"]
    check(hosts == sorted(replicas.split(",")), f"{name}: chips on brokers {hosts} = Replicas {replicas}")
    check(leaders == [leader], f"{name}: leader chip on broker {leaders} = Leader {leader}")
    in_isr = sorted(b for b, c, _, i in page.chips if c == name and i == "true")
    check(in_isr == sorted(isr.split(",")), f"{name}: ISR chips {in_isr} = Isr {isr}")
want = {"controller-3000", "controller-3001", "controller-3002", "broker-1", "broker-2", "broker-3", "producer-0"}
check(want <= set(page.nodes), f"the network diagram draws every node (got {page.nodes})")
count = page.text.get("data-in-flight", "").strip()
check(count.isdigit() and int(count) == len(page.tokens),
      f"one token per message in flight ({len(page.tokens)} tokens, count {count!r})")
check(page.text.get("data-clock", "").strip().endswith(" s"), f"the clock shows simulated time ({page.text.get('data-clock')!r})")
done("the first screen")
PY

# Scenario lines in the URL run in the release bundle's core: kill the leader of orders-0's
# broker, wait out the session timeout, and leadership has moved.
echo "loading ${url}?paused&run=broker kill 1;advance 15s"
dump "${url}?paused&run=broker%20kill%201;advance%2015s" "$work/kill.html"
PYTHONPATH="$work" python3 - "$work/kill.html" <<'PY'
import sys
from page import load, check, done
page = load(sys.argv[1])
check(page.states.get("1") == "crashed", f"broker 1 is drawn crashed ({page.states})")
check(page.text.get("now-ms") == "15000", f"the clock is at 15 s (data-now-ms={page.text.get('now-ms')})")
check(len(page.rows) == 3 and all(r[1] not in ("1", "none") for r in page.rows),
      f"no partition is led by broker 1 any more: {[(r[0], r[1]) for r in page.rows]}")
check(all("1" not in r[3].split(",") for r in page.rows), "broker 1 left every ISR")
done("the failover")
PY

# A refused line shows the core's error.
echo "loading ${url}?paused&run=brokr kill 2"
dump "${url}?paused&run=brokr%20kill%202" "$work/refused.html"
PYTHONPATH="$work" python3 - "$work/refused.html" <<'PY'
import sys
from page import load, check, done
page = load(sys.argv[1])
error = page.text.get("data-console-error", "")
check("unknown command 'brokr'" in error, f"the console shows the core's refusal ({error.strip()[:80]!r})")
check(page.states == {"1": "running", "2": "running", "3": "running"}, "and nothing changed")
done("the refused line")
PY

# A guided tour from the URL: its file is fetched from the bundle (tours/, copied by Trunk),
# relative to the page's sub-path, and the step's cluster is the tour's replay.
echo "loading ${url}?paused&lang=en&tour=05-acks&step=5"
dump "${url}?paused&lang=en&tour=05-acks&step=5" "$work/tour.html"
PYTHONPATH="$work" python3 - "$work/tour.html" <<'PY'
import re, sys
from page import load, check, done
page = load(sys.argv[1])
html = open(sys.argv[1], encoding="utf-8").read()
panel = re.search(r'<section[^>]*data-tour-panel[^>]*>', html)
check(panel is not None, "the tour panel is shown (the tour file was fetched)")
check(panel is not None and 'data-tour="05-acks"' in panel.group(0) and 'data-step="5"' in panel.group(0),
      f"tour 05-acks at step 5 ({panel.group(0)[:120] if panel else None})")
check(page.states.get("1") == "crashed", f"broker 1, the old leader, is drawn crashed ({page.states})")
check([(r[0], r[1]) for r in page.rows] == [("t-0", "2")], f"t-0 is led by broker 2 ({page.rows})")
done("the guided tour")
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
# A violation would show: the same bundle with one inline script the policy does not allow.
mkdir -p "$work/www/a/csp"
cp -r dist/. "$work/www/a/csp/"
sed -i 's#<body>#<body><script>document.title = "injected"</script>#' "$work/www/a/csp/index.html"
if dump "http://127.0.0.1:$PORT/a/csp/" "$work/csp.html" 2>/dev/null; then
  echo "  FAIL an inline script outside the policy ran unnoticed" >&2
  exit 1
fi
grep -q "<title>injected" "$work/csp.html" && { echo "  FAIL the injected script ran" >&2; exit 1; }
echo "  ok   an inline script outside the policy is refused and the refusal is seen"

page_checks

echo "e2e: the release bundle works from a sub-path"

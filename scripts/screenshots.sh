#!/usr/bin/env bash
# Takes the README's pictures of the page's main states (docs/screenshots/*.png) from the
# release bundle in headless Chromium, driven through ChromeDriver: each picture is a page URL
# (a scenario in ?run=, a moment in ?t=, paused) and either the whole window or one panel
# (WebDriver's element screenshot). Then one picture per step of every guided tour at 1366 × 768
# (a laptop's window: a viewport of 1366 × 625) in English and Korean, into
# target/screenshots/tours/ID-STEP-LANG.png (not committed: about 200 of them), to look at as a
# learner would. Run it after a UI change and look at the pictures.
# Usage: scripts/screenshots.sh [--no-build] [--no-tours]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

build=1 tours=1
for arg in "$@"; do
  case $arg in
    --no-build) build= ;;
    --no-tours) tours= ;;
  esac
done
if [ -n "$build" ]; then
  release_build
fi
ls dist/*.wasm >/dev/null
mkdir -p docs/screenshots

work=$(mktemp -d)
SERVER_PID=
DRIVER_PID=
cleanup() {
  for pid in "$SERVER_PID" "$DRIVER_PID"; do
    if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  done
  rm -rf "$work"
}
trap cleanup EXIT

serve_dir dist
DRIVER_PORT=$(free_port)
chromedriver --port="$DRIVER_PORT" >"$work/chromedriver.log" 2>&1 &
DRIVER_PID=$!
flags=$(printf '"%s",' "${chromium_flags[@]}")
python3 - "http://127.0.0.1:$DRIVER_PORT" "http://127.0.0.1:$PORT/" "[${flags%,}]" "$work" "$tours" <<'PY'
import base64, glob, json, os, sys, time, urllib.parse
sys.path.insert(0, "scripts")
import webdriver

driver, page, flags, work, tours = sys.argv[1], sys.argv[2], json.loads(sys.argv[3]), sys.argv[4], sys.argv[5]

call = webdriver.connect(driver, 120)

def url(run, t, extra=""):
    q = "?paused&lang=en" + extra
    if run:
        q += "&run=" + urllib.parse.quote(";".join(run))
    if t is not None:
        q += f"&t={t}"
    return page + q

stream = ["producer create p2 acks=1", "produce p1 orders key=alice rate=45/s count=1000",
          "produce p2 orders key=dave rate=31/s count=1000"]
group = ["consumer create c1 group.id=billing topics=orders auto.offset.reset=earliest",
         "consumer create c2 group.id=billing topics=orders auto.offset.reset=earliest",
         "produce p1 orders key=alice rate=20/s count=1000", "advance 12s",
         "consumer create c3 group.id=billing topics=orders", "advance 2900ms"]
unclean = ["topic create ledger partitions=1 replication-factor=3 min.insync.replicas=1 unclean.leader.election.enable=true",
           "producer create p3 acks=1", "produce p3 ledger key=k count=20", "advance 2s",
           "network isolate 1", "network isolate 3", "produce p3 ledger key=k count=10", "advance 31s",
           "broker kill 2", "network heal", "advance 10s"]

# (file, what it shows, url, css selector of the part to take or None for the window, window size
#  [, css selectors to click first])
shots = [
    ("failover.png", "broker 3 killed at 3 s; at 12 s the controller fences it and moves leadership",
     url(stream + ["advance 3s", "broker kill 3", "advance 8999ms"], 12001.1), None, (1440, 1400)),
    ("group-rebalance.png", "a third consumer joins group billing: PreparingRebalance",
     url(group, 14900.4), "[data-panel=groups]", (1440, 2400)),
    ("unclean-election.png", "ledger-0: its leader (broker 2) kept acknowledging acks=1 writes alone, then died; broker 3 was elected uncleanly and the 10 records only broker 2 had are gone",
     url(unclean, None), ".first-screen", (1440, 1100)),
    ("tour-acks.png", "tour 5 (acks) in Korean after step 2: the prediction answered, the narration, the step's replicas outlined",
     page + "?paused&lang=ko&tour=05-acks&step=2", None, (1440, 1100)),
    ("korean-dark.png", "the page in Korean, dark theme (the theme button clicked)",
     url(stream + ["advance 2s"], 2000.5).replace("lang=en", "lang=ko"), None, (1440, 1000),
     ["[data-action=switch-theme]"]),
]

for name, what, address, selector, (w, h), *clicks in shots:
    session = call("POST", "/session", {"capabilities": {"alwaysMatch": {
        "goog:chromeOptions": {"args": flags + [f"--window-size={w},{h}", "--lang=en-US"]}}}})["sessionId"]
    try:
        call("POST", f"/session/{session}/url", {"url": address})
        time.sleep(2)
        for css in (clicks[0] if clicks else []):
            el = call("POST", f"/session/{session}/element", {"using": "css selector", "value": css})
            call("POST", f"/session/{session}/element/{list(el.values())[0]}/click", {})
            time.sleep(0.5)
        if selector:
            el = call("POST", f"/session/{session}/element", {"using": "css selector", "value": selector})
            eid = list(el.values())[0]
            png = call("GET", f"/session/{session}/element/{eid}/screenshot")
        else:
            png = call("GET", f"/session/{session}/screenshot")
        out = os.path.join("docs/screenshots", name)
        with open(out, "wb") as f:
            f.write(base64.b64decode(png))
        print(f"{out}: {what}")
    finally:
        call("DELETE", f"/session/{session}")

# Every step of every tour, at 1366 × 768, in both languages: one browser per language, the page
# opened at each step (?tour=ID&step=N shows the step's cluster exactly, as Back does).
if tours:
    out_dir = "target/screenshots/tours"
    os.makedirs(out_dir, exist_ok=True)
    for lang in ("en", "ko"):
        session = call("POST", "/session", {"capabilities": {"alwaysMatch": {
            "goog:chromeOptions": {"args": flags + ["--window-size=1366,768", "--lang=en-US"]}}}})["sessionId"]
        try:
            for path in sorted(glob.glob("tours/*.tour")):
                tid = os.path.basename(path)[:-len(".tour")]
                steps = sum(1 for line in open(path, encoding="utf-8") if line.strip() == "step")
                for n in range(1, steps + 1):
                    call("POST", f"/session/{session}/url",
                         {"url": page + f"?paused&lang={lang}&tour={tid}&step={n}"})
                    time.sleep(1.5)
                    png = call("GET", f"/session/{session}/screenshot")
                    with open(os.path.join(out_dir, f"{tid}-{n}-{lang}.png"), "wb") as f:
                        f.write(base64.b64decode(png))
            print(f"{out_dir}: every tour step in {lang}")
        finally:
            call("DELETE", f"/session/{session}")
PY

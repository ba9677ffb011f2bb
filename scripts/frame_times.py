#!/usr/bin/env python3
"""The frame-time harness (run by `scripts/e2e.sh --frames`): drives headless Chromium through
ChromeDriver (WebDriver over HTTP), lets the page play in real time, and reads what the page
collects with ?bench (window.__kafkascopeFrames: one timestamp per animation frame;
__kafkascopeWork: the milliseconds the page's own per-frame work took, of which __kafkascopeCore
the core's and __kafkascopePaint the painter's; __kafkascopeNew: the tokens the painter drew new).

Frame intervals depend on what else runs on the machine. So that decisions can rest on figures
that do not, it also reports the browser's own CPU time per frame over the same 15 s, from a
DevTools trace (thread time, `tdur`, of each event: the main thread's script, style, layout,
paint and compositing, and the raster workers' tiles), and the page's size (DOM elements).

usage: frame_times.py DRIVER_URL PAGE_URL CHROMIUM_FLAGS_JSON
FRAMES_CASES=1,3 picks cases by number (0: first screen, 1: 12 brokers, 2: the same at x0.01,
3: 100 brokers); FRAMES_TRACE=0 skips the trace; FRAMES_DUMP=PREFIX writes each case's trace
events to PREFIX-N.json; FRAMES_CSS='RULE|RULE' adds style rules after the load (experiments).
"""
import json
import os
import sys
import time
from collections import defaultdict

import webdriver

driver, page, flags = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
trace = os.environ.get("FRAMES_TRACE", "1") != "0"


call = webdriver.connect(driver, 300)


def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))] if xs else float("nan")


topics = ";".join(f"topic create t{i} partitions=24 replication-factor=3" for i in (1, 2, 3))
# A producer of its own, made after the topics (until 8775bed the core's producer failed a record
# for a topic its metadata did not know yet, so streams from the page's p1, made before the
# topics, never started; the figures before that commit used this producer too).
streams = "producer create load;" + ";".join(
    f"produce load t{i} rate={r}/s count=10000000" for i, r in ((1, 67), (2, 67), (3, 66)))
# Issue 5's two loads: three groups of two consumers on the 12-broker cluster; and a cluster of 100
# brokers (the page's control builds 12; `broker add` the rest; those registered with the
# controller after a second, about half, take the topic's replicas with the first 12), one topic
# of 240 partitions RF 3 and 40 consumers in 4 groups.
groups = ";".join(f"consumer create g{g}c{c} group.id=g{g} topics=t1,t2,t3" for g in (1, 2, 3) for c in (1, 2))
big = ";".join(["broker add"] * 88 + [
    "advance 1s",
    "topic create big partitions=240 replication-factor=3",
    "producer create load",
    "produce load big rate=200/s count=10000000",
] + [f"consumer create c{i} group.id=g{i % 4} topics=big" for i in range(40)])
cases = [
    ("first screen, 3 brokers, default speed x0.002", "?bench"),
    ("12 brokers, 3 topics x 24 partitions RF 3, 3 groups, 200 records/s, x1", f"?bench&brokers=12&speed=1&run={topics};{groups};{streams}"),
    ("the same at x0.01", f"?bench&brokers=12&speed=0.01&run={topics};{groups};{streams}"),
    ("100 brokers, 240 partitions RF 3, 40 consumers in 4 groups, 200 records/s, x1", f"?bench&brokers=12&speed=1&run={big}"),
]
picked = os.environ.get("FRAMES_CASES")
if picked:
    cases = [cases[int(i)] for i in picked.split(",")]

# The trace: what each thread spent its CPU on. Events nest (a task runs script, which forces a
# style recalc...), so the rows below are the events that do not contain each other.
CATEGORIES = "devtools.timeline,disabled-by-default-devtools.timeline"
MAIN_ROWS = {
    "FunctionCall": "script", "UpdateLayoutTree": "style", "Layout": "layout",
    "PrePaint": "prepaint", "Paint": "paint", "Layerize": "commit", "Commit": "commit",
}
options = {"args": flags + ["--window-size=1400,1000"]}
capabilities = {"goog:chromeOptions": options}
if trace:
    options["perfLoggingPrefs"] = {"traceCategories": CATEGORIES, "enableNetwork": False,
                                   "enablePage": False, "bufferUsageReportingInterval": 1000}
    capabilities["goog:loggingPrefs"] = {"performance": "ALL"}
session = call("POST", "/session", {"capabilities": {"alwaysMatch": capabilities}})["sessionId"]


def js(s):
    return call("POST", f"/session/{session}/execute/sync", {"script": s, "args": []})


def cdp(cmd, params=None):
    return call("POST", f"/session/{session}/goog/cdp/execute", {"cmd": cmd, "params": params or {}})


THREADS = {}


def trace_events():
    """The trace events collected since the last call (thread names remembered in THREADS)."""
    out = []
    for entry in call("POST", f"/session/{session}/se/log", {"type": "performance"}):
        m = json.loads(entry["message"])["message"]
        if m.get("method") == "Tracing.dataCollected":
            e = m["params"]
            if e.get("ph") == "M" and e.get("name") == "thread_name":
                THREADS[(e["pid"], e["tid"])] = e["args"]["name"]
            out.append(e)
    return out


def cpu_breakdown(events):
    """Thread milliseconds by row: the renderer main thread's rows, its whole tasks, and raster."""
    names = THREADS
    rows = defaultdict(float)
    for e in events:
        if e.get("ph") != "X" or "tdur" not in e:
            continue
        thread = names.get((e["pid"], e["tid"]), "")
        ms = e["tdur"] / 1000
        if e["name"] == "RasterTask":
            rows["raster (workers)"] += ms
        elif e["name"] == "RunTask" and thread in ("CrRendererMain", "Compositor", "VizCompositorThread"):
            rows[{"CrRendererMain": "main thread, all tasks", "Compositor": "compositor thread",
                  "VizCompositorThread": "viz thread"}[thread]] += ms
        elif thread == "CrRendererMain" and e["name"] in MAIN_ROWS:
            rows[MAIN_ROWS[e["name"]]] += ms
    return rows


try:
    for name, query in cases:
        call("POST", f"/session/{session}/url", {"url": page + query.replace(" ", "%20")})
        if os.environ.get("FRAMES_CSS"):  # an experiment: extra style rules (through the CSSOM)
            time.sleep(1)
            js("const s = document.styleSheets[0]; for (const r of %s) s.insertRule(r, s.cssRules.length);"
               % json.dumps(os.environ["FRAMES_CSS"].split("|")))
        for _ in range(4):  # warm up; drop what the load traced, before the trace buffer fills
            time.sleep(1)
            if trace:
                trace_events()
        cdp("Performance.enable", {"timeDomain": "threadTicks"})
        before = {m["name"]: m["value"] for m in cdp("Performance.getMetrics")["metrics"]}
        js("for (const a of ['Frames', 'Work', 'Core', 'Refresh', 'Paint', 'New']) window['__kafkascope' + a].length = 0;")
        t0 = int(js("return document.querySelector('[data-clock]').dataset.nowMs"))
        events = []
        for _ in range(5):  # read the trace as it comes, so that its buffer never fills
            time.sleep(3)
            if trace:
                events += trace_events()
        frames = js("return window.__kafkascopeFrames.slice()")
        work = js("return window.__kafkascopeWork.slice()")
        core = js("return window.__kafkascopeCore.slice()")
        refreshes = js("return window.__kafkascopeRefresh.slice()")
        paints = js("return window.__kafkascopePaint.slice()")
        new = js("return window.__kafkascopeNew.slice()")
        refresh = [r for r in refreshes if r > 0]
        after = {m["name"]: m["value"] for m in cdp("Performance.getMetrics")["metrics"]}
        t1 = int(js("return document.querySelector('[data-clock]').dataset.nowMs"))
        dom = js("let leo = 0; for (const c of document.querySelectorAll('[data-replica][data-leader=\"true\"]'))"
                 " leo += Number(c.dataset.leo);"
                 " return {all: document.getElementsByTagName('*').length, records: leo,"
                 " cards: document.querySelectorAll('[data-broker]').length,"
                 " chips: document.querySelectorAll('[data-replica]').length,"
                 " svg: document.querySelectorAll('svg.network *').length,"
                 " tokens: document.querySelectorAll('svg g.tokens [data-msg]').length}")
        cdp("Performance.disable")
        gaps = [b - a for a, b in zip(frames, frames[1:])]
        n = max(len(frames), 1)
        print(f"{name}:")
        seconds = (frames[-1] - frames[0]) / 1000 if len(frames) > 1 else float("nan")
        print(f"  {len(frames)} frames in {seconds:.1f} s; frame interval p50 {pct(gaps, 50):.1f} ms, p95 {pct(gaps, 95):.1f} ms, max {max(gaps):.1f} ms")
        # rAF timestamps come in 0.1 ms steps, so a 60 Hz vsync (16.67 ms) reads 16.6 to 16.8:
        # count the intervals that missed a vsync (over 1.5 periods of the median) instead.
        vsync = pct(gaps, 50)
        missed = sum(1 for g in gaps if g > 1.5 * vsync)
        # A 200 ms frame costs twelve vsyncs, a 25 ms one a single vsync: count those too.
        lost = sum(max(round(g / vsync) - 1, 0) for g in gaps) if vsync > 0 else 0
        print(f"  intervals longer than one vsync: {missed} of {len(gaps)} ({100 * missed / max(len(gaps), 1):.1f} %);"
              f" vsyncs lost {lost} ({100 * lost / max(len(gaps) + lost, 1):.1f} % of the run's vsyncs)")
        print(f"  page work per frame p50 {pct(work, 50):.2f} ms, p95 {pct(work, 95):.2f} ms, max {max(work):.1f} ms")
        print(f"  of which the core p50 {pct(core, 50):.2f} ms, p95 {pct(core, 95):.2f} ms (total {sum(core):.0f} ms);"
              f" {len(refresh)} refreshes (snapshot and Yew's render, after the frame's callback) p50"
              f" {pct(refresh, 50):.2f} ms, p95 {pct(refresh, 95):.2f} ms (total {sum(refresh):.0f} ms)")
        print(f"  painting the tokens p50 {pct(paints, 50):.2f} ms, p95 {pct(paints, 95):.2f} ms, max {max(paints):.1f} ms;"
              f" tokens drawn new per frame p50 {pct(new, 50):.0f}, p95 {pct(new, 95):.0f}, max {max(new):.0f}")
        # The longest intervals and what the page did in the frame that opened each (work, of
        # which the core and painting the tokens, and how many it drew new) and the refresh
        # measured at the frame after it.
        longest = sorted(range(len(gaps)), key=lambda i: -gaps[i])[:5]
        print("  longest intervals: " + "; ".join(
            f"{gaps[i]:.0f} ms (work {work[i]:.1f}, core {core[i]:.1f}, paint {paints[i]:.1f} with"
            f" {new[i]:.0f} new, refresh {max(refreshes[i:i + 2], default=0):.1f})" for i in longest))
        print(f"  simulated time advanced {t1 - t0} ms; {dom['tokens']} tokens on screen at the end;"
              f" {dom['records']} records in the leaders' logs")
        print(f"  DOM: {dom['all']} elements ({dom['cards']} broker cards, {dom['chips']} replica chips,"
              f" {dom['svg']} in the diagram)")
        d = {k: (after.get(k, 0) - before.get(k, 0)) for k in after}
        print("  DevTools metrics per frame (thread time): task {:.2f} ms, script {:.2f}, style {:.2f} ({:.1f} recalcs),"
              " layout {:.2f} ({:.1f} layouts)".format(
                  d["TaskDuration"] * 1000 / n, d["ScriptDuration"] * 1000 / n, d["RecalcStyleDuration"] * 1000 / n,
                  d["RecalcStyleCount"] / n, d["LayoutDuration"] * 1000 / n, d["LayoutCount"] / n))
        if events and os.environ.get("FRAMES_DUMP"):  # the raw trace, for a closer look
            with open(f"{os.environ['FRAMES_DUMP']}-{cases.index((name, query))}.json", "w") as f:
                json.dump({"threads": {f"{p} {t}": n for (p, t), n in THREADS.items()}, "events": events}, f)
        if events:
            rows = cpu_breakdown(events)
            print("  trace, CPU ms per frame: " + ", ".join(
                f"{k} {v / n:.2f}" for k, v in sorted(rows.items(), key=lambda kv: -kv[1])))
finally:
    call("DELETE", f"/session/{session}")

#!/usr/bin/env python3
"""The page's own promises, checked in headless Chromium through ChromeDriver (run by
scripts/e2e.sh): it runs under its Content-Security-Policy without a violation, and once loaded
it makes no network request whatever a visitor does. With --soak: the memory the page holds after
one simulated hour at 1,000 records/s (BENCHMARKS.md).

usage: page_checks.py DRIVER_URL PAGE_URL CHROMIUM_FLAGS_JSON [--soak]
"""
import json
import sys
import time
import urllib.parse

import webdriver

driver, page, flags = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
soak = "--soak" in sys.argv[4:]


call = webdriver.connect(driver, 900)

problems = []


def check(ok, what):
    print(("  ok   " if ok else "  FAIL ") + what)
    if not ok:
        problems.append(what)


session = call("POST", "/session", {"capabilities": {"alwaysMatch": {
    "goog:chromeOptions": {"args": flags + ["--window-size=1400,1000", "--enable-precise-memory-info"]},
    "timeouts": {"script": 900000, "pageLoad": 900000}}}})["sessionId"]


def js(script, *args):
    return call("POST", f"/session/{session}/execute/sync", {"script": script, "args": list(args)})


def wait_for(script, seconds=60):
    end = time.time() + seconds
    while time.time() < end:
        if js(script):
            return True
        time.sleep(0.1)
    return False


# DOM helpers the checks drive the page with (as a visitor: fields, buttons, the console).
HELPERS = """
window.__ks = {
  set(sel, value) {
    const el = document.querySelector(sel);
    el.value = value;
    el.dispatchEvent(new Event(el.tagName === 'SELECT' ? 'change' : 'input', {bubbles: true}));
  },
  click(sel) { document.querySelector(sel).click(); },
  console(line) { this.set('input[data-control="console"]', line); this.click('[data-action="console-run"]'); },
};
"""

try:
    if not soak:
        print(f"loading {page} (ChromeDriver)")
        call("POST", f"/session/{session}/url", {"url": page})
        check(wait_for("return document.querySelectorAll('[data-broker]').length === 3"),
              "the page started under its Content-Security-Policy")
        csp = js("const m = document.querySelector('meta[http-equiv=\"Content-Security-Policy\"]');"
                 " return m ? m.content : null")
        check(bool(csp) and "default-src 'self'" in csp and "'unsafe-inline'" not in csp
              and "'unsafe-eval'" not in csp.replace("'wasm-unsafe-eval'", ""),
              f"a strict policy is in force: {csp}")
        # Violations from here on are recorded (the load itself is checked in Chromium's log).
        js("window.__cspViolations = [];"
           " document.addEventListener('securitypolicyviolation',"
           "   e => window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));" + HELPERS)
        before = js("return performance.getEntriesByType('resource').map(e => e.name)")
        check(any(n.endswith(".wasm") for n in before), f"the load fetched the wasm ({len(before)} resources)")
        # A visitor at work: a record by hand, a broker killed, time played, a tool line, the
        # language and the theme switched, a topic created, a consumer added.
        js("__ks.set('[data-control=\"produce-key\"]', 'alice');"
           " __ks.set('[data-control=\"produce-value\"]', 'hello');"
           " __ks.click('[data-action=\"produce-send\"]');")
        js("__ks.click('[data-broker=\"1\"] [data-action=\"broker-kill\"]')")
        js("__ks.click('[data-action=\"play\"]')")
        time.sleep(3)
        js("__ks.click('[data-action=\"play\"]')")
        js("__ks.console('kafka-topics.sh --bootstrap-server localhost:9092 --describe')")
        js("__ks.console('consumer create c1 group.id=g topics=orders')")
        js("__ks.console('advance 20s')")
        js("__ks.click('[data-action=\"switch-language\"]'); __ks.click('[data-action=\"switch-theme\"]');")
        time.sleep(1)
        after = js("return performance.getEntriesByType('resource').map(e => e.name)")
        new = [n for n in after if n not in before]
        check(not new and len(after) == len(before),
              f"no network request after the load ({len(before)} resources before, {len(after)} after: {new})")
        check(js("return performance.getEntriesByType('navigation').length") == 1, "no navigation either")
        check(js("return document.querySelectorAll('[data-broker=\"1\"][data-state=\"crashed\"]').length") == 1,
              "the actions ran (broker 1 is drawn crashed)")
        violations = js("return window.__cspViolations")
        check(violations == [], f"no CSP violation while the page ran ({violations})")
        # Controls: the checks see what they look for. A request made on purpose shows as a new
        # resource entry; a style attribute (which the policy forbids) is reported.
        js("fetch(location.href); document.body.setAttribute('style', 'color: red');")
        time.sleep(1)
        control = js("return performance.getEntriesByType('resource').length")
        check(control == len(after) + 1, f"control: a fetch made on purpose is seen ({control} resources)")
        violations = js("return window.__cspViolations")
        check(any("style-src" in v for v in violations), f"control: a forbidden inline style is reported ({violations})")
        # A guided tour: its file is the one request a visitor can cause after the load (fetched
        # from the page's own origin when the tour opens), and its highlight is a stylesheet rule
        # added through the CSSOM, which the policy allows.
        tour = page + "?paused&lang=en&tour=05-acks&step=5"
        call("POST", f"/session/{session}/url", {"url": tour})
        check(wait_for("return !!document.querySelector('[data-tour-panel][data-step=\"5\"]')"),
              "a tour step shows under the policy")
        js("window.__cspViolations = [];"
           " document.addEventListener('securitypolicyviolation',"
           "   e => window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));")
        js("document.querySelector('[data-action=\"tour-next\"]').click()")
        time.sleep(1)
        requests = js("return performance.getEntriesByType('resource').map(e => e.name)")
        extra = [n for n in requests if not (n.endswith(".wasm") or n.endswith(".js") or n.endswith(".css"))]
        check(all("/tours/" in n and n.endswith(".tour") for n in extra),
              f"the only requests besides the bundle are tour files ({extra})")
        rule = js("const r = document.styleSheets[0].cssRules; return r[r.length - 1].cssText")
        check("--tour-hl" in rule, f"the step's highlight is a stylesheet rule ({rule[:80]})")
        violations = js("return window.__cspViolations")
        check(violations == [], f"no CSP violation in the tour ({violations})")
    else:
        lines = [
            "topic create soak partitions=6 replication-factor=3 min.insync.replicas=2 retention.ms=60000 segment.bytes=1048576",
            "producer create p acks=all linger.ms=5",
            "consumer create c1 group.id=soak topics=soak auto.offset.reset=earliest processing.time.ms=0 max.poll.records=500",
            "consumer create c2 group.id=soak topics=soak auto.offset.reset=earliest processing.time.ms=0 max.poll.records=500",
            "produce p soak count=3600000 rate=1000/s",
        ]
        results = []
        for minutes in (0, 10, 30, 60):
            query = "?bench&speed=0.002&run=" + urllib.parse.quote(";".join(lines)) + f"&t={minutes * 60000}"
            started = time.time()
            call("POST", f"/session/{session}/url", {"url": page + query})
            ok = wait_for(f"return document.querySelector('[data-clock]') &&"
                          f" Number(document.querySelector('[data-clock]').dataset.nowMs) >= {minutes * 60000}", 900)
            seconds = time.time() - started
            time.sleep(1)
            m = js("return {wasm: window.__kafkascopeMemory ? window.__kafkascopeMemory.buffer.byteLength : null,"
                   " used: performance.memory ? performance.memory.usedJSHeapSize : null,"
                   " total: performance.memory ? performance.memory.totalJSHeapSize : null}")
            results.append((minutes, ok, seconds, m))
            print(f"  {minutes:>3} simulated minutes: loaded in {seconds:.0f} s; wasm memory {m['wasm']/1e6:.1f} MB,"
                  f" JS heap used {m['used']/1e6:.1f} MB (total {m['total']/1e6:.1f} MB)")
            check(ok, f"the page reached {minutes} simulated minutes")
finally:
    call("DELETE", f"/session/{session}")

if problems:
    sys.exit(f"page checks: {len(problems)} failed")

"""The one WebDriver client of the scripts (frame_times.py, page_checks.py, screenshots.sh):
ChromeDriver's HTTP API with the standard library only, so the scripts need nothing installed."""
import json
import time
import urllib.request


def connect(driver, timeout):
    """Waits for ChromeDriver at `driver` (a URL) and returns call(method, path, body=None),
    which answers with the response's "value"; `timeout` seconds per call."""

    def call(method, path, body=None):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(driver + path, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return json.load(r)["value"]

    for _ in range(100):
        try:
            call("GET", "/status")
            break
        except OSError:
            time.sleep(0.1)
    return call

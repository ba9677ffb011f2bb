#!/usr/bin/env python3
"""Trunk post_build hook: puts a strict Content-Security-Policy in the built index.html.

Trunk's loader is an inline <script type="module"> naming the hashed .js and .wasm files, so its
text (and its hash) changes with every build: this computes the SHA-256 of every inline script as
the browser does (the exact text between the tags) and allows exactly those. Only release builds
get the policy: `trunk serve` adds its own live-reload script and websocket in development.

The policy (docs/SECURITY.md explains each directive):
  default-src 'self'             nothing from elsewhere
  script-src 'self' 'wasm-unsafe-eval' 'sha256-...'
                                 the glue .js, compiling the .wasm, Trunk's inline loader
  style-src 'self'               the stylesheet only: no inline styles
  img-src 'self' data:           the favicon is a data: SVG
  connect-src 'self'             the loader fetches the .wasm
  object-src 'none'; base-uri 'none'; form-action 'none'
"""
import base64
import hashlib
import os
import re
import sys

MARK = '<meta http-equiv="Content-Security-Policy"'


def policy(html: str) -> str:
    hashes = []
    for m in re.finditer(r"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", html, re.S):
        digest = hashlib.sha256(m.group(1).encode("utf-8")).digest()
        hashes.append("'sha256-" + base64.b64encode(digest).decode("ascii") + "'")
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self' 'wasm-unsafe-eval' " + " ".join(hashes),
            "style-src 'self'",
            "img-src 'self' data:",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'none'",
        ]
    )


def main() -> int:
    if os.environ.get("TRUNK_PROFILE", "release") != "release":
        return 0
    staging = os.environ.get("TRUNK_STAGING_DIR", sys.argv[1] if len(sys.argv) > 1 else "dist")
    path = os.path.join(staging, "index.html")
    with open(path, encoding="utf-8") as f:
        html = f.read()
    if MARK in html:
        return 0
    meta = f'<meta http-equiv="Content-Security-Policy" content="{policy(html)}">'
    # Right after <meta charset> (as written, or as Trunk's minifier leaves it): a policy
    # applies only to what comes after it.
    html, n = re.subn(r'(<meta charset="?utf-8"?\s*/?>)', lambda m: m.group(1) + meta, html, count=1)
    if n != 1:
        print("csp.py: no <meta charset> to put the policy after", file=sys.stderr)
        return 1
    with open(path, "w", encoding="utf-8") as f:
        f.write(html)
    return 0


if __name__ == "__main__":
    sys.exit(main())

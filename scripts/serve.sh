#!/usr/bin/env bash
# Installs what is missing (first time only), then serves the page with live reload at
# http://127.0.0.1:8080 (address and port in Trunk.toml). Extra arguments go to `trunk serve`.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
# Trunk runs cargo --offline (Trunk.toml offline = true): fetch the crates first.
cargo fetch --quiet
echo "Kafkascope: building, then serving at http://127.0.0.1:8080/ (Ctrl-C stops)"
TRUNK_SKIP_VERSION_CHECK=true exec trunk serve "$@"

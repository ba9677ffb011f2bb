# Helpers shared by the scripts (sourced, not run).

# Headless Chromium without the background network calls this closed network refuses.
CHROMIUM=${CHROMIUM:-chromium}
chromium_flags=(
  --headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage
  --disable-background-networking --disable-component-update --disable-sync
  --disable-default-apps --disable-extensions --no-first-run --no-default-browser-check
  --disable-quic --hide-scrollbars
)

# A TCP port nobody listens on right now.
free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# serve_dir DIR: serves DIR on 127.0.0.1 in the background; sets SERVER_PID and PORT.
# The caller kills SERVER_PID (trap) when done.
serve_dir() {
  PORT=$(free_port)
  python3 -m http.server "$PORT" --bind 127.0.0.1 --directory "$1" >"${SERVER_LOG:-/dev/null}" 2>&1 &
  SERVER_PID=$!
  local i
  for i in $(seq 100); do
    if python3 -c "import urllib.request, sys; urllib.request.urlopen(sys.argv[1], timeout=1)" \
      "http://127.0.0.1:$PORT/" 2>/dev/null; then
      return 0
    fi
    sleep 0.1
  done
  echo "the static server on port $PORT did not start" >&2
  return 1
}

# release_build: `trunk build --release` into dist/ (relative URLs: Trunk.toml has public_url "./").
release_build() {
  # Trunk runs cargo --offline (Trunk.toml offline = true): fetch the crates first.
  cargo fetch --quiet
  TRUNK_SKIP_VERSION_CHECK=true trunk build --release
}

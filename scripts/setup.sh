#!/usr/bin/env bash
# Installs what Kafkascope needs to build, serve and test, skipping what is already present.
# Everything comes from the package registries (crates.io, npm, Debian); nothing else is downloaded.
set -euo pipefail

WASM_BINDGEN_VERSION=0.2.130   # must equal the wasm-bindgen crate pinned in Cargo.toml
TRUNK_VERSION=0.21.14          # 0.22 needs a newer rustc than this machine's
BINARYEN_VERSION=132.0.0       # Debian's binaryen (108) rejects rustc 1.95's wasm

need_browser=${KAFKASCOPE_NEED_BROWSER:-1}
started=$SECONDS
log() { printf '[setup] %s\n' "$*" >&2; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  log "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$WASM_BINDGEN_VERSION" ]; then
  log "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (about 4-5 minutes)"
  # no --locked: the locked set names a crate version the registry mirror lacks
  cargo install wasm-bindgen-cli --version "=$WASM_BINDGEN_VERSION" --force
fi

if [ "$(trunk --version 2>/dev/null | awk '{print $2}')" != "$TRUNK_VERSION" ]; then
  log "installing trunk $TRUNK_VERSION (about 5-6 minutes)"
  # --debug halves the build time; trunk runs fine unoptimised
  cargo install trunk --version "=$TRUNK_VERSION" --locked --debug --force
fi

if ! wasm-opt --version 2>/dev/null | grep -q "version ${BINARYEN_VERSION%%.*}"; then
  log "installing wasm-opt (binaryen $BINARYEN_VERSION from npm)"
  npm install -g "binaryen@$BINARYEN_VERSION"
fi

# The browser tests, the end-to-end check and the screenshots need Chromium and its driver, and a
# Korean font so that the Korean texts do not show as empty boxes.
apt_packages=()
if [ "$need_browser" = 1 ]; then
  if ! { command -v chromium >/dev/null && command -v chromedriver >/dev/null; }; then
    apt_packages+=(chromium chromium-driver)
  fi
  if ! { command -v fc-list >/dev/null && fc-list :lang=ko | grep -q .; }; then
    apt_packages+=(fonts-nanum)
  fi
fi
if [ "${#apt_packages[@]}" -gt 0 ]; then
  log "installing ${apt_packages[*]} from Debian"
  as_root apt-get update -q
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${apt_packages[@]}"
fi

log "toolchain ready: $(wasm-bindgen --version), $(trunk --version), wasm-opt $(wasm-opt --version | awk '{print $3}') ($((SECONDS - started)) s)"

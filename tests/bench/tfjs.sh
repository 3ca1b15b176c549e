#!/usr/bin/env bash
# Blindspot and TF.js in one Chromium page load (BENCHMARKS.md, "Browser: Blindspot and TF.js"):
# builds Blindspot's half (src/bin/bench.rs) into target/bench-web/, then runs
# tests/bench/tfjs.mjs. Needs `npm ci` (TF.js 4.22 is a dev dependency). Usage:
# tests/bench/tfjs.sh [--quick]
set -euo pipefail
cd "$(dirname "$0")/../.."
cargo build --release --locked --target wasm32-unknown-unknown -p blindspot-web --bin bench --features cpu
wasm-bindgen --target web --no-typescript --out-dir target/bench-web \
  target/wasm32-unknown-unknown/release/bench.wasm
node tests/bench/tfjs.mjs "$@"

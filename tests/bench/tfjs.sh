#!/usr/bin/env bash
# Blindspot and TF.js in one Chromium page load (BENCHMARKS.md, "Browser: Blindspot and TF.js"):
# builds Blindspot's half (src/bin/bench.rs) into target/bench-web/, then runs
# tests/bench/tfjs.mjs. TF.js 4.22 (300 MB) goes into tests/bench/tfjs/node_modules, apart from
# the app's npm packages. Usage: tests/bench/tfjs.sh [--quick]
set -euo pipefail
cd "$(dirname "$0")/../.."
[ -d tests/bench/tfjs/node_modules/@tensorflow/tfjs-backend-wasm ] || npm ci --prefix tests/bench/tfjs --no-audit --no-fund
cargo build --release --locked --target wasm32-unknown-unknown -p blindspot-web --bin bench --features cpu
wasm-bindgen --target web --no-typescript --out-dir target/bench-web \
  target/wasm32-unknown-unknown/release/bench.wasm
node tests/bench/tfjs.mjs "$@"

#!/usr/bin/env bash
# What the browser benches need (tests/bench/tfjs.sh, tests/bench/photos.sh): the peers' npm
# packages in tests/bench/tfjs/node_modules (TF.js 4.22, ONNX Runtime Web 1.30; apart from the
# app's), and Blindspot's half (src/bin/bench.rs) built into target/bench-web/.
set -euo pipefail
cd "$(dirname "$0")/../.."
[ -d tests/bench/tfjs/node_modules/@tensorflow/tfjs-backend-wasm ] && [ -d tests/bench/tfjs/node_modules/onnxruntime-web ] \
  || npm ci --prefix tests/bench/tfjs --no-audit --no-fund
cargo build --release --locked --target wasm32-unknown-unknown -p blindspot-web --bin bench --features cpu
wasm-bindgen --target web --no-typescript --out-dir target/bench-web \
  target/wasm32-unknown-unknown/release/bench.wasm

#!/usr/bin/env bash
# EfficientNet-Lite0 side by side (BENCHMARKS.md, "ImageNet speed"): ONNX Runtime natively
# (tests/bench/onnx_efficientnet.py, which also writes the ONNX graph ONNX Runtime Web reads),
# Blindspot natively (crates/core/tests/imagenet_speed.rs) on 1 and 2 threads, then one
# Chromium page load with Blindspot, TF.js and ONNX Runtime Web (tests/bench/photos.mjs).
# Python: a venv with numpy, Pillow, onnx and onnxruntime (see the .py's docstring), in $PYTHON
# (default target/ref-venv/bin/python). Usage: tests/bench/photos.sh [photos.mjs flags]
set -euo pipefail
cd "$(dirname "$0")/../.."
"${PYTHON:-target/ref-venv/bin/python}" tests/bench/onnx_efficientnet.py
for threads in 1 2; do
  RAYON_NUM_THREADS=$threads cargo test --release -p blindspot-core --test imagenet_speed -- --ignored --nocapture 2>&1 | grep '"path"'
done
tests/bench/build-web.sh
node tests/bench/photos.mjs "$@"

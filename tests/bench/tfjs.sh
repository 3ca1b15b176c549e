#!/usr/bin/env bash
# Blindspot and TF.js in one Chromium page load (BENCHMARKS.md, "Browser: Blindspot and TF.js"):
# builds Blindspot's half (tests/bench/build-web.sh), then runs tests/bench/tfjs.mjs.
# Usage: tests/bench/tfjs.sh [--quick]
set -euo pipefail
cd "$(dirname "$0")/../.."
tests/bench/build-web.sh
node tests/bench/tfjs.mjs "$@"

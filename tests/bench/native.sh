#!/usr/bin/env bash
# The native speed comparison (BENCHMARKS.md, "Native: Blindspot and scipy"): builds the CLI,
# fetches MNIST if missing, installs numpy and scipy into target/bench-venv, then runs
# tests/bench/scipy_lbfgs.py. Usage: tests/bench/native.sh [MODEL] [N]  (fc100-100-10, 100)
set -euo pipefail
cd "$(dirname "$0")/../.."
model=${1:-fc100-100-10}
n=${2:-100}
cargo build --release --locked -p blindspot-cli
[ -f data/mnist/t10k-images-idx3-ubyte ] || ./target/release/blindspot fetch-mnist
venv=target/bench-venv
[ -x $venv/bin/python ] || python3 -m venv $venv
$venv/bin/pip install --quiet --disable-pip-version-check numpy==2.4.6 scipy==1.17.1
$venv/bin/python tests/bench/scipy_lbfgs.py "$model" "$n"

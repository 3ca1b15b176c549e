#!/usr/bin/env bash
# The native speed comparison (BENCHMARKS.md, "Native: Blindspot, scipy and PyTorch"): builds
# the CLI, fetches MNIST if missing, installs numpy, scipy and PyTorch (its PyPI wheel, ~3 GB
# with its CUDA libraries, used on the CPU) into target/bench-venv, then runs
# tests/bench/native_attacks.py. Usage: tests/bench/native.sh [MODEL] [N]  (fc100-100-10, 100)
set -euo pipefail
cd "$(dirname "$0")/../.."
model=${1:-fc100-100-10}
n=${2:-100}
cargo build --release --locked -p blindspot-cli
[ -f data/mnist/t10k-images-idx3-ubyte ] || ./target/release/blindspot fetch-mnist
venv=target/bench-venv
[ -x $venv/bin/python ] || python3 -m venv $venv
$venv/bin/pip install --quiet --disable-pip-version-check numpy==2.4.6 scipy==1.17.1 torch==2.9.1
$venv/bin/python tests/bench/native_attacks.py "$model" "$n"

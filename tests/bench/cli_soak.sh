#!/usr/bin/env bash
# Memory under load in the CLI (BENCHMARKS.md, "Memory under load"): N targeted L-BFGS attacks on
# fc100-100-10 (test digits 0..N, seeded random wrong targets, batches of 100) in one process,
# its resident memory read from /proc every 2 s. Usage: tests/bench/cli_soak.sh [N]  (10000)
set -euo pipefail
cd "$(dirname "$0")/../.."
n=${1:-10000}
cargo build --release --locked -p blindspot-cli
[ -f data/mnist/t10k-images-idx3-ubyte ] || ./target/release/blindspot fetch-mnist
started=$(date +%s)
./target/release/blindspot --json attack fc100-100-10 --indices "0..$n" --target random --batch 100 >target/cli-soak.json &
pid=$!
echo "seconds resident_kib"
while kill -0 $pid 2>/dev/null; do
  rss=$(awk '/VmRSS/ {print $2}' /proc/$pid/status 2>/dev/null || true)
  [ -n "$rss" ] && echo "$(($(date +%s) - started)) $rss"
  sleep 2
done
wait $pid
python3 -c "import json; r = json.load(open('target/cli-soak.json')); print(f'{sum(a[\"success\"] for a in r)} of {len(r)} reached, {$(date +%s) - $started} s')"

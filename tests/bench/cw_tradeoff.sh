#!/usr/bin/env bash
# Carlini–Wagner L2's trade-off between its budget (search steps over c × Adam iterations per c)
# and what it finds: mean L2, success and time per digit, natively, on MODEL's first N test
# digits towards a seeded random wrong label each (issue 26; BENCHMARKS.md "C&W's budget").
# Usage: tests/bench/cw_tradeoff.sh [MODEL] [N]   (builds the release CLI first, unless
# BLINDSPOT names a built one)
set -euo pipefail
cd "$(dirname "$0")/../.."
model=${1:-fc100-100-10}
n=${2:-50}
[ -n "${BLINDSPOT:-}" ] || cargo build --release --quiet -p blindspot-cli
printf '| model | first c | search steps | iterations | reached | mean L2 | mean RMS | ms / digit |\n|---|---|---|---|---|---|---|---|\n'
# The paper's first c (1e-2) and the page's (1: where MNIST searches end, see the table).
for start in 0.01 1; do
for steps in 1 3 5 9; do
  for iterations in 100 300 1000 10000; do
    "${BLINDSPOT:-target/release/blindspot}" attack "$model" --method cw --indices "0..$n" --target random \
      --c-start "$start" --search-steps "$steps" --iterations "$iterations" --json |
      python3 -c '
import json, sys
rows = json.load(sys.stdin)
won = [r for r in rows if r["success"]]
l2, rms = (sum(r[k] for r in won) / max(1, len(won)) for k in ("l2", "rms"))
model, start, steps, iterations = sys.argv[1:]
ms = rows[0]["ms"]
print(f"| {model} | {start} | {steps} | {iterations} | {len(won)}/{len(rows)} | {l2:.3f} | {rms:.4f} | {ms:.1f} |")
' "$model" "$start" "$steps" "$iterations"
  done
done
done


#!/usr/bin/env bash
# Carlini–Wagner L2's budget (first c, values of c tried × Adam iterations per c) against what
# it finds: digits reached, mean L2 and time per digit, natively, one digit at a time as the
# page runs it, on MODEL's first N test digits towards a seeded random wrong label each
# (BENCHMARKS.md, "C&W's budget"; the page's default is CwConfig::PAGE).
# Usage: tests/bench/cw_tradeoff.sh [MODEL] [N]   (builds the release CLI first, unless
# BLINDSPOT names a built one)
set -euo pipefail
cd "$(dirname "$0")/../.."
model=${1:-convnet}
n=${2:-20}
[ -n "${BLINDSPOT:-}" ] || cargo build --release --quiet -p blindspot-cli
printf '| first c | values of c | iterations | reached | mean L2 | ms / digit | evaluations / digit |\n|---|---|---|---|---|---|---|\n'
for budget in "0.01 5 300" "1 3 300" "1 4 300" "1 5 200" "1 5 300" "1 6 300" "1 9 10000"; do
  set -- $budget
  "${BLINDSPOT:-target/release/blindspot}" attack "$model" --method cw --indices "0..$n" --target random \
    --c-start "$1" --search-steps "$2" --iterations "$3" --batch 1 --json |
    python3 -c '
import json, sys
rows = json.load(sys.stdin)
won = [r for r in rows if r["success"]]
l2 = sum(r["l2"] for r in won) / max(1, len(won))
ms = sum(r["ms"] for r in rows) / len(rows)
evaluations = sum(r["iterations"] for r in rows) / len(rows)
start, steps, iterations = sys.argv[1:]
print(f"| {start} | {steps} | {iterations} | {len(won)}/{len(rows)} | {l2:.3f} | {ms:.0f} | {evaluations:.0f} |")
' "$1" "$2" "$3"
done

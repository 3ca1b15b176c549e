"""The attacks after the paper against its L-BFGS on our models (REPRODUCTION.md, "After the paper").

Runs the release CLI (`blindspot attack --json`) and summarises, per model:
- DeepFool (untargeted) against L-BFGS (untargeted) on the first N test digits: DeepFool's
  measure rho = |r|_2 / |x|_2 (mean over the digits both reached) and the time per digit;
- C&W L2 against L-BFGS on the first D test digits x every other class as the target: the mean
  over digits of the best-case (easiest target), mean-over-targets and worst-case L2;
- JSMA on the same D x 9 problems: success rate and the mean share of pixels changed (successes).
Usage (a Python with numpy, e.g. tests/reference/after_the_paper.py's venv), after
`cargo build --release -p blindspot-cli`:
    target/ref-venv/bin/python tests/bench/after_the_paper.py MODEL N D [CW_SEARCH_STEPS CW_ITERATIONS]
(C&W's budget defaults to the paper's 9 x 10,000.) Prints one JSON object. Times are the CLI's:
batches of 100 digits (per-digit figures are a batch's time / its size), one thread.
"""
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
CLI = os.environ.get("BLINDSPOT", str(ROOT / "target/release/blindspot"))


def test_set(n):
    """The first n test digits (pixels in [0, 1]) and their labels."""
    data = ROOT / "data/mnist"
    images = np.frombuffer((data / "t10k-images-idx3-ubyte").read_bytes()[16 : 16 + n * 784], np.uint8)
    labels = np.frombuffer((data / "t10k-labels-idx1-ubyte").read_bytes()[8 : 8 + n], np.uint8)
    return images.reshape(n, 784) / 255.0, labels


def attack(model, method, indices, target, *flags):
    """The CLI's rows for `method` on test digits `indices` towards `target`."""
    spec = ",".join(map(str, indices))
    out = subprocess.run([CLI, "attack", model, "--method", method, "--indices", spec, "--target", str(target),
                          "--json", *flags], check=True, capture_output=True, text=True).stdout
    return json.loads(out)


def every_target(model, method, digits, labels, *flags):
    """Rows for each of `digits` towards each other class, by (index, target)."""
    rows = {}
    for t in range(10):
        mine = [i for i in digits if labels[i] != t]
        for r in attack(model, method, mine, t, *flags):
            rows[(r["index"], t)] = r
    return rows


def cases(rows, digits, labels):
    """Mean over digits of the best, mean and worst target's L2 (digits where all 9 reached)."""
    best, mean, worst = [], [], []
    for i in digits:
        l2 = [rows[(i, t)]["l2"] for t in range(10) if t != labels[i] and rows[(i, t)]["success"]]
        if len(l2) == 9:
            best.append(min(l2)), mean.append(np.mean(l2)), worst.append(max(l2))
    ms = np.mean([r["ms"] for r in rows.values()])
    return {"digits": len(best), "best": np.mean(best), "mean": np.mean(mean), "worst": np.mean(worst),
            "ms_per_problem": ms}


def main():
    model, n, d = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    cw_budget = sys.argv[4:6] or ["9", "10000"]
    x, labels = test_set(max(n, d))
    norm = np.linalg.norm(x, axis=1)
    report = {"model": model, "n": n, "d": d, "cw_budget": cw_budget}
    if n:
        deepfool = attack(model, "deepfool", range(n), "untargeted")
        lbfgs = attack(model, "lbfgs", range(n), "untargeted")
        both = [i for i in range(n) if deepfool[i]["success"] and lbfgs[i]["success"]]
        rho = lambda rows: float(np.mean([rows[i]["l2"] / norm[i] for i in both]))
        report["untargeted"] = {
            "digits": len(both),
            "deepfool": {"rho": rho(deepfool), "reached": sum(r["success"] for r in deepfool),
                         "ms": float(np.mean([r["ms"] for r in deepfool]))},
            "lbfgs": {"rho": rho(lbfgs), "reached": sum(r["success"] for r in lbfgs),
                      "ms": float(np.mean([r["ms"] for r in lbfgs]))},
        }
    if d:
        digits = range(d)
        steps, iterations = cw_budget
        cw = every_target(model, "cw", digits, labels, "--search-steps", steps, "--iterations", iterations)
        lbfgs = every_target(model, "lbfgs", digits, labels)
        jsma = every_target(model, "jsma", digits, labels)
        won = [r for r in jsma.values() if r["success"]]
        report["targeted"] = {
            "cw": cases(cw, digits, labels),
            "lbfgs": cases(lbfgs, digits, labels),
            "jsma": {"problems": len(jsma), "success_rate": len(won) / len(jsma),
                     "changed_share": float(np.mean([r["l0"] / 784 for r in won])),
                     "ms_per_problem": float(np.mean([r["ms"] for r in jsma.values()]))},
        }
    print(json.dumps(report, indent=1, default=float))


if __name__ == "__main__":
    main()

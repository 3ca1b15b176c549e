"""Blindspot's CLI against scipy and PyTorch on the same targeted attacks (issue "Speed and scale").

The paper's attack -- minimise c*|r|^2 + CE(logits(x + r) / T, target) over the box, with the
largest successful c searched -- run four ways on the same weights, test digits and targets:
`blindspot attack` in one batch, `blindspot attack` one image at a time, and scipy's L-BFGS-B
(what CleverHans's and Foolbox's L-BFGS attacks call) with the gradient from numpy by hand or
from PyTorch's autograd (float32, its default threads), both with the c search Blindspot used
before its margin-guided one (memory 10, 60 iterations, projected gradient tolerance 1e-4, c
from 1, x10 or /10 up to 5 times, then geometric bisection up to 10 solves in all, T = 0.05).
Fully connected models only (sigmoid hidden layers, linear output).

Run it with tests/bench/native.sh, which builds the CLI and installs numpy, scipy and torch.
Usage: python tests/bench/native_attacks.py MODEL N
"""
import json
import os
import struct
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
from scipy.optimize import fmin_l_bfgs_b

ROOT = Path(__file__).resolve().parents[2]
MEMORY, ITERATIONS, TOLERANCE = 10, 60, 1e-4
C_START, C_FACTOR, BRACKET_STEPS, BISECTIONS, TEMPERATURE = 1.0, 10.0, 5, 5, 0.05


def safetensors(path):
    """The tensors of a safetensors file, by name, as float64 arrays."""
    raw = path.read_bytes()
    size = struct.unpack("<Q", raw[:8])[0]
    header = json.loads(raw[8 : 8 + size])
    body = raw[8 + size :]
    tensors = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        if info["dtype"] != "F32":
            sys.exit(f"{path}: {name} is {info['dtype']}, not F32")
        start, end = info["data_offsets"]
        tensors[name] = np.frombuffer(body[start:end], "<f4").reshape(info["shape"]).astype(np.float64)
    return tensors


def layers(model):
    """(weight [out, in], bias) per layer of a fully connected zoo model."""
    tensors = safetensors(ROOT / "models" / f"{model}.safetensors")
    count = len({k.split(".")[1] for k in tensors if k.startswith("layers.")})
    if count == 0 or set(tensors) != {f"layers.{i}.{p}" for i in range(count) for p in ("weight", "bias")}:
        sys.exit(f"{model} is not a fully connected model (its tensors: {', '.join(sorted(tensors))})")
    return [(tensors[f"layers.{i}.weight"], tensors[f"layers.{i}.bias"]) for i in range(count)]


def test_digits(n):
    raw = (ROOT / "data" / "mnist" / "t10k-images-idx3-ubyte").read_bytes()
    return np.frombuffer(raw[16 : 16 + n * 784], np.uint8).reshape(n, 784).astype(np.float64) / 255.0


def logits(net, x):
    h = x
    for k, (w, b) in enumerate(net):
        h = h @ w.T + b
        if k < len(net) - 1:
            h = 1.0 / (1.0 + np.exp(-h))
    return h


def objective(net, x0, target, c):
    """f(x) = c*|x - x0|^2 + CE(logits(x) / T, target) and its gradient, by hand."""

    def f(x):
        activations = [x]
        h = x
        for k, (w, b) in enumerate(net):
            h = h @ w.T + b
            if k < len(net) - 1:
                h = 1.0 / (1.0 + np.exp(-h))
            activations.append(h)
        z = h / TEMPERATURE
        z = z - z.max()
        p = np.exp(z) / np.exp(z).sum()
        ce = -np.log(max(p[target], 1e-300))
        g = p.copy()
        g[target] -= 1.0
        g /= TEMPERATURE
        for k in range(len(net) - 1, -1, -1):
            w, _ = net[k]
            if k < len(net) - 1:
                s = activations[k + 1]
                g = g * s * (1.0 - s)
            g = g @ w
        r = x - x0
        return c * r @ r + ce, 2.0 * c * r + g

    return f


def torch_objective(net):
    """As `objective`, with the forward pass in PyTorch (float32) and its gradient by autograd."""
    import torch

    layers = [(torch.tensor(w, dtype=torch.float32), torch.tensor(b, dtype=torch.float32)) for w, b in net]

    def make(_net, x0, target, c):
        origin = torch.tensor(x0, dtype=torch.float32)

        def f(x):
            z = torch.tensor(x, dtype=torch.float32, requires_grad=True)
            h = z
            for k, (w, b) in enumerate(layers):
                h = h @ w.T + b
                if k < len(layers) - 1:
                    h = torch.sigmoid(h)
            ce = -torch.log_softmax(h / TEMPERATURE, 0)[target]
            value = c * ((z - origin) ** 2).sum() + ce
            value.backward()
            return float(value.detach()), z.grad.numpy().astype(np.float64)

        return f

    return make


def attack(net, x0, target, make=objective):
    """Blindspot's former c search around scipy's L-BFGS-B on the objective `make` builds; the
    smallest successful r's RMS or None."""
    c, success_c, fail_c, steps, best = C_START, None, None, 0, None
    while True:
        z, _, _ = fmin_l_bfgs_b(make(net, x0, target, c), x0.copy(), bounds=[(0.0, 1.0)] * 784,
                                m=MEMORY, maxiter=ITERATIONS, pgtol=TOLERANCE)
        if int(np.argmax(logits(net, z))) == target:
            rms = float(np.sqrt(np.mean((z - x0) ** 2)))
            best = rms if best is None else min(best, rms)
            success_c = c if success_c is None else max(success_c, c)
        else:
            fail_c = c if fail_c is None else min(fail_c, c)
        steps += 1
        if success_c is not None and fail_c is not None:
            c = (success_c * fail_c) ** 0.5
            done = steps >= BRACKET_STEPS + BISECTIONS or fail_c / success_c < 1.01
        else:
            c = c * C_FACTOR if success_c is not None else c / C_FACTOR
            done = steps > BRACKET_STEPS
        if done:
            return best


def blindspot(model, n, batch):
    """`blindspot attack` on test digits 0..n (seeded random wrong targets): its answers, seconds."""
    # BLINDSPOT: another build of the CLI to time (a side-by-side comparison of two builds).
    binary = os.environ.get("BLINDSPOT", str(ROOT / "target/release/blindspot"))
    command = [binary, "--json", "attack", model, "--indices", f"0..{n}",
               "--target", "random", "--batch", str(batch)]
    started = time.perf_counter()
    answers = json.loads(subprocess.run(command, check=True, capture_output=True, text=True).stdout)
    return answers, time.perf_counter() - started


def row(name, successes, rms, seconds, n):
    mean = sum(rms) / len(rms) if rms else float("nan")
    return f"| {name} | {successes} / {n} | {mean:.4f} | {seconds:.2f} s | {1000 * seconds / n:.0f} ms |"


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    model, n = sys.argv[1], int(sys.argv[2])
    net = layers(model)
    print(f"{model}, test digits 0..{n}, seeded random wrong targets (wall time, process start included)\n")
    print("| attack | reached | mean RMS | time | per attack |\n|---|---|---|---|---|")
    for batch in (n, 1):
        answers, seconds = blindspot(model, n, batch)
        reached = [a["rms"] for a in answers if a["success"]]
        print(row(f"blindspot attack --batch {batch}", len(reached), reached, seconds, n), flush=True)
    targets = [a["target"] for a in answers]
    digits = test_digits(n)
    rivals = [("scipy fmin_l_bfgs_b + numpy gradient", objective)]
    try:
        import torch

        rivals.append((f"scipy fmin_l_bfgs_b + PyTorch {torch.__version__} autograd "
                       f"({torch.get_num_threads()} threads)", torch_objective(net)))
    except ImportError:
        print("(no PyTorch here: its row is left out)")
    for name, make in rivals:
        started = time.perf_counter()
        found = [attack(net, digits[i], targets[i], make) for i in range(n)]
        seconds = time.perf_counter() - started
        reached = [r for r in found if r is not None]
        print(row(name, len(reached), reached, seconds, n), flush=True)


if __name__ == "__main__":
    main()

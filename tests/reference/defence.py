#!/usr/bin/env python3
"""An independent reference for the perturbed batches of adversarial training (crates/core/src/defence.rs):
torchattacks 3.5.1's FGSM, PGD and PGDL2 (no random start, so that both sides are deterministic) on PyTorch,
against the fc100-100-10 and convnet models (rebuilt from their safetensors, float32, on the CPU) for the
first 100 digits of the committed test slice, attacked as one batch. It writes, per digit, the cross-entropy
of the true label at the perturbed point, the label read there and the L1 size of the perturbation to
tests/fixtures/defence-reference.json, which crates/core/tests/defence.rs compares with.

Regenerate (in the venv of tests/reference/after_the_paper.py, plus torchattacks):
    target/ref-venv/bin/pip install torchattacks==3.5.1
    target/ref-venv/bin/python tests/reference/defence.py
"""
import gzip, json, os, sys
import numpy as np
import torch
import torch.nn.functional as F
import torchattacks

sys.path.insert(0, os.path.dirname(__file__))
from after_the_paper import Net, ROOT, rounded  # the zoo's models rebuilt in PyTorch

FIXTURE = os.path.join(ROOT, 'tests', 'fixtures', 'defence-reference.json')
COMMAND = 'target/ref-venv/bin/python tests/reference/defence.py'
DIGITS = 100
EPSILON = 0.1
L2_EPSILON = 2.8  # the L2 radius of an RMS change of 0.1 over 784 pixels (course.rs's Guard::PgdL2)
# (fixture key, attack, images as [N, 1, 28, 28]?): PGD's step is 2.5 ε / steps, as defence.rs's
# Perturbation::pgd. PGDL2 reshapes per-image norms to [N, 1, 1, 1], so it gets images, not rows.
ATTACKS = [('fgsm', lambda net: torchattacks.FGSM(net, eps=EPSILON), False),
           ('pgd10', lambda net: torchattacks.PGD(net, eps=EPSILON, alpha=2.5 * EPSILON / 10, steps=10,
                                                  random_start=False), False),
           ('pgd10_l2', lambda net: torchattacks.PGDL2(torch.nn.Sequential(torch.nn.Flatten(), net), eps=L2_EPSILON,
                                                       alpha=2.5 * L2_EPSILON / 10, steps=10, random_start=False),
            True)]


def slice_digits(n):
    """The first n digits of www/digits ([n, 784] float32 in [0, 1]) and their labels."""
    d = os.path.join(ROOT, 'www', 'digits')
    images = np.frombuffer(gzip.open(os.path.join(d, 'test-1k-images-idx3-ubyte.gz')).read()[16:], np.uint8)
    labels = np.frombuffer(gzip.open(os.path.join(d, 'test-1k-labels-idx1-ubyte.gz')).read()[8:], np.uint8)
    return images.reshape(-1, 784)[:n].astype(np.float32) / np.float32(255), labels[:n].astype(np.int64)


def main():
    torch.set_num_threads(1)
    x0, y = slice_digits(DIGITS)
    x0, y = torch.as_tensor(x0), torch.as_tensor(y)
    models = {}
    for name in ['fc100-100-10', 'convnet']:
        net = Net(name)
        models[name] = {}
        for key, make, square in ATTACKS:
            xa = make(net)(x0.reshape(-1, 1, 28, 28) if square else x0, y).detach().reshape(-1, 784)
            with torch.no_grad():
                logits = net(xa)
            models[name][key] = dict(
                cross_entropy=F.cross_entropy(logits, y, reduction='none').tolist(),
                predicted=logits.argmax(1).tolist(),
                l1=(xa - x0).abs().sum(1).tolist(),
                linf=float((xa - x0).abs().max()),
                l2=float((xa - x0).norm(dim=1).max()))
            print(name, key, 'mean CE', float(np.mean(models[name][key]['cross_entropy'])), file=sys.stderr)
    out = dict(generated_by=COMMAND, torch=torch.__version__, torchattacks=torchattacks.__version__,
               epsilon=EPSILON, l2_epsilon=L2_EPSILON, digits=DIGITS, models=models)
    with open(FIXTURE, 'w') as f:
        f.write(json.dumps(rounded(out)) + '\n')
    print('wrote', os.path.relpath(FIXTURE, ROOT), file=sys.stderr)


if __name__ == '__main__':
    main()

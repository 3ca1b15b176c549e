"""ONNX Runtime peer for Blindspot's EfficientNet-Lite0 benchmark (batch 1, 224×224 RGB).

Builds an ONNX graph (opset 17, standard ops only, so onnxruntime-web's wasm EP runs it too) from
the shipped weights models/imagenet/efficientnet-lite0.safetensors, writes it to
target/bench-onnx/efficientnet-lite0.onnx, checks its logits on the lossless samples against the
float64 numpy reference on the same weights (tests/fixtures/imagenet-reference.json,
`logits_shipped`; fails above 1e-3), then times the forward pass on the CPU EP with 1 and 2
intra-op threads and prints one JSON object.

Setup (the reference venv: numpy, Pillow) and run, from the repository root:
    target/ref-venv/bin/pip install onnx==1.23.2 onnxruntime==1.31.1
    target/ref-venv/bin/python tests/bench/onnx_efficientnet.py [--quick]
"""
import json, math, os, statistics, struct, sys, time
import numpy as np
import onnx
import onnxruntime as ort
from onnx import TensorProto, helper, numpy_helper

ROOT = os.path.normpath(os.path.join(os.path.dirname(__file__), '..', '..'))
sys.path.insert(0, os.path.join(ROOT, 'tests', 'reference'))
from efficientnet_lite0 import SAMPLES, SIDE, STAGES, centre_crop  # same crop as the reference

WEIGHTS = os.path.join(ROOT, 'models', 'imagenet', 'efficientnet-lite0.safetensors')
OUT = os.path.join(ROOT, 'target', 'bench-onnx', 'efficientnet-lite0.onnx')
REFERENCE = os.path.join(ROOT, 'tests', 'fixtures', 'imagenet-reference.json')
TOLERANCE = 1e-3
OPSET = 17


def read_safetensors(path):
    """{name: float32 array}: 8-byte little-endian header length, JSON header, raw data (the
    weights float16, widened here as Blindspot widens them on load; the biases float32)."""
    with open(path, 'rb') as f:
        n = struct.unpack('<Q', f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    header.pop('__metadata__', None)
    tensors = {}
    for name, t in header.items():
        stored = {'F16': '<f2', 'F32': '<f4'}[t['dtype']]
        start, end = t['data_offsets']
        tensors[name] = np.frombuffer(data[start:end], dtype=stored).astype(np.float32).reshape(t['shape'])
    return tensors


def same_pads(side, k, s):
    """TensorFlow 'SAME' padding as ONNX pads [top, left, bottom, right]; the odd pixel goes after."""
    total = max((math.ceil(side / s) - 1) * s + k - side, 0)
    before, after = total // 2, total - total // 2
    return [before, before, after, after]


def build(W):
    nodes, inits = [], [numpy_helper.from_array(np.float32(v), n) for n, v in
                        [('zero', 0), ('six', 6), ('scale', 255 / 128), ('shift', 127 / 128)]]

    def conv(x, name, side, stride=1, group=1):
        """Conv with explicit SAME pads (no auto_pad); returns (output, output side)."""
        w = W[f'{name}.weight']
        k = w.shape[2]
        inits.extend([numpy_helper.from_array(w, f'{name}.weight'),
                      numpy_helper.from_array(W[f'{name}.bias'], f'{name}.bias')])
        nodes.append(helper.make_node('Conv', [x, f'{name}.weight', f'{name}.bias'], [name], name=name,
                                      kernel_shape=[k, k], strides=[stride, stride], group=group,
                                      pads=same_pads(side, k, stride)))
        return name, math.ceil(side / stride)

    def relu6(x):
        nodes.append(helper.make_node('Clip', [x, 'zero', 'six'], [f'{x}.relu6']))
        return f'{x}.relu6'

    # (255·x − 127)/128 as x·(255/128) − 127/128: both constants are exact in float32.
    nodes.append(helper.make_node('Mul', ['pixels', 'scale'], ['scaled']))
    nodes.append(helper.make_node('Sub', ['scaled', 'shift'], ['normalised']))
    x, side = conv('normalised', 'stem', SIDE, 2)
    x, channels = relu6(x), W['stem.weight'].shape[0]
    block = 0
    for repeats, k, first_stride, expansion, out in STAGES:
        for r in range(repeats):
            p, stride, y = f'blocks.{block}', first_stride if r == 0 else 1, x
            if expansion != 1:
                y, _ = conv(y, f'{p}.expand', side)
                y = relu6(y)
            y, new_side = conv(y, f'{p}.depthwise', side, stride, group=W[f'{p}.depthwise.weight'].shape[0])
            y, _ = conv(relu6(y), f'{p}.project', new_side)
            if stride == 1 and channels == out:
                nodes.append(helper.make_node('Add', [x, y], [f'{p}.residual']))
                y = f'{p}.residual'
            x, side, channels = y, new_side, out
            block += 1
    x, _ = conv(x, 'head', side)
    nodes.append(helper.make_node('GlobalAveragePool', [relu6(x)], ['pooled']))
    nodes.append(helper.make_node('Flatten', ['pooled'], ['features'], axis=1))
    inits.extend([numpy_helper.from_array(W['fc.weight'], 'fc.weight'),
                  numpy_helper.from_array(W['fc.bias'], 'fc.bias')])
    nodes.append(helper.make_node('Gemm', ['features', 'fc.weight', 'fc.bias'], ['logits'], transB=1))

    graph = helper.make_graph(
        nodes, 'efficientnet-lite0',
        [helper.make_tensor_value_info('pixels', TensorProto.FLOAT, [1, 3, SIDE, SIDE])],
        [helper.make_tensor_value_info('logits', TensorProto.FLOAT, [1, 1000])], inits)
    # IR 8 is opset 17's own IR version: older runtimes (onnxruntime-web included) load it.
    return helper.make_model(graph, opset_imports=[helper.make_opsetid('', OPSET)], ir_version=8,
                             producer_name='blindspot tests/bench/onnx_efficientnet.py')


def session(threads):
    options = ort.SessionOptions()  # graph_optimization_level stays at its default, ORT_ENABLE_ALL
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    return ort.InferenceSession(OUT, options, providers=['CPUExecutionProvider'])


def main():
    warmup, runs = (5, 30) if '--quick' in sys.argv[1:] else (20, 200)
    W = read_safetensors(WEIGHTS)
    model = build(W)
    assert len([n for n in W if n.endswith('.weight')]) == len(
        [i for i in model.graph.initializer if i.name.endswith('.weight')]), 'unused weights'
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    onnx.save(model, OUT)
    onnx.checker.check_model(OUT, full_check=True)
    print('wrote', os.path.relpath(OUT, ROOT))

    reference = json.load(open(REFERENCE))['logits_shipped']
    check = session(1)
    inputs = {name: centre_crop(os.path.join(ROOT, 'models', 'imagenet', 'samples', name))[None].astype(np.float32)
              for name in SAMPLES}
    diffs, top5 = {}, {}
    for name, pixels in inputs.items():
        z = check.run(['logits'], {'pixels': pixels})[0][0]
        diffs[name] = float(np.max(np.abs(z.astype(np.float64) - np.array(reference[name]))))
        top5[name] = [int(i) for i in np.argsort(-z)[:5]]
        print(f'{name}: max |logit − reference| = {diffs[name]:.2e}, top-5 {top5[name]}')
    if max(diffs.values()) > TOLERANCE:
        sys.exit(f'logits differ from the reference by more than {TOLERANCE}')

    timings = {}
    pixels = inputs[SAMPLES[0]]
    for threads in (1, 2):
        s = session(threads)
        for _ in range(warmup):
            s.run(['logits'], {'pixels': pixels})
        ms = []
        for _ in range(runs):
            t = time.perf_counter()
            s.run(['logits'], {'pixels': pixels})
            ms.append((time.perf_counter() - t) * 1e3)
        timings[str(threads)] = {'median_ms': round(statistics.median(ms), 3), 'min_ms': round(min(ms), 3)}
        print(f'{threads} thread(s): median {timings[str(threads)]["median_ms"]} ms, '
              f'min {timings[str(threads)]["min_ms"]} ms over {runs} runs')
    print(json.dumps({'onnxruntime': ort.__version__, 'threads': timings,
                      'max_logit_diff': diffs, 'top5': top5}))


if __name__ == '__main__':
    main()

#!/usr/bin/env python3
"""An independent reference for Blindspot's DeepFool (L2), Carlini–Wagner L2 and JSMA attacks:
Foolbox 3.3.4's L2DeepFoolAttack and L2CarliniWagnerAttack, and this file's own targeted DeepFool
and JSMA-Z (PyTorch gradients), run on the fc100-100-10 and convnet models (rebuilt in PyTorch from
their safetensors, float32, on the CPU) against the first test digits each model reads correctly.
It writes the norms, labels and iterations per digit to tests/fixtures/after-the-paper-reference.json,
which the Rust attacks are compared with (mean norms within 5%).

Regenerate (numpy, torch and foolbox in a venv; PyPI's torch wheel, run on the CPU only):
    python3 -m venv target/ref-venv && target/ref-venv/bin/pip install numpy==2.4.6 torch==2.9.1 foolbox==3.3.4
    target/ref-venv/bin/python tests/reference/after_the_paper.py
Speed table (ms per digit as JSON on stdout, no fixture; C&W batched, settings overridable):
    target/ref-venv/bin/python tests/reference/after_the_paper.py --bench 100 [--cw steps=1000 ...]
"""
import argparse, json, os, re, struct, sys, time
import numpy as np
import torch
import torch.nn.functional as F
import eagerpy as ep
import foolbox as fb

ROOT = os.path.normpath(os.path.join(os.path.dirname(__file__), '..', '..'))
FIXTURE = os.path.join(ROOT, 'tests', 'fixtures', 'after-the-paper-reference.json')
COMMAND = 'target/ref-venv/bin/python tests/reference/after_the_paper.py'
MODELS = ['fc100-100-10', 'convnet']
PIXELS = 784
LEVEL = np.float32(1 / 255)  # L0 counts pixels moved by more than one 8-bit level (in f32, as Rust)
DEEPFOOL = dict(steps=50, candidates=10, overshoot=0.02, loss='logits')
CW = dict(binary_search_steps=5, steps=1000, stepsize=0.01, confidence=0.0, initial_const=0.01, abort_early=True)
CW_BENCH = dict(CW, binary_search_steps=9, steps=10000)
GAMMA = 0.145
N_DEEPFOOL, N_CW, N_JSMA = 50, 20, 50


def safetensors(path):
    """The tensors of a safetensors file (all F32), by name, as float32 torch tensors."""
    raw = open(path, 'rb').read()
    size = struct.unpack('<Q', raw[:8])[0]
    header, body = json.loads(raw[8:8 + size]), raw[8 + size:]
    tensors = {}
    for name, info in header.items():
        if name == '__metadata__':
            continue
        assert info['dtype'] == 'F32', f'{path}: {name} is {info["dtype"]}'
        start, end = info['data_offsets']
        tensors[name] = torch.from_numpy(np.frombuffer(body[start:end], '<f4').reshape(info['shape']).copy())
    return tensors


class Net(torch.nn.Module):
    """A zoo model from its safetensors: [N, 784] pixels in, [N, 10] logits out; counts forward calls."""

    def __init__(self, name):
        super().__init__()
        self.name, self.W, self.calls = name, safetensors(os.path.join(ROOT, 'models', f'{name}.safetensors')), 0
        self.eval()

    def forward(self, x):
        self.calls += 1
        W = self.W
        if self.name == 'convnet':
            x = x.reshape(-1, 1, 28, 28)
            x = F.max_pool2d(F.relu(F.conv2d(x, W['conv1.weight'], W['conv1.bias'])), 2, 2)
            x = F.max_pool2d(F.relu(F.conv2d(x, W['conv2.weight'], W['conv2.bias'])), 2, 2)
            x = F.relu(F.linear(x.flatten(1), W['fc1.weight'], W['fc1.bias']))
            return F.linear(x, W['fc2.weight'], W['fc2.bias'])
        x = torch.sigmoid(F.linear(x, W['layers.0.weight'], W['layers.0.bias']))
        x = torch.sigmoid(F.linear(x, W['layers.1.weight'], W['layers.1.bias']))
        return F.linear(x, W['layers.2.weight'], W['layers.2.bias'])


def mnist_test():
    """The 10,000 test digits ([10000, 784] float32 in [0, 1]) and their labels."""
    d = os.path.join(ROOT, 'data', 'mnist')
    images = np.fromfile(os.path.join(d, 't10k-images-idx3-ubyte'), np.uint8, offset=16).reshape(-1, PIXELS)
    labels = np.fromfile(os.path.join(d, 't10k-labels-idx1-ubyte'), np.uint8, offset=8).astype(np.int64)
    return images.astype(np.float32) / np.float32(255), labels


def predict(net, x):
    with torch.no_grad():
        return net(torch.as_tensor(x)).argmax(1).numpy()


def correct_digits(net, images, labels):
    """Indices of the test digits the model reads correctly, after checking its test error against its card."""
    right = predict(net, images) == labels
    card = json.load(open(os.path.join(ROOT, 'models', f'{net.name}.json')))['test_error']
    error = 1 - right.mean()
    assert abs(error - card) < 5e-5, f'{net.name}: test error {error} here, {card} on its card'
    return np.flatnonzero(right)


def record(net, x0, xa, index, label, target, iterations, success):
    """One digit's result: success, the label read on x', and the size of x' − x (f32, as Rust)."""
    d = (xa - x0).astype(np.float32)
    l2 = float(np.sqrt(np.sum(d.astype(np.float64) ** 2)))
    return dict(index=int(index), label=int(label), target=None if target is None else int(target),
                success=bool(success), predicted=int(predict(net, xa[None])[0]), l2=l2,
                linf=float(np.abs(d).max()), l0=int((np.abs(d) > LEVEL).sum()), rms=l2 / 28,
                iterations=int(iterations))


class CountingMisclassification(fb.criteria.Misclassification):
    """Foolbox's Misclassification, keeping what it answered on each call (DeepFool asks once a step)."""

    def __init__(self, labels):
        super().__init__(labels)
        self.answers = []

    def __call__(self, perturbed, outputs):
        is_adv = super().__call__(perturbed, outputs)
        self.answers.append(ep.astensor(is_adv).numpy().copy())
        return is_adv


def deepfool(net, x0, labels):
    """Foolbox's L2DeepFoolAttack on the whole batch; iterations = steps taken while not yet adversarial."""
    criterion = CountingMisclassification(torch.as_tensor(labels))
    xa = fb.attacks.L2DeepFoolAttack(**DEEPFOOL).run(fb.PyTorchModel(net, bounds=(0, 1)), torch.as_tensor(x0), criterion)
    xa = xa.detach().numpy()
    iterations = (~np.array(criterion.answers)).sum(0)
    return xa, iterations, predict(net, xa) != labels


def deepfool_targeted(net, x0, labels, targets, steps=50, overshoot=0.02):
    """Foolbox's DeepFool loop with the single candidate k = target (l = Z_t − Z_label), frozen on reaching it."""
    rows, x0 = torch.arange(len(x0)), torch.as_tensor(x0)
    t, y = torch.as_tensor(targets), torch.as_tensor(labels)
    x, p_total, iterations = x0.clone(), torch.zeros_like(x0), torch.zeros(len(x0), dtype=torch.int64)
    for _ in range(steps):
        x = x.detach().requires_grad_(True)
        z = net(x)
        done = z.argmax(1) == t
        if done.all():
            break
        loss = z[rows, t] - z[rows, y]
        w, = torch.autograd.grad(loss.sum(), x)
        norm = w.norm(dim=1) + 1e-8
        distance = loss.detach().abs() / norm + 1e-4
        p_total = p_total + (distance / norm)[:, None] * w
        x = torch.where(done[:, None], x.detach(), x0 + (1 + overshoot) * p_total).clamp(0, 1)
        iterations += (~done).long()
    xa = x.detach().numpy()
    return xa, iterations.numpy(), predict(net, xa) == targets


def carlini_wagner(net, x0, labels, targets=None, settings=CW, batch=1):
    """Foolbox's L2CarliniWagnerAttack, `batch` digits a call; iterations = gradient evaluations per call."""
    attack, fmodel = fb.attacks.L2CarliniWagnerAttack(**settings), fb.PyTorchModel(net, bounds=(0, 1))
    xa, iterations = np.zeros_like(x0), np.zeros(len(x0), np.int64)
    for s in range(0, len(x0), batch):
        part = slice(s, s + batch)
        goal = labels[part] if targets is None else targets[part]
        kind = fb.criteria.Misclassification if targets is None else fb.criteria.TargetedMisclassification
        net.calls = 0
        xa[part] = attack.run(fmodel, torch.as_tensor(x0[part]), kind(torch.as_tensor(goal))).detach().numpy()
        iterations[part] = net.calls
    found = np.abs(xa).sum(1) > 0  # foolbox returns all zeros where it found no adversarial
    reached = predict(net, xa)
    success = found & ((reached != labels) if targets is None else (reached == targets))
    return np.where(found[:, None], xa, x0), iterations, success


def jsma(net, x0, targets, gamma=GAMMA):
    """JSMA-Z (Papernot et al. 2016, θ = +1) on logits: raise the best valid pixel pair to 1 until the target is read."""
    upper = np.triu(np.ones((PIXELS, PIXELS), bool), 1)
    out, iterations = x0.copy(), np.zeros(len(x0), np.int64)
    for i, t in enumerate(targets):
        x, domain = torch.tensor(x0[i]), x0[i] < 1
        for _ in range(int(PIXELS * gamma / 2)):
            x.requires_grad_(True)
            z = net(x[None])[0]
            if int(z.argmax()) == t:
                break
            alpha, = torch.autograd.grad(z[t], x, retain_graph=True)
            beta, = torch.autograd.grad(torch.cat([z[:t], z[t + 1:]]).sum(), x)
            a, b = alpha.numpy(), beta.numpy()
            A, B = a[:, None] + a[None, :], b[:, None] + b[None, :]
            valid = (A > 0) & (B < 0) & upper & domain[:, None] & domain[None, :]
            if not valid.any():
                break
            p, q = divmod(int(np.where(valid, A * -B, -np.inf).argmax()), PIXELS)
            x = x.detach()
            x[p] = x[q] = 1
            domain[p] = domain[q] = False
            iterations[i] += 1
        out[i] = x.detach().numpy()
    return out, iterations, predict(net, out) == targets


def run(name, net, x0, labels, targets, settings, batch=1):
    """One attack on all its digits, timed: x', iterations, success, wall seconds."""
    start = time.perf_counter()
    if name == 'deepfool':
        xa, iterations, success = deepfool(net, x0, labels)
    elif name == 'deepfool_targeted':
        xa, iterations, success = deepfool_targeted(net, x0, labels, targets)
    elif name.startswith('cw'):
        xa, iterations, success = carlini_wagner(net, x0, labels, targets, settings, batch)
    else:
        xa, iterations, success = jsma(net, x0, targets)
    seconds = time.perf_counter() - start
    return xa, iterations, success, seconds


def summary(net, which, x0, labels, targets, indices, settings):
    """The fixture entry for one (model, attack)."""
    xa, iterations, success, seconds = run(which, net, x0, labels, targets, settings)
    results = [record(net, x0[i], xa[i], indices[i], labels[i], None if targets is None else targets[i],
                      iterations[i], success[i]) for i in range(len(x0))]
    won = [r for r in results if r['success']]
    entry = dict(settings=settings, digits=[int(i) for i in indices],
                 targets=None if targets is None else [int(t) for t in targets], results=results,
                 mean_l2_success=float(np.mean([r['l2'] for r in won])) if won else None,
                 success_rate=len(won) / len(results), seconds=seconds, seconds_per_digit=seconds / len(results))
    if which == 'jsma':
        entry['mean_l0_success'] = float(np.mean([r['l0'] for r in won])) if won else None
        entry['mean_changed_fraction'] = entry['mean_l0_success'] / PIXELS if won else None
    print(f'{net.name:13} {which:18} success {entry["success_rate"]:.3f}  mean L2 {entry["mean_l2_success"]}  '
          f'{seconds:.2f} s', file=sys.stderr)
    return entry


def rounded(value):
    """Floats to 6 significant digits, all the way down."""
    if isinstance(value, float):
        return float(f'{value:.6g}')
    if isinstance(value, dict):
        return {k: rounded(v) for k, v in value.items()}
    if isinstance(value, list):
        return [rounded(v) for v in value]
    return value


def write(out):
    """The fixture, one result (or list of numbers) a line."""
    text = json.dumps(rounded(out), indent=1, ensure_ascii=False)
    text = re.sub(r'[\[{][^\[\]{}]*[\]}]', lambda m: re.sub(r'\s*\n\s*', ' ', m.group(0)), text)
    with open(FIXTURE, 'w') as f:
        f.write(text + '\n')


def attacks_for():
    """(fixture key, digits, targeted, settings) for each attack."""
    jsma_settings = dict(theta=1, gamma=GAMMA, max_iterations=int(PIXELS * GAMMA / 2), logits=True)
    return [('deepfool', N_DEEPFOOL, False, DEEPFOOL),
            ('deepfool_targeted', N_DEEPFOOL, True, dict(DEEPFOOL, candidates=1)),
            ('cw_targeted', N_CW, True, CW),
            ('cw_untargeted', N_CW, False, CW),
            ('jsma', N_JSMA, True, jsma_settings)]


def fixture():
    images, labels = mnist_test()
    models = {}
    for name in MODELS:
        net = Net(name)
        correct = correct_digits(net, images, labels)
        models[name] = {}
        for which, n, targeted, settings in attacks_for():
            idx = correct[:n]
            targets = (labels[idx] + 1) % 10 if targeted else None
            models[name][which] = summary(net, which, images[idx], labels[idx], targets, idx, settings)
    out = dict(generated_by=COMMAND, torch=torch.__version__, foolbox=fb.__version__,
               threads=torch.get_num_threads(), models=models)
    write(out)
    print('wrote', os.path.relpath(FIXTURE, ROOT), file=sys.stderr)


def bench(n, cw):
    """ms per digit of each attack on the first n correctly read digits, C&W batched (all n in one call)."""
    images, labels = mnist_test()
    out = dict(torch=torch.__version__, foolbox=fb.__version__, threads=torch.get_num_threads(), digits=n,
               cw_settings=cw, ms_per_digit={})
    for name in MODELS:
        net = Net(name)
        idx = correct_digits(net, images, labels)[:n]
        x0, y, t = images[idx], labels[idx], (labels[idx] + 1) % 10
        times = {}
        for which, targets in [('deepfool', None), ('cw_untargeted', None), ('cw_targeted', t), ('jsma', t)]:
            _, _, success, seconds = run(which, net, x0, y, targets, cw, batch=n)
            times[which] = dict(ms=round(1000 * seconds / n, 3), success_rate=round(float(success.mean()), 4))
            print(f'{name:13} {which:14} {times[which]}', file=sys.stderr)
        out['ms_per_digit'][name] = times
    print(json.dumps(out, indent=1))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--bench', type=int, metavar='N', help='time the attacks on N digits; no fixture')
    parser.add_argument('--cw', action='append', default=[], metavar='KEY=VALUE',
                        help=f'a C&W setting for --bench (default {CW_BENCH})')
    args = parser.parse_args()
    if args.bench:
        cw = dict(CW_BENCH)
        for item in args.cw:
            key, value = item.split('=', 1)
            assert key in cw, f'no C&W setting {key}'
            cw[key] = value.lower() == 'true' if isinstance(cw[key], bool) else type(cw[key])(float(value))
        bench(args.bench, cw)
    else:
        fixture()


if __name__ == '__main__':
    main()

// The zoo's fc100-100-10 and convnet in TF.js, from the same safetensors files the app loads
// (PyTorch's layout: dense [out, in], convolution [out, in, kh, kw]), and the L-BFGS objective
// c·‖x − x0‖² + CE(logits / T, target) with its input gradient, as attack/objective.rs computes.

/** An IEEE float16 (its 16 bits) as a number. */
function half(bits) {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 31) return fraction ? NaN : sign * Infinity;
  return sign * (1024 + fraction) * 2 ** (exponent - 25);
}

/** The tensors of a safetensors file: name → { shape, data: Float32Array }; float16 tensors
 * (EfficientNet-Lite0's weights) widened, as Blindspot widens them on load. */
export function safetensors(bytes) {
  const view = new DataView(bytes);
  const size = Number(view.getBigUint64(0, true));
  const header = JSON.parse(new TextDecoder().decode(new Uint8Array(bytes, 8, size)));
  const out = {};
  for (const [name, info] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    const [start, end] = info.data_offsets.map((o) => 8 + size + o);
    let data;
    if (info.dtype === 'F32') data = new Float32Array(bytes.slice(start, end));
    else if (info.dtype === 'F16') data = Float32Array.from(new Uint16Array(bytes.slice(start, end)), half);
    else throw new Error(`${name} is ${info.dtype}`);
    out[name] = { shape: info.shape, data };
  }
  return out;
}

/** `[n, 784]` → `[n, 10]` logits for the zoo model `name` with tensors `t`. */
export function network(tf, name, t) {
  const keep = (a, shape) => tf.keep(tf.tensor(a.data, shape ?? a.shape));
  if (name === 'convnet') {
    // TF.js convolves NHWC with filters [kh, kw, in, out]; flattening must follow PyTorch's
    // NCHW order for fc1's weights.
    const filter = (w) => tf.keep(tf.tensor(w.data, w.shape).transpose([2, 3, 1, 0]));
    const [k1, b1, k2, b2] = [filter(t['conv1.weight']), keep(t['conv1.bias']), filter(t['conv2.weight']), keep(t['conv2.bias'])];
    const [w1, c1, w2, c2] = [tf.keep(keep(t['fc1.weight']).transpose()), keep(t['fc1.bias']), tf.keep(keep(t['fc2.weight']).transpose()), keep(t['fc2.bias'])];
    return (x) => {
      const n = x.shape[0];
      let h = x.reshape([n, 28, 28, 1]);
      h = tf.maxPool(tf.relu(tf.conv2d(h, k1, 1, 'valid').add(b1)), 2, 2, 'valid');
      h = tf.maxPool(tf.relu(tf.conv2d(h, k2, 1, 'valid').add(b2)), 2, 2, 'valid');
      h = h.transpose([0, 3, 1, 2]).reshape([n, 512]);
      return tf.relu(h.matMul(w1).add(c1)).matMul(w2).add(c2);
    };
  }
  const count = Object.keys(t).filter((k) => k.endsWith('.weight')).length;
  const layers = [...Array(count).keys()].map((i) => [tf.keep(keep(t[`layers.${i}.weight`]).transpose()), keep(t[`layers.${i}.bias`])]);
  return (x) => layers.reduce((h, [w, b], i) => {
    const z = h.matMul(w).add(b);
    return i < layers.length - 1 ? tf.sigmoid(z) : z;
  }, x);
}

/** The batched objective for lbfgs.js: per row value, label, margin (target logit minus the
 *  largest other) and the input gradient, read back once each. */
export function objective(tf, forward, temperature) {
  return async (x, x0, targets, cs) => {
    const n = targets.length;
    const dim = x.length / n;
    let kept;
    const grad = tf.tidy(() => {
      const xt = tf.tensor2d(x, [n, dim]);
      const origin = tf.tensor2d(x0, [n, dim]);
      const onehot = tf.oneHot(tf.tensor1d(targets, 'int32'), 10);
      const c = tf.tensor2d(cs, [n, 1]);
      const { value, grad } = tf.valueAndGrad((v) => {
        const logits = forward(v);
        const ce = tf.neg(tf.sum(tf.mul(tf.logSoftmax(tf.div(logits, temperature)), onehot), 1, true));
        const rows = tf.add(ce, tf.mul(c, tf.sum(tf.square(tf.sub(v, origin)), 1, true)));
        kept = [tf.keep(logits), tf.keep(rows)];
        return tf.sum(rows);
      })(xt);
      value.dispose();
      return grad;
    });
    const [logits, values] = kept;
    const [g, l, v] = await Promise.all([grad.data(), logits.data(), values.data()]);
    tf.dispose([grad, logits, values]);
    const label = [], margin = [];
    for (let k = 0; k < n; k++) {
      const row = l.subarray(k * 10, (k + 1) * 10);
      let best = 0, rival = -Infinity;
      for (let j = 0; j < 10; j++) {
        if (row[j] > row[best]) best = j;
        if (j !== targets[k]) rival = Math.max(rival, row[j]);
      }
      label.push(best);
      margin.push(row[targets[k]] - rival);
    }
    return { value: Array.from(v), label, margin, grad: g };
  };
}

// EfficientNet-Lite0 in TF.js from the shipped safetensors weights, on Blindspot's pixels: logits and the input gradient of the cross-entropy.

const SIDE = 224;
/** Per stage: blocks, first block's stride, output channels. Kernel sizes and expansions are
 *  read from the weights' shapes (a block without `expand` has expansion 1). */
const STAGES = [[1, 1, 16], [2, 2, 24], [2, 2, 40], [3, 2, 80], [3, 1, 112], [4, 2, 192], [1, 1, 320]];

/** EfficientNet-Lite0 on TF.js's current backend, from `t` (models.js's `safetensors`: PyTorch
 *  layout, batch norm already folded into each convolution's bias). Pixels are channels-first
 *  `[3, 224, 224]` in [0, 1], as Blindspot takes them; inside, TF.js's NHWC. */
export function efficientnet(tf, t) {
  const weights = [];
  const load = (name, perm) => {
    const w = tf.tidy(() => tf.tensor(t[name].data, t[name].shape).transpose(perm));
    weights.push(w);
    return w;
  };
  // Convolutions [out, in, kh, kw] → HWIO; depthwise [C, 1, kh, kw] → [kh, kw, C, 1].
  const conv = (name, perm = [2, 3, 1, 0]) => ({ filter: load(`${name}.weight`, perm), bias: load(`${name}.bias`, [0]) });
  const stem = conv('stem');
  const blocks = [];
  let channels = t['stem.weight'].shape[0];
  for (const [repeats, firstStride, out] of STAGES) {
    for (let r = 0; r < repeats; r++) {
      const p = `blocks.${blocks.length}`;
      const stride = r === 0 ? firstStride : 1;
      blocks.push({
        expand: t[`${p}.expand.weight`] && conv(`${p}.expand`),
        depthwise: conv(`${p}.depthwise`, [2, 3, 0, 1]),
        project: conv(`${p}.project`),
        stride,
        residual: stride === 1 && channels === out,
      });
      channels = out;
    }
  }
  const head = conv('head');
  const fc = { weight: load('fc.weight', [1, 0]), bias: load('fc.bias', [0]) };

  // The forward pass takes TF.js's fused ops (bias and activation in the convolution's
  // kernel). The gradient takes the plain ones: a fused op computes its weights' gradients too.
  const logits = (pixels, fused) => {
    const conv = (x, { filter, bias }, activation = 'linear', strides = 1, depthwise = false) => {
      // Pad 'same' is TensorFlow's SAME, which the weights were trained with.
      if (fused) return (depthwise ? tf.fused.depthwiseConv2d : tf.fused.conv2d)({ x, filter, bias, strides, pad: 'same', activation });
      const y = (depthwise ? tf.depthwiseConv2d : tf.conv2d)(x, filter, strides, 'same').add(bias);
      return activation === 'relu6' ? y.relu6() : y;
    };
    const x = pixels.reshape([3, SIDE, SIDE]).transpose([1, 2, 0]).expandDims(0);
    let h = conv(x.mul(255).sub(127).div(128), stem, 'relu6', 2);
    for (const b of blocks) {
      const y = conv(b.expand ? conv(h, b.expand, 'relu6') : h, b.depthwise, 'relu6', b.stride, true);
      const z = conv(y, b.project);
      h = b.residual ? h.add(z) : z;
    }
    h = conv(h, head, 'relu6').mean([1, 2]);
    return fused ? tf.fused.matMul({ a: h, b: fc.weight, bias: fc.bias }) : h.matMul(fc.weight).add(fc.bias);
  };
  /** The values of the tensor `f` makes, its intermediates freed. */
  const read = (f) => {
    const y = tf.tidy(f);
    const v = y.dataSync();
    y.dispose();
    return v;
  };
  return {
    /** Logits, Float32Array(1000). */
    forward: (x) => read(() => logits(tf.tensor(x), true)),
    /** The gradient of the cross-entropy towards `target` in the pixels, channels-first as
     *  Blindspot's (the transpose is part of the differentiated function). */
    gradient: (x, target) => read(() => tf.grad((v) => logits(v, false).logSoftmax().slice([0, target], [1, 1]).neg().sum())(tf.tensor(x))),
    dispose: () => tf.dispose(weights),
  };
}

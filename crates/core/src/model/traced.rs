//! Logits that a backward pass differentiates in the input, whichever code computed them:
//! Burn's graph for most networks, or a network's own [`Kernels`], whose logits enter the graph
//! as a leaf and whose tape pulls the leaf's gradient back to the input. Every attack's gradient
//! goes through here, so the two paths cannot drift apart.

use super::Network;
use super::efficientnet_cpu::{Kernels, Tape};
use crate::{Error, Result};
use burn::prelude::*;
use burn::tensor::Gradients;

pub struct Traced<'a> {
    /// `[rows, inputs]`, requiring its gradient.
    pub x: Tensor<2>,
    /// `[rows, classes]`, in the autodiff graph.
    pub logits: Tensor<2>,
    own: Option<(&'a Kernels, Tape)>,
}

impl<'a> Traced<'a> {
    /// The logits of `x` (`[rows, inputs]`, requiring its gradient; `values` are its values).
    pub fn new(model: &'a dyn Network, x: Tensor<2>, values: &[f32]) -> Self {
        match model.kernels() {
            Some(kernels) => {
                let rows = x.dims()[0];
                let (logits, tape) = kernels.forward(values, rows);
                let shape = [rows, logits.len() / rows];
                let logits =
                    Tensor::from_data(TensorData::new(logits, shape), &x.device()).require_grad();
                Traced {
                    x,
                    logits,
                    own: Some((kernels, tape)),
                }
            }
            None => Traced {
                logits: model.logits(x.clone()),
                x,
                own: None,
            },
        }
    }

    /// The gradient in `x` after `grads = value.backward()`: Burn's, plus the kernels' pullback
    /// of the logits' gradient where they computed the logits.
    pub async fn input_grad(&self, grads: &Gradients) -> Result<Tensor<2>> {
        let x = &self.x;
        let burn = x.grad(grads);
        let Some((kernels, tape)) = &self.own else {
            return burn.map(|g| g.detach()).ok_or_else(|| {
                Error::Device("the input has no gradient (is autodiff on?)".into())
            });
        };
        let upstream = match self.logits.grad(grads) {
            Some(g) => g.into_data_async().await.map_err(Error::device)?,
            None => return Err(Error::Device("the logits have no gradient".into())),
        };
        let upstream = upstream.try_into_vec_as::<f32>().map_err(Error::device)?;
        let pulled = Tensor::<2>::from_data(
            TensorData::new(kernels.pullback(tape, &upstream), x.dims()),
            &x.device().without_autodiff(),
        );
        Ok(match burn {
            Some(g) => g.detach() + pulled,
            None => pulled,
        })
    }
}

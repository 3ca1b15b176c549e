//! `eval`: train and test error of a committed model (or one of yours) on the full MNIST data.

use crate::Dirs;
use crate::out::outln;
use blindspot_core::data::Mnist;
use blindspot_core::{Result, eval, yours};

pub fn run(dirs: &Dirs, name: &str, json: bool) -> Result<()> {
    let device = dirs.compute.device()?;
    let (model, card) = yours::load(&dirs.models, name, &device)?;
    let spec = yours::spec_for(name, &card)?;
    let mnist = Mnist::load(&dirs.data)?;
    let train = mnist.train_split(spec.split);
    let started = std::time::Instant::now();
    let train_error = eval::error_rate(&model, &train, &device)?;
    let test_error = eval::error_rate(&model, &mnist.test, &device)?;
    let seconds = started.elapsed().as_secs_f64();
    if json {
        outln!(
            "{}",
            serde_json::json!({
                "model": name, "train_split": card.train_split, "train_images": train.len(),
                "train_error": train_error, "test_images": mnist.test.len(), "test_error": test_error,
                "card_test_error": card.test_error, "seconds": seconds,
            })
        );
    } else {
        outln!(
            "{name}: train error {:.2}% on {} images ({}), test error {:.2}% on {} images ({:.1} s)",
            100.0 * train_error,
            train.len(),
            card.train_split,
            100.0 * test_error,
            mnist.test.len(),
            seconds
        );
    }
    Ok(())
}

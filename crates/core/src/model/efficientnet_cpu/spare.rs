//! Buffers the layers have finished with, kept for the next pass: every kernel here overwrites
//! its whole output, so a used buffer of the right length saves zeroing a fresh one (and,
//! natively, faulting its pages in): 8% of the CLI's L-BFGS time went to that zeroing.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// The most values kept for each pass that can run at once (128 MB): one photo's forward pass and
/// gradient use about 11M values, and passes nest where a photo's lanes share the cores (the
/// CLI's L-BFGS on two cores kept 51M). Beyond it, finished buffers go back to the allocator,
/// and the next pass zeroes fresh ones: at 8M a pass, 8% of that L-BFGS's time (BENCHMARKS.md).
const KEPT_A_PASS: usize = 32 << 20;

/// The passes that can run at once: natively one a thread (a photo's lanes), one in a browser
/// worker.
fn passes_at_once() -> usize {
    #[cfg(not(target_arch = "wasm32"))]
    return rayon::current_num_threads();
    #[cfg(target_arch = "wasm32")]
    1
}

/// Finished buffers by length, shared by the passes that run side by side.
#[derive(Debug, Default)]
pub struct Spare(Mutex<Kept>);

#[derive(Debug, Default)]
struct Kept {
    by_length: HashMap<usize, Vec<Vec<f32>>>,
    values: usize,
}

impl Spare {
    pub fn new() -> Arc<Self> {
        Arc::default()
    }

    /// A buffer of `len` values, whatever they are: the caller overwrites them all.
    pub fn take(&self, len: usize) -> Vec<f32> {
        let mut kept = self.0.lock().expect("no pass panics holding it");
        match kept.by_length.get_mut(&len).and_then(Vec::pop) {
            Some(buffer) => {
                kept.values -= len;
                buffer
            }
            None => vec![0.0; len],
        }
    }

    /// Keeps `buffer` for a later [`Spare::take`] of its length, if there is room.
    pub fn keep(&self, buffer: Vec<f32>) {
        let mut kept = self.0.lock().expect("no pass panics holding it");
        if buffer.is_empty() || kept.values + buffer.len() > KEPT_A_PASS * passes_at_once() {
            return;
        }
        kept.values += buffer.len();
        kept.by_length.entry(buffer.len()).or_default().push(buffer);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_kept_buffer_is_taken_again_by_its_length_and_room_is_bounded() {
        let spare = Spare::new();
        spare.keep(vec![1.0; 3]);
        assert_eq!(spare.take(3), [1.0; 3]);
        assert_eq!(spare.take(3), [0.0; 3], "taken once");
        spare.keep(vec![0.0; KEPT_A_PASS * passes_at_once()]);
        spare.keep(vec![5.0; 2]);
        assert_eq!(spare.take(2), [0.0; 2], "no room for it");
    }
}

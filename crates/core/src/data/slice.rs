//! The committed test slice (`www/digits/`): the first 1,000 MNIST test digits as gzip IDX,
//! for the app's gallery and for tests that must not need the full dataset.

use crate::data::Digits;
use crate::{Error, Result};
use std::path::{Path, PathBuf};

pub const IMAGES: &str = "test-1k-images-idx3-ubyte.gz";
pub const LABELS: &str = "test-1k-labels-idx1-ubyte.gz";

/// `$BLINDSPOT_SLICE` or `www/digits`.
pub fn default_dir() -> PathBuf {
    std::env::var_os("BLINDSPOT_SLICE")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("www/digits"))
}

pub fn load(dir: &Path) -> Result<Digits> {
    let read = |name: &str| std::fs::read(dir.join(name)).map_err(|e| Error::io(dir.join(name), e));
    Digits::from_idx(read(IMAGES)?, read(LABELS)?)
}

pub fn save(digits: &Digits, dir: &Path) -> Result<()> {
    let (images, labels) = digits.to_idx_gz();
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    for (name, bytes) in [(IMAGES, images), (LABELS, labels)] {
        std::fs::write(dir.join(name), bytes).map_err(|e| Error::io(dir.join(name), e))?;
    }
    Ok(())
}

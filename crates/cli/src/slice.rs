//! `slice`: writes the small test-set excerpt committed for the app's gallery and for tests.

use crate::Dirs;
use crate::out::outln;
use blindspot_core::Result;
use blindspot_core::data::{Mnist, slice};
use std::path::Path;

pub fn run(dirs: &Dirs, count: usize, out: &Path) -> Result<()> {
    let mnist = Mnist::load(&dirs.data)?;
    let count = count.min(mnist.test.len());
    slice::save(&mnist.test.range(0, count), out)?;
    outln!("wrote the first {count} test digits to {}", out.display());
    Ok(())
}

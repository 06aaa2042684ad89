//! What a fresh machine of this kind lacks, installed by the build itself: Azurite (npm, pinned by
//! tests/tools/package-lock.json), pwsh and Pester (NuGet, pinned in powershell.rs) and the Debian
//! packages the tests read back with.

use crate::run;
use std::path::Path;

/// Debian packages: Azure's Python SDK (the independent oracle) and rclone (the benchmark peer).
const DEBIAN_PACKAGES: [&str; 2] = ["python3-azure-storage", "rclone"];

pub fn ensure() -> Result<(), String> {
    let root = crate::repo_root();
    if !root.join("tests/tools/node_modules/.bin/azurite-blob").exists() {
        run::command(Path::new("npm"), &["ci", "--prefix", "tests/tools", "--no-audit", "--no-fund"])?;
    }
    crate::powershell::ensure()?;
    let have_oracle = run::succeeds("/usr/bin/python3", &["-c", "import azure.storage.blob"]);
    let have_rclone = run::find_on_path("rclone").is_some();
    if !(have_oracle && have_rclone) {
        if run::find_on_path("apt-get").is_none() {
            return Err(format!("install {} (Debian names) and run again", DEBIAN_PACKAGES.join(", ")));
        }
        run::command(Path::new("apt-get"), &["update", "-qq"])?;
        let mut args = vec!["install", "-y", "-qq", "--no-install-recommends"];
        args.extend(DEBIAN_PACKAGES);
        run::command_env(Path::new("apt-get"), &args, &[("DEBIAN_FRONTEND", "noninteractive")])?;
    }
    Ok(())
}

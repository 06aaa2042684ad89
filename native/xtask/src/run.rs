//! Running tools with their output shown, failing with the command line that failed.

use std::path::{Path, PathBuf};
use std::process::Command;

pub fn command_env(program: &Path, args: &[&str], env: &[(&str, &str)]) -> Result<(), String> {
    let mut cmd = Command::new(program);
    cmd.args(args).current_dir(crate::repo_root());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let status = cmd.status().map_err(|e| format!("cannot run {}: {e}", program.display()))?;
    if status.success() { Ok(()) } else { Err(format!("`{} {}` failed ({status})", program.display(), args.join(" "))) }
}

pub fn command(program: &Path, args: &[&str]) -> Result<(), String> {
    command_env(program, args, &[])
}

pub fn cargo(args: &[&str]) -> Result<(), String> {
    command(Path::new(&std::env::var("CARGO").unwrap_or_else(|_| "cargo".into())), args)
}

pub fn dotnet(args: &[&str]) -> Result<(), String> {
    // Keep dotnet quiet and offline-friendly: no telemetry, no first-run banner.
    command_env(Path::new("dotnet"), args, &[("DOTNET_CLI_TELEMETRY_OPTOUT", "1"), ("DOTNET_NOLOGO", "1")])
}

pub fn find_on_path(name: &str) -> Option<PathBuf> {
    std::env::split_paths(&std::env::var_os("PATH")?).map(|dir| dir.join(name)).find(|p| p.is_file())
}

/// True when the command runs and exits 0 (output hidden): for probing what is installed.
pub fn succeeds(program: &str, args: &[&str]) -> bool {
    Command::new(program).args(args).output().map(|o| o.status.success()).unwrap_or(false)
}

//! The build's steps, in one place, for every entry (`build.sh`, `build.ps1`, `.ci/run`).
//!
//!   xtask build   prerequisites, native code (regenerating the bindings), module layout in out/
//!   xtask demo    build, then sync a sample folder into an Azurite it starts, twice
//!   xtask test    build (bindings checked, not rewritten), pack, then every test suite
//!   xtask pack    build, then publish the module with Publish-PSResource into a local repository (out/repo)
//!   xtask bench   build, then the benchmark beside rclone (see bench/)

mod layout;
mod powershell;
mod prerequisites;
mod run;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().expect("repo root")
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("build") => build(true),
        Some("demo") => build(true).and_then(|_| demo()),
        Some("test") => build(false).and_then(|_| pack()).and_then(|_| test()),
        Some("pack") => build(true).and_then(|_| pack()),
        Some("bench") => build(false).and_then(|_| bench(&args[1..])),
        _ => Err("usage: xtask build|demo|test|pack|bench".to_string()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: {e}");
            ExitCode::FAILURE
        }
    }
}

/// `regenerate_bindings`: a developer's build rewrites the C# bindings and C header from the ABI;
/// the test build leaves them alone so the drift test sees what is checked in.
fn build(regenerate_bindings: bool) -> Result<(), String> {
    prerequisites::ensure()?;
    run::cargo(&["build", "--release", "--workspace", "--bins", "--lib"])?;
    if regenerate_bindings {
        run::cargo(&["run", "--release", "-q", "-p", "azblobsync-bindgen"])?;
    }
    run::dotnet(&["build", "PSModule/AzBlobSync.sln", "-c", "Release", "--nologo", "-v", "quiet"])?;
    layout::module()?;
    Ok(())
}

/// Every suite runs even when an earlier one failed, so one run shows every failure.
fn test() -> Result<(), String> {
    // Every job the suites run keeps its journal and log here, never in the user's own jobs folder.
    let jobs = repo_root().join("out/test-jobs");
    let _ = std::fs::remove_dir_all(&jobs);
    // SAFETY: set before any suite (or thread) starts; every child process inherits it.
    unsafe { std::env::set_var("AZBLOBSYNC_JOB_DIR", &jobs) };
    let mut failures = Vec::new();
    let mut suite = |result: Result<(), String>| {
        if let Err(e) = result {
            failures.push(e);
        }
    };
    suite(run::cargo(&["test", "--release", "--workspace", "--no-fail-fast"]));
    suite(run::dotnet(&["test", "PSModule/AzBlobSync.sln", "-c", "Release", "--nologo", "--no-build"]));
    suite(pester());
    if failures.is_empty() { Ok(()) } else { Err(failures.join("; ")) }
}

/// out/repo: the module package as the Gallery would serve it (the Pester suite installs it by name from there).
fn pack() -> Result<(), String> {
    let root = repo_root();
    let script = root.join("PSModule/tools/Publish-LocalRepository.ps1");
    let module = root.join("out/AzBlobSync");
    let repo = root.join("out/repo");
    powershell::run_script(&script, &["-ModulePath", module.to_str().unwrap(), "-RepositoryPath", repo.to_str().unwrap()])
}

/// The Pester suite in the build's own pwsh, against the laid-out module; any failed test fails the step.
fn pester() -> Result<(), String> {
    let manifest = powershell::pester_manifest().to_string_lossy().to_string();
    let runner = repo_root().join("tests/pester/Invoke-PesterSuite.ps1");
    powershell::run_script(&runner, &["-PesterManifest", &manifest]).map_err(|e| format!("the Pester suite failed: {e}"))
}

fn demo() -> Result<(), String> {
    let root = repo_root();
    let sample = root.join("out/demo/sample");
    // SAFETY: set before anything starts; the demo's jobs and logs stay under out/demo.
    unsafe { std::env::set_var("AZBLOBSYNC_JOB_DIR", root.join("out/demo/jobs")) };
    layout::sample_folder(&sample)?;
    let azurite = azblobsync_testkit::Azurite::start();
    let oracle = azurite.oracle();
    oracle.create_container("demo");
    let cli = root.join("out/bin/azblobsync");
    let url = azurite.container_url("demo");
    let key = ("AZCOPY_ACCOUNT_KEY", azblobsync_testkit::DEV_KEY);
    println!("\n== azblobsync sync {} {url} --put-md5", sample.display());
    run::command_env(&cli, &["sync", sample.to_str().unwrap(), &url, "--put-md5"], &[key])?;
    println!("\n== the container, read back by Azure's Python SDK");
    for name in oracle.names("demo") {
        println!("  {name}");
    }
    println!("\n== the same sync again: nothing to transfer");
    run::command_env(&cli, &["sync", sample.to_str().unwrap(), &url], &[key])?;
    println!("\n== the same in PowerShell ({}), into another container of the same Azurite", powershell::pwsh().display());
    oracle.create_container("demo-pwsh");
    let script = root.join("PSModule/tools/Show-Demo.ps1");
    let module = root.join("out/AzBlobSync");
    let pwsh_url = azurite.container_url("demo-pwsh");
    powershell::run_script_env(
        &script,
        &["-ModulePath", module.to_str().unwrap(), "-Sample", sample.to_str().unwrap(), "-ContainerUrl", &pwsh_url],
        &[key],
    )?;
    println!("\n== demo-pwsh, read back by Azure's Python SDK: {} blobs", oracle.names("demo-pwsh").len());
    println!("\nThe module is laid out in out/AzBlobSync (Import-Module ./out/AzBlobSync/AzBlobSync.psd1 in pwsh 7.4+).");
    Ok(())
}

fn bench(args: &[String]) -> Result<(), String> {
    let script = repo_root().join("bench/run.sh");
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    run::command(Path::new("bash"), &[&[script.to_str().unwrap()], args.as_slice()].concat())
}

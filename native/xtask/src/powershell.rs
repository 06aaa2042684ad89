//! PowerShell for the build: pwsh as a .NET tool and Pester as a NuGet package, both pinned and
//! installed into out/tools (a folder the build owns), so the tests never depend on whatever pwsh a
//! machine happens to have, and a machine without one still runs the Pester suite.

use crate::run;
use std::path::{Path, PathBuf};

pub const PWSH_VERSION: &str = "7.6.9";
pub const PESTER_VERSION: &str = "5.7.1";

fn tools() -> PathBuf {
    crate::repo_root().join("out/tools")
}

pub fn pwsh() -> PathBuf {
    tools().join("pwsh").join(if cfg!(windows) { "pwsh.exe" } else { "pwsh" })
}

/// Pester's manifest inside the restored package; the suite imports it by path.
pub fn pester_manifest() -> PathBuf {
    tools().join("packages/pester").join(PESTER_VERSION).join("tools/Pester.psd1")
}

/// The tool's own store folder names the version, so a changed pin reinstalls.
fn installed_pwsh_is_pinned() -> bool {
    pwsh().is_file() && tools().join("pwsh/.store/powershell").join(PWSH_VERSION).is_dir()
}

pub fn ensure() -> Result<(), String> {
    if !installed_pwsh_is_pinned() {
        let folder = tools().join("pwsh");
        if folder.exists() {
            std::fs::remove_dir_all(&folder).map_err(|e| format!("cannot replace {}: {e}", folder.display()))?;
        }
        let folder = folder.to_string_lossy().to_string();
        run::dotnet(&["tool", "install", "--tool-path", &folder, "PowerShell", "--version", PWSH_VERSION]).map_err(|e| {
            format!("cannot install PowerShell {PWSH_VERSION} (the .NET tool 'PowerShell' from NuGet) into {folder}: {e}; the Pester suite needs it")
        })?;
    }
    if !pester_manifest().is_file() {
        let packages = tools().join("packages").to_string_lossy().to_string();
        run::dotnet(&["restore", "tests/tools/pester/Pester.csproj", "--packages", &packages, "--nologo", "-v", "quiet"])
            .map_err(|e| format!("cannot download Pester {PESTER_VERSION} from NuGet into {packages}: {e}"))?;
        if !pester_manifest().is_file() {
            return Err(format!("Pester {PESTER_VERSION} was restored but {} is missing", pester_manifest().display()));
        }
    }
    Ok(())
}

/// Runs a script file in the build's pwsh (no profile, never prompting); its exit code decides.
pub fn run_script(script: &Path, args: &[&str]) -> Result<(), String> {
    run_script_env(script, args, &[])
}

pub fn run_script_env(script: &Path, args: &[&str], env: &[(&str, &str)]) -> Result<(), String> {
    let script = script.to_string_lossy().to_string();
    let mut all = vec!["-NoLogo", "-NoProfile", "-NonInteractive", "-File", script.as_str()];
    all.extend_from_slice(args);
    let mut all_env = vec![("POWERSHELL_TELEMETRY_OPTOUT", "1"), ("POWERSHELL_UPDATECHECK", "Off")];
    all_env.extend_from_slice(env);
    run::command_env(&pwsh(), &all, &all_env)
}

//! Where jobs live: one folder per user, overridable. The Windows rule is a pure function of the
//! environment so it is tested on any machine.

use crate::error::{EngineError, Result};
use std::path::{Path, PathBuf};

/// Overrides the folder for every run of this process (and its children).
pub const ENV_OVERRIDE: &str = "AZBLOBSYNC_JOB_DIR";

/// The default folder from an environment lookup: `%LOCALAPPDATA%\AzBlobSync` on Windows,
/// `$XDG_STATE_HOME/azblobsync` or `~/.local/state/azblobsync` elsewhere.
pub fn default_dir(windows: bool, env: impl Fn(&str) -> Option<String>) -> Option<PathBuf> {
    let var = |name: &str| env(name).filter(|v| !v.trim().is_empty());
    if windows {
        return var("LOCALAPPDATA").map(|base| PathBuf::from(format!("{}\\AzBlobSync", base.trim_end_matches('\\'))));
    }
    if let Some(state) = var("XDG_STATE_HOME") {
        return Some(Path::new(&state).join("azblobsync"));
    }
    var("HOME").map(|home| Path::new(&home).join(".local/state/azblobsync"))
}

/// The folder a job uses: the host's choice, then [`ENV_OVERRIDE`], then [`default_dir`].
pub fn resolve(explicit: Option<&str>) -> Result<PathBuf> {
    if let Some(dir) = explicit.map(str::trim).filter(|d| !d.is_empty()) {
        return Ok(PathBuf::from(dir));
    }
    let env = |name: &str| std::env::var(name).ok();
    if let Some(dir) = env(ENV_OVERRIDE).filter(|d| !d.trim().is_empty()) {
        return Ok(PathBuf::from(dir));
    }
    default_dir(cfg!(windows), env).ok_or_else(|| EngineError::JournalUnavailable("no folder for jobs: set AZBLOBSYNC_JOB_DIR or HOME".into()))
}

/// Creates `dir` (and `dir/logs`) readable by this user only (0700 on unix; on Windows the
/// per-user LOCALAPPDATA already is).
pub fn ensure(dir: &Path) -> Result<()> {
    for d in [dir.to_path_buf(), dir.join(super::log::LOG_FOLDER), dir.join(super::liveness::LOCK_FOLDER)] {
        std::fs::create_dir_all(&d).map_err(|e| unavailable(&d, &e))?;
        restrict(&d, 0o700)?;
    }
    Ok(())
}

/// Sets unix permission bits (no-op elsewhere).
pub fn restrict(path: &Path, mode: u32) -> Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).map_err(|e| unavailable(path, &e))?;
    }
    let _ = (path, mode);
    Ok(())
}

pub fn unavailable(path: &Path, e: &dyn std::fmt::Display) -> EngineError {
    EngineError::JournalUnavailable(format!("{}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |name| pairs.iter().find(|(k, _)| *k == name).map(|(_, v)| v.to_string())
    }

    #[test]
    fn windows_uses_localappdata() {
        let dir = default_dir(true, env(&[("LOCALAPPDATA", r"C:\Users\ann\AppData\Local"), ("HOME", "/h")]));
        assert_eq!(dir, Some(PathBuf::from(r"C:\Users\ann\AppData\Local\AzBlobSync")));
        assert_eq!(default_dir(true, env(&[("HOME", "/h")])), None);
    }

    #[test]
    fn elsewhere_xdg_state_then_home() {
        assert_eq!(default_dir(false, env(&[("XDG_STATE_HOME", "/s"), ("HOME", "/h")])), Some(PathBuf::from("/s/azblobsync")));
        assert_eq!(default_dir(false, env(&[("HOME", "/h")])), Some(PathBuf::from("/h/.local/state/azblobsync")));
        assert_eq!(default_dir(false, env(&[("XDG_STATE_HOME", " "), ("HOME", "/h")])), Some(PathBuf::from("/h/.local/state/azblobsync")));
    }

    #[test]
    fn an_explicit_folder_wins() {
        assert_eq!(resolve(Some("/x/jobs")).unwrap(), PathBuf::from("/x/jobs"));
    }

    #[cfg(unix)]
    #[test]
    fn the_folder_is_private() {
        use std::os::unix::fs::PermissionsExt;
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("jobs");
        ensure(&dir).unwrap();
        assert_eq!(std::fs::metadata(&dir).unwrap().permissions().mode() & 0o777, 0o700);
    }
}

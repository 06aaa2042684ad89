//! Our own temporary files: a download lands in `.<name>.azblobsync-part` beside its target and is
//! renamed over it when complete. The name is derived from the target, so a rerun overwrites what
//! an interrupted run left, and the walk never takes such a file for a source file.

use std::path::{Path, PathBuf};

const SUFFIX: &str = ".azblobsync-part";

/// The temporary file a download of `target` is written to.
pub fn part_file_for(target: &Path) -> PathBuf {
    let name = target.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    target.with_file_name(format!(".{name}{SUFFIX}"))
}

/// Whether a file name (not a path) is one of our temporary files.
pub fn is_part_file(name: &str) -> bool {
    name.len() > 1 + SUFFIX.len() && name.starts_with('.') && name.ends_with(SUFFIX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_part_file_sits_beside_its_target_and_is_recognised() {
        let part = part_file_for(Path::new("/data/in/report.csv"));
        assert_eq!(part, Path::new("/data/in/.report.csv.azblobsync-part"));
        assert!(is_part_file(part.file_name().unwrap().to_str().unwrap()));
        for ordinary in ["report.csv", ".bashrc", "x.azblobsync-part", ".azblobsync-part"] {
            assert!(!is_part_file(ordinary), "{ordinary}");
        }
    }
}

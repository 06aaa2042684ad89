//! Walks a local folder in blob-name order, streaming.
//!
//! Each directory is read and sorted on its own, with sub-directories keyed as `name/` so that the
//! depth-first order equals the service's order of the full relative paths (`a-b` < `a/x` < `a0`;
//! see [`crate::plan::blob_name::compare`]). Only the
//! directories on the current path are held in memory, never the whole tree.

use crate::plan::filter::Filter;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::SystemTime;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalEntry {
    /// Relative to the root, '/'-separated: the part of the blob name after the prefix.
    pub relative: String,
    pub path: PathBuf,
    pub size: u64,
    pub modified: SystemTime,
}

/// Something under the root that cannot become a blob; reported per file, the walk goes on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WalkProblem {
    pub relative: String,
    pub path: PathBuf,
    pub message: String,
}

pub type WalkItem = Result<LocalEntry, WalkProblem>;

struct PendingEntry {
    sort_key: String,
    name: String,
    is_dir: bool,
}

struct DirFrame {
    relative: String,
    path: PathBuf,
    /// Sorted descending so `pop()` yields ascending order.
    entries: Vec<PendingEntry>,
}

pub struct LocalWalk {
    stack: Vec<DirFrame>,
    queued_problems: Vec<WalkProblem>,
    filter: Arc<Filter>,
    folders_listed: u64,
    /// Remove our leftover temporary files as they are passed (a download destination).
    clean_part_files: bool,
}

impl LocalWalk {
    /// The root must exist and be a directory (checked by the caller for a clear error).
    pub fn new(root: &Path) -> Self {
        Self::filtered(root, Arc::new(Filter::everything()))
    }

    /// Walks only folders the filter may descend into and yields only names it includes; the
    /// filter's time rules are left to the planner, which must still see such files.
    pub fn filtered(root: &Path, filter: Arc<Filter>) -> Self {
        Self::starting(root, filter, false)
    }

    /// As [`Self::filtered`], removing the temporary files an interrupted download left (see
    /// [`crate::local::part_files`]) as it passes them.
    pub fn cleaning_part_files(root: &Path, filter: Arc<Filter>) -> Self {
        Self::starting(root, filter, true)
    }

    fn starting(root: &Path, filter: Arc<Filter>, clean_part_files: bool) -> Self {
        let mut walk = Self { stack: Vec::new(), queued_problems: Vec::new(), filter, folders_listed: 0, clean_part_files };
        walk.open_dir(String::new(), root.to_path_buf());
        walk
    }

    /// How many folders were read so far (excluded folders are never read).
    pub fn folders_listed(&self) -> u64 {
        self.folders_listed
    }

    fn open_dir(&mut self, relative: String, path: PathBuf) {
        self.folders_listed += 1;
        let reader = match fs::read_dir(&path) {
            Ok(r) => r,
            Err(e) => {
                self.problem(relative, path, format!("cannot list folder: {e}"));
                return;
            }
        };
        let mut entries = Vec::new();
        for item in reader {
            let item = match item {
                Ok(i) => i,
                Err(e) => {
                    self.problem(relative.clone(), path.clone(), format!("cannot list folder: {e}"));
                    continue;
                }
            };
            let raw_name = item.file_name();
            let Some(name) = raw_name.to_str().map(str::to_string) else {
                let shown = raw_name.to_string_lossy().into_owned();
                self.problem(join(&relative, &shown), item.path(), "the name is not valid Unicode, so it cannot be a blob name".into());
                continue;
            };
            // file_type() does not follow symlinks: a linked folder is never descended (no loops).
            let is_dir = item.file_type().map(|t| t.is_dir()).unwrap_or(false);
            // Our own temporary files are never source files.
            if !is_dir && crate::local::part_files::is_part_file(&name) {
                if self.clean_part_files {
                    let _ = fs::remove_file(item.path());
                }
                continue;
            }
            let sort_key = if is_dir { format!("{name}/") } else { name.clone() };
            entries.push(PendingEntry { sort_key, name, is_dir });
        }
        entries.sort_unstable_by(|a, b| crate::plan::blob_name::compare(&b.sort_key, &a.sort_key));
        self.stack.push(DirFrame { relative, path, entries });
    }

    fn problem(&mut self, relative: String, path: PathBuf, message: String) {
        self.queued_problems.push(WalkProblem { relative, path, message });
    }
}

fn join(dir: &str, name: &str) -> String {
    if dir.is_empty() { name.to_string() } else { format!("{dir}/{name}") }
}

impl Iterator for LocalWalk {
    type Item = WalkItem;

    fn next(&mut self) -> Option<WalkItem> {
        loop {
            if let Some(p) = self.queued_problems.pop() {
                return Some(Err(p));
            }
            let frame = self.stack.last_mut()?;
            let Some(entry) = frame.entries.pop() else {
                self.stack.pop();
                continue;
            };
            let relative = join(&frame.relative, &entry.name);
            let path = frame.path.join(&entry.name);
            if entry.is_dir {
                if self.filter.may_descend(&relative) {
                    self.open_dir(relative, path);
                }
                continue;
            }
            if !self.filter.includes_name(&relative) {
                continue;
            }
            // metadata() follows a symlink to a file; a dangling one is reported.
            return Some(match fs::metadata(&path) {
                Ok(m) if m.is_file() => Ok(LocalEntry {
                    relative,
                    size: m.len(),
                    modified: m.modified().unwrap_or(SystemTime::UNIX_EPOCH),
                    path,
                }),
                Ok(_) => continue,
                Err(e) => Err(WalkProblem { relative, path, message: format!("cannot read file attributes: {e}") }),
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(root: &Path) -> Vec<String> {
        LocalWalk::new(root).map(|i| i.unwrap().relative).collect()
    }

    #[test]
    fn yields_files_in_blob_name_order_across_directories() {
        let dir = tempfile::tempdir().unwrap();
        for f in ["a/x", "a-b", "a0", "a/b/c", "A", "é/z", "😀", "sp ace#%/f", "z"] {
            let p = dir.path().join(f);
            fs::create_dir_all(p.parent().unwrap()).unwrap();
            fs::write(p, f).unwrap();
        }
        fs::create_dir_all(dir.path().join("empty/inner")).unwrap();
        // The service's order written out by hand ('-' 0x2D, '/' 0x2F, '0' 0x30; 'é' U+00E9 before the
        // emoji's U+D83D), not computed with the engine's comparator; the empty folder yields nothing.
        assert_eq!(names(dir.path()), ["A", "a-b", "a/b/c", "a/x", "a0", "sp ace#%/f", "z", "é/z", "😀"]);
    }

    #[test]
    fn reports_size_and_zero_byte_files() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("empty"), b"").unwrap();
        fs::write(dir.path().join("three"), b"abc").unwrap();
        let entries: Vec<_> = LocalWalk::new(dir.path()).map(Result::unwrap).collect();
        assert_eq!(entries.iter().map(|e| e.size).collect::<Vec<_>>(), vec![0, 3]);
    }

    #[test]
    fn excluded_folders_are_never_opened() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir_all(dir.path().join("keep")).unwrap();
        fs::write(dir.path().join("keep/a.txt"), b"1").unwrap();
        fs::write(dir.path().join("keep/b.tmp"), b"1").unwrap();
        fs::create_dir_all(dir.path().join("private/deep/deeper")).unwrap();
        fs::write(dir.path().join("private/secret"), b"1").unwrap();
        let spec = crate::plan::filter::FilterSpec {
            exclude_paths: vec!["private".into()],
            exclude_patterns: vec!["*.tmp".into()],
            ..Default::default()
        };
        let filter = Arc::new(Filter::new(&spec, SystemTime::now()).unwrap());
        let mut walk = LocalWalk::filtered(dir.path(), filter);
        let items: Vec<_> = walk.by_ref().collect();
        assert_eq!(items.len(), 1, "{items:?}");
        assert_eq!(walk.folders_listed(), 2, "the root and keep/, never private/");
        assert_eq!(items[0].as_ref().unwrap().relative, "keep/a.txt");
    }

    #[test]
    fn our_temporary_files_are_never_yielded_and_a_download_walk_removes_them() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir(dir.path().join("sub")).unwrap();
        fs::write(dir.path().join("a.txt"), b"1").unwrap();
        fs::write(dir.path().join(".a.txt.azblobsync-part"), b"half").unwrap();
        fs::write(dir.path().join("sub/.b.azblobsync-part"), b"half").unwrap();
        assert_eq!(names(dir.path()), vec!["a.txt".to_string()]);
        assert!(dir.path().join(".a.txt.azblobsync-part").exists(), "an upload's walk only skips them");
        let cleaned: Vec<_> = LocalWalk::cleaning_part_files(dir.path(), Arc::new(Filter::everything())).map(|i| i.unwrap().relative).collect();
        assert_eq!(cleaned, vec!["a.txt".to_string()]);
        assert!(!dir.path().join(".a.txt.azblobsync-part").exists());
        assert!(!dir.path().join("sub/.b.azblobsync-part").exists());
    }

    #[cfg(unix)]
    #[test]
    fn does_not_descend_symlinked_folders() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir(dir.path().join("real")).unwrap();
        fs::write(dir.path().join("real/f"), b"1").unwrap();
        std::os::unix::fs::symlink(dir.path(), dir.path().join("real/loop")).unwrap();
        assert_eq!(names(dir.path()), vec!["real/f".to_string()]);
    }
}

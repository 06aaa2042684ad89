//! Which way a job moves data and what exactly it covers, from the spec's two ends.
//!
//! Sync: a folder and a container prefix, mirrored. Copy, as AzCopy: a file; a folder with
//! `recursive` (which lands *inside* the destination under its own name); or a folder's contents
//! (`dir/*`, `dir\*`, `url/prefix/*`), only the top level unless `recursive`.

use crate::plan::blob_name;
use crate::spec::container_url::ContainerUrl;
use crate::error::{EngineError, Result};
use crate::spec::ends::Ends;
use crate::spec::{JobSpec, Operation};
use crate::store::BlobStore;
use crate::local::windows_path::{last_component, parse_source_argument};
use futures::StreamExt;
use std::path::{Path, PathBuf};

/// One file or blob, named the same on both sides of the plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Single {
    /// The name the plan pairs on (the file's or blob's own name).
    pub name: String,
    /// Upload: the full blob name. Download: the local file path.
    pub target: String,
}

#[derive(Debug)]
pub struct Scope {
    pub container: ContainerUrl,
    /// Blob names are `prefix/<relative>` (the prefix may be empty).
    pub prefix: String,
    /// The local folder the relative names hang from.
    pub root: PathBuf,
    pub single: Option<Single>,
    /// Copy without `recursive`: only what lies directly in the folder or prefix.
    pub top_level_only: bool,
}

#[derive(Debug)]
pub enum Endpoints {
    Upload(Scope),
    Download(Scope),
}

/// What an upload or a download covers; `container` is the spec's own (see [`Ends::container`]).
pub async fn resolve(spec: &JobSpec, container: ContainerUrl, store: &dyn BlobStore) -> Result<Endpoints> {
    match spec.ends()? {
        Ends::Upload { destination, .. } => resolve_upload(spec, container, destination.names_folder).map(Endpoints::Upload),
        Ends::Download { source, .. } => resolve_download(spec, container, source.contents_only, store).await.map(Endpoints::Download),
        Ends::ContainerToContainer { .. } => Err(EngineError::Internal("between containers there is no local end to resolve".into())),
    }
}

pub(crate) fn folder_needs_recursive(shown: &str) -> EngineError {
    EngineError::InvalidSpec(format!(
        "'{shown}' is a folder: add --recursive (-Recursive) to copy it and everything in it, or '{shown}/*' for the files directly in it"
    ))
}

fn resolve_upload(spec: &JobSpec, container: ContainerUrl, destination_names_folder: bool) -> Result<Scope> {
    let prefix = container.prefix.clone();
    if spec.operation != Operation::Copy {
        let root = existing_folder(&spec.source)?;
        return Ok(Scope { container, prefix, root, single: None, top_level_only: false });
    }
    let arg = parse_source_argument(&spec.source);
    let meta = std::fs::metadata(&arg.path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => EngineError::SourceNotFound(arg.path.clone()),
        _ => EngineError::local_io(Path::new(&arg.path), &e),
    })?;
    let path = PathBuf::from(&arg.path);
    if arg.contents_only {
        if !meta.is_dir() {
            return Err(EngineError::SourceNotAFolder(arg.path));
        }
        return Ok(Scope { container, prefix, root: path, single: None, top_level_only: !spec.recursive });
    }
    if meta.is_file() {
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).ok_or_else(|| EngineError::SourceNotFound(arg.path.clone()))?;
        // A destination that names a folder (the container, or a path ending in '/') gets the
        // file's own name; otherwise the destination is the blob's name.
        let target = if prefix.is_empty() || destination_names_folder { blob_name::join(&prefix, &name) } else { prefix.clone() };
        let root = path.parent().map(Path::to_path_buf).unwrap_or_default();
        return Ok(Scope { container, prefix, root, single: Some(Single { name, target }), top_level_only: true });
    }
    if !spec.recursive {
        return Err(folder_needs_recursive(&arg.path));
    }
    let own_name = last_component(&arg.path).unwrap_or_default();
    let prefix = blob_name::join(&prefix, own_name);
    Ok(Scope { container, prefix, root: path, single: None, top_level_only: false })
}

async fn resolve_download(spec: &JobSpec, container: ContainerUrl, contents_only: bool, store: &dyn BlobStore) -> Result<Scope> {
    let dest = PathBuf::from(&spec.destination);
    let prefix = container.prefix.clone();
    if spec.operation != Operation::Copy {
        ensure_folder(&dest, &spec.destination)?;
        return Ok(Scope { container, prefix, root: dest, single: None, top_level_only: false });
    }
    if contents_only {
        ensure_folder(&dest, &spec.destination)?;
        return Ok(Scope { container, prefix, root: dest, single: None, top_level_only: !spec.recursive });
    }
    if !prefix.is_empty() && blob_exists(store, &prefix).await? {
        let name = prefix.rsplit('/').next().unwrap_or(&prefix).to_string();
        let into_folder = dest.is_dir() || spec.destination.ends_with(['/', '\\']);
        let target = if into_folder { dest.join(&name) } else { dest.clone() };
        let root = target.parent().map(Path::to_path_buf).unwrap_or_default();
        let parent_prefix = prefix.rsplit_once('/').map(|(p, _)| p.to_string()).unwrap_or_default();
        let single = Single { name, target: target.to_string_lossy().into_owned() };
        return Ok(Scope { container, prefix: parent_prefix, root, single: Some(single), top_level_only: true });
    }
    if !spec.recursive {
        return Err(folder_needs_recursive(&container.display()));
    }
    // The container, or a virtual folder in it, lands inside the destination under its own name.
    let own_name = if prefix.is_empty() { container.container.clone() } else { prefix.rsplit('/').next().unwrap_or(&prefix).to_string() };
    let root = dest.join(own_name);
    ensure_folder(&root, &root.to_string_lossy())?;
    Ok(Scope { container, prefix, root, single: None, top_level_only: false })
}

/// Container to container: what the source covers and where it lands.
#[derive(Debug, PartialEq, Eq)]
pub struct BetweenScope {
    pub source_prefix: String,
    pub dest_prefix: String,
    /// One blob: `name` under the source prefix, copied to the full blob name `target`.
    pub single: Option<Single>,
    pub top_level_only: bool,
}

/// Sync mirrors prefix onto prefix; copy follows the same rules as a download, with a container
/// prefix in place of the local folder.
pub async fn resolve_between(spec: &JobSpec, source: &ContainerUrl, dest: &ContainerUrl, source_store: &dyn BlobStore) -> Result<BetweenScope> {
    let (p, q) = (source.prefix.clone(), dest.prefix.clone());
    let Ends::ContainerToContainer { source: source_end, destination: dest_end } = spec.ends()? else {
        return Err(EngineError::Internal("a copy between containers needs two container ends".into()));
    };
    let (contents_only, dest_names_folder) = (source_end.contents_only, dest_end.names_folder);
    if spec.operation != Operation::Copy || contents_only {
        let top_level_only = spec.operation == Operation::Copy && !spec.recursive;
        return Ok(BetweenScope { source_prefix: p, dest_prefix: q, single: None, top_level_only });
    }
    if !p.is_empty() && blob_exists(source_store, &p).await? {
        let name = p.rsplit('/').next().unwrap_or(&p).to_string();
        let target = if q.is_empty() || dest_names_folder { blob_name::join(&q, &name) } else { q.clone() };
        let source_prefix = p.rsplit_once('/').map(|(parent, _)| parent.to_string()).unwrap_or_default();
        return Ok(BetweenScope { source_prefix, dest_prefix: q, single: Some(Single { name, target }), top_level_only: true });
    }
    if !spec.recursive {
        return Err(folder_needs_recursive(&source.display()));
    }
    let own_name = if p.is_empty() { source.container.clone() } else { p.rsplit('/').next().unwrap_or(&p).to_string() };
    Ok(BetweenScope { source_prefix: p, dest_prefix: blob_name::join(&q, &own_name), single: None, top_level_only: false })
}

async fn blob_exists(store: &dyn BlobStore, name: &str) -> Result<bool> {
    let mut pages = store.list(name);
    while let Some(page) = pages.next().await {
        let page = page?;
        if page.iter().any(|b| b.name == name) {
            return Ok(true);
        }
        // Names sort after their prefixes: once past `name`, it is not there.
        if page.iter().any(|b| blob_name::compare(&b.name, name) == std::cmp::Ordering::Greater) {
            return Ok(false);
        }
    }
    Ok(false)
}

pub fn existing_folder(source: &str) -> Result<PathBuf> {
    let path = PathBuf::from(source);
    match std::fs::metadata(&path) {
        Ok(m) if m.is_dir() => Ok(path),
        Ok(_) => Err(EngineError::SourceNotAFolder(source.to_string())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(EngineError::SourceNotFound(source.to_string())),
        Err(e) => Err(EngineError::local_io(&path, &e)),
    }
}

/// A download's destination folder: refused when it is a file. A missing one is fine: downloads
/// create folders as they write, and a dry run or check must create nothing.
fn ensure_folder(root: &Path, shown: &str) -> Result<()> {
    match std::fs::metadata(root) {
        Ok(m) if !m.is_dir() => Err(EngineError::DestinationNotAFolder(shown.to_string())),
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(EngineError::local_io(root, &e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(op: Operation, source: &str, destination: &str, recursive: bool) -> JobSpec {
        JobSpec { operation: op, source: source.into(), destination: destination.into(), recursive, ..Default::default() }
    }

    /// Through the door, as every job: validated (ends parsed, local checks), then resolved.
    fn upload(s: &JobSpec) -> Result<Scope> {
        let mut s = JobSpec { ends: None, ..spec(s.operation, &s.source, &s.destination, s.recursive) };
        s.validate()?;
        let Ends::Upload { destination, .. } = s.ends()? else { panic!("an upload") };
        resolve_upload(&s, destination.url.clone(), destination.names_folder)
    }

    #[test]
    fn copying_a_folder_puts_it_inside_the_destination_and_contents_do_not() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        std::fs::create_dir(&data).unwrap();
        std::fs::write(data.join("f.txt"), b"1").unwrap();
        let d = data.to_str().unwrap();
        let url = "https://acct.blob.core.windows.net/cont/backups";

        let s = upload(&spec(Operation::Copy, d, url, true)).unwrap();
        assert_eq!((s.prefix.as_str(), s.top_level_only), ("backups/data", false));
        let s = upload(&spec(Operation::Copy, &format!("{d}/*"), url, false)).unwrap();
        assert_eq!((s.prefix.as_str(), s.top_level_only), ("backups", true));
        let e = upload(&spec(Operation::Copy, d, url, false)).unwrap_err();
        assert!(e.to_string().contains("--recursive"), "{e}");
        // Sync mirrors the folder itself onto the prefix.
        let s = upload(&spec(Operation::Sync, d, url, false)).unwrap();
        assert_eq!(s.prefix, "backups");
    }

    #[test]
    fn a_single_file_is_named_by_the_destination_unless_it_names_a_folder() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("report.csv");
        std::fs::write(&file, b"1").unwrap();
        let f = file.to_str().unwrap();
        let single = |url: &str| upload(&spec(Operation::Copy, f, url, false)).unwrap().single.unwrap();
        assert_eq!(single("https://a.blob.core.windows.net/cont"), Single { name: "report.csv".into(), target: "report.csv".into() });
        assert_eq!(single("https://a.blob.core.windows.net/cont/in/?sv=1").target, "in/report.csv");
        assert_eq!(single("https://a.blob.core.windows.net/cont/in/renamed.csv").target, "in/renamed.csv");
    }
}

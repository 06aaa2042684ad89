//! A job's two ends, typed: what each is (a local path, an Azure container and prefix; room for
//! S3), parsed once when the spec comes in. Nothing downstream parses a URL string again.
//!
//! A host that knows the direction says so (`direction` in the spec); the CLI, which has only two
//! strings, has it inferred here, and only here.

use crate::error::{EngineError, Result};
use crate::spec::container_url::ContainerUrl;
use crate::spec::redaction::redact;
use crate::spec::{JobSpec, Operation};
use serde::{Deserialize, Serialize};

/// Which way data moves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Direction {
    /// Local → container.
    Upload,
    /// Container → local.
    Download,
    /// Container → container, copied by the service.
    ContainerToContainer,
}

/// A container end: the container (with its SAS) and how the URL was written.
#[derive(Debug, Clone)]
pub struct ContainerEnd {
    pub url: ContainerUrl,
    /// `url/prefix/*`: the prefix's contents, not the prefix itself (copy).
    pub contents_only: bool,
    /// The URL's path ends with '/': it names a folder, so a copied item keeps its own name.
    pub names_folder: bool,
    /// The URL as the host gave it (without a `/*`), its SAS signature redacted: for people.
    pub shown: String,
}

/// A local end, as the host gave it (a copy's contents marker `dir/*` kept).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalEnd {
    pub path: String,
}

#[derive(Debug, Clone)]
pub enum Ends {
    Upload { source: LocalEnd, destination: ContainerEnd },
    Download { source: ContainerEnd, destination: LocalEnd },
    ContainerToContainer { source: ContainerEnd, destination: ContainerEnd },
}

impl Ends {
    /// Parses both ends of `spec` (strings only, no disk and no network).
    pub fn parse(spec: &JobSpec) -> Result<Self> {
        let direction = match spec.direction {
            Some(d) => d,
            None => infer_direction(&spec.source, &spec.destination)?,
        };
        // An empty container end gets the URL parser's "it is empty"; an empty local end this.
        let local = |raw: &str, role: &str| {
            if raw.trim().is_empty() {
                return Err(EngineError::InvalidSpec(format!("no {role} was given; give the local path")));
            }
            Ok(LocalEnd { path: raw.to_string() })
        };
        Ok(match direction {
            Direction::Upload => Self::Upload { source: local(&spec.source, "source")?, destination: destination_end(&spec.destination)? },
            Direction::Download => Self::Download { source: source_end(&spec.source)?, destination: local(&spec.destination, "destination")? },
            Direction::ContainerToContainer => {
                let (source, destination) = (source_end(&spec.source)?, destination_end(&spec.destination)?);
                if source.url.sas().is_none() && source.url.account != destination.url.account {
                    return Err(EngineError::InvalidSpec(
                        "the service reads the source itself, and an account key only vouches for its own account: add a SAS (read, list) to the source URL".into(),
                    ));
                }
                Self::ContainerToContainer { source, destination }
            }
        })
    }

    pub fn direction(&self) -> Direction {
        match self {
            Self::Upload { .. } => Direction::Upload,
            Self::Download { .. } => Direction::Download,
            Self::ContainerToContainer { .. } => Direction::ContainerToContainer,
        }
    }

    /// The container the job lists and writes (upload: the destination; download: the source;
    /// between containers: the destination).
    pub fn container(&self) -> &ContainerEnd {
        match self {
            Self::Upload { destination, .. } | Self::ContainerToContainer { destination, .. } => destination,
            Self::Download { source, .. } => source,
        }
    }

    /// The local end, if there is one.
    pub fn local(&self) -> Option<&LocalEnd> {
        match self {
            Self::Upload { source, .. } => Some(source),
            Self::Download { destination, .. } => Some(destination),
            Self::ContainerToContainer { .. } => None,
        }
    }

    /// Local mistakes, found before any network round trip: a sync's or check's source folder
    /// missing or a file; a copy's source missing, or a folder without `recursive`; a download
    /// into a file.
    pub fn check_local(&self, spec: &JobSpec) -> Result<()> {
        match self {
            Self::Upload { source, .. } if spec.operation == Operation::Copy => check_copy_source(&source.path, spec.recursive),
            Self::Upload { source, .. } => crate::spec::endpoints::existing_folder(&source.path).map(drop),
            Self::Download { destination, .. } if spec.operation != Operation::Copy && std::path::Path::new(&destination.path).is_file() => {
                Err(EngineError::DestinationNotAFolder(destination.path.clone()))
            }
            Self::Download { .. } | Self::ContainerToContainer { .. } => Ok(()),
        }
    }
}

/// Anything that looks meant as a URL counts as one, typos included ("http//..."), so that a
/// mistyped URL gets the URL parser's precise complaint rather than "folder not found".
pub fn is_url(end: &str) -> bool {
    let lower = end.trim_start().to_ascii_lowercase();
    lower.contains("://") || lower.starts_with("http:") || lower.starts_with("https:") || lower.starts_with("http/") || lower.starts_with("https/")
}

/// Only for hosts that cannot say (the CLI): two strings, one of them a URL.
fn infer_direction(source: &str, destination: &str) -> Result<Direction> {
    match (is_url(source), is_url(destination)) {
        (false, true) => Ok(Direction::Upload),
        (true, false) => Ok(Direction::Download),
        (true, true) => Ok(Direction::ContainerToContainer),
        (false, false) => Err(EngineError::InvalidSpec(
            "neither end is a container URL; one side must be https://<account>.blob.core.windows.net/<container>".into(),
        )),
    }
}

/// `https://a/c/dir/*?sas` → (`https://a/c/dir?sas`, contents only).
fn split_url_wildcard(url: &str) -> (String, bool) {
    let (base, query) = url.split_once('?').map_or((url, None), |(b, q)| (b, Some(q)));
    match base.strip_suffix("/*") {
        Some(stripped) => (query.map_or(stripped.to_string(), |q| format!("{stripped}?{q}")), true),
        None => (url.to_string(), false),
    }
}

fn url_path_ends_with_slash(url: &str) -> bool {
    url.split('?').next().unwrap_or(url).ends_with('/')
}

/// A source URL (optionally `prefix/*`), whose errors say "source".
fn source_end(raw: &str) -> Result<ContainerEnd> {
    let (url, contents_only) = split_url_wildcard(raw);
    let parsed = ContainerUrl::parse(&url).map_err(|e| match e {
        EngineError::InvalidDestination { url, why } => EngineError::InvalidSource { url, why },
        e => e,
    })?;
    Ok(ContainerEnd { url: parsed, contents_only, names_folder: url_path_ends_with_slash(&url), shown: redact(url.trim()) })
}

fn destination_end(raw: &str) -> Result<ContainerEnd> {
    Ok(ContainerEnd { url: ContainerUrl::parse(raw)?, contents_only: false, names_folder: url_path_ends_with_slash(raw), shown: redact(raw.trim()) })
}

/// A copy's local source: a file; a folder with `recursive`; or a folder's contents (`dir/*`).
fn check_copy_source(source: &str, recursive: bool) -> Result<()> {
    let arg = crate::local::windows_path::parse_source_argument(source);
    let meta = std::fs::metadata(&arg.path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => EngineError::SourceNotFound(arg.path.clone()),
        _ => EngineError::local_io(std::path::Path::new(&arg.path), &e),
    })?;
    if arg.contents_only && !meta.is_dir() {
        return Err(EngineError::SourceNotAFolder(arg.path));
    }
    if !arg.contents_only && meta.is_dir() && !recursive {
        return Err(crate::spec::endpoints::folder_needs_recursive(&arg.path));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(source: &str, destination: &str, direction: Option<Direction>) -> JobSpec {
        JobSpec { source: source.into(), destination: destination.into(), direction, ..Default::default() }
    }

    #[test]
    fn the_direction_is_taken_when_given_and_inferred_only_when_not() {
        let url = "http://127.0.0.1:1/acct/cont/pre";
        assert_eq!(Ends::parse(&spec("/data", url, None)).unwrap().direction(), Direction::Upload);
        assert_eq!(Ends::parse(&spec(url, "/data", None)).unwrap().direction(), Direction::Download);
        assert_eq!(Ends::parse(&spec(url, url, None)).unwrap().direction(), Direction::ContainerToContainer);
        assert_eq!(Ends::parse(&spec("/a", "/b", None)).unwrap_err().error_id(), "InvalidSpec");
        // A host that says "upload" gets the URL parser's verdict on the destination, not a guess.
        let e = Ends::parse(&spec("/data", "/not/a/url", Some(Direction::Upload))).unwrap_err();
        assert_eq!(e.error_id(), "InvalidDestination");
        let e = Ends::parse(&spec("/not/a/url", "/data", Some(Direction::Download))).unwrap_err();
        assert_eq!(e.error_id(), "InvalidSource");
    }

    #[test]
    fn url_wildcards_are_split_before_the_query() {
        assert_eq!(split_url_wildcard("https://a/c/dir/*?sv=1&sig=x"), ("https://a/c/dir?sv=1&sig=x".to_string(), true));
        assert_eq!(split_url_wildcard("https://a/c/dir"), ("https://a/c/dir".to_string(), false));
    }

    #[test]
    fn container_ends_keep_what_the_url_said() {
        let ends = Ends::parse(&spec("http://127.0.0.1:1/acct/cont/dir/*?sv=1&sig=S", "/data", None)).unwrap();
        let Ends::Download { source, destination } = ends else { panic!("a download") };
        assert_eq!((source.url.prefix.as_str(), source.contents_only), ("dir", true));
        assert_eq!(source.url.sas(), Some("sv=1&sig=S"));
        assert_eq!(destination.path, "/data");
        let ends = Ends::parse(&spec("/f.txt", "http://127.0.0.1:1/acct/cont/in/", None)).unwrap();
        assert!(ends.container().names_folder);
    }

    #[test]
    fn a_foreign_source_account_needs_a_sas() {
        let e = Ends::parse(&spec("http://127.0.0.1:1/one/src", "http://127.0.0.1:1/two/dst", None)).unwrap_err();
        assert!(e.to_string().contains("add a SAS"), "{e}");
        Ends::parse(&spec("http://127.0.0.1:1/one/src?sv=1&sig=x", "http://127.0.0.1:1/two/dst", None)).unwrap();
        Ends::parse(&spec("http://127.0.0.1:1/one/src", "http://127.0.0.1:1/one/dst", None)).unwrap();
    }

    #[test]
    fn local_checks_happen_before_the_network() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("f.txt");
        std::fs::write(&file, b"1").unwrap();
        let (d, f) = (dir.path().to_str().unwrap(), file.to_str().unwrap());
        let missing = dir.path().join("missing");
        let m = missing.to_str().unwrap();
        let url = "http://127.0.0.1:1/acct/cont";
        let check = |op: Operation, s: &str, t: &str, recursive: bool| {
            let spec = JobSpec { operation: op, recursive, ..spec(s, t, None) };
            Ends::parse(&spec).and_then(|e| e.check_local(&spec)).map_err(|e| e.error_id())
        };
        assert_eq!(check(Operation::Sync, d, url, false), Ok(()));
        assert_eq!(check(Operation::Sync, m, url, false), Err("SourceNotFound"));
        assert_eq!(check(Operation::Check, f, url, false), Err("SourceNotAFolder"));
        assert_eq!(check(Operation::Copy, f, url, false), Ok(()));
        assert_eq!(check(Operation::Copy, d, url, false), Err("InvalidSpec"));
        assert_eq!(check(Operation::Copy, d, url, true), Ok(()));
        assert_eq!(check(Operation::Copy, &format!("{f}/*"), url, false), Err("SourceNotAFolder"));
        assert_eq!(check(Operation::Copy, &format!("{m}/*"), url, false), Err("SourceNotFound"));
        assert_eq!(check(Operation::Sync, url, f, false), Err("DestinationNotAFolder"));
        assert_eq!(check(Operation::Sync, url, m, false), Ok(()));
        assert_eq!(check(Operation::Copy, url, f, false), Ok(()));
    }
}

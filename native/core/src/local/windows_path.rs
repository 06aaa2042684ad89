//! Windows path rules as pure functions, so they are tested on every platform: our users run on
//! Windows, the CI here runs on Linux.
//!
//! - a source argument's trailing `\*` or `/*` means "the folder's contents", as in AzCopy;
//! - drive, UNC and extended-length (`\\?\`) paths;
//! - relative paths to blob names and back, refusing names Windows cannot hold.

/// What a copy's source argument names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceArgument {
    /// The folder or file, without the trailing wildcard.
    pub path: String,
    /// `dir\*` / `dir/*`: copy what is inside `dir`, not `dir` itself.
    pub contents_only: bool,
}

pub fn parse_source_argument(arg: &str) -> SourceArgument {
    for (suffix, separator) in [("\\*", "\\"), ("/*", "/")] {
        if let Some(path) = arg.strip_suffix(suffix) {
            // A root's contents: "/*" is "/", and "C:\*" is "C:\" (bare "C:" would mean the current
            // folder on drive C).
            let is_root = path.is_empty() || (path.len() == 2 && path.ends_with(':'));
            let path = if is_root { format!("{path}{separator}") } else { path.to_string() };
            return SourceArgument { path, contents_only: true };
        }
    }
    SourceArgument { path: arg.to_string(), contents_only: false }
}

/// The last component of a path written with either separator (`C:\data\` → `data`), which a copy
/// of the folder itself puts in front of every blob name.
pub fn last_component(path: &str) -> Option<&str> {
    path.trim_end_matches(['\\', '/']).rsplit(['\\', '/']).next().filter(|c| !c.is_empty() && !c.ends_with(':'))
}

/// A Windows relative path as a blob name: `\` becomes `/`; `.` segments and doubled separators go.
pub fn to_blob_name(windows_relative: &str) -> String {
    windows_relative.split(['\\', '/']).filter(|s| !s.is_empty() && *s != ".").collect::<Vec<_>>().join("/")
}

/// Why a blob name cannot be a Windows file name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InvalidWindowsName {
    ReservedName(String),
    InvalidCharacter { segment: String, character: char },
    TrailingDotOrSpace(String),
    SegmentTooLong(String),
    ParentReference,
    Empty,
}

impl std::fmt::Display for InvalidWindowsName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::ReservedName(s) => write!(f, "'{s}' is a reserved device name on Windows"),
            Self::InvalidCharacter { segment, character } => {
                write!(f, "'{segment}' contains '{}', which Windows does not allow in file names", character.escape_default())
            }
            Self::TrailingDotOrSpace(s) => write!(f, "'{s}' ends with a dot or a space, which Windows drops"),
            Self::SegmentTooLong(s) => write!(f, "'{}...' is longer than 255 characters", &s[..s.char_indices().nth(40).map_or(s.len(), |(i, _)| i)]),
            Self::ParentReference => write!(f, "the name contains '..', which would leave the destination folder"),
            Self::Empty => write!(f, "the name is empty"),
        }
    }
}

const RESERVED: [&str; 22] = [
    "CON", "PRN", "AUX", "NUL", "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8", "COM9", "LPT1", "LPT2",
    "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9",
];

fn check_segment(segment: &str) -> Result<(), InvalidWindowsName> {
    if segment == ".." {
        return Err(InvalidWindowsName::ParentReference);
    }
    if let Some(c) = segment.chars().find(|c| matches!(c, '<' | '>' | ':' | '"' | '|' | '?' | '*' | '\\') || (*c as u32) < 32) {
        return Err(InvalidWindowsName::InvalidCharacter { segment: segment.to_string(), character: c });
    }
    if segment.ends_with('.') || segment.ends_with(' ') {
        return Err(InvalidWindowsName::TrailingDotOrSpace(segment.to_string()));
    }
    // "CON", "con.txt" and "Nul.tar.gz" are all the device.
    let stem = segment.split('.').next().unwrap_or(segment).trim_end();
    if RESERVED.iter().any(|r| r.eq_ignore_ascii_case(stem)) {
        return Err(InvalidWindowsName::ReservedName(segment.to_string()));
    }
    if segment.encode_utf16().count() > 255 {
        return Err(InvalidWindowsName::SegmentTooLong(segment.to_string()));
    }
    Ok(())
}

/// A blob name (relative to the source prefix) as a Windows relative path, or why it cannot be one.
pub fn to_windows_relative(blob_relative: &str) -> Result<String, InvalidWindowsName> {
    let segments: Vec<&str> = blob_relative.split('/').filter(|s| !s.is_empty()).collect();
    if segments.is_empty() {
        return Err(InvalidWindowsName::Empty);
    }
    for s in &segments {
        check_segment(s)?;
    }
    Ok(segments.join("\\"))
}

/// Windows compares names without regard to case: two blobs with this same key would be one file.
pub fn case_fold_key(relative: &str) -> String {
    relative.to_lowercase()
}

/// The `\\?\` form that lifts the 260-character limit: `C:\x` → `\\?\C:\x`,
/// `\\server\share\x` → `\\?\UNC\server\share\x`; relative or already extended paths are unchanged.
pub fn extended_length(path: &str) -> String {
    let path = path.replace('/', "\\");
    if path.starts_with("\\\\?\\") || path.starts_with("\\\\.\\") {
        return path;
    }
    if let Some(unc) = path.strip_prefix("\\\\") {
        return format!("\\\\?\\UNC\\{unc}");
    }
    let bytes = path.as_bytes();
    if bytes.len() >= 3 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':' && bytes[2] == b'\\' {
        return format!("\\\\?\\{path}");
    }
    path
}

/// Whether a path is absolute on Windows (drive-rooted or UNC); `C:x` and `\x` are not.
pub fn is_absolute(path: &str) -> bool {
    let b = path.as_bytes();
    path.starts_with("\\\\") || path.starts_with("//") || (b.len() >= 3 && b[0].is_ascii_alphabetic() && b[1] == b':' && (b[2] == b'\\' || b[2] == b'/'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_trailing_wildcard_means_the_contents() {
        assert_eq!(parse_source_argument(r"C:\data\*"), SourceArgument { path: r"C:\data".into(), contents_only: true });
        assert_eq!(parse_source_argument("/srv/data/*"), SourceArgument { path: "/srv/data".into(), contents_only: true });
        assert_eq!(parse_source_argument(r"\\nas\share\exports\*"), SourceArgument { path: r"\\nas\share\exports".into(), contents_only: true });
        assert_eq!(parse_source_argument(r"C:\data"), SourceArgument { path: r"C:\data".into(), contents_only: false });
        assert_eq!(parse_source_argument(r"C:\da*ta"), SourceArgument { path: r"C:\da*ta".into(), contents_only: false });
        assert_eq!(parse_source_argument(r"C:\*"), SourceArgument { path: r"C:\".into(), contents_only: true });
        assert_eq!(parse_source_argument("/*"), SourceArgument { path: "/".into(), contents_only: true });
    }

    #[test]
    fn the_folder_itself_contributes_its_name() {
        assert_eq!(last_component(r"C:\data\exports\"), Some("exports"));
        assert_eq!(last_component(r"\\nas\share\exports"), Some("exports"));
        assert_eq!(last_component("/srv/data"), Some("data"));
        assert_eq!(last_component(r"C:\"), None);
    }

    #[test]
    fn backslashes_become_slashes() {
        assert_eq!(to_blob_name(r"reports\2026\.\q1.csv"), "reports/2026/q1.csv");
        assert_eq!(to_blob_name(r"a\\b/c"), "a/b/c");
    }

    #[test]
    fn blob_names_windows_cannot_hold_are_refused_with_a_reason() {
        assert_eq!(to_windows_relative("a/b/c.txt"), Ok(r"a\b\c.txt".into()));
        assert_eq!(to_windows_relative("café/😀.txt"), Ok("café\\😀.txt".into()));
        assert!(matches!(to_windows_relative("logs/CON"), Err(InvalidWindowsName::ReservedName(_))));
        assert!(matches!(to_windows_relative("x/nul.txt"), Err(InvalidWindowsName::ReservedName(_))));
        assert!(matches!(to_windows_relative("Com1.tar.gz"), Err(InvalidWindowsName::ReservedName(_))));
        assert!(to_windows_relative("console.txt").is_ok());
        assert!(matches!(to_windows_relative("a:b"), Err(InvalidWindowsName::InvalidCharacter { character: ':', .. })));
        assert!(matches!(to_windows_relative("what?.txt"), Err(InvalidWindowsName::InvalidCharacter { .. })));
        assert!(matches!(to_windows_relative("dir./f"), Err(InvalidWindowsName::TrailingDotOrSpace(_))));
        assert!(matches!(to_windows_relative("f "), Err(InvalidWindowsName::TrailingDotOrSpace(_))));
        assert_eq!(to_windows_relative("../etc/passwd"), Err(InvalidWindowsName::ParentReference));
        assert!(matches!(to_windows_relative(&"x".repeat(256)), Err(InvalidWindowsName::SegmentTooLong(_))));
        let e = to_windows_relative("a\u{1}b").unwrap_err().to_string();
        assert!(e.contains("\\u{1}"), "{e}");
    }

    #[test]
    fn names_differing_only_in_case_collide() {
        assert_eq!(case_fold_key("Reports/Q1.CSV"), case_fold_key("reports/q1.csv"));
        assert_ne!(case_fold_key("a/b"), case_fold_key("a/c"));
    }

    #[test]
    fn long_paths_get_the_extended_prefix() {
        assert_eq!(extended_length(r"C:\data\x"), r"\\?\C:\data\x");
        assert_eq!(extended_length("C:/data/x"), r"\\?\C:\data\x");
        assert_eq!(extended_length(r"\\nas\share\x"), r"\\?\UNC\nas\share\x");
        assert_eq!(extended_length(r"\\?\C:\x"), r"\\?\C:\x");
        assert_eq!(extended_length(r"relative\x"), r"relative\x");
    }

    #[test]
    fn absolute_means_drive_rooted_or_unc() {
        assert!(is_absolute(r"C:\x") && is_absolute(r"\\nas\share") && is_absolute("d:/x"));
        assert!(!is_absolute(r"C:x") && !is_absolute(r"\x") && !is_absolute("x"));
    }
}

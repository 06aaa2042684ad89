//! Blob names and the order the service lists them in.
//!
//! The service lists a container in ascending order of the names' UTF-16 code units (what it calls
//! "alphabetical"; Azurite does the same). That differs from UTF-8 byte order only where a name has
//! both a character above U+FFFF (emoji) and one in U+E000..U+FFFF (e.g. fullwidth forms) at the same
//! position. The local walk must yield this same order so the two streams merge without holding
//! either in memory.

use std::cmp::Ordering;

/// Compares two blob names the way the service orders its listing.
pub fn compare(a: &str, b: &str) -> Ordering {
    // ASCII-only names (the common case) order the same either way; skip the re-encoding.
    if a.is_ascii() && b.is_ascii() {
        return a.as_bytes().cmp(b.as_bytes());
    }
    a.encode_utf16().cmp(b.encode_utf16())
}

/// Joins a destination prefix (possibly empty) and a relative name with exactly one '/'.
pub fn join(prefix: &str, relative: &str) -> String {
    let prefix = prefix.trim_end_matches('/');
    if prefix.is_empty() { relative.to_string() } else { format!("{prefix}/{relative}") }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dash_and_dot_sort_before_slash() {
        let mut names = vec!["a/b", "a-c", "a.d", "a0", "A", "é", "😀"];
        names.sort_by(|a, b| compare(a, b));
        assert_eq!(names, vec!["A", "a-c", "a.d", "a/b", "a0", "é", "😀"]);
    }

    #[test]
    fn orders_by_utf16_code_units_like_the_service() {
        // UTF-8 bytes would put U+FF01 (EF BC 81) before the emoji (F0 9F 98 80); UTF-16 puts the
        // emoji's surrogate (D83D) before FF01, and U+E000 before FF01.
        let mut names = vec!["a\u{FF01}.txt", "a\u{E000}.txt", "a😀.txt", "a.txt"];
        names.sort_by(|a, b| compare(a, b));
        assert_eq!(names, vec!["a.txt", "a😀.txt", "a\u{E000}.txt", "a\u{FF01}.txt"]);
    }

    #[test]
    fn joins_with_one_slash() {
        assert_eq!(join("", "x/y"), "x/y");
        assert_eq!(join("backup/", "x"), "backup/x");
        assert_eq!(join("backup", "x"), "backup/x");
    }
}

//! Blob names and the order the service lists them in.
//!
//! The service lists a container in ascending order of the names' UTF-8 bytes; the local walk must
//! yield the same order so the two streams can be merged without holding either in memory.

use std::cmp::Ordering;

/// Compares two blob names the way the service orders its listing.
pub fn compare(a: &str, b: &str) -> Ordering {
    a.as_bytes().cmp(b.as_bytes())
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
    fn orders_by_utf8_bytes_so_dash_sorts_before_slash() {
        let mut names = vec!["a/b", "a-c", "a.d", "a0", "A", "é", "😀"];
        names.sort_by(|a, b| compare(a, b));
        assert_eq!(names, vec!["A", "a-c", "a.d", "a/b", "a0", "é", "😀"]);
    }

    #[test]
    fn joins_with_one_slash() {
        assert_eq!(join("", "x/y"), "x/y");
        assert_eq!(join("backup/", "x"), "backup/x");
        assert_eq!(join("backup", "x"), "backup/x");
    }
}

//! Keeping the jobs folder small: at the start of each run, jobs that ended (or were interrupted)
//! longer ago than [`Policy::max_age`] go, with their logs; then the oldest go until what is left
//! is under [`Policy::max_bytes`]. A job that runs now is never pruned. The choice is a pure
//! function of the entries and the clock, so it is tested with a fake one.

use std::time::Duration;

#[derive(Debug, Clone, Copy)]
pub struct Policy {
    pub max_age: Duration,
    pub max_bytes: u64,
}

impl Default for Policy {
    fn default() -> Self {
        Self { max_age: Duration::from_secs(30 * 86_400), max_bytes: 256 << 20 }
    }
}

/// What a journal row costs on disk, roughly (a file row with its path and error text).
pub const BYTES_PER_FILE_ROW: u64 = 128;

#[derive(Debug, Clone)]
pub struct Entry {
    pub id: String,
    /// When it ended, or started if it never recorded an end (milliseconds since the epoch).
    pub last_ms: i64,
    /// Its log's size plus its rows' estimate.
    pub bytes: u64,
    /// Not running now.
    pub removable: bool,
}

/// The ids to remove, oldest first.
pub fn choose(entries: &[Entry], now_ms: i64, policy: Policy) -> Vec<String> {
    let cutoff = now_ms - policy.max_age.as_millis() as i64;
    let mut by_age: Vec<&Entry> = entries.iter().collect();
    by_age.sort_by_key(|e| e.last_ms);
    let mut total: u64 = entries.iter().map(|e| e.bytes).sum();
    let mut chosen = Vec::new();
    for e in by_age {
        if !e.removable {
            continue;
        }
        if e.last_ms < cutoff || total > policy.max_bytes {
            total -= e.bytes;
            chosen.push(e.id.clone());
        }
    }
    chosen
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY_MS: i64 = 86_400_000;

    fn entry(id: &str, days_ago: i64, bytes: u64, removable: bool, now: i64) -> Entry {
        Entry { id: id.into(), last_ms: now - days_ago * DAY_MS, bytes, removable }
    }

    #[test]
    fn old_jobs_go_and_recent_ones_stay() {
        let now = 1_800_000_000_000; // a fake clock
        let entries = [entry("old", 31, 10, true, now), entry("new", 1, 10, true, now), entry("running-old", 40, 10, false, now)];
        assert_eq!(choose(&entries, now, Policy::default()), vec!["old".to_string()]);
        // The same entries a month later: the recent one has aged out too.
        assert_eq!(choose(&entries, now + 30 * DAY_MS, Policy::default()), vec!["old".to_string(), "new".to_string()]);
    }

    #[test]
    fn the_oldest_go_until_the_folder_fits() {
        let now = 1_800_000_000_000;
        let policy = Policy { max_age: Duration::from_secs(365 * 86_400), max_bytes: 100 };
        let entries = [entry("a", 3, 60, true, now), entry("b", 2, 60, true, now), entry("c", 1, 30, true, now), entry("live", 5, 20, false, now)];
        // 170 in all: dropping "a" (the oldest removable) leaves 110, "b" leaves 50.
        assert_eq!(choose(&entries, now, policy), vec!["a".to_string(), "b".to_string()]);
        let small = Policy { max_bytes: 1 << 30, ..policy };
        assert!(choose(&entries, now, small).is_empty());
    }
}

//! Counting finished files: every file event passes through [`Tally::record`] on its way to the
//! host, which updates the job's one set of counters ([`Progress`]) and remembers the first error
//! that dooms the whole job. The summary is read from the same counters.

use crate::error::EngineError;
use crate::job::events::{Action, FileEvent, FileStatus};
use crate::job::progress::{Progress, ProgressSnapshot};
use std::sync::Arc;

pub struct Tally {
    progress: Arc<Progress>,
    fatal: Option<EngineError>,
    /// Files in a row that failed because the service could not be reached at all.
    unreachable_streak: u32,
}

/// This many files in a row failing with an unreachable service (each after its own retries) and
/// no success between them: the service is gone, not one connection, so the job stops.
pub const UNREACHABLE_STREAK_DOOMS_JOB: u32 = 5;

/// What the summary says about the files, read from the counters.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Totals {
    pub transferred: u64,
    pub skipped: u64,
    pub failed: u64,
    pub deleted: u64,
    pub done_before: u64,
    pub bytes: u64,
    pub differences: u64,
}

impl Totals {
    pub fn from_snapshot(s: &ProgressSnapshot) -> Self {
        Self {
            transferred: s.files_transferred + s.files_what_if,
            skipped: s.files_skipped,
            failed: s.files_failed,
            deleted: s.files_deleted,
            done_before: s.files_done_before,
            bytes: s.bytes_of_finished_files,
            differences: s.differences,
        }
    }
}

impl Tally {
    pub fn new(progress: Arc<Progress>) -> Self {
        Self { progress, fatal: None, unreachable_streak: 0 }
    }

    /// Counts one finished file.
    pub fn record(&mut self, ev: &FileEvent) {
        let p = &self.progress;
        // Anything a real run would change (or tried to) is a difference; unreadable files are
        // problems, not differences.
        if ev.action != Action::Skip && ev.reason != "unreadable" {
            Progress::add(&p.differences, 1);
        }
        match (ev.status, ev.action) {
            (FileStatus::Success, Action::Delete) => Progress::add(&p.files_deleted, 1),
            (FileStatus::WhatIf | FileStatus::Skipped, Action::Delete) => {}
            (FileStatus::Success, _) => {
                self.unreachable_streak = 0;
                Progress::add(&p.files_transferred, 1);
                Progress::add(&p.bytes_of_finished_files, ev.bytes);
            }
            (FileStatus::WhatIf, _) => {
                Progress::add(&p.files_what_if, 1);
                Progress::add(&p.bytes_of_finished_files, ev.bytes);
            }
            (FileStatus::Skipped, _) if ev.reason == crate::journal::DONE_BEFORE => Progress::add(&p.files_done_before, 1),
            (FileStatus::Skipped, _) => Progress::add(&p.files_skipped, 1),
            (FileStatus::Failed, _) => {
                Progress::add(&p.files_failed, 1);
                let dooms = match &ev.fatal {
                    Some(e) if e.dooms_job_when_repeated() => {
                        self.unreachable_streak += 1;
                        self.unreachable_streak >= UNREACHABLE_STREAK_DOOMS_JOB
                    }
                    Some(_) => true,
                    None => false,
                };
                if dooms && self.fatal.is_none() {
                    self.fatal = ev.fatal.clone();
                }
            }
            (FileStatus::Cancelled, _) => {}
        }
    }

    /// The first file error that concerns the whole job, if any.
    pub fn fatal(&self) -> Option<&EngineError> {
        self.fatal.as_ref()
    }

    pub fn take_fatal(&mut self) -> Option<EngineError> {
        self.fatal.take()
    }

    pub fn totals(&self) -> Totals {
        Totals::from_snapshot(&self.progress.snapshot())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(action: Action, status: FileStatus, reason: &'static str, bytes: u64) -> FileEvent {
        FileEvent::new("a".into(), "a".into(), action, status, reason, bytes)
    }

    #[test]
    fn progress_and_totals_come_from_the_same_counters() {
        let progress = Arc::new(Progress::default());
        let mut tally = Tally::new(progress.clone());
        tally.record(&ev(Action::Upload, FileStatus::Success, "missing", 10));
        tally.record(&ev(Action::Upload, FileStatus::WhatIf, "newer", 5));
        tally.record(&ev(Action::Skip, FileStatus::Skipped, "unchanged", 0));
        tally.record(&ev(Action::Skip, FileStatus::Skipped, "declined", 0));
        tally.record(&ev(Action::Delete, FileStatus::Success, "extra", 0));
        tally.record(&ev(Action::Delete, FileStatus::WhatIf, "extra", 0));
        tally.record(&ev(Action::Delete, FileStatus::Skipped, "declined", 0));
        tally.record(&ev(Action::Upload, FileStatus::Failed, "unreadable", 0));
        tally.record(&ev(Action::Download, FileStatus::Cancelled, "missing", 0));
        let snap = progress.snapshot();
        assert_eq!((snap.files_transferred, snap.files_what_if, snap.files_skipped, snap.files_failed), (1, 1, 2, 1));
        let totals = tally.totals();
        assert_eq!(totals, Totals { transferred: 2, skipped: 2, failed: 1, deleted: 1, done_before: 0, bytes: 15, differences: 6 });
        assert!(tally.fatal().is_none());
    }

    #[test]
    fn the_first_fatal_error_is_kept() {
        let mut tally = Tally::new(Arc::new(Progress::default()));
        let mut failed = ev(Action::Upload, FileStatus::Failed, "missing", 0);
        failed.fatal = Some(EngineError::MissingCredentials);
        tally.record(&failed);
        failed.fatal = Some(EngineError::Cancelled);
        tally.record(&failed);
        assert_eq!(tally.take_fatal(), Some(EngineError::MissingCredentials));
        assert_eq!(tally.totals().failed, 2);
    }

    #[test]
    fn one_unreachable_file_fails_alone_but_a_streak_of_them_dooms_the_job() {
        let mut tally = Tally::new(Arc::new(Progress::default()));
        let unreachable = EngineError::Unreachable { endpoint: "e".into(), detail: "refused".into() };
        let failed = FileEvent::failed("a".into(), "a".into(), Action::Upload, "missing", &unreachable);
        for _ in 1..UNREACHABLE_STREAK_DOOMS_JOB {
            tally.record(&failed);
        }
        tally.record(&ev(Action::Upload, FileStatus::Success, "missing", 1));
        for _ in 1..UNREACHABLE_STREAK_DOOMS_JOB {
            tally.record(&failed);
        }
        assert!(tally.fatal().is_none(), "a success between them: the service answers");
        tally.record(&failed);
        assert_eq!(tally.take_fatal(), Some(unreachable));
    }
}

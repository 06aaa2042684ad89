//! Where finished files go: counted by the tally, recorded in the job's journal, then sent to the
//! host as events.

use crate::job::events::{Event, FileEvent};
use crate::job::tally::Tally;
use crate::journal::JobJournal;
use std::time::SystemTime;
use tokio::sync::mpsc;

pub struct Reporter {
    pub tally: Tally,
    events: mpsc::Sender<Event>,
    /// None when the job keeps no journal (dry runs, `noJournal`, a journal that could not open).
    pub journal: Option<JobJournal>,
}

impl Reporter {
    pub fn new(tally: Tally, events: mpsc::Sender<Event>) -> Self {
        Self { tally, events, journal: None }
    }

    pub async fn file(&mut self, ev: FileEvent) {
        self.tally.record(&ev);
        if let Some(journal) = &self.journal {
            journal.file(&ev);
        }
        // A host that stopped listening has freed the job; counting goes on for the summary.
        let _ = self.events.send(Event::File(ev)).await;
    }

    /// The plan picked a file for a transfer: recorded so an interrupted job knows what was left.
    pub fn planned(&self, path: &str, size: u64, modified: SystemTime) {
        if let Some(journal) = &self.journal {
            journal.planned(path, size, modified);
        }
    }

    /// A resumed job's file that an earlier attempt finished from the same source.
    pub fn done_before(&self, path: &str, size: u64, modified: SystemTime) -> bool {
        self.journal.as_ref().is_some_and(|j| j.done_before(path, size, modified))
    }
}

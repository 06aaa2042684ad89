//! Where finished files go: counted by the tally, then sent to the host as events.

use crate::job::events::{Event, FileEvent};
use crate::job::tally::Tally;
use tokio::sync::mpsc;

pub struct Reporter {
    pub tally: Tally,
    events: mpsc::Sender<Event>,
}

impl Reporter {
    pub fn new(tally: Tally, events: mpsc::Sender<Event>) -> Self {
        Self { tally, events }
    }

    pub async fn file(&mut self, ev: FileEvent) {
        self.tally.record(&ev);
        // A host that stopped listening has freed the job; counting goes on for the summary.
        let _ = self.events.send(Event::File(ev)).await;
    }
}

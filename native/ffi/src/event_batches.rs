//! Packing a job's events into the host's buffer: as many whole JSON lines as fit, the one that
//! did not fit kept for the next poll.

use azblobsync_core::job::{JobEvents, Ready};
use std::time::Duration;

/// The job's events and the line a previous poll could not fit.
pub struct EventBatches {
    pub events: JobEvents,
    pending: Option<Vec<u8>>,
    closed: bool,
}

pub struct Batch {
    pub written: usize,
    /// The job is over and every event has been delivered.
    pub finished: bool,
}

impl EventBatches {
    pub fn new(events: JobEvents) -> Self {
        Self { events, pending: None, closed: false }
    }

    /// Fills `out` with whole JSON lines. Waits up to `timeout` when nothing is ready.
    /// `Err(needed)` when not even the next event fits in `out`.
    pub async fn next_batch(&mut self, out: &mut [u8], timeout: Duration) -> Result<Batch, usize> {
        let mut written = 0;
        if let Some(line) = self.pending.take() {
            if !place(out, &mut written, line, &mut self.pending) {
                return Err(self.pending.as_ref().map_or(0, Vec::len));
            }
        }
        let mut waited = false;
        while self.pending.is_none() && !self.closed {
            let next = match self.events.try_next_event() {
                Ready::Event(event) => Some(event),
                Ready::Closed => None,
                Ready::Empty if written == 0 && !waited => {
                    waited = true;
                    match tokio::time::timeout(timeout, self.events.next_event()).await {
                        Ok(event) => event,
                        Err(_elapsed) => break,
                    }
                }
                Ready::Empty => break,
            };
            match next {
                Some(event) => {
                    if !place(out, &mut written, event.to_json_line(), &mut self.pending) && written == 0 {
                        return Err(self.pending.as_ref().map_or(0, Vec::len));
                    }
                }
                None => self.closed = true,
            }
        }
        Ok(Batch { written, finished: self.closed && self.pending.is_none() })
    }
}

/// Copies `line` after what is already in `out`, or keeps it in `pending` when it does not fit.
fn place(out: &mut [u8], written: &mut usize, line: Vec<u8>, pending: &mut Option<Vec<u8>>) -> bool {
    if *written + line.len() <= out.len() {
        out[*written..*written + line.len()].copy_from_slice(&line);
        *written += line.len();
        true
    } else {
        *pending = Some(line);
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn runtime() -> tokio::runtime::Runtime {
        tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap()
    }

    #[test]
    fn a_bad_spec_s_summary_arrives_whole_or_says_how_much_room_it_needs() {
        let rt = runtime();
        let events = azblobsync_core::job::start_job(rt.handle(), br#"{"source":""}"#);
        let mut batches = EventBatches::new(events);
        let mut tiny = [0u8; 8];
        let needed = rt.block_on(batches.next_batch(&mut tiny, Duration::from_secs(30))).err().expect("the summary does not fit in 8 bytes");
        assert!(needed > 8);
        let mut out = vec![0u8; needed];
        let batch = rt.block_on(batches.next_batch(&mut out, Duration::from_secs(30))).ok().expect("fits now");
        assert_eq!(batch.written, needed);
        let line: serde_json::Value = serde_json::from_slice(&out[..batch.written]).unwrap();
        assert_eq!(line["type"], "summary");
        assert_eq!(line["errorId"], "InvalidSpec");
        let end = rt.block_on(batches.next_batch(&mut out, Duration::from_secs(30))).ok().expect("no more events");
        assert!(end.finished && end.written == 0);
    }
}

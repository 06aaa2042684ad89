//! Asking the host before an action (PowerShell's ShouldProcess, the CLI's prompt): a `confirm`
//! event goes out, the job waits for the answer with that request's id, or for cancellation.

use crate::error::{EngineError, Result};
use crate::job::events::{Action, ConfirmRequest, Event};
use std::sync::atomic::{AtomicU64, Ordering};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

/// The host's replies to `confirm` events. Cloneable, so a host can answer from wherever it asks
/// the user, without holding the event stream.
#[derive(Clone)]
pub struct Answers(mpsc::UnboundedSender<(u64, bool)>);

impl Answers {
    /// Approves or declines confirmation request `id`; false when the job is already over.
    pub fn answer(&self, id: u64, approve: bool) -> bool {
        self.0.send((id, approve)).is_ok()
    }
}

pub struct Confirmations {
    events: mpsc::Sender<Event>,
    answers: tokio::sync::Mutex<mpsc::UnboundedReceiver<(u64, bool)>>,
    next_request: AtomicU64,
    cancel: CancellationToken,
}

impl Confirmations {
    /// The job's side and the host's side of the conversation.
    pub fn new(events: mpsc::Sender<Event>, cancel: CancellationToken) -> (Self, Answers) {
        let (tx, rx) = mpsc::unbounded_channel();
        let me = Self { events, answers: tokio::sync::Mutex::new(rx), next_request: AtomicU64::new(1), cancel };
        (me, Answers(tx))
    }

    /// Asks the host, and waits for its answer; `Cancelled` when the job is cancelled meanwhile
    /// or the host has gone.
    pub async fn ask(&self, action: Action, path: &str, blob: &str, reason: &'static str) -> Result<bool> {
        let id = self.next_request.fetch_add(1, Ordering::Relaxed);
        let request = ConfirmRequest { id, action, path: path.to_string(), blob: blob.to_string(), reason };
        self.events.send(Event::Confirm(request)).await.map_err(|_| EngineError::Cancelled)?;
        let mut answers = self.answers.lock().await;
        loop {
            let answer = tokio::select! {
                a = answers.recv() => a,
                _ = self.cancel.cancelled() => return Err(EngineError::Cancelled),
            };
            match answer {
                Some((answered, approve)) if answered == id => return Ok(approve),
                // An answer to an earlier request that was abandoned (e.g. by a cancel).
                Some(_stale) => continue,
                None => return Err(EngineError::Cancelled),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_answer_to_this_request_decides_and_stale_answers_are_ignored() {
        let (tx, mut rx) = mpsc::channel(4);
        let (confirmations, answers) = Confirmations::new(tx, CancellationToken::new());
        let host = tokio::spawn(async move {
            let Some(Event::Confirm(request)) = rx.recv().await else { panic!("expected a confirm event") };
            assert_eq!((request.path.as_str(), request.reason), ("a.txt", "extra"));
            answers.answer(request.id + 100, true);
            answers.answer(request.id, false);
            rx
        });
        assert!(!confirmations.ask(Action::Delete, "a.txt", "p/a.txt", "extra").await.unwrap());
        host.await.unwrap();
    }

    #[tokio::test]
    async fn cancelling_ends_the_wait() {
        let (tx, _rx) = mpsc::channel(4);
        let cancel = CancellationToken::new();
        let (confirmations, _answers) = Confirmations::new(tx, cancel.clone());
        cancel.cancel();
        assert_eq!(confirmations.ask(Action::Delete, "a", "a", "extra").await, Err(EngineError::Cancelled));
    }
}

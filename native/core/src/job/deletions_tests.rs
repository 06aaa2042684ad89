use super::*;
use crate::job::events::Event;
use crate::job::progress::Progress;
use crate::job::tally::Tally;
use crate::job::test_direction::FakeDirection;
use std::sync::Arc;
use tokio::sync::mpsc;

struct Harness {
    reporter: Reporter,
    confirmations: Confirmations,
    answers: crate::job::Answers,
    events: mpsc::Receiver<Event>,
    cancel: CancellationToken,
}

fn harness() -> Harness {
    let (tx, events) = mpsc::channel(10_000);
    let cancel = CancellationToken::new();
    let (confirmations, answers) = Confirmations::new(tx.clone(), cancel.clone());
    Harness { reporter: Reporter::new(Tally::new(Arc::new(Progress::default())), tx), confirmations, answers, events, cancel }
}

fn names(n: usize) -> Vec<String> {
    (0..n).map(|i| format!("x{i}")).collect()
}

impl Harness {
    async fn delete(&mut self, direction: &FakeDirection, deletes: Vec<String>, max_delete: Option<u64>, confirm_each: bool, writes_nothing: bool) -> Result<()> {
        let mut d = Deletions {
            reporter: &mut self.reporter,
            confirmations: &self.confirmations,
            cancel: self.cancel.clone(),
            concurrency: 4,
            writes_nothing,
            max_delete,
            confirm_each,
        };
        d.run(direction, deletes).await
    }

    fn statuses(&mut self) -> Vec<(String, FileStatus, &'static str)> {
        let mut out = Vec::new();
        while let Ok(ev) = self.events.try_recv() {
            if let Event::File(f) = ev {
                out.push((f.path, f.status, f.reason));
            }
        }
        out.sort_by(|a, b| a.0.cmp(&b.0));
        out
    }
}

#[tokio::test]
async fn more_than_max_delete_deletes_nothing_and_says_how_many() {
    let mut h = harness();
    let direction = FakeDirection::default();
    let e = h.delete(&direction, names(3), Some(2), false, false).await.unwrap_err();
    assert_eq!(e, EngineError::MaxDeleteExceeded { planned: 3, limit: 2, what: "blobs" });
    assert!(direction.deleted.lock().unwrap().is_empty());
    assert!(h.statuses().is_empty());
    // At the limit is allowed.
    h.delete(&direction, names(2), Some(2), false, false).await.unwrap();
    assert_eq!(direction.deleted.lock().unwrap().len(), 2);
    assert_eq!(h.reporter.tally.totals().deleted, 2);
}

#[tokio::test]
async fn a_dry_run_reports_deletions_and_deletes_nothing_even_with_confirmations() {
    let mut h = harness();
    let direction = FakeDirection::default();
    h.delete(&direction, names(2), None, true, true).await.unwrap();
    assert!(direction.deleted.lock().unwrap().is_empty());
    assert_eq!(h.statuses(), [("x0".to_string(), FileStatus::WhatIf, "extra"), ("x1".to_string(), FileStatus::WhatIf, "extra")]);
    let t = h.reporter.tally.totals();
    assert_eq!((t.deleted, t.differences), (0, 2));
}

#[tokio::test]
async fn with_confirmations_only_approved_names_are_deleted() {
    let mut h = harness();
    let direction = FakeDirection::default();
    let (answers, mut events) = (h.answers.clone(), std::mem::replace(&mut h.events, mpsc::channel(1).1));
    let host = tokio::spawn(async move {
        let mut files = Vec::new();
        while let Some(ev) = events.recv().await {
            match ev {
                Event::Confirm(c) => {
                    assert_eq!((c.action, c.blob.as_str()), (Action::Delete, format!("pre/{}", c.path).as_str()));
                    answers.answer(c.id, c.path != "x1");
                }
                Event::File(f) => files.push((f.path, f.status, f.reason)),
                Event::Summary(_) => {}
            }
        }
        files
    });
    h.delete(&direction, names(3), None, true, false).await.unwrap();
    assert_eq!(*direction.deleted.lock().unwrap(), ["x0", "x2"]);
    drop(h);
    assert_eq!(
        host.await.unwrap(),
        [
            ("x0".to_string(), FileStatus::Success, "extra"),
            ("x1".to_string(), FileStatus::Skipped, "declined"),
            ("x2".to_string(), FileStatus::Success, "extra"),
        ]
    );
}

#[tokio::test]
async fn a_failed_deletion_is_one_failed_file_unless_it_dooms_the_job() {
    let mut h = harness();
    let failures = [("x1".to_string(), EngineError::Service { status: Some(409), code: Some("LeaseIdMissing".into()), message: "leased".into(), retry_after_secs: None })].into();
    let direction = FakeDirection { failures, ..Default::default() };
    h.delete(&direction, names(3), None, false, false).await.unwrap();
    let t = h.reporter.tally.totals();
    assert_eq!((t.deleted, t.failed), (2, 1));

    let mut h = harness();
    let failures = [("x0".to_string(), EngineError::AuthorizationFailed { code: "AuthorizationPermissionMismatch".into() })].into();
    let direction = FakeDirection { failures, ..Default::default() };
    let e = h.delete(&direction, names(1), None, false, false).await.unwrap_err();
    assert_eq!(e.error_id(), "AuthorizationFailed");
}

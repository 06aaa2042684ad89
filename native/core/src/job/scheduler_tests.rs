use super::*;
use crate::job::events::Event;
use crate::job::tally::{Tally, Totals};
use crate::job::test_direction::{FakeDirection, entry};
use crate::plan::RemoteEntry;
use std::time::Duration;

/// A scheduler's surroundings: its event stream, counters and a plan fed by hand.
struct Harness {
    reporter: Reporter,
    confirmations: Confirmations,
    answers: crate::job::Answers,
    events: mpsc::Receiver<Event>,
    progress: Arc<Progress>,
    cancel: CancellationToken,
}

fn harness() -> Harness {
    let (tx, events) = mpsc::channel(10_000);
    let progress = Arc::new(Progress::default());
    let cancel = CancellationToken::new();
    let (confirmations, answers) = Confirmations::new(tx.clone(), cancel.clone());
    Harness { reporter: Reporter::new(Tally::new(progress.clone()), tx), confirmations, answers, events, progress, cancel }
}

type Entry = PlanEntry<RemoteEntry, RemoteEntry>;

fn feed(entries: Vec<Result<Entry>>) -> PlanFeed<FakeDirection> {
    let (tx, rx) = mpsc::channel(entries.len().max(1));
    for e in entries {
        tx.try_send(e).unwrap();
    }
    rx
}

fn transfer(name: &str, size: u64) -> Result<Entry> {
    Ok(PlanEntry::Source { source: entry(name, size), dest: None, decision: Decision::Transfer(Reason::Missing) })
}

impl Harness {
    async fn run(&mut self, direction: Arc<FakeDirection>, plan: PlanFeed<FakeDirection>, concurrency: usize, writes_nothing: bool) -> Result<Vec<String>> {
        let mut scheduler = Scheduler {
            reporter: &mut self.reporter,
            confirmations: &self.confirmations,
            progress: self.progress.clone(),
            cancel: self.cancel.clone(),
            concurrency,
            writes_nothing,
        };
        scheduler.run(direction, plan, mpsc::unbounded_channel().1).await
    }

    fn file_events(&mut self) -> Vec<FileEvent> {
        let mut out = Vec::new();
        while let Ok(ev) = self.events.try_recv() {
            if let Event::File(f) = ev {
                out.push(f);
            }
        }
        out.sort_by(|a, b| a.path.cmp(&b.path));
        out
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_entry_is_reported_once_and_extras_are_returned_for_deletion() {
    let mut h = harness();
    let direction = Arc::new(FakeDirection::default());
    let plan = feed(vec![
        transfer("a", 3),
        Ok(PlanEntry::Source { source: entry("b", 4), dest: Some(entry("b", 4)), decision: Decision::Skip(Reason::Unchanged) }),
        Ok(PlanEntry::Delete(entry("c", 1))),
        Ok(PlanEntry::OnlyAtDestination(entry("d", 1))),
        transfer("e", 5),
    ]);
    let deletes = h.run(direction.clone(), plan, 4, false).await.unwrap();
    assert_eq!(deletes, vec!["c".to_string()]);
    let mut moved = direction.transferred.lock().unwrap().clone();
    moved.sort();
    assert_eq!(moved, ["a", "e"]);
    let events = h.file_events();
    let summary: Vec<_> = events.iter().map(|e| (e.path.as_str(), e.blob.as_str(), e.action, e.status, e.reason)).collect();
    assert_eq!(
        summary,
        [
            ("a", "pre/a", Action::Upload, FileStatus::Success, "missing"),
            ("b", "pre/b", Action::Skip, FileStatus::Skipped, "unchanged"),
            ("e", "pre/e", Action::Upload, FileStatus::Success, "missing"),
        ]
    );
    assert_eq!(h.reporter.tally.totals(), Totals { transferred: 2, skipped: 1, failed: 0, deleted: 0, done_before: 0, bytes: 8, differences: 2 });
    let p = h.progress.snapshot();
    assert_eq!((p.files_to_transfer, p.bytes_to_transfer, p.state), (2, 8, JobState::Transferring));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_more_than_concurrency_files_move_at_once() {
    let mut h = harness();
    let direction = Arc::new(FakeDirection { gate: Some(Semaphore::new(0)), ..Default::default() });
    let plan = feed((0..20).map(|i| transfer(&format!("f{i:02}"), 1)).collect());
    let opener = direction.clone();
    let releaser = tokio::spawn(async move {
        // Wait (capped) until the scheduler has filled every slot, then let all through.
        for _ in 0..10_000 {
            if opener.active.load(std::sync::atomic::Ordering::SeqCst) == 3 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        assert_eq!(opener.active.load(std::sync::atomic::Ordering::SeqCst), 3, "waited 10 s for 3 transfers to start");
        opener.gate.as_ref().unwrap().add_permits(1000);
    });
    h.run(direction.clone(), plan, 3, false).await.unwrap();
    releaser.await.unwrap();
    assert_eq!(direction.most_active.load(std::sync::atomic::Ordering::SeqCst), 3);
    assert_eq!(direction.transferred.lock().unwrap().len(), 20);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dry_run_reports_what_would_move_and_moves_nothing() {
    let mut h = harness();
    let direction = Arc::new(FakeDirection::default());
    let plan = feed(vec![
        transfer("a", 3),
        Ok(PlanEntry::Source { source: entry("b", 2), dest: Some(entry("b", 2)), decision: Decision::Ask(Reason::Overwrite) }),
        Ok(PlanEntry::Source { source: entry("c", 7), dest: Some(entry("c", 7)), decision: Decision::Verify }),
    ]);
    h.run(direction.clone(), plan, 2, true).await.unwrap();
    assert!(direction.transferred.lock().unwrap().is_empty());
    // Comparing contents reads but writes nothing, so a dry run still does it.
    assert_eq!(*direction.verified.lock().unwrap(), ["c"]);
    let statuses: Vec<_> = h.file_events().iter().map(|e| (e.path.clone(), e.status, e.reason, e.bytes)).collect();
    assert_eq!(
        statuses,
        [
            ("a".to_string(), FileStatus::WhatIf, "missing", 3),
            ("b".to_string(), FileStatus::WhatIf, "overwrite", 2),
            ("c".to_string(), FileStatus::WhatIf, "contentChanged", 7),
        ]
    );
    assert_eq!(h.progress.snapshot().state, JobState::Starting, "a dry run never transfers");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_verified_pair_moves_only_when_the_contents_differ() {
    let mut h = harness();
    let verdicts = [("same".to_string(), Verdict::Same), ("nohash".to_string(), Verdict::NoBlobHash)].into();
    let direction = Arc::new(FakeDirection { verdicts, ..Default::default() });
    let pair = |n: &str| Ok(PlanEntry::Source { source: entry(n, 1), dest: Some(entry(n, 1)), decision: Decision::Verify });
    h.run(direction.clone(), feed(vec![pair("changed"), pair("nohash"), pair("same")]), 2, false).await.unwrap();
    let mut moved = direction.transferred.lock().unwrap().clone();
    moved.sort();
    assert_eq!(moved, ["changed", "nohash"]);
    let reasons: Vec<_> = h.file_events().iter().map(|e| (e.path.clone(), e.action, e.reason)).collect();
    assert_eq!(
        reasons,
        [
            ("changed".to_string(), Action::Upload, "contentChanged"),
            ("nohash".to_string(), Action::Upload, "noHashToCompare"),
            ("same".to_string(), Action::Skip, "unchanged"),
        ]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn asking_moves_what_the_host_approves_and_skips_what_it_declines() {
    let mut h = harness();
    let direction = Arc::new(FakeDirection::default());
    let ask = |n: &str| Ok(PlanEntry::Source { source: entry(n, 1), dest: Some(entry(n, 1)), decision: Decision::Ask(Reason::Overwrite) });
    let plan = feed(vec![ask("no"), ask("yes")]);
    // The host: answers every confirm as the name says, from the event stream.
    let (answers, mut events) = (h.answers.clone(), std::mem::replace(&mut h.events, mpsc::channel(1).1));
    let host = tokio::spawn(async move {
        let mut files = Vec::new();
        while let Some(ev) = events.recv().await {
            match ev {
                Event::Confirm(c) => {
                    answers.answer(c.id, c.path == "yes");
                }
                Event::File(f) => files.push((f.path, f.status, f.reason)),
                Event::Summary(_) => {}
            }
        }
        files
    });
    h.run(direction.clone(), plan, 2, false).await.unwrap();
    assert_eq!(*direction.transferred.lock().unwrap(), ["yes"]);
    drop(h);
    let mut files = host.await.unwrap();
    files.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(files, [("no".to_string(), FileStatus::Skipped, "declined"), ("yes".to_string(), FileStatus::Success, "overwrite")]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_error_that_dooms_the_job_stops_it_and_a_file_error_does_not() {
    let mut h = harness();
    let failures = [
        ("bad".to_string(), EngineError::LocalIo { path: "bad".into(), detail: "gone".into() }),
        ("denied".to_string(), EngineError::AuthorizationFailed { code: "AuthorizationFailure".into() }),
    ]
    .into();
    let direction = Arc::new(FakeDirection { failures, ..Default::default() });
    // One at a time, so the fatal failure is seen before anything after it starts.
    let mut entries: Vec<_> = vec![transfer("a", 1), transfer("bad", 1), transfer("denied", 1)];
    entries.extend((0..50).map(|i| transfer(&format!("z{i:02}"), 1)));
    let e = h.run(direction.clone(), feed(entries), 1, false).await.unwrap_err();
    assert_eq!(e.error_id(), "AuthorizationFailed");
    assert!(h.cancel.is_cancelled());
    let moved = direction.transferred.lock().unwrap().clone();
    assert!(moved.contains(&"a".to_string()) && moved.len() < 50, "{moved:?}");
    let failed: Vec<_> = h.file_events().into_iter().filter(|e| e.status == FileStatus::Failed).map(|e| (e.path, e.error_id)).collect();
    assert_eq!(failed, [("bad".to_string(), Some("LocalIoError")), ("denied".to_string(), Some("AuthorizationFailed"))]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_broken_plan_fails_the_job_with_its_error() {
    let mut h = harness();
    let plan = feed(vec![transfer("a", 1), Err(EngineError::Internal("listing out of order".into())), transfer("b", 1)]);
    let direction = Arc::new(FakeDirection::default());
    let e = h.run(direction.clone(), plan, 1, false).await.unwrap_err();
    assert_eq!(e, EngineError::Internal("listing out of order".into()));
    assert!(!direction.transferred.lock().unwrap().contains(&"b".to_string()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn walk_problems_are_counted_as_failed_files() {
    let mut h = harness();
    let (problems_tx, problems) = mpsc::unbounded_channel();
    problems_tx.send(FileEvent::new("locked".into(), "locked".into(), Action::Upload, FileStatus::Failed, "unreadable", 0)).unwrap();
    drop(problems_tx);
    let mut scheduler = Scheduler {
        reporter: &mut h.reporter,
        confirmations: &h.confirmations,
        progress: h.progress.clone(),
        cancel: h.cancel.clone(),
        concurrency: 1,
        writes_nothing: false,
    };
    scheduler.run(Arc::new(FakeDirection::default()), feed(vec![transfer("a", 1)]), problems).await.unwrap();
    let t = h.reporter.tally.totals();
    assert_eq!((t.transferred, t.failed, t.differences), (1, 1, 1), "unreadable files are failures, not differences");
}

//! The job loop, the same for every direction: take plan entries in order, start transfers (and
//! hash comparisons) up to the concurrency limit, report each file as it finishes, and collect the
//! extras for [`crate::job::deletions`], which run only once the whole plan is known.

use crate::error::{EngineError, Result};
use crate::job::confirmations::Confirmations;
use crate::job::events::{Action, FileEvent, FileStatus};
use crate::job::progress::{JobState, Progress};
use crate::job::report::Reporter;
use crate::local::content_hash::Verdict;
use crate::plan::{Decision, PlanEntry, PlanItem, Reason};
use crate::transfer::direction::Direction;
use std::sync::Arc;
use tokio::sync::{Semaphore, mpsc};
use tokio_util::sync::CancellationToken;

/// What the loop needs from the job around it.
pub struct Scheduler<'a> {
    pub reporter: &'a mut Reporter,
    pub confirmations: &'a Confirmations,
    pub progress: Arc<Progress>,
    pub cancel: CancellationToken,
    /// Files in flight at once.
    pub concurrency: usize,
    /// A dry run or a check: report what would move, move nothing.
    pub writes_nothing: bool,
}

pub type PlanFeed<D> = mpsc::Receiver<Result<PlanEntry<<D as Direction>::Source, <D as Direction>::Dest>>>;

/// How one source entry moves once the plan has picked it.
enum Move<Dest> {
    Transfer(&'static str),
    /// Same size, compare by hash: transfer only when the contents differ.
    VerifyFirst(Dest),
}

impl Scheduler<'_> {
    /// Runs the plan to its end (or to cancellation, or to an error that dooms the job) and
    /// returns the relative names the plan would delete.
    pub async fn run<D: Direction>(
        &mut self,
        direction: Arc<D>,
        mut plan: PlanFeed<D>,
        mut walk_problems: mpsc::UnboundedReceiver<FileEvent>,
    ) -> Result<Vec<String>> {
        let files_in_flight = Arc::new(Semaphore::new(self.concurrency));
        let (done_tx, mut done_rx) = mpsc::unbounded_channel::<FileEvent>();
        let mut deletes = Vec::new();
        let mut in_flight = 0usize;
        let mut broken: Option<EngineError> = None;
        let mut transferring = false;
        loop {
            // Drain finished files first so events flow while planning goes on.
            while let Ok(ev) = done_rx.try_recv() {
                in_flight -= 1;
                self.reporter.file(ev).await;
            }
            if self.reporter.tally.fatal().is_some() {
                break;
            }
            let next = tokio::select! {
                biased;
                _ = self.cancel.cancelled() => break,
                ev = done_rx.recv(), if in_flight > 0 => {
                    in_flight -= 1;
                    self.reporter.file(ev.expect("sender held")).await;
                    continue;
                }
                Some(ev) = walk_problems.recv() => {
                    self.reporter.file(ev).await;
                    continue;
                }
                entry = plan.recv() => entry,
            };
            let (source, dest, decision) = match next {
                None => break,
                Some(Err(e)) => {
                    broken = Some(e);
                    break;
                }
                Some(Ok(PlanEntry::Source { source, dest, decision })) => (source, dest, decision),
                Some(Ok(PlanEntry::Delete(dest))) => {
                    deletes.push(dest.relative().to_string());
                    continue;
                }
                Some(Ok(PlanEntry::OnlyAtDestination(_))) => continue,
            };
            let relative = source.relative().to_string();
            let blob = direction.blob_name(&relative);
            // Resuming: what an earlier attempt finished from this same source is not looked at again.
            if self.reporter.done_before(&relative, source.size(), source.modified()) {
                self.reporter.file(FileEvent::new(relative, blob, Action::Skip, FileStatus::Skipped, crate::journal::DONE_BEFORE, 0)).await;
                continue;
            }
            let how = match decision {
                Decision::Skip(reason) => {
                    self.reporter.file(FileEvent::new(relative, blob, Action::Skip, FileStatus::Skipped, reason.as_str(), 0)).await;
                    continue;
                }
                Decision::Verify => Move::VerifyFirst(dest.expect("a verified pair has both sides")),
                Decision::Transfer(reason) => Move::Transfer(reason.as_str()),
                // A dry run reports what it would ask; a real run asks first.
                Decision::Ask(reason) if self.writes_nothing => Move::Transfer(reason.as_str()),
                Decision::Ask(reason) => match self.confirmations.ask(D::ACTION, &relative, &blob, reason.as_str()).await {
                    Ok(true) => Move::Transfer(reason.as_str()),
                    Ok(false) => {
                        self.reporter.file(FileEvent::new(relative, blob, Action::Skip, FileStatus::Skipped, "declined", 0)).await;
                        continue;
                    }
                    Err(_) => break,
                },
            };
            // A dry run's transfer is only a report: no need for a slot.
            if self.writes_nothing && matches!(how, Move::Transfer(_)) {
                let ev = move_one(direction.as_ref(), source, relative, blob, how, true, &self.progress).await;
                self.reporter.file(ev).await;
                continue;
            }
            if !transferring && !self.writes_nothing {
                transferring = true;
                self.progress.set_state(JobState::Transferring);
            }
            let permit = tokio::select! {
                p = files_in_flight.clone().acquire_owned() => p.expect("never closed"),
                _ = self.cancel.cancelled() => break,
            };
            in_flight += 1;
            self.reporter.planned(&relative, source.size(), source.modified());
            let (direction, done_tx, progress, writes_nothing) = (direction.clone(), done_tx.clone(), self.progress.clone(), self.writes_nothing);
            tokio::spawn(async move {
                let _permit = permit;
                let ev = move_one(direction.as_ref(), source, relative, blob, how, writes_nothing, &progress).await;
                let _ = done_tx.send(ev);
            });
        }
        let fatal = broken.or_else(|| self.reporter.tally.take_fatal());
        if fatal.is_some() {
            self.cancel.cancel();
        }
        drop(done_tx);
        while let Some(ev) = done_rx.recv().await {
            self.reporter.file(ev).await;
        }
        // The walk has ended by now (the plan ran out); what it could not read still counts.
        walk_problems.close();
        while let Some(ev) = walk_problems.recv().await {
            self.reporter.file(ev).await;
        }
        match fatal.or_else(|| self.reporter.tally.take_fatal()) {
            Some(e) => Err(e),
            None => Ok(deletes),
        }
    }
}

/// One file, start to finish: compare first if asked, then transfer (or, writing nothing, report
/// what would be transferred). The only place a transfer starts.
async fn move_one<D: Direction>(
    direction: &D,
    source: D::Source,
    relative: String,
    blob: String,
    how: Move<D::Dest>,
    writes_nothing: bool,
    progress: &Progress,
) -> FileEvent {
    let reason = match how {
        Move::Transfer(reason) => reason,
        Move::VerifyFirst(dest) => match direction.verify(&source, &dest).await {
            Ok(Verdict::Same) => return FileEvent::new(relative, blob, Action::Skip, FileStatus::Skipped, "unchanged", 0),
            Ok(Verdict::Different) => Reason::ContentChanged.as_str(),
            Ok(Verdict::NoBlobHash) => Reason::NoHashToCompare.as_str(),
            Err(e) => return FileEvent::failed(relative, blob, D::ACTION, "unreadable", &e),
        },
    };
    let size = source.size();
    Progress::add(&progress.files_to_transfer, 1);
    Progress::add(&progress.bytes_to_transfer, size);
    if writes_nothing {
        return FileEvent::new(relative, blob, D::ACTION, FileStatus::WhatIf, reason, size);
    }
    match direction.transfer(&source).await {
        Ok(done) => FileEvent {
            content_md5: done.content_md5.map(|m| base64_encode(&m)),
            warning: done.warning,
            ..FileEvent::new(relative, blob, D::ACTION, FileStatus::Success, reason, done.bytes)
        },
        Err(e) => FileEvent::failed(relative, blob, D::ACTION, reason, &e),
    }
}

fn base64_encode(bytes: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

#[cfg(test)]
#[path = "scheduler_tests.rs"]
mod tests;

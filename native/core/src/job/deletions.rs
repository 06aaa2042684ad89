//! Deleting what the source no longer has. Runs only once the whole plan is known, so that
//! `max_delete` can refuse every deletion before the first one; with confirmations, one at a time,
//! each after the host approved it.

use crate::error::{EngineError, Result};
use crate::job::confirmations::Confirmations;
use crate::job::events::{Action, FileEvent, FileStatus};
use crate::job::report::Reporter;
use crate::transfer::direction::Direction;
use futures::StreamExt;
use tokio_util::sync::CancellationToken;

pub struct Deletions<'a> {
    pub reporter: &'a mut Reporter,
    pub confirmations: &'a Confirmations,
    pub cancel: CancellationToken,
    pub concurrency: usize,
    pub writes_nothing: bool,
    /// Refuse all when the plan would delete more than this.
    pub max_delete: Option<u64>,
    /// Ask the host before each deletion.
    pub confirm_each: bool,
}

impl Deletions<'_> {
    pub async fn run<D: Direction>(&mut self, direction: &D, deletes: Vec<String>) -> Result<()> {
        let planned = deletes.len() as u64;
        if let Some(limit) = self.max_delete.filter(|limit| planned > *limit) {
            let what = if D::ACTION == Action::Download { "local files" } else { "blobs" };
            return Err(EngineError::MaxDeleteExceeded { planned, limit, what });
        }
        if self.confirm_each && !self.writes_nothing {
            return self.one_by_one(direction, deletes).await;
        }
        let writes_nothing = self.writes_nothing;
        let outcomes = futures::stream::iter(deletes)
            .map(|relative| async move {
                let result = if writes_nothing { Ok(()) } else { direction.delete(&relative).await };
                (relative, result)
            })
            .buffer_unordered(self.concurrency);
        let mut outcomes = std::pin::pin!(outcomes.take_until(self.cancel.cancelled()));
        while let Some((relative, result)) = outcomes.next().await {
            let blob = direction.blob_name(&relative);
            let ev = match &result {
                Ok(()) if writes_nothing => FileEvent::new(relative, blob, Action::Delete, FileStatus::WhatIf, "extra", 0),
                Ok(()) => FileEvent::new(relative, blob, Action::Delete, FileStatus::Success, "extra", 0),
                Err(e) => FileEvent::failed(relative, blob, Action::Delete, "extra", e),
            };
            self.reporter.file(ev).await;
            if let Some(e) = self.reporter.tally.take_fatal() {
                return Err(e);
            }
        }
        Ok(())
    }

    async fn one_by_one<D: Direction>(&mut self, direction: &D, deletes: Vec<String>) -> Result<()> {
        for relative in deletes {
            let blob = direction.blob_name(&relative);
            let approved = self.confirmations.ask(Action::Delete, &relative, &blob, "extra").await?;
            let ev = if !approved {
                FileEvent::new(relative, blob, Action::Delete, FileStatus::Skipped, "declined", 0)
            } else {
                match direction.delete(&relative).await {
                    Ok(()) => FileEvent::new(relative, blob, Action::Delete, FileStatus::Success, "extra", 0),
                    Err(e) => FileEvent::failed(relative, blob, Action::Delete, "extra", &e),
                }
            };
            self.reporter.file(ev).await;
            if let Some(e) = self.reporter.tally.take_fatal() {
                return Err(e);
            }
        }
        Ok(())
    }
}

#[cfg(test)]
#[path = "deletions_tests.rs"]
mod tests;

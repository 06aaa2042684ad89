//! Container → container (sync, or copy of a blob, a virtual folder or its contents): each blob is a
//! server-side copy (Copy Blob from the source's URL), so no
//! bytes pass through this machine. The source's modified time goes with it as metadata, so the
//! next run compares exactly.

use crate::transfer::direction::{Direction, Transferred};
use crate::error::Result;
use crate::job::events::Action;
use crate::plan::{PlanItem, RemoteEntry};
use crate::store::{BlobStore, SOURCE_MTIME_KEY};
use crate::transfer::upload::format_source_mtime;
use async_trait::async_trait;
use std::sync::Arc;
use tokio::sync::Semaphore;
use tokio_util::sync::CancellationToken;

pub struct BlobCopies {
    pub source: Arc<dyn BlobStore>,
    pub source_prefix: String,
    pub dest: Arc<dyn BlobStore>,
    pub dest_prefix: String,
    /// Copying one blob: its destination's full name (which may differ from the source's).
    pub single_target: Option<String>,
    pub request_slots: Arc<Semaphore>,
    pub cancel: CancellationToken,
}

#[async_trait]
impl Direction for BlobCopies {
    type Source = RemoteEntry;
    type Dest = RemoteEntry;
    const ACTION: Action = Action::Copy;

    fn blob_name(&self, relative: &str) -> String {
        self.single_target.clone().unwrap_or_else(|| crate::plan::blob_name::join(&self.dest_prefix, relative))
    }

    async fn transfer(&self, source: &RemoteEntry) -> Result<Transferred> {
        let _slot = tokio::select! {
            s = self.request_slots.acquire() => s.expect("never closed"),
            _ = self.cancel.cancelled() => return Err(crate::error::EngineError::Cancelled),
        };
        let from = self.source.blob_url(&crate::plan::blob_name::join(&self.source_prefix, &source.relative));
        let metadata = [(SOURCE_MTIME_KEY.to_string(), format_source_mtime(source.modified()))].into();
        self.dest.copy_from_url(&self.blob_name(&source.relative), &from, metadata).await?;
        Ok(Transferred { bytes: source.size, content_md5: None, warning: None })
    }

    async fn verify(&self, source: &RemoteEntry, dest: &RemoteEntry) -> Result<crate::local::content_hash::Verdict> {
        use crate::local::content_hash::Verdict;
        Ok(match (&source.content_md5, &dest.content_md5) {
            (Some(a), Some(b)) if a == b => Verdict::Same,
            (Some(_), Some(_)) => Verdict::Different,
            _ => Verdict::NoBlobHash,
        })
    }

    async fn delete(&self, relative: &str) -> Result<()> {
        self.dest.delete_blob(&self.blob_name(relative)).await
    }
}

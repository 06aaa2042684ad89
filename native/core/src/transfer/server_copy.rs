//! Container → container (sync, or copy of a blob, a virtual folder or its contents). Chosen by
//! what the two stores can do, as rclone's operations are: a server-side copy from the source's
//! URL when the destination offers one and the source has a URL to give (no bytes pass through
//! this machine), else a relay through it ([`crate::transfer::relay`]). The source's modified time
//! goes with it as metadata, so the next run compares exactly.

use crate::error::Result;
use crate::job::events::Action;
use crate::plan::{PlanItem, RemoteEntry};
use crate::store::{BlobProperties, BlobStore, SOURCE_MTIME_KEY};
use crate::transfer::direction::{Direction, Transferred};
use crate::transfer::memory_budget::MemoryBudget;
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
    pub budget: Arc<MemoryBudget>,
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
        let from = crate::plan::blob_name::join(&self.source_prefix, &source.relative);
        let to = self.blob_name(&source.relative);
        let metadata = [(SOURCE_MTIME_KEY.to_string(), format_source_mtime(source.modified()))].into();
        let readable = self.source.signed_read_url(&from).filter(|_| self.dest.capabilities().copy_from_url);
        let copied = async {
            match readable {
                Some(url) => self.dest.copy_from_url(&to, &url, metadata).await,
                None => {
                    let properties = BlobProperties { metadata, ..Default::default() };
                    crate::transfer::relay::relay(self.source.as_ref(), &from, source, self.dest.as_ref(), &to, &properties, &self.budget).await
                }
            }
        };
        tokio::select! {
            r = copied => r?,
            _ = self.cancel.cancelled() => return Err(crate::error::EngineError::Cancelled),
        }
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
        self.dest.delete(&self.blob_name(relative)).await
    }
}

//! One direction's moving parts, so that one job loop serves uploads and downloads: what each side's
//! entries are, how one entry moves, how one extra is deleted.

use crate::error::Result;
use crate::job::events::Action;
use crate::plan::PlanItem;
use async_trait::async_trait;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Transferred {
    pub bytes: u64,
    pub content_md5: Option<[u8; 16]>,
    /// Something the user should know although the file moved (e.g. an MD5 mismatch, logged only).
    pub warning: Option<String>,
}

#[async_trait]
pub trait Direction: Send + Sync + 'static {
    type Source: PlanItem + Send + Sync + 'static;
    type Dest: PlanItem + Send + 'static;
    /// The action a transfer is reported as.
    const ACTION: Action;

    /// The full blob name an entry of this relative name maps to (for events).
    fn blob_name(&self, relative: &str) -> String;
    async fn transfer(&self, source: &Self::Source) -> Result<Transferred>;
    /// Compare-hash: whether a same-sized pair holds the same bytes.
    async fn verify(&self, source: &Self::Source, dest: &Self::Dest) -> Result<crate::local::content_hash::Verdict>;
    /// Deletes the destination entry with this relative name.
    async fn delete(&self, relative: &str) -> Result<()>;
}

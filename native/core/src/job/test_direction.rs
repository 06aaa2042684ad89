//! A direction that moves nothing, for the job's unit tests: it records what it was asked, fails
//! the names it is told to, and can hold transfers at a gate so a test sees how many run at once.

use crate::error::{EngineError, Result};
use crate::job::events::Action;
use crate::local::content_hash::Verdict;
use crate::plan::RemoteEntry;
use crate::transfer::direction::{Direction, Transferred};
use async_trait::async_trait;
use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::SystemTime;
use tokio::sync::Semaphore;

#[derive(Default)]
pub struct FakeDirection {
    pub transferred: Mutex<Vec<String>>,
    pub verified: Mutex<Vec<String>>,
    pub deleted: Mutex<Vec<String>>,
    pub failures: HashMap<String, EngineError>,
    pub verdicts: HashMap<String, Verdict>,
    /// When set, each transfer waits for a permit here.
    pub gate: Option<Semaphore>,
    pub active: AtomicUsize,
    pub most_active: AtomicUsize,
}

pub fn entry(name: &str, size: u64) -> RemoteEntry {
    RemoteEntry { relative: name.into(), size, last_modified: SystemTime::UNIX_EPOCH, source_modified: None, content_md5: None, etag: None }
}

#[async_trait]
impl Direction for FakeDirection {
    type Source = RemoteEntry;
    type Dest = RemoteEntry;
    const ACTION: Action = Action::Upload;

    fn blob_name(&self, relative: &str) -> String {
        format!("pre/{relative}")
    }

    async fn transfer(&self, source: &RemoteEntry) -> Result<Transferred> {
        let now = self.active.fetch_add(1, Ordering::SeqCst) + 1;
        self.most_active.fetch_max(now, Ordering::SeqCst);
        if let Some(gate) = &self.gate {
            gate.acquire().await.expect("gate open").forget();
        }
        self.active.fetch_sub(1, Ordering::SeqCst);
        if let Some(e) = self.failures.get(&source.relative) {
            return Err(e.clone());
        }
        self.transferred.lock().unwrap().push(source.relative.clone());
        Ok(Transferred { bytes: source.size, content_md5: None, warning: None })
    }

    async fn verify(&self, source: &RemoteEntry, _dest: &RemoteEntry) -> Result<Verdict> {
        self.verified.lock().unwrap().push(source.relative.clone());
        Ok(self.verdicts.get(&source.relative).copied().unwrap_or(Verdict::Different))
    }

    async fn delete(&self, relative: &str) -> Result<()> {
        if let Some(e) = self.failures.get(relative) {
            return Err(e.clone());
        }
        self.deleted.lock().unwrap().push(relative.to_string());
        Ok(())
    }
}

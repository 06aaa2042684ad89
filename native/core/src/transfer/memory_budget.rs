//! One job-wide budget for every transfer buffer: a part read for an upload, a small file read
//! whole, a blob received in memory, a relayed part. A buffer is only allocated once its bytes are
//! granted, so no mix of file sizes, part size and concurrency holds more than the budget (a single
//! buffer larger than the whole budget waits until it can hold the budget alone).

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// The default budget: 256 MiB.
pub const DEFAULT_MEMORY_BUDGET: u64 = 256 * 1024 * 1024;
/// The budget is counted in units of this many bytes (the semaphore grants at most `u32` units at
/// once).
const UNIT: u64 = 4096;

pub struct MemoryBudget {
    units: Arc<Semaphore>,
    total_units: u64,
    held: Arc<AtomicU64>,
    peak: Arc<AtomicU64>,
}

/// Bytes granted; given back when dropped.
pub struct Grant {
    _permit: OwnedSemaphorePermit,
    bytes: u64,
    held: Arc<AtomicU64>,
}

impl Drop for Grant {
    fn drop(&mut self) {
        self.held.fetch_sub(self.bytes, Ordering::Relaxed);
    }
}

impl MemoryBudget {
    pub fn new(bytes: u64) -> Self {
        let total_units = bytes.div_ceil(UNIT).clamp(1, u64::from(u32::MAX));
        Self {
            units: Arc::new(Semaphore::new(total_units as usize)),
            total_units,
            held: Arc::new(AtomicU64::new(0)),
            peak: Arc::new(AtomicU64::new(0)),
        }
    }

    /// Waits until `bytes` can be held, and holds them until the grant is dropped.
    pub async fn grant(&self, bytes: u64) -> Grant {
        let units = bytes.div_ceil(UNIT).clamp(1, self.total_units) as u32;
        let permit = self.units.clone().acquire_many_owned(units).await.expect("the budget is never closed");
        let now = self.held.fetch_add(bytes, Ordering::Relaxed) + bytes;
        self.peak.fetch_max(now, Ordering::Relaxed);
        Grant { _permit: permit, bytes, held: self.held.clone() }
    }

    /// The most bytes held at once so far.
    pub fn peak(&self) -> u64 {
        self.peak.load(Ordering::Relaxed)
    }

    pub fn held(&self) -> u64 {
        self.held.load(Ordering::Relaxed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn grants_wait_until_the_bytes_are_free_and_the_peak_is_recorded() {
        let budget = Arc::new(MemoryBudget::new(10 * UNIT));
        let a = budget.grant(6 * UNIT).await;
        let waiting = tokio::spawn({
            let budget = budget.clone();
            async move { budget.grant(6 * UNIT).await.bytes }
        });
        tokio::task::yield_now().await;
        assert!(!waiting.is_finished(), "the second grant must wait for the first");
        assert_eq!(budget.held(), 6 * UNIT);
        drop(a);
        assert_eq!(waiting.await.unwrap(), 6 * UNIT);
        assert_eq!(budget.peak(), 6 * UNIT);
        assert_eq!(budget.held(), 0);
    }

    #[tokio::test]
    async fn a_buffer_larger_than_the_budget_goes_alone() {
        let budget = MemoryBudget::new(4 * UNIT);
        let big = budget.grant(100 * UNIT).await;
        assert_eq!(budget.held(), 100 * UNIT);
        drop(big);
        let _small = budget.grant(UNIT).await;
    }
}

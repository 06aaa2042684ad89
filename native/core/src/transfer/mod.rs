//! Moving bytes, one file or blob at a time: local → store ([`upload`]), store → local
//! ([`download`]), store → store ([`server_copy`]: the service copies, or [`relay`] through this
//! machine), how a large file is cut into parts ([`part_sizing`], from the store's limits), and the
//! job-wide [`memory_budget`] every buffer is granted from; [`retry`] says what is tried again and
//! how, under the job's [`concurrency_limiter`]. Each direction plugs into the job
//! through [`direction::Direction`].

pub mod concurrency_limiter;
pub mod direction;
pub mod download;
pub mod memory_budget;
pub mod part_sizing;
pub mod relay;
pub mod retry;
pub mod server_copy;
pub mod upload;

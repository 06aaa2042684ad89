//! The AzBlobSync engine: plain Rust, no FFI types. A map, one folder per responsibility:
//!
//! | folder       | what it does                                                                  |
//! |--------------|-------------------------------------------------------------------------------|
//! | [`spec`]     | what a host asks: the JSON spec, typed ends, every rule, redaction; checked once |
//! | [`plan`]     | decide what to transfer: pure merge of two name-ordered streams, filters, order |
//! | [`local`]    | the local disk: the walk in blob-name order, Windows names, MD5s and their cache |
//! | [`store`]    | the one interface bytes move through, and each backend (`store::azure`)         |
//! | [`transfer`] | move bytes: local → store, store → local, server-side copy; block sizing       |
//! | [`auth`]     | credentials: the values a job signs in with                                    |
//! | [`job`]      | run one job: wiring, scheduling, deletions and confirmations, events, progress  |
//! | [`journal`]  | persist a job: SQLite journal, job logs, interrupted-job detection, resume, pruning |
//! | [`error`]    | one error enum; the one list of stable ids and categories (generated into C#)  |

pub mod auth;
pub mod error;
mod error_ids;
pub mod job;
pub mod journal;
pub mod local;
pub mod plan;
pub mod spec;
pub mod store;
pub mod transfer;

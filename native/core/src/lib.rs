//! The AzBlobSync engine: plain Rust, no FFI types.
//!
//! Deciding what to transfer ([`plan`]) is pure code over two name-ordered streams ([`local_walk`]
//! and a store's listing); moving bytes ([`upload`]) is apart from it; [`job`] wires them together
//! and reports [`events`].

pub mod block_sizing;
pub mod container_url;
pub mod error;
pub mod events;
pub mod job;
pub mod local_walk;
pub mod plan;
pub mod progress;
pub mod shared_key;
pub mod spec;
pub mod store;
pub mod azure_store;
pub mod azure_folder_listing;
pub mod parallel_listing;
pub mod upload;
pub mod direction;
pub mod download;
pub mod blob_copy;
pub mod endpoints;
pub mod hash_cache;
pub mod content_hash;
pub mod windows_path;
pub mod blob_name;
pub mod filter;
pub mod http_transport;

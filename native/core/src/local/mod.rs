//! The local disk: walking a folder in the service's name order, Windows path rules, and content
//! hashes with their cache.

pub mod content_hash;
pub mod hash_cache;
pub mod walk;
pub mod windows_path;

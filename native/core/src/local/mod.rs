//! The local disk: walking a folder in the service's name order, Windows path rules, our temporary
//! download files, content hashes with their cache, and the fingerprint that tells a file changed.

pub mod content_hash;
pub mod fingerprint;
pub mod hash_cache;
pub mod part_files;
pub mod walk;
pub mod windows_path;

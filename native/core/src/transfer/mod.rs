//! Moving bytes, one file or blob at a time: local → store ([`upload`]), store → local
//! ([`download`]), store → store without passing through this machine ([`server_copy`]), and how a
//! large file is cut into parts ([`block_sizing`]). Each direction plugs into the job through
//! [`direction::Direction`].

pub mod block_sizing;
pub mod direction;
pub mod download;
pub mod server_copy;
pub mod upload;

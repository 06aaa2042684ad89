//! Test support shared by the Rust suites: an Azurite each test run starts itself, the
//! independent oracle (Azure's Python SDK) that reads back what the engine wrote, and proxies in
//! front of Azurite that count traffic or inject faults.

mod azurite;
mod client_certificate;
mod counting_proxy;
mod fake_identity;
mod fault_proxy;
mod oracle;
mod tls;

pub use azurite::{Azurite, Definition as AzuriteDefinition};
pub use client_certificate::{ClientCertificate, verify_assertion};
pub use counting_proxy::CountingProxy;
pub use fault_proxy::{Fault, FaultConfig, FaultProxy};
pub use fake_identity::{Counters, FakeIdentity, Registrations, storage_token};
pub use tls::TestCa;
pub use oracle::{BlobRecord, Oracle};

use std::path::PathBuf;

/// Azurite's well-known development account (public, documented; not a secret). Constants for the
/// tests' convenience; `tests/azurite.json` is their home and `the_dev_account_is_the_shared_definitions` keeps them equal.
pub const DEV_ACCOUNT: &str = "devstoreaccount1";
pub const DEV_KEY: &str = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().expect("repo root")
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_dev_account_is_the_shared_definitions() {
        let definition = crate::AzuriteDefinition::load();
        assert_eq!((crate::DEV_ACCOUNT, crate::DEV_KEY), (definition.account.as_str(), definition.account_key.as_str()));
    }
}

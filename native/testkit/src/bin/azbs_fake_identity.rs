//! `azbs-fake-identity`: the tests' stand-in Entra ID and managed-identity endpoint as a process, for
//! suites that cannot link Rust (Pester). Makes its own throwaway CA, prints one JSON line (port,
//! URLs, CA and server certificate paths) and serves until stdin closes.
//!
//! Usage: azbs-fake-identity --tenant-id T --client-id C --client-secret S [--federated-token F] [--identity-header H]
//!        [--certificate-pem FILE]   (the app's registered public certificate)

use azblobsync_testkit::{FakeIdentity, Registrations, TestCa};
use std::io::Read;

fn main() {
    let mut registrations = Registrations::default();
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let value = args.next().unwrap_or_else(|| panic!("{flag} needs a value"));
        match flag.as_str() {
            "--tenant-id" => registrations.tenant_id = value,
            "--client-id" => registrations.client_id = value,
            "--client-secret" => registrations.client_secret = value,
            "--federated-token" => registrations.federated_token = value,
            "--identity-header" => registrations.identity_header = value,
            "--certificate-pem" => registrations.certificate_pem = std::fs::read_to_string(&value).expect("the certificate PEM"),
            other => panic!("unknown flag {other}"),
        }
    }
    let ca = TestCa::new();
    let identity = FakeIdentity::start(registrations, &ca.cert_pem, &ca.key_pem);
    println!(
        "{}",
        serde_json::json!({
            "port": identity.port,
            "authorityHost": identity.authority_host(),
            "identityEndpoint": identity.identity_endpoint(),
            "caPem": ca.ca_pem,
            "certPem": ca.cert_pem,
            "keyPem": ca.key_pem,
        })
    );
    // Runs until the test closes our stdin (or kills us).
    let _ = std::io::stdin().read_to_end(&mut Vec::new());
    drop(identity);
    drop(ca);
}

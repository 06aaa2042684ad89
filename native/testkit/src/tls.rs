//! A throwaway certificate authority and a server certificate for 127.0.0.1/localhost, written as PEM
//! files into a folder that lives as long as the value.

use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair, KeyUsagePurpose, SanType};
use std::net::{IpAddr, Ipv4Addr};
use std::path::PathBuf;

pub struct TestCa {
    dir: tempfile::TempDir,
    /// The CA certificate (what a client trusts).
    pub ca_pem: PathBuf,
    /// The server certificate and its private key (what Azurite and the fake identity serve).
    pub cert_pem: PathBuf,
    pub key_pem: PathBuf,
}

impl TestCa {
    pub fn new() -> Self {
        let dir = tempfile::tempdir().expect("a temp folder for the test CA");
        let mut ca_params = CertificateParams::new(Vec::<String>::new()).expect("CA params");
        ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        ca_params.distinguished_name.push(DnType::CommonName, "AzBlobSync throwaway test CA");
        ca_params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign, KeyUsagePurpose::DigitalSignature];
        let ca_key = KeyPair::generate().expect("CA key");
        let ca_cert = ca_params.self_signed(&ca_key).expect("CA certificate");
        let issuer = Issuer::new(ca_params, ca_key);

        let mut params = CertificateParams::new(vec!["localhost".to_string()]).expect("server params");
        params.subject_alt_names.push(SanType::IpAddress(IpAddr::V4(Ipv4Addr::LOCALHOST)));
        params.distinguished_name.push(DnType::CommonName, "127.0.0.1");
        let key = KeyPair::generate().expect("server key");
        let cert = params.signed_by(&key, &issuer).expect("server certificate");

        let ca_pem = dir.path().join("ca.pem");
        let cert_pem = dir.path().join("server-cert.pem");
        let key_pem = dir.path().join("server-key.pem");
        std::fs::write(&ca_pem, ca_cert.pem()).expect("write ca.pem");
        std::fs::write(&cert_pem, cert.pem()).expect("write server-cert.pem");
        std::fs::write(&key_pem, key.serialize_pem()).expect("write server-key.pem");
        Self { dir, ca_pem, cert_pem, key_pem }
    }

    pub fn dir(&self) -> &std::path::Path {
        self.dir.path()
    }
}

impl Default for TestCa {
    fn default() -> Self {
        Self::new()
    }
}

//! A service principal's certificate, in the forms AzCopy and Azure's SDKs take: a PKCS#12 file
//! (`.pfx`/`.p12`) with an optional password, or a PEM holding the certificate and its private key
//! (the key possibly encrypted with the password). azure_identity takes PKCS#12 only, so a PEM is
//! repacked in memory; either way the bundle is opened here first, so a wrong password, a file with
//! no private key or a key Entra cannot use is refused with a sentence instead of a token error.

use crate::error::{EngineError, Result};
use openssl::pkcs12::Pkcs12;
use openssl::pkey::{Id, PKey, Private};
use openssl::stack::Stack;
use openssl::x509::X509;
use zeroize::Zeroizing;

/// Where the certificate comes from.
#[derive(Clone)]
pub enum CertificateSource {
    /// A `.pfx`/`.p12` or `.pem` file.
    Path(String),
    /// The bundle's bytes themselves (a vault secret holding a PFX, or PEM text), base64 in the spec.
    Inline(Zeroizing<Vec<u8>>),
}

/// A PKCS#12 bundle azure_identity can open with `password` ("" when it has none).
pub struct LoadedCertificate {
    pub pkcs12: Zeroizing<Vec<u8>>,
    pub password: Zeroizing<String>,
}

impl std::fmt::Debug for LoadedCertificate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "LoadedCertificate({} bytes, password <redacted>)", self.pkcs12.len())
    }
}

/// Reads and opens the certificate; `what` names it in errors (a path, or "the vault's certificate").
pub fn load(source: &CertificateSource, password: Option<&str>) -> Result<LoadedCertificate> {
    let (bytes, what) = match source {
        CertificateSource::Path(path) => {
            let bytes = std::fs::read(path).map_err(|e| refused(format!("cannot read the certificate '{path}': {e}")))?;
            (Zeroizing::new(bytes), format!("the certificate '{path}'"))
        }
        CertificateSource::Inline(bytes) => (bytes.clone(), "the certificate given".to_string()),
    };
    let password = password.unwrap_or_default();
    let (key, cert, chain) = if looks_like_pem(&bytes) { open_pem(&bytes, password, &what)? } else { open_pkcs12(&bytes, password, &what)? };
    // Entra refuses an expired certificate with a generic signature error; say it plainly, before any request.
    if cert.not_after() < openssl::asn1::Asn1Time::days_from_now(0).map_err(|e| refused(e.to_string()))?.as_ref() {
        return Err(refused(format!("{what} expired on {}; renew it (and upload the new one to the app registration)", cert.not_after())));
    }
    if key.id() != Id::RSA {
        return Err(refused(format!("{what} has a {:?} key; Entra ID signs in with RSA certificates only", key.id())));
    }
    if cert.public_key().map(|public| !public.public_eq(&key)).unwrap_or(true) {
        return Err(refused(format!("{what}: the private key does not belong to the certificate")));
    }
    let mut builder = Pkcs12::builder();
    builder.name("azblobsync").pkey(&key).cert(&cert);
    if let Some(chain) = chain {
        builder.ca(chain);
    }
    let repacked = builder.build2(password).map_err(|e| refused(format!("cannot repack {what}: {e}")))?;
    let der = repacked.to_der().map_err(|e| refused(format!("cannot repack {what}: {e}")))?;
    Ok(LoadedCertificate { pkcs12: Zeroizing::new(der), password: Zeroizing::new(password.to_string()) })
}

type Opened = (PKey<Private>, X509, Option<Stack<X509>>);

fn looks_like_pem(bytes: &[u8]) -> bool {
    bytes.windows(11).take(4096).any(|w| w == b"-----BEGIN ")
}

fn open_pkcs12(bytes: &[u8], password: &str, what: &str) -> Result<Opened> {
    let bundle = Pkcs12::from_der(bytes).map_err(|_| refused(format!("{what} is neither a PKCS#12 (.pfx) bundle nor a PEM")))?;
    let parsed = bundle
        .parse2(password)
        .map_err(|_| refused(format!("{what} cannot be opened: its password is wrong or missing (give it with the certificate password)")))?;
    let key = parsed.pkey.ok_or_else(|| refused(format!("{what} holds no private key; export it with its key")))?;
    let cert = parsed.cert.ok_or_else(|| refused(format!("{what} holds no certificate")))?;
    Ok((key, cert, parsed.ca))
}

fn open_pem(bytes: &[u8], password: &str, what: &str) -> Result<Opened> {
    let mut certs = X509::stack_from_pem(bytes).map_err(|_| refused(format!("{what} holds no readable PEM certificate")))?.into_iter();
    let cert = certs.next().ok_or_else(|| refused(format!("{what} holds no PEM certificate")))?;
    let key = if password.is_empty() {
        PKey::private_key_from_pem(bytes)
    } else {
        PKey::private_key_from_pem_passphrase(bytes, password.as_bytes())
    }
    .map_err(|_| refused(format!("{what} holds no private key this password opens; a PEM needs the certificate and its key in one file")))?;
    let mut rest = Stack::new().map_err(|e| refused(e.to_string()))?;
    for c in certs {
        rest.push(c).map_err(|e| refused(e.to_string()))?;
    }
    Ok((key, cert, (rest.len() > 0).then_some(rest)))
}

fn refused(message: String) -> EngineError {
    EngineError::InvalidCredential(message)
}

#[cfg(test)]
mod tests {
    use super::*;
    use openssl::asn1::Asn1Time;
    use openssl::bn::BigNum;
    use openssl::hash::MessageDigest;
    use openssl::rsa::Rsa;
    use openssl::symm::Cipher;
    use openssl::x509::X509NameBuilder;

    fn self_signed(key: &PKey<Private>) -> X509 {
        signed_until(key, Asn1Time::days_from_now(1).unwrap())
    }

    fn signed_until(key: &PKey<Private>, not_after: Asn1Time) -> X509 {
        let mut name = X509NameBuilder::new().unwrap();
        name.append_entry_by_text("CN", "azblobsync-test").unwrap();
        let name = name.build();
        let mut b = X509::builder().unwrap();
        b.set_version(2).unwrap();
        b.set_serial_number(&BigNum::from_u32(7).unwrap().to_asn1_integer().unwrap()).unwrap();
        b.set_subject_name(&name).unwrap();
        b.set_issuer_name(&name).unwrap();
        b.set_pubkey(key).unwrap();
        b.set_not_before(&Asn1Time::from_unix(1_600_000_000).unwrap()).unwrap();
        b.set_not_after(&not_after).unwrap();
        b.sign(key, MessageDigest::sha256()).unwrap();
        b.build()
    }

    fn rsa() -> PKey<Private> {
        PKey::from_rsa(Rsa::generate(2048).unwrap()).unwrap()
    }

    fn inline(bytes: Vec<u8>) -> CertificateSource {
        CertificateSource::Inline(Zeroizing::new(bytes))
    }

    /// What azure_identity does with the result: open it with the password it is handed.
    fn opens(loaded: &LoadedCertificate) -> bool {
        Pkcs12::from_der(&loaded.pkcs12).unwrap().parse2(&loaded.password).map(|p| p.pkey.is_some() && p.cert.is_some()).unwrap_or(false)
    }

    #[test]
    fn a_pfx_opens_with_its_password_and_refuses_a_wrong_one() {
        let key = rsa();
        let pfx = Pkcs12::builder().name("x").pkey(&key).cert(&self_signed(&key)).build2("pfx-pass").unwrap().to_der().unwrap();
        assert!(opens(&load(&inline(pfx.clone()), Some("pfx-pass")).unwrap()));
        let e = load(&inline(pfx.clone()), Some("wrong")).unwrap_err();
        assert_eq!(e.error_id(), "InvalidCredential");
        assert!(e.to_string().contains("password"), "{e}");
        assert!(load(&inline(pfx), None).unwrap_err().to_string().contains("password"));
    }

    #[test]
    fn a_pem_with_its_key_plain_or_encrypted_is_repacked() {
        let key = rsa();
        let cert = self_signed(&key).to_pem().unwrap();
        let plain = [cert.clone(), key.private_key_to_pem_pkcs8().unwrap()].concat();
        assert!(opens(&load(&inline(plain), None).unwrap()));
        let encrypted = [key.private_key_to_pem_pkcs8_passphrase(Cipher::aes_256_cbc(), b"pem-pass").unwrap(), cert.clone()].concat();
        assert!(opens(&load(&inline(encrypted.clone()), Some("pem-pass")).unwrap()));
        assert!(load(&inline(encrypted), Some("nope")).is_err());
        let e = load(&inline(cert), None).unwrap_err();
        assert!(e.to_string().contains("private key"), "{e}");
    }

    #[test]
    fn refusals_say_what_is_wrong() {
        let e = load(&CertificateSource::Path("/nonexistent/app.pfx".into()), None).unwrap_err();
        assert!(e.to_string().contains("cannot read the certificate '/nonexistent/app.pfx'"), "{e}");
        assert!(load(&inline(b"not a certificate".to_vec()), None).unwrap_err().to_string().contains("neither a PKCS#12"));
        let ec = PKey::from_ec_key(
            openssl::ec::EcKey::generate(&openssl::ec::EcGroup::from_curve_name(openssl::nid::Nid::X9_62_PRIME256V1).unwrap()).unwrap(),
        )
        .unwrap();
        let pem = [self_signed(&ec).to_pem().unwrap(), ec.private_key_to_pem_pkcs8().unwrap()].concat();
        assert!(load(&inline(pem), None).unwrap_err().to_string().contains("RSA"));
        let old = rsa();
        let expired = [signed_until(&old, Asn1Time::from_unix(1_700_000_000).unwrap()).to_pem().unwrap(), old.private_key_to_pem_pkcs8().unwrap()].concat();
        let e = load(&inline(expired), None).unwrap_err();
        assert!(e.to_string().contains("expired on Nov 14") && e.to_string().contains("renew"), "{e}");
        let (a, b) = (rsa(), rsa());
        let mismatched = [self_signed(&a).to_pem().unwrap(), b.private_key_to_pem_pkcs8().unwrap()].concat();
        assert!(load(&inline(mismatched), None).unwrap_err().to_string().contains("does not belong"));
    }
}

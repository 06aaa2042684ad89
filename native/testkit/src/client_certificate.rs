//! A service principal's certificate for the tests, and Entra ID's check of the client assertion a
//! certificate sign-in sends: a JWT whose `x5t` names the registered certificate, signed RS256 with its
//! private key, addressed to the token endpoint and issued by the application. The fake identity
//! verifies the signature with the registered public certificate, so a passing test proves the key
//! in the file really signed the request.

use base64::Engine as _;
use openssl::asn1::Asn1Time;
use openssl::bn::BigNum;
use openssl::hash::MessageDigest;
use openssl::pkcs12::Pkcs12;
use openssl::pkey::PKey;
use openssl::rsa::Rsa;
use openssl::sign::Verifier;
use openssl::symm::Cipher;
use openssl::x509::{X509, X509NameBuilder};
use std::time::{SystemTime, UNIX_EPOCH};

/// One app certificate in every form a user may hold it.
pub struct ClientCertificate {
    /// The public certificate, as registered on the app (PEM).
    pub certificate_pem: String,
    /// PKCS#12 bytes protected by `password`.
    pub pfx: Vec<u8>,
    /// The certificate and its private key in one PEM, the key encrypted with `password`.
    pub pem_with_encrypted_key: Vec<u8>,
    pub password: String,
}

impl ClientCertificate {
    pub fn generate(common_name: &str, password: &str) -> Self {
        let key = PKey::from_rsa(Rsa::generate(2048).expect("an RSA key")).expect("a key");
        let mut name = X509NameBuilder::new().expect("name");
        name.append_entry_by_text("CN", common_name).expect("CN");
        let name = name.build();
        let mut b = X509::builder().expect("builder");
        b.set_version(2).expect("v3");
        b.set_serial_number(&BigNum::from_u32(1).and_then(|n| n.to_asn1_integer()).expect("serial")).expect("serial");
        b.set_subject_name(&name).expect("subject");
        b.set_issuer_name(&name).expect("issuer");
        b.set_pubkey(&key).expect("public key");
        b.set_not_before(&Asn1Time::days_from_now(0).expect("now")).expect("not before");
        b.set_not_after(&Asn1Time::days_from_now(2).expect("later")).expect("not after");
        b.sign(&key, MessageDigest::sha256()).expect("signed");
        let cert = b.build();
        let pfx = Pkcs12::builder().name(common_name).pkey(&key).cert(&cert).build2(password).and_then(|p| p.to_der()).expect("a PFX");
        let cert_pem = cert.to_pem().expect("PEM");
        let encrypted_key = key.private_key_to_pem_pkcs8_passphrase(Cipher::aes_256_cbc(), password.as_bytes()).expect("encrypted key");
        Self {
            certificate_pem: String::from_utf8(cert_pem.clone()).expect("PEM is text"),
            pfx,
            pem_with_encrypted_key: [cert_pem, encrypted_key].concat(),
            password: password.to_string(),
        }
    }
}

/// Checks a certificate client assertion as Entra ID does; `Err` carries the reason Entra would give.
pub fn verify_assertion(assertion: &str, registered_pem: &str, client_id: &str, token_endpoint: &str) -> Result<(), String> {
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let parts: Vec<&str> = assertion.trim().split('.').collect();
    let [header, claims, signature] = parts[..] else {
        return Err("the client assertion is not a JWT".into());
    };
    let json = |part: &str| -> Result<serde_json::Value, String> {
        let bytes = b64.decode(part.trim_end_matches('=')).map_err(|_| "the client assertion is not base64url".to_string())?;
        serde_json::from_slice(&bytes).map_err(|_| "the client assertion is not JSON".to_string())
    };
    let (header_json, claims_json) = (json(header)?, json(claims)?);
    let cert = X509::from_pem(registered_pem.as_bytes()).map_err(|e| format!("registered certificate: {e}"))?;
    let thumbprint = base64::engine::general_purpose::STANDARD.encode(cert.digest(MessageDigest::sha1()).map_err(|e| e.to_string())?);
    if header_json["alg"] != "RS256" {
        return Err(format!("the assertion is signed with {}, not RS256", header_json["alg"]));
    }
    if header_json["x5t"] != thumbprint.as_str() {
        return Err("the assertion names a certificate (x5t) that is not registered on the app".into());
    }
    let public = cert.public_key().map_err(|e| e.to_string())?;
    let mut verifier = Verifier::new(MessageDigest::sha256(), &public).map_err(|e| e.to_string())?;
    verifier.update(format!("{header}.{claims}").as_bytes()).map_err(|e| e.to_string())?;
    let signature = b64.decode(signature.trim_end_matches('=')).map_err(|_| "the signature is not base64url".to_string())?;
    if !verifier.verify(&signature).unwrap_or(false) {
        return Err("the client assertion failed signature validation".into());
    }
    let now = SystemTime::now().duration_since(UNIX_EPOCH).expect("clock").as_secs() as i64;
    if claims_json["aud"] != token_endpoint {
        return Err(format!("the assertion's audience {} is not this token endpoint", claims_json["aud"]));
    }
    if claims_json["iss"] != client_id || claims_json["sub"] != client_id {
        return Err("the assertion's issuer and subject must be the application id".into());
    }
    if claims_json["exp"].as_i64().is_none_or(|exp| exp < now) {
        return Err("the client assertion has expired".into());
    }
    Ok(())
}

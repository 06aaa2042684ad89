//! Which cloud a job signs in to, and which certificate authorities it trusts, for both the storage
//! requests and the token requests.

use crate::error::{EngineError, Result};
use serde::Deserialize;

/// AzCopy's and Az PowerShell's names for the national clouds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize, Default)]
pub enum AzureEnvironment {
    #[default]
    AzureCloud,
    AzureUSGovernment,
    AzureChinaCloud,
}

impl AzureEnvironment {
    pub fn authority_host(self) -> &'static str {
        match self {
            Self::AzureCloud => "https://login.microsoftonline.com",
            Self::AzureUSGovernment => "https://login.microsoftonline.us",
            Self::AzureChinaCloud => "https://login.chinacloudapi.cn",
        }
    }
}

/// The authority a token is asked from: an explicit host wins, then a named environment, then the
/// process's `AZURE_AUTHORITY_HOST` (as Azure's SDKs do), then the public cloud.
pub fn authority_host(explicit: Option<&str>, environment: Option<AzureEnvironment>) -> Result<url::Url> {
    let from_env = std::env::var("AZURE_AUTHORITY_HOST").ok().filter(|v| !v.trim().is_empty());
    let chosen = match (explicit.map(str::trim).filter(|h| !h.is_empty()), environment) {
        (Some(host), _) => host.to_string(),
        (None, Some(environment)) => environment.authority_host().to_string(),
        (None, None) => from_env.unwrap_or_else(|| AzureEnvironment::AzureCloud.authority_host().to_string()),
    };
    let url = url::Url::parse(&chosen)
        .map_err(|e| EngineError::InvalidCredential(format!("the authority host '{chosen}' is not a URL ({e}); give https://login.microsoftonline.com or your cloud's")))?;
    if url.scheme() != "https" {
        return Err(EngineError::InvalidCredential(format!(
            "the authority host '{chosen}' must use https: a secret is sent to it"
        )));
    }
    Ok(url)
}

/// The PEM certificates a job trusts besides the system's: an explicit bundle (`--ca-cert`,
/// `-CaCertificatePath`) and the process's `SSL_CERT_FILE`, as OpenSSL-based tools honour it.
pub fn extra_roots(explicit: Option<&str>) -> Result<Vec<reqwest::Certificate>> {
    let mut roots = Vec::new();
    let from_env = std::env::var("SSL_CERT_FILE").ok().filter(|v| !v.trim().is_empty());
    for (path, origin) in [(explicit.map(str::to_string), "--ca-cert"), (from_env, "SSL_CERT_FILE")] {
        let Some(path) = path.filter(|p| !p.trim().is_empty()) else { continue };
        let pem = std::fs::read(&path)
            .map_err(|e| EngineError::InvalidCaCertificate(format!("cannot read {origin} '{path}': {e}")))?;
        let certs = reqwest::Certificate::from_pem_bundle(&pem)
            .map_err(|_| EngineError::InvalidCaCertificate(format!("{origin} '{path}' holds no PEM certificate")))?;
        if certs.is_empty() {
            return Err(EngineError::InvalidCaCertificate(format!("{origin} '{path}' holds no PEM certificate")));
        }
        roots.extend(certs);
    }
    Ok(roots)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn explicit_host_wins_and_must_be_https() {
        assert_eq!(authority_host(Some("https://login.example/"), Some(AzureEnvironment::AzureChinaCloud)).unwrap().as_str(), "https://login.example/");
        assert_eq!(authority_host(None, Some(AzureEnvironment::AzureUSGovernment)).unwrap().as_str(), "https://login.microsoftonline.us/");
        let e = authority_host(Some("http://login.example"), None).unwrap_err();
        assert_eq!(e.error_id(), "InvalidCredential");
        assert!(e.to_string().contains("https"), "{e}");
    }

    #[test]
    fn a_missing_or_empty_bundle_says_which_setting() {
        let e = extra_roots(Some("/nonexistent/ca.pem")).unwrap_err();
        assert_eq!(e.error_id(), "InvalidCaCertificate");
        assert!(e.to_string().contains("--ca-cert"), "{e}");
        let dir = tempfile::tempdir().unwrap();
        let empty = dir.path().join("empty.pem");
        std::fs::write(&empty, "not a certificate").unwrap();
        assert_eq!(extra_roots(empty.to_str()).unwrap_err().error_id(), "InvalidCaCertificate");
    }
}

//! Credentials: the values a job signs in with. A host hands them to the engine in the spec (the CLI
//! maps AzCopy's variables into it, the module passes what the user gave); the engine itself never
//! looks for one in the environment. Process-wide conventions that Azure's SDKs honour
//! (`AZURE_AUTHORITY_HOST`, `SSL_CERT_FILE`, a managed identity's `IDENTITY_ENDPOINT`) stay honoured.

pub mod azcopy_env;
pub mod certificate;
pub mod cloud;
pub mod sign_in;

use azure_core::credentials::TokenCredential;
use std::sync::Arc;
use zeroize::Zeroizing;

/// How a job signs in to one container.
#[derive(Clone)]
pub enum Credential {
    /// A SAS in the URL, or nothing (a public container).
    SasOrAnonymous,
    AccountKey(Zeroizing<String>),
    /// An Entra ID token source. One object serves the whole job, so its cached token is reused and
    /// refreshed before it expires instead of signing in again per request.
    Token(Arc<dyn TokenCredential>),
}

impl std::fmt::Debug for Credential {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::SasOrAnonymous => "SasOrAnonymous",
            Self::AccountKey(_) => "AccountKey(<redacted>)",
            Self::Token(_) => "Token",
        })
    }
}

/// Storage's OAuth scope: the token's audience Azure Storage (and Azurite) accepts.
pub const STORAGE_SCOPE: &str = "https://storage.azure.com/.default";

/// What one job signs in with, built once before its first request: the HTTP client every store and
/// token request shares (with the job's extra CA roots), and the token source, if any.
pub struct JobAuth {
    pub transport: azure_core::http::Transport,
    token: Option<Arc<dyn TokenCredential>>,
    account_key: Option<Zeroizing<String>>,
}

impl JobAuth {
    pub fn new(spec: &crate::spec::JobSpec, pool_size: usize) -> crate::error::Result<Self> {
        let roots = cloud::extra_roots(spec.ca_certificate_path.as_deref())?;
        let transport = crate::store::azure::http_transport::transport(pool_size, roots)?;
        let mut account_key = spec.account_key.clone().filter(|k| !k.trim().is_empty());
        let mut sign_in = spec.sign_in.clone();
        let mut authority_host = spec.authority_host.clone();
        // AzCopy's variables count only when the host gave nothing more specific.
        if account_key.is_none() && sign_in.is_none() {
            let from_env = azcopy_env::resolve(&spec.azcopy_environment)?;
            (sign_in, account_key) = (from_env.sign_in, from_env.account_key);
            authority_host = authority_host.or(from_env.authority_host);
        }
        let token = match &sign_in {
            Some(sign_in) => {
                let authority = cloud::authority_host(authority_host.as_deref(), spec.environment)?;
                Some(sign_in.token_credential(transport.clone(), &authority)?)
            }
            None => None,
        };
        Ok(Self { transport, token, account_key })
    }

    /// The credential for one container: a SAS in its URL wins (as in AzCopy), then a sign-in, then
    /// an account key. A bearer token is never sent over plain http.
    pub fn credential_for(&self, location: &crate::spec::container_url::ContainerUrl) -> crate::error::Result<Credential> {
        if location.sas().is_some() {
            return Ok(Credential::SasOrAnonymous);
        }
        if let Some(token) = &self.token {
            if location.container_url.scheme() != "https" {
                return Err(crate::error::EngineError::BearerTokenOverHttp { url: location.display() });
            }
            return Ok(Credential::Token(token.clone()));
        }
        Ok(self.account_key.clone().map_or(Credential::SasOrAnonymous, Credential::AccountKey))
    }
}

//! Entra ID sign-in as values: every way AzCopy signs in besides a key or a SAS, turned into one
//! `TokenCredential` from `azure_identity` for the whole job.

use crate::error::{EngineError, Result};
use azure_core::cloud::{CloudConfiguration, CustomConfiguration};
use crate::auth::certificate::{self, CertificateSource};
use azure_core::credentials::{Secret, SecretBytes, TokenCredential};
use azure_core::http::{ClientOptions, Transport};
use azure_identity::{
    AzureCliCredential, AzureCliCredentialOptions, ClientAssertionCredentialOptions, ClientCertificateCredential,
    ClientCertificateCredentialOptions, ClientSecretCredential, ClientSecretCredentialOptions,
    ManagedIdentityCredential, ManagedIdentityCredentialOptions, UserAssignedId, WorkloadIdentityCredential, WorkloadIdentityCredentialOptions,
};
use serde::Deserialize;
use std::sync::Arc;
use zeroize::Zeroizing;

/// An Entra ID identity, as a host hands it over in the spec's `signIn`. Secrets are zeroized when
/// dropped and never shown by `Debug`; the spec is never serialized back.
#[derive(Deserialize, Clone)]
#[serde(tag = "kind", rename_all = "camelCase", deny_unknown_fields)]
pub enum SignIn {
    /// An app registration with a client secret (AzCopy: `AZCOPY_AUTO_LOGIN_TYPE=SPN`).
    #[serde(rename_all = "camelCase")]
    ServicePrincipal { tenant_id: String, client_id: String, client_secret: Zeroizing<String> },
    /// An app registration with a certificate (AzCopy: `AZCOPY_SPA_CERT_PATH`, `AZCOPY_SPA_CERT_PASSWORD`):
    /// a `.pfx`/`.pem` file, or the bundle itself in base64 (a vault secret holding a PFX).
    #[serde(rename_all = "camelCase")]
    ServicePrincipalCertificate {
        tenant_id: String,
        client_id: String,
        #[serde(default)]
        certificate_path: Option<String>,
        #[serde(default)]
        certificate_base64: Option<Zeroizing<String>>,
        #[serde(default)]
        certificate_password: Option<Zeroizing<String>>,
    },
    /// The machine's or app's managed identity: system-assigned, or one user-assigned identity named
    /// by exactly one of client id, object id or resource id (`AZCOPY_AUTO_LOGIN_TYPE=MSI`).
    #[serde(rename_all = "camelCase")]
    ManagedIdentity {
        #[serde(default)]
        client_id: Option<String>,
        #[serde(default)]
        object_id: Option<String>,
        #[serde(default)]
        resource_id: Option<String>,
    },
    /// A federated token from a file (Kubernetes workload identity; `AZCOPY_AUTO_LOGIN_TYPE=WORKLOAD`).
    #[serde(rename_all = "camelCase")]
    WorkloadIdentity { tenant_id: String, client_id: String, token_file_path: String },
    /// The account the Azure CLI (`az`) is signed in with (`AZCOPY_AUTO_LOGIN_TYPE=AZCLI`).
    #[serde(rename_all = "camelCase")]
    AzureCli {
        #[serde(default)]
        tenant_id: Option<String>,
    },
}

impl std::fmt::Debug for SignIn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::ServicePrincipal { tenant_id, client_id, .. } => f
                .debug_struct("ServicePrincipal")
                .field("tenant_id", tenant_id)
                .field("client_id", client_id)
                .field("client_secret", &"<redacted>")
                .finish(),
            Self::ServicePrincipalCertificate { tenant_id, client_id, certificate_path, certificate_base64, certificate_password } => f
                .debug_struct("ServicePrincipalCertificate")
                .field("tenant_id", tenant_id)
                .field("client_id", client_id)
                .field("certificate_path", certificate_path)
                .field("certificate_base64", &certificate_base64.as_ref().map(|_| "<redacted>"))
                .field("certificate_password", &certificate_password.as_ref().map(|_| "<redacted>"))
                .finish(),
            Self::ManagedIdentity { client_id, object_id, resource_id } => f
                .debug_struct("ManagedIdentity")
                .field("client_id", client_id)
                .field("object_id", object_id)
                .field("resource_id", resource_id)
                .finish(),
            Self::WorkloadIdentity { tenant_id, client_id, token_file_path } => f
                .debug_struct("WorkloadIdentity")
                .field("tenant_id", tenant_id)
                .field("client_id", client_id)
                .field("token_file_path", token_file_path)
                .finish(),
            Self::AzureCli { tenant_id } => f.debug_struct("AzureCli").field("tenant_id", tenant_id).finish(),
        }
    }
}

fn given(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

fn required<'a>(what: &str, value: &'a str, hint: &str) -> Result<&'a str> {
    let value = value.trim();
    if value.is_empty() {
        return Err(EngineError::InvalidCredential(format!("{what} is missing; {hint}")));
    }
    Ok(value)
}

const TENANT_HINT: &str = "give the directory (tenant) id, e.g. -TenantId or AZCOPY_TENANT_ID";

impl SignIn {
    /// Checks what can be checked without a network round trip, with a sentence naming what to fix.
    pub fn validate(&self) -> Result<()> {
        match self {
            Self::ServicePrincipal { tenant_id, client_id, client_secret } => {
                required("the tenant id", tenant_id, TENANT_HINT)?;
                required("the application (client) id", client_id, "give the service principal's application id")?;
                required("the client secret", client_secret, "give the service principal's secret")?;
            }
            Self::ServicePrincipalCertificate { tenant_id, client_id, certificate_path, certificate_base64, .. } => {
                required("the tenant id", tenant_id, TENANT_HINT)?;
                required("the application (client) id", client_id, "give the service principal's application id")?;
                let given_path = given(certificate_path).is_some();
                let given_bytes = certificate_base64.as_ref().is_some_and(|b| !b.trim().is_empty());
                if given_path == given_bytes {
                    return Err(EngineError::InvalidCredential(
                        "give the certificate one way: a .pfx/.pem path (AZCOPY_SPA_CERT_PATH, -CertificatePath) or its bytes, not both and not neither".into(),
                    ));
                }
            }
            Self::ManagedIdentity { client_id, object_id, resource_id } => {
                let named = [client_id, object_id, resource_id].into_iter().filter(|v| given(v).is_some()).count();
                if named > 1 {
                    return Err(EngineError::InvalidCredential(
                        "a user-assigned managed identity is named by one of client id, object id or resource id, not several".into(),
                    ));
                }
            }
            Self::WorkloadIdentity { tenant_id, client_id, token_file_path } => {
                required("the tenant id", tenant_id, TENANT_HINT)?;
                required("the application (client) id", client_id, "give the federated identity's application id")?;
                required("the federated token file", token_file_path, "give its path (AZURE_FEDERATED_TOKEN_FILE)")?;
            }
            Self::AzureCli { .. } => {}
        }
        Ok(())
    }

    /// The token source for a whole job. `transport` is the job's HTTP client (so a custom CA bundle
    /// covers token requests too) and `authority_host` the cloud's sign-in endpoint.
    pub fn token_credential(&self, transport: Transport, authority_host: &url::Url) -> Result<Arc<dyn TokenCredential>> {
        self.validate()?;
        let mut custom = CustomConfiguration::default();
        custom.authority_host = authority_host.as_str().trim_end_matches('/').to_string();
        let client_options = ClientOptions {
            transport: Some(transport),
            cloud: Some(Arc::new(CloudConfiguration::Custom(custom))),
            retry: crate::store::azure::http_transport::retry_options(),
            ..Default::default()
        };
        let credential: Result<Arc<dyn TokenCredential>, azure_core::Error> = match self {
            Self::ServicePrincipal { tenant_id, client_id, client_secret } => ClientSecretCredential::new(
                tenant_id.trim(),
                client_id.trim().to_string(),
                Secret::new(client_secret.to_string()),
                Some(ClientSecretCredentialOptions { client_options }),
            )
            .map(|c| c as Arc<dyn TokenCredential>),
            Self::ServicePrincipalCertificate { tenant_id, client_id, certificate_path, certificate_base64, certificate_password } => {
                let source = match (given(certificate_path), certificate_base64) {
                    (Some(path), _) => CertificateSource::Path(path.to_string()),
                    (None, Some(encoded)) => CertificateSource::Inline(Zeroizing::new(
                        base64::Engine::decode(&base64::engine::general_purpose::STANDARD, encoded.trim())
                            .map_err(|_| EngineError::InvalidCredential("the certificate's bytes are not base64".into()))?,
                    )),
                    (None, None) => unreachable!("validate() demands one"),
                };
                let loaded = certificate::load(&source, certificate_password.as_deref().map(String::as_str))?;
                ClientCertificateCredential::new(
                    tenant_id.trim().to_string(),
                    client_id.trim().to_string(),
                    SecretBytes::new(loaded.pkcs12.to_vec()),
                    Some(ClientCertificateCredentialOptions { client_options, password: Some(Secret::new(loaded.password.to_string())) }),
                )
                .map(|c| c as Arc<dyn TokenCredential>)
            }
            Self::ManagedIdentity { client_id, object_id, resource_id } => {
                let user_assigned_id = given(client_id)
                    .map(|v| UserAssignedId::ClientId(v.into()))
                    .or_else(|| given(object_id).map(|v| UserAssignedId::ObjectId(v.into())))
                    .or_else(|| given(resource_id).map(|v| UserAssignedId::ResourceId(v.into())));
                ManagedIdentityCredential::new(Some(ManagedIdentityCredentialOptions { user_assigned_id, client_options }))
                    .map(|c| c as Arc<dyn TokenCredential>)
            }
            Self::WorkloadIdentity { tenant_id, client_id, token_file_path } => {
                WorkloadIdentityCredential::new(Some(WorkloadIdentityCredentialOptions {
                    credential_options: ClientAssertionCredentialOptions { client_options },
                    client_id: Some(client_id.trim().to_string()),
                    tenant_id: Some(tenant_id.trim().to_string()),
                    token_file_path: Some(token_file_path.into()),
                }))
                .map(|c| c as Arc<dyn TokenCredential>)
            }
            Self::AzureCli { tenant_id } => {
                let options = AzureCliCredentialOptions { tenant_id: given(tenant_id).map(str::to_string), ..Default::default() };
                AzureCliCredential::new(Some(options)).map(|c| c as Arc<dyn TokenCredential>)
            }
        };
        credential.map_err(|e| EngineError::InvalidCredential(first_line(&e.to_string())))
    }
}

/// A sign-in error's first sentence-bearing line, without the SDK's troubleshooting link.
pub fn first_line(text: &str) -> String {
    text.lines().map(str::trim).find(|l| !l.is_empty() && !l.starts_with("To troubleshoot")).unwrap_or("no details").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(json: &str) -> Result<SignIn, serde_json::Error> {
        serde_json::from_str(json)
    }

    #[test]
    fn each_kind_parses_from_the_spec_shape() {
        assert!(matches!(parse(r#"{"kind":"servicePrincipal","tenantId":"t","clientId":"c","clientSecret":"s"}"#).unwrap(), SignIn::ServicePrincipal { .. }));
        assert!(matches!(parse(r#"{"kind":"managedIdentity"}"#).unwrap(), SignIn::ManagedIdentity { client_id: None, .. }));
        assert!(matches!(parse(r#"{"kind":"managedIdentity","objectId":"o"}"#).unwrap(), SignIn::ManagedIdentity { object_id: Some(_), .. }));
        assert!(matches!(parse(r#"{"kind":"workloadIdentity","tenantId":"t","clientId":"c","tokenFilePath":"/f"}"#).unwrap(), SignIn::WorkloadIdentity { .. }));
        assert!(matches!(parse(r#"{"kind":"azureCli"}"#).unwrap(), SignIn::AzureCli { tenant_id: None }));
        assert!(matches!(
            parse(r#"{"kind":"servicePrincipalCertificate","tenantId":"t","clientId":"c","certificatePath":"/a.pfx","certificatePassword":"p"}"#).unwrap(),
            SignIn::ServicePrincipalCertificate { certificate_path: Some(_), certificate_base64: None, .. }
        ));
        assert!(parse(r#"{"kind":"servicePrincipal","tenantId":"t","clientId":"c","clientSecret":"s","colour":1}"#).is_err());
        assert!(parse(r#"{"kind":"deviceCode"}"#).is_err());
    }

    #[test]
    fn missing_parts_say_what_to_give() {
        let e = parse(r#"{"kind":"servicePrincipal","tenantId":" ","clientId":"c","clientSecret":"s"}"#).unwrap().validate().unwrap_err();
        assert_eq!(e.error_id(), "InvalidCredential");
        assert!(e.to_string().contains("tenant"), "{e}");
        let e = parse(r#"{"kind":"managedIdentity","clientId":"a","resourceId":"b"}"#).unwrap().validate().unwrap_err();
        assert!(e.to_string().contains("one of"), "{e}");
    }

    #[test]
    fn debug_never_shows_the_secret() {
        let s = parse(r#"{"kind":"servicePrincipal","tenantId":"t","clientId":"c","clientSecret":"HUSH-42"}"#).unwrap();
        assert!(!format!("{s:?}").contains("HUSH-42"));
        let c = parse(r#"{"kind":"servicePrincipalCertificate","tenantId":"t","clientId":"c","certificateBase64":"SFVTSC00Mg==","certificatePassword":"HUSH-43"}"#).unwrap();
        let shown = format!("{c:?}");
        assert!(!shown.contains("SFVTSC00Mg") && !shown.contains("HUSH-43"), "{shown}");
    }

    #[test]
    fn a_certificate_is_given_exactly_one_way() {
        let neither = parse(r#"{"kind":"servicePrincipalCertificate","tenantId":"t","clientId":"c"}"#).unwrap();
        assert_eq!(neither.validate().unwrap_err().error_id(), "InvalidCredential");
        let both = parse(r#"{"kind":"servicePrincipalCertificate","tenantId":"t","clientId":"c","certificatePath":"/a.pfx","certificateBase64":"AA=="}"#).unwrap();
        assert!(both.validate().unwrap_err().to_string().contains("one way"));
    }

    #[test]
    fn first_line_drops_the_troubleshooting_link() {
        assert_eq!(first_line("ClientSecretCredential authentication failed. AADSTS7000215: Invalid client secret.\nTo troubleshoot, visit x"), "ClientSecretCredential authentication failed. AADSTS7000215: Invalid client secret.");
    }
}

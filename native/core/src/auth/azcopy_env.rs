//! AzCopy's sign-in variables (`AZCOPY_AUTO_LOGIN_TYPE` and its companions, the account-key
//! variables), so an existing script moves over by changing the program name. A host reads them from
//! its own environment and hands them over in the spec's `azcopyEnvironment`; the mapping lives here
//! once, so the CLI and the module accept and refuse the same settings with the same ids.

use crate::auth::sign_in::SignIn;
use crate::error::{EngineError, Result};
use std::collections::BTreeMap;
use zeroize::Zeroizing;

/// Every variable a host should hand over (the ones that are set).
pub const VARIABLES: [&str; 15] = [
    "AZCOPY_AUTO_LOGIN_TYPE",
    "AZCOPY_SPA_APPLICATION_ID",
    "AZCOPY_SPA_CLIENT_SECRET",
    "AZCOPY_SPA_CERT_PATH",
    "AZCOPY_SPA_CERT_PASSWORD",
    "AZCOPY_TENANT_ID",
    "AZCOPY_MSI_CLIENT_ID",
    "AZCOPY_MSI_OBJECT_ID",
    "AZCOPY_MSI_RESOURCE_STRING",
    "AZCOPY_ACTIVE_DIRECTORY_ENDPOINT",
    "AZCOPY_ACCOUNT_KEY",
    "AZURE_STORAGE_KEY",
    "AZURE_FEDERATED_TOKEN_FILE",
    "AZURE_CLIENT_ID",
    "AZURE_TENANT_ID",
];

pub type Variables = BTreeMap<String, Zeroizing<String>>;

/// What the variables ask for.
#[derive(Debug, Default)]
pub struct FromEnvironment {
    pub sign_in: Option<SignIn>,
    pub account_key: Option<Zeroizing<String>>,
    pub authority_host: Option<String>,
}

fn get<'a>(vars: &'a Variables, name: &str) -> Option<&'a str> {
    vars.get(name).map(|v| v.trim()).filter(|v| !v.is_empty())
}

fn need(vars: &Variables, name: &str, login_type: &str) -> Result<String> {
    get(vars, name)
        .map(str::to_string)
        .ok_or_else(|| EngineError::InvalidCredential(format!("AZCOPY_AUTO_LOGIN_TYPE={login_type} needs {name}; set it too")))
}

/// Reads AzCopy's variables: `AZCOPY_AUTO_LOGIN_TYPE` (SPN, MSI, AZCLI, WORKLOAD) first, then an
/// account key (`AZCOPY_ACCOUNT_KEY`, `AZURE_STORAGE_KEY`).
pub fn resolve(vars: &Variables) -> Result<FromEnvironment> {
    let authority_host = get(vars, "AZCOPY_ACTIVE_DIRECTORY_ENDPOINT").map(str::to_string);
    let tenant = || get(vars, "AZCOPY_TENANT_ID").map(str::to_string);
    let sign_in = match get(vars, "AZCOPY_AUTO_LOGIN_TYPE").map(str::to_ascii_uppercase).as_deref() {
        None => None,
        Some("SPN") => {
            let tenant_id = tenant().ok_or_else(|| EngineError::InvalidCredential("AZCOPY_AUTO_LOGIN_TYPE=SPN needs AZCOPY_TENANT_ID; set it too".into()))?;
            let client_id = need(vars, "AZCOPY_SPA_APPLICATION_ID", "SPN")?;
            // AzCopy: a certificate path means certificate sign-in, else the client secret.
            match get(vars, "AZCOPY_SPA_CERT_PATH") {
                Some(path) => Some(SignIn::ServicePrincipalCertificate {
                    tenant_id,
                    client_id,
                    certificate_path: Some(path.to_string()),
                    certificate_base64: None,
                    certificate_password: vars.get("AZCOPY_SPA_CERT_PASSWORD").map(|p| Zeroizing::new(p.to_string())),
                }),
                None => Some(SignIn::ServicePrincipal {
                    tenant_id,
                    client_id,
                    client_secret: Zeroizing::new(need(vars, "AZCOPY_SPA_CLIENT_SECRET", "SPN")?),
                }),
            }
        }
        Some("MSI") => Some(SignIn::ManagedIdentity {
            client_id: get(vars, "AZCOPY_MSI_CLIENT_ID").map(str::to_string),
            object_id: get(vars, "AZCOPY_MSI_OBJECT_ID").map(str::to_string),
            resource_id: get(vars, "AZCOPY_MSI_RESOURCE_STRING").map(str::to_string),
        }),
        Some("AZCLI") => Some(SignIn::AzureCli { tenant_id: tenant() }),
        Some("WORKLOAD") => Some(SignIn::WorkloadIdentity {
            tenant_id: tenant().or_else(|| get(vars, "AZURE_TENANT_ID").map(str::to_string)).ok_or_else(|| {
                EngineError::InvalidCredential("AZCOPY_AUTO_LOGIN_TYPE=WORKLOAD needs AZURE_TENANT_ID (or AZCOPY_TENANT_ID); set it too".into())
            })?,
            client_id: need(vars, "AZURE_CLIENT_ID", "WORKLOAD")?,
            token_file_path: need(vars, "AZURE_FEDERATED_TOKEN_FILE", "WORKLOAD")?,
        }),
        Some(other) => {
            return Err(EngineError::InvalidCredential(format!(
                "AZCOPY_AUTO_LOGIN_TYPE='{other}' is not one of SPN, MSI, AZCLI, WORKLOAD (device-code and PowerShell sign-in need a person; use one of those for scheduled runs)"
            )));
        }
    };
    if let Some(s) = &sign_in {
        s.validate()?;
    }
    let account_key = if sign_in.is_none() {
        ["AZCOPY_ACCOUNT_KEY", "AZURE_STORAGE_KEY"].into_iter().find_map(|n| get(vars, n)).map(|k| Zeroizing::new(k.to_string()))
    } else {
        None
    };
    Ok(FromEnvironment { sign_in, account_key, authority_host })
}

/// Collects the variables that are set, through `lookup` (the host's own environment).
pub fn collect(lookup: impl Fn(&str) -> Option<String>) -> Variables {
    VARIABLES.iter().filter_map(|n| lookup(n).map(|v| (n.to_string(), Zeroizing::new(v)))).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(pairs: &[(&str, &str)]) -> Variables {
        pairs.iter().map(|(k, v)| (k.to_string(), Zeroizing::new(v.to_string()))).collect()
    }

    #[test]
    fn the_recipes_spn_variables_become_a_service_principal() {
        let got = resolve(&vars(&[
            ("AZCOPY_AUTO_LOGIN_TYPE", "SPN"),
            ("AZCOPY_SPA_APPLICATION_ID", "app"),
            ("AZCOPY_SPA_CLIENT_SECRET", "shh"),
            ("AZCOPY_TENANT_ID", "tenant"),
            ("AZCOPY_ACCOUNT_KEY", "ignored-when-signing-in"),
        ]))
        .unwrap();
        match got.sign_in {
            Some(SignIn::ServicePrincipal { tenant_id, client_id, client_secret }) => {
                assert_eq!((tenant_id.as_str(), client_id.as_str(), client_secret.as_str()), ("tenant", "app", "shh"));
            }
            other => panic!("{other:?}"),
        }
        assert!(got.account_key.is_none());
    }

    #[test]
    fn each_login_type_and_its_companions() {
        let msi = resolve(&vars(&[("AZCOPY_AUTO_LOGIN_TYPE", "msi"), ("AZCOPY_MSI_RESOURCE_STRING", "/subscriptions/x")])).unwrap();
        assert!(matches!(msi.sign_in, Some(SignIn::ManagedIdentity { resource_id: Some(_), .. })));
        let cli = resolve(&vars(&[("AZCOPY_AUTO_LOGIN_TYPE", "AZCLI"), ("AZCOPY_TENANT_ID", "t")])).unwrap();
        assert!(matches!(cli.sign_in, Some(SignIn::AzureCli { tenant_id: Some(_) })));
        let wl = resolve(&vars(&[
            ("AZCOPY_AUTO_LOGIN_TYPE", "WORKLOAD"),
            ("AZURE_TENANT_ID", "t"),
            ("AZURE_CLIENT_ID", "c"),
            ("AZURE_FEDERATED_TOKEN_FILE", "/var/run/token"),
        ]))
        .unwrap();
        assert!(matches!(wl.sign_in, Some(SignIn::WorkloadIdentity { .. })));
        let key = resolve(&vars(&[("AZURE_STORAGE_KEY", "k2"), ("AZCOPY_ACTIVE_DIRECTORY_ENDPOINT", "https://login.example")])).unwrap();
        assert_eq!(key.account_key.as_deref().map(String::as_str), Some("k2"));
        assert_eq!(key.authority_host.as_deref(), Some("https://login.example"));
    }

    #[test]
    fn incomplete_or_unknown_settings_name_the_variable() {
        let e = resolve(&vars(&[("AZCOPY_AUTO_LOGIN_TYPE", "SPN"), ("AZCOPY_SPA_APPLICATION_ID", "a"), ("AZCOPY_SPA_CLIENT_SECRET", "s")])).unwrap_err();
        assert_eq!(e.error_id(), "InvalidCredential");
        assert!(e.to_string().contains("AZCOPY_TENANT_ID"), "{e}");
        let e = resolve(&vars(&[("AZCOPY_AUTO_LOGIN_TYPE", "DEVICE")])).unwrap_err();
        assert!(e.to_string().contains("SPN, MSI, AZCLI, WORKLOAD"), "{e}");
        let e = resolve(&vars(&[("AZCOPY_AUTO_LOGIN_TYPE", "SPN"), ("AZCOPY_SPA_CERT_PATH", "/c.pfx")])).unwrap_err();
        assert!(e.to_string().contains("AZCOPY_TENANT_ID"), "{e}");
    }

    #[test]
    fn a_certificate_path_means_certificate_sign_in_with_its_password() {
        let spn = resolve(&vars(&[
            ("AZCOPY_AUTO_LOGIN_TYPE", "SPN"),
            ("AZCOPY_TENANT_ID", "t"),
            ("AZCOPY_SPA_APPLICATION_ID", "a"),
            ("AZCOPY_SPA_CERT_PATH", "/etc/app.pfx"),
            ("AZCOPY_SPA_CERT_PASSWORD", "pw"),
        ]))
        .unwrap();
        match spn.sign_in {
            Some(SignIn::ServicePrincipalCertificate { certificate_path, certificate_password, .. }) => {
                assert_eq!(certificate_path.as_deref(), Some("/etc/app.pfx"));
                assert_eq!(certificate_password.as_deref().map(String::as_str), Some("pw"));
            }
            other => panic!("expected a certificate sign-in, got {other:?}"),
        }
    }
}

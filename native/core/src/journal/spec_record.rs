//! What the journal keeps of a spec: everything needed to run it again except secrets. Keys,
//! client secrets, tokens and SAS queries are left out; in their place a sign-in *reference* says
//! how the job signed in, so a resume knows what must be given again.

use crate::auth::sign_in::SignIn;
use crate::spec::JobSpec;
use serde_json::{Value, json};

/// AzCopy variables whose values are secrets: only their names are kept.
const SECRET_VARIABLES: [&str; 4] = ["AZCOPY_SPA_CLIENT_SECRET", "AZCOPY_SPA_CERT_PASSWORD", "AZCOPY_ACCOUNT_KEY", "AZURE_STORAGE_KEY"];

/// The spec as recorded, and the sign-in reference.
pub fn record(spec: &JobSpec) -> (Value, Value) {
    let mut recorded = serde_json::to_value(spec).unwrap_or_else(|_| json!({}));
    let mut must_give_again: Vec<&str> = Vec::new();
    let mut sas = |field: &str, name: &'static str| {
        if let Some(Value::String(end)) = recorded.get_mut(field) {
            let (without, had) = strip_query(end);
            *end = without;
            if had {
                must_give_again.push(name);
            }
        }
    };
    sas("source", "sourceSas");
    sas("destination", "destinationSas");
    if let Some(obj) = recorded.as_object_mut() {
        // Never a resume of a resume: the journal records the job itself.
        obj.remove("resumeJobId");
    }
    let account_key = spec.account_key.as_ref().is_some_and(|k| !k.trim().is_empty());
    if account_key {
        must_give_again.push("accountKey");
    }
    let sign_in = spec.sign_in.as_ref().map(|s| match s {
        SignIn::ServicePrincipal { tenant_id, client_id, .. } => {
            must_give_again.push("signIn.clientSecret");
            json!({ "kind": "servicePrincipal", "tenantId": tenant_id, "clientId": client_id })
        }
        // A certificate file is referred to by its path; its bytes (from a vault) and password are secrets.
        SignIn::ServicePrincipalCertificate { tenant_id, client_id, certificate_path, certificate_base64, certificate_password } => {
            if certificate_base64.is_some() {
                must_give_again.push("signIn.certificate");
            }
            if certificate_password.is_some() {
                must_give_again.push("signIn.certificatePassword");
            }
            json!({ "kind": "servicePrincipalCertificate", "tenantId": tenant_id, "clientId": client_id, "certificatePath": certificate_path })
        }
        // These hold no secret: kept whole, a resume signs in the same way by itself.
        SignIn::ManagedIdentity { client_id, object_id, resource_id } => {
            json!({ "kind": "managedIdentity", "clientId": client_id, "objectId": object_id, "resourceId": resource_id })
        }
        SignIn::WorkloadIdentity { tenant_id, client_id, token_file_path } => {
            json!({ "kind": "workloadIdentity", "tenantId": tenant_id, "clientId": client_id, "tokenFilePath": token_file_path })
        }
        SignIn::AzureCli { tenant_id } => json!({ "kind": "azureCli", "tenantId": tenant_id }),
    });
    let variables: Vec<&String> = spec.azcopy_environment.keys().collect();
    for name in &variables {
        if SECRET_VARIABLES.contains(&name.as_str()) {
            must_give_again.push(name.as_str());
        }
    }
    let login_type = spec.azcopy_environment.get("AZCOPY_AUTO_LOGIN_TYPE").map(|v| v.trim().to_ascii_uppercase());
    let reference = json!({
        "accountKey": account_key,
        "signIn": sign_in,
        "azcopyLoginType": login_type,
        "azcopyVariables": variables,
        "mustGiveAgain": must_give_again,
    });
    (recorded, reference)
}

/// An end without its query (the SAS), and whether it had one. A local path is kept as it is.
fn strip_query(end: &str) -> (String, bool) {
    if !(end.starts_with("http://") || end.starts_with("https://")) {
        return (end.to_string(), false);
    }
    match end.split_once('?') {
        Some((base, query)) => (base.to_string(), !query.is_empty()),
        None => (end.to_string(), false),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_secret_is_recorded_and_the_reference_says_what_to_give_again() {
        let mut spec = JobSpec::from_json(
            br#"{"source":"/","destination":"https://x.blob.core.windows.net/cont/pre?sv=1&sig=SECRETSIG","accountKey":"SECRETKEY","checkMd5":"LogOnly","tags":{"a":"b"}}"#,
        )
        .unwrap();
        spec.azcopy_environment.insert("AZCOPY_SPA_CLIENT_SECRET".into(), "SPNSECRET".to_string().into());
        spec.azcopy_environment.insert("AZCOPY_AUTO_LOGIN_TYPE".into(), "spn".to_string().into());
        let (recorded, reference) = record(&spec);
        let text = format!("{recorded}{reference}");
        for secret in ["SECRETSIG", "SECRETKEY", "SPNSECRET", "sig="] {
            assert!(!text.contains(secret), "{secret} in {text}");
        }
        assert_eq!(recorded["destination"], "https://x.blob.core.windows.net/cont/pre");
        assert_eq!(recorded["checkMd5"], "LogOnly");
        assert_eq!(reference["azcopyLoginType"], "SPN");
        let again: Vec<&str> = reference["mustGiveAgain"].as_array().unwrap().iter().filter_map(Value::as_str).collect();
        assert_eq!(again, ["destinationSas", "accountKey", "AZCOPY_SPA_CLIENT_SECRET"]);
    }

    #[test]
    fn the_recorded_spec_reads_back_as_a_spec() {
        let spec = JobSpec::from_json(
            br#"{"source":"/","destination":"https://x.blob.core.windows.net/cont","compareHash":"MD5","overwrite":"ifSourceNewer","accessTier":"Cool","environment":"AzureChinaCloud","logLevel":"DEBUG","direction":"upload"}"#,
        )
        .unwrap();
        let (recorded, _) = record(&spec);
        let back = JobSpec::from_json(recorded.to_string().as_bytes()).unwrap();
        let mut back = serde_json::to_value(&back).unwrap();
        back.as_object_mut().unwrap().remove("resumeJobId");
        assert_eq!(back, recorded);
    }

    #[test]
    fn a_certificate_keeps_its_path_and_never_its_bytes_or_password() {
        let spec = JobSpec::from_json(
            br#"{"source":"/","destination":"https://x.blob.core.windows.net/cont","signIn":{"kind":"servicePrincipalCertificate","tenantId":"t","clientId":"c","certificateBase64":"UEZYQllURVM=","certificatePassword":"PFXPASSWORD"}}"#,
        )
        .unwrap();
        let (recorded, reference) = record(&spec);
        let text = format!("{recorded}{reference}");
        assert!(!text.contains("UEZYQllURVM") && !text.contains("PFXPASSWORD"), "{text}");
        let again: Vec<&str> = reference["mustGiveAgain"].as_array().unwrap().iter().filter_map(Value::as_str).collect();
        assert_eq!(again, ["signIn.certificate", "signIn.certificatePassword"]);
        let by_path = JobSpec::from_json(
            br#"{"source":"/","destination":"https://x.blob.core.windows.net/cont","signIn":{"kind":"servicePrincipalCertificate","tenantId":"t","clientId":"c","certificatePath":"/etc/app.pem"}}"#,
        )
        .unwrap();
        let (_, reference) = record(&by_path);
        assert_eq!(reference["signIn"]["certificatePath"], "/etc/app.pem");
        assert!(reference["mustGiveAgain"].as_array().unwrap().is_empty());
    }

    #[test]
    fn a_managed_identity_is_kept_whole() {
        let spec = JobSpec::from_json(br#"{"source":"/","destination":"https://x.blob.core.windows.net/cont","signIn":{"kind":"managedIdentity","clientId":"c"}}"#).unwrap();
        let (_, reference) = record(&spec);
        assert_eq!(reference["signIn"]["kind"], "managedIdentity");
        assert!(reference["mustGiveAgain"].as_array().unwrap().is_empty());
    }
}

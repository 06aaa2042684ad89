//! Sign-in as AzCopy's users do it, end to end: the CLI with AzCopy's variables against Azurite over
//! HTTPS with bearer tokens (`--oauth basic`), tokens from the tests' own stand-in Entra ID /
//! managed-identity endpoint / `az`, every blob read back by Azure's Python SDK with the account key.

mod common;

use azblobsync_testkit::{Azurite, ClientCertificate, FakeIdentity, Registrations, TestCa, storage_token};
use common::*;
use serde_json::Value;
use std::path::Path;
use std::process::{Command, Output};
use std::sync::atomic::Ordering;

const TENANT: &str = "8f0b3c4e-1111-4a2b-9c3d-0123456789ab";
const APP: &str = "4d6c2a10-2222-4b3c-8d4e-abcdefabcdef";
const SECRET: &str = "Spn~Secret.0123456789-never-printed";
const FEDERATED: &str = "federated-token-never-printed";
const IDENTITY_HEADER: &str = "identity-header-never-printed";
const CERT_PASSWORD: &str = "Cert-Password-never-printed";

/// The app's certificate, registered with the stand-in Entra ID (one RSA key per test binary).
fn world_certificate() -> &'static ClientCertificate {
    static CERT: std::sync::OnceLock<ClientCertificate> = std::sync::OnceLock::new();
    CERT.get_or_init(|| ClientCertificate::generate("azblobsync-test-app", CERT_PASSWORD))
}

struct World {
    ca: TestCa,
    azurite: Azurite,
    identity: FakeIdentity,
}

fn world() -> World {
    let ca = TestCa::new();
    let azurite = Azurite::start_https_oauth(&ca);
    let registrations = Registrations {
        tenant_id: TENANT.into(),
        client_id: APP.into(),
        client_secret: SECRET.into(),
        federated_token: FEDERATED.into(),
        identity_header: IDENTITY_HEADER.into(),
        certificate_pem: world_certificate().certificate_pem.clone(),
    };
    let identity = FakeIdentity::start(registrations, &ca.cert_pem, &ca.key_pem);
    azurite.oracle().create_container("backups");
    World { ca, azurite, identity }
}

/// The CLI with a clean sign-in environment plus `env`; the test CA trusted through SSL_CERT_FILE
/// unless `env` says otherwise.
fn run(world: &World, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_azblobsync"));
    for name in azblobsync_core::auth::azcopy_env::VARIABLES.iter().chain(&["AZURE_AUTHORITY_HOST", "SSL_CERT_FILE", "IDENTITY_ENDPOINT", "IDENTITY_HEADER", "MSI_ENDPOINT"]) {
        cmd.env_remove(name);
    }
    cmd.env("SSL_CERT_FILE", &world.ca.ca_pem).env("AZCOPY_ACTIVE_DIRECTORY_ENDPOINT", world.identity.authority_host());
    cmd.args(args).envs(env.iter().copied());
    cmd.output().expect("azblobsync runs")
}

fn recipe_env<'a>(secret: &'a str) -> Vec<(&'static str, &'a str)> {
    vec![("AZCOPY_AUTO_LOGIN_TYPE", "SPN"), ("AZCOPY_SPA_APPLICATION_ID", APP), ("AZCOPY_SPA_CLIENT_SECRET", secret), ("AZCOPY_TENANT_ID", TENANT)]
}

fn sample(root: &Path) -> Vec<(String, Vec<u8>)> {
    let files = vec![
        ("daily/report.csv".to_string(), b"id,amount\n1,42\n".to_vec()),
        ("daily/sub/notes.txt".to_string(), b"signed in with a service principal".to_vec()),
        ("big.bin".to_string(), (0..2_500_000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 11) as u8).collect()),
    ];
    for (name, content) in &files {
        write(root, name, content);
    }
    files
}

fn assert_no_secret(out: &Output) {
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    for secret in [SECRET, FEDERATED, IDENTITY_HEADER] {
        assert!(!text.contains(secret), "a secret leaked into the output: {text}");
    }
}

fn assert_uploaded(world: &World, files: &[(String, Vec<u8>)], prefix: &str) {
    let inventory = world.azurite.oracle().inventory("backups");
    for (name, content) in files {
        let blob = inventory.iter().find(|b| b.name == format!("{prefix}/{name}")).unwrap_or_else(|| panic!("{prefix}/{name} missing: {inventory:?}"));
        assert_eq!(blob.md5_of_content, md5_hex(content), "{name}: the bytes read back differ");
    }
}

fn summary(out: &Output) -> Value {
    json_events(out).1
}

#[test]
fn the_recipes_exact_command_line_with_its_spn_variables_uploads_every_byte() {
    let world = world();
    let src = tempfile::tempdir().unwrap();
    let files = sample(src.path());
    let url = format!("{}/nightly", world.azurite.container_url("backups"));
    let out = run(&world, &["sync", src.path().to_str().unwrap(), &url, "--compare-hash=MD5", "--put-md5", "--recursive"], &recipe_env(SECRET));
    assert!(out.status.success(), "stdout: {}\nstderr: {}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert_uploaded(&world, &files, "nightly");
    // One credential serves the whole job: one sign-in, however many requests.
    assert_eq!(world.identity.counters.tokens_issued.load(Ordering::Relaxed), 1);
    assert_no_secret(&out);

    // A rerun compares by MD5 and transfers nothing.
    let out = run(&world, &["sync", src.path().to_str().unwrap(), &url, "--compare-hash=MD5", "--output-type=json"], &recipe_env(SECRET));
    assert!(out.status.success());
    assert_eq!(summary(&out)["filesTransferred"], 0);
}

#[test]
fn a_wrong_secret_fails_with_the_sign_in_id_and_the_services_reason() {
    let world = world();
    let src = tempfile::tempdir().unwrap();
    sample(src.path());
    let url = world.azurite.container_url("backups");
    let wrong = "Wrong~Secret-never-printed";
    let out = run(&world, &["sync", src.path().to_str().unwrap(), &url, "--output-type", "json"], &recipe_env(wrong));
    assert_eq!(out.status.code(), Some(2));
    let s = summary(&out);
    assert_eq!(s["errorId"], "SignInFailed", "{s}");
    assert!(s["error"].as_str().unwrap().contains("AADSTS7000215"), "{s}");
    assert!(world.identity.counters.refused.load(Ordering::Relaxed) >= 1, "the token endpoint saw and refused the secret");
    assert!(world.azurite.oracle().names("backups").is_empty());
    assert_no_secret(&out);
    assert!(!String::from_utf8_lossy(&out.stdout).contains(wrong));

    // An unknown tenant is refused by the service too, with its own reason.
    let mut env = recipe_env(SECRET);
    env.retain(|(k, _)| *k != "AZCOPY_TENANT_ID");
    env.push(("AZCOPY_TENANT_ID", "00000000-0000-0000-0000-000000000000"));
    let out = run(&world, &["sync", src.path().to_str().unwrap(), &url, "--output-type", "json"], &env);
    let s = summary(&out);
    assert_eq!(s["errorId"], "SignInFailed", "{s}");
    assert!(s["error"].as_str().unwrap().contains("AADSTS90002"), "{s}");
}

#[test]
fn a_certificate_as_pfx_or_pem_with_its_password_signs_in_and_a_foreign_one_is_refused() {
    let world = world();
    let src = tempfile::tempdir().unwrap();
    let files = sample(src.path());
    let certs = tempfile::tempdir().unwrap();
    let cert = world_certificate();
    let (pfx, pem) = (certs.path().join("app.pfx"), certs.path().join("app.pem"));
    std::fs::write(&pfx, &cert.pfx).unwrap();
    std::fs::write(&pem, &cert.pem_with_encrypted_key).unwrap();
    let env = |path: &Path, password: &'static str| {
        vec![
            ("AZCOPY_AUTO_LOGIN_TYPE", "SPN".to_string()),
            ("AZCOPY_SPA_APPLICATION_ID", APP.to_string()),
            ("AZCOPY_TENANT_ID", TENANT.to_string()),
            ("AZCOPY_SPA_CERT_PATH", path.to_str().unwrap().to_string()),
            ("AZCOPY_SPA_CERT_PASSWORD", password.to_string()),
        ]
    };
    let sync = |prefix: &str, env: Vec<(&'static str, String)>| {
        let url = format!("{}/{prefix}", world.azurite.container_url("backups"));
        let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let out = run(&world, &["sync", src.path().to_str().unwrap(), &url, "--output-type", "json"], &env);
        let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        assert!(!text.contains(CERT_PASSWORD), "the certificate's password leaked: {text}");
        out
    };

    for (prefix, path) in [("pfx", &pfx), ("pem", &pem)] {
        let out = sync(prefix, env(path, CERT_PASSWORD));
        assert!(out.status.success(), "{prefix}: {}", String::from_utf8_lossy(&out.stdout));
        assert_uploaded(&world, &files, prefix);
    }
    assert_eq!(world.identity.counters.tokens_issued.load(Ordering::Relaxed), 2, "one sign-in per job, each verified by signature");

    // A wrong password is ours to refuse, before any request.
    let out = sync("wrong-password", env(&pfx, "not-the-password"));
    assert_eq!(out.status.code(), Some(2));
    let s = summary(&out);
    assert_eq!(s["errorId"], "InvalidCredential", "{s}");
    assert!(s["error"].as_str().unwrap().contains("password"), "{s}");
    assert_eq!(world.identity.counters.refused.load(Ordering::Relaxed), 0);

    // A certificate the app does not have is refused by Entra (its signature does not verify).
    let foreign = ClientCertificate::generate("someone-else", CERT_PASSWORD);
    let foreign_pfx = certs.path().join("foreign.pfx");
    std::fs::write(&foreign_pfx, &foreign.pfx).unwrap();
    let out = sync("foreign", env(&foreign_pfx, CERT_PASSWORD));
    let s = summary(&out);
    assert_eq!(s["errorId"], "SignInFailed", "{s}");
    assert!(s["error"].as_str().unwrap().contains("AADSTS700027"), "{s}");
    assert!(world.identity.counters.refused.load(Ordering::Relaxed) >= 1);
    assert!(world.azurite.oracle().names("backups").iter().all(|n| !n.starts_with("foreign/") && !n.starts_with("wrong-password/")));
}

#[test]
fn incomplete_variables_are_refused_before_any_request() {
    let world = world();
    let src = tempfile::tempdir().unwrap();
    let url = world.azurite.container_url("backups");
    let mut env = recipe_env(SECRET);
    env.retain(|(k, _)| *k != "AZCOPY_TENANT_ID");
    let out = run(&world, &["sync", src.path().to_str().unwrap(), &url, "--output-type", "json"], &env);
    assert_eq!(out.status.code(), Some(2));
    let s = summary(&out);
    assert_eq!(s["errorId"], "InvalidCredential", "{s}");
    assert!(s["error"].as_str().unwrap().contains("AZCOPY_TENANT_ID"), "{s}");
    assert_eq!(world.identity.counters.tokens_issued.load(Ordering::Relaxed) + world.identity.counters.refused.load(Ordering::Relaxed), 0);
}

#[test]
fn a_bearer_token_is_never_sent_over_plain_http() {
    let world = world();
    let plain = Azurite::start();
    let src = tempfile::tempdir().unwrap();
    sample(src.path());
    let out = run(&world, &["sync", src.path().to_str().unwrap(), &plain.container_url("backups"), "--output-type", "json"], &recipe_env(SECRET));
    assert_eq!(out.status.code(), Some(2));
    let s = summary(&out);
    assert_eq!(s["errorId"], "BearerTokenOverHttp", "{s}");
    assert!(s["error"].as_str().unwrap().contains("https"), "{s}");
    assert_eq!(world.identity.counters.tokens_issued.load(Ordering::Relaxed), 0, "no token was even asked for");
}

#[test]
fn managed_identity_system_and_user_assigned_through_the_identity_endpoint() {
    let world = world();
    let src = tempfile::tempdir().unwrap();
    let files = sample(src.path());
    let endpoint = world.identity.identity_endpoint();
    let base = [("AZCOPY_AUTO_LOGIN_TYPE", "MSI"), ("IDENTITY_ENDPOINT", endpoint.as_str()), ("IDENTITY_HEADER", IDENTITY_HEADER)];
    let url = format!("{}/msi", world.azurite.container_url("backups"));
    let out = run(&world, &["sync", src.path().to_str().unwrap(), &url], &base);
    assert!(out.status.success(), "stderr: {}", String::from_utf8_lossy(&out.stderr));
    assert_uploaded(&world, &files, "msi");

    let mut user = base.to_vec();
    user.push(("AZCOPY_MSI_CLIENT_ID", APP));
    let url = format!("{}/msi-user", world.azurite.container_url("backups"));
    let out = run(&world, &["sync", src.path().to_str().unwrap(), &url], &user);
    assert!(out.status.success(), "stderr: {}", String::from_utf8_lossy(&out.stderr));
    assert_uploaded(&world, &files, "msi-user");

    // An identity the endpoint does not know is a sign-in failure, not a storage error.
    let mut unknown = base.to_vec();
    unknown.push(("AZCOPY_MSI_CLIENT_ID", "not-assigned-to-this-machine"));
    let out = run(&world, &["sync", src.path().to_str().unwrap(), &url, "--output-type", "json"], &unknown);
    assert_eq!(summary(&out)["errorId"], "SignInFailed");
    assert_no_secret(&out);
}

#[test]
fn workload_identity_through_a_federated_token_file() {
    let world = world();
    let src = tempfile::tempdir().unwrap();
    let files = sample(src.path());
    let token_file = src.path().join("..").join(format!("federated-{}.jwt", std::process::id()));
    std::fs::write(&token_file, FEDERATED).unwrap();
    let token_path = token_file.to_str().unwrap();
    let env = [("AZCOPY_AUTO_LOGIN_TYPE", "WORKLOAD"), ("AZURE_TENANT_ID", TENANT), ("AZURE_CLIENT_ID", APP), ("AZURE_FEDERATED_TOKEN_FILE", token_path)];
    let url = format!("{}/workload", world.azurite.container_url("backups"));
    let out = run(&world, &["sync", src.path().to_str().unwrap(), &url], &env);
    std::fs::remove_file(&token_file).ok();
    assert!(out.status.success(), "stderr: {}", String::from_utf8_lossy(&out.stderr));
    assert_uploaded(&world, &files, "workload");
    assert_no_secret(&out);
}

#[test]
fn the_azure_clis_signed_in_account_through_az_on_the_path() {
    let world = world();
    let src = tempfile::tempdir().unwrap();
    let files = sample(src.path());
    let bin = tempfile::tempdir().unwrap();
    let (token, expires) = storage_token(TENANT, "az-cli-user");
    let script = format!(
        "#!/bin/sh\n# A stand-in for the Azure CLI: answers only what AzureCliCredential asks.\ncase \"$*\" in\n  *'account get-access-token'*'--scope https://storage.azure.com/.default'*) printf '%s' '{{\"accessToken\":\"{token}\",\"expires_on\":{expires},\"tokenType\":\"Bearer\"}}' ;;\n  *) echo \"unexpected: $*\" >&2; exit 1 ;;\nesac\n"
    );
    let az = bin.path().join("az");
    std::fs::write(&az, script).unwrap();
    std::fs::set_permissions(&az, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let path = format!("{}:{}", bin.path().display(), std::env::var("PATH").unwrap_or_default());
    let url = format!("{}/azcli", world.azurite.container_url("backups"));
    let out = run(&world, &["sync", src.path().to_str().unwrap(), &url], &[("AZCOPY_AUTO_LOGIN_TYPE", "AZCLI"), ("PATH", &path)]);
    assert!(out.status.success(), "stderr: {}", String::from_utf8_lossy(&out.stderr));
    assert_uploaded(&world, &files, "azcli");
}

#[test]
fn the_ca_bundle_flag_is_what_lets_https_through() {
    let world = world();
    let src = tempfile::tempdir().unwrap();
    let files = sample(src.path());
    let url = format!("{}/ca-flag", world.azurite.container_url("backups"));
    // Without SSL_CERT_FILE the test CA is unknown, so only --ca-cert can make this work.
    let without = |args: &[&str]| {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_azblobsync"));
        for name in azblobsync_core::auth::azcopy_env::VARIABLES.iter().chain(&["SSL_CERT_FILE", "AZURE_AUTHORITY_HOST"]) {
            cmd.env_remove(name);
        }
        cmd.env("AZCOPY_ACTIVE_DIRECTORY_ENDPOINT", world.identity.authority_host()).envs(recipe_env(SECRET)).args(args).output().unwrap()
    };
    let out = without(&["sync", src.path().to_str().unwrap(), &url, "--output-type", "json"]);
    assert_eq!(out.status.code(), Some(2), "an untrusted certificate must not pass");
    let ca = world.ca.ca_pem.to_str().unwrap();
    let out = without(&["sync", src.path().to_str().unwrap(), &url, "--ca-cert", ca]);
    assert!(out.status.success(), "stderr: {}", String::from_utf8_lossy(&out.stderr));
    assert_uploaded(&world, &files, "ca-flag");
}

//! A stand-in for Entra ID and a managed-identity endpoint, over HTTPS on 127.0.0.1, owned by the
//! tests. It plays the client-credentials flow as Entra does: the client id and secret (or, for a
//! federated identity, the client assertion) must match what was registered, else 401 with Entra's
//! error shape, so a passing test proves the secret really travelled. Tokens it issues are JWTs with
//! the issuer, audience and times Azurite checks (Azurite's `--oauth basic` skips the signature).

use axum::extract::{Form, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::json;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

/// Who may sign in.
#[derive(Clone, Debug, Default)]
pub struct Registrations {
    pub tenant_id: String,
    pub client_id: String,
    pub client_secret: String,
    /// The federated token a workload identity presents as its client assertion.
    pub federated_token: String,
    /// The header value a managed-identity caller must send (`IDENTITY_HEADER`).
    pub identity_header: String,
    /// The app's registered public certificate (PEM); a certificate sign-in's assertion must be signed by its key.
    pub certificate_pem: String,
}

#[derive(Default)]
pub struct Counters {
    pub tokens_issued: AtomicU64,
    pub refused: AtomicU64,
}

struct Shared {
    registrations: Registrations,
    counters: Arc<Counters>,
}

pub struct FakeIdentity {
    pub port: u16,
    pub registrations: Registrations,
    pub counters: Arc<Counters>,
    handle: axum_server::Handle<std::net::SocketAddr>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl FakeIdentity {
    /// Serves on a free loopback port with the given TLS certificate until dropped.
    pub fn start(registrations: Registrations, cert_pem: &std::path::Path, key_pem: &std::path::Path) -> Self {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a free loopback port");
        listener.set_nonblocking(true).expect("non-blocking listener");
        let port = listener.local_addr().expect("bound").port();
        let counters = Arc::new(Counters::default());
        let shared = Arc::new(Shared { registrations: registrations.clone(), counters: counters.clone() });
        let handle = axum_server::Handle::new();
        let (cert, key) = (std::fs::read(cert_pem).expect("cert pem"), std::fs::read(key_pem).expect("key pem"));
        let server_handle = handle.clone();
        let thread = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a runtime");
            runtime.block_on(async move {
                let config = axum_server::tls_rustls::RustlsConfig::from_pem(cert, key).await.expect("TLS config");
                let app = Router::new()
                    .route("/{tenant}/oauth2/v2.0/token", post(token))
                    .route("/msi/token", get(managed_identity))
                    .with_state(shared);
                axum_server::from_tcp_rustls(listener, config)
                    .expect("serve on the listener")
                    .handle(server_handle)
                    .serve(app.into_make_service())
                    .await
                    .expect("fake identity serves");
            });
        });
        Self { port, registrations, counters, handle, thread: Some(thread) }
    }

    /// What `AZURE_AUTHORITY_HOST` / `AZCOPY_ACTIVE_DIRECTORY_ENDPOINT` should say.
    pub fn authority_host(&self) -> String {
        format!("https://127.0.0.1:{}", self.port)
    }

    /// What `IDENTITY_ENDPOINT` should say (App Service's managed-identity protocol).
    pub fn identity_endpoint(&self) -> String {
        format!("https://127.0.0.1:{}/msi/token", self.port)
    }
}

impl Drop for FakeIdentity {
    fn drop(&mut self) {
        self.handle.shutdown();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// A token Azurite accepts: issuer under https://sts.windows.net/, audience storage, valid now.
pub fn storage_token(tenant_id: &str, subject: &str) -> (String, u64) {
    use base64::Engine as _;
    let b64 = |v: serde_json::Value| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v.to_string());
    let now = SystemTime::now().duration_since(UNIX_EPOCH).expect("clock").as_secs();
    let expires = now + 3600;
    let header = b64(json!({"alg": "RS256", "typ": "JWT"}));
    let claims = b64(json!({
        "aud": "https://storage.azure.com",
        "iss": format!("https://sts.windows.net/{tenant_id}/"),
        "iat": now - 60, "nbf": now - 60, "exp": expires,
        "sub": subject, "tid": tenant_id,
    }));
    (format!("{header}.{claims}.c2lnbmF0dXJlLW5vdC1jaGVja2Vk"), expires)
}

fn entra_error(status: StatusCode, code: u32, error: &str, description: &str) -> Response {
    (status, Json(json!({"error": error, "error_description": description, "error_codes": [code]}))).into_response()
}

async fn token(State(shared): State<Arc<Shared>>, Path(tenant): Path<String>, headers: HeaderMap, Form(form): Form<HashMap<String, String>>) -> Response {
    let r = &shared.registrations;
    let refuse = |response: Response| {
        shared.counters.refused.fetch_add(1, Ordering::Relaxed);
        response
    };
    if tenant != r.tenant_id {
        return refuse(entra_error(StatusCode::BAD_REQUEST, 90002, "invalid_request", &format!("AADSTS90002: Tenant '{tenant}' not found. Check to make sure you have the correct tenant ID.")));
    }
    let client = form.get("client_id").map(String::as_str).unwrap_or_default();
    if client != r.client_id {
        return refuse(entra_error(StatusCode::BAD_REQUEST, 700016, "unauthorized_client", &format!("AADSTS700016: Application with identifier '{client}' was not found in the directory.")));
    }
    if form.get("grant_type").map(String::as_str) != Some("client_credentials") {
        return refuse(entra_error(StatusCode::BAD_REQUEST, 900144, "invalid_request", "AADSTS900144: The request body must contain the 'grant_type' parameter."));
    }
    let authenticated = match (form.get("client_secret"), form.get("client_assertion")) {
        (Some(secret), _) => !r.client_secret.is_empty() && *secret == r.client_secret,
        (None, Some(assertion)) if !r.federated_token.is_empty() && assertion.trim() == r.federated_token.trim() => true,
        (None, Some(assertion)) if !r.certificate_pem.is_empty() => {
            let host = headers.get("host").and_then(|h| h.to_str().ok()).unwrap_or_default();
            let endpoint = format!("https://{host}/{tenant}/oauth2/v2.0/token");
            if let Err(reason) = crate::client_certificate::verify_assertion(assertion, &r.certificate_pem, client, &endpoint) {
                return refuse(entra_error(StatusCode::UNAUTHORIZED, 700027, "invalid_client", &format!("AADSTS700027: Client assertion failed signature validation: {reason}.")));
            }
            true
        }
        _ => false,
    };
    if !authenticated {
        return refuse(entra_error(
            StatusCode::UNAUTHORIZED,
            7000215,
            "invalid_client",
            &format!("AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '{client}'."),
        ));
    }
    shared.counters.tokens_issued.fetch_add(1, Ordering::Relaxed);
    let (token, _) = storage_token(&tenant, client);
    Json(json!({"token_type": "Bearer", "expires_in": 3599, "ext_expires_in": 3599, "access_token": token})).into_response()
}

async fn managed_identity(State(shared): State<Arc<Shared>>, headers: HeaderMap, Query(query): Query<HashMap<String, String>>) -> Response {
    let r = &shared.registrations;
    let presented = headers.get("x-identity-header").and_then(|v| v.to_str().ok()).unwrap_or_default();
    if r.identity_header.is_empty() || presented != r.identity_header {
        shared.counters.refused.fetch_add(1, Ordering::Relaxed);
        return (StatusCode::UNAUTHORIZED, Json(json!({"error": "invalid identity header"}))).into_response();
    }
    // A user-assigned identity is named by exactly one id; the registered client id stands for it.
    let named = ["client_id", "object_id", "msi_res_id"].iter().filter_map(|k| query.get(*k)).collect::<Vec<_>>();
    if named.len() > 1 || named.first().is_some_and(|id| **id != r.client_id) {
        shared.counters.refused.fetch_add(1, Ordering::Relaxed);
        return (StatusCode::BAD_REQUEST, Json(json!({"error": "unknown identity"}))).into_response();
    }
    shared.counters.tokens_issued.fetch_add(1, Ordering::Relaxed);
    let (token, expires) = storage_token(&r.tenant_id, "managed-identity");
    Json(json!({"access_token": token, "expires_on": expires.to_string(), "resource": query.get("resource").cloned().unwrap_or_default(), "token_type": "Bearer"}))
        .into_response()
}

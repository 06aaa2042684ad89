use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// `tests/azurite.json`: the one definition every suite starts Azurite from.
#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Definition {
    pub binary: String,
    pub arguments: Vec<String>,
    pub account: String,
    pub account_key: String,
    pub start_timeout_seconds: u64,
}

impl Definition {
    pub fn load() -> Self {
        let path = crate::repo_root().join("tests/azurite.json");
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }
}

/// An in-memory Azurite blob service on 127.0.0.1 and a free port, stopped when dropped.
pub struct Azurite {
    child: Child,
    pub port: u16,
    /// The CA that signed Azurite's certificate, when it serves HTTPS.
    ca_pem: Option<std::path::PathBuf>,
}

impl Azurite {
    pub fn start() -> Self {
        Self::spawn(&[], None)
    }

    /// Azurite over HTTPS with bearer-token sign-in (`--oauth basic`: issuer, audience and times are
    /// checked, not the signature), serving `ca`'s server certificate. Shared Key still works, so the
    /// oracle reads back with the account key.
    pub fn start_https_oauth(ca: &crate::TestCa) -> Self {
        let cert = ca.cert_pem.to_str().expect("utf-8 path").to_string();
        let key = ca.key_pem.to_str().expect("utf-8 path").to_string();
        Self::spawn(&["--oauth", "basic", "--cert", &cert, "--key", &key], Some(ca.ca_pem.clone()))
    }

    fn spawn(extra: &[&str], ca_pem: Option<std::path::PathBuf>) -> Self {
        let definition = Definition::load();
        let bin = crate::repo_root().join(&definition.binary);
        assert!(bin.exists(), "{} is missing: run the build (it installs Azurite with `npm ci --prefix tests/tools`)", bin.display());
        // Bind-then-release finds a free port; Azurite retries are not needed on loopback.
        let port = TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).expect("a free port").port();
        let child = Command::new(bin)
            .args(["--blobHost", "127.0.0.1", "--blobPort", &port.to_string()])
            .args(&definition.arguments)
            .args(extra)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("Azurite starts");
        let mut azurite = Self { child, port, ca_pem };
        // Generous: on a loaded 2-core machine Node can take a while to start. A child that exits is
        // reported at once instead of waiting the cap out.
        let deadline = Instant::now() + Duration::from_secs(definition.start_timeout_seconds);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            if let Ok(Some(status)) = azurite.child.try_wait() {
                panic!("Azurite exited ({status}) before listening on port {port}");
            }
            assert!(Instant::now() < deadline, "Azurite did not listen on port {port} within {} s", definition.start_timeout_seconds);
            std::thread::sleep(Duration::from_millis(100));
        }
        azurite
    }

    pub fn container_url(&self, container: &str) -> String {
        format!("{}://127.0.0.1:{}/{}/{container}", self.scheme(), self.port, crate::DEV_ACCOUNT)
    }

    pub fn connection_string(&self) -> String {
        format!(
            "DefaultEndpointsProtocol={s};AccountName={a};AccountKey={k};BlobEndpoint={s}://127.0.0.1:{p}/{a};",
            s = self.scheme(),
            a = crate::DEV_ACCOUNT,
            k = crate::DEV_KEY,
            p = self.port
        )
    }

    pub fn oracle(&self) -> crate::Oracle {
        crate::Oracle::new(self.connection_string()).trusting(self.ca_pem.clone())
    }

    fn scheme(&self) -> &'static str {
        if self.ca_pem.is_some() { "https" } else { "http" }
    }
}

impl Drop for Azurite {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

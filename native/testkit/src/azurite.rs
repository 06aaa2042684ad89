use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// An in-memory Azurite blob service on 127.0.0.1 and a free port, stopped when dropped.
pub struct Azurite {
    child: Child,
    pub port: u16,
}

impl Azurite {
    pub fn start() -> Self {
        let bin = crate::repo_root().join("tests/tools/node_modules/.bin/azurite-blob");
        assert!(bin.exists(), "{} is missing: run the build (it installs Azurite with `npm ci --prefix tests/tools`)", bin.display());
        // Bind-then-release finds a free port; Azurite retries are not needed on loopback.
        let port = TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).expect("a free port").port();
        let child = Command::new(bin)
            .args(["--blobHost", "127.0.0.1", "--blobPort", &port.to_string()])
            .args(["--inMemoryPersistence", "--disableTelemetry", "--skipApiVersionCheck", "--silent"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("Azurite starts");
        let mut azurite = Self { child, port };
        // Generous: on a loaded 2-core machine Node can take a while to start. A child that exits is
        // reported at once instead of waiting the cap out.
        let deadline = Instant::now() + Duration::from_secs(120);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            if let Ok(Some(status)) = azurite.child.try_wait() {
                panic!("Azurite exited ({status}) before listening on port {port}");
            }
            assert!(Instant::now() < deadline, "Azurite did not listen on port {port} within 120 s");
            std::thread::sleep(Duration::from_millis(100));
        }
        azurite
    }

    pub fn container_url(&self, container: &str) -> String {
        format!("http://127.0.0.1:{}/{}/{container}", self.port, crate::DEV_ACCOUNT)
    }

    pub fn connection_string(&self) -> String {
        format!(
            "DefaultEndpointsProtocol=http;AccountName={a};AccountKey={k};BlobEndpoint=http://127.0.0.1:{p}/{a};",
            a = crate::DEV_ACCOUNT,
            k = crate::DEV_KEY,
            p = self.port
        )
    }

    pub fn oracle(&self) -> crate::Oracle {
        crate::Oracle::new(self.connection_string())
    }
}

impl Drop for Azurite {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

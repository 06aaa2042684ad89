use std::collections::HashMap;
use std::process::Command;

/// Reads a container back through Azure's Python SDK (`tests/oracle/blob_oracle.py`).
pub struct Oracle {
    connection_string: String,
    /// A CA bundle the Python SDK should trust (an HTTPS Azurite's test CA).
    ca_bundle: Option<std::path::PathBuf>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct BlobRecord {
    pub name: String,
    pub size: u64,
    pub content_md5: Option<String>,
    pub md5_of_content: String,
    pub content_type: String,
    pub metadata: HashMap<String, String>,
    pub cache_control: Option<String>,
    pub access_tier: Option<String>,
    pub tags: HashMap<String, String>,
    /// The service's Last-Modified, as the SDK gives it (ISO 8601): unchanged means not rewritten.
    pub last_modified: String,
    pub etag: String,
}

impl Oracle {
    pub fn new(connection_string: String) -> Self {
        Self { connection_string, ca_bundle: None }
    }

    pub fn trusting(mut self, ca_bundle: Option<std::path::PathBuf>) -> Self {
        self.ca_bundle = ca_bundle;
        self
    }

    fn run(&self, args: &[&str]) -> String {
        let script = crate::repo_root().join("tests/oracle/blob_oracle.py");
        let mut command = Command::new("/usr/bin/python3");
        if let Some(ca) = &self.ca_bundle {
            // requests (under the SDK) trusts this bundle instead of the system's.
            command.env("REQUESTS_CA_BUNDLE", ca);
        }
        let out = command
            .arg(script)
            .arg(&self.connection_string)
            .args(args)
            .output()
            .expect("python3 runs (Debian's python3-azure-storage is installed by the build)");
        assert!(out.status.success(), "oracle {args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).expect("utf-8")
    }

    pub fn create_container(&self, name: &str) {
        self.run(&["create-container", name]);
    }

    pub fn names(&self, container: &str) -> Vec<String> {
        self.run(&["names", container]).lines().map(str::to_string).collect()
    }

    pub fn inventory(&self, container: &str) -> Vec<BlobRecord> {
        self.run(&["inventory", container])
            .lines()
            .map(|line| {
                let v: serde_json::Value = serde_json::from_str(line).expect("oracle JSON");
                BlobRecord {
                    name: v["name"].as_str().unwrap().to_string(),
                    size: v["size"].as_u64().unwrap(),
                    content_md5: v["contentMd5"].as_str().map(str::to_string),
                    md5_of_content: v["md5OfContent"].as_str().unwrap().to_string(),
                    content_type: v["contentType"].as_str().unwrap_or_default().to_string(),
                    metadata: serde_json::from_value(v["metadata"].clone()).expect("metadata is a map of strings"),
                    cache_control: v["cacheControl"].as_str().map(str::to_string),
                    access_tier: v["accessTier"].as_str().map(str::to_string),
                    tags: serde_json::from_value(v["tags"].clone()).expect("tags are a map of strings"),
                    last_modified: v["lastModified"].as_str().expect("lastModified").to_string(),
                    etag: v["etag"].as_str().expect("etag").to_string(),
                }
            })
            .collect()
    }

    pub fn uncommitted_blocks(&self, container: &str, blob: &str) -> usize {
        self.run(&["uncommitted", container, blob]).trim().parse().expect("a count")
    }

    pub fn put(&self, container: &str, blob: &str, file: &std::path::Path, mtime_metadata: Option<&str>) {
        let file = file.to_str().expect("utf-8 path");
        let mut args = vec!["put", container, blob, file];
        args.extend(mtime_metadata);
        self.run(&args);
    }
}

impl Oracle {
    /// Uploads a blob whose Content-MD5 property says `md5_base64`, true or not.
    pub fn put_claiming_md5(&self, container: &str, blob: &str, file: &std::path::Path, md5_base64: &str) {
        self.run(&["put-claiming-md5", container, blob, file.to_str().expect("utf-8 path"), md5_base64]);
    }

    /// The container's URL with a one-day SAS signed by the Python SDK (`rwdl` unless given).
    pub fn sas_url(&self, container: &str, permissions: &str) -> String {
        self.run(&["sas", container, permissions]).trim().to_string()
    }
}

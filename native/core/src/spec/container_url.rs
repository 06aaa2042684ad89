//! A destination URL taken apart: account, container, virtual-directory prefix, SAS.
//!
//! Both the service's host style (`https://acct.blob.core.windows.net/container/prefix`) and the
//! path style used by emulators and custom endpoints (`http://127.0.0.1:10000/acct/container/prefix`)
//! are understood. The SAS stays out of every string meant for people ([`ContainerUrl::display`]).

use crate::error::{EngineError, Result};
use url::Url;

#[derive(Clone)]
pub struct ContainerUrl {
    /// Scheme, host, port and the path up to and including the container; no query.
    pub container_url: Url,
    pub account: String,
    pub container: String,
    /// Virtual directory inside the container, no leading or trailing '/'; may be empty.
    pub prefix: String,
    /// The SAS query string, if any (without '?'). Secret: never displayed.
    sas: Option<String>,
}

impl std::fmt::Debug for ContainerUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.display())
    }
}

impl ContainerUrl {
    pub fn parse(raw: &str) -> Result<Self> {
        let invalid = |why: &str| EngineError::InvalidDestination { url: redact_url(raw), why: why.to_string() };
        if raw.trim().is_empty() {
            return Err(invalid("it is empty"));
        }
        let url = Url::parse(raw.trim()).map_err(|e| match e {
            url::ParseError::RelativeUrlWithoutBase => invalid("it is not an absolute URL"),
            e => invalid(&e.to_string()),
        })?;
        if url.scheme() != "https" && url.scheme() != "http" {
            return Err(invalid("the scheme must be https (or http for a local emulator)"));
        }
        let host = url.host_str().ok_or_else(|| invalid("it has no host"))?.to_string();
        let segments: Vec<String> = url
            .path_segments()
            .map(|s| s.filter(|p| !p.is_empty()).map(percent_decode).collect())
            .unwrap_or_default();
        let path_style = is_path_style_host(&host);
        let (account, rest) = if path_style {
            let (first, rest) = segments.split_first().ok_or_else(|| invalid("the path has no account name"))?;
            (first.clone(), rest.to_vec())
        } else {
            let account = host.split('.').next().unwrap_or_default().to_string();
            (account, segments)
        };
        let (container, prefix) = rest.split_first().ok_or_else(|| invalid("the path has no container name"))?;
        validate_container_name(container).map_err(|why| invalid(&why))?;
        let mut container_url = url.clone();
        container_url.set_query(None);
        container_url.set_fragment(None);
        {
            let mut segs = container_url.path_segments_mut().map_err(|_| invalid("it cannot hold a path"))?;
            segs.clear();
            if path_style {
                segs.push(&account);
            }
            segs.push(container);
        }
        let sas = url.query().filter(|q| !q.is_empty()).map(str::to_string);
        Ok(Self { container_url, account, container: container.clone(), prefix: prefix.join("/"), sas })
    }

    pub fn sas(&self) -> Option<&str> {
        self.sas.as_deref()
    }

    /// The URL the SDK talks to: container URL plus the SAS, if any.
    pub fn authorized_container_url(&self) -> Url {
        let mut url = self.container_url.clone();
        url.set_query(self.sas.as_deref());
        url
    }

    /// For people: the container URL and prefix, with any SAS replaced by a marker.
    pub fn display(&self) -> String {
        let mut shown = self.container_url.to_string();
        if !self.prefix.is_empty() {
            shown.push('/');
            shown.push_str(&self.prefix);
        }
        if self.sas.is_some() {
            shown.push_str("?<SAS>");
        }
        shown
    }
}

/// Emulators and IP endpoints carry the account in the path, not in the host name.
fn is_path_style_host(host: &str) -> bool {
    host == "localhost" || host.parse::<std::net::IpAddr>().is_ok() || host.trim_matches(['[', ']']).parse::<std::net::Ipv6Addr>().is_ok()
}

fn percent_decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s).decode_utf8_lossy().into_owned()
}

/// The service's rules: 3-63 characters, lowercase letters, digits and single hyphens, starting and
/// ending with a letter or digit (`$root`, `$web` and `$logs` are special containers).
fn validate_container_name(name: &str) -> std::result::Result<(), String> {
    if matches!(name, "$root" | "$web" | "$logs") {
        return Ok(());
    }
    let ok_chars = name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    let ok_ends = name.starts_with(|c: char| c.is_ascii_alphanumeric()) && name.ends_with(|c: char| c.is_ascii_alphanumeric());
    if !(3..=63).contains(&name.len()) || !ok_chars || !ok_ends || name.contains("--") {
        return Err(format!(
            "container name '{name}' is not valid (3-63 lowercase letters, digits and single hyphens)"
        ));
    }
    Ok(())
}

/// Hides SAS signatures in a URL (see [`crate::spec::redaction`]).
pub fn redact_url(raw: &str) -> String {
    crate::spec::redaction::redact(raw)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_host_style_with_prefix_and_sas() {
        let c = ContainerUrl::parse("https://acct.blob.core.windows.net/backups/nightly/db?sv=2024&sig=abc%2B").unwrap();
        assert_eq!((c.account.as_str(), c.container.as_str(), c.prefix.as_str()), ("acct", "backups", "nightly/db"));
        assert_eq!(c.container_url.as_str(), "https://acct.blob.core.windows.net/backups");
        assert_eq!(c.sas(), Some("sv=2024&sig=abc%2B"));
        assert_eq!(c.display(), "https://acct.blob.core.windows.net/backups/nightly/db?<SAS>");
        assert_eq!(c.authorized_container_url().as_str(), "https://acct.blob.core.windows.net/backups?sv=2024&sig=abc%2B");
    }

    #[test]
    fn parses_emulator_path_style() {
        let c = ContainerUrl::parse("http://127.0.0.1:10000/devstoreaccount1/data/").unwrap();
        assert_eq!((c.account.as_str(), c.container.as_str(), c.prefix.as_str()), ("devstoreaccount1", "data", ""));
        assert_eq!(c.container_url.as_str(), "http://127.0.0.1:10000/devstoreaccount1/data");
    }

    #[test]
    fn rejects_malformed_urls_with_a_reason() {
        for (raw, needle) in [
            ("not a url", "not an absolute URL"),
            ("/local/folder", "not an absolute URL"),
            ("  ", "it is empty"),
            ("ftp://acct.blob.core.windows.net/c", "scheme"),
            ("https://acct.blob.core.windows.net/", "no container"),
            ("https://acct.blob.core.windows.net/Bad_Name", "not valid"),
        ] {
            let e = ContainerUrl::parse(raw).unwrap_err();
            assert_eq!(e.error_id(), "InvalidDestination");
            assert!(e.to_string().contains(needle), "{raw}: {e}");
        }
    }

    #[test]
    fn error_for_a_malformed_url_hides_the_signature() {
        let e = ContainerUrl::parse("https://acct.blob.core.windows.net/?sv=1&sig=TOPSECRET").unwrap_err();
        assert!(!e.to_string().contains("TOPSECRET"), "{e}");
    }

    #[test]
    fn redacts_only_the_signature() {
        assert_eq!(redact_url("https://a/c?sv=1&sig=xyz&sp=r"), "https://a/c?sv=1&sig=REDACTED&sp=r");
        assert_eq!(redact_url("https://a/c"), "https://a/c");
    }
}

/// Hides SAS signatures in free text, such as error messages that quote a URL (see [`crate::spec::redaction`]).
pub fn redact_text(text: &str) -> String {
    crate::spec::redaction::redact(text)
}

//! The one rule for keeping SAS signatures out of what people see: every `sig=` parameter's value
//! becomes `REDACTED`, in URLs and in prose alike. Hosts ask the engine (`azbs_redact`) rather than
//! keep a copy of this rule.

/// What a redacted signature reads as.
pub const MARKER: &str = "REDACTED";

/// Replaces the value of every `sig=` parameter (any case) up to the next `&`, `#`, quote or
/// whitespace. Only a parameter named `sig` counts: it starts the text or follows `?`, `&`, `;` or
/// whitespace (`xsig=` is left alone).
pub fn redact(text: &str) -> String {
    let lower = text.to_ascii_lowercase(); // same byte offsets as `text`
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut position = 0;
    let mut search = 0;
    while let Some(found) = lower[search..].find("sig=").map(|i| i + search) {
        let at_boundary = found == 0 || matches!(bytes[found - 1], b'?' | b'&' | b';') || bytes[found - 1].is_ascii_whitespace();
        if !at_boundary {
            search = found + 4;
            continue;
        }
        let value_start = found + 4;
        out.push_str(&text[position..value_start]);
        out.push_str(MARKER);
        let value_len = text[value_start..].find(|c: char| matches!(c, '&' | '"' | '\'' | '#') || c.is_whitespace()).unwrap_or(text.len() - value_start);
        position = value_start + value_len;
        search = position;
    }
    out.push_str(&text[position..]);
    out
}

#[cfg(test)]
mod tests {
    use super::redact;

    #[test]
    fn redacts_every_signature_and_nothing_else() {
        for (input, expected) in [
            ("https://a/c?sv=1&sig=xyz&sp=r", "https://a/c?sv=1&sig=REDACTED&sp=r"),
            ("https://a/c?SIG=xyz", "https://a/c?SIG=REDACTED"),
            ("GET https://a/c?sig=abc%2F failed; sig=zz end", "GET https://a/c?sig=REDACTED failed; sig=REDACTED end"),
            ("https://a/c?xsig=keep&sig=", "https://a/c?xsig=keep&sig=REDACTED"),
            ("https://a/c?sig=x#frag", "https://a/c?sig=REDACTED#frag"),
            ("sig=first", "sig=REDACTED"),
            ("https://a/c", "https://a/c"),
            ("zoë?sig=ü&x=1", "zoë?sig=REDACTED&x=1"),
            ("", ""),
        ] {
            assert_eq!(redact(input), expected, "{input}");
        }
    }
}

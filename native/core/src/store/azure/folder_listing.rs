//! The `/`-delimited ("hierarchy") listing, which `azure_storage_blob` 1.x does not offer: the
//! request is sent through the same pipeline as the SDK's own (transport, retries, SharedKey), and
//! the answer is read with the SDK's own blob model.

use crate::store::{FolderEntry, FolderPage, ListedBlob};
use azure_storage_blob::models::{BlobItem, BlobName};
use percent_encoding::percent_decode_str;
use serde::Deserialize;
use std::time::SystemTime;

/// Entries per page, the service's maximum.
pub const PAGE_SIZE: u32 = 5000;

#[derive(Deserialize)]
struct EnumerationResults {
    #[serde(rename = "Blobs", default)]
    blobs: HierarchyBlobs,
    #[serde(rename = "NextMarker", default)]
    next_marker: Option<String>,
}

#[derive(Deserialize, Default)]
struct HierarchyBlobs {
    // Blobs and prefixes, in whatever order the service sends them (Azurite: prefixes first).
    #[serde(rename = "$value", default)]
    items: Vec<HierarchyItem>,
}

#[derive(Deserialize)]
enum HierarchyItem {
    Blob(BlobItem),
    BlobPrefix(PrefixItem),
    #[serde(other)]
    Unknown,
}

#[derive(Deserialize)]
struct PrefixItem {
    #[serde(rename = "Name")]
    name: BlobName,
}

/// A listed blob in the engine's terms; `None` for an entry without a name or properties.
pub fn listed_blob(item: BlobItem) -> Option<ListedBlob> {
    let name = item.name?;
    let props = item.properties?;
    Some(ListedBlob {
        name,
        size: props.content_length.unwrap_or(0),
        last_modified: props.last_modified.map(SystemTime::from).unwrap_or(SystemTime::UNIX_EPOCH),
        metadata: item.metadata.and_then(|m| m.values).unwrap_or_default(),
        content_md5: props.content_md5,
        etag: props.etag.map(|e| quoted_etag(e.as_ref())),
    })
}

/// An ETag as the service sends it in headers (quoted); listings give it bare. One form, so the
/// listed and the head's ETag compare equal and both serve as If-Match.
pub fn quoted_etag(etag: &str) -> String {
    if etag.starts_with('"') || etag.starts_with("W/") { etag.to_string() } else { format!("\"{etag}\"") }
}

fn decoded(name: BlobName) -> Option<String> {
    let content = name.content?;
    if name.encoded.unwrap_or(false) {
        Some(percent_decode_str(&content).decode_utf8().ok()?.into_owned())
    } else {
        Some(content)
    }
}

/// Reads one page of a hierarchy listing.
pub fn parse_folder_page(body: &[u8]) -> azure_core::Result<FolderPage> {
    let page: EnumerationResults = azure_core::xml::from_xml(body)?;
    let entries = page
        .blobs
        .items
        .into_iter()
        .filter_map(|item| match item {
            HierarchyItem::Blob(b) => listed_blob(b).map(FolderEntry::Blob),
            HierarchyItem::BlobPrefix(p) => decoded(p.name).map(FolderEntry::Folder),
            HierarchyItem::Unknown => None,
        })
        .collect();
    Ok(FolderPage { entries, next_marker: page.next_marker.filter(|m| !m.is_empty()) })
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<EnumerationResults ServiceEndpoint="http://127.0.0.1:10000/devstoreaccount1" ContainerName="c">
  <Prefix>top/</Prefix><MaxResults>5000</MaxResults><Delimiter>/</Delimiter>
  <Blobs>
    <Blob><Name>top/a.txt</Name><Properties><Last-Modified>Sun, 22 Nov 2026 10:00:00 GMT</Last-Modified><Content-Length>3</Content-Length><Content-MD5>kAFQmDzST7DWlj99KOF/cg==</Content-MD5><BlobType>BlockBlob</BlobType></Properties><Metadata><mtime>2026-11-01T00:00:00Z</mtime></Metadata></Blob>
    <BlobPrefix><Name>top/b/</Name></BlobPrefix>
    <Blob><Name Encoded="true">top/c%EF%BF%BE.txt</Name><Properties><Content-Length>0</Content-Length></Properties></Blob>
    <BlobPrefix><Name Encoded="true">top/d%EF%BF%BF/</Name></BlobPrefix>
    <Blob><Name>top/e</Name><Properties><Content-Length>7</Content-Length></Properties></Blob>
  </Blobs>
  <NextMarker>2!opaque</NextMarker>
</EnumerationResults>"#;

    #[test]
    fn blobs_and_folders_keep_their_order_and_encoded_names_are_decoded() {
        let page = parse_folder_page(PAGE.as_bytes()).expect("parses");
        let names: Vec<String> = page
            .entries
            .iter()
            .map(|e| match e {
                FolderEntry::Blob(b) => format!("blob {} {}", b.name, b.size),
                FolderEntry::Folder(f) => format!("folder {f}"),
            })
            .collect();
        assert_eq!(names, ["blob top/a.txt 3", "folder top/b/", "blob top/c\u{fffe}.txt 0", "folder top/d\u{ffff}/", "blob top/e 7"]);
        assert!(page.truncated());
        let FolderEntry::Blob(first) = &page.entries[0] else { panic!("a blob first") };
        assert_eq!(first.metadata.get("mtime").map(String::as_str), Some("2026-11-01T00:00:00Z"));
        assert_eq!(first.content_md5.as_deref().map(<[u8]>::len), Some(16));
    }

    #[test]
    fn an_empty_last_page_is_complete() {
        let xml = r#"<?xml version="1.0" encoding="utf-8"?><EnumerationResults><Blobs /><NextMarker /></EnumerationResults>"#;
        let page = parse_folder_page(xml.as_bytes()).expect("parses");
        assert!(page.entries.is_empty());
        assert!(!page.truncated());
    }
}

//! [`BlobStore`] over the official Azure SDK for Rust (`azure_storage_blob` 1.x). Multipart
//! uploads are staged blocks whose ids are derived from the upload id and the part index
//! ([`multipart`]), so a later attempt with the same upload id finds and reuses what is staged.

pub mod folder_listing;
pub mod http_transport;
pub mod multipart;
pub mod shared_key;

use crate::auth::Credential;
use crate::spec::container_url::{ContainerUrl, redact_text};
use crate::error::{EngineError, Result};
use shared_key::SharedKeyPolicy;
use folder_listing::{PAGE_SIZE, listed_blob, parse_folder_page};
use crate::store::limits::{AZURE_BLOCK_BLOB, Capabilities, StoreLimits};
use crate::store::{BlobProperties, BlobStore, FolderPage, ListedBlob, MultipartUpload, PartId, StagedPart};
use async_trait::async_trait;
use azure_core::http::policies::Policy;
use azure_core::http::policies::auth::BearerTokenAuthorizationPolicy;
use azure_core::http::{ClientOptions, Context, Method, NoFormat, Pipeline, Request, RequestContent, StatusCode};
use azure_storage_blob::models::{
    BlobClientDeleteOptions, BlobClientDownloadOptions, BlobClientGetPropertiesResultHeaders, BlobClientSetPropertiesOptions, BlobClientStartCopyFromUrlOptions, BlobContainerClientListBlobsOptions,
    BlockBlobClientCommitBlockListOptions, BlockBlobClientUploadOptions, BlockListType, BlockLookupList, DeleteSnapshotsOptionType, ListBlobsIncludeItem,
};
use azure_storage_blob::{BlobContainerClient, BlobContainerClientOptions};
use bytes::Bytes;
use futures::StreamExt;
use futures::stream::BoxStream;
use std::collections::HashMap;
use std::ops::Range;
use std::sync::Arc;
use std::time::SystemTime;

pub struct AzureBlobStore {
    container: BlobContainerClient,
    /// For the requests the SDK has no method for; built from the same options as the SDK's.
    pipeline: Pipeline,
    api_version: String,
    location: ContainerUrl,
}


/// The SDK's upload and commit options are two types with the same property fields: filled in one place.
macro_rules! with_blob_properties {
    ($options:ident, $properties:expr, { $($field:ident: $value:expr),* $(,)? }) => {
        $options {
            blob_content_md5: $properties.content_md5.map(|m| m.to_vec()),
            blob_content_type: $properties.content_type.clone(),
            blob_cache_control: $properties.cache_control.clone(),
            blob_tags_string: tags_string(&$properties.tags),
            tier: $properties.access_tier.map(sdk_tier),
            metadata: Some($properties.metadata.clone()),
            $($field: $value,)*
            ..Default::default()
        }
    };
}

impl AzureBlobStore {
    /// `transport` is the job's one HTTP client (see [`crate::auth::JobAuth`]).
    pub fn new(location: &ContainerUrl, credential: Credential, transport: azure_core::http::Transport) -> Result<Self> {
        let mut client_options = ClientOptions::default();
        let mut token = None;
        match credential {
            Credential::AccountKey(key) => {
                let policy: Arc<dyn Policy> = Arc::new(SharedKeyPolicy::new(&location.account, &key)?);
                client_options.per_try_policies.push(policy);
            }
            Credential::Token(credential) => token = Some(credential),
            Credential::SasOrAnonymous => {}
        }
        client_options.transport = Some(transport);
        client_options.retry = crate::store::azure::http_transport::storage_retry_options();
        // Our own requests carry the same bearer token as the SDK client's, from the same credential.
        let per_retry: Vec<Arc<dyn Policy>> = token
            .iter()
            .map(|t| Arc::new(BearerTokenAuthorizationPolicy::new(t.clone(), [crate::auth::STORAGE_SCOPE])) as Arc<dyn Policy>)
            .collect();
        let pipeline = Pipeline::new(None, None, client_options.clone(), Vec::new(), per_retry, None);
        let options = BlobContainerClientOptions { client_options, ..Default::default() };
        let api_version = options.version.clone();
        let container = BlobContainerClient::new(location.authorized_container_url(), token, Some(options))
            .map_err(|e| map_error(e, location))?;
        Ok(Self { container, pipeline, api_version, location: location.clone() })
    }

    fn block_blob(&self, name: &str) -> azure_storage_blob::BlockBlobClient {
        self.container.blob_client(name).block_blob_client()
    }

    fn error(&self, e: azure_core::Error) -> EngineError {
        map_error(e, &self.location)
    }

    /// As [`Self::error`], naming the blob when it is the blob that is missing.
    fn blob_error(&self, e: azure_core::Error, name: &str) -> EngineError {
        let blob_missing = matches!(e.kind(), azure_core::error::ErrorKind::HttpResponse { error_code: Some(code), .. } if code == "BlobNotFound");
        if blob_missing { EngineError::BlobNotFound { name: name.to_string() } } else { self.error(e) }
    }
}

/// Tags travel as a form-encoded query string in one header.
fn tags_string(tags: &[(String, String)]) -> Option<String> {
    (!tags.is_empty()).then(|| url::form_urlencoded::Serializer::new(String::new()).extend_pairs(tags).finish())
}

fn sdk_tier(tier: crate::store::AccessTier) -> azure_storage_blob::models::AccessTier {
    use azure_storage_blob::models::AccessTier as Sdk;
    match tier {
        crate::store::AccessTier::Hot => Sdk::Hot,
        crate::store::AccessTier::Cool => Sdk::Cool,
        crate::store::AccessTier::Cold => Sdk::Cold,
        crate::store::AccessTier::Archive => Sdk::Archive,
    }
}

fn body(content: Bytes) -> RequestContent<Bytes, NoFormat> {
    azure_core::http::Body::from(content).into()
}

#[async_trait]
impl BlobStore for AzureBlobStore {
    fn limits(&self) -> StoreLimits {
        AZURE_BLOCK_BLOB
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities { folder_listing: true, signed_read_url: true, copy_from_url: true }
    }

    fn list(&self, prefix: &str) -> BoxStream<'static, Result<Vec<ListedBlob>>> {
        let options = BlobContainerClientListBlobsOptions {
            prefix: (!prefix.is_empty()).then(|| prefix.to_string()),
            include: Some(vec![ListBlobsIncludeItem::Metadata]),
            maxresults: Some(5000),
            ..Default::default()
        };
        let location = self.location.clone();
        let pager = match self.container.list_blobs(Some(options)) {
            Ok(p) => p,
            Err(e) => return futures::stream::once(async move { Err(map_error(e, &location)) }).boxed(),
        };
        pager
            .into_pages()
            .map(move |page| {
                let page = page.and_then(|r| r.into_model()).map_err(|e| map_error(e, &location))?;
                Ok(page.blob_items.into_iter().filter_map(listed_blob).collect())
            })
            .boxed()
    }

    async fn list_folder_page(&self, prefix: &str, marker: Option<&str>) -> Result<FolderPage> {
        let mut url = self.location.authorized_container_url();
        url.query_pairs_mut()
            .append_pair("restype", "container")
            .append_pair("comp", "list")
            .append_pair("delimiter", "/")
            .append_pair("include", "metadata")
            .append_pair("maxresults", &PAGE_SIZE.to_string());
        if !prefix.is_empty() {
            url.query_pairs_mut().append_pair("prefix", prefix);
        }
        if let Some(marker) = marker {
            url.query_pairs_mut().append_pair("marker", marker);
        }
        let mut request = Request::new(url, Method::Get);
        request.insert_header("accept", "application/xml");
        request.insert_header("x-ms-version", self.api_version.clone());
        let response = self.pipeline.send(&Context::new(), &mut request, None).await.map_err(|e| map_error(e, &self.location))?;
        parse_folder_page(response.body()).map_err(|e| map_error(e, &self.location))
    }

    async fn head(&self, name: &str) -> Result<Option<ListedBlob>> {
        let props = match self.container.blob_client(name).get_properties(None).await {
            Ok(p) => p,
            Err(e) if e.http_status() == Some(StatusCode::NotFound) => return Ok(None),
            Err(e) => return Err(self.error(e)),
        };
        let size = props.content_length().map_err(|e| self.error(e))?.unwrap_or(0);
        let last_modified = props.last_modified().map_err(|e| self.error(e))?.map_or(SystemTime::UNIX_EPOCH, SystemTime::from);
        let metadata = props.metadata().map_err(|e| self.error(e))?;
        let content_md5 = props.content_md5().map_err(|e| self.error(e))?;
        let etag = props.etag().map_err(|e| self.error(e))?.map(|e| folder_listing::quoted_etag(e.as_ref()));
        Ok(Some(ListedBlob { name: name.to_string(), size, last_modified, metadata, content_md5, etag }))
    }

    async fn get(&self, name: &str, range: Option<Range<u64>>, if_match: Option<&str>) -> Result<BoxStream<'static, Result<Bytes>>> {
        if range.as_ref().is_some_and(|r| r.is_empty()) {
            return Ok(futures::stream::empty().boxed());
        }
        let options = BlobClientDownloadOptions {
            // Ranged requests in parallel for large blobs; the job bounds how many blobs at once.
            parallel: std::num::NonZero::new(4),
            partition_size: std::num::NonZero::new(crate::transfer::part_sizing::DEFAULT_PART_SIZE as usize),
            range: range.map(Into::into),
            if_match: if_match.map(|e| azure_core::http::Etag::from(e.to_string())),
            ..Default::default()
        };
        let result = self.container.blob_client(name).download(Some(options)).await.map_err(|e| {
            // 412: the blob is no longer the version asked for.
            if e.http_status() == Some(StatusCode::PreconditionFailed) { EngineError::SourceChanged { path: name.to_string() } } else { self.blob_error(e, name) }
        })?;
        let location = self.location.clone();
        Ok(result.body.map(move |chunk| chunk.map_err(|e| map_error(e, &location))).boxed())
    }

    async fn put(&self, name: &str, content: Bytes, properties: &BlobProperties) -> Result<()> {
        // One request for the whole body: the caller only sends small files here.
        let options = with_blob_properties!(BlockBlobClientUploadOptions, properties, {
            partition_size: Some(std::num::NonZero::new(content.len().max(1) as u64).expect("max(1)")),
            parallel: Some(std::num::NonZero::new(1).expect("1")),
        });
        self.block_blob(name).upload(body(content), Some(options)).await.map_err(|e| self.error(e))?;
        Ok(())
    }

    async fn start_multipart(&self, name: &str, resume: Option<&str>) -> Result<MultipartUpload> {
        // Nothing to ask the service: blocks are staged against the blob's name.
        Ok(MultipartUpload { name: name.to_string(), upload_id: crate::store::types::upload_id(resume)? })
    }

    async fn staged_parts(&self, upload: &MultipartUpload) -> Result<Vec<StagedPart>> {
        let listed = match self.block_blob(&upload.name).get_block_list(BlockListType::Uncommitted, None).await {
            Ok(r) => r.into_model().map_err(|e| self.error(e))?,
            // No blob and no staged block yet.
            Err(e) if e.http_status() == Some(StatusCode::NotFound) => return Ok(Vec::new()),
            Err(e) => return Err(self.error(e)),
        };
        let blocks = listed.uncommitted_blocks.unwrap_or_default().into_iter().filter_map(|b| Some((b.name?, b.size.unwrap_or(0) as u64)));
        Ok(multipart::parts_of(&upload.upload_id, blocks))
    }

    async fn put_part(&self, upload: &MultipartUpload, index: u32, content: Bytes) -> Result<PartId> {
        let id = multipart::block_id(&upload.upload_id, index);
        let len = content.len() as u64;
        self.block_blob(&upload.name).stage_block(id.0.as_bytes(), len, body(content), None).await.map_err(|e| self.error(e))?;
        Ok(id)
    }

    async fn complete_multipart(&self, upload: &MultipartUpload, parts: Vec<PartId>, properties: &BlobProperties) -> Result<()> {
        let ids = parts.into_iter().map(|p| p.0.into_bytes()).collect();
        let list = BlockLookupList { latest: Some(ids), ..Default::default() };
        let body = RequestContent::try_from(list).map_err(|e| self.error(e))?;
        let options = with_blob_properties!(BlockBlobClientCommitBlockListOptions, properties, {});
        self.block_blob(&upload.name).commit_block_list(body, Some(options)).await.map_err(|e| self.error(e))?;
        Ok(())
    }

    async fn abort_multipart(&self, _upload: &MultipartUpload) -> Result<()> {
        // Azure has no request for it: uncommitted blocks are discarded by the next commit of
        // the blob, or by the service after a week.
        Ok(())
    }

    async fn set_properties(&self, name: &str, properties: &BlobProperties) -> Result<()> {
        let blob = self.container.blob_client(name);
        let options = BlobClientSetPropertiesOptions {
            blob_content_type: properties.content_type.clone(),
            blob_cache_control: properties.cache_control.clone(),
            blob_content_md5: properties.content_md5.map(|m| m.to_vec()),
            ..Default::default()
        };
        blob.set_properties(Some(options)).await.map_err(|e| self.blob_error(e, name))?;
        blob.set_metadata(&properties.metadata, None).await.map_err(|e| self.blob_error(e, name))?;
        Ok(())
    }

    fn signed_read_url(&self, name: &str) -> Option<url::Url> {
        Some(self.container.blob_client(name).url().clone())
    }

    async fn copy_from_url(&self, name: &str, source: &url::Url, metadata: HashMap<String, String>) -> Result<()> {
        use azure_storage_blob::models::{BlobClientGetPropertiesResultHeaders, BlobClientStartCopyFromUrlResultHeaders, CopyStatus};
        let blob = self.container.blob_client(name);
        let options = BlobClientStartCopyFromUrlOptions { metadata: Some(metadata), ..Default::default() };
        let started = blob.start_copy_from_url(source.to_string(), Some(options)).await.map_err(|e| map_error(e, &self.location))?;
        let mut status = started.copy_status().map_err(|e| map_error(e, &self.location))?;
        // Within an account the copy is done at once; across accounts the service copies in the
        // background and the blob's properties report progress.
        let mut delay = std::time::Duration::from_millis(100);
        loop {
            match status {
                Some(CopyStatus::Success) | None => return Ok(()),
                Some(CopyStatus::Pending) => {
                    tokio::time::sleep(delay).await;
                    delay = (delay * 2).min(std::time::Duration::from_secs(5));
                    let props = blob.get_properties(None).await.map_err(|e| map_error(e, &self.location))?;
                    status = props.copy_status().map_err(|e| map_error(e, &self.location))?;
                }
                Some(other) => {
                    return Err(EngineError::Service {
                        status: None,
                        code: Some(format!("Copy{other:?}")),
                        message: format!("the server-side copy of '{name}' ended as {other:?}"), retry_after_secs: None
                    });
                }
            }
        }
    }

    async fn delete(&self, name: &str) -> Result<()> {
        let options = BlobClientDeleteOptions { delete_snapshots: Some(DeleteSnapshotsOptionType::Include), ..Default::default() };
        match self.container.blob_client(name).delete(Some(options)).await {
            Ok(_) => Ok(()),
            Err(e) if e.http_status() == Some(StatusCode::NotFound) => Ok(()),
            Err(e) => Err(map_error(e, &self.location)),
        }
    }

    async fn check_container(&self) -> Result<()> {
        // A one-item listing proves read + list rights and the container's existence at once.
        let options = BlobContainerClientListBlobsOptions { maxresults: Some(1), ..Default::default() };
        let mut pages = self.container.list_blobs(Some(options)).map_err(|e| map_error(e, &self.location))?.into_pages();
        match pages.next().await {
            Some(Err(e)) => Err(map_error(e, &self.location)),
            _ => Ok(()),
        }
    }
}

/// Maps the SDK's errors into the engine's vocabulary, keeping SAS signatures out of messages.
pub fn map_error(e: azure_core::Error, location: &ContainerUrl) -> EngineError {
    use azure_core::error::ErrorKind;
    match e.kind() {
        ErrorKind::HttpResponse { status, error_code, .. } => {
            let code = error_code.clone().unwrap_or_else(|| status.to_string());
            match (*status, code.as_str()) {
                (StatusCode::NotFound, "ContainerNotFound") => {
                    EngineError::ContainerNotFound { container: location.container.clone(), url: location.display() }
                }
                (StatusCode::Forbidden, "AuthenticationFailed" | "AuthorizationFailure" | "InvalidAuthenticationInfo")
                | (StatusCode::Unauthorized, _) => EngineError::AuthenticationFailed { code },
                (StatusCode::Forbidden, _) => EngineError::AuthorizationFailed { code },
                (StatusCode::NotFound, "ResourceNotFound") if location.sas().is_none() => {
                    // An unsigned request to a private container looks like "not found".
                    EngineError::AuthenticationFailed { code }
                }
                _ => EngineError::Service {
                    status: Some(u16::from(*status)),
                    code: error_code.clone(),
                    message: redact_text(&service_message(&e.to_string())),
                    retry_after_secs: retry_after(&e),
                },
            }
        }
        ErrorKind::Credential => EngineError::SignInFailed { reason: redact_text(&sign_in_reason(&e)) },
        // The transport says Connection only when no connection could be made; anything else
        // (reset, closed before the response, a body cut short) broke an open connection.
        ErrorKind::Connection => EngineError::Unreachable { endpoint: location.display(), detail: redact_text(&root_cause(&e)) },
        ErrorKind::Io => EngineError::ConnectionLost { detail: redact_text(&root_cause(&e)) },
        _ => EngineError::Service { status: None, code: None, message: redact_text(&error_chain(&e)), retry_after_secs: None },
    }
}

/// The service's `Retry-After` in seconds (the form Azure Storage sends), when the response had one.
fn retry_after(e: &azure_core::Error) -> Option<u32> {
    let azure_core::error::ErrorKind::HttpResponse { raw_response: Some(raw), .. } = e.kind() else { return None };
    raw.headers().get_optional_str(&azure_core::http::headers::RETRY_AFTER)?.trim().parse().ok()
}

/// The service's own sentence from an error (its XML `<Message>`, first line), not the raw body.
fn service_message(text: &str) -> String {
    let inner = text
        .split_once("<Message>")
        .and_then(|(_, rest)| rest.split_once("</Message>"))
        .map_or(text, |(message, _)| message);
    inner.lines().map(str::trim).find(|l| !l.is_empty()).unwrap_or("no details").to_string()
}

/// The innermost error says what actually happened ("Connection refused"), without the layers of
/// retry and client wrapping around it.
fn root_cause(e: &dyn std::error::Error) -> String {
    let mut cause = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        cause = s.to_string();
        source = s.source();
    }
    cause
}

/// The identity service's own sentence (e.g. "AADSTS7000215: Invalid client secret provided."), found
/// under the SDK's wrappers ("non-transport error occurred which will not be retried").
fn sign_in_reason(e: &dyn std::error::Error) -> String {
    let mut lines = Vec::new();
    let mut current: Option<&dyn std::error::Error> = Some(e);
    while let Some(err) = current {
        lines.push(crate::auth::sign_in::first_line(&err.to_string()));
        current = err.source();
    }
    let informative = |l: &&String| !l.contains("will not be retried") && !l.is_empty();
    lines.iter().rev().find(|l| informative(l) && l.contains("AADSTS")).or_else(|| lines.iter().rev().find(informative)).cloned().unwrap_or_else(|| "no details".into())
}

fn error_chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        let part = s.to_string();
        if !text.contains(&part) {
            text.push_str(": ");
            text.push_str(&part);
        }
        source = s.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use azure_core::error::ErrorKind;
    use azure_core::http::{RawResponse, StatusCode, headers::Headers};

    fn location() -> crate::spec::container_url::ContainerUrl {
        crate::spec::container_url::ContainerUrl::parse("http://127.0.0.1:9/devstoreaccount1/retries").unwrap()
    }

    #[test]
    fn throttling_keeps_its_status_and_retry_after_and_connections_say_how_they_failed() {
        let mut headers = Headers::new();
        headers.insert("retry-after", "7");
        headers.insert("x-ms-error-code", "TooManyRequests");
        let raw = RawResponse::from_bytes(StatusCode::TooManyRequests, headers, "");
        let kind = ErrorKind::HttpResponse { status: StatusCode::TooManyRequests, error_code: Some("TooManyRequests".into()), raw_response: Some(Box::new(raw)) };
        let mapped = super::map_error(azure_core::Error::with_message(kind, "429"), &location());
        assert!(
            matches!(mapped, crate::error::EngineError::Service { status: Some(429), retry_after_secs: Some(7), .. }),
            "{mapped:?}"
        );
        let refused = super::map_error(azure_core::Error::with_message(ErrorKind::Connection, "connection refused"), &location());
        assert_eq!(refused.error_id(), "ServiceUnreachable");
        let reset = super::map_error(azure_core::Error::with_message(ErrorKind::Io, "connection reset"), &location());
        assert_eq!(reset.error_id(), "ConnectionLost");
    }

    #[test]
    fn service_errors_keep_only_the_service_s_sentence() {
        let raw = "HttpResponse(Conflict, \"BlobArchived\"): <?xml version=\"1.0\"?>\n<Error><Code>BlobArchived</Code><Message>This operation is not permitted on an archived blob.\nRequestId:1\nTime:2026</Message></Error>";
        assert_eq!(super::service_message(raw), "This operation is not permitted on an archived blob.");
        assert_eq!(super::service_message("plain\nsecond"), "plain");
    }
}

//! One error type for the whole engine, each variant with a stable id a script can match on
//! (`errorId` in events, `FullyQualifiedErrorId` in PowerShell) and a message that says what to fix.

use thiserror::Error;

pub use crate::error_ids::{ErrorCategory, ErrorId, RaisedBy};

#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum EngineError {
    #[error("the job spec is not valid: {0}")]
    InvalidSpec(String),
    #[error("source folder '{0}' does not exist; check the path")]
    SourceNotFound(String),
    #[error("source '{0}' is not a folder; sync takes a folder")]
    SourceNotAFolder(String),
    #[error("destination '{0}' exists and is not a folder")]
    DestinationNotAFolder(String),
    #[error("destination '{url}' is not a valid container URL: {why}. Expected https://<account>.blob.core.windows.net/<container>[/<prefix>][?<SAS>]")]
    InvalidDestination { url: String, why: String },
    #[error("source '{url}' is not a valid container URL: {why}. Expected https://<account>.blob.core.windows.net/<container>[/<prefix>][?<SAS>]")]
    InvalidSource { url: String, why: String },
    #[error("container '{container}' does not exist at {url}; create it first or check the name")]
    ContainerNotFound { container: String, url: String },
    #[error("the storage account rejected the credentials ({code}): check the account key or SAS token and that it is not expired")]
    AuthenticationFailed { code: String },
    #[error("the container is not public and no credentials were given: add a SAS token to the URL, set AZCOPY_ACCOUNT_KEY or AZCOPY_AUTO_LOGIN_TYPE (PowerShell: -StorageAccountKey, -Vault/-SecretName or -Credential)")]
    MissingCredentials,
    #[error("access denied ({code}): the credentials lack permission for this operation (a SAS needs read, write and list; a service principal or managed identity needs the 'Storage Blob Data Contributor' role on the account or container)")]
    AuthorizationFailed { code: String },
    #[error("the sign-in is not complete: {0}")]
    InvalidCredential(String),
    #[error("signing in to Entra ID failed: {reason}. Check the tenant id, application id and secret or certificate (and that it has not expired)")]
    SignInFailed { reason: String },
    #[error("refusing to send a bearer token over plain http to {url}: anyone on the network could reuse it; use an https URL")]
    BearerTokenOverHttp { url: String },
    #[error("the CA certificate bundle is not usable: {0}")]
    InvalidCaCertificate(String),
    #[error("the account key is not valid base64; copy it again from the storage account's Access keys")]
    InvalidAccountKey,
    #[error("cannot reach the storage service at {endpoint}: {detail}")]
    Unreachable { endpoint: String, detail: String },
    /// `retry_after_secs`: the service's `Retry-After` (seconds), when it sent one.
    #[error("storage service error{}: {message}", code.as_deref().map(|c| format!(" ({c})")).unwrap_or_default())]
    Service { status: Option<u16>, code: Option<String>, message: String, retry_after_secs: Option<u32> },
    #[error("the connection to the storage service broke mid-request: {detail}")]
    ConnectionLost { detail: String },
    #[error("cannot read '{path}': {detail}")]
    LocalIo { path: String, detail: String },
    #[error("file '{path}' changed while it was being uploaded; it will be picked up by the next run")]
    SourceChanged { path: String },
    #[error("the plan would delete {planned} {what}, more than the limit of {limit}; nothing was deleted. Check the source, or raise the limit (--max-delete / -MaxDelete)")]
    MaxDeleteExceeded { planned: u64, limit: u64, what: &'static str },
    #[error("blob '{name}' cannot be saved as a local file: {why}")]
    InvalidLocalName { name: String, why: String },
    #[error("blob '{blob}' failed its MD5 check and was not kept: {detail}")]
    Md5Mismatch { blob: String, detail: String },
    #[error("blob '{name}' does not exist")]
    BlobNotFound { name: String },
    #[error("this storage backend does not offer {what}")]
    NotSupported { what: &'static str },
    #[error("the job was cancelled")]
    Cancelled,
    #[error("internal error: {0}")]
    Internal(String),
    #[error("no job '{0}' in the journal; Get-AzBlobJob (or `azblobsync jobs list`) shows the jobs recorded, with the same -JobDirectory / --job-dir")]
    JobNotFound(String),
    #[error("job '{0}' is running in another process; wait for it or cancel it first")]
    JobRunning(String),
    #[error("the job journal cannot be used: {0}")]
    JournalUnavailable(String),
}

impl EngineError {
    /// A stable identifier, never reworded: scripts and PowerShell error records key on it.
    pub fn error_id(&self) -> &'static str {
        self.id().as_str()
    }

    /// The id as a value (its category says what kind of failure it is).
    pub fn id(&self) -> ErrorId {
        match self {
            Self::InvalidSpec(_) => ErrorId::InvalidSpec,
            Self::SourceNotFound(_) => ErrorId::SourceNotFound,
            Self::SourceNotAFolder(_) => ErrorId::SourceNotAFolder,
            Self::DestinationNotAFolder(_) => ErrorId::DestinationNotAFolder,
            Self::InvalidDestination { .. } => ErrorId::InvalidDestination,
            Self::InvalidSource { .. } => ErrorId::InvalidSource,
            Self::ContainerNotFound { .. } => ErrorId::ContainerNotFound,
            Self::AuthenticationFailed { .. } => ErrorId::AuthenticationFailed,
            Self::AuthorizationFailed { .. } => ErrorId::AuthorizationFailed,
            Self::MissingCredentials => ErrorId::MissingCredentials,
            Self::InvalidAccountKey => ErrorId::InvalidAccountKey,
            Self::InvalidCredential(_) => ErrorId::InvalidCredential,
            Self::SignInFailed { .. } => ErrorId::SignInFailed,
            Self::BearerTokenOverHttp { .. } => ErrorId::BearerTokenOverHttp,
            Self::InvalidCaCertificate(_) => ErrorId::InvalidCaCertificate,
            Self::Unreachable { .. } => ErrorId::ServiceUnreachable,
            Self::Service { .. } => ErrorId::ServiceError,
            Self::ConnectionLost { .. } => ErrorId::ConnectionLost,
            Self::LocalIo { .. } => ErrorId::LocalIoError,
            Self::SourceChanged { .. } => ErrorId::SourceChanged,
            Self::MaxDeleteExceeded { .. } => ErrorId::MaxDeleteExceeded,
            Self::InvalidLocalName { .. } => ErrorId::InvalidLocalName,
            Self::Md5Mismatch { .. } => ErrorId::Md5Mismatch,
            Self::BlobNotFound { .. } => ErrorId::BlobNotFound,
            Self::NotSupported { .. } => ErrorId::NotSupported,
            Self::Cancelled => ErrorId::Cancelled,
            Self::Internal(_) => ErrorId::InternalError,
            Self::JobNotFound(_) => ErrorId::JobNotFound,
            Self::JobRunning(_) => ErrorId::JobRunning,
            Self::JournalUnavailable(_) => ErrorId::JournalUnavailable,
        }
    }

    /// Errors that concern the whole job (no point trying the other files). An unreachable
    /// service is not one of them on its own: the job checked it could reach the service before
    /// starting, so one file's refused connections are that file's failure; only a streak of them
    /// ([`Self::dooms_job_when_repeated`]) means nothing can be reached any more.
    pub fn is_fatal_for_job(&self) -> bool {
        matches!(
            self,
            Self::ContainerNotFound { .. }
                | Self::AuthenticationFailed { .. }
                | Self::AuthorizationFailed { .. }
                | Self::MissingCredentials
                | Self::InvalidAccountKey
                | Self::InvalidCredential(_)
                | Self::SignInFailed { .. }
                | Self::BearerTokenOverHttp { .. }
                | Self::InvalidCaCertificate(_)
        )
    }

    /// Errors that doom the job when several files in a row end with them (see `job::tally`).
    pub fn dooms_job_when_repeated(&self) -> bool {
        matches!(self, Self::Unreachable { .. })
    }

    pub fn local_io(path: &std::path::Path, err: &std::io::Error) -> Self {
        Self::LocalIo { path: path.display().to_string(), detail: err.to_string() }
    }
}

pub type Result<T, E = EngineError> = std::result::Result<T, E>;

//! Every stable error id a host can see, and its category: the one list. The C# layer's
//! `ErrorIds.g.cs` is generated from it (native/bindgen), so no host keeps a list of its own.

/// What kind of failure an id is. Every name is also a member of PowerShell's `ErrorCategory`,
/// so a host maps by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorCategory {
    NotSpecified,
    InvalidArgument,
    ObjectNotFound,
    AuthenticationError,
    PermissionDenied,
    ConnectionError,
    ResourceUnavailable,
    ReadError,
    OperationStopped,
    NotInstalled,
    ProtocolError,
    LimitsExceeded,
    InvalidResult,
    InvalidData,
    SecurityError,
}

impl ErrorCategory {
    pub const ALL: &'static [ErrorCategory] = &[
        Self::NotSpecified,
        Self::InvalidArgument,
        Self::ObjectNotFound,
        Self::AuthenticationError,
        Self::PermissionDenied,
        Self::ConnectionError,
        Self::ResourceUnavailable,
        Self::ReadError,
        Self::OperationStopped,
        Self::NotInstalled,
        Self::ProtocolError,
        Self::LimitsExceeded,
        Self::InvalidResult,
        Self::InvalidData,
        Self::SecurityError,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::NotSpecified => "NotSpecified",
            Self::InvalidArgument => "InvalidArgument",
            Self::ObjectNotFound => "ObjectNotFound",
            Self::AuthenticationError => "AuthenticationError",
            Self::PermissionDenied => "PermissionDenied",
            Self::ConnectionError => "ConnectionError",
            Self::ResourceUnavailable => "ResourceUnavailable",
            Self::ReadError => "ReadError",
            Self::OperationStopped => "OperationStopped",
            Self::NotInstalled => "NotInstalled",
            Self::ProtocolError => "ProtocolError",
            Self::LimitsExceeded => "LimitsExceeded",
            Self::InvalidResult => "InvalidResult",
            Self::InvalidData => "InvalidData",
            Self::SecurityError => "SecurityError",
        }
    }
}

/// Declares the ids once: the enum, its text, its category, who raises it and why.
macro_rules! error_ids {
    ($($(#[doc = $doc:literal])* $id:ident => $category:ident, $raised_by:ident;)*) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum ErrorId { $($(#[doc = $doc])* $id,)* }

        impl ErrorId {
            /// Every id, in declaration order.
            pub const ALL: &'static [ErrorId] = &[$(Self::$id),*];

            /// The id's text, never reworded.
            pub fn as_str(self) -> &'static str {
                match self { $(Self::$id => stringify!($id),)* }
            }

            pub fn category(self) -> ErrorCategory {
                match self { $(Self::$id => ErrorCategory::$category,)* }
            }

            /// Who raises it: the engine (in events and spec checks) or only a host (before or around the engine).
            pub fn raised_by(self) -> RaisedBy {
                match self { $(Self::$id => RaisedBy::$raised_by,)* }
            }

            /// One sentence on what the id means (its doc comment).
            pub fn describe(self) -> &'static str {
                match self { $(Self::$id => concat!($($doc),*).trim_ascii(),)* }
            }
        }
    };
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RaisedBy {
    Engine,
    Host,
}

error_ids! {
    /// The job spec (or a flag or parameter feeding it) is not valid.
    InvalidSpec => InvalidArgument, Engine;
    /// The local source does not exist.
    SourceNotFound => ObjectNotFound, Engine;
    /// The local source is not what the operation takes (a file where a folder is needed).
    SourceNotAFolder => InvalidArgument, Engine;
    /// A download's local destination exists and is a file.
    DestinationNotAFolder => InvalidArgument, Engine;
    /// The destination is not a valid container URL.
    InvalidDestination => InvalidArgument, Engine;
    /// The source is not a valid container URL.
    InvalidSource => InvalidArgument, Engine;
    /// The container does not exist.
    ContainerNotFound => ObjectNotFound, Engine;
    /// The service rejected the credentials.
    AuthenticationFailed => AuthenticationError, Engine;
    /// The container is not public and no credentials were given.
    MissingCredentials => AuthenticationError, Engine;
    /// The credentials lack a permission.
    AuthorizationFailed => PermissionDenied, Engine;
    /// The account key is not valid base64.
    InvalidAccountKey => InvalidArgument, Engine;
    /// The sign-in settings are incomplete or contradictory (e.g. a service principal without a tenant).
    InvalidCredential => InvalidArgument, Engine;
    /// Entra ID refused the sign-in (a wrong secret, an unknown tenant, an expired certificate).
    SignInFailed => AuthenticationError, Engine;
    /// A bearer token would have gone over plain http; it is only ever sent over https.
    BearerTokenOverHttp => SecurityError, Engine;
    /// The CA certificate bundle given cannot be read or holds no certificate.
    InvalidCaCertificate => InvalidArgument, Engine;
    /// The storage service cannot be reached.
    ServiceUnreachable => ConnectionError, Engine;
    /// The storage service answered with an error.
    ServiceError => ResourceUnavailable, Engine;
    /// The connection broke or stalled in the middle of a request (retried, then reported for the file).
    ConnectionLost => ConnectionError, Engine;
    /// A local file or folder could not be read or written.
    LocalIoError => ReadError, Engine;
    /// A file changed while it was being uploaded.
    SourceChanged => ReadError, Engine;
    /// The plan would delete more than the limit; nothing was deleted.
    MaxDeleteExceeded => LimitsExceeded, Engine;
    /// A blob's name cannot be a local file name.
    InvalidLocalName => InvalidData, Engine;
    /// A download failed its MD5 check.
    Md5Mismatch => InvalidResult, Engine;
    /// A blob the job needed is not there (it was deleted while the job ran).
    BlobNotFound => ObjectNotFound, Engine;
    /// The storage backend cannot do what was asked (a capability it does not have).
    NotSupported => NotSpecified, Engine;
    /// The job was cancelled.
    Cancelled => OperationStopped, Engine;
    /// A bug: the engine reached a state it should not.
    InternalError => NotSpecified, Engine;
    /// No job of that id is recorded in the jobs folder.
    JobNotFound => ObjectNotFound, Engine;
    /// The job is running in another process (it cannot be resumed or removed meanwhile).
    JobRunning => ResourceUnavailable, Engine;
    /// The job journal (its folder or database) cannot be opened or written.
    JournalUnavailable => ResourceUnavailable, Engine;
    /// A wildcard path matched several items where one is needed.
    SourceAmbiguous => InvalidArgument, Host;
    /// The native engine library was not found or could not be loaded.
    NativeEngineNotFound => NotInstalled, Host;
    /// The native engine library speaks another ABI version.
    NativeAbiMismatch => NotInstalled, Host;
    /// The engine sent something the host could not understand.
    EngineProtocolError => ProtocolError, Host;
    /// The engine did not confirm a cancellation in time.
    CancellationTimedOut => OperationStopped, Host;
    /// -Vault was given but Microsoft.PowerShell.SecretManagement is not installed.
    SecretManagementNotInstalled => NotInstalled, Host;
    /// No vault of that name is registered for the account.
    VaultNotFound => ObjectNotFound, Host;
    /// The vault (SecretStore) needs Unlock-SecretStore first.
    VaultLocked => AuthenticationError, Host;
    /// The vault has no secret of that name.
    SecretNotFound => ObjectNotFound, Host;
    /// The secret is not a service principal (hashtable, credential or JSON with an id and a secret).
    SecretWrongShape => InvalidArgument, Host;
    /// A service principal without a tenant: neither -TenantId nor a TenantId in the secret.
    MissingTenant => InvalidArgument, Host;
}

impl ErrorId {
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|id| id.as_str() == text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_described_and_parse_back() {
        let mut seen = std::collections::HashSet::new();
        for id in ErrorId::ALL {
            assert!(seen.insert(id.as_str()), "{} twice", id.as_str());
            assert!(!id.describe().is_empty(), "{} has no description", id.as_str());
            assert_eq!(ErrorId::parse(id.as_str()), Some(*id));
        }
        assert_eq!(ErrorId::parse("NoSuchId"), None);
    }

    #[test]
    fn every_category_is_listed() {
        for id in ErrorId::ALL {
            assert!(ErrorCategory::ALL.contains(&id.category()));
        }
    }
}

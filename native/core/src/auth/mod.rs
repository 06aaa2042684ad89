//! Credentials: the values a job signs in with. A host hands them to the engine in the spec; the
//! engine itself never looks for one in the environment.

/// How a job signs in, for now: a SAS in the URL, or an account key (SharedKey).
pub enum Credential {
    SasOrAnonymous,
    AccountKey(String),
}

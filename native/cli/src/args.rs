//! Command-line arguments. Names follow AzCopy (`--put-md5`, `--dry-run`, `--output-type`,
//! `--log-level`, `--block-size-mb`, `--cap-concurrency`-like `--concurrency`).

use azblobsync_core::transfer::download::CheckMd5;
use azblobsync_core::store::AccessTier;
use azblobsync_core::error::{EngineError, Result};
use azblobsync_core::plan::Overwrite;
use azblobsync_core::spec::{CompareHash, JobSpec, Operation};
use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Parser)]
#[command(name = "azblobsync", version, about = "Sync local folders with Azure Blob Storage")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand)]
pub enum Command {
    /// One-way mirror, either way: a local folder into a container (or a virtual directory in it),
    /// or a container into a local folder. Transfers what is missing or changed (size or modified
    /// time); deletes what has no source only with --delete-destination.
    Sync(SyncArgs),
    /// Compare a local folder with a container and report every difference (missing, changed,
    /// extra) and why, writing nothing: the verify step of a scheduled job. Exit code 0 when they
    /// match, 1 when they differ.
    Check(CheckArgs),
    /// Copy a file, a folder (--recursive) or a folder's contents ("dir/*") to or from a container,
    /// as AzCopy does. Existing destinations are handled as --overwrite says; never deletes.
    Copy(CopyArgs),
    /// The jobs recorded in the journal: list, show, rm, resume.
    #[command(subcommand)]
    Jobs(crate::jobs::JobsCommand),
    /// AzCopy caches a sign-in here; azblobsync keeps no token cache and signs in on every run.
    Login(LoginArgs),
}

/// Whatever AzCopy's `login` takes; accepted only to explain what to do instead.
#[derive(Args)]
pub struct LoginArgs {
    #[arg(trailing_var_arg = true, allow_hyphen_values = true, hide = true)]
    pub ignored: Vec<String>,
}

/// The one line `azblobsync login` prints.
pub const LOGIN_INSTEAD: &str = "azblobsync keeps no token cache and signs in on every run: set AZCOPY_AUTO_LOGIN_TYPE=SPN|MSI|AZCLI|WORKLOAD with its AZCOPY_SPA_*/AZCOPY_MSI_*/AZCOPY_TENANT_ID variables (as for AzCopy), or in PowerShell use Sync-AzBlob -Vault <vault> -SecretName <name> -TenantId <tenant>";

/// Which files take part, as AzCopy names them. Several values: repeat the flag or join with ';'.
#[derive(Args, Default)]
pub struct FilterArgs {
    /// Only files whose NAME matches one of these wildcards (e.g. "*.jpg;*.pdf").
    #[arg(long, value_name = "PATTERNS")]
    pub include_pattern: Vec<String>,
    /// Skip files whose NAME matches one of these wildcards.
    #[arg(long, value_name = "PATTERNS")]
    pub exclude_pattern: Vec<String>,
    /// Only these relative paths (a file, or a folder and all below it).
    #[arg(long, value_name = "PATHS")]
    pub include_path: Vec<String>,
    /// Skip these relative paths (a file, or a folder and all below it; never even listed).
    #[arg(long, value_name = "PATHS")]
    pub exclude_path: Vec<String>,
    /// Only files whose relative path matches one of these regular expressions.
    #[arg(long, value_name = "REGEX")]
    pub include_regex: Vec<String>,
    /// Skip files whose relative path matches one of these regular expressions.
    #[arg(long, value_name = "REGEX")]
    pub exclude_regex: Vec<String>,
    /// Only files modified at or after this ISO 8601 time (e.g. 2026-01-31T00:00:00Z).
    #[arg(long, value_name = "TIME")]
    pub include_after: Option<String>,
    /// Only files modified at or before this ISO 8601 time.
    #[arg(long, value_name = "TIME")]
    pub include_before: Option<String>,
    /// Only files at least this old (e.g. 90s, 12h, 7d).
    #[arg(long, value_name = "DURATION")]
    pub min_age: Option<String>,
    /// Only files at most this old.
    #[arg(long, value_name = "DURATION")]
    pub max_age: Option<String>,
}

impl FilterArgs {
    fn apply(&self, spec: &mut JobSpec) {
        spec.include_pattern = self.include_pattern.clone();
        spec.exclude_pattern = self.exclude_pattern.clone();
        spec.include_path = self.include_path.clone();
        spec.exclude_path = self.exclude_path.clone();
        spec.include_regex = self.include_regex.clone();
        spec.exclude_regex = self.exclude_regex.clone();
        spec.include_after = self.include_after.clone();
        spec.include_before = self.include_before.clone();
        spec.min_age = self.min_age.clone();
        spec.max_age = self.max_age.clone();
    }
}

#[derive(Args)]
pub struct CheckArgs {
    /// Local folder.
    pub source: String,
    /// Container URL (see `sync`).
    pub destination: String,
    #[arg(long, value_enum, default_value_t = OutputType::Text)]
    pub output_type: OutputType,
    #[arg(long, value_enum, default_value_t = LogLevel::Info, ignore_case = true)]
    pub log_level: LogLevel,
    #[command(flatten)]
    pub filters: FilterArgs,
    #[command(flatten)]
    pub hashing: HashArgs,
    #[command(flatten)]
    pub sign_in: SignInArgs,
}

impl CheckArgs {
    pub fn to_spec(&self) -> Result<JobSpec> {
        let mut spec = JobSpec {
            operation: Operation::Check,
            source: self.source.clone(),
            destination: self.destination.clone(),
            ..Default::default()
        };
        self.filters.apply(&mut spec);
        self.hashing.apply(&mut spec);
        self.sign_in.apply(&mut spec);
        spec.validate()?;
        Ok(spec)
    }
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputType {
    Text,
    Json,
}

/// Parses AzCopy's "k=v;k2=v2" (metadata) and "k=v&k2=v2" (tags) forms.
fn pairs(flag: &str, value: Option<&str>, separator: char) -> Result<std::collections::BTreeMap<String, String>> {
    let mut map = std::collections::BTreeMap::new();
    for pair in value.unwrap_or_default().split(separator).map(str::trim).filter(|p| !p.is_empty()) {
        let (k, v) = pair
            .split_once('=')
            .ok_or_else(|| EngineError::InvalidSpec(format!("{flag}: '{pair}' is not key=value")))?;
        map.insert(k.trim().to_string(), v.trim().to_string());
    }
    Ok(map)
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
#[value(rename_all = "PascalCase")]
pub enum TierArg {
    Hot,
    Cool,
    Cold,
    Archive,
}

impl From<TierArg> for AccessTier {
    fn from(t: TierArg) -> Self {
        match t {
            TierArg::Hot => Self::Hot,
            TierArg::Cool => Self::Cool,
            TierArg::Cold => Self::Cold,
            TierArg::Archive => Self::Archive,
        }
    }
}

/// AzCopy's spelling of the MD5 check modes.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
#[value(rename_all = "PascalCase")]
pub enum CheckMd5Arg {
    NoCheck,
    LogOnly,
    FailIfDifferent,
    FailIfDifferentOrMissing,
}

impl From<CheckMd5Arg> for CheckMd5 {
    fn from(a: CheckMd5Arg) -> Self {
        match a {
            CheckMd5Arg::NoCheck => Self::NoCheck,
            CheckMd5Arg::LogOnly => Self::LogOnly,
            CheckMd5Arg::FailIfDifferent => Self::FailIfDifferent,
            CheckMd5Arg::FailIfDifferentOrMissing => Self::FailIfDifferentOrMissing,
        }
    }
}

/// AzCopy's `--output-level`, with the log-level names its how-tos use as aliases.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputLevel {
    #[value(name = "default", alias = "info", alias = "debug")]
    Default,
    #[value(name = "essential", alias = "warning", alias = "error")]
    Essential,
    #[value(name = "quiet", alias = "none")]
    Quiet,
}

impl TransferArgs {
    /// What the console shows: `--output-level` when given narrows `--log-level`.
    pub fn console_level(&self) -> LogLevel {
        match self.output_level {
            None | Some(OutputLevel::Default) => self.log_level,
            Some(OutputLevel::Essential) => self.log_level.max(LogLevel::Warning),
            Some(OutputLevel::Quiet) => LogLevel::None,
        }
    }
}

/// How to sign in besides AzCopy's variables (which `to_spec` hands over as they are).
#[derive(Args, Default)]
pub struct SignInArgs {
    /// PEM bundle of extra certificate authorities to trust (a TLS-inspecting proxy's), for storage
    /// and sign-in; SSL_CERT_FILE is honoured too.
    #[arg(long, value_name = "PEM")]
    pub ca_cert: Option<String>,
    /// The sign-in authority for a custom cloud (default: AZCOPY_ACTIVE_DIRECTORY_ENDPOINT, then
    /// AZURE_AUTHORITY_HOST, then the public cloud).
    #[arg(long, value_name = "URL")]
    pub authority_host: Option<String>,
}

impl SignInArgs {
    /// The account key and AzCopy's sign-in variables come from this process's environment: the
    /// engine never reads the environment for a credential itself.
    pub fn apply(&self, spec: &mut JobSpec) {
        spec.azcopy_environment = azblobsync_core::auth::azcopy_env::collect(|name| std::env::var(name).ok());
        spec.ca_certificate_path = self.ca_cert.clone();
        spec.authority_host = self.authority_host.clone();
    }
}

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, ValueEnum)]
#[value(rename_all = "UPPER")]
pub enum LogLevel {
    Debug,
    Info,
    Warning,
    Error,
    None,
}

/// What sync and copy share: how bytes move, what blobs carry, what is printed.
#[derive(Args)]
pub struct TransferArgs {
    /// Compute each file's MD5 while reading it and store it as the blob's Content-MD5.
    #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "true", value_parser = clap::builder::BoolishValueParser::new(), value_name = "true|false")]
    pub put_md5: bool,
    /// Compare against the destination and report what would be transferred; write nothing.
    #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "true", value_parser = clap::builder::BoolishValueParser::new(), value_name = "true|false")]
    pub dry_run: bool,
    /// text: readable lines; json: one JSON object per file and a summary, one per line.
    #[arg(long, value_enum, default_value_t = OutputType::Text)]
    pub output_type: OutputType,
    #[arg(long, value_enum, default_value_t = LogLevel::Info, ignore_case = true)]
    pub log_level: LogLevel,
    /// AzCopy's console verbosity: default, essential (failures and the summary) or quiet (nothing
    /// but failures); AzCopy's how-tos also pass log levels here (INFO, WARNING, ERROR, NONE).
    #[arg(long, value_enum, ignore_case = true)]
    pub output_level: Option<OutputLevel>,
    #[command(flatten)]
    pub sign_in: SignInArgs,
    /// Parallel requests, 1 to 512 (default: 16 per core, at least 16). The engine judges the value,
    /// so the CLI and the module refuse the same ones with the same error id.
    #[arg(long, allow_negative_numbers = true)]
    pub concurrency: Option<i64>,
    /// Block size for large files, in MiB (decimals allowed); default chosen from the file size.
    #[arg(long)]
    pub block_size_mb: Option<f64>,
    /// Most MiB of transfer buffers held at once, job-wide (default 256).
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=1_048_576))]
    pub memory_budget_mb: Option<u64>,
    /// Uploads: Content-Type for every blob (default: guessed from the extension).
    #[arg(long)]
    pub content_type: Option<String>,
    /// Uploads: Cache-Control for every blob.
    #[arg(long)]
    pub cache_control: Option<String>,
    /// Uploads: metadata for every blob, as "key1=value1;key2=value2".
    #[arg(long)]
    pub metadata: Option<String>,
    /// Uploads: index tags for every blob, as "key1=value1&key2=value2".
    #[arg(long)]
    pub blob_tags: Option<String>,
    /// Uploads: access tier for every blob.
    #[arg(long, value_enum)]
    pub block_blob_tier: Option<TierArg>,
    /// Downloads: check each blob's Content-MD5 against the bytes received.
    #[arg(long, value_enum, default_value_t = CheckMd5Arg::FailIfDifferent)]
    pub check_md5: CheckMd5Arg,
    #[command(flatten)]
    pub filters: FilterArgs,
    #[command(flatten)]
    pub journal: JournalArgs,
}

/// Where the job is recorded, and whether.
#[derive(Args, Default)]
pub struct JournalArgs {
    /// Folder of the job journal and logs (default: AZBLOBSYNC_JOB_DIR, then ~/.local/state/azblobsync,
    /// %LOCALAPPDATA%\AzBlobSync on Windows).
    #[arg(long, value_name = "DIR")]
    pub job_dir: Option<String>,
    /// Keep no journal and no log for this run (for benchmarks); it cannot be resumed.
    #[arg(long)]
    pub no_journal: bool,
}

impl LogLevel {
    /// The engine's level for the job log.
    pub fn for_job_log(self) -> azblobsync_core::journal::log::LogLevel {
        use azblobsync_core::journal::log::LogLevel as L;
        match self {
            Self::Debug => L::Debug,
            Self::Info => L::Info,
            Self::Warning => L::Warning,
            Self::Error => L::Error,
            Self::None => L::None,
        }
    }
}

impl TransferArgs {
    fn spec(&self, operation: Operation, source: &str, destination: &str) -> Result<JobSpec> {
        let block_size_bytes = match self.block_size_mb {
            Some(mb) if !(mb.is_finite() && mb > 0.0) => {
                return Err(EngineError::InvalidSpec(format!("--block-size-mb must be a positive number, got {mb}")));
            }
            Some(mb) => Some((mb * 1024.0 * 1024.0).round() as u64),
            None => None,
        };
        let mut spec = JobSpec {
            operation,
            source: source.to_string(),
            destination: destination.to_string(),
            put_md5: self.put_md5,
            dry_run: self.dry_run,
            concurrency: self.concurrency,
            block_size_bytes,
            memory_budget_bytes: self.memory_budget_mb.map(|mb| mb * 1024 * 1024),
            check_md5: self.check_md5.into(),
            content_type: self.content_type.clone(),
            cache_control: self.cache_control.clone(),
            metadata: pairs("--metadata", self.metadata.as_deref(), ';')?,
            tags: pairs("--blob-tags", self.blob_tags.as_deref(), '&')?,
            access_tier: self.block_blob_tier.map(Into::into),
            ..Default::default()
        };
        self.filters.apply(&mut spec);
        self.sign_in.apply(&mut spec);
        spec.job_dir = self.journal.job_dir.clone();
        spec.no_journal = self.journal.no_journal;
        spec.log_level = Some(self.log_level.for_job_log());
        Ok(spec)
    }
}

/// AzCopy's `--delete-destination` values.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
#[value(rename_all = "lower")]
pub enum DeleteArg {
    True,
    False,
    /// Ask before each deletion.
    Prompt,
}

#[derive(Args)]
pub struct SyncArgs {
    /// A local folder, or a container URL to download from.
    pub source: String,
    /// A container URL (https://<account>.blob.core.windows.net/<container>[/<prefix>][?<SAS>]), or
    /// a local folder to download into. Without a SAS: AzCopy's AZCOPY_AUTO_LOGIN_TYPE
    /// (SPN, MSI, AZCLI, WORKLOAD) and its companions, or an account key in AZCOPY_ACCOUNT_KEY or
    /// AZURE_STORAGE_KEY.
    pub destination: String,
    /// Delete what has no source (only inside the filters): true, false, or prompt (ask each time).
    #[arg(long, value_enum, num_args = 0..=1, default_missing_value = "true", value_name = "true|false|prompt")]
    pub delete_destination: Option<DeleteArg>,
    /// Descend into sub-folders (default true, as AzCopy's sync); --recursive=false syncs only the
    /// folder's own files.
    #[arg(long, num_args = 0..=1, require_equals = true, default_value = "true", default_missing_value = "true", value_parser = clap::builder::BoolishValueParser::new(), value_name = "true|false")]
    pub recursive: bool,
    /// With --delete-destination: if the plan would delete more than N, fail before writing or
    /// deleting anything (the whole plan is counted first; protects against a wrong or empty source).
    #[arg(long, value_name = "N", allow_negative_numbers = true)]
    pub max_delete: Option<i64>,
    #[command(flatten)]
    pub hashing: HashArgs,
    #[command(flatten)]
    pub transfer: TransferArgs,
}

/// Judging same-sized files by content instead of modified time.
#[derive(Args, Default)]
pub struct HashArgs {
    /// MD5: a same-sized file counts as changed only if its MD5 differs from the blob's
    /// Content-MD5 (local MD5s are remembered against size and time, so reruns re-read only what
    /// changed).
    #[arg(long, value_enum, value_name = "MD5")]
    pub compare_hash: Option<CompareHashArg>,
    /// Where local MD5s are remembered (default: the user's cache folder).
    #[arg(long, value_name = "FILE")]
    pub hash_cache: Option<String>,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CompareHashArg {
    #[value(name = "MD5", alias = "md5")]
    Md5,
}

impl HashArgs {
    fn apply(&self, spec: &mut JobSpec) {
        if self.compare_hash.is_some() {
            spec.compare_hash = CompareHash::Md5;
        }
        spec.hash_cache_path = self.hash_cache.clone();
    }
}

impl SyncArgs {
    pub fn to_spec(&self) -> Result<JobSpec> {
        if !self.recursive {
            return Err(EngineError::InvalidSpec(
                "sync --recursive=false is not supported yet: sync always descends; use --exclude-path for sub-folders, or copy 'dir/*'".into(),
            ));
        }
        let mut spec = self.transfer.spec(Operation::Sync, &self.source, &self.destination)?;
        spec.delete_destination = matches!(self.delete_destination, Some(DeleteArg::True | DeleteArg::Prompt));
        spec.confirm_deletes = self.delete_destination == Some(DeleteArg::Prompt);
        spec.max_delete = self.max_delete;
        self.hashing.apply(&mut spec);
        spec.validate()?;
        Ok(spec)
    }
}

/// AzCopy's `--overwrite` values.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OverwriteArg {
    #[value(name = "true")]
    True,
    #[value(name = "false")]
    False,
    #[value(name = "ifSourceNewer", alias = "ifsourcenewer")]
    IfSourceNewer,
    /// Ask before replacing each existing destination.
    #[value(name = "prompt")]
    Prompt,
}

#[derive(Args)]
pub struct CopyArgs {
    /// A file, a folder (with --recursive), a folder's contents ("dir/*"), or a container URL
    /// (optionally a blob, a virtual folder, or "prefix/*").
    pub source: String,
    /// A container URL (a blob name, or a folder ending in '/'), or a local path.
    pub destination: String,
    /// Descend into sub-folders; a folder source needs it.
    #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "true", value_parser = clap::builder::BoolishValueParser::new(), value_name = "true|false")]
    pub recursive: bool,
    /// When the destination exists: true (replace), false (keep), ifSourceNewer, or prompt.
    #[arg(long, value_enum, default_value_t = OverwriteArg::True)]
    pub overwrite: OverwriteArg,
    #[command(flatten)]
    pub transfer: TransferArgs,
}

impl CopyArgs {
    pub fn to_spec(&self) -> Result<JobSpec> {
        let mut spec = self.transfer.spec(Operation::Copy, &self.source, &self.destination)?;
        spec.recursive = self.recursive;
        spec.overwrite = match self.overwrite {
            OverwriteArg::True => Overwrite::True,
            OverwriteArg::False => Overwrite::False,
            OverwriteArg::IfSourceNewer => Overwrite::IfSourceNewer,
            OverwriteArg::Prompt => Overwrite::Prompt,
        };
        spec.validate()?;
        Ok(spec)
    }
}


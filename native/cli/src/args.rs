//! Command-line arguments. Names follow AzCopy (`--put-md5`, `--dry-run`, `--output-type`,
//! `--log-level`, `--block-size-mb`, `--cap-concurrency`-like `--concurrency`).

use azblobsync_core::error::{EngineError, Result};
use azblobsync_core::spec::{JobSpec, Operation};
use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Parser)]
#[command(name = "azblobsync", version, about = "Sync local folders with Azure Blob Storage")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand)]
pub enum Command {
    /// Mirror a local folder into a container (or a virtual directory in it). Uploads files that
    /// are missing or changed (size or modified time); never deletes.
    Sync(SyncArgs),
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputType {
    Text,
    Json,
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

#[derive(Args)]
pub struct SyncArgs {
    /// Local folder to upload from.
    pub source: String,
    /// Container URL: https://<account>.blob.core.windows.net/<container>[/<prefix>][?<SAS>].
    /// Without a SAS, the account key comes from AZCOPY_ACCOUNT_KEY or AZURE_STORAGE_KEY.
    pub destination: String,
    /// Compute each file's MD5 while reading it and store it as the blob's Content-MD5.
    #[arg(long)]
    pub put_md5: bool,
    /// Compare against the destination and report what would be transferred; write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// text: readable lines; json: one JSON object per file and a summary, one per line.
    #[arg(long, value_enum, default_value_t = OutputType::Text)]
    pub output_type: OutputType,
    #[arg(long, value_enum, default_value_t = LogLevel::Info, ignore_case = true)]
    pub log_level: LogLevel,
    /// Parallel requests (default: 16 per core, at least 16).
    #[arg(long, value_parser = clap::value_parser!(u16).range(1..=512))]
    pub concurrency: Option<u16>,
    /// Block size for large files, in MiB (decimals allowed); default chosen from the file size.
    #[arg(long)]
    pub block_size_mb: Option<f64>,
}

impl SyncArgs {
    pub fn to_spec(&self) -> Result<JobSpec> {
        let block_size_bytes = match self.block_size_mb {
            Some(mb) if !(mb.is_finite() && mb > 0.0) => {
                return Err(EngineError::InvalidSpec(format!("--block-size-mb must be a positive number, got {mb}")));
            }
            Some(mb) => Some((mb * 1024.0 * 1024.0).round() as u64),
            None => None,
        };
        let spec = JobSpec {
            operation: Operation::Sync,
            source: self.source.clone(),
            destination: self.destination.clone(),
            put_md5: self.put_md5,
            dry_run: self.dry_run,
            concurrency: self.concurrency.map(usize::from),
            account_key: None,
            block_size_bytes,
        };
        spec.validate()?;
        Ok(spec)
    }
}

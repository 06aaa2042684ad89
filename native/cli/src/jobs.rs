//! `azblobsync jobs list|show|rm|resume`: the journal's jobs, as a table for people and JSON for
//! scripts. Resume runs the recorded spec again (see `azblobsync_core::journal::resume`).

use crate::args::{LogLevel, OutputType};
use azblobsync_core::error::{EngineError, Result};
use azblobsync_core::journal::hosts::{self, Selection};
use azblobsync_core::journal::records::JobView;
use azblobsync_core::spec::JobSpec;
use clap::{Args, Subcommand};
use std::io::Write;
use std::process::ExitCode;

#[derive(Subcommand)]
pub enum JobsCommand {
    /// Every recorded job, newest first (an interrupted one is shown as Interrupted).
    List(ListArgs),
    /// One job with its failed files and their errors.
    Show(ShowArgs),
    /// Remove one job, or every job older than a date or duration and/or with a status.
    Rm(RmArgs),
    /// Run an interrupted, cancelled or failed job again under the same id: files it finished are
    /// not sent again, a large file's staged blocks are reused. A SAS is never recorded: give it again.
    Resume(ResumeArgs),
}

#[derive(Args)]
pub struct Common {
    #[arg(long, value_enum, default_value_t = OutputType::Text)]
    pub output_type: OutputType,
    /// Folder of the job journal (default: AZBLOBSYNC_JOB_DIR, then the user's state folder).
    #[arg(long, value_name = "DIR")]
    pub job_dir: Option<String>,
}

#[derive(Args)]
pub struct ListArgs {
    #[command(flatten)]
    pub common: Common,
}

#[derive(Args)]
pub struct ShowArgs {
    pub job_id: String,
    #[command(flatten)]
    pub common: Common,
}

#[derive(Args)]
pub struct RmArgs {
    /// The job to remove (or use --older-than / --status).
    pub job_id: Option<String>,
    /// Jobs started before this: an ISO 8601 time (2026-01-31T00:00:00Z) or an age (7d, 12h).
    #[arg(long, value_name = "DATE|DURATION")]
    pub older_than: Option<String>,
    /// Jobs with this status (Completed, CompletedWithErrors, Failed, Cancelled, Interrupted).
    #[arg(long, value_name = "STATUS")]
    pub status: Option<String>,
    #[command(flatten)]
    pub common: Common,
}

#[derive(Args)]
pub struct ResumeArgs {
    pub job_id: String,
    /// The source's SAS (query string), when the job read its source with one.
    #[arg(long, value_name = "SAS")]
    pub source_sas: Option<String>,
    /// The destination's SAS (query string), when the job wrote with one.
    #[arg(long, value_name = "SAS")]
    pub destination_sas: Option<String>,
    #[arg(long, value_enum, default_value_t = LogLevel::Info, ignore_case = true)]
    pub log_level: LogLevel,
    #[command(flatten)]
    pub common: Common,
    #[command(flatten)]
    pub sign_in: crate::args::SignInArgs,
}

impl ResumeArgs {
    /// The recorded spec with the sign-in given again (AzCopy's variables from this environment).
    pub fn to_spec(&self) -> Result<JobSpec> {
        let mut fresh = JobSpec::default();
        self.sign_in.apply(&mut fresh);
        let mut request = serde_json::json!({ "resumeJobId": self.job_id, "logLevel": self.log_level.for_job_log() });
        let obj = request.as_object_mut().expect("an object");
        let mut put = |k: &str, v: Option<String>| {
            if let Some(v) = v {
                obj.insert(k.into(), v.into());
            }
        };
        put("jobDir", self.common.job_dir.clone());
        put("sourceSas", self.source_sas.clone());
        put("destinationSas", self.destination_sas.clone());
        put("caCertificatePath", fresh.ca_certificate_path.clone());
        put("authorityHost", fresh.authority_host.clone());
        let variables: serde_json::Map<String, serde_json::Value> = fresh.azcopy_environment.iter().map(|(k, v)| (k.clone(), v.as_str().into())).collect();
        obj.insert("azcopyEnvironment".into(), variables.into());
        let bytes = zeroize::Zeroizing::new(serde_json::to_vec(&request).expect("JSON"));
        azblobsync_core::journal::resume::resume_spec(&bytes)
    }
}

/// list, show and rm (resume runs as a job in `main`).
pub fn run(command: &JobsCommand) -> ExitCode {
    let outcome = match command {
        JobsCommand::List(a) => list(a),
        JobsCommand::Show(a) => show(a),
        JobsCommand::Rm(a) => rm(a),
        JobsCommand::Resume(_) => unreachable!("resume runs as a job"),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("azblobsync: {e} [{}]", e.error_id());
            ExitCode::from(2)
        }
    }
}

fn list(a: &ListArgs) -> Result<()> {
    let jobs = hosts::jobs_list(a.common.job_dir.as_deref())?;
    let mut out = std::io::stdout().lock();
    if a.common.output_type == OutputType::Json {
        for job in &jobs {
            let _ = writeln!(out, "{}", serde_json::to_string(job).expect("JSON"));
        }
        return Ok(());
    }
    let _ = writeln!(out, "{:<38} {:<20} {:<21} {:>8} {:>8} {:>7} {:>8}  DESTINATION", "JOB ID", "STATUS", "STARTED", "DONE", "SKIPPED", "FAILED", "PENDING");
    for j in &jobs {
        let _ = writeln!(out, "{}", row(j));
    }
    Ok(())
}

fn row(j: &JobView) -> String {
    let c = &j.counts;
    format!(
        "{:<38} {:<20} {:<21} {:>8} {:>8} {:>7} {:>8}  {}",
        j.job_id,
        j.status.as_str(),
        j.start_time.get(..19).unwrap_or(&j.start_time).replace('T', " "),
        c.files_transferred,
        c.files_skipped,
        c.files_failed,
        c.files_pending,
        j.destination
    )
}

fn show(a: &ShowArgs) -> Result<()> {
    let job = hosts::job_show(a.common.job_dir.as_deref(), &a.job_id)?;
    let mut out = std::io::stdout().lock();
    if a.common.output_type == OutputType::Json {
        let _ = writeln!(out, "{}", serde_json::to_string(&job).expect("JSON"));
        return Ok(());
    }
    let j = &job.job;
    let _ = writeln!(out, "Job {} ({}, attempt {}{})", j.job_id, j.status.as_str(), j.attempt, if j.resumable { ", resumable" } else { "" });
    let _ = writeln!(out, "  {} {} -> {}", j.operation, j.source, j.destination);
    let _ = writeln!(out, "  started {}, ended {}", j.start_time, j.end_time.as_deref().unwrap_or("-"));
    let c = &j.counts;
    let _ = writeln!(out, "  {} transferred ({} bytes), {} skipped, {} failed, {} deleted, {} pending", c.files_transferred, c.bytes_transferred, c.files_skipped, c.files_failed, c.files_deleted, c.files_pending);
    if let Some(error) = &j.error {
        let _ = writeln!(out, "  error: {error} [{}]", j.error_id.as_deref().unwrap_or("-"));
    }
    if let Some(log) = &j.log_path {
        let _ = writeln!(out, "  log: {log}");
    }
    for f in &job.failed_files {
        let _ = writeln!(out, "  FAILED {}: {} [{}]", f.path, f.error.as_deref().unwrap_or("-"), f.error_id.as_deref().unwrap_or("-"));
    }
    Ok(())
}

fn rm(a: &RmArgs) -> Result<()> {
    if a.job_id.is_none() && a.older_than.is_none() && a.status.is_none() {
        return Err(EngineError::InvalidSpec("jobs rm needs a job id, --older-than or --status".into()));
    }
    let statuses = a.status.as_deref().map(hosts::parse_status).transpose()?.into_iter().collect();
    let before_ms = a.older_than.as_deref().map(hosts::older_than_ms).transpose()?;
    let removed = hosts::job_remove(a.common.job_dir.as_deref(), &Selection { id: a.job_id.clone(), before_ms, statuses })?;
    let mut out = std::io::stdout().lock();
    if a.common.output_type == OutputType::Json {
        let _ = writeln!(out, "{}", serde_json::json!({ "removed": removed }));
    } else {
        let _ = writeln!(out, "Removed {} job(s){}", removed.len(), if removed.is_empty() { String::new() } else { format!(": {}", removed.join(", ")) });
    }
    Ok(())
}

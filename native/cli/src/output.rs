//! What the CLI prints: JSON lines for scripts, readable lines and a progress bar for people.

use crate::args::LogLevel;
use azblobsync_core::job::events::{Action, Event, FileEvent, FileStatus, Summary};
use azblobsync_core::job::progress::ProgressSnapshot;
use indicatif::{ProgressBar, ProgressStyle};
use std::io::Write;

pub fn init_logging(level: LogLevel) {
    let filter = match level {
        LogLevel::Debug => "debug",
        LogLevel::Info | LogLevel::Warning => "warn",
        LogLevel::Error => "error",
        LogLevel::None => "off",
    };
    let _ = tracing_subscriber::fmt().with_writer(std::io::stderr).with_env_filter(filter).try_init();
}

pub fn progress_bar() -> ProgressBar {
    let bar = ProgressBar::new(0);
    bar.set_style(
        ProgressStyle::with_template("{spinner} {msg} [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec}")
            .expect("valid template")
            .progress_chars("=> "),
    );
    bar
}

pub fn update_bar(bar: &ProgressBar, p: &ProgressSnapshot) {
    bar.set_length(p.bytes_to_transfer);
    bar.set_position(p.bytes_transferred);
    bar.set_message(format!(
        "{} scanned, {}/{} files, {} skipped, {} failed",
        p.files_scanned, p.files_transferred, p.files_to_transfer, p.files_skipped, p.files_failed
    ));
}

pub struct Printer {
    json: bool,
    level: LogLevel,
    check: bool,
}

impl Printer {
    pub fn new(json: bool, level: LogLevel, check: bool) -> Self {
        Self { json, level, check }
    }

    pub fn print(&mut self, event: &Event) {
        let mut out = std::io::stdout().lock();
        if self.json {
            let _ = out.write_all(&event.to_json_line());
            return;
        }
        let _ = match event {
            Event::File(f) => self.file_line(&mut out, f),
            // The CLI never asks for confirmations (no confirmDeletes in its specs).
            Event::Confirm(_) => Ok(()),
            // Quiet (AzCopy's --output-level quiet, or --log-level NONE): only a failure speaks.
            Event::Summary(s) if self.level == LogLevel::None && s.error.is_none() => Ok(()),
            Event::Summary(s) if self.check => check_summary(&mut out, s),
            Event::Summary(s) => summary_lines(&mut out, s),
        };
    }

    fn file_line(&self, out: &mut impl Write, f: &FileEvent) -> std::io::Result<()> {
        if let Some(warning) = &f.warning {
            eprintln!("WARNING   {}: {warning}", f.path);
        }
        match f.status {
            FileStatus::Failed => {
                let error = f.error.as_deref().unwrap_or("unknown error");
                eprintln!("FAILED    {}: {error}", f.path);
                Ok(())
            }
            _ if self.level > LogLevel::Info => Ok(()),
            FileStatus::WhatIf if self.check => writeln!(out, "{:<10} {}", difference(f), f.path),
            FileStatus::Success if f.action == Action::Delete => writeln!(out, "deleted   {}", f.blob),
            FileStatus::Success if f.action == Action::Download => writeln!(out, "downloaded {} ({} bytes)", f.path, f.bytes),
            FileStatus::Success if f.action == Action::Copy => writeln!(out, "copied    {} ({} bytes, server-side)", f.blob, f.bytes),
            FileStatus::Success => writeln!(out, "uploaded  {} ({} bytes)", f.path, f.bytes),
            FileStatus::WhatIf if f.action == Action::Delete => writeln!(out, "would delete {}", f.blob),
            FileStatus::WhatIf if f.action == Action::Download => writeln!(out, "would download {} ({}, {} bytes)", f.path, f.reason, f.bytes),
            FileStatus::WhatIf if f.action == Action::Copy => writeln!(out, "would copy {} ({}, {} bytes)", f.blob, f.reason, f.bytes),
            FileStatus::WhatIf => writeln!(out, "would upload {} ({}, {} bytes)", f.path, f.reason, f.bytes),
            FileStatus::Skipped if self.level == LogLevel::Debug => writeln!(out, "skipped   {} ({})", f.path, f.reason),
            FileStatus::Skipped | FileStatus::Cancelled => Ok(()),
        }
    }
}

/// How `check` names a difference.
fn difference(f: &FileEvent) -> &'static str {
    match f.reason {
        "missing" => "missing",
        "extra" => "extra",
        _ => "changed",
    }
}

fn check_summary(out: &mut impl Write, s: &Summary) -> std::io::Result<()> {
    if let Some(error) = &s.error {
        eprintln!("azblobsync: {error}");
        return Ok(());
    }
    match s.differences {
        0 => writeln!(out, "In sync: {} files match.", s.files_skipped),
        n => writeln!(out, "{n} differences; {} files match.", s.files_skipped),
    }
}

fn summary_lines(out: &mut impl Write, s: &Summary) -> std::io::Result<()> {
    if let Some(error) = &s.error {
        // A failed job is one line on stderr naming what to fix; counts would only add noise.
        eprintln!("azblobsync: {error}");
        return Ok(());
    }
    let verb = if s.dry_run { "would transfer" } else { "transferred" };
    let mut deleted = if s.files_deleted > 0 { format!(", {} deleted", s.files_deleted) } else { String::new() };
    if s.files_done_before > 0 {
        deleted.push_str(&format!(", {} done before", s.files_done_before));
    }
    writeln!(
        out,
        "{:?}: {} files {verb} ({} bytes), {} skipped{deleted}, {} failed in {:.2}s. Job {}",
        s.status, s.files_transferred, s.bytes_transferred, s.files_skipped, s.files_failed, s.elapsed_seconds, s.job_id
    )?;
    match &s.log_path {
        Some(log) => writeln!(out, "Log: {log}"),
        None => Ok(()),
    }
}

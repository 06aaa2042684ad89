//! `azblobsync`: the engine as a command-line tool, with AzCopy's flag names where they exist.
//!
//! Exit codes: 0 every file succeeded (`check`: no differences); 1 some files failed (`check`:
//! differences found); 2 the job failed as a whole (bad input, sign-in, unreachable service,
//! --max-delete exceeded); 3 cancelled (Ctrl+C).

mod args;
mod jobs;
mod output;
mod prompt;

use azblobsync_core::error::Result;
use azblobsync_core::job::events::{Event, JobStatus};
use azblobsync_core::job::start_job_with;
use azblobsync_core::spec::JobSpec;
use clap::Parser;
use std::io::IsTerminal;
use std::process::ExitCode;
use std::time::Duration;

fn main() -> ExitCode {
    let cli = args::Cli::parse();
    let (spec, output_type, log_level, check) = match &cli.command {
        args::Command::Sync(a) => (a.to_spec(), a.transfer.output_type, a.transfer.console_level(), false),
        args::Command::Copy(a) => (a.to_spec(), a.transfer.output_type, a.transfer.console_level(), false),
        args::Command::Check(a) => (a.to_spec(), a.output_type, a.log_level, true),
        args::Command::Login(_) => {
            eprintln!("{}", args::LOGIN_INSTEAD);
            return ExitCode::from(2);
        }
        args::Command::Jobs(jobs::JobsCommand::Resume(a)) => (a.to_spec(), a.common.output_type, a.log_level, false),
        args::Command::Jobs(command) => return jobs::run(command),
    };
    run_job(spec, output_type, log_level, check)
}

/// Runs one job to its summary, printing as asked; the exit code says how it ended.
fn run_job(spec: Result<JobSpec>, output_type: args::OutputType, log_level: args::LogLevel, check: bool) -> ExitCode {
    output::init_logging(log_level);
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("azblobsync: cannot start: {e}");
            return ExitCode::from(2);
        }
    };
    let json = output_type == args::OutputType::Json;
    runtime.block_on(async move {
        let mut job = start_job_with(&tokio::runtime::Handle::current(), spec);
        let cancel = job.cancel_token();
        let mut prompter = prompt::Prompter::new(job.answers());
        tokio::spawn(async move {
            if tokio::signal::ctrl_c().await.is_ok() {
                eprintln!("azblobsync: cancelling (Ctrl+C)...");
                cancel.cancel();
            }
        });
        let bar = (!json && std::io::stderr().is_terminal()).then(output::progress_bar);
        let mut printer = output::Printer::new(json, log_level, check);
        let mut tick = tokio::time::interval(Duration::from_millis(200));
        loop {
            tokio::select! {
                event = job.next_event() => {
                    let Some(event) = event else { break };
                    if let Event::Confirm(request) = &event {
                        match &bar {
                            Some(bar) => bar.suspend(|| prompter.ask(request)),
                            None => prompter.ask(request),
                        }
                        continue;
                    }
                    if let Some(bar) = &bar {
                        bar.suspend(|| printer.print(&event));
                    } else {
                        printer.print(&event);
                    }
                    if let Event::Summary(summary) = &event {
                        if let Some(bar) = &bar { bar.finish_and_clear(); }
                        return ExitCode::from(match summary.status {
                            JobStatus::Completed if check && summary.differences > 0 => 1,
                            JobStatus::Completed => 0,
                            JobStatus::CompletedWithErrors => 1,
                            JobStatus::Failed => 2,
                            JobStatus::Cancelled => 3,
                        });
                    }
                }
                _ = tick.tick(), if bar.is_some() => {
                    if let Some(bar) = &bar { output::update_bar(bar, &job.progress()); }
                }
            }
        }
        eprintln!("azblobsync: the engine ended without a summary");
        ExitCode::from(2)
    })
}

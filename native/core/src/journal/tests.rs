//! The journal on a real database file: a job's life, batching, what never reaches the disk.

use super::*;
use crate::job::events::JobStatus as EngineStatus;
use std::time::{Duration, UNIX_EPOCH};

const SIG: &str = "SIGNATURE0123456789";
const KEY: &str = "QUNDT1VOVEtFWVNFQ1JFVA==";

fn spec(dir: &Path, extra: &str) -> JobSpec {
    let src = dir.join("src");
    std::fs::create_dir_all(&src).unwrap();
    let json = format!(
        r#"{{"source":{src:?},"destination":"http://127.0.0.1:1/acct/cont?sv=2024&sig={SIG}","accountKey":"{KEY}","jobDir":{jobs:?},"logLevel":"DEBUG"{extra}}}"#,
        src = src.to_str().unwrap(),
        jobs = dir.join("jobs").to_str().unwrap(),
    );
    JobSpec::from_json(json.as_bytes()).unwrap()
}

fn jobs_dir(dir: &Path) -> Option<String> {
    Some(dir.join("jobs").to_string_lossy().into_owned())
}

fn t(secs: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(secs)
}

fn ev(path: &str, status: FileStatus, error: Option<&str>) -> FileEvent {
    let mut e = FileEvent::new(path.into(), path.into(), Action::Upload, status, "missing", 10);
    e.error = error.map(str::to_string);
    e.error_id = error.map(|_| "ServiceError");
    e
}

#[test]
fn a_job_s_files_move_from_planned_to_done_failed_or_skipped() {
    let tmp = tempfile::tempdir().unwrap();
    let s = spec(tmp.path(), r#","jobId":"job-1""#);
    let journal = JobJournal::start(&s, "job-1").unwrap().unwrap();
    assert_eq!(journal.attempt, 1);
    for p in ["a", "b", "c"] {
        journal.planned(p, 10, t(100));
    }
    journal.file(&ev("a", FileStatus::Success, None));
    journal.file(&ev("b", FileStatus::Failed, Some(&format!("GET http://x/c?sig={SIG} failed"))));
    journal.file(&ev("s", FileStatus::Skipped, None));
    journal.flush();
    let dir = jobs_dir(tmp.path());
    let running = hosts::job_show(dir.as_deref(), "job-1").unwrap();
    assert_eq!(running.job.status, JobStatus::Running, "its process (this one) holds the lock");
    assert_eq!((running.job.counts.files_transferred, running.job.counts.files_failed, running.job.counts.files_skipped, running.job.counts.files_pending), (1, 1, 1, 1));
    // A planned file found unchanged (compared by hash) leaves its row skipped, not pending; the
    // skipped file never planned ("s") is counted without a row of its own.
    journal.file(&ev("c", FileStatus::Skipped, None));
    journal.flush();
    let counts = hosts::job_show(dir.as_deref(), "job-1").unwrap().job.counts;
    assert_eq!((counts.files_skipped, counts.files_pending), (2, 0));
    let conn = db::open(&tmp.path().join("jobs")).unwrap();
    let rows: i64 = conn.query_row("SELECT COUNT(*) FROM files WHERE job_id='job-1'", [], |r| r.get(0)).unwrap();
    assert_eq!(rows, 3, "a, b and c have rows; s is only counted");
    journal.finish(EngineStatus::CompletedWithErrors, None, serde_json::json!({}));
    let shown = hosts::job_show(dir.as_deref(), "job-1").unwrap();
    assert_eq!(shown.job.status, JobStatus::CompletedWithErrors);
    assert!(shown.job.end_time.is_some());
    assert_eq!(shown.failed_files.len(), 1);
    assert_eq!(shown.failed_files[0].error_id.as_deref(), Some("ServiceError"));
    assert_eq!(shown.job.destination, "http://127.0.0.1:1/acct/cont");

    // A resume sees what was finished, from a source of the same size and time only.
    let mut again = spec(tmp.path(), r#","jobId":"job-1","resumeJobId":"job-1""#);
    again.resume_job_id = Some("job-1".into());
    let resumed = JobJournal::start(&again, "job-1").unwrap().unwrap();
    assert_eq!(resumed.attempt, 2);
    assert!(resumed.done_before("a", 10, t(100)));
    assert!(!resumed.done_before("a", 10, t(101)), "a touched source is sent again");
    assert!(!resumed.done_before("a", 11, t(100)));
    assert!(!resumed.done_before("b", 10, t(100)), "a failed file is tried again");
    assert!(!resumed.done_before("c", 10, t(100)), "a file skipped as unchanged is looked at again");
    // The second attempt keeps rows for what it skips: the first attempt's count is let go.
    resumed.file(&ev("s", FileStatus::Skipped, None));
    resumed.flush();
    assert_eq!(hosts::job_show(dir.as_deref(), "job-1").unwrap().job.counts.files_skipped, 2, "c's row and s's, counted once each");
}

#[test]
fn a_journal_written_before_skipped_files_were_counted_gains_the_column() {
    let tmp = tempfile::tempdir().unwrap();
    let conn = rusqlite::Connection::open(tmp.path().join(db::DB_FILE)).unwrap();
    conn.execute_batch(
        "CREATE TABLE jobs(id TEXT PRIMARY KEY, spec TEXT NOT NULL, sign_in TEXT NOT NULL, operation TEXT NOT NULL, source TEXT NOT NULL,
         destination TEXT NOT NULL, status TEXT NOT NULL, attempt INTEGER NOT NULL, start_ms INTEGER NOT NULL, end_ms INTEGER,
         error_id TEXT, error TEXT, log_path TEXT);
         INSERT INTO jobs VALUES('old','{}','{}','sync','/s','http://x/c','Completed',1,1,2,NULL,NULL,NULL);",
    )
    .unwrap();
    drop(conn);
    let conn = db::open(tmp.path()).unwrap();
    let listed = db::list(&conn, &|_| false).unwrap();
    assert_eq!((listed[0].job_id.as_str(), listed[0].counts.files_skipped), ("old", 0));
}

#[test]
fn a_job_whose_process_is_gone_shows_interrupted() {
    let tmp = tempfile::tempdir().unwrap();
    let s = spec(tmp.path(), "");
    let journal = JobJournal::start(&s, "gone").unwrap().unwrap();
    // What kill -9 leaves: no end recorded; then the OS drops the lock.
    journal.flush();
    let JobJournal { writer, _lock, .. } = journal;
    drop(writer);
    drop(_lock);
    let listed = hosts::jobs_list(jobs_dir(tmp.path()).as_deref()).unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].status, JobStatus::Interrupted);
    assert!(listed[0].resumable);
}

#[test]
fn the_writer_commits_on_its_interval_and_when_dropped() {
    let tmp = tempfile::tempdir().unwrap();
    let s = spec(tmp.path(), "");
    let journal = JobJournal::start(&s, "batch").unwrap().unwrap();
    let dir = jobs_dir(tmp.path());
    let pending = || hosts::job_show(dir.as_deref(), "batch").unwrap().job.counts.files_pending;
    journal.planned("x", 1, t(1));
    // Fewer records than a batch: committed once the interval has passed.
    let deadline = std::time::Instant::now() + writer::BATCH_INTERVAL * 8;
    while pending() == 0 {
        assert!(std::time::Instant::now() < deadline, "not committed on the interval");
        std::thread::sleep(Duration::from_millis(20));
    }
    for i in 0..10 {
        journal.planned(&format!("y{i}"), 1, t(1));
    }
    drop(journal);
    assert_eq!(pending(), 11, "dropping the journal commits what was queued");
}

#[test]
fn neither_the_database_nor_the_log_holds_a_secret() {
    let tmp = tempfile::tempdir().unwrap();
    let s = spec(tmp.path(), "");
    let journal = JobJournal::start(&s, "secret").unwrap().unwrap();
    journal.file(&ev("a", FileStatus::Failed, Some(&format!("PUT http://127.0.0.1:1/acct/cont/a?sv=1&sig={SIG} refused"))));
    journal.finish(EngineStatus::Failed, Some(&EngineError::Internal(format!("url ?sig={SIG}"))), serde_json::json!({}));
    let mut seen = 0;
    for entry in std::fs::read_dir(tmp.path().join("jobs")).unwrap().chain(std::fs::read_dir(tmp.path().join("jobs/logs")).unwrap()) {
        let path = entry.unwrap().path();
        if path.is_file() {
            let bytes = std::fs::read(&path).unwrap();
            let text = String::from_utf8_lossy(&bytes);
            assert!(!text.contains(SIG) && !text.contains(KEY), "a secret in {}", path.display());
            seen += 1;
        }
    }
    assert!(seen >= 2, "the database and the log were searched");
    let log = std::fs::read_to_string(log::log_path(&tmp.path().join("jobs"), "secret")).unwrap();
    let levels: Vec<String> = log.lines().map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["level"].as_str().unwrap().to_string()).collect();
    assert_eq!(levels, ["INFO", "ERROR", "ERROR"]);
}

#[cfg(unix)]
#[test]
fn the_database_and_log_are_private() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().unwrap();
    let s = spec(tmp.path(), "");
    drop(JobJournal::start(&s, "perm").unwrap().unwrap());
    let jobs = tmp.path().join("jobs");
    for file in [jobs.join(db::DB_FILE), log::log_path(&jobs, "perm")] {
        assert_eq!(std::fs::metadata(&file).unwrap().permissions().mode() & 0o777, 0o600, "{}", file.display());
    }
}

#[test]
fn prune_removes_old_jobs_and_their_logs_by_the_clock_given() {
    let tmp = tempfile::tempdir().unwrap();
    let s = spec(tmp.path(), "");
    JobJournal::start(&s, "old").unwrap().unwrap().finish(EngineStatus::Completed, None, serde_json::json!({}));
    let jobs = tmp.path().join("jobs");
    let conn = db::open(&jobs).unwrap();
    let now = now_ms();
    assert!(hosts::prune_jobs(&jobs, &conn, now, prune::Policy::default()).unwrap().is_empty());
    let in_31_days = now + 31 * 86_400_000;
    assert_eq!(hosts::prune_jobs(&jobs, &conn, in_31_days, prune::Policy::default()).unwrap(), ["old"]);
    assert!(!log::log_path(&jobs, "old").exists());
    assert!(hosts::jobs_list(jobs_dir(tmp.path()).as_deref()).unwrap().is_empty());
}

#[test]
fn remove_takes_one_id_or_a_selection_and_never_a_running_job() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = jobs_dir(tmp.path());
    let s = spec(tmp.path(), "");
    JobJournal::start(&s, "done").unwrap().unwrap().finish(EngineStatus::Completed, None, serde_json::json!({}));
    JobJournal::start(&s, "failed").unwrap().unwrap().finish(EngineStatus::Failed, None, serde_json::json!({}));
    let running = JobJournal::start(&s, "running").unwrap().unwrap();
    assert_eq!(hosts::job_remove(dir.as_deref(), &hosts::Selection { id: Some("running".into()), ..Default::default() }).unwrap_err().error_id(), "JobRunning");
    assert_eq!(hosts::job_remove(dir.as_deref(), &hosts::Selection { id: Some("nope".into()), ..Default::default() }).unwrap_err().error_id(), "JobNotFound");
    let by_status = hosts::Selection { statuses: vec![JobStatus::Failed], ..Default::default() };
    assert_eq!(hosts::job_remove(dir.as_deref(), &by_status).unwrap(), ["failed"]);
    let everything_older = hosts::Selection { before_ms: Some(now_ms() + 1000), ..Default::default() };
    assert_eq!(hosts::job_remove(dir.as_deref(), &everything_older).unwrap(), ["done"]);
    drop(running);
}

#[test]
fn a_resume_request_needs_what_was_not_recorded_and_gets_the_recorded_rest() {
    let tmp = tempfile::tempdir().unwrap();
    let s = spec(tmp.path(), r#","putMd5":true"#);
    JobJournal::start(&s, "r1").unwrap().unwrap().finish(EngineStatus::Cancelled, None, serde_json::json!({}));
    let jobs = tmp.path().join("jobs");
    let request = |extra: &str| format!(r#"{{"resumeJobId":"r1","jobDir":{:?}{extra}}}"#, jobs.to_str().unwrap());
    let e = resume::spec_or_resume(request("").as_bytes()).unwrap_err();
    assert_eq!(e.error_id(), "InvalidCredential");
    assert!(e.to_string().contains("destinationSas"), "{e}");
    let e = resume::spec_or_resume(request(r#","destinationSas":"sv=1&sig=NEW""#).as_bytes()).unwrap_err();
    assert!(e.to_string().contains("accountKey"), "the key must be given again too: {e}");
    let resumed = resume::spec_or_resume(request(&format!(r#","destinationSas":"?sv=1&sig=NEW","accountKey":"{KEY}""#)).as_bytes()).unwrap();
    assert_eq!(resumed.destination, "http://127.0.0.1:1/acct/cont?sv=1&sig=NEW");
    assert_eq!((resumed.job_id.as_deref(), resumed.resume_job_id.as_deref()), (Some("r1"), Some("r1")));
    assert!(resumed.put_md5, "the recorded options come back");
    let unknown = format!(r#"{{"resumeJobId":"nope","jobDir":{:?}}}"#, jobs.to_str().unwrap());
    assert_eq!(resume::spec_or_resume(unknown.as_bytes()).unwrap_err().error_id(), "JobNotFound");
}

#[test]
fn answer_json_lists_shows_and_removes_as_the_functions_do() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("jobs");
    let ask = |request: serde_json::Value| -> serde_json::Value {
        let mut request = request;
        request["jobDir"] = dir.to_string_lossy().into_owned().into();
        serde_json::from_str(&hosts::answer_json(request.to_string().as_bytes())).unwrap()
    };
    // No journal yet: an empty list, and a named job is not found.
    assert_eq!(ask(serde_json::json!({"op":"list"})), serde_json::json!({"ok":true,"jobs":[]}));
    let missing = ask(serde_json::json!({"op":"show","jobId":"nope"}));
    assert_eq!((missing["ok"].as_bool(), missing["errorId"].as_str(), missing["category"].as_str()), (Some(false), Some("JobNotFound"), Some("ObjectNotFound")));

    let s = spec(tmp.path(), "");
    let failed = JobJournal::start(&s, "failed").unwrap().unwrap();
    failed.planned("a", 10, t(100));
    failed.file(&ev("a", FileStatus::Failed, Some(&format!("GET http://x/a?sig={SIG} failed"))));
    failed.finish(EngineStatus::Failed, None, serde_json::json!({}));
    JobJournal::start(&s, "done").unwrap().unwrap().finish(EngineStatus::Completed, None, serde_json::json!({}));

    let listed = ask(serde_json::json!({"op":"list"}));
    let ids: Vec<&str> = listed["jobs"].as_array().unwrap().iter().map(|j| j["jobId"].as_str().unwrap()).collect();
    assert_eq!(ids, ["done", "failed"], "newest first");
    assert!(!listed.to_string().contains(SIG) && !listed.to_string().contains(KEY));
    let only_failed = ask(serde_json::json!({"op":"list","status":["failed","Cancelled"]}));
    assert_eq!(only_failed["jobs"].as_array().unwrap().len(), 1);
    assert_eq!(only_failed["jobs"][0]["status"], "Failed");

    let shown = ask(serde_json::json!({"op":"show","jobId":"failed"}));
    assert_eq!(shown["job"]["failedFiles"][0]["path"], "a");
    assert_eq!(shown["job"]["failedFiles"][0]["errorId"], "ServiceError");
    assert!(!shown.to_string().contains(SIG));

    let refused = ask(serde_json::json!({"op":"remove"}));
    assert_eq!(refused["errorId"], "InvalidSpec", "removing needs a selection");
    let bad_status = ask(serde_json::json!({"op":"list","status":"Sleeping"}));
    assert_eq!(bad_status["errorId"], "InvalidSpec");
    let bad_op = serde_json::from_str::<serde_json::Value>(&hosts::answer_json(b"{\"op\":\"drop\"}")).unwrap();
    assert_eq!(bad_op["errorId"], "InvalidSpec");
    assert_eq!(serde_json::from_str::<serde_json::Value>(&hosts::answer_json(b"not json")).unwrap()["ok"], false);

    assert_eq!(ask(serde_json::json!({"op":"remove","olderThan":"1970-01-02T00:00:00Z"}))["removed"], serde_json::json!([]));
    assert_eq!(ask(serde_json::json!({"op":"remove","status":"Failed"}))["removed"], serde_json::json!(["failed"]));
    assert_eq!(ask(serde_json::json!({"op":"remove","olderThan":"0s"}))["removed"], serde_json::json!(["done"]));
    assert_eq!(ask(serde_json::json!({"op":"remove","jobId":"done"}))["errorId"], "JobNotFound");
}

#[test]
fn a_jobs_sign_in_reference_comes_back_with_it_and_never_a_secret() {
    let tmp = tempfile::tempdir().unwrap();
    let src = tmp.path().join("src");
    std::fs::create_dir_all(&src).unwrap();
    let json = format!(
        r#"{{"source":{src:?},"destination":"https://acct.blob.core.windows.net/cont","jobDir":{jobs:?},"signIn":{{"kind":"servicePrincipal","tenantId":"t","clientId":"c","clientSecret":"SPN-SECRET"}},"signInReference":{{"vault":"BlobVault","secretName":"StorageSPN","tenantId":"t"}}}}"#,
        src = src.to_str().unwrap(),
        jobs = tmp.path().join("jobs").to_str().unwrap(),
    );
    let s = JobSpec::from_json(json.as_bytes()).unwrap();
    JobJournal::start(&s, "v1").unwrap().unwrap().finish(EngineStatus::Failed, None, serde_json::json!({}));
    let shown = hosts::job_show(Some(tmp.path().join("jobs").to_str().unwrap()), "v1").unwrap();
    assert_eq!(shown.sign_in_reference, Some(serde_json::json!({"vault":"BlobVault","secretName":"StorageSPN","tenantId":"t"})));
    assert!(!serde_json::to_string(&shown).unwrap().contains("SPN-SECRET"));
}

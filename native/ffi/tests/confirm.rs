//! Confirmations across the C ABI: the job asks before each deletion and waits for the host's answer.

use azblobsync::*;
use azblobsync_testkit::{Azurite, DEV_KEY};

#[test]
fn each_deletion_waits_for_the_host_and_a_declined_one_is_kept() {
    let azurite = Azurite::start();
    let oracle = azurite.oracle();
    oracle.create_container("confirm");
    let src = tempfile::tempdir().unwrap();
    std::fs::write(src.path().join("keep.txt"), b"k").unwrap();
    for extra in ["extra-approved.txt", "extra-declined.txt"] {
        oracle.put("confirm", extra, &src.path().join("keep.txt"), None);
    }
    let spec = serde_json::json!({
        "source": src.path(),
        "destination": azurite.container_url("confirm"),
        "accountKey": DEV_KEY,
        "deleteDestination": true,
        "confirmDeletes": true,
    })
    .to_string();
    let job = unsafe { azbs_job_start(spec.as_ptr(), spec.len() as u64) };
    let mut buf = vec![0u8; 64 * 1024];
    let mut asked = Vec::new();
    let mut summary = None;
    while summary.is_none() {
        let mut len = 0u64;
        let code = unsafe { azbs_job_poll(job, buf.as_mut_ptr(), buf.len() as u64, &mut len, std::ptr::null_mut(), 2000) };
        assert!(code >= 0, "{code}");
        for line in std::str::from_utf8(&buf[..len as usize]).unwrap().lines() {
            let event: serde_json::Value = serde_json::from_str(line).unwrap();
            match event["type"].as_str() {
                Some("confirm") => {
                    let path = event["path"].as_str().unwrap().to_string();
                    let approve = path == "extra-approved.txt";
                    assert_eq!(azbs_job_answer(job, event["id"].as_u64().unwrap(), u32::from(approve)), 0);
                    asked.push(path);
                }
                Some("summary") => summary = Some(event),
                _ => {}
            }
        }
        assert!(code != AZBS_POLL_FINISHED || summary.is_some());
    }
    let summary = summary.unwrap();
    asked.sort();
    assert_eq!(asked, vec!["extra-approved.txt", "extra-declined.txt"]);
    assert_eq!(summary["filesDeleted"], 1, "{summary}");
    assert_eq!(summary["status"], "completed");
    assert_eq!(oracle.names("confirm"), vec!["extra-declined.txt".to_string(), "keep.txt".to_string()]);
    assert_eq!(azbs_job_answer(job, 99, 1), 0, "answering after the end is harmless");
    assert_eq!(azbs_job_free(job), 0);
    assert_eq!(azbs_job_answer(job, 1, 1), AZBS_ERR_UNKNOWN_JOB);
}

//! The C ABI as a C host would use it: handles, polling, buffer sizing, misuse.

use azblobsync::*;

fn poll_all(job: u64) -> (Vec<serde_json::Value>, AzbsJobProgress) {
    let mut buf = vec![0u8; 64 * 1024];
    let mut events = Vec::new();
    let mut progress = AzbsJobProgress::default();
    loop {
        let mut len = 0u64;
        let code = unsafe { azbs_job_poll(job, buf.as_mut_ptr(), buf.len() as u64, &mut len, &mut progress, 1000) };
        assert!(code >= 0, "poll failed with {code}");
        let text = std::str::from_utf8(&buf[..len as usize]).expect("UTF-8");
        events.extend(text.lines().map(|l| serde_json::from_str::<serde_json::Value>(l).expect("JSON line")));
        if code == AZBS_POLL_FINISHED {
            return (events, progress);
        }
    }
}

#[test]
fn a_bad_spec_still_gives_a_job_that_ends_with_a_clear_failed_summary() {
    let spec = br#"{"source":"/x","destination":"http://127.0.0.1:1/a/cc","colour":"blue"}"#;
    let job = unsafe { azbs_job_start(spec.as_ptr(), spec.len() as u64) };
    assert_ne!(job, 0);
    let (events, progress) = poll_all(job);
    assert_eq!(events.len(), 1);
    assert_eq!(events[0]["type"], "summary");
    assert_eq!(events[0]["status"], "failed");
    assert_eq!(events[0]["errorId"], "InvalidSpec");
    assert!(events[0]["error"].as_str().unwrap().contains("colour"));
    assert_eq!(progress.state, 5);
    assert_eq!(azbs_job_free(job), 0);
}

#[test]
fn a_missing_source_folder_fails_the_job_with_its_id() {
    let spec = br#"{"source":"/definitely/not/here","destination":"http://127.0.0.1:1/acct/cont"}"#;
    let job = unsafe { azbs_job_start(spec.as_ptr(), spec.len() as u64) };
    let (events, _) = poll_all(job);
    assert_eq!(events.last().unwrap()["errorId"], "SourceNotFound");
    azbs_job_free(job);
}

#[test]
fn a_too_small_buffer_says_how_much_is_needed_and_loses_nothing() {
    let spec = br#"{"source":"","destination":""}"#;
    let job = unsafe { azbs_job_start(spec.as_ptr(), spec.len() as u64) };
    let mut tiny = [0u8; 4];
    let mut needed = 0u64;
    let code = loop {
        let code = unsafe { azbs_job_poll(job, tiny.as_mut_ptr(), 4, &mut needed, std::ptr::null_mut(), 1000) };
        if code != AZBS_POLL_RUNNING || needed != 0 {
            break code;
        }
    };
    assert_eq!(code, AZBS_ERR_BUFFER_TOO_SMALL);
    assert!(needed > 4);
    let (events, _) = poll_all(job);
    assert_eq!(events.len(), 1, "the event that did not fit is delivered next time");
    assert_eq!(events[0]["errorId"], "InvalidSpec");
    azbs_job_free(job);
}

#[test]
fn misuse_returns_error_codes_instead_of_crashing() {
    assert_eq!(azbs_abi_version(), AZBS_ABI_VERSION);
    assert_eq!(unsafe { azbs_job_start(std::ptr::null(), 10) }, 0);
    let mut buf = [0u8; 16];
    let mut len = 0u64;
    assert_eq!(unsafe { azbs_job_poll(987_654, buf.as_mut_ptr(), 16, &mut len, std::ptr::null_mut(), 0) }, AZBS_ERR_UNKNOWN_JOB);
    assert_eq!(unsafe { azbs_job_poll(1, std::ptr::null_mut(), 16, &mut len, std::ptr::null_mut(), 0) }, AZBS_ERR_NULL_ARGUMENT);
    assert_eq!(azbs_job_cancel(987_654), AZBS_ERR_UNKNOWN_JOB);

    let spec = br#"{"source":"","destination":""}"#;
    let job = unsafe { azbs_job_start(spec.as_ptr(), spec.len() as u64) };
    assert_eq!(azbs_job_cancel(job), 0);
    assert_eq!(azbs_job_free(job), 0);
    assert_eq!(azbs_job_free(job), AZBS_ERR_UNKNOWN_JOB, "double free is an error code");
}

#[test]
fn invalid_utf8_in_the_spec_is_an_error_event_not_a_crash() {
    let spec = [0xffu8, 0xfe, b'{'];
    let job = unsafe { azbs_job_start(spec.as_ptr(), spec.len() as u64) };
    let (events, _) = poll_all(job);
    assert_eq!(events[0]["errorId"], "InvalidSpec");
    azbs_job_free(job);
}

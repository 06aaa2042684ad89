//! `azbs_spec_check` and `azbs_redact` as a host calls them: buffer sizing, answers, misuse.

use azblobsync::*;

type Entry = fn(*const u8, u64, *mut u8, u64, *mut u64) -> i32;

fn spec_check(i: *const u8, l: u64, b: *mut u8, c: u64, o: *mut u64) -> i32 {
    unsafe { azbs_spec_check(i, l, b, c, o) }
}

fn redact(i: *const u8, l: u64, b: *mut u8, c: u64, o: *mut u64) -> i32 {
    unsafe { azbs_redact(i, l, b, c, o) }
}

/// Calls `f` with a buffer too small first, as a host that guesses low would, then with the size it asked for.
fn call(input: &[u8], f: Entry) -> String {
    let mut needed = 0u64;
    let mut tiny = [0u8; 2];
    let code = f(input.as_ptr(), input.len() as u64, tiny.as_mut_ptr(), tiny.len() as u64, &mut needed);
    assert_eq!(code, AZBS_ERR_BUFFER_TOO_SMALL);
    let mut buf = vec![0u8; needed as usize];
    let mut len = 0u64;
    let code = f(input.as_ptr(), input.len() as u64, buf.as_mut_ptr(), buf.len() as u64, &mut len);
    assert_eq!((code, len), (0, needed));
    String::from_utf8(buf).unwrap()
}

#[test]
fn spec_check_answers_with_typed_ends_or_an_error_id() {
    let ok: serde_json::Value = serde_json::from_str(&call(br#"{"direction":"upload","source":"/","destination":"http://127.0.0.1:1/acct/cont/in/?sv=1&sig=SECRET"}"#, spec_check)).unwrap();
    assert_eq!((ok["ok"].as_bool(), ok["direction"].as_str()), (Some(true), Some("upload")));
    assert_eq!(ok["destination"]["prefix"], "in");
    assert_eq!(ok["destination"]["namesFolder"], true);
    assert!(!ok.to_string().contains("SECRET"));
    let bad: serde_json::Value = serde_json::from_str(&call(br#"{"source":"/","destination":"http://127.0.0.1:1/acct/cont","maxDelete":-1}"#, spec_check)).unwrap();
    assert_eq!((bad["ok"].as_bool(), bad["errorId"].as_str()), (Some(false), Some("InvalidSpec")));
    assert!(bad["message"].as_str().unwrap().contains("negative"));
}

#[test]
fn redact_hides_signatures_and_copes_with_bad_utf8() {
    assert_eq!(call(b"GET https://a/c?sv=1&sig=abc failed", redact), "GET https://a/c?sv=1&sig=REDACTED failed");
    assert_eq!(call(b"x\xff sig=zz", redact), "x\u{fffd} sig=REDACTED");
}

#[test]
fn null_arguments_are_refused_not_dereferenced() {
    let mut len = 0u64;
    assert_eq!(unsafe { azbs_redact(std::ptr::null(), 0, std::ptr::null_mut(), 0, &mut len) }, AZBS_ERR_NULL_ARGUMENT);
    assert_eq!(unsafe { azbs_spec_check(b"{}".as_ptr(), 2, std::ptr::null_mut(), 0, std::ptr::null_mut()) }, AZBS_ERR_NULL_ARGUMENT);
    // A null buffer with no capacity is a size query.
    assert_eq!(unsafe { azbs_redact(b"abc".as_ptr(), 3, std::ptr::null_mut(), 0, &mut len) }, AZBS_ERR_BUFFER_TOO_SMALL);
    assert_eq!(len, 3);
}

fn jobs(i: *const u8, l: u64, b: *mut u8, c: u64, o: *mut u64) -> i32 {
    unsafe { azbs_jobs(i, l, b, c, o) }
}

#[test]
fn jobs_answers_the_journal_s_questions_or_an_error_id() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("jobs").to_string_lossy().into_owned();
    let listed: serde_json::Value = serde_json::from_str(&call(serde_json::json!({"op":"list","jobDir":dir}).to_string().as_bytes(), jobs)).unwrap();
    assert_eq!(listed, serde_json::json!({"ok":true,"jobs":[]}));
    let shown: serde_json::Value = serde_json::from_str(&call(serde_json::json!({"op":"show","jobDir":dir,"jobId":"x"}).to_string().as_bytes(), jobs)).unwrap();
    assert_eq!((shown["ok"].as_bool(), shown["errorId"].as_str()), (Some(false), Some("JobNotFound")));
    let mut len = 0u64;
    assert_eq!(unsafe { azbs_jobs(std::ptr::null(), 0, std::ptr::null_mut(), 0, &mut len) }, AZBS_ERR_NULL_ARGUMENT);
}

//! The ABI's two text calls, which hosts use instead of keeping the engine's rules themselves:
//! checking a spec (`azbs_spec_check`) and hiding SAS signatures (`azbs_redact`). Both write UTF-8
//! into the host's buffer and, when it is too small, say how large it must be.

use crate::abi::{AZBS_ERR_BUFFER_TOO_SMALL, AZBS_ERR_NULL_ARGUMENT, AZBS_ERR_PANIC};
use interoptopus::ffi;
use std::panic::{AssertUnwindSafe, catch_unwind};

/// Copies `text` into `buf` when it fits; `out_len` gets its length either way.
///
/// # Safety
/// `buf` must point to `cap` writable bytes and `out_len` be valid for a write.
unsafe fn answer(text: &[u8], buf: *mut u8, cap: u64, out_len: *mut u64) -> i32 {
    // SAFETY: the caller promises `out_len` is valid for a write.
    unsafe { *out_len = text.len() as u64 };
    if text.len() as u64 > cap {
        return AZBS_ERR_BUFFER_TOO_SMALL;
    }
    // SAFETY: `text.len() <= cap` bytes are writable at `buf`.
    unsafe { std::ptr::copy_nonoverlapping(text.as_ptr(), buf, text.len()) };
    0
}

/// # Safety
/// `input` must point to `input_len` readable bytes; `buf` to `cap` writable bytes; `out_len` valid.
unsafe fn text_call(input: *const u8, input_len: u64, buf: *mut u8, cap: u64, out_len: *mut u64, body: fn(&[u8]) -> String) -> i32 {
    if input.is_null() || out_len.is_null() || (buf.is_null() && cap > 0) {
        return AZBS_ERR_NULL_ARGUMENT;
    }
    catch_unwind(AssertUnwindSafe(|| {
        // SAFETY: the caller promises `input_len` readable bytes at `input`.
        let input = unsafe { std::slice::from_raw_parts(input, input_len as usize) };
        let text = body(input);
        // SAFETY: the caller's promises about `buf` and `out_len` hold.
        unsafe { answer(text.as_bytes(), buf, cap, out_len) }
    }))
    .unwrap_or(AZBS_ERR_PANIC)
}

/// Checks a job spec (the same UTF-8 JSON `azbs_job_start` takes) without starting anything and
/// without the network: every rule, both ends parsed, local paths looked at. Writes one JSON
/// object: `{"ok":true,"direction":..,"source":{..},"destination":{..}}` (each end with `kind`,
/// `display` and, for a container, `account`, `container`, `prefix`, `hasSas`, `contentsOnly`,
/// `namesFolder`) or `{"ok":false,"concerns":"source"|"destination"|"options","errorId":..,"category":..,"message":..}`; never a secret.
///
/// Returns 0 (written), [`AZBS_ERR_BUFFER_TOO_SMALL`] (`out_len` says how many bytes are needed;
/// call again), [`AZBS_ERR_NULL_ARGUMENT`] or [`AZBS_ERR_PANIC`].
///
/// # Safety
/// `spec_utf8` must point to `spec_len` readable bytes, `buf` to `cap` writable bytes (or be null
/// with `cap` 0), and `out_len` must be valid for a write.
#[ffi]
pub unsafe fn azbs_spec_check(spec_utf8: *const u8, spec_len: u64, buf: *mut u8, cap: u64, out_len: *mut u64) -> i32 {
    // SAFETY: forwarded promises.
    unsafe { text_call(spec_utf8, spec_len, buf, cap, out_len, azblobsync_core::spec::check::check_spec_json) }
}

/// Writes `text_utf8` with the value of every SAS signature (`sig=`) replaced by `REDACTED`: the
/// engine's one redaction rule, for hosts that show URLs or messages. Invalid UTF-8 is replaced.
/// Returns as [`azbs_spec_check`] does.
///
/// # Safety
/// As [`azbs_spec_check`], with `text_utf8`/`text_len` in place of the spec.
#[ffi]
pub unsafe fn azbs_redact(text_utf8: *const u8, text_len: u64, buf: *mut u8, cap: u64, out_len: *mut u64) -> i32 {
    // SAFETY: forwarded promises.
    unsafe { text_call(text_utf8, text_len, buf, cap, out_len, |t| azblobsync_core::spec::redaction::redact(&String::from_utf8_lossy(t))) }
}

/// Answers a question about the job journal (list, show, remove), as UTF-8 JSON:
/// `{"op":"list","jobDir"?,"status"?}` → `{"ok":true,"jobs":[..]}` (newest first);
/// `{"op":"show","jobDir"?,"jobId"}` → `{"ok":true,"job":{..,"failedFiles":[..]}}`;
/// `{"op":"remove","jobDir"?,"jobId"?,"status"?,"olderThan"?}` → `{"ok":true,"removed":[ids]}`;
/// a failure as `{"ok":false,"errorId":..,"category":..,"message":..}`. `status` is a name or an array
/// of names, `olderThan` an RFC 3339 time or an age (`7d`). Never a secret (ends have no SAS).
/// A job is resumed through [`crate::azbs_job_start`] with a spec naming `resumeJobId`.
/// Returns as [`azbs_spec_check`] does.
///
/// # Safety
/// As [`azbs_spec_check`], with `request_utf8`/`request_len` in place of the spec.
#[ffi]
pub unsafe fn azbs_jobs(request_utf8: *const u8, request_len: u64, buf: *mut u8, cap: u64, out_len: *mut u64) -> i32 {
    // SAFETY: forwarded promises.
    unsafe { text_call(request_utf8, request_len, buf, cap, out_len, azblobsync_core::journal::hosts::answer_json) }
}

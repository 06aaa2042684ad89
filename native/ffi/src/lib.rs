//! C ABI over the AzBlobSync engine.
//!
//! The host starts a job from a JSON spec, polls it for batches of newline-delimited JSON events
//! (one per file, then a summary) plus a progress snapshot, and may cancel it; then frees it.
//! Only integers, byte pointers with lengths and `#[repr(C)]` structs cross the boundary, so both
//! interoptopus (C#) and cbindgen (C) describe it exactly. No Rust thread ever calls the host:
//! the host pulls. Every entry point catches panics and reports them as a status code.

mod abi;
mod event_batches;
mod job_table;
mod text_calls;

pub use abi::*;
pub use text_calls::*;

/// Everything the C# generator describes, in one place.
pub fn ffi_inventory() -> interoptopus::inventory::RustInventory {
    use interoptopus::{constant, function};
    interoptopus::inventory::RustInventory::new()
        .register(constant!(AZBS_ABI_VERSION))
        .register(constant!(AZBS_POLL_RUNNING))
        .register(constant!(AZBS_POLL_FINISHED))
        .register(constant!(AZBS_ERR_UNKNOWN_JOB))
        .register(constant!(AZBS_ERR_BUFFER_TOO_SMALL))
        .register(constant!(AZBS_ERR_NULL_ARGUMENT))
        .register(constant!(AZBS_ERR_PANIC))
        .register(function!(azbs_abi_version))
        .register(function!(azbs_job_start))
        .register(function!(azbs_job_poll))
        .register(function!(azbs_job_cancel))
        .register(function!(azbs_job_answer))
        .register(function!(azbs_job_free))
        .register(function!(azbs_spec_check))
        .register(function!(azbs_redact))
        .register(function!(azbs_jobs))
        .validate()
}

//! Generates the C# bindings (interoptopus) and the C header (cbindgen) from `native/ffi`, and the
//! C# error ids from `native/core/src/error_ids.rs`.
//!
//! Both files are checked in; `tests/drift.rs` fails when they differ from what the current ABI
//! generates, and `cargo run -p azblobsync-bindgen` rewrites them.

use std::path::{Path, PathBuf};

/// Where the generated files live, relative to the workspace root.
pub const CSHARP_PATH: &str = "PSModule/src/AzBlobSync.Engine/Native/Interop.g.cs";
pub const C_HEADER_PATH: &str = "native/ffi/include/azblobsync.h";
pub const CSHARP_ERROR_IDS_PATH: &str = "PSModule/src/AzBlobSync.Engine/Errors/ErrorIds.g.cs";
pub const CSHARP_LIMITS_PATH: &str = "PSModule/src/AzBlobSync.Engine/Spec/EngineLimits.g.cs";
const CSHARP_NAMESPACE: &str = "AzBlobSync.Native";

pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().expect("workspace root exists")
}

mod error_ids;

pub struct Generated {
    pub csharp: String,
    pub c_header: String,
    pub csharp_error_ids: String,
    pub csharp_limits: String,
}

impl Generated {
    /// Each generated file with its path relative to the workspace root.
    pub fn files(&self) -> [(&'static str, &str); 4] {
        [
            (CSHARP_PATH, &self.csharp),
            (C_HEADER_PATH, &self.c_header),
            (CSHARP_ERROR_IDS_PATH, &self.csharp_error_ids),
            (CSHARP_LIMITS_PATH, &self.csharp_limits),
        ]
    }
}

pub fn generate() -> Result<Generated, Box<dyn std::error::Error>> {
    let csharp = interoptopus_csharp::RustLibrary::builder(azblobsync::ffi_inventory())
        .dll_name("azblobsync")
        .dispatch(interoptopus_csharp::dispatch::Dispatch::single_file(CSHARP_NAMESPACE))
        // No generator version or timestamp in the file: the drift check compares text.
        .headers(interoptopus_csharp::config::HeaderConfig { emit_version: false })
        .build()
        .process()?
        .buffer("Interop.cs")
        .ok_or("interoptopus produced no Interop.cs")?
        .clone();

    // cbindgen reads source; `#[ffi]` functions only exist after macro expansion, which needs a
    // nightly flag on stable rustc.
    // SAFETY: set before any thread of ours reads the environment.
    unsafe { std::env::set_var("RUSTC_BOOTSTRAP", "1") };
    let root = workspace_root();
    let ffi_dir = root.join("native/ffi");
    let config = cbindgen::Config::from_file(ffi_dir.join("cbindgen.toml"))?;
    let mut header = Vec::new();
    cbindgen::Builder::new().with_crate(&ffi_dir).with_config(config).generate()?.write(&mut header);
    Ok(Generated { csharp, c_header: String::from_utf8(header)?, csharp_error_ids: error_ids::csharp(), csharp_limits: error_ids::csharp_limits() })
}

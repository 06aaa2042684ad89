//! The checked-in bindings must be exactly what the ABI generates today.

#[test]
fn checked_in_bindings_match_the_abi() {
    let generated = azblobsync_bindgen::generate().expect("bindings generate");
    let root = azblobsync_bindgen::workspace_root();
    for (path, text) in generated.files() {
        let on_disk = std::fs::read_to_string(root.join(path)).unwrap_or_default();
        assert!(
            on_disk == text,
            "{path} is out of date with native/ffi; run `cargo run -p azblobsync-bindgen` and commit the result"
        );
    }
}

//! `azblobsync-bindgen`: rewrites the checked-in C# bindings and C header from the current ABI.

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let generated = azblobsync_bindgen::generate()?;
    let root = azblobsync_bindgen::workspace_root();
    for (path, text) in generated.files() {
        let full = root.join(path);
        std::fs::create_dir_all(full.parent().expect("has a parent"))?;
        std::fs::write(&full, text)?;
        println!("wrote {path}");
    }
    Ok(())
}

//! The module as it ships (out/AzBlobSync) and the demo's sample folder.

use std::fs;
use std::path::Path;

fn copy(from: &Path, to: &Path) -> Result<(), String> {
    fs::create_dir_all(to.parent().expect("has a parent")).map_err(|e| e.to_string())?;
    fs::copy(from, to).map(|_| ()).map_err(|e| format!("cannot copy {} to {}: {e}", from.display(), to.display()))
}

fn native_library_name() -> &'static str {
    if cfg!(windows) { "azblobsync.dll" } else if cfg!(target_os = "macos") { "libazblobsync.dylib" } else { "libazblobsync.so" }
}

fn runtime_id() -> String {
    let os = if cfg!(windows) { "win" } else if cfg!(target_os = "macos") { "osx" } else { "linux" };
    let arch = if cfg!(target_arch = "aarch64") { "arm64" } else { "x64" };
    format!("{os}-{arch}")
}

/// out/AzBlobSync: manifest, format file, assemblies, runtimes/<rid>/native/<library>;
/// out/bin: the CLI.
pub fn module() -> Result<(), String> {
    let root = crate::repo_root();
    let out = root.join("out/AzBlobSync");
    if out.exists() {
        fs::remove_dir_all(&out).map_err(|e| e.to_string())?;
    }
    for file in ["AzBlobSync.psd1", "AzBlobSync.format.ps1xml"] {
        copy(&root.join("PSModule").join(file), &out.join(file))?;
    }
    let assemblies = root.join("PSModule/src/AzBlobSync.PowerShell/bin/Release/net8.0");
    for entry in fs::read_dir(&assemblies).map_err(|e| format!("{}: {e}", assemblies.display()))? {
        let path = entry.map_err(|e| e.to_string())?.path();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        // PowerShell itself provides System.Management.Automation; shipping it would conflict.
        if (name.ends_with(".dll") || name.ends_with(".pdb") || name.ends_with(".deps.json")) && !name.starts_with("System.Management.Automation") {
            copy(&path, &out.join(&name))?;
        }
    }
    let lib = native_library_name();
    copy(&root.join("target/release").join(lib), &out.join("runtimes").join(runtime_id()).join("native").join(lib))?;
    help(&root, &assemblies, &out.join("en-US"))?;
    let exe = if cfg!(windows) { "azblobsync.exe" } else { "azblobsync" };
    copy(&root.join("target/release").join(exe), &root.join("out/bin").join(exe))?;
    println!("xtask: module laid out in {}", out.display());
    Ok(())
}

/// en-US/: the MAML help, generated from the cmdlets' XML doc comments by PSModule/tools/HelpGenerator (which
/// imports the built module to read the cmdlets as PowerShell binds them, and fails on any help missing), and the
/// about topic as written in PSModule/help.
fn help(root: &Path, built_module: &Path, en_us: &Path) -> Result<(), String> {
    let generator = root.join("PSModule/tools/HelpGenerator/bin/Release/net10.0/HelpGenerator.dll");
    let maml = en_us.join("AzBlobSync.PowerShell.dll-Help.xml");
    crate::run::dotnet(&[generator.to_str().unwrap(), built_module.to_str().unwrap(), maml.to_str().unwrap()])?;
    for entry in fs::read_dir(root.join("PSModule/help")).map_err(|e| e.to_string())? {
        let path = entry.map_err(|e| e.to_string())?.path();
        if path.extension().is_some_and(|x| x == "txt") {
            copy(&path, &en_us.join(path.file_name().unwrap()))?;
        }
    }
    Ok(())
}

/// A small tree with the names that trip tools up, and one file large enough to go in blocks.
pub fn sample_folder(dir: &Path) -> Result<(), String> {
    if dir.exists() {
        fs::remove_dir_all(dir).map_err(|e| e.to_string())?;
    }
    let files: [(&str, usize); 8] = [
        ("readme.txt", 120),
        ("reports/2026/q1 summary.csv", 4_000),
        ("reports/2026/q2#draft.csv", 5_000),
        ("photos/été/plage 100%.jpg", 60_000),
        ("photos/😀 party.png", 30_000),
        ("logs/empty.log", 0),
        ("data/config.json", 300),
        ("data/archive.bin", 20 * 1024 * 1024),
    ];
    for (name, size) in files {
        let path = dir.join(name);
        fs::create_dir_all(path.parent().unwrap()).map_err(|e| e.to_string())?;
        let content: Vec<u8> = (0..size).map(|i| (i * 31 % 251) as u8).collect();
        fs::write(&path, content).map_err(|e| e.to_string())?;
    }
    Ok(())
}

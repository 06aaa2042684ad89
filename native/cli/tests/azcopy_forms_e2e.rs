//! Existing AzCopy scripts move over by changing the program name: the recipe's and the how-to's
//! command lines, in AzCopy's own argument forms, against a real Azurite.

mod common;

use azblobsync_testkit::{Azurite, DEV_KEY};
use common::*;

#[test]
fn the_how_tos_command_lines_run_with_the_program_name_changed() {
    let azurite = Azurite::start();
    let oracle = azurite.oracle();
    oracle.create_container("howto");
    let src = tempfile::tempdir().unwrap();
    write(src.path(), "a.txt", b"alpha");
    write(src.path(), "sub/b.txt", b"beta");
    let url = azurite.container_url("howto");
    let contents = format!("{}/*", src.path().display());

    // copy "dir/*" <url> --recursive=true --dry-run: accepted, writes nothing.
    let out = azblobsync(&["copy", &contents, &url, "--recursive=true", "--dry-run"], Some(DEV_KEY));
    assert!(out.status.success(), "stderr: {}", String::from_utf8_lossy(&out.stderr));
    assert!(oracle.names("howto").is_empty(), "a dry run wrote something");

    // --log-level=INFO --output-level=INFO, and --recursive=true for real.
    let out = azblobsync(&["copy", &contents, &url, "--recursive=true", "--log-level=INFO", "--output-level=INFO", "--overwrite=ifSourceNewer"], Some(DEV_KEY));
    assert!(out.status.success(), "stderr: {}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(oracle.names("howto"), vec!["a.txt".to_string(), "sub/b.txt".to_string()]);

    // sync with the recipe's flags: --recursive as a bare flag, --compare-hash=MD5, --put-md5=true.
    write(src.path(), "c.txt", b"gamma");
    let out = azblobsync(&["sync", src.path().to_str().unwrap(), &url, "--compare-hash=MD5", "--put-md5=true", "--recursive", "--output-level", "quiet"], Some(DEV_KEY));
    assert!(out.status.success(), "stderr: {}", String::from_utf8_lossy(&out.stderr));
    assert!(out.stdout.is_empty(), "quiet prints nothing on success: {}", String::from_utf8_lossy(&out.stdout));
    let inventory = oracle.inventory("howto");
    let c = inventory.iter().find(|b| b.name == "c.txt").expect("c.txt uploaded");
    assert_eq!(c.content_md5.as_deref().map(base64_to_hex), Some(md5_hex(b"gamma")), "--put-md5=true stored the MD5");
}

#[test]
fn false_means_false_and_unsupported_forms_say_so() {
    let azurite = Azurite::start();
    let oracle = azurite.oracle();
    oracle.create_container("forms");
    let src = tempfile::tempdir().unwrap();
    // Staged in blocks, so only --put-md5 could give it a Content-MD5 (Put Blob would get one anyway).
    write(src.path(), "a.bin", &vec![7u8; 1_500_000]);
    let url = azurite.container_url("forms");
    let out = azblobsync(&["sync", src.path().to_str().unwrap(), &url, "--dry-run=false", "--put-md5=false", "--block-size-mb=1"], Some(DEV_KEY));
    assert!(out.status.success(), "stderr: {}", String::from_utf8_lossy(&out.stderr));
    let inventory = oracle.inventory("forms");
    assert_eq!(inventory.len(), 1, "--dry-run=false really wrote");
    assert_eq!(inventory[0].content_md5, None, "--put-md5=false stored no MD5");

    let out = azblobsync(&["sync", src.path().to_str().unwrap(), &url, "--recursive=false"], Some(DEV_KEY));
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--recursive=false"), "{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn login_explains_in_one_line_how_to_sign_in_instead() {
    let out = azblobsync(&["login", "--service-principal", "--application-id", "x", "--tenant-id", "t"], None);
    assert_eq!(out.status.code(), Some(2));
    let text = String::from_utf8_lossy(&out.stderr);
    assert_eq!(text.trim().lines().count(), 1, "{text}");
    assert!(text.contains("AZCOPY_AUTO_LOGIN_TYPE") && text.contains("-Vault"), "{text}");
}

//! The CLI half of the parity table (tests/parity/bad_inputs.json): every bad input is refused
//! before the network with exit code 2 and the row's error id. The .NET half runs the same rows.

mod common;

use serde_json::Value;

#[test]
fn every_bad_input_in_the_parity_table_is_refused_with_its_id() {
    let table: Value = serde_json::from_str(include_str!("../../../tests/parity/bad_inputs.json")).expect("the table is JSON");
    let scratch = tempfile::tempdir().unwrap();
    let dir = scratch.path().join("empty-folder");
    std::fs::create_dir(&dir).unwrap();
    let file = scratch.path().join("a-file.txt");
    std::fs::write(&file, b"x").unwrap();
    let missing = scratch.path().join("not-here");
    let fill = |text: &str| {
        text.replace("{dir}", dir.to_str().unwrap())
            .replace("{file}", file.to_str().unwrap())
            .replace("{missing}", missing.to_str().unwrap())
            .replace("{url}", "http://127.0.0.1:9/devstoreaccount1/cont")
    };
    let rows = table["rows"].as_array().expect("rows");
    assert!(rows.len() >= 20, "the table keeps at least 20 rows");
    let mut wrong = Vec::new();
    for row in rows {
        let name = row["name"].as_str().unwrap();
        let expected = row["errorId"].as_str().unwrap();
        let mut args: Vec<String> = row["cli"].as_array().unwrap().iter().map(|a| fill(a.as_str().unwrap())).collect();
        args.extend(["--output-type".into(), "json".into()]);
        let out = common::azblobsync(&args.iter().map(String::as_str).collect::<Vec<_>>(), None);
        let stdout = String::from_utf8_lossy(&out.stdout);
        let summary: Option<Value> = stdout.lines().last().and_then(|l| serde_json::from_str(l).ok());
        let got = summary.as_ref().and_then(|s| s["errorId"].as_str()).unwrap_or("<no summary>");
        if out.status.code() != Some(2) || got != expected {
            wrong.push(format!("{name}: exit {:?}, errorId {got} (want 2, {expected}); stderr: {}", out.status.code(), String::from_utf8_lossy(&out.stderr)));
        }
        assert!(!stdout.contains("SECRET"), "{name}: a signature was shown: {stdout}");
    }
    assert!(wrong.is_empty(), "rows refused differently:\n{}", wrong.join("\n"));
}

/// Retry tuning from the environment is judged by the engine (`spec::rules::retry_tuning`), so a
/// value that does not parse is refused, never silently replaced by the default.
#[test]
fn retry_tuning_from_the_environment_that_does_not_parse_is_refused_before_the_network() {
    let dir = tempfile::tempdir().unwrap();
    for (name, value) in [("AZBLOBSYNC_MAX_ATTEMPTS", "lots"), ("AZBLOBSYNC_MAX_ATTEMPTS", "0"), ("AZBLOBSYNC_PER_TRY_TIMEOUT_SECONDS", "-1")] {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_azblobsync"))
            .args(["sync", dir.path().to_str().unwrap(), "http://127.0.0.1:9/devstoreaccount1/cont", "--output-type", "json"])
            .env(name, value)
            .env("AZBLOBSYNC_JOB_DIR", dir.path().join("jobs"))
            .output()
            .unwrap();
        let summary: Value = serde_json::from_str(String::from_utf8_lossy(&out.stdout).lines().last().unwrap_or("{}")).unwrap();
        assert_eq!((out.status.code(), summary["errorId"].as_str()), (Some(2), Some("InvalidSpec")), "{name}={value}: {summary}");
        assert!(summary["error"].as_str().unwrap_or_default().contains(name), "the message names the variable: {summary}");
    }
}

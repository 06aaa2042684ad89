//! tests/CLAIMS.md is the table of what the README promises and which tests prove it. This keeps it
//! honest: every promise bullet of the README's "Using it" section has a row, every row's quote is
//! still in the README, and every test a row names exists.

use std::path::Path;

fn normalize(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The bullets of the README's "## Using it" section, each joined into one line.
fn readme_promises(readme: &str) -> Vec<String> {
    let section = readme.split("\n## Using it").nth(1).expect("README has a '## Using it' section");
    let section = section.split("\n## ").next().unwrap();
    let mut bullets: Vec<String> = Vec::new();
    let (mut in_fence, mut in_bullet) = (false, false);
    for line in section.lines() {
        if line.trim_start().starts_with("```") {
            in_fence = !in_fence;
            in_bullet = false;
        } else if in_fence {
        } else if let Some(start) = line.strip_prefix("- ") {
            bullets.push(start.to_string());
            in_bullet = true;
        } else if in_bullet && line.starts_with("  ") && !line.trim().is_empty() {
            let last = bullets.last_mut().expect("in a bullet");
            last.push(' ');
            last.push_str(line.trim());
        } else {
            // Anything else (a paragraph, a blank line) ends the bullet.
            in_bullet = false;
        }
    }
    bullets.into_iter().filter(|b| !b.is_empty()).map(|b| normalize(&b)).collect()
}

struct Row {
    quote: String,
    tests: Vec<String>,
}

fn claim_rows(claims: &str) -> Vec<Row> {
    claims
        .lines()
        .filter(|l| l.starts_with("| \""))
        .map(|line| {
            let cells: Vec<&str> = line.trim_matches('|').split(" | ").map(str::trim).collect();
            assert!(cells.len() >= 3, "a row needs a quote, tests and how: {line}");
            let quote = cells[0].trim_matches('"').to_string();
            let tests = cells[1].split("<br>").map(|t| t.trim().trim_matches('`').to_string()).filter(|t| !t.is_empty()).collect();
            Row { quote: normalize(&quote), tests }
        })
        .collect()
}

/// `path::name`: a Rust `fn name(`, a C# `void name(`, or a Pester `It 'name'`.
fn test_exists(root: &Path, reference: &str) -> Result<(), String> {
    let (file, name) = reference.rsplit_once("::").ok_or_else(|| format!("'{reference}' is not path::name"))?;
    let text = std::fs::read_to_string(root.join(file)).map_err(|e| format!("{file}: {e}"))?;
    let found = match Path::new(file).extension().and_then(|e| e.to_str()) {
        Some("rs") => text.contains(&format!("fn {name}(")),
        Some("cs") => text.contains(&format!("void {name}(")) || text.contains(&format!("Task {name}(")),
        Some("ps1") => text.contains(&format!("It '{name}'")) || text.contains(&format!("It \"{name}\"")),
        _ => false,
    };
    if found { Ok(()) } else { Err(format!("{reference}: no such test")) }
}

#[test]
fn every_readme_promise_has_a_row_and_every_row_names_real_tests() {
    let root = azblobsync_testkit::repo_root();
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let claims = std::fs::read_to_string(root.join("tests/CLAIMS.md")).unwrap();
    let promises = readme_promises(&readme);
    let rows = claim_rows(&claims);
    assert!(promises.len() >= 10, "found only {} promises in the README: {promises:#?}", promises.len());

    let mut problems = Vec::new();
    for promise in &promises {
        if !rows.iter().any(|r| promise.contains(&r.quote)) {
            problems.push(format!("README promise without a row in tests/CLAIMS.md: {promise}"));
        }
    }
    let flat_readme = normalize(&readme);
    for row in &rows {
        if !flat_readme.contains(&row.quote) {
            problems.push(format!("row quotes what the README no longer says: \"{}\"", row.quote));
        }
        if row.tests.is_empty() {
            problems.push(format!("row names no test: \"{}\"", row.quote));
        }
        for test in &row.tests {
            if let Err(e) = test_exists(&root, test) {
                problems.push(e);
            }
        }
    }
    assert!(problems.is_empty(), "tests/CLAIMS.md is out of date:\n{}", problems.join("\n"));
}

#[test]
fn the_checker_notices_a_missing_row_and_a_missing_test() {
    let readme = "# x\n## Using it\n```\nSync-AzBlob -Path x `\n   -WhatIf\n```\n- `sync` mirrors one way,\n  either way.\n- Secrets never appear.\n## Next\n- not a promise\n";
    let promises = readme_promises(readme);
    assert_eq!(promises, vec!["`sync` mirrors one way, either way.".to_string(), "Secrets never appear.".to_string()]);
    let rows = claim_rows("| \"mirrors one way\" | `native/testkit/tests/claims.rs::no_such_test` | x |\n");
    assert!(promises[0].contains(&rows[0].quote));
    assert!(!rows.iter().any(|r| promises[1].contains(&r.quote)), "the second promise has no row");
    let root = azblobsync_testkit::repo_root();
    assert!(test_exists(&root, &rows[0].tests[0]).is_err());
    assert!(test_exists(&root, "native/testkit/tests/claims.rs::the_checker_notices_a_missing_row_and_a_missing_test").is_ok());
}

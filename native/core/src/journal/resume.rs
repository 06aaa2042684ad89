//! Resuming a recorded job: its spec read back from the journal, the sign-in given again where the
//! journal could not keep it. The request is the shape a host sends (the CLI's `jobs resume`, the
//! C ABI's spec with `resumeJobId`):
//! `{"resumeJobId": id, "jobDir"?, "sourceSas"?, "destinationSas"?, "accountKey"?, "signIn"?,
//! "azcopyEnvironment"?, "logLevel"?, "concurrency"?, ...}` — any spec field given overrides the
//! recorded one.

use super::{db, liveness, location};
use crate::error::{EngineError, Result};
use crate::spec::JobSpec;
use serde_json::{Map, Value};

/// A spec as a host sends it: a resume request when it names `resumeJobId`, a new job otherwise.
pub fn spec_or_resume(json: &[u8]) -> Result<JobSpec> {
    match serde_json::from_slice::<Map<String, Value>>(json) {
        Ok(map) if map.contains_key("resumeJobId") => resume_spec(json),
        _ => JobSpec::from_json(json),
    }
}

/// The spec to run to resume the job the request names.
pub fn resume_spec(request: &[u8]) -> Result<JobSpec> {
    let request: Map<String, Value> = serde_json::from_slice(request).map_err(|e| EngineError::InvalidSpec(e.to_string()))?;
    let id = request.get("resumeJobId").and_then(Value::as_str).ok_or_else(|| EngineError::InvalidSpec("resumeJobId is missing".into()))?.to_string();
    let dir = location::resolve(request.get("jobDir").and_then(Value::as_str))?;
    let not_found = || EngineError::JobNotFound(id.clone());
    if !dir.join(db::DB_FILE).exists() {
        return Err(not_found());
    }
    let conn = db::open(&dir)?;
    let (recorded, reference) = db::recorded_spec(&conn, &id)?.ok_or_else(not_found)?;
    if liveness::is_alive(&dir, &id) {
        return Err(EngineError::JobRunning(id));
    }
    let mut spec: Map<String, Value> = serde_json::from_str(&recorded).map_err(|e| EngineError::JournalUnavailable(e.to_string()))?;
    let reference: Value = serde_json::from_str(&reference).unwrap_or_default();
    let must_give_again: Vec<&str> = reference["mustGiveAgain"].as_array().map(|a| a.iter().filter_map(Value::as_str).collect()).unwrap_or_default();
    let given = |key: &str| request.get(key).is_some_and(|v| !v.is_null());
    let env_given = |name: &str| request.get("azcopyEnvironment").and_then(|e| e.get(name)).is_some();
    for (end, flag) in [("source", "sourceSas"), ("destination", "destinationSas")] {
        match request.get(flag).and_then(Value::as_str).map(|s| s.trim().trim_start_matches('?')).filter(|s| !s.is_empty()) {
            Some(sas) => {
                let base = spec.get(end).and_then(Value::as_str).unwrap_or_default().to_string();
                spec.insert(end.into(), Value::String(format!("{base}?{sas}")));
            }
            None if must_give_again.contains(&flag) => {
                return Err(EngineError::InvalidCredential(format!("job {id} signed in to the {end} with a SAS, which is never recorded; give it again ({flag})")));
            }
            None => {}
        }
    }
    for needed in &must_give_again {
        let missing = match *needed {
            "accountKey" => !given("accountKey") && !env_given("AZCOPY_ACCOUNT_KEY") && !env_given("AZURE_STORAGE_KEY"),
            "signIn.clientSecret" => !given("signIn") && !given("accountKey"),
            "sourceSas" | "destinationSas" => false,
            variable => !env_given(variable) && !given("accountKey") && !given("signIn"),
        };
        if missing {
            return Err(EngineError::InvalidCredential(format!("job {id} signed in with {needed}, which is never recorded; give it again")));
        }
    }
    // A sign-in without a secret (managed identity, workload identity, Azure CLI) signs in again by itself.
    if let Some(sign_in) = reference.get("signIn").filter(|s| s.is_object() && s["kind"] != "servicePrincipal") {
        if !given("signIn") && !given("accountKey") {
            let kept: Map<String, Value> = sign_in.as_object().into_iter().flatten().filter(|(_, v)| !v.is_null()).map(|(k, v)| (k.clone(), v.clone())).collect();
            spec.insert("signIn".into(), Value::Object(kept));
        }
    }
    for (key, value) in request {
        if !matches!(key.as_str(), "resumeJobId" | "sourceSas" | "destinationSas") {
            spec.insert(key, value);
        }
    }
    spec.insert("jobId".into(), Value::String(id.clone()));
    spec.insert("resumeJobId".into(), Value::String(id));
    spec.insert("jobDir".into(), Value::String(dir.to_string_lossy().into_owned()));
    JobSpec::from_json(&serde_json::to_vec(&spec).expect("JSON values serialize"))
}

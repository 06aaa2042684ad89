//! A spec checked for a host before it starts anything (`azbs_spec_check`): the engine's verdict
//! and normalized ends, or the error id and message, as one JSON object. Displays never hold a
//! secret: a SAS signature shows as `sig=REDACTED`.

use crate::error::EngineError;
use crate::spec::{Concern, JobSpec};
use crate::spec::ends::{ContainerEnd, Ends, LocalEnd};
use serde_json::{Value, json};

/// `{"ok":true,"direction":..,"source":{..},"destination":{..}}` or
/// `{"ok":false,"concerns":"source"|"destination"|"options","errorId":..,"category":..,"message":..}`.
pub fn check_spec_json(spec_json: &[u8]) -> String {
    let mut spec: JobSpec = match serde_json::from_slice(spec_json) {
        Ok(spec) => spec,
        // serde's message names the field and position, never a value.
        Err(e) => return refusal(&EngineError::InvalidSpec(e.to_string()), Concern::Options).to_string(),
    };
    match spec.validate_concerning() {
        Ok(()) => match spec.ends() {
            Ok(ends) => verdict(ends).to_string(),
            Err(e) => refusal(&e, Concern::Options).to_string(),
        },
        Err((e, concern)) => refusal(&e, concern).to_string(),
    }
}

fn verdict(ends: &Ends) -> Value {
    let (source, destination) = match ends {
        Ends::Upload { source, destination } => (local(source), container(destination)),
        Ends::Download { source, destination } => (container(source), local(destination)),
        Ends::ContainerToContainer { source, destination } => (container(source), container(destination)),
    };
    json!({ "ok": true, "direction": ends.direction(), "source": source, "destination": destination })
}

fn local(end: &LocalEnd) -> Value {
    json!({ "kind": "local", "path": end.path, "display": end.path })
}

fn container(end: &ContainerEnd) -> Value {
    json!({
        "kind": "azureContainer",
        "display": end.shown,
        "account": end.url.account,
        "container": end.url.container,
        "prefix": end.url.prefix,
        "hasSas": end.url.sas().is_some(),
        "contentsOnly": end.contents_only,
        "namesFolder": end.names_folder,
    })
}

fn refusal(e: &EngineError, concern: Concern) -> Value {
    let id = e.id();
    json!({
        "ok": false,
        "concerns": concern,
        "errorId": id.as_str(),
        "category": id.category().as_str(),
        "message": crate::spec::redaction::redact(&e.to_string()),
    })
}

#[cfg(test)]
mod tests {
    use super::check_spec_json;

    fn check(json: &str) -> serde_json::Value {
        serde_json::from_str(&check_spec_json(json.as_bytes())).unwrap()
    }

    #[test]
    fn a_good_spec_comes_back_typed_and_without_its_signature() {
        let v = check(r#"{"direction":"download","source":"http://127.0.0.1:1/acct/cont/pre/*?sv=1&sig=SECRET","destination":"/azbs-missing"}"#);
        assert_eq!(v["ok"], true);
        assert_eq!(v["direction"], "download");
        assert_eq!(v["source"]["kind"], "azureContainer");
        assert_eq!((v["source"]["account"].as_str(), v["source"]["container"].as_str(), v["source"]["prefix"].as_str()), (Some("acct"), Some("cont"), Some("pre")));
        assert_eq!(v["source"]["contentsOnly"], true);
        assert_eq!(v["source"]["display"], "http://127.0.0.1:1/acct/cont/pre?sv=1&sig=REDACTED");
        assert_eq!(v["destination"]["path"], "/azbs-missing");
        assert!(!v.to_string().contains("SECRET"));
    }

    #[test]
    fn a_bad_spec_comes_back_as_an_id_a_category_and_a_message_without_secrets() {
        let v = check(r#"{"source":"/","destination":"https://acct.blob.core.windows.net/?sv=1&sig=SECRET"}"#);
        assert_eq!((v["ok"].as_bool(), v["errorId"].as_str(), v["category"].as_str()), (Some(false), Some("InvalidDestination"), Some("InvalidArgument")));
        assert!(v["message"].as_str().unwrap().contains("no container"));
        assert_eq!(v["concerns"], "destination");
        let v = check(r#"{"operation":"copy","source":"/azbs-missing/f.txt","destination":"http://127.0.0.1:1/acct/cont","tags":{"k":"é"}}"#);
        assert_eq!((v["errorId"].as_str(), v["concerns"].as_str()), (Some("InvalidSpec"), Some("options")));
        let v = check(r#"{"operation":"copy","source":"/azbs-missing/f.txt","destination":"http://127.0.0.1:1/acct/cont"}"#);
        assert_eq!((v["errorId"].as_str(), v["concerns"].as_str()), (Some("SourceNotFound"), Some("source")));
        assert!(!v.to_string().contains("SECRET"));
        let v = check("not json");
        assert_eq!(v["errorId"], "InvalidSpec");
    }
}

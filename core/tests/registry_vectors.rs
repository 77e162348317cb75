//! Runs `testdata/registry.json`, the registry workflow vectors shared with
//! the Python and Kotlin suites.

use std::path::PathBuf;

use chrono::{DateTime, Utc};
use labshare::registry::{CategoryCode, InstrumentRecord, ReviewState, Unit};
use labshare::usage::UsageReport;
use labshare::{Actor, Error, InstrumentId, Money, Network, UnitId};
use serde_json::Value;

fn load() -> Vec<Value> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../testdata/registry.json");
    let document: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    document["cases"].as_array().cloned().unwrap()
}

fn text<'a>(value: &'a Value, field: &str) -> &'a str {
    value[field].as_str().unwrap_or_else(|| panic!("missing {field} in {value}"))
}

/// Builds a record the way a binding does: money and codes through their
/// checked constructors, so bad input gives the same error code everywhere.
fn record(value: &Value) -> Result<InstrumentRecord, Error> {
    let original_value = Money::parse_field("original_value", text(value, "original_value"))?;
    let category_code = CategoryCode::new(text(value, "category_code"))?;
    let mut plain = value.clone();
    plain["original_value"] = Value::String(original_value.yuan().to_string());
    let mut record: InstrumentRecord = serde_json::from_value(plain).unwrap();
    record.category_code = category_code;
    Ok(record)
}

fn usage(value: &Value) -> Result<UsageReport, Error> {
    let income = Money::parse_field("external_income", text(value, "external_income"))?;
    let mut plain = value.clone();
    plain["external_income"] = Value::String(income.yuan().to_string());
    Ok(serde_json::from_value(plain).unwrap())
}

fn run_step(network: &mut Network, step: &Value) -> Result<(), Error> {
    let actor: Actor = serde_json::from_value(step["actor"].clone()).unwrap();
    let at: DateTime<Utc> = text(step, "at").parse().unwrap();
    let instrument = || InstrumentId::new(text(step, "instrument"));
    match text(step, "op") {
        "register_unit" => {
            let unit: Unit = serde_json::from_value(step["unit"].clone()).unwrap();
            network.register_unit(&actor, at, unit)?;
        }
        "submit_instrument" => {
            let unit = UnitId::new(text(step, "unit"))?;
            network.submit_instrument(&actor, at, instrument()?, unit, record(&step["record"])?)?;
        }
        "revise_instrument" => {
            network.revise_instrument(&actor, at, instrument()?, record(&step["record"])?)?;
        }
        "publish_instrument" => {
            network.publish_instrument(&actor, at, instrument()?)?;
        }
        "return_instrument" => {
            network.return_instrument(&actor, at, instrument()?, text(step, "reason"))?;
        }
        "file_usage" => {
            network.file_usage(&actor, at, usage(&step["report"])?)?;
        }
        op => panic!("unknown op {op}"),
    }
    Ok(())
}

fn state_name(state: &ReviewState) -> &'static str {
    match state {
        ReviewState::Submitted => "submitted",
        ReviewState::Returned { .. } => "returned",
        ReviewState::Published => "published",
        ReviewState::RevisionPending => "revision_pending",
        ReviewState::RevisionReturned { .. } => "revision_returned",
    }
}

fn check_expectations(network: &Network, case: &Value) {
    let name = &case["name"];
    if let Some(instruments) = case["expect"]["instruments"].as_object() {
        for (id, expected) in instruments {
            let instrument = network.registry().instrument(&InstrumentId::new(id.as_str()).unwrap()).unwrap();
            assert_eq!(state_name(&instrument.state), text(expected, "state"), "case {name}");
            let published = instrument.published.as_ref().map(|r| r.name.as_str());
            assert_eq!(published, expected["published_name"].as_str(), "case {name}");
            let pending = instrument.pending.as_ref().map(|r| r.name.as_str());
            assert_eq!(pending, expected["pending_name"].as_str(), "case {name}");
            let steps: Vec<&str> = instrument.history.iter().map(|h| h.step.as_str()).collect();
            let expected_steps: Vec<&str> =
                expected["history"].as_array().unwrap().iter().map(|s| s.as_str().unwrap()).collect();
            assert_eq!(steps, expected_steps, "case {name}");
        }
    }
    if let Some(years) = case["expect"]["usage"].as_object() {
        for (year, expected) in years {
            let totals = network.usage().network_totals(year.parse().unwrap()).unwrap();
            assert_eq!(totals.instruments, expected["instruments"].as_u64().unwrap(), "case {name}");
            assert_eq!(totals.operating_hours.normalize().to_string(), text(expected, "operating_hours"), "case {name}");
            assert_eq!(totals.effective_hours.normalize().to_string(), text(expected, "effective_hours"), "case {name}");
            assert_eq!(totals.samples, expected["samples"].as_u64().unwrap(), "case {name}");
            assert_eq!(totals.external_income.yuan().to_string(), text(expected, "external_income"), "case {name}");
        }
    }
}

#[test]
fn registry_vectors() {
    let cases = load();
    assert!(cases.len() >= 20);
    for case in &cases {
        let name = &case["name"];
        let mut network = Network::new();
        for (index, step) in case["steps"].as_array().unwrap().iter().enumerate() {
            let before = network.clone();
            let result = run_step(&mut network, step);
            match (step["error"].as_str(), result) {
                (None, Ok(())) => {}
                (None, Err(error)) => panic!("case {name} step {index}: unexpected error {error}"),
                (Some(code), Ok(())) => panic!("case {name} step {index}: expected error {code}"),
                (Some(code), Err(error)) => {
                    assert_eq!(error.code(), code, "case {name} step {index}: {error}");
                    assert_eq!(network, before, "case {name} step {index}: a failed step changed the state");
                }
            }
        }
        check_expectations(&network, case);
    }
}

//! Runs the shared conformance vectors in `testdata/`, which the Python and
//! Kotlin suites run too, so the three languages cannot drift apart.

use std::path::PathBuf;

use labshare::subsidy::{Claim, allocate_proportional};
use labshare::{Error, Money, UnitId};
use serde_json::Value;

fn load(name: &str) -> Vec<Value> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../testdata").join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let document: Value = serde_json::from_str(&text).unwrap();
    document["cases"].as_array().cloned().unwrap_or_default()
}

fn text<'a>(case: &'a Value, field: &str) -> &'a str {
    case[field].as_str().unwrap_or_else(|| panic!("case {} lacks string field {field}", case["name"]))
}

fn check_error<T: std::fmt::Debug>(case: &Value, result: Result<T, Error>) -> Option<T> {
    let name = &case["name"];
    match (case.get("error").and_then(Value::as_str), result) {
        (Some(code), Err(error)) => {
            assert_eq!(error.code(), code, "case {name}: {error}");
            None
        }
        (Some(code), Ok(value)) => panic!("case {name}: expected error {code}, got {value:?}"),
        (None, Err(error)) => panic!("case {name}: unexpected error {error}"),
        (None, Ok(value)) => Some(value),
    }
}

#[test]
fn money_vectors() {
    let cases = load("money.json");
    assert!(cases.len() >= 20, "money.json has only {} cases", cases.len());
    for case in &cases {
        let input = text(case, "input");
        let result = match text(case, "op") {
            "parse" => Money::parse(input),
            "parse_rounded" => Money::parse_rounded(input),
            // The bindings pass a decimal value in 元; its text form is what they send.
            "round" => Money::parse_rounded(input),
            op => panic!("unknown op {op}"),
        };
        let Some(money) = check_error(case, result) else { continue };
        let name = &case["name"];
        if let Some(yuan) = case["yuan"].as_str() {
            assert_eq!(money.yuan().to_string(), yuan, "case {name}");
        }
        if let Some(expected) = case["format_yuan"].as_str() {
            assert_eq!(money.format_yuan(), expected, "case {name}");
        }
        if let Some(expected) = case["format_wan"].as_str() {
            assert_eq!(money.format_wan(), expected, "case {name}");
        }
    }
}

fn parse_claims(case: &Value) -> Result<Vec<Claim>, Error> {
    let mut claims = Vec::new();
    for claim in case["claims"].as_array().cloned().unwrap_or_default() {
        let unit = UnitId::new(text(&claim, "unit"))?;
        let audited = Money::parse_field("audited", text(&claim, "audited"))?;
        claims.push(Claim { unit, audited });
    }
    Ok(claims)
}

#[test]
fn allocation_vectors() {
    let cases = load("allocation.json");
    assert!(cases.len() >= 20, "allocation.json has only {} cases", cases.len());
    for case in &cases {
        assert_eq!(text(case, "op"), "allocate_proportional");
        let result = Money::parse_field("budget", text(case, "budget"))
            .and_then(|budget| parse_claims(case).and_then(|claims| allocate_proportional(budget, &claims)));
        let Some(allocation) = check_error(case, result) else { continue };
        let name = &case["name"];
        let expected = &case["expected"];
        assert_eq!(allocation.total_audited.yuan().to_string(), text(expected, "total_audited"), "case {name}");
        assert_eq!(allocation.ratio_percent(4).to_string(), text(expected, "ratio_percent_4"), "case {name}");
        let amounts: Vec<String> = allocation.shares.iter().map(|s| s.amount.yuan().to_string()).collect();
        let expected_amounts: Vec<&str> =
            expected["amounts"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
        assert_eq!(amounts, expected_amounts, "case {name}");
        let mut adjusted: Vec<String> =
            allocation.shares.iter().filter(|s| !s.adjustment.is_zero()).map(|s| s.unit.to_string()).collect();
        adjusted.sort();
        let expected_adjusted: Vec<&str> =
            expected["adjusted"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
        assert_eq!(adjusted, expected_adjusted, "case {name}");
        assert_eq!(allocation.total(), allocation.budget, "case {name}");
    }
}

//! Runs the shared conformance vectors `testdata/import-cells.json` and
//! `testdata/journal.json`.

use std::path::PathBuf;

use labshare::exchange::cells;
use labshare::exchange::mapping::MoneyUnit;
use labshare::journal::{read_jsonl, verify_jsonl};
use serde_json::Value;

fn repo_file(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..").join(path)
}

fn load(path: &str) -> Value {
    let text = std::fs::read_to_string(repo_file(path)).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn text(case: &Value, key: &str) -> String {
    case[key].as_str().unwrap_or_else(|| panic!("{key} missing in {case}")).to_owned()
}

/// Runs one cell case and returns the result as text or the error code.
fn run_cell_case(case: &Value) -> Result<String, &'static str> {
    let op = text(case, "op");
    let to_code = |_| "invalid_value";
    match op.as_str() {
        "parse_date" => cells::parse_date_text(&text(case, "input")).map(|d| d.to_string()).map_err(to_code),
        "excel_serial" => {
            let serial = case["input"].as_f64().expect("number input");
            cells::excel_serial_to_date(serial).map(|d| d.to_string()).map_err(to_code)
        }
        "parse_amount" => {
            let unit: MoneyUnit = serde_json::from_value(case["unit"].clone()).expect("unit");
            cells::parse_amount_text(&text(case, "input"), unit).map(|m| m.yuan().to_string()).map_err(to_code)
        }
        "parse_source" => cells::parse_source(&text(case, "input")).map(|v| enum_name(&v)).map_err(to_code),
        "parse_sharing_mode" => cells::parse_sharing_mode(&text(case, "input")).map(|v| enum_name(&v)).map_err(to_code),
        "parse_operating_status" => cells::parse_operating_status(&text(case, "input")).map(|v| enum_name(&v)).map_err(to_code),
        "country_code" => Ok(cells::country_code(&text(case, "input"))),
        other => panic!("unknown op {other}"),
    }
}

fn enum_name<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_value(value).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
}

#[test]
fn import_cell_vectors() {
    let file = load("testdata/import-cells.json");
    let cases = file["cases"].as_array().expect("cases");
    assert!(cases.len() >= 30);
    for case in cases {
        let name = text(case, "name");
        let result = run_cell_case(case);
        let expected = case.get("expected").or_else(|| case.get("expected_yuan")).and_then(Value::as_str);
        match (expected, case.get("error").and_then(Value::as_str)) {
            (Some(value), None) => assert_eq!(result.as_deref(), Ok(value), "{name}"),
            (None, Some(code)) => assert_eq!(result, Err(code), "{name}: expected error, got {result:?}"),
            _ => panic!("{name}: a case needs `expected` or `error`"),
        }
    }
}

fn tampered(lines: &[&str], tamper: &Value) -> Vec<u8> {
    let mut lines: Vec<String> = lines.iter().map(|line| (*line).to_owned()).collect();
    let index = |value: &Value| usize::try_from(value.as_u64().expect("line number")).expect("small") - 1;
    if let Some(replace) = tamper.get("replace") {
        let at = index(&replace["line"]);
        let from = text(replace, "from");
        assert!(lines[at].contains(&from), "tamper target {from} not on line {}", at + 1);
        lines[at] = lines[at].replacen(&from, &text(replace, "to"), 1);
    }
    if let Some(line) = tamper.get("delete") {
        lines.remove(index(line));
    }
    if let Some(pair) = tamper.get("swap") {
        lines.swap(index(&pair[0]), index(&pair[1]));
    }
    if let Some(line) = tamper.get("duplicate") {
        let at = index(line);
        let copy = lines[at].clone();
        lines.insert(at + 1, copy);
    }
    let mut bytes = (lines.join("\n") + "\n").into_bytes();
    if let Some(count) = tamper.get("truncate_bytes").and_then(Value::as_u64) {
        bytes.truncate(bytes.len() - usize::try_from(count).expect("small"));
    }
    bytes
}

#[test]
fn journal_vectors() {
    let file = load("testdata/journal.json");
    let journal = std::fs::read_to_string(repo_file(&text(&file, "file"))).expect("journal file");
    let lines: Vec<&str> = journal.lines().collect();
    for case in file["cases"].as_array().expect("cases") {
        let name = text(case, "name");
        let bytes = tampered(&lines, &case["tamper"]);
        let check = verify_jsonl(&bytes);

        let found: Vec<(u64, String)> = check.problems.iter().map(|p| (p.line, enum_name(&p.kind))).collect();
        let expected: Vec<(u64, String)> = case["problems"]
            .as_array()
            .expect("problems")
            .iter()
            .map(|pair| (pair[0].as_u64().expect("line"), pair[1].as_str().expect("kind").to_owned()))
            .collect();
        assert_eq!(found, expected, "{name}");

        if let Some(lines) = case.get("lines").and_then(Value::as_u64) {
            assert_eq!(check.lines, lines, "{name}");
        }
        if let Some(seq) = case.get("head_seq").and_then(Value::as_u64) {
            assert_eq!(check.head.seq, seq, "{name}");
        }
        match case.get("read_error_line").and_then(Value::as_u64) {
            Some(line) => {
                let error = read_jsonl(&bytes).expect_err(&name);
                assert_eq!(error.code(), "corrupt", "{name}");
                let labshare::Error::Corrupt { location, .. } = &error else { unreachable!() };
                let named = *location == format!("line {line}") || location.starts_with(&format!("line {line} ("));
                assert!(named, "{name}: {location}");
            }
            None => assert!(read_jsonl(&bytes).is_ok(), "{name}"),
        }
    }
}

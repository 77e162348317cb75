//! Runs the shared conformance vectors of the subsidy and fund modules:
//! `testdata/subsidy_rules.json`, `subsidy_audit.json`,
//! `subsidy_analysis.json` and `fund.json`. The Python and Kotlin suites
//! run the same files.

use std::collections::BTreeMap;
use std::path::PathBuf;

use chrono::{TimeZone, Utc};
use labshare::fund::{BudgetTransfer, CategoryAmount, PaymentOrder};
use labshare::subsidy::{
    AllocationRules, ApplicationForm, AuditAdjustment, AuditContext, AuditRules, AuditedIncome, GroupScore, RewardRules,
    RuleSet, YearPayments, YearRange, allocate, allocate_rewards, audit_application, concentration, history, what_if,
};
use labshare::{Actor, Money, Network, Text};
use rust_decimal::Decimal;
use serde::de::DeserializeOwned;
use serde_json::Value;

fn load(name: &str) -> Vec<Value> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../testdata").join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let file: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{name} is not JSON: {e}"));
    assert!(file["description"].is_string(), "{name} lacks a description");
    file["cases"].as_array().cloned().unwrap_or_else(|| panic!("{name} lacks cases"))
}

fn field<T: DeserializeOwned>(case: &Value, key: &str) -> T {
    serde_json::from_value(case[key].clone()).unwrap_or_else(|e| panic!("case {}: bad `{key}`: {e}", case["name"]))
}

fn money(value: &Value) -> Money {
    Money::parse(value.as_str().unwrap_or_else(|| panic!("not an amount: {value}"))).unwrap()
}

fn decimal(value: &Value) -> Decimal {
    value.as_str().unwrap_or_else(|| panic!("not a decimal: {value}")).parse().unwrap()
}

fn rule_set(allocation: AllocationRules, audit: AuditRules, rewards: Option<RewardRules>) -> RuleSet {
    RuleSet {
        id: "vector".into(),
        version: 1,
        title: Text::new("测试细则", "Vector rules"),
        years: YearRange { from: 2000, until: None },
        text: Text::new("测试用细则。", "Rules for the conformance vectors."),
        audit,
        allocation,
        rewards,
    }
}

fn expect_error<T: std::fmt::Debug>(case: &Value, result: labshare::Result<T>) {
    let name = &case["name"];
    let code = case["error"].as_str().unwrap();
    match result {
        Ok(value) => panic!("case {name}: expected error {code}, got {value:?}"),
        Err(error) => assert_eq!(error.code(), code, "case {name}: {error}"),
    }
}

#[test]
fn subsidy_rules_vectors() {
    let cases = load("subsidy_rules.json");
    assert!(cases.len() >= 20);
    for case in &cases {
        match case["op"].as_str() {
            Some("allocate") => run_allocate(case),
            Some("rewards") => run_rewards(case),
            other => panic!("unknown op {other:?}"),
        }
    }
}

fn run_allocate(case: &Value) {
    let name = &case["name"];
    let rules = rule_set(field(case, "allocation"), AuditRules::default(), None);
    let incomes: Vec<AuditedIncome> = field(case, "incomes");
    let budget = money(&case["budget"]);
    let result = allocate(&rules, budget, &incomes);
    if case.get("error").is_some() {
        return expect_error(case, result);
    }
    let result = result.unwrap_or_else(|e| panic!("case {name}: {e}"));
    let expected = &case["expected"];
    for unit in &result.units {
        let want = money(&expected["amounts"][unit.unit.as_str()]);
        assert_eq!(unit.amount, want, "case {name}: amount of {}", unit.unit);
    }
    assert_eq!(result.units.len(), expected["amounts"].as_object().unwrap().len(), "case {name}");
    assert_eq!(result.returned_to_fund, money(&expected["returned_to_fund"]), "case {name}: returned");
    assert_eq!(result.paid_total.checked_add(result.returned_to_fund).unwrap(), budget, "case {name}: sum");
    if let Some(limits) = expected.get("limits") {
        for unit in &result.units {
            let limit = serde_json::to_value(unit.limit).unwrap();
            assert_eq!(limit, limits[unit.unit.as_str()], "case {name}: limit of {}", unit.unit);
        }
    }
}

fn run_rewards(case: &Value) {
    let name = &case["name"];
    let rules = rule_set(AllocationRules::proportional(), AuditRules::default(), Some(field(case, "rewards")));
    let scores: Vec<GroupScore> = field(case, "scores");
    let result = allocate_rewards(&rules, money(&case["pool"]), &scores);
    if case.get("error").is_some() {
        return expect_error(case, result);
    }
    let result = result.unwrap_or_else(|e| panic!("case {name}: {e}"));
    let expected = &case["expected"];
    for award in &result.awards {
        assert_eq!(award.prize, money(&expected["prizes"][&award.group]), "case {name}: prize of {}", award.group);
        assert_eq!(serde_json::to_value(award.rank).unwrap(), expected["ranks"][&award.group], "case {name}: rank of {}", award.group);
    }
    assert_eq!(result.awarded_total, money(&expected["awarded_total"]), "case {name}");
    assert_eq!(result.returned_to_fund, money(&expected["returned_to_fund"]), "case {name}");
}

#[test]
fn subsidy_audit_vectors() {
    let cases = load("subsidy_audit.json");
    assert!(cases.len() >= 5);
    for case in &cases {
        assert_eq!(case["op"], "audit");
        let name = &case["name"];
        let rules = rule_set(AllocationRules::proportional(), field(case, "audit_rules"), None);
        let form: ApplicationForm = field(case, "form");
        let context: AuditContext = field(case, "context");
        let adjustments: Vec<AuditAdjustment> = field(case, "adjustments");
        let result = audit_application(&rules, &form, &context, &adjustments);
        if case.get("error").is_some() {
            expect_error(case, result);
            continue;
        }
        let result = result.unwrap_or_else(|e| panic!("case {name}: {e}"));
        let expected = &case["expected"];
        assert_eq!(result.applied_total, money(&expected["applied_total"]), "case {name}: applied");
        assert_eq!(result.computed_total, money(&expected["computed_total"]), "case {name}: computed");
        assert_eq!(result.audited_total, money(&expected["audited_total"]), "case {name}: audited");
        assert_eq!(serde_json::to_value(&result.rule_set).unwrap(), expected["rule_set"], "case {name}");
        let lines = expected["lines"].as_array().unwrap();
        assert_eq!(result.records.len(), lines.len(), "case {name}: line count");
        for (record, want) in result.records.iter().zip(lines) {
            let line = record.line;
            assert_eq!(serde_json::json!(line), want["line"], "case {name}");
            assert_eq!(serde_json::json!(record.included), want["included"], "case {name}: line {line} included");
            let codes: Vec<&str> = record.exclusions.iter().map(|e| e.code.as_str()).collect();
            assert_eq!(serde_json::json!(codes), want["codes"], "case {name}: line {line} codes");
            assert_eq!(record.counted, money(&want["counted"]), "case {name}: line {line} counted");
        }
        let by_instrument: BTreeMap<String, Money> =
            result.by_instrument.iter().map(|i| (i.instrument.to_string(), i.audited)).collect();
        let want: BTreeMap<String, Money> =
            expected["by_instrument"].as_object().unwrap().iter().map(|(k, v)| (k.clone(), money(v))).collect();
        assert_eq!(by_instrument, want, "case {name}: by instrument");
    }
}

#[test]
fn subsidy_analysis_vectors() {
    let cases = load("subsidy_analysis.json");
    for case in &cases {
        match case["op"].as_str() {
            Some("concentration") => {
                let amounts: Vec<Money> = field(case, "amounts");
                let result = concentration(&amounts).unwrap();
                check_concentration(case, &case["expected"], &result);
            }
            Some("history") => run_history(case),
            Some("what_if") => run_what_if(case),
            other => panic!("unknown op {other:?}"),
        }
    }
}

fn check_concentration(case: &Value, expected: &Value, result: &labshare::subsidy::Concentration) {
    let name = &case["name"];
    assert_eq!(result.total, money(&expected["total"]), "case {name}: total");
    assert_eq!(serde_json::json!(result.recipients), expected["recipients"], "case {name}: recipients");
    assert_eq!(result.top3_share, decimal(&expected["top3_share"]), "case {name}: top three");
    assert_eq!(result.hhi, decimal(&expected["hhi"]), "case {name}: HHI");
}

fn run_history(case: &Value) {
    let name = &case["name"];
    let years: Vec<YearPayments> = field(case, "years");
    let result = history(&years);
    if case.get("error").is_some() {
        return expect_error(case, result);
    }
    let result = result.unwrap_or_else(|e| panic!("case {name}: {e}"));
    let expected = &case["expected"];
    assert_eq!(result.total_audited, money(&expected["total_audited"]), "case {name}");
    assert_eq!(result.total_paid, money(&expected["total_paid"]), "case {name}");
    assert_eq!(result.min_ratio, decimal(&expected["min_ratio"]), "case {name}");
    assert_eq!(result.max_ratio, decimal(&expected["max_ratio"]), "case {name}");
    for (line, want) in result.years.iter().zip(expected["years"].as_array().unwrap()) {
        assert_eq!(serde_json::json!(line.year), want["year"], "case {name}");
        assert_eq!(line.total_paid, money(&want["total_paid"]), "case {name} {}", line.year);
        assert_eq!(line.ratio, decimal(&want["ratio"]), "case {name} {}: ratio", line.year);
        assert_eq!(serde_json::json!(line.concentration.recipients), want["recipients"], "case {name} {}", line.year);
        assert_eq!(line.concentration.top3_share, decimal(&want["top3_share"]), "case {name} {}", line.year);
        assert_eq!(line.concentration.hhi, decimal(&want["hhi"]), "case {name} {}: HHI", line.year);
        assert_eq!(serde_json::json!(line.repeat_recipients), want["repeat_recipients"], "case {name} {}", line.year);
        assert_eq!(line.repeat_recipient_share, decimal(&want["repeat_recipient_share"]), "case {name} {}", line.year);
        assert_eq!(line.repeat_money_share, decimal(&want["repeat_money_share"]), "case {name} {}", line.year);
    }
    check_concentration(case, &expected["overall"], &result.overall);
    assert_eq!(serde_json::json!(result.multi_year_recipients), expected["multi_year_recipients"], "case {name}");
    assert_eq!(result.multi_year_recipient_share, decimal(&expected["multi_year_recipient_share"]), "case {name}");
    assert_eq!(serde_json::json!(result.every_year_recipients), expected["every_year_recipients"], "case {name}");
    assert_eq!(result.every_year_money_share, decimal(&expected["every_year_money_share"]), "case {name}");
    for (unit, want) in result.units.iter().zip(expected["units"].as_array().unwrap()) {
        assert_eq!(unit.unit.as_str(), want["unit"], "case {name}");
        assert_eq!(unit.total, money(&want["total"]), "case {name}");
        assert_eq!(serde_json::json!(unit.years_paid), want["years_paid"], "case {name}");
    }
}

fn run_what_if(case: &Value) {
    let name = &case["name"];
    let a = rule_set(field(case, "a"), AuditRules::default(), None);
    let b = rule_set(field(case, "b"), AuditRules::default(), None);
    let incomes: Vec<AuditedIncome> = field(case, "incomes");
    let result = what_if(&a, &b, money(&case["budget"]), &incomes).unwrap_or_else(|e| panic!("case {name}: {e}"));
    let expected = &case["expected"];
    for (row, want) in result.rows.iter().zip(expected["rows"].as_array().unwrap()) {
        assert_eq!(row.unit.as_str(), want["unit"], "case {name}");
        assert_eq!(row.amount_a, money(&want["amount_a"]), "case {name}: {}", row.unit);
        assert_eq!(row.amount_b, money(&want["amount_b"]), "case {name}: {}", row.unit);
        assert_eq!(row.difference, decimal(&want["difference"]), "case {name}: {}", row.unit);
    }
    assert_eq!(result.paid_difference, decimal(&expected["paid_difference"]), "case {name}");
}

#[test]
fn fund_vectors() {
    let cases = load("fund.json");
    let office = Actor::office("office");
    let now = Utc.with_ymd_and_hms(2018, 12, 10, 2, 0, 0).unwrap();
    for case in &cases {
        assert_eq!(case["op"], "fund");
        let name = &case["name"];
        let mut network = Network::new();
        let mut events = Vec::new();
        for (index, step) in case["steps"].as_array().unwrap().iter().enumerate() {
            let before = network.clone();
            let result = match step["do"].as_str() {
                Some("open_year") => {
                    let budget: Vec<CategoryAmount> = field(step, "budget");
                    network.open_fund_year(&office, now, field(step, "year"), money(&step["appropriation"]), budget)
                }
                Some("record_payment") => network.record_fund_payment(&office, now, field::<PaymentOrder>(step, "payment")),
                Some("transfer") => network.transfer_fund_budget(&office, now, field::<BudgetTransfer>(step, "transfer")),
                Some("reverse_payment") => network.reverse_fund_payment(
                    &office,
                    now,
                    field(step, "year"),
                    field(step, "entry"),
                    step["reason"].as_str().unwrap(),
                ),
                Some("close_year") => network.close_fund_year(&office, now, field(step, "year")),
                other => panic!("unknown step {other:?}"),
            };
            match step.get("error").and_then(Value::as_str) {
                Some(code) => {
                    let error = result.expect_err(&format!("case {name}: step {} should fail", index + 1));
                    assert_eq!(error.code(), code, "case {name}: step {}: {error}", index + 1);
                    assert_eq!(network, before, "case {name}: failed step {} changed the state", index + 1);
                }
                None => events.push(result.unwrap_or_else(|e| panic!("case {name}: step {}: {e}", index + 1))),
            }
        }
        for (year, want) in case["expected"].as_object().unwrap() {
            let report = network.fund().report(&office, year.parse().unwrap()).unwrap();
            for key in ["appropriation", "carried_in", "available", "spent", "carried_out", "balance"] {
                let got = serde_json::to_value(&report).unwrap()[key].clone();
                assert_eq!(money(&got), money(&want[key]), "case {name}: {year} {key}");
            }
            assert_eq!(report.execution_rate, decimal(&want["execution_rate"]), "case {name}: {year} rate");
            assert_eq!(serde_json::json!(report.closed), want["closed"], "case {name}: {year} closed");
            for line in &report.categories {
                let category = serde_json::to_value(line.category).unwrap();
                let want_line = &want["categories"][category.as_str().unwrap()];
                assert_eq!(line.available, money(&want_line["available"]), "case {name}: {year} {category} available");
                assert_eq!(line.spent, money(&want_line["spent"]), "case {name}: {year} {category} spent");
                assert_eq!(line.carried_out, money(&want_line["carried_out"]), "case {name}: {year} {category} carried");
            }
        }
        assert_eq!(Network::replay(&events).unwrap(), network, "case {name}: replay");
    }
}

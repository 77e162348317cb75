//! Runs `testdata/credit_code.json`, `testdata/sme_size.json` and
//! `testdata/vouchers.json`, the voucher vectors shared with the Python and
//! Kotlin suites.

use std::path::PathBuf;

use chrono::{DateTime, Utc};
use labshare::credit_code::{CreditCode, check_character};
use labshare::enterprise::{Applicant, ProviderTies};
use labshare::registry::{InstrumentRecord, Unit};
use labshare::sme::{SizeFigures, SizeStandard};
use labshare::voucher::{
    ApplicationRequest, AuditDecision, RedemptionRequest, ServiceUseRequest, VoucherScheme,
};
use labshare::booking::{BookingId, BookingPolicy, Completion, SampleRequest};
use labshare::fund::{CategoryAmount, FundCategory};
use labshare::{Actor, ApplicationId, Error, InstrumentId, Lang, Money, Network, SchemeId, UnitId, VoucherNumber};
use serde::de::DeserializeOwned;
use serde_json::Value;

fn load(name: &str) -> Vec<Value> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../testdata").join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let document: Value = serde_json::from_str(&text).unwrap();
    document["cases"].as_array().cloned().unwrap()
}

fn text<'a>(value: &'a Value, field: &str) -> &'a str {
    value[field].as_str().unwrap_or_else(|| panic!("missing {field} in {value}"))
}

fn parse<T: DeserializeOwned>(value: &Value, field: &str) -> T {
    serde_json::from_value(value[field].clone()).unwrap_or_else(|e| panic!("bad {field} in {value}: {e}"))
}

#[test]
fn credit_code_vectors() {
    let cases = load("credit_code.json");
    assert!(cases.len() >= 20, "credit_code.json has only {} cases", cases.len());
    for case in &cases {
        let name = &case["name"];
        let input = text(case, "input");
        match text(case, "op") {
            "parse" => match (CreditCode::parse(input), case.get("error")) {
                (Ok(code), None) => {
                    assert_eq!(code.as_str(), text(&case["expected"], "code"), "case {name}");
                    assert_eq!(code.division(), text(&case["expected"], "division"), "case {name}");
                }
                (Err(error), Some(expected)) => {
                    assert_eq!(error.code(), expected.as_str().unwrap(), "case {name}");
                    let message = error.message(Lang::En);
                    assert!(message.contains(text(case, "message_contains")), "case {name}: {message}");
                }
                (result, _) => panic!("case {name}: unexpected {result:?}"),
            },
            "check_character" => {
                let check = check_character(input).unwrap();
                assert_eq!(check.to_string(), text(&case["expected"], "check"), "case {name}");
            }
            op => panic!("unknown op {op}"),
        }
    }
}

#[test]
fn size_class_vectors() {
    let cases = load("sme_size.json");
    assert!(cases.len() >= 100, "sme_size.json has only {} cases", cases.len());
    let standard = SizeStandard::sme_2011().unwrap();
    for case in &cases {
        let name = &case["name"];
        assert_eq!(text(case, "op"), "classify");
        let figures = SizeFigures {
            staff: u32::try_from(case["staff"].as_u64().unwrap()).unwrap(),
            revenue: Money::parse(text(case, "revenue")).unwrap(),
            total_assets: Money::parse(text(case, "total_assets")).unwrap(),
        };
        let result = standard.classify(text(case, "industry"), &figures);
        if let Some(code) = case.get("error") {
            assert_eq!(result.unwrap_err().code(), code.as_str().unwrap(), "case {name}");
            continue;
        }
        let result = result.unwrap_or_else(|e| panic!("case {name}: {e}"));
        let expected = &case["expected"];
        assert_eq!(result.class.code(), text(expected, "class"), "case {name}");
        assert_eq!(result.industry, text(expected, "industry"), "case {name}");
        let tested: Vec<(String, bool)> = result.tests.iter().map(|t| (t.class.code().to_owned(), t.reached)).collect();
        let expected_tested: Vec<(String, bool)> = expected["tested"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| (text(t, "class").to_owned(), t["reached"].as_bool().unwrap()))
            .collect();
        assert_eq!(tested, expected_tested, "case {name}");
    }
}

fn run_step(network: &mut Network, step: &Value) -> Result<(), Error> {
    let actor: Actor = parse(step, "actor");
    let at: DateTime<Utc> = text(step, "at").parse().unwrap();
    let scheme = || SchemeId::new(text(step, "scheme"));
    let application = || ApplicationId::new(text(step, "application"));
    let booking = || BookingId(step["booking"].as_u64().unwrap());
    let instrument = || InstrumentId::new(text(step, "instrument"));
    let amount = || Money::parse_field("amount", text(step, "amount"));
    match text(step, "op") {
        "register_unit" => network.register_unit(&actor, at, parse::<Unit>(step, "unit")),
        "submit_instrument" => {
            let record: InstrumentRecord = parse(step, "record");
            let unit = UnitId::new(text(step, "unit"))?;
            network.submit_instrument(&actor, at, InstrumentId::new(text(step, "instrument"))?, unit, record)
        }
        "publish_instrument" => network.publish_instrument(&actor, at, InstrumentId::new(text(step, "instrument"))?),
        "set_booking_policy" => {
            let from: DateTime<Utc> = text(step, "effective_from").parse().unwrap();
            network.set_booking_policy(&actor, at, instrument()?, from, parse::<BookingPolicy>(step, "policy"))
        }
        "request_samples" => network.request_samples(&actor, at, parse::<SampleRequest>(step, "request")).map(|r| r.event),
        "confirm_booking" => network.confirm_booking(&actor, at, booking()).map(|r| r.event),
        "complete_booking" => network.complete_booking(&actor, at, booking(), parse::<Completion>(step, "completion")).map(|r| r.event),
        "cancel_booking" => network.cancel_booking(&actor, at, booking(), step["reason"].as_str()).map(|r| r.event),
        "open_fund_year" => {
            let year = i32::try_from(step["year"].as_i64().unwrap()).unwrap();
            let appropriation = Money::parse(text(step, "appropriation"))?;
            network.open_fund_year(&actor, at, year, appropriation, parse::<Vec<CategoryAmount>>(step, "budget"))
        }

        "register_applicant" => network.register_applicant(&actor, at, parse::<Applicant>(step, "applicant")),
        "record_provider_ties" => network.record_provider_ties(&actor, at, parse::<ProviderTies>(step, "ties")),
        "publish_voucher_scheme" => network.publish_voucher_scheme(&actor, at, parse::<VoucherScheme>(step, "scheme")),
        "fund_voucher_pool" => {
            let year = i32::try_from(step["fund_year"].as_i64().unwrap()).unwrap();
            network.fund_voucher_pool(&actor, at, scheme()?, year, amount()?)
        }
        "withdraw_from_voucher_pool" => {
            network.withdraw_from_voucher_pool(&actor, at, scheme()?, amount()?, text(step, "reason"))
        }

        "apply_for_vouchers" => network.apply_for_vouchers(&actor, at, parse::<ApplicationRequest>(step, "request")),
        "score_voucher_application" => {
            let score = text(step, "score").parse().unwrap();
            network.score_voucher_application(&actor, at, application()?, score)
        }
        "withdraw_voucher_application" => network.withdraw_voucher_application(&actor, at, application()?),
        "reject_voucher_application" => {
            network.reject_voucher_application(&actor, at, application()?, text(step, "reason"))
        }
        "decide_voucher_applications" => network.decide_voucher_applications(&actor, at, scheme()?),
        "issue_vouchers" => network.issue_vouchers(&actor, at, application()?),

        "use_vouchers" => network.use_vouchers(&actor, at, parse::<ServiceUseRequest>(step, "request")),
        "cancel_voucher_use" => network.cancel_voucher_use(&actor, at, booking(), text(step, "reason")),
        "request_redemption" => network.request_redemption(&actor, at, parse::<RedemptionRequest>(step, "request")),
        "audit_redemption" => network.audit_redemption(&actor, at, booking(), parse::<AuditDecision>(step, "decision")),
        "expire_vouchers" => network.expire_vouchers(&actor, at, scheme()?),
        op => panic!("unknown op {op}"),
    }
    .map(|_| ())
}

fn yuan(money: Money) -> String {
    money.yuan().to_string()
}

fn check_expectations(network: &Network, case: &Value) {
    let name = &case["name"];
    let expect = &case["expect"];
    let book = network.vouchers();
    for (id, expected) in expect["applications"].as_object().into_iter().flatten() {
        let application = book.application(&ApplicationId::new(id.as_str()).unwrap()).unwrap();
        assert_eq!(application.state.name(), text(expected, "state"), "case {name}: {id}");
        assert_eq!(yuan(application.granted), text(expected, "granted"), "case {name}: {id}");
        if let Some(rank) = expected["rank"].as_u64() {
            assert_eq!(u64::from(application.decision.as_ref().unwrap().rank), rank, "case {name}: {id}");
        }
        if let Some(limit) = expected["limit"].as_str() {
            let actual = serde_json::to_value(application.decision.as_ref().unwrap().limit).unwrap();
            assert_eq!(actual.as_str(), Some(limit), "case {name}: {id}");
        }
    }
    for (number, expected) in expect["vouchers"].as_object().into_iter().flatten() {
        let voucher = book.voucher(&VoucherNumber::new(number.as_str()).unwrap()).unwrap();
        assert_eq!(yuan(voucher.face_value), text(expected, "face_value"), "case {name}: {number}");
        assert_eq!(yuan(voucher.used), text(expected, "used"), "case {name}: {number}");
        assert_eq!(yuan(voucher.remaining), text(expected, "remaining"), "case {name}: {number}");
        assert_eq!(yuan(voucher.expired), text(expected, "expired"), "case {name}: {number}");
        let state = serde_json::to_value(voucher.state).unwrap();
        assert_eq!(state.as_str(), Some(text(expected, "state")), "case {name}: {number}");
    }
    for (id, expected) in expect["services"].as_object().into_iter().flatten() {
        let service_use = book.service_use(BookingId(id.parse().unwrap())).unwrap();
        assert_eq!(service_use.state.name(), text(expected, "state"), "case {name}: {id}");
        assert_eq!(yuan(service_use.total), text(expected, "total"), "case {name}: {id}");
        assert_eq!(yuan(service_use.share.limit), text(expected, "share_limit"), "case {name}: {id}");
    }
    let scheme = SchemeId::new("xj-cxq-2018").unwrap();
    if let Some(expected) = expect.get("pool") {
        let totals = book.scheme(&scheme).unwrap().pool.totals;
        assert_eq!(yuan(totals.funded), text(expected, "funded"), "case {name}");
        assert_eq!(yuan(totals.withdrawn), text(expected, "withdrawn"), "case {name}");
        assert_eq!(yuan(totals.reserved), text(expected, "reserved"), "case {name}");
        assert_eq!(yuan(totals.paid), text(expected, "paid"), "case {name}");
        assert_eq!(yuan(totals.free().unwrap()), text(expected, "free"), "case {name}");
    }
    if let Some(expected) = expect.get("fund") {
        let fund_year = network.fund().fund_year(&Actor::office("office-1"), 2018).unwrap();
        let report = fund_year.report().unwrap();
        let line = report.categories.iter().find(|c| c.category == FundCategory::Vouchers).unwrap();
        assert_eq!(yuan(line.spent), text(expected, "spent"), "case {name}: fund spent");
        assert_eq!(yuan(line.balance), text(expected, "balance"), "case {name}: fund balance");
        let held = fund_year.pool_holding(&scheme).unwrap().held;
        assert_eq!(yuan(held), text(expected, "held"), "case {name}: fund held");
        let pool = book.scheme(&scheme).unwrap().pool.totals;
        assert_eq!(held, pool.cash().unwrap(), "case {name}: fund ledger and pool disagree");
    }
    if let Some(expected) = expect.get("report") {
        let totals = network.voucher_report(&scheme).unwrap().totals;
        let counts = [
            ("applications", totals.applications),
            ("approved", totals.approved),
            ("declined", totals.declined),
            ("vouchers", totals.vouchers),
            ("services", totals.services),
            ("users", totals.users),
            ("first_time_users", totals.first_time_users),
        ];
        for (field, actual) in counts {
            assert_eq!(u64::from(actual), expected[field].as_u64().unwrap(), "case {name}: report {field}");
        }
        let amounts = [
            ("issued", totals.issued),
            ("used", totals.used),
            ("redeemed", totals.redeemed),
            ("expired", totals.expired),
        ];
        for (field, actual) in amounts {
            assert_eq!(yuan(actual), text(expected, field), "case {name}: report {field}");
        }
    }
}

#[test]
fn voucher_workflow_vectors() {
    let cases = load("vouchers.json");
    assert!(cases.len() >= 15, "vouchers.json has only {} cases", cases.len());
    for case in &cases {
        let name = &case["name"];
        let mut network = Network::new();
        let mut recorded = 0_u64;
        for (index, step) in case["steps"].as_array().unwrap().iter().enumerate() {
            let before = network.clone();
            let result = run_step(&mut network, step);
            match (step["error"].as_str(), result) {
                (None, Ok(())) => recorded += 1,
                (None, Err(error)) => panic!("case {name} step {index}: unexpected error {error}"),
                (Some(code), Ok(())) => panic!("case {name} step {index}: expected error {code}"),
                (Some(code), Err(error)) => {
                    assert_eq!(error.code(), code, "case {name} step {index}: {error}");
                    if let Some(rule) = step["rule"].as_str() {
                        let Error::RuleViolation { rule: actual, .. } = &error else { unreachable!() };
                        assert_eq!(actual, rule, "case {name} step {index}");
                    }
                    assert_eq!(network, before, "case {name} step {index}: a failed step changed the state");
                }
            }
        }
        assert_eq!(recorded + 1, network.next_seq(), "case {name}: one event per successful step");
        check_expectations(&network, case);
    }
}

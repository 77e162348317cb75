//! Usage reports and their totals per unit and network.

mod common;

use common::*;
use labshare::usage::UsageReport;
use labshare::{Money, Network};
use rust_decimal::Decimal;

fn report(instrument: &str, year: i32, hours: i64, effective: i64, samples: u64, income: &str) -> UsageReport {
    UsageReport {
        instrument: instrument_id(instrument),
        year,
        operating_hours: Decimal::from(hours),
        effective_hours: Decimal::from(effective),
        samples,
        external_income: Money::parse(income).unwrap(),
    }
}

fn network() -> Network {
    let mut network = network_with_published();
    for (id, unit_code) in [("A-2", "A"), ("B-1", "B")] {
        let admin = admin(unit_code);
        network.submit_instrument(&admin, at(4), instrument_id(id), unit_id(unit_code), record("仪器", "60万")).unwrap();
        network.publish_instrument(&office(), at(5), instrument_id(id)).unwrap();
    }
    network
}

#[test]
fn totals_per_unit_and_network() {
    let mut network = network();
    network.file_usage(&admin("A"), at(6), report("A-1", 2017, 1200, 1000, 300, "12000")).unwrap();
    network.file_usage(&admin("A"), at(6), report("A-2", 2017, 800, 500, 200, "3000.50")).unwrap();
    network.file_usage(&admin("B"), at(6), report("B-1", 2017, 100, 90, 10, "0")).unwrap();
    network.file_usage(&admin("B"), at(6), report("B-1", 2016, 999, 99, 9, "9")).unwrap();

    let by_unit = network.usage().totals_by_unit(network.registry(), 2017).unwrap();
    let a = &by_unit[&unit_id("A")];
    assert_eq!(a.instruments, 2);
    assert_eq!(a.operating_hours, Decimal::from(2000));
    assert_eq!(a.effective_hours, Decimal::from(1500));
    assert_eq!(a.samples, 500);
    assert_eq!(a.external_income.to_string(), "15,000.50元");
    assert_eq!(by_unit[&unit_id("B")].samples, 10);

    let network_total = network.usage().network_totals(2017).unwrap();
    assert_eq!(network_total.instruments, 3);
    assert_eq!(network_total.operating_hours, Decimal::from(2100));
    assert_eq!(network_total.external_income.to_string(), "15,000.50元");
}

#[test]
fn refiling_replaces_the_report() {
    let mut network = network();
    network.file_usage(&admin("A"), at(6), report("A-1", 2017, 1200, 1000, 300, "12000")).unwrap();
    network.file_usage(&admin("A"), at(7), report("A-1", 2017, 1300, 1000, 300, "12000")).unwrap();
    assert_eq!(network.usage().network_totals(2017).unwrap().operating_hours, Decimal::from(1300));
}

#[test]
fn rejects_bad_reports() {
    let mut network = network();
    let cases = [
        (report("A-1", 2017, 1000, 1001, 1, "0"), "invalid_value", "effective_hours"),
        (report("A-1", 2017, 8761, 0, 1, "0"), "invalid_value", "operating_hours"),
        (report("A-1", 2017, -1, 0, 1, "0"), "invalid_value", "operating_hours"),
        (report("A-1", 1999, 1, 0, 1, "0"), "invalid_value", "year"),
    ];
    for (bad, code, field) in cases {
        let error = network.file_usage(&admin("A"), at(6), bad).unwrap_err();
        assert_eq!(error.code(), code);
        assert_eq!(error.field(), Some(field));
    }
    // 2016 was a leap year: 8784 hours fit.
    network.file_usage(&admin("A"), at(6), report("A-1", 2016, 8784, 0, 1, "0")).unwrap();

    let error = network.file_usage(&admin("B"), at(6), report("A-1", 2017, 1, 0, 1, "0")).unwrap_err();
    assert_eq!(error.code(), "permission_denied");
    let error = network.file_usage(&admin("A"), at(6), report("X-1", 2017, 1, 0, 1, "0")).unwrap_err();
    assert_eq!(error.code(), "not_found");

    network.submit_instrument(&admin("A"), at(6), instrument_id("A-9"), unit_id("A"), record("新", "30万")).unwrap();
    let error = network.file_usage(&admin("A"), at(6), report("A-9", 2017, 1, 0, 1, "0")).unwrap_err();
    assert_eq!(error.code(), "invalid_state");
}

//! The service-record book: imports with dry runs, duplicates and roles,
//! the national export by unit, period and submit state, and round trips
//! through CSV and XLSX for services and instruments.

#[path = "exchange_fixtures/mod.rs"]
mod common;

use chrono::NaiveDate;
use labshare::exchange::import::{
    ImportOptions, PlannedAction, apply_instruments, instruments_from_csv, instruments_from_xlsx, services_from_csv,
    services_from_xlsx,
};
use labshare::exchange::mapping::Mapping;
use labshare::exchange::national::{self, NationalRules, ServiceSelection, SubmitState};
use labshare::exchange::service::ServiceRecord;
use labshare::exchange::service_book::{ServiceChange, ServiceSource};
use labshare::exchange::service_import::{apply_services, plan_services};
use labshare::exchange::sheet::{instruments_csv, instruments_xlsx, rows_from_network, service_rows_from_network, services_csv, services_xlsx};
use labshare::registry::UnitKind;
use labshare::{Actor, Change, Event, Money, Network};

/// Services of the sample year, shared with the binding tests. Row 5 names an instrument below the
/// national value threshold, row 6 an unknown instrument, row 7 repeats row
/// 2 with another contact, row 9 an instrument still in review, and row 10
/// has a date that does not exist.
const SERVICES_CSV: &str = include_str!("data/exchange/services-2017.csv");

fn office() -> Actor {
    Actor::office("office-01")
}

fn at_admin() -> Actor {
    Actor::unit_admin("admin-xjat", common::unit_id("XJ-AT"))
}

/// Builds the sample year plus XJ-AT-003, submitted and never published.
fn network() -> Network {
    let (mut network, _) = common::sample_journal();
    let draft = common::record("激光共聚焦显微镜", "980000.00");
    network
        .submit_instrument(&at_admin(), common::at(40, 1), common::instrument_id("XJ-AT-003"), common::unit_id("XJ-AT"), draft)
        .expect("draft");
    network
}

fn imported() -> (Network, Vec<Event>) {
    let mut network = network();
    let report = services_from_csv(SERVICES_CSV.as_bytes(), &Mapping::default()).expect("read");
    let options = ImportOptions { take_good_rows: true };
    let outcome = apply_services(&mut network, &office(), common::at(320, 1), &report, options).expect("imported");
    (network, outcome.events)
}

fn date(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("valid date")
}

fn book_records(network: &Network) -> Vec<ServiceRecord> {
    network.services().iter().map(|(_, stored)| stored.record.clone()).collect()
}

fn without_contact(mut records: Vec<ServiceRecord>) -> Vec<ServiceRecord> {
    for record in &mut records {
        record.user_contact = String::new();
    }
    records
}

#[test]
fn report_lists_rows_and_bad_date() {
    let report = services_from_csv(SERVICES_CSV.as_bytes(), &Mapping::default()).expect("read");
    assert_eq!(report.rows_read, 9);
    assert_eq!(report.records.len(), 8);
    assert_eq!(report.bad_rows(), vec![10]);
    assert_eq!(report.problems[0].column, "B");
    assert_eq!(report.problems[0].value, "2017-02-30");
    let serial = report.records.iter().find(|row| row.row == 5).expect("row 5");
    assert_eq!(serial.record.date, date("2017-09-15"));
    assert_eq!(serial.record.samples, Some(3));
}

#[test]
fn office_plan_shows_every_row() {
    let network = network();
    let report = services_from_csv(SERVICES_CSV.as_bytes(), &Mapping::default()).expect("read");
    let plan = plan_services(&network, &office(), common::at(320, 1), &report);

    let actions: Vec<(u32, PlannedAction)> = plan.rows.iter().map(|row| (row.row, row.action)).collect();
    assert_eq!(
        actions,
        vec![
            (2, PlannedAction::Record),
            (3, PlannedAction::Record),
            (4, PlannedAction::Record),
            (5, PlannedAction::Record),
            (6, PlannedAction::Rejected),
            (7, PlannedAction::Rejected),
            (8, PlannedAction::Record),
            (9, PlannedAction::Record),
        ]
    );
    assert_eq!(plan.bad_rows, vec![10]);
    let unknown = plan.rows[4].reason.as_ref().expect("reason");
    assert!(unknown.en.contains("XJ-AT-009"), "{}", unknown.en);
    let repeated = plan.rows[5].reason.as_ref().expect("reason");
    assert!(repeated.en.contains("repeats row 2"), "{}", repeated.en);
    assert!(repeated.zh.contains("第 2 行"), "{}", repeated.zh);
    assert_eq!(network, self::network(), "a dry run changes nothing");
}

#[test]
fn bad_rows_stop_import_unless_asked() {
    let mut network = network();
    let before = network.clone();
    let report = services_from_csv(SERVICES_CSV.as_bytes(), &Mapping::default()).expect("read");
    let error = apply_services(&mut network, &office(), common::at(320, 1), &report, ImportOptions::default()).unwrap_err();

    assert_eq!(error.code(), "rule_violation");
    assert!(error.text().en.contains("rows 6, 7, 10"), "{}", error.text().en);
    assert!(error.text().zh.contains("第 6, 7, 10 行"), "{}", error.text().zh);
    assert_eq!(network, before);
    assert!(network.services().is_empty());
}

#[test]
fn good_rows_import_as_one_event_per_unit() {
    let (network, events) = imported();

    assert_eq!(events.len(), 2);
    let units: Vec<(String, usize)> = events
        .iter()
        .map(|event| match &event.change {
            Change::Services(ServiceChange::ImportServices { unit, records }) => (unit.to_string(), records.len()),
            other => panic!("unexpected change {other:?}"),
        })
        .collect();
    assert_eq!(units, vec![("XJ-AT".to_owned(), 4), ("XJ-MS".to_owned(), 2)]);

    assert_eq!(network.services().len(), 6);
    let at_dates: Vec<NaiveDate> =
        network.services().of_unit(&common::unit_id("XJ-AT")).map(|stored| stored.record.date).collect();
    assert_eq!(at_dates, vec![date("2017-07-14"), date("2017-08-01"), date("2018-01-05"), date("2017-11-20")]);
    let first = network.services().of_unit(&common::unit_id("XJ-AT")).next().expect("first record");
    assert_eq!(first.source, ServiceSource::Imported);
    assert_eq!(first.seq, events[0].seq);
    assert_eq!(first.record.amount, Money::parse("1600").expect("amount"));
    assert_eq!(first.record.user_contact, "李老师 13900000000");
}

#[test]
fn replay_rebuilds_the_book() {
    let (mut network, mut journal) = common::sample_journal();
    let draft = common::record("激光共聚焦显微镜", "980000.00");
    let submitted = network
        .submit_instrument(&at_admin(), common::at(40, 1), common::instrument_id("XJ-AT-003"), common::unit_id("XJ-AT"), draft)
        .expect("draft");
    journal.push(submitted);
    let report = services_from_csv(SERVICES_CSV.as_bytes(), &Mapping::default()).expect("read");
    let options = ImportOptions { take_good_rows: true };
    let outcome = apply_services(&mut network, &office(), common::at(320, 1), &report, options).expect("imported");
    journal.extend(outcome.events);

    let replayed = Network::replay(&journal).expect("replay");
    assert_eq!(replayed.services().len(), 6);
    assert_eq!(replayed, network);
}

#[test]
fn reimport_adds_nothing() {
    let (mut network, _) = imported();
    let before = network.clone();
    let report = services_from_csv(SERVICES_CSV.as_bytes(), &Mapping::default()).expect("read");

    let plan = plan_services(&network, &office(), common::at(321, 1), &report);
    assert_eq!(plan.count(PlannedAction::Duplicate), 7);
    assert_eq!(plan.count(PlannedAction::Rejected), 1);
    assert_eq!(plan.count(PlannedAction::Record), 0);
    let duplicate = plan.rows[0].reason.as_ref().expect("reason");
    assert!(duplicate.en.contains("equals a stored service record"), "{}", duplicate.en);

    let options = ImportOptions { take_good_rows: true };
    let outcome = apply_services(&mut network, &office(), common::at(321, 1), &report, options).expect("applied");
    assert!(outcome.events.is_empty());
    assert_eq!(network, before);
}

#[test]
fn unit_admin_imports_own_instruments_only() {
    let mut network = network();
    let report = services_from_csv(SERVICES_CSV.as_bytes(), &Mapping::default()).expect("read");
    let plan = plan_services(&network, &at_admin(), common::at(320, 1), &report);

    let rejected: Vec<u32> = plan.rows.iter().filter(|row| row.action == PlannedAction::Rejected).map(|row| row.row).collect();
    assert_eq!(rejected, vec![4, 5, 6, 7]);
    let denied = plan.rows[2].reason.as_ref().expect("reason");
    assert!(denied.en.contains("only the administrator of unit XJ-MS"), "{}", denied.en);

    let options = ImportOptions { take_good_rows: true };
    let outcome = apply_services(&mut network, &at_admin(), common::at(320, 1), &report, options).expect("applied");
    assert_eq!(outcome.events.len(), 1);
    assert_eq!(network.services().len(), 4);
    assert_eq!(network.services().of_unit(&common::unit_id("XJ-MS")).count(), 0);
}

fn import_change(unit: &str, records: Vec<ServiceRecord>) -> Change {
    Change::Services(ServiceChange::ImportServices { unit: common::unit_id(unit), records })
}

#[test]
fn failed_import_event_changes_nothing() {
    let (network, _) = imported();
    let report = services_from_csv(SERVICES_CSV.as_bytes(), &Mapping::default()).expect("read");
    let new_record = |row: u32| {
        let mut record = report.records.iter().find(|r| r.row == row).expect("row").record.clone();
        record.date = date("2017-12-01");
        record
    };
    let user = Actor::user("user-01", Some(common::unit_id("XJ-AT")));
    let cases = [
        ("wrong unit", office(), import_change("XJ-MS", vec![new_record(2)]), "invalid_value"),
        ("empty", office(), import_change("XJ-AT", Vec::new()), "invalid_value"),
        ("repeat in batch", office(), import_change("XJ-AT", vec![new_record(2), new_record(2)]), "rule_violation"),
        ("stored repeat", office(), import_change("XJ-AT", vec![report.records[0].record.clone()]), "rule_violation"),
        ("other unit's admin", at_admin(), import_change("XJ-MS", vec![new_record(4)]), "permission_denied"),
        ("user", user, import_change("XJ-AT", vec![new_record(2)]), "permission_denied"),
        ("unknown unit", office(), import_change("XJ-ZZ", vec![new_record(2)]), "not_found"),
    ];
    for (name, actor, change, code) in cases {
        let mut trial = network.clone();
        let error = trial.execute(&actor, common::at(322, 1), change).unwrap_err();
        assert_eq!(error.code(), code, "{name}: {error:?}");
        assert_eq!(trial, network, "{name}");
    }
}

#[test]
fn network_method_records_services() {
    let (mut network, _) = imported();
    let report = services_from_csv(SERVICES_CSV.as_bytes(), &Mapping::default()).expect("read");
    let mut record = report.records[0].record.clone();
    record.date = date("2017-12-01");

    let event = network.import_services(&at_admin(), common::at(322, 1), common::unit_id("XJ-AT"), vec![record.clone()]).expect("recorded");
    assert_eq!(event.change, import_change("XJ-AT", vec![record.clone()]));
    assert_eq!(network.services().len(), 7);
    let last = network.services().of_unit(&common::unit_id("XJ-AT")).last().expect("last record");
    assert_eq!(last.record, record);
    assert_eq!(last.seq, event.seq);

    let before = network.clone();
    let error = network.import_services(&at_admin(), common::at(322, 2), common::unit_id("XJ-AT"), vec![record]).unwrap_err();
    assert_eq!(error.code(), "rule_violation");
    assert_eq!(network, before);
}

#[test]
fn export_reads_the_book_with_states() {
    let (network, _) = imported();
    let export = national::services_of_network(&network, &ServiceSelection::default(), &NationalRules::default());

    let rows: Vec<(&str, &str, &str)> =
        export.records.iter().map(|r| (r.instrument_id.as_str(), r.date.as_str(), r.submit_state.as_str())).collect();
    assert_eq!(
        rows,
        vec![
            ("XJ-AT-001", "2017-07-14", "正式"),
            ("XJ-AT-002", "2017-08-01", "正式"),
            ("XJ-AT-002", "2018-01-05", "正式"),
            ("XJ-AT-003", "2017-11-20", "草稿"),
            ("XJ-MS-001", "2017-09-03", "正式"),
        ]
    );
    assert_eq!(export.notes.len(), 1);
    assert_eq!(export.notes[0].record, "XJ-MS-002 2017-09-15");
    assert!(export.notes[0].note.en.contains("below the national threshold 50万元"), "{}", export.notes[0].note.en);
    assert!(export.violations.is_empty());

    let first = &export.records[0];
    assert_eq!(first.amount_yuan, "1600.00");
    assert_eq!(first.samples, Some(2));
    assert_eq!(first.rating.as_deref(), Some("很满意"));
    assert_eq!(export.records[4].hours.as_deref(), Some("3.5"));
    let csv = String::from_utf8(export.to_csv()).expect("utf-8");
    assert!(!csv.contains("李老师"));
    assert!(csv.trim_start_matches('\u{feff}').starts_with("仪器编号,服务日期,服务金额（元）,"));
    assert!(csv.lines().next().expect("header").ends_with(",用户评价,提交状态"));
}

#[test]
fn export_selects_unit_and_period() {
    let (network, _) = imported();
    let rules = NationalRules::default();

    let ms = ServiceSelection { unit: Some(common::unit_id("XJ-MS")), ..ServiceSelection::default() };
    let export = national::services_of_network(&network, &ms, &rules);
    assert_eq!(export.records.len(), 1);
    assert_eq!(export.records[0].instrument_id, "XJ-MS-001");
    assert_eq!(export.notes.len(), 1);

    let year = ServiceSelection { from: Some(date("2017-01-01")), until: Some(date("2018-01-01")), ..ServiceSelection::default() };
    let export = national::services_of_network(&network, &year, &rules);
    let dates: Vec<&str> = export.records.iter().map(|r| r.date.as_str()).collect();
    assert_eq!(dates, vec!["2017-07-14", "2017-08-01", "2017-11-20", "2017-09-03"]);

    let day = ServiceSelection { from: Some(date("2017-08-01")), until: Some(date("2017-08-02")), ..ServiceSelection::default() };
    assert_eq!(national::services_of_network(&network, &day, &rules).records.len(), 1);
    let empty = ServiceSelection { from: Some(date("2017-08-01")), until: Some(date("2017-08-01")), ..ServiceSelection::default() };
    assert_eq!(national::services_of_network(&network, &empty, &rules).records.len(), 0);
}

#[test]
fn export_leaves_drafts_out_when_asked() {
    let (network, _) = imported();
    let rules = NationalRules { include_drafts: false, ..NationalRules::default() };
    let export = national::services_of_network(&network, &ServiceSelection::default(), &rules);

    assert_eq!(export.records.len(), 4);
    assert!(export.records.iter().all(|record| record.submit_state == SubmitState::Final.label_zh()));
    let notes: Vec<&str> = export.notes.iter().map(|note| note.record.as_str()).collect();
    assert_eq!(notes, vec!["XJ-AT-003 2017-11-20", "XJ-MS-002 2017-09-15"]);
    assert!(export.notes[0].note.en.contains("left out as a draft"));
}

#[test]
fn export_reports_every_violation() {
    let (network, _) = imported();
    let mut rules = NationalRules::default();
    rules.service_limits.insert("content".to_owned(), 4);
    rules.service_limits.insert("user_unit".to_owned(), 5);
    let export = national::services_of_network(&network, &ServiceSelection::default(), &rules);

    let violations: Vec<(&str, &str, usize, usize)> =
        export.violations.iter().map(|v| (v.record.as_str(), v.field.as_str(), v.limit, v.actual)).collect();
    assert_eq!(
        violations,
        vec![
            ("XJ-AT-001 2017-07-14", "user_unit", 5, 6),
            ("XJ-AT-002 2017-08-01", "content", 4, 6),
            ("XJ-AT-003 2017-11-20", "content", 4, 5),
            ("XJ-AT-003 2017-11-20", "user_unit", 5, 6),
        ]
    );
    let ids: Vec<&str> = export.records.iter().map(|r| r.date.as_str()).collect();
    assert_eq!(ids, vec!["2018-01-05", "2017-09-03"]);
}

/// Imports the good rows of `report` into a fresh sample network as the office.
fn import_into_fresh(report: &labshare::exchange::import::ServiceImport) -> Network {
    let mut fresh = network();
    apply_services(&mut fresh, &office(), common::at(320, 1), report, ImportOptions::default()).expect("clean import");
    fresh
}

#[test]
fn national_round_trip_gives_equal_records() {
    let (network, _) = imported();
    let rules = NationalRules { min_original_value: None, ..NationalRules::default() };
    let export = national::services_of_network(&network, &ServiceSelection::default(), &rules);
    assert_eq!(export.records.len(), 6);
    let expected = without_contact(book_records(&network));

    for (label, report) in [
        ("csv", services_from_csv(&export.to_csv(), &Mapping::default()).expect("csv")),
        ("xlsx", services_from_xlsx(&export.to_xlsx(common::at(330, 0)).expect("xlsx"), &Mapping::default()).expect("xlsx")),
    ] {
        assert!(report.is_clean(), "{label}: {:?}", report.problems);
        let read: Vec<ServiceRecord> = report.records.iter().map(|row| row.record.clone()).collect();
        assert_eq!(read, expected, "{label}");

        let fresh = import_into_fresh(&report);
        assert_eq!(book_records(&fresh), expected, "{label}");
        let again = national::services_of_network(&fresh, &ServiceSelection::default(), &rules);
        assert_eq!(again.records, export.records, "{label}");
    }
}

#[test]
fn office_list_round_trip_gives_equal_book() {
    let (network, _) = imported();
    let rows = service_rows_from_network(&network, None);
    assert_eq!(rows.len(), 6);
    assert_eq!(rows[0].row, 2);

    for (label, report) in [
        ("csv", services_from_csv(&services_csv(&rows), &Mapping::default()).expect("csv")),
        ("xlsx", services_from_xlsx(&services_xlsx(&rows, common::at(330, 0)).expect("xlsx"), &Mapping::default()).expect("xlsx")),
    ] {
        assert!(report.is_clean(), "{label}: {:?}", report.problems);
        assert_eq!(report.records, rows, "{label}");
        let fresh = import_into_fresh(&report);
        assert_eq!(fresh.services(), network.services(), "{label}");
    }

    let ms_rows = service_rows_from_network(&network, Some(&common::unit_id("XJ-MS")));
    let instruments: Vec<&str> = ms_rows.iter().map(|row| row.record.instrument.as_str()).collect();
    assert_eq!(instruments, vec!["XJ-MS-001", "XJ-MS-002"]);
}

/// Registers the two sample units in an empty network.
fn units_only() -> Network {
    let mut network = Network::new();
    network.register_unit(&office(), common::at(0, 1), common::unit("XJ-AT", "新疆分析测试研究院", UnitKind::Institute)).expect("unit");
    network.register_unit(&office(), common::at(0, 2), common::unit("XJ-MS", "新疆大学测试中心", UnitKind::University)).expect("unit");
    network
}

#[test]
fn instrument_round_trip_through_networks() {
    let (network, _) = common::sample_journal();
    let rows = rows_from_network(&network);
    assert_eq!(rows.len(), 4);

    for (label, report) in [
        ("csv", instruments_from_csv(&instruments_csv(&rows), &Mapping::default()).expect("csv")),
        ("xlsx", instruments_from_xlsx(&instruments_xlsx(&rows, common::at(60, 0)).expect("xlsx"), &Mapping::default()).expect("xlsx")),
    ] {
        assert!(report.is_clean(), "{label}: {:?}", report.problems);
        let mut fresh = units_only();
        let outcome = apply_instruments(&mut fresh, &office(), common::at(60, 1), &report, ImportOptions::default()).expect("import");
        assert_eq!(outcome.plan.count(PlannedAction::Submit), 4, "{label}");
        assert_eq!(rows_from_network(&fresh), rows, "{label}");

        let second = instruments_from_csv(&instruments_csv(&rows_from_network(&fresh)), &Mapping::default()).expect("again");
        assert_eq!(second.records, rows, "{label}");
    }
}

/// The instrument list that the binding tests import to build this file's
/// network: the sample year's four instruments and the draft XJ-AT-003.
const INSTRUMENTS_CSV: &[u8] = include_bytes!("data/exchange/instruments-2017.csv");

#[test]
fn instrument_fixture_matches_network() {
    let written = instruments_csv(&rows_from_network(&network()));
    if std::env::var("LABSHARE_BLESS").is_ok_and(|value| value == "1") {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/exchange/instruments-2017.csv");
        std::fs::write(path, &written).expect("fixture written");
        return;
    }
    assert_eq!(String::from_utf8_lossy(&written), String::from_utf8_lossy(INSTRUMENTS_CSV));
}

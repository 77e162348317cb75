//! Export to the national platform's field set.

#[path = "exchange_fixtures/mod.rs"]
mod common;

use labshare::exchange::import::{instruments_from_csv, instruments_from_xlsx, services_from_csv};
use labshare::exchange::mapping::Mapping;
use labshare::exchange::national::{self, NationalRules, SubmitState};
use labshare::registry::{AcquisitionSource, OperatingStatus, SharingMode, UnitKind};
use labshare::money::round_half_up;
use labshare::{Actor, Money, Network};

/// The sample year plus one instrument still in review, one below the
/// value threshold, one with a name over 50 characters and one with a
/// value that 2 places in 万元 cannot hold.
fn network() -> Network {
    let (mut network, _) = common::sample_journal();
    let admin = Actor::unit_admin("admin-xjat", common::unit_id("XJ-AT"));
    let unit = common::unit_id("XJ-AT");

    let mut draft = common::record("激光共聚焦显微镜", "980000.00");
    draft.source = AcquisitionSource::Donated;
    draft.sharing_mode = SharingMode::Internal;
    draft.operating_status = OperatingStatus::Standby;
    network.submit_instrument(&admin, common::at(40, 1), common::instrument_id("XJ-AT-003"), unit.clone(), draft).expect("draft");

    let small = common::record("紫外可见分光光度计", "186000.00");
    network.submit_instrument(&admin, common::at(40, 2), common::instrument_id("XJ-AT-004"), unit.clone(), small).expect("small");

    let mut long = common::record("超", "720000.00");
    long.name = "超".repeat(50);
    long.functions = "功".repeat(300);
    network.submit_instrument(&admin, common::at(40, 3), common::instrument_id("XJ-AT-005"), unit.clone(), long).expect("long");

    let fine = common::record("热重分析仪", "523456.78");
    network.submit_instrument(&admin, common::at(40, 4), common::instrument_id("XJ-AT-006"), unit, fine).expect("fine");
    network
}

#[test]
fn instruments_use_national_labels_and_units() {
    let export = national::instruments(&network(), &NationalRules::default());
    let ids: Vec<&str> = export.records.iter().map(|record| record.internal_id.as_str()).collect();
    assert_eq!(ids, ["XJ-AT-001", "XJ-AT-002", "XJ-AT-003", "XJ-AT-005", "XJ-AT-006", "XJ-MS-001"]);

    let gcms = &export.records[0];
    assert_eq!(gcms.original_value_wan, "128.60");
    assert_eq!(gcms.source, "购置");
    assert_eq!(gcms.operating_status, "正常");
    assert_eq!(gcms.sharing_mode, "外部共享");
    assert_eq!(gcms.submit_state, "正式");
    assert_eq!(gcms.unit_name, "新疆分析测试研究院");
    assert_eq!(gcms.commissioning_date, "2014-07-14");

    let icp = &export.records[1];
    assert_eq!(icp.original_value_wan, "215.00");

    let draft = &export.records[2];
    assert_eq!(draft.submit_state, SubmitState::Draft.label_zh());
    assert_eq!(draft.source, "捐赠");
    assert_eq!(draft.sharing_mode, "内部共享");
    assert_eq!(draft.operating_status, "待机");

    let sem = export.records.iter().find(|record| record.internal_id == "XJ-MS-001").expect("sem");
    assert_eq!(sem.operating_status, "偶有故障");
}

#[test]
fn value_is_rounded_half_up_to_two_places() {
    let export = national::instruments(&network(), &NationalRules::default());
    let tga = export.records.iter().find(|record| record.internal_id == "XJ-AT-006").expect("record");
    assert_eq!(tga.original_value_wan, "52.35");

    let note = export.notes.iter().find(|note| note.record == "XJ-AT-006").expect("rounding note");
    assert!(note.note.en.contains("52.35"), "{}", note.note.en);
}

#[test]
fn threshold_leaves_out_small_instruments() {
    let export = national::instruments(&network(), &NationalRules::default());
    assert!(export.records.iter().all(|record| record.internal_id != "XJ-MS-002" && record.internal_id != "XJ-AT-004"));
    let left_out: Vec<&str> = export.notes.iter().filter(|note| note.note.en.contains("threshold")).map(|note| note.record.as_str()).collect();
    assert_eq!(left_out, ["XJ-AT-004", "XJ-MS-002"]);

    let all = NationalRules { min_original_value: None, ..NationalRules::default() };
    assert_eq!(national::instruments(&network(), &all).records.len(), 8);
}

#[test]
fn drafts_can_be_left_out() {
    let rules = NationalRules { include_drafts: false, ..NationalRules::default() };
    let export = national::instruments(&network(), &rules);
    assert!(export.records.iter().all(|record| record.submit_state == "正式"));
}

#[test]
fn every_length_violation_is_reported() {
    let mut rules = NationalRules::default();
    rules.instrument_limits.insert("name".to_owned(), 20);
    rules.instrument_limits.insert("functions".to_owned(), 100);
    let export = national::instruments(&network(), &rules);

    let violations: Vec<(&str, &str, usize, usize)> =
        export.violations.iter().map(|v| (v.record.as_str(), v.field.as_str(), v.limit, v.actual)).collect();
    assert_eq!(violations, vec![("XJ-AT-005", "functions", 100, 300), ("XJ-AT-005", "name", 20, 50)]);
    assert!(export.records.iter().all(|record| record.internal_id != "XJ-AT-005"));
    assert!(export.violations[1].reason.zh.contains("最多 20 个"));
}

#[test]
fn personal_data_is_left_out() {
    let export = national::instruments(&network(), &NationalRules::default());
    let csv = String::from_utf8(export.to_csv()).expect("utf-8");
    let json = serde_json::to_string(&export).expect("json");

    for text in [&csv, &json] {
        assert!(!text.contains("王工"), "contact person exported");
        assert!(!text.contains("0991-0000000"), "telephone exported");
    }
    assert!(!csv.contains("联系人"));
}

#[test]
fn csv_has_national_headers() {
    let export = national::instruments(&network(), &NationalRules::default());
    let csv = String::from_utf8(export.to_csv()).expect("utf-8");
    let header = csv.trim_start_matches('\u{feff}').lines().next().expect("header");
    assert!(header.starts_with("内部编号,所属单位,仪器名称,英文名称,分类代码,仪器来源,原值（万元）,"));
    assert!(header.ends_with(",共享模式,提交状态"));
    assert_eq!(csv.trim_end().lines().count(), 1 + export.records.len());
}

#[test]
fn national_file_reads_back_with_known_losses() {
    // The national file drops the contact and rounds values to 0.01 万元;
    // everything else reads back equal.
    let network = network();
    let rules = NationalRules { min_original_value: None, ..NationalRules::default() };
    let export = national::instruments(&network, &rules);
    let mapping = Mapping { default_unit: Some(common::unit_id("XJ-AT")), ..Mapping::default() };

    for (label, report) in [
        ("csv", instruments_from_csv(&export.to_csv(), &mapping).expect("csv")),
        ("xlsx", instruments_from_xlsx(&export.to_xlsx(common::at(60, 0)).expect("xlsx"), &mapping).expect("xlsx")),
    ] {
        assert!(report.is_clean(), "{label}: {:?}", report.problems);
        assert_eq!(report.records.len(), export.records.len(), "{label}");
        for row in &report.records {
            let instrument = network.registry().instrument(&row.instrument).expect("instrument");
            let mut expected = instrument.published.as_deref().or(instrument.pending.as_deref()).cloned().expect("record");
            expected.contact = String::new();
            expected.original_value = Money::from_wan(round_half_up(expected.original_value.wan(), 2)).expect("amount");
            assert_eq!(row.record, expected, "{label}: {}", row.instrument);
        }
    }
}

#[test]
fn services_leave_out_user_contact() {
    let csv = "仪器编号,服务日期,服务金额（元）,服务内容,服务方式,服务机时,服务样品数,经费来源,用户单位,用户评价,用户联系人\n\
               XJ-AT-001,2017-07-14,1600,农残检测,委托,,2,国家自然科学基金,新疆农业大学,5,李老师 13900000000\n\
               XJ-AT-002,2017-08-01,800.5,元素分析,技术,4,,,新疆大学,4,\n";
    let report = services_from_csv(csv.as_bytes(), &Mapping::default()).expect("read");
    assert!(report.is_clean(), "{:?}", report.problems);
    let records: Vec<_> = report.records.into_iter().map(|row| row.record).collect();

    let export = national::services(&records, SubmitState::Final, &NationalRules::default());
    assert_eq!(export.records.len(), 2);
    let first = &export.records[0];
    assert_eq!((first.amount_yuan.as_str(), first.mode.as_str(), first.rating.as_deref()), ("1600.00", "委托", Some("很满意")));
    assert_eq!(export.records[1].amount_yuan, "800.50");
    assert_eq!(export.records[1].hours.as_deref(), Some("4"));

    let csv_out = String::from_utf8(export.to_csv()).expect("utf-8");
    assert!(!csv_out.contains("李老师"));
    assert!(!csv_out.contains("13900000000"));

    let again = services_from_csv(csv_out.as_bytes(), &Mapping::default()).expect("read back");
    assert!(again.is_clean(), "{:?}", again.problems);
    let mut expected = records.clone();
    for record in &mut expected {
        record.user_contact = String::new();
    }
    let read_back: Vec<_> = again.records.into_iter().map(|row| row.record).collect();
    assert_eq!(read_back, expected);
}

#[test]
fn unit_kind_does_not_matter_for_export() {
    let mut network = Network::new();
    let office = Actor::office("office-01");
    network.register_unit(&office, common::at(0, 0), common::unit("XJ-EN", "示例企业", UnitKind::Enterprise)).expect("unit");
    assert!(national::instruments(&network, &NationalRules::default()).records.is_empty());
}

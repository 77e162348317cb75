//! Spreadsheet import: header mapping, cell formats, bad-row reports, dry
//! runs, all-or-nothing imports and round trips through the exports.

#[path = "exchange_fixtures/mod.rs"]
mod common;

use labshare::exchange::SourceFormat;
use labshare::exchange::import::{
    ColumnUse, ImportOptions, PlannedAction, apply_instruments, instruments_from_csv, instruments_from_xlsx, plan_instruments,
    services_from_csv,
};
use labshare::exchange::mapping::{Mapping, MoneyUnit};
use labshare::exchange::sheet::{instruments_csv, instruments_xlsx, rows_from_network};
use labshare::registry::{AcquisitionSource, OperatingStatus, SharingMode, UnitKind};
use labshare::{Actor, Money, Network};
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};

const HEADER: &str = "仪器编号,单位编号,仪器名称,英文名称,分类代码,仪器来源,原值（万元）,产地国别,生产制造商,规格型号,启用日期,主要技术指标,主要功能,服务学科领域,服务内容,运行状态,共享模式,开放共享规定,收费标准,预约网址,安放地址,联系人,备注";

/// An office sheet: a title row, a blank row, the headers, then six
/// instruments of which rows 6 and 8 are bad.
fn office_csv() -> String {
    [
        "新疆分析测试研究院仪器设备一览表,,,",
        "",
        HEADER,
        "XJ-AT-001,XJ-AT,气相色谱质谱联用仪,GC-MS,010104,购置,128.6,美国,Agilent,7890B-5977B,2014-07-14,质量范围 1.6–1050 u,挥发性有机物分析,150；610,农残检测,正常,外部共享,网上预约,每样品 800 元,https://example.org/a,乌鲁木齐市北京南路 40 号,王工 0991-0000000,",
        "ＸＪ－ＡＴ－００２,XJ-AT,电感耦合等离子体质谱仪,,010105,购置,２１５．００,DE,Thermo,iCAP RQ,2016/3/5,检出限 ppt 级,痕量元素分析,150,,正常,外部共享,,,,乌鲁木齐市,,旧账",
        "XJ-AT-003,XJ-AT,X 射线衍射仪,,030101,购买,38.45,日本,Rigaku,SmartLab,2013年9月1日,2θ 范围 -3°～162°,物相分析,,,良好,外部共享,,,,乌鲁木齐市,,",
        "XJ-AT-004,XJ-AT,扫描电子显微镜,,010601,捐赠,152.7,JP,JEOL,JSM-7610F,42930,分辨率 1.0 nm,形貌观察,,,待机,内部共享,,,,乌鲁木齐市,,",
        "XJ-AT-005,XJ-AT,,,990101,租赁,15.2734567,CN,某厂,M1,2017-02-30,指标,功能,,,正常,外部共享,,,,乌鲁木齐市,,",
        "XJ-AT-006,XJ-AT,激光粒度仪,,100201,自研,21.5,中国,本单位,LS-1,2010.5.20,0.02–2000 μm,粒度分析,,,待修,不共享,,,,乌鲁木齐市,,",
    ]
    .join("\n")
}

fn network_with_unit() -> Network {
    let mut network = Network::new();
    let unit = common::unit("XJ-AT", "新疆分析测试研究院", UnitKind::Institute);
    network.register_unit(&Actor::office("office-01"), common::at(0, 1), unit).expect("unit");
    network
}

fn admin() -> Actor {
    Actor::unit_admin("admin-xjat", common::unit_id("XJ-AT"))
}

#[test]
fn office_sheet_is_read_with_every_problem() {
    let report = instruments_from_csv(office_csv().as_bytes(), &Mapping::default()).expect("read");

    assert_eq!(report.format, SourceFormat::CsvUtf8);
    assert_eq!(report.header_row, 3);
    assert_eq!(report.rows_read, 6);
    let ids: Vec<&str> = report.records.iter().map(|row| row.instrument.as_str()).collect();
    assert_eq!(ids, ["XJ-AT-001", "XJ-AT-002", "XJ-AT-004", "XJ-AT-006"]);
    assert_eq!(report.bad_rows(), vec![6, 8]);

    let problems: Vec<(u32, &str, &str, &str)> =
        report.problems.iter().map(|p| (p.row, p.column.as_str(), p.header.as_str(), p.value.as_str())).collect();
    assert_eq!(
        problems,
        vec![
            (6, "P", "运行状态", "良好"),
            (8, "C", "仪器名称", ""),
            (8, "E", "分类代码", "990101"),
            (8, "F", "仪器来源", "租赁"),
            (8, "G", "原值（万元）", "15.2734567"),
            (8, "K", "启用日期", "2017-02-30"),
        ]
    );
    assert!(report.problems[0].reason.zh.contains("正常、待机"));
    assert!(report.problems[0].reason.en.contains("normal, standby"));
    assert!(report.problems[5].reason.en.contains("no day 30"));

    let remark = report.columns.iter().find(|column| column.header == "备注").expect("remark column");
    assert_eq!(remark.used, ColumnUse::Ignored);
    let value = report.columns.iter().find(|column| column.header == "原值（万元）").expect("value column");
    assert_eq!(value.money_unit, Some(MoneyUnit::Wan));
}

#[test]
fn cells_are_normalised() {
    let report = instruments_from_csv(office_csv().as_bytes(), &Mapping::default()).expect("read");
    let by_id = |id: &str| report.records.iter().find(|row| row.instrument.as_str() == id).expect("row");

    let gcms = &by_id("XJ-AT-001").record;
    assert_eq!(gcms.original_value, Money::parse("1286000").expect("amount"));
    assert_eq!(gcms.country_of_origin, "US");
    assert_eq!(gcms.disciplines, vec!["150", "610"]);
    assert_eq!(gcms.commissioning_date.to_string(), "2014-07-14");
    assert_eq!(gcms.contact, "王工 0991-0000000");

    let icp = by_id("XJ-AT-002");
    assert_eq!(icp.row, 5);
    assert_eq!(icp.record.original_value, Money::parse("2150000").expect("amount"));
    assert_eq!(icp.record.commissioning_date.to_string(), "2016-03-05");

    let sem = &by_id("XJ-AT-004").record;
    assert_eq!(sem.commissioning_date.to_string(), "2017-07-14");
    assert_eq!(sem.source, AcquisitionSource::Donated);
    assert_eq!(sem.operating_status, OperatingStatus::Standby);
    assert_eq!(sem.sharing_mode, SharingMode::Internal);

    let laser = &by_id("XJ-AT-006").record;
    assert_eq!(laser.source, AcquisitionSource::SelfBuilt);
    assert_eq!(laser.country_of_origin, "CN");
    assert_eq!(laser.commissioning_date.to_string(), "2010-05-20");
}

#[test]
fn money_unit_setting_applies_without_header_unit() {
    let csv = office_csv().replace("原值（万元）", "原值");
    let in_yuan = instruments_from_csv(csv.as_bytes(), &Mapping::default()).expect("read");
    let first = &in_yuan.records[0].record;
    assert_eq!(first.original_value, Money::parse("128.60").expect("amount"));

    let mapping = Mapping { money_unit: MoneyUnit::Wan, ..Mapping::default() };
    let in_wan = instruments_from_csv(csv.as_bytes(), &mapping).expect("read");
    assert_eq!(in_wan.records[0].record.original_value, Money::parse("1286000").expect("amount"));
}

#[test]
fn custom_headers_map_to_fields() {
    let csv = office_csv().replace("仪器编号", "资产编号").replace("单位编号,", "").replace(",XJ-AT,", ",");
    let mut mapping = Mapping { default_unit: Some(common::unit_id("XJ-AT")), ..Mapping::default() };
    mapping.headers.insert("资产编号".to_owned(), "instrument".to_owned());

    let report = instruments_from_csv(csv.as_bytes(), &mapping).expect("read");
    assert_eq!(report.records.len(), 4);
    assert!(report.records.iter().all(|row| row.unit.as_str() == "XJ-AT"));
}

#[test]
fn missing_required_column_is_reported() {
    let csv = "仪器编号,单位编号,仪器名称\nXJ-1,XJ-AT,电镜\n";
    let report = instruments_from_csv(csv.as_bytes(), &Mapping::default()).expect("read");

    assert!(report.records.is_empty());
    let missing: Vec<&str> = report.problems.iter().map(|p| p.header.as_str()).collect();
    assert!(missing.contains(&"原值"), "{missing:?}");
    assert!(missing.contains(&"启用日期"), "{missing:?}");
    assert!(report.problems.iter().all(|p| p.row == 1 && p.column.is_empty()));
}

#[test]
fn sheet_without_headers_is_rejected() {
    let error = instruments_from_csv("a,b,c\n1,2,3\n".as_bytes(), &Mapping::default()).unwrap_err();
    assert_eq!(error.field(), Some("header_row"));
}

#[test]
fn duplicate_id_is_a_problem() {
    let mut csv = office_csv();
    csv.push_str("\nXJ-AT-001,XJ-AT,气相色谱质谱联用仪,,010104,购置,128.6,US,Agilent,7890B,2014-07-14,指标,功能,,,正常,外部共享,,,,乌鲁木齐市,,");
    let report = instruments_from_csv(csv.as_bytes(), &Mapping::default()).expect("read");

    let last = report.problems.last().expect("problem");
    assert_eq!((last.row, last.column.as_str()), (10, "A"));
    assert!(last.reason.en.contains("repeats row 4"));
}

#[test]
fn import_with_bad_rows_changes_nothing() {
    let report = instruments_from_csv(office_csv().as_bytes(), &Mapping::default()).expect("read");
    let mut network = network_with_unit();
    let before = network.clone();

    let error = apply_instruments(&mut network, &admin(), common::at(1, 0), &report, ImportOptions::default()).unwrap_err();
    assert_eq!(error.code(), "rule_violation");
    assert!(error.message(labshare::Lang::En).contains("rows 6, 8 cannot be imported"));
    assert_eq!(network, before);
}

#[test]
fn good_rows_import_when_asked() {
    let report = instruments_from_csv(office_csv().as_bytes(), &Mapping::default()).expect("read");
    let mut network = network_with_unit();
    let options = ImportOptions { take_good_rows: true };

    let outcome = apply_instruments(&mut network, &admin(), common::at(1, 0), &report, options).expect("imported");
    assert_eq!(outcome.events.len(), 4);
    assert_eq!(outcome.plan.count(PlannedAction::Submit), 4);
    assert_eq!(outcome.plan.bad_rows, vec![6, 8]);
    assert_eq!(network.registry().instruments().count(), 4);
    assert_eq!(outcome.events[0].seq, 2);

    let mut replayed_events = vec![];
    let mut fresh = network_with_unit();
    for event in &outcome.events {
        fresh.apply(event).expect("event replays");
        replayed_events.push(event.clone());
    }
    assert_eq!(fresh, network);
}

#[test]
fn dry_run_shows_changes() {
    let office = Actor::office("office-01");
    let report = instruments_from_csv(office_csv().as_bytes(), &Mapping::default()).expect("read");
    let mut network = network_with_unit();
    apply_instruments(&mut network, &admin(), common::at(1, 0), &report, ImportOptions { take_good_rows: true }).expect("imported");
    network.publish_instrument(&office, common::at(2, 0), common::instrument_id("XJ-AT-001")).expect("published");

    // The second file changes the value of 001, keeps 002, adds 003 fixed,
    // and names another unit for 004.
    let second = office_csv()
        .replace(",128.6,", ",130.0,")
        .replace(",良好,", ",正常,")
        .replace("XJ-AT-004,XJ-AT,", "XJ-AT-004,XJ-MS,");
    let second = second.lines().filter(|line| !line.starts_with("XJ-AT-005")).collect::<Vec<_>>().join("\n");
    let report = instruments_from_csv(second.as_bytes(), &Mapping::default()).expect("read");
    assert!(report.is_clean(), "{:?}", report.problems);
    let before = network.clone();

    let plan = plan_instruments(&network, &admin(), common::at(3, 0), &report);
    assert_eq!(network, before, "a dry run changes nothing");
    let actions: Vec<(&str, PlannedAction)> = plan.rows.iter().map(|row| (row.instrument.as_str(), row.action)).collect();
    assert_eq!(
        actions,
        vec![
            ("XJ-AT-001", PlannedAction::Revise),
            ("XJ-AT-002", PlannedAction::Unchanged),
            ("XJ-AT-003", PlannedAction::Submit),
            ("XJ-AT-004", PlannedAction::Rejected),
            ("XJ-AT-006", PlannedAction::Unchanged),
        ]
    );
    let change = &plan.rows[0].changes;
    assert_eq!(change.len(), 1);
    assert_eq!((change[0].field.as_str(), change[0].old.as_str(), change[0].new.as_str()), ("original_value", "\"1286000.00\"", "\"1300000.00\""));
    assert!(plan.rows[3].reason.as_ref().expect("reason").en.contains("belongs to unit XJ-AT"));
}

#[test]
fn rejected_row_stops_import_unless_asked() {
    let report = instruments_from_csv(office_csv().as_bytes(), &Mapping::default()).expect("read");
    let mut network = network_with_unit();
    let outsider = Actor::unit_admin("admin-other", common::unit_id("XJ-MS"));

    let error = apply_instruments(&mut network, &outsider, common::at(1, 0), &report, ImportOptions::default()).unwrap_err();
    assert_eq!(error.code(), "rule_violation");
    assert_eq!(network.registry().instruments().count(), 0);

    let outcome =
        apply_instruments(&mut network, &outsider, common::at(1, 0), &report, ImportOptions { take_good_rows: true }).expect("ran");
    assert_eq!(outcome.plan.count(PlannedAction::Rejected), 4);
    assert!(outcome.events.is_empty());
}

#[test]
fn csv_round_trip_gives_equal_records() {
    let first = instruments_from_csv(office_csv().as_bytes(), &Mapping::default()).expect("read");
    let written = instruments_csv(&first.records);
    let second = instruments_from_csv(&written, &Mapping::default()).expect("read again");

    assert!(second.is_clean(), "{:?}", second.problems);
    let strip = |rows: &[labshare::exchange::import::InstrumentRow]| {
        rows.iter().map(|row| (row.instrument.clone(), row.unit.clone(), row.record.clone())).collect::<Vec<_>>()
    };
    assert_eq!(strip(&second.records), strip(&first.records));
    let third = instruments_from_csv(&instruments_csv(&second.records), &Mapping::default()).expect("read a third time");
    assert_eq!(third.records, second.records);
}

#[test]
fn xlsx_round_trip_gives_equal_records() {
    let first = instruments_from_csv(office_csv().as_bytes(), &Mapping::default()).expect("read");
    let workbook = instruments_xlsx(&first.records, common::at(60, 0)).expect("written");
    let second = instruments_from_xlsx(&workbook, &Mapping::default()).expect("read again");

    assert_eq!(second.format, SourceFormat::Xlsx);
    assert_eq!(second.sheet.as_deref(), Some("仪器设备"));
    assert!(second.is_clean(), "{:?}", second.problems);
    let records = |rows: &[labshare::exchange::import::InstrumentRow]| rows.iter().map(|row| row.record.clone()).collect::<Vec<_>>();
    assert_eq!(records(&second.records), records(&first.records));
}

#[test]
fn xlsx_output_is_deterministic() {
    let report = instruments_from_csv(office_csv().as_bytes(), &Mapping::default()).expect("read");
    let first = instruments_xlsx(&report.records, common::at(60, 0)).expect("written");
    let second = instruments_xlsx(&report.records, common::at(60, 0)).expect("written again");
    assert_eq!(first, second);

    // The creation time comes from the argument, not from the clock.
    let later = instruments_xlsx(&report.records, common::at(61, 0)).expect("written later");
    assert_ne!(first, later);
}

#[test]
fn network_round_trip_through_office_list() {
    let (network, _) = common::sample_journal();
    let rows = rows_from_network(&network);
    assert_eq!(rows.len(), 4);

    let report = instruments_from_xlsx(&instruments_xlsx(&rows, common::at(60, 0)).expect("written"), &Mapping::default()).expect("read");
    assert_eq!(report.records, rows);
}

/// A workbook as Excel users make it: a title two rows above the headers
/// starting in column B, numbers and date cells typed by Excel, and a
/// category code whose leading zero Excel dropped.
fn typed_workbook() -> Vec<u8> {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name("2017年").expect("name");
    sheet.write_string(0, 1, "仪器设备一览表").expect("title");
    let headers = ["仪器编号", "单位编号", "仪器名称", "分类代码", "来源", "原值(元)", "产地", "制造商", "型号", "启用日期", "技术指标", "主要功能", "运行状态", "共享模式", "安放地点"];
    for (column, header) in headers.iter().enumerate() {
        sheet.write_string(2, 1 + column as u16, *header).expect("header");
    }
    let date_format = Format::new().set_num_format("yyyy-mm-dd");
    let date = ExcelDateTime::from_ymd(2017, 7, 14).expect("date");
    let row = 3;
    sheet.write_string(row, 1, "XJ-AT-101").expect("cell");
    sheet.write_string(row, 2, "XJ-AT").expect("cell");
    sheet.write_string(row, 3, "场发射透射电镜").expect("cell");
    sheet.write_number(row, 4, 10602.0).expect("cell");
    sheet.write_string(row, 5, "购置").expect("cell");
    sheet.write_number(row, 6, 8_650_000.5).expect("cell");
    sheet.write_string(row, 7, "荷兰").expect("cell");
    sheet.write_string(row, 8, "FEI").expect("cell");
    sheet.write_string(row, 9, "Talos F200X").expect("cell");
    sheet.write_datetime_with_format(row, 10, &date, &date_format).expect("cell");
    sheet.write_string(row, 11, "点分辨率 0.25 nm").expect("cell");
    sheet.write_string(row, 12, "材料微观结构分析").expect("cell");
    sheet.write_string(row, 13, "正常").expect("cell");
    sheet.write_string(row, 14, "外部共享").expect("cell");
    sheet.write_string(row, 15, "乌鲁木齐市").expect("cell");

    let bad = 4;
    sheet.write_string(bad, 1, "XJ-AT-102").expect("cell");
    sheet.write_string(bad, 2, "XJ-AT").expect("cell");
    sheet.write_string(bad, 3, "核磁共振波谱仪").expect("cell");
    sheet.write_number(bad, 4, 10301.0).expect("cell");
    sheet.write_string(bad, 5, "购置").expect("cell");
    sheet.write_number(bad, 6, 4_200_000.0).expect("cell");
    sheet.write_string(bad, 7, "CH").expect("cell");
    sheet.write_string(bad, 8, "Bruker").expect("cell");
    sheet.write_string(bad, 9, "AVANCE III 600").expect("cell");
    sheet.write_number(bad, 10, 60.0).expect("cell");
    sheet.write_string(bad, 11, "600 MHz").expect("cell");
    sheet.write_string(bad, 12, "结构鉴定").expect("cell");
    sheet.write_string(bad, 13, "正常").expect("cell");
    sheet.write_string(bad, 14, "外部共享").expect("cell");
    sheet.write_string(bad, 15, "乌鲁木齐市").expect("cell");
    workbook.save_to_buffer().expect("workbook")
}

#[test]
fn typed_xlsx_cells_are_read() {
    let report = instruments_from_xlsx(&typed_workbook(), &Mapping::default()).expect("read");

    assert_eq!(report.sheet.as_deref(), Some("2017年"));
    assert_eq!(report.header_row, 3);
    assert_eq!(report.columns[0].column, "B");
    assert_eq!(report.records.len(), 1);
    let tem = &report.records[0];
    assert_eq!(tem.row, 4);
    assert_eq!(tem.record.category_code.as_str(), "010602");
    assert_eq!(tem.record.original_value, Money::parse("8650000.50").expect("amount"));
    assert_eq!(tem.record.country_of_origin, "NL");
    assert_eq!(tem.record.commissioning_date.to_string(), "2017-07-14");

    assert_eq!(report.problems.len(), 1);
    let problem = &report.problems[0];
    assert_eq!((problem.row, problem.column.as_str(), problem.value.as_str()), (5, "K", "60"));
    assert!(problem.reason.en.contains("1900-02-29"));
}

#[test]
fn missing_sheet_is_named() {
    let mapping = Mapping { sheet: Some("2018年".to_owned()), ..Mapping::default() };
    let error = instruments_from_xlsx(&typed_workbook(), &mapping).unwrap_err();
    assert_eq!(error.field(), Some("sheet"));
    assert!(error.message(labshare::Lang::En).contains("2017年"));
}

#[test]
fn broken_workbook_is_an_error() {
    let error = instruments_from_xlsx(b"PK\x03\x04 not really a workbook", &Mapping::default()).unwrap_err();
    assert_eq!(error.code(), "corrupt");
}

/// Rewrites every part of `workbook` with `edit`, which gets each part's
/// name and bytes and returns them changed or not, so a test can plant
/// references that no writer produces.
fn edit_parts(workbook: &[u8], edit: impl Fn(String, Vec<u8>) -> (String, Vec<u8>)) -> Vec<u8> {
    use std::io::{Read, Write};
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(workbook)).expect("zip");
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for index in 0..archive.len() {
        let mut part = archive.by_index(index).expect("part");
        let name = part.name().expect("name").into_owned();
        let mut bytes = Vec::new();
        part.read_to_end(&mut bytes).expect("read");
        let (name, bytes) = edit(name, bytes);
        out.start_file(name, zip::write::SimpleFileOptions::default()).expect("start");
        out.write_all(&bytes).expect("write");
    }
    out.finish().expect("finish").into_inner()
}

/// Rewrites the first worksheet of `workbook` with `edit`.
fn edit_sheet_xml(workbook: &[u8], edit: impl Fn(&str) -> String) -> Vec<u8> {
    edit_parts(workbook, |name, bytes| {
        if name != "xl/worksheets/sheet1.xml" {
            return (name, bytes);
        }
        let text = std::str::from_utf8(&bytes).expect("utf-8");
        (name, edit(text).into_bytes())
    })
}

#[test]
fn out_of_range_reference_is_corrupt() {
    let workbook = typed_workbook();
    let cases = [
        // Ten letters overflow calamine's 32-bit column arithmetic.
        (r#"r="B4""#, r#"r="AAAAAAAAAA4""#, "AAAAAAAAAA4"),
        // One column past XFD, and one row past 1048576.
        (r#"r="B4""#, r#"r="XFE4""#, "XFE4"),
        (r#"<row r="4""#, r#"<row r="1048577""#, "1048577"),
        // A dimension whose end lies above its start.
        (r#"<dimension ref="B1:P5""#, r#"<dimension ref="B5:P1""#, "B5:P1"),
    ];
    for (from, to, reference) in cases {
        let xml_edit = |xml: &str| {
            assert!(xml.contains(from), "{from} in {xml}");
            xml.replacen(from, to, 1)
        };
        let damaged = edit_sheet_xml(&workbook, xml_edit);
        let error = instruments_from_xlsx(&damaged, &Mapping::default()).unwrap_err();
        assert_eq!(error.code(), "corrupt", "{reference}: {error}");
        assert!(error.message(labshare::Lang::En).contains(reference), "{error}");
        assert!(error.message(labshare::Lang::Zh).contains("工作簿已损坏"), "{error}");
    }
}

#[test]
fn renamed_sheet_part_is_checked_too() {
    // calamine opens the part the relationships name, whatever its
    // extension, so the check cannot go by the name.
    let workbook = edit_parts(&typed_workbook(), |name, bytes| {
        let text = String::from_utf8(bytes).expect("utf-8");
        match name.as_str() {
            "xl/worksheets/sheet1.xml" => ("xl/worksheets/sheet1.bin".to_owned(), text.replacen(r#"r="B4""#, r#"r="AATYHWUU4""#, 1).into_bytes()),
            "xl/_rels/workbook.xml.rels" => (name, text.replace("worksheets/sheet1.xml", "worksheets/sheet1.bin").into_bytes()),
            _ => (name, text.into_bytes()),
        }
    });
    let error = instruments_from_xlsx(&workbook, &Mapping::default()).unwrap_err();
    assert_eq!(error.code(), "corrupt", "{error}");
    assert!(error.message(labshare::Lang::En).contains("xl/worksheets/sheet1.bin"), "{error}");
}

#[test]
fn fuzzed_long_reference_is_error() {
    // Found by the import_xlsx fuzz target: calamine 0.38 overflowed on a
    // cell reference with a long run of letters.
    let bytes = include_bytes!("data/exchange/long_column_reference.xlsx");
    let mapping = Mapping::default();
    assert!(instruments_from_xlsx(bytes, &mapping).is_err());
    assert!(labshare::exchange::import::services_from_xlsx(bytes, &mapping).is_err());
}

#[test]
fn far_apart_cells_stay_sparse() {
    // A stray note in the sheet's last cell: a full grid from B1 would
    // contain 17 billion cells.
    let stray = r#"<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>备注</t></is></c></row></sheetData>"#;
    let bytes = edit_sheet_xml(&typed_workbook(), |xml| xml.replacen("</sheetData>", stray, 1));

    let report = instruments_from_xlsx(&bytes, &Mapping::default()).expect("read");
    assert_eq!(report.header_row, 3);
    assert_eq!(report.records.len(), 1);
    assert_eq!(report.records[0].row, 4);
    let rows: std::collections::BTreeSet<u32> = report.problems.iter().map(|problem| problem.row).collect();
    assert_eq!(rows.into_iter().collect::<Vec<_>>(), [5, 1_048_576]);
}

#[test]
fn too_sparse_sheet_is_rejected() {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name("散表").expect("name");
    // 1,100 rows whose cells sit in A and XFD: 18 million empty cells
    // between them, more than the 16,777,216 allowed.
    for row in 0..1_100 {
        sheet.write_string(row, 0, "a").expect("cell");
        sheet.write_string(row, 16_383, "z").expect("cell");
    }
    let bytes = workbook.save_to_buffer().expect("workbook");

    let error = instruments_from_xlsx(&bytes, &Mapping::default()).unwrap_err();
    assert_eq!(error.field(), Some("sheet"));
    assert!(error.message(labshare::Lang::En).contains("16777216"), "{error}");
    assert!(error.message(labshare::Lang::En).contains("A1:XFD1100"), "{error}");
    assert!(error.message(labshare::Lang::Zh).contains("散表"), "{error}");
}

#[test]
fn empty_text_cells_do_not_widen_rows() {
    // A formula filled down column XFD that gives "", as Excel stores it:
    // without the rule that drops empty text, these rows would need 18
    // million empty cells.
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    for row in 0..1_100 {
        sheet.write_string(row, 0, "a").expect("cell");
    }
    let bytes = workbook.save_to_buffer().expect("workbook");
    let bytes = edit_sheet_xml(&bytes, |xml| {
        let mut out = String::new();
        let mut row = 0;
        for piece in xml.split_inclusive("</row>") {
            match piece.strip_suffix("</row>") {
                Some(body) => {
                    row += 1;
                    out.push_str(body);
                    out.push_str(&format!(r#"<c r="XFD{row}" t="str"><f>""</f><v></v></c></row>"#));
                }
                None => out.push_str(piece),
            }
        }
        assert_eq!(row, 1_100);
        out
    });

    let error = instruments_from_xlsx(&bytes, &Mapping::default()).unwrap_err();
    // The sheet is read; it only lacks the headers an instrument list needs.
    assert_eq!(error.field(), Some("header_row"), "{error}");
}

#[test]
fn service_records_are_read() {
    let csv = "服务日期,仪器编号,服务金额（元）,服务内容,服务方式,服务机时（小时）,服务样品数,经费来源,用户单位,用户评价,用户联系人\n\
               2017/7/14,XJ-AT-001,\"1,600.00\",农残检测,委托,,２,国家自然科学基金,新疆农业大学,5,李老师 139\n\
               2017-07-20,XJ-AT-004,600,形貌观察,占用,3.5,,,新疆大学,满意,\n\
               2017-07-21,XJ-AT-004,600,形貌观察,上门,,,,新疆大学,10,\n\
               2017-07-22,XJ-AT-004,600,形貌观察,占用,,,,新疆大学,,\n";
    let report = services_from_csv(csv.as_bytes(), &Mapping::default()).expect("read");

    assert_eq!(report.records.len(), 2);
    let first = &report.records[0].record;
    assert_eq!(first.amount, Money::parse("1600").expect("amount"));
    assert_eq!(first.samples, Some(2));
    assert_eq!(first.rating.map(|rating| rating.level()), Some(5));
    assert_eq!(first.user_contact, "李老师 139");
    let second = &report.records[1].record;
    assert_eq!(second.hours.map(|hours| hours.to_string()), Some("3.5".to_owned()));

    let columns: Vec<(&str, u32)> = report.problems.iter().map(|p| (p.column.as_str(), p.row)).collect();
    assert_eq!(columns, vec![("E", 4), ("J", 4), ("F", 5)]);
    assert!(report.problems[2].reason.en.contains("machine hours or samples"));
}

/// Writes the seed files of the fuzz corpora from this file's sheets.
#[test]
#[ignore = "writes fuzz seed files; run by hand when the import formats change"]
fn write_fuzz_seeds() {
    let root = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../fuzz/corpus");
    let csv_dir = root.join("import_csv");
    let xlsx_dir = root.join("import_xlsx");
    std::fs::create_dir_all(&csv_dir).expect("folder");
    std::fs::create_dir_all(&xlsx_dir).expect("folder");

    let office = office_csv();
    let report = instruments_from_csv(office.as_bytes(), &Mapping::default()).expect("read");
    let (gb18030, _, _) = encoding_rs::GB18030.encode(&office);
    let services = "服务日期,仪器编号,服务金额（元）,服务内容,服务方式,服务机时,服务样品数,经费来源,用户单位,用户评价\n2017/7/14,XJ-AT-001,1600,农残检测,委托,,2,基金,新疆农业大学,5\n";
    let seeds: [(&std::path::Path, &str, Vec<u8>); 6] = [
        (&csv_dir, "office.csv", office.clone().into_bytes()),
        (&csv_dir, "office-gb18030.csv", gb18030.into_owned()),
        (&csv_dir, "office-export.csv", instruments_csv(&report.records)),
        (&csv_dir, "services.csv", services.as_bytes().to_vec()),
        (&xlsx_dir, "typed.xlsx", typed_workbook()),
        (&xlsx_dir, "office-export.xlsx", instruments_xlsx(&report.records, common::at(60, 0)).expect("xlsx")),
    ];
    for (dir, name, bytes) in seeds {
        std::fs::write(dir.join(name), bytes).expect("written");
    }
}

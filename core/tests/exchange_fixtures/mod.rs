//! Builders shared by the integration tests: units, instrument records and
//! a realistic journal of one network year.

#![allow(dead_code)]

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use labshare::registry::{AcquisitionSource, CategoryCode, InstrumentRecord, OperatingStatus, SharingMode, Unit, UnitKind};
use labshare::usage::UsageReport;
use labshare::{Actor, Event, InstrumentId, Money, Network, UnitId};
use rust_decimal::Decimal;

pub fn at(day: u32, hour: u32) -> DateTime<Utc> {
    let start = Utc.with_ymd_and_hms(2017, 3, 1, 0, 0, 0).single().expect("valid start");
    start + Duration::days(i64::from(day)) + Duration::hours(i64::from(hour))
}

pub fn unit_id(code: &str) -> UnitId {
    UnitId::new(code).expect("valid unit id")
}

pub fn instrument_id(code: &str) -> InstrumentId {
    InstrumentId::new(code).expect("valid instrument id")
}

pub fn unit(code: &str, name: &str, kind: UnitKind) -> Unit {
    Unit { id: unit_id(code), name: name.to_owned(), kind, region: "乌鲁木齐市".to_owned() }
}

pub fn record(name: &str, value_yuan: &str) -> InstrumentRecord {
    InstrumentRecord {
        name: name.to_owned(),
        english_name: "Gas chromatograph-mass spectrometer".to_owned(),
        category_code: CategoryCode::new("010104").expect("valid category"),
        source: AcquisitionSource::Purchased,
        original_value: Money::parse(value_yuan).expect("valid amount"),
        country_of_origin: "US".to_owned(),
        manufacturer: "Agilent".to_owned(),
        model: "7890B-5977B".to_owned(),
        commissioning_date: NaiveDate::from_ymd_opt(2014, 7, 14).expect("valid date"),
        specifications: "质量范围 1.6–1050 u，分辨率优于单位质量".to_owned(),
        functions: "挥发性有机物的定性与定量分析".to_owned(),
        disciplines: vec!["150".to_owned(), "610".to_owned()],
        service_content: "对外提供农药残留、环境样品检测".to_owned(),
        operating_status: OperatingStatus::Normal,
        sharing_mode: SharingMode::External,
        sharing_rules: "网上预约，按收费标准结算".to_owned(),
        fee_standard: "每样品 800 元".to_owned(),
        booking_url: "https://example.org/booking/gcms".to_owned(),
        location: "乌鲁木齐市北京南路 40 号".to_owned(),
        contact: "王工 0991-0000000".to_owned(),
    }
}

pub fn usage(instrument: &str, year: i32, hours: i64, samples: u64, income: &str) -> UsageReport {
    UsageReport {
        instrument: instrument_id(instrument),
        year,
        operating_hours: Decimal::from(hours),
        effective_hours: Decimal::from(hours * 4 / 5),
        samples,
        external_income: Money::parse(income).expect("valid amount"),
    }
}

/// A journal of one network year: two units, four instruments submitted,
/// published, returned and revised, and usage reports filed.
pub fn sample_journal() -> (Network, Vec<Event>) {
    let office = Actor::office("office-01");
    let at_admin = Actor::unit_admin("admin-xjat", unit_id("XJ-AT"));
    let ms_admin = Actor::unit_admin("admin-xjms", unit_id("XJ-MS"));
    let mut network = Network::new();
    let mut events = Vec::new();
    let mut push = |result: labshare::Result<Event>| events.push(result.expect("event accepted"));

    push(network.register_unit(&office, at(0, 1), unit("XJ-AT", "新疆分析测试研究院", UnitKind::Institute)));
    push(network.register_unit(&office, at(0, 2), unit("XJ-MS", "新疆大学测试中心", UnitKind::University)));

    push(network.submit_instrument(&at_admin, at(1, 3), instrument_id("XJ-AT-001"), unit_id("XJ-AT"), record("气相色谱质谱联用仪", "1286000.00")));
    push(network.submit_instrument(&at_admin, at(1, 4), instrument_id("XJ-AT-002"), unit_id("XJ-AT"), record("电感耦合等离子体质谱仪", "2150000.50")));
    push(network.submit_instrument(&ms_admin, at(2, 3), instrument_id("XJ-MS-001"), unit_id("XJ-MS"), record("扫描电子显微镜", "1527000.00")));
    push(network.submit_instrument(&ms_admin, at(2, 5), instrument_id("XJ-MS-002"), unit_id("XJ-MS"), record("X 射线衍射仪", "384500.00")));

    push(network.publish_instrument(&office, at(5, 2), instrument_id("XJ-AT-001")));
    push(network.publish_instrument(&office, at(5, 3), instrument_id("XJ-MS-001")));
    push(network.return_instrument(&office, at(5, 4), instrument_id("XJ-AT-002"), "原值与发票不符，请核对"));
    push(network.revise_instrument(&at_admin, at(7, 1), instrument_id("XJ-AT-002"), record("电感耦合等离子体质谱仪", "2150000.00")));
    push(network.publish_instrument(&office, at(8, 2), instrument_id("XJ-AT-002")));
    push(network.publish_instrument(&office, at(8, 3), instrument_id("XJ-MS-002")));

    let mut revised = record("扫描电子显微镜", "1527000.00");
    revised.operating_status = OperatingStatus::OccasionalFaults;
    push(network.revise_instrument(&ms_admin, at(30, 6), instrument_id("XJ-MS-001"), revised));
    push(network.publish_instrument(&office, at(31, 2), instrument_id("XJ-MS-001")));

    push(network.file_usage(&at_admin, at(300, 1), usage("XJ-AT-001", 2017, 1460, 2210, "386400.00")));
    push(network.file_usage(&at_admin, at(300, 2), usage("XJ-AT-002", 2017, 980, 1530, "251250.50")));
    push(network.file_usage(&ms_admin, at(301, 1), usage("XJ-MS-001", 2017, 1720, 860, "172000.00")));
    push(network.file_usage(&ms_admin, at(301, 2), usage("XJ-MS-002", 2017, 640, 1200, "96000.00")));
    push(network.file_usage(&ms_admin, at(302, 1), usage("XJ-MS-002", 2017, 660, 1250, "99000.00")));

    (network, events)
}

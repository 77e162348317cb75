//! Fixtures shared by the integration tests.
#![allow(dead_code, reason = "each test binary uses a different subset")]

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use labshare::registry::{AcquisitionSource, CategoryCode, InstrumentRecord, OperatingStatus, SharingMode, Unit, UnitKind};
use labshare::{Actor, InstrumentId, Money, Network, UnitId};

pub fn unit_id(id: &str) -> UnitId {
    UnitId::new(id).unwrap()
}

pub fn instrument_id(id: &str) -> InstrumentId {
    InstrumentId::new(id).unwrap()
}

pub fn at(day: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2017, 3, day, 2, 0, 0).unwrap()
}

pub fn unit(id: &str) -> Unit {
    Unit { id: unit_id(id), name: format!("示例单位{id}"), kind: UnitKind::Institute, region: "乌鲁木齐市".into() }
}

pub fn record(name: &str, value: &str) -> InstrumentRecord {
    InstrumentRecord {
        name: name.into(),
        english_name: "Gas chromatograph".into(),
        category_code: CategoryCode::new("010101").unwrap(),
        source: AcquisitionSource::Purchased,
        original_value: Money::parse(value).unwrap(),
        country_of_origin: "US".into(),
        manufacturer: "Agilent Technologies".into(),
        model: "7890B".into(),
        commissioning_date: NaiveDate::from_ymd_opt(2015, 6, 1).unwrap(),
        specifications: "检测限 1 pg".into(),
        functions: "有机物定性定量分析".into(),
        disciplines: vec!["150".into()],
        service_content: "对外检测".into(),
        operating_status: OperatingStatus::Normal,
        sharing_mode: SharingMode::External,
        sharing_rules: "网上预约".into(),
        fee_standard: "200元/样".into(),
        booking_url: String::new(),
        location: "乌鲁木齐市北京南路".into(),
        contact: "张老师 0991-0000000".into(),
    }
}

pub fn office() -> Actor {
    Actor::office("office-1")
}

pub fn admin(unit: &str) -> Actor {
    Actor::unit_admin(format!("admin-{unit}"), unit_id(unit))
}

/// A network with units A and B and one published instrument of A, `A-1`.
pub fn network_with_published() -> Network {
    let mut network = Network::new();
    network.register_unit(&office(), at(1), unit("A")).unwrap();
    network.register_unit(&office(), at(1), unit("B")).unwrap();
    network
        .submit_instrument(&admin("A"), at(2), instrument_id("A-1"), unit_id("A"), record("气相色谱仪", "35万"))
        .unwrap();
    network.publish_instrument(&office(), at(3), instrument_id("A-1")).unwrap();
    network
}

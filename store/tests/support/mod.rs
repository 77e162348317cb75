//! Events and temporary files for the store tests.

#![allow(dead_code)]

use std::path::PathBuf;

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use labshare::registry::{AcquisitionSource, CategoryCode, InstrumentRecord, OperatingStatus, SharingMode, Unit, UnitKind};
use labshare::usage::UsageReport;
use labshare::{Actor, Event, InstrumentId, Money, Network, UnitId};

pub const UNIT: &str = "XJ-AT";

/// A path in the system's temporary folder, unique to this process and `name`,
/// with any earlier file of that name and its SQLite side files removed.
pub fn temp_store(name: &str) -> PathBuf {
    let path = std::env::temp_dir().join(format!("labshare-store-{}-{name}.sqlite3", std::process::id()));
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    path
}

pub fn at(step: u64) -> DateTime<Utc> {
    let start = Utc.with_ymd_and_hms(2017, 3, 1, 0, 0, 0).single().expect("valid start");
    start + Duration::minutes(i64::try_from(step).expect("small step"))
}

pub fn office() -> Actor {
    Actor::office("office-01")
}

pub fn admin() -> Actor {
    Actor::unit_admin("admin-xjat", UnitId::new(UNIT).expect("unit id"))
}

pub fn register_unit(network: &mut Network) -> Event {
    let unit = Unit {
        id: UnitId::new(UNIT).expect("unit id"),
        name: "新疆分析测试研究院".to_owned(),
        kind: UnitKind::Institute,
        region: "乌鲁木齐市".to_owned(),
    };
    network.register_unit(&office(), at(0), unit).expect("unit registered")
}

pub fn record(index: u64) -> InstrumentRecord {
    InstrumentRecord {
        name: format!("原子吸收光谱仪 {index}"),
        english_name: String::new(),
        category_code: CategoryCode::new("010201").expect("category"),
        source: AcquisitionSource::Purchased,
        original_value: Money::from_fen(30_000_000 + i64::try_from(index).expect("small") * 101).expect("amount"),
        country_of_origin: "JP".to_owned(),
        manufacturer: "Shimadzu".to_owned(),
        model: "AA-7000".to_owned(),
        commissioning_date: NaiveDate::from_ymd_opt(2015, 5, 20).expect("date"),
        specifications: "波长范围 185–900 nm".to_owned(),
        functions: "金属元素定量分析".to_owned(),
        disciplines: vec!["150".to_owned()],
        service_content: "对外检测".to_owned(),
        operating_status: OperatingStatus::Normal,
        sharing_mode: SharingMode::External,
        sharing_rules: String::new(),
        fee_standard: String::new(),
        booking_url: String::new(),
        location: "乌鲁木齐市".to_owned(),
        contact: String::new(),
    }
}

/// Three events for instrument `index`: submitted, published, usage filed.
pub fn instrument_batch(network: &mut Network, index: u64) -> Vec<Event> {
    let id = InstrumentId::new(format!("{UNIT}-{index:06}")).expect("instrument id");
    let unit = UnitId::new(UNIT).expect("unit id");
    let step = index * 3 + 1;
    let report = UsageReport {
        instrument: id.clone(),
        year: 2017,
        operating_hours: (1000 + index % 500).into(),
        effective_hours: (800 + index % 400).into(),
        samples: index,
        external_income: Money::from_fen(i64::try_from(index).expect("small") * 10_000).expect("amount"),
    };
    vec![
        network.submit_instrument(&admin(), at(step), id.clone(), unit, record(index)).expect("submitted"),
        network.publish_instrument(&office(), at(step + 1), id).expect("published"),
        network.file_usage(&admin(), at(step + 2), report).expect("filed"),
    ]
}

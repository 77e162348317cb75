//! A small network for booking tests: two units, and published
//! instruments of the first one.

#![allow(dead_code)]

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use labshare::booking::{BookingPolicy, BookingProfile, SlotRequest};
use labshare::calendar::Zone;
use labshare::registry::{
    AcquisitionSource, CategoryCode, InstrumentRecord, OperatingStatus, SharingMode, Unit, UnitKind,
};
use labshare::{Actor, InstrumentId, Money, Network, UnitId};

pub const OWNER_UNIT: &str = "XJ-AT";
pub const OTHER_UNIT: &str = "XJ-BIO";
pub const XRD: &str = "XJ-AT-XRD-01";

/// Returns the instant of a Beijing wall-clock time.
pub fn bj(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    let local = NaiveDate::from_ymd_opt(y, m, d).unwrap().and_hms_opt(h, min, 0).unwrap();
    Zone::SHANGHAI.to_utc(local).unwrap()
}

pub fn setup_time() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 9, 1, 0, 0, 0).unwrap()
}

pub fn office() -> Actor {
    Actor::office("office-1")
}

pub fn owner() -> Actor {
    Actor::unit_admin("at-admin", UnitId::new(OWNER_UNIT).unwrap())
}

pub fn member(id: &str) -> Actor {
    Actor::user(id, Some(UnitId::new(OTHER_UNIT).unwrap()))
}

pub fn internal(id: &str) -> Actor {
    Actor::user(id, Some(UnitId::new(OWNER_UNIT).unwrap()))
}

pub fn outsider(id: &str) -> Actor {
    Actor::user(id, None)
}

pub fn xrd() -> InstrumentId {
    InstrumentId::new(XRD).unwrap()
}

pub fn record(name: &str, sharing_mode: SharingMode) -> InstrumentRecord {
    InstrumentRecord {
        name: name.to_owned(),
        english_name: String::new(),
        category_code: CategoryCode::new("010101").unwrap(),
        source: AcquisitionSource::Purchased,
        original_value: Money::parse("120万").unwrap(),
        country_of_origin: "DE".to_owned(),
        manufacturer: "Bruker".to_owned(),
        model: "D8".to_owned(),
        commissioning_date: NaiveDate::from_ymd_opt(2016, 5, 1).unwrap(),
        specifications: String::new(),
        functions: String::new(),
        disciplines: Vec::new(),
        service_content: String::new(),
        operating_status: OperatingStatus::Normal,
        sharing_mode,
        sharing_rules: String::new(),
        fee_standard: String::new(),
        booking_url: String::new(),
        location: "乌鲁木齐市".to_owned(),
        contact: String::new(),
    }
}

/// Builds a network with both units and the XRD instrument under `policy`.
pub fn network_with(policy: BookingPolicy) -> Network {
    let mut network = Network::new();
    let at = setup_time();
    for (id, name) in [(OWNER_UNIT, "新疆分析测试研究院"), (OTHER_UNIT, "新疆生物技术研究所")] {
        let unit = Unit { id: UnitId::new(id).unwrap(), name: name.to_owned(), kind: UnitKind::Institute, region: "乌鲁木齐市".to_owned() };
        network.register_unit(&office(), at, unit).unwrap();
    }
    add_instrument(&mut network, XRD, SharingMode::External, policy, &["X射线衍射物相分析"]);
    network
}

pub fn add_instrument(network: &mut Network, id: &str, sharing: SharingMode, policy: BookingPolicy, items: &[&str]) {
    let at = setup_time();
    let instrument = InstrumentId::new(id).unwrap();
    let unit = UnitId::new(OWNER_UNIT).unwrap();
    network.submit_instrument(&owner(), at, instrument.clone(), unit, record("X射线衍射仪", sharing)).unwrap();
    network.publish_instrument(&office(), at, instrument.clone()).unwrap();
    let since = Utc.with_ymd_and_hms(2025, 1, 1, 0, 0, 0).unwrap();
    network.set_booking_policy(&owner(), at, instrument.clone(), since, policy).unwrap();
    let profile = BookingProfile { zone: Zone::SHANGHAI, test_items: items.iter().map(|s| (*s).to_owned()).collect() };
    network.set_booking_profile(&owner(), at, instrument, profile).unwrap();
}

pub fn slot(start: DateTime<Utc>, end: DateTime<Utc>) -> SlotRequest {
    SlotRequest { instrument: xrd(), start, end, people: 1, purpose: String::new(), voucher: None }
}

pub fn auto_confirm() -> BookingPolicy {
    BookingPolicy { auto_confirm: true, ..BookingPolicy::default() }
}

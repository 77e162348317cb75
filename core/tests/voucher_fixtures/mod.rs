//! A small network for the voucher tests: two provider units with published
//! instruments, one unit without, a 2018 scheme and a funded pool.
#![allow(dead_code, reason = "each test binary uses a different subset")]

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use labshare::credit_code::{CreditCode, check_character};
use labshare::enterprise::{Applicant, ApplicantProfile, Enterprise, Party, ProviderTies, StartupTeam};
use labshare::registry::{AcquisitionSource, CategoryCode, InstrumentRecord, OperatingStatus, SharingMode, Unit, UnitKind};
use labshare::voucher::{
    ApplicationRequest, DateRange, RedemptionRequest, Invoice, ServiceUseRequest, Validity, VoucherPayment, VoucherRules,
    VoucherScheme,
};
use labshare::{Actor, ApplicationId, Event, EnterpriseId, InstrumentId, Money, Network, PartyId, Role, SchemeId, ServiceRef, Text, UnitId, VoucherNumber};

pub const SCHEME: &str = "xj-cxq-2018";

/// Returns the instant of 10:00 Beijing time (02:00 UTC) on a 2018 day.
pub fn day(month: u32, day: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2018, month, day, 2, 0, 0).unwrap()
}

pub fn date(month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2018, month, day).unwrap()
}

pub fn money(text: &str) -> Money {
    Money::parse(text).unwrap()
}

pub fn office() -> Actor {
    Actor::office("office-1")
}

pub fn admin(unit: &str) -> Actor {
    Actor::unit_admin(format!("admin-{unit}"), UnitId::new(unit).unwrap())
}

pub fn contact(enterprise: &str) -> Actor {
    Actor { id: format!("contact-{enterprise}"), role: Role::Enterprise { enterprise: EnterpriseId::new(enterprise).unwrap() } }
}

pub fn scheme_id() -> SchemeId {
    SchemeId::new(SCHEME).unwrap()
}

pub fn app_id(id: &str) -> ApplicationId {
    ApplicationId::new(id).unwrap()
}

pub fn service(id: &str) -> ServiceRef {
    ServiceRef::new(id).unwrap()
}

pub fn voucher(number: &str) -> VoucherNumber {
    VoucherNumber::new(number).unwrap()
}

/// Builds a valid credit code for Urumqi (division 650100) from a
/// nine-character organisation identifier.
pub fn credit_code(organisation: &str) -> CreditCode {
    let first17 = format!("91650100{organisation}");
    let check = check_character(&first17).unwrap();
    CreditCode::parse(&format!("{first17}{check}")).unwrap()
}

pub fn record(name: &str) -> InstrumentRecord {
    InstrumentRecord {
        name: name.into(),
        english_name: String::new(),
        category_code: CategoryCode::new("010101").unwrap(),
        source: AcquisitionSource::Purchased,
        original_value: money("60万"),
        country_of_origin: "CN".into(),
        manufacturer: "示例仪器厂".into(),
        model: "M-1".into(),
        commissioning_date: NaiveDate::from_ymd_opt(2015, 6, 1).unwrap(),
        specifications: "示例指标".into(),
        functions: "示例功能".into(),
        disciplines: vec![],
        service_content: "对外检测".into(),
        operating_status: OperatingStatus::Normal,
        sharing_mode: SharingMode::External,
        sharing_rules: String::new(),
        fee_standard: String::new(),
        booking_url: String::new(),
        location: "乌鲁木齐市".into(),
        contact: String::new(),
    }
}

pub fn enterprise(id: &str, industry: &str, staff: u32, revenue: &str, controller: &str) -> Applicant {
    Applicant {
        id: EnterpriseId::new(id).unwrap(),
        name: format!("示例企业{id}"),
        region: "乌鲁木齐市".into(),
        network_user_since: None,
        profile: ApplicantProfile::Enterprise(Enterprise {
            credit_code: credit_code(&format!("MA{:0>7}", id.replace('-', ""))),
            industry: industry.into(),
            staff,
            revenue: money(revenue),
            total_assets: money("500万"),
            actual_controller: Party { id: PartyId::new(controller).unwrap(), name: format!("控制人{controller}") },
        }),
    }
}

pub fn team(id: &str, leader: &str, members: usize) -> Applicant {
    Applicant {
        id: EnterpriseId::new(id).unwrap(),
        name: format!("示例团队{id}"),
        region: "昌吉州".into(),
        network_user_since: None,
        profile: ApplicantProfile::StartupTeam(StartupTeam {
            leader: Party { id: PartyId::new(leader).unwrap(), name: format!("负责人{leader}") },
            members: (0..members)
                .map(|n| Party { id: PartyId::new(format!("{leader}-m{n}")).unwrap(), name: format!("成员{n}") })
                .collect(),
            field: "新材料".into(),
        }),
    }
}

pub fn scheme() -> VoucherScheme {
    VoucherScheme {
        id: scheme_id(),
        version: 1,
        title: Text::new("2018年度创新券实施细则", "2018 innovation voucher rules"),
        effective: DateRange { from: date(1, 1), until: Some(date(12, 1)) },
        time_zone: "Asia/Shanghai".into(),
        number_prefix: "XJCXQ2018".into(),
        rules: VoucherRules {
            face_value: money("5000"),
            validity: Validity { days: None, until: Some(date(12, 31)) },
            ..VoucherRules::default()
        },
    }
}

/// Units A and B with published instruments and B-1; unit C with
/// none. B is controlled by party P-B; A holds a stake in enterprise E4.
/// Applicants: E1 and E2 (both controlled by P1), E3 (medium), E4, E5
/// (controlled by P-B) and team T1. The 2018 scheme is published and its
/// pool holds 20万元.
pub fn network() -> Network {
    journal().0
}

/// Builds the network of [`network`] and returns it with its events.
pub fn journal() -> (Network, Vec<Event>) {
    let mut network = Network::new();
    let mut events = Vec::new();
    let office = office();
    for id in ["A", "B", "C"] {
        let unit = Unit { id: UnitId::new(id).unwrap(), name: format!("示例单位{id}"), kind: UnitKind::Institute, region: "乌鲁木齐市".into() };
        events.push(network.register_unit(&office, day(1, 2), unit).unwrap());
    }
    for (unit, instrument) in [("A", "A-1"), ("A", "A-2"), ("B", "B-1")] {
        let id = InstrumentId::new(instrument).unwrap();
        let unit = UnitId::new(unit).unwrap();
        events.push(network.submit_instrument(&admin(unit.as_str()), day(1, 3), id.clone(), unit, record("气相色谱仪")).unwrap());
        events.push(network.publish_instrument(&office, day(1, 4), id).unwrap());
    }
    events.push(network.publish_voucher_scheme(&office, day(1, 5), scheme()).unwrap());
    events.push(network.fund_voucher_pool(&office, day(1, 5), scheme_id(), money("20万"), "2018年专项资金创新券科目").unwrap());

    let applicants = [
        enterprise("E1", "software_it_services", 15, "200万", "P1"),
        enterprise("E2", "industry", 12, "800万", "P1"),
        enterprise("E3", "industry", 400, "5000万", "P3"),
        enterprise("E4", "retail", 8, "90万", "P4"),
        enterprise("E5", "other", 30, "100万", "P-B"),
        team("T1", "P-T1", 2),
    ];
    for applicant in applicants {
        events.push(network.register_applicant(&office, day(1, 6), applicant).unwrap());
    }
    let stake = match &network.enterprises().applicant(&EnterpriseId::new("E4").unwrap()).unwrap().profile {
        ApplicantProfile::Enterprise(e) => e.credit_code.clone(),
        ApplicantProfile::StartupTeam(_) => unreachable!(),
    };
    let ties_a = ProviderTies { unit: UnitId::new("A").unwrap(), actual_controller: None, stakes: vec![stake] };
    events.push(network.record_provider_ties(&admin("A"), day(1, 7), ties_a).unwrap());
    let controller_b = Party { id: PartyId::new("P-B").unwrap(), name: "控制人P-B".into() };
    let ties_b = ProviderTies { unit: UnitId::new("B").unwrap(), actual_controller: Some(controller_b), stakes: vec![] };
    events.push(network.record_provider_ties(&admin("B"), day(1, 7), ties_b).unwrap());
    (network, events)
}

pub fn request(id: &str, applicant: &str, amount: &str) -> ApplicationRequest {
    ApplicationRequest {
        id: app_id(id),
        scheme: scheme_id(),
        applicant: EnterpriseId::new(applicant).unwrap(),
        amount: money(amount),
        purpose: "委托检测".into(),
    }
}

/// Files an application, decides the round and issues the vouchers.
pub fn granted(network: &mut Network, id: &str, applicant: &str, amount: &str, at: DateTime<Utc>) {
    network.apply_for_vouchers(&contact(applicant), at, request(id, applicant, amount)).unwrap();
    network.decide_voucher_applications(&office(), at, scheme_id()).unwrap();
    network.issue_vouchers(&office(), at, app_id(id)).unwrap();
}

pub fn use_request(service_id: &str, holder: &str, provider: &str, instrument: &str, fee: &str, payments: &[(&str, &str)]) -> ServiceUseRequest {
    ServiceUseRequest {
        service: service(service_id),
        holder: EnterpriseId::new(holder).unwrap(),
        provider: UnitId::new(provider).unwrap(),
        instrument: InstrumentId::new(instrument).unwrap(),
        test_item: "元素分析".into(),
        fee: money(fee),
        service_date: date(3, 10),
        payments: payments.iter().map(|(v, a)| VoucherPayment { voucher: voucher(v), amount: money(a) }).collect(),
    }
}

pub fn redemption(service_id: &str, invoice: &str, amount: &str) -> RedemptionRequest {
    RedemptionRequest {
        service: service(service_id),
        invoice: Invoice { number: invoice.into(), issued_on: date(3, 12), amount: money(amount) },
        completed_on: date(3, 11),
    }
}

/// Asserts that `result` failed with rule `rule`.
pub fn assert_rule<T: std::fmt::Debug>(result: Result<T, labshare::Error>, rule: &str) {
    match result {
        Err(labshare::Error::RuleViolation { rule: actual, .. }) => assert_eq!(actual, rule),
        other => panic!("expected rule {rule}, got {other:?}"),
    }
}

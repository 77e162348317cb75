//! A small network for the voucher tests: two provider units with published
//! instruments that take sample requests, one unit without, the 2018 fund
//! year, a 2018 scheme and a pool funded from the fund's voucher category.
#![allow(dead_code, reason = "each test binary uses a different subset")]

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use labshare::credit_code::{CreditCode, check_character};
use labshare::booking::{BookingId, BookingPolicy, Completion, FeeBasis, FeeRate, SampleRequest, ServiceMode, UserType};
use labshare::enterprise::{Applicant, ApplicantProfile, Enterprise, Party, ProviderTies, StartupTeam};
use labshare::fund::{CategoryAmount, FundCategory};
use labshare::registry::{AcquisitionSource, CategoryCode, InstrumentRecord, OperatingStatus, SharingMode, Unit, UnitKind};
use labshare::voucher::{
    ApplicationRequest, DateRange, RedemptionRequest, Invoice, ServiceUseRequest, Validity, VoucherPayment, VoucherRules,
    VoucherScheme,
};
use labshare::{Actor, ApplicationId, Event, EnterpriseId, InstrumentId, Money, Network, PartyId, Role, SchemeId, Text, UnitId, VoucherNumber};
use rust_decimal::Decimal;

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

/// Returns the instant the fee standards take effect: 2018-01-01 00:00 UTC.
pub fn policy_start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2018, 1, 1, 0, 0, 0).unwrap()
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
        events.push(network.publish_instrument(&office, day(1, 4), id.clone()).unwrap());
        events.push(network.set_booking_policy(&office, day(1, 4), id, policy_start(), base_policy()).unwrap());
    }
    events.push(network.open_fund_year(&office, day(1, 5), 2018, money("100万"), fund_split()).unwrap());
    events.push(network.publish_voucher_scheme(&office, day(1, 5), scheme()).unwrap());
    events.push(network.fund_voucher_pool(&office, day(1, 5), scheme_id(), 2018, money("20万")).unwrap());

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

/// Returns the 2018 fund split: office costs 10万, subsidies 50万, rewards
/// 20万 and the voucher category 20万元.
pub fn fund_split() -> Vec<CategoryAmount> {
    [
        (FundCategory::OfficeCosts, "10万"),
        (FundCategory::Subsidies, "50万"),
        (FundCategory::Rewards, "20万"),
        (FundCategory::Vouchers, "20万"),
    ]
    .into_iter()
    .map(|(category, amount)| CategoryAmount { category, amount: money(amount) })
    .collect()
}

/// Returns the fee standard of every instrument: 1元 a sample for voucher
/// holders and outside users, whatever the test item.
pub fn base_policy() -> BookingPolicy {
    let fees = [UserType::VoucherHolder, UserType::External]
        .into_iter()
        .map(|user_type| FeeRate { user_type, basis: FeeBasis::Sample, test_item: None, rate: money("1") })
        .collect();
    BookingPolicy { fees, ..BookingPolicy::default() }
}

/// Returns the test item whose fee standard charges `fee` for one sample.
pub fn test_item(fee: &str) -> String {
    format!("检测{}", money(fee).yuan())
}

/// Adds a per-sample rate of `fee` for [`test_item`] to the fee standard of
/// `instrument`, for voucher holders and outside users, unless it is there.
pub fn ensure_rate(network: &mut Network, instrument: &str, fee: &str, at: DateTime<Utc>) -> Option<Event> {
    let id = InstrumentId::new(instrument).unwrap();
    let item = test_item(fee);
    let mut policy = network.booking().policies(&id).unwrap().last().unwrap().policy.clone();
    if policy.fees.iter().any(|rate| rate.test_item.as_deref() == Some(item.as_str())) {
        return None;
    }
    for user_type in [UserType::VoucherHolder, UserType::External] {
        let rate = FeeRate { user_type, basis: FeeBasis::Sample, test_item: Some(item.clone()), rate: money(fee) };
        policy.fees.push(rate);
    }
    Some(network.set_booking_policy(&office(), at, id, policy_start(), policy).unwrap())
}

/// Has the contact of `holder` request one sample of a test item costing
/// `fee` on `instrument`, and has the office confirm it. Returns the
/// booking and the events.
pub fn book_with_events(network: &mut Network, holder: &str, instrument: &str, fee: &str, at: DateTime<Utc>) -> (BookingId, Vec<Event>) {
    let mut events: Vec<Event> = ensure_rate(network, instrument, fee, at).into_iter().collect();
    let request = SampleRequest {
        instrument: InstrumentId::new(instrument).unwrap(),
        test_item: test_item(fee),
        samples: 1,
        purpose: "委托检测".into(),
        voucher: Some(format!("{holder} 创新券")),
    };
    let receipt = network.request_samples(&contact(holder), at, request).unwrap();
    let booking = receipt.bookings[0];
    events.push(receipt.event);
    events.push(network.confirm_booking(&office(), at, booking).unwrap().event);
    (booking, events)
}

/// As [`book_with_events`], without the events.
pub fn book(network: &mut Network, holder: &str, instrument: &str, fee: &str, at: DateTime<Utc>) -> BookingId {
    book_with_events(network, holder, instrument, fee, at).0
}

/// Completes `booking` with one sample; with `amount`, that amount is
/// charged in place of the quote.
pub fn complete(network: &mut Network, booking: BookingId, amount: Option<&str>, at: DateTime<Utc>) -> Event {
    let completion = Completion { actual_hours: Decimal::ZERO, samples: 1, mode: ServiceMode::StaffRun, amount: amount.map(money) };
    network.complete_booking(&office(), at, booking, completion).unwrap().event
}

pub fn use_request(booking: BookingId, holder: &str, payments: &[(&str, &str)]) -> ServiceUseRequest {
    ServiceUseRequest {
        booking,
        holder: EnterpriseId::new(holder).unwrap(),
        payments: payments.iter().map(|(v, a)| VoucherPayment { voucher: voucher(v), amount: money(a) }).collect(),
    }
}

pub fn redemption(booking: BookingId, invoice: &str, amount: &str) -> RedemptionRequest {
    RedemptionRequest {
        booking,
        invoice: Invoice { number: invoice.into(), issued_on: date(3, 12), amount: money(amount) },
    }
}

/// Asserts that `result` failed with rule `rule`.
pub fn assert_rule<T: std::fmt::Debug>(result: Result<T, labshare::Error>, rule: &str) {
    match result {
        Err(labshare::Error::RuleViolation { rule: actual, .. }) => assert_eq!(actual, rule),
        other => panic!("expected rule {rule}, got {other:?}"),
    }
}

//! The voucher lifecycle end to end, and every rejection with its reason.

mod voucher_fixtures;

use chrono::{TimeZone, Utc};
use labshare::enterprise::{ApplicantProfile, Party};
use labshare::sme::SizeClass;
use labshare::fund::FundCategory;
use labshare::voucher::{
    AllocationOrder, ApplicationState, AuditDecision, DateRange, FeeSource, GrantLimit, PoolEntryKind, Release, TeamRules,
    UseState, VoucherScheme, VoucherState,
};
use labshare::{EnterpriseId, Error, Lang, Money, Network, PartyId, SchemeId};
use rust_decimal::Decimal;
use voucher_fixtures::*;

fn state(network: &Network, id: &str) -> ApplicationState {
    network.vouchers().application(&app_id(id)).unwrap().state.clone()
}

fn remaining(network: &Network, number: &str) -> String {
    network.vouchers().voucher(&voucher(number)).unwrap().remaining.yuan().to_string()
}

/// Publishes version 2 of the scheme, in force from 6 June, with `change` applied.
fn publish_v2(network: &mut Network, change: impl FnOnce(&mut VoucherScheme)) {
    let mut v2 = scheme();
    v2.version = 2;
    v2.effective = DateRange { from: date(6, 1), until: Some(date(12, 1)) };
    change(&mut v2);
    network.publish_voucher_scheme(&office(), day(5, 20), v2).unwrap();
}

#[test]
fn lifecycle_from_application_to_expiry() {
    let (mut network, mut events) = journal();
    let e1 = contact("E1");
    events.push(network.apply_for_vouchers(&e1, day(3, 1), request("SQ1", "E1", "2万")).unwrap());
    assert_eq!(state(&network, "SQ1"), ApplicationState::Pending);
    let application = network.vouchers().application(&app_id("SQ1")).unwrap();
    assert_eq!(application.size, Some(SizeClass::Small));
    assert_eq!(application.year, 2018);

    events.push(network.decide_voucher_applications(&office(), day(3, 2), scheme_id()).unwrap());
    assert_eq!(state(&network, "SQ1"), ApplicationState::Approved);
    let pool = network.vouchers().scheme(&scheme_id()).unwrap().pool.totals;
    assert_eq!(pool.reserved, money("20000"));
    assert_eq!(pool.free().unwrap(), money("180000"));

    events.push(network.issue_vouchers(&office(), day(3, 3), app_id("SQ1")).unwrap());
    let numbers: Vec<String> =
        network.vouchers().vouchers().map(|v| format!("{} {}", v.number, v.face_value.yuan())).collect();
    assert_eq!(numbers, ["XJCXQ2018-00001 5000.00", "XJCXQ2018-00002 5000.00", "XJCXQ2018-00003 5000.00", "XJCXQ2018-00004 5000.00"]);
    let first = network.vouchers().voucher(&voucher("XJCXQ2018-00001")).unwrap();
    assert_eq!(first.last_valid_date, date(12, 31));
    assert_eq!(first.expires_at, Utc.with_ymd_and_hms(2018, 12, 31, 16, 0, 0).unwrap());

    // 40% of the quoted 30,000 is 12,000: two whole vouchers and part of a third.
    let (bk1, booked) = book_with_events(&mut network, "E1", "A-1", "30000", day(3, 10));
    events.extend(booked);
    let s1 = use_request(bk1, "E1", &[("XJCXQ2018-00001", "5000"), ("XJCXQ2018-00002", "5000"), ("XJCXQ2018-00003", "2000")]);
    events.push(network.use_vouchers(&e1, day(3, 10), s1).unwrap());
    assert_eq!(remaining(&network, "XJCXQ2018-00003"), "3000.00");
    let used = network.vouchers().service_use(bk1).unwrap();
    assert_eq!(used.fee, money("30000"));
    assert_eq!(used.fee_source, FeeSource::Quote);
    assert_eq!(used.provider.as_str(), "A");
    assert_eq!(used.service_date, date(3, 10));

    // A fee below 1万元 may be paid in full; voucher 00003 now serves two services.
    let (bk2, booked) = book_with_events(&mut network, "E1", "A-2", "6000", day(3, 10));
    events.extend(booked);
    let s2 = use_request(bk2, "E1", &[("XJCXQ2018-00003", "3000"), ("XJCXQ2018-00004", "3000")]);
    events.push(network.use_vouchers(&e1, day(3, 10), s2).unwrap());
    let v3 = network.vouchers().voucher(&voucher("XJCXQ2018-00003")).unwrap();
    assert_eq!(v3.services, [bk1, bk2]);
    assert!(v3.remaining.is_zero());

    events.push(complete(&mut network, bk1, None, day(3, 11)));
    events.push(complete(&mut network, bk2, None, day(3, 11)));
    events.push(network.request_redemption(&admin("A"), day(3, 12), redemption(bk1, "INV001", "30000")).unwrap());
    events.push(network.audit_redemption(&office(), day(3, 20), bk1, AuditDecision::Pay).unwrap());
    let paid = network.vouchers().service_use(bk1).unwrap();
    assert_eq!(paid.state, UseState::Paid);
    assert_eq!(paid.fee_source, FeeSource::ServiceRecord);

    assert_rule(
        network.request_redemption(&admin("A"), day(3, 12), redemption(bk2, "inv001", "6000")),
        "voucher.invoice_used_once",
    );
    events.push(network.request_redemption(&admin("A"), day(3, 12), redemption(bk2, "INV002", "6000")).unwrap());
    let fix = AuditDecision::Return { reason: "发票抬头有误".into() };
    events.push(network.audit_redemption(&office(), day(3, 20), bk2, fix).unwrap());
    assert_eq!(network.vouchers().service_use(bk2).unwrap().state, UseState::Open);
    events.push(network.request_redemption(&admin("A"), day(3, 21), redemption(bk2, "INV002", "6000")).unwrap());
    events.push(network.audit_redemption(&office(), day(3, 25), bk2, AuditDecision::Pay).unwrap());
    assert_eq!(network.vouchers().service_use(bk2).unwrap().redemptions.len(), 2);

    let new_year = Utc.with_ymd_and_hms(2018, 12, 31, 16, 0, 0).unwrap();
    events.push(network.expire_vouchers(&office(), new_year, scheme_id()).unwrap());
    let v4 = network.vouchers().voucher(&voucher("XJCXQ2018-00004")).unwrap();
    assert_eq!(v4.state, VoucherState::Expired);
    assert_eq!(v4.expired, money("2000"));
    assert!(v4.remaining.is_zero());

    let pool = &network.vouchers().scheme(&scheme_id()).unwrap().pool;
    assert_eq!(pool.fund_year, Some(2018));
    assert_eq!(pool.totals.paid, money("18000"));
    assert_eq!(pool.totals.reserved, money("0"));
    assert_eq!(pool.totals.free().unwrap(), money("182000"));
    let kinds: Vec<&str> = pool
        .entries
        .iter()
        .map(|e| match &e.kind {
            PoolEntryKind::Funded { .. } => "funded",
            PoolEntryKind::Withdrawn { .. } => "withdrawn",
            PoolEntryKind::Reserved { .. } => "reserved",
            PoolEntryKind::Released { .. } => "released",
            PoolEntryKind::Paid { .. } => "paid",
        })
        .collect();
    assert_eq!(kinds, ["funded", "reserved", "paid", "paid", "released"]);

    // The fund ledger pays both redemptions out of the voucher category.
    let report = network.fund().report(&office(), 2018).unwrap();
    let vouchers_line = report.categories.iter().find(|c| c.category == FundCategory::Vouchers).unwrap();
    assert_eq!(vouchers_line.spent, money("18000"));
    assert_eq!(vouchers_line.balance, money("182000"));
    assert_eq!(report.spent, money("18000"));
    // 18,000 ÷ 1,000,000 = 0.018.
    assert_eq!(report.execution_rate, Decimal::new(18, 3));
    let holding = network.fund().fund_year(&office(), 2018).unwrap().pool_holding(&scheme_id()).unwrap();
    assert_eq!(holding.funded, money("20万"));
    assert_eq!(holding.redeemed, money("18000"));
    assert_eq!(holding.held, money("182000"));

    for v in network.vouchers().vouchers() {
        assert_eq!(Money::sum([v.used, v.remaining, v.expired]).unwrap(), v.face_value, "{}", v.number);
    }
    assert_eq!(Network::replay(&events).unwrap(), network);
}

#[test]
fn voucher_before_expiry_is_usable_after_not() {
    let mut network = network();
    granted(&mut network, "SQ1", "E1", "5000", day(3, 1));
    let booking = book(&mut network, "E1", "A-1", "1000", day(12, 28));
    let late = use_request(booking, "E1", &[("XJCXQ2018-00001", "1000")]);
    let last_second = Utc.with_ymd_and_hms(2018, 12, 31, 15, 59, 59).unwrap();
    let mut before = network.clone();
    before.use_vouchers(&contact("E1"), last_second, late.clone()).unwrap();

    let at_expiry = Utc.with_ymd_and_hms(2018, 12, 31, 16, 0, 0).unwrap();
    assert_rule(network.use_vouchers(&contact("E1"), at_expiry, late), "voucher.expired");
}

#[test]
fn oversubscription_first_come_first_served() {
    let mut network = network();
    network.withdraw_from_voucher_pool(&office(), day(2, 1), scheme_id(), money("17万"), "调剂至运行补贴").unwrap();
    network.apply_for_vouchers(&contact("T1"), day(3, 3), request("SQ-T1", "T1", "2万")).unwrap();
    network.apply_for_vouchers(&contact("E1"), day(3, 1), request("SQ-E1", "E1", "2万")).unwrap();
    network.apply_for_vouchers(&contact("E4"), day(3, 2), request("SQ-E4", "E4", "2万")).unwrap();
    network.decide_voucher_applications(&office(), day(3, 5), scheme_id()).unwrap();

    let decision = |id: &str| network.vouchers().application(&app_id(id)).unwrap().decision.clone().unwrap();
    assert_eq!((decision("SQ-E1").rank, decision("SQ-E1").granted), (1, money("2万")));
    assert_eq!((decision("SQ-E4").rank, decision("SQ-E4").granted), (2, money("1万")));
    assert_eq!(decision("SQ-E4").limit, GrantLimit::Pool);
    assert_eq!((decision("SQ-T1").rank, decision("SQ-T1").granted), (3, money("0")));
    assert_eq!(state(&network, "SQ-T1"), ApplicationState::Declined);
    let steps = decision("SQ-E4").explanation.render(Lang::Zh);
    assert!(steps.contains("排第 2/3 位"), "{steps}");
    assert!(steps.contains("资金池可用余额 10,000.00元"), "{steps}");
    assert!(steps.contains("受资金池余额限制，部分批准 10,000.00元"), "{steps}");
    assert!(decision("SQ-T1").explanation.render(Lang::En).contains("the pool balance is used up, so declined"));
    assert!(network.vouchers().scheme(&scheme_id()).unwrap().pool.totals.free().unwrap().is_zero());
}

#[test]
fn partial_grants_off_declines_the_rest() {
    let mut network = network();
    publish_v2(&mut network, |v2| v2.rules.partial_grants = false);
    network.withdraw_from_voucher_pool(&office(), day(2, 1), scheme_id(), money("17万"), "调剂").unwrap();
    network.apply_for_vouchers(&contact("E1"), day(6, 2), request("SQ-E1", "E1", "2万")).unwrap();
    network.apply_for_vouchers(&contact("E4"), day(6, 3), request("SQ-E4", "E4", "2万")).unwrap();
    network.apply_for_vouchers(&contact("E5"), day(6, 4), request("SQ-E5", "E5", "5000")).unwrap();
    network.decide_voucher_applications(&office(), day(6, 5), scheme_id()).unwrap();
    assert_eq!(state(&network, "SQ-E1"), ApplicationState::Approved);
    assert_eq!(state(&network, "SQ-E4"), ApplicationState::Declined);
    // Smaller requests behind a declined one are still granted from what is left.
    assert_eq!(state(&network, "SQ-E5"), ApplicationState::Approved);
    let text = network.vouchers().application(&app_id("SQ-E4")).unwrap().decision.as_ref().unwrap().explanation.render(Lang::Zh);
    assert!(text.contains("不允许部分批准"), "{text}");
}

#[test]
fn same_instant_ties_follow_journal_order() {
    let mut network = network();
    network.withdraw_from_voucher_pool(&office(), day(2, 1), scheme_id(), money("18万"), "调剂").unwrap();
    network.apply_for_vouchers(&contact("E4"), day(3, 1), request("SQ-B", "E4", "2万")).unwrap();
    network.apply_for_vouchers(&contact("E1"), day(3, 1), request("SQ-A", "E1", "2万")).unwrap();
    network.decide_voucher_applications(&office(), day(3, 5), scheme_id()).unwrap();
    assert_eq!(state(&network, "SQ-B"), ApplicationState::Approved);
    assert_eq!(state(&network, "SQ-A"), ApplicationState::Declined);
}

#[test]
fn order_by_score() {
    let mut network = network();
    publish_v2(&mut network, |v2| v2.rules.order = AllocationOrder::ByScore);
    network.withdraw_from_voucher_pool(&office(), day(2, 1), scheme_id(), money("17万"), "调剂").unwrap();
    network.apply_for_vouchers(&contact("E1"), day(6, 2), request("SQ-E1", "E1", "2万")).unwrap();
    network.apply_for_vouchers(&contact("E4"), day(6, 3), request("SQ-E4", "E4", "2万")).unwrap();
    assert_rule(network.decide_voucher_applications(&office(), day(6, 5), scheme_id()), "voucher.unscored_application");

    network.score_voucher_application(&office(), day(6, 4), app_id("SQ-E1"), Decimal::from(70)).unwrap();
    network.score_voucher_application(&office(), day(6, 4), app_id("SQ-E4"), Decimal::from(85)).unwrap();
    network.decide_voucher_applications(&office(), day(6, 5), scheme_id()).unwrap();
    let granted = |id: &str| network.vouchers().application(&app_id(id)).unwrap().granted;
    assert_eq!(granted("SQ-E4"), money("2万"));
    assert_eq!(granted("SQ-E1"), money("1万"));
    let text = network.vouchers().application(&app_id("SQ-E4")).unwrap().decision.as_ref().unwrap().explanation.render(Lang::Zh);
    assert!(text.contains("按评分排序：评分 85"), "{text}");
}

#[test]
fn apply_rejections_name_their_rule() {
    let mut network = network();
    assert_rule(network.apply_for_vouchers(&contact("E1"), day(12, 5), request("X", "E1", "1万")), "voucher.scheme_not_in_force");
    assert_rule(network.apply_for_vouchers(&contact("E3"), day(3, 1), request("X", "E3", "1万")), "voucher.size_not_eligible");
    assert_rule(network.apply_for_vouchers(&contact("E1"), day(3, 1), request("X", "E1", "20000.01")), "voucher.per_application_cap");

    network.apply_for_vouchers(&contact("E1"), day(3, 1), request("P1", "E1", "1万")).unwrap();
    assert_rule(network.apply_for_vouchers(&contact("E1"), day(3, 2), request("P2", "E1", "1万")), "voucher.pending_application");
    let duplicate = network.apply_for_vouchers(&contact("E2"), day(3, 2), request("P1", "E2", "1万"));
    assert_eq!(duplicate.unwrap_err().code(), "already_exists");
    let other = network.apply_for_vouchers(&contact("E2"), day(3, 2), request("P3", "E1", "1万"));
    assert_eq!(other.unwrap_err().code(), "permission_denied");
    let zero = network.apply_for_vouchers(&contact("E2"), day(3, 2), request("P3", "E2", "0"));
    assert_eq!(zero.unwrap_err().code(), "invalid_value");
}

#[test]
fn size_rejection_explains_the_classification() {
    let mut network = network();
    let error = network.apply_for_vouchers(&contact("E3"), day(3, 1), request("X", "E3", "1万")).unwrap_err();
    let message = error.message(Lang::Zh);
    assert!(message.contains("划型为中型企业"), "{message}");
    assert!(message.contains("从业人员 400人 ≥ 300人，达到"), "{message}");
    assert!(message.contains("营业收入 5000万元 ≥ 2000万元，达到"), "{message}");
    let english = error.message(Lang::En);
    assert!(english.contains("medium enterprise"), "{english}");
}

#[test]
fn yearly_caps_per_applicant_and_controller() {
    let mut network = network();
    for (n, month) in [(1, 2), (2, 3), (3, 4)] {
        granted(&mut network, &format!("E1-{n}"), "E1", "2万", day(month, 1));
    }
    granted(&mut network, "E2-1", "E2", "2万", day(5, 1));
    granted(&mut network, "E2-2", "E2", "2万", day(5, 2));
    // E1 and E2 share controller P1: 6万 + 4万 reach its 10万 cap.
    assert_rule(network.apply_for_vouchers(&contact("E2"), day(5, 3), request("E2-3", "E2", "1")), "voucher.controller_year_cap");
    let error = network.apply_for_vouchers(&contact("E2"), day(5, 3), request("E2-3", "E2", "1")).unwrap_err();
    assert!(error.message(Lang::Zh).contains("实际控制人 P1 名下申请主体 2018 年已获批 100,000.00元"), "{error}");

    let mut solo = voucher_fixtures::network();
    for n in 1..=5 {
        granted(&mut solo, &format!("E4-{n}"), "E4", "2万", day(2, n));
    }
    assert_rule(solo.apply_for_vouchers(&contact("E4"), day(3, 1), request("E4-6", "E4", "0.01")), "voucher.applicant_year_cap");
}

#[test]
fn team_rules_come_from_the_scheme() {
    let mut network = network();
    publish_v2(&mut network, |v2| v2.rules.startup_teams = Some(TeamRules { caps: v2.rules.enterprise_caps, min_people: 4 }));
    assert_rule(network.apply_for_vouchers(&contact("T1"), day(6, 2), request("X", "T1", "1万")), "voucher.team_too_small");

    let mut v3 = scheme();
    v3.version = 3;
    v3.effective = DateRange { from: date(7, 1), until: Some(date(12, 1)) };
    v3.rules.startup_teams = None;
    network.publish_voucher_scheme(&office(), day(6, 20), v3).unwrap();
    assert_rule(network.apply_for_vouchers(&contact("T1"), day(7, 2), request("X", "T1", "1万")), "voucher.teams_not_eligible");
    // Applications record the version in force on their date.
    network.apply_for_vouchers(&contact("E1"), day(7, 2), request("Y", "E1", "1万")).unwrap();
    assert_eq!(network.vouchers().application(&app_id("Y")).unwrap().scheme.version, 3);
}

#[test]
fn use_rejections_name_their_rule() {
    let mut network = network();
    granted(&mut network, "SQ1", "E1", "2万", day(3, 1));
    granted(&mut network, "SQ4", "E4", "1万", day(3, 1));
    granted(&mut network, "SQ5", "E5", "1万", day(3, 1));
    let e1 = contact("E1");
    let v1 = "XJCXQ2018-00001";

    let bk1 = book(&mut network, "E1", "A-1", "1000", day(3, 10));
    network.use_vouchers(&e1, day(3, 10), use_request(bk1, "E1", &[(v1, "1000")])).unwrap();
    let bk2 = book(&mut network, "E1", "A-1", "9000", day(3, 10));
    let bk3 = book(&mut network, "E1", "A-1", "30000", day(3, 10));
    let cases = [
        ("voucher.service_used_once", use_request(bk1, "E1", &[(v1, "100")])),
        ("voucher.not_holder", use_request(bk2, "E1", &[("XJCXQ2018-00005", "100")])),
        ("voucher.insufficient_balance", use_request(bk2, "E1", &[(v1, "4000.01")])),
        ("voucher.share_limit", use_request(bk3, "E1", &[(v1, "4000"), ("XJCXQ2018-00002", "5000"), ("XJCXQ2018-00003", "3000.01")])),
    ];
    for (rule, request) in cases {
        let before = network.clone();
        assert_rule(network.use_vouchers(&e1, day(3, 11), request), rule);
        assert_eq!(network, before, "a rejected use changed the state ({rule})");
    }

    // A sample request filed before the vouchers were issued is dated outside their validity.
    let early = book(&mut network, "E1", "A-1", "1000", day(2, 28));
    assert_rule(network.use_vouchers(&e1, day(3, 11), use_request(early, "E1", &[(v1, "100")])), "voucher.service_date_outside_validity");

    // E5 and unit B share actual controller P-B; unit A holds a stake in E4.
    let bk_b = book(&mut network, "E5", "B-1", "1000", day(3, 11));
    let related = use_request(bk_b, "E5", &[("XJCXQ2018-00007", "100")]);
    assert_rule(network.use_vouchers(&contact("E5"), day(3, 11), related), "voucher.related_party_controller");
    let bk_a = book(&mut network, "E4", "A-1", "1000", day(3, 11));
    let stake = use_request(bk_a, "E4", &[("XJCXQ2018-00005", "100")]);
    let error = network.use_vouchers(&contact("E4"), day(3, 11), stake).unwrap_err();
    assert!(error.message(Lang::Zh).contains("服务单位 A 持有申请主体 E4"), "{error}");
    assert_rule(Err::<(), Error>(error), "voucher.related_party_stake");
    // The same enterprises may use unrelated providers.
    let bk_fine = book(&mut network, "E5", "A-1", "1000", day(3, 11));
    network.use_vouchers(&contact("E5"), day(3, 11), use_request(bk_fine, "E5", &[("XJCXQ2018-00007", "100")])).unwrap();

    let foreign = network.use_vouchers(&contact("E4"), day(3, 11), use_request(bk2, "E1", &[(v1, "10")]));
    assert_eq!(foreign.unwrap_err().code(), "permission_denied");
}

#[test]
fn booking_link_rejections_name_their_reason() {
    let mut network = network();
    granted(&mut network, "SQ1", "E1", "2万", day(3, 1));
    let e1 = contact("E1");
    let v1 = "XJCXQ2018-00001";
    let own = book(&mut network, "E1", "A-1", "1000", day(3, 10));
    let of_e2 = book(&mut network, "E2", "A-1", "1000", day(3, 10));
    let cancelled = book(&mut network, "E1", "A-1", "1000", day(3, 10));
    network.cancel_booking(&contact("E1"), day(3, 10), cancelled, None).unwrap();
    let rejected = book(&mut network, "E1", "A-2", "2000", day(3, 10));
    // The office rejects a fresh request, so book one without confirming it.
    let request = labshare::booking::SampleRequest {
        instrument: labshare::InstrumentId::new("A-2").unwrap(),
        test_item: test_item("2000"),
        samples: 1,
        purpose: String::new(),
        voucher: None,
    };
    let fresh = network.request_samples(&e1, day(3, 10), request).unwrap().bookings[0];
    network.reject_booking(&office(), day(3, 10), fresh, "样品不符合要求").unwrap();
    let by_user = network.request_samples(&labshare::Actor::user("u-1", None), day(3, 10), labshare::booking::SampleRequest {
        instrument: labshare::InstrumentId::new("A-1").unwrap(),
        test_item: test_item("1000"),
        samples: 1,
        purpose: String::new(),
        voucher: None,
    }).unwrap().bookings[0];

    let unknown = network.use_vouchers(&e1, day(3, 11), use_request(labshare::booking::BookingId(999), "E1", &[(v1, "100")]));
    let unknown = unknown.unwrap_err();
    assert_eq!(unknown.code(), "not_found");
    assert!(unknown.message(Lang::En).contains("B999"), "{unknown}");
    let cases = [
        ("voucher.booking_other_party", of_e2, "E2"),
        ("voucher.booking_other_party", by_user, "as an enterprise"),
        ("voucher.booking_closed", cancelled, "cancelled"),
        ("voucher.booking_closed", fresh, "rejected"),
    ];
    for (rule, booking, reason) in cases {
        let before = network.clone();
        let error = network.use_vouchers(&e1, day(3, 11), use_request(booking, "E1", &[(v1, "100")])).unwrap_err();
        assert!(error.message(Lang::En).contains(reason), "{rule}: {error}");
        assert_rule(Err::<(), Error>(error), rule);
        assert_eq!(network, before, "a rejected use changed the state ({rule})");
    }
    assert!(network.vouchers().service_use(rejected).is_err());

    // The provider comes from the booking, so another unit cannot redeem it.
    network.use_vouchers(&e1, day(3, 11), use_request(own, "E1", &[(v1, "400")])).unwrap();
    let not_done = network.request_redemption(&admin("A"), day(3, 12), redemption(own, "INV1", "1000"));
    assert_rule(not_done, "voucher.booking_not_completed");
    complete(&mut network, own, None, day(3, 12));
    let other = network.request_redemption(&admin("B"), day(3, 12), redemption(own, "INV1", "1000"));
    assert_eq!(other.unwrap_err().code(), "permission_denied");
    network.request_redemption(&admin("A"), day(3, 12), redemption(own, "INV1", "1000")).unwrap();
}

#[test]
fn cancelled_booking_cannot_be_redeemed() {
    let mut network = network();
    granted(&mut network, "SQ1", "E1", "5000", day(3, 1));
    let booking = book(&mut network, "E1", "A-1", "1000", day(3, 10));
    network.use_vouchers(&contact("E1"), day(3, 10), use_request(booking, "E1", &[("XJCXQ2018-00001", "1000")])).unwrap();
    network.cancel_booking(&contact("E1"), day(3, 10), booking, None).unwrap();
    let error = network.request_redemption(&admin("A"), day(3, 12), redemption(booking, "INV1", "1000")).unwrap_err();
    assert!(error.message(Lang::En).contains("cancelled"), "{error}");
    assert_rule(Err::<(), Error>(error), "voucher.booking_not_completed");
    network.cancel_voucher_use(&contact("E1"), day(3, 12), booking, "预约已取消").unwrap();
    assert_eq!(remaining(&network, "XJCXQ2018-00001"), "5000.00");
}

#[test]
fn redemption_keeps_the_share_of_the_completed_amount() {
    let mut network = network();
    granted(&mut network, "SQ1", "E1", "2万", day(3, 1));
    // Quoted 20,000: 40% is 8,000, paid with 5,000 and 3,000.
    let booking = book(&mut network, "E1", "A-1", "20000", day(3, 10));
    let payments = [("XJCXQ2018-00001", "5000"), ("XJCXQ2018-00002", "3000")];
    network.use_vouchers(&contact("E1"), day(3, 10), use_request(booking, "E1", &payments)).unwrap();
    // Completed at 15,000: 40% is 6,000, so 2,000 goes back to the last voucher.
    complete(&mut network, booking, Some("15000"), day(3, 11));
    assert_rule(network.request_redemption(&admin("A"), day(3, 12), redemption(booking, "INV1", "20000")), "voucher.invoice_amount");
    network.request_redemption(&admin("A"), day(3, 12), redemption(booking, "INV1", "15000")).unwrap();
    let used = network.vouchers().service_use(booking).unwrap();
    assert_eq!(used.total, money("6000"));
    assert_eq!(used.fee, money("15000"));
    assert_eq!(used.share.limit, money("6000"));
    assert_eq!(used.redemptions[0].returned, money("2000"));
    assert_eq!(used.redemptions[0].completed_amount, money("15000"));
    assert_eq!(remaining(&network, "XJCXQ2018-00002"), "4000.00");
    assert_eq!(remaining(&network, "XJCXQ2018-00001"), "0.00");
    network.audit_redemption(&office(), day(3, 20), booking, AuditDecision::Pay).unwrap();
    assert_eq!(network.vouchers().scheme(&scheme_id()).unwrap().pool.totals.paid, money("6000"));

    // The fund ledger records the payment and refuses to reverse it.
    let entry = network.fund().fund_year(&office(), 2018).unwrap().ledger.last().unwrap().number;
    let reversal = network.reverse_fund_payment(&office(), day(3, 21), 2018, entry, "误付");
    assert_rule(reversal, "fund.voucher_redemption_reversal");
}

#[test]
fn fee_comes_from_the_booking_quote() {
    let mut network = network();
    granted(&mut network, "SQ1", "E1", "2万", day(3, 1));
    let booking = book(&mut network, "E1", "A-1", "12345.67", day(3, 10));
    let request = use_request(booking, "E1", &[("XJCXQ2018-00001", "5000")]);
    let error = network.use_vouchers(&contact("E1"), day(3, 10), request).unwrap_err();
    // 12,345.67 × 40% = 4,938.268, rounded half-up to 4,938.27.
    let message = error.message(Lang::Zh);
    assert!(message.contains("用券合计 5,000.00元 超过可支付上限 4,938.27元"), "{message}");
    assert!(message.contains("服务费 12,345.67元 × 40% = 4,938.27元"), "{message}");
}

#[test]
fn regional_share_overrides_the_default() {
    let mut network = network();
    publish_v2(&mut network, |v2| {
        v2.rules.share.by_region = vec![labshare::voucher::RegionShare { region: "昌吉".into(), percent: Decimal::from(60) }];
    });
    granted(&mut network, "SQ-T1", "T1", "2万", day(6, 2));
    let booking = book(&mut network, "T1", "A-1", "20000", day(6, 10));
    let request = use_request(booking, "T1", &[("XJCXQ2018-00001", "5000"), ("XJCXQ2018-00002", "5000"), ("XJCXQ2018-00003", "2000")]);
    network.use_vouchers(&contact("T1"), day(6, 10), request).unwrap();
    let used = network.vouchers().service_use(booking).unwrap();
    assert_eq!(used.share.percent, Decimal::from(60));
    assert_eq!(used.share.limit, money("12000"));
}

#[test]
fn mixed_scheme_versions_on_one_service() {
    let mut network = network();
    granted(&mut network, "SQ1", "E1", "5000", day(3, 1));
    publish_v2(&mut network, |_| {});
    granted(&mut network, "SQ2", "E1", "5000", day(6, 2));
    let booking = book(&mut network, "E1", "A-1", "4000", day(6, 10));
    let request = use_request(booking, "E1", &[("XJCXQ2018-00001", "1000"), ("XJCXQ2018-00002", "1000")]);
    assert_rule(network.use_vouchers(&contact("E1"), day(6, 10), request), "voucher.mixed_schemes");
}

#[test]
fn redemption_rejections_name_their_rule() {
    let mut network = network();
    granted(&mut network, "SQ1", "E1", "2万", day(3, 1));
    let bk1 = book(&mut network, "E1", "A-1", "1000", day(3, 10));
    network.use_vouchers(&contact("E1"), day(3, 10), use_request(bk1, "E1", &[("XJCXQ2018-00001", "1000")])).unwrap();
    complete(&mut network, bk1, None, day(3, 11));

    let denied = network.request_redemption(&admin("B"), day(3, 12), redemption(bk1, "INV1", "1000"));
    assert_eq!(denied.unwrap_err().code(), "permission_denied");
    let by_office = network.request_redemption(&office(), day(3, 12), redemption(bk1, "INV1", "1000"));
    assert_eq!(by_office.unwrap_err().code(), "permission_denied");
    assert_rule(network.request_redemption(&admin("A"), day(3, 12), redemption(bk1, "INV1", "999")), "voucher.invoice_amount");
    let bad_number = network.request_redemption(&admin("A"), day(3, 12), redemption(bk1, "INV 1", "1000"));
    assert_eq!(bad_number.unwrap_err().field(), Some("invoice.number"));
    let audit_early = network.audit_redemption(&office(), day(3, 12), bk1, AuditDecision::Pay);
    assert_eq!(audit_early.unwrap_err().code(), "invalid_state");

    network.request_redemption(&admin("A"), day(3, 12), redemption(bk1, "INV1", "1000")).unwrap();
    let twice = network.request_redemption(&admin("A"), day(3, 12), redemption(bk1, "INV2", "1000"));
    assert_eq!(twice.unwrap_err().code(), "invalid_state");
    let by_unit = network.audit_redemption(&admin("A"), day(3, 13), bk1, AuditDecision::Pay);
    assert_eq!(by_unit.unwrap_err().code(), "permission_denied");
    network.audit_redemption(&office(), day(3, 13), bk1, AuditDecision::Pay).unwrap();
    let again = network.audit_redemption(&office(), day(3, 14), bk1, AuditDecision::Pay);
    assert_eq!(again.unwrap_err().code(), "invalid_state");
}

#[test]
fn rejection_and_cancellation_give_amounts_back() {
    let mut network = network();
    granted(&mut network, "SQ1", "E1", "1万", day(3, 1));
    let e1 = contact("E1");
    let bk1 = book(&mut network, "E1", "A-1", "3000", day(3, 10));
    let bk2 = book(&mut network, "E1", "A-1", "2000", day(3, 10));
    let bk3 = book(&mut network, "E1", "A-1", "1000", day(3, 10));
    network.use_vouchers(&e1, day(3, 10), use_request(bk1, "E1", &[("XJCXQ2018-00001", "3000")])).unwrap();
    network.use_vouchers(&e1, day(3, 10), use_request(bk2, "E1", &[("XJCXQ2018-00002", "2000")])).unwrap();
    network.use_vouchers(&e1, day(3, 10), use_request(bk3, "E1", &[("XJCXQ2018-00002", "1000")])).unwrap();
    complete(&mut network, bk2, None, day(3, 11));
    complete(&mut network, bk3, None, day(3, 11));

    network.cancel_voucher_use(&e1, day(3, 11), bk1, "预约取消").unwrap();
    assert_eq!(remaining(&network, "XJCXQ2018-00001"), "5000.00");

    network.request_redemption(&admin("A"), day(3, 12), redemption(bk2, "INV2", "2000")).unwrap();
    network.audit_redemption(&office(), day(3, 13), bk2, AuditDecision::Reject { reason: "非委托检测".into() }).unwrap();
    assert_eq!(remaining(&network, "XJCXQ2018-00002"), "4000.00");
    // The rejected invoice is free again for another service.
    assert!(network.vouchers().invoice_service("INV2").is_none());

    // After expiry a rejected amount goes back to the pool instead.
    network.request_redemption(&admin("A"), day(3, 12), redemption(bk3, "INV3", "1000")).unwrap();
    let new_year = Utc.with_ymd_and_hms(2018, 12, 31, 16, 0, 0).unwrap();
    network.expire_vouchers(&office(), new_year, scheme_id()).unwrap();
    network.audit_redemption(&office(), new_year, bk3, AuditDecision::Reject { reason: "逾期".into() }).unwrap();
    let v2 = network.vouchers().voucher(&voucher("XJCXQ2018-00002")).unwrap();
    assert_eq!(v2.expired, money("5000"));
    assert!(v2.used.is_zero());
    let pool = &network.vouchers().scheme(&scheme_id()).unwrap().pool;
    assert!(pool.totals.reserved.is_zero());
    assert_eq!(pool.totals.free().unwrap(), money("20万"));
    let last = pool.entries.last().unwrap();
    assert!(matches!(&last.kind, PoolEntryKind::Released { release: Release::ReturnedAfterExpiry { .. } }));
}

#[test]
fn unissued_grant_lapses_at_year_end() {
    let mut network = network();
    network.apply_for_vouchers(&contact("E1"), day(3, 1), request("SQ1", "E1", "1万")).unwrap();
    network.decide_voucher_applications(&office(), day(3, 2), scheme_id()).unwrap();
    let new_year = Utc.with_ymd_and_hms(2018, 12, 31, 16, 0, 0).unwrap();
    assert_rule(network.issue_vouchers(&office(), new_year, app_id("SQ1")), "voucher.validity_ended");
    network.expire_vouchers(&office(), new_year, scheme_id()).unwrap();
    assert_eq!(state(&network, "SQ1"), ApplicationState::Lapsed);
    assert_eq!(network.vouchers().scheme(&scheme_id()).unwrap().pool.totals.free().unwrap(), money("20万"));
}

#[test]
fn pool_rejects_overdraw_and_roles() {
    let mut network = network();
    assert_rule(network.withdraw_from_voucher_pool(&office(), day(2, 1), scheme_id(), money("200000.01"), "调剂"), "voucher.pool_insufficient");
    let by_unit = network.fund_voucher_pool(&admin("A"), day(2, 1), scheme_id(), 2018, money("1万"));
    assert_eq!(by_unit.unwrap_err().code(), "permission_denied");
    let zero = network.fund_voucher_pool(&office(), day(2, 1), scheme_id(), 2018, money("0"));
    assert_eq!(zero.unwrap_err().code(), "invalid_value");
    let unknown = network.fund_voucher_pool(&office(), day(2, 1), SchemeId::new("nope").unwrap(), 2018, money("1万"));
    assert_eq!(unknown.unwrap_err().code(), "not_found");
    let no_year = network.fund_voucher_pool(&office(), day(2, 1), scheme_id(), 2017, money("1万"));
    assert_eq!(no_year.unwrap_err().code(), "not_found");
}

#[test]
fn pool_funding_comes_from_the_voucher_line() {
    let mut network = network();
    // All 20万元 of the voucher category are already in the pool.
    let before = network.clone();
    let error = network.fund_voucher_pool(&office(), day(2, 1), scheme_id(), 2018, money("0.01")).unwrap_err();
    assert!(error.message(Lang::En).contains("less than the 0.01"), "{error}");
    assert_rule(Err::<(), Error>(error), "fund.insufficient_balance");
    assert_eq!(network, before);

    // Returning 5万 frees it in the category; funding it again earmarks it again.
    network.withdraw_from_voucher_pool(&office(), day(2, 1), scheme_id(), money("5万"), "调剂至运行补贴").unwrap();
    let holding = network.fund().fund_year(&office(), 2018).unwrap().pool_holding(&scheme_id()).unwrap();
    assert_eq!(holding.returned, money("5万"));
    assert_eq!(holding.held, money("15万"));
    let transfer = labshare::fund::BudgetTransfer {
        year: 2018,
        from: FundCategory::Vouchers,
        to: FundCategory::Subsidies,
        amount: money("50000.01"),
        reason: "调剂".into(),
    };
    assert_rule(network.transfer_fund_budget(&office(), day(2, 2), transfer), "fund.insufficient_balance");
    assert_rule(network.fund_voucher_pool(&office(), day(2, 2), scheme_id(), 2018, money("50000.01")), "fund.insufficient_balance");
    network.fund_voucher_pool(&office(), day(2, 2), scheme_id(), 2018, money("5万")).unwrap();
    assert_eq!(network.vouchers().scheme(&scheme_id()).unwrap().pool.totals.funded, money("25万"));

    // A second fund year cannot fund the same pool.
    network.open_fund_year(&office(), day(2, 3), 2019, money("100万"), fund_split()).unwrap();
    assert_rule(network.fund_voucher_pool(&office(), day(2, 3), scheme_id(), 2019, money("1万")), "voucher.pool_fund_year");
}

#[test]
fn closing_the_fund_year_keeps_pool_money() {
    let mut network = network();
    granted(&mut network, "SQ1", "E1", "5000", day(3, 1));
    let booking = book(&mut network, "E1", "A-1", "1000", day(3, 10));
    network.use_vouchers(&contact("E1"), day(3, 10), use_request(booking, "E1", &[("XJCXQ2018-00001", "1000")])).unwrap();
    complete(&mut network, booking, None, day(3, 11));
    network.request_redemption(&admin("A"), day(3, 12), redemption(booking, "INV1", "1000")).unwrap();
    network.close_fund_year(&office(), day(12, 20), 2018).unwrap();
    // The pool's 20万 stays in 2018; the redemption still posts there.
    network.audit_redemption(&office(), day(12, 21), booking, AuditDecision::Pay).unwrap();
    let year = network.fund().fund_year(&office(), 2018).unwrap();
    let report = year.report().unwrap();
    let line = report.categories.iter().find(|c| c.category == FundCategory::Vouchers).unwrap();
    assert!(line.carried_out.is_zero());
    assert_eq!(line.spent, money("1000"));
    assert_eq!(year.pool_holding(&scheme_id()).unwrap().held, money("199000"));
    // The next year carries in nothing of the voucher category.
    network.open_fund_year(&office(), day(12, 22), 2019, money("100万"), fund_split()).unwrap();
    let next = network.fund().report(&office(), 2019).unwrap();
    let line = next.categories.iter().find(|c| c.category == FundCategory::Vouchers).unwrap();
    assert!(line.carried_in.is_zero());
}

#[test]
fn scheme_publication_checks() {
    let mut network = network();
    let mut same = scheme();
    same.version = 1;
    assert_eq!(network.publish_voucher_scheme(&office(), day(2, 1), same).unwrap_err().code(), "invalid_value");
    let mut prefix = scheme();
    prefix.id = SchemeId::new("other").unwrap();
    assert_eq!(network.publish_voucher_scheme(&office(), day(2, 1), prefix).unwrap_err().field(), Some("number_prefix"));
    let mut zone = scheme();
    zone.id = SchemeId::new("zone").unwrap();
    zone.number_prefix = "Z".into();
    zone.time_zone = "Asia/Xinjiang".into();
    assert_eq!(network.publish_voucher_scheme(&office(), day(2, 1), zone).unwrap_err().field(), Some("time_zone"));
    let mut share = scheme();
    share.id = SchemeId::new("share").unwrap();
    share.number_prefix = "S".into();
    share.rules.share.percent = Decimal::from(101);
    assert_eq!(network.publish_voucher_scheme(&office(), day(2, 1), share).unwrap_err().field(), Some("rules.share.percent"));
    let mut standard = scheme();
    standard.id = SchemeId::new("std").unwrap();
    standard.number_prefix = "STD".into();
    standard.rules.size_standard = "sme-2031".into();
    assert_eq!(network.publish_voucher_scheme(&office(), day(2, 1), standard).unwrap_err().code(), "not_found");
}

#[test]
fn applicant_registration_checks() {
    let mut network = network();
    let copy = enterprise("E9", "industry", 10, "100万", "P9");
    let mut duplicate_code = copy.clone();
    if let (ApplicantProfile::Enterprise(target), ApplicantProfile::Enterprise(source)) = (
        &mut duplicate_code.profile,
        &network.enterprises().applicant(&EnterpriseId::new("E1").unwrap()).unwrap().profile,
    ) {
        target.credit_code = source.credit_code.clone();
    }
    assert_eq!(network.register_applicant(&office(), day(2, 1), duplicate_code).unwrap_err().field(), Some("credit_code"));
    let unknown_industry = enterprise("E9", "金融业", 10, "100万", "P9");
    assert_eq!(network.register_applicant(&office(), day(2, 1), unknown_industry).unwrap_err().field(), Some("industry"));
    let by_other = network.register_applicant(&contact("E8"), day(2, 1), copy.clone());
    assert_eq!(by_other.unwrap_err().code(), "permission_denied");
    network.register_applicant(&contact("E9"), day(2, 1), copy).unwrap();

    let mut repeated = team("T2", "P-T2", 1);
    if let ApplicantProfile::StartupTeam(team) = &mut repeated.profile {
        team.members.push(Party { id: PartyId::new("P-T2").unwrap(), name: "重复".into() });
    }
    assert_eq!(network.register_applicant(&office(), day(2, 1), repeated).unwrap_err().field(), Some("members"));
}

#[test]
fn classification_uses_the_scheme_standard() {
    let network = network();
    let e2 = EnterpriseId::new("E2").unwrap();
    let result = network.classify_applicant(&e2, &scheme_id(), day(3, 1)).unwrap();
    assert_eq!(result.class, SizeClass::Micro);
    assert_eq!(result.industry, "industry");
    let text = result.explanation.render(Lang::En);
    assert!(text.contains("staff 12 persons < 20 persons, missed"), "{text}");
    let team = network.classify_applicant(&EnterpriseId::new("T1").unwrap(), &scheme_id(), day(3, 1));
    assert_eq!(team.unwrap_err().code(), "invalid_value");
}

#[test]
fn slot_booking_fee_is_hours_times_rate() {
    let mut network = network();
    granted(&mut network, "SQ1", "E1", "5000", day(3, 1));
    let instrument = labshare::InstrumentId::new("A-1").unwrap();
    let mut policy = base_policy();
    policy.fees.push(labshare::booking::FeeRate {
        user_type: labshare::booking::UserType::VoucherHolder,
        basis: labshare::booking::FeeBasis::Hour,
        test_item: None,
        rate: money("300"),
    });
    network.set_booking_policy(&office(), day(3, 1), instrument.clone(), policy_start(), policy).unwrap();
    // Monday 12 March 2018, 08:30–11:00 Beijing time: 2.5 hours.
    let start = Utc.with_ymd_and_hms(2018, 3, 12, 0, 30, 0).unwrap();
    let end = Utc.with_ymd_and_hms(2018, 3, 12, 3, 0, 0).unwrap();
    let request = labshare::booking::SlotRequest {
        instrument,
        start,
        end,
        people: 1,
        purpose: "新材料表征".into(),
        voucher: Some("XJCXQ2018-00001".into()),
    };
    let booking = network.request_booking(&contact("E1"), day(3, 10), request).unwrap().bookings[0];
    network.confirm_booking(&office(), day(3, 10), booking).unwrap();

    // 2.5 hours × 300 = 750, below 1万元, so vouchers may pay all of it.
    let too_much = use_request(booking, "E1", &[("XJCXQ2018-00001", "750.01")]);
    assert_rule(network.use_vouchers(&contact("E1"), day(3, 10), too_much), "voucher.share_limit");
    network.use_vouchers(&contact("E1"), day(3, 10), use_request(booking, "E1", &[("XJCXQ2018-00001", "750")])).unwrap();
    let used = network.vouchers().service_use(booking).unwrap();
    assert_eq!(used.fee, money("750"));
    assert_eq!(used.service_date, date(3, 12));

    network.check_in(&contact("E1"), start, booking).unwrap();
    let completion = labshare::booking::Completion {
        actual_hours: Decimal::new(25, 1),
        samples: 0,
        mode: labshare::booking::ServiceMode::UserOperated,
        amount: None,
    };
    network.complete_booking(&office(), end, booking, completion).unwrap();
    network.request_redemption(&admin("A"), day(3, 13), redemption(booking, "INV1", "750")).unwrap();
    assert_eq!(network.vouchers().service_use(booking).unwrap().total, money("750"));
}

//! Booking lifecycle, access and search tests with hand-checked values.

#[path = "booking_fixtures/mod.rs"]
mod common;

use std::sync::{Arc, Barrier, Mutex};

use chrono::{Duration, NaiveDate, TimeZone, Utc};
use common::*;
use labshare::booking::{
    AvailabilityQuery, Blackout, BlackoutKind, BlackoutTime, BookingPolicy, BookingState, ClockTime, Completion,
    DailySpan, FeeBasis, FeeRate, Frequency, Quota, QuotaLimit, QuotaPeriod, QuotaScope, Recurrence, SampleRequest,
    ServiceMode, UserType, WaitlistState, WeekdayName,
};
use labshare::registry::SharingMode;
use labshare::{Error, InstrumentId, Money, Network};
use rust_decimal::Decimal;

fn rule_of(error: &Error) -> &str {
    match error {
        Error::RuleViolation { rule, .. } => rule,
        _ => panic!("expected a rule violation, got {error}"),
    }
}

fn now() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 10, 1, 0, 0, 0).unwrap()
}

#[test]
fn two_threads_same_slot_one_accepted() {
    for round in 0..20 {
        let network = Arc::new(Mutex::new(network_with(BookingPolicy::default())));
        let barrier = Arc::new(Barrier::new(2));
        let handles: Vec<_> = ["alice", "bob"]
            .into_iter()
            .map(|user| {
                let network = Arc::clone(&network);
                let barrier = Arc::clone(&barrier);
                std::thread::spawn(move || {
                    let request = slot(bj(2025, 10, 9, 10, 0), bj(2025, 10, 9, 11, 0));
                    barrier.wait();
                    let mut network = network.lock().unwrap();
                    network.request_booking(&member(user), now(), request)
                })
            })
            .collect();
        let results: Vec<_> = handles.into_iter().map(|h| h.join().unwrap()).collect();
        let accepted = results.iter().filter(|r| r.is_ok()).count();
        assert_eq!(accepted, 1, "round {round}: exactly one request is accepted");
        let rejected = results.iter().find_map(|r| r.as_ref().err()).unwrap();
        assert_eq!(rule_of(rejected), "booking.conflict");
        assert_eq!(network.lock().unwrap().booking().booking_count(), 1);
    }
}

#[test]
fn failed_request_changes_nothing() {
    let mut network = network_with(auto_confirm());
    network.request_booking(&member("alice"), now(), slot(bj(2025, 10, 9, 10, 0), bj(2025, 10, 9, 11, 0))).unwrap();
    let before = network.clone();
    let error = network
        .request_booking(&member("bob"), now(), slot(bj(2025, 10, 9, 10, 30), bj(2025, 10, 9, 11, 30)))
        .unwrap_err();
    assert_eq!(rule_of(&error), "booking.conflict");
    assert_eq!(network, before);
}

#[test]
fn slot_lifecycle_writes_service_record() {
    let policy = BookingPolicy {
        fees: vec![FeeRate { user_type: UserType::NetworkMember, basis: FeeBasis::Hour, test_item: None, rate: Money::parse("200").unwrap() }],
        ..BookingPolicy::default()
    };
    let mut network = network_with(policy);
    let receipt = network.request_booking(&member("alice"), now(), slot(bj(2025, 10, 9, 9, 0), bj(2025, 10, 9, 12, 0))).unwrap();
    let id = receipt.bookings[0];
    network.confirm_booking(&owner(), now(), id).unwrap();
    network.check_in(&member("alice"), bj(2025, 10, 9, 8, 45), id).unwrap();

    let quote = network.booking().quote_slot(&xrd(), UserType::NetworkMember, bj(2025, 10, 9, 9, 0), bj(2025, 10, 9, 12, 0)).unwrap();
    assert_eq!(quote.amount, Money::parse("600").unwrap());

    let completion = Completion { actual_hours: Decimal::new(25, 1), samples: 4, mode: ServiceMode::UserOperated, amount: None };
    network.complete_booking(&owner(), bj(2025, 10, 9, 11, 30), id, completion).unwrap();

    let view = network.booking().booking(id, bj(2025, 10, 9, 12, 0), None).unwrap();
    assert_eq!(view.state, BookingState::Completed);
    let records = network.booking().service_records();
    assert_eq!(records.len(), 1);
    let record = &records[0];
    assert_eq!(record.amount, Money::parse("500").unwrap(), "2.5 h × 200 元");
    assert_eq!(record.hours, Decimal::new(25, 1));
    assert_eq!(record.samples, 4);
    assert_eq!(record.date, NaiveDate::from_ymd_opt(2025, 10, 9).unwrap());
    assert_eq!(record.client_unit.as_ref().map(|u| u.as_str()), Some(OTHER_UNIT));
    assert!(record.external);
    assert_eq!(record.mode, ServiceMode::UserOperated);

    // Completing at 11:30 frees 11:30-12:00 for a walk-in.
    let walk_in = BookingPolicy { create_notice: Default::default(), ..network.booking().policies(&xrd()).unwrap()[0].policy.clone() };
    let at = bj(2025, 10, 9, 11, 30);
    network.set_booking_policy(&owner(), at, xrd(), bj(2025, 10, 9, 11, 0), walk_in).unwrap();
    network.request_booking(&member("bob"), at, slot(at, bj(2025, 10, 9, 12, 0))).unwrap();

    let totals = network.booking().service_totals(&xrd(), 2025).unwrap();
    assert_eq!(totals.records, 1);
    assert_eq!(totals.external_amount, Money::parse("500").unwrap());
}

#[test]
fn sample_request_confirm_complete() {
    let policy = BookingPolicy {
        fees: vec![
            FeeRate { user_type: UserType::External, basis: FeeBasis::Sample, test_item: None, rate: Money::parse("150").unwrap() },
            FeeRate {
                user_type: UserType::External,
                basis: FeeBasis::Sample,
                test_item: Some("X射线衍射物相分析".to_owned()),
                rate: Money::parse("120").unwrap(),
            },
        ],
        ..BookingPolicy::default()
    };
    let mut network = network_with(policy);
    let request = SampleRequest {
        instrument: xrd(),
        test_item: "X射线衍射物相分析".to_owned(),
        samples: 6,
        purpose: "矿物物相".to_owned(),
        voucher: None,
    };
    let id = network.request_samples(&outsider("dave"), now(), request.clone()).unwrap().bookings[0];
    let unknown = SampleRequest { test_item: "拉曼光谱".to_owned(), ..request };
    assert_eq!(network.request_samples(&outsider("dave"), now(), unknown).unwrap_err().code(), "invalid_value");

    assert_eq!(network.check_in(&outsider("dave"), now(), id).unwrap_err().code(), "invalid_state");
    network.confirm_booking(&owner(), now(), id).unwrap();
    let completion = Completion { actual_hours: Decimal::ONE, samples: 6, mode: ServiceMode::StaffRun, amount: None };
    network.complete_booking(&owner(), now() + Duration::days(2), id, completion).unwrap();
    let record = &network.booking().service_records()[0];
    assert_eq!(record.amount, Money::parse("720").unwrap(), "6 × 120 元, the item rate");
    assert_eq!(record.content, "X射线衍射物相分析");
    assert_eq!(record.user_type, UserType::External);
    assert_eq!(record.client_unit, None);
}

#[test]
fn no_show_releases_slot_and_sweep_records_it() {
    let mut network = network_with(auto_confirm());
    let id = network.request_booking(&member("alice"), now(), slot(bj(2025, 10, 9, 9, 0), bj(2025, 10, 9, 12, 0))).unwrap().bookings[0];
    let grace_end = bj(2025, 10, 9, 9, 15);
    assert_eq!(network.booking().booking(id, grace_end - Duration::minutes(1), None).unwrap().state, BookingState::Confirmed);
    assert_eq!(network.booking().booking(id, grace_end, None).unwrap().state, BookingState::NoShow);
    assert_eq!(network.check_in(&member("alice"), grace_end, id).unwrap_err().code(), "invalid_state");

    let policy_now = bj(2025, 10, 9, 9, 20);
    let walk_in = BookingPolicy { auto_confirm: true, create_notice: Default::default(), ..BookingPolicy::default() };
    network.set_booking_policy(&owner(), policy_now, xrd(), bj(2025, 10, 9, 0, 0), walk_in).unwrap();
    network.request_booking(&member("bob"), policy_now, slot(bj(2025, 10, 9, 10, 0), bj(2025, 10, 9, 11, 0))).unwrap();

    network.sweep_bookings(&office(), policy_now, None).unwrap();
    let replayed_state = network.booking().booking(id, policy_now, None).unwrap().state;
    assert_eq!(replayed_state, BookingState::NoShow);
}

#[test]
fn cancel_cutoff_and_owner_reason() {
    let mut network = network_with(auto_confirm());
    let id = network.request_booking(&member("alice"), now(), slot(bj(2025, 10, 9, 10, 0), bj(2025, 10, 9, 11, 0))).unwrap().bookings[0];
    let late = bj(2025, 10, 8, 11, 0);
    let error = network.cancel_booking(&member("alice"), late, id, None).unwrap_err();
    assert_eq!(rule_of(&error), "booking.cancel_cutoff", "23 hours before the start is inside the 24-hour cutoff");
    assert_eq!(network.cancel_booking(&owner(), late, id, None).unwrap_err().code(), "missing");
    network.cancel_booking(&owner(), late, id, Some("仪器故障")).unwrap();
    let view = network.booking().booking(id, late, None).unwrap();
    assert_eq!(view.state, BookingState::Cancelled);
    assert_eq!(view.reason.as_deref(), Some("仪器故障"));
}

#[test]
fn only_owner_answers_requests() {
    let mut network = network_with(BookingPolicy::default());
    let id = network.request_booking(&member("alice"), now(), slot(bj(2025, 10, 9, 10, 0), bj(2025, 10, 9, 11, 0))).unwrap().bookings[0];
    let other_admin = labshare::Actor::unit_admin("bio-admin", labshare::UnitId::new(OTHER_UNIT).unwrap());
    assert_eq!(network.confirm_booking(&other_admin, now(), id).unwrap_err().code(), "permission_denied");
    assert_eq!(network.confirm_booking(&member("alice"), now(), id).unwrap_err().code(), "permission_denied");
    let policy_change = network.set_booking_policy(&member("alice"), now(), xrd(), now(), BookingPolicy::default());
    assert_eq!(policy_change.unwrap_err().code(), "permission_denied");
    assert_eq!(network.reject_booking(&owner(), now(), id, " ").unwrap_err().code(), "missing");
    network.reject_booking(&owner(), now(), id, "样品不适合本仪器").unwrap();
    assert_eq!(network.booking().booking(id, now(), None).unwrap().state, BookingState::Rejected);
}

#[test]
fn internal_instrument_rejects_outside_users() {
    let mut network = network_with(auto_confirm());
    add_instrument(&mut network, "XJ-AT-NMR-01", SharingMode::Internal, auto_confirm(), &[]);
    let nmr = InstrumentId::new("XJ-AT-NMR-01").unwrap();
    let request = labshare::booking::SlotRequest { instrument: nmr, ..slot(bj(2025, 10, 9, 10, 0), bj(2025, 10, 9, 11, 0)) };
    let error = network.request_booking(&member("alice"), now(), request.clone()).unwrap_err();
    assert_eq!(rule_of(&error), "booking.sharing_mode");
    let receipt = network.request_booking(&internal("carol"), now(), request).unwrap();
    let view = network.booking().booking(receipt.bookings[0], now(), None).unwrap();
    assert_eq!(view.user_type, UserType::Internal);
}

#[test]
fn sharing_change_applies_once_published() {
    let mut network = network_with(auto_confirm());
    add_instrument(&mut network, "XJ-AT-NMR-01", SharingMode::Internal, auto_confirm(), &[]);
    let nmr = InstrumentId::new("XJ-AT-NMR-01").unwrap();
    let request = |hour: u32| labshare::booking::SlotRequest { instrument: nmr.clone(), ..slot(bj(2025, 10, 9, hour, 0), bj(2025, 10, 9, hour + 1, 0)) };

    let opened = record("X射线衍射仪", SharingMode::External);
    network.revise_instrument(&owner(), now(), nmr.clone(), opened).unwrap();
    let error = network.request_booking(&member("alice"), now(), request(10)).unwrap_err();
    assert_eq!(rule_of(&error), "booking.sharing_mode", "the revision waits for review");

    network.publish_instrument(&office(), now(), nmr.clone()).unwrap();
    let receipt = network.request_booking(&member("alice"), now(), request(10)).unwrap();
    let view = network.booking().booking(receipt.bookings[0], now(), None).unwrap();
    assert_eq!(view.user_type, UserType::NetworkMember);

    // A registry read back from JSON gives the same check results.
    let text = serde_json::to_string(&network).unwrap();
    let mut restored: Network = serde_json::from_str(&text).unwrap();
    let from_json = restored.request_booking(&outsider("dave"), now(), request(14)).map(|r| r.event);
    let replayed = network.request_booking(&outsider("dave"), now(), request(14)).map(|r| r.event);
    assert_eq!(from_json.unwrap(), replayed.unwrap());
}

#[test]
fn unregistered_owner_unit_fails_load() {
    let network = network_with(auto_confirm());
    let text = serde_json::to_string(&network).unwrap();
    let edited = text.replacen(r#""unit":"XJ-AT""#, r#""unit":"XJ-NONE""#, 1);
    assert_ne!(edited, text, "the instrument's unit is in the JSON");
    let message = serde_json::from_str::<Network>(&edited).unwrap_err().to_string();
    assert!(message.contains("names unit XJ-NONE, which is not registered"), "{message}");
}

/// Builds a network with two completed bookings: B1's amount computed from
/// the fee standard, B2's given by the owner.
fn network_with_completions() -> Network {
    let policy = BookingPolicy {
        fees: vec![FeeRate { user_type: UserType::NetworkMember, basis: FeeBasis::Hour, test_item: None, rate: Money::parse("200").unwrap() }],
        ..auto_confirm()
    };
    let mut network = network_with(policy);
    let owner_amounts = [None, Some(Money::parse("150.50").unwrap())];
    for (day, amount) in (9..).zip(owner_amounts) {
        let id = network.request_booking(&member("alice"), now(), slot(bj(2025, 10, day, 9, 0), bj(2025, 10, day, 12, 0))).unwrap().bookings[0];
        network.check_in(&member("alice"), bj(2025, 10, day, 8, 45), id).unwrap();
        let completion = Completion { actual_hours: Decimal::new(25, 1), samples: 3, mode: ServiceMode::Guided, amount };
        network.complete_booking(&owner(), bj(2025, 10, day, 12, 0), id, completion).unwrap();
    }
    network
}

#[test]
fn completions_survive_json_round_trip() {
    let network = network_with_completions();
    let text = serde_json::to_string(&network).unwrap();
    let loaded: Network = serde_json::from_str(&text).unwrap();
    assert_eq!(loaded, network);
    assert_eq!(serde_json::to_string(&loaded).unwrap(), text);

    let value: serde_json::Value = serde_json::from_str(&text).unwrap();
    let computed = &value["booking"]["bookings"][0]["details"]["completion"];
    assert_eq!(computed, &serde_json::json!({"actual_hours": "2.5", "samples": 3, "mode": "guided"}));
    let given = &value["booking"]["bookings"][1]["details"]["completion"];
    assert_eq!(given, &serde_json::json!({"actual_hours": "2.5", "samples": 3, "mode": "guided", "amount": "150.50"}));

    for (id, amount) in [(1, None), (2, Some(Money::parse("150.50").unwrap()))] {
        let view = loaded.booking().booking(labshare::booking::BookingId(id), now(), None).unwrap();
        let completion = view.completion.expect("completion");
        assert_eq!(completion.actual_hours, Decimal::new(25, 1));
        assert_eq!(completion.amount, amount, "B{id}");
    }
    let charged: Vec<Money> = loaded.booking().service_records().iter().map(|record| record.amount).collect();
    assert_eq!(charged, [Money::parse("500.00").unwrap(), Money::parse("150.50").unwrap()], "2.5 h × 200 元, then the given amount");
}

#[test]
fn unpaired_completion_fails_load() {
    let text = serde_json::to_string(&network_with_completions()).unwrap();
    let value: serde_json::Value = serde_json::from_str(&text).unwrap();
    type Edit = fn(&mut serde_json::Value);
    let cases: [(&str, Edit, &str); 8] = [
        (
            "changed hours",
            |v| v["booking"]["bookings"][0]["details"]["completion"]["actual_hours"] = "3".into(),
            "the completion of booking B1 differs from its service record",
        ),
        (
            "hours with another scale",
            |v| v["booking"]["bookings"][1]["details"]["completion"]["actual_hours"] = "2.50".into(),
            "the completion of booking B2 differs from its service record",
        ),
        (
            "changed given amount",
            |v| v["booking"]["bookings"][1]["details"]["completion"]["amount"] = "150.51".into(),
            "the completion of booking B2 differs from its service record",
        ),
        (
            "changed samples",
            |v| v["booking"]["bookings"][0]["details"]["completion"]["samples"] = 4.into(),
            "the completion of booking B1 differs from its service record",
        ),
        (
            "changed mode",
            |v| v["booking"]["bookings"][1]["details"]["completion"]["mode"] = "staff_run".into(),
            "the completion of booking B2 differs from its service record",
        ),
        (
            "record removed",
            |v| {
                v["booking"]["service_records"].as_array_mut().unwrap().remove(1);
            },
            "booking B2 has a completion but no service record",
        ),
        (
            "record repeated",
            |v| {
                let records = v["booking"]["service_records"].as_array_mut().unwrap();
                records.push(records[0].clone());
            },
            "booking B1 has two service records",
        ),
        (
            "completion removed",
            |v| v["booking"]["bookings"][1]["details"]["completion"] = serde_json::Value::Null,
            "booking B2 has a service record but no completion",
        ),
    ];
    for (label, edit, expected) in cases {
        let mut edited = value.clone();
        edit(&mut edited);
        let message = serde_json::from_value::<Network>(edited).unwrap_err().to_string();
        assert!(message.contains(expected), "{label}: {message}");
    }

    let mut orphan = value;
    orphan["booking"]["bookings"][1]["details"]["completion"] = serde_json::Value::Null;
    orphan["booking"]["service_records"][1]["booking"] = 9.into();
    let message = serde_json::from_value::<Network>(orphan).unwrap_err().to_string();
    assert!(message.contains("a service record names booking B9, which is not in the file"), "{message}");
}

#[test]
fn owner_amount_equal_to_fee_loads() {
    // The fee standard gives 500.00 for B1, so a file that states that
    // amount as the owner's loads, and the completion then shows it.
    let text = serde_json::to_string(&network_with_completions()).unwrap();
    let mut value: serde_json::Value = serde_json::from_str(&text).unwrap();
    value["booking"]["bookings"][0]["details"]["completion"]["amount"] = "500.00".into();
    let loaded = serde_json::from_value::<Network>(value).unwrap();
    let view = loaded.booking().booking(labshare::booking::BookingId(1), now(), None).unwrap();
    assert_eq!(view.completion.and_then(|c| c.amount), Some(Money::parse("500.00").unwrap()));
}

#[test]
fn training_record_required() {
    let policy = BookingPolicy { qualification_required: true, ..auto_confirm() };
    let mut network = network_with(policy);
    let request = slot(bj(2025, 10, 9, 10, 0), bj(2025, 10, 9, 11, 0));
    let error = network.request_booking(&member("alice"), now(), request.clone()).unwrap_err();
    assert_eq!(rule_of(&error), "booking.qualification");
    let until = NaiveDate::from_ymd_opt(2025, 10, 8);
    network.grant_training(&owner(), now(), xrd(), "alice", until).unwrap();
    let error = network.request_booking(&member("alice"), now(), request.clone()).unwrap_err();
    assert_eq!(rule_of(&error), "booking.qualification", "the record ends the day before");
    network.grant_training(&owner(), now(), xrd(), "alice", None).unwrap();
    network.request_booking(&member("alice"), now(), request).unwrap();
}

#[test]
fn revoked_training_blocks_until_granted_again() {
    let policy = BookingPolicy { qualification_required: true, ..auto_confirm() };
    let mut network = network_with(policy);
    let request = slot(bj(2025, 10, 9, 10, 0), bj(2025, 10, 9, 11, 0));
    network.grant_training(&owner(), now(), xrd(), "alice", None).unwrap();
    network.revoke_training(&owner(), now(), xrd(), "alice").unwrap();
    let error = network.request_booking(&member("alice"), now(), request.clone()).unwrap_err();
    assert_eq!(rule_of(&error), "booking.qualification");
    let error = network.revoke_training(&owner(), now(), xrd(), "alice").unwrap_err();
    assert_eq!(error.code(), "not_found");

    network.grant_training(&owner(), now(), xrd(), "alice", None).unwrap();
    network.grant_training(&owner(), now(), xrd(), "bob", None).unwrap();
    network.revoke_training(&owner(), now(), xrd(), "bob").unwrap();
    // A loaded network rebuilds its training index from the stored records.
    let loaded: labshare::Network = serde_json::from_str(&serde_json::to_string(&network).unwrap()).unwrap();
    for mut network in [network, loaded] {
        let error = network.request_booking(&member("bob"), now(), request.clone()).unwrap_err();
        assert_eq!(rule_of(&error), "booking.qualification");
        network.request_booking(&member("alice"), now(), request.clone()).unwrap();
    }
}

#[test]
fn recurring_blackout_blocks_its_dates_only() {
    let mut network = network_with(auto_confirm());
    let blackout = Blackout {
        id: "weekly-pm".to_owned(),
        kind: BlackoutKind::Maintenance,
        reason: "每周一上午例行维护".to_owned(),
        when: BlackoutTime::Recurring {
            first_date: NaiveDate::from_ymd_opt(2025, 10, 13).unwrap(),
            span: DailySpan::parse("08:30", "10:00").unwrap(),
            recurrence: Recurrence {
                frequency: Frequency::Weekly,
                interval: 1,
                weekdays: vec![WeekdayName::Mon],
                count: None,
                until: None,
            },
        },
    };
    network.add_blackout(&owner(), now(), xrd(), blackout).unwrap();
    let monday = network.request_booking(&member("alice"), now(), slot(bj(2025, 10, 20, 9, 30), bj(2025, 10, 20, 10, 30)));
    assert_eq!(rule_of(&monday.unwrap_err()), "booking.blackout");
    network.request_booking(&member("alice"), now(), slot(bj(2025, 10, 20, 10, 0), bj(2025, 10, 20, 11, 0))).unwrap();
    network.request_booking(&member("alice"), now(), slot(bj(2025, 10, 21, 8, 30), bj(2025, 10, 21, 9, 30))).unwrap();
    network.request_booking(&member("alice"), now(), slot(bj(2025, 10, 6, 8, 30), bj(2025, 10, 6, 9, 30))).unwrap_err();
}

#[test]
fn holiday_closed_and_make_up_day_open() {
    let mut network = network_with(auto_confirm());
    let holiday = network.request_booking(&member("alice"), now(), slot(bj(2025, 10, 2, 10, 0), bj(2025, 10, 2, 11, 0)));
    let error = holiday.unwrap_err();
    assert_eq!(rule_of(&error), "booking.closed");
    assert!(error.message(labshare::Lang::Zh).contains("国庆节"), "{}", error.message(labshare::Lang::Zh));
    // Saturday 2025-10-11 is a make-up working day with Monday's hours.
    let early = Utc.with_ymd_and_hms(2025, 9, 20, 0, 0, 0).unwrap();
    network.request_booking(&member("alice"), early, slot(bj(2025, 10, 11, 10, 0), bj(2025, 10, 11, 11, 0))).unwrap();
}

#[test]
fn unit_quota_counts_colleagues() {
    let policy = BookingPolicy {
        quotas: vec![Quota { scope: QuotaScope::Unit, period: QuotaPeriod::Day, limit: QuotaLimit::Hours(Decimal::from(3)) }],
        ..BookingPolicy::default()
    };
    let mut network = network_with(policy);
    network.request_booking(&member("alice"), now(), slot(bj(2025, 10, 9, 8, 30), bj(2025, 10, 9, 10, 30))).unwrap();
    let error = network
        .request_booking(&member("bob"), now(), slot(bj(2025, 10, 9, 14, 0), bj(2025, 10, 9, 15, 30)))
        .unwrap_err();
    assert_eq!(rule_of(&error), "booking.quota", "2 h + 1.5 h exceeds the unit's 3 h a day");
    network.request_booking(&member("bob"), now(), slot(bj(2025, 10, 9, 14, 0), bj(2025, 10, 9, 15, 0))).unwrap();
    network.request_booking(&outsider("dave"), now(), slot(bj(2025, 10, 9, 15, 0), bj(2025, 10, 9, 18, 0))).unwrap();
}

#[test]
fn pending_request_without_hold_conflicts_on_confirm() {
    let policy = BookingPolicy { pending_holds_slot: false, ..BookingPolicy::default() };
    let mut network = network_with(policy);
    let request = slot(bj(2025, 10, 9, 10, 0), bj(2025, 10, 9, 11, 0));
    let first = network.request_booking(&member("alice"), now(), request.clone()).unwrap().bookings[0];
    let second = network.request_booking(&member("bob"), now(), request).unwrap().bookings[0];
    network.confirm_booking(&owner(), now(), second).unwrap();
    let error = network.confirm_booking(&owner(), now(), first).unwrap_err();
    assert_eq!(rule_of(&error), "booking.conflict");
}

#[test]
fn lapsed_offer_moves_to_next_entry() {
    let mut network = network_with(auto_confirm());
    let booked = network.request_booking(&member("alice"), now(), slot(bj(2025, 10, 9, 10, 0), bj(2025, 10, 9, 11, 0))).unwrap().bookings[0];
    let request = slot(bj(2025, 10, 9, 10, 0), bj(2025, 10, 9, 11, 0));
    let first = network.join_waitlist(&member("bob"), now(), request.clone()).unwrap().waitlist.unwrap();
    let second = network.join_waitlist(&outsider("dave"), now(), request.clone()).unwrap().waitlist.unwrap();
    assert_eq!(rule_of(&network.join_waitlist(&outsider("erin"), now(), slot(bj(2025, 10, 9, 14, 0), bj(2025, 10, 9, 15, 0))).unwrap_err()), "booking.slot_free");

    let offer = network.cancel_booking(&member("alice"), now(), booked, None).unwrap().bookings[0];
    assert_eq!(network.booking().waitlist_entry(first).unwrap().state, WaitlistState::Offered);
    let deadline = now() + Duration::minutes(120);
    assert_eq!(network.booking().booking(offer, now(), None).unwrap().due, Some(deadline));

    let next = network.sweep_bookings(&office(), deadline, None).unwrap().bookings;
    assert_eq!(network.booking().booking(offer, deadline, None).unwrap().state, BookingState::Lapsed);
    assert_eq!(network.booking().waitlist_entry(first).unwrap().state, WaitlistState::Lapsed);
    assert_eq!(next.len(), 1);
    let view = network.booking().booking(next[0], deadline, None).unwrap();
    assert_eq!(view.requester, "dave");
    network.decline_offer(&outsider("dave"), deadline, next[0]).unwrap();
    assert_eq!(network.booking().waitlist_entry(second).unwrap().state, WaitlistState::Withdrawn);
}

#[test]
fn availability_by_test_item_lists_each_instrument() {
    let mut network = network_with(auto_confirm());
    add_instrument(&mut network, "XJ-AT-XRD-02", SharingMode::External, auto_confirm(), &["X射线衍射物相分析"]);
    add_instrument(&mut network, "XJ-AT-SEM-01", SharingMode::External, auto_confirm(), &["扫描电镜形貌观察"]);
    network.request_booking(&member("alice"), now(), slot(bj(2025, 10, 9, 8, 30), bj(2025, 10, 9, 12, 0))).unwrap();

    let query = AvailabilityQuery { from: bj(2025, 10, 9, 0, 0), to: bj(2025, 10, 10, 0, 0), min_minutes: 60, viewer_zone: None };
    let found = network.booking().availability_for_test_item("X射线衍射物相分析", &query, now()).unwrap();
    let ids: Vec<&str> = found.iter().map(|f| f.instrument.as_str()).collect();
    assert_eq!(ids, ["XJ-AT-XRD-01", "XJ-AT-XRD-02"]);
    let first: Vec<_> = found[0].slots.iter().map(|s| (s.start, s.end)).collect();
    assert_eq!(first, [(bj(2025, 10, 9, 14, 0), bj(2025, 10, 9, 18, 0))]);
    let second: Vec<_> = found[1].slots.iter().map(|s| (s.start, s.end)).collect();
    assert_eq!(second, [(bj(2025, 10, 9, 8, 30), bj(2025, 10, 9, 12, 0)), (bj(2025, 10, 9, 14, 0), bj(2025, 10, 9, 18, 0))]);
}

#[test]
fn availability_leaves_room_for_buffers() {
    let policy = BookingPolicy {
        buffer_before_minutes: 15,
        buffer_after_minutes: 30,
        slot_minutes: 15,
        min_duration_minutes: 15,
        ..auto_confirm()
    };
    let mut network = network_with(policy);
    network.request_booking(&member("alice"), now(), slot(bj(2025, 10, 9, 10, 0), bj(2025, 10, 9, 11, 0))).unwrap();
    let query = AvailabilityQuery { from: bj(2025, 10, 9, 8, 30), to: bj(2025, 10, 9, 12, 0), min_minutes: 0, viewer_zone: None };
    let slots: Vec<_> = network.booking().availability(&xrd(), &query, now()).unwrap().iter().map(|s| (s.start, s.end)).collect();
    // Before: a new booking ending at t blocks until t + 30, which must not pass alice's 9:45.
    // After: alice blocks until 11:30; a new booking starting at t blocks from t - 15.
    assert_eq!(slots, [(bj(2025, 10, 9, 8, 30), bj(2025, 10, 9, 9, 15)), (bj(2025, 10, 9, 11, 45), bj(2025, 10, 9, 12, 0))]);
    for (start, end) in slots {
        let mut copy = network.clone();
        copy.request_booking(&member("bob"), now(), slot(start, end)).unwrap();
    }
}

#[test]
fn network_survives_json_round_trip() {
    let mut network = network_with(auto_confirm());
    network.request_booking(&member("alice"), now(), slot(bj(2025, 10, 9, 10, 0), bj(2025, 10, 9, 11, 0))).unwrap();
    let text = serde_json::to_string(&network).unwrap();
    let mut restored: Network = serde_json::from_str(&text).unwrap();
    assert_eq!(restored, network);
    let error = restored
        .request_booking(&member("bob"), now(), slot(bj(2025, 10, 9, 10, 0), bj(2025, 10, 9, 11, 0)))
        .unwrap_err();
    assert_eq!(rule_of(&error), "booking.conflict", "the rebuilt index still sees the booking");
}

#[test]
fn edit_series_moves_future_occurrences() {
    let mut network = network_with(auto_confirm());
    let request = labshare::booking::SeriesRequest {
        instrument: xrd(),
        first_start: bj(2025, 10, 13, 9, 0),
        duration_minutes: 60,
        recurrence: Recurrence { frequency: Frequency::WorkingDays, interval: 1, weekdays: vec![], count: Some(5), until: None },
        on_conflict: Default::default(),
        people: 1,
        purpose: String::new(),
        voucher: None,
    };
    let receipt = network.request_series(&member("alice"), now(), request).unwrap();
    assert_eq!(receipt.bookings.len(), 5);
    let series = receipt.series.unwrap();
    let edit = labshare::booking::SeriesEdit { start_time: ClockTime::parse("14:00").unwrap(), duration_minutes: 90 };
    let during = bj(2025, 10, 15, 12, 0);
    network.edit_series(&member("alice"), during, series, edit).unwrap();
    let starts: Vec<_> = receipt
        .bookings
        .iter()
        .map(|id| match network.booking().booking(*id, during, None).unwrap().kind {
            labshare::booking::BookingKind::Slot { start, .. } => start,
            _ => unreachable!(),
        })
        .collect();
    assert_eq!(
        starts,
        [bj(2025, 10, 13, 9, 0), bj(2025, 10, 14, 9, 0), bj(2025, 10, 15, 9, 0), bj(2025, 10, 16, 14, 0), bj(2025, 10, 17, 14, 0)]
    );
}

#[test]
fn extreme_instants_are_errors_not_panics() {
    let mut network = network_with(auto_confirm());
    let far = chrono::DateTime::<Utc>::MAX_UTC;
    let error = network.request_booking(&member("alice"), now(), slot(far - Duration::hours(1), far)).unwrap_err();
    assert_eq!(error.code(), "invalid_value");
    let error = network.request_booking(&member("alice"), far, slot(bj(2025, 10, 9, 10, 0), bj(2025, 10, 9, 11, 0))).unwrap_err();
    assert_eq!(error.field(), Some("now"));
    let query = AvailabilityQuery { from: chrono::DateTime::<Utc>::MIN_UTC, to: chrono::DateTime::<Utc>::MIN_UTC + Duration::days(1), min_minutes: 0, viewer_zone: None };
    assert_eq!(network.booking().availability(&xrd(), &query, now()).unwrap_err().code(), "invalid_value");
    let deadline = network.booking().calendar().working_day_deadline(far, 2, labshare::calendar::MissingYear::WeekdaysOnly);
    assert_eq!(deadline.unwrap_err().code(), "invalid_value");
}

#[test]
fn national_export_takes_completed_bookings() {
    use labshare::UnitId;
    use labshare::exchange::national::{self, NationalRules, ServiceSelection};

    let policy = BookingPolicy {
        fees: vec![FeeRate { user_type: UserType::NetworkMember, basis: FeeBasis::Hour, test_item: None, rate: Money::parse("200").unwrap() }],
        ..BookingPolicy::default()
    };
    let mut network = network_with(policy);
    let request = labshare::booking::SlotRequest { purpose: "XRD 物相分析".to_owned(), ..slot(bj(2025, 10, 9, 9, 0), bj(2025, 10, 9, 12, 0)) };
    let id = network.request_booking(&member("alice"), now(), request).unwrap().bookings[0];
    network.confirm_booking(&owner(), now(), id).unwrap();
    network.check_in(&member("alice"), bj(2025, 10, 9, 8, 45), id).unwrap();
    let completion = Completion { actual_hours: Decimal::from(3), samples: 0, mode: ServiceMode::Guided, amount: None };
    network.complete_booking(&owner(), bj(2025, 10, 9, 12, 0), id, completion.clone()).unwrap();

    let rules = NationalRules::default();
    let export = national::services_of_network(&network, &ServiceSelection::default(), &rules);
    assert!(export.violations.is_empty(), "{export:?}");
    assert!(export.notes.is_empty(), "{export:?}");
    assert_eq!(export.records.len(), 1);
    let row = &export.records[0];
    assert_eq!(row.instrument_id, xrd().to_string());
    assert_eq!(row.date, "2025-10-09");
    assert_eq!(row.amount_yuan, "600.00", "3 h × 200 元");
    assert_eq!(row.mode, "技术");
    assert_eq!(row.hours.as_deref(), Some("3"));
    assert_eq!(row.samples, None);
    assert_eq!(row.content, "XRD 物相分析");
    assert_eq!(row.user_unit, "新疆生物技术研究所");
    assert_eq!(row.submit_state, "正式");
    let csv = String::from_utf8(export.to_csv()).unwrap();
    assert!(!csv.contains("alice"), "the client's account is personal data: {csv}");

    // A unit that also imports the same service from its spreadsheet
    // exports it once, with a note on the booked copy.
    let booked = national::booked_service(&network, &network.booking().service_records()[0]);
    network.import_services(&owner(), bj(2025, 10, 10, 9, 0), UnitId::new(OWNER_UNIT).unwrap(), vec![booked]).unwrap();
    let export = national::services_of_network(&network, &ServiceSelection::default(), &rules);
    assert_eq!(export.records.len(), 1);
    assert_eq!(export.notes.len(), 1);
    assert!(export.notes[0].note.en.contains(&format!("booking {id}")), "{}", export.notes[0].note.en);

    // A booking with neither purpose nor test item has no service content,
    // which the national field set requires.
    let bare = network.request_booking(&member("bob"), now(), slot(bj(2025, 10, 10, 9, 0), bj(2025, 10, 10, 10, 0))).unwrap().bookings[0];
    network.confirm_booking(&owner(), now(), bare).unwrap();
    network.check_in(&member("bob"), bj(2025, 10, 10, 8, 50), bare).unwrap();
    network.complete_booking(&owner(), bj(2025, 10, 10, 10, 0), bare, completion).unwrap();
    let export = national::services_of_network(&network, &ServiceSelection::default(), &rules);
    assert_eq!(export.records.len(), 1);
    assert_eq!(export.notes.len(), 2);
    assert!(export.notes[1].note.en.contains(&format!("booking {bare} has no service content")), "{}", export.notes[1].note.en);

    let other_unit = ServiceSelection { unit: Some(UnitId::new(OTHER_UNIT).unwrap()), ..ServiceSelection::default() };
    let export = national::services_of_network(&network, &other_unit, &rules);
    assert!(export.records.is_empty(), "the provider is {OWNER_UNIT}: {export:?}");
    assert!(export.notes.is_empty(), "the provider is {OWNER_UNIT}: {export:?}");
}

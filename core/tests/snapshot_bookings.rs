//! Snapshots of a network with bookings: a snapshot taken at any event,
//! continued with the journal tail, gives the state of a full replay, and
//! the booking indexes rebuilt from the snapshot return the same results as
//! the replayed ones.

#[path = "booking_fixtures/mod.rs"]
mod common;

use chrono::{DateTime, Duration, Utc};
use common::*;
use labshare::booking::{BookingId, BookingPolicy, Completion, Quota, QuotaLimit, QuotaPeriod, QuotaScope, ServiceMode};
use labshare::journal::{ChainHead, append_jsonl, write_jsonl};
use labshare::registry::{SharingMode, Unit, UnitKind};
use labshare::snapshot::{replay_jsonl, resume, write_snapshot};
use labshare::{Actor, Event, Network, UnitId};
use proptest::prelude::*;
use rust_decimal::Decimal;

const SECOND: &str = "XJ-AT-SEM-02";

#[derive(Debug, Clone)]
enum Op {
    Request { user: u8, second: bool, day: u8, slot: u8, length: u8 },
    Confirm(u8),
    Reject(u8),
    Cancel(u8),
    CheckIn(u8),
    Complete(u8),
    Sweep,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        5 => (0..3u8, any::<bool>(), 0..5u8, 0..14u8, 1..4u8)
            .prop_map(|(user, second, day, slot, length)| Op::Request { user, second, day, slot, length }),
        3 => (0..40u8).prop_map(Op::Confirm),
        1 => (0..40u8).prop_map(Op::Reject),
        1 => (0..40u8).prop_map(Op::Cancel),
        2 => (0..40u8).prop_map(Op::CheckIn),
        2 => (0..40u8).prop_map(Op::Complete),
        1 => Just(Op::Sweep),
    ]
}

fn user(index: u8) -> Actor {
    match index {
        0 => member("alice"),
        1 => member("bob"),
        _ => internal("carol"),
    }
}

/// Returns the start of half-hour slot `slot` on weekday `day` in the week of Monday
/// 2025-10-13, Beijing time: from 08:30, skipping 12:00–14:00.
fn start_of(day: u8, slot: u8) -> DateTime<Utc> {
    let minutes = if slot < 7 { 8 * 60 + 30 + u32::from(slot) * 30 } else { 14 * 60 + u32::from(slot - 7) * 30 };
    bj(2025, 10, 13 + u32::from(day), minutes / 60, minutes % 60)
}

fn booking_id(network: &Network, index: u8) -> BookingId {
    let count = network.booking().booking_count().max(1) as u64;
    BookingId(u64::from(index) % count + 1)
}

/// Builds the two units and two instruments (one with a monthly quota and
/// auto-confirmation) from scratch, returning every event.
fn setup(network: &mut Network) -> Vec<Event> {
    let at = setup_time();
    let mut events = Vec::new();
    for id in [OWNER_UNIT, OTHER_UNIT] {
        let unit = Unit { id: UnitId::new(id).unwrap(), name: id.to_owned(), kind: UnitKind::Institute, region: "乌鲁木齐市".to_owned() };
        events.push(network.register_unit(&office(), at, unit).unwrap());
    }
    let quota = Quota { scope: QuotaScope::User, period: QuotaPeriod::Month, limit: QuotaLimit::Bookings(6) };
    let policies = [
        (XRD, BookingPolicy::default()),
        (SECOND, BookingPolicy { auto_confirm: true, quotas: vec![quota], ..BookingPolicy::default() }),
    ];
    for (id, policy) in policies {
        events.extend(add_instrument(network, id, policy));
    }
    events
}

/// Submits, publishes and gives a policy to instrument `id` of the owner
/// unit, returning the three events.
fn add_instrument(network: &mut Network, id: &str, policy: BookingPolicy) -> Vec<Event> {
    let at = setup_time();
    let instrument = labshare::InstrumentId::new(id).unwrap();
    let unit = UnitId::new(OWNER_UNIT).unwrap();
    vec![
        network.submit_instrument(&owner(), at, instrument.clone(), unit, record(id, SharingMode::External)).unwrap(),
        network.publish_instrument(&office(), at, instrument.clone()).unwrap(),
        network.set_booking_policy(&owner(), at, instrument, policies_from(), policy).unwrap(),
    ]
}

/// Returns the first booking start that the instruments' policies govern.
fn policies_from() -> DateTime<Utc> {
    bj(2025, 1, 1, 0, 0)
}

const PURPOSES: [&str; 3] = ["", "样品元素分析", "用于课题组新材料样品的晶体结构与物相组成分析"];

fn run(network: &mut Network, op: &Op, now: DateTime<Utc>) -> Option<Event> {
    let result = match *op {
        Op::Request { user: index, second, day, slot: first, length } => {
            let start = start_of(day, first);
            let mut request = slot(start, start + Duration::minutes(i64::from(length) * 30));
            // Purposes of up to 24 bytes are stored inline, longer ones on the heap.
            request.purpose = PURPOSES[usize::from(index % 3)].to_owned();
            if second {
                request.instrument = labshare::InstrumentId::new(SECOND).unwrap();
            }
            network.request_booking(&user(index), now, request)
        }
        Op::Confirm(index) => network.confirm_booking(&owner(), now, booking_id(network, index)),
        Op::Reject(index) => network.reject_booking(&owner(), now, booking_id(network, index), "仪器维护"),
        Op::Cancel(index) => network.cancel_booking(&owner(), now, booking_id(network, index), Some("仪器检修")),
        Op::CheckIn(index) => network.check_in(&owner(), now, booking_id(network, index)),
        Op::Complete(index) => {
            let completion = Completion { actual_hours: Decimal::ONE, samples: 1, mode: ServiceMode::Guided, amount: Some(labshare::Money::ZERO) };
            network.complete_booking(&owner(), now, booking_id(network, index), completion)
        }
        Op::Sweep => network.sweep_bookings(&office(), now, None),
    };
    result.ok().map(|receipt| receipt.event)
}

/// Writes the snapshot of the state after `cut` events and the journal tail after it.
fn snapshot_at(events: &[Event], cut: usize) -> (Vec<u8>, Vec<u8>) {
    let head_part = append_jsonl(&ChainHead::genesis(), &events[..cut]).unwrap();
    let state = Network::replay(&events[..cut]).unwrap();
    let snapshot = write_snapshot(&state, &head_part.head).unwrap();
    let tail = append_jsonl(&head_part.head, &events[cut..]).unwrap().bytes;
    (snapshot, tail)
}

/// The operations of the property test can confirm, check in, complete and
/// cancel bookings, so its random journals contain those events.
#[test]
fn fixed_operations_complete_a_booking() {
    let mut network = Network::new();
    let mut events = setup(&mut network);
    let steps = [
        (bj(2025, 10, 8, 9, 0), Op::Request { user: 0, second: false, day: 0, slot: 0, length: 2 }),
        (bj(2025, 10, 8, 10, 0), Op::Confirm(0)),
        (bj(2025, 10, 8, 11, 0), Op::Request { user: 1, second: true, day: 1, slot: 8, length: 2 }),
        (bj(2025, 10, 13, 8, 25), Op::CheckIn(0)),
        (bj(2025, 10, 13, 9, 30), Op::Complete(0)),
        (bj(2025, 10, 13, 10, 0), Op::Cancel(1)),
    ];
    for (now, op) in &steps {
        let event = run(&mut network, op, *now);
        assert!(event.is_some(), "{op:?} at {now} was rejected");
        events.extend(event);
    }
    assert_eq!(network.booking().booking_count(), 2);
    assert_eq!(network.booking().service_records().len(), 1);

    let (snapshot, tail) = snapshot_at(&events, 9);
    let resumed = resume(&snapshot, &tail).unwrap();
    assert_eq!(resumed.network, network);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn snapshot_plus_tail_equals_replay_with_bookings(
        steps in proptest::collection::vec((op(), 0..600i64), 1..60),
        cut_fraction in 0.0f64..=1.0,
    ) {
        let mut network = Network::new();
        let mut events = setup(&mut network);
        let mut now = bj(2025, 10, 8, 9, 0);
        for (op, minutes) in &steps {
            now += Duration::minutes(*minutes);
            events.extend(run(&mut network, op, now));
        }
        let full = replay_jsonl(&write_jsonl(&events).unwrap()).unwrap();
        prop_assert_eq!(&full.network, &network);

        let cut = (((events.len() as f64) * cut_fraction) as usize).min(events.len());
        let (snapshot, tail) = snapshot_at(&events, cut);
        let resumed = resume(&snapshot, &tail).unwrap();
        prop_assert_eq!(&resumed.network, &full.network);
        prop_assert_eq!(resumed.head, full.head);

        // The indexes are not part of the equality, so compare their query results.
        for instrument in [xrd(), labshare::InstrumentId::new(SECOND).unwrap()] {
            prop_assert_eq!(
                resumed.network.booking().indexed_bookings(&instrument),
                network.booking().indexed_bookings(&instrument)
            );
        }
        // A further request must meet the same conflicts and quotas in both states.
        let mut from_snapshot = resumed.network;
        let mut replayed = network;
        for (index, day, first) in [(0u8, 0u8, 0u8), (1, 2, 8), (0, 4, 3)] {
            let start = start_of(day, first);
            let later = now + Duration::minutes(1);
            for second in [false, true] {
                let mut request = slot(start, start + Duration::hours(1));
                if second {
                    request.instrument = labshare::InstrumentId::new(SECOND).unwrap();
                }
                let left = from_snapshot.request_booking(&user(index), later, request.clone()).map(|r| r.event);
                let right = replayed.request_booking(&user(index), later, request).map(|r| r.event);
                prop_assert_eq!(left, right);
            }
        }
    }
}

/// Replay reads a few events ahead of the one it applies. An event that the
/// rules reject must still stop replay with its own error, before a broken
/// line further on is reported, and the events before it must count.
#[test]
fn replay_first_error_wins() {
    let mut network = Network::new();
    let mut events = setup(&mut network);
    let mut now = bj(2025, 10, 8, 9, 0);
    for day in 0..4u8 {
        for (index, slot) in [0u8, 4].into_iter().enumerate() {
            now += Duration::minutes(10);
            let booking = day * 2 + index as u8;
            let ops = [Op::Request { user: booking % 2, second: false, day, slot, length: 2 }, Op::Confirm(booking)];
            for op in &ops {
                events.extend(run(&mut network, op, now));
            }
        }
    }
    assert_eq!(events.len(), 8 + 16);

    // Event 12 confirms booking 2. Forged by a user of another unit, it
    // fails the owner check.
    let mut forged = events.clone();
    forged[11].actor = member("mallory");
    let expected = Network::replay(&forged[..12]).unwrap_err();
    assert_eq!(expected.code(), "permission_denied");
    assert_eq!(Network::replay(&forged).unwrap_err(), expected);

    // In the file, a line after the forged event is also edited, from the
    // next line to beyond the reach of the look-ahead. The rejection of
    // line 12 still comes first.
    let text = String::from_utf8(write_jsonl(&forged).unwrap()).unwrap();
    for edited in [12, 13, 18, 19, 20, 23] {
        let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
        let seq = edited + 1;
        lines[edited] = lines[edited].replacen(&format!("\"seq\":{seq}"), "\"seq\":99", 1);
        assert!(lines[edited].contains("\"seq\":99"), "line {seq} was not edited");
        let error = replay_jsonl((lines.join("\n") + "\n").as_bytes()).unwrap_err();
        assert_eq!(error, expected, "edited line {seq}");
    }

    // Without the forged event, the edited line is the error.
    let honest = String::from_utf8(write_jsonl(&events).unwrap()).unwrap();
    let mut lines: Vec<String> = honest.lines().map(str::to_owned).collect();
    lines[13] = lines[13].replacen("\"seq\":14", "\"seq\":41", 1);
    let error = replay_jsonl((lines.join("\n") + "\n").as_bytes()).unwrap_err();
    assert_eq!(error.code(), "corrupt");
}

/// Instruments with identical rules share one stored policy. The sharing
/// must not show: each instrument keeps its own versions, a replaced version
/// leaves the others alone, and a snapshot writes every policy as it was set,
/// quota hours with their own decimal places.
#[test]
fn shared_policies_keep_their_own_text() {
    let mut network = Network::new();
    let mut events = setup(&mut network);
    let at = setup_time();
    let hours = |text: &str| {
        let limit = QuotaLimit::Hours(text.parse().unwrap());
        BookingPolicy { quotas: vec![Quota { scope: QuotaScope::User, period: QuotaPeriod::Week, limit }], ..BookingPolicy::default() }
    };
    let policies = [("XJ-AT-SEM-03", hours("10")), ("XJ-AT-SEM-04", hours("10.0")), ("XJ-AT-SEM-05", BookingPolicy::default())];
    for (id, policy) in policies {
        events.extend(add_instrument(&mut network, id, policy));
    }
    // XRD had the default policy, as SEM-05 has. Its replacement must not
    // reach SEM-05.
    let replaced = BookingPolicy { stations: 2, ..BookingPolicy::default() };
    events.push(network.set_booking_policy(&owner(), at, xrd(), policies_from(), replaced.clone()).unwrap());

    let policy_of = |network: &Network, id: &str| {
        let versions = network.booking().policies(&labshare::InstrumentId::new(id).unwrap()).unwrap();
        assert_eq!(versions.len(), 1, "{id}");
        versions[0].policy.clone()
    };
    let quota_text = |network: &Network, id: &str| serde_json::to_value(policy_of(network, id)).unwrap()["quotas"][0]["limit"].to_string();
    assert_eq!(policy_of(&network, XRD), replaced);
    assert_eq!(policy_of(&network, "XJ-AT-SEM-05"), BookingPolicy::default());
    assert_eq!(quota_text(&network, "XJ-AT-SEM-03"), r#"{"hours":"10"}"#);
    assert_eq!(quota_text(&network, "XJ-AT-SEM-04"), r#"{"hours":"10.0"}"#);

    let (snapshot, tail) = snapshot_at(&events, events.len());
    let resumed = resume(&snapshot, &tail).unwrap();
    assert_eq!(resumed.network, network);
    assert_eq!(quota_text(&resumed.network, "XJ-AT-SEM-04"), r#"{"hours":"10.0"}"#);
    let head = append_jsonl(&ChainHead::genesis(), &events).unwrap().head;
    assert_eq!(write_snapshot(&resumed.network, &head).unwrap(), snapshot);
}

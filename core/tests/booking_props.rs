//! Property tests: random operations on one instrument never overbook it,
//! return only documented errors, keep the occupancy index in step with the
//! booking records, list exactly the bookable time as free, and replay to
//! the same state.

#[path = "booking_fixtures/mod.rs"]
mod common;

use chrono::{DateTime, Duration, Utc};
use common::*;
use labshare::booking::{
    AvailabilityQuery, BookingId, BookingKind, BookingPolicy, BookingState, Completion, Frequency, OnConflict, Recurrence,
    SeriesRequest, ServiceMode,
};
use labshare::{Actor, Error, Event, Network};
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use rust_decimal::Decimal;

#[derive(Debug, Clone)]
enum Op {
    Request { user: u8, day: u8, slot: u8, length: u8 },
    Series { user: u8, day: u8, slot: u8, length: u8, count: u8, skip: bool },
    Confirm(u8),
    Reject(u8),
    Cancel { booking: u8, by_owner: bool },
    Reschedule { booking: u8, slot: u8, length: u8 },
    CheckIn(u8),
    Complete(u8),
    Waitlist { user: u8, day: u8, slot: u8, length: u8 },
    Accept(u8),
    Decline(u8),
    Sweep,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (0..4u8, 0..5u8, 0..16u8, 1..6u8).prop_map(|(user, day, slot, length)| Op::Request { user, day, slot, length }),
        1 => (0..4u8, 0..5u8, 0..16u8, 1..4u8, 1..4u8, any::<bool>())
            .prop_map(|(user, day, slot, length, count, skip)| Op::Series { user, day, slot, length, count, skip }),
        2 => (0..40u8).prop_map(Op::Confirm),
        1 => (0..40u8).prop_map(Op::Reject),
        1 => (0..40u8, any::<bool>()).prop_map(|(booking, by_owner)| Op::Cancel { booking, by_owner }),
        1 => (0..40u8, 0..16u8, 1..6u8).prop_map(|(booking, slot, length)| Op::Reschedule { booking, slot, length }),
        1 => (0..40u8).prop_map(Op::CheckIn),
        1 => (0..40u8).prop_map(Op::Complete),
        1 => (0..4u8, 0..5u8, 0..16u8, 1..6u8).prop_map(|(user, day, slot, length)| Op::Waitlist { user, day, slot, length }),
        1 => (0..40u8).prop_map(Op::Accept),
        1 => (0..40u8).prop_map(Op::Decline),
        1 => Just(Op::Sweep),
    ]
}

fn user(index: u8) -> Actor {
    match index {
        0 => member("alice"),
        1 => member("bob"),
        2 => internal("carol"),
        _ => outsider("dave"),
    }
}

/// Slot `slot` of weekday `day` in the week of Monday 2025-10-13: half
/// hours from 08:30, skipping the 12:00-14:00 break.
fn start_of(day: u8, slot: u8) -> DateTime<Utc> {
    let minutes = if slot < 7 { 8 * 60 + 30 + u32::from(slot) * 30 } else { 14 * 60 + u32::from(slot - 7) * 30 };
    bj(2025, 10, 13 + u32::from(day), minutes / 60, minutes % 60)
}

fn span(day: u8, slot: u8, length: u8) -> (DateTime<Utc>, DateTime<Utc>) {
    let start = start_of(day, slot);
    (start, start + Duration::minutes(i64::from(length) * 30))
}

fn booking_id(network: &Network, index: u8) -> BookingId {
    let count = network.booking().booking_count().max(1) as u64;
    BookingId(u64::from(index) % count + 1)
}

fn requester(network: &Network, id: BookingId, now: DateTime<Utc>) -> Actor {
    let view = network.booking().booking(id, now, None);
    let name = view.map(|v| v.requester).unwrap_or_default();
    ["alice", "bob", "carol", "dave"]
        .iter()
        .position(|n| *n == name)
        .map_or_else(|| member("nobody"), |i| user(i as u8))
}

fn run(network: &mut Network, op: &Op, now: DateTime<Utc>) -> Result<Event, Error> {
    let owner = owner();
    match op.clone() {
        Op::Request { user: u, day, slot: s, length } => {
            let (start, end) = span(day, s, length);
            network.request_booking(&user(u), now, slot(start, end)).map(|r| r.event)
        }
        Op::Series { user: u, day, slot: s, length, count, skip } => {
            let request = SeriesRequest {
                instrument: xrd(),
                first_start: start_of(day, s),
                duration_minutes: u32::from(length) * 30,
                recurrence: Recurrence { frequency: Frequency::Daily, interval: 1, weekdays: vec![], count: Some(count.into()), until: None },
                on_conflict: if skip { OnConflict::Skip } else { OnConflict::Reject },
                people: 1,
                purpose: String::new(),
                voucher: None,
            };
            network.request_series(&user(u), now, request).map(|r| r.event)
        }
        Op::Confirm(b) => {
            let id = booking_id(network, b);
            network.confirm_booking(&owner, now, id).map(|r| r.event)
        }
        Op::Reject(b) => {
            let id = booking_id(network, b);
            network.reject_booking(&owner, now, id, "时段已另有安排").map(|r| r.event)
        }
        Op::Cancel { booking, by_owner } => {
            let id = booking_id(network, booking);
            if by_owner {
                network.cancel_booking(&owner, now, id, Some("仪器检修")).map(|r| r.event)
            } else {
                let actor = requester(network, id, now);
                network.cancel_booking(&actor, now, id, None).map(|r| r.event)
            }
        }
        Op::Reschedule { booking, slot: s, length } => {
            let id = booking_id(network, booking);
            let actor = requester(network, id, now);
            let day = match network.booking().booking(id, now, None).map(|v| v.kind) {
                Ok(BookingKind::Slot { start, .. }) => ((start - bj(2025, 10, 13, 0, 0)).num_days().clamp(0, 4)) as u8,
                _ => 0,
            };
            let (start, end) = span(day, s, length);
            network.reschedule_booking(&actor, now, id, start, end).map(|r| r.event)
        }
        Op::CheckIn(b) => {
            let id = booking_id(network, b);
            let actor = requester(network, id, now);
            network.check_in(&actor, now, id).map(|r| r.event)
        }
        Op::Complete(b) => {
            let id = booking_id(network, b);
            let completion = Completion { actual_hours: Decimal::ONE, samples: 0, mode: ServiceMode::Guided, amount: Some(labshare::Money::ZERO) };
            network.complete_booking(&owner, now, id, completion).map(|r| r.event)
        }
        Op::Waitlist { user: u, day, slot: s, length } => {
            let (start, end) = span(day, s, length);
            network.join_waitlist(&user(u), now, slot(start, end)).map(|r| r.event)
        }
        Op::Accept(b) => {
            let id = booking_id(network, b);
            let actor = requester(network, id, now);
            network.accept_offer(&actor, now, id).map(|r| r.event)
        }
        Op::Decline(b) => {
            let id = booking_id(network, b);
            let actor = requester(network, id, now);
            network.decline_offer(&actor, now, id).map(|r| r.event)
        }
        Op::Sweep => network.sweep_bookings(&office(), now, None).map(|r| r.event),
    }
}

/// Errors the booking operations document.
fn documented(error: &Error) -> bool {
    match error {
        Error::RuleViolation { rule, .. } => rule.starts_with("booking.") || rule.starts_with("calendar."),
        _ => matches!(error.code(), "invalid_state" | "invalid_value" | "permission_denied" | "not_found" | "missing"),
    }
}

/// Asserts that at no instant more confirmed, checked-in or completed
/// bookings block the instrument than it has stations.
fn assert_within_stations(network: &Network, stations: u32, now: DateTime<Utc>) {
    let mut blocked = Vec::new();
    for i in 1..=network.booking().booking_count() as u64 {
        let view = network.booking().booking(BookingId(i), now, None).unwrap();
        let counted = matches!(view.state, BookingState::Confirmed | BookingState::CheckedIn | BookingState::Completed);
        if let (true, BookingKind::Slot { start, end, .. }) = (counted, view.kind) {
            let from = start - Duration::minutes(i64::from(view.buffer_before_minutes));
            let to = end + Duration::minutes(i64::from(view.buffer_after_minutes));
            if from < to {
                blocked.push((from, to));
            }
        }
    }
    for (instant, _) in &blocked {
        let covering = blocked.iter().filter(|(from, to)| from <= instant && instant < to).count();
        assert!(covering as u32 <= stations, "{covering} bookings cover {instant} with {stations} stations");
    }
}

/// Compares the availability search of the test week with the booking
/// check itself: a half-hour grid slot lies inside a listed free slot
/// exactly when a user who has not booked before could book it at `now`.
fn assert_free_slots_are_bookable(network: &Network, now: DateTime<Utc>) -> Result<(), TestCaseError> {
    let (from, to) = (bj(2025, 10, 13, 0, 0), bj(2025, 10, 18, 0, 0));
    let query = AvailabilityQuery { from, to, min_minutes: 0, viewer_zone: None };
    let free = network.booking().availability(&xrd(), &query, now).unwrap();
    for pair in free.windows(2) {
        prop_assert!(pair[0].end < pair[1].start, "free slots {:?} and {:?} touch or overlap", pair[0], pair[1]);
    }
    let probe = member("probe");
    let mut start = from;
    while start < to {
        let end = start + Duration::minutes(30);
        let bookable = network.clone().request_booking(&probe, now, slot(start, end)).is_ok();
        let listed = free.iter().any(|free| free.start <= start && end <= free.end);
        prop_assert_eq!(listed, bookable, "slot from {} to {} at {}", start, end, now);
        start = end;
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn random_operations_keep_invariants(
        stations in 1..4u32,
        buffer_before in prop_oneof![Just(0u32), Just(15), Just(30)],
        buffer_after in prop_oneof![Just(0u32), Just(30)],
        pending_holds_slot in any::<bool>(),
        auto_confirm in any::<bool>(),
        steps in proptest::collection::vec((op(), 0..180i64), 1..60),
    ) {
        let policy = BookingPolicy {
            stations,
            buffer_before_minutes: buffer_before,
            buffer_after_minutes: buffer_after,
            pending_holds_slot,
            auto_confirm,
            slot_minutes: 30,
            ..BookingPolicy::default()
        };
        let mut network = network_with(policy);
        let setup: Vec<Event> = setup_events(&network);
        let mut events = setup;
        let mut now = bj(2025, 10, 10, 9, 0);
        for (op, minutes) in &steps {
            now += Duration::minutes(*minutes);
            let before = network.clone();
            match run(&mut network, op, now) {
                Ok(event) => events.push(event),
                Err(error) => {
                    prop_assert!(documented(&error), "undocumented error from {op:?}: {error:?}");
                    prop_assert_eq!(&network, &before, "a failed {:?} changed the state", op);
                }
            }
            assert_within_stations(&network, stations, now);
            let mismatches = network.booking().index_mismatches();
            prop_assert!(mismatches.is_empty(), "after {:?}: {:?}", op, mismatches);
        }
        assert_free_slots_are_bookable(&network, now)?;
        let replayed = Network::replay(events.iter()).unwrap();
        prop_assert_eq!(replayed, network);
    }
}

/// Rebuilds the fixture's events by running the same setup on a fresh
/// network, since the fixture does not keep them.
fn setup_events(network: &Network) -> Vec<Event> {
    let mut events = Vec::new();
    let mut fresh = Network::new();
    let at = setup_time();
    for unit in network.registry().units() {
        events.push(fresh.register_unit(&office(), at, unit.clone()).unwrap());
    }
    for instrument in network.registry().instruments() {
        let record = instrument.published.as_deref().cloned().unwrap();
        events.push(fresh.submit_instrument(&owner(), at, instrument.id.clone(), instrument.unit.clone(), record).unwrap());
        events.push(fresh.publish_instrument(&office(), at, instrument.id.clone()).unwrap());
    }
    for id in network.booking().instruments() {
        for version in network.booking().policies(id).unwrap() {
            events.push(fresh.set_booking_policy(&owner(), at, id.clone(), version.effective_from, version.policy.clone()).unwrap());
        }
        let profile = network.booking().profile(id).unwrap().clone();
        events.push(fresh.set_booking_profile(&owner(), at, id.clone(), profile).unwrap());
    }
    assert_eq!(&fresh, network, "the setup events rebuild the fixture");
    events
}

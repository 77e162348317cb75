//! Runs the booking conformance cases in `testdata/booking.json`, which
//! the Python and Kotlin suites run too.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use labshare::booking::{
    AvailabilityQuery, Blackout, BookingPolicy, BookingProfile, BookingReceipt, Completion, SeriesEdit, SeriesId,
    SeriesRequest, SlotRequest,
};
use labshare::calendar::{LocalTime, MissingYear, Zone};
use labshare::registry::{InstrumentRecord, Unit};
use labshare::{Actor, Error, InstrumentId, Network, UnitId};
use serde::Deserialize;
use serde_json::Value;

#[derive(Deserialize)]
struct File {
    fixture: Fixture,
    cases: Vec<Case>,
}

#[derive(Deserialize)]
struct Fixture {
    at: DateTime<Utc>,
    actors: BTreeMap<String, Actor>,
    units: Vec<Unit>,
    instruments: Vec<FixtureInstrument>,
}

#[derive(Deserialize)]
struct FixtureInstrument {
    id: InstrumentId,
    unit: UnitId,
    record: InstrumentRecord,
}

#[derive(Deserialize)]
struct Case {
    name: String,
    op: String,
    steps: Vec<Value>,
}

fn build(fixture: &Fixture) -> (Network, Vec<labshare::Event>) {
    let mut network = Network::new();
    let mut events = Vec::new();
    let office = &fixture.actors["office"];
    for unit in &fixture.units {
        events.push(network.register_unit(office, fixture.at, unit.clone()).unwrap());
    }
    for instrument in &fixture.instruments {
        let (id, unit, record) = (instrument.id.clone(), instrument.unit.clone(), instrument.record.clone());
        events.push(network.submit_instrument(office, fixture.at, id.clone(), unit, record).unwrap());
        events.push(network.publish_instrument(office, fixture.at, id).unwrap());
    }
    (network, events)
}

fn field<T: serde::de::DeserializeOwned>(step: &Value, name: &str) -> T {
    serde_json::from_value(step[name].clone()).unwrap_or_else(|e| panic!("field {name} of {step}: {e}"))
}

/// What a step produced: a receipt, a view or nothing.
enum Outcome {
    Receipt(BookingReceipt),
    Event(labshare::Event),
    Done,
}

fn run_step(network: &mut Network, fixture: &Fixture, step: &Value) -> Result<Outcome, Error> {
    let op = step["op"].as_str().unwrap();
    let actor = step.get("actor").and_then(Value::as_str).map(|name| fixture.actors[name].clone());
    let actor = actor.unwrap_or_else(|| fixture.actors["office"].clone());
    let now: DateTime<Utc> = step.get("now").map_or(fixture.at, |_| field(step, "now"));
    let receipt = |result: Result<BookingReceipt, Error>| result.map(Outcome::Receipt);
    match op {
        "set_policy" => {
            let policy: BookingPolicy = field(step, "policy");
            let instrument = fixture.instruments[0].id.clone();
            let event = network.set_booking_policy(&actor, now, instrument, field(step, "effective_from"), policy)?;
            Ok(Outcome::Event(event))
        }
        "set_profile" => {
            let profile: BookingProfile = field(step, "profile");
            let event = network.set_booking_profile(&actor, now, fixture.instruments[0].id.clone(), profile)?;
            Ok(Outcome::Event(event))
        }
        "add_blackout" => {
            let blackout: Blackout = field(step, "blackout");
            let event = network.add_blackout(&actor, now, fixture.instruments[0].id.clone(), blackout)?;
            Ok(Outcome::Event(event))
        }
        "request" | "join_waitlist" => {
            let mut request = step["request"].clone();
            for (local, utc) in [("start_local", "start"), ("end_local", "end")] {
                if let Some(value) = step.get(local) {
                    let local: LocalTime = serde_json::from_value(value.clone()).unwrap();
                    request[utc] = serde_json::to_value(local.to_utc()?).unwrap();
                }
            }
            let request: SlotRequest = serde_json::from_value(request).unwrap();
            if op == "request" {
                receipt(network.request_booking(&actor, now, request))
            } else {
                receipt(network.join_waitlist(&actor, now, request))
            }
        }
        "request_series" => {
            let request: SeriesRequest = field(step, "request");
            receipt(network.request_series(&actor, now, request))
        }
        "confirm" => receipt(network.confirm_booking(&actor, now, field(step, "booking"))),
        "reject" => {
            let reason: String = field(step, "reason");
            receipt(network.reject_booking(&actor, now, field(step, "booking"), &reason))
        }
        "cancel" => {
            let reason: Option<String> = step.get("reason").map(|_| field(step, "reason"));
            receipt(network.cancel_booking(&actor, now, field(step, "booking"), reason.as_deref()))
        }
        "reschedule" => {
            receipt(network.reschedule_booking(&actor, now, field(step, "booking"), field(step, "start"), field(step, "end")))
        }
        "edit_series" => {
            let edit: SeriesEdit = field(step, "edit");
            receipt(network.edit_series(&actor, now, field(step, "series"), edit))
        }
        "check_in" => receipt(network.check_in(&actor, now, field(step, "booking"))),
        "complete" => {
            let completion: Completion = field(step, "completion");
            receipt(network.complete_booking(&actor, now, field(step, "booking"), completion))
        }
        "accept_offer" => receipt(network.accept_offer(&actor, now, field(step, "booking"))),
        "decline_offer" => receipt(network.decline_offer(&actor, now, field(step, "booking"))),
        "sweep" => receipt(network.sweep_bookings(&actor, now, None)),
        "view" => {
            let viewer: Option<Zone> = step.get("viewer_zone").map(|_| field(step, "viewer_zone"));
            let view = network.booking().booking(field(step, "booking"), now, viewer)?;
            let mut actual = serde_json::to_value(&view).unwrap();
            // Slot fields live under `kind`; lift them so `expect` can name them directly.
            if let Some(kind) = actual.get("kind").cloned().and_then(|k| k.as_object().cloned()) {
                for (key, value) in kind {
                    actual[key] = value;
                }
            }
            compare(&step["expect"], &actual, step);
            Ok(Outcome::Done)
        }
        "series" => {
            let id: SeriesId = field(step, "series");
            let series = network.booking().series(id)?;
            let expect = &step["expect"];
            assert_eq!(serde_json::to_value(&series.bookings).unwrap(), expect["bookings"], "series bookings in {step}");
            let skipped: Vec<Value> = series
                .skipped
                .iter()
                .map(|s| serde_json::json!({"date": s.date.to_string(), "rule": s.rule}))
                .collect();
            assert_eq!(Value::Array(skipped), expect["skipped"], "skipped dates in {step}");
            Ok(Outcome::Done)
        }
        "availability" => {
            let query: AvailabilityQuery = field(step, "query");
            let instrument: InstrumentId = field(step, "instrument");
            let slots = network.booking().availability(&instrument, &query, now)?;
            let actual: Vec<Value> = slots
                .iter()
                .map(|slot| serde_json::json!([slot.start, slot.end]))
                .collect();
            assert_eq!(Value::Array(actual), step["expect"]["slots"], "free slots in {step}");
            Ok(Outcome::Done)
        }
        "working_day_deadline" => {
            let from: DateTime<Utc> = field(step, "from");
            let days: u32 = field(step, "days");
            let deadline = network.booking().calendar().working_day_deadline(from, days, MissingYear::Error)?;
            assert_eq!(serde_json::to_value(deadline).unwrap(), step["expect"]["deadline"], "deadline in {step}");
            Ok(Outcome::Done)
        }
        other => panic!("unknown op {other}"),
    }
}

/// Asserts that every key of `expect` has the same value in `actual`.
fn compare(expect: &Value, actual: &Value, step: &Value) {
    let Some(expect) = expect.as_object() else { return };
    for (key, value) in expect {
        assert_eq!(&actual[key], value, "field `{key}` in {step}");
    }
}

fn check_outcome(case: &str, step: &Value, result: Result<Outcome, Error>) {
    match (step.get("error"), result) {
        (Some(code), Err(error)) => {
            assert_eq!(error.code(), code.as_str().unwrap(), "{case}: error code for {step}: {error}");
            if let Some(rule) = step.get("rule") {
                let Error::RuleViolation { rule: actual, .. } = &error else {
                    panic!("{case}: expected a rule violation for {step}, got {error}")
                };
                assert_eq!(actual, rule.as_str().unwrap(), "{case}: rule for {step}");
            }
            if let Some(text) = step.get("message_contains") {
                let message = error.message(labshare::Lang::En);
                assert!(message.contains(text.as_str().unwrap()), "{case}: message {message:?} lacks {text}");
            }
        }
        (Some(code), Ok(_)) => panic!("{case}: expected error {code} from {step}"),
        (None, Err(error)) => panic!("{case}: step {step} failed: {error}"),
        (None, Ok(Outcome::Receipt(receipt))) => {
            let expect = &step["expect"];
            if let Some(bookings) = expect.get("bookings") {
                assert_eq!(&serde_json::to_value(&receipt.bookings).unwrap(), bookings, "{case}: bookings of {step}");
            }
            if let Some(series) = expect.get("series") {
                assert_eq!(&serde_json::to_value(receipt.series).unwrap(), series, "{case}: series of {step}");
            }
            if let Some(entry) = expect.get("waitlist") {
                assert_eq!(&serde_json::to_value(receipt.waitlist).unwrap(), entry, "{case}: waitlist of {step}");
            }
        }
        (None, Ok(_)) => {}
    }
}

#[test]
fn booking_vectors_pass() {
    let text = include_str!("../../testdata/booking.json");
    let file: File = serde_json::from_str(text).unwrap();
    assert!(file.cases.len() >= 11, "the file covers at least the eleven required cases");
    for case in &file.cases {
        assert_eq!(case.op, "scenario", "{}", case.name);
        let (mut network, mut events) = build(&file.fixture);
        for step in &case.steps {
            let result = run_step(&mut network, &file.fixture, step);
            match &result {
                Ok(Outcome::Receipt(receipt)) => events.push(receipt.event.clone()),
                Ok(Outcome::Event(event)) => events.push(event.clone()),
                _ => {}
            }
            check_outcome(&case.name, step, result);
        }
        let replayed = Network::replay(events.iter()).unwrap();
        assert_eq!(replayed, network, "{}: replaying the journal gives the same state", case.name);
    }
}

//! Journal events decode to the same value whatever the order of their JSON
//! members. labshare writes each change's `type` first and reads such lines
//! on a fast path, but a journal written by another program, or edited by
//! hand, may put `type` anywhere, and must still read the same.

#[path = "booking_fixtures/mod.rs"]
mod common;

use chrono::{NaiveDate, TimeZone, Utc};
use common::*;
use labshare::booking::{BookingChange, BookingId, BookingPolicy, BookingProfile, Completion, ServiceMode};
use labshare::calendar::Zone;
use labshare::enterprise::EnterpriseChange;
use labshare::exchange::service_book::ServiceChange;
use labshare::fund::{CategoryAmount, FundCategory, FundChange};
use labshare::journal::{ChainHash, read_jsonl, write_jsonl};
use labshare::registry::{RegistryChange, ReviewDecision, SharingMode, Unit, UnitKind};
use labshare::sme::SizeStandard;
use labshare::subsidy::SubsidyChange;
use labshare::voucher::VoucherChange;
use labshare::{Actor, ApplicationId, Change, EnterpriseId, Event, Money, SchemeId, UnitId};
use rust_decimal::Decimal;
use serde_json::Value;
use sha2::{Digest, Sha256};

const V1_JOURNAL: &[u8] = include_bytes!("data/journal-v1/network-2017.jsonl");

fn unit() -> UnitId {
    UnitId::new(OWNER_UNIT).unwrap()
}

/// Builds at least one change of every concept except usage, whose reports
/// come from the stored journal, and every booking change that a booking's
/// life can write. Decoding checks no rules, so the changes need not follow
/// each other.
fn changes() -> Vec<Change> {
    let start = bj(2025, 10, 13, 9, 0);
    let end = bj(2025, 10, 13, 10, 0);
    let completion = Completion { actual_hours: Decimal::ONE, samples: 2, mode: ServiceMode::Guided, amount: Some(Money::ZERO) };
    let profile = BookingProfile { zone: Zone::SHANGHAI, test_items: vec!["物相分析".to_owned()] };
    let booking = BookingId(7);
    let registered = Unit { id: unit(), name: "新疆分析测试研究院".to_owned(), kind: UnitKind::Institute, region: "乌鲁木齐市".to_owned() };
    let booking_changes = vec![
        BookingChange::LoadCalendarYear { data: "{\"year\":2026}".to_owned() },
        BookingChange::SetProfile { instrument: xrd(), profile },
        BookingChange::SetPolicy { instrument: xrd(), effective_from: start, policy: Box::new(BookingPolicy::default()) },
        BookingChange::RemoveBlackout { instrument: xrd(), blackout: "b-1".to_owned() },
        BookingChange::GrantTraining { instrument: xrd(), user: "alice".to_owned(), valid_until: NaiveDate::from_ymd_opt(2026, 6, 30) },
        BookingChange::GrantTraining { instrument: xrd(), user: "bob".to_owned(), valid_until: None },
        BookingChange::RevokeTraining { instrument: xrd(), user: "alice".to_owned() },
        BookingChange::RequestSlot { request: slot(start, end) },
        BookingChange::Confirm { booking },
        BookingChange::Reject { booking, reason: "仪器维护".to_owned() },
        BookingChange::Cancel { booking, reason: None },
        BookingChange::Cancel { booking, reason: Some("仪器检修".to_owned()) },
        BookingChange::Reschedule { booking, start, end },
        BookingChange::CheckIn { booking },
        BookingChange::Complete { booking, completion },
        BookingChange::JoinWaitlist { request: slot(start, end) },
        BookingChange::AcceptOffer { booking },
        BookingChange::DeclineOffer { booking },
        BookingChange::Sweep { instrument: None },
        BookingChange::Sweep { instrument: Some(xrd()) },
    ];
    let mut changes: Vec<Change> = booking_changes.into_iter().map(Change::Booking).collect();
    changes.extend([
        Change::Registry(RegistryChange::RegisterUnit { unit: registered }),
        Change::Registry(RegistryChange::SubmitInstrument {
            instrument: xrd(),
            unit: unit(),
            record: record("X射线衍射仪", SharingMode::External),
        }),
        Change::Registry(RegistryChange::ReviewInstrument { instrument: xrd(), decision: ReviewDecision::Publish }),
        Change::Registry(RegistryChange::ReviewInstrument {
            instrument: xrd(),
            decision: ReviewDecision::Return { reason: "原值与发票不符".to_owned() },
        }),
        Change::Fund(FundChange::OpenYear {
            year: 2025,
            appropriation: Money::parse("500万").unwrap(),
            budget: vec![CategoryAmount { category: FundCategory::Subsidies, amount: Money::parse("300万").unwrap() }],
        }),
        Change::Fund(FundChange::ReversePayment { year: 2025, entry: 3, reason: "重复支付".to_owned() }),
        Change::Fund(FundChange::CloseYear { year: 2025 }),
        Change::Subsidy(SubsidyChange::Withdraw { unit: unit(), year: 2025 }),
        Change::Subsidy(SubsidyChange::Allocate { year: 2025, budget: Money::parse("70万").unwrap() }),
        Change::Voucher(VoucherChange::DecideApplications { scheme: SchemeId::new("XJ-2025").unwrap() }),
        Change::Voucher(VoucherChange::ScoreApplication {
            application: ApplicationId::new("A-1").unwrap(),
            score: Decimal::new(875, 1),
        }),
        Change::Voucher(VoucherChange::CancelUse { booking, reason: "企业撤回".to_owned() }),
        Change::Services(ServiceChange::ImportServices { unit: unit(), records: Vec::new() }),
        Change::Enterprise(EnterpriseChange::PublishSizeStandard { standard: SizeStandard::sme_2011().unwrap() }),
    ]);
    changes
}

/// Returns one actor of every role.
fn actors() -> Vec<Actor> {
    let enterprise = EnterpriseId::new("91650100MA77XXXX1X").unwrap();
    vec![
        office(),
        owner(),
        member("alice"),
        outsider("carol"),
        Actor { id: "contact".to_owned(), role: labshare::Role::Enterprise { enterprise } },
        Actor { id: "expert-1".to_owned(), role: labshare::Role::Expert },
    ]
}

/// Returns the built changes, each made by one of the actors in turn, then
/// the events of the stored version-1 journal.
fn events() -> Vec<Event> {
    let actors = actors();
    let at = Utc.with_ymd_and_hms(2025, 10, 1, 2, 0, 0).unwrap();
    let built = changes().into_iter().enumerate().map(|(index, change)| Event {
        seq: index as u64 + 1,
        at,
        actor: actors[index % actors.len()].clone(),
        change,
    });
    let stored = read_jsonl(V1_JOURNAL).unwrap();
    built.chain(stored).collect()
}

/// Writes `value` as JSON with the members of every object in reverse
/// order, so that each `type` and `role` tag comes last.
fn reversed(value: &Value) -> String {
    match value {
        Value::Object(members) => {
            let parts: Vec<String> = members
                .iter()
                .rev()
                .map(|(key, member)| format!("{}:{}", Value::String(key.clone()), reversed(member)))
                .collect();
            format!("{{{}}}", parts.join(","))
        }
        Value::Array(items) => format!("[{}]", items.iter().map(reversed).collect::<Vec<_>>().join(",")),
        other => other.to_string(),
    }
}

/// Writes `value` as JSON with a `type` or `role` member moved to the front of every object.
fn tag_first(value: &Value) -> String {
    match value {
        Value::Object(members) => {
            let mut parts: Vec<(bool, String)> = members
                .iter()
                .map(|(key, member)| (key == "type" || key == "role", format!("{}:{}", Value::String(key.clone()), tag_first(member))))
                .collect();
            parts.sort_by_key(|(tag, _)| !*tag);
            let parts: Vec<String> = parts.into_iter().map(|(_, part)| part).collect();
            format!("{{{}}}", parts.join(","))
        }
        Value::Array(items) => format!("[{}]", items.iter().map(tag_first).collect::<Vec<_>>().join(",")),
        other => other.to_string(),
    }
}

/// Writes a journal line with its `prev` and `hash`, as labshare would, for a body in any member order.
fn line(body: &str, prev: ChainHash) -> (String, ChainHash) {
    let content = format!("{},\"prev\":\"{prev}\"", body.strip_suffix('}').unwrap());
    let digest = Sha256::digest(format!("{content}}}").as_bytes());
    let hex: String = digest.iter().map(|byte| format!("{byte:02x}")).collect();
    let hash = ChainHash::parse(&hex).unwrap();
    (format!("{content},\"hash\":\"{hash}\"}}"), hash)
}

#[test]
fn events_cover_every_concept_and_role() {
    let events = events();
    let mut tags: Vec<String> = events
        .iter()
        .map(|event| serde_json::to_value(&event.change).unwrap())
        .filter_map(|change| {
            let (concept, body) = change.as_object()?.iter().next()?;
            Some(format!("{concept}/{}", body.get("type")?.as_str()?))
        })
        .collect();
    tags.sort();
    tags.dedup();
    for expected in ["booking/request_slot", "booking/complete", "registry/submit_instrument", "usage/file_report", "fund/open_year", "subsidy/allocate", "voucher/cancel_use", "services/import_services", "enterprise/publish_size_standard"] {
        assert!(tags.contains(&expected.to_owned()), "{expected} missing from {tags:?}");
    }
    let roles: Vec<String> = events.iter().map(|event| serde_json::to_value(&event.actor).unwrap()["role"].to_string()).collect();
    for role in ["office", "unit_admin", "user", "enterprise", "expert"] {
        assert!(roles.contains(&format!("\"{role}\"")), "{role} missing");
    }
}

#[test]
fn every_event_round_trips() {
    for event in events() {
        let json = serde_json::to_string(&event).unwrap();
        assert_eq!(serde_json::from_str::<Event>(&json).unwrap(), event, "{json}");
    }
}

#[test]
fn tags_last_decode_alike() {
    for event in events() {
        let json = reversed(&serde_json::to_value(&event).unwrap());
        let decoded = serde_json::from_str::<Event>(&json);
        assert_eq!(decoded.as_ref().ok(), Some(&event), "{json}: {decoded:?}");
    }
}

#[test]
fn tags_first_decode_alike() {
    for event in events() {
        let json = tag_first(&serde_json::to_value(&event).unwrap());
        assert_eq!(serde_json::from_str::<Event>(&json).unwrap(), event, "{json}");
    }
}

#[test]
fn sorted_members_decode_alike() {
    for event in events() {
        let value = serde_json::to_value(&event).unwrap();
        assert_eq!(serde_json::from_value::<Event>(value).unwrap(), event);
    }
}

#[test]
fn journal_with_tags_last_reads_alike() {
    let events = events();
    let mut text = String::new();
    let mut prev = ChainHash::ZERO;
    for (index, event) in events.iter().enumerate() {
        let renumbered = Event { seq: index as u64 + 1, ..event.clone() };
        let body = format!(
            "{{\"v\":1,\"seq\":{},\"at\":{},\"actor\":{},\"change\":{}}}",
            renumbered.seq,
            serde_json::to_string(&renumbered.at).unwrap(),
            reversed(&serde_json::to_value(&renumbered.actor).unwrap()),
            reversed(&serde_json::to_value(&renumbered.change).unwrap()),
        );
        let (written, hash) = line(&body, prev);
        text.push_str(&written);
        text.push('\n');
        prev = hash;
    }

    let expected: Vec<Event> =
        events.iter().enumerate().map(|(index, event)| Event { seq: index as u64 + 1, ..event.clone() }).collect();
    assert_eq!(read_jsonl(text.as_bytes()).unwrap(), expected);
    let written = write_jsonl(&expected).unwrap();
    assert_ne!(written, text.as_bytes(), "the reordered journal must differ from labshare's own");
    assert_eq!(read_jsonl(&written).unwrap(), expected);
}

#[test]
fn change_errors_name_the_fault_in_any_order() {
    let cases = [
        (r#"{"booking":{"type":"confirm"}}"#, "missing field `booking`"),
        (r#"{"booking":{"type":"reject","booking":3}}"#, "missing field `reason`"),
        (r#"{"booking":{"reason":"x","type":"reject"}}"#, "missing field `booking`"),
        (r#"{"booking":{"type":"confirm","booking":"three"}}"#, "invalid type: string \"three\""),
        (r#"{"booking":{"booking":"three","type":"confirm"}}"#, "invalid type: string \"three\""),
        (r#"{"booking":{"type":"confirm","booking":3,"type":"check_in"}}"#, "duplicate field `type`"),
        (r#"{"booking":{"booking":3,"type":"confirm","type":"check_in"}}"#, "duplicate field `type`"),
        (r#"{"booking":{"type":"confirm","booking":3,"booking":4}}"#, "duplicate field `booking`"),
        (r#"{"booking":{"type":"approve","booking":3}}"#, "unknown variant `approve`"),
        (r#"{"booking":{"booking":3,"type":"approve"}}"#, "unknown variant `approve`"),
        (r#"{"booking":{"booking":3}}"#, "missing field `type`"),
        (r#"{"booking":"confirm"}"#, "expected internally tagged enum BookingChange"),
    ];
    for (json, expected) in cases {
        let error = serde_json::from_str::<Change>(json).err().map(|error| error.to_string()).unwrap_or_default();
        assert!(error.contains(expected), "{json}: {error}");
    }
}

#[test]
fn unknown_change_members_are_ignored_in_any_order() {
    let expected = Change::Booking(BookingChange::Confirm { booking: BookingId(3) });
    for json in [
        r#"{"booking":{"type":"confirm","booking":3,"note":{"by":"hand"}}}"#,
        r#"{"booking":{"note":[1,2],"type":"confirm","booking":3}}"#,
        r#"{"booking":{"booking":3,"note":null,"type":"confirm"}}"#,
    ] {
        assert_eq!(serde_json::from_str::<Change>(json).unwrap(), expected, "{json}");
    }
}

#[test]
fn defaults_apply_in_any_order() {
    let start = "2025-10-13T01:00:00Z";
    let end = "2025-10-13T02:00:00Z";
    let first = format!(r#"{{"booking":{{"type":"request_slot","request":{{"instrument":"{XRD}","start":"{start}","end":"{end}"}}}}}}"#);
    let last = format!(r#"{{"booking":{{"request":{{"end":"{end}","start":"{start}","instrument":"{XRD}"}},"type":"request_slot"}}}}"#);
    let expected = Change::Booking(BookingChange::RequestSlot {
        request: slot(Utc.with_ymd_and_hms(2025, 10, 13, 1, 0, 0).unwrap(), Utc.with_ymd_and_hms(2025, 10, 13, 2, 0, 0).unwrap()),
    });
    assert_eq!(serde_json::from_str::<Change>(&first).unwrap(), expected);
    assert_eq!(serde_json::from_str::<Change>(&last).unwrap(), expected);
}

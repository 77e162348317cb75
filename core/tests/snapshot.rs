//! Snapshots: written, read back, and continued with the journal tail.

#[path = "exchange_fixtures/mod.rs"]
mod common;

use labshare::journal::{ChainHead, append_jsonl, write_jsonl};
use labshare::registry::UnitKind;
use labshare::snapshot::{read_snapshot, replay_jsonl, resume, write_snapshot};
use labshare::{Actor, Event, Network};
use proptest::prelude::*;

fn snapshot_at(events: &[Event], cut: usize) -> (Vec<u8>, Vec<u8>) {
    let head_part = append_jsonl(&ChainHead::genesis(), &events[..cut]).expect("head part");
    let state = Network::replay(&events[..cut]).expect("replayed");
    let snapshot = write_snapshot(&state, &head_part.head).expect("snapshot");
    let tail = append_jsonl(&head_part.head, &events[cut..]).expect("tail").bytes;
    (snapshot, tail)
}

#[test]
fn snapshot_round_trip_is_equal() {
    let (network, events) = common::sample_journal();
    let head = append_jsonl(&ChainHead::genesis(), &events).expect("journal").head;
    let bytes = write_snapshot(&network, &head).expect("snapshot");

    let snapshot = read_snapshot(&bytes).expect("read");
    assert_eq!(snapshot.network, network);
    assert_eq!(snapshot.head, head);
    assert!(bytes.starts_with(br#"{"v":1,"head":{"seq":19,"#));
    assert!(bytes.ends_with(b"\"}\n"));
}

#[test]
fn snapshot_and_tail_equal_replay_at_every_cut() {
    let (network, events) = common::sample_journal();
    let full = replay_jsonl(&write_jsonl(&events).expect("journal")).expect("full replay");
    assert_eq!(full.network, network);

    for cut in 0..=events.len() {
        let (snapshot, tail) = snapshot_at(&events, cut);
        let resumed = resume(&snapshot, &tail).expect("resumed");
        assert_eq!(resumed.network, full.network, "cut after {cut} events");
        assert_eq!(resumed.head, full.head, "cut after {cut} events");
    }
}

#[test]
fn edited_snapshot_is_rejected() {
    let (network, events) = common::sample_journal();
    let head = append_jsonl(&ChainHead::genesis(), &events).expect("journal").head;
    let bytes = write_snapshot(&network, &head).expect("snapshot");
    let text = String::from_utf8(bytes).expect("utf-8");
    assert!(text.contains(r#""original_value":"384500.00""#));
    let edited = text.replace(r#""original_value":"384500.00""#, r#""original_value":"3845000.00""#);

    let error = read_snapshot(edited.as_bytes()).unwrap_err();
    assert_eq!(error.code(), "corrupt");
    assert!(error.message(labshare::Lang::En).contains("changed after it was written"));
}

#[test]
fn truncated_snapshot_is_rejected() {
    let (network, events) = common::sample_journal();
    let head = append_jsonl(&ChainHead::genesis(), &events).expect("journal").head;
    let bytes = write_snapshot(&network, &head).expect("snapshot");

    let error = read_snapshot(&bytes[..bytes.len() / 2]).unwrap_err();
    assert!(error.message(labshare::Lang::En).contains("incomplete"));
}

#[test]
fn snapshot_at_wrong_position_is_refused() {
    let (network, events) = common::sample_journal();
    let head = append_jsonl(&ChainHead::genesis(), &events[..5]).expect("journal").head;

    let error = write_snapshot(&network, &head).unwrap_err();
    assert_eq!(error.field(), Some("head.seq"));
}

#[test]
fn tail_of_other_journal_is_rejected() {
    let (_, events) = common::sample_journal();
    let (snapshot, _) = snapshot_at(&events, 10);

    // A tail that starts at the right sequence number but after a
    // different line 10.
    let mut other = events.clone();
    other[9].at += chrono::Duration::seconds(1);
    let other_head = append_jsonl(&ChainHead::genesis(), &other[..10]).expect("other").head;
    let other_tail = append_jsonl(&other_head, &other[10..]).expect("other tail").bytes;

    let error = resume(&snapshot, &other_tail).unwrap_err();
    assert_eq!(error.code(), "corrupt");
    assert!(error.message(labshare::Lang::En).contains("prev hash"));
}

/// Builds a journal by trying random operations and keeping those the
/// rules accept.
fn random_journal(operations: &[(u8, u8, u16)]) -> Vec<Event> {
    let office = Actor::office("office-01");
    let mut network = Network::new();
    let mut events = Vec::new();
    let units = ["U1", "U2", "U3"];
    for (index, code) in units.iter().enumerate() {
        let hour = u32::try_from(index).expect("small");
        let unit = common::unit(code, &format!("示例单位{code}"), UnitKind::Institute);
        events.push(network.register_unit(&office, common::at(0, hour), unit).expect("unit"));
    }

    for (step, &(kind, target, amount)) in operations.iter().enumerate() {
        let now = common::at(1 + u32::try_from(step).expect("small"), 0);
        let unit = units[usize::from(target) % units.len()];
        let admin = Actor::unit_admin(format!("admin-{unit}"), common::unit_id(unit));
        let id = common::instrument_id(&format!("{unit}-{:02}", target % 8));
        let value = format!("{}.{:02}", 200_000 + u32::from(amount) * 13, amount % 100);
        let result = match kind % 5 {
            0 => network.submit_instrument(&admin, now, id.clone(), common::unit_id(unit), common::record("原子吸收光谱仪", &value)),
            1 => network.publish_instrument(&office, now, id.clone()),
            2 => network.return_instrument(&office, now, id.clone(), "请补充技术指标"),
            3 => network.revise_instrument(&admin, now, id.clone(), common::record("原子吸收光谱仪", &value)),
            _ => {
                let report = common::usage(id.as_str(), 2017, i64::from(amount % 2000), u64::from(amount), &value);
                network.file_usage(&admin, now, report)
            }
        };
        if let Ok(event) = result {
            events.push(event);
        }
    }
    events
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn snapshot_plus_tail_equals_replay(
        operations in proptest::collection::vec((any::<u8>(), any::<u8>(), any::<u16>()), 0..120),
        cut_fraction in 0.0f64..=1.0,
    ) {
        let events = random_journal(&operations);
        let cut = ((events.len() as f64) * cut_fraction) as usize;
        let full = replay_jsonl(&write_jsonl(&events).expect("journal")).expect("full replay");

        let (snapshot, tail) = snapshot_at(&events, cut.min(events.len()));
        let resumed = resume(&snapshot, &tail).expect("resumed");
        prop_assert_eq!(&resumed.network, &full.network);
        prop_assert_eq!(resumed.head, full.head);
    }
}

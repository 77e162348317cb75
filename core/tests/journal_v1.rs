//! Files written by the first version of the journal and snapshot formats
//! must read and replay in every later version of the library.
//!
//! The files in `tests/data/journal-v1/` were written once by labshare 0.1.0
//! (journal format 1, snapshot format 1) and are never regenerated: a change
//! that breaks these tests breaks every journal stored by a user.

#[path = "exchange_fixtures/mod.rs"]
mod common;

use std::path::PathBuf;

use labshare::journal::{ChainHash, ProblemKind, read_jsonl, verify_jsonl};
use labshare::registry::{OperatingStatus, ReviewState};
use labshare::snapshot::{read_snapshot, replay_jsonl, resume};
use labshare::{Money, Network};

const JOURNAL: &[u8] = include_bytes!("data/journal-v1/network-2017.jsonl");
const SNAPSHOT_AT_12: &[u8] = include_bytes!("data/journal-v1/snapshot-seq12.json");
const TAIL_AFTER_12: &[u8] = include_bytes!("data/journal-v1/tail-after-seq12.jsonl");

/// The head hash of the stored journal, recorded when it was written.
const HEAD_HASH: &str = "098e38be853d23c3874852aa1ee3236ff914e2bf34dbedfc1e04541e33fb8234";

#[test]
fn v1_journal_is_intact() {
    let check = verify_jsonl(JOURNAL);
    assert!(check.is_intact(), "{:?}", check.problems);
    assert_eq!(check.lines, 19);
    assert_eq!(check.head.seq, 19);
    assert_eq!(check.head.hash, ChainHash::parse(HEAD_HASH).expect("hash"));
}

#[test]
fn v1_journal_replays_to_known_state() {
    let restored = replay_jsonl(JOURNAL).expect("replayed");
    let registry = restored.network.registry();

    assert_eq!(registry.units().count(), 2);
    assert_eq!(registry.instruments().count(), 4);
    assert_eq!(registry.published().count(), 4);

    let icp = registry.instrument(&common::instrument_id("XJ-AT-002")).expect("instrument");
    let steps: Vec<&str> = icp.history.iter().map(|entry| entry.step.as_str()).collect();
    assert_eq!(steps, ["submitted", "returned", "resubmitted", "published"]);
    assert_eq!(icp.history[1].reason.as_deref(), Some("原值与发票不符，请核对"));
    let published = icp.published.as_ref().expect("published");
    assert_eq!(published.original_value, Money::parse("2150000.00").expect("amount"));

    let sem = registry.instrument(&common::instrument_id("XJ-MS-001")).expect("instrument");
    assert_eq!(sem.state, ReviewState::Published);
    let sem_record = sem.published.as_ref().expect("published");
    assert_eq!(sem_record.operating_status, OperatingStatus::OccasionalFaults);

    let totals = restored.network.usage().network_totals(2017).expect("totals");
    assert_eq!(totals.instruments, 4);
    assert_eq!(totals.samples, 2210 + 1530 + 860 + 1250);
    assert_eq!(totals.external_income, Money::parse("908650.50").expect("amount"));
}

#[test]
fn v1_journal_equals_todays_events() {
    // Today's library builds the same sequence; reading the stored file must
    // give equal events, upgraded where the format has changed since.
    let (network, events) = common::sample_journal();
    assert_eq!(read_jsonl(JOURNAL).expect("read"), events);
    assert_eq!(Network::replay(&events).expect("replayed"), network);
}

#[test]
fn v1_snapshot_resumes_with_v1_tail() {
    let snapshot = read_snapshot(SNAPSHOT_AT_12).expect("snapshot");
    assert_eq!(snapshot.head.seq, 12);

    let resumed = resume(SNAPSHOT_AT_12, TAIL_AFTER_12).expect("resumed");
    let full = replay_jsonl(JOURNAL).expect("replayed");
    assert_eq!(resumed, full);
}

/// Returns the stored journal with byte `offset` of line `line` (0-based) changed.
fn with_changed_byte(line: usize, offset: usize, byte: u8) -> Vec<u8> {
    let mut lines: Vec<Vec<u8>> = JOURNAL.split(|&b| b == b'\n').map(<[u8]>::to_vec).collect();
    lines[line][offset] = byte;
    lines.join(&b'\n')
}

#[test]
fn v1_changed_line_is_named() {
    let line_count = JOURNAL.split(|&b| b == b'\n').filter(|line| !line.is_empty()).count();
    for line in 0..line_count {
        let length = JOURNAL.split(|&b| b == b'\n').nth(line).map_or(0, <[u8]>::len);
        // A digit of the stated hash (the 64 digits before the closing `"}`)
        // and a digit of the `seq` member right after `{"v":1,"seq":`.
        for offset in [length - 3, 13] {
            let original = JOURNAL.split(|&b| b == b'\n').nth(line).map_or(0, |bytes| bytes[offset]);
            let replacement = if original == b'0' { b'1' } else { b'0' };
            let bytes = with_changed_byte(line, offset, replacement);
            let number = line as u64 + 1;

            // Later lines may report a broken link or a gap as a consequence,
            // so the test checks only the first problem.
            let check = verify_jsonl(&bytes);
            let first = check.problems.first().expect("a problem");
            assert_eq!(first.line, number, "offset {offset}");
            assert_eq!(first.kind, ProblemKind::Changed, "line {number}, offset {offset}");

            let error = read_jsonl(&bytes).expect_err("changed line");
            let location = match &error {
                labshare::Error::Corrupt { location, .. } => location.clone(),
                other => panic!("line {number}: expected a corrupt error, got {other:?}"),
            };
            assert!(location.starts_with(&format!("line {number} ")), "line {number}, offset {offset}: {location}");
        }
    }
}

/// Writes the stored files. Run once, by hand, when the format was created;
/// it refuses to overwrite a file that has content.
#[test]
#[ignore = "writes the stored v1 files; they must never be regenerated"]
fn write_v1_files() {
    use labshare::journal::{ChainHead, append_jsonl, write_jsonl};
    use labshare::snapshot::write_snapshot;

    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/journal-v1");
    std::fs::create_dir_all(&dir).expect("folder");
    let (_, events) = common::sample_journal();
    let first = append_jsonl(&ChainHead::genesis(), &events[..12]).expect("first part");
    let state = Network::replay(&events[..12]).expect("replayed");
    let files = [
        ("network-2017.jsonl", write_jsonl(&events).expect("journal")),
        ("snapshot-seq12.json", write_snapshot(&state, &first.head).expect("snapshot")),
        ("tail-after-seq12.jsonl", append_jsonl(&first.head, &events[12..]).expect("tail").bytes),
    ];
    for (name, bytes) in files {
        let path = dir.join(name);
        let existing = std::fs::metadata(&path).map(|meta| meta.len()).unwrap_or(0);
        assert_eq!(existing, 0, "{} has content; stored v1 files are never regenerated", path.display());
        std::fs::write(&path, bytes).expect("written");
    }
}

//! The JSON Lines journal: round trips, tampering and tails.

#[path = "exchange_fixtures/mod.rs"]
mod common;

use labshare::journal::{
    ChainHead, ProblemKind, append_jsonl, read_jsonl, read_jsonl_after, verify_jsonl, write_jsonl,
};
use labshare::{Error, Network};

fn lines(bytes: &[u8]) -> Vec<String> {
    String::from_utf8(bytes.to_vec()).expect("utf-8").lines().map(str::to_owned).collect()
}

fn join(lines: &[String]) -> Vec<u8> {
    let mut text = lines.join("\n");
    text.push('\n');
    text.into_bytes()
}

fn corrupt_location(error: &Error) -> String {
    match error {
        Error::Corrupt { location, .. } => location.clone(),
        other => panic!("expected a corrupt error, got {other:?}"),
    }
}

#[test]
fn round_trip_keeps_every_event() {
    let (network, events) = common::sample_journal();
    let bytes = write_jsonl(&events).expect("written");

    let read = read_jsonl(&bytes).expect("read back");
    assert_eq!(read, events);
    assert_eq!(Network::replay(&read).expect("replayed"), network);
    assert_eq!(lines(&bytes).len(), events.len());
}

#[test]
fn line_layout_is_versioned_and_chained() {
    let (_, events) = common::sample_journal();
    let bytes = write_jsonl(&events).expect("written");
    let all = lines(&bytes);

    assert!(all[0].starts_with(r#"{"v":1,"seq":1,"at":"2017-03-01T01:00:00Z","actor":{"id":"office-01","role":"office"},"change":{"registry":{"type":"register_unit""#));
    assert!(all[0].contains(&format!(r#""prev":"{}""#, "0".repeat(64))));

    let first_hash = &all[0][all[0].len() - 66..all[0].len() - 2];
    assert!(all[1].contains(&format!(r#""prev":"{first_hash}""#)));
}

#[test]
fn check_of_intact_journal_is_clean() {
    let (_, events) = common::sample_journal();
    let bytes = write_jsonl(&events).expect("written");

    let check = verify_jsonl(&bytes);
    assert!(check.is_intact(), "{:?}", check.problems);
    assert_eq!(check.lines, 19);
    assert_eq!(check.head.seq, 19);
}

#[test]
fn changed_amount_is_detected() {
    let (_, events) = common::sample_journal();
    let mut all = lines(&write_jsonl(&events).expect("written"));
    assert!(all[3].contains(r#""original_value":"2150000.50""#));
    all[3] = all[3].replace(r#""original_value":"2150000.50""#, r#""original_value":"2150000.00""#);
    let tampered = join(&all);

    let error = read_jsonl(&tampered).unwrap_err();
    assert_eq!(corrupt_location(&error), "line 4 (seq 4)");

    let check = verify_jsonl(&tampered);
    assert_eq!(check.problems.len(), 1, "{:?}", check.problems);
    assert_eq!(check.problems[0].line, 4);
    assert_eq!(check.problems[0].kind, ProblemKind::Changed);
}

#[test]
fn deleted_line_is_detected() {
    let (_, events) = common::sample_journal();
    let mut all = lines(&write_jsonl(&events).expect("written"));
    all.remove(6);
    let tampered = join(&all);

    let error = read_jsonl(&tampered).unwrap_err();
    assert_eq!(corrupt_location(&error), "line 7 (seq 8)");
    assert!(error.message(labshare::Lang::En).contains("event 7 is missing"));

    let check = verify_jsonl(&tampered);
    assert_eq!(check.problems.len(), 1, "{:?}", check.problems);
    assert_eq!(check.problems[0].kind, ProblemKind::Missing);
    assert_eq!(check.problems[0].line, 7);
}

#[test]
fn reordered_lines_are_detected() {
    let (_, events) = common::sample_journal();
    let mut all = lines(&write_jsonl(&events).expect("written"));
    all.swap(9, 10);
    let tampered = join(&all);

    let error = read_jsonl(&tampered).unwrap_err();
    assert_eq!(corrupt_location(&error), "line 10 (seq 11)");

    let check = verify_jsonl(&tampered);
    let kinds: Vec<(u64, ProblemKind)> = check.problems.iter().map(|p| (p.line, p.kind)).collect();
    assert_eq!(kinds, vec![(10, ProblemKind::Reordered), (11, ProblemKind::OutOfOrder)]);
}

#[test]
fn rewritten_hash_breaks_next_link() {
    // An editor who also recomputes the edited line's own hash still breaks
    // the `prev` link of the line after it.
    let (_, events) = common::sample_journal();
    let mut forged = events.clone();
    forged.truncate(5);
    if let labshare::Change::Registry(labshare::registry::RegistryChange::SubmitInstrument { record, .. }) =
        &mut forged[4].change
    {
        record.original_value = labshare::Money::parse("1.00").expect("amount");
    }
    let forged_lines = lines(&write_jsonl(&forged).expect("written"));
    let mut all = lines(&write_jsonl(&events).expect("written"));
    all[4] = forged_lines[4].clone();
    let tampered = join(&all);

    let check = verify_jsonl(&tampered);
    assert_eq!(check.problems.len(), 1, "{:?}", check.problems);
    assert_eq!(check.problems[0].line, 6);
    assert_eq!(check.problems[0].kind, ProblemKind::BrokenLink);
}

#[test]
fn incomplete_last_line_is_named() {
    let (_, events) = common::sample_journal();
    let mut bytes = write_jsonl(&events).expect("written");
    bytes.truncate(bytes.len() - 40);

    let error = read_jsonl(&bytes).unwrap_err();
    assert_eq!(corrupt_location(&error), "line 19");
    assert!(error.message(labshare::Lang::En).contains("incomplete"));
}

#[test]
fn newer_version_is_rejected() {
    let (_, events) = common::sample_journal();
    let first = lines(&write_jsonl(&events[..1]).expect("written")).remove(0);
    let body = first[..first.len() - 75].replacen(r#"{"v":1,"#, r#"{"v":2,"#, 1);
    let hash = labshare::journal::ChainHash::parse(&sha256_hex(&format!("{body}}}"))).expect("hash");
    let line = format!(r#"{body},"hash":"{hash}"}}"#);

    let check = verify_jsonl(line.as_bytes());
    assert_eq!(check.problems.len(), 1, "{:?}", check.problems);
    assert_eq!(check.problems[0].kind, ProblemKind::UnsupportedVersion);
}

fn sha256_hex(text: &str) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(text.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn empty_journal_reads_as_no_events() {
    assert_eq!(read_jsonl(b"").expect("read"), vec![]);
    assert_eq!(write_jsonl(&[]).expect("written"), Vec::<u8>::new());
    assert!(verify_jsonl(b"").is_intact());
}

#[test]
fn newline_only_file_agrees_with_check() {
    // Found by the journal_reader fuzz target: the reader and the check
    // must agree on files made of newlines.
    assert_eq!(read_jsonl(b"\n").expect("read"), vec![]);
    assert!(verify_jsonl(b"\n").is_intact());

    for bytes in [&b"\n\n"[..], b"\xEF\xBB\xBF\n\n", b"\r\n"] {
        let check = verify_jsonl(bytes);
        let read = read_jsonl(bytes);
        assert!(!check.is_intact(), "{bytes:?}");
        assert!(read.is_err(), "{bytes:?}");
        assert_eq!(corrupt_location(&read.unwrap_err()), "line 1", "{bytes:?}");
    }
}

#[test]
fn blank_line_inside_is_rejected() {
    let (_, events) = common::sample_journal();
    let mut all = lines(&write_jsonl(&events[..3]).expect("written"));
    all.insert(1, String::new());

    let error = read_jsonl(&join(&all)).unwrap_err();
    assert_eq!(corrupt_location(&error), "line 2");
}

#[test]
fn crlf_line_ends_still_read() {
    let (_, events) = common::sample_journal();
    let bytes = write_jsonl(&events).expect("written");
    let crlf = String::from_utf8(bytes).expect("utf-8").replace('\n', "\r\n");

    assert_eq!(read_jsonl(crlf.as_bytes()).expect("read"), events);
}

#[test]
fn tail_continues_from_head() {
    let (_, events) = common::sample_journal();
    let first = append_jsonl(&ChainHead::genesis(), &events[..8]).expect("first part");
    let second = append_jsonl(&first.head, &events[8..]).expect("second part");

    let mut whole = first.bytes.clone();
    whole.extend_from_slice(&second.bytes);
    assert_eq!(whole, write_jsonl(&events).expect("written"));

    let tail = read_jsonl_after(&first.head, &second.bytes).expect("tail");
    assert_eq!(tail.events, events[8..].to_vec());
    assert_eq!(tail.head, second.head);
}

#[test]
fn tail_from_other_position_is_rejected() {
    let (_, events) = common::sample_journal();
    let first = append_jsonl(&ChainHead::genesis(), &events[..8]).expect("first part");
    let second = append_jsonl(&first.head, &events[8..]).expect("second part");

    let wrong_hash = ChainHead { seq: 8, hash: labshare::journal::ChainHash::ZERO };
    let error = read_jsonl_after(&wrong_hash, &second.bytes).unwrap_err();
    assert_eq!(corrupt_location(&error), "line 1 (seq 9)");

    let wrong_seq = ChainHead { seq: 7, hash: first.head.hash };
    assert!(read_jsonl_after(&wrong_seq, &second.bytes).is_err());
}

#[test]
fn writing_gap_is_rejected() {
    let (_, events) = common::sample_journal();
    let gapped = vec![events[0].clone(), events[2].clone()];

    let error = write_jsonl(&gapped).unwrap_err();
    assert_eq!(error.code(), "invalid_value");
    assert_eq!(error.field(), Some("seq"));
}

#[test]
fn replay_rejects_rule_breaking_journal() {
    // A well-formed chain whose events the rules forbid: publishing by a unit admin.
    let (_, mut events) = common::sample_journal();
    events.truncate(7);
    events[6].actor = labshare::Actor::unit_admin("admin-xjat", common::unit_id("XJ-AT"));
    let bytes = write_jsonl(&events).expect("written");

    let read = read_jsonl(&bytes).expect("chain is intact");
    let error = Network::replay(&read).unwrap_err();
    assert_eq!(error.code(), "permission_denied");
}

//! Feeds arbitrary bytes to the journal and snapshot readers. Neither may
//! panic. A journal that reads must replay without panicking and give the
//! same state or error as applying its events one at a time. Written
//! again, it must read back equal.

#![no_main]

use labshare::journal::{read_jsonl, verify_jsonl, write_jsonl};
use labshare::snapshot::{read_snapshot, resume};
use labshare::Network;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    let check = verify_jsonl(bytes);
    let read = read_jsonl(bytes);
    assert_eq!(read.is_ok(), check.is_intact(), "read_jsonl and verify_jsonl disagree");

    if let Ok(events) = read {
        // Replay reads ahead of the event it applies, so check that the
        // result is the same as applying the events one at a time.
        let replayed = Network::replay(&events);
        let mut stepped = Network::new();
        let applied = events.iter().try_for_each(|event| stepped.apply(event));
        match (replayed, applied) {
            (Ok(replayed), Ok(())) => assert_eq!(replayed, stepped, "replay and apply give different states"),
            (Err(replayed), Err(applied)) => assert_eq!(replayed, applied, "replay and apply fail differently"),
            (replayed, applied) => panic!("replay gives {:?}, apply {:?}", replayed.err(), applied.err()),
        }
        let rewritten = write_jsonl(&events).expect("events that were read can be written");
        assert_eq!(read_jsonl(&rewritten).expect("rewritten journal reads"), events);
    }

    if let Ok(snapshot) = read_snapshot(bytes) {
        let _ = snapshot.continue_with(b"");
    }
    let _ = resume(bytes, bytes);
});

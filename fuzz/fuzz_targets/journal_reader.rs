//! Feeds arbitrary bytes to the journal and snapshot readers. Neither may
//! panic; a journal that reads must replay without panicking and must
//! read back equal after writing it again.

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
        let _ = Network::replay(&events);
        let rewritten = write_jsonl(&events).expect("events that were read can be written");
        assert_eq!(read_jsonl(&rewritten).expect("rewritten journal reads"), events);
    }

    if let Ok(snapshot) = read_snapshot(bytes) {
        let _ = snapshot.continue_with(b"");
    }
    let _ = resume(bytes, bytes);
});

//! A writer killed with SIGKILL in the middle of appending leaves a store
//! that reopens with every committed event and nothing of the append that
//! was cut off.

mod support;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use labshare::Network;
use labshare_store::Store;

const CHILD_PATH_VAR: &str = "LABSHARE_STORE_CRASH_CHILD";

/// Appends batches of three events until killed, printing each committed
/// head. Runs only as the child process of `killed_writer_loses_nothing_committed`.
#[test]
#[ignore = "child process of killed_writer_loses_nothing_committed"]
fn crash_writer_child() {
    let Ok(path) = std::env::var(CHILD_PATH_VAR) else { return };
    let mut store = Store::open(&path).expect("child opened the store");
    let mut network = store.load().expect("child loaded the store").network;
    if store.head().seq == 0 {
        let unit = support::register_unit(&mut network);
        store.append(&[unit]).expect("unit appended");
        println!("committed 1");
    }
    let mut index = (store.head().seq - 1) / 3;
    loop {
        let batch = support::instrument_batch(&mut network, index);
        let head = store.append(&batch).expect("batch appended");
        println!("committed {}", head.seq);
        index += 1;
    }
}

#[test]
fn killed_writer_loses_nothing_committed() {
    let path = support::temp_store("crash");
    let executable = std::env::current_exe().expect("test executable");
    let mut last_reported = 0;

    // Several rounds on the same file, each killed after a different number
    // of commits, so some kills land inside a transaction.
    for (round, stop_after) in [40u64, 97, 151, 63, 120].into_iter().enumerate() {
        let mut child = Command::new(&executable)
            .args(["--ignored", "--exact", "crash_writer_child", "--nocapture", "--test-threads=1"])
            .env(CHILD_PATH_VAR, &path)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("child started");
        let stdout = child.stdout.take().expect("child stdout");
        let mut reader = BufReader::new(stdout);

        let mut commits_this_round = 0;
        let mut line = String::new();
        while commits_this_round < stop_after {
            line.clear();
            let read = reader.read_line(&mut line).expect("child output");
            assert!(read > 0, "round {round}: the writer exited before it was killed");
            if let Some(seq) = line.trim().strip_prefix("committed ") {
                last_reported = seq.parse().expect("sequence number");
                commits_this_round += 1;
            }
        }
        child.kill().expect("SIGKILL sent");
        child.wait().expect("child reaped");
        // Commits the child printed before it died also count.
        for rest in reader.lines() {
            let Ok(rest) = rest else { break };
            if let Some(seq) = rest.trim().strip_prefix("committed ") {
                last_reported = seq.parse().expect("sequence number");
            }
        }

        let store = Store::open(&path).expect("reopened after the kill");
        let head = store.head().seq;
        assert!(head >= last_reported, "round {round}: committed {last_reported} but the store holds {head}");
        assert_eq!((head - 1) % 3, 0, "round {round}: a batch of three was stored in part (head {head})");

        let check = store.verify().expect("verified");
        assert!(check.is_intact(), "round {round}: {:?}", check.problems);
        assert_eq!(check.lines, head);

        let restored = store.load().expect("replayed");
        let instruments = restored.network.registry().instruments().count() as u64;
        assert_eq!(instruments, (head - 1) / 3, "round {round}");
        assert_eq!(restored.network, Network::replay(&labshare::journal::read_jsonl(&store.journal_jsonl().expect("journal")).expect("read")).expect("replayed"));
    }
}

//! Appends, snapshots and reloads of the SQLite store.

mod support;

use labshare::Network;
use labshare::journal::{ChainHead, read_jsonl, write_jsonl};
use labshare_store::{Store, StoreError, StoredNetwork};

fn filled_network(instruments: u64) -> (Network, Vec<labshare::Event>) {
    let mut network = Network::new();
    let mut events = vec![support::register_unit(&mut network)];
    for index in 0..instruments {
        events.extend(support::instrument_batch(&mut network, index));
    }
    (network, events)
}

#[test]
fn appended_events_reload_after_reopen() {
    let path = support::temp_store("reopen");
    let (network, events) = filled_network(10);
    {
        let mut store = Store::open(&path).expect("opened");
        store.append(&events[..1]).expect("first append");
        store.append(&events[1..]).expect("second append");
        assert_eq!(store.head().seq, 31);
    }

    let store = Store::open(&path).expect("reopened");
    assert_eq!(store.head().seq, 31);
    assert_eq!(store.load().expect("loaded").network, network);
    assert_eq!(store.journal_jsonl().expect("journal"), write_jsonl(&events).expect("written"));
    assert!(store.verify().expect("verified").is_intact());
}

#[test]
fn snapshot_and_tail_equal_full_replay() {
    let (_, events) = filled_network(20);
    let mut store = Store::open_in_memory().expect("opened");
    store.append(&events[..31]).expect("appended");
    let state = Network::replay(&events[..31]).expect("replayed");
    store.save_snapshot(&state).expect("snapshot");
    store.append(&events[31..]).expect("appended tail");

    let loaded = store.load().expect("loaded");
    let replayed = store.replay().expect("replayed");
    assert_eq!(loaded, replayed);
    assert_eq!(loaded.head, store.head());
}

#[test]
fn snapshot_off_head_is_refused() {
    let (_, events) = filled_network(2);
    let mut store = Store::open_in_memory().expect("opened");
    store.append(&events).expect("appended");
    let behind = Network::replay(&events[..4]).expect("replayed");

    let error = store.save_snapshot(&behind).unwrap_err();
    assert_eq!(error.code(), "invalid_value");
}

#[test]
fn gap_in_append_stores_nothing() {
    let (_, events) = filled_network(3);
    let mut store = Store::open_in_memory().expect("opened");
    store.append(&events[..4]).expect("appended");
    let gapped = vec![events[4].clone(), events[6].clone()];

    let error = store.append(&gapped).unwrap_err();
    assert_eq!(error.code(), "invalid_value");
    assert_eq!(store.head().seq, 4);
    assert_eq!(read_jsonl(&store.journal_jsonl().expect("journal")).expect("read").len(), 4);
}

#[test]
fn second_writer_is_detected() {
    let path = support::temp_store("two-writers");
    let (_, events) = filled_network(2);
    let mut first = Store::open(&path).expect("first");
    let mut second = Store::open(&path).expect("second");
    first.append(&events[..4]).expect("first append");

    let error = second.append(&events[..1]).unwrap_err();
    assert!(matches!(error, StoreError::ConcurrentWrite { expected: 0, found: 4 }), "{error:?}");
    assert_eq!(second.refresh().expect("refreshed").seq, 4);
    second.append(&events[4..]).expect("append after refresh");
    assert_eq!(Store::open(&path).expect("third").head().seq, 7);
}

#[test]
fn stored_network_keeps_state_and_store_in_step() {
    let path = support::temp_store("stored-network");
    {
        let mut stored = StoredNetwork::open(&path).expect("opened");
        let mut scratch = Network::new();
        let unit = support::register_unit(&mut scratch);
        stored.execute(&unit.actor, unit.at, unit.change.clone()).expect("unit");

        let rejected = stored.execute(&support::admin(), unit.at, unit.change.clone()).unwrap_err();
        assert_eq!(rejected.code(), "permission_denied");
        assert_eq!(stored.store().head().seq, 1);
        stored.save_snapshot().expect("snapshot");
    }

    let reopened = StoredNetwork::open(&path).expect("reopened");
    assert_eq!(reopened.network().registry().units().count(), 1);
    assert_eq!(reopened.store().head().seq, 1);
}

#[test]
fn edited_row_fails_load() {
    let path = support::temp_store("edited-row");
    let (_, events) = filled_network(2);
    let mut store = Store::open(&path).expect("opened");
    store.append(&events).expect("appended");
    drop(store);

    let connection = rusqlite_connection(&path);
    connection
        .execute("UPDATE events SET line = replace(line, '\"samples\":1', '\"samples\":9') WHERE seq = 7", [])
        .expect("edited");
    drop(connection);

    let store = Store::open(&path).expect("reopened");
    let error = store.load().unwrap_err();
    assert_eq!(error.code(), "corrupt");
    assert!(error.to_string().contains("line 7"), "{error}");
    let check = store.verify().expect("verified");
    assert_eq!(check.problems.len(), 1);
    assert_eq!(check.problems[0].line, 7);
}

#[test]
fn empty_store_loads_empty_network() {
    let store = Store::open_in_memory().expect("opened");
    assert_eq!(store.head(), ChainHead::genesis());
    assert_eq!(store.load().expect("loaded").network, Network::new());
}

fn rusqlite_connection(path: &std::path::Path) -> rusqlite::Connection {
    rusqlite::Connection::open(path).expect("opened with SQLite")
}

#[test]
fn history_appends_only_new_events() {
    let (_, events) = filled_network(3);
    let mut store = Store::open_in_memory().expect("opened");

    assert_eq!(store.append_history(&events[..4]).expect("first").seq, 4);
    assert_eq!(store.append_history(&events[..4]).expect("same again").seq, 4);
    assert_eq!(store.append_history(&events).expect("rest").seq, 10);
    assert_eq!(store.journal_jsonl().expect("journal"), write_jsonl(&events).expect("written"));
}

#[test]
fn shorter_history_is_rejected() {
    let (_, events) = filled_network(3);
    let mut store = Store::open_in_memory().expect("opened");
    store.append(&events).expect("appended");

    let error = store.append_history(&events[..5]).unwrap_err();
    assert_eq!(error.code(), "invalid_value");
    assert_eq!(store.head().seq, 10);
}

#[test]
fn forked_history_is_rejected() {
    let (_, events) = filled_network(3);
    let mut store = Store::open_in_memory().expect("opened");
    store.append(&events[..4]).expect("appended");

    let mut forked = events.clone();
    if let Some(event) = forked.get_mut(3) {
        event.at += chrono::Duration::seconds(1);
    }
    let error = store.append_history(&forked).unwrap_err();
    assert_eq!(error.code(), "invalid_value");
    let StoreError::Labshare(inner) = &error else { panic!("expected a labshare error, got {error:?}") };
    assert!(inner.text().en.contains("event 4 differs"), "{}", inner.text().en);
    assert_eq!(store.head().seq, 4);
}

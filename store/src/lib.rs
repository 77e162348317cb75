//! # labshare-store
//!
//! A SQLite store for the event journal and snapshots of a labshare
//! [`Network`]: the embedded default for a Rust service. SQLite is compiled
//! in (rusqlite's `bundled` feature), so nothing needs installing.
//!
//! Each event is stored as its journal line (the JSON Lines format of
//! [`labshare::journal`]) in one row, so the store's journal is exactly the
//! file [`Store::journal_jsonl`] returns and every read checks the hash
//! chain. Appends run in one transaction each, so after a crash the store
//! contains every committed append and nothing of an append that did not
//! commit.
//!
//! ```no_run
//! use labshare_store::StoredNetwork;
//!
//! let mut stored = StoredNetwork::open("network.sqlite3")?;
//! println!("{} events", stored.store().head().seq);
//! # Ok::<(), labshare_store::StoreError>(())
//! ```

use std::path::Path;

use chrono::{DateTime, Utc};
use labshare::journal::{ChainHash, ChainHead, JournalCheck, append_jsonl, decode_line, verify_jsonl};
use labshare::snapshot::{Restored, Snapshot, read_snapshot, replay_jsonl, write_snapshot};
use labshare::{Actor, Change, Event, Network};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};

/// The layout version of the SQLite tables, kept in the `meta` table.
pub const STORE_FORMAT: u32 = 1;

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS events (
    seq  INTEGER PRIMARY KEY,
    hash TEXT NOT NULL,
    line TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS snapshots (
    seq  INTEGER PRIMARY KEY,
    hash TEXT NOT NULL,
    data BLOB NOT NULL
);
";

/// An error of the store.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// SQLite failed: the file cannot be opened, is locked, or the disk is full.
    #[error("SQLite error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// A journal or snapshot check failed, or the rules rejected an event.
    #[error("{0}")]
    Labshare(#[from] labshare::Error),
    /// Another writer appended since this store was opened.
    #[error(
        "another writer appended to the store: expected the last event to be {expected}, found {found}; reopen the store"
    )]
    ConcurrentWrite {
        /// The sequence number this store last saw.
        expected: u64,
        /// The sequence number found in the file.
        found: u64,
    },
    /// The file was written by a newer version of the store.
    #[error("store format {found} is not supported: this library reads format {STORE_FORMAT}; upgrade labshare-store")]
    UnsupportedFormat {
        /// The format found in the file.
        found: String,
    },
}

impl StoreError {
    /// Returns a stable machine-readable code; for [`StoreError::Labshare`]
    /// the code of the inner error, such as `corrupt`.
    pub fn code(&self) -> &'static str {
        match self {
            StoreError::Sqlite(_) => "sqlite",
            StoreError::Labshare(error) => error.code(),
            StoreError::ConcurrentWrite { .. } => "concurrent_write",
            StoreError::UnsupportedFormat { .. } => "unsupported_format",
        }
    }
}

/// Shorthand for results of the store.
pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// A journal and its snapshots in one SQLite file.
#[derive(Debug)]
pub struct Store {
    connection: Connection,
    head: ChainHead,
}

impl Store {
    /// Opens the store at `path`, creating the file and tables if needed.
    ///
    /// The connection uses write-ahead logging with `synchronous = FULL`, so
    /// a committed append survives a crash of the process or the machine.
    ///
    /// # Errors
    ///
    /// [`StoreError::Sqlite`] if the file cannot be opened,
    /// [`StoreError::UnsupportedFormat`] for a newer store, and
    /// [`StoreError::Labshare`] with a `corrupt` error if the stored
    /// sequence numbers have gaps.
    pub fn open(path: impl AsRef<Path>) -> Result<Store> {
        let connection = Connection::open(path)?;
        connection.pragma_update(None, "journal_mode", "WAL")?;
        connection.pragma_update(None, "synchronous", "FULL")?;
        connection.busy_timeout(std::time::Duration::from_secs(5))?;
        Store::init(connection)
    }

    /// Opens a store that lives in memory only, for tests and trials.
    ///
    /// # Errors
    ///
    /// [`StoreError::Sqlite`] if SQLite cannot allocate it.
    pub fn open_in_memory() -> Result<Store> {
        Store::init(Connection::open_in_memory()?)
    }

    fn init(connection: Connection) -> Result<Store> {
        connection.execute_batch(SCHEMA)?;
        connection.execute(
            "INSERT OR IGNORE INTO meta (key, value) VALUES ('store_format', ?1)",
            params![STORE_FORMAT.to_string()],
        )?;
        let format: String = connection.query_row("SELECT value FROM meta WHERE key = 'store_format'", [], |row| row.get(0))?;
        if format != STORE_FORMAT.to_string() {
            return Err(StoreError::UnsupportedFormat { found: format });
        }
        let head = read_head(&connection)?;
        Ok(Store { connection, head })
    }

    /// Returns the position after the last stored event.
    pub fn head(&self) -> ChainHead {
        self.head
    }

    /// Re-reads the head from the file, to continue after another writer
    /// appended.
    ///
    /// # Errors
    ///
    /// As [`Store::open`].
    pub fn refresh(&mut self) -> Result<ChainHead> {
        self.head = read_head(&self.connection)?;
        Ok(self.head)
    }

    /// Appends `events` in one transaction and returns the new head.
    ///
    /// Either every event is stored or, on error, none is.
    ///
    /// # Errors
    ///
    /// [`StoreError::Labshare`] with an `invalid_value` error if the events
    /// do not continue the stored journal without a gap,
    /// [`StoreError::ConcurrentWrite`] if another writer appended since this
    /// store last read its head, and [`StoreError::Sqlite`] if the write fails.
    pub fn append(&mut self, events: &[Event]) -> Result<ChainHead> {
        if events.is_empty() {
            return Ok(self.head);
        }
        let lines = encode_lines(&self.head, events)?;

        let transaction = self.connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let found = read_head(&transaction)?;
        if found != self.head {
            return Err(StoreError::ConcurrentWrite { expected: self.head.seq, found: found.seq });
        }
        {
            let mut insert = transaction.prepare_cached("INSERT INTO events (seq, hash, line) VALUES (?1, ?2, ?3)")?;
            for (seq, hash, line) in &lines {
                insert.execute(params![to_sql_seq(*seq)?, hash.to_hex(), line])?;
            }
        }
        transaction.commit()?;

        if let Some((seq, hash, _)) = lines.last() {
            self.head = ChainHead { seq: *seq, hash: *hash };
        }
        Ok(self.head)
    }

    /// Appends the events of `history` after the stored head and returns the
    /// new head. `history` is a network's whole journal from event 1, such
    /// as the events a binding keeps beside its network.
    ///
    /// The event at the stored head must equal the stored one, so a history
    /// that forked from the store is rejected rather than appended.
    ///
    /// # Errors
    ///
    /// [`StoreError::Labshare`] with an `invalid_value` error if `history`
    /// is shorter than the stored journal or differs from it at the head,
    /// and the errors of [`Store::append`].
    pub fn append_history(&mut self, history: &[Event]) -> Result<ChainHead> {
        let stored = self.head.seq;
        let known = u64::try_from(history.len()).unwrap_or(u64::MAX);
        let position = usize::try_from(stored).unwrap_or(usize::MAX);
        let at_head = match position.checked_sub(1) {
            Some(index) => history.get(index),
            None => None,
        };
        if known < stored {
            return Err(history_error(
                format!("{known} events"),
                labshare::Text::new(
                    format!("至少含有存储中 {stored} 个事件的历史"),
                    format!("a history with at least the {stored} stored events"),
                ),
            ));
        }
        if let Some(event) = at_head
            && self.stored_event(stored)? != *event
        {
            return Err(history_error(
                format!("event {stored}"),
                labshare::Text::new(
                    format!("与存储一致的历史；第 {stored} 个事件与存储中的不同，该网络已与存储分叉"),
                    format!("a history that matches the store; event {stored} differs from the stored one, so the network forked from the store"),
                ),
            ));
        }
        let start = position.min(history.len());
        let new_events = history.get(start..).unwrap_or_default();
        self.append(new_events)
    }

    /// Reads and decodes the stored event `seq`, checking its line's hash.
    fn stored_event(&self, seq: u64) -> Result<Event> {
        let previous = match seq.checked_sub(1) {
            Some(0) | None => ChainHead::genesis(),
            Some(before) => {
                let hash: String = self.connection.query_row(
                    "SELECT hash FROM events WHERE seq = ?1",
                    params![to_sql_seq(before)?],
                    |row| row.get(0),
                )?;
                ChainHead { seq: before, hash: ChainHash::parse(&hash)? }
            }
        };
        let line: String =
            self.connection.query_row("SELECT line FROM events WHERE seq = ?1", params![to_sql_seq(seq)?], |row| row.get(0))?;
        let (event, _) = decode_line(&previous, line.as_bytes(), seq)?;
        Ok(event)
    }

    /// Returns the whole journal as the bytes of a JSON Lines journal file.
    ///
    /// # Errors
    ///
    /// [`StoreError::Sqlite`] if the read fails.
    pub fn journal_jsonl(&self) -> Result<Vec<u8>> {
        self.lines_after(0)
    }

    /// Returns the journal lines after sequence number `seq` as JSON Lines bytes.
    ///
    /// # Errors
    ///
    /// [`StoreError::Sqlite`] if the read fails.
    pub fn lines_after(&self, seq: u64) -> Result<Vec<u8>> {
        let mut select = self.connection.prepare_cached("SELECT line FROM events WHERE seq > ?1 ORDER BY seq")?;
        let mut rows = select.query(params![to_sql_seq(seq)?])?;
        let mut bytes = Vec::new();
        while let Some(row) = rows.next()? {
            let line: String = row.get(0)?;
            bytes.extend_from_slice(line.as_bytes());
            bytes.push(b'\n');
        }
        Ok(bytes)
    }

    /// Checks the stored journal line by line and reports every problem.
    ///
    /// # Errors
    ///
    /// [`StoreError::Sqlite`] if the read fails.
    pub fn verify(&self) -> Result<JournalCheck> {
        Ok(verify_jsonl(&self.journal_jsonl()?))
    }

    /// Stores a snapshot of `network`, which must be at the store's head.
    ///
    /// # Errors
    ///
    /// [`StoreError::Labshare`] with an `invalid_value` error if `network`
    /// is not at the head; [`StoreError::Sqlite`] if the write fails.
    pub fn save_snapshot(&mut self, network: &Network) -> Result<ChainHead> {
        let bytes = write_snapshot(network, &self.head)?;
        self.connection.execute(
            "INSERT OR REPLACE INTO snapshots (seq, hash, data) VALUES (?1, ?2, ?3)",
            params![to_sql_seq(self.head.seq)?, self.head.hash.to_hex(), bytes],
        )?;
        Ok(self.head)
    }

    /// Rebuilds the state from the newest snapshot and the journal after it,
    /// or from the whole journal if there is no snapshot.
    ///
    /// # Errors
    ///
    /// [`StoreError::Labshare`] with a `corrupt` error for a damaged snapshot
    /// or journal line, or the rule error of an event that no longer
    /// replays; [`StoreError::Sqlite`] if a read fails.
    pub fn load(&self) -> Result<Restored> {
        let newest: Option<Vec<u8>> = self
            .connection
            .query_row("SELECT data FROM snapshots ORDER BY seq DESC LIMIT 1", [], |row| row.get(0))
            .optional()?;
        let snapshot = match newest {
            Some(bytes) => read_snapshot(&bytes)?,
            None => Snapshot { head: ChainHead::genesis(), network: Network::new() },
        };
        let tail = self.lines_after(snapshot.head.seq)?;
        Ok(snapshot.continue_with(&tail)?)
    }

    /// Rebuilds the state by replaying the whole journal, ignoring snapshots.
    ///
    /// # Errors
    ///
    /// As [`Store::load`].
    pub fn replay(&self) -> Result<Restored> {
        Ok(replay_jsonl(&self.journal_jsonl()?)?)
    }
}

/// Encodes the events as lines continuing `head`, with each line's hash.
fn encode_lines(head: &ChainHead, events: &[Event]) -> Result<Vec<(u64, ChainHash, String)>> {
    let mut lines = Vec::with_capacity(events.len());
    let mut position = *head;
    for event in events {
        let encoded = append_jsonl(&position, std::slice::from_ref(event))?;
        let mut text = String::from_utf8(encoded.bytes).map_err(|error| {
            labshare::Error::invalid_value(
                "event",
                error,
                labshare::Text::new("可编码为 UTF-8 的事件", "an event that encodes as UTF-8"),
            )
        })?;
        text.pop();
        lines.push((encoded.head.seq, encoded.head.hash, text));
        position = encoded.head;
    }
    Ok(lines)
}

/// Reads the last stored event's position and checks that the sequence
/// numbers run from 1 without gaps.
fn read_head(connection: &Connection) -> Result<ChainHead> {
    let (count, last): (i64, Option<i64>) =
        connection.query_row("SELECT COUNT(*), MAX(seq) FROM events", [], |row| Ok((row.get(0)?, row.get(1)?)))?;
    let Some(last) = last else {
        return Ok(ChainHead::genesis());
    };
    if count != last {
        return Err(corrupt(
            format!("事件表有 {count} 行，但最大序号为 {last}：有事件缺失"),
            format!("the events table has {count} rows but the last sequence number is {last}, so events are missing"),
        ));
    }
    let hash: String = connection.query_row("SELECT hash FROM events WHERE seq = ?1", params![last], |row| row.get(0))?;
    let seq = u64::try_from(last).map_err(|_| corrupt("序号为负数".to_owned(), "a sequence number is negative".to_owned()))?;
    Ok(ChainHead { seq, hash: ChainHash::parse(&hash)? })
}

fn history_error(value: String, expected: labshare::Text) -> StoreError {
    StoreError::Labshare(labshare::Error::invalid_value("history", value, expected))
}

fn to_sql_seq(seq: u64) -> Result<i64> {
    i64::try_from(seq).map_err(|_| StoreError::Labshare(labshare::Error::overflow("journal sequence number")))
}

fn corrupt(zh: String, en: String) -> StoreError {
    StoreError::Labshare(labshare::Error::Corrupt {
        location: "store events table".to_owned(),
        detail: labshare::Text::new(zh, en),
    })
}

/// A network kept in step with its store: every accepted change is appended
/// before the call returns.
#[derive(Debug)]
pub struct StoredNetwork {
    store: Store,
    network: Network,
}

impl StoredNetwork {
    /// Opens the store at `path` and rebuilds the network from it.
    ///
    /// # Errors
    ///
    /// As [`Store::open`] and [`Store::load`].
    pub fn open(path: impl AsRef<Path>) -> Result<StoredNetwork> {
        let store = Store::open(path)?;
        let network = store.load()?.network;
        Ok(StoredNetwork { store, network })
    }

    /// Returns the current state.
    pub fn network(&self) -> &Network {
        &self.network
    }

    /// Returns the underlying store.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Checks and applies `change`, then appends its event.
    ///
    /// If the append fails, the network is rebuilt from the store, so the
    /// state never runs ahead of what is stored.
    ///
    /// # Errors
    ///
    /// [`StoreError::Labshare`] with the rule or role error that rejects the
    /// change (nothing is stored then), or the error of the append.
    pub fn execute(&mut self, actor: &Actor, now: DateTime<Utc>, change: Change) -> Result<Event> {
        let event = self.network.execute(actor, now, change)?;
        if let Err(error) = self.store.append(std::slice::from_ref(&event)) {
            self.store.refresh()?;
            self.network = self.store.load()?.network;
            return Err(error);
        }
        Ok(event)
    }

    /// Stores a snapshot of the current state.
    ///
    /// # Errors
    ///
    /// As [`Store::save_snapshot`].
    pub fn save_snapshot(&mut self) -> Result<ChainHead> {
        self.store.save_snapshot(&self.network)
    }
}

//! Snapshots: the whole state at one journal position (状态快照).
//!
//! A snapshot is one line of JSON ending in `\n`:
//!
//! ```text
//! {"v":1,"head":{"seq":1200,"hash":"…"},"network":{…},"hash":"…"}
//! ```
//!
//! `head` is the journal position the state is at: the sequence number and
//! hash of the last event applied. `hash` is the SHA-256 of the bytes before
//! `,"hash"` followed by `}`, as on a journal line, so an edited snapshot is
//! rejected. Loading a snapshot and applying the journal lines after its
//! head gives the same state as replaying the whole journal. The tail must
//! continue the snapshot's head exactly, so a tail from another journal or
//! with a gap is rejected.
//!
//! A snapshot is trusted as the state it records: loading it does not
//! repeat the rule checks that built it. Keep the journal to rebuild the
//! state from the events when in doubt.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::journal::jsonl::{HASH_MEMBER, line_version, split_hash};
use crate::journal::{ChainHash, ChainHead, JournalReader};
use crate::lang::Text;
use crate::network::Network;
use crate::replay::Pipeline;

/// The snapshot format version this library writes, and the newest it reads.
pub const SNAPSHOT_VERSION: u32 = 1;

#[derive(Serialize)]
struct SnapshotBody<'a> {
    v: u32,
    head: &'a ChainHead,
    network: &'a Network,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SnapshotV1 {
    #[allow(dead_code)]
    v: u32,
    head: ChainHead,
    network: Network,
    #[allow(dead_code)]
    hash: serde::de::IgnoredAny,
}

/// A snapshot as it appears in a file, described for the JSON Schema. Code
/// reads and writes snapshots with [`read_snapshot`] and [`write_snapshot`],
/// which also check the hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct SnapshotFile {
    /// Format version; always the first member.
    pub v: u32,
    /// The last event applied to `network`.
    pub head: ChainHead,
    /// The state.
    pub network: Network,
    /// SHA-256 of the bytes before `,"hash"` followed by `}`; always the
    /// last member.
    pub hash: ChainHash,
}

/// A loaded snapshot: the state and the journal position it is at.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Snapshot {
    /// The last event applied to `network`.
    pub head: ChainHead,
    /// The state.
    pub network: Network,
}

/// A state rebuilt from a journal, with the head of the last event applied.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Restored {
    /// The state.
    pub network: Network,
    /// The last event applied.
    pub head: ChainHead,
}

/// Writes `network` as a snapshot at journal position `head`.
///
/// # Errors
///
/// [`Error::InvalidValue`] if `head.seq` is not the sequence number of the
/// last event applied to `network` (`network.next_seq() - 1`).
pub fn write_snapshot(network: &Network, head: &ChainHead) -> Result<Vec<u8>> {
    check_position(network, head)?;
    let body = SnapshotBody { v: SNAPSHOT_VERSION, head, network };
    let mut bytes = serde_json::to_vec(&body).map_err(|error| {
        Error::invalid_value("network", error, Text::new("可序列化为 JSON 的状态", "a state that serialises to JSON"))
    })?;
    let hash = ChainHash::of(&[&bytes]);

    bytes.pop();
    bytes.extend_from_slice(HASH_MEMBER);
    bytes.extend_from_slice(hash.to_hex().as_bytes());
    bytes.extend_from_slice(b"\"}\n");
    Ok(bytes)
}

/// Reads a snapshot and checks its hash, version and position.
///
/// # Errors
///
/// [`Error::Corrupt`] if the snapshot is incomplete, edited, of a newer
/// format, not valid JSON, or its head does not match its state.
pub fn read_snapshot(bytes: &[u8]) -> Result<Snapshot> {
    let line = bytes.strip_suffix(b"\n").unwrap_or(bytes);
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    let corrupt = |zh: String, en: String| Error::Corrupt { location: "snapshot".to_owned(), detail: Text::new(zh, en) };

    let (content, stated) = split_hash(line).ok_or_else(|| {
        corrupt(
            "快照末尾缺少 \"hash\" 字段：文件不完整或不是快照".to_owned(),
            "the snapshot does not end with a \"hash\" member: the file is incomplete or not a snapshot".to_owned(),
        )
    })?;
    if ChainHash::of(&[content, b"}"]) != stated {
        return Err(corrupt(
            "内容与快照哈希不符：快照在写入后被修改；请从日志重放重建状态".to_owned(),
            "the content does not match the snapshot's hash, so it was changed after it was written; rebuild the state by replaying the journal".to_owned(),
        ));
    }

    let version = line_version(line).ok_or_else(|| {
        corrupt("快照应以 {\"v\":版本号, 开头".to_owned(), "a snapshot must begin with {\"v\":<version>,".to_owned())
    })?;
    if version != SNAPSHOT_VERSION {
        return Err(corrupt(
            format!("快照格式版本 {version} 不受支持：本库读取版本 1 至 {SNAPSHOT_VERSION}；请升级 labshare"),
            format!("snapshot format version {version} is not supported: this library reads versions 1 to {SNAPSHOT_VERSION}; upgrade labshare"),
        ));
    }

    let parsed: SnapshotV1 = serde_json::from_slice(line).map_err(|error| {
        corrupt(format!("不是有效的版本 1 快照：{error}"), format!("not a valid version 1 snapshot: {error}"))
    })?;
    check_position(&parsed.network, &parsed.head).map_err(|_| {
        corrupt(
            format!("快照位置（序号 {}）与状态的下一序号 {} 不符", parsed.head.seq, parsed.network.next_seq()),
            format!(
                "the snapshot's position (seq {}) does not match its state's next sequence number {}",
                parsed.head.seq,
                parsed.network.next_seq()
            ),
        )
    })?;
    Ok(Snapshot { head: parsed.head, network: parsed.network })
}

impl Snapshot {
    /// Applies the journal lines that follow the snapshot's head.
    ///
    /// # Errors
    ///
    /// [`Error::Corrupt`] for a tail line that is malformed, edited, or does
    /// not continue the head; otherwise the error of the first event that
    /// the rules reject.
    pub fn continue_with(self, tail: &[u8]) -> Result<Restored> {
        let mut reader = JournalReader::new(&self.head, tail);
        let mut network = self.network;
        Pipeline::run(&mut network, reader.by_ref())?;
        Ok(Restored { network, head: reader.head() })
    }
}

/// Loads a snapshot and applies the journal tail written after it.
///
/// # Errors
///
/// As [`read_snapshot`] and [`Snapshot::continue_with`].
pub fn resume(snapshot: &[u8], tail: &[u8]) -> Result<Restored> {
    read_snapshot(snapshot)?.continue_with(tail)
}

/// Rebuilds the state by replaying a whole journal from sequence number 1.
///
/// # Errors
///
/// As [`crate::journal::read_jsonl`] and [`Network::replay`].
pub fn replay_jsonl(journal: &[u8]) -> Result<Restored> {
    Snapshot { head: ChainHead::genesis(), network: Network::new() }.continue_with(journal)
}

fn check_position(network: &Network, head: &ChainHead) -> Result<()> {
    let last_applied = network.next_seq().saturating_sub(1);
    if head.seq != last_applied {
        return Err(Error::invalid_value(
            "head.seq",
            head.seq,
            Text::new(
                format!("状态中最后一个事件的序号 {last_applied}"),
                format!("the sequence number of the last event applied to the state, {last_applied}"),
            ),
        ));
    }
    Ok(())
}

//! Journal files, snapshots and spreadsheet cells (日志文件、快照与表格单元格).
//!
//! Each function wraps the `labshare::journal`, `labshare::snapshot` or
//! `labshare::exchange::cells` function it names. Files cross as `ByteArray`
//! and events as JSON text, the form that `Network.events()` returns and
//! `Network.replay` accepts.

use chrono::NaiveDate;
use labshare::exchange::cells;
use labshare::exchange::mapping::MoneyUnit;
use labshare::journal::{self, ChainHead as CoreHead};
use labshare::{Event, Money, Text as CoreText, snapshot};

use crate::errors::LabshareError;
use crate::lang::Text;
use crate::network::{event_json, parse_event};

/// The position after the last line of a journal (日志链头).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ChainHead {
    /// Sequence number of the last event; 0 for an empty journal.
    pub seq: u64,
    /// SHA-256 hash of the last line as 64 lowercase hex digits; 64 zeros
    /// for an empty journal.
    pub hash: String,
}

impl From<&CoreHead> for ChainHead {
    fn from(head: &CoreHead) -> ChainHead {
        ChainHead { seq: head.seq, hash: head.hash.to_hex() }
    }
}

/// One problem found in a journal line.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct LineProblem {
    /// Line number in the file, counting from 1.
    pub line: u64,
    /// The sequence number the line states, or null if unreadable.
    pub seq: Option<u64>,
    /// `malformed`, `unsupported_version`, `changed`, `missing`,
    /// `out_of_order`, `reordered` or `broken_link`.
    pub kind: String,
    /// Explanation and fix in Chinese and English.
    pub detail: Text,
}

/// The result of checking a whole journal file (日志校验结果).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct JournalCheck {
    /// Lines read, not counting the empty text after the final newline.
    pub lines: u64,
    /// The head the last line states; compare it with a head kept elsewhere
    /// to find lines cut from the end.
    pub head: ChainHead,
    /// Every problem found, in line order; empty for an intact journal.
    pub problems: Vec<LineProblem>,
}

/// A state rebuilt from a snapshot and the journal lines after it.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Restored {
    /// The journal position of the last event applied.
    pub head: ChainHead,
    /// The state as JSON text, as `Network.stateJson()` writes it.
    pub state_json: String,
}

fn parse_events(events: &[String]) -> Result<Vec<Event>, labshare::Error> {
    events.iter().enumerate().map(|(index, json)| parse_event(index + 1, json)).collect()
}

/// Returns the snake_case name that serde gives a unit enum variant.
fn serde_name<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|value| value.as_str().map(str::to_owned))
        .unwrap_or_default()
}

/// Writes `events` (JSON text) as a JSON Lines journal, one hash-chained line
/// per event. Fails with `invalid_value` if the sequence numbers do not run
/// 1, 2, 3, ..., and `corrupt` for text that is not an event.
#[uniffi::export]
pub fn write_journal(events: Vec<String>) -> Result<Vec<u8>, LabshareError> {
    Ok(journal::write_jsonl(&parse_events(&events)?)?)
}

/// Reads a JSON Lines journal and returns its events as JSON text, in order.
/// Fails with `corrupt` naming the first line that is malformed, edited,
/// missing or out of order.
#[uniffi::export]
pub fn read_journal(data: Vec<u8>) -> Result<Vec<String>, LabshareError> {
    let events = journal::read_jsonl(&data)?;
    Ok(events.iter().map(event_json).collect::<Result<_, _>>()?)
}

/// Checks every line of a journal and lists each problem with its line,
/// kind and explanation. Never fails for bad content.
#[uniffi::export]
pub fn verify_journal(data: Vec<u8>) -> JournalCheck {
    journal_check(&journal::verify_jsonl(&data))
}

/// Converts core's journal check.
pub(crate) fn journal_check(check: &journal::JournalCheck) -> JournalCheck {
    JournalCheck {
        lines: check.lines,
        head: ChainHead::from(&check.head),
        problems: check
            .problems
            .iter()
            .map(|problem| LineProblem {
                line: problem.line,
                seq: problem.seq,
                kind: serde_name(&problem.kind),
                detail: Text::from(problem.detail.clone()),
            })
            .collect(),
    }
}

/// Replays `events` (JSON text) and writes the state as a snapshot at the
/// journal position of the last event, with its hash.
#[uniffi::export]
pub fn write_snapshot(events: Vec<String>) -> Result<Vec<u8>, LabshareError> {
    let events = parse_events(&events)?;
    let network = labshare::Network::replay(&events)?;
    let head = journal::append_jsonl(&CoreHead::genesis(), &events)?.head;
    Ok(snapshot::write_snapshot(&network, &head)?)
}

/// Loads a snapshot, checks its hash, and applies the journal `tail` written
/// after it (empty for none). Fails with `corrupt` for an edited snapshot or
/// a tail that does not continue it.
#[uniffi::export]
pub fn resume_snapshot(snapshot: Vec<u8>, tail: Vec<u8>) -> Result<Restored, LabshareError> {
    let restored = snapshot::resume(&snapshot, &tail)?;
    let state_json = serde_json::to_string(&restored.network).map_err(|error| labshare::Error::Corrupt {
        location: "state".to_owned(),
        detail: CoreText::new(format!("状态无法写成 JSON：{error}"), format!("the state could not be written as JSON: {error}")),
    })?;
    Ok(Restored { head: ChainHead::from(&restored.head), state_json })
}

fn cell_error(field: &str, value: &str, reason: CoreText) -> LabshareError {
    LabshareError::from(labshare::Error::invalid_value(field, value, reason))
}

/// Reads a date cell as office spreadsheets write it (2017-07-14, 2017/7/14,
/// 2017年7月14日, full-width digits, an Excel serial number as text).
/// Fails with `invalid_value` and the reason.
#[uniffi::export]
pub fn parse_date_cell(text: String) -> Result<NaiveDate, LabshareError> {
    cells::parse_date_text(&text).map_err(|reason| cell_error("date", &text, reason))
}

/// Converts an Excel serial day number of the 1900 date system to a date; a
/// fraction (time of day) is dropped. Serial 60, the 1900-02-29 that never
/// was, and serials below 1 fail with `invalid_value`.
#[uniffi::export]
pub fn excel_serial_to_date(serial: f64) -> Result<NaiveDate, LabshareError> {
    cells::excel_serial_to_date(serial).map_err(|reason| cell_error("date", &serial.to_string(), reason))
}

/// Reads an amount cell in the column's `unit` (`"yuan"` or `"wan"`); a 元
/// or 万 suffix in the cell wins. Fails with `invalid_value` for a negative
/// amount, words, or a value finer than one fen.
#[uniffi::export]
pub fn parse_amount_cell(text: String, unit: String) -> Result<Money, LabshareError> {
    let column_unit: MoneyUnit = serde_json::from_value(serde_json::Value::String(unit.clone())).map_err(|_| {
        cell_error("unit", &unit, CoreText::new("\"yuan\"（元）或 \"wan\"（万元）", "\"yuan\" (元) or \"wan\" (万元)"))
    })?;
    cells::parse_amount_text(&text, column_unit).map_err(|reason| cell_error("amount", &text, reason))
}

/// Reads an acquisition source label (购置, 自制, ...) and returns its name.
#[uniffi::export]
pub fn parse_source_cell(text: String) -> Result<String, LabshareError> {
    let value = cells::parse_source(&text).map_err(|reason| cell_error("source", &text, reason))?;
    Ok(serde_name(&value))
}

/// Reads a sharing mode label (外部共享, 不共享, ...) and returns its name.
#[uniffi::export]
pub fn parse_sharing_mode_cell(text: String) -> Result<String, LabshareError> {
    let value = cells::parse_sharing_mode(&text).map_err(|reason| cell_error("sharing_mode", &text, reason))?;
    Ok(serde_name(&value))
}

/// Reads an operating status label (远程服务中, ...) or name and returns its name.
#[uniffi::export]
pub fn parse_operating_status_cell(text: String) -> Result<String, LabshareError> {
    let value =
        cells::parse_operating_status(&text).map_err(|reason| cell_error("operating_status", &text, reason))?;
    Ok(serde_name(&value))
}

/// Returns the two-letter country code for a country name or code (美国 →
/// `US`, ｄｅ → `DE`); text it does not know comes back normalised.
#[uniffi::export]
pub fn country_code(text: String) -> String {
    cells::country_code(&text)
}

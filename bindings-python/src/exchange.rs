//! Journal files, snapshots and spreadsheet cells (日志文件、快照与表格单元格).
//!
//! Each function wraps the `labshare::journal`, `labshare::snapshot` or
//! `labshare::exchange::cells` function it names. Files cross as `bytes`;
//! the `*_file` variants read or write a path (`str` or `os.PathLike`) and
//! otherwise do the same. Events cross as JSON text, the form that
//! `Network.events()` returns and `Network.replay` accepts.

use std::path::PathBuf;

use labshare::exchange::cells;
use labshare::exchange::mapping::MoneyUnit;
use labshare::journal::{self, ChainHead, JournalCheck};
use labshare::{Event, Text, snapshot};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyString};

use crate::convert::object::PythonClass;
use crate::errors::CoreError;
use crate::network::{event_json, parse_event};

static CHAIN_HEAD: PythonClass = PythonClass::new("labshare.exchange", "ChainHead");
static LINE_PROBLEM: PythonClass = PythonClass::new("labshare.exchange", "LineProblem");
static JOURNAL_CHECK: PythonClass = PythonClass::new("labshare.exchange", "JournalCheck");
static RESTORED: PythonClass = PythonClass::new("labshare.exchange", "Restored");
static TEXT: PythonClass = PythonClass::new("labshare.lang", "Text");

fn events(argument: &str, values: &Bound<'_, PyAny>) -> PyResult<Vec<Event>> {
    let mut parsed = Vec::new();
    for (index, item) in values.try_iter()?.enumerate() {
        let item = item?;
        let Ok(text) = item.cast::<PyString>() else {
            return Err(PyTypeError::new_err(format!(
                "expected str (an event in JSON) for {argument}[{index}]"
            )));
        };
        parsed.push(parse_event(index + 1, text.to_str()?).map_err(CoreError::from)?);
    }
    Ok(parsed)
}

fn event_texts(events: &[Event]) -> Result<Vec<String>, CoreError> {
    Ok(events.iter().map(event_json).collect::<Result<_, _>>()?)
}

pub(crate) fn py_head<'py>(py: Python<'py>, head: &ChainHead) -> PyResult<Bound<'py, PyAny>> {
    let kwargs = PyDict::new(py);
    kwargs.set_item("seq", head.seq)?;
    kwargs.set_item("hash", head.hash.to_hex())?;
    CHAIN_HEAD.build(&kwargs)
}

fn py_text<'py>(py: Python<'py>, text: &Text) -> PyResult<Bound<'py, PyAny>> {
    let kwargs = PyDict::new(py);
    kwargs.set_item("zh", &text.zh)?;
    kwargs.set_item("en", &text.en)?;
    TEXT.build(&kwargs)
}

pub(crate) fn py_check<'py>(py: Python<'py>, check: &JournalCheck) -> PyResult<Bound<'py, PyAny>> {
    let mut problems = Vec::with_capacity(check.problems.len());
    for problem in &check.problems {
        let kwargs = PyDict::new(py);
        kwargs.set_item("line", problem.line)?;
        kwargs.set_item("seq", problem.seq)?;
        kwargs.set_item("kind", serde_name(&problem.kind))?;
        kwargs.set_item("detail", py_text(py, &problem.detail)?)?;
        problems.push(LINE_PROBLEM.build(&kwargs)?);
    }
    let kwargs = PyDict::new(py);
    kwargs.set_item("lines", check.lines)?;
    kwargs.set_item("head", py_head(py, &check.head)?)?;
    kwargs.set_item("problems", pyo3::types::PyTuple::new(py, problems)?)?;
    JOURNAL_CHECK.build(&kwargs)
}

/// Returns the snake_case name that serde gives a unit enum variant.
fn serde_name<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|value| value.as_str().map(str::to_owned))
        .unwrap_or_default()
}

fn read_path(py: Python<'_>, path: &PathBuf) -> PyResult<Vec<u8>> {
    Ok(py.detach(|| std::fs::read(path))?)
}

fn write_path(py: Python<'_>, path: &PathBuf, bytes: &[u8]) -> PyResult<()> {
    Ok(py.detach(|| std::fs::write(path, bytes))?)
}

fn write_journal_bytes(py: Python<'_>, values: &Bound<'_, PyAny>) -> PyResult<Vec<u8>> {
    let events = events("events", values)?;
    Ok(py.detach(|| journal::write_jsonl(&events)).map_err(CoreError::from)?)
}

/// Write ``events`` (JSON text, from ``Network.events()``) as a JSON Lines
/// journal, one hash-chained line per event. Raises ``InvalidInputError``
/// (``invalid_value``) if the sequence numbers do not run 1, 2, 3, ..., and
/// ``IntegrityError`` (``corrupt``) for text that is not an event.
#[pyfunction]
pub fn write_journal<'py>(py: Python<'py>, events: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyBytes>> {
    let bytes = write_journal_bytes(py, events)?;
    Ok(PyBytes::new(py, &bytes))
}

/// Write ``events`` as a JSON Lines journal to ``path``, replacing the file.
#[pyfunction]
pub fn write_journal_file(py: Python<'_>, path: PathBuf, events: &Bound<'_, PyAny>) -> PyResult<()> {
    let bytes = write_journal_bytes(py, events)?;
    write_path(py, &path, &bytes)
}

/// Read a JSON Lines journal and return its events as JSON text, in order.
/// Raises ``IntegrityError`` (``corrupt``) naming the first line that is
/// malformed, edited, missing or out of order.
#[pyfunction]
pub fn read_journal(py: Python<'_>, data: Vec<u8>) -> PyResult<Vec<String>> {
    let events = py.detach(|| journal::read_jsonl(&data)).map_err(CoreError::from)?;
    Ok(event_texts(&events)?)
}

/// Read the JSON Lines journal at ``path``, as ``read_journal``.
#[pyfunction]
pub fn read_journal_file(py: Python<'_>, path: PathBuf) -> PyResult<Vec<String>> {
    let data = read_path(py, &path)?;
    read_journal(py, data)
}

/// Check every line of a journal and return a ``JournalCheck`` listing each
/// problem with its line, kind and explanation. Never raises for bad content.
#[pyfunction]
pub fn verify_journal<'py>(py: Python<'py>, data: Vec<u8>) -> PyResult<Bound<'py, PyAny>> {
    let check = py.detach(|| journal::verify_jsonl(&data));
    py_check(py, &check)
}

/// Check the journal at ``path``, as ``verify_journal``.
#[pyfunction]
pub fn verify_journal_file<'py>(py: Python<'py>, path: PathBuf) -> PyResult<Bound<'py, PyAny>> {
    let data = read_path(py, &path)?;
    verify_journal(py, data)
}

fn snapshot_bytes(py: Python<'_>, values: &Bound<'_, PyAny>) -> PyResult<Vec<u8>> {
    let events = events("events", values)?;
    let bytes = py.detach(|| {
        let network = labshare::Network::replay(&events)?;
        let head = journal::append_jsonl(&ChainHead::genesis(), &events)?.head;
        snapshot::write_snapshot(&network, &head)
    });
    Ok(bytes.map_err(CoreError::from)?)
}

/// Replay ``events`` (JSON text) and write the state as a snapshot at the
/// journal position of the last event, with its hash.
#[pyfunction]
pub fn write_snapshot<'py>(py: Python<'py>, events: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyBytes>> {
    let bytes = snapshot_bytes(py, events)?;
    Ok(PyBytes::new(py, &bytes))
}

/// Write the snapshot of ``events`` to ``path``, as ``write_snapshot``.
#[pyfunction]
pub fn write_snapshot_file(py: Python<'_>, path: PathBuf, events: &Bound<'_, PyAny>) -> PyResult<()> {
    let bytes = snapshot_bytes(py, events)?;
    write_path(py, &path, &bytes)
}

fn py_restored<'py>(py: Python<'py>, restored: Result<snapshot::Restored, labshare::Error>) -> PyResult<Bound<'py, PyAny>> {
    let restored = restored.map_err(CoreError::from)?;
    let state = serde_json::to_string(&restored.network).map_err(|error| {
        CoreError::from(labshare::Error::Corrupt {
            location: "state".to_owned(),
            detail: Text::new(format!("状态无法写成 JSON：{error}"), format!("the state could not be written as JSON: {error}")),
        })
    })?;
    let kwargs = PyDict::new(py);
    kwargs.set_item("head", py_head(py, &restored.head)?)?;
    kwargs.set_item("state_json", state)?;
    RESTORED.build(&kwargs)
}

/// Load a snapshot, check its hash, and apply the journal ``tail`` written
/// after it. Returns a ``Restored`` with the head after the last line and the
/// state as JSON text (the form of ``Network.state_json()``). Raises
/// ``IntegrityError`` (``corrupt``) for an edited snapshot or a tail that does
/// not continue it.
#[pyfunction]
#[pyo3(signature = (snapshot, tail=Vec::new()))]
pub fn resume_snapshot<'py>(py: Python<'py>, snapshot: Vec<u8>, tail: Vec<u8>) -> PyResult<Bound<'py, PyAny>> {
    let restored = py.detach(|| snapshot::resume(&snapshot, &tail));
    py_restored(py, restored)
}

/// Load the snapshot at ``path`` and the tail at ``tail_path`` (if given), as
/// ``resume_snapshot``.
#[pyfunction]
#[pyo3(signature = (path, tail_path=None))]
pub fn resume_snapshot_file<'py>(py: Python<'py>, path: PathBuf, tail_path: Option<PathBuf>) -> PyResult<Bound<'py, PyAny>> {
    let snapshot = read_path(py, &path)?;
    let tail = match tail_path {
        Some(tail_path) => read_path(py, &tail_path)?,
        None => Vec::new(),
    };
    resume_snapshot(py, snapshot, tail)
}

fn cell_error(field: &str, value: &str, reason: Text) -> CoreError {
    CoreError::from(labshare::Error::invalid_value(field, value, reason))
}

/// Read a date cell as office spreadsheets write it (2017-07-14, 2017/7/14,
/// 2017年7月14日, full-width digits, an Excel serial number as text).
/// Raises ``InvalidInputError`` (``invalid_value``) with the reason.
#[pyfunction]
pub fn parse_date_cell(text: &str) -> PyResult<chrono::NaiveDate> {
    Ok(cells::parse_date_text(text).map_err(|reason| cell_error("date", text, reason))?)
}

/// Convert an Excel serial day number of the 1900 date system to a date; a
/// fraction (time of day) is dropped. Serial 60, the 1900-02-29 that never
/// was, and serials below 1 raise ``InvalidInputError`` (``invalid_value``).
#[pyfunction]
pub fn excel_serial_to_date(serial: f64) -> PyResult<chrono::NaiveDate> {
    Ok(cells::excel_serial_to_date(serial).map_err(|reason| cell_error("date", &serial.to_string(), reason))?)
}

/// Read an amount cell in the column's ``unit`` (``"yuan"`` or ``"wan"``);
/// a 元 or 万 suffix in the cell wins. Returns ``Decimal`` 元 with two places.
/// Raises ``InvalidInputError`` (``invalid_value``) for a negative amount,
/// words, or a value finer than one fen.
#[pyfunction]
pub fn parse_amount_cell<'py>(py: Python<'py>, text: &str, unit: &str) -> PyResult<Bound<'py, PyAny>> {
    let column_unit: MoneyUnit = serde_json::from_value(serde_json::Value::String(unit.to_owned())).map_err(|_| {
        cell_error("unit", unit, Text::new("\"yuan\"（元）或 \"wan\"（万元）", "\"yuan\" (元) or \"wan\" (万元)"))
    })?;
    let money = cells::parse_amount_text(text, column_unit).map_err(|reason| cell_error("amount", text, reason))?;
    crate::convert::py_money(py, money)
}

/// Read an acquisition source label (购置, 自制, ...) and return its name
/// (``"purchased"``, ``"self_built"``, ...).
#[pyfunction]
pub fn parse_source_cell(text: &str) -> PyResult<String> {
    let value = cells::parse_source(text).map_err(|reason| cell_error("source", text, reason))?;
    Ok(serde_name(&value))
}

/// Read a sharing mode label (外部共享, 不共享, ...) and return its name.
#[pyfunction]
pub fn parse_sharing_mode_cell(text: &str) -> PyResult<String> {
    let value = cells::parse_sharing_mode(text).map_err(|reason| cell_error("sharing_mode", text, reason))?;
    Ok(serde_name(&value))
}

/// Read an operating status label (远程服务中, ...) or name and return its name.
#[pyfunction]
pub fn parse_operating_status_cell(text: &str) -> PyResult<String> {
    let value = cells::parse_operating_status(text).map_err(|reason| cell_error("operating_status", text, reason))?;
    Ok(serde_name(&value))
}

/// Return the two-letter country code for a country name or code (美国 →
/// ``"US"``, ｄｅ → ``"DE"``); text it does not know comes back normalised.
#[pyfunction]
pub fn country_code(text: &str) -> String {
    cells::country_code(text)
}

//! Spreadsheet import and the national export (表格导入与国家平台导出).
//!
//! Module functions read instrument lists and service-record lists from
//! CSV or XLSX bytes or files into an `ImportReport`. `Network` methods plan
//! and apply the import of a report and export the network in the national
//! field set. Mappings and national rules cross as their serde JSON text,
//! and records inside reports and exports as JSON text too; problems, plans,
//! violations and notes cross as dataclasses of `labshare.exchange`.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use labshare::exchange::import::{
    self, ImportOptions, ImportOutcome, ImportPlan, ImportReport, InstrumentImport, ServiceImport,
};
use labshare::exchange::mapping::Mapping;
use labshare::exchange::national::{self, NationalExport, NationalRules, ServiceSelection, SheetRow};
use labshare::exchange::service_import;
use labshare::{Text, UnitId};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyTuple};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::convert::access::actor;
use crate::convert::instant;
use crate::convert::object::PythonClass;
use crate::errors::CoreError;
use crate::network::{Network, event_json};

static IMPORT_REPORT: PythonClass = PythonClass::new("labshare.exchange", "ImportReport");
static ROW_PROBLEM: PythonClass = PythonClass::new("labshare.exchange", "RowProblem");
static COLUMN_MATCH: PythonClass = PythonClass::new("labshare.exchange", "ColumnMatch");
static IMPORT_PLAN: PythonClass = PythonClass::new("labshare.exchange", "ImportPlan");
static PLANNED_ROW: PythonClass = PythonClass::new("labshare.exchange", "PlannedRow");
static FIELD_CHANGE: PythonClass = PythonClass::new("labshare.exchange", "FieldChange");
static IMPORT_OUTCOME: PythonClass = PythonClass::new("labshare.exchange", "ImportOutcome");
static NATIONAL_EXPORT: PythonClass = PythonClass::new("labshare.exchange", "NationalExport");
static EXPORT_VIOLATION: PythonClass = PythonClass::new("labshare.exchange", "ExportViolation");
static EXPORT_NOTE: PythonClass = PythonClass::new("labshare.exchange", "ExportNote");
static TEXT: PythonClass = PythonClass::new("labshare.lang", "Text");

const INSTRUMENTS: &str = "instruments";
const SERVICES: &str = "services";

/// File format of a sheet.
#[derive(Clone, Copy)]
enum Format {
    Csv,
    Xlsx,
}

fn format(value: &str) -> Result<Format, CoreError> {
    match value.to_ascii_lowercase().as_str() {
        "csv" => Ok(Format::Csv),
        "xlsx" => Ok(Format::Xlsx),
        _ => Err(CoreError::from(labshare::Error::invalid_value(
            "format",
            value,
            Text::new("\"csv\" 或 \"xlsx\"", "\"csv\" or \"xlsx\""),
        ))),
    }
}

fn format_of_path(path: &Path) -> Result<Format, CoreError> {
    let extension = path.extension().and_then(|extension| extension.to_str()).unwrap_or_default();
    format(extension).map_err(|_| {
        CoreError::from(labshare::Error::invalid_value(
            "path",
            path.display(),
            Text::new("以 .csv 或 .xlsx 结尾的文件名", "a file name ending in .csv or .xlsx"),
        ))
    })
}

/// Parses JSON text of a core settings type; `None` gives its default.
fn parse_json<T: DeserializeOwned + Default>(field: &str, json: Option<&str>, expected: Text) -> Result<T, CoreError> {
    let Some(json) = json else {
        return Ok(T::default());
    };
    serde_json::from_str(json)
        .map_err(|error| CoreError::from(labshare::Error::invalid_value(field, error, expected)))
}

fn mapping(json: Option<&str>) -> Result<Mapping, CoreError> {
    parse_json("mapping", json, Text::new("表头映射的 JSON 文本", "a header mapping as JSON text"))
}

fn rules(json: Option<&str>) -> Result<NationalRules, CoreError> {
    parse_json("rules", json, Text::new("国家平台规则的 JSON 文本", "national platform rules as JSON text"))
}

fn to_json<T: Serialize>(location: &str, value: &T) -> Result<String, CoreError> {
    serde_json::to_string(value).map_err(|error| {
        CoreError::from(labshare::Error::Corrupt {
            location: location.to_owned(),
            detail: Text::new(format!("无法写成 JSON：{error}"), format!("could not be written as JSON: {error}")),
        })
    })
}

/// Returns the snake_case name that serde gives a unit enum variant.
fn serde_name<T: Serialize>(value: &T) -> String {
    serde_json::to_value(value).ok().and_then(|value| value.as_str().map(str::to_owned)).unwrap_or_default()
}

fn py_text<'py>(py: Python<'py>, text: &Text) -> PyResult<Bound<'py, PyAny>> {
    let kwargs = PyDict::new(py);
    kwargs.set_item("zh", &text.zh)?;
    kwargs.set_item("en", &text.en)?;
    TEXT.build(&kwargs)
}

fn py_report<'py, R: Serialize>(py: Python<'py>, kind: &str, report: &ImportReport<R>) -> PyResult<Bound<'py, PyAny>> {
    let mut columns = Vec::with_capacity(report.columns.len());
    for column in &report.columns {
        let kwargs = PyDict::new(py);
        kwargs.set_item("column", &column.column)?;
        kwargs.set_item("header", &column.header)?;
        kwargs.set_item("field", &column.field)?;
        kwargs.set_item("money_unit", column.money_unit.as_ref().map(serde_name))?;
        kwargs.set_item("used", serde_name(&column.used))?;
        columns.push(COLUMN_MATCH.build(&kwargs)?);
    }
    let mut problems = Vec::with_capacity(report.problems.len());
    for problem in &report.problems {
        let kwargs = PyDict::new(py);
        kwargs.set_item("row", problem.row)?;
        kwargs.set_item("column", &problem.column)?;
        kwargs.set_item("header", &problem.header)?;
        kwargs.set_item("value", &problem.value)?;
        kwargs.set_item("reason", py_text(py, &problem.reason)?)?;
        problems.push(ROW_PROBLEM.build(&kwargs)?);
    }
    let kwargs = PyDict::new(py);
    kwargs.set_item("kind", kind)?;
    kwargs.set_item("format", serde_name(&report.format))?;
    kwargs.set_item("sheet", &report.sheet)?;
    kwargs.set_item("header_row", report.header_row)?;
    kwargs.set_item("rows_read", report.rows_read)?;
    kwargs.set_item("record_count", report.records.len())?;
    kwargs.set_item("columns", PyTuple::new(py, columns)?)?;
    kwargs.set_item("problems", PyTuple::new(py, problems)?)?;
    kwargs.set_item("records_json", to_json("records", &report.records)?)?;
    kwargs.set_item("json", to_json("report", report)?)?;
    IMPORT_REPORT.build(&kwargs)
}

fn py_plan<'py>(py: Python<'py>, plan: &ImportPlan) -> PyResult<Bound<'py, PyAny>> {
    let mut rows = Vec::with_capacity(plan.rows.len());
    for row in &plan.rows {
        let mut changes = Vec::with_capacity(row.changes.len());
        for change in &row.changes {
            let kwargs = PyDict::new(py);
            kwargs.set_item("field", &change.field)?;
            kwargs.set_item("old", &change.old)?;
            kwargs.set_item("new", &change.new)?;
            changes.push(FIELD_CHANGE.build(&kwargs)?);
        }
        let kwargs = PyDict::new(py);
        kwargs.set_item("row", row.row)?;
        kwargs.set_item("instrument", row.instrument.as_str())?;
        kwargs.set_item("action", serde_name(&row.action))?;
        kwargs.set_item("changes", PyTuple::new(py, changes)?)?;
        kwargs.set_item("reason", row.reason.as_ref().map(|reason| py_text(py, reason)).transpose()?)?;
        rows.push(PLANNED_ROW.build(&kwargs)?);
    }
    let kwargs = PyDict::new(py);
    kwargs.set_item("rows", PyTuple::new(py, rows)?)?;
    kwargs.set_item("bad_rows", PyTuple::new(py, &plan.bad_rows)?)?;
    IMPORT_PLAN.build(&kwargs)
}

fn py_outcome<'py>(py: Python<'py>, outcome: &ImportOutcome) -> PyResult<Bound<'py, PyAny>> {
    let events: Vec<String> = outcome.events.iter().map(event_json).collect::<Result<_, _>>().map_err(CoreError::from)?;
    let kwargs = PyDict::new(py);
    kwargs.set_item("plan", py_plan(py, &outcome.plan)?)?;
    kwargs.set_item("events", PyTuple::new(py, events)?)?;
    IMPORT_OUTCOME.build(&kwargs)
}

/// A national export with its files already written.
struct Written<R> {
    kind: &'static str,
    export: NationalExport<R>,
    csv: Vec<u8>,
    xlsx: Vec<u8>,
}

fn write_export<R: SheetRow>(
    kind: &'static str,
    export: NationalExport<R>,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Written<R>, labshare::Error> {
    let csv = export.to_csv();
    let xlsx = export.to_xlsx(now)?;
    Ok(Written { kind, export, csv, xlsx })
}

fn py_export<'py, R: Serialize>(py: Python<'py>, written: &Written<R>) -> PyResult<Bound<'py, PyAny>> {
    let export = &written.export;
    let mut violations = Vec::with_capacity(export.violations.len());
    for violation in &export.violations {
        let kwargs = PyDict::new(py);
        kwargs.set_item("record", &violation.record)?;
        kwargs.set_item("field", &violation.field)?;
        kwargs.set_item("limit", violation.limit)?;
        kwargs.set_item("actual", violation.actual)?;
        kwargs.set_item("reason", py_text(py, &violation.reason)?)?;
        violations.push(EXPORT_VIOLATION.build(&kwargs)?);
    }
    let mut notes = Vec::with_capacity(export.notes.len());
    for note in &export.notes {
        let kwargs = PyDict::new(py);
        kwargs.set_item("record", &note.record)?;
        kwargs.set_item("note", py_text(py, &note.note)?)?;
        notes.push(EXPORT_NOTE.build(&kwargs)?);
    }
    let kwargs = PyDict::new(py);
    kwargs.set_item("kind", written.kind)?;
    kwargs.set_item("rules_version", &export.rules_version)?;
    kwargs.set_item("record_count", export.records.len())?;
    kwargs.set_item("records_json", to_json("records", &export.records)?)?;
    kwargs.set_item("violations", PyTuple::new(py, violations)?)?;
    kwargs.set_item("notes", PyTuple::new(py, notes)?)?;
    kwargs.set_item("csv", PyBytes::new(py, &written.csv))?;
    kwargs.set_item("xlsx", PyBytes::new(py, &written.xlsx))?;
    NATIONAL_EXPORT.build(&kwargs)
}

fn read_instruments(data: &[u8], format: Format, mapping: &Mapping) -> labshare::Result<InstrumentImport> {
    match format {
        Format::Csv => import::instruments_from_csv(data, mapping),
        Format::Xlsx => import::instruments_from_xlsx(data, mapping),
    }
}

fn read_services(data: &[u8], format: Format, mapping: &Mapping) -> labshare::Result<ServiceImport> {
    match format {
        Format::Csv => import::services_from_csv(data, mapping),
        Format::Xlsx => import::services_from_xlsx(data, mapping),
    }
}

/// Read an instrument list from CSV (UTF-8 or GB18030) or XLSX bytes.
///
/// ``format`` is ``"csv"`` or ``"xlsx"``; ``mapping`` is a header mapping as
/// JSON text (extra headers, ``money_unit``, ``header_row``, ``sheet``,
/// ``default_unit``), or ``None`` for the built-in headers. Bad rows are
/// listed in the report's ``problems``. Raises ``InvalidInputError`` for a bad
/// mapping or a file without a header row, and ``IntegrityError``
/// (``corrupt``) for bytes that are not CSV or XLSX.
#[pyfunction]
#[pyo3(signature = (data, format, mapping=None))]
pub fn read_instrument_sheet<'py>(py: Python<'py>, data: Vec<u8>, format: &str, mapping: Option<&str>) -> PyResult<Bound<'py, PyAny>> {
    let format = self::format(format)?;
    let mapping = self::mapping(mapping)?;
    let report = py.detach(|| read_instruments(&data, format, &mapping)).map_err(CoreError::from)?;
    py_report(py, INSTRUMENTS, &report)
}

/// Read an instrument list from the ``.csv`` or ``.xlsx`` file at ``path``,
/// as ``read_instrument_sheet``.
#[pyfunction]
#[pyo3(signature = (path, mapping=None))]
pub fn read_instrument_sheet_file<'py>(py: Python<'py>, path: PathBuf, mapping: Option<&str>) -> PyResult<Bound<'py, PyAny>> {
    let format = format_of_path(&path)?;
    let mapping = self::mapping(mapping)?;
    let data = py.detach(|| std::fs::read(&path))?;
    let report = py.detach(|| read_instruments(&data, format, &mapping)).map_err(CoreError::from)?;
    py_report(py, INSTRUMENTS, &report)
}

/// Read a service-record list from CSV or XLSX bytes, as
/// ``read_instrument_sheet``.
#[pyfunction]
#[pyo3(signature = (data, format, mapping=None))]
pub fn read_service_sheet<'py>(py: Python<'py>, data: Vec<u8>, format: &str, mapping: Option<&str>) -> PyResult<Bound<'py, PyAny>> {
    let format = self::format(format)?;
    let mapping = self::mapping(mapping)?;
    let report = py.detach(|| read_services(&data, format, &mapping)).map_err(CoreError::from)?;
    py_report(py, SERVICES, &report)
}

/// Read a service-record list from the ``.csv`` or ``.xlsx`` file at
/// ``path``, as ``read_service_sheet``.
#[pyfunction]
#[pyo3(signature = (path, mapping=None))]
pub fn read_service_sheet_file<'py>(py: Python<'py>, path: PathBuf, mapping: Option<&str>) -> PyResult<Bound<'py, PyAny>> {
    let format = format_of_path(&path)?;
    let mapping = self::mapping(mapping)?;
    let data = py.detach(|| std::fs::read(&path))?;
    let report = py.detach(|| read_services(&data, format, &mapping)).map_err(CoreError::from)?;
    py_report(py, SERVICES, &report)
}

/// Reads the core report back from an ``ImportReport`` of kind `kind`.
fn core_report<R: DeserializeOwned>(report: &Bound<'_, PyAny>, kind: &str) -> PyResult<ImportReport<R>> {
    let found: String = report.getattr("kind")?.extract()?;
    if found != kind {
        return Err(CoreError::from(labshare::Error::invalid_value(
            "report",
            &found,
            Text::new(format!("{kind} 类的导入报告"), format!("an import report of kind {kind}")),
        ))
        .into());
    }
    let json: String = report.getattr("json")?.extract()?;
    let parsed = serde_json::from_str(&json).map_err(|error| {
        CoreError::from(labshare::Error::invalid_value(
            "report",
            error,
            Text::new("read_*_sheet 返回的导入报告", "an import report as read_*_sheet returns it"),
        ))
    })?;
    Ok(parsed)
}

fn selection(unit: Option<&str>, start: Option<NaiveDate>, until: Option<NaiveDate>) -> Result<ServiceSelection, CoreError> {
    let unit = unit.map(UnitId::new).transpose()?;
    Ok(ServiceSelection { unit, from: start, until })
}

fn write_file(py: Python<'_>, path: &Path, format: Format, csv: &[u8], xlsx: &[u8]) -> PyResult<()> {
    let bytes = match format {
        Format::Csv => csv,
        Format::Xlsx => xlsx,
    };
    Ok(py.detach(|| std::fs::write(path, bytes))?)
}

#[pymethods]
impl Network {
    /// Show what importing the good rows of an instrument ``report`` as
    /// ``actor`` would change, without changing the network (a dry run).
    /// Each row is planned as ``"submit"``, ``"revise"``, ``"unchanged"`` or
    /// ``"rejected"`` with the reason.
    fn plan_instrument_import<'py>(
        &self,
        py: Python<'py>,
        actor: &Bound<'py, PyAny>,
        now: &Bound<'py, PyAny>,
        report: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let actor = self::actor("actor", actor)?;
        let now = instant("now", now)?;
        let report: InstrumentImport = core_report(report, INSTRUMENTS)?;
        let plan = self.read(py, |network| import::plan_instruments(network, &actor, now, &report));
        py_plan(py, &plan)
    }

    /// Import the good rows of an instrument ``report`` as journal events and
    /// return the plan and the events. Nothing changes if a row is bad or
    /// rejected, unless ``take_good_rows`` is true: then only those rows are
    /// left out. Raises ``ConflictError`` (``rule_violation``) naming the rows
    /// when it imports nothing.
    #[pyo3(signature = (actor, now, report, take_good_rows=false))]
    fn apply_instrument_import<'py>(
        &self,
        py: Python<'py>,
        actor: &Bound<'py, PyAny>,
        now: &Bound<'py, PyAny>,
        report: &Bound<'py, PyAny>,
        take_good_rows: bool,
    ) -> PyResult<Bound<'py, PyAny>> {
        let actor = self::actor("actor", actor)?;
        let now = instant("now", now)?;
        let report: InstrumentImport = core_report(report, INSTRUMENTS)?;
        let options = ImportOptions { take_good_rows };
        let outcome = py.detach(|| {
            let mut state = self.lock();
            let outcome = import::apply_instruments(&mut state.network, &actor, now, &report, options)?;
            state.events.extend(outcome.events.iter().cloned());
            Ok::<_, labshare::Error>(outcome)
        });
        py_outcome(py, &outcome.map_err(CoreError::from)?)
    }

    /// Show what importing the good rows of a service ``report`` as ``actor``
    /// would add to the service-record book (a dry run). Each row is planned
    /// as ``"record"``, ``"duplicate"`` (equal to a stored record, skipped)
    /// or ``"rejected"`` with the reason.
    fn plan_service_import<'py>(
        &self,
        py: Python<'py>,
        actor: &Bound<'py, PyAny>,
        now: &Bound<'py, PyAny>,
        report: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let actor = self::actor("actor", actor)?;
        let now = instant("now", now)?;
        let report: ServiceImport = core_report(report, SERVICES)?;
        let plan = self.read(py, |network| service_import::plan_services(network, &actor, now, &report));
        py_plan(py, &plan)
    }

    /// Add the good rows of a service ``report`` to the service-record book,
    /// one event per unit, and return the plan and the events. A unit admin
    /// may add services of its own unit's instruments, the office of any.
    /// Nothing changes if a row is bad or rejected, unless ``take_good_rows``
    /// is true; duplicates of stored records never stop an import. Raises
    /// ``ConflictError`` (``rule_violation``) naming the rows when it imports
    /// nothing.
    #[pyo3(signature = (actor, now, report, take_good_rows=false))]
    fn apply_service_import<'py>(
        &self,
        py: Python<'py>,
        actor: &Bound<'py, PyAny>,
        now: &Bound<'py, PyAny>,
        report: &Bound<'py, PyAny>,
        take_good_rows: bool,
    ) -> PyResult<Bound<'py, PyAny>> {
        let actor = self::actor("actor", actor)?;
        let now = instant("now", now)?;
        let report: ServiceImport = core_report(report, SERVICES)?;
        let options = ImportOptions { take_good_rows };
        let outcome = py.detach(|| {
            let mut state = self.lock();
            let outcome = service_import::apply_services(&mut state.network, &actor, now, &report, options)?;
            state.events.extend(outcome.events.iter().cloned());
            Ok::<_, labshare::Error>(outcome)
        });
        py_outcome(py, &outcome.map_err(CoreError::from)?)
    }

    /// Return the service-record book as JSON text: a list of
    /// ``{"record": ..., "source": "imported", "seq": ...}``, unit by unit,
    /// or only those of ``unit``.
    #[pyo3(signature = (unit=None))]
    fn service_records_json(&self, py: Python<'_>, unit: Option<&str>) -> PyResult<String> {
        let unit = unit.map(UnitId::new).transpose().map_err(CoreError::from)?;
        let json = self.read(py, |network| {
            let records: Vec<_> = network
                .services()
                .iter()
                .filter(|(owner, _)| unit.as_ref().is_none_or(|wanted| wanted == *owner))
                .map(|(_, stored)| stored)
                .collect();
            to_json("service records", &records)
        });
        Ok(json?)
    }

    /// Export the instruments in the national field set, with CSV and XLSX
    /// bytes (the workbook's creation time is ``now``), every length
    /// violation and every note. ``rules`` is national rules as JSON text, or
    /// ``None`` for the 2016 reporting tool's field set.
    #[pyo3(signature = (now, rules=None))]
    fn national_instruments<'py>(&self, py: Python<'py>, now: &Bound<'py, PyAny>, rules: Option<&str>) -> PyResult<Bound<'py, PyAny>> {
        let now = instant("now", now)?;
        let rules = self::rules(rules)?;
        let written = self.read(py, |network| write_export(INSTRUMENTS, national::instruments(network, &rules), now));
        py_export(py, &written.map_err(CoreError::from)?)
    }

    /// Export the service-record book in the national field set, as
    /// ``national_instruments``: only ``unit``'s records if given, and only
    /// services dated from ``start`` (inclusive) to ``until`` (exclusive).
    /// A record is final (正式) when its instrument is published, else a
    /// draft (草稿).
    #[pyo3(signature = (now, unit=None, start=None, until=None, rules=None))]
    fn national_services<'py>(
        &self,
        py: Python<'py>,
        now: &Bound<'py, PyAny>,
        unit: Option<&str>,
        start: Option<NaiveDate>,
        until: Option<NaiveDate>,
        rules: Option<&str>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let now = instant("now", now)?;
        let selection = self::selection(unit, start, until)?;
        let rules = self::rules(rules)?;
        let written = self.read(py, |network| {
            write_export(SERVICES, national::services_of_network(network, &selection, &rules), now)
        });
        py_export(py, &written.map_err(CoreError::from)?)
    }

    /// Write the national instrument export to ``path`` as CSV or XLSX by
    /// its extension (``.csv`` or ``.xlsx``), replacing the file, and return
    /// the export as ``national_instruments`` does.
    #[pyo3(signature = (path, now, rules=None))]
    fn write_national_instruments<'py>(
        &self,
        py: Python<'py>,
        path: PathBuf,
        now: &Bound<'py, PyAny>,
        rules: Option<&str>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let format = format_of_path(&path)?;
        let now = instant("now", now)?;
        let rules = self::rules(rules)?;
        let written = self
            .read(py, |network| write_export(INSTRUMENTS, national::instruments(network, &rules), now))
            .map_err(CoreError::from)?;
        write_file(py, &path, format, &written.csv, &written.xlsx)?;
        py_export(py, &written)
    }

    /// Write the national service export to ``path`` as CSV or XLSX by its
    /// extension, replacing the file, and return the export as
    /// ``national_services`` does.
    #[pyo3(signature = (path, now, unit=None, start=None, until=None, rules=None))]
    #[allow(clippy::too_many_arguments, reason = "each argument is one keyword of the Python method")]
    fn write_national_services<'py>(
        &self,
        py: Python<'py>,
        path: PathBuf,
        now: &Bound<'py, PyAny>,
        unit: Option<&str>,
        start: Option<NaiveDate>,
        until: Option<NaiveDate>,
        rules: Option<&str>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let format = format_of_path(&path)?;
        let now = instant("now", now)?;
        let selection = self::selection(unit, start, until)?;
        let rules = self::rules(rules)?;
        let written = self
            .read(py, |network| write_export(SERVICES, national::services_of_network(network, &selection, &rules), now))
            .map_err(CoreError::from)?;
        write_file(py, &path, format, &written.csv, &written.xlsx)?;
        py_export(py, &written)
    }
}

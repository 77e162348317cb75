//! Spreadsheet import, the national export and the SQLite store
//! (表格导入、国家平台导出与 SQLite 存储).
//!
//! Sheets cross as `ByteArray`. Mappings and national rules cross as their
//! serde JSON text, and so do the records inside reports and exports.
//! Problems, plans, violations and notes cross as records. `Store`
//! wraps `labshare_store::Store` behind a `Mutex`; a store method that reads
//! a `Network` locks the store first and the network second, and no
//! `Network` method locks a store.

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use chrono::NaiveDate;
use labshare::exchange::import::{
    self, ImportOptions, ImportOutcome as CoreOutcome, ImportPlan as CorePlan, ImportReport as CoreReport,
    InstrumentImport, ServiceImport,
};
use labshare::exchange::mapping::Mapping;
use labshare::exchange::national::{self, NationalExport as CoreExport, NationalRules, ServiceSelection, SheetRow};
use labshare::exchange::service_import;
use labshare::journal::read_jsonl;
use labshare::{Event, Text as CoreText, UnitId};
use labshare_store::StoreError;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::access::Actor;
use crate::errors::LabshareError;
use crate::exchange::{ChainHead, JournalCheck};
use crate::lang::Text;
use crate::network::{Network, State, event_json};
use crate::types::Timestamp;

const INSTRUMENTS: &str = "instruments";
const SERVICES: &str = "services";

/// One rejected cell, or a problem of a whole row or file (导入问题).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct RowProblem {
    /// Spreadsheet row, counting from 1 as Excel shows it.
    pub row: u32,
    /// Column letters such as `F`; empty for a whole row or file.
    pub column: String,
    /// The column's header as written, or the expected header of a missing
    /// column.
    pub header: String,
    /// The cell's value as written.
    pub value: String,
    /// Reason and fix in Chinese and English.
    pub reason: Text,
}

/// A column of the file and the field it fills.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ColumnMatch {
    /// Column letters such as `F`.
    pub column: String,
    /// The header as written.
    pub header: String,
    /// The record field filled from the column, if any.
    pub field: Option<String>,
    /// `yuan` or `wan` if the header names a unit.
    pub money_unit: Option<String>,
    /// `imported`, `informational` (written by exports for people, not
    /// read) or `ignored` (an unknown header).
    pub used: String,
}

/// The outcome of reading a spreadsheet: good rows and every problem.
/// Reading never changes a network.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ImportReport {
    /// `instruments` or `services`.
    pub kind: String,
    /// `csv_utf8`, `csv_gb18030` or `xlsx`.
    pub format: String,
    /// The XLSX sheet read; null for CSV.
    pub sheet: Option<String>,
    /// The 1-based row of the headers.
    pub header_row: u32,
    /// Data rows read, not counting blank rows.
    pub rows_read: u32,
    /// Rows without a problem.
    pub record_count: u64,
    /// Every column with a header.
    pub columns: Vec<ColumnMatch>,
    /// Every problem, in row and column order.
    pub problems: Vec<RowProblem>,
    /// The good rows as a JSON array, amounts as text in 元.
    pub records_json: String,
    /// The whole report as JSON text, which the import methods read.
    pub json: String,
}

/// One field that an instrument revision changes, as JSON values.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct FieldChange {
    /// Field name, such as `original_value`.
    pub field: String,
    /// The current value as JSON.
    pub old: String,
    /// The imported value as JSON.
    pub new: String,
}

/// The planned action for one good row of a report.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct PlannedRow {
    /// Spreadsheet row.
    pub row: u32,
    /// Instrument id.
    pub instrument: String,
    /// `submit`, `revise` or `unchanged` for instruments, `record` or
    /// `duplicate` for services, and `rejected` for a row the network rejects.
    pub action: String,
    /// For revisions, every field that changes.
    pub changes: Vec<FieldChange>,
    /// For rejected and duplicate rows, why.
    pub reason: Option<Text>,
}

/// Changes an import would make, row by row (a dry run).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ImportPlan {
    /// The report's good rows, in order.
    pub rows: Vec<PlannedRow>,
    /// Rows with problems in the report, never imported.
    pub bad_rows: Vec<u32>,
}

/// The plan an import followed and the events it recorded (JSON text).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ImportOutcome {
    /// Actions taken, row by row.
    pub plan: ImportPlan,
    /// The recorded events, already applied to the network.
    pub events: Vec<String>,
}

/// A field of one record that breaks a national limit.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ExportViolation {
    /// The instrument id, or for services the instrument id and date.
    pub record: String,
    /// Field name, such as `name`.
    pub field: String,
    /// The limit, in characters or disciplines.
    pub limit: u64,
    /// The record's count.
    pub actual: u64,
    /// Explanation and fix in Chinese and English.
    pub reason: Text,
}

/// A record left out or exported with a rounded value.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ExportNote {
    /// The record.
    pub record: String,
    /// What happened.
    pub note: Text,
}

/// Records in the national platform's field set, ready to upload. Records
/// with a violation are left out of the records and files, and personal
/// data is never exported.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct NationalExport {
    /// `instruments` or `services`.
    pub kind: String,
    /// The national rules applied.
    pub rules_version: String,
    /// Records exported.
    pub record_count: u64,
    /// The exported records as a JSON array.
    pub records_json: String,
    /// Every violation.
    pub violations: Vec<ExportViolation>,
    /// Records left out or rounded.
    pub notes: Vec<ExportNote>,
    /// The records as CSV in UTF-8 with a byte-order mark.
    pub csv: Vec<u8>,
    /// The records as an XLSX workbook with one sheet, 国家平台.
    pub xlsx: Vec<u8>,
}

fn is_xlsx(format: &str) -> Result<bool, LabshareError> {
    match format.to_ascii_lowercase().as_str() {
        "csv" => Ok(false),
        "xlsx" => Ok(true),
        _ => Err(labshare::Error::invalid_value("format", format, CoreText::new("\"csv\" 或 \"xlsx\"", "\"csv\" or \"xlsx\"")).into()),
    }
}

/// Parses JSON text of a core settings type; null gives its default.
fn parse_json<T: DeserializeOwned + Default>(field: &str, json: Option<String>, expected: CoreText) -> Result<T, LabshareError> {
    let Some(json) = json else {
        return Ok(T::default());
    };
    serde_json::from_str(&json).map_err(|error| labshare::Error::invalid_value(field, error, expected).into())
}

fn mapping(json: Option<String>) -> Result<Mapping, LabshareError> {
    parse_json("mapping", json, CoreText::new("表头映射的 JSON 文本", "a header mapping as JSON text"))
}

fn rules(json: Option<String>) -> Result<NationalRules, LabshareError> {
    parse_json("rules", json, CoreText::new("国家平台规则的 JSON 文本", "national platform rules as JSON text"))
}

fn to_json<T: Serialize>(location: &str, value: &T) -> Result<String, LabshareError> {
    serde_json::to_string(value).map_err(|error| {
        labshare::Error::Corrupt {
            location: location.to_owned(),
            detail: CoreText::new(format!("无法写成 JSON：{error}"), format!("could not be written as JSON: {error}")),
        }
        .into()
    })
}

/// Returns the snake_case name that serde gives a unit enum variant.
fn serde_name<T: Serialize>(value: &T) -> String {
    serde_json::to_value(value).ok().and_then(|value| value.as_str().map(str::to_owned)).unwrap_or_default()
}

fn report<R: Serialize>(kind: &str, report: &CoreReport<R>) -> Result<ImportReport, LabshareError> {
    let columns = report
        .columns
        .iter()
        .map(|column| ColumnMatch {
            column: column.column.clone(),
            header: column.header.clone(),
            field: column.field.clone(),
            money_unit: column.money_unit.as_ref().map(serde_name),
            used: serde_name(&column.used),
        })
        .collect();
    let problems = report
        .problems
        .iter()
        .map(|problem| RowProblem {
            row: problem.row,
            column: problem.column.clone(),
            header: problem.header.clone(),
            value: problem.value.clone(),
            reason: problem.reason.clone().into(),
        })
        .collect();
    Ok(ImportReport {
        kind: kind.to_owned(),
        format: serde_name(&report.format),
        sheet: report.sheet.clone(),
        header_row: report.header_row,
        rows_read: report.rows_read,
        record_count: report.records.len() as u64,
        columns,
        problems,
        records_json: to_json("records", &report.records)?,
        json: to_json("report", report)?,
    })
}

fn core_report<R: DeserializeOwned>(report: &ImportReport, kind: &str) -> Result<CoreReport<R>, LabshareError> {
    if report.kind != kind {
        return Err(labshare::Error::invalid_value(
            "report",
            &report.kind,
            CoreText::new(format!("{kind} 类的导入报告"), format!("an import report of kind {kind}")),
        )
        .into());
    }
    serde_json::from_str(&report.json).map_err(|error| {
        labshare::Error::invalid_value(
            "report",
            error,
            CoreText::new("read*Sheet 返回的导入报告", "an import report as read*Sheet returns it"),
        )
        .into()
    })
}

fn plan(plan: &CorePlan) -> ImportPlan {
    let rows = plan
        .rows
        .iter()
        .map(|row| PlannedRow {
            row: row.row,
            instrument: row.instrument.to_string(),
            action: serde_name(&row.action),
            changes: row
                .changes
                .iter()
                .map(|change| FieldChange { field: change.field.clone(), old: change.old.clone(), new: change.new.clone() })
                .collect(),
            reason: row.reason.clone().map(Text::from),
        })
        .collect();
    ImportPlan { rows, bad_rows: plan.bad_rows.clone() }
}

fn outcome(outcome: &CoreOutcome) -> Result<ImportOutcome, LabshareError> {
    let events = outcome.events.iter().map(event_json).collect::<Result<_, _>>()?;
    Ok(ImportOutcome { plan: plan(&outcome.plan), events })
}

fn export<R: SheetRow + Serialize>(
    kind: &str,
    export: &CoreExport<R>,
    now: Timestamp,
) -> Result<NationalExport, LabshareError> {
    let violations = export
        .violations
        .iter()
        .map(|violation| ExportViolation {
            record: violation.record.clone(),
            field: violation.field.clone(),
            limit: violation.limit as u64,
            actual: violation.actual as u64,
            reason: violation.reason.clone().into(),
        })
        .collect();
    let notes = export
        .notes
        .iter()
        .map(|note| ExportNote { record: note.record.clone(), note: note.note.clone().into() })
        .collect();
    Ok(NationalExport {
        kind: kind.to_owned(),
        rules_version: export.rules_version.clone(),
        record_count: export.records.len() as u64,
        records_json: to_json("records", &export.records)?,
        violations,
        notes,
        csv: export.to_csv(),
        xlsx: export.to_xlsx(now)?,
    })
}

/// Reads an instrument list from CSV (UTF-8 or GB18030) or XLSX bytes.
/// `format` is `csv` or `xlsx`; `mapping` is a header mapping as JSON text
/// (extra headers, `money_unit`, `header_row`, `sheet`, `default_unit`), or
/// null for the built-in headers. Bad rows are listed in `problems`. Fails
/// with `InvalidInput` for a bad mapping or a file without a header row, and
/// `Integrity` (`corrupt`) for bytes that are not CSV or XLSX.
#[uniffi::export]
pub fn read_instrument_sheet(data: Vec<u8>, format: String, mapping: Option<String>) -> Result<ImportReport, LabshareError> {
    let mapping = self::mapping(mapping)?;
    let read = if is_xlsx(&format)? {
        import::instruments_from_xlsx(&data, &mapping)?
    } else {
        import::instruments_from_csv(&data, &mapping)?
    };
    report(INSTRUMENTS, &read)
}

/// Reads a service-record list from CSV or XLSX bytes, as
/// `readInstrumentSheet`.
#[uniffi::export]
pub fn read_service_sheet(data: Vec<u8>, format: String, mapping: Option<String>) -> Result<ImportReport, LabshareError> {
    let mapping = self::mapping(mapping)?;
    let read = if is_xlsx(&format)? {
        import::services_from_xlsx(&data, &mapping)?
    } else {
        import::services_from_csv(&data, &mapping)?
    };
    report(SERVICES, &read)
}

fn selection(unit: Option<String>, start: Option<NaiveDate>, until: Option<NaiveDate>) -> Result<ServiceSelection, LabshareError> {
    let unit = unit.map(UnitId::new).transpose()?;
    Ok(ServiceSelection { unit, from: start, until })
}

#[uniffi::export]
impl Network {
    /// Shows what importing the good rows of an instrument `report` as
    /// `actor` would change, without changing the network (a dry run). Each
    /// row is planned as `submit`, `revise`, `unchanged` or `rejected`.
    pub fn plan_instrument_import(&self, actor: Actor, now: Timestamp, report: ImportReport) -> Result<ImportPlan, LabshareError> {
        let actor = labshare::Actor::try_from(actor)?;
        let report: InstrumentImport = core_report(&report, INSTRUMENTS)?;
        Ok(plan(&self.read(|network| import::plan_instruments(network, &actor, now, &report))))
    }

    /// Imports the good rows of an instrument `report` as journal events.
    /// Nothing changes if a row is bad or rejected, unless `takeGoodRows` is
    /// true: then only those rows are left out. Fails with `Conflict`
    /// (`rule_violation`) naming the rows when it imports nothing.
    pub fn apply_instrument_import(
        &self,
        actor: Actor,
        now: Timestamp,
        report: ImportReport,
        take_good_rows: bool,
    ) -> Result<ImportOutcome, LabshareError> {
        let actor = labshare::Actor::try_from(actor)?;
        let report: InstrumentImport = core_report(&report, INSTRUMENTS)?;
        let mut state = self.lock();
        let applied = import::apply_instruments(&mut state.network, &actor, now, &report, ImportOptions { take_good_rows })?;
        state.events.extend(applied.events.iter().cloned());
        outcome(&applied)
    }

    /// Shows what importing the good rows of a service `report` as `actor`
    /// would add to the service-record book (a dry run). Each row is planned
    /// as `record`, `duplicate` (equal to a stored record, skipped) or
    /// `rejected`.
    pub fn plan_service_import(&self, actor: Actor, now: Timestamp, report: ImportReport) -> Result<ImportPlan, LabshareError> {
        let actor = labshare::Actor::try_from(actor)?;
        let report: ServiceImport = core_report(&report, SERVICES)?;
        Ok(plan(&self.read(|network| service_import::plan_services(network, &actor, now, &report))))
    }

    /// Adds the good rows of a service `report` to the service-record book,
    /// one event per unit. A unit admin may add services of its own unit's
    /// instruments, the office of any. Nothing changes if a row is bad or
    /// rejected, unless `takeGoodRows` is true; duplicates of stored records
    /// never stop an import.
    pub fn apply_service_import(
        &self,
        actor: Actor,
        now: Timestamp,
        report: ImportReport,
        take_good_rows: bool,
    ) -> Result<ImportOutcome, LabshareError> {
        let actor = labshare::Actor::try_from(actor)?;
        let report: ServiceImport = core_report(&report, SERVICES)?;
        let mut state = self.lock();
        let applied = service_import::apply_services(&mut state.network, &actor, now, &report, ImportOptions { take_good_rows })?;
        state.events.extend(applied.events.iter().cloned());
        outcome(&applied)
    }

    /// Returns the service-record book as JSON text: a list of
    /// `{"record": ..., "source": "imported", "seq": ...}`, unit by unit, or
    /// only those of `unit`.
    pub fn service_records_json(&self, unit: Option<String>) -> Result<String, LabshareError> {
        let unit = unit.map(UnitId::new).transpose()?;
        self.read(|network| {
            let records: Vec<_> = network
                .services()
                .iter()
                .filter(|(owner, _)| unit.as_ref().is_none_or(|wanted| wanted == *owner))
                .map(|(_, stored)| stored)
                .collect();
            to_json("service records", &records)
        })
    }

    /// Exports the instruments in the national field set, with CSV and XLSX
    /// bytes (the workbook's creation time is `now`), every length violation
    /// and every note. `rules` is national rules as JSON text, or null for
    /// the 2016 reporting tool's field set.
    pub fn national_instruments(&self, now: Timestamp, rules: Option<String>) -> Result<NationalExport, LabshareError> {
        let rules = self::rules(rules)?;
        let exported = self.read(|network| national::instruments(network, &rules));
        export(INSTRUMENTS, &exported, now)
    }

    /// Exports the service-record book in the national field set, as
    /// `nationalInstruments`: only `unit`'s records if given, and only
    /// services dated from `start` (inclusive) to `until` (exclusive). A
    /// record is final (正式) when its instrument is published, else a draft.
    pub fn national_services(
        &self,
        now: Timestamp,
        unit: Option<String>,
        start: Option<NaiveDate>,
        until: Option<NaiveDate>,
        rules: Option<String>,
    ) -> Result<NationalExport, LabshareError> {
        let selection = self::selection(unit, start, until)?;
        let rules = self::rules(rules)?;
        let exported = self.read(|network| national::services_of_network(network, &selection, &rules));
        export(SERVICES, &exported, now)
    }
}

/// Maps a store error to `LabshareError`: errors of the rules engine as
/// everywhere else, and the store's own errors with their codes `sqlite`,
/// `concurrent_write` and `unsupported_format`.
fn store_error(error: StoreError) -> LabshareError {
    let integrity = |code: &str, message_zh: String, message_en: String| LabshareError::Integrity {
        code: code.to_owned(),
        field: None,
        message_zh,
        message_en,
        rule: None,
    };
    match error {
        StoreError::Labshare(error) => error.into(),
        StoreError::Sqlite(error) => integrity(
            "sqlite",
            format!("SQLite 无法打开、读取或写入存储文件：{error}"),
            format!("SQLite could not open, read or write the store file: {error}"),
        ),
        StoreError::ConcurrentWrite { expected, found } => LabshareError::Conflict {
            code: "concurrent_write".to_owned(),
            field: None,
            message_zh: format!("另一个写入者已追加事件：应为第 {expected} 个事件，实际为第 {found} 个；请重新打开存储"),
            message_en: format!("another writer appended to the store: expected event {expected}, found {found}; reopen the store"),
            rule: None,
        },
        StoreError::UnsupportedFormat { found } => integrity(
            "unsupported_format",
            format!("存储格式 {found} 不受支持，本库读取格式 {}；请升级 labshare", labshare_store::STORE_FORMAT),
            format!("store format {found} is not supported: this library reads format {}; upgrade labshare", labshare_store::STORE_FORMAT),
        ),
        other => integrity(other.code(), other.to_string(), other.to_string()),
    }
}

/// A network's journal and snapshots in one SQLite file (SQLite is built
/// in). Each event is one hash-chained journal line, appended in a
/// transaction. Store errors fail with `Integrity` (code `sqlite`) when
/// SQLite cannot open, read or write the file, `Conflict`
/// (`concurrent_write`) when another writer appended since this store last
/// read, and `Integrity` (`unsupported_format`) for a file of a newer version.
#[derive(uniffi::Object)]
pub struct Store {
    store: Mutex<labshare_store::Store>,
}

impl Store {
    fn lock(&self) -> MutexGuard<'_, labshare_store::Store> {
        self.store.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Wraps `network` as a `Network` whose events are all stored events.
    fn network(store: &labshare_store::Store, network: labshare::Network) -> Result<Arc<Network>, StoreError> {
        let events: Vec<Event> = read_jsonl(&store.journal_jsonl()?)?;
        Ok(Arc::new(Network::wrap(State { network, events })))
    }
}

#[uniffi::export]
impl Store {
    /// Opens the store at `path`, creating the file and its tables if needed.
    #[uniffi::constructor]
    pub fn new(path: String) -> Result<Arc<Store>, LabshareError> {
        let store = labshare_store::Store::open(path).map_err(store_error)?;
        Ok(Arc::new(Store { store: Mutex::new(store) }))
    }

    /// Opens a store that lives in memory only, for tests and trials.
    #[uniffi::constructor]
    pub fn in_memory() -> Result<Arc<Store>, LabshareError> {
        let store = labshare_store::Store::open_in_memory().map_err(store_error)?;
        Ok(Arc::new(Store { store: Mutex::new(store) }))
    }

    /// Returns the position after the last stored event.
    pub fn head(&self) -> ChainHead {
        ChainHead::from(&self.lock().head())
    }

    /// Appends the events of `network` that the store does not have yet, in
    /// one transaction, and returns the new head. Fails with `InvalidInput`
    /// (`invalid_value`, field `history`) if the network has fewer events
    /// than the store or its event at the store's head differs from the
    /// stored one (the network forked from the store).
    pub fn append(&self, network: Arc<Network>) -> Result<ChainHead, LabshareError> {
        let mut store = self.lock();
        let history = network.lock().events.clone();
        let head = store.append_history(&history).map_err(store_error)?;
        Ok(ChainHead::from(&head))
    }

    /// Stores a snapshot of `network`, which must be at the store's head, and
    /// returns that head. Fails with `InvalidInput` (`invalid_value`)
    /// otherwise.
    pub fn save_snapshot(&self, network: Arc<Network>) -> Result<ChainHead, LabshareError> {
        let mut store = self.lock();
        let state = network.lock();
        let head = store.save_snapshot(&state.network).map_err(store_error)?;
        Ok(ChainHead::from(&head))
    }

    /// Rebuilds the network from the newest snapshot and the events after
    /// it, or from every event if there is no snapshot. The network's
    /// `events()` are all stored events. Fails with `Integrity` (`corrupt`)
    /// for a damaged snapshot or journal line.
    pub fn load(&self) -> Result<Arc<Network>, LabshareError> {
        let store = self.lock();
        let restored = store.load().map_err(store_error)?;
        Store::network(&store, restored.network).map_err(store_error)
    }

    /// Rebuilds the network by replaying every stored event, ignoring
    /// snapshots; each event is checked again as when it was made.
    pub fn replay(&self) -> Result<Arc<Network>, LabshareError> {
        let store = self.lock();
        let restored = store.replay().map_err(store_error)?;
        Store::network(&store, restored.network).map_err(store_error)
    }

    /// Returns the stored journal as the bytes of a JSON Lines journal file.
    pub fn journal(&self) -> Result<Vec<u8>, LabshareError> {
        self.lock().journal_jsonl().map_err(store_error)
    }

    /// Checks the stored journal line by line.
    pub fn verify(&self) -> Result<JournalCheck, LabshareError> {
        let check = self.lock().verify().map_err(store_error)?;
        Ok(crate::exchange::journal_check(&check))
    }
}

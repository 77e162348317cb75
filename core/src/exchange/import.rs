//! Spreadsheet import of instrument lists and service records (表格导入).
//!
//! Reading a file never changes a network: it returns an [`ImportReport`]
//! with the good rows as records and every bad cell as a [`RowProblem`]
//! (row, column, value and reason in Chinese and English). For instrument
//! lists, [`plan_instruments`] then shows what an import would change (a dry
//! run), and [`apply_instruments`] makes the changes as journal events. It
//! makes all of them, or none if any row has a problem, unless the caller
//! requests the good rows only. Service records go the same way into the
//! network's service-record book through
//! [`super::service_import::plan_services`] and
//! [`super::service_import::apply_services`].

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::access::Actor;
use crate::error::{Error, Result};
use crate::ids::{InstrumentId, UnitId};
use crate::journal::{Change, Event};
use crate::lang::Text;
use crate::network::Network;
use crate::registry::{CategoryCode, InstrumentRecord, RegistryChange};

use super::cells::{self, code_text, normalize_code, parse_amount, parse_date, trim_text};
use super::mapping::{FieldDef, HeaderMatch, INSTRUMENT_FIELDS, Mapping, MoneyUnit, SERVICE_FIELDS, header_key};
use super::service::{Rating, ServiceMode, ServiceRecord};
use super::table::{Cell, SourceFormat, Table, column_letters, read_csv, read_xlsx};

/// Rows searched for the header row when the mapping does not name it.
const HEADER_SEARCH_ROWS: usize = 20;

/// One rejected cell, or a whole-file problem such as a missing column.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct RowProblem {
    /// Spreadsheet row, counting from 1 as Excel shows it.
    pub row: u32,
    /// Column letters such as `F`; empty for a problem of the whole row or file.
    pub column: String,
    /// The column's header as written in the file, or the expected header
    /// of a missing column.
    pub header: String,
    /// The cell's value as written.
    pub value: String,
    /// Reason for the rejection and the fix, in Chinese and English.
    pub reason: Text,
}

/// Use of a column of the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ColumnUse {
    /// Read into a field.
    Imported,
    /// A column that exports write for people to read, such as 提交状态;
    /// not read.
    Informational,
    /// An unknown header; not read.
    Ignored,
}

/// A column of the file and what it was matched to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ColumnMatch {
    /// Column letters such as `F`.
    pub column: String,
    /// The header as written.
    pub header: String,
    /// The field filled from the column, if any.
    pub field: Option<String>,
    /// The money unit its header names, if any.
    pub money_unit: Option<MoneyUnit>,
    /// Use of the column.
    pub used: ColumnUse,
}

/// The outcome of reading a file: good rows as records, and every problem.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ImportReport<R> {
    /// The kind of file read.
    pub format: SourceFormat,
    /// The XLSX sheet read.
    pub sheet: Option<String>,
    /// The 1-based row holding the headers.
    pub header_row: u32,
    /// Every column with a header, and its use.
    pub columns: Vec<ColumnMatch>,
    /// Data rows read, not counting blank rows.
    pub rows_read: u32,
    /// The rows without a problem.
    pub records: Vec<R>,
    /// Every problem, in row and column order.
    pub problems: Vec<RowProblem>,
}

impl<R> ImportReport<R> {
    /// Returns true if no row or column has a problem.
    pub fn is_clean(&self) -> bool {
        self.problems.is_empty()
    }

    /// Returns the rows with at least one problem, in order, without repeats.
    pub fn bad_rows(&self) -> Vec<u32> {
        let mut rows: Vec<u32> = self.problems.iter().map(|problem| problem.row).collect();
        rows.dedup();
        rows
    }
}

/// One good row of an instrument list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct InstrumentRow {
    /// Spreadsheet row.
    pub row: u32,
    /// Instrument id.
    pub instrument: InstrumentId,
    /// Owning unit.
    pub unit: UnitId,
    /// The record.
    pub record: InstrumentRecord,
}

/// One good row of a list of service records.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ServiceRow {
    /// Spreadsheet row.
    pub row: u32,
    /// The record.
    pub record: ServiceRecord,
}

/// The report of an instrument list.
pub type InstrumentImport = ImportReport<InstrumentRow>;
/// The report of a list of service records.
pub type ServiceImport = ImportReport<ServiceRow>;

/// Reads an instrument list from CSV bytes (UTF-8, or GB18030 as Excel on
/// Chinese Windows saves it).
///
/// # Errors
///
/// [`Error::InvalidValue`] for a mapping that names an unknown field or a
/// file without a recognisable header row; [`Error::Corrupt`] for bytes
/// that are not CSV. Bad rows are reported in the returned report.
///
/// # Example
///
/// ```
/// use labshare::exchange::import::instruments_from_csv;
/// use labshare::exchange::mapping::Mapping;
///
/// let csv = "仪器编号,单位编号,仪器名称,分类代码,仪器来源,原值（万元）,产地国别,生产制造商,规格型号,启用日期,主要技术指标,主要功能,运行状态,共享模式,安放地址\n\
///            XJ-001,XJ-AT,扫描电子显微镜,010601,购置,１５２.７,日本,JEOL,JSM-7610F,2017年7月14日,分辨率 1.0 nm,形貌观察,正常,外部共享,乌鲁木齐市\n";
/// let report = instruments_from_csv(csv.as_bytes(), &Mapping::default())?;
/// assert!(report.is_clean(), "{:?}", report.problems);
/// assert_eq!(report.records[0].record.original_value.to_string(), "1,527,000.00元");
/// assert_eq!(report.records[0].record.country_of_origin, "JP");
/// # Ok::<(), labshare::Error>(())
/// ```
pub fn instruments_from_csv(bytes: &[u8], mapping: &Mapping) -> Result<InstrumentImport> {
    mapping.check(&INSTRUMENT_FIELDS)?;
    read_instruments(&read_csv(bytes)?, mapping)
}

/// Reads an instrument list from the bytes of an XLSX workbook.
///
/// # Errors
///
/// As [`instruments_from_csv`], and:
/// - [`Error::Corrupt`] for bytes that are not an XLSX workbook, and for
///   a damaged one: a cell reference beyond `XFD1048576`, the last cell of
///   an Excel sheet, or a range that ends before it starts;
/// - [`Error::InvalidValue`] (field `sheet`) for a sheet name the workbook
///   lacks, and for a sheet whose cells lie so far apart that laying them
///   out would add more than 16,777,216 blank rows and empty cells.
pub fn instruments_from_xlsx(bytes: &[u8], mapping: &Mapping) -> Result<InstrumentImport> {
    mapping.check(&INSTRUMENT_FIELDS)?;
    read_instruments(&read_xlsx(bytes, mapping.sheet.as_deref())?, mapping)
}

/// Reads service records from CSV bytes.
///
/// # Errors
///
/// As [`instruments_from_csv`].
pub fn services_from_csv(bytes: &[u8], mapping: &Mapping) -> Result<ServiceImport> {
    mapping.check(&SERVICE_FIELDS)?;
    read_services(&read_csv(bytes)?, mapping)
}

/// Reads service records from the bytes of an XLSX workbook.
///
/// # Errors
///
/// As [`instruments_from_xlsx`].
pub fn services_from_xlsx(bytes: &[u8], mapping: &Mapping) -> Result<ServiceImport> {
    mapping.check(&SERVICE_FIELDS)?;
    read_services(&read_xlsx(bytes, mapping.sheet.as_deref())?, mapping)
}

/// Position of each field in the table.
struct Layout {
    header_index: usize,
    header_row: u32,
    columns: Vec<ColumnMatch>,
    /// Field name → (column index in the row, money unit of the header).
    fields: BTreeMap<&'static str, (usize, Option<MoneyUnit>)>,
    problems: Vec<RowProblem>,
}

fn layout(table: &Table, mapping: &Mapping, fields: &'static [FieldDef]) -> Result<Layout> {
    let header_index = find_header_row(table, mapping, fields)?;
    let header_row = spreadsheet_row(table, header_index);
    let headers = table.rows.get(header_index).map(Vec::as_slice).unwrap_or_default();

    let mut columns = Vec::new();
    let mut placed: BTreeMap<&'static str, (usize, Option<MoneyUnit>)> = BTreeMap::new();
    let mut problems = Vec::new();
    for (index, cell) in headers.iter().enumerate() {
        let header = trim_text(&cell.display());
        if header.is_empty() {
            continue;
        }
        let letters = column_letters(table.first_column.saturating_add(index as u32));
        let (_, money_unit) = header_key(&header);
        let (field, used) = match mapping.match_header(fields, &header) {
            HeaderMatch::Field(field) => (Some(field), ColumnUse::Imported),
            HeaderMatch::Informational => (None, ColumnUse::Informational),
            HeaderMatch::Unknown => (None, ColumnUse::Ignored),
        };
        if let Some(field) = field {
            if let Some((first, _)) = placed.get(field.name) {
                let first_letters = column_letters(table.first_column.saturating_add(*first as u32));
                problems.push(RowProblem {
                    row: header_row,
                    column: letters.clone(),
                    header: header.clone(),
                    value: header.clone(),
                    reason: Text::new(
                        format!("与 {first_letters} 列对应同一字段 {}；请删除或改名其中一列", field.name),
                        format!("maps to the same field `{}` as column {first_letters}; remove or rename one of them", field.name),
                    ),
                });
            } else {
                placed.insert(field.name, (index, money_unit));
            }
        }
        columns.push(ColumnMatch { column: letters, header, field: field.map(|f| f.name.to_owned()), money_unit, used });
    }

    for field in fields.iter().filter(|field| field.required && !placed.contains_key(field.name)) {
        if field.name == "unit" && mapping.default_unit.is_some() {
            continue;
        }
        let header = field.headers.first().copied().unwrap_or(field.name);
        problems.push(RowProblem {
            row: header_row,
            column: String::new(),
            header: header.to_owned(),
            value: String::new(),
            reason: Text::new(
                format!("缺少必填列「{header}」（字段 {}）；请添加该列，或在表头映射中指明对应的列", field.name),
                format!("the required column {header} (field `{}`) is missing; add it, or map a header to it", field.name),
            ),
        });
    }
    Ok(Layout { header_index, header_row, columns, fields: placed, problems })
}

fn find_header_row(table: &Table, mapping: &Mapping, fields: &'static [FieldDef]) -> Result<usize> {
    if let Some(row) = mapping.header_row {
        let index = row.checked_sub(table.first_row).map(|offset| offset as usize);
        return index.filter(|index| *index < table.rows.len()).ok_or_else(|| {
            Error::invalid_value(
                "header_row",
                row,
                Text::new(
                    format!("表中有内容的行号（{} 至 {}）", table.first_row, spreadsheet_row(table, table.rows.len().saturating_sub(1))),
                    format!("a row of the sheet that has content ({} to {})", table.first_row, spreadsheet_row(table, table.rows.len().saturating_sub(1))),
                ),
            )
        });
    }

    let matches_in = |row: &Vec<Cell>| {
        row.iter().filter(|cell| matches!(mapping.match_header(fields, &cell.display()), HeaderMatch::Field(_))).count()
    };
    let best = table
        .rows
        .iter()
        .take(HEADER_SEARCH_ROWS)
        .enumerate()
        .map(|(index, row)| (matches_in(row), index))
        .filter(|(count, _)| *count >= 2)
        .max_by(|(a_count, a_index), (b_count, b_index)| a_count.cmp(b_count).then(b_index.cmp(a_index)));
    best.map(|(_, index)| index).ok_or_else(|| {
        Error::invalid_value(
            "header_row",
            "",
            Text::new(
                "前 20 行中有至少两个可识别表头（如 仪器名称、原值）的一行；或在表头映射中指定表头行",
                "a row among the first 20 with at least two known headers such as 仪器名称 and 原值, or set the header row in the mapping",
            ),
        )
    })
}

fn spreadsheet_row(table: &Table, index: usize) -> u32 {
    table.first_row.saturating_add(u32::try_from(index).unwrap_or(u32::MAX))
}

/// Reads the fields of one data row and collects its problems.
struct RowReader<'a> {
    table: &'a Table,
    layout: &'a Layout,
    cells: &'a [Cell],
    row: u32,
    default_unit: MoneyUnit,
    problems: Vec<RowProblem>,
}

impl<'a> RowReader<'a> {
    fn cell(&self, field: &str) -> Option<(&'a Cell, usize, Option<MoneyUnit>)> {
        let (index, unit) = self.layout.fields.get(field)?;
        let cell = self.cells.get(*index).unwrap_or(&Cell::Empty);
        Some((cell, *index, *unit))
    }

    fn problem(&mut self, field: &str, reason: Text) {
        let (value, column, header) = match self.layout.fields.get(field) {
            Some((index, _)) => {
                let value = self.cells.get(*index).map(Cell::display).unwrap_or_default();
                let letters = column_letters(self.table.first_column.saturating_add(*index as u32));
                let header = self.layout.columns.iter().find(|c| c.column == letters).map(|c| c.header.clone()).unwrap_or_default();
                (value, letters, header)
            }
            None => (String::new(), String::new(), field.to_owned()),
        };
        self.problems.push(RowProblem { row: self.row, column, header, value, reason });
    }

    /// Returns the parsed value of a field, `None` for an empty optional
    /// field or a missing column; records a problem for a bad or empty
    /// required value.
    fn parse<T>(&mut self, field: &str, required: bool, parse: impl FnOnce(&Cell, MoneyUnit) -> Result<T, Text>) -> Option<T> {
        let (cell, _, unit) = self.cell(field)?;
        if let Cell::Error(error) = cell {
            self.problem(
                field,
                Text::new(format!("单元格是公式错误 {error}；请改为实际值"), format!("the cell holds the formula error {error}; enter the value")),
            );
            return None;
        }
        if cell.is_blank() {
            if required {
                self.problem(field, Text::new("必填项为空；请填写", "a required value is empty; fill it in"));
            }
            return None;
        }
        match parse(cell, unit.unwrap_or(self.default_unit)) {
            Ok(value) => Some(value),
            Err(reason) => {
                self.problem(field, reason);
                None
            }
        }
    }

    fn text(&mut self, field: &str, required: bool) -> Option<String> {
        self.parse(field, required, |cell, _| Ok(trim_text(&cell.display())))
    }

    fn optional_text(&mut self, field: &str) -> String {
        self.text(field, false).unwrap_or_default()
    }

    /// Records the problems that `errors` name by field.
    fn field_errors(&mut self, errors: Vec<Error>) {
        for error in errors {
            let field = error.field().unwrap_or("").to_owned();
            self.problem(&field, error.text());
        }
    }
}

fn data_rows<'a>(table: &'a Table, layout: &Layout) -> impl Iterator<Item = (u32, &'a [Cell])> {
    table
        .rows
        .iter()
        .enumerate()
        .skip(layout.header_index.saturating_add(1))
        .filter(|(_, cells)| cells.iter().any(|cell| !cell.is_blank()))
        .map(|(index, cells)| (spreadsheet_row(table, index), cells.as_slice()))
}

fn read_instruments(table: &Table, mapping: &Mapping) -> Result<InstrumentImport> {
    let layout = layout(table, mapping, &INSTRUMENT_FIELDS)?;
    let mut problems = layout.problems.clone();
    let mut records: Vec<InstrumentRow> = Vec::new();
    let mut first_row_of: BTreeMap<InstrumentId, u32> = BTreeMap::new();
    let mut rows_read = 0;

    for (row, cells) in data_rows(table, &layout) {
        rows_read += 1;
        let mut reader = RowReader { table, layout: &layout, cells, row, default_unit: mapping.money_unit, problems: Vec::new() };
        let parsed = read_instrument_row(&mut reader, mapping);
        if let Some(parsed) = &parsed {
            if let Some(first) = first_row_of.get(&parsed.instrument) {
                let reason = Text::new(
                    format!("仪器编号与第 {first} 行重复；每台仪器只能出现一次"),
                    format!("the instrument id repeats row {first}; list each instrument once"),
                );
                reader.problem("instrument", reason);
            } else {
                first_row_of.insert(parsed.instrument.clone(), row);
            }
        }
        match parsed {
            Some(parsed) if reader.problems.is_empty() => records.push(parsed),
            _ => problems.append(&mut reader.problems),
        }
    }

    Ok(ImportReport {
        format: table.format,
        sheet: table.sheet.clone(),
        header_row: layout.header_row,
        columns: layout.columns,
        rows_read,
        records,
        problems,
    })
}

fn read_instrument_row(reader: &mut RowReader<'_>, mapping: &Mapping) -> Option<InstrumentRow> {
    let instrument = reader.parse("instrument", true, |cell, _| InstrumentId::new(normalize_code(&cell.display())).map_err(|e| e.text()));
    let unit = match reader.cell("unit") {
        Some(_) => reader.parse("unit", true, |cell, _| UnitId::new(normalize_code(&cell.display())).map_err(|e| e.text())),
        None => mapping.default_unit.clone(),
    };
    let name = reader.text("name", true);
    let english_name = reader.optional_text("english_name");
    let category_code = reader.parse("category_code", true, |cell, _| CategoryCode::new(&code_text(cell, 6)).map_err(|e| e.text()));
    let source = reader.parse("source", true, |cell, _| cells::parse_source(&cell.display()));
    let original_value = reader.parse("original_value", true, parse_amount);
    let country_of_origin = reader.parse("country_of_origin", true, |cell, _| Ok(cells::country_code(&cell.display())));
    let manufacturer = reader.text("manufacturer", true);
    let model = reader.text("model", true);
    let commissioning_date: Option<NaiveDate> = reader.parse("commissioning_date", true, |cell, _| parse_date(cell));
    let specifications = reader.text("specifications", true);
    let functions = reader.text("functions", true);
    let disciplines = reader.parse("disciplines", false, |cell, _| Ok(cells::split_list(&cell.display()))).unwrap_or_default();
    let service_content = reader.optional_text("service_content");
    let operating_status = reader.parse("operating_status", true, |cell, _| cells::parse_operating_status(&cell.display()));
    let sharing_mode = reader.parse("sharing_mode", true, |cell, _| cells::parse_sharing_mode(&cell.display()));
    let sharing_rules = reader.optional_text("sharing_rules");
    let fee_standard = reader.optional_text("fee_standard");
    let booking_url = reader.parse("booking_url", false, |cell, _| Ok(normalize_code(&cell.display()))).unwrap_or_default();
    let location = reader.text("location", true);
    let contact = reader.optional_text("contact");

    let record = InstrumentRecord {
        name: name?,
        english_name,
        category_code: category_code?,
        source: source?,
        original_value: original_value?,
        country_of_origin: country_of_origin?,
        manufacturer: manufacturer?,
        model: model?,
        commissioning_date: commissioning_date?,
        specifications: specifications?,
        functions: functions?,
        disciplines,
        service_content,
        operating_status: operating_status?,
        sharing_mode: sharing_mode?,
        sharing_rules,
        fee_standard,
        booking_url,
        location: location?,
        contact,
    };
    reader.field_errors(record.violations());
    Some(InstrumentRow { row: reader.row, instrument: instrument?, unit: unit?, record })
}

fn read_services(table: &Table, mapping: &Mapping) -> Result<ServiceImport> {
    let layout = layout(table, mapping, &SERVICE_FIELDS)?;
    let mut problems = layout.problems.clone();
    let mut records = Vec::new();
    let mut rows_read = 0;

    for (row, cells) in data_rows(table, &layout) {
        rows_read += 1;
        let mut reader = RowReader { table, layout: &layout, cells, row, default_unit: mapping.money_unit, problems: Vec::new() };
        match read_service_row(&mut reader) {
            Some(record) if reader.problems.is_empty() => records.push(ServiceRow { row, record }),
            _ => problems.append(&mut reader.problems),
        }
    }

    Ok(ImportReport {
        format: table.format,
        sheet: table.sheet.clone(),
        header_row: layout.header_row,
        columns: layout.columns,
        rows_read,
        records,
        problems,
    })
}

fn read_service_row(reader: &mut RowReader<'_>) -> Option<ServiceRecord> {
    let instrument = reader.parse("instrument", true, |cell, _| InstrumentId::new(normalize_code(&cell.display())).map_err(|e| e.text()));
    let date = reader.parse("date", true, |cell, _| parse_date(cell));
    let amount = reader.parse("amount", true, parse_amount);
    let content = reader.text("content", true);
    let mode = reader.parse("mode", true, |cell, _| parse_service_mode(&cell.display()));
    let hours = reader.parse("hours", false, |cell, _| cells::parse_decimal(cell));
    let samples = reader.parse("samples", false, |cell, _| cells::parse_count(cell));
    let funding_source = reader.optional_text("funding_source");
    let user_unit = reader.text("user_unit", true);
    let rating = reader.parse("rating", false, |cell, _| parse_rating(cell));
    let user_contact = reader.optional_text("user_contact");

    let record = ServiceRecord {
        instrument: instrument?,
        date: date?,
        amount: amount?,
        content: content?,
        mode: mode?,
        hours,
        samples,
        funding_source,
        user_unit: user_unit?,
        rating,
        user_contact,
    };
    let errors = record.violations();
    reader.field_errors(errors);
    Some(record)
}

/// Parses a service mode by its national label (占用, 技术, 委托, 远程, 其他)
/// or English name.
pub fn parse_service_mode(text: &str) -> Result<ServiceMode, Text> {
    let key = normalize_code(text).to_lowercase();
    let english = ["occupancy", "technical", "commissioned", "remote", "other"];
    ServiceMode::LABELS
        .iter()
        .zip(english)
        .find(|((_, label), name)| key == *label || key == *name || key == format!("{label}服务") || key == format!("{label}式"))
        .map(|((mode, _), _)| *mode)
        .ok_or_else(|| {
            Text::new(
                "占用、技术、委托、远程 或 其他",
                "one of 占用 (occupancy), 技术 (technical), 委托 (commissioned), 远程 (remote), 其他 (other)",
            )
        })
}

fn parse_rating(cell: &Cell) -> Result<Rating, Text> {
    let key = normalize_code(&cell.display());
    let by_level = Rating::LABELS.iter().find(|(rating, _)| key == rating.level().to_string());
    let by_label = Rating::LABELS.iter().find(|(_, label)| key == *label);
    by_level.or(by_label).map(|(rating, _)| *rating).ok_or_else(|| {
        Text::new(
            "1 至 5 的等级，或 很满意、满意、一般、不满意、很不满意",
            "a level from 1 to 5, or one of 很满意, 满意, 一般, 不满意, 很不满意",
        )
    })
}

/// Whether an import takes only the good rows when some rows are bad.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ImportOptions {
    /// Import the good rows even if other rows have problems. Off by
    /// default: then one bad row stops the whole import.
    #[serde(default)]
    pub take_good_rows: bool,
}

/// Action an import takes for one row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum PlannedAction {
    /// A new instrument is submitted for review.
    Submit,
    /// A known instrument is revised; the change goes to review.
    Revise,
    /// The row equals the current record; nothing happens.
    Unchanged,
    /// The network rejects the change, for the reason given.
    Rejected,
    /// A new service record is added to the book.
    Record,
    /// The service record equals one already in the book; it is skipped
    /// and does not stop the import.
    Duplicate,
}

/// One field that a revision changes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct FieldChange {
    /// Field name, such as `original_value`.
    pub field: String,
    /// The current value as JSON.
    pub old: String,
    /// The imported value as JSON.
    pub new: String,
}

/// Planned action for one good row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct PlannedRow {
    /// Spreadsheet row.
    pub row: u32,
    /// Instrument id.
    pub instrument: InstrumentId,
    /// What happens.
    pub action: PlannedAction,
    /// For revisions, every field that changes.
    pub changes: Vec<FieldChange>,
    /// For rejected rows, why.
    pub reason: Option<Text>,
}

/// Changes an import would make, row by row: the result of a dry run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ImportPlan {
    /// The good rows of the report, in order.
    pub rows: Vec<PlannedRow>,
    /// Rows that the report rejected, which are never imported.
    pub bad_rows: Vec<u32>,
}

impl ImportPlan {
    /// Counts the rows with `action`.
    pub fn count(&self, action: PlannedAction) -> usize {
        self.rows.iter().filter(|row| row.action == action).count()
    }

    /// Returns true if every row of the file would be imported as planned.
    pub fn is_clean(&self) -> bool {
        self.bad_rows.is_empty() && self.count(PlannedAction::Rejected) == 0
    }
}

/// The events an import made, and its plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ImportOutcome {
    /// Actions taken, row by row.
    pub plan: ImportPlan,
    /// The recorded events, for the host to store.
    pub events: Vec<Event>,
}

/// Shows what importing `report` as `actor` would change, without changing
/// `network` (a dry run).
///
/// Each good row is tried in order on a copy of the network with every
/// rule and role check, so a row rejected here would be rejected by
/// [`apply_instruments`] too.
pub fn plan_instruments(network: &Network, actor: &Actor, now: DateTime<Utc>, report: &InstrumentImport) -> ImportPlan {
    simulate(network, actor, now, report).0
}

/// Imports the good rows of `report` as journal events.
///
/// Nothing changes unless every row is good and accepted, or
/// `options.take_good_rows` is set; then the rows that are bad or rejected
/// are left out and the rest imported.
///
/// # Errors
///
/// [`Error::RuleViolation`] with rule `import.bad_rows` naming the bad and
/// rejected rows, when some rows cannot be imported and
/// `options.take_good_rows` is off. `network` is unchanged then.
pub fn apply_instruments(
    network: &mut Network,
    actor: &Actor,
    now: DateTime<Utc>,
    report: &InstrumentImport,
    options: ImportOptions,
) -> Result<ImportOutcome> {
    let (plan, trial, events) = simulate(network, actor, now, report);
    if !plan.is_clean() && !options.take_good_rows {
        return Err(bad_rows_error(&plan));
    }
    *network = trial;
    Ok(ImportOutcome { plan, events })
}

/// Builds the error of an import stopped by bad or rejected rows.
pub(super) fn bad_rows_error(plan: &ImportPlan) -> Error {
    let mut rows: Vec<u32> = plan.bad_rows.clone();
    rows.extend(plan.rows.iter().filter(|row| row.action == PlannedAction::Rejected).map(|row| row.row));
    rows.sort_unstable();
    rows.dedup();
    let list = rows.iter().map(u32::to_string).collect::<Vec<_>>().join(", ");
    Error::rule(
        "import.bad_rows",
        Text::new(
            format!("第 {list} 行无法导入，因此未导入任何行；请修正这些行，或选择只导入正确的行"),
            format!("rows {list} cannot be imported, so no row was imported; fix those rows or choose to import the good rows only"),
        ),
    )
}

fn simulate(network: &Network, actor: &Actor, now: DateTime<Utc>, report: &InstrumentImport) -> (ImportPlan, Network, Vec<Event>) {
    let mut trial = network.clone();
    let mut rows = Vec::new();
    let mut events = Vec::new();
    for row in &report.records {
        let (planned, event) = plan_row(&mut trial, actor, now, row);
        rows.push(planned);
        events.extend(event);
    }
    (ImportPlan { rows, bad_rows: report.bad_rows() }, trial, events)
}

fn plan_row(trial: &mut Network, actor: &Actor, now: DateTime<Utc>, row: &InstrumentRow) -> (PlannedRow, Option<Event>) {
    let mut planned =
        PlannedRow { row: row.row, instrument: row.instrument.clone(), action: PlannedAction::Submit, changes: Vec::new(), reason: None };
    let current = trial.registry().instrument(&row.instrument).ok().cloned();

    let change = match &current {
        None => RegistryChange::SubmitInstrument { instrument: row.instrument.clone(), unit: row.unit.clone(), record: row.record.clone() },
        Some(existing) if existing.unit != row.unit => {
            planned.action = PlannedAction::Rejected;
            planned.reason = Some(Text::new(
                format!("仪器 {} 属于单位 {}，表中写的是 {}", row.instrument, existing.unit, row.unit),
                format!("instrument {} belongs to unit {}, but the row names {}", row.instrument, existing.unit, row.unit),
            ));
            return (planned, None);
        }
        Some(existing) => {
            let Some(before) = existing.pending.as_ref().or(existing.published.as_ref()) else {
                return (planned, None);
            };
            planned.changes = field_changes(before, &row.record);
            if planned.changes.is_empty() {
                planned.action = PlannedAction::Unchanged;
                return (planned, None);
            }
            planned.action = PlannedAction::Revise;
            RegistryChange::ReviseInstrument { instrument: row.instrument.clone(), record: row.record.clone() }
        }
    };

    match trial.execute(actor, now, Change::Registry(change)) {
        Ok(event) => (planned, Some(event)),
        Err(error) => {
            planned.action = PlannedAction::Rejected;
            planned.reason = Some(error.text());
            (planned, None)
        }
    }
}

/// Lists the fields whose JSON values differ between two records.
fn field_changes(before: &InstrumentRecord, after: &InstrumentRecord) -> Vec<FieldChange> {
    let as_map = |record: &InstrumentRecord| match serde_json::to_value(record) {
        Ok(serde_json::Value::Object(map)) => map,
        _ => serde_json::Map::new(),
    };
    let old = as_map(before);
    let new = as_map(after);
    new.iter()
        .filter(|(field, value)| old.get(*field) != Some(*value))
        .map(|(field, value)| FieldChange {
            field: field.clone(),
            old: old.get(field).map(ToString::to_string).unwrap_or_default(),
            new: value.to_string(),
        })
        .collect()
}

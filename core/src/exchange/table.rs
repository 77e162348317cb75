//! Spreadsheet bytes as a grid of cells, from CSV or XLSX.

use std::io::Cursor;

use calamine::{Data, DataRef, Reader, Xlsx, XlsxCellReader, XlsxError};
use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::lang::Text;

/// The kind of file rows were read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SourceFormat {
    /// Comma-separated values in UTF-8.
    CsvUtf8,
    /// Comma-separated values in GB18030 (which includes GBK), as Excel on
    /// Chinese Windows saves them.
    CsvGb18030,
    /// Excel 2007+ workbook.
    Xlsx,
}

/// One cell as stored in the file.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Cell {
    Empty,
    Text(String),
    Number(f64),
    /// An XLSX cell formatted as a date.
    Date(NaiveDate),
    /// An XLSX cell whose value is a formula error such as `#N/A`.
    Error(String),
}

impl Cell {
    /// Returns the cell's text as a spreadsheet displays it, for problem reports.
    pub(crate) fn display(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(text) => text.clone(),
            Cell::Number(number) => number.to_string(),
            Cell::Date(date) => date.format("%Y-%m-%d").to_string(),
            Cell::Error(error) => error.clone(),
        }
    }

    pub(crate) fn is_blank(&self) -> bool {
        match self {
            Cell::Empty => true,
            Cell::Text(text) => text.trim().is_empty(),
            _ => false,
        }
    }
}

/// Rows of cells; `first_row` is the 1-based spreadsheet row of `rows[0]`
/// and `first_column` the 0-based column of each row's first cell.
#[derive(Debug, Clone)]
pub(crate) struct Table {
    pub format: SourceFormat,
    pub sheet: Option<String>,
    pub first_row: u32,
    pub first_column: u32,
    pub rows: Vec<Vec<Cell>>,
}

/// Reads CSV bytes: UTF-8 (with or without a byte-order mark), or GB18030
/// when the bytes are not valid UTF-8.
pub(crate) fn read_csv(bytes: &[u8]) -> Result<Table> {
    let (text, format) = decode_csv(bytes);
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(text.as_bytes());
    let mut rows: Vec<Vec<Cell>> = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|error| {
            let row = error.position().map_or(rows.len() as u64 + 1, |position| position.line());
            Error::Corrupt {
                location: format!("row {row}"),
                detail: Text::new(format!("无法读取 CSV：{error}"), format!("the CSV cannot be read: {error}")),
            }
        })?;
        // The csv reader skips blank lines, which a spreadsheet shows as
        // rows; they are put back so row numbers match what Excel shows.
        let start = record.position().map_or(0, |position| usize::try_from(position.byte()).unwrap_or(usize::MAX));
        let mut skipped = text.as_bytes().get(start..).unwrap_or_default();
        // After a CRLF line end the reader stops between `\r` and `\n`.
        if start > 0 && text.as_bytes().get(start - 1) == Some(&b'\r') {
            skipped = skipped.strip_prefix(b"\n").unwrap_or(skipped);
        }
        let blank_lines = skipped.iter().take_while(|b| matches!(b, b'\n' | b'\r')).filter(|b| **b == b'\n').count();
        rows.extend(std::iter::repeat_with(Vec::new).take(blank_lines));
        rows.push(record.iter().map(|field| text_cell(field.to_owned())).collect());
    }
    Ok(Table { format, sheet: None, first_row: 1, first_column: 0, rows })
}

fn decode_csv(bytes: &[u8]) -> (String, SourceFormat) {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(text) => (text.to_owned(), SourceFormat::CsvUtf8),
        Err(_) => {
            let (text, _, _) = encoding_rs::GB18030.decode(bytes);
            (text.into_owned(), SourceFormat::CsvGb18030)
        }
    }
}

fn text_cell(text: String) -> Cell {
    if text.is_empty() { Cell::Empty } else { Cell::Text(text) }
}

/// Blank rows and empty cells inside rows that laying out an XLSX sheet
/// may add: 2^24, or 512 MiB at 32 bytes a cell, as many as a sheet of
/// 1,048,576 rows with 16 empty cells each. A cell with a value costs bytes in the
/// file, but a gap costs nothing there, so without a bound a small
/// workbook whose cells lie far apart, such as `A1` and `XFD1048576`,
/// would need gigabytes.
const MAX_XLSX_GAPS: u64 = 1 << 24;

/// Reads one worksheet of an XLSX workbook: `sheet` by name, or the first.
pub(crate) fn read_xlsx(bytes: &[u8], sheet: Option<&str>) -> Result<Table> {
    let mut workbook = Xlsx::new(Cursor::new(bytes)).map_err(|error| unreadable_workbook(&error.to_string()))?;
    // NOTE: this check reads every part of the package a second time. It
    // can go once calamine checks the arithmetic of its cell references.
    super::cell_refs::check_cell_references(bytes)?;
    let names = workbook.sheet_names();
    let name = match sheet {
        Some(wanted) => names.iter().find(|name| name.as_str() == wanted).cloned().ok_or_else(|| {
            Error::invalid_value(
                "sheet",
                wanted,
                Text::new(format!("工作簿中的工作表之一：{}", names.join("、")), format!("one of the sheets: {}", names.join(", "))),
            )
        })?,
        None => names.first().cloned().ok_or_else(|| unreadable_workbook("the workbook has no sheet"))?,
    };
    let cells = match workbook.worksheet_cells_reader(&name) {
        Ok(mut reader) => sheet_cells(&mut reader)?,
        // A chart sheet has no cells, as calamine reads it.
        Err(XlsxError::NotAWorksheet(_)) => Vec::new(),
        Err(error) => return Err(unreadable_workbook(&error.to_string())),
    };
    let (first_row, first_column, rows) = grid(&name, cells, MAX_XLSX_GAPS)?;
    Ok(Table { format: SourceFormat::Xlsx, sheet: Some(name), first_row: first_row.saturating_add(1), first_column, rows })
}

fn unreadable_workbook(error: &str) -> Error {
    Error::Corrupt {
        location: "workbook".to_owned(),
        detail: Text::new(
            format!("无法读取 XLSX 工作簿：{error}；请用 Excel 另存为 .xlsx 后重试"),
            format!("the XLSX workbook cannot be read: {error}; save it again as .xlsx in Excel and retry"),
        ),
    }
}

/// Reads the sheet's cells with a value, with their 0-based row and
/// column. Cells with an empty text are left out, as empty cells are.
fn sheet_cells<R: std::io::Read + std::io::Seek>(reader: &mut XlsxCellReader<'_, R>) -> Result<Vec<((u32, u32), Cell)>> {
    let mut cells = Vec::new();
    loop {
        match reader.next_cell() {
            Ok(Some(cell)) => {
                if matches!(cell.get_value(), DataRef::Empty) {
                    continue;
                }
                // A formula that gives "" is stored with that value, and a
                // column filled down with it would otherwise stretch every
                // row to that column.
                let value = xlsx_cell(Data::from(cell.get_value().clone()));
                if value != Cell::Empty {
                    cells.push((cell.get_position(), value));
                }
            }
            Ok(None) => return Ok(cells),
            Err(error) => return Err(unreadable_workbook(&error.to_string())),
        }
    }
}

/// Lays cells out in rows from the top-left cell with a value, as
/// the sheet shows them. Returns that cell's 0-based row and column and
/// the rows, each as long as its last cell. A later cell at a position
/// replaces an earlier one, as in calamine's ranges.
fn grid(sheet: &str, cells: Vec<((u32, u32), Cell)>, max_gaps: u64) -> Result<(u32, u32, Vec<Vec<Cell>>)> {
    let Some(first_row) = cells.iter().map(|((row, _), _)| *row).min() else {
        return Ok((0, 0, Vec::new()));
    };
    let first_column = cells.iter().map(|((_, column), _)| *column).min().unwrap_or(0);
    let last_row = cells.iter().map(|((row, _), _)| *row).max().unwrap_or(first_row);
    let last_column = cells.iter().map(|((_, column), _)| *column).max().unwrap_or(first_column);
    let too_sparse = || sheet_too_sparse(sheet, max_gaps, (first_row, first_column), (last_row, last_column));
    let row_count = u64::from(last_row - first_row) + 1;
    if row_count > max_gaps {
        return Err(too_sparse());
    }

    // Row lengths come first, so that a sheet with too many gaps is
    // rejected before any of them is allocated.
    let mut lengths = vec![0_u32; row_count as usize];
    for ((row, column), _) in &cells {
        if let Some(length) = lengths.get_mut((row - first_row) as usize) {
            *length = (*length).max((column - first_column).saturating_add(1));
        }
    }
    let grid_cells = lengths.iter().map(|length| u64::from(*length)).sum::<u64>();
    let blank_rows = lengths.iter().filter(|length| **length == 0).count() as u64;
    // A position given twice counts once in the grid, so the difference
    // can only understate the gaps by the repeats, which cost file bytes.
    let gaps = grid_cells.saturating_sub(cells.len() as u64) + blank_rows;
    if gaps > max_gaps {
        return Err(too_sparse());
    }

    let mut rows: Vec<Vec<Cell>> = lengths.iter().map(|length| vec![Cell::Empty; *length as usize]).collect();
    for ((row, column), cell) in cells {
        let slot = rows.get_mut((row - first_row) as usize).and_then(|cells_of_row| cells_of_row.get_mut((column - first_column) as usize));
        if let Some(slot) = slot {
            *slot = cell;
        }
    }
    Ok((first_row, first_column, rows))
}

/// Returns the error for a sheet whose cells, from `first` to `last`
/// (0-based row and column), need more than `max_gaps` empty cells to lay out.
fn sheet_too_sparse(sheet: &str, max_gaps: u64, first: (u32, u32), last: (u32, u32)) -> Error {
    let span = format!(
        "{}{}:{}{}",
        column_letters(first.1),
        u64::from(first.0) + 1,
        column_letters(last.1),
        u64::from(last.0) + 1
    );
    Error::invalid_value(
        "sheet",
        sheet,
        Text::new(
            format!("空行与行内空单元格合计不超过 {max_gaps} 个的工作表。本表的单元格分布在 {span}，相距过远，可能有远离表格的零散单元格；请删除它们，或把表拆成几张"),
            format!("a sheet with at most {max_gaps} blank rows and empty cells inside rows; this sheet's cells spread over {span}, too far apart, perhaps because of stray cells far from the table, so delete them or split the sheet"),
        ),
    )
}

fn xlsx_cell(data: Data) -> Cell {
    match data {
        Data::Empty => Cell::Empty,
        Data::String(text) | Data::DateTimeIso(text) | Data::DurationIso(text) => text_cell(text),
        Data::Int(number) => Cell::Number(number as f64),
        Data::Float(number) => Cell::Number(number),
        Data::Bool(value) => Cell::Text(if value { "TRUE" } else { "FALSE" }.to_owned()),
        Data::DateTime(stamp) => {
            let (year, month, day, ..) = stamp.to_ymd_hms_milli();
            NaiveDate::from_ymd_opt(i32::from(year), u32::from(month), u32::from(day))
                .map_or_else(|| Cell::Number(stamp.as_f64()), Cell::Date)
        }
        Data::Error(error) => Cell::Error(format!("{error}")),
    }
}

/// Returns the spreadsheet letters of a 0-based column: 0 → A, 26 → AA.
pub(crate) fn column_letters(column: u32) -> String {
    let mut letters = Vec::new();
    let mut rest = u64::from(column) + 1;
    while rest > 0 {
        let digit = (rest - 1) % 26;
        letters.push(char::from(b'A' + digit as u8));
        rest = (rest - 1) / 26;
    }
    letters.iter().rev().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(value: &str) -> Cell {
        Cell::Text(value.to_owned())
    }

    #[test]
    fn grid_starts_at_the_first_filled_cell() {
        let cells = vec![((4, 3), text("d5")), ((2, 1), text("b3")), ((2, 4), text("e3")), ((2, 1), text("b3 again"))];
        let (first_row, first_column, rows) = grid("表", cells, 100).expect("laid out");
        assert_eq!((first_row, first_column), (2, 1));
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[0], [text("b3 again"), Cell::Empty, Cell::Empty, text("e3")]);
        assert!(rows[1].is_empty());
        assert_eq!(rows[2], [Cell::Empty, Cell::Empty, text("d5")]);
    }

    #[test]
    fn grid_counts_only_blank_rows_and_gaps() {
        // Rows 1 and 3 have a gap of two cells each, and row 2 is blank: 5 gaps.
        let cells = vec![((0, 0), text("a")), ((0, 3), text("d")), ((2, 0), text("a")), ((2, 3), text("d"))];
        assert!(grid("表", cells.clone(), 5).is_ok());
        let error = grid("表", cells, 4).unwrap_err();
        assert_eq!(error.field(), Some("sheet"));
        assert!(error.message(crate::Lang::En).contains("A1:D3"), "{error}");
        assert!(error.message(crate::Lang::Zh).contains("A1:D3"), "{error}");
    }

    #[test]
    fn grid_rejects_far_rows_early() {
        let cells = vec![((0, 0), text("a")), ((u32::MAX - 1, 16_383), text("z"))];
        let error = grid("表", cells, 1 << 24).unwrap_err();
        assert!(error.message(crate::Lang::En).contains("A1:XFD4294967295"), "{error}");
    }

    #[test]
    fn column_letters_follow_spreadsheet_names() {
        let cases = [(0, "A"), (25, "Z"), (26, "AA"), (27, "AB"), (701, "ZZ"), (702, "AAA")];
        for (column, letters) in cases {
            assert_eq!(column_letters(column), letters, "column {column}");
        }
    }

    #[test]
    fn blank_csv_lines_keep_row_numbers() {
        for text in ["a\n\nb\n\"x\ny\"\n\n\nc\n", "a\r\n\r\nb\r\n\"x\r\ny\"\r\n\r\n\r\nc\r\n"] {
            let table = read_csv(text.as_bytes()).expect("read");
            let firsts: Vec<String> = table.rows.iter().map(|row| row.first().map(Cell::display).unwrap_or_default()).collect();
            assert_eq!(firsts.len(), 7, "{text:?}: {firsts:?}");
            assert_eq!(firsts[0], "a");
            assert_eq!(firsts[2], "b");
            assert_eq!(firsts[3].replace('\r', ""), "x\ny");
            assert_eq!(firsts[6], "c");
        }
    }

    #[test]
    fn gb18030_csv_is_decoded() {
        let (bytes, _, _) = encoding_rs::GB18030.encode("仪器名称,原值\n扫描电镜,15.27\n");
        let table = read_csv(&bytes).expect("read");
        assert_eq!(table.format, SourceFormat::CsvGb18030);
        assert_eq!(table.rows[1][0], Cell::Text("扫描电镜".to_owned()));
    }
}

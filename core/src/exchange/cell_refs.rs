//! Checks of an XLSX workbook's cell references, made before calamine
//! reads the workbook.
//!
//! calamine 0.38 turns a reference such as `B12` into a column and a row
//! in 32-bit arithmetic without overflow checks, and a sheet's size into
//! the difference of its dimension's corners. A reference with eight
//! letters (`AAAAAAAA1`) or a ten-digit row past 4,294,967,295, or a range
//! whose end comes before its start, overflows that arithmetic. With
//! overflow checks on (debug builds and the fuzz targets) that is a panic;
//! without them, a wrong cell position. No spreadsheet program writes such
//! references, so a workbook that contains one is reported as damaged
//! before calamine reads it.

use std::io::{BufReader, Cursor};

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

use crate::error::{Error, Result};
use crate::lang::Text;

/// Row count of the largest sheet Excel 2007 and later allow.
const MAX_ROWS: u64 = 1_048_576;

/// Column count of that sheet: columns `A` to `XFD`.
const MAX_COLUMNS: u64 = 16_384;

/// The attributes that calamine's cell reader takes as a cell reference
/// or a range, by element: a cell's and a row's position and the sheet's
/// dimension. calamine reads merged cells and hyperlinks only through
/// calls that the import does not make.
const REFERENCE_ATTRIBUTES: [(&str, &str); 3] = [("c", "r"), ("row", "r"), ("dimension", "ref")];

/// Checks every cell reference and range in the parts of an XLSX package.
///
/// Every part is read, whatever its name, because calamine opens the part
/// that the workbook's relationships name, which need not end in `.xml`.
/// A part that is not XML stops at its first malformed byte. Bytes that
/// are not a zip archive, and parts that cannot be read, are left to
/// calamine, which reports them.
///
/// # Errors
///
/// [`Error::Corrupt`] naming the part and the reference, for a reference
/// beyond the last cell of an Excel sheet (`XFD1048576`) or a range whose
/// end comes before its start.
pub(crate) fn check_cell_references(bytes: &[u8]) -> Result<()> {
    let Ok(mut archive) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        return Ok(());
    };
    for index in 0..archive.len() {
        let Ok(part) = archive.by_index(index) else { continue };
        let Ok(name) = part.name().map(|name| name.into_owned()) else { continue };
        check_part(&name, BufReader::new(part))?;
    }
    Ok(())
}

/// Checks the reference attributes of one XML part. Reading stops
/// without an error where the XML is malformed: calamine uses the same
/// parser and stops there too.
fn check_part(name: &str, source: impl std::io::BufRead) -> Result<()> {
    let mut reader = Reader::from_reader(source);
    // The settings calamine reads worksheets with, so that both readers
    // see the same elements.
    let config = reader.config_mut();
    config.check_end_names = false;
    config.trim_text(false);
    config.check_comments = false;
    config.expand_empty_elements = true;

    let mut buffer = Vec::new();
    loop {
        buffer.clear();
        match reader.read_event_into(&mut buffer) {
            Ok(Event::Start(element) | Event::Empty(element)) => check_element(name, &element)?,
            Ok(Event::Eof) | Err(_) => return Ok(()),
            Ok(_) => {}
        }
    }
}

fn check_element(part: &str, element: &BytesStart<'_>) -> Result<()> {
    let local = element.local_name();
    let Some((_, attribute)) = REFERENCE_ATTRIBUTES.iter().find(|(tag, _)| *tag == local.as_ref()) else {
        return Ok(());
    };
    for (key, value) in raw_attributes(element.attributes_raw()) {
        if key != *attribute {
            continue;
        }
        let range = *attribute == "ref";
        if let Some(reason) = if range { range_problem(value) } else { reference_problem(value) } {
            return Err(damaged(part, value, reason));
        }
    }
    Ok(())
}

/// Splits an element's attribute text into keys and raw values the way
/// calamine does: the key is the text before `=`, the value the text
/// between the quotes that follow. Splitting stops at the first
/// attribute without `=` or quotes, where calamine reports an error.
fn raw_attributes(text: &str) -> impl Iterator<Item = (&str, &str)> {
    let mut rest = text;
    std::iter::from_fn(move || {
        let (key, after) = rest.trim_start().split_once('=')?;
        let after = after.trim_start();
        let quote = after.chars().next().filter(|c| *c == '"' || *c == '\'')?;
        let body = &after[1..];
        let (value, next) = body.split_once(quote).unwrap_or((body, ""));
        rest = next;
        Some((key.trim_end(), value))
    })
}

/// The leading letters and the digits after them of a reference such as
/// `AB12`, as calamine reads them before it looks at anything else.
struct Runs<'a> {
    letters: &'a str,
    digits: &'a str,
    /// True when nothing follows the digits.
    whole: bool,
}

fn runs(reference: &str) -> Runs<'_> {
    let letters_end = reference.find(|c: char| !c.is_ascii_alphabetic()).unwrap_or(reference.len());
    let (letters, rest) = reference.split_at(letters_end);
    let digits_end = rest.find(|c: char| !c.is_ascii_digit()).unwrap_or(rest.len());
    let (digits, tail) = rest.split_at(digits_end);
    Runs { letters, digits, whole: tail.is_empty() }
}

/// Returns the 1-based column of spreadsheet letters: A → 1, AA → 27.
fn column_number(letters: &str) -> u64 {
    letters.bytes().fold(0, |column: u64, letter| {
        column.saturating_mul(26).saturating_add(u64::from(letter.to_ascii_uppercase() - b'A') + 1)
    })
}

fn row_number(digits: &str) -> u64 {
    digits.bytes().fold(0, |row: u64, digit| row.saturating_mul(10).saturating_add(u64::from(digit - b'0')))
}

/// Returns why a reference lies beyond the last cell of an Excel sheet,
/// or `None`. The letters and digits are judged even when text that
/// calamine rejects follows them, because calamine has counted them by
/// then. Within the sheet's bounds no step of that count overflows, since
/// each step's value is at most the final one; leading zeros are harmless.
fn reference_problem(reference: &str) -> Option<Text> {
    let runs = runs(reference);
    let too_far = column_number(runs.letters) > MAX_COLUMNS || row_number(runs.digits) > MAX_ROWS;
    too_far.then(|| {
        Text::new(
            "单元格引用超出 Excel 工作表的范围（最后一格为 XFD1048576）",
            "the cell reference lies beyond the last cell of an Excel sheet, XFD1048576",
        )
    })
}

/// Returns why a range such as `A1:D20` is out of bounds or reversed, or
/// `None`.
fn range_problem(range: &str) -> Option<Text> {
    let parts: Vec<&str> = range.split(':').collect();
    if let Some(problem) = parts.iter().find_map(|part| reference_problem(part)) {
        return Some(problem);
    }
    let [start, end] = parts.as_slice() else { return None };
    let (start, end) = (runs(start), runs(end));
    let complete = |runs: &Runs<'_>| runs.whole && !runs.letters.is_empty() && !runs.digits.is_empty();
    if !complete(&start) || !complete(&end) {
        return None;
    }
    let reversed = column_number(end.letters) < column_number(start.letters) || row_number(end.digits) < row_number(start.digits);
    reversed.then(|| {
        Text::new(
            "区域的结束单元格在开始单元格的左侧或上方",
            "the range ends left of or above the cell it starts at",
        )
    })
}

fn damaged(part: &str, value: &str, reason: Text) -> Error {
    Error::Corrupt {
        location: format!("workbook part {part}"),
        detail: Text::new(
            format!("工作簿已损坏，引用 \"{value}\" 无效：{}。请用 Excel 打开并另存为 .xlsx 后重试", reason.zh),
            format!("the workbook is damaged: the reference \"{value}\" is invalid because {}; open it in Excel, save it again as .xlsx and retry", reason.en),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_within_an_excel_sheet_pass() {
        for reference in ["A1", "b7", "XFD1048576", "Z26", "AA100", "1", "12", "A", "$A$1", "A1B", "", "B00000003", "A0001048576"] {
            assert!(reference_problem(reference).is_none(), "{reference}");
        }
    }

    #[test]
    fn references_beyond_an_excel_sheet_fail() {
        for reference in ["XFE1", "AAAA1", "ZZZZZZZZ1", "A1048577", "A99999999", "A12345678901", "AAAAAAA$", "1234567890", "A0001048577"] {
            assert!(reference_problem(reference).is_some(), "{reference}");
        }
    }

    #[test]
    fn reversed_ranges_fail() {
        let cases = [
            ("A1:D20", false),
            ("A1", false),
            ("C3:C3", false),
            ("B2:A2", true),
            ("A2:A1", true),
            ("B2:A1", true),
            ("A1:B2:C3", false),
            ("A1:$B$2", false),
            ("A1:XFE2", true),
        ];
        for (range, fails) in cases {
            assert_eq!(range_problem(range).is_some(), fails, "{range}");
        }
    }

    #[test]
    fn attributes_split_as_calamine_splits_them() {
        let pairs: Vec<(&str, &str)> = raw_attributes(r#" r="A1" s = '3' t="s""#).collect();
        assert_eq!(pairs, [("r", "A1"), ("s", "3"), ("t", "s")]);
        let pairs: Vec<(&str, &str)> = raw_attributes(r#" r="A1" broken s="2""#).collect();
        assert_eq!(pairs, [("r", "A1"), ("broken s", "2")]);
        assert_eq!(raw_attributes(" r=A1").count(), 0);
        let pairs: Vec<(&str, &str)> = raw_attributes(r#" r="A1"#).collect();
        assert_eq!(pairs, [("r", "A1")]);
    }

    #[test]
    fn long_column_reference_is_damaged() {
        let xml = r#"<worksheet><sheetData><row r="1"><c r="AAAAAAAAAA1"><v>1</v></c></row></sheetData></worksheet>"#;
        let error = check_part("xl/worksheets/sheet1.xml", xml.as_bytes()).expect_err("damaged");
        assert!(matches!(&error, Error::Corrupt { location, .. } if location == "workbook part xl/worksheets/sheet1.xml"), "{error:?}");
        assert!(error.to_string().contains("AAAAAAAAAA1"), "{error}");
    }

    #[test]
    fn reversed_dimension_is_damaged() {
        let xml = r#"<worksheet><dimension ref="B2:A1"/><sheetData/></worksheet>"#;
        assert!(check_part("xl/worksheets/sheet1.xml", xml.as_bytes()).is_err());
        let xml = r#"<worksheet><dimension ref="A1:B2"/><sheetData><row r="2"><c r="B2" t="s"/></row></sheetData></worksheet>"#;
        assert!(check_part("xl/worksheets/sheet1.xml", xml.as_bytes()).is_ok());
    }

    #[test]
    fn other_attributes_are_ignored() {
        let xml = r#"<worksheet><c s="AAAAAAAAAA1"/><f ref="ZZZZZZZZ1"/><mergeCell ref="B2:A1"/><x:c r="A1"/></worksheet>"#;
        assert!(check_part("xl/worksheets/sheet1.xml", xml.as_bytes()).is_ok());
        let xml = r#"<x:worksheet><x:c r="ZZZZZZZZ1"/></x:worksheet>"#;
        assert!(check_part("xl/worksheets/sheet1.xml", xml.as_bytes()).is_err(), "calamine matches local names");
    }
}

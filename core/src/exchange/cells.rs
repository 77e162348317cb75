//! Cell values as offices write them (单元格取值): dates, amounts, codes and
//! enumerations, with full-width characters.
//!
//! Each parser returns the value or the reason it was rejected, in Chinese
//! and English; the importer adds the row and column.

use chrono::{Duration, NaiveDate};
use rust_decimal::Decimal;

use crate::lang::Text;
use crate::money::Money;
use crate::registry::{AcquisitionSource, OperatingStatus, SharingMode};

use super::mapping::MoneyUnit;
use super::table::Cell;

/// Converts full-width ASCII forms (Ａ, １, ．, ，) and the ideographic space
/// to their ASCII equivalents; other characters stay as they are.
pub fn half_width(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            '\u{3000}' => ' ',
            _ => c,
        })
        .collect()
}

/// Trims whitespace, including the ideographic space (U+3000) and
/// non-breaking spaces, from both ends.
pub fn trim_text(text: &str) -> String {
    text.trim_matches(|c: char| c.is_whitespace() || c == '\u{FEFF}').to_owned()
}

/// Converts to half-width, then trims: for ids, codes, numbers and dates.
pub fn normalize_code(text: &str) -> String {
    trim_text(&half_width(text))
}

fn date_expected() -> Text {
    Text::new(
        "日期，写成 2017-07-14、2017/7/14、2017年7月14日 或 Excel 日期序号",
        "a date written as 2017-07-14, 2017/7/14, 2017年7月14日 or an Excel serial number",
    )
}

/// Parses a date written as `2017-07-14`, `2017/7/14`, `2017.7.14`,
/// `2017年7月14日` or an Excel serial number of five to seven digits such as
/// `42930`, with
/// full-width digits allowed. A time after the date (`2017-07-14 00:00:00`)
/// is ignored.
///
/// # Errors
///
/// The reason, in Chinese and English: not a date, or no such day.
///
/// # Example
///
/// ```
/// use chrono::NaiveDate;
/// use labshare::exchange::cells::parse_date_text;
///
/// let day = NaiveDate::from_ymd_opt(2017, 7, 14).unwrap();
/// for text in ["2017-07-14", "2017/7/14", "2017年7月14日", "４２９３０", "２０１７年７月１４日"] {
///     assert_eq!(parse_date_text(text), Ok(day));
/// }
/// ```
pub fn parse_date_text(text: &str) -> Result<NaiveDate, Text> {
    let normalized = normalize_code(text);
    let date_part = normalized.split_whitespace().next().unwrap_or("");
    let integer_digits = date_part.split('.').next().map_or(0, str::len);
    let is_number = date_part.chars().all(|c| c.is_ascii_digit() || c == '.') && date_part.matches('.').count() <= 1;
    // Four digits or fewer read as a year, not as a day in 1900–1927.
    if is_number && (5..=7).contains(&integer_digits) {
        let serial: f64 = date_part.parse().map_err(|_| date_expected())?;
        return excel_serial_to_date(serial);
    }

    let (year, month, day) = split_date(date_part).ok_or_else(date_expected)?;
    NaiveDate::from_ymd_opt(year, month, day).ok_or_else(|| {
        Text::new(
            format!("{year} 年 {month} 月没有第 {day} 日；请核对日期"),
            format!("{year}-{month:02} has no day {day}; check the date"),
        )
    })
}

/// Splits `2017-07-14`, `2017/7/14`, `2017.7.14` or `2017年7月14日` into numbers.
fn split_date(text: &str) -> Option<(i32, u32, u32)> {
    let pieces: Vec<&str> = if let Some(rest) = text.strip_suffix('日') {
        let (year, rest) = rest.split_once('年')?;
        let (month, day) = rest.split_once('月')?;
        vec![year, month, day]
    } else {
        let separator = text.chars().find(|c| matches!(c, '-' | '/' | '.'))?;
        text.split(separator).collect()
    };
    let [year, month, day] = pieces.as_slice() else { return None };
    let digits_ok = |piece: &str, max: usize| !piece.is_empty() && piece.len() <= max && piece.chars().all(|c| c.is_ascii_digit());
    if year.len() != 4 || !digits_ok(year, 4) || !digits_ok(month, 2) || !digits_ok(day, 2) {
        return None;
    }
    Some((year.parse().ok()?, month.parse().ok()?, day.parse().ok()?))
}

/// Converts an Excel serial day number of the 1900 date system to a date;
/// a fractional part (the time of day) is ignored.
///
/// Excel counts 1900-01-01 as day 1 and, keeping an old Lotus 1-2-3 error,
/// treats 1900 as a leap year: day 60 is the non-existent 1900-02-29 and is
/// rejected, and days from 61 on are one more than the real count.
///
/// # Errors
///
/// The reason for a number below 1, day 60, or a number past 9999-12-31.
pub fn excel_serial_to_date(serial: f64) -> Result<NaiveDate, Text> {
    if !serial.is_finite() || !(1.0..2_958_466.0).contains(&serial) {
        return Err(Text::new(
            format!("Excel 日期序号 {serial} 超出范围（1 至 2958465）"),
            format!("the Excel serial number {serial} is out of range (1 to 2958465)"),
        ));
    }
    let day = serial.trunc() as i64;
    if day == 60 {
        return Err(Text::new(
            "Excel 日期序号 60 表示不存在的 1900-02-29",
            "Excel serial number 60 stands for 1900-02-29, which does not exist",
        ));
    }
    let epoch = if day < 60 { NaiveDate::from_ymd_opt(1899, 12, 31) } else { NaiveDate::from_ymd_opt(1899, 12, 30) };
    epoch
        .and_then(|epoch| epoch.checked_add_signed(Duration::days(day)))
        .ok_or_else(date_expected)
}

/// Parses a date cell: a date-formatted XLSX cell, an Excel serial number,
/// or text as [`parse_date_text`] accepts it.
pub(crate) fn parse_date(cell: &Cell) -> Result<NaiveDate, Text> {
    match cell {
        Cell::Date(date) => Ok(*date),
        Cell::Number(serial) => excel_serial_to_date(*serial),
        Cell::Text(text) => parse_date_text(text),
        Cell::Empty | Cell::Error(_) => Err(date_expected()),
    }
}

/// Returns the shortest decimal text that reads back as `number`, so 15.27
/// stored as a binary float becomes `15.27`, not `15.2699999…`.
pub(crate) fn number_text(number: f64) -> String {
    format!("{number}")
}

/// Parses an amount cell; `unit` applies when the cell names no unit.
pub(crate) fn parse_amount(cell: &Cell, unit: MoneyUnit) -> Result<Money, Text> {
    match cell {
        Cell::Number(number) => parse_amount_text(&number_text(*number), unit),
        Cell::Text(text) => parse_amount_text(text, unit),
        _ => parse_amount_text("", unit),
    }
}

/// Parses an amount written in a cell; `unit` applies when the text names
/// no unit of its own (`68万`, `1,234.50元`). Full-width digits are allowed.
///
/// # Errors
///
/// The reason: not a number, negative, finer than a fen, or too large.
///
/// # Example
///
/// ```
/// use labshare::exchange::cells::parse_amount_text;
/// use labshare::exchange::mapping::MoneyUnit;
///
/// assert_eq!(parse_amount_text("１５．２７", MoneyUnit::Wan).map(|m| m.to_fen()), Ok(15_270_000));
/// assert_eq!(parse_amount_text("152,700元", MoneyUnit::Wan).map(|m| m.to_fen()), Ok(15_270_000));
/// ```
pub fn parse_amount_text(text: &str, unit: MoneyUnit) -> Result<Money, Text> {
    let text = normalize_code(text);
    let names_unit = text.ends_with('元') || text.ends_with('万');
    let with_unit = match unit {
        MoneyUnit::Wan if !names_unit => format!("{text}万"),
        _ => text,
    };
    Money::parse(&with_unit).map_err(|error| error.text())
}

/// Parses a non-negative decimal quantity such as hours.
pub(crate) fn parse_decimal(cell: &Cell) -> Result<Decimal, Text> {
    let text = match cell {
        Cell::Number(number) => number_text(*number),
        Cell::Text(text) => normalize_code(text).replace(',', ""),
        _ => String::new(),
    };
    match text.parse::<Decimal>() {
        Ok(value) if !value.is_sign_negative() || value.is_zero() => Ok(value.normalize()),
        _ => Err(Text::new("0 或正数，如 12.5", "a number of 0 or more, such as 12.5")),
    }
}

/// Parses a whole number of 0 or more, such as a sample count.
pub(crate) fn parse_count(cell: &Cell) -> Result<u64, Text> {
    let expected = || Text::new("0 或正整数，如 120", "a whole number of 0 or more, such as 120");
    match cell {
        Cell::Number(number) if number.fract() == 0.0 && *number >= 0.0 && *number < 9.0e15 => Ok(*number as u64),
        Cell::Text(text) => normalize_code(text).replace(',', "").parse().map_err(|_| expected()),
        _ => Err(expected()),
    }
}

/// Returns the text of a code cell. In a numeric cell Excel has dropped the
/// code's leading zeros, so the number is padded to `width` digits.
pub(crate) fn code_text(cell: &Cell, width: usize) -> String {
    match cell {
        Cell::Number(number) if number.fract() == 0.0 && *number >= 0.0 && *number < 1.0e15 => {
            format!("{:0width$}", *number as u64)
        }
        _ => normalize_code(&cell.display()),
    }
}

fn matches_label(text: &str, labels: &[&str]) -> bool {
    let key = normalize_code(text).to_lowercase();
    labels.iter().any(|label| *label == key)
}

/// Parses an acquisition source: 购置, 自研, 捐赠, 其他, or the English names.
pub fn parse_source(text: &str) -> Result<AcquisitionSource, Text> {
    let table: [(AcquisitionSource, &[&str]); 4] = [
        (AcquisitionSource::Purchased, &["购置", "购买", "采购", "purchased"]),
        (AcquisitionSource::SelfBuilt, &["自研", "自制", "研制", "自行研制", "self_built", "self-built"]),
        (AcquisitionSource::Donated, &["捐赠", "赠送", "受赠", "donated"]),
        (AcquisitionSource::Other, &["其他", "其它", "other"]),
    ];
    table.iter().find(|(_, labels)| matches_label(text, labels)).map(|(value, _)| *value).ok_or_else(|| {
        Text::new("购置、自研、捐赠 或 其他", "one of 购置 (purchased), 自研 (self-built), 捐赠 (donated), 其他 (other)")
    })
}

/// Parses a sharing mode: 外部共享, 内部共享, 不共享, or the English names.
pub fn parse_sharing_mode(text: &str) -> Result<SharingMode, Text> {
    let table: [(SharingMode, &[&str]); 3] = [
        (SharingMode::External, &["外部共享", "对外共享", "external"]),
        (SharingMode::Internal, &["内部共享", "internal"]),
        (SharingMode::None, &["不共享", "none"]),
    ];
    table.iter().find(|(_, labels)| matches_label(text, labels)).map(|(value, _)| *value).ok_or_else(|| {
        Text::new("外部共享、内部共享 或 不共享", "one of 外部共享 (external), 内部共享 (internal), 不共享 (none)")
    })
}

/// Parses an operating status by its national label (正常, 待机, 远程服务中,
/// 偶有故障, 故障频繁, 待修, 待报废) or its English name.
pub fn parse_operating_status(text: &str) -> Result<OperatingStatus, Text> {
    let all = [
        (OperatingStatus::Normal, "normal"),
        (OperatingStatus::Standby, "standby"),
        (OperatingStatus::RemoteService, "remote_service"),
        (OperatingStatus::OccasionalFaults, "occasional_faults"),
        (OperatingStatus::FrequentFaults, "frequent_faults"),
        (OperatingStatus::AwaitingRepair, "awaiting_repair"),
        (OperatingStatus::AwaitingDisposal, "awaiting_disposal"),
    ];
    all.iter().find(|(status, english)| matches_label(text, &[status.label_zh(), english])).map(|(status, _)| *status).ok_or_else(|| {
        Text::new(
            "正常、待机、远程服务中、偶有故障、故障频繁、待修 或 待报废",
            "one of 正常, 待机, 远程服务中, 偶有故障, 故障频繁, 待修, 待报废 (normal, standby, remote service, occasional faults, frequent faults, awaiting repair, awaiting disposal)",
        )
    })
}

/// Chinese names of common countries of origin with their GB/T 2659
/// alpha-2 codes, for sheets that write the name instead of the code.
const COUNTRY_NAMES: [(&str, &str); 26] = [
    ("中国", "CN"),
    ("美国", "US"),
    ("日本", "JP"),
    ("德国", "DE"),
    ("英国", "GB"),
    ("法国", "FR"),
    ("瑞士", "CH"),
    ("荷兰", "NL"),
    ("意大利", "IT"),
    ("瑞典", "SE"),
    ("奥地利", "AT"),
    ("加拿大", "CA"),
    ("澳大利亚", "AU"),
    ("韩国", "KR"),
    ("丹麦", "DK"),
    ("芬兰", "FI"),
    ("比利时", "BE"),
    ("挪威", "NO"),
    ("以色列", "IL"),
    ("捷克", "CZ"),
    ("俄罗斯", "RU"),
    ("新加坡", "SG"),
    ("西班牙", "ES"),
    ("印度", "IN"),
    ("爱尔兰", "IE"),
    ("波兰", "PL"),
];

/// Returns a country code: the text in upper case, or the code of a
/// Chinese country name such as 美国.
pub fn country_code(text: &str) -> String {
    let code = normalize_code(text);
    COUNTRY_NAMES
        .iter()
        .find(|(name, _)| *name == code)
        .map_or_else(|| code.to_uppercase(), |(_, alpha2)| (*alpha2).to_owned())
}

/// Splits a list of discipline codes written with any of `,，;；、/` or spaces.
pub fn split_list(text: &str) -> Vec<String> {
    half_width(text)
        .split(|c: char| matches!(c, ',' | ';' | '、' | '/') || c.is_whitespace())
        .map(str::trim)
        .filter(|piece| !piece.is_empty())
        .map(str::to_owned)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(year: i32, month: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(year, month, day).expect("valid date")
    }

    #[test]
    fn excel_serials_match_excel() {
        // Values as Excel displays them in the 1900 date system.
        let cases = [(1.0, date(1900, 1, 1)), (59.0, date(1900, 2, 28)), (61.0, date(1900, 3, 1)), (42930.0, date(2017, 7, 14)), (42930.75, date(2017, 7, 14)), (2_958_465.0, date(9999, 12, 31))];
        for (serial, expected) in cases {
            assert_eq!(excel_serial_to_date(serial), Ok(expected), "serial {serial}");
        }
        for serial in [0.0, 60.0, -3.0, 2_958_466.0, f64::NAN] {
            assert!(excel_serial_to_date(serial).is_err(), "serial {serial}");
        }
    }

    #[test]
    fn dates_in_office_forms() {
        let expected = date(2017, 7, 14);
        for text in ["2017-07-14", "2017/7/14", "2017.7.14", "2017年7月14日", " 2017-07-14 00:00:00 ", "２０１７／７／１４", "42930"] {
            assert_eq!(parse_date_text(text), Ok(expected), "{text:?}");
        }
        for text in ["2017-02-30", "17/7/14", "2017-7", "July 14, 2017", "", "2017-07-14-01", "20170714", "2017"] {
            assert!(parse_date_text(text).is_err(), "{text:?}");
        }
    }

    #[test]
    fn amounts_follow_column_unit() {
        let wan = MoneyUnit::Wan;
        let yuan = MoneyUnit::Yuan;
        let cases = [
            (Cell::Number(15.27), wan, "152700.00"),
            (Cell::Text("15.27".to_owned()), wan, "152700.00"),
            (Cell::Text("１５．２７".to_owned()), wan, "152700.00"),
            (Cell::Text("152,700元".to_owned()), wan, "152700.00"),
            (Cell::Text("152,700.5".to_owned()), yuan, "152700.50"),
            (Cell::Text("15.27万".to_owned()), yuan, "152700.00"),
            (Cell::Number(152700.0), yuan, "152700.00"),
        ];
        for (cell, unit, expected) in cases {
            let amount = parse_amount(&cell, unit).expect("amount");
            assert_eq!(amount.yuan().to_string(), expected, "{cell:?} in {unit:?}");
        }
        assert!(parse_amount(&Cell::Text("1.234".to_owned()), yuan).is_err());
        assert!(parse_amount(&Cell::Text("-5".to_owned()), yuan).is_err());
        assert!(parse_amount(&Cell::Text("约15万".to_owned()), yuan).is_err());
    }

    #[test]
    fn enumerations_accept_labels_and_names() {
        assert_eq!(parse_source("购置"), Ok(AcquisitionSource::Purchased));
        assert_eq!(parse_source(" Self_Built "), Ok(AcquisitionSource::SelfBuilt));
        assert_eq!(parse_sharing_mode("外部共享"), Ok(SharingMode::External));
        assert_eq!(parse_operating_status("偶有故障"), Ok(OperatingStatus::OccasionalFaults));
        assert!(parse_operating_status("良好").is_err());
        assert_eq!(country_code("美国"), "US");
        assert_eq!(country_code("ｄｅ"), "DE");
        assert_eq!(split_list("150；610、 170"), vec!["150", "610", "170"]);
    }

    #[test]
    fn numeric_code_cell_is_padded() {
        assert_eq!(code_text(&Cell::Number(10104.0), 6), "010104");
        assert_eq!(code_text(&Cell::Text("０１０１０４".to_owned()), 6), "010104");
    }
}

//! The office's own instrument list (仪器设备一览表) and service-record list
//! (服务记录表), written without loss, and the CSV and XLSX writers shared
//! with the national export.
//!
//! The list keeps every field of the record, amounts in 元 exact to the fen
//! and the contact person, under the headers [`super::import`] reads, so
//! importing a written list gives equal records.

use chrono::{DateTime, Datelike, Timelike, Utc};
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook};

use crate::error::{Error, Result};
use crate::ids::UnitId;
use crate::lang::Text;
use crate::network::Network;
use crate::registry::{AcquisitionSource, InstrumentRecord, SharingMode};

use super::import::{InstrumentRow, ServiceRow};
use super::service::ServiceRecord;

/// Headers of the office list, in column order.
pub const INSTRUMENT_HEADERS: [&str; 22] = [
    "仪器编号",
    "单位编号",
    "仪器名称",
    "英文名称",
    "分类代码",
    "仪器来源",
    "原值（元）",
    "产地国别",
    "生产制造商",
    "规格型号",
    "启用日期",
    "主要技术指标",
    "主要功能",
    "服务学科领域",
    "服务内容",
    "运行状态",
    "共享模式",
    "开放共享规定",
    "收费标准",
    "预约网址",
    "安放地址",
    "联系人",
];

/// Returns the Chinese label of an acquisition source: 购置, 自研, 捐赠, 其他.
pub fn source_label(source: AcquisitionSource) -> &'static str {
    match source {
        AcquisitionSource::Purchased => "购置",
        AcquisitionSource::SelfBuilt => "自研",
        AcquisitionSource::Donated => "捐赠",
        AcquisitionSource::Other => "其他",
    }
}

/// Returns the Chinese label of a sharing mode: 外部共享, 内部共享, 不共享.
pub fn sharing_label(mode: SharingMode) -> &'static str {
    match mode {
        SharingMode::External => "外部共享",
        SharingMode::Internal => "内部共享",
        SharingMode::None => "不共享",
    }
}

/// Returns every instrument of `network` with its latest record: the
/// version waiting for review if there is one, else the published one.
/// Rows are numbered as they would be written, from 2.
pub fn rows_from_network(network: &Network) -> Vec<InstrumentRow> {
    network
        .registry()
        .instruments()
        .filter_map(|instrument| {
            let record = instrument.pending.as_deref().or(instrument.published.as_deref())?;
            Some((instrument.id.clone(), instrument.unit.clone(), record.clone()))
        })
        .zip(2u32..)
        .map(|((instrument, unit, record), row)| InstrumentRow { row, instrument, unit, record })
        .collect()
}

fn instrument_cells(row: &InstrumentRow) -> Vec<String> {
    let record: &InstrumentRecord = &row.record;
    vec![
        row.instrument.to_string(),
        row.unit.to_string(),
        record.name.clone(),
        record.english_name.clone(),
        record.category_code.as_str().to_owned(),
        source_label(record.source).to_owned(),
        record.original_value.yuan().to_string(),
        record.country_of_origin.clone(),
        record.manufacturer.clone(),
        record.model.clone(),
        record.commissioning_date.format("%Y-%m-%d").to_string(),
        record.specifications.clone(),
        record.functions.clone(),
        record.disciplines.join("；"),
        record.service_content.clone(),
        record.operating_status.label_zh().to_owned(),
        sharing_label(record.sharing_mode).to_owned(),
        record.sharing_rules.clone(),
        record.fee_standard.clone(),
        record.booking_url.clone(),
        record.location.clone(),
        record.contact.clone(),
    ]
}

/// Writes the office list as CSV in UTF-8 with a byte-order mark, which
/// Excel needs to show Chinese text correctly.
// NOTE: a text cell that begins with `=`, `+`, `-` or `@` is written as is,
// and Excel may evaluate it as a formula when it opens the CSV. The XLSX
// writer stores every cell as text and has no such risk.
pub fn instruments_csv(rows: &[InstrumentRow]) -> Vec<u8> {
    let cells: Vec<Vec<String>> = rows.iter().map(instrument_cells).collect();
    write_csv(&INSTRUMENT_HEADERS, &cells)
}

/// Writes the office list as an XLSX workbook with one sheet, 仪器设备,
/// whose document properties give `now` as the creation time.
///
/// # Errors
///
/// [`Error::InvalidValue`] if the workbook cannot be built, such as for
/// more than 1,048,575 rows.
pub fn instruments_xlsx(rows: &[InstrumentRow], now: DateTime<Utc>) -> Result<Vec<u8>> {
    let cells: Vec<Vec<String>> = rows.iter().map(instrument_cells).collect();
    write_xlsx("仪器设备", &INSTRUMENT_HEADERS, &cells, now)
}

/// Headers of the office's service-record list, in column order.
pub const SERVICE_HEADERS: [&str; 11] = [
    "仪器编号",
    "服务日期",
    "服务金额（元）",
    "服务内容",
    "服务方式",
    "服务机时",
    "服务样品数",
    "经费来源",
    "用户单位",
    "用户评价",
    "用户联系人",
];

/// Returns the records of the network's service-record book as rows
/// numbered as they would be written, from 2: all units, or only `unit`.
pub fn service_rows_from_network(network: &Network, unit: Option<&UnitId>) -> Vec<ServiceRow> {
    network
        .services()
        .iter()
        .filter(|(owner, _)| unit.is_none_or(|wanted| wanted == *owner))
        .zip(2u32..)
        .map(|((_, stored), row)| ServiceRow { row, record: stored.record.clone() })
        .collect()
}

fn service_cells(row: &ServiceRow) -> Vec<String> {
    let record: &ServiceRecord = &row.record;
    vec![
        record.instrument.to_string(),
        record.date.format("%Y-%m-%d").to_string(),
        record.amount.yuan().to_string(),
        record.content.clone(),
        record.mode.label_zh().to_owned(),
        record.hours.map(|hours| hours.to_string()).unwrap_or_default(),
        record.samples.map(|samples| samples.to_string()).unwrap_or_default(),
        record.funding_source.clone(),
        record.user_unit.clone(),
        record.rating.map(|rating| rating.label_zh().to_owned()).unwrap_or_default(),
        record.user_contact.clone(),
    ]
}

/// Writes the office's service-record list, with the user's contact, as CSV
/// in UTF-8 with a byte-order mark.
pub fn services_csv(rows: &[ServiceRow]) -> Vec<u8> {
    let cells: Vec<Vec<String>> = rows.iter().map(service_cells).collect();
    write_csv(&SERVICE_HEADERS, &cells)
}

/// Writes the office's service-record list as an XLSX workbook with one
/// sheet, 服务记录, whose document properties give `now` as the creation time.
///
/// # Errors
///
/// As [`instruments_xlsx`].
pub fn services_xlsx(rows: &[ServiceRow], now: DateTime<Utc>) -> Result<Vec<u8>> {
    let cells: Vec<Vec<String>> = rows.iter().map(service_cells).collect();
    write_xlsx("服务记录", &SERVICE_HEADERS, &cells, now)
}

/// Writes a header row and text rows as CSV with a UTF-8 byte-order mark.
pub(crate) fn write_csv(headers: &[&str], rows: &[Vec<String>]) -> Vec<u8> {
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    let mut writer = csv::Writer::from_writer(&mut bytes);
    // The csv writer fails only on I/O errors, which a Vec never returns, and
    // on rows of unequal length, which the callers' fixed columns rule out.
    let _ = writer.write_record(headers);
    for row in rows {
        let _ = writer.write_record(row);
    }
    let _ = writer.flush();
    drop(writer);
    bytes
}

/// Writes a header row and text rows to one sheet of an XLSX workbook,
/// every cell as text so codes keep their leading zeros. The workbook's
/// creation time is `now`, so equal inputs give equal bytes.
// NOTE: rust_xlsxwriter 0.102 reads the system clock when it builds its
// default document properties; the value is replaced by `now` before the
// workbook is written, so it never reaches the output.
pub(crate) fn write_xlsx(sheet: &str, headers: &[&str], rows: &[Vec<String>], now: DateTime<Utc>) -> Result<Vec<u8>> {
    let failed = |error: rust_xlsxwriter::XlsxError| {
        Error::invalid_value(
            "workbook",
            error,
            Text::new("可写成 XLSX 的数据（最多 1,048,575 行）", "data that fits an XLSX sheet (at most 1,048,575 rows)"),
        )
    };
    let mut workbook = Workbook::new();
    workbook.set_properties(&DocProperties::new().set_creation_datetime(&excel_time(now).map_err(failed)?));
    let worksheet = workbook.add_worksheet();
    worksheet.set_name(sheet).map_err(failed)?;
    let bold = Format::new().set_bold();
    let text = Format::new().set_num_format("@");
    for (column, header) in headers.iter().enumerate() {
        let column = u16::try_from(column).map_err(|_| failed(rust_xlsxwriter::XlsxError::RowColumnLimitError))?;
        worksheet.write_string_with_format(0, column, *header, &bold).map_err(failed)?;
    }
    for (index, row) in rows.iter().enumerate() {
        let line = u32::try_from(index + 1).map_err(|_| failed(rust_xlsxwriter::XlsxError::RowColumnLimitError))?;
        for (column, value) in row.iter().enumerate() {
            let column = u16::try_from(column).map_err(|_| failed(rust_xlsxwriter::XlsxError::RowColumnLimitError))?;
            worksheet.write_string_with_format(line, column, value, &text).map_err(failed)?;
        }
    }
    workbook.save_to_buffer().map_err(failed)
}

fn excel_time(now: DateTime<Utc>) -> std::result::Result<ExcelDateTime, rust_xlsxwriter::XlsxError> {
    let year = u16::try_from(now.year()).map_err(|_| rust_xlsxwriter::XlsxError::DateTimeRangeError(now.to_string()))?;
    let month = u8::try_from(now.month()).unwrap_or(1);
    let day = u8::try_from(now.day()).unwrap_or(1);
    let hour = u16::try_from(now.hour()).unwrap_or(0);
    let minute = u8::try_from(now.minute()).unwrap_or(0);
    ExcelDateTime::from_ymd(year, month, day)?.and_hms(hour, minute, now.second())
}

//! Export to the national platform (科研设施与仪器国家网络管理平台) in its
//! field set.
//!
//! Instrument records carry enumerations as the platform's Chinese labels,
//! the original value in 万元 with two decimals, and a submit state: 正式
//! (final) for published instruments, 草稿 (draft) for instruments still in
//! review or returned. Personal data stays out: an instrument's contact
//! person and telephone, and a service user's contact. Every field over its
//! length limit is reported, and a record with a violation is left out of
//! the export so the file uploads cleanly. The limits and the value
//! threshold are data in [`NationalRules`]. Service records come from the
//! network's service-record book ([`services_of_network`], by unit and
//! period) or from the caller ([`services`]).

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::booking::{ServiceMode as BookedMode, ServiceRecord as BookedService};
use crate::error::Result;
use crate::ids::UnitId;
use crate::lang::Text;
use crate::money::{Money, round_half_up};
use crate::network::Network;
use crate::registry::{Instrument, InstrumentRecord};

use super::service::{ServiceMode, ServiceRecord};
use super::service_book::ServiceKey;
use super::sheet::{sharing_label, source_label, write_csv, write_xlsx};

/// Submit state of a national record (提交状态).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SubmitState {
    /// 草稿: not yet published on the network.
    Draft,
    /// 正式: published.
    Final,
}

impl SubmitState {
    /// Returns the Chinese label: 草稿 or 正式.
    pub fn label_zh(self) -> &'static str {
        match self {
            SubmitState::Draft => "草稿",
            SubmitState::Final => "正式",
        }
    }
}

/// The national platform's limits and coverage, as versioned data. A
/// field missing from serialized rules takes its [`Default`] value, so
/// `{"include_drafts": false}` changes that one setting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(default)]
pub struct NationalRules {
    /// Name of the field set these rules describe.
    pub version: String,
    /// Instrument field name → maximum characters.
    pub instrument_limits: BTreeMap<String, usize>,
    /// Service record field name → maximum characters.
    pub service_limits: BTreeMap<String, usize>,
    /// Maximum discipline codes per instrument.
    pub max_disciplines: usize,
    /// Decimal places of the original value in 万元.
    pub value_places: u32,
    /// Instruments below this original value are left out; `None` exports all.
    pub min_original_value: Option<Money>,
    /// Whether instruments not yet published are exported as drafts.
    pub include_drafts: bool,
}

impl Default for NationalRules {
    /// The field set of the 2016 national reporting tool: name 50
    /// characters, main specifications 500, main functions 300, service
    /// content 200, sharing rules 500, fee standard 500, at most four
    /// disciplines, value in 万元 with two decimals; instruments of 50万元
    /// or more per set.
    fn default() -> NationalRules {
        let limits = |pairs: &[(&str, usize)]| pairs.iter().map(|(field, max)| ((*field).to_owned(), *max)).collect();
        NationalRules {
            version: "2016 reporting tool".to_owned(),
            instrument_limits: limits(&[
                ("name", 50),
                ("specifications", 500),
                ("functions", 300),
                ("service_content", 200),
                ("sharing_rules", 500),
                ("fee_standard", 500),
            ]),
            service_limits: limits(&[("content", 200)]),
            max_disciplines: 4,
            value_places: 2,
            min_original_value: Money::from_fen(50_000_000).ok(),
            include_drafts: true,
        }
    }
}

/// One instrument in the national field set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct NationalInstrument {
    /// 内部编号: the network's instrument id.
    pub internal_id: String,
    /// 所属单位: the owning unit's name.
    pub unit_name: String,
    /// 仪器名称.
    pub name: String,
    /// 英文名称.
    pub english_name: String,
    /// 分类代码: six digits.
    pub category_code: String,
    /// 仪器来源: 购置, 自研, 捐赠 or 其他.
    pub source: String,
    /// 原值（万元）, such as `152.70`.
    pub original_value_wan: String,
    /// 产地国别: GB/T 2659 code.
    pub country_of_origin: String,
    /// 生产制造商.
    pub manufacturer: String,
    /// 启用日期, `YYYY-MM-DD`.
    pub commissioning_date: String,
    /// 规格型号.
    pub model: String,
    /// 主要技术指标.
    pub specifications: String,
    /// 主要功能.
    pub functions: String,
    /// 服务学科领域: GB/T 13745 codes.
    pub disciplines: Vec<String>,
    /// 服务内容.
    pub service_content: String,
    /// 运行状态: 正常, 待机, 远程服务中, 偶有故障, 故障频繁, 待修 or 待报废.
    pub operating_status: String,
    /// 开放共享规定.
    pub sharing_rules: String,
    /// 收费标准.
    pub fee_standard: String,
    /// 预约网址.
    pub booking_url: String,
    /// 安放地址.
    pub location: String,
    /// 共享模式: 外部共享, 内部共享 or 不共享.
    pub sharing_mode: String,
    /// 提交状态: 草稿 or 正式.
    pub submit_state: String,
}

/// One service record in the national field set, without the user's contact.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct NationalService {
    /// 仪器编号.
    pub instrument_id: String,
    /// 服务日期, `YYYY-MM-DD`.
    pub date: String,
    /// 服务金额（元）, such as `1200.00`.
    pub amount_yuan: String,
    /// 服务内容.
    pub content: String,
    /// 服务方式: 占用, 技术, 委托, 远程 or 其他.
    pub mode: String,
    /// 服务机时, if counted in hours.
    pub hours: Option<String>,
    /// 服务样品数, if counted in samples.
    pub samples: Option<u64>,
    /// 经费来源.
    pub funding_source: String,
    /// 用户单位.
    pub user_unit: String,
    /// 用户评价.
    pub rating: Option<String>,
    /// 提交状态: 草稿 or 正式.
    pub submit_state: String,
}

/// A field of one record that breaks a national rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ExportViolation {
    /// The record: the instrument id, or for service records the instrument
    /// id and date.
    pub record: String,
    /// Field name, such as `name`.
    pub field: String,
    /// The limit, such as 50 characters or 4 disciplines.
    pub limit: usize,
    /// The record's count.
    pub actual: usize,
    /// Explanation and fix, in Chinese and English.
    pub reason: Text,
}

/// A record that was exported with a change, or left out for a reason
/// other than a violation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ExportNote {
    /// The record.
    pub record: String,
    /// What happened.
    pub note: Text,
}

/// National records ready to upload, with every violation and note.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct NationalExport<R> {
    /// The rules version applied.
    pub rules_version: String,
    /// Records without violations.
    pub records: Vec<R>,
    /// Every violation; the records concerned are not in `records`.
    pub violations: Vec<ExportViolation>,
    /// Records left out below the value threshold or as drafts, and values
    /// rounded to the platform's places.
    pub notes: Vec<ExportNote>,
}

/// Headers of the national instrument sheet, in column order.
pub const INSTRUMENT_HEADERS: [&str; 22] = [
    "内部编号",
    "所属单位",
    "仪器名称",
    "英文名称",
    "分类代码",
    "仪器来源",
    "原值（万元）",
    "产地国别",
    "生产制造商",
    "启用日期",
    "规格型号",
    "主要技术指标",
    "主要功能",
    "服务学科领域",
    "服务内容",
    "运行状态",
    "开放共享规定",
    "收费标准",
    "预约网址",
    "安放地址",
    "共享模式",
    "提交状态",
];

/// Headers of the national service record sheet, in column order.
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
    "提交状态",
];

/// A record that can be written as one sheet row.
pub trait SheetRow {
    /// Returns the header row.
    fn headers() -> &'static [&'static str];
    /// Returns the cells, in header order.
    fn cells(&self) -> Vec<String>;
}

impl SheetRow for NationalInstrument {
    fn headers() -> &'static [&'static str] {
        &INSTRUMENT_HEADERS
    }

    fn cells(&self) -> Vec<String> {
        vec![
            self.internal_id.clone(),
            self.unit_name.clone(),
            self.name.clone(),
            self.english_name.clone(),
            self.category_code.clone(),
            self.source.clone(),
            self.original_value_wan.clone(),
            self.country_of_origin.clone(),
            self.manufacturer.clone(),
            self.commissioning_date.clone(),
            self.model.clone(),
            self.specifications.clone(),
            self.functions.clone(),
            self.disciplines.join("；"),
            self.service_content.clone(),
            self.operating_status.clone(),
            self.sharing_rules.clone(),
            self.fee_standard.clone(),
            self.booking_url.clone(),
            self.location.clone(),
            self.sharing_mode.clone(),
            self.submit_state.clone(),
        ]
    }
}

impl SheetRow for NationalService {
    fn headers() -> &'static [&'static str] {
        &SERVICE_HEADERS
    }

    fn cells(&self) -> Vec<String> {
        vec![
            self.instrument_id.clone(),
            self.date.clone(),
            self.amount_yuan.clone(),
            self.content.clone(),
            self.mode.clone(),
            self.hours.clone().unwrap_or_default(),
            self.samples.map(|samples| samples.to_string()).unwrap_or_default(),
            self.funding_source.clone(),
            self.user_unit.clone(),
            self.rating.clone().unwrap_or_default(),
            self.submit_state.clone(),
        ]
    }
}

impl<R: SheetRow> NationalExport<R> {
    /// Writes the records as CSV in UTF-8 with a byte-order mark.
    pub fn to_csv(&self) -> Vec<u8> {
        let rows: Vec<Vec<String>> = self.records.iter().map(SheetRow::cells).collect();
        write_csv(R::headers(), &rows)
    }

    /// Writes the records as an XLSX workbook with one sheet, 国家平台,
    /// whose document properties give `now` as the creation time.
    ///
    /// # Errors
    ///
    /// [`crate::Error::InvalidValue`] if the workbook cannot be built.
    pub fn to_xlsx(&self, now: DateTime<Utc>) -> Result<Vec<u8>> {
        let rows: Vec<Vec<String>> = self.records.iter().map(SheetRow::cells).collect();
        write_xlsx("国家平台", R::headers(), &rows, now)
    }
}

/// Exports the instruments of `network` in the national field set.
///
/// A published instrument is exported final with its published version,
/// even while a revision waits for review; an instrument never published is
/// exported as a draft with its pending version.
pub fn instruments(network: &Network, rules: &NationalRules) -> NationalExport<NationalInstrument> {
    let mut export =
        NationalExport { rules_version: rules.version.clone(), records: Vec::new(), violations: Vec::new(), notes: Vec::new() };
    for instrument in network.registry().instruments() {
        let Some((record, state)) = exported_version(instrument) else { continue };
        let id = instrument.id.to_string();
        if state == SubmitState::Draft && !rules.include_drafts {
            continue;
        }
        if let Some(minimum) = rules.min_original_value
            && record.original_value < minimum
        {
                export.notes.push(ExportNote {
                    record: id,
                    note: Text::new(
                        format!("原值 {} 低于国家平台的收录标准 {}，未导出", record.original_value.format_wan(), minimum.format_wan()),
                        format!(
                            "left out: the original value {} is below the national threshold {}",
                            record.original_value.format_wan(),
                            minimum.format_wan()
                        ),
                    ),
                });
            continue;
        }

        let violations = instrument_violations(&id, record, rules);
        if !violations.is_empty() {
            export.violations.extend(violations);
            continue;
        }
        let unit_name = network.registry().unit(&instrument.unit).map(|unit| unit.name.clone()).unwrap_or_default();
        let (value, rounded) = value_wan(record.original_value, rules.value_places);
        if rounded {
            export.notes.push(ExportNote {
                record: id.clone(),
                note: Text::new(
                    format!("原值 {} 按国家平台的 {} 位小数导出为 {value} 万元", record.original_value, rules.value_places),
                    format!(
                        "the original value {} is exported as {value} 万元, rounded half-up to the platform's {} places",
                        record.original_value, rules.value_places
                    ),
                ),
            });
        }
        export.records.push(national_instrument(id, unit_name, record, value, state));
    }
    export
}

fn exported_version(instrument: &Instrument) -> Option<(&InstrumentRecord, SubmitState)> {
    match instrument.published.as_deref() {
        Some(record) => Some((record, SubmitState::Final)),
        None => instrument.pending.as_deref().map(|record| (record, SubmitState::Draft)),
    }
}

/// Formats a value in 万元 with `places` decimals, rounded half-up, and
/// returns whether rounding changed it.
fn value_wan(value: Money, places: u32) -> (String, bool) {
    let exact = value.wan();
    let rounded = round_half_up(exact, places);
    (format!("{rounded:.prec$}", prec = places as usize), rounded != exact)
}

fn national_instrument(id: String, unit_name: String, record: &InstrumentRecord, value: String, state: SubmitState) -> NationalInstrument {
    NationalInstrument {
        internal_id: id,
        unit_name,
        name: record.name.clone(),
        english_name: record.english_name.clone(),
        category_code: record.category_code.as_str().to_owned(),
        source: source_label(record.source).to_owned(),
        original_value_wan: value,
        country_of_origin: record.country_of_origin.clone(),
        manufacturer: record.manufacturer.clone(),
        commissioning_date: record.commissioning_date.format("%Y-%m-%d").to_string(),
        model: record.model.clone(),
        specifications: record.specifications.clone(),
        functions: record.functions.clone(),
        disciplines: record.disciplines.clone(),
        service_content: record.service_content.clone(),
        operating_status: record.operating_status.label_zh().to_owned(),
        sharing_rules: record.sharing_rules.clone(),
        fee_standard: record.fee_standard.clone(),
        booking_url: record.booking_url.clone(),
        location: record.location.clone(),
        sharing_mode: sharing_label(record.sharing_mode).to_owned(),
        submit_state: state.label_zh().to_owned(),
    }
}

fn instrument_text(record: &InstrumentRecord, field: &str) -> Option<String> {
    let value = serde_json::to_value(record).ok()?;
    value.get(field)?.as_str().map(str::to_owned)
}

fn instrument_violations(id: &str, record: &InstrumentRecord, rules: &NationalRules) -> Vec<ExportViolation> {
    let mut violations = Vec::new();
    for (field, limit) in &rules.instrument_limits {
        let actual = instrument_text(record, field).map_or(0, |text| text.chars().count());
        if actual > *limit {
            violations.push(too_long(id, field, *limit, actual));
        }
    }
    let actual = record.disciplines.len();
    if actual > rules.max_disciplines {
        violations.push(ExportViolation {
            record: id.to_owned(),
            field: "disciplines".to_owned(),
            limit: rules.max_disciplines,
            actual,
            reason: Text::new(
                format!("服务学科领域有 {actual} 个，国家平台最多 {} 个；请删减", rules.max_disciplines),
                format!("{actual} disciplines, but the national platform takes at most {}; remove some", rules.max_disciplines),
            ),
        });
    }
    violations
}

fn too_long(record: &str, field: &str, limit: usize, actual: usize) -> ExportViolation {
    ExportViolation {
        record: record.to_owned(),
        field: field.to_owned(),
        limit,
        actual,
        reason: Text::new(
            format!("字段 {field} 有 {actual} 个字符，国家平台最多 {limit} 个；请缩短"),
            format!("`{field}` has {actual} characters, but the national platform takes at most {limit}; shorten it"),
        ),
    }
}

/// Selection of the service-record book's records that an export takes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ServiceSelection {
    /// Only the records of this unit's instruments; all units when absent.
    #[serde(default)]
    pub unit: Option<UnitId>,
    /// First service day taken (inclusive); no lower bound when absent.
    #[serde(default)]
    pub from: Option<NaiveDate>,
    /// First service day no longer taken (exclusive), so a year is
    /// `from: 2017-01-01, until: 2018-01-01`; no upper bound when absent.
    #[serde(default)]
    pub until: Option<NaiveDate>,
}

impl ServiceSelection {
    fn takes(&self, unit: &UnitId, record: &ServiceRecord) -> bool {
        self.unit.as_ref().is_none_or(|wanted| wanted == unit)
            && self.from.is_none_or(|from| record.date >= from)
            && self.until.is_none_or(|until| record.date < until)
    }
}

/// Exports the network's service records that `selection` takes: first
/// the records of the service-record book, unit by unit in the order they
/// were recorded, then the services recorded by completing bookings, in the
/// order they were completed.
///
/// A record is final (正式) when its instrument is published and a draft
/// (草稿) otherwise; drafts are left out when `rules.include_drafts` is off.
/// Records of instruments below `rules.min_original_value` are left out,
/// because the national platform does not list those instruments. A booked
/// service that repeats a record of the book is left out, so that a service
/// also imported from the unit's spreadsheet counts once. A booked service
/// without service content (no purpose and no test item) is left out too.
/// Every record left out gets a note, and records over a length limit are
/// reported as violations.
pub fn services_of_network(network: &Network, selection: &ServiceSelection, rules: &NationalRules) -> NationalExport<NationalService> {
    let mut export =
        NationalExport { rules_version: rules.version.clone(), records: Vec::new(), violations: Vec::new(), notes: Vec::new() };
    for (unit, stored) in network.services().iter() {
        export_service(&mut export, network, unit, &stored.record, selection, rules);
    }
    // Each unit's keys are collected once, so checking a booked service for
    // a repeat does not rescan the unit's book.
    let mut book_keys: BTreeMap<UnitId, BTreeSet<ServiceKey>> = BTreeMap::new();
    for booked in network.booking().service_records() {
        let unit = &booked.provider_unit;
        let record = booked_service(network, booked);
        if !selection.takes(unit, &record) {
            continue;
        }
        let keys = book_keys.entry(unit.clone()).or_insert_with(|| network.services().keys(unit));
        match left_out_reason(booked, &record, keys) {
            Some(note) => export.notes.push(ExportNote { record: service_id(&record), note }),
            None => export_service(&mut export, network, unit, &record, selection, rules),
        }
    }
    export
}

/// Returns why a booked service is left out of the export, if it is: it
/// repeats a record of the book, or it has no service content.
fn left_out_reason(booked: &BookedService, record: &ServiceRecord, book_keys: &BTreeSet<ServiceKey>) -> Option<Text> {
    let booking = booked.booking;
    if book_keys.contains(&ServiceKey::of(record)) {
        return Some(Text::new(
            format!("预约 {booking} 的服务已在服务记录台账中（如由表格导入），未重复导出"),
            format!("left out: the service of booking {booking} is already in the service-record book, for example from a spreadsheet"),
        ));
    }
    if record.content.trim().is_empty() {
        return Some(Text::new(
            format!("预约 {booking} 没有服务内容（预约用途或检测项目），未导出；请连同服务内容以服务记录导入"),
            format!("left out: booking {booking} has no service content (purpose or test item); import the service with its content instead"),
        ));
    }
    None
}

/// Adds one record of `unit` to `export` if `selection` takes it, or a note
/// saying why it is left out.
fn export_service(
    export: &mut NationalExport<NationalService>,
    network: &Network,
    unit: &UnitId,
    record: &ServiceRecord,
    selection: &ServiceSelection,
    rules: &NationalRules,
) {
    if !selection.takes(unit, record) {
        return;
    }
    let id = service_id(record);
    let Some((instrument, state)) = network.registry().instrument(&record.instrument).ok().and_then(exported_version) else {
        return;
    };
    if state == SubmitState::Draft && !rules.include_drafts {
        export.notes.push(ExportNote {
            record: id,
            note: Text::new(
                format!("仪器 {} 尚未发布，服务记录为草稿，按规则未导出", record.instrument),
                format!("left out as a draft: instrument {} is not published yet", record.instrument),
            ),
        });
        return;
    }
    if let Some(minimum) = rules.min_original_value
        && instrument.original_value < minimum
    {
        export.notes.push(ExportNote {
            record: id,
            note: Text::new(
                format!("仪器 {} 的原值低于国家平台的收录标准 {}，其服务记录未导出", record.instrument, minimum.format_wan()),
                format!(
                    "left out: the original value of instrument {} is below the national threshold {}",
                    record.instrument,
                    minimum.format_wan()
                ),
            ),
        });
        return;
    }
    push_service(export, record, state, rules);
}

/// Puts a service recorded by booking completion into the national field set.
///
/// The user's unit (用户单位) is the name of the client's member unit, or of
/// the enterprise or team the client booked for. For a client of neither it
/// stays empty: the account name is personal data. Hours and samples are
/// given when above zero.
pub fn booked_service(network: &Network, booked: &BookedService) -> ServiceRecord {
    ServiceRecord {
        instrument: booked.instrument.clone(),
        date: booked.date,
        amount: booked.amount,
        content: booked.content.clone(),
        mode: national_mode(booked.mode),
        hours: (booked.hours > Decimal::ZERO).then_some(booked.hours),
        samples: (booked.samples > 0).then_some(u64::from(booked.samples)),
        funding_source: String::new(),
        user_unit: client_unit_name(network, booked),
        rating: None,
        user_contact: String::new(),
    }
}

fn national_mode(mode: BookedMode) -> ServiceMode {
    match mode {
        BookedMode::UserOperated => ServiceMode::Occupancy,
        BookedMode::Guided => ServiceMode::Technical,
        BookedMode::StaffRun => ServiceMode::Commissioned,
        BookedMode::Remote => ServiceMode::Remote,
        BookedMode::Other => ServiceMode::Other,
    }
}

fn client_unit_name(network: &Network, booked: &BookedService) -> String {
    if let Some(unit) = &booked.client_unit {
        return network.registry().unit(unit).map_or_else(|_| unit.to_string(), |unit| unit.name.clone());
    }
    let enterprise = network
        .booking()
        .stored(booked.booking)
        .ok()
        .and_then(|booking| network.booking().party(booking.party))
        .and_then(|party| party.enterprise.as_ref());
    match enterprise {
        Some(id) => network.enterprises.applicant(id).map_or_else(|_| id.to_string(), |applicant| applicant.name.clone()),
        None => String::new(),
    }
}

/// Exports `records` given by the caller in the national field set, all
/// with the submit state `state`, without the user's contact.
pub fn services(records: &[ServiceRecord], state: SubmitState, rules: &NationalRules) -> NationalExport<NationalService> {
    let mut export =
        NationalExport { rules_version: rules.version.clone(), records: Vec::new(), violations: Vec::new(), notes: Vec::new() };
    for record in records {
        push_service(&mut export, record, state, rules);
    }
    export
}

fn service_id(record: &ServiceRecord) -> String {
    format!("{} {}", record.instrument, record.date.format("%Y-%m-%d"))
}

/// Adds one record to `export`, or its violations if it breaks a limit.
fn push_service(export: &mut NationalExport<NationalService>, record: &ServiceRecord, state: SubmitState, rules: &NationalRules) {
    let id = service_id(record);
    let texts = [("content", &record.content), ("funding_source", &record.funding_source), ("user_unit", &record.user_unit)];
    let violations: Vec<ExportViolation> = texts
        .iter()
        .filter_map(|(field, text)| {
            let limit = *rules.service_limits.get(*field)?;
            let actual = text.chars().count();
            (actual > limit).then(|| too_long(&id, field, limit, actual))
        })
        .collect();
    if !violations.is_empty() {
        export.violations.extend(violations);
        return;
    }
    export.records.push(NationalService {
        instrument_id: record.instrument.to_string(),
        date: record.date.format("%Y-%m-%d").to_string(),
        amount_yuan: record.amount.yuan().to_string(),
        content: record.content.clone(),
        mode: record.mode.label_zh().to_owned(),
        hours: record.hours.map(|hours| hours.to_string()),
        samples: record.samples,
        funding_source: record.funding_source.clone(),
        user_unit: record.user_unit.clone(),
        rating: record.rating.map(|rating| rating.label_zh().to_owned()),
        submit_state: state.label_zh().to_owned(),
    });
}

//! Service records and the forms a unit files for the subsidy (服务记录与申报材料).
//!
//! A unit applies for the operating subsidy of year Y with the external
//! services it provided in Y, one [`ServiceRecord`] per contract or invoice.
//! The type stands on its own so that completed bookings can later be turned
//! into records without going through this module's other types.

use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::ids::{InstrumentId, UnitId};
use crate::lang::Text;
use crate::money::Money;
use crate::usage::YEARS;

/// Limit in characters of a contract or invoice number.
const MAX_DOCUMENT_CHARS: usize = 64;
/// Limit in characters of a client name.
const MAX_CLIENT_CHARS: usize = 100;
/// Limit in characters of a client region code.
const MAX_REGION_CHARS: usize = 16;
/// Limit in characters of free-text notes.
const MAX_NOTE_CHARS: usize = 500;

/// Kind of document that proves a service (凭证类型).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum DocumentKind {
    /// Service contract (合同).
    Contract,
    /// Invoice (发票).
    Invoice,
}

/// How the client relates to the serving unit (与本单位关系).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ClientRelation {
    /// No relation: an outside client (无关联).
    Independent,
    /// A department or person of the unit itself (本单位内部).
    Internal,
    /// A related party (关联方): a parent, subsidiary or a unit under the same
    /// actual controller (实际控制人).
    RelatedParty,
}

/// Nature of the testing service (服务性质).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ServiceNature {
    /// Research or development testing on the client's request (一般检测服务).
    #[default]
    General,
    /// Testing required by law or regulation (法定检测).
    Statutory,
    /// Testing for law enforcement or official supervision (执法检测、监督抽检).
    Enforcement,
    /// Commercial inspection of goods (商业检验).
    CommercialInspection,
}

/// How the instrument was used (服务方式), as the national service record lists it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ServiceMode {
    /// The client operates the instrument (占用).
    Occupancy,
    /// The client operates it under the unit's guidance (技术).
    Guided,
    /// The unit's staff run the work for the client (委托).
    Commissioned,
    /// Remote use (远程).
    Remote,
    /// Any other mode (其他).
    Other,
}

/// One completed external service, as a unit lists it in its application (服务记录).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ServiceRecord {
    /// Kind of the proving document.
    pub document_kind: DocumentKind,
    /// Contract or invoice number (合同号或发票号), at most 64 characters.
    pub document_number: String,
    /// Service date on the official clock (Beijing time, UTC+8).
    pub date: NaiveDate,
    /// Client name (委托方), at most 100 characters.
    pub client: String,
    /// Client's region as a GB/T 2260 administrative division code (行政区划代码),
    /// such as `650100` for Urumqi, or a GB/T 2659 country code such as `DE`
    /// for a client abroad.
    pub client_region: String,
    /// Relation of the client to the unit.
    pub relation: ClientRelation,
    /// The instrument used.
    pub instrument: InstrumentId,
    /// Service mode.
    pub mode: ServiceMode,
    /// Nature of the service; general testing unless stated.
    #[serde(default)]
    pub nature: ServiceNature,
    /// Amount charged (服务金额); absent when the document shows none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount: Option<Money>,
}

impl ServiceRecord {
    /// Returns the key that identifies the document across all applications:
    /// the kind and the number, upper-cased, with full-width characters made
    /// half-width and spaces and hyphens removed.
    pub fn document_key(&self) -> String {
        document_key(self.document_kind, &self.document_number)
    }

    /// Checks the record's fields on their own. `line` is its 1-based
    /// position in the application and names it in errors.
    ///
    /// # Errors
    ///
    /// [`Error::Missing`] or [`Error::TooLong`] for an empty or over-long
    /// document number, client or region.
    pub fn validate(&self, line: usize) -> Result<()> {
        check_text(&format!("records[{line}].document_number"), &self.document_number, MAX_DOCUMENT_CHARS)?;
        check_text(&format!("records[{line}].client"), &self.client, MAX_CLIENT_CHARS)?;
        check_text(&format!("records[{line}].client_region"), &self.client_region, MAX_REGION_CHARS)?;
        Ok(())
    }
}

/// Builds the document key of [`ServiceRecord::document_key`].
pub fn document_key(kind: DocumentKind, number: &str) -> String {
    let prefix = match kind {
        DocumentKind::Contract => "contract",
        DocumentKind::Invoice => "invoice",
    };
    let normalized: String = number
        .chars()
        .map(to_half_width)
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| c.to_ascii_uppercase())
        .collect();
    format!("{prefix}:{normalized}")
}

fn to_half_width(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{3000}' => ' ',
        _ => c,
    }
}

fn check_text(field: &str, value: &str, max_chars: usize) -> Result<()> {
    if value.trim().is_empty() {
        return Err(Error::Missing { field: field.to_owned() });
    }
    let actual_chars = value.chars().count();
    if actual_chars > max_chars {
        return Err(Error::TooLong { field: field.to_owned(), max_chars, actual_chars });
    }
    Ok(())
}

/// Checks that `year` lies in the years the crate accepts (2000–2100).
pub(crate) fn check_year(field: &str, year: i32) -> Result<()> {
    if YEARS.contains(&year) {
        return Ok(());
    }
    Err(Error::invalid_value(field, year, Text::new("2000 至 2100 之间的年份", "a year from 2000 to 2100")))
}

/// A unit's application for the operating subsidy of one year (补贴申请表).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ApplicationForm {
    /// The applying unit.
    pub unit: UnitId,
    /// Subsidy year: the year in which the services were provided.
    pub year: i32,
    /// The services claimed, in the unit's order; audits name them by their
    /// 1-based position (line).
    pub records: Vec<ServiceRecord>,
}

impl ApplicationForm {
    /// Checks the form on its own.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidValue`] for a year outside 2000–2100,
    /// [`Error::Missing`] for an empty record list, and the errors of
    /// [`ServiceRecord::validate`] for the first bad record.
    pub fn validate(&self) -> Result<()> {
        check_year("year", self.year)?;
        if self.records.is_empty() {
            return Err(Error::Missing { field: "records".to_owned() });
        }
        for (index, record) in self.records.iter().enumerate() {
            record.validate(index + 1)?;
        }
        Ok(())
    }

    /// Sums the amounts claimed; records without an amount count as zero.
    ///
    /// # Errors
    ///
    /// [`Error::Overflow`] if the sum exceeds [`Money::MAX`].
    pub fn applied_total(&self) -> Result<Money> {
        Money::sum(self.records.iter().filter_map(|r| r.amount))
    }
}

/// What a unit spent its subsidy on (补贴使用方向).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum UsePurpose {
    /// Maintenance and repair (维修维护).
    Maintenance,
    /// Consumables (耗材).
    Consumables,
    /// Function development and upgrades (功能开发与升级).
    Upgrade,
    /// Operator training (人员培训).
    Training,
    /// Anything else (其他).
    Other,
}

/// One line of a subsidy-use report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct UseLine {
    /// Purpose.
    pub purpose: UsePurpose,
    /// Amount spent.
    pub amount: Money,
    /// Free text, at most 500 characters.
    #[serde(default)]
    pub note: String,
}

/// A unit's report on how it used the subsidy of one year (仪器设备使用情况表).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct SubsidyUseReport {
    /// The reporting unit.
    pub unit: UnitId,
    /// The subsidy year whose money the report accounts for.
    pub year: i32,
    /// Spending by purpose.
    pub lines: Vec<UseLine>,
    /// Free text, at most 500 characters.
    #[serde(default)]
    pub note: String,
}

impl SubsidyUseReport {
    /// Checks the report on its own.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidValue`] for a bad year, [`Error::Missing`] for no
    /// lines, [`Error::TooLong`] for an over-long note, [`Error::Overflow`]
    /// if the lines sum past [`Money::MAX`].
    pub fn validate(&self) -> Result<()> {
        check_year("year", self.year)?;
        if self.lines.is_empty() {
            return Err(Error::Missing { field: "lines".to_owned() });
        }
        let notes = self.lines.iter().map(|l| &l.note).chain(std::iter::once(&self.note));
        for note in notes {
            let actual_chars = note.chars().count();
            if actual_chars > MAX_NOTE_CHARS {
                return Err(Error::TooLong { field: "note".to_owned(), max_chars: MAX_NOTE_CHARS, actual_chars });
            }
        }
        self.spent_total()?;
        Ok(())
    }

    /// Sums the lines.
    ///
    /// # Errors
    ///
    /// [`Error::Overflow`] if the sum exceeds [`Money::MAX`].
    pub fn spent_total(&self) -> Result<Money> {
        Money::sum(self.lines.iter().map(|l| l.amount))
    }
}

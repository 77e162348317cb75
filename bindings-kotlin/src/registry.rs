//! Member units and their instruments (网员单位与仪器设备登记), as uniffi
//! records and enums, with their conversion to and from core types.
//!
//! Records are plain values: the rules engine checks them when they are
//! passed to a `Network` method, not when they are built.

use chrono::NaiveDate;
use labshare::UnitId;
use labshare::registry::{
    self as core, AcquisitionSource, CategoryCode, OperatingStatus, ReviewState, SharingMode,
    UnitKind,
};

use crate::convert::{long, money, plain_money};
use crate::errors::LabshareError;
use crate::types::{PlainDecimal, Timestamp};

/// Kind of member unit (单位类型).
#[uniffi::remote(Enum)]
pub enum UnitKind {
    /// Research institute (科研院所).
    Institute,
    /// University (高等院校).
    University,
    /// Testing centre (检测中心).
    TestingCentre,
    /// Enterprise (企业).
    Enterprise,
    /// Any other kind.
    Other,
}

/// Source of an instrument (来源): how it came to the unit.
#[uniffi::remote(Enum)]
pub enum AcquisitionSource {
    /// Purchased (购置).
    Purchased,
    /// Built by the unit (自研).
    SelfBuilt,
    /// Donated (捐赠).
    Donated,
    /// Other (其他).
    Other,
}

/// Sharing mode of an instrument (共享模式): who may use it.
#[uniffi::remote(Enum)]
pub enum SharingMode {
    /// Shared outside the unit (外部共享).
    External,
    /// Shared inside the unit only (内部共享).
    Internal,
    /// Not shared (不共享).
    None,
}

/// Operating status of an instrument (运行状态), as the national platform lists it.
#[uniffi::remote(Enum)]
pub enum OperatingStatus {
    /// Working normally (正常).
    Normal,
    /// Standing by (待机).
    Standby,
    /// Serving remote users (远程服务中).
    RemoteService,
    /// Occasional faults (偶有故障).
    OccasionalFaults,
    /// Frequent faults (故障频繁).
    FrequentFaults,
    /// Awaiting repair (待修).
    AwaitingRepair,
    /// Awaiting disposal (待报废).
    AwaitingDisposal,
}

/// Review state of an instrument (审核状态).
#[uniffi::remote(Enum)]
pub enum ReviewState {
    /// Submitted and never published; waiting for the office.
    Submitted,
    /// Returned to the unit with a reason; the unit may revise and resubmit.
    Returned {
        /// The office's reason.
        reason: String,
    },
    /// Published, with no change waiting.
    Published,
    /// Published, with a revision waiting for the office.
    RevisionPending,
    /// Published; the office returned the last revision with a reason.
    RevisionReturned {
        /// The office's reason.
        reason: String,
    },
}

/// A member unit (网员单位) of the network. Named `MemberUnit` because
/// `Unit` is Kotlin's own type.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct MemberUnit {
    /// Unit id: 1 to 64 characters without whitespace.
    pub id: String,
    /// Full name, at most 100 characters.
    pub name: String,
    /// Kind of unit.
    pub kind: UnitKind,
    /// Region (所在地区), such as `乌鲁木齐市`.
    pub region: String,
}

impl TryFrom<MemberUnit> for core::Unit {
    type Error = LabshareError;

    fn try_from(unit: MemberUnit) -> Result<core::Unit, LabshareError> {
        Ok(core::Unit {
            id: UnitId::new(unit.id)?,
            name: unit.name,
            kind: unit.kind,
            region: unit.region,
        })
    }
}

impl From<core::Unit> for MemberUnit {
    fn from(unit: core::Unit) -> MemberUnit {
        MemberUnit {
            id: unit.id.to_string(),
            name: unit.name,
            kind: unit.kind,
            region: unit.region,
        }
    }
}

/// The national record of one instrument (仪器设备信息), as a unit submits it.
///
/// Lengths are in characters and are checked on submission, as the national
/// platform (科研设施与仪器国家网络管理平台) sets them.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct InstrumentRecord {
    /// Name (仪器名称), at most 50 characters.
    pub name: String,
    /// English name, at most 200 characters; may be empty.
    #[uniffi(default)]
    pub english_name: String,
    /// Six-digit category code (分类代码) whose first two digits, the top
    /// class, are 01 to 15.
    pub category_code: String,
    /// Source (来源).
    pub source: AcquisitionSource,
    /// Original value (原值) in 元, exact to the fen.
    pub original_value: PlainDecimal,
    /// Country of origin as a GB/T 2659 (ISO 3166-1) alpha-2 or alpha-3 code
    /// in capitals, such as `CN`.
    pub country_of_origin: String,
    /// Manufacturer (生产制造商), at most 100 characters.
    pub manufacturer: String,
    /// Model (规格型号), at most 100 characters.
    pub model: String,
    /// Commissioning date (启用日期).
    pub commissioning_date: NaiveDate,
    /// Main specifications (主要技术指标), at most 500 characters.
    pub specifications: String,
    /// Main functions (主要功能), at most 300 characters.
    pub functions: String,
    /// Disciplines (服务学科领域) as GB/T 13745 codes, at most four.
    #[uniffi(default)]
    pub disciplines: Vec<String>,
    /// Service content (服务内容), at most 200 characters.
    #[uniffi(default)]
    pub service_content: String,
    /// Operating status (运行状态).
    pub operating_status: OperatingStatus,
    /// Sharing mode (共享模式).
    pub sharing_mode: SharingMode,
    /// Sharing rules (开放共享规定), at most 500 characters.
    #[uniffi(default)]
    pub sharing_rules: String,
    /// Fee standard (收费标准), at most 500 characters.
    #[uniffi(default)]
    pub fee_standard: String,
    /// Booking address on the web (预约网址); may be empty.
    #[uniffi(default)]
    pub booking_url: String,
    /// Location (安放地址), at most 200 characters.
    pub location: String,
    /// Contact person and telephone (联系人), at most 100 characters.
    #[uniffi(default)]
    pub contact: String,
}

impl TryFrom<InstrumentRecord> for core::InstrumentRecord {
    type Error = LabshareError;

    /// Converts field by field, in declaration order. The category code and
    /// the original value are checked here with core's error codes; lengths
    /// and the country code are checked by the `Network` method.
    fn try_from(record: InstrumentRecord) -> Result<core::InstrumentRecord, LabshareError> {
        let category_code = CategoryCode::new(&record.category_code)?;
        let original_value = money("original_value", &record.original_value)?;
        Ok(core::InstrumentRecord {
            name: record.name,
            english_name: record.english_name,
            category_code,
            source: record.source,
            original_value,
            country_of_origin: record.country_of_origin,
            manufacturer: record.manufacturer,
            model: record.model,
            commissioning_date: record.commissioning_date,
            specifications: record.specifications,
            functions: record.functions,
            disciplines: record.disciplines,
            service_content: record.service_content,
            operating_status: record.operating_status,
            sharing_mode: record.sharing_mode,
            sharing_rules: record.sharing_rules,
            fee_standard: record.fee_standard,
            booking_url: record.booking_url,
            location: record.location,
            contact: record.contact,
        })
    }
}

impl From<core::InstrumentRecord> for InstrumentRecord {
    fn from(record: core::InstrumentRecord) -> InstrumentRecord {
        InstrumentRecord {
            name: record.name,
            english_name: record.english_name,
            category_code: record.category_code.as_str().to_owned(),
            source: record.source,
            original_value: plain_money(record.original_value),
            country_of_origin: record.country_of_origin,
            manufacturer: record.manufacturer,
            model: record.model,
            commissioning_date: record.commissioning_date,
            specifications: record.specifications,
            functions: record.functions,
            disciplines: record.disciplines,
            service_content: record.service_content,
            operating_status: record.operating_status,
            sharing_mode: record.sharing_mode,
            sharing_rules: record.sharing_rules,
            fee_standard: record.fee_standard,
            booking_url: record.booking_url,
            location: record.location,
            contact: record.contact,
        }
    }
}

/// One step in an instrument's history.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct HistoryEntry {
    /// Sequence number of the event that made the change.
    pub seq: i64,
    /// When the change was made.
    pub at: Timestamp,
    /// Id of the actor who made it.
    pub actor: String,
    /// The step taken: `submitted`, `resubmitted`, `revision_submitted`,
    /// `published` or `returned`.
    pub step: String,
    /// The office's reason, for returns.
    pub reason: Option<String>,
}

/// An instrument on the network with its review state and history.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Instrument {
    /// Instrument id, unique on the network.
    pub id: String,
    /// Id of the owning unit.
    pub unit: String,
    /// Review state.
    pub state: ReviewState,
    /// The version shown to the public; null until first published.
    pub published: Option<InstrumentRecord>,
    /// The version waiting for review, or returned for changes.
    pub pending: Option<InstrumentRecord>,
    /// When the instrument was first published.
    pub first_published_at: Option<Timestamp>,
    /// Every step so far, oldest first.
    pub history: Vec<HistoryEntry>,
}

impl TryFrom<core::Instrument> for Instrument {
    type Error = LabshareError;

    fn try_from(instrument: core::Instrument) -> Result<Instrument, LabshareError> {
        let mut history = Vec::with_capacity(instrument.history.len());
        for entry in instrument.history {
            history.push(HistoryEntry {
                seq: long("history sequence number", entry.seq)?,
                at: entry.at,
                actor: entry.actor,
                step: entry.step,
                reason: entry.reason,
            });
        }
        Ok(Instrument {
            id: instrument.id.to_string(),
            unit: instrument.unit.to_string(),
            state: instrument.state,
            published: instrument.published.map(|record| InstrumentRecord::from(*record)),
            pending: instrument.pending.map(|record| InstrumentRecord::from(*record)),
            first_published_at: instrument.first_published_at,
            history,
        })
    }
}

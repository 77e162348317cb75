//! Member units and their instruments (网员单位与仪器设备登记).
//!
//! A unit submits an instrument record; the office publishes it or returns
//! it with a reason. A unit's edit of a published instrument becomes a
//! pending revision: the published version stays visible until the office
//! approves the revision. Every step is kept in the instrument's history.
//!
//! The record follows the field set of the national platform
//! (科研设施与仪器国家网络管理平台) and its length limits, counted in
//! characters: name 50, main specifications 500, main functions 300,
//! service content 200, sharing rules 500, fee standard 500, at most four
//! disciplines.


use chrono::{DateTime, NaiveDate, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::id_map::IdMap;
use crate::access::{self, Actor};
use crate::error::{Entity, Error, Result};
use crate::ids::{InstrumentId, UnitId};
use crate::lang::{Lang, Text};
use crate::money::Money;
use crate::tagged::tagged_enum;

/// Kind of member unit (单位类型).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
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

/// A member unit (网员单位) of the network.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Unit {
    /// Unit id.
    pub id: UnitId,
    /// Full name, at most 100 characters.
    pub name: String,
    /// Kind of unit.
    pub kind: UnitKind,
    /// Region (所在地区), such as `乌鲁木齐市`.
    pub region: String,
}

/// Source of an instrument (来源): how it came to the unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
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

/// Sharing mode (共享模式): who may use the instrument.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SharingMode {
    /// Shared outside the unit (外部共享).
    External,
    /// Shared inside the unit only (内部共享).
    Internal,
    /// Not shared (不共享).
    None,
}

/// Operating status of an instrument (运行状态), as the national platform lists it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
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

impl OperatingStatus {
    /// Returns the Chinese label used by the national platform.
    pub fn label_zh(self) -> &'static str {
        match self {
            OperatingStatus::Normal => "正常",
            OperatingStatus::Standby => "待机",
            OperatingStatus::RemoteService => "远程服务中",
            OperatingStatus::OccasionalFaults => "偶有故障",
            OperatingStatus::FrequentFaults => "故障频繁",
            OperatingStatus::AwaitingRepair => "待修",
            OperatingStatus::AwaitingDisposal => "待报废",
        }
    }
}

/// The 15 top classes of the instrument classification (仪器分类一级类).
const TOP_CLASSES: [(&str, &str); 15] = [
    ("分析仪器", "analytical instruments"),
    ("物理性能测试仪器", "physical property testing instruments"),
    ("计量仪器", "metrology instruments"),
    ("电子测量仪器", "electronic measuring instruments"),
    ("海洋仪器", "marine instruments"),
    ("地球探测仪器", "earth exploration instruments"),
    ("大气探测仪器", "atmospheric sounding instruments"),
    ("天文仪器", "astronomical instruments"),
    ("医学诊断仪器", "medical diagnostic instruments"),
    ("核仪器", "nuclear instruments"),
    ("特种检测仪器", "special testing instruments"),
    ("工艺实验设备", "process test equipment"),
    ("计算机及其配套设备", "computers and peripherals"),
    ("激光器", "lasers"),
    ("其他仪器", "other instruments"),
];

/// A six-digit instrument category code (仪器分类代码).
///
/// The first two digits select one of the 15 top classes, numbered 01 to 15.
// NOTE: the numbering 01..15 follows the order in which the national field
// list names the classes. It has not been checked against the platform's
// code table, so check it before exporting codes to the platform.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(try_from = "String", into = "String")]
pub struct CategoryCode(String);

impl CategoryCode {
    /// Parses a category code.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidValue`] unless the code is six ASCII digits whose first
    /// two are 01 to 15.
    pub fn new(code: &str) -> Result<CategoryCode> {
        let expected = || {
            Text::new(
                "6 位数字分类代码，前两位为 01–15 的一级类",
                "a six-digit category code whose first two digits (the top class) are 01 to 15",
            )
        };
        if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
            return Err(Error::invalid_value("category_code", code, expected()));
        }
        let top: usize = code[..2].parse().unwrap_or(0);
        if !(1..=TOP_CLASSES.len()).contains(&top) {
            return Err(Error::invalid_value("category_code", code, expected()));
        }
        Ok(CategoryCode(code.to_owned()))
    }

    /// Returns the code as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Returns the name of the top class in `lang`.
    pub fn top_class(&self, lang: Lang) -> &'static str {
        let index: usize = self.0[..2].parse().unwrap_or(15);
        let (zh, en) = TOP_CLASSES[index.clamp(1, 15) - 1];
        match lang {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }
}

impl TryFrom<String> for CategoryCode {
    type Error = Error;

    fn try_from(code: String) -> Result<CategoryCode> {
        CategoryCode::new(&code)
    }
}

impl From<CategoryCode> for String {
    fn from(code: CategoryCode) -> String {
        code.0
    }
}

/// The national record of one instrument (仪器设备信息), as a unit submits it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct InstrumentRecord {
    /// Name (仪器名称), at most 50 characters.
    pub name: String,
    /// English name, at most 200 characters; may be empty.
    #[serde(default)]
    pub english_name: String,
    /// Category code (分类代码).
    pub category_code: CategoryCode,
    /// Source (来源).
    pub source: AcquisitionSource,
    /// Original value (原值).
    pub original_value: Money,
    /// Country of origin as a GB/T 2659 (ISO 3166-1) alpha-2 or alpha-3 code, such as `CN`.
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
    #[serde(default)]
    pub disciplines: Vec<String>,
    /// Service content (服务内容), at most 200 characters.
    #[serde(default)]
    pub service_content: String,
    /// Operating status (运行状态).
    pub operating_status: OperatingStatus,
    /// Sharing mode (共享模式).
    pub sharing_mode: SharingMode,
    /// Sharing rules (开放共享规定), at most 500 characters.
    #[serde(default)]
    pub sharing_rules: String,
    /// Fee standard (收费标准), at most 500 characters.
    #[serde(default)]
    pub fee_standard: String,
    /// Booking address on the web (预约网址); may be empty.
    #[serde(default)]
    pub booking_url: String,
    /// Location (安放地址), at most 200 characters.
    pub location: String,
    /// Contact person and telephone (联系人), at most 100 characters.
    #[serde(default)]
    pub contact: String,
}

/// Length limits in characters, checked by [`InstrumentRecord::validate`].
const FIELD_LIMITS: [(&str, usize); 12] = [
    ("name", 50),
    ("english_name", 200),
    ("manufacturer", 100),
    ("model", 100),
    ("specifications", 500),
    ("functions", 300),
    ("service_content", 200),
    ("sharing_rules", 500),
    ("fee_standard", 500),
    ("booking_url", 500),
    ("location", 200),
    ("contact", 100),
];
const MAX_DISCIPLINES: usize = 4;

impl InstrumentRecord {
    fn field(&self, name: &str) -> &str {
        match name {
            "name" => &self.name,
            "english_name" => &self.english_name,
            "manufacturer" => &self.manufacturer,
            "model" => &self.model,
            "specifications" => &self.specifications,
            "functions" => &self.functions,
            "service_content" => &self.service_content,
            "sharing_rules" => &self.sharing_rules,
            "fee_standard" => &self.fee_standard,
            "booking_url" => &self.booking_url,
            "location" => &self.location,
            "contact" => &self.contact,
            _ => "",
        }
    }

    /// Checks the record against the national field limits and returns the
    /// first violation.
    ///
    /// # Errors
    ///
    /// [`Error::Missing`] for an empty name, [`Error::TooLong`] for a field
    /// over its limit, [`Error::InvalidValue`] for a bad country code or more
    /// than four disciplines.
    pub fn validate(&self) -> Result<()> {
        match self.violations().into_iter().next() {
            Some(error) => Err(error),
            None => Ok(()),
        }
    }

    /// Returns every violation of the national field limits, in field order.
    pub fn violations(&self) -> Vec<Error> {
        let mut errors = Vec::new();
        if self.name.trim().is_empty() {
            errors.push(Error::Missing { field: "name".to_owned() });
        }
        for (field, max_chars) in FIELD_LIMITS {
            let text = self.field(field);
            // A character takes at least one byte, so a short text needs no count.
            if text.len() <= max_chars {
                continue;
            }
            let actual_chars = text.chars().count();
            if actual_chars > max_chars {
                errors.push(Error::TooLong { field: field.to_owned(), max_chars, actual_chars });
            }
        }
        let country = self.country_of_origin.as_str();
        let country_ok = (2..=3).contains(&country.len()) && country.bytes().all(|b| b.is_ascii_uppercase());
        if !country_ok {
            errors.push(Error::invalid_value(
                "country_of_origin",
                country,
                Text::new("GB/T 2659 国家代码，如 CN、USA", "a GB/T 2659 country code such as CN or USA"),
            ));
        }
        if self.disciplines.len() > MAX_DISCIPLINES {
            errors.push(Error::invalid_value(
                "disciplines",
                self.disciplines.join(","),
                Text::new("最多 4 个学科代码", "at most four discipline codes"),
            ));
        }
        errors
    }
}

/// Review state of an instrument (审核状态).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "state", rename_all = "snake_case")]
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

impl ReviewState {
    /// Returns the state's stable name, such as `revision_pending`, as serde writes it.
    pub fn name(&self) -> &'static str {
        match self {
            ReviewState::Submitted => "submitted",
            ReviewState::Returned { .. } => "returned",
            ReviewState::Published => "published",
            ReviewState::RevisionPending => "revision_pending",
            ReviewState::RevisionReturned { .. } => "revision_returned",
        }
    }
}

/// One step in an instrument's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct HistoryEntry {
    /// Journal sequence number of the change.
    pub seq: u64,
    /// When the change was made.
    pub at: DateTime<Utc>,
    /// Id of the actor who made it.
    pub actor: String,
    /// Step name, such as `submitted` or `published`.
    pub step: String,
    /// The office's reason, for returns.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// An instrument on the network with its review state and history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Instrument {
    /// Instrument id.
    pub id: InstrumentId,
    /// Owning unit.
    pub unit: UnitId,
    /// Review state.
    pub state: ReviewState,
    // Both versions are boxed because an instrument seldom has both at once,
    // and two inline records made each registry entry 888 bytes.
    /// The version shown to the public, or `None` until first published.
    pub published: Option<Box<InstrumentRecord>>,
    /// The version waiting for review, or returned for changes.
    pub pending: Option<Box<InstrumentRecord>>,
    /// When the instrument was first published.
    pub first_published_at: Option<DateTime<Utc>>,
    /// Every step so far, oldest first.
    pub history: Vec<HistoryEntry>,
}

impl Instrument {
    /// Returns true if a published version exists.
    pub fn is_published(&self) -> bool {
        self.published.is_some()
    }

    /// Returns true if the instrument was published at or before `at`.
    pub fn was_published_at(&self, at: DateTime<Utc>) -> bool {
        self.first_published_at.is_some_and(|first| first <= at)
    }
}

/// The office's decision on a submitted record or revision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "decision", rename_all = "snake_case")]
pub enum ReviewDecision {
    /// Publish the pending version (发布).
    Publish,
    /// Return it to the unit (退回) with a reason.
    Return {
        /// Why, shown to the unit.
        reason: String,
    },
}

tagged_enum! {
    /// A change to the registry, as recorded in the journal.
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
    #[serde(tag = "type", rename_all = "snake_case")]
    pub enum RegistryChange {
        /// The office registers a member unit.
        RegisterUnit {
            /// The unit.
            unit: Unit,
        },
        /// A unit submits a new instrument for review.
        SubmitInstrument {
            /// New instrument id.
            instrument: InstrumentId,
            /// Owning unit.
            unit: UnitId,
            /// The record.
            record: InstrumentRecord,
        },
        /// A unit revises an instrument: resubmits a returned one, or proposes a
        /// revision of a published one.
        ReviseInstrument {
            /// Instrument id.
            instrument: InstrumentId,
            /// The new record.
            record: InstrumentRecord,
        },
        /// The office publishes or returns the pending version.
        ReviewInstrument {
            /// Instrument id.
            instrument: InstrumentId,
            /// Decision.
            decision: ReviewDecision,
        },
    }
}

/// Member units and instruments.
#[derive(Debug, Clone, Default)]
pub struct Registry {
    units: IdMap<UnitId, Unit>,
    instruments: IdMap<InstrumentId, Instrument>,
    /// The booking facts of each instrument, at the positions of
    /// `instruments`. Derived from the records and never serialised.
    facts: Vec<BookingFacts>,
}

/// The parts of an instrument's record that booking checks read: its owner
/// and who may book it.
///
/// A booking check reads these 8 bytes instead of two or three cache lines
/// of the instrument's record. The list of a national network of 100,000
/// instruments takes 800 KB, so much of it can stay in the processor's
/// cache.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct BookingFacts {
    /// Position of the owner unit in the registry's units.
    pub(crate) unit: u32,
    /// True once a version of the record is published.
    pub(crate) published: bool,
    /// True if the published record shares the instrument outside its unit.
    pub(crate) shared_outside: bool,
}

/// The form in which snapshots and schemas show a registry, without the
/// derived facts. The type keeps the name `Registry`, because serde's load
/// errors name the Rust type, and its doc comment is the schema's
/// description.
mod stored {
    use super::*;

    /// Member units and instruments.
    #[derive(Deserialize, JsonSchema)]
    pub(super) struct Registry {
        pub(super) units: IdMap<UnitId, Unit>,
        pub(super) instruments: IdMap<InstrumentId, Instrument>,
    }
}

impl Serialize for Registry {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;

        let mut out = serializer.serialize_struct("Registry", 2)?;
        out.serialize_field("units", &self.units)?;
        out.serialize_field("instruments", &self.instruments)?;
        out.end()
    }
}

impl<'de> Deserialize<'de> for Registry {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> std::result::Result<Registry, D::Error> {
        let stored::Registry { units, instruments } = stored::Registry::deserialize(deserializer)?;
        let mut registry = Registry { units, instruments, facts: Vec::new() };
        for instrument in registry.instruments.values_by_position() {
            let facts = registry.facts_of(instrument).ok_or_else(|| {
                serde::de::Error::custom(format!(
                    "instrument {} names unit {}, which is not registered; register the unit in the same file",
                    instrument.id, instrument.unit
                ))
            })?;
            registry.facts.push(facts);
        }
        Ok(registry)
    }
}

impl JsonSchema for Registry {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Registry".into()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        stored::Registry::json_schema(generator)
    }
}

impl PartialEq for Registry {
    /// Two registries are equal when their units and instruments are. The
    /// facts follow from the instruments, at positions that depend on the
    /// order the instruments were added in.
    fn eq(&self, other: &Registry) -> bool {
        self.units == other.units && self.instruments == other.instruments
    }
}

impl Eq for Registry {}

impl Registry {
    /// Returns the unit with `id`.
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`] if no such unit is registered.
    pub fn unit(&self, id: &UnitId) -> Result<&Unit> {
        self.units.get(id).ok_or_else(|| Error::not_found(Entity::Unit, id))
    }

    /// Returns the instrument with `id`.
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`] if no such instrument exists.
    pub fn instrument(&self, id: &InstrumentId) -> Result<&Instrument> {
        self.instruments.get(id).ok_or_else(|| Error::not_found(Entity::Instrument, id))
    }

    /// Returns the booking facts of instrument `id`.
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`] if no such instrument exists.
    pub(crate) fn booking_facts(&self, id: &InstrumentId) -> Result<BookingFacts> {
        self.instruments
            .position(id)
            .and_then(|position| self.facts.get(position as usize))
            .copied()
            .ok_or_else(|| Error::not_found(Entity::Instrument, id))
    }

    /// Returns the owner unit named by `facts`.
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`] if the position names no unit, which the registry
    /// never stores.
    pub(crate) fn owner(&self, facts: BookingFacts) -> Result<&UnitId> {
        self.units.at(facts.unit).map(|unit| &unit.id).ok_or_else(|| Error::not_found(Entity::Unit, facts.unit))
    }

    /// Returns the position of unit `id`, if it is registered.
    pub(crate) fn unit_position(&self, id: &UnitId) -> Option<u32> {
        self.units.position(id)
    }

    /// Computes the booking facts of `instrument`, or `None` if its unit is
    /// not registered.
    fn facts_of(&self, instrument: &Instrument) -> Option<BookingFacts> {
        let published = instrument.published.as_ref();
        Some(BookingFacts {
            unit: self.units.position(&instrument.unit)?,
            published: published.is_some(),
            shared_outside: published.is_some_and(|record| record.sharing_mode == SharingMode::External),
        })
    }

    /// Stores the booking facts of instrument `id` after a change to it.
    /// Submission checks the unit first, so a new instrument's facts exist
    /// and are pushed at its own position.
    fn refresh_facts(&mut self, id: &InstrumentId) {
        let Some(position) = self.instruments.position(id) else { return };
        let Some(facts) = self.instruments.at(position).and_then(|instrument| self.facts_of(instrument)) else { return };
        match self.facts.get_mut(position as usize) {
            Some(stored) => *stored = facts,
            None => self.facts.push(facts),
        }
    }

    /// Returns where the record of instrument `id` is stored, for replay
    /// look-ahead.
    pub(crate) fn instrument_position(&self, id: &InstrumentId) -> Option<u32> {
        self.instruments.position(id)
    }

    /// Prefetches the index entry that looking up instrument `id` reads first.
    pub(crate) fn prefetch_instrument_key(&self, id: &InstrumentId) {
        self.instruments.prefetch_key(id);
    }

    /// Prefetches the index entry that looking up unit `id` reads first.
    pub(crate) fn prefetch_unit_key(&self, id: &UnitId) {
        self.units.prefetch_key(id);
    }

    /// Prefetches the booking facts of the instrument at `position`.
    pub(crate) fn prefetch_booking_facts(&self, position: u32) {
        if let Some(facts) = self.facts.get(position as usize) {
            crate::replay::prefetch(facts);
        }
    }

    /// Prefetches the parts of the instrument record at `position` that
    /// usage reports read: the owner and the published record.
    pub(crate) fn prefetch_instrument(&self, position: u32) {
        if let Some(instrument) = self.instruments.at(position) {
            crate::replay::prefetch(&raw const instrument.unit);
            // Reading whether `published` is set would wait for the miss,
            // so this assumes that the record starts where the option does,
            // as it does when the option uses a niche. A wrong guess only
            // wastes the hint.
            // NOTE: rustc chooses where that niche lies, so the line that
            // shows whether `published` is set may not be among these two.
            let record = (&raw const instrument.published).cast::<u8>();
            crate::replay::prefetch(record);
            crate::replay::prefetch(record.wrapping_add(std::mem::offset_of!(InstrumentRecord, sharing_mode)));
        }
    }

    /// Iterates over units in id order.
    pub fn units(&self) -> impl Iterator<Item = &Unit> {
        self.units.values()
    }

    /// Iterates over instruments in id order.
    pub fn instruments(&self) -> impl Iterator<Item = &Instrument> {
        self.instruments.values()
    }

    /// Iterates over published instruments with their visible record.
    pub fn published(&self) -> impl Iterator<Item = (&Instrument, &InstrumentRecord)> {
        self.instruments.values().filter_map(|i| i.published.as_deref().map(|record| (i, record)))
    }

    /// Checks and applies one change. Nothing changes if an error is returned.
    pub(crate) fn apply(&mut self, seq: u64, at: DateTime<Utc>, actor: &Actor, change: &RegistryChange) -> Result<()> {
        match change {
            RegistryChange::RegisterUnit { unit } => self.register_unit(actor, unit),
            RegistryChange::SubmitInstrument { instrument, unit, record } => {
                self.submit(seq, at, actor, instrument, unit, record)?;
                self.refresh_facts(instrument);
                Ok(())
            }
            RegistryChange::ReviseInstrument { instrument, record } => {
                self.revise(seq, at, actor, instrument, record)?;
                self.refresh_facts(instrument);
                Ok(())
            }
            RegistryChange::ReviewInstrument { instrument, decision } => {
                self.review(seq, at, actor, instrument, decision)?;
                self.refresh_facts(instrument);
                Ok(())
            }
        }
    }

    fn register_unit(&mut self, actor: &Actor, unit: &Unit) -> Result<()> {
        access::require_office(actor, "register_unit")?;
        if unit.name.trim().is_empty() {
            return Err(Error::Missing { field: "name".to_owned() });
        }
        let name_chars = unit.name.chars().count();
        if name_chars > 100 {
            return Err(Error::TooLong { field: "name".to_owned(), max_chars: 100, actual_chars: name_chars });
        }
        if self.units.contains_key(&unit.id) {
            return Err(Error::AlreadyExists { entity: Entity::Unit, id: unit.id.to_string() });
        }
        self.units.insert(unit.id.clone(), unit.clone());
        Ok(())
    }

    fn submit(
        &mut self,
        seq: u64,
        at: DateTime<Utc>,
        actor: &Actor,
        id: &InstrumentId,
        unit: &UnitId,
        record: &InstrumentRecord,
    ) -> Result<()> {
        self.unit(unit)?;
        access::require_unit_or_office(actor, unit, "submit_instrument")?;
        if self.instruments.contains_key(id) {
            return Err(Error::AlreadyExists { entity: Entity::Instrument, id: id.to_string() });
        }
        record.validate()?;

        // Room for the submission and its review, the usual whole history,
        // because a second push would grow the vector to four entries (384 bytes).
        let mut history = Vec::with_capacity(2);
        history.push(entry(seq, at, actor, "submitted", None));
        let instrument = Instrument {
            id: id.clone(),
            unit: unit.clone(),
            state: ReviewState::Submitted,
            published: None,
            pending: Some(Box::new(record.clone())),
            first_published_at: None,
            history,
        };
        self.instruments.insert(id.clone(), instrument);
        Ok(())
    }

    fn revise(
        &mut self,
        seq: u64,
        at: DateTime<Utc>,
        actor: &Actor,
        id: &InstrumentId,
        record: &InstrumentRecord,
    ) -> Result<()> {
        let instrument = self.instrument(id)?;
        access::require_unit_or_office(actor, &instrument.unit, "revise_instrument")?;
        record.validate()?;

        let (state, step) = match instrument.state {
            ReviewState::Submitted | ReviewState::Returned { .. } => (ReviewState::Submitted, "resubmitted"),
            ReviewState::Published | ReviewState::RevisionPending | ReviewState::RevisionReturned { .. } => {
                (ReviewState::RevisionPending, "revision_submitted")
            }
        };
        let instrument = self.instruments.get_mut(id).ok_or_else(|| Error::not_found(Entity::Instrument, id))?;
        instrument.state = state;
        instrument.pending = Some(Box::new(record.clone()));
        instrument.history.push(entry(seq, at, actor, step, None));
        Ok(())
    }

    fn review(
        &mut self,
        seq: u64,
        at: DateTime<Utc>,
        actor: &Actor,
        id: &InstrumentId,
        decision: &ReviewDecision,
    ) -> Result<()> {
        access::require_office(actor, "review_instrument")?;
        let instrument = self.instruments.get_mut(id).ok_or_else(|| Error::not_found(Entity::Instrument, id))?;
        let awaiting = matches!(instrument.state, ReviewState::Submitted | ReviewState::RevisionPending);
        if !awaiting {
            return Err(Error::InvalidState {
                entity: Entity::Instrument,
                id: id.to_string(),
                state: instrument.state.name().to_owned(),
                action: "review_instrument".to_owned(),
            });
        }
        if let ReviewDecision::Return { reason } = decision
            && reason.trim().is_empty()
        {
            return Err(Error::Missing { field: "reason".to_owned() });
        }

        match decision {
            ReviewDecision::Publish => {
                instrument.published = instrument.pending.take();
                instrument.first_published_at.get_or_insert(at);
                instrument.state = ReviewState::Published;
                instrument.history.push(entry(seq, at, actor, "published", None));
            }
            ReviewDecision::Return { reason } => {
                instrument.state = match instrument.state {
                    ReviewState::Submitted => ReviewState::Returned { reason: reason.clone() },
                    _ => ReviewState::RevisionReturned { reason: reason.clone() },
                };
                instrument.history.push(entry(seq, at, actor, "returned", Some(reason.clone())));
            }
        }
        Ok(())
    }
}

fn entry(seq: u64, at: DateTime<Utc>, actor: &Actor, step: &str, reason: Option<String>) -> HistoryEntry {
    HistoryEntry { seq, at, actor: actor.id.clone(), step: step.to_owned(), reason }
}

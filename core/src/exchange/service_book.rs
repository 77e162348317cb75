//! The service-record book (服务记录台账): national-format service records
//! per member unit, each with its source.
//!
//! Records enter the book only through [`ServiceChange`] events. A unit
//! admin records services of its own unit's instruments and the office
//! records services of any unit. A record that repeats a stored one (same
//! [`ServiceKey`]) is rejected, so importing the same file twice adds
//! nothing.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::access::{self, Actor};
use crate::error::{Error, Result};
use crate::ids::{InstrumentId, UnitId};
use crate::journal::{Change, Event};
use crate::lang::Text;
use crate::money::Money;
use crate::network::Network;
use crate::registry::Registry;
use crate::tagged::tagged_enum;

use super::service::{ServiceMode, ServiceRecord};

/// Origin of a stored service record (来源). Services recorded by booking
/// completion stay in the booking book, and the national service export
/// reads both books.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ServiceSource {
    /// Read from a spreadsheet by a service-record import.
    Imported,
}

/// One record in the book.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct StoredService {
    /// The record in the national field set.
    pub record: ServiceRecord,
    /// Its origin.
    pub source: ServiceSource,
    /// Sequence number of the event that added it.
    pub seq: u64,
}

/// The fields that identify one service: two records with equal keys are
/// duplicates. The user's rating, funding source and contact are left out,
/// because a national export drops the contact and a later correction of
/// the rating does not make the service a new one.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ServiceKey {
    /// The instrument.
    pub instrument: InstrumentId,
    /// Day of the service.
    pub date: NaiveDate,
    /// Amount charged.
    pub amount: Money,
    /// Service content.
    pub content: String,
    /// Service mode.
    pub mode: ServiceMode,
    /// Machine hours.
    pub hours: Option<Decimal>,
    /// Samples.
    pub samples: Option<u64>,
    /// The user's unit.
    pub user_unit: String,
}

impl ServiceKey {
    /// Returns the key of `record`.
    pub fn of(record: &ServiceRecord) -> ServiceKey {
        ServiceKey {
            instrument: record.instrument.clone(),
            date: record.date,
            amount: record.amount,
            content: record.content.clone(),
            mode: record.mode,
            // `normalize` makes 3.50 and 3.5 hours the same key.
            hours: record.hours.map(|hours| hours.normalize()),
            samples: record.samples,
            user_unit: record.user_unit.clone(),
        }
    }
}

tagged_enum! {
    /// A change to the service-record book, as recorded in the journal.
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
    #[serde(tag = "type", rename_all = "snake_case")]
    pub enum ServiceChange {
        /// Service records of one unit's instruments, read from a spreadsheet.
        ImportServices {
            /// The unit that owns every instrument named in `records`.
            unit: UnitId,
            /// The records, in file order.
            records: Vec<ServiceRecord>,
        },
    }
}

/// Service records by owning unit, each unit's in the order they were added.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ServiceBook {
    units: BTreeMap<UnitId, Vec<StoredService>>,
}

/// Returns the error for a record that repeats another.
pub(crate) fn duplicate_error(record: &ServiceRecord, earlier: &Text) -> Error {
    let date = record.date.format("%Y-%m-%d");
    Error::rule(
        "services.duplicate",
        Text::new(
            format!("仪器 {} 在 {date} 的这条服务记录与{}重复；请删去重复行", record.instrument, earlier.zh),
            format!(
                "the service record of instrument {} on {date} repeats {}; remove the repeated row",
                record.instrument, earlier.en
            ),
        ),
    )
}

impl ServiceBook {
    /// Iterates over the records of `unit`, in the order they were added.
    pub fn of_unit(&self, unit: &UnitId) -> impl Iterator<Item = &StoredService> {
        self.units.get(unit).into_iter().flatten()
    }

    /// Iterates over all records, unit by unit in id order.
    pub fn iter(&self) -> impl Iterator<Item = (&UnitId, &StoredService)> {
        self.units.iter().flat_map(|(unit, records)| records.iter().map(move |stored| (unit, stored)))
    }

    /// Counts all records.
    pub fn len(&self) -> usize {
        self.units.values().map(Vec::len).sum()
    }

    /// Returns true if the book has no record.
    pub fn is_empty(&self) -> bool {
        self.units.values().all(Vec::is_empty)
    }

    /// Returns the keys of the records of `unit`.
    pub fn keys(&self, unit: &UnitId) -> BTreeSet<ServiceKey> {
        self.of_unit(unit).map(|stored| ServiceKey::of(&stored.record)).collect()
    }

    /// Returns true if the book contains a record with the key of `record`.
    pub fn contains(&self, unit: &UnitId, record: &ServiceRecord) -> bool {
        let key = ServiceKey::of(record);
        self.of_unit(unit).any(|stored| ServiceKey::of(&stored.record) == key)
    }

    /// Checks one record for `actor` on its own, without looking for
    /// duplicates, and returns the unit that owns its instrument.
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`] for an unknown instrument,
    /// [`Error::PermissionDenied`] unless the actor administers the owning
    /// unit or is office staff, and the first of
    /// [`ServiceRecord::violations`].
    pub fn check_record(registry: &Registry, actor: &Actor, record: &ServiceRecord) -> Result<UnitId> {
        let instrument = registry.instrument(&record.instrument)?;
        access::require_unit_or_office(actor, &instrument.unit, "import_services")?;
        if let Some(error) = record.violations().into_iter().next() {
            return Err(error);
        }
        Ok(instrument.unit.clone())
    }

    pub(crate) fn apply(&mut self, seq: u64, registry: &Registry, actor: &Actor, change: &ServiceChange) -> Result<()> {
        match change {
            ServiceChange::ImportServices { unit, records } => self.import(seq, registry, actor, unit, records),
        }
    }

    fn import(&mut self, seq: u64, registry: &Registry, actor: &Actor, unit: &UnitId, records: &[ServiceRecord]) -> Result<()> {
        registry.unit(unit)?;
        access::require_unit_or_office(actor, unit, "import_services")?;
        if records.is_empty() {
            return Err(Error::invalid_value(
                "records",
                "[]",
                Text::new("至少一条服务记录", "at least one service record"),
            ));
        }

        let mut stored = self.keys(unit);
        for record in records {
            let owner = ServiceBook::check_record(registry, actor, record)?;
            if &owner != unit {
                return Err(Error::invalid_value(
                    "instrument",
                    &record.instrument,
                    Text::new(
                        format!("单位 {unit} 的仪器；该仪器属于单位 {owner}"),
                        format!("an instrument of unit {unit}; this one belongs to unit {owner}"),
                    ),
                ));
            }
            if !stored.insert(ServiceKey::of(record)) {
                let earlier = Text::new("已有记录或本批中的前一条", "a stored record or an earlier record of this batch");
                return Err(duplicate_error(record, &earlier));
            }
        }

        let list = self.units.entry(unit.clone()).or_default();
        list.extend(records.iter().map(|record| StoredService { record: record.clone(), source: ServiceSource::Imported, seq }));
        Ok(())
    }
}

impl Network {
    /// Adds service records of `unit`'s instruments to the service-record
    /// book as one event. [`super::service_import::apply_services`] makes
    /// these events from a spreadsheet, with a dry run and a report.
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`] for an unknown unit or instrument,
    /// [`Error::PermissionDenied`] unless the actor administers `unit` or is
    /// office staff, [`Error::InvalidValue`] for an empty list or an
    /// instrument of another unit, the field errors of
    /// [`ServiceRecord::violations`], and [`Error::RuleViolation`] with rule
    /// `services.duplicate` for a record that repeats a stored one or an
    /// earlier one in `records`. Nothing changes on error.
    pub fn import_services(&mut self, actor: &Actor, now: DateTime<Utc>, unit: UnitId, records: Vec<ServiceRecord>) -> Result<Event> {
        self.execute(actor, now, Change::Services(ServiceChange::ImportServices { unit, records }))
    }
}

//! Yearly usage reports per instrument (仪器设备使用情况).
//!
//! Each year a unit reports, for each of its published instruments, the
//! operating hours (开机时数), effective hours (有效机时: warm-up, measurement
//! and necessary post-processing, idle time excluded), samples tested
//! (检测样品数) and external service income (对外服务收入).

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::access::{self, Actor};
use crate::error::{Entity, Error, Result};
use crate::ids::{InstrumentId, UnitId};
use crate::lang::Text;
use crate::money::Money;
use crate::registry::Registry;
use crate::tagged::tagged_enum;

/// Oldest and newest report years accepted.
pub const YEARS: std::ops::RangeInclusive<i32> = 2000..=2100;

/// One instrument's figures for one calendar year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct UsageReport {
    /// The instrument.
    pub instrument: InstrumentId,
    /// Calendar year of the figures.
    pub year: i32,
    /// Operating hours (开机时数), in hours.
    pub operating_hours: Decimal,
    /// Effective hours (有效机时), in hours; never more than the operating hours.
    pub effective_hours: Decimal,
    /// Samples tested (检测样品数).
    pub samples: u64,
    /// External service income (对外服务收入).
    pub external_income: Money,
}

/// Sums of usage figures over a set of instruments.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct UsageTotals {
    /// Instruments with a report.
    pub instruments: u64,
    /// Operating hours.
    pub operating_hours: Decimal,
    /// Effective hours.
    pub effective_hours: Decimal,
    /// Samples tested.
    pub samples: u64,
    /// External service income.
    pub external_income: Money,
}

tagged_enum! {
    /// A change to usage reports, as recorded in the journal.
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
    #[serde(tag = "type", rename_all = "snake_case")]
    pub enum UsageChange {
        /// A unit files (or refiles, replacing) one instrument's report for a year.
        FileReport {
            /// The report.
            report: UsageReport,
        },
    }
}

/// Usage reports by instrument and year.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct UsageBook {
    #[schemars(with = "BTreeMap<InstrumentId, BTreeMap<i32, UsageReport>>")]
    reports: BTreeMap<InstrumentId, ReportYears>,
}

/// One instrument's reports in year order, written as a map from year to
/// report.
///
/// An instrument has a report for each of a few years. A sorted vector keeps
/// them in one allocation of about a hundred bytes a year, where a B-tree
/// would take a node of about a kilobyte for the first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct ReportYears(Vec<(i32, UsageReport)>);

impl ReportYears {
    fn get(&self, year: i32) -> Option<&UsageReport> {
        let position = self.0.binary_search_by_key(&year, |(filed, _)| *filed).ok()?;
        self.0.get(position).map(|(_, report)| report)
    }

    /// Stores `report` under `year`, replacing a report filed before.
    fn insert(&mut self, year: i32, report: UsageReport) {
        match self.0.binary_search_by_key(&year, |(filed, _)| *filed) {
            Ok(position) => self.0[position].1 = report,
            Err(position) => {
                // Without this, the first insert would reserve room for four
                // reports, the standard library's smallest capacity here.
                self.0.reserve_exact(1);
                self.0.insert(position, (year, report));
            }
        }
    }
}

impl Serialize for ReportYears {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        serializer.collect_map(self.0.iter().map(|(year, report)| (year, report)))
    }
}

impl<'de> Deserialize<'de> for ReportYears {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> std::result::Result<ReportYears, D::Error> {
        // Reading through a map keeps the rule for repeated years (the last
        // one counts) the same as when the book held a map.
        let years = BTreeMap::<i32, UsageReport>::deserialize(deserializer)?;
        Ok(ReportYears(years.into_iter().collect()))
    }
}

fn hours_in_year(year: i32) -> Decimal {
    let leap = chrono::NaiveDate::from_ymd_opt(year, 2, 29).is_some();
    Decimal::from(if leap { 366 * 24 } else { 365 * 24 })
}

impl UsageReport {
    /// Checks the figures of the report on their own.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidValue`] for a year outside 2000–2100, negative hours,
    /// more hours than the year has, or effective hours above operating hours.
    pub fn validate(&self) -> Result<()> {
        if !YEARS.contains(&self.year) {
            return Err(Error::invalid_value("year", self.year, Text::new("2000 至 2100 之间的年份", "a year from 2000 to 2100")));
        }
        let limit = hours_in_year(self.year);
        for (field, hours) in [("operating_hours", self.operating_hours), ("effective_hours", self.effective_hours)] {
            if hours.is_sign_negative() && !hours.is_zero() || hours > limit {
                return Err(Error::invalid_value(
                    field,
                    hours,
                    Text::new(format!("0 至 {limit} 小时（该年的总小时数）"), format!("0 to {limit} hours (the hours in that year)")),
                ));
            }
        }
        if self.effective_hours > self.operating_hours {
            return Err(Error::invalid_value(
                "effective_hours",
                self.effective_hours,
                Text::new(
                    format!("不超过开机时数 {}", self.operating_hours),
                    format!("at most the operating hours, {}", self.operating_hours),
                ),
            ));
        }
        Ok(())
    }
}

impl UsageTotals {
    fn add(&mut self, report: &UsageReport) -> Result<()> {
        self.instruments += 1;
        self.operating_hours = self
            .operating_hours
            .checked_add(report.operating_hours)
            .ok_or_else(|| Error::overflow("sum of operating hours"))?;
        self.effective_hours = self
            .effective_hours
            .checked_add(report.effective_hours)
            .ok_or_else(|| Error::overflow("sum of effective hours"))?;
        self.samples = self.samples.checked_add(report.samples).ok_or_else(|| Error::overflow("sum of samples"))?;
        self.external_income = self.external_income.checked_add(report.external_income)?;
        Ok(())
    }
}

impl UsageBook {
    /// Returns the report of `instrument` for `year`, if filed.
    pub fn report(&self, instrument: &InstrumentId, year: i32) -> Option<&UsageReport> {
        self.reports.get(instrument).and_then(|years| years.get(year))
    }

    /// Iterates over all reports for `year`, in instrument order.
    pub fn reports_for_year(&self, year: i32) -> impl Iterator<Item = &UsageReport> {
        self.reports.values().filter_map(move |years| years.get(year))
    }

    /// Sums the reports of `year` per owning unit.
    ///
    /// # Errors
    ///
    /// [`Error::Overflow`] if a sum leaves its range; [`Error::NotFound`] if a
    /// report names an instrument the registry lacks.
    pub fn totals_by_unit(&self, registry: &Registry, year: i32) -> Result<BTreeMap<UnitId, UsageTotals>> {
        let mut totals: BTreeMap<UnitId, UsageTotals> = BTreeMap::new();
        for report in self.reports_for_year(year) {
            let unit = &registry.instrument(&report.instrument)?.unit;
            totals.entry(unit.clone()).or_default().add(report)?;
        }
        Ok(totals)
    }

    /// Sums the reports of `year` over the whole network.
    ///
    /// # Errors
    ///
    /// [`Error::Overflow`] if a sum leaves its range.
    pub fn network_totals(&self, year: i32) -> Result<UsageTotals> {
        let mut totals = UsageTotals::default();
        for report in self.reports_for_year(year) {
            totals.add(report)?;
        }
        Ok(totals)
    }

    pub(crate) fn apply(&mut self, registry: &Registry, actor: &Actor, change: &UsageChange) -> Result<()> {
        match change {
            UsageChange::FileReport { report } => self.file(registry, actor, report),
        }
    }

    fn file(&mut self, registry: &Registry, actor: &Actor, report: &UsageReport) -> Result<()> {
        let instrument = registry.instrument(&report.instrument)?;
        access::require_unit_or_office(actor, &instrument.unit, "file_usage")?;
        if !instrument.is_published() {
            return Err(Error::InvalidState {
                entity: Entity::Instrument,
                id: report.instrument.to_string(),
                state: "unpublished".to_owned(),
                action: "file_usage".to_owned(),
            });
        }
        report.validate()?;
        self.reports.entry(report.instrument.clone()).or_default().insert(report.year, report.clone());
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(year: i32, samples: u64) -> UsageReport {
        UsageReport {
            instrument: InstrumentId::new("XJ-0001").unwrap(),
            year,
            operating_hours: Decimal::from(1200),
            effective_hours: Decimal::from(900),
            samples,
            external_income: Money::ZERO,
        }
    }

    #[test]
    fn report_years_stay_in_order() {
        let mut years = ReportYears::default();
        for (year, samples) in [(2024, 1), (2022, 2), (2023, 3), (2024, 4)] {
            years.insert(year, report(year, samples));
        }
        let order: Vec<(i32, u64)> = years.0.iter().map(|(year, report)| (*year, report.samples)).collect();
        assert_eq!(order, [(2022, 2), (2023, 3), (2024, 4)]);
        assert_eq!(years.get(2023).map(|r| r.samples), Some(3));
        assert_eq!(years.get(2021), None);
    }

    #[test]
    fn report_years_serialize_as_a_map() {
        let mut years = ReportYears::default();
        let mut map = BTreeMap::new();
        for year in [2025, 2021, 2023] {
            years.insert(year, report(year, 7));
            map.insert(year, report(year, 7));
        }
        let json = serde_json::to_string(&years).unwrap();
        assert_eq!(json, serde_json::to_string(&map).unwrap());
        assert!(json.starts_with(r#"{"2021":{"instrument":"XJ-0001","year":2021,"#), "{json}");
        assert_eq!(serde_json::from_str::<ReportYears>(&json).unwrap(), years);
    }

    #[test]
    fn report_years_last_repeat_wins() {
        let first = serde_json::to_string(&report(2024, 1)).unwrap();
        let second = serde_json::to_string(&report(2024, 2)).unwrap();
        let json = format!(r#"{{"2024":{first},"2024":{second}}}"#);
        let years: ReportYears = serde_json::from_str(&json).unwrap();
        assert_eq!(years.0.len(), 1);
        assert_eq!(years.get(2024).map(|r| r.samples), Some(2));
    }
}

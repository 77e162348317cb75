//! Yearly usage reports per instrument (仪器设备使用情况).

use labshare::InstrumentId;
use labshare::usage as core;

use crate::convert::{decimal, integer, long, money, plain_decimal, plain_money};
use crate::errors::LabshareError;
use crate::types::PlainDecimal;

/// One published instrument's figures for one calendar year.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct UsageReport {
    /// Instrument id.
    pub instrument: String,
    /// Calendar year of the figures, 2000 to 2100.
    pub year: i32,
    /// Operating hours (开机时数), at most the hours of the year.
    pub operating_hours: PlainDecimal,
    /// Effective hours (有效机时: warm-up, measurement and necessary
    /// post-processing, idle time excluded); at most the operating hours.
    pub effective_hours: PlainDecimal,
    /// Samples tested (检测样品数), 0 or more.
    pub samples: i64,
    /// External service income (对外服务收入) in 元.
    pub external_income: PlainDecimal,
}

impl TryFrom<UsageReport> for core::UsageReport {
    type Error = LabshareError;

    fn try_from(report: UsageReport) -> Result<core::UsageReport, LabshareError> {
        Ok(core::UsageReport {
            instrument: InstrumentId::new(report.instrument)?,
            year: report.year,
            operating_hours: decimal("operating_hours", &report.operating_hours)?,
            effective_hours: decimal("effective_hours", &report.effective_hours)?,
            samples: integer("samples", report.samples)?,
            external_income: money("external_income", &report.external_income)?,
        })
    }
}

impl TryFrom<core::UsageReport> for UsageReport {
    type Error = LabshareError;

    fn try_from(report: core::UsageReport) -> Result<UsageReport, LabshareError> {
        Ok(UsageReport {
            instrument: report.instrument.to_string(),
            year: report.year,
            operating_hours: plain_decimal(report.operating_hours),
            effective_hours: plain_decimal(report.effective_hours),
            samples: long("samples", report.samples)?,
            external_income: plain_money(report.external_income),
        })
    }
}

/// Sums of usage figures over a set of instruments.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct UsageTotals {
    /// Instruments with a report.
    pub instruments: i64,
    /// Operating hours.
    pub operating_hours: PlainDecimal,
    /// Effective hours.
    pub effective_hours: PlainDecimal,
    /// Samples tested.
    pub samples: i64,
    /// External service income in 元.
    pub external_income: PlainDecimal,
}

impl TryFrom<core::UsageTotals> for UsageTotals {
    type Error = LabshareError;

    fn try_from(totals: core::UsageTotals) -> Result<UsageTotals, LabshareError> {
        Ok(UsageTotals {
            instruments: long("instruments", totals.instruments)?,
            operating_hours: plain_decimal(totals.operating_hours),
            effective_hours: plain_decimal(totals.effective_hours),
            samples: long("samples", totals.samples)?,
            external_income: plain_money(totals.external_income),
        })
    }
}

//! Usage reports and totals (`labshare.usage`).

use labshare::InstrumentId;
use labshare::usage::{UsageReport, UsageTotals};
use pyo3::prelude::*;
use pyo3::types::PyDict;

use super::object::PythonClass;
use super::{py_decimal, py_money};
use crate::errors::CoreError;

static USAGE_REPORT: PythonClass = PythonClass::new("labshare.usage", "UsageReport");
static USAGE_TOTALS: PythonClass = PythonClass::new("labshare.usage", "UsageTotals");

/// Converts a `labshare.UsageReport`. Hours must be `Decimal` or `int`, and
/// `samples` an `int` from 0; the year and the hours are checked against each
/// other by `Network.file_usage`.
pub fn usage_report(argument: &str, value: &Bound<'_, PyAny>) -> PyResult<UsageReport> {
    let fields = USAGE_REPORT.fields(argument, value)?;
    let instrument = InstrumentId::new(fields.text("instrument")?).map_err(CoreError::from)?;
    Ok(UsageReport {
        instrument,
        year: fields.integer("year")?,
        operating_hours: fields.decimal("operating_hours")?,
        effective_hours: fields.decimal("effective_hours")?,
        samples: fields.integer("samples")?,
        external_income: fields.money("external_income")?,
    })
}

/// Converts a report to a `labshare.UsageReport`.
pub fn py_usage_report<'py>(py: Python<'py>, report: &UsageReport) -> PyResult<Bound<'py, PyAny>> {
    let kwargs = PyDict::new(py);
    kwargs.set_item("instrument", report.instrument.as_str())?;
    kwargs.set_item("year", report.year)?;
    kwargs.set_item("operating_hours", py_decimal(py, report.operating_hours)?)?;
    kwargs.set_item("effective_hours", py_decimal(py, report.effective_hours)?)?;
    kwargs.set_item("samples", report.samples)?;
    kwargs.set_item("external_income", py_money(py, report.external_income)?)?;
    USAGE_REPORT.build(&kwargs)
}

/// Converts totals to a `labshare.UsageTotals`.
pub fn py_usage_totals<'py>(py: Python<'py>, totals: &UsageTotals) -> PyResult<Bound<'py, PyAny>> {
    let kwargs = PyDict::new(py);
    kwargs.set_item("instruments", totals.instruments)?;
    kwargs.set_item("operating_hours", py_decimal(py, totals.operating_hours)?)?;
    kwargs.set_item("effective_hours", py_decimal(py, totals.effective_hours)?)?;
    kwargs.set_item("samples", totals.samples)?;
    kwargs.set_item("external_income", py_money(py, totals.external_income)?)?;
    USAGE_TOTALS.build(&kwargs)
}

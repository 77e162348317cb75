//! Value bands, band tables, published figures and findings
//! (`labshare.statistics`).

use labshare::statistics::{
    Band, BandRow, BandTable, Finding, PublishedBand, PublishedInstrumentFigures,
};
use labshare::{Money, Text};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyTuple};

use super::object::PythonClass;
use super::py_money;
use crate::errors::CoreError;

static BAND: PythonClass = PythonClass::new("labshare.statistics", "Band");
static BAND_ROW: PythonClass = PythonClass::new("labshare.statistics", "BandRow");
static BAND_TABLE: PythonClass = PythonClass::new("labshare.statistics", "BandTable");
static PUBLISHED_BAND: PythonClass = PythonClass::new("labshare.statistics", "PublishedBand");
static PUBLISHED_FIGURES: PythonClass =
    PythonClass::new("labshare.statistics", "PublishedInstrumentFigures");
static FINDING: PythonClass = PythonClass::new("labshare.statistics", "Finding");
static LABELED_AMOUNT: PythonClass = PythonClass::new("labshare.statistics", "LabeledAmount");

/// Converts a `labshare.Band`.
pub fn band(argument: &str, value: &Bound<'_, PyAny>) -> PyResult<Band> {
    let fields = BAND.fields(argument, value)?;
    Ok(Band {
        lower: fields.money("lower")?,
        upper: fields.optional_money("upper")?,
    })
}

/// Converts a band to a `labshare.Band`.
pub fn py_band<'py>(py: Python<'py>, band: &Band) -> PyResult<Bound<'py, PyAny>> {
    let upper = band.upper.map(|upper| py_money(py, upper)).transpose()?;
    let kwargs = PyDict::new(py);
    kwargs.set_item("lower", py_money(py, band.lower)?)?;
    kwargs.set_item("upper", upper)?;
    BAND.build(&kwargs)
}

/// Converts a sequence of `Decimal` or `int` bounds, naming `field` in errors.
pub fn amounts(field: &str, value: &Bound<'_, PyAny>) -> PyResult<Vec<Money>> {
    let mut amounts = Vec::new();
    for item in value.try_iter()? {
        amounts.push(super::money(field, &item?)?);
    }
    Ok(amounts)
}

/// Converts a `labshare.BandTable`, such as one that `band_table` returned.
pub fn band_table(argument: &str, value: &Bound<'_, PyAny>) -> PyResult<BandTable> {
    let fields = BAND_TABLE.fields(argument, value)?;
    let mut rows = Vec::new();
    for row in fields.items("rows")? {
        let row_fields = BAND_ROW.fields("rows", &row)?;
        rows.push(BandRow {
            band: band("band", &row_fields.get("band")?)?,
            count: row_fields.integer("count")?,
            total_value: row_fields.money("total_value")?,
        });
    }
    Ok(BandTable {
        rows,
        total_count: fields.integer("total_count")?,
        total_value: fields.money("total_value")?,
    })
}

/// Converts a band table to a `labshare.BandTable`.
pub fn py_band_table<'py>(py: Python<'py>, table: &BandTable) -> PyResult<Bound<'py, PyAny>> {
    let mut rows = Vec::with_capacity(table.rows.len());
    for row in &table.rows {
        let kwargs = PyDict::new(py);
        kwargs.set_item("band", py_band(py, &row.band)?)?;
        kwargs.set_item("count", row.count)?;
        kwargs.set_item("total_value", py_money(py, row.total_value)?)?;
        rows.push(BAND_ROW.build(&kwargs)?);
    }
    let kwargs = PyDict::new(py);
    kwargs.set_item("rows", PyTuple::new(py, rows)?)?;
    kwargs.set_item("total_count", table.total_count)?;
    kwargs.set_item("total_value", py_money(py, table.total_value)?)?;
    BAND_TABLE.build(&kwargs)
}

/// Converts a `labshare.PublishedInstrumentFigures`.
pub fn published_figures(
    argument: &str,
    value: &Bound<'_, PyAny>,
) -> PyResult<PublishedInstrumentFigures> {
    let fields = PUBLISHED_FIGURES.fields(argument, value)?;
    let source = fields.text("source")?;
    let total_count = fields.count("total_count")?;
    let total_value = fields.money("total_value")?;
    let mut bands = Vec::new();
    let mut band_count = 0_u64;
    for published in fields.items("bands")? {
        let band_fields = PUBLISHED_BAND.fields("bands", &published)?;
        let published_count = band_fields.count("count")?;
        // Core sums the band counts unchecked.
        band_count = band_count.checked_add(published_count).ok_or_else(|| {
            CoreError::from(labshare::Error::overflow("sum of published band counts"))
        })?;
        bands.push(PublishedBand {
            band: band("band", &band_fields.get("band")?)?,
            count: published_count,
            total_value: band_fields.money("total_value")?,
        });
    }
    Ok(PublishedInstrumentFigures {
        source,
        total_count,
        total_value,
        bands,
    })
}

/// Converts findings to a tuple of `labshare.Finding`.
pub fn py_findings<'py>(py: Python<'py>, findings: &[Finding]) -> PyResult<Bound<'py, PyTuple>> {
    let mut items = Vec::with_capacity(findings.len());
    for finding in findings {
        let kwargs = PyDict::new(py);
        kwargs.set_item("code", &finding.code)?;
        kwargs.set_item("message_zh", &finding.message.zh)?;
        kwargs.set_item("message_en", &finding.message.en)?;
        items.push(FINDING.build(&kwargs)?);
    }
    PyTuple::new(py, items)
}

/// Converts a sequence of `labshare.LabeledAmount` to core's label and
/// amount pairs.
pub fn labeled_amounts(argument: &str, value: &Bound<'_, PyAny>) -> PyResult<Vec<(Text, Money)>> {
    let mut amounts = Vec::new();
    for item in value.try_iter()? {
        let item = item?;
        let fields = LABELED_AMOUNT.fields(argument, &item)?;
        let label = Text::new(fields.text("label_zh")?, fields.text("label_en")?);
        amounts.push((label, fields.money("amount")?));
    }
    Ok(amounts)
}

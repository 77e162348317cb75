//! Instruments by value band and consistency checks of published figures
//! (统计与数据一致性检查). Each function wraps the `labshare::statistics`
//! function of the same name.

use labshare::statistics::{self, ValueBands};
use pyo3::prelude::*;
use pyo3::types::PyTuple;

use crate::convert::statistics::{
    amounts, band, band_table as table_arg, labeled_amounts, published_figures, py_band_table,
    py_findings,
};
use crate::errors::CoreError;

/// Count ``values`` (original values in 元) into bands and sum them.
///
/// ``bounds`` are strictly ascending amounts above zero that cut the value
/// axis into half-open bands; ``None`` means 20万, 50万 and 100万 元. Returns a
/// ``BandTable`` with one more row than bounds. Raises ``InvalidInputError``
/// for a negative or inexact value (``invalid_amount``) or for bounds that are
/// not ascending (``invalid_value``).
#[pyfunction]
#[pyo3(signature = (values, bounds=None))]
pub fn band_table<'py>(
    py: Python<'py>,
    values: &Bound<'py, PyAny>,
    bounds: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    let values = amounts("values", values)?;
    let bands = match bounds {
        None => ValueBands::default(),
        Some(bounds) => ValueBands::new(amounts("bounds", bounds)?).map_err(CoreError::from)?,
    };
    let table = statistics::band_table(values, &bands).map_err(CoreError::from)?;
    py_band_table(py, &table)
}

/// Check published instrument figures (``PublishedInstrumentFigures``)
/// against each other and return the findings, empty if they fit.
///
/// Instruments outside every published band must lie in the value ranges no
/// published band covers. A finding with code ``band_residual_impossible``
/// reports when they cannot, and by how much.
#[pyfunction]
pub fn check_published<'py>(
    py: Python<'py>,
    figures: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyTuple>> {
    let figures = published_figures("figures", figures)?;
    py_findings(py, &statistics::check_published(&figures))
}

/// Compare published figures with a ``BandTable`` computed from records and
/// return one finding per total or band that differs.
#[pyfunction]
pub fn compare_with_records<'py>(
    py: Python<'py>,
    figures: &Bound<'py, PyAny>,
    table: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyTuple>> {
    let figures = published_figures("figures", figures)?;
    let table = table_arg("table", table)?;
    py_findings(py, &statistics::compare_with_records(&figures, &table))
}

/// Check a stated subsidy ratio, in percent to ``places`` decimals, against
/// ``amount ÷ audited_total`` for each ``LabeledAmount``.
///
/// Returns one finding (code ``stated_ratio_mismatch``) per amount whose ratio
/// does not round half-up to ``stated_percent``; none when ``audited_total``
/// is zero. Raises ``InvalidInputError`` (``invalid_value``) for ``places``
/// outside 0 to 28.
#[pyfunction]
pub fn check_stated_ratio<'py>(
    py: Python<'py>,
    stated_percent: &Bound<'py, PyAny>,
    places: &Bound<'py, PyAny>,
    audited_total: &Bound<'py, PyAny>,
    amounts: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyTuple>> {
    let stated_percent = crate::convert::decimal("stated_percent", stated_percent)?;
    let places = crate::convert::places(places)?;
    let audited_total = crate::convert::money("audited_total", audited_total)?;
    let amounts = labeled_amounts("amounts", amounts)?;
    let findings = statistics::check_stated_ratio(stated_percent, places, audited_total, &amounts);
    py_findings(py, &findings)
}

/// Return the label of a ``Band``, such as ``"20–50万元"``; ``Band.label()``
/// calls this.
#[pyfunction]
pub fn band_label(band: &Bound<'_, PyAny>) -> PyResult<String> {
    Ok(self::band("band", band)?.label())
}

//! Units, instrument records and instruments (`labshare.registry`).

use labshare::UnitId;
use labshare::registry::{
    CategoryCode, HistoryEntry, Instrument, InstrumentRecord, ReviewState, Unit,
};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyTuple};

use super::names::name_of;
use super::object::PythonClass;
use super::{py_instant, py_money};
use crate::errors::CoreError;

static UNIT: PythonClass = PythonClass::new("labshare.registry", "Unit");
static INSTRUMENT_RECORD: PythonClass = PythonClass::new("labshare.registry", "InstrumentRecord");
static HISTORY_ENTRY: PythonClass = PythonClass::new("labshare.registry", "HistoryEntry");
static INSTRUMENT: PythonClass = PythonClass::new("labshare.registry", "Instrument");

/// Converts a `labshare.Unit`. The unit id is checked here; name and region
/// are checked by `Network.register_unit`.
pub fn unit(argument: &str, value: &Bound<'_, PyAny>) -> PyResult<Unit> {
    let fields = UNIT.fields(argument, value)?;
    let id = UnitId::new(fields.text("id")?).map_err(CoreError::from)?;
    Ok(Unit {
        id,
        name: fields.text("name")?,
        kind: fields.name("kind")?,
        region: fields.text("region")?,
    })
}

/// Converts a unit to a `labshare.Unit`.
pub fn py_unit<'py>(py: Python<'py>, unit: &Unit) -> PyResult<Bound<'py, PyAny>> {
    let kwargs = PyDict::new(py);
    kwargs.set_item("id", unit.id.as_str())?;
    kwargs.set_item("name", &unit.name)?;
    kwargs.set_item("kind", name_of(unit.kind))?;
    kwargs.set_item("region", &unit.region)?;
    UNIT.build(&kwargs)
}

/// Converts a `labshare.InstrumentRecord` field by field, in declaration
/// order.
///
/// The original value and the category code are checked here, with core's
/// error codes (`invalid_amount` with field `original_value`, `invalid_value`
/// with field `category_code`). Lengths and the country code are checked by
/// the `Network` method that receives the record.
pub fn instrument_record(argument: &str, value: &Bound<'_, PyAny>) -> PyResult<InstrumentRecord> {
    let fields = INSTRUMENT_RECORD.fields(argument, value)?;
    let name = fields.text("name")?;
    let english_name = fields.text("english_name")?;
    let category_code =
        CategoryCode::new(&fields.text("category_code")?).map_err(CoreError::from)?;
    Ok(InstrumentRecord {
        name,
        english_name,
        category_code,
        source: fields.name("source")?,
        original_value: fields.money("original_value")?,
        country_of_origin: fields.text("country_of_origin")?,
        manufacturer: fields.text("manufacturer")?,
        model: fields.text("model")?,
        commissioning_date: fields.date("commissioning_date")?,
        specifications: fields.text("specifications")?,
        functions: fields.text("functions")?,
        disciplines: fields.texts("disciplines")?,
        service_content: fields.text("service_content")?,
        operating_status: fields.name("operating_status")?,
        sharing_mode: fields.name("sharing_mode")?,
        sharing_rules: fields.text("sharing_rules")?,
        fee_standard: fields.text("fee_standard")?,
        booking_url: fields.text("booking_url")?,
        location: fields.text("location")?,
        contact: fields.text("contact")?,
    })
}

/// Converts a record to a `labshare.InstrumentRecord`.
pub fn py_instrument_record<'py>(
    py: Python<'py>,
    record: &InstrumentRecord,
) -> PyResult<Bound<'py, PyAny>> {
    let kwargs = PyDict::new(py);
    kwargs.set_item("name", &record.name)?;
    kwargs.set_item("english_name", &record.english_name)?;
    kwargs.set_item("category_code", record.category_code.as_str())?;
    kwargs.set_item("source", name_of(record.source))?;
    kwargs.set_item("original_value", py_money(py, record.original_value)?)?;
    kwargs.set_item("country_of_origin", &record.country_of_origin)?;
    kwargs.set_item("manufacturer", &record.manufacturer)?;
    kwargs.set_item("model", &record.model)?;
    kwargs.set_item("commissioning_date", record.commissioning_date)?;
    kwargs.set_item("specifications", &record.specifications)?;
    kwargs.set_item("functions", &record.functions)?;
    kwargs.set_item("disciplines", PyTuple::new(py, &record.disciplines)?)?;
    kwargs.set_item("service_content", &record.service_content)?;
    kwargs.set_item("operating_status", name_of(record.operating_status))?;
    kwargs.set_item("sharing_mode", name_of(record.sharing_mode))?;
    kwargs.set_item("sharing_rules", &record.sharing_rules)?;
    kwargs.set_item("fee_standard", &record.fee_standard)?;
    kwargs.set_item("booking_url", &record.booking_url)?;
    kwargs.set_item("location", &record.location)?;
    kwargs.set_item("contact", &record.contact)?;
    INSTRUMENT_RECORD.build(&kwargs)
}

fn py_optional_record<'py>(
    py: Python<'py>,
    record: Option<&InstrumentRecord>,
) -> PyResult<Option<Bound<'py, PyAny>>> {
    record
        .map(|record| py_instrument_record(py, record))
        .transpose()
}

/// Returns the serde name of a review state, such as `revision_pending`, and
/// the office's reason for the two returned states.
fn state_parts(state: &ReviewState) -> (String, Option<&str>) {
    let name = match serde_json::to_value(state) {
        Ok(json) => json["state"].as_str().unwrap_or_default().to_owned(),
        Err(_) => String::new(),
    };
    let reason = match state {
        ReviewState::Returned { reason } | ReviewState::RevisionReturned { reason } => {
            Some(reason.as_str())
        }
        ReviewState::Submitted | ReviewState::Published | ReviewState::RevisionPending => None,
    };
    (name, reason)
}

fn py_history_entry<'py>(py: Python<'py>, entry: &HistoryEntry) -> PyResult<Bound<'py, PyAny>> {
    let kwargs = PyDict::new(py);
    kwargs.set_item("seq", entry.seq)?;
    kwargs.set_item("at", py_instant(py, entry.at)?)?;
    kwargs.set_item("actor", &entry.actor)?;
    kwargs.set_item("step", &entry.step)?;
    kwargs.set_item("reason", entry.reason.as_deref())?;
    HISTORY_ENTRY.build(&kwargs)
}

/// Converts an instrument to a `labshare.Instrument`.
pub fn py_instrument<'py>(py: Python<'py>, instrument: &Instrument) -> PyResult<Bound<'py, PyAny>> {
    let (state, return_reason) = state_parts(&instrument.state);
    let mut history = Vec::with_capacity(instrument.history.len());
    for entry in &instrument.history {
        history.push(py_history_entry(py, entry)?);
    }
    let first_published_at = instrument
        .first_published_at
        .map(|at| py_instant(py, at))
        .transpose()?;

    let kwargs = PyDict::new(py);
    kwargs.set_item("id", instrument.id.as_str())?;
    kwargs.set_item("unit", instrument.unit.as_str())?;
    kwargs.set_item("state", state)?;
    kwargs.set_item("return_reason", return_reason)?;
    kwargs.set_item(
        "published",
        py_optional_record(py, instrument.published.as_deref())?,
    )?;
    kwargs.set_item(
        "pending",
        py_optional_record(py, instrument.pending.as_deref())?,
    )?;
    kwargs.set_item("first_published_at", first_published_at)?;
    kwargs.set_item("history", PyTuple::new(py, history)?)?;
    INSTRUMENT.build(&kwargs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn state_parts_use_serde_names() {
        let returned = ReviewState::RevisionReturned {
            reason: "缺少指标".to_owned(),
        };
        assert_eq!(
            state_parts(&returned),
            ("revision_returned".to_owned(), Some("缺少指标"))
        );
        assert_eq!(
            state_parts(&ReviewState::RevisionPending),
            ("revision_pending".to_owned(), None)
        );
        assert_eq!(
            state_parts(&ReviewState::Submitted),
            ("submitted".to_owned(), None)
        );
    }
}

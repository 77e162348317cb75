//! Bookings and the working-day calendar (`labshare.booking`).
//!
//! Slot requests, receipts and local times are dataclasses. The larger
//! records (policies, profiles, blackouts, series requests, completions,
//! views, quotes and service records) cross as core's serde JSON text:
//! amounts in them are strings such as `"150.00"`, so they stay exact.

use chrono::{DateTime, Utc};
use labshare::booking::{BookingReceipt, SlotRequest};
use labshare::calendar::{LocalTime, MissingYear};
use labshare::{InstrumentId, Text};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyTuple};
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::object::PythonClass;
use super::{instant, py_instant};
use crate::errors::CoreError;

static SLOT_REQUEST: PythonClass = PythonClass::new("labshare.booking", "SlotRequest");
static RECEIPT: PythonClass = PythonClass::new("labshare.booking", "BookingReceipt");
static LOCAL_TIME: PythonClass = PythonClass::new("labshare.booking", "LocalTime");

/// Parses the JSON text of argument `field` as a core type.
///
/// Text that does not fit the type raises `InvalidInputError` (code
/// `invalid_value`) naming the argument and serde's reason; the values inside
/// are then checked by core with core's codes.
pub fn from_json<T: DeserializeOwned>(field: &str, text: &str) -> Result<T, CoreError> {
    serde_json::from_str(text).map_err(|error| {
        let expected = Text::new(
            format!("符合格式的 JSON：{error}"),
            format!("JSON of the documented shape: {error}"),
        );
        CoreError::from(labshare::Error::invalid_value(field, text, expected))
    })
}

/// Writes a core value as JSON text.
pub fn to_json<T: Serialize>(what: &str, value: &T) -> Result<String, CoreError> {
    // Booking values hold no maps with non-string keys and no serialisers
    // that fail, so this error is not expected in practice.
    serde_json::to_string(value).map_err(|error| {
        CoreError::from(labshare::Error::Corrupt {
            location: what.to_owned(),
            detail: Text::new(
                format!("无法写成 JSON：{error}"),
                format!("could not be written as JSON: {error}"),
            ),
        })
    })
}

/// Reads the handling of a year without holiday data: `"error"` (the
/// default) or `"weekdays_only"`.
pub fn missing_year(value: &str) -> Result<MissingYear, CoreError> {
    from_name("missing", value)
}

/// Converts a `labshare.SlotRequest`.
pub fn slot_request(argument: &str, value: &Bound<'_, PyAny>) -> PyResult<SlotRequest> {
    let fields = SLOT_REQUEST.fields(argument, value)?;
    let instrument = InstrumentId::new(fields.text("instrument")?).map_err(CoreError::from)?;
    Ok(SlotRequest {
        instrument,
        start: instant("start", &fields.get("start")?)?,
        end: instant("end", &fields.get("end")?)?,
        people: fields.integer("people")?,
        purpose: fields.text("purpose")?,
        voucher: fields.optional_text("voucher")?,
    })
}

/// Converts a receipt to a `labshare.BookingReceipt`; ids are plain ints.
pub fn py_receipt<'py>(py: Python<'py>, receipt: &BookingReceipt, event: String) -> PyResult<Bound<'py, PyAny>> {
    let kwargs = PyDict::new(py);
    kwargs.set_item("event", event)?;
    let bookings: Vec<u64> = receipt.bookings.iter().map(|id| id.0).collect();
    kwargs.set_item("bookings", PyTuple::new(py, bookings)?)?;
    kwargs.set_item("series", receipt.series.map(|id| id.0))?;
    kwargs.set_item("waitlist", receipt.waitlist.map(|id| id.0))?;
    RECEIPT.build(&kwargs)
}

/// Converts a local time to a `labshare.LocalTime`: the naive wall-clock
/// time, the zone name, the UTC offset and the instant it names.
pub fn py_local_time<'py>(py: Python<'py>, local: LocalTime, at: DateTime<Utc>) -> PyResult<Bound<'py, PyAny>> {
    let kwargs = PyDict::new(py);
    kwargs.set_item("local", local.local)?;
    kwargs.set_item("zone", local.zone.name())?;
    kwargs.set_item("offset", local.zone.offset_at(at))?;
    kwargs.set_item("instant", py_instant(py, at)?)?;
    LOCAL_TIME.build(&kwargs)
}

/// Reads a core enumeration from its serde name, such as `"external"` for a
/// user type, naming `field` in the error.
pub fn from_name<T: DeserializeOwned>(field: &str, name: &str) -> Result<T, CoreError> {
    serde_json::from_value(serde_json::Value::String(name.to_owned())).map_err(|error| {
        let expected = Text::new(format!("有效的名称：{error}"), format!("a known name: {error}"));
        CoreError::from(labshare::Error::invalid_value(field, name, expected))
    })
}

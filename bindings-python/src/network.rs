//! The network (协作共用网) as the Python class `labshare.Network`.
//!
//! The class follows the stateful-class pattern of this crate: `frozen`, with
//! the core network behind a `Mutex`, `&self` methods, and the GIL released
//! while core works. Two Python threads that change the network at the same
//! moment therefore take turns, and the second works on the state that the
//! first left. If both submit the same new instrument, one succeeds and the
//! other gets `ConflictError` (code `already_exists`).

use std::sync::{Mutex, MutexGuard, PoisonError};

use labshare::statistics::ValueBands;
use labshare::{Event, InstrumentId, Text, UnitId};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyString};

use crate::convert::access::actor;
use crate::convert::registry::{instrument_record, py_instrument, py_unit, unit};
use crate::convert::statistics::{amounts, py_band_table};
use crate::convert::usage::{py_usage_report, py_usage_totals, usage_report};
use crate::convert::{instant, integer};
use crate::errors::CoreError;

/// The core network and the events that built it.
///
/// `events` contains exactly the events applied to `network`, in order, so
/// `events.len() + 1 == network.next_seq()`.
pub(crate) struct State {
    pub(crate) network: labshare::Network,
    pub(crate) events: Vec<Event>,
}

/// The state of one instrument-sharing network, changed only through events.
///
/// Every method that changes state takes the acting ``Actor`` and the current
/// instant ``now`` (a timezone-aware ``datetime``), checks the actor's role and
/// the rules, and returns the recorded event as JSON text for the host to
/// store. A call that raises changes nothing. ``Network.replay(events)``
/// rebuilds an equal network from stored events.
///
/// The class is safe to share between threads: calls take turns.
#[pyclass(frozen, module = "labshare", name = "Network")]
pub struct Network {
    state: Mutex<State>,
}

/// Parses one stored event.
///
/// # Errors
///
/// [`labshare::Error::Corrupt`] naming the event's position (1-based) for text
/// that is not an event in JSON.
pub(crate) fn parse_event(position: usize, json: &str) -> Result<Event, labshare::Error> {
    serde_json::from_str(json).map_err(|error| labshare::Error::Corrupt {
        location: format!("event {position}"),
        detail: Text::new(
            format!("不是有效的事件 JSON：{error}"),
            format!("not a valid event in JSON: {error}"),
        ),
    })
}

/// Writes an event as JSON text, the form a host stores.
pub(crate) fn event_json(event: &Event) -> Result<String, labshare::Error> {
    // Every type in an event serialises to JSON without error (no maps with
    // non-string keys, no custom serialisers that fail), so this error
    // is not expected in practice.
    serde_json::to_string(event).map_err(|error| labshare::Error::Corrupt {
        location: format!("event {}", event.seq),
        detail: Text::new(
            format!("事件无法写成 JSON：{error}"),
            format!("the event could not be written as JSON: {error}"),
        ),
    })
}

fn event_texts(argument: &str, events: &Bound<'_, PyAny>) -> PyResult<Vec<Event>> {
    let mut parsed = Vec::new();
    for (index, item) in events.try_iter()?.enumerate() {
        let item = item?;
        let Ok(text) = item.cast::<PyString>() else {
            return Err(PyTypeError::new_err(format!(
                "expected str (an event in JSON) for {argument}[{index}]"
            )));
        };
        parsed.push(parse_event(index + 1, text.to_str()?).map_err(CoreError::from)?);
    }
    Ok(parsed)
}

fn year(value: &Bound<'_, PyAny>) -> PyResult<i32> {
    integer("year", value)
}

impl Network {
    pub(crate) fn wrap(state: State) -> Network {
        Network {
            state: Mutex::new(state),
        }
    }

    /// Locks the state. A poisoned lock is taken over: core checks every
    /// change before it mutates anything, so a panic inside a call cannot
    /// have left the state half-changed.
    pub(crate) fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Runs one change with the GIL released, records its event and returns
    /// the event as JSON text.
    pub(crate) fn change<F>(&self, py: Python<'_>, change: F) -> Result<String, CoreError>
    where
        F: FnOnce(&mut labshare::Network) -> labshare::Result<Event> + Send,
    {
        py.detach(|| {
            let mut state = self.lock();
            let event = change(&mut state.network)?;
            let json = event_json(&event);
            state.events.push(event);
            Ok(json?)
        })
    }

    /// Runs `read` on the core network with the GIL released.
    pub(crate) fn read<T: Send>(
        &self,
        py: Python<'_>,
        read: impl FnOnce(&labshare::Network) -> T + Send,
    ) -> T {
        py.detach(|| read(&self.lock().network))
    }
}

#[pymethods]
impl Network {
    /// Create an empty network.
    #[new]
    fn new() -> Network {
        Network::wrap(State {
            network: labshare::Network::new(),
            events: Vec::new(),
        })
    }

    /// Rebuild a network from stored events, given as JSON text in order.
    ///
    /// Every event is checked again as when it was first made. Raises
    /// ``IntegrityError`` (code ``corrupt``) for text that is not an event or
    /// for a gap in the sequence numbers, and the error of the first event
    /// that the rules reject.
    #[staticmethod]
    fn replay(py: Python<'_>, events: &Bound<'_, PyAny>) -> PyResult<Network> {
        let events = event_texts("events", events)?;
        let network = py
            .detach(|| labshare::Network::replay(&events))
            .map_err(CoreError::from)?;
        Ok(Network::wrap(State { network, events }))
    }

    /// Apply one stored event (JSON text), which must be the next in sequence.
    ///
    /// Raises ``IntegrityError`` (code ``corrupt``) for text that is not an
    /// event or for an event out of sequence, and the error of the rule that
    /// rejects it otherwise. Nothing changes when it raises.
    fn apply(&self, py: Python<'_>, event: &str) -> PyResult<()> {
        let event = parse_event(1, event).map_err(CoreError::from)?;
        py.detach(|| {
            let mut state = self.lock();
            state.network.apply(&event)?;
            state.events.push(event);
            Ok::<(), labshare::Error>(())
        })
        .map_err(CoreError::from)?;
        Ok(())
    }

    /// Sequence number that the next event will get; events are numbered 1, 2, 3, ….
    #[getter]
    fn next_seq(&self, py: Python<'_>) -> u64 {
        self.read(py, labshare::Network::next_seq)
    }

    /// Return every event applied so far, oldest first, as JSON text.
    fn events(&self, py: Python<'_>) -> Result<Vec<String>, CoreError> {
        let events = py.detach(|| self.lock().events.clone());
        Ok(events.iter().map(event_json).collect::<Result<_, _>>()?)
    }

    /// Return the whole state as JSON text, for comparing two networks and
    /// for debugging. Its layout may change between versions: store the
    /// events, not this.
    fn state_json(&self, py: Python<'_>) -> Result<String, CoreError> {
        let json = self.read(py, serde_json::to_string);
        Ok(json.map_err(|error| labshare::Error::Corrupt {
            location: "network state".to_owned(),
            detail: Text::new(
                format!("状态无法写成 JSON：{error}"),
                format!("the state could not be written as JSON: {error}"),
            ),
        })?)
    }

    /// Register a member unit. Office only.
    ///
    /// Raises ``PermissionDeniedError`` for anyone but the office,
    /// ``ConflictError`` (``already_exists``) for a known id and
    /// ``InvalidInputError`` for an empty or over-long name.
    fn register_unit(
        &self,
        py: Python<'_>,
        actor: &Bound<'_, PyAny>,
        now: &Bound<'_, PyAny>,
        unit: &Bound<'_, PyAny>,
    ) -> PyResult<String> {
        let actor = self::actor("actor", actor)?;
        let now = instant("now", now)?;
        let unit = self::unit("unit", unit)?;
        Ok(self.change(py, |network| network.register_unit(&actor, now, unit))?)
    }

    /// Submit a new instrument of ``unit`` for review.
    ///
    /// Raises ``NotFoundError`` for an unknown unit, ``PermissionDeniedError``
    /// unless the actor administers ``unit`` or is office staff,
    /// ``ConflictError`` (``already_exists``) for a known instrument id, and
    /// ``InvalidInputError`` for a record that breaks the national field
    /// limits.
    fn submit_instrument(
        &self,
        py: Python<'_>,
        actor: &Bound<'_, PyAny>,
        now: &Bound<'_, PyAny>,
        instrument: &str,
        unit: &str,
        record: &Bound<'_, PyAny>,
    ) -> PyResult<String> {
        let actor = self::actor("actor", actor)?;
        let now = instant("now", now)?;
        let instrument = InstrumentId::new(instrument).map_err(CoreError::from)?;
        let unit = UnitId::new(unit).map_err(CoreError::from)?;
        let record = instrument_record("record", record)?;
        Ok(self.change(py, |network| {
            network.submit_instrument(&actor, now, instrument, unit, record)
        })?)
    }

    /// Revise an instrument: resubmit a returned one, or propose a revision of
    /// a published one, whose published version stays visible until the
    /// office approves the revision.
    ///
    /// Raises ``NotFoundError``, ``PermissionDeniedError`` unless the actor
    /// administers the owning unit or is office staff, and
    /// ``InvalidInputError`` for a record that breaks the national field
    /// limits.
    fn revise_instrument(
        &self,
        py: Python<'_>,
        actor: &Bound<'_, PyAny>,
        now: &Bound<'_, PyAny>,
        instrument: &str,
        record: &Bound<'_, PyAny>,
    ) -> PyResult<String> {
        let actor = self::actor("actor", actor)?;
        let now = instant("now", now)?;
        let instrument = InstrumentId::new(instrument).map_err(CoreError::from)?;
        let record = instrument_record("record", record)?;
        Ok(self.change(py, |network| {
            network.revise_instrument(&actor, now, instrument, record)
        })?)
    }

    /// Publish the pending version of an instrument. Office only.
    ///
    /// Raises ``PermissionDeniedError`` for anyone but the office,
    /// ``NotFoundError``, or ``ConflictError`` (``invalid_state``) when
    /// nothing waits for review.
    fn publish_instrument(
        &self,
        py: Python<'_>,
        actor: &Bound<'_, PyAny>,
        now: &Bound<'_, PyAny>,
        instrument: &str,
    ) -> PyResult<String> {
        let actor = self::actor("actor", actor)?;
        let now = instant("now", now)?;
        let instrument = InstrumentId::new(instrument).map_err(CoreError::from)?;
        Ok(self.change(py, |network| {
            network.publish_instrument(&actor, now, instrument)
        })?)
    }

    /// Return the pending version of an instrument to its unit with a reason.
    /// Office only.
    ///
    /// Raises as ``publish_instrument`` does, and ``InvalidInputError``
    /// (``missing``) for an empty reason.
    fn return_instrument(
        &self,
        py: Python<'_>,
        actor: &Bound<'_, PyAny>,
        now: &Bound<'_, PyAny>,
        instrument: &str,
        reason: &str,
    ) -> PyResult<String> {
        let actor = self::actor("actor", actor)?;
        let now = instant("now", now)?;
        let instrument = InstrumentId::new(instrument).map_err(CoreError::from)?;
        Ok(self.change(py, |network| {
            network.return_instrument(&actor, now, instrument, reason)
        })?)
    }

    /// File (or refile, replacing) a yearly usage report of a published
    /// instrument.
    ///
    /// Raises ``NotFoundError``, ``PermissionDeniedError`` unless the actor
    /// administers the owning unit or is office staff, and ``ConflictError``
    /// (``invalid_state``) for an unpublished instrument. Raises
    /// ``InvalidInputError`` for a year outside 2000–2100, negative hours,
    /// more hours than the year has, or effective hours above operating hours.
    fn file_usage(
        &self,
        py: Python<'_>,
        actor: &Bound<'_, PyAny>,
        now: &Bound<'_, PyAny>,
        report: &Bound<'_, PyAny>,
    ) -> PyResult<String> {
        let actor = self::actor("actor", actor)?;
        let now = instant("now", now)?;
        let report = usage_report("report", report)?;
        Ok(self.change(py, |network| network.file_usage(&actor, now, report))?)
    }

    /// Return the member unit with id ``id``; raises ``NotFoundError`` if none.
    fn unit<'py>(&self, py: Python<'py>, id: &str) -> PyResult<Bound<'py, PyAny>> {
        let id = UnitId::new(id).map_err(CoreError::from)?;
        let found = self.read(py, |network| network.registry().unit(&id).cloned());
        py_unit(py, &found.map_err(CoreError::from)?)
    }

    /// Return the instrument with id ``id``, with its review state, versions
    /// and history; raises ``NotFoundError`` if none.
    fn instrument<'py>(&self, py: Python<'py>, id: &str) -> PyResult<Bound<'py, PyAny>> {
        let id = InstrumentId::new(id).map_err(CoreError::from)?;
        let found = self.read(py, |network| network.registry().instrument(&id).cloned());
        py_instrument(py, &found.map_err(CoreError::from)?)
    }

    /// Return every member unit, in id order.
    fn units<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let units: Vec<_> = self.read(py, |network| network.registry().units().cloned().collect());
        let items = units
            .iter()
            .map(|unit| py_unit(py, unit))
            .collect::<PyResult<Vec<_>>>()?;
        PyList::new(py, items)
    }

    /// Return every instrument, in id order, whatever its review state.
    fn instruments<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let instruments: Vec<_> = self.read(py, |network| {
            network.registry().instruments().cloned().collect()
        });
        let items = instruments
            .iter()
            .map(|instrument| py_instrument(py, instrument))
            .collect::<PyResult<Vec<_>>>()?;
        PyList::new(py, items)
    }

    /// Return the usage report of ``instrument`` for ``year``, or ``None`` if
    /// none was filed.
    fn usage_report<'py>(
        &self,
        py: Python<'py>,
        instrument: &str,
        year: &Bound<'py, PyAny>,
    ) -> PyResult<Option<Bound<'py, PyAny>>> {
        let instrument = InstrumentId::new(instrument).map_err(CoreError::from)?;
        let year = self::year(year)?;
        let report = self.read(py, |network| {
            network.usage().report(&instrument, year).cloned()
        });
        report
            .map(|report| py_usage_report(py, &report))
            .transpose()
    }

    /// Return every usage report for ``year``, in instrument id order.
    fn usage_reports<'py>(
        &self,
        py: Python<'py>,
        year: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyList>> {
        let year = self::year(year)?;
        let reports: Vec<_> = self.read(py, |network| {
            network.usage().reports_for_year(year).cloned().collect()
        });
        let items = reports
            .iter()
            .map(|report| py_usage_report(py, report))
            .collect::<PyResult<Vec<_>>>()?;
        PyList::new(py, items)
    }

    /// Sum the usage reports of ``year`` per owning unit, keyed by unit id.
    ///
    /// Units without a report for the year are absent. Raises
    /// ``InvalidInputError`` (``overflow``) if a sum leaves its range.
    fn usage_totals_by_unit<'py>(
        &self,
        py: Python<'py>,
        year: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyDict>> {
        let year = self::year(year)?;
        let totals = self.read(py, |network| {
            network.usage().totals_by_unit(network.registry(), year)
        });
        let dict = PyDict::new(py);
        for (unit, totals) in totals.map_err(CoreError::from)? {
            dict.set_item(unit.as_str(), py_usage_totals(py, &totals)?)?;
        }
        Ok(dict)
    }

    /// Sum the usage reports of ``year`` over the whole network.
    ///
    /// Raises ``InvalidInputError`` (``overflow``) if a sum leaves its range.
    fn network_usage_totals<'py>(
        &self,
        py: Python<'py>,
        year: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let year = self::year(year)?;
        let totals = self.read(py, |network| network.usage().network_totals(year));
        py_usage_totals(py, &totals.map_err(CoreError::from)?)
    }

    /// Count published instruments and sum their original values by band.
    ///
    /// ``bounds`` are strictly ascending amounts in 元 above zero that cut
    /// the value axis into bands; ``None`` means 20万, 50万 and 100万 元.
    /// Raises ``InvalidInputError`` for bounds that are not ascending.
    #[pyo3(signature = (bounds=None))]
    fn value_band_table<'py>(
        &self,
        py: Python<'py>,
        bounds: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let bands = match bounds {
            None => ValueBands::default(),
            Some(bounds) => ValueBands::new(amounts("bounds", bounds)?).map_err(CoreError::from)?,
        };
        let table = self.read(py, |network| network.value_band_table(&bands));
        py_band_table(py, &table.map_err(CoreError::from)?)
    }

    /// Networks are equal when their states are equal, as after a replay.
    fn __eq__(&self, py: Python<'_>, other: &Bound<'_, Network>) -> bool {
        let other = other.get();
        if std::ptr::eq(self, other) {
            return true;
        }
        // Copy one state before locking the other, so that two threads that
        // compare the same pair in opposite order cannot deadlock.
        py.detach(|| {
            let mine = self.lock().network.clone();
            mine == other.lock().network
        })
    }

    fn __repr__(&self, py: Python<'_>) -> String {
        let (next_seq, units, instruments) = self.read(py, |network| {
            let registry = network.registry();
            (
                network.next_seq(),
                registry.units().count(),
                registry.instruments().count(),
            )
        });
        format!("Network(next_seq={next_seq}, units={units}, instruments={instruments})")
    }
}

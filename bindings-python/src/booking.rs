//! The booking engine (预约) and the working-day calendar (工作日历) for
//! Python: the `Calendar` class, the zone functions `local_time` and
//! `local_to_utc`, and the booking methods of `Network`.
//!
//! Every method converts its arguments, calls core with the GIL released and
//! converts the result. Changes return a `BookingReceipt` (or the event as
//! JSON text for settings); queries return core's serde JSON text for records
//! that have many fields, in which amounts are strings and stay exact.

use std::sync::{Mutex, MutexGuard, PoisonError};

use chrono::NaiveDate;
use labshare::booking::{
    AvailabilityQuery, Blackout, BookingId, BookingPolicy, BookingProfile, BookingReceipt, Completion, SampleRequest,
    SeriesEdit, SeriesId, SeriesRequest, UserType, WaitlistId,
};
use labshare::calendar::{self, LocalTime, Zone};
use labshare::InstrumentId;
use pyo3::prelude::*;

use crate::convert::access::actor as to_actor;
use crate::convert::booking::{from_json, from_name, missing_year, py_local_time, py_receipt, slot_request, to_json};
use crate::convert::{date, instant, py_instant};
use crate::errors::CoreError;
use crate::network::{Network, event_json};

/// A working-day calendar (工作日历): the official holiday and make-up
/// working-day list of the State Council, year by year.
///
/// ``Calendar.official()`` holds the compiled years; ``load_year`` adds a
/// newer year from the JSON bytes of a holiday file of the same shape. The
/// ``missing`` argument of the day functions chooses what happens for a year
/// without data: ``"error"`` (the default) raises ``ConflictError`` with code
/// ``rule_violation`` and rule ``calendar.year_not_loaded``,
/// ``"weekdays_only"`` counts Monday to Friday and ignores holidays.
#[pyclass(frozen, module = "labshare", name = "Calendar")]
pub struct Calendar {
    inner: Mutex<calendar::Calendar>,
}

impl Calendar {
    fn lock(&self) -> MutexGuard<'_, calendar::Calendar> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

#[pymethods]
impl Calendar {
    /// Creates a calendar with no years; every date needs ``missing="weekdays_only"``
    /// until a year is loaded.
    #[staticmethod]
    fn empty() -> Calendar {
        Calendar { inner: Mutex::new(calendar::Calendar::empty()) }
    }

    /// Returns the calendar with every compiled official year.
    #[staticmethod]
    fn official() -> Result<Calendar, CoreError> {
        Ok(Calendar { inner: Mutex::new(calendar::Calendar::official()?) })
    }

    /// Adds or replaces one year from a holiday file in JSON (``bytes``) and
    /// returns the year.
    fn load_year(&self, data: &[u8]) -> Result<i32, CoreError> {
        Ok(self.lock().load_year(data)?)
    }

    /// Returns the years the calendar contains, in order.
    fn years(&self) -> Vec<i32> {
        self.lock().years()
    }

    /// Returns whether the calendar contains data for ``year``.
    fn covers(&self, year: i32) -> bool {
        self.lock().covers(year)
    }

    /// The kind of ``day`` as JSON text, such as ``{"kind":"holiday","name":"国庆节"}``.
    #[pyo3(signature = (day, missing = "error"))]
    fn day_kind(&self, day: &Bound<'_, PyAny>, missing: &str) -> PyResult<String> {
        let (day, missing) = (date("day", day)?, missing_year(missing)?);
        let kind = self.lock().day_kind(day, missing).map_err(CoreError::from)?;
        Ok(to_json("day kind", &kind)?)
    }

    /// Returns whether ``day`` is a working day.
    #[pyo3(signature = (day, missing = "error"))]
    fn is_working_day(&self, day: &Bound<'_, PyAny>, missing: &str) -> PyResult<bool> {
        let (day, missing) = (date("day", day)?, missing_year(missing)?);
        Ok(self.lock().is_working_day(day, missing).map_err(CoreError::from)?)
    }

    /// The ``n``-th working day after ``day`` (``day`` itself for 0).
    #[pyo3(signature = (day, n, missing = "error"))]
    fn add_working_days(&self, day: &Bound<'_, PyAny>, n: u32, missing: &str) -> PyResult<NaiveDate> {
        let (day, missing) = (date("day", day)?, missing_year(missing)?);
        Ok(self.lock().add_working_days(day, n, missing).map_err(CoreError::from)?)
    }

    /// Working days in ``[start, end)``.
    #[pyo3(signature = (start, end, missing = "error"))]
    fn working_days_between(&self, start: &Bound<'_, PyAny>, end: &Bound<'_, PyAny>, missing: &str) -> PyResult<u32> {
        let (start, end, missing) = (date("start", start)?, date("end", end)?, missing_year(missing)?);
        Ok(self.lock().working_days_between(start, end, missing).map_err(CoreError::from)?)
    }

    /// The instant ``n`` working days after ``start`` on the official
    /// (Asia/Shanghai) clock, as a UTC ``datetime``.
    #[pyo3(signature = (start, n, missing = "error"))]
    fn working_day_deadline<'py>(&self, py: Python<'py>, start: &Bound<'py, PyAny>, n: u32, missing: &str) -> PyResult<Bound<'py, PyAny>> {
        let (start, missing) = (instant("start", start)?, missing_year(missing)?);
        let deadline = self.lock().working_day_deadline(start, n, missing).map_err(CoreError::from)?;
        py_instant(py, deadline)
    }

    fn __repr__(&self) -> String {
        format!("Calendar(years={:?})", self.lock().years())
    }
}

/// ``at`` on the clock of ``zone`` (an IANA name such as ``"Asia/Urumqi"``)
/// as a ``LocalTime``.
#[pyfunction]
pub fn local_time<'py>(py: Python<'py>, at: &Bound<'py, PyAny>, zone: &str) -> PyResult<Bound<'py, PyAny>> {
    let at = instant("at", at)?;
    let zone = Zone::parse(zone).map_err(CoreError::from)?;
    py_local_time(py, zone.local(at), at)
}

/// The UTC instant of the wall-clock time ``local`` (text such as
/// ``"2025-10-09 10:00"``) in ``zone``. A time that a daylight-saving change
/// skips or repeats raises ``InvalidInputError``.
#[pyfunction]
pub fn local_to_utc<'py>(py: Python<'py>, local: &str, zone: &str) -> PyResult<Bound<'py, PyAny>> {
    let utc = LocalTime::parse(local, zone).and_then(LocalTime::to_utc).map_err(CoreError::from)?;
    py_instant(py, utc)
}

fn instrument_id(value: &str) -> Result<InstrumentId, CoreError> {
    Ok(InstrumentId::new(value)?)
}

impl Network {
    /// Runs one booking change with the GIL released, records its event and
    /// returns the receipt.
    fn book<'py, F>(&self, py: Python<'py>, change: F) -> PyResult<Bound<'py, PyAny>>
    where
        F: FnOnce(&mut labshare::Network) -> labshare::Result<BookingReceipt> + Send,
    {
        let (receipt, json) = py.detach(|| -> Result<_, CoreError> {
            let mut state = self.lock();
            let receipt = change(&mut state.network)?;
            let json = event_json(&receipt.event);
            state.events.push(receipt.event.clone());
            Ok((receipt, json?))
        })?;
        py_receipt(py, &receipt, json)
    }

    /// Runs a query on the booking book with the GIL released and writes its
    /// result as JSON text.
    fn query<T: serde::Serialize + Send>(
        &self,
        py: Python<'_>,
        what: &str,
        read: impl FnOnce(&labshare::Network) -> labshare::Result<T> + Send,
    ) -> Result<String, CoreError> {
        let value = self.read(py, read)?;
        to_json(what, &value)
    }
}

#[pymethods]
impl Network {
    /// Loads one year's holiday file (JSON text, the shape of the compiled
    /// ones) into the network's calendar. Office only. Returns the event.
    fn load_calendar_year(&self, py: Python<'_>, actor: &Bound<'_, PyAny>, now: &Bound<'_, PyAny>, data: &str) -> PyResult<String> {
        let (who, now) = (to_actor("actor", actor)?, instant("now", now)?);
        let data = data.to_owned();
        Ok(self.change(py, move |network| network.load_calendar_year(&who, now, &data))?)
    }

    /// Returns a copy of the network's calendar.
    fn calendar(&self, py: Python<'_>) -> Calendar {
        let copy = self.read(py, |network| network.booking().calendar().clone());
        Calendar { inner: Mutex::new(copy) }
    }

    /// Sets an instrument's zone and test items from a ``BookingProfile`` in
    /// JSON, such as ``{"zone": "Asia/Urumqi", "test_items": ["XRD"]}``.
    /// Owner or office. Returns the event.
    fn set_booking_profile(&self, py: Python<'_>, actor: &Bound<'_, PyAny>, now: &Bound<'_, PyAny>, instrument: &str, profile: &str) -> PyResult<String> {
        let (who, now) = (to_actor("actor", actor)?, instant("now", now)?);
        let (instrument, profile) = (instrument_id(instrument)?, from_json::<BookingProfile>("profile", profile)?);
        Ok(self.change(py, move |network| network.set_booking_profile(&who, now, instrument, profile))?)
    }

    /// Sets the booking policy (JSON text of a ``BookingPolicy``; fee rates
    /// are amount strings) that governs bookings starting from
    /// ``effective_from``. Owner or office. Returns the event.
    fn set_booking_policy(
        &self,
        py: Python<'_>,
        actor: &Bound<'_, PyAny>,
        now: &Bound<'_, PyAny>,
        instrument: &str,
        effective_from: &Bound<'_, PyAny>,
        policy: &str,
    ) -> PyResult<String> {
        let (who, now, from) = (to_actor("actor", actor)?, instant("now", now)?, instant("effective_from", effective_from)?);
        let (instrument, policy) = (instrument_id(instrument)?, from_json::<BookingPolicy>("policy", policy)?);
        Ok(self.change(py, move |network| network.set_booking_policy(&who, now, instrument, from, policy))?)
    }

    /// Adds a blackout (JSON text of a ``Blackout``). Returns the event.
    fn add_blackout(&self, py: Python<'_>, actor: &Bound<'_, PyAny>, now: &Bound<'_, PyAny>, instrument: &str, blackout: &str) -> PyResult<String> {
        let (who, now) = (to_actor("actor", actor)?, instant("now", now)?);
        let (instrument, blackout) = (instrument_id(instrument)?, from_json::<Blackout>("blackout", blackout)?);
        Ok(self.change(py, move |network| network.add_blackout(&who, now, instrument, blackout))?)
    }

    /// Removes the blackout with id ``blackout``. Returns the event.
    fn remove_blackout(&self, py: Python<'_>, actor: &Bound<'_, PyAny>, now: &Bound<'_, PyAny>, instrument: &str, blackout: &str) -> PyResult<String> {
        let (who, now, instrument) = (to_actor("actor", actor)?, instant("now", now)?, instrument_id(instrument)?);
        let blackout = blackout.to_owned();
        Ok(self.change(py, move |network| network.remove_blackout(&who, now, instrument, &blackout))?)
    }

    /// Records that ``user`` was trained on ``instrument``, valid through
    /// ``valid_until`` (a ``date``, or ``None`` for no end). Returns the event.
    #[pyo3(signature = (actor, now, instrument, user, valid_until = None))]
    fn grant_training(
        &self,
        py: Python<'_>,
        actor: &Bound<'_, PyAny>,
        now: &Bound<'_, PyAny>,
        instrument: &str,
        user: &str,
        valid_until: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<String> {
        let (who, now, instrument) = (to_actor("actor", actor)?, instant("now", now)?, instrument_id(instrument)?);
        let valid_until = valid_until.map(|value| date("valid_until", value)).transpose()?;
        let user = user.to_owned();
        Ok(self.change(py, move |network| network.grant_training(&who, now, instrument, &user, valid_until))?)
    }

    /// Withdraws a training record. Returns the event.
    fn revoke_training(&self, py: Python<'_>, actor: &Bound<'_, PyAny>, now: &Bound<'_, PyAny>, instrument: &str, user: &str) -> PyResult<String> {
        let (who, now, instrument) = (to_actor("actor", actor)?, instant("now", now)?, instrument_id(instrument)?);
        let user = user.to_owned();
        Ok(self.change(py, move |network| network.revoke_training(&who, now, instrument, &user))?)
    }

    /// Requests one slot (a ``SlotRequest``). Of two threads that request the
    /// same free slot at once, one gets the receipt and the other
    /// ``ConflictError`` (rule ``booking.conflict``).
    fn request_booking<'py>(&self, py: Python<'py>, actor: &Bound<'py, PyAny>, now: &Bound<'py, PyAny>, request: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
        let (who, now, request) = (to_actor("actor", actor)?, instant("now", now)?, slot_request("request", request)?);
        self.book(py, move |network| network.request_booking(&who, now, request))
    }

    /// Requests a recurring booking (JSON text of a ``SeriesRequest``, with
    /// ``"on_conflict": "skip"`` or ``"reject"``).
    fn request_series<'py>(&self, py: Python<'py>, actor: &Bound<'py, PyAny>, now: &Bound<'py, PyAny>, request: &str) -> PyResult<Bound<'py, PyAny>> {
        let (who, now) = (to_actor("actor", actor)?, instant("now", now)?);
        let request = from_json::<SeriesRequest>("request", request)?;
        self.book(py, move |network| network.request_series(&who, now, request))
    }

    /// Requests a sample test without a slot (JSON text of a ``SampleRequest``).
    fn request_samples<'py>(&self, py: Python<'py>, actor: &Bound<'py, PyAny>, now: &Bound<'py, PyAny>, request: &str) -> PyResult<Bound<'py, PyAny>> {
        let (who, now) = (to_actor("actor", actor)?, instant("now", now)?);
        let request = from_json::<SampleRequest>("request", request)?;
        self.book(py, move |network| network.request_samples(&who, now, request))
    }

    /// Confirms a requested booking. Owner or office.
    fn confirm_booking<'py>(&self, py: Python<'py>, actor: &Bound<'py, PyAny>, now: &Bound<'py, PyAny>, booking: u64) -> PyResult<Bound<'py, PyAny>> {
        let (who, now) = (to_actor("actor", actor)?, instant("now", now)?);
        self.book(py, move |network| network.confirm_booking(&who, now, BookingId(booking)))
    }

    /// Rejects a requested booking with a reason. Owner or office.
    fn reject_booking<'py>(&self, py: Python<'py>, actor: &Bound<'py, PyAny>, now: &Bound<'py, PyAny>, booking: u64, reason: &str) -> PyResult<Bound<'py, PyAny>> {
        let (who, now, reason) = (to_actor("actor", actor)?, instant("now", now)?, reason.to_owned());
        self.book(py, move |network| network.reject_booking(&who, now, BookingId(booking), &reason))
    }

    /// Cancels a booking: by its user before the cutoff, or by the owner with a reason.
    #[pyo3(signature = (actor, now, booking, reason = None))]
    fn cancel_booking<'py>(&self, py: Python<'py>, actor: &Bound<'py, PyAny>, now: &Bound<'py, PyAny>, booking: u64, reason: Option<String>) -> PyResult<Bound<'py, PyAny>> {
        let (who, now) = (to_actor("actor", actor)?, instant("now", now)?);
        self.book(py, move |network| network.cancel_booking(&who, now, BookingId(booking), reason.as_deref()))
    }

    /// Moves, shortens or extends a booking to ``[start, end)``.
    fn reschedule_booking<'py>(
        &self,
        py: Python<'py>,
        actor: &Bound<'py, PyAny>,
        now: &Bound<'py, PyAny>,
        booking: u64,
        start: &Bound<'py, PyAny>,
        end: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let (who, now) = (to_actor("actor", actor)?, instant("now", now)?);
        let (start, end) = (instant("start", start)?, instant("end", end)?);
        self.book(py, move |network| network.reschedule_booking(&who, now, BookingId(booking), start, end))
    }

    /// Moves the future occurrences of a series (JSON text of a
    /// ``SeriesEdit``: ``{"start_time": "09:00", "duration_minutes": 120}``).
    fn edit_series<'py>(&self, py: Python<'py>, actor: &Bound<'py, PyAny>, now: &Bound<'py, PyAny>, series: u64, edit: &str) -> PyResult<Bound<'py, PyAny>> {
        let (who, now) = (to_actor("actor", actor)?, instant("now", now)?);
        let edit = from_json::<SeriesEdit>("edit", edit)?;
        self.book(py, move |network| network.edit_series(&who, now, SeriesId(series), edit))
    }

    /// Cancels the future occurrences of a series.
    #[pyo3(signature = (actor, now, series, reason = None))]
    fn cancel_series<'py>(&self, py: Python<'py>, actor: &Bound<'py, PyAny>, now: &Bound<'py, PyAny>, series: u64, reason: Option<String>) -> PyResult<Bound<'py, PyAny>> {
        let (who, now) = (to_actor("actor", actor)?, instant("now", now)?);
        self.book(py, move |network| network.cancel_series(&who, now, SeriesId(series), reason.as_deref()))
    }

    /// Checks the user in.
    fn check_in<'py>(&self, py: Python<'py>, actor: &Bound<'py, PyAny>, now: &Bound<'py, PyAny>, booking: u64) -> PyResult<Bound<'py, PyAny>> {
        let (who, now) = (to_actor("actor", actor)?, instant("now", now)?);
        self.book(py, move |network| network.check_in(&who, now, BookingId(booking)))
    }

    /// Completes a booking (JSON text of a ``Completion``: actual hours,
    /// samples, service mode and, optionally, the amount as a string) and
    /// writes its service record. Owner or office.
    fn complete_booking<'py>(&self, py: Python<'py>, actor: &Bound<'py, PyAny>, now: &Bound<'py, PyAny>, booking: u64, completion: &str) -> PyResult<Bound<'py, PyAny>> {
        let (who, now) = (to_actor("actor", actor)?, instant("now", now)?);
        let completion = from_json::<Completion>("completion", completion)?;
        self.book(py, move |network| network.complete_booking(&who, now, BookingId(booking), completion))
    }

    /// Joins the waitlist for a fully booked slot (a ``SlotRequest``).
    fn join_waitlist<'py>(&self, py: Python<'py>, actor: &Bound<'py, PyAny>, now: &Bound<'py, PyAny>, request: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
        let (who, now, request) = (to_actor("actor", actor)?, instant("now", now)?, slot_request("request", request)?);
        self.book(py, move |network| network.join_waitlist(&who, now, request))
    }

    /// Takes a waitlist offer.
    fn accept_offer<'py>(&self, py: Python<'py>, actor: &Bound<'py, PyAny>, now: &Bound<'py, PyAny>, booking: u64) -> PyResult<Bound<'py, PyAny>> {
        let (who, now) = (to_actor("actor", actor)?, instant("now", now)?);
        self.book(py, move |network| network.accept_offer(&who, now, BookingId(booking)))
    }

    /// Turns down a waitlist offer.
    fn decline_offer<'py>(&self, py: Python<'py>, actor: &Bound<'py, PyAny>, now: &Bound<'py, PyAny>, booking: u64) -> PyResult<Bound<'py, PyAny>> {
        let (who, now) = (to_actor("actor", actor)?, instant("now", now)?);
        self.book(py, move |network| network.decline_offer(&who, now, BookingId(booking)))
    }

    /// Leaves the waitlist.
    fn leave_waitlist<'py>(&self, py: Python<'py>, actor: &Bound<'py, PyAny>, now: &Bound<'py, PyAny>, entry: u64) -> PyResult<Bound<'py, PyAny>> {
        let (who, now) = (to_actor("actor", actor)?, instant("now", now)?);
        self.book(py, move |network| network.leave_waitlist(&who, now, WaitlistId(entry)))
    }

    /// Records expired requests, lapsed offers and no-shows at ``now`` and
    /// offers freed slots: every instrument for the office, one for its owner.
    #[pyo3(signature = (actor, now, instrument = None))]
    fn sweep_bookings<'py>(&self, py: Python<'py>, actor: &Bound<'py, PyAny>, now: &Bound<'py, PyAny>, instrument: Option<&str>) -> PyResult<Bound<'py, PyAny>> {
        let (who, now) = (to_actor("actor", actor)?, instant("now", now)?);
        let instrument = instrument.map(instrument_id).transpose()?;
        self.book(py, move |network| network.sweep_bookings(&who, now, instrument))
    }

    /// A booking as JSON text of a ``BookingView``: state at ``now``, times
    /// in UTC and on the instrument's clock (``start_local``, ``end_local``),
    /// and on the viewer's clock (``start_viewer``, ``end_viewer``) when
    /// ``viewer_zone`` is given.
    #[pyo3(signature = (id, now, viewer_zone = None))]
    fn booking(&self, py: Python<'_>, id: u64, now: &Bound<'_, PyAny>, viewer_zone: Option<&str>) -> PyResult<String> {
        let now = instant("now", now)?;
        let viewer = viewer_zone.map(Zone::parse).transpose().map_err(CoreError::from)?;
        Ok(self.query(py, "booking", move |network| network.booking().booking(BookingId(id), now, viewer))?)
    }

    /// The bookings of ``instrument`` that hold time in ``[start, end)`` at
    /// ``now``, in start order, as a JSON array of ``BookingView``.
    fn schedule(&self, py: Python<'_>, instrument: &str, start: &Bound<'_, PyAny>, end: &Bound<'_, PyAny>, now: &Bound<'_, PyAny>) -> PyResult<String> {
        let (start, end, now) = (instant("start", start)?, instant("end", end)?, instant("now", now)?);
        let instrument = instrument_id(instrument)?;
        Ok(self.query(py, "schedule", move |network| network.booking().schedule(&instrument, start, end, now))?)
    }

    /// The bookings made by account ``requester``, as a JSON array.
    fn bookings_of(&self, py: Python<'_>, requester: &str, now: &Bound<'_, PyAny>) -> PyResult<String> {
        let now = instant("now", now)?;
        let requester = requester.to_owned();
        Ok(self.query(py, "bookings", move |network| Ok(network.booking().bookings_of(&requester, now)))?)
    }

    /// A series (its bookings and skipped dates with their rules) as JSON text.
    fn series(&self, py: Python<'_>, id: u64) -> PyResult<String> {
        Ok(self.query(py, "series", move |network| network.booking().series(SeriesId(id)).cloned())?)
    }

    /// A waitlist entry as JSON text.
    fn waitlist_entry(&self, py: Python<'_>, id: u64) -> PyResult<String> {
        Ok(self.query(py, "waitlist entry", move |network| network.booking().waitlist_entry(WaitlistId(id)).cloned())?)
    }

    /// An instrument's booking profile as JSON text.
    fn booking_profile(&self, py: Python<'_>, instrument: &str) -> PyResult<String> {
        let instrument = instrument_id(instrument)?;
        Ok(self.query(py, "profile", move |network| network.booking().profile(&instrument).cloned())?)
    }

    /// An instrument's policy versions, oldest first, as a JSON array.
    fn booking_policies(&self, py: Python<'_>, instrument: &str) -> PyResult<String> {
        let instrument = instrument_id(instrument)?;
        Ok(self.query(py, "policies", move |network| network.booking().policies(&instrument))?)
    }

    /// An instrument's blackouts as a JSON array.
    fn blackouts(&self, py: Python<'_>, instrument: &str) -> PyResult<String> {
        let instrument = instrument_id(instrument)?;
        Ok(self.query(py, "blackouts", move |network| network.booking().blackouts(&instrument).map(<[_]>::to_vec))?)
    }

    /// ``user``'s training record on ``instrument`` as JSON text, or ``None``.
    fn training(&self, py: Python<'_>, instrument: &str, user: &str) -> PyResult<Option<String>> {
        let (instrument, user) = (instrument_id(instrument)?, user.to_owned());
        let record = self.read(py, move |network| network.booking().training(&instrument, &user).cloned());
        Ok(record.map(|record| to_json("training", &record)).transpose()?)
    }

    /// Free slots of ``instrument`` for a query (JSON text of an
    /// ``AvailabilityQuery``), as a JSON array of ``FreeSlot``.
    fn availability(&self, py: Python<'_>, instrument: &str, query: &str, now: &Bound<'_, PyAny>) -> PyResult<String> {
        let (instrument, now) = (instrument_id(instrument)?, instant("now", now)?);
        let query = from_json::<AvailabilityQuery>("query", query)?;
        Ok(self.query(py, "availability", move |network| network.booking().availability(&instrument, &query, now))?)
    }

    /// Free slots of every instrument that offers ``test_item``, as a JSON
    /// array of ``InstrumentAvailability``.
    fn availability_for_test_item(&self, py: Python<'_>, test_item: &str, query: &str, now: &Bound<'_, PyAny>) -> PyResult<String> {
        let now = instant("now", now)?;
        let (test_item, query) = (test_item.to_owned(), from_json::<AvailabilityQuery>("query", query)?);
        Ok(self.query(py, "availability", move |network| network.booking().availability_for_test_item(&test_item, &query, now))?)
    }

    /// The fee for a slot, for a user type such as ``"external"``, as JSON
    /// text of a ``Quote`` with its explanation.
    fn quote_slot(&self, py: Python<'_>, instrument: &str, user_type: &str, start: &Bound<'_, PyAny>, end: &Bound<'_, PyAny>) -> PyResult<String> {
        let (instrument, user_type) = (instrument_id(instrument)?, from_name::<UserType>("user_type", user_type)?);
        let (start, end) = (instant("start", start)?, instant("end", end)?);
        Ok(self.query(py, "quote", move |network| network.booking().quote_slot(&instrument, user_type, start, end))?)
    }

    /// The fee for ``samples`` samples of ``test_item`` at instant ``at``, as
    /// JSON text of a ``Quote``.
    fn quote_samples(&self, py: Python<'_>, instrument: &str, user_type: &str, test_item: &str, samples: u32, at: &Bound<'_, PyAny>) -> PyResult<String> {
        let (instrument, user_type) = (instrument_id(instrument)?, from_name::<UserType>("user_type", user_type)?);
        let (test_item, at) = (test_item.to_owned(), instant("at", at)?);
        Ok(self.query(py, "quote", move |network| network.booking().quote_samples(&instrument, user_type, &test_item, samples, at))?)
    }

    /// Service records (服务记录) of completed bookings; with ``year``, only
    /// those of that year. A JSON array.
    #[pyo3(signature = (year = None))]
    fn service_records(&self, py: Python<'_>, year: Option<i32>) -> PyResult<String> {
        Ok(self.query(py, "service records", move |network| {
            let book = network.booking();
            Ok(match year {
                Some(year) => book.service_records_in_year(year).cloned().collect::<Vec<_>>(),
                None => book.service_records().to_vec(),
            })
        })?)
    }

    /// Totals of an instrument's service records in ``year`` as JSON text of
    /// ``ServiceTotals``.
    fn service_totals(&self, py: Python<'_>, instrument: &str, year: i32) -> PyResult<String> {
        let instrument = instrument_id(instrument)?;
        Ok(self.query(py, "service totals", move |network| network.booking().service_totals(&instrument, year))?)
    }
}

//! The booking engine (预约) and the working-day calendar (工作日历) for
//! Kotlin: the `Calendar` object, the zone functions `localTime` and
//! `localToUtc`, and the booking methods of `Network`.
//!
//! Slot requests, receipts and local times are records. The larger records
//! (policies, profiles, blackouts, series and sample requests, completions,
//! availability queries and every query result) cross as core's serde JSON
//! text, the shape of the event JSON, in which amounts are strings such as
//! `"150.00"` and so stay exact (`BigDecimal(text)`).

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use chrono::NaiveDate;
use labshare::booking::{
    AvailabilityQuery, Blackout, BookingId, BookingPolicy, BookingProfile, BookingReceipt as CoreReceipt, Completion,
    SampleRequest, SeriesEdit, SeriesId, SeriesRequest, UserType, WaitlistId,
};
use labshare::calendar::{self, LocalTime as CoreLocalTime, MissingYear as CoreMissingYear, Zone};
use labshare::{InstrumentId, Text};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::access::Actor;
use crate::convert::{integer, long};
use crate::errors::LabshareError;
use crate::network::{Network, event_json};
use crate::types::Timestamp;

/// Handling of a date whose year has no holiday data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum MissingYear {
    /// Fail with `Conflict` (code `rule_violation`, rule `calendar.year_not_loaded`).
    Error,
    /// Count Monday to Friday as working days and ignore holidays.
    WeekdaysOnly,
}

impl From<MissingYear> for CoreMissingYear {
    fn from(missing: MissingYear) -> CoreMissingYear {
        match missing {
            MissingYear::Error => CoreMissingYear::Error,
            MissingYear::WeekdaysOnly => CoreMissingYear::WeekdaysOnly,
        }
    }
}

/// A request for one slot of instrument time (机时预约申请).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct SlotRequest {
    /// Instrument id.
    pub instrument: String,
    /// Start.
    pub start: Timestamp,
    /// End (exclusive).
    pub end: Timestamp,
    /// People who will come, at least 1.
    #[uniffi(default = 1)]
    pub people: i32,
    /// Purpose (用途), at most 500 characters.
    #[uniffi(default = "")]
    pub purpose: String,
    /// Innovation voucher number (创新券编号) if the user pays with one.
    #[uniffi(default = None)]
    pub voucher: Option<String>,
}

impl TryFrom<SlotRequest> for labshare::booking::SlotRequest {
    type Error = LabshareError;

    fn try_from(request: SlotRequest) -> Result<Self, LabshareError> {
        Ok(labshare::booking::SlotRequest {
            instrument: InstrumentId::new(request.instrument)?,
            start: request.start,
            end: request.end,
            people: integer("people", request.people)?,
            purpose: request.purpose,
            voucher: request.voucher,
        })
    }
}

/// The event a booking change recorded and the records it created.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct BookingReceipt {
    /// The journal event as JSON text, for the host to store.
    pub event: String,
    /// Ids of the bookings created, in id order: the request's own and any
    /// waitlist offers the change made for freed slots.
    pub bookings: Vec<i64>,
    /// Id of the series created by a recurring request.
    pub series: Option<i64>,
    /// Id of the waitlist entry created.
    pub waitlist: Option<i64>,
}

/// An instant on the clock of one zone.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct LocalTime {
    /// Wall-clock time in `zone`, such as `2025-10-09T08:00:00`
    /// (`LocalDateTime.parse` reads it).
    pub local: String,
    /// IANA zone name, such as `Asia/Urumqi`.
    pub zone: String,
    /// Offset from UTC at that instant, such as `+06:00`.
    pub offset: String,
    /// The same instant.
    pub instant: Timestamp,
}

/// Parses the JSON text of argument `field` as a core type; text of another
/// shape fails with `InvalidInput` (code `invalid_value`) naming the argument.
fn from_json<T: DeserializeOwned>(field: &str, text: &str) -> Result<T, LabshareError> {
    serde_json::from_str(text).map_err(|error| {
        let expected = Text::new(format!("符合格式的 JSON：{error}"), format!("JSON of the documented shape: {error}"));
        LabshareError::from(labshare::Error::invalid_value(field, text, expected))
    })
}

fn to_json<T: Serialize>(what: &str, value: &T) -> Result<String, LabshareError> {
    // Booking values hold no maps with non-string keys and no serialisers
    // that fail, so this error is not expected in practice.
    serde_json::to_string(value).map_err(|error| {
        LabshareError::from(labshare::Error::Corrupt {
            location: what.to_owned(),
            detail: Text::new(format!("无法写成 JSON：{error}"), format!("could not be written as JSON: {error}")),
        })
    })
}

fn id(field: &str, value: i64) -> Result<u64, LabshareError> {
    Ok(integer(field, value)?)
}

fn core_actor(actor: Actor) -> Result<labshare::Actor, LabshareError> {
    labshare::Actor::try_from(actor)
}

fn receipt(receipt: &CoreReceipt, event: String) -> Result<BookingReceipt, LabshareError> {
    let bookings = receipt.bookings.iter().map(|b| long("booking id", b.0)).collect::<Result<_, _>>()?;
    Ok(BookingReceipt {
        event,
        bookings,
        series: receipt.series.map(|s| long("series id", s.0)).transpose()?,
        waitlist: receipt.waitlist.map(|w| long("waitlist id", w.0)).transpose()?,
    })
}

/// A working-day calendar (工作日历): the State Council's holidays and
/// make-up working days, year by year. Safe to share between threads.
#[derive(uniffi::Object)]
pub struct Calendar {
    inner: Mutex<calendar::Calendar>,
}

impl Calendar {
    fn lock(&self) -> MutexGuard<'_, calendar::Calendar> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

#[uniffi::export]
impl Calendar {
    /// Creates a calendar with no years.
    #[uniffi::constructor]
    pub fn empty() -> Arc<Calendar> {
        Arc::new(Calendar { inner: Mutex::new(calendar::Calendar::empty()) })
    }

    /// Returns the calendar with every compiled official year.
    #[uniffi::constructor]
    pub fn official() -> Result<Arc<Calendar>, LabshareError> {
        Ok(Arc::new(Calendar { inner: Mutex::new(calendar::Calendar::official()?) }))
    }

    /// Adds or replaces one year from a holiday file in JSON and returns the year.
    pub fn load_year(&self, data: Vec<u8>) -> Result<i32, LabshareError> {
        Ok(self.lock().load_year(&data)?)
    }

    /// Returns the years the calendar contains, in order.
    pub fn years(&self) -> Vec<i32> {
        self.lock().years()
    }

    /// Returns whether the calendar contains data for `year`.
    pub fn covers(&self, year: i32) -> bool {
        self.lock().covers(year)
    }

    /// The kind of `day` as JSON text, such as `{"kind":"holiday","name":"国庆节"}`.
    pub fn day_kind(&self, day: NaiveDate, missing: MissingYear) -> Result<String, LabshareError> {
        let kind = self.lock().day_kind(day, missing.into())?;
        to_json("day kind", &kind)
    }

    /// Returns whether `day` is a working day.
    pub fn is_working_day(&self, day: NaiveDate, missing: MissingYear) -> Result<bool, LabshareError> {
        Ok(self.lock().is_working_day(day, missing.into())?)
    }

    /// The `n`-th working day after `day` (`day` itself for 0).
    pub fn add_working_days(&self, day: NaiveDate, n: i32, missing: MissingYear) -> Result<NaiveDate, LabshareError> {
        let n = integer("working_days", n)?;
        Ok(self.lock().add_working_days(day, n, missing.into())?)
    }

    /// Working days in `[start, end)`.
    pub fn working_days_between(&self, start: NaiveDate, end: NaiveDate, missing: MissingYear) -> Result<i64, LabshareError> {
        Ok(i64::from(self.lock().working_days_between(start, end, missing.into())?))
    }

    /// The instant `n` working days after `start` on the official
    /// (Asia/Shanghai) clock.
    pub fn working_day_deadline(&self, start: Timestamp, n: i32, missing: MissingYear) -> Result<Timestamp, LabshareError> {
        let n = integer("working_days", n)?;
        Ok(self.lock().working_day_deadline(start, n, missing.into())?)
    }
}

/// `at` on the clock of `zone`, an IANA name such as `Asia/Urumqi`.
#[uniffi::export]
pub fn local_time(at: Timestamp, zone: String) -> Result<LocalTime, LabshareError> {
    let zone = Zone::parse(&zone)?;
    let local = zone.local(at);
    Ok(LocalTime {
        local: local.local.format("%Y-%m-%dT%H:%M:%S").to_string(),
        zone: zone.name().to_owned(),
        offset: zone.offset_at(at),
        instant: at,
    })
}

/// The instant of wall-clock time `local` (such as `2025-10-09 10:00` or
/// `2025-10-09T10:00:00`) in `zone`. A time that a daylight-saving change
/// skips or repeats fails with `InvalidInput`.
#[uniffi::export]
pub fn local_to_utc(local: String, zone: String) -> Result<Timestamp, LabshareError> {
    Ok(CoreLocalTime::parse(&local, &zone)?.to_utc()?)
}

impl Network {
    /// Runs one booking change, records its event and returns the receipt.
    fn book(
        &self,
        change: impl FnOnce(&mut labshare::Network) -> labshare::Result<CoreReceipt>,
    ) -> Result<BookingReceipt, LabshareError> {
        let mut state = self.lock();
        let done = change(&mut state.network)?;
        let json = event_json(&done.event)?;
        state.events.push(done.event.clone());
        receipt(&done, json)
    }

    /// Runs a query and writes its result as JSON text.
    fn query<T: Serialize>(
        &self,
        what: &str,
        read: impl FnOnce(&labshare::Network) -> labshare::Result<T>,
    ) -> Result<String, LabshareError> {
        let value = read(&self.lock().network)?;
        to_json(what, &value)
    }
}

#[uniffi::export]
impl Network {
    /// Loads one year's holiday file (JSON text) into the network's
    /// calendar. Office only. Returns the event.
    pub fn load_calendar_year(&self, actor: Actor, now: Timestamp, data: String) -> Result<String, LabshareError> {
        let actor = core_actor(actor)?;
        self.change(|network| network.load_calendar_year(&actor, now, &data))
    }

    /// Returns a copy of the network's calendar.
    pub fn calendar(&self) -> Arc<Calendar> {
        let copy = self.lock().network.booking().calendar().clone();
        Arc::new(Calendar { inner: Mutex::new(copy) })
    }

    /// Sets an instrument's zone and test items (JSON text of a
    /// `BookingProfile`). Owner or office. Returns the event.
    pub fn set_booking_profile(&self, actor: Actor, now: Timestamp, instrument: String, profile: String) -> Result<String, LabshareError> {
        let (actor, instrument) = (core_actor(actor)?, InstrumentId::new(instrument)?);
        let profile: BookingProfile = from_json("profile", &profile)?;
        self.change(|network| network.set_booking_profile(&actor, now, instrument, profile))
    }

    /// Sets the booking policy (JSON text of a `BookingPolicy`) that governs
    /// bookings starting from `effective_from`. Owner or office. Returns the event.
    pub fn set_booking_policy(
        &self,
        actor: Actor,
        now: Timestamp,
        instrument: String,
        effective_from: Timestamp,
        policy: String,
    ) -> Result<String, LabshareError> {
        let (actor, instrument) = (core_actor(actor)?, InstrumentId::new(instrument)?);
        let policy: BookingPolicy = from_json("policy", &policy)?;
        self.change(|network| network.set_booking_policy(&actor, now, instrument, effective_from, policy))
    }

    /// Adds a blackout (JSON text of a `Blackout`). Returns the event.
    pub fn add_blackout(&self, actor: Actor, now: Timestamp, instrument: String, blackout: String) -> Result<String, LabshareError> {
        let (actor, instrument) = (core_actor(actor)?, InstrumentId::new(instrument)?);
        let blackout: Blackout = from_json("blackout", &blackout)?;
        self.change(|network| network.add_blackout(&actor, now, instrument, blackout))
    }

    /// Removes a blackout by id. Returns the event.
    pub fn remove_blackout(&self, actor: Actor, now: Timestamp, instrument: String, blackout: String) -> Result<String, LabshareError> {
        let (actor, instrument) = (core_actor(actor)?, InstrumentId::new(instrument)?);
        self.change(|network| network.remove_blackout(&actor, now, instrument, &blackout))
    }

    /// Records that `user` was trained on `instrument`, valid through
    /// `valid_until` (null for no end). Returns the event.
    pub fn grant_training(
        &self,
        actor: Actor,
        now: Timestamp,
        instrument: String,
        user: String,
        valid_until: Option<NaiveDate>,
    ) -> Result<String, LabshareError> {
        let (actor, instrument) = (core_actor(actor)?, InstrumentId::new(instrument)?);
        self.change(|network| network.grant_training(&actor, now, instrument, &user, valid_until))
    }

    /// Withdraws a training record. Returns the event.
    pub fn revoke_training(&self, actor: Actor, now: Timestamp, instrument: String, user: String) -> Result<String, LabshareError> {
        let (actor, instrument) = (core_actor(actor)?, InstrumentId::new(instrument)?);
        self.change(|network| network.revoke_training(&actor, now, instrument, &user))
    }

    /// Requests one slot. Of two threads that request the same free slot at
    /// once, one gets the receipt and the other `Conflict` (rule `booking.conflict`).
    pub fn request_booking(&self, actor: Actor, now: Timestamp, request: SlotRequest) -> Result<BookingReceipt, LabshareError> {
        let (actor, request) = (core_actor(actor)?, request.try_into()?);
        self.book(|network| network.request_booking(&actor, now, request))
    }

    /// Requests a recurring booking (JSON text of a `SeriesRequest`, with
    /// `"on_conflict": "skip"` or `"reject"`).
    pub fn request_series(&self, actor: Actor, now: Timestamp, request: String) -> Result<BookingReceipt, LabshareError> {
        let (actor, request) = (core_actor(actor)?, from_json::<SeriesRequest>("request", &request)?);
        self.book(|network| network.request_series(&actor, now, request))
    }

    /// Requests a sample test without a slot (JSON text of a `SampleRequest`).
    pub fn request_samples(&self, actor: Actor, now: Timestamp, request: String) -> Result<BookingReceipt, LabshareError> {
        let (actor, request) = (core_actor(actor)?, from_json::<SampleRequest>("request", &request)?);
        self.book(|network| network.request_samples(&actor, now, request))
    }

    /// Confirms a requested booking. Owner or office.
    pub fn confirm_booking(&self, actor: Actor, now: Timestamp, booking: i64) -> Result<BookingReceipt, LabshareError> {
        let (actor, booking) = (core_actor(actor)?, BookingId(id("booking", booking)?));
        self.book(|network| network.confirm_booking(&actor, now, booking))
    }

    /// Rejects a requested booking with a reason. Owner or office.
    pub fn reject_booking(&self, actor: Actor, now: Timestamp, booking: i64, reason: String) -> Result<BookingReceipt, LabshareError> {
        let (actor, booking) = (core_actor(actor)?, BookingId(id("booking", booking)?));
        self.book(|network| network.reject_booking(&actor, now, booking, &reason))
    }

    /// Cancels a booking: by its user before the cutoff, or by the owner with a reason.
    pub fn cancel_booking(&self, actor: Actor, now: Timestamp, booking: i64, reason: Option<String>) -> Result<BookingReceipt, LabshareError> {
        let (actor, booking) = (core_actor(actor)?, BookingId(id("booking", booking)?));
        self.book(|network| network.cancel_booking(&actor, now, booking, reason.as_deref()))
    }

    /// Moves, shortens or extends a booking to `[start, end)`.
    pub fn reschedule_booking(
        &self,
        actor: Actor,
        now: Timestamp,
        booking: i64,
        start: Timestamp,
        end: Timestamp,
    ) -> Result<BookingReceipt, LabshareError> {
        let (actor, booking) = (core_actor(actor)?, BookingId(id("booking", booking)?));
        self.book(|network| network.reschedule_booking(&actor, now, booking, start, end))
    }

    /// Moves the future occurrences of a series (JSON text of a `SeriesEdit`).
    pub fn edit_series(&self, actor: Actor, now: Timestamp, series: i64, edit: String) -> Result<BookingReceipt, LabshareError> {
        let (actor, series) = (core_actor(actor)?, SeriesId(id("series", series)?));
        let edit: SeriesEdit = from_json("edit", &edit)?;
        self.book(|network| network.edit_series(&actor, now, series, edit))
    }

    /// Cancels the future occurrences of a series.
    pub fn cancel_series(&self, actor: Actor, now: Timestamp, series: i64, reason: Option<String>) -> Result<BookingReceipt, LabshareError> {
        let (actor, series) = (core_actor(actor)?, SeriesId(id("series", series)?));
        self.book(|network| network.cancel_series(&actor, now, series, reason.as_deref()))
    }

    /// Checks the user in.
    pub fn check_in(&self, actor: Actor, now: Timestamp, booking: i64) -> Result<BookingReceipt, LabshareError> {
        let (actor, booking) = (core_actor(actor)?, BookingId(id("booking", booking)?));
        self.book(|network| network.check_in(&actor, now, booking))
    }

    /// Completes a booking (JSON text of a `Completion`: actual hours,
    /// samples, mode and optionally the amount) and writes its service record.
    pub fn complete_booking(&self, actor: Actor, now: Timestamp, booking: i64, completion: String) -> Result<BookingReceipt, LabshareError> {
        let (actor, booking) = (core_actor(actor)?, BookingId(id("booking", booking)?));
        let completion: Completion = from_json("completion", &completion)?;
        self.book(|network| network.complete_booking(&actor, now, booking, completion))
    }

    /// Joins the waitlist for a fully booked slot.
    pub fn join_waitlist(&self, actor: Actor, now: Timestamp, request: SlotRequest) -> Result<BookingReceipt, LabshareError> {
        let (actor, request) = (core_actor(actor)?, request.try_into()?);
        self.book(|network| network.join_waitlist(&actor, now, request))
    }

    /// Takes a waitlist offer.
    pub fn accept_offer(&self, actor: Actor, now: Timestamp, booking: i64) -> Result<BookingReceipt, LabshareError> {
        let (actor, booking) = (core_actor(actor)?, BookingId(id("booking", booking)?));
        self.book(|network| network.accept_offer(&actor, now, booking))
    }

    /// Turns down a waitlist offer.
    pub fn decline_offer(&self, actor: Actor, now: Timestamp, booking: i64) -> Result<BookingReceipt, LabshareError> {
        let (actor, booking) = (core_actor(actor)?, BookingId(id("booking", booking)?));
        self.book(|network| network.decline_offer(&actor, now, booking))
    }

    /// Leaves the waitlist.
    pub fn leave_waitlist(&self, actor: Actor, now: Timestamp, entry: i64) -> Result<BookingReceipt, LabshareError> {
        let (actor, entry) = (core_actor(actor)?, WaitlistId(id("entry", entry)?));
        self.book(|network| network.leave_waitlist(&actor, now, entry))
    }

    /// Records expired requests, lapsed offers and no-shows at `now` and
    /// offers freed slots: every instrument for the office, one for its owner.
    pub fn sweep_bookings(&self, actor: Actor, now: Timestamp, instrument: Option<String>) -> Result<BookingReceipt, LabshareError> {
        let actor = core_actor(actor)?;
        let instrument = instrument.map(InstrumentId::new).transpose()?;
        self.book(|network| network.sweep_bookings(&actor, now, instrument))
    }

    /// A booking as JSON text of a `BookingView`: state at `now`, times in
    /// UTC and on the instrument's clock (`start_local`, `end_local`), and on
    /// the viewer's clock (`start_viewer`, `end_viewer`) if `viewer_zone` is given.
    pub fn booking(&self, id: i64, now: Timestamp, viewer_zone: Option<String>) -> Result<String, LabshareError> {
        let booking = BookingId(self::id("id", id)?);
        let viewer = viewer_zone.as_deref().map(Zone::parse).transpose()?;
        self.query("booking", |network| network.booking().booking(booking, now, viewer))
    }

    /// The bookings of `instrument` that hold time in `[start, end)` at `now`, as a JSON array.
    pub fn schedule(&self, instrument: String, start: Timestamp, end: Timestamp, now: Timestamp) -> Result<String, LabshareError> {
        let instrument = InstrumentId::new(instrument)?;
        self.query("schedule", |network| network.booking().schedule(&instrument, start, end, now))
    }

    /// The bookings made by account `requester`, as a JSON array.
    pub fn bookings_of(&self, requester: String, now: Timestamp) -> Result<String, LabshareError> {
        self.query("bookings", |network| Ok(network.booking().bookings_of(&requester, now)))
    }

    /// A series (bookings and skipped dates with their rules) as JSON text.
    pub fn series(&self, id: i64) -> Result<String, LabshareError> {
        let series = SeriesId(self::id("id", id)?);
        self.query("series", |network| network.booking().series(series).cloned())
    }

    /// A waitlist entry as JSON text.
    pub fn waitlist_entry(&self, id: i64) -> Result<String, LabshareError> {
        let entry = WaitlistId(self::id("id", id)?);
        self.query("waitlist entry", |network| network.booking().waitlist_entry(entry).cloned())
    }

    /// An instrument's booking profile as JSON text.
    pub fn booking_profile(&self, instrument: String) -> Result<String, LabshareError> {
        let instrument = InstrumentId::new(instrument)?;
        self.query("profile", |network| network.booking().profile(&instrument).cloned())
    }

    /// An instrument's policy versions, oldest first, as a JSON array.
    pub fn booking_policies(&self, instrument: String) -> Result<String, LabshareError> {
        let instrument = InstrumentId::new(instrument)?;
        self.query("policies", |network| network.booking().policies(&instrument))
    }

    /// An instrument's blackouts as a JSON array.
    pub fn blackouts(&self, instrument: String) -> Result<String, LabshareError> {
        let instrument = InstrumentId::new(instrument)?;
        self.query("blackouts", |network| network.booking().blackouts(&instrument).map(<[_]>::to_vec))
    }

    /// `user`'s training record on `instrument` as JSON text, or null.
    pub fn training(&self, instrument: String, user: String) -> Result<Option<String>, LabshareError> {
        let instrument = InstrumentId::new(instrument)?;
        let record = self.lock().network.booking().training(&instrument, &user).cloned();
        record.map(|record| to_json("training", &record)).transpose()
    }

    /// Free slots of `instrument` for a query (JSON text of an
    /// `AvailabilityQuery`), as a JSON array of `FreeSlot`.
    pub fn availability(&self, instrument: String, query: String, now: Timestamp) -> Result<String, LabshareError> {
        let instrument = InstrumentId::new(instrument)?;
        let query: AvailabilityQuery = from_json("query", &query)?;
        self.query("availability", |network| network.booking().availability(&instrument, &query, now))
    }

    /// Free slots of every instrument that offers `test_item`, as a JSON
    /// array of `InstrumentAvailability`.
    pub fn availability_for_test_item(&self, test_item: String, query: String, now: Timestamp) -> Result<String, LabshareError> {
        let query: AvailabilityQuery = from_json("query", &query)?;
        self.query("availability", |network| network.booking().availability_for_test_item(&test_item, &query, now))
    }

    /// The fee for a slot for a user type such as `external`, as JSON text
    /// of a `Quote` with its explanation.
    pub fn quote_slot(&self, instrument: String, user_type: String, start: Timestamp, end: Timestamp) -> Result<String, LabshareError> {
        let instrument = InstrumentId::new(instrument)?;
        let user_type: UserType = user_type_named(&user_type)?;
        self.query("quote", |network| network.booking().quote_slot(&instrument, user_type, start, end))
    }

    /// The fee for `samples` samples of `test_item` at `at`, as JSON text of a `Quote`.
    pub fn quote_samples(
        &self,
        instrument: String,
        user_type: String,
        test_item: String,
        samples: i32,
        at: Timestamp,
    ) -> Result<String, LabshareError> {
        let instrument = InstrumentId::new(instrument)?;
        let user_type: UserType = user_type_named(&user_type)?;
        let samples = integer("samples", samples)?;
        self.query("quote", |network| network.booking().quote_samples(&instrument, user_type, &test_item, samples, at))
    }

    /// Service records (服务记录) of completed bookings; with `year`, only
    /// those of that year. A JSON array.
    pub fn service_records(&self, year: Option<i32>) -> Result<String, LabshareError> {
        self.query("service records", |network| {
            let book = network.booking();
            Ok(match year {
                Some(year) => book.service_records_in_year(year).cloned().collect::<Vec<_>>(),
                None => book.service_records().to_vec(),
            })
        })
    }

    /// Totals of an instrument's service records in `year`, as JSON text of `ServiceTotals`.
    pub fn service_totals(&self, instrument: String, year: i32) -> Result<String, LabshareError> {
        let instrument = InstrumentId::new(instrument)?;
        self.query("service totals", |network| network.booking().service_totals(&instrument, year))
    }
}

/// Reads a user type from its name, such as `network_member`.
fn user_type_named(name: &str) -> Result<UserType, LabshareError> {
    serde_json::from_value(serde_json::Value::String(name.to_owned())).map_err(|_| {
        let expected = Text::new(
            "internal、network_member、external 或 voucher_holder",
            "internal, network_member, external or voucher_holder",
        );
        LabshareError::from(labshare::Error::invalid_value("user_type", name, expected))
    })
}

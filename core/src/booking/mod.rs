//! Online booking of instrument time and sample tests (网上预约).
//!
//! Each instrument has a booking profile (zone and test items) and a
//! versioned [`BookingPolicy`]. Users request slots, recurring series and
//! sample tests; the owning unit confirms or rejects each request within a
//! number of working days, or it expires. Confirmed bookings are checked in
//! and completed, and completion writes a [`ServiceRecord`]. Cancelled,
//! rejected, expired and no-show bookings free their slot, which is offered
//! to the earliest fitting waitlist entry.
//!
//! Every path that creates or moves a booking runs the same check: policy
//! in force, people, duration, slot grid, notice, opening hours with the
//! official calendar, blackouts, training, quotas, then the station count
//! with buffers. A booking's blocked interval is its slot widened by its
//! buffers; at no instant may more blocked intervals overlap than the
//! instrument has stations. Intervals are half-open, so back-to-back
//! bookings without buffers fit.
//!
//! Deadlines pass without an event: a request, offer or confirmed booking
//! whose deadline is before `now` is treated as expired, lapsed or no-show
//! by every check and query. [`BookingChange::Sweep`] records those
//! transitions and offers the freed slots.

mod api;
mod check;
mod chunked;
mod clock;
mod lifecycle;
mod lookahead;
mod occupancy;
pub mod policy;
pub mod quote;
pub mod record;
pub mod search;
mod series;
pub(crate) mod shared;
pub mod service;
mod view;
mod waitlist;

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use compact_str::CompactString;
use rustc_hash::FxHashMap;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use smallvec::SmallVec;

use crate::access::{self, Actor};
use crate::calendar::{Calendar, Zone};
use crate::error::{Entity, Error, Result};
use crate::ids::{EnterpriseId, InstrumentId, UnitId};
use crate::lang::Text;
use crate::registry::Registry;
use crate::tagged::tagged_enum;

pub use policy::{
    Blackout, BlackoutKind, BlackoutTime, BookingPolicy, ClockTime, DailySpan, FeeBasis, FeeRate, Frequency, Notice,
    OpeningHours, PolicyVersion, Quota, QuotaLimit, QuotaPeriod, QuotaScope, Recurrence, UserType, WeekdayName,
};
pub use api::BookingReceipt;
pub use quote::Quote;
pub use record::{
    BookingId, BookingKind, BookingState, BookingView, Completion, Series, SeriesId, ServiceMode, SkippedOccurrence,
    WaitlistEntry, WaitlistId, WaitlistState,
};
pub use search::{AvailabilityQuery, FreeSlot, InstrumentAvailability};
pub use service::{ServiceRecord, ServiceTotals};

use crate::flat_map::FlatMap;
use chunked::{Chunked, Keyed};
use occupancy::Occupancy;
use record::{Booking, BookingOut, CompletionLink, LoadedBooking, Party};
use shared::{PolicyPool, SharedVersion};

/// An instrument's booking profile (预约信息): its zone and test items.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
pub struct BookingProfile {
    /// Zone of opening hours and recurrences; Asia/Shanghai by default.
    #[serde(default)]
    pub zone: Zone,
    /// Test items (检测项目) the instrument offers, such as `X射线衍射物相分析`.
    #[serde(default)]
    pub test_items: Vec<String>,
}

impl BookingProfile {
    /// Checks the profile.
    ///
    /// # Errors
    ///
    /// [`Error::Missing`] for an empty test item, [`Error::TooLong`] for one
    /// over 100 characters, [`Error::InvalidValue`] for a duplicate.
    pub fn validate(&self) -> Result<()> {
        for (i, item) in self.test_items.iter().enumerate() {
            if item.trim().is_empty() {
                return Err(Error::Missing { field: "test_items".to_owned() });
            }
            let chars = item.chars().count();
            if chars > 100 {
                return Err(Error::TooLong { field: "test_items".to_owned(), max_chars: 100, actual_chars: chars });
            }
            if self.test_items[..i].contains(item) {
                return Err(Error::invalid_value(
                    "test_items",
                    item,
                    Text::new("不重复的检测项目名称", "test item names without duplicates"),
                ));
            }
        }
        Ok(())
    }
}

/// A training record (培训记录) that qualifies a user for an instrument.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct TrainingRecord {
    /// When it was granted.
    pub granted_at: DateTime<Utc>,
    /// Last local date it is valid on; `None` for no end.
    pub valid_until: Option<NaiveDate>,
}

/// Booking data of one instrument.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub(crate) struct InstrumentBooking {
    pub(crate) id: InstrumentId,
    pub(crate) profile: BookingProfile,
    // Instruments with identical rules share one copy (see `shared`).
    // Most instruments have one version, kept inline so that a check does
    // not read a separate allocation.
    #[schemars(with = "Vec<PolicyVersion>")]
    pub(crate) policies: SmallVec<[SharedVersion; 1]>,
    pub(crate) blackouts: Vec<Blackout>,
    // Account ids of up to 24 bytes are stored inline, so a lookup compares
    // keys inside the tree's nodes instead of following a pointer per key.
    #[schemars(with = "BTreeMap<String, TrainingRecord>")]
    pub(crate) trained: BTreeMap<CompactString, TrainingRecord>,
    /// The indexes of the instrument's bookings, derived from the data.
    /// They sit next to the data so that checking a booking reads fewer
    /// pages of memory.
    #[serde(skip)]
    #[schemars(skip)]
    pub(crate) index: SlotIndex,
}

/// A request for one slot (机时预约申请).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct SlotRequest {
    /// The instrument.
    pub instrument: InstrumentId,
    /// Start.
    #[serde(deserialize_with = "crate::journal::instant::deserialize_utc")]
    pub start: DateTime<Utc>,
    /// End (exclusive).
    #[serde(deserialize_with = "crate::journal::instant::deserialize_utc")]
    pub end: DateTime<Utc>,
    /// People who will come, at least 1.
    #[serde(default = "one_person")]
    pub people: u16,
    /// Purpose (用途), at most 500 characters.
    #[serde(default)]
    pub purpose: String,
    /// Innovation voucher number, if the user pays with one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub voucher: Option<String>,
}

fn one_person() -> u16 {
    1
}

/// Handling of the dates of a recurring request that fail a check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum OnConflict {
    /// Book nothing and name the first failing date (the default).
    #[default]
    Reject,
    /// Book the other dates and report each skipped date with its reason.
    Skip,
}

/// A request for a recurring booking (周期预约申请).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct SeriesRequest {
    /// The instrument.
    pub instrument: InstrumentId,
    /// Start of the first occurrence; later ones start at the same local
    /// time in the instrument's zone.
    pub first_start: DateTime<Utc>,
    /// Length of each occurrence in minutes.
    pub duration_minutes: u32,
    /// Which dates.
    pub recurrence: Recurrence,
    /// Handling of failing dates.
    #[serde(default)]
    pub on_conflict: OnConflict,
    /// People per occurrence.
    #[serde(default = "one_person")]
    pub people: u16,
    /// Purpose.
    #[serde(default)]
    pub purpose: String,
    /// Innovation voucher number, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub voucher: Option<String>,
}

/// A request for staff to test samples, without a slot (送样检测申请).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct SampleRequest {
    /// The instrument.
    pub instrument: InstrumentId,
    /// Test item; must be one the instrument lists, if it lists any.
    pub test_item: String,
    /// Number of samples, 1 to 100,000.
    pub samples: u32,
    /// Purpose.
    #[serde(default)]
    pub purpose: String,
    /// Innovation voucher number, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub voucher: Option<String>,
}

/// A change to the future occurrences of a series.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct SeriesEdit {
    /// New local start time in the instrument's zone.
    pub start_time: ClockTime,
    /// New length in minutes.
    pub duration_minutes: u32,
}

tagged_enum! {
    /// A change to bookings, as recorded in the journal.
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
    #[serde(tag = "type", rename_all = "snake_case")]
    pub enum BookingChange {
        /// The office loads one year's holiday file into the calendar.
        LoadCalendarYear {
            /// The file's JSON text.
            data: String,
        },
        /// The owner sets an instrument's zone and test items.
        SetProfile {
            /// The instrument.
            instrument: InstrumentId,
            /// The profile.
            profile: BookingProfile,
        },
        /// The owner sets a policy version, replacing one with the same start.
        SetPolicy {
            /// The instrument.
            instrument: InstrumentId,
            /// First booking start it governs.
            effective_from: DateTime<Utc>,
            /// The rules, boxed because they are much larger than the other changes.
            policy: Box<BookingPolicy>,
        },
        /// The owner adds a blackout.
        AddBlackout {
            /// The instrument.
            instrument: InstrumentId,
            /// The blackout.
            blackout: Blackout,
        },
        /// The owner removes a blackout.
        RemoveBlackout {
            /// The instrument.
            instrument: InstrumentId,
            /// Its id.
            blackout: String,
        },
        /// The owner records that a user was trained on the instrument.
        GrantTraining {
            /// The instrument.
            instrument: InstrumentId,
            /// The user's account id.
            user: String,
            /// Last valid date, if limited.
            valid_until: Option<NaiveDate>,
        },
        /// The owner withdraws a training record.
        RevokeTraining {
            /// The instrument.
            instrument: InstrumentId,
            /// The user's account id.
            user: String,
        },
        /// A user requests one slot.
        RequestSlot {
            /// The request.
            request: SlotRequest,
        },
        /// A user requests a recurring booking.
        RequestSeries {
            /// The request.
            request: SeriesRequest,
        },
        /// A user requests a sample test.
        RequestSamples {
            /// The request.
            request: SampleRequest,
        },
        /// The owner confirms a request.
        Confirm {
            /// The booking.
            booking: BookingId,
        },
        /// The owner rejects a request with a reason.
        Reject {
            /// The booking.
            booking: BookingId,
            /// Why.
            reason: String,
        },
        /// The user cancels before the cutoff, or the owner cancels with a reason.
        Cancel {
            /// The booking.
            booking: BookingId,
            /// Why; required from the owner.
            reason: Option<String>,
        },
        /// The user or the owner moves, shortens or extends a booking.
        Reschedule {
            /// The booking.
            booking: BookingId,
            /// New start; a started booking keeps its start.
            #[serde(deserialize_with = "crate::journal::instant::deserialize_utc")]
            start: DateTime<Utc>,
            /// New end.
            #[serde(deserialize_with = "crate::journal::instant::deserialize_utc")]
            end: DateTime<Utc>,
        },
        /// The user or the owner changes the time of a series' future occurrences.
        EditSeries {
            /// The series.
            series: SeriesId,
            /// The new time.
            edit: SeriesEdit,
        },
        /// The user or the owner cancels a series' future occurrences.
        CancelSeries {
            /// The series.
            series: SeriesId,
            /// Why; required from the owner.
            reason: Option<String>,
        },
        /// The user or the owner checks the user in.
        CheckIn {
            /// The booking.
            booking: BookingId,
        },
        /// The owner completes a booking and records the usage.
        Complete {
            /// The booking.
            booking: BookingId,
            /// The hours, samples, service mode and amount to record.
            completion: Completion,
        },
        /// A user joins the waitlist for a slot.
        JoinWaitlist {
            /// The wanted slot.
            request: SlotRequest,
        },
        /// The user takes a waitlist offer.
        AcceptOffer {
            /// The offered booking.
            booking: BookingId,
        },
        /// The user turns down a waitlist offer.
        DeclineOffer {
            /// The offered booking.
            booking: BookingId,
        },
        /// The user leaves the waitlist.
        LeaveWaitlist {
            /// The entry.
            entry: WaitlistId,
        },
        /// Records every deadline passed by `now` and offers the freed slots.
        Sweep {
            /// Only this instrument; `None` for all, which needs office staff.
            instrument: Option<InstrumentId>,
        },
    }
}

impl BookingChange {
    /// Checks that every instant the change carries lies in 1900–2199.
    fn check_instants(&self) -> Result<()> {
        match self {
            BookingChange::SetPolicy { effective_from, .. } => check::check_instant("effective_from", *effective_from),
            BookingChange::AddBlackout { blackout, .. } => match &blackout.when {
                BlackoutTime::Once { start, end } => {
                    check::check_instant("when.start", *start)?;
                    check::check_instant("when.end", *end)
                }
                BlackoutTime::Recurring { .. } => Ok(()),
            },
            BookingChange::RequestSlot { request } | BookingChange::JoinWaitlist { request } => {
                check::check_instant("start", request.start)?;
                check::check_instant("end", request.end)
            }
            BookingChange::RequestSeries { request } => check::check_instant("first_start", request.first_start),
            BookingChange::Reschedule { start, end, .. } => {
                check::check_instant("start", *start)?;
                check::check_instant("end", *end)
            }
            _ => Ok(()),
        }
    }
}

/// The stored booking data; the indexes are rebuilt from it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct BookingData {
    pub(crate) calendar: Calendar,
    pub(crate) instruments: Vec<InstrumentBooking>,
    pub(crate) parties: Vec<Party>,
    pub(crate) bookings: Vec<Booking>,
    pub(crate) series: Vec<Series>,
    pub(crate) waitlist: Vec<WaitlistEntry>,
    pub(crate) service_records: Vec<ServiceRecord>,
    /// One entry per booking, by position: the link of a completed one.
    /// Snapshots write each completion inside its booking's details.
    pub(crate) completed: Vec<Option<CompletionLink>>,
}

impl BookingData {
    /// Returns the completion of the booking at `position`, rebuilt from
    /// its service record.
    pub(crate) fn completion(&self, position: usize) -> Option<Completion> {
        let link = (*self.completed.get(position)?)?;
        let record = self.service_records.get(link.record())?;
        Some(record.completion(link.amount_given()))
    }

    /// Returns the service record of the booking at `position`, if the
    /// booking is completed.
    pub(crate) fn service_record_at(&self, position: usize) -> Option<&ServiceRecord> {
        let link = (*self.completed.get(position)?)?;
        self.service_records.get(link.record())
    }
}

/// The form in which snapshots and schemas show [`BookingData`]: each
/// completion sits in its booking's details. The type keeps the name
/// `BookingData`, because serde's load errors name the Rust type, and its
/// doc comment is the schema's description.
mod stored {
    use super::*;

    /// The stored booking data; the indexes are rebuilt from it.
    #[derive(Deserialize, JsonSchema)]
    #[serde(rename = "BookingData")]
    pub(super) struct BookingData<B> {
        pub(super) calendar: Calendar,
        pub(super) instruments: Vec<InstrumentBooking>,
        pub(super) parties: Vec<Party>,
        pub(super) bookings: B,
        pub(super) series: Vec<Series>,
        pub(super) waitlist: Vec<WaitlistEntry>,
        pub(super) service_records: Vec<ServiceRecord>,
    }
}

/// The bookings of a [`BookingData`], each written with its completion.
struct BookingsOut<'a>(&'a BookingData);

impl Serialize for BookingsOut<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        let data = self.0;
        serializer.collect_seq(data.bookings.iter().enumerate().map(|(i, booking)| BookingOut { booking, completion: data.completion(i) }))
    }
}

impl Serialize for BookingData {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;

        let mut out = serializer.serialize_struct("BookingData", 7)?;
        out.serialize_field("calendar", &self.calendar)?;
        out.serialize_field("instruments", &self.instruments)?;
        out.serialize_field("parties", &self.parties)?;
        out.serialize_field("bookings", &BookingsOut(self))?;
        out.serialize_field("series", &self.series)?;
        out.serialize_field("waitlist", &self.waitlist)?;
        out.serialize_field("service_records", &self.service_records)?;
        out.end()
    }
}

impl<'de> Deserialize<'de> for BookingData {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> std::result::Result<BookingData, D::Error> {
        let stored = stored::BookingData::<LoadedBookings>::deserialize(deserializer)?;
        let (bookings, completed) = link_completions(stored.bookings, &stored.service_records).map_err(serde::de::Error::custom)?;
        Ok(BookingData {
            calendar: stored.calendar,
            instruments: stored.instruments,
            parties: stored.parties,
            bookings,
            series: stored.series,
            waitlist: stored.waitlist,
            service_records: stored.service_records,
            completed,
        })
    }
}

impl JsonSchema for BookingData {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "BookingData".into()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        stored::BookingData::<Vec<Booking>>::json_schema(generator)
    }
}

/// The bookings of a snapshot, each stored as it is read, with the
/// completions kept apart by booking position. Reading them one at a time
/// keeps a national file's loading peak near the size of its state.
struct LoadedBookings {
    bookings: Vec<Booking>,
    completions: Vec<(usize, Completion)>,
}

impl<'de> Deserialize<'de> for LoadedBookings {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> std::result::Result<LoadedBookings, D::Error> {
        deserializer.deserialize_seq(LoadedBookingsVisitor)
    }
}

struct LoadedBookingsVisitor;

impl<'de> serde::de::Visitor<'de> for LoadedBookingsVisitor {
    type Value = LoadedBookings;

    fn expecting(&self, formatter: &mut std::fmt::Formatter) -> std::fmt::Result {
        formatter.write_str("a sequence of bookings")
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> std::result::Result<LoadedBookings, A::Error> {
        // The size hint comes from the file, so at most 4096 bookings are reserved ahead.
        let mut loaded = LoadedBookings { bookings: Vec::with_capacity(seq.size_hint().unwrap_or(0).min(4096)), completions: Vec::new() };
        while let Some(LoadedBooking { booking, completion }) = seq.next_element()? {
            if let Some(completion) = completion {
                loaded.completions.push((loaded.bookings.len(), completion));
            }
            loaded.bookings.push(booking);
        }
        Ok(loaded)
    }
}

/// Pairs each loaded completion with the service record of its booking.
/// Replay writes exactly one record per completion, so a file in which
/// they do not pair up, or differ, was not written by this library.
fn link_completions(loaded: LoadedBookings, records: &[ServiceRecord]) -> std::result::Result<(Vec<Booking>, Vec<Option<CompletionLink>>), String> {
    const NO_RECORD: usize = usize::MAX;
    let LoadedBookings { bookings, completions } = loaded;
    let mut record_of = vec![NO_RECORD; bookings.len()];
    for (position, record) in records.iter().enumerate() {
        let Some(slot) = booking_index(record.booking).and_then(|i| record_of.get_mut(i)) else {
            return Err(format!("a service record names booking {}, which is not in the file; remove the record", record.booking));
        };
        if *slot != NO_RECORD {
            return Err(format!("booking {} has two service records; keep the one that matches its completion", record.booking));
        }
        *slot = position;
    }

    let mut completed = Vec::with_capacity(bookings.len());
    let mut completions = completions.into_iter().peekable();
    for (position, &record) in record_of.iter().enumerate() {
        let id = BookingId(position as u64 + 1);
        let completion = completions.next_if(|(at, _)| *at == position).map(|(_, completion)| completion);
        match (completion, record != NO_RECORD) {
            (None, false) => completed.push(None),
            (Some(completion), true) => {
                let amount_given = completion.amount.is_some();
                let recorded = records[record].completion(amount_given);
                // Hours are compared digit for digit, because the file's
                // completion is written back from the record: "2.50" must
                // not return as "2.5".
                if recorded != completion || recorded.actual_hours.serialize() != completion.actual_hours.serialize() {
                    return Err(format!("the completion of booking {id} differs from its service record; make the hours, samples, mode and amount agree"));
                }
                let link = CompletionLink::new(record, amount_given).ok_or_else(|| format!("service record {record} is past the last position a booking can link to"))?;
                completed.push(Some(link));
            }
            (Some(_), false) => return Err(format!("booking {id} has a completion but no service record; restore the record or remove the completion")),
            (None, true) => return Err(format!("booking {id} has a service record but no completion; restore the completion or remove the record")),
        }
    }
    Ok((bookings, completed))
}

impl Default for BookingData {
    fn default() -> BookingData {
        BookingData {
            // The compiled files are parsed by a unit test, so the empty
            // fallback is never taken by a tested build.
            calendar: Calendar::official().unwrap_or_default(),
            instruments: Vec::new(),
            parties: Vec::new(),
            bookings: Vec::new(),
            series: Vec::new(),
            waitlist: Vec::new(),
            service_records: Vec::new(),
            completed: Vec::new(),
        }
    }
}

/// Lookup structures derived from [`BookingData`].
///
/// No code iterates over these maps, so hash order cannot reach a result.
/// FxHash also has a fixed seed, so runs stay reproducible.
#[derive(Debug, Clone, Default)]
pub(crate) struct Indexes {
    pub(crate) instruments: FlatMap<InstrumentId, u32>,
    // Account ids of up to 24 bytes are stored inline, so comparing such a
    // key reads only the map's own memory. An account usually books for one
    // unit, so its parties sit inline in the entry too.
    pub(crate) actors: FlatMap<CompactString, SmallVec<[u32; 2]>>,
    pub(crate) unit_parties: FxHashMap<UnitId, Vec<u32>>,
    /// The distinct policies that instruments share.
    pub(crate) policies: PolicyPool,
    /// The training records of every instrument, keyed by slot and account
    /// id. A lookup is one probe that replay can prefetch, while the
    /// instrument's tree takes a cache miss per level. `None` marks a
    /// revoked record, because `FlatMap` never removes an entry.
    pub(crate) trained: FlatMap<TrainedKey, Option<TrainingRecord>>,
}

/// An instrument slot and an account id, the key of a training record.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct TrainedKey {
    pub(crate) slot: u32,
    pub(crate) user: CompactString,
}

/// The indexes of one instrument's bookings.
#[derive(Debug, Clone, Default)]
pub(crate) struct SlotIndex {
    pub(crate) occupancy: Occupancy,
    /// (party, start, booking) of the slot bookings that count or may come
    /// to count for quotas.
    pub(crate) by_party: Chunked<QuotaKey>,
    /// The waitlist entries that were waiting when last looked at, in join
    /// order. An entry never returns to waiting once it leaves that state,
    /// so stale ids are dropped when the list is read.
    pub(crate) waiting: Vec<WaitlistId>,
}

impl PartialEq for SlotIndex {
    /// Indexes are derived from the data, so two books with equal data are equal.
    fn eq(&self, _other: &SlotIndex) -> bool {
        true
    }
}

impl Eq for SlotIndex {}

impl PartialEq for Indexes {
    /// Indexes are derived from the data, so two books with equal data are equal.
    fn eq(&self, _other: &Indexes) -> bool {
        true
    }
}

impl Eq for Indexes {}

/// The place of one booking in the indexes: its instrument slot, its
/// occupancy entry if it blocks time, and its quota key if it counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct IndexPlace {
    slot: usize,
    occupancy: Option<occupancy::Entry>,
    quota: Option<QuotaKey>,
}

impl IndexPlace {
    fn of(booking: &Booking, id: BookingId) -> IndexPlace {
        let occupancy = booking.held_until().map(|held_until| {
            let (start, end) = booking.blocked();
            occupancy::Entry { start, end, held_until, id }
        });
        // Closed bookings never count again, so the quota index drops them.
        let may_count = booking.state.counts_for_quota() || booking.state == BookingState::Offered;
        let quota = (!booking.is_sample_request && may_count).then_some((booking.party, booking.start, id));
        IndexPlace { slot: booking.instrument as usize, occupancy, quota }
    }
}

/// A booking's place in its instrument's quota index: party, start, booking.
pub(crate) type QuotaKey = (u32, DateTime<Utc>, BookingId);

impl Keyed for QuotaKey {
    type Key = QuotaKey;

    fn key(&self) -> QuotaKey {
        *self
    }
}

/// All booking state of a network.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "BookingData")]
pub struct BookingBook {
    #[serde(flatten)]
    pub(crate) data: BookingData,
    #[serde(skip)]
    pub(crate) index: Indexes,
}

impl From<BookingData> for BookingBook {
    fn from(data: BookingData) -> BookingBook {
        let mut book = BookingBook { data, index: Indexes::default() };
        book.rebuild_indexes();
        book
    }
}

impl JsonSchema for BookingBook {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "BookingBook".into()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        BookingData::json_schema(generator)
    }
}

impl BookingBook {
    fn rebuild_indexes(&mut self) {
        let mut index = Indexes::default();
        for (i, instrument) in self.data.instruments.iter_mut().enumerate() {
            index.instruments.insert(instrument.id.clone(), i as u32);
            instrument.index = SlotIndex::default();
            for (user, record) in &instrument.trained {
                index.trained.insert(TrainedKey { slot: i as u32, user: user.clone() }, Some(record.clone()));
            }
        }
        for entry in self.data.waitlist.iter().filter(|entry| entry.state == WaitlistState::Waiting) {
            let slot = index.instruments.get(&entry.instrument).copied();
            if let Some(list) = slot.and_then(|slot| self.data.instruments.get_mut(slot as usize)).map(|data| &mut data.index.waiting) {
                list.push(entry.id);
            }
        }
        for (i, party) in self.data.parties.iter().enumerate() {
            if let Some(parties) = index.actors.get_or_insert_with(party.actor.clone(), SmallVec::new) {
                parties.push(i as u32);
            }
            if let Some(unit) = &party.unit {
                index.unit_parties.entry(unit.clone()).or_default().push(i as u32);
            }
        }
        for version in self.data.instruments.iter_mut().flat_map(|instrument| &mut instrument.policies) {
            version.policy = index.policies.adopt(Arc::clone(&version.policy));
        }
        self.index = index;
        for i in 0..self.data.bookings.len() {
            self.index_booking(BookingId(i as u64 + 1));
        }
    }

    /// Returns the indexes of the bookings of instrument slot `slot`.
    pub(crate) fn slot_index(&self, slot: u32) -> Option<&SlotIndex> {
        self.data.instruments.get(slot as usize).map(|data| &data.index)
    }

    /// Returns the indexes of the bookings of instrument slot `slot`, to change.
    pub(crate) fn slot_index_mut(&mut self, slot: u32) -> Option<&mut SlotIndex> {
        self.data.instruments.get_mut(slot as usize).map(|data| &mut data.index)
    }

    /// Returns the working-day calendar in use.
    pub fn calendar(&self) -> &Calendar {
        &self.data.calendar
    }

    /// Returns the id the next booking will get.
    pub fn next_booking_id(&self) -> BookingId {
        BookingId(self.data.bookings.len() as u64 + 1)
    }

    /// Returns the id the next series will get.
    pub fn next_series_id(&self) -> SeriesId {
        SeriesId(self.data.series.len() as u64 + 1)
    }

    /// Returns the id the next waitlist entry will get.
    pub fn next_waitlist_id(&self) -> WaitlistId {
        WaitlistId(self.data.waitlist.len() as u64 + 1)
    }

    /// Returns the number of bookings stored, in every state.
    pub fn booking_count(&self) -> usize {
        self.data.bookings.len()
    }

    /// Returns the profile of `instrument`.
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`] if the instrument has no booking data.
    pub fn profile(&self, instrument: &InstrumentId) -> Result<&BookingProfile> {
        Ok(&self.instrument(instrument)?.1.profile)
    }

    /// Returns the policy versions of `instrument`, oldest first.
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`] if the instrument has no booking data.
    pub fn policies(&self, instrument: &InstrumentId) -> Result<Vec<PolicyVersion>> {
        Ok(self.instrument(instrument)?.1.policies.iter().map(SharedVersion::to_version).collect())
    }

    /// Returns the blackouts of `instrument`.
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`] if the instrument has no booking data.
    pub fn blackouts(&self, instrument: &InstrumentId) -> Result<&[Blackout]> {
        Ok(&self.instrument(instrument)?.1.blackouts)
    }

    /// Returns the training record of `user` on `instrument`, if any.
    pub fn training(&self, instrument: &InstrumentId, user: &str) -> Option<&TrainingRecord> {
        self.instrument(instrument).ok().and_then(|(_, data)| data.trained.get(user))
    }

    /// Iterates over the instruments with booking data, in the order they were added.
    pub fn instruments(&self) -> impl Iterator<Item = &InstrumentId> {
        self.data.instruments.iter().map(|i| &i.id)
    }

    /// Returns the series with `id`.
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`] for an unknown id.
    pub fn series(&self, id: SeriesId) -> Result<&Series> {
        series_index(id)
            .and_then(|i| self.data.series.get(i))
            .ok_or_else(|| Error::not_found(Entity::BookingSeries, id))
    }

    /// Returns the waitlist entry with `id`.
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`] for an unknown id.
    pub fn waitlist_entry(&self, id: WaitlistId) -> Result<&WaitlistEntry> {
        waitlist_index(id)
            .and_then(|i| self.data.waitlist.get(i))
            .ok_or_else(|| Error::not_found(Entity::WaitlistEntry, id))
    }

    /// Iterates over the waitlist entries of `instrument` in the order they joined.
    pub fn waitlist<'a>(&'a self, instrument: &'a InstrumentId) -> impl Iterator<Item = &'a WaitlistEntry> + 'a {
        self.data.waitlist.iter().filter(move |entry| &entry.instrument == instrument)
    }

    /// Returns the service records in the order bookings were completed.
    pub fn service_records(&self) -> &[ServiceRecord] {
        &self.data.service_records
    }

    pub(crate) fn instrument(&self, id: &InstrumentId) -> Result<(u32, &InstrumentBooking)> {
        let slot = *self.index.instruments.get(id).ok_or_else(|| Error::not_found(Entity::Instrument, id))?;
        let data = self.data.instruments.get(slot as usize).ok_or_else(|| Error::not_found(Entity::Instrument, id))?;
        Ok((slot, data))
    }

    pub(crate) fn instrument_at(&self, slot: u32) -> Result<&InstrumentBooking> {
        self.data
            .instruments
            .get(slot as usize)
            .ok_or_else(|| Error::not_found(Entity::Instrument, slot))
    }

    /// Returns the service record of booking `id`, if it is completed.
    pub(crate) fn service_record_of(&self, id: BookingId) -> Option<&ServiceRecord> {
        booking_index(id).and_then(|i| self.data.service_record_at(i))
    }

    pub(crate) fn stored(&self, id: BookingId) -> Result<&Booking> {
        booking_index(id)
            .and_then(|i| self.data.bookings.get(i))
            .ok_or_else(|| Error::not_found(Entity::Booking, id))
    }

    pub(crate) fn stored_mut(&mut self, id: BookingId) -> Result<&mut Booking> {
        booking_index(id)
            .and_then(|i| self.data.bookings.get_mut(i))
            .ok_or_else(|| Error::not_found(Entity::Booking, id))
    }

    pub(crate) fn party(&self, slot: u32) -> Option<&Party> {
        self.data.parties.get(slot as usize)
    }

    /// Returns the party of `actor` with `unit` and `enterprise` if it has booked before.
    fn find_party_of(&self, actor: &str, unit: Option<&UnitId>, enterprise: Option<&EnterpriseId>) -> Option<u32> {
        self.index.actors.get(actor)?.iter().copied().find(|slot| {
            self.party(*slot).is_some_and(|party| party.unit.as_ref() == unit && party.enterprise.as_ref() == enterprise)
        })
    }

    pub(crate) fn intern_party(&mut self, actor: &Actor) -> u32 {
        self.intern_party_of(&actor.id, actor.unit(), actor.enterprise())
    }

    pub(crate) fn intern_party_of(&mut self, actor: &str, unit: Option<&UnitId>, enterprise: Option<&EnterpriseId>) -> u32 {
        if let Some(slot) = self.find_party_of(actor, unit, enterprise) {
            return slot;
        }
        let slot = self.data.parties.len() as u32;
        self.data.parties.push(Party { actor: CompactString::from(actor), unit: unit.cloned(), enterprise: enterprise.cloned() });
        if let Some(parties) = self.index.actors.get_or_insert_with(CompactString::from(actor), SmallVec::new) {
            parties.push(slot);
        }
        if let Some(unit) = unit {
            self.index.unit_parties.entry(unit.clone()).or_default().push(slot);
        }
        slot
    }

    /// Returns where the booking belongs in the occupancy and quota indexes.
    fn index_place(&self, id: BookingId) -> Option<IndexPlace> {
        self.stored(id).ok().map(|booking| IndexPlace::of(booking, id))
    }

    /// Stores a new booking and adds it to the indexes. The place is taken
    /// from `booking` before it is moved, because reading it back from the
    /// end of the booking list waited for memory in a profile of replay.
    pub(crate) fn push_booking(&mut self, booking: Booking) -> BookingId {
        let id = self.next_booking_id();
        let place = IndexPlace::of(&booking, id);
        self.data.bookings.push(booking);
        self.data.completed.push(None);
        self.move_in_indexes(None, Some(place));
        id
    }

    /// Adds the booking to the occupancy and quota indexes where it belongs.
    pub(crate) fn index_booking(&mut self, id: BookingId) {
        if let Some(place) = self.index_place(id) {
            self.move_in_indexes(None, Some(place));
        }
    }

    /// Changes a stored booking with `change` and moves it in the indexes
    /// from where it was to where it now belongs.
    pub(crate) fn update_booking(&mut self, id: BookingId, change: impl FnOnce(&mut Booking)) {
        let before = self.index_place(id);
        if let Ok(booking) = self.stored_mut(id) {
            change(booking);
        }
        let after = self.index_place(id);
        self.move_in_indexes(before, after);
    }

    /// Replaces the index entries of `before` by those of `after`, touching
    /// only what differs. A state change usually moves only the lapse
    /// instant, which the occupancy index updates in place.
    fn move_in_indexes(&mut self, before: Option<IndexPlace>, after: Option<IndexPlace>) {
        let old = before.as_ref().and_then(|place| Some((place.slot, place.occupancy?)));
        let new = after.as_ref().and_then(|place| Some((place.slot, place.occupancy?)));
        if old != new {
            // Occupancy::insert replaces an entry with the same start and id.
            let same_key = matches!((old, new), (Some((a, x)), Some((b, y))) if a == b && x.start == y.start && x.id == y.id);
            if let Some((slot, entry)) = old
                && !same_key
                && let Some(occupancy) = self.data.instruments.get_mut(slot).map(|data| &mut data.index.occupancy)
            {
                occupancy.remove(entry.id, entry.start);
            }
            if let Some((slot, entry)) = new
                && let Some(occupancy) = self.data.instruments.get_mut(slot).map(|data| &mut data.index.occupancy)
            {
                occupancy.insert(entry);
            }
        }

        let old = before.and_then(|place| Some((place.slot, place.quota?)));
        let new = after.and_then(|place| Some((place.slot, place.quota?)));
        if old != new {
            if let Some((slot, key)) = old
                && let Some(by_party) = self.data.instruments.get_mut(slot).map(|data| &mut data.index.by_party)
            {
                by_party.remove(key);
            }
            if let Some((slot, key)) = new
                && let Some(by_party) = self.data.instruments.get_mut(slot).map(|data| &mut data.index.by_party)
            {
                by_party.insert(key);
            }
        }
    }

    /// Lists every difference between the occupancy, quota and waitlist indexes and
    /// the records: a missing, extra or stale entry. Empty when they agree.
    /// Tests call this after each operation.
    #[doc(hidden)]
    pub fn index_mismatches(&self) -> Vec<String> {
        let mut mismatches = Vec::new();
        let mut expected: Vec<Vec<occupancy::Entry>> = vec![Vec::new(); self.data.instruments.len()];
        for (i, booking) in self.data.bookings.iter().enumerate() {
            let id = BookingId(i as u64 + 1);
            if let (Some(held_until), Some(list)) = (booking.held_until(), expected.get_mut(booking.instrument as usize)) {
                let (start, end) = booking.blocked();
                list.push(occupancy::Entry { start, end, held_until, id });
            }
        }
        for (slot, (occupancy, mut wanted)) in self.data.instruments.iter().map(|data| &data.index.occupancy).zip(expected).enumerate() {
            wanted.sort_by_key(|entry| (entry.start, entry.id));
            let stored: Vec<occupancy::Entry> = occupancy.entries().copied().collect();
            if stored != wanted {
                mismatches.push(format!("instrument slot {slot}: index {stored:?}, records {wanted:?}"));
            }
            if occupancy.len() != stored.len() {
                mismatches.push(format!("instrument slot {slot}: length {} for {} entries", occupancy.len(), stored.len()));
            }
        }
        let mut quota_keys: Vec<Vec<QuotaKey>> = vec![Vec::new(); self.data.instruments.len()];
        for i in 0..self.data.bookings.len() {
            let place = self.index_place(BookingId(i as u64 + 1));
            if let Some((key, list)) = place.and_then(|place| Some((place.quota?, quota_keys.get_mut(place.slot)?))) {
                list.push(key);
            }
        }
        for (slot, (index, mut wanted)) in self.data.instruments.iter().map(|data| &data.index).zip(quota_keys).enumerate() {
            wanted.sort_unstable();
            let stored: Vec<QuotaKey> = index.by_party.iter().copied().collect();
            if stored != wanted || index.by_party.len() != wanted.len() {
                mismatches.push(format!("instrument slot {slot}: quota index {stored:?}, records {wanted:?}"));
            }
        }
        for (slot, (instrument, listed)) in self.data.instruments.iter().map(|data| (data, &data.index.waiting)).enumerate() {
            let recorded: Vec<WaitlistId> = self
                .data
                .waitlist
                .iter()
                .filter(|entry| entry.instrument == instrument.id && entry.state == WaitlistState::Waiting)
                .map(|entry| entry.id)
                .collect();
            let found: Vec<WaitlistId> = listed.iter().copied().filter(|id| self.is_waiting(*id)).collect();
            if found != recorded {
                mismatches.push(format!("instrument slot {slot}: waiting index {found:?}, records {recorded:?}"));
            }
        }
        mismatches
    }

    /// Returns the number of bookings in the occupancy index of `instrument`.
    pub fn indexed_bookings(&self, instrument: &InstrumentId) -> usize {
        self.instrument(instrument)
            .ok()
            .and_then(|(slot, _)| self.slot_index(slot).map(|index| &index.occupancy))
            .map_or(0, Occupancy::len)
    }

    /// Checks and applies one change. Nothing changes if an error is returned.
    pub(crate) fn apply(&mut self, registry: &Registry, at: DateTime<Utc>, actor: &Actor, change: &BookingChange) -> Result<()> {
        check::check_instant("now", at)?;
        change.check_instants()?;
        match change {
            BookingChange::LoadCalendarYear { data } => self.load_calendar_year(actor, data),
            BookingChange::SetProfile { instrument, profile } => self.set_profile(registry, actor, instrument, profile),
            BookingChange::SetPolicy { instrument, effective_from, policy } => {
                self.set_policy(registry, actor, instrument, *effective_from, policy)
            }
            BookingChange::AddBlackout { instrument, blackout } => self.add_blackout(registry, actor, instrument, blackout),
            BookingChange::RemoveBlackout { instrument, blackout } => {
                self.remove_blackout(registry, actor, instrument, blackout)
            }
            BookingChange::GrantTraining { instrument, user, valid_until } => {
                self.grant_training(registry, at, actor, instrument, user, *valid_until)
            }
            BookingChange::RevokeTraining { instrument, user } => self.revoke_training(registry, actor, instrument, user),
            BookingChange::RequestSlot { request } => self.request_slot(registry, at, actor, request),
            BookingChange::RequestSeries { request } => self.request_series(registry, at, actor, request),
            BookingChange::RequestSamples { request } => self.request_samples(registry, at, actor, request),
            BookingChange::Confirm { booking } => self.confirm(registry, at, actor, *booking),
            BookingChange::Reject { booking, reason } => self.reject(registry, at, actor, *booking, reason),
            BookingChange::Cancel { booking, reason } => self.cancel(registry, at, actor, *booking, reason.as_deref()),
            BookingChange::Reschedule { booking, start, end } => {
                self.reschedule(registry, at, actor, *booking, *start, *end)
            }
            BookingChange::EditSeries { series, edit } => self.edit_series(registry, at, actor, *series, edit),
            BookingChange::CancelSeries { series, reason } => {
                self.cancel_series(registry, at, actor, *series, reason.as_deref())
            }
            BookingChange::CheckIn { booking } => self.check_in(registry, at, actor, *booking),
            BookingChange::Complete { booking, completion } => self.complete(registry, at, actor, *booking, completion),
            BookingChange::JoinWaitlist { request } => self.join_waitlist(registry, at, actor, request),
            BookingChange::AcceptOffer { booking } => self.accept_offer(registry, at, actor, *booking),
            BookingChange::DeclineOffer { booking } => self.decline_offer(registry, at, actor, *booking),
            BookingChange::LeaveWaitlist { entry } => self.leave_waitlist(registry, at, actor, *entry),
            BookingChange::Sweep { instrument } => self.sweep(registry, at, actor, instrument.as_ref()),
        }
    }

    fn load_calendar_year(&mut self, actor: &Actor, data: &str) -> Result<()> {
        access::require_office(actor, "load_calendar_year")?;
        let mut calendar = self.data.calendar.clone();
        calendar.load_year(data.as_bytes())?;
        self.data.calendar = calendar;
        Ok(())
    }

    fn set_profile(&mut self, registry: &Registry, actor: &Actor, id: &InstrumentId, profile: &BookingProfile) -> Result<()> {
        require_owner(registry, actor, id, "set_booking_profile")?;
        profile.validate()?;
        let slot = self.ensure_instrument(id);
        if let Some(data) = self.data.instruments.get_mut(slot as usize) {
            data.profile = profile.clone();
        }
        Ok(())
    }

    fn set_policy(
        &mut self,
        registry: &Registry,
        actor: &Actor,
        id: &InstrumentId,
        effective_from: DateTime<Utc>,
        policy: &BookingPolicy,
    ) -> Result<()> {
        require_owner(registry, actor, id, "set_booking_policy")?;
        policy.validate()?;
        let slot = self.ensure_instrument(id);
        let Some(data) = self.data.instruments.get_mut(slot as usize) else { return Ok(()) };
        let version = SharedVersion { effective_from, policy: self.index.policies.share(policy) };
        let position = data.policies.partition_point(|version| version.effective_from < effective_from);
        match data.policies.get_mut(position) {
            Some(same) if same.effective_from == effective_from => {
                let replaced = std::mem::replace(same, version);
                self.index.policies.release(&replaced.policy);
            }
            _ => data.policies.insert(position, version),
        }
        Ok(())
    }

    fn add_blackout(&mut self, registry: &Registry, actor: &Actor, id: &InstrumentId, blackout: &Blackout) -> Result<()> {
        require_owner(registry, actor, id, "add_blackout")?;
        blackout.validate()?;
        if let Ok((_, data)) = self.instrument(id)
            && data.blackouts.iter().any(|b| b.id == blackout.id)
        {
            return Err(Error::AlreadyExists { entity: Entity::Blackout, id: blackout.id.clone() });
        }
        let slot = self.ensure_instrument(id);
        if let Some(data) = self.data.instruments.get_mut(slot as usize) {
            data.blackouts.push(blackout.clone());
        }
        Ok(())
    }

    fn remove_blackout(&mut self, registry: &Registry, actor: &Actor, id: &InstrumentId, blackout: &str) -> Result<()> {
        require_owner(registry, actor, id, "remove_blackout")?;
        let (slot, data) = self.instrument(id)?;
        if !data.blackouts.iter().any(|b| b.id == blackout) {
            return Err(Error::not_found(Entity::Blackout, blackout));
        }
        if let Some(data) = self.data.instruments.get_mut(slot as usize) {
            data.blackouts.retain(|b| b.id != blackout);
        }
        Ok(())
    }

    fn grant_training(
        &mut self,
        registry: &Registry,
        at: DateTime<Utc>,
        actor: &Actor,
        id: &InstrumentId,
        user: &str,
        valid_until: Option<NaiveDate>,
    ) -> Result<()> {
        require_owner(registry, actor, id, "grant_training")?;
        if user.trim().is_empty() {
            return Err(Error::Missing { field: "user".to_owned() });
        }
        let slot = self.ensure_instrument(id);
        let record = TrainingRecord { granted_at: at, valid_until };
        if let Some(data) = self.data.instruments.get_mut(slot as usize) {
            data.trained.insert(CompactString::from(user), record.clone());
        }
        self.index.trained.insert(TrainedKey { slot, user: CompactString::from(user) }, Some(record));
        Ok(())
    }

    fn revoke_training(&mut self, registry: &Registry, actor: &Actor, id: &InstrumentId, user: &str) -> Result<()> {
        require_owner(registry, actor, id, "revoke_training")?;
        let (slot, data) = self.instrument(id)?;
        if !data.trained.contains_key(user) {
            return Err(Error::not_found(Entity::Record, format!("training {user}")));
        }
        if let Some(data) = self.data.instruments.get_mut(slot as usize) {
            data.trained.remove(user);
        }
        self.index.trained.insert(TrainedKey { slot, user: CompactString::from(user) }, None);
        Ok(())
    }

    fn ensure_instrument(&mut self, id: &InstrumentId) -> u32 {
        if let Some(slot) = self.index.instruments.get(id) {
            return *slot;
        }
        let slot = self.data.instruments.len() as u32;
        self.data.instruments.push(InstrumentBooking {
            id: id.clone(),
            profile: BookingProfile::default(),
            policies: SmallVec::new(),
            blackouts: Vec::new(),
            trained: BTreeMap::new(),
            index: SlotIndex::default(),
        });
        self.index.instruments.insert(id.clone(), slot);
        slot
    }
}

fn booking_index(id: BookingId) -> Option<usize> {
    usize::try_from(id.0).ok()?.checked_sub(1)
}

pub(crate) fn series_index(id: SeriesId) -> Option<usize> {
    usize::try_from(id.0).ok()?.checked_sub(1)
}

pub(crate) fn waitlist_index(id: WaitlistId) -> Option<usize> {
    usize::try_from(id.0).ok()?.checked_sub(1)
}

/// Checks that `actor` administers the unit owning `instrument`, or is office staff.
pub(crate) fn require_owner<'a>(registry: &'a Registry, actor: &Actor, instrument: &InstrumentId, action: &str) -> Result<&'a UnitId> {
    let owner = registry.owner(registry.booking_facts(instrument)?)?;
    access::require_unit_or_office(actor, owner, action)?;
    Ok(owner)
}

/// Checks that `actor` may book `instrument` and returns the user's fee class.
///
/// The instrument must be published. Instruments shared only inside their
/// unit, or not shared, take bookings only from that unit and the office.
pub(crate) fn booking_user_type(
    registry: &Registry,
    actor: &Actor,
    instrument: &InstrumentId,
    voucher: Option<&str>,
) -> Result<UserType> {
    let facts = registry.booking_facts(instrument)?;
    if !facts.published {
        return Err(Error::InvalidState {
            entity: Entity::Instrument,
            id: instrument.to_string(),
            state: "unpublished".to_owned(),
            action: "book".to_owned(),
        });
    }
    // Units are compared by their position in the registry, which is
    // unique to each registered unit.
    let actor_unit = actor.unit().and_then(|unit| registry.unit_position(unit));
    let internal = actor_unit == Some(facts.unit);
    if !facts.shared_outside && !internal && !actor.is_office() {
        let owner = registry.owner(facts)?;
        return Err(Error::rule(
            "booking.sharing_mode",
            Text::new(
                format!("仪器 {instrument} 仅对单位 {owner} 内部开放，不接受外单位预约"),
                format!("instrument {instrument} is open only to users of unit {owner}; it takes no outside bookings"),
            ),
        ));
    }
    if let Some(voucher) = voucher {
        if voucher.trim().is_empty() {
            return Err(Error::Missing { field: "voucher".to_owned() });
        }
        return Ok(UserType::VoucherHolder);
    }
    if internal {
        return Ok(UserType::Internal);
    }
    Ok(if actor_unit.is_some() { UserType::NetworkMember } else { UserType::External })
}

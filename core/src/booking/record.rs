//! Stored bookings, series and waitlist entries, and the views callers get.
//!
//! A stored `Booking` is kept small (about 100 bytes) because an instrument
//! may hold a hundred thousand of them: people and instruments are numbers
//! into tables, a short purpose is stored inline, and rarely used text sits
//! behind one optional box. Callers
//! see [`BookingView`], which spells everything out.

use std::fmt;
use std::num::NonZeroU32;

use chrono::{DateTime, NaiveDate, Utc};
use compact_str::CompactString;
use rust_decimal::Decimal;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::booking::policy::UserType;
use crate::calendar::LocalTime;
use crate::ids::{EnterpriseId, InstrumentId, UnitId};
use crate::lang::Text;
use crate::money::Money;

macro_rules! number_id {
    ($(#[$doc:meta])* $name:ident, $prefix:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema)]
        #[serde(transparent)]
        pub struct $name(pub u64);

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, concat!($prefix, "{}"), self.0)
            }
        }
    };
}

number_id!(
    /// Id of a booking (预约编号), assigned in order from 1.
    BookingId,
    "B"
);
number_id!(
    /// Id of a recurring booking (周期预约编号), assigned in order from 1.
    SeriesId,
    "S"
);
number_id!(
    /// Id of a waitlist entry (候补编号), assigned in order from 1.
    WaitlistId,
    "W"
);

/// Lifecycle state of a booking (预约状态).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum BookingState {
    /// Waiting for the owner's decision (待审核).
    Requested,
    /// A freed slot offered to a waitlisted user, waiting for the user (候补待确认).
    Offered,
    /// Confirmed by the owner (已确认).
    Confirmed,
    /// The user checked in (已签到).
    CheckedIn,
    /// Finished, with usage recorded (已完成).
    Completed,
    /// Turned down by the owner with a reason (已拒绝).
    Rejected,
    /// Neither confirmed nor rejected in time (已过期).
    Expired,
    /// Cancelled by the user or the owner (已取消).
    Cancelled,
    /// Not checked in in time; the slot was released (爽约).
    NoShow,
    /// A waitlist offer the user turned down (已放弃).
    Declined,
    /// A waitlist offer not taken in time (候补过期).
    Lapsed,
}

impl BookingState {
    /// Returns the stable snake_case name.
    pub fn name(self) -> &'static str {
        match self {
            BookingState::Requested => "requested",
            BookingState::Offered => "offered",
            BookingState::Confirmed => "confirmed",
            BookingState::CheckedIn => "checked_in",
            BookingState::Completed => "completed",
            BookingState::Rejected => "rejected",
            BookingState::Expired => "expired",
            BookingState::Cancelled => "cancelled",
            BookingState::NoShow => "no_show",
            BookingState::Declined => "declined",
            BookingState::Lapsed => "lapsed",
        }
    }

    /// Returns the Chinese label.
    pub fn label_zh(self) -> &'static str {
        match self {
            BookingState::Requested => "待审核",
            BookingState::Offered => "候补待确认",
            BookingState::Confirmed => "已确认",
            BookingState::CheckedIn => "已签到",
            BookingState::Completed => "已完成",
            BookingState::Rejected => "已拒绝",
            BookingState::Expired => "已过期",
            BookingState::Cancelled => "已取消",
            BookingState::NoShow => "爽约",
            BookingState::Declined => "已放弃",
            BookingState::Lapsed => "候补过期",
        }
    }

    /// Returns true for states that count against quotas.
    pub fn counts_for_quota(self) -> bool {
        matches!(
            self,
            BookingState::Requested
                | BookingState::Confirmed
                | BookingState::CheckedIn
                | BookingState::Completed
                | BookingState::NoShow
        )
    }
}

/// Delivery mode of a service (服务方式), as service records list it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ServiceMode {
    /// The user operates the instrument (占用).
    UserOperated,
    /// The user operates it under staff guidance (技术).
    Guided,
    /// Staff run it for the user (委托).
    StaffRun,
    /// Remote service (远程).
    Remote,
    /// Any other mode (其他).
    Other,
}

impl ServiceMode {
    /// Returns the Chinese label.
    pub fn label_zh(self) -> &'static str {
        match self {
            ServiceMode::UserOperated => "占用",
            ServiceMode::Guided => "技术",
            ServiceMode::StaffRun => "委托",
            ServiceMode::Remote => "远程",
            ServiceMode::Other => "其他",
        }
    }
}

/// The owner's record of a completed booking (完成登记).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Completion {
    /// Hours actually used (实际机时); 0 to 8784.
    pub actual_hours: Decimal,
    /// Samples tested (样品数).
    #[serde(default)]
    pub samples: u32,
    /// Delivery mode.
    pub mode: ServiceMode,
    /// Amount charged; `None` computes it from the fee standard and the actual figures.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount: Option<Money>,
}

/// A link from a completed booking to its service record, which repeats
/// the completion's figures. The record keeps only the amount charged, so
/// the link also records whether the owner gave it or it was computed.
/// It takes four bytes, because `BookingData::completed` has an entry for
/// every booking, completed or not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct CompletionLink(NonZeroU32);

impl CompletionLink {
    /// The bit set when the owner gave the amount. The bits below it hold
    /// the record's position plus one.
    const AMOUNT_GIVEN: u32 = 1 << 31;

    /// Returns the link to the service record at position `record`, or
    /// `None` if the position does not fit in 31 bits.
    pub(crate) fn new(record: usize, amount_given: bool) -> Option<CompletionLink> {
        let number = u32::try_from(record).ok()?.checked_add(1).filter(|&number| number < Self::AMOUNT_GIVEN)?;
        let flag = if amount_given { Self::AMOUNT_GIVEN } else { 0 };
        NonZeroU32::new(number | flag).map(CompletionLink)
    }

    /// Returns the position of the service record.
    pub(crate) fn record(self) -> usize {
        ((self.0.get() & !Self::AMOUNT_GIVEN) - 1) as usize
    }

    /// Returns true if the owner gave the amount charged.
    pub(crate) fn amount_given(self) -> bool {
        self.0.get() & Self::AMOUNT_GIVEN != 0
    }
}

/// Rarely set details of a booking, boxed to keep [`Booking`] small. A
/// completion is kept apart (see [`CompletionLink`]), because most
/// completed bookings have no other detail.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct BookingDetails {
    pub(crate) voucher: Option<String>,
    pub(crate) test_item: Option<String>,
    pub(crate) samples: u32,
    pub(crate) reason: Option<String>,
    pub(crate) waitlist: Option<WaitlistId>,
}

/// A stored booking. Sample submissions have no slot: their `start` and
/// `end` are the request instant.
///
/// Snapshots and the schema show the purpose inside the details, as
/// snapshots have always written it (see [`stored::Booking`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Booking {
    pub(crate) start: DateTime<Utc>,
    pub(crate) end: DateTime<Utc>,
    pub(crate) created: DateTime<Utc>,
    /// When the booking lapses unless acted on: the answer deadline of a
    /// request, the deadline of an offer, the check-in deadline of a
    /// confirmed booking.
    pub(crate) due: DateTime<Utc>,
    pub(crate) instrument: u32,
    pub(crate) party: u32,
    pub(crate) series: Option<NonZeroU32>,
    pub(crate) people: u16,
    pub(crate) buffer_before: u16,
    pub(crate) buffer_after: u16,
    pub(crate) state: BookingState,
    pub(crate) user_type: UserType,
    pub(crate) holds_while_pending: bool,
    pub(crate) is_sample_request: bool,
    // The purpose is stored inline up to 24 bytes (eight Chinese
    // characters) and in its own buffer beyond that, so a booking whose only
    // detail is its purpose needs no details box (96 bytes on the heap).
    pub(crate) purpose: CompactString,
    pub(crate) details: Option<Box<BookingDetails>>,
}

/// The form in which snapshots and schemas show a booking: the purpose
/// sits inside the details. The types keep the names of the in-memory
/// types, because serde's load errors name the Rust type ("expected struct
/// Booking"). Their doc comments are the schema's descriptions.
mod stored {
    use super::*;

    /// A stored booking. Sample submissions have no slot: their `start` and
    /// `end` are the request instant.
    #[derive(Serialize, Deserialize, JsonSchema)]
    #[serde(rename = "Booking")]
    pub(super) struct Booking<D> {
        pub(super) start: DateTime<Utc>,
        pub(super) end: DateTime<Utc>,
        pub(super) created: DateTime<Utc>,
        /// When the booking lapses unless acted on: the answer deadline of a
        /// request, the deadline of an offer, the check-in deadline of a
        /// confirmed booking.
        pub(super) due: DateTime<Utc>,
        pub(super) instrument: u32,
        pub(super) party: u32,
        pub(super) series: Option<NonZeroU32>,
        pub(super) people: u16,
        pub(super) buffer_before: u16,
        pub(super) buffer_after: u16,
        pub(super) state: BookingState,
        pub(super) user_type: UserType,
        pub(super) holds_while_pending: bool,
        pub(super) is_sample_request: bool,
        pub(super) details: Option<D>,
    }

    /// Rarely set details of a booking, boxed to keep [`Booking`] small.
    #[derive(Default, Deserialize, JsonSchema)]
    pub(super) struct BookingDetails {
        #[schemars(with = "String")]
        pub(super) purpose: CompactString,
        pub(super) voucher: Option<String>,
        pub(super) test_item: Option<String>,
        pub(super) samples: u32,
        pub(super) reason: Option<String>,
        pub(super) completion: Option<Completion>,
        pub(super) waitlist: Option<WaitlistId>,
    }
}

/// The details of a booking with its purpose and completion, written as
/// [`stored::BookingDetails`] without copying them.
struct DetailsView<'a> {
    purpose: &'a str,
    rest: Option<&'a BookingDetails>,
    completion: Option<&'a Completion>,
}

impl Serialize for DetailsView<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;

        let none = BookingDetails::default();
        let rest = self.rest.unwrap_or(&none);
        let mut out = serializer.serialize_struct("BookingDetails", 7)?;
        out.serialize_field("purpose", self.purpose)?;
        out.serialize_field("voucher", &rest.voucher)?;
        out.serialize_field("test_item", &rest.test_item)?;
        out.serialize_field("samples", &rest.samples)?;
        out.serialize_field("reason", &rest.reason)?;
        out.serialize_field("completion", &self.completion)?;
        out.serialize_field("waitlist", &rest.waitlist)?;
        out.end()
    }
}

/// A booking with its completion, in the form snapshots write.
pub(crate) struct BookingOut<'a> {
    pub(crate) booking: &'a Booking,
    pub(crate) completion: Option<Completion>,
}

impl Serialize for BookingOut<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let booking = self.booking;
        let completion = self.completion.as_ref();
        let details = match (booking.purpose.is_empty(), booking.details.as_deref(), completion) {
            (true, None, None) => None,
            (_, rest, completion) => Some(DetailsView { purpose: &booking.purpose, rest, completion }),
        };
        stored::Booking {
            start: booking.start,
            end: booking.end,
            created: booking.created,
            due: booking.due,
            instrument: booking.instrument,
            party: booking.party,
            series: booking.series,
            people: booking.people,
            buffer_before: booking.buffer_before,
            buffer_after: booking.buffer_after,
            state: booking.state,
            user_type: booking.user_type,
            holds_while_pending: booking.holds_while_pending,
            is_sample_request: booking.is_sample_request,
            details,
        }
        .serialize(serializer)
    }
}

/// A booking as a snapshot gives it, with its completion apart.
#[derive(Debug, PartialEq)]
pub(crate) struct LoadedBooking {
    pub(crate) booking: Booking,
    pub(crate) completion: Option<Completion>,
}

impl<'de> Deserialize<'de> for LoadedBooking {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<LoadedBooking, D::Error> {
        let stored = stored::Booking::<stored::BookingDetails>::deserialize(deserializer)?;
        let stored::BookingDetails { purpose, voucher, test_item, samples, reason, completion, waitlist } = stored.details.unwrap_or_default();
        let rest = BookingDetails { voucher, test_item, samples, reason, waitlist };
        // Replay boxes details only when one of them is set, so a loaded
        // state must do the same to compare equal to a replayed one. A
        // details object with nothing set, which the library never writes,
        // therefore loads as none and is written back as `null`.
        let details = (rest != BookingDetails::default()).then(|| Box::new(rest));
        let booking = Booking {
            start: stored.start,
            end: stored.end,
            created: stored.created,
            due: stored.due,
            instrument: stored.instrument,
            party: stored.party,
            series: stored.series,
            people: stored.people,
            buffer_before: stored.buffer_before,
            buffer_after: stored.buffer_after,
            state: stored.state,
            user_type: stored.user_type,
            holds_while_pending: stored.holds_while_pending,
            is_sample_request: stored.is_sample_request,
            purpose,
            details,
        };
        Ok(LoadedBooking { booking, completion })
    }
}

impl JsonSchema for Booking {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Booking".into()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        stored::Booking::<stored::BookingDetails>::json_schema(generator)
    }
}

impl Booking {
    /// Returns the state at `now`: a stored requested, offered or confirmed
    /// booking whose deadline has passed has lapsed even before a sweep
    /// records it.
    pub(crate) fn state_at(&self, now: DateTime<Utc>) -> BookingState {
        if now < self.due {
            return self.state;
        }
        match self.state {
            BookingState::Requested => BookingState::Expired,
            BookingState::Offered => BookingState::Lapsed,
            BookingState::Confirmed if !self.is_sample_request => BookingState::NoShow,
            state => state,
        }
    }

    /// Returns true if the booking blocks its slot at `now`.
    pub(crate) fn holds_slot_at(&self, now: DateTime<Utc>) -> bool {
        if self.is_sample_request {
            return false;
        }
        match self.state_at(now) {
            BookingState::Requested => self.holds_while_pending,
            BookingState::Offered | BookingState::Confirmed | BookingState::CheckedIn | BookingState::Completed => true,
            _ => false,
        }
    }

    /// Returns true if the stored state may block the slot, so the booking
    /// belongs in the occupancy index.
    pub(crate) fn indexed(&self) -> bool {
        if self.is_sample_request {
            return false;
        }
        match self.state {
            BookingState::Requested => self.holds_while_pending,
            BookingState::Offered | BookingState::Confirmed | BookingState::CheckedIn | BookingState::Completed => true,
            _ => false,
        }
    }

    /// Returns the first instant at which the booking stops holding its
    /// slot unless someone acts on it, or `None` if its stored state does
    /// not hold the slot. The occupancy index keeps this instant so that
    /// searches need not read the booking: [`Booking::holds_slot_at`] is
    /// true exactly when it is `Some` and `now` is before it.
    pub(crate) fn held_until(&self) -> Option<DateTime<Utc>> {
        if !self.indexed() {
            return None;
        }
        Some(match self.state {
            BookingState::CheckedIn | BookingState::Completed => DateTime::<Utc>::MAX_UTC,
            _ => self.due,
        })
    }

    pub(crate) fn minutes(&self) -> i64 {
        (self.end - self.start).num_minutes()
    }

    pub(crate) fn blocked(&self) -> (DateTime<Utc>, DateTime<Utc>) {
        // Most policies have no buffers, and chrono's arithmetic is not free.
        if self.buffer_before == 0 && self.buffer_after == 0 {
            return (self.start, self.end);
        }
        let before = chrono::Duration::minutes(i64::from(self.buffer_before));
        let after = chrono::Duration::minutes(i64::from(self.buffer_after));
        (self.start - before, self.end + after)
    }

    pub(crate) fn details_mut(&mut self) -> &mut BookingDetails {
        self.details.get_or_insert_with(Box::default)
    }
}

/// A person who books: an account id and the unit it books for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub(crate) struct Party {
    // Account ids of up to 24 bytes are stored inline, which saves replay
    // a cache miss on each booking's party.
    #[schemars(with = "String")]
    pub(crate) actor: CompactString,
    pub(crate) unit: Option<UnitId>,
    /// The enterprise or startup team the account books for, when it is an
    /// enterprise contact; innovation vouchers check it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) enterprise: Option<EnterpriseId>,
}

/// A date of a recurring request that was not booked, with the reason (跳过的日期).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct SkippedOccurrence {
    /// Local date of the occurrence in the instrument's zone.
    pub date: NaiveDate,
    /// Its start.
    pub start: DateTime<Utc>,
    /// The error code, such as `rule_violation`.
    pub code: String,
    /// The rule broken, such as `booking.blackout`, if the error names one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
    /// The error message.
    pub reason: Text,
}

/// A recurring booking (周期预约).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Series {
    /// Id.
    pub id: SeriesId,
    /// The instrument.
    pub instrument: InstrumentId,
    /// Account that made it.
    pub requester: String,
    /// Its occurrences in date order, skipped dates excluded.
    pub bookings: Vec<BookingId>,
    /// Dates skipped when it was made or last edited.
    pub skipped: Vec<SkippedOccurrence>,
}

/// State of a waitlist entry (候补状态).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum WaitlistState {
    /// Waiting for the slot to free up.
    Waiting,
    /// The slot was offered as a booking; see `offer`. An offer that lapses
    /// without an answer keeps this state until a sweep records the lapse.
    Offered,
    /// The user took the offer.
    Booked,
    /// The user declined the offer or left the waitlist.
    Withdrawn,
    /// The offer lapsed, or the slot's start passed before it freed up.
    Lapsed,
}

/// A request to be offered a slot when it frees up (候补).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct WaitlistEntry {
    /// Id.
    pub id: WaitlistId,
    /// The instrument.
    pub instrument: InstrumentId,
    /// Account waiting.
    pub requester: String,
    /// The account's unit.
    pub unit: Option<UnitId>,
    /// The enterprise or startup team the account books for, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enterprise: Option<EnterpriseId>,
    /// Fee class of the account for this instrument.
    pub user_type: UserType,
    /// Wanted start.
    pub start: DateTime<Utc>,
    /// Wanted end.
    pub end: DateTime<Utc>,
    /// People.
    pub people: u16,
    /// Purpose.
    pub purpose: String,
    /// Voucher number, if paying with an innovation voucher.
    pub voucher: Option<String>,
    /// When the user joined.
    pub joined_at: DateTime<Utc>,
    /// Current state.
    pub state: WaitlistState,
    /// The offered booking, once offered.
    pub offer: Option<BookingId>,
}

/// Purpose of a booking: instrument time or samples.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum BookingKind {
    /// Instrument time in a slot (机时预约).
    Slot {
        /// Start.
        start: DateTime<Utc>,
        /// End (exclusive).
        end: DateTime<Utc>,
        /// Start on the instrument's clock.
        start_local: LocalTime,
        /// End on the instrument's clock.
        end_local: LocalTime,
        /// Start on the viewer's clock, if the viewer named a zone.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        start_viewer: Option<LocalTime>,
        /// End on the viewer's clock, if the viewer named a zone.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        end_viewer: Option<LocalTime>,
        /// People in the booking.
        people: u16,
    },
    /// Samples for staff to test, without a slot (送样检测).
    Samples {
        /// Test item (检测项目).
        test_item: String,
        /// Number of samples.
        samples: u32,
    },
}

/// A booking as callers see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct BookingView {
    /// Id.
    pub id: BookingId,
    /// The instrument.
    pub instrument: InstrumentId,
    /// Account that booked.
    pub requester: String,
    /// The account's unit.
    pub requester_unit: Option<UnitId>,
    /// Fee class of the requester.
    pub user_type: UserType,
    /// Slot or samples.
    pub kind: BookingKind,
    /// State at the instant asked about.
    pub state: BookingState,
    /// The series it belongs to.
    pub series: Option<SeriesId>,
    /// When it was requested.
    pub created_at: DateTime<Utc>,
    /// When a request or offer lapses unless answered, or a confirmed
    /// booking is released unless checked in.
    pub due: Option<DateTime<Utc>>,
    /// Purpose (用途).
    pub purpose: String,
    /// Voucher number, if any.
    pub voucher: Option<String>,
    /// Rejection or cancellation reason.
    pub reason: Option<String>,
    /// The figures recorded at completion.
    pub completion: Option<Completion>,
    /// Minutes blocked before the slot.
    pub buffer_before_minutes: u16,
    /// Minutes blocked after the slot.
    pub buffer_after_minutes: u16,
}

#[cfg(test)]
mod tests {
    use super::*;

    const STATES: [BookingState; 11] = [
        BookingState::Requested,
        BookingState::Offered,
        BookingState::Confirmed,
        BookingState::CheckedIn,
        BookingState::Completed,
        BookingState::Rejected,
        BookingState::Expired,
        BookingState::Cancelled,
        BookingState::NoShow,
        BookingState::Declined,
        BookingState::Lapsed,
    ];

    fn booking(state: BookingState, holds_while_pending: bool, is_sample_request: bool) -> Booking {
        let at = |hour: u32| chrono::TimeZone::with_ymd_and_hms(&Utc, 2025, 10, 9, hour, 0, 0).unwrap();
        Booking {
            start: at(10),
            end: at(11),
            created: at(1),
            due: at(9),
            instrument: 0,
            party: 0,
            series: None,
            people: 1,
            buffer_before: 0,
            buffer_after: 0,
            state,
            user_type: UserType::Internal,
            holds_while_pending,
            is_sample_request,
            purpose: CompactString::default(),
            details: None,
        }
    }

    #[test]
    fn held_until_agrees_with_holds_slot_at() {
        let moments = [8u32, 9, 10, 12].map(|hour| chrono::TimeZone::with_ymd_and_hms(&Utc, 2025, 10, 9, hour, 0, 0).unwrap());
        for state in STATES {
            for (holds_while_pending, is_sample_request) in [(false, false), (true, false), (false, true), (true, true)] {
                let stored = booking(state, holds_while_pending, is_sample_request);
                assert_eq!(stored.held_until().is_some(), stored.indexed(), "{state:?}");
                for now in moments {
                    let inline = stored.held_until().is_some_and(|until| now < until);
                    assert_eq!(inline, stored.holds_slot_at(now), "{state:?} pending {holds_while_pending} sample {is_sample_request} at {now}");
                }
            }
        }
    }

    fn written(booking: &Booking) -> String {
        serde_json::to_string(&BookingOut { booking, completion: None }).unwrap()
    }

    #[test]
    fn snapshot_keeps_purpose_in_details() {
        let plain = booking(BookingState::Confirmed, false, false);
        let mut noted = plain.clone();
        noted.purpose = CompactString::from("样品元素分析");
        let figures = Completion { actual_hours: Decimal::ONE, samples: 2, mode: ServiceMode::Guided, amount: None };

        let head = r#"{"start":"2025-10-09T10:00:00Z","end":"2025-10-09T11:00:00Z","created":"2025-10-09T01:00:00Z","due":"2025-10-09T09:00:00Z","instrument":0,"party":0,"series":null,"people":1,"buffer_before":0,"buffer_after":0,"state":"confirmed","user_type":"internal","holds_while_pending":false,"is_sample_request":false,"details":"#;
        let cases = [
            (&plain, None, "null}"),
            (&noted, None, r#"{"purpose":"样品元素分析","voucher":null,"test_item":null,"samples":0,"reason":null,"completion":null,"waitlist":null}}"#),
            (
                &noted,
                Some(&figures),
                r#"{"purpose":"样品元素分析","voucher":null,"test_item":null,"samples":0,"reason":null,"completion":{"actual_hours":"1","samples":2,"mode":"guided"},"waitlist":null}}"#,
            ),
            (
                &plain,
                Some(&figures),
                r#"{"purpose":"","voucher":null,"test_item":null,"samples":0,"reason":null,"completion":{"actual_hours":"1","samples":2,"mode":"guided"},"waitlist":null}}"#,
            ),
        ];
        for (stored, completion, details) in cases {
            let json = serde_json::to_string(&BookingOut { booking: stored, completion: completion.cloned() }).unwrap();
            assert_eq!(json, format!("{head}{details}"));

            let loaded = serde_json::from_str::<LoadedBooking>(&json).unwrap();
            assert_eq!(&loaded.booking, stored);
            assert_eq!(loaded.completion.as_ref(), completion);
        }
    }

    #[test]
    fn load_boxes_only_set_details() {
        let json = written(&booking(BookingState::Requested, false, false));
        let with_purpose = json.replace(r#""details":null"#, r#""details":{"purpose":"测试","voucher":null,"test_item":null,"samples":0,"reason":null,"completion":null,"waitlist":null}"#);
        let loaded = serde_json::from_str::<LoadedBooking>(&with_purpose).unwrap().booking;
        assert_eq!(loaded.purpose, "测试");
        assert_eq!(loaded.details, None);

        let with_reason = with_purpose.replace(r#""reason":null"#, r#""reason":"维护""#);
        let loaded = serde_json::from_str::<LoadedBooking>(&with_reason).unwrap().booking;
        assert_eq!(loaded.details.as_deref().and_then(|d| d.reason.as_deref()), Some("维护"));
    }

    #[test]
    fn load_errors_name_booking_types() {
        let json = written(&booking(BookingState::Requested, false, false));
        let bad_booking = serde_json::from_str::<LoadedBooking>(r#""oops""#).unwrap_err().to_string();
        assert!(bad_booking.contains("expected struct Booking"), "{bad_booking}");

        let bad_details = json.replace(r#""details":null"#, r#""details":"oops""#);
        let message = serde_json::from_str::<LoadedBooking>(&bad_details).unwrap_err().to_string();
        assert!(message.contains("expected struct BookingDetails"), "{message}");
    }

    #[test]
    fn completion_link_packs_record_and_flag() {
        let last = (1usize << 31) - 2;
        for (record, amount_given) in [(0, false), (0, true), (393_578, false), (last, true)] {
            let link = CompletionLink::new(record, amount_given).unwrap();
            assert_eq!(link.record(), record);
            assert_eq!(link.amount_given(), amount_given, "record {record}");
        }
        assert_eq!(CompletionLink::new(last + 1, false), None);
        assert_eq!(CompletionLink::new(usize::MAX, true), None);
        assert_eq!(std::mem::size_of::<Option<CompletionLink>>(), 4);
    }

    #[test]
    fn stored_booking_stays_small() {
        // An instrument may hold 100,000 bookings, and the bench measures the
        // total per booking: 80 bytes of fields and 24 of inline purpose.
        assert!(std::mem::size_of::<Booking>() <= 104, "{} bytes", std::mem::size_of::<Booking>());
        assert!(std::mem::size_of::<BookingDetails>() <= 96, "details box of {} bytes", std::mem::size_of::<BookingDetails>());
    }
}

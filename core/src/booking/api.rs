//! Typed booking operations on [`Network`]. Each records one
//! [`BookingChange`] through [`Network::execute`], so it is checked, applied
//! atomically and journalled like every other change.
//!
//! Booking takes `&mut Network`: the conflict check and the insert happen in
//! one call that nothing else can interleave with. A host that serves many
//! threads wraps the network in a mutex, and of two requests for the same
//! free slot exactly one is accepted.

use chrono::{DateTime, NaiveDate, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::access::Actor;
use crate::booking::record::{BookingId, SeriesId, WaitlistId};
use crate::booking::{
    Blackout, BookingChange, BookingPolicy, BookingProfile, Completion, SampleRequest, SeriesEdit, SeriesRequest,
    SlotRequest,
};
use crate::error::Result;
use crate::ids::InstrumentId;
use crate::journal::{Change, Event};
use crate::network::Network;

/// The recorded event of a booking operation and the records it created.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct BookingReceipt {
    /// The journal event.
    pub event: Event,
    /// Bookings created, in id order: the request's own, and any waitlist
    /// offers the change made for freed slots.
    pub bookings: Vec<BookingId>,
    /// The series created, for a recurring request.
    pub series: Option<SeriesId>,
    /// The waitlist entry created, for a waitlist request.
    pub waitlist: Option<WaitlistId>,
}

impl Network {
    fn execute_booking(&mut self, actor: &Actor, now: DateTime<Utc>, change: BookingChange) -> Result<BookingReceipt> {
        let first_booking = self.booking().next_booking_id();
        let first_series = self.booking().next_series_id();
        let first_entry = self.booking().next_waitlist_id();
        let event = self.execute(actor, now, Change::Booking(change))?;

        let bookings = (first_booking.0..self.booking().next_booking_id().0).map(BookingId).collect();
        let series = (self.booking().next_series_id() != first_series).then_some(first_series);
        let waitlist = (self.booking().next_waitlist_id() != first_entry).then_some(first_entry);
        Ok(BookingReceipt { event, bookings, series, waitlist })
    }

    /// Loads one year's holiday file (same shape as the compiled ones) into
    /// the booking calendar. Office only.
    ///
    /// # Errors
    ///
    /// [`crate::Error::PermissionDenied`] for anyone but the office, and the
    /// errors of [`crate::calendar::Calendar::load_year`].
    pub fn load_calendar_year(&mut self, actor: &Actor, now: DateTime<Utc>, json: &str) -> Result<Event> {
        self.execute(actor, now, Change::Booking(BookingChange::LoadCalendarYear { data: json.to_owned() }))
    }

    /// Sets an instrument's zone and test items. Owner or office.
    ///
    /// # Errors
    ///
    /// [`crate::Error::NotFound`], [`crate::Error::PermissionDenied`], and
    /// the errors of [`BookingProfile::validate`].
    pub fn set_booking_profile(&mut self, actor: &Actor, now: DateTime<Utc>, instrument: InstrumentId, profile: BookingProfile) -> Result<Event> {
        self.execute(actor, now, Change::Booking(BookingChange::SetProfile { instrument, profile }))
    }

    /// Sets the policy version that governs bookings starting from
    /// `effective_from`. Owner or office.
    ///
    /// # Errors
    ///
    /// [`crate::Error::NotFound`], [`crate::Error::PermissionDenied`], and
    /// the errors of [`BookingPolicy::validate`].
    pub fn set_booking_policy(
        &mut self,
        actor: &Actor,
        now: DateTime<Utc>,
        instrument: InstrumentId,
        effective_from: DateTime<Utc>,
        policy: BookingPolicy,
    ) -> Result<Event> {
        let policy = Box::new(policy);
        self.execute(actor, now, Change::Booking(BookingChange::SetPolicy { instrument, effective_from, policy }))
    }

    /// Adds a blackout. Existing bookings in it stay; the owner cancels them with a reason.
    ///
    /// # Errors
    ///
    /// [`crate::Error::AlreadyExists`] for a known id, the errors of
    /// [`Blackout::validate`], and the owner check.
    pub fn add_blackout(&mut self, actor: &Actor, now: DateTime<Utc>, instrument: InstrumentId, blackout: Blackout) -> Result<Event> {
        self.execute(actor, now, Change::Booking(BookingChange::AddBlackout { instrument, blackout }))
    }

    /// Removes a blackout.
    ///
    /// # Errors
    ///
    /// [`crate::Error::NotFound`] and the owner check.
    pub fn remove_blackout(&mut self, actor: &Actor, now: DateTime<Utc>, instrument: InstrumentId, blackout: &str) -> Result<Event> {
        let blackout = blackout.to_owned();
        self.execute(actor, now, Change::Booking(BookingChange::RemoveBlackout { instrument, blackout }))
    }

    /// Records that `user` was trained on `instrument`, valid through `valid_until`.
    ///
    /// # Errors
    ///
    /// [`crate::Error::Missing`] for an empty user and the owner check.
    pub fn grant_training(
        &mut self,
        actor: &Actor,
        now: DateTime<Utc>,
        instrument: InstrumentId,
        user: &str,
        valid_until: Option<NaiveDate>,
    ) -> Result<Event> {
        let user = user.to_owned();
        self.execute(actor, now, Change::Booking(BookingChange::GrantTraining { instrument, user, valid_until }))
    }

    /// Withdraws a training record.
    ///
    /// # Errors
    ///
    /// [`crate::Error::NotFound`] and the owner check.
    pub fn revoke_training(&mut self, actor: &Actor, now: DateTime<Utc>, instrument: InstrumentId, user: &str) -> Result<Event> {
        let user = user.to_owned();
        self.execute(actor, now, Change::Booking(BookingChange::RevokeTraining { instrument, user }))
    }

    /// Requests one slot. The booking is `requested`, or `confirmed` under an
    /// auto-confirm policy.
    ///
    /// # Errors
    ///
    /// `booking.*` rule violations for the first failed check (see the
    /// module documentation), [`crate::Error::InvalidState`] for an
    /// unpublished instrument, and `calendar.year_not_loaded`.
    pub fn request_booking(&mut self, actor: &Actor, now: DateTime<Utc>, request: SlotRequest) -> Result<BookingReceipt> {
        self.execute_booking(actor, now, BookingChange::RequestSlot { request })
    }

    /// Requests a recurring booking. Every occurrence is checked; with
    /// [`crate::booking::OnConflict::Skip`] failing dates are skipped and
    /// listed in the series, otherwise the first failing date fails the whole request.
    ///
    /// # Errors
    ///
    /// `booking.series_self_overlap` if occurrences overlap each other,
    /// `booking.series_empty` if no date can be booked, and the first
    /// occurrence's error (its message names the date) when not skipping.
    pub fn request_series(&mut self, actor: &Actor, now: DateTime<Utc>, request: SeriesRequest) -> Result<BookingReceipt> {
        self.execute_booking(actor, now, BookingChange::RequestSeries { request })
    }

    /// Requests a sample test without a slot. Sample requests always wait
    /// for the owner's confirmation, whatever the auto-confirm setting.
    ///
    /// # Errors
    ///
    /// [`crate::Error::InvalidValue`] for an unknown test item or a sample
    /// count outside 1–100,000, and the access checks of a booking.
    pub fn request_samples(&mut self, actor: &Actor, now: DateTime<Utc>, request: SampleRequest) -> Result<BookingReceipt> {
        self.execute_booking(actor, now, BookingChange::RequestSamples { request })
    }

    /// Confirms a request, re-checking its slot. Owner or office.
    ///
    /// # Errors
    ///
    /// [`crate::Error::InvalidState`] unless the booking is `requested` at
    /// `now`, and the slot check's errors.
    pub fn confirm_booking(&mut self, actor: &Actor, now: DateTime<Utc>, booking: BookingId) -> Result<BookingReceipt> {
        self.execute_booking(actor, now, BookingChange::Confirm { booking })
    }

    /// Rejects a request with a reason. Owner or office.
    ///
    /// # Errors
    ///
    /// [`crate::Error::InvalidState`] unless `requested`,
    /// [`crate::Error::Missing`] for an empty reason.
    pub fn reject_booking(&mut self, actor: &Actor, now: DateTime<Utc>, booking: BookingId, reason: &str) -> Result<BookingReceipt> {
        let reason = reason.to_owned();
        self.execute_booking(actor, now, BookingChange::Reject { booking, reason })
    }

    /// Cancels a booking: by its user before the cancel cutoff, or by the
    /// owner with a reason.
    ///
    /// # Errors
    ///
    /// `booking.cancel_cutoff`, [`crate::Error::Missing`] for an owner
    /// without a reason, [`crate::Error::InvalidState`].
    pub fn cancel_booking(&mut self, actor: &Actor, now: DateTime<Utc>, booking: BookingId, reason: Option<&str>) -> Result<BookingReceipt> {
        let reason = reason.map(str::to_owned);
        self.execute_booking(actor, now, BookingChange::Cancel { booking, reason })
    }

    /// Moves, shortens or extends a booking. A started booking keeps its
    /// start and is not checked against notice; an extension is checked.
    ///
    /// # Errors
    ///
    /// `booking.started`, `booking.change_notice` and the slot check's errors.
    pub fn reschedule_booking(
        &mut self,
        actor: &Actor,
        now: DateTime<Utc>,
        booking: BookingId,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
    ) -> Result<BookingReceipt> {
        self.execute_booking(actor, now, BookingChange::Reschedule { booking, start, end })
    }

    /// Moves the future occurrences of a series to a new local time and length.
    /// Past, running, cancelled and otherwise closed occurrences stay as they
    /// are and never conflict with the edit.
    ///
    /// # Errors
    ///
    /// [`crate::Error::InvalidState`] if no occurrence is left to edit, and
    /// the first failing occurrence's error.
    pub fn edit_series(&mut self, actor: &Actor, now: DateTime<Utc>, series: SeriesId, edit: SeriesEdit) -> Result<BookingReceipt> {
        self.execute_booking(actor, now, BookingChange::EditSeries { series, edit })
    }

    /// Cancels the future occurrences of a series; a user's cancellation
    /// leaves occurrences inside the cancel cutoff.
    ///
    /// # Errors
    ///
    /// [`crate::Error::InvalidState`] if nothing is left to cancel.
    pub fn cancel_series(&mut self, actor: &Actor, now: DateTime<Utc>, series: SeriesId, reason: Option<&str>) -> Result<BookingReceipt> {
        let reason = reason.map(str::to_owned);
        self.execute_booking(actor, now, BookingChange::CancelSeries { series, reason })
    }

    /// Checks the user in.
    ///
    /// # Errors
    ///
    /// `booking.check_in_window` before check-in opens,
    /// [`crate::Error::InvalidState`] unless `confirmed` at `now`.
    pub fn check_in(&mut self, actor: &Actor, now: DateTime<Utc>, booking: BookingId) -> Result<BookingReceipt> {
        self.execute_booking(actor, now, BookingChange::CheckIn { booking })
    }

    /// Completes a booking and writes its service record. Owner or office.
    ///
    /// # Errors
    ///
    /// [`crate::Error::InvalidState`] unless checked in (or confirmed, for a
    /// sample request), `booking.fee_missing` when no amount is given and
    /// the fee standard has no rate.
    pub fn complete_booking(&mut self, actor: &Actor, now: DateTime<Utc>, booking: BookingId, completion: Completion) -> Result<BookingReceipt> {
        self.execute_booking(actor, now, BookingChange::Complete { booking, completion })
    }

    /// Joins the waitlist for a slot that is fully booked.
    ///
    /// # Errors
    ///
    /// `booking.slot_free` if the slot can be booked now, and every other
    /// error of a slot request except `booking.conflict`.
    pub fn join_waitlist(&mut self, actor: &Actor, now: DateTime<Utc>, request: SlotRequest) -> Result<BookingReceipt> {
        self.execute_booking(actor, now, BookingChange::JoinWaitlist { request })
    }

    /// Takes a waitlist offer; the booking becomes a request that keeps its slot.
    ///
    /// # Errors
    ///
    /// [`crate::Error::InvalidState`] unless `offered` at `now`.
    pub fn accept_offer(&mut self, actor: &Actor, now: DateTime<Utc>, booking: BookingId) -> Result<BookingReceipt> {
        self.execute_booking(actor, now, BookingChange::AcceptOffer { booking })
    }

    /// Turns down a waitlist offer; the slot goes to the next fitting entry.
    ///
    /// # Errors
    ///
    /// [`crate::Error::InvalidState`] unless `offered` at `now`.
    pub fn decline_offer(&mut self, actor: &Actor, now: DateTime<Utc>, booking: BookingId) -> Result<BookingReceipt> {
        self.execute_booking(actor, now, BookingChange::DeclineOffer { booking })
    }

    /// Leaves the waitlist, declining an open offer.
    ///
    /// # Errors
    ///
    /// [`crate::Error::InvalidState`] for a closed entry.
    pub fn leave_waitlist(&mut self, actor: &Actor, now: DateTime<Utc>, entry: WaitlistId) -> Result<BookingReceipt> {
        self.execute_booking(actor, now, BookingChange::LeaveWaitlist { entry })
    }

    /// Records expired requests, lapsed offers and no-shows at `now`, and
    /// offers the freed slots. Office for all instruments, owner for one.
    ///
    /// # Errors
    ///
    /// [`crate::Error::PermissionDenied`].
    pub fn sweep_bookings(&mut self, actor: &Actor, now: DateTime<Utc>, instrument: Option<InstrumentId>) -> Result<BookingReceipt> {
        self.execute_booking(actor, now, BookingChange::Sweep { instrument })
    }
}

//! Read-only views of bookings and quotes.

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;

use crate::booking::quote::{self, Quote};
use crate::booking::record::{BookingId, BookingKind, BookingState, BookingView, SeriesId};
use crate::booking::{BookingBook, UserType};
use crate::calendar::Zone;
use crate::error::{Entity, Error, Result};
use crate::ids::InstrumentId;

impl BookingBook {
    /// Returns booking `id` in its state at `now`, with local times on the
    /// instrument's clock and, if `viewer` is given, on the viewer's.
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`] for an unknown id.
    pub fn booking(&self, id: BookingId, now: DateTime<Utc>, viewer: Option<Zone>) -> Result<BookingView> {
        let booking = self.stored(id)?;
        let data = self.instrument_at(booking.instrument)?;
        let party = self.party(booking.party).ok_or_else(|| Error::not_found(Entity::Booking, id))?;
        let zone = data.profile.zone;
        let details = booking.details.as_deref();

        let kind = if booking.is_sample_request {
            BookingKind::Samples {
                test_item: details.and_then(|d| d.test_item.clone()).unwrap_or_default(),
                samples: details.map_or(0, |d| d.samples),
            }
        } else {
            BookingKind::Slot {
                start: booking.start,
                end: booking.end,
                start_local: zone.local(booking.start),
                end_local: zone.local(booking.end),
                start_viewer: viewer.map(|v| v.local(booking.start)),
                end_viewer: viewer.map(|v| v.local(booking.end)),
                people: booking.people,
            }
        };
        let state = booking.state_at(now);
        let due = matches!(state, BookingState::Requested | BookingState::Offered | BookingState::Confirmed)
            .then_some(booking.due)
            .filter(|_| !(booking.is_sample_request && state == BookingState::Confirmed));
        Ok(BookingView {
            id,
            instrument: data.id.clone(),
            requester: party.actor.as_str().to_owned(),
            requester_unit: party.unit.clone(),
            user_type: booking.user_type,
            kind,
            state,
            series: booking.series.map(|n| SeriesId(u64::from(n.get()))),
            created_at: booking.created,
            due,
            purpose: booking.purpose.to_string(),
            voucher: details.and_then(|d| d.voucher.clone()),
            reason: details.and_then(|d| d.reason.clone()),
            completion: super::booking_index(id).and_then(|i| self.data.completion(i)),
            buffer_before_minutes: booking.buffer_before,
            buffer_after_minutes: booking.buffer_after,
        })
    }

    /// Lists the bookings of `instrument` that hold time in `[from, to)` at
    /// `now` (requests that hold their slot, offers, confirmed, checked-in
    /// and completed bookings), in start order.
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`] for an instrument without booking data.
    pub fn schedule(&self, instrument: &InstrumentId, from: DateTime<Utc>, to: DateTime<Utc>, now: DateTime<Utc>) -> Result<Vec<BookingView>> {
        let (slot, data) = self.instrument(instrument)?;
        let zone = Some(data.profile.zone);
        let mut views = Vec::new();
        if let Some(occupancy) = self.slot_index(slot).map(|index| &index.occupancy) {
            for entry in occupancy.overlapping(from, to).filter(|entry| entry.holds_at(now)) {
                let id = entry.id;
                let Ok(booking) = self.stored(id) else { continue };
                if booking.holds_slot_at(now) && booking.start < to && booking.end > from {
                    views.push(self.booking(id, now, zone)?);
                }
            }
        }
        views.sort_by_key(|view| match &view.kind {
            BookingKind::Slot { start, .. } => *start,
            BookingKind::Samples { .. } => view.created_at,
        });
        Ok(views)
    }

    /// Lists every booking made by the account `requester`, oldest first.
    pub fn bookings_of(&self, requester: &str, now: DateTime<Utc>) -> Vec<BookingView> {
        let parties = self.index.actors.get(requester).cloned().unwrap_or_default();
        (0..self.data.bookings.len())
            .map(|i| BookingId(i as u64 + 1))
            .filter(|id| self.stored(*id).is_ok_and(|b| parties.contains(&b.party)))
            .filter_map(|id| self.booking(id, now, None).ok())
            .collect()
    }

    /// Quotes a slot on `instrument` for a user of `user_type`.
    ///
    /// # Errors
    ///
    /// `booking.no_policy`, `booking.fee_missing`, or [`Error::InvalidValue`]
    /// for an end not after the start.
    pub fn quote_slot(&self, instrument: &InstrumentId, user_type: UserType, start: DateTime<Utc>, end: DateTime<Utc>) -> Result<Quote> {
        if end <= start {
            return Err(Error::invalid_value(
                "end",
                end,
                crate::lang::Text::new("晚于开始时刻", "an instant after the start"),
            ));
        }
        crate::booking::check::check_instant("start", start)?;
        let slot = self.bookable(instrument)?;
        let policy = self.policy_at(slot, start)?;
        let hours = Decimal::from((end - start).num_minutes()) / Decimal::from(60);
        quote::compute(policy, user_type, hours, 0, None)
    }

    /// Quotes a sample test on `instrument` under the policy in force at `at`.
    ///
    /// # Errors
    ///
    /// `booking.no_policy` or `booking.fee_missing`.
    pub fn quote_samples(&self, instrument: &InstrumentId, user_type: UserType, test_item: &str, samples: u32, at: DateTime<Utc>) -> Result<Quote> {
        let slot = self.bookable(instrument)?;
        let policy = self.policy_at(slot, at)?;
        quote::compute(policy, user_type, Decimal::ZERO, samples, Some(test_item.trim()))
    }
}

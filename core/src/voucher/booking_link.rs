//! The view of a booking or sample request that voucher checks read.

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;

use crate::booking::{BookingBook, BookingId, BookingState, ServiceRecord, quote};
use crate::error::Result;
use crate::ids::{EnterpriseId, InstrumentId};
use crate::money::Money;

/// A booking as voucher checks see it at one instant.
pub(crate) struct BookedService<'a> {
    /// The booking.
    pub id: BookingId,
    /// The instrument booked.
    pub instrument: InstrumentId,
    /// The enterprise or team the booking was made for, if any.
    pub enterprise: Option<EnterpriseId>,
    /// State at the instant asked about.
    pub state: BookingState,
    /// The test item of a sample request.
    pub test_item: Option<String>,
    /// Local date of the service in the instrument's zone: the slot's
    /// start, the sample request's date, or the service record's date.
    pub service_date: NaiveDate,
    /// The service record, once completed.
    pub record: Option<&'a ServiceRecord>,
}

impl BookedService<'_> {
    /// Returns true while vouchers may be committed to the booking: it is
    /// requested, confirmed, checked in or completed.
    pub fn is_usable(&self) -> bool {
        matches!(
            self.state,
            BookingState::Requested | BookingState::Confirmed | BookingState::CheckedIn | BookingState::Completed
        )
    }
}

impl BookingBook {
    /// Reads booking `id` at `now` for voucher checks.
    ///
    /// # Errors
    ///
    /// [`crate::Error::NotFound`] for an unknown booking.
    pub(crate) fn booked_service(&self, id: BookingId, now: DateTime<Utc>) -> Result<BookedService<'_>> {
        let booking = self.stored(id)?;
        let data = self.instrument_at(booking.instrument)?;
        let enterprise = self.party(booking.party).and_then(|party| party.enterprise.clone());
        let record = self.service_record_of(id);
        let zone = data.profile.zone;
        let service_date = match record {
            Some(record) => record.date,
            None if booking.is_sample_request => zone.local_date(booking.created),
            None => zone.local_date(booking.start),
        };
        Ok(BookedService {
            id,
            instrument: data.id.clone(),
            enterprise,
            state: booking.state_at(now),
            test_item: booking.details.as_ref().and_then(|d| d.test_item.clone()),
            service_date,
            record,
        })
    }

    /// Returns the fee of booking `id`: the service record's amount once
    /// completed, otherwise the quote from the fee standard in force at the
    /// booking's start for its booked hours (slots) or samples (sample
    /// requests) and its fee class.
    ///
    /// # Errors
    ///
    /// [`crate::Error::NotFound`] for an unknown booking, the booking
    /// engine's `booking.no_policy` or `booking.fee_missing`, and
    /// [`crate::Error::Overflow`].
    pub(crate) fn booking_fee(&self, id: BookingId) -> Result<(Money, bool)> {
        if let Some(record) = self.service_record_of(id) {
            return Ok((record.amount, true));
        }
        let booking = self.stored(id)?;
        let policy = self.policy_at(booking.instrument, booking.start)?;
        let details = booking.details.as_deref();
        let (hours, samples) = if booking.is_sample_request {
            (Decimal::ZERO, details.map_or(0, |d| d.samples))
        } else {
            (Decimal::from(booking.minutes()) / Decimal::from(60), 0)
        };
        let test_item = details.and_then(|d| d.test_item.as_deref());
        let quote = quote::compute(policy, booking.user_type, hours, samples, test_item)?;
        Ok((quote.amount, false))
    }
}

//! Service records (服务记录) written when a booking is completed.
//!
//! One record per completed booking or sample request: the amount, date,
//! client, service mode and quantity that the subsidy audit and the usage
//! statistics read.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use rust_decimal::Decimal;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::booking::policy::UserType;
use crate::booking::record::{Booking, BookingId, Completion, Party, ServiceMode};
use crate::booking::BookingBook;
use crate::calendar::Zone;
use crate::error::{Error, Result};
use crate::ids::{InstrumentId, UnitId};
use crate::money::Money;

/// One service delivered on an instrument (服务记录).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ServiceRecord {
    /// The completed booking.
    pub booking: BookingId,
    /// The instrument.
    pub instrument: InstrumentId,
    /// The unit that delivered the service (服务单位).
    pub provider_unit: UnitId,
    /// The client's account.
    pub client: String,
    /// The client's unit (用户单位), if any.
    pub client_unit: Option<UnitId>,
    /// Fee class of the client.
    pub user_type: UserType,
    /// Local date of the service in the instrument's zone: the slot's start,
    /// or the completion for sample requests.
    pub date: NaiveDate,
    /// When the owner completed it.
    pub completed_at: DateTime<Utc>,
    /// Delivery mode.
    pub mode: ServiceMode,
    /// Hours used.
    pub hours: Decimal,
    /// Samples tested.
    pub samples: u32,
    /// Amount charged (服务金额).
    pub amount: Money,
    /// Service content (服务内容): the test item or the purpose.
    pub content: String,
    /// Innovation voucher number, if the client paid with one.
    pub voucher: Option<String>,
    /// True when the client is not of the provider unit (对外服务).
    pub external: bool,
}

impl ServiceRecord {
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn new(
        id: BookingId,
        booking: &Booking,
        instrument: &InstrumentId,
        provider: &UnitId,
        party: &Party,
        zone: Zone,
        completed_at: DateTime<Utc>,
        completion: &Completion,
        amount: Money,
    ) -> ServiceRecord {
        let details = booking.details.as_deref();
        let content = details.and_then(|d| d.test_item.clone()).unwrap_or_else(|| booking.purpose.to_string());
        let served = if booking.is_sample_request { completed_at } else { booking.start };
        ServiceRecord {
            booking: id,
            instrument: instrument.clone(),
            provider_unit: provider.clone(),
            client: party.actor.as_str().to_owned(),
            client_unit: party.unit.clone(),
            user_type: booking.user_type,
            date: zone.local_date(served),
            completed_at,
            mode: completion.mode,
            hours: completion.actual_hours,
            samples: completion.samples,
            amount,
            content,
            voucher: details.and_then(|d| d.voucher.clone()),
            external: party.unit.as_ref() != Some(provider),
        }
    }

    /// Returns the completion this record was written from. Pass
    /// `amount_given` as true if the owner gave the amount, and false if it
    /// was computed from the fee standard.
    pub(crate) fn completion(&self, amount_given: bool) -> Completion {
        Completion {
            actual_hours: self.hours,
            samples: self.samples,
            mode: self.mode,
            amount: amount_given.then_some(self.amount),
        }
    }
}

/// Sums of the service records of one instrument in one year.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ServiceTotals {
    /// Records counted.
    pub records: u64,
    /// Hours used.
    pub hours: Decimal,
    /// Samples tested.
    pub samples: u64,
    /// All amounts.
    pub amount: Money,
    /// Amounts from clients outside the provider unit (对外服务收入).
    pub external_amount: Money,
}

impl BookingBook {
    /// Iterates over the service records whose date falls in `year`.
    pub fn service_records_in_year(&self, year: i32) -> impl Iterator<Item = &ServiceRecord> {
        self.data.service_records.iter().filter(move |record| record.date.year() == year)
    }

    /// Sums the service records of `instrument` dated in `year`.
    ///
    /// # Errors
    ///
    /// [`Error::Overflow`] if a sum leaves its range.
    pub fn service_totals(&self, instrument: &InstrumentId, year: i32) -> Result<ServiceTotals> {
        let mut totals = ServiceTotals::default();
        for record in self.service_records_in_year(year).filter(|r| &r.instrument == instrument) {
            totals.records += 1;
            totals.hours = totals.hours.checked_add(record.hours).ok_or_else(|| Error::overflow("sum of service hours"))?;
            totals.samples += u64::from(record.samples);
            totals.amount = totals.amount.checked_add(record.amount)?;
            if record.external {
                totals.external_amount = totals.external_amount.checked_add(record.amount)?;
            }
        }
        Ok(totals)
    }
}

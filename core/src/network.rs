//! The whole state of one network (协作共用网), changed only through events.

use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::access::Actor;
use crate::enterprise::EnterpriseBook;
use crate::booking::BookingBook;
use crate::error::{Error, Result};
use crate::exchange::service_book::ServiceBook;
use crate::fund::FundBook;
use crate::ids::{InstrumentId, UnitId};
use crate::journal::{Change, Event};
use crate::lang::Text;
use crate::registry::{InstrumentRecord, Registry, RegistryChange, ReviewDecision, Unit};
use crate::replay::{Hint, Pipeline};
use crate::statistics::{self, BandTable, ValueBands};
use crate::subsidy::SubsidyBook;
use crate::subsidy::workflow::Step;
use crate::usage::{UsageBook, UsageChange, UsageReport};
use crate::voucher::{self, VoucherBook};

/// The state of a network: registry, usage reports, subsidies, the fund,
/// voucher applicants, vouchers and the journal position.
///
/// Every method that changes state takes the acting [`Actor`] and the
/// caller's `now`, checks the actor's role and the rules, and returns the
/// recorded [`Event`] for the host to store. A failed call changes nothing.
///
/// # Example
///
/// ```
/// use chrono::{TimeZone, Utc};
/// use labshare::{Actor, Network, UnitId};
/// use labshare::registry::{Unit, UnitKind};
///
/// let mut network = Network::new();
/// let office = Actor::office("office-1");
/// let now = Utc.with_ymd_and_hms(2017, 3, 1, 2, 0, 0).unwrap();
/// let unit = Unit {
///     id: UnitId::new("XJ-AT")?,
///     name: "新疆分析测试研究院".into(),
///     kind: UnitKind::Institute,
///     region: "乌鲁木齐市".into(),
/// };
/// let event = network.register_unit(&office, now, unit)?;
/// assert_eq!(event.seq, 1);
///
/// let replayed = Network::replay([&event])?;
/// assert_eq!(replayed, network);
/// # Ok::<(), labshare::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Network {
    next_seq: u64,
    registry: Registry,
    usage: UsageBook,
    #[serde(default)]
    pub(crate) subsidy: SubsidyBook,
    #[serde(default)]
    pub(crate) fund: FundBook,
    #[serde(default)]
    pub(crate) enterprises: EnterpriseBook,
    #[serde(default)]
    pub(crate) vouchers: VoucherBook,
    #[serde(default)]
    booking: BookingBook,
    #[serde(default)]
    services: ServiceBook,
}

impl Network {
    /// Creates an empty network.
    pub fn new() -> Network {
        Network { next_seq: 1, ..Network::default() }
    }

    /// Rebuilds a network by applying `events` in order.
    ///
    /// Replay reads a few events ahead and prefetches the state they will
    /// read. On the national-scale bench (`BENCHMARKS.md`) that made it
    /// about 1.6 times faster, and a later round that also prefetches id
    /// lookups added about 12 %. The result is the same as calling
    /// [`Network::apply`] on each event.
    ///
    /// # Errors
    ///
    /// [`Error::Corrupt`] if sequence numbers are not 1, 2, 3, …; otherwise
    /// the error of the first event that the rules reject.
    pub fn replay<'a, I>(events: I) -> Result<Network>
    where
        I: IntoIterator<Item = &'a Event>,
    {
        let mut network = Network::new();
        Pipeline::run(&mut network, events.into_iter().map(Ok))?;
        Ok(network)
    }

    /// Applies one stored event, which must be the next in sequence.
    ///
    /// # Errors
    ///
    /// [`Error::Corrupt`] for an out-of-sequence event; otherwise the error
    /// of the rule or role check that rejects it. Nothing changes on error.
    pub fn apply(&mut self, event: &Event) -> Result<()> {
        if event.seq != self.next_seq {
            return Err(Error::Corrupt {
                location: format!("event {}", event.seq),
                detail: Text::new(
                    format!("序号应为 {}，事件缺失或顺序错误", self.next_seq),
                    format!("expected sequence number {}; an event is missing or out of order", self.next_seq),
                ),
            });
        }
        self.dispatch(event.seq, event.at, &event.actor, &event.change)?;
        self.next_seq += 1;
        Ok(())
    }

    /// Checks `change` for `actor` at `now`, applies it and returns the event.
    ///
    /// # Errors
    ///
    /// The error of the rule or role check that rejects the change; nothing
    /// changes then.
    pub fn execute(&mut self, actor: &Actor, now: DateTime<Utc>, change: Change) -> Result<Event> {
        let event = Event { seq: self.next_seq, at: now, actor: actor.clone(), change };
        self.apply(&event)?;
        Ok(event)
    }

    fn dispatch(&mut self, seq: u64, at: DateTime<Utc>, actor: &Actor, change: &Change) -> Result<()> {
        match change {
            Change::Registry(change) => self.registry.apply(seq, at, actor, change),
            Change::Usage(change) => self.usage.apply(&self.registry, actor, change),
            Change::Subsidy(change) => self.subsidy.apply(Step { seq, at, actor }, &self.registry, &self.fund, change),
            Change::Fund(change) => self.fund.apply(seq, at, actor, &self.subsidy, change),
            Change::Enterprise(change) => self.enterprises.apply(&self.registry, actor, change),
            Change::Voucher(change) => {
                let context = voucher::Context {
                    registry: &self.registry,
                    enterprises: &self.enterprises,
                    bookings: &self.booking,
                    fund: &self.fund,
                };
                let posting = self.vouchers.apply(&voucher::Step { seq, at, actor }, &context, change)?;
                if let Some(posting) = posting {
                    self.fund.commit_pool_posting(seq, at, actor, posting);
                }
                Ok(())
            }
            Change::Booking(change) => self.booking.apply(&self.registry, at, actor, change),
            Change::Services(change) => self.services.apply(seq, &self.registry, actor, change),
        }
    }

    /// First step of replay look-ahead: prefetches the index entries of
    /// the ids that the next step looks up.
    pub(crate) fn locate(&self, event: &Event) {
        match &event.change {
            Change::Booking(change) => self.booking.locate(&self.registry, &event.actor, change),
            Change::Usage(UsageChange::FileReport { report }) => self.registry.prefetch_instrument_key(&report.instrument),
            _ => {}
        }
    }

    /// Second step of replay look-ahead: finds where `event`'s records are.
    pub(crate) fn find(&self, event: &Event) -> Hint {
        match &event.change {
            Change::Booking(change) => self.booking.find(&self.registry, &event.actor, change),
            Change::Usage(UsageChange::FileReport { report }) => {
                Hint { record: self.registry.instrument_position(&report.instrument), ..Hint::default() }
            }
            _ => Hint::default(),
        }
    }

    /// Third step of replay look-ahead.
    pub(crate) fn fetch_near(&self, event: &Event, hint: &mut Hint) {
        match &event.change {
            Change::Booking(change) => self.booking.fetch_near(&self.registry, &event.actor, change, hint),
            Change::Usage(_) => {
                if let Some(record) = hint.record {
                    self.registry.prefetch_instrument(record);
                }
            }
            _ => {}
        }
    }

    /// Fourth step of replay look-ahead.
    pub(crate) fn fetch_heap(&self, event: &Event, hint: &mut Hint) {
        if let Change::Booking(_) = &event.change {
            self.booking.fetch_heap(&self.registry, hint);
        }
    }

    /// Last step of replay look-ahead.
    pub(crate) fn fetch_deep(&self, event: &Event, hint: &Hint) {
        if let Change::Booking(change) = &event.change {
            self.booking.fetch_deep(&self.registry, &event.actor, change, hint);
        }
    }

    /// Returns the sequence number the next event will get.
    pub fn next_seq(&self) -> u64 {
        self.next_seq
    }

    /// Returns the units and instruments.
    pub fn registry(&self) -> &Registry {
        &self.registry
    }

    /// Returns the usage reports.
    pub fn usage(&self) -> &UsageBook {
        &self.usage
    }

    /// Returns the booking state: calendar, policies, bookings and service records.
    pub fn booking(&self) -> &BookingBook {
        &self.booking
    }

    /// Returns the service-record book (服务记录台账).
    pub fn services(&self) -> &ServiceBook {
        &self.services
    }

    /// Counts published instruments and sums their original values by band.
    ///
    /// # Errors
    ///
    /// [`Error::Overflow`] if a sum exceeds [`crate::Money::MAX`].
    pub fn value_band_table(&self, bands: &ValueBands) -> Result<BandTable> {
        let values = self.registry.published().map(|(_, record)| record.original_value);
        statistics::band_table(values, bands)
    }

    /// Registers a member unit. Office only.
    ///
    /// # Errors
    ///
    /// [`Error::PermissionDenied`] for anyone but the office,
    /// [`Error::AlreadyExists`] for a known id, [`Error::Missing`] or
    /// [`Error::TooLong`] for a bad name.
    pub fn register_unit(&mut self, actor: &Actor, now: DateTime<Utc>, unit: Unit) -> Result<Event> {
        self.execute(actor, now, Change::Registry(RegistryChange::RegisterUnit { unit }))
    }

    /// Submits a new instrument of `unit` for review.
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`] for an unknown unit, [`Error::PermissionDenied`]
    /// unless the actor administers `unit` or is office staff,
    /// [`Error::AlreadyExists`] for a known instrument id, and the field
    /// errors of [`InstrumentRecord::validate`].
    pub fn submit_instrument(
        &mut self,
        actor: &Actor,
        now: DateTime<Utc>,
        instrument: InstrumentId,
        unit: UnitId,
        record: InstrumentRecord,
    ) -> Result<Event> {
        self.execute(actor, now, Change::Registry(RegistryChange::SubmitInstrument { instrument, unit, record }))
    }

    /// Revises an instrument. A published instrument keeps its published
    /// version visible until the office approves the revision.
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`], [`Error::PermissionDenied`] unless the actor
    /// administers the owning unit or is office staff, and the field errors
    /// of [`InstrumentRecord::validate`].
    pub fn revise_instrument(
        &mut self,
        actor: &Actor,
        now: DateTime<Utc>,
        instrument: InstrumentId,
        record: InstrumentRecord,
    ) -> Result<Event> {
        self.execute(actor, now, Change::Registry(RegistryChange::ReviseInstrument { instrument, record }))
    }

    /// Publishes the pending version of an instrument. Office only.
    ///
    /// # Errors
    ///
    /// [`Error::PermissionDenied`] for anyone but the office,
    /// [`Error::NotFound`], or [`Error::InvalidState`] when nothing waits for
    /// review.
    pub fn publish_instrument(&mut self, actor: &Actor, now: DateTime<Utc>, instrument: InstrumentId) -> Result<Event> {
        let decision = ReviewDecision::Publish;
        self.execute(actor, now, Change::Registry(RegistryChange::ReviewInstrument { instrument, decision }))
    }

    /// Returns the pending version of an instrument to its unit with a reason.
    /// Office only.
    ///
    /// # Errors
    ///
    /// As [`Network::publish_instrument`], and [`Error::Missing`] for an empty reason.
    pub fn return_instrument(
        &mut self,
        actor: &Actor,
        now: DateTime<Utc>,
        instrument: InstrumentId,
        reason: &str,
    ) -> Result<Event> {
        let decision = ReviewDecision::Return { reason: reason.to_owned() };
        self.execute(actor, now, Change::Registry(RegistryChange::ReviewInstrument { instrument, decision }))
    }

    /// Files (or refiles) a yearly usage report of a published instrument.
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`], [`Error::PermissionDenied`] unless the actor
    /// administers the owning unit or is office staff,
    /// [`Error::InvalidState`] for an unpublished instrument, and the errors
    /// of [`UsageReport::validate`].
    pub fn file_usage(&mut self, actor: &Actor, now: DateTime<Utc>, report: UsageReport) -> Result<Event> {
        self.execute(actor, now, Change::Usage(UsageChange::FileReport { report }))
    }
}

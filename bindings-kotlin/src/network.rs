//! The network (协作共用网) as the Kotlin class `Network`.
//!
//! uniffi shares an object between JVM threads as `Arc<Network>` and calls
//! its methods through `&self`, so the core network sits behind a `Mutex`.
//! Two threads that change the network at the same moment take turns, and the
//! second works on the state that the first left. If both submit the same new instrument,
//! one succeeds and the other gets `LabshareException.Conflict` (code
//! `already_exists`).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use labshare::{Event, InstrumentId, Text, UnitId};

use crate::access::Actor;
use crate::convert::long;
use crate::errors::LabshareError;
use crate::registry::{Instrument, InstrumentRecord, MemberUnit};
use crate::statistics::{BandTable, value_bands};
use crate::types::{PlainDecimal, Timestamp};
use crate::usage::{UsageReport, UsageTotals};

/// The core network and the events that built it.
///
/// `events` contains exactly the events applied to `network`, in order.
pub(crate) struct State {
    pub(crate) network: labshare::Network,
    pub(crate) events: Vec<Event>,
}

/// The state of one instrument-sharing network, changed only through events.
///
/// Every method that changes state takes the acting `Actor` and the current
/// instant `now`, checks the actor's role and the rules, and returns the
/// recorded event as JSON text for the host to store. A call that throws
/// changes nothing. `Network.replay(events)` rebuilds an equal network from
/// stored events. Safe to share between threads: calls take turns.
#[derive(uniffi::Object)]
pub struct Network {
    state: Mutex<State>,
}

/// Parses one stored event; `position` (1-based) names it in the error, code
/// `corrupt`.
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
    // non-string keys, no custom serialisers that fail), so this error is not
    // expected in practice.
    serde_json::to_string(event).map_err(|error| labshare::Error::Corrupt {
        location: format!("event {}", event.seq),
        detail: Text::new(
            format!("事件无法写成 JSON：{error}"),
            format!("the event could not be written as JSON: {error}"),
        ),
    })
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

    /// Runs `read` on the core network.
    pub(crate) fn read<T>(&self, read: impl FnOnce(&labshare::Network) -> T) -> T {
        read(&self.lock().network)
    }

    /// Runs one change, records its event and returns the event as JSON text.
    pub(crate) fn change(
        &self,
        change: impl FnOnce(&mut labshare::Network) -> labshare::Result<Event>,
    ) -> Result<String, LabshareError> {
        let mut state = self.lock();
        let event = change(&mut state.network)?;
        let json = event_json(&event);
        state.events.push(event);
        Ok(json?)
    }
}

#[uniffi::export]
impl Network {
    /// Creates an empty network.
    #[uniffi::constructor]
    pub fn new() -> Network {
        Network::wrap(State {
            network: labshare::Network::new(),
            events: Vec::new(),
        })
    }

    /// Rebuilds a network from stored events, given as JSON text in order.
    ///
    /// Every event is checked again as when it was first made. Fails with
    /// `Integrity` (code `corrupt`) for text that is not an event or for a gap
    /// in the sequence numbers, and with the error of the first event that the
    /// rules reject.
    #[uniffi::constructor]
    pub fn replay(events: Vec<String>) -> Result<Arc<Network>, LabshareError> {
        let mut parsed = Vec::with_capacity(events.len());
        for (index, json) in events.iter().enumerate() {
            parsed.push(parse_event(index + 1, json)?);
        }
        let network = labshare::Network::replay(&parsed)?;
        Ok(Arc::new(Network::wrap(State {
            network,
            events: parsed,
        })))
    }

    /// Applies one stored event (JSON text), which must be the next in
    /// sequence. Fails with `Integrity` (code `corrupt`) for text that is not
    /// an event or an event out of sequence, and with the error of the rule
    /// that rejects it otherwise. Nothing changes when it fails.
    pub fn apply(&self, event: String) -> Result<(), LabshareError> {
        let event = parse_event(1, &event)?;
        let mut state = self.lock();
        state.network.apply(&event)?;
        state.events.push(event);
        Ok(())
    }

    /// Returns the sequence number that the next event will get; events are
    /// numbered 1, 2, 3, ….
    pub fn next_seq(&self) -> Result<i64, LabshareError> {
        Ok(long(
            "next sequence number",
            self.lock().network.next_seq(),
        )?)
    }

    /// Returns every event applied so far, oldest first, as JSON text.
    pub fn events(&self) -> Result<Vec<String>, LabshareError> {
        let events = self.lock().events.clone();
        Ok(events.iter().map(event_json).collect::<Result<_, _>>()?)
    }

    /// Returns the whole state as JSON text, for comparing two networks and
    /// for debugging. Its layout may change between versions: store the
    /// events, not this.
    pub fn state_json(&self) -> Result<String, LabshareError> {
        let json = serde_json::to_string(&self.lock().network);
        Ok(json.map_err(|error| labshare::Error::Corrupt {
            location: "network state".to_owned(),
            detail: Text::new(
                format!("状态无法写成 JSON：{error}"),
                format!("the state could not be written as JSON: {error}"),
            ),
        })?)
    }

    /// Registers a member unit. Office only.
    ///
    /// Fails with `PermissionDenied` for anyone but the office, `Conflict`
    /// (`already_exists`) for a known id and `InvalidInput` for an empty or
    /// over-long name.
    pub fn register_unit(
        &self,
        actor: Actor,
        now: Timestamp,
        unit: MemberUnit,
    ) -> Result<String, LabshareError> {
        let actor = labshare::Actor::try_from(actor)?;
        let unit = labshare::registry::Unit::try_from(unit)?;
        self.change(|network| network.register_unit(&actor, now, unit))
    }

    /// Submits a new instrument of `unit` for review.
    ///
    /// Fails with `NotFound` for an unknown unit, `PermissionDenied` unless
    /// the actor administers `unit` or is office staff, `Conflict`
    /// (`already_exists`) for a known instrument id, and `InvalidInput` for a
    /// record that breaks the national field limits.
    pub fn submit_instrument(
        &self,
        actor: Actor,
        now: Timestamp,
        instrument: String,
        unit: String,
        record: InstrumentRecord,
    ) -> Result<String, LabshareError> {
        let actor = labshare::Actor::try_from(actor)?;
        let instrument = InstrumentId::new(instrument)?;
        let unit = UnitId::new(unit)?;
        let record = labshare::registry::InstrumentRecord::try_from(record)?;
        self.change(|network| network.submit_instrument(&actor, now, instrument, unit, record))
    }

    /// Revises an instrument: resubmits a returned one, or proposes a revision
    /// of a published one, whose published version stays visible until the
    /// office approves the revision.
    ///
    /// Fails with `NotFound`, `PermissionDenied` unless the actor administers
    /// the owning unit or is office staff, and `InvalidInput` for a record
    /// that breaks the national field limits.
    pub fn revise_instrument(
        &self,
        actor: Actor,
        now: Timestamp,
        instrument: String,
        record: InstrumentRecord,
    ) -> Result<String, LabshareError> {
        let actor = labshare::Actor::try_from(actor)?;
        let instrument = InstrumentId::new(instrument)?;
        let record = labshare::registry::InstrumentRecord::try_from(record)?;
        self.change(|network| network.revise_instrument(&actor, now, instrument, record))
    }

    /// Publishes the pending version of an instrument. Office only.
    ///
    /// Fails with `PermissionDenied` for anyone but the office, `NotFound`, or
    /// `Conflict` (`invalid_state`) when nothing waits for review.
    pub fn publish_instrument(
        &self,
        actor: Actor,
        now: Timestamp,
        instrument: String,
    ) -> Result<String, LabshareError> {
        let actor = labshare::Actor::try_from(actor)?;
        let instrument = InstrumentId::new(instrument)?;
        self.change(|network| network.publish_instrument(&actor, now, instrument))
    }

    /// Returns the pending version of an instrument to its unit with a reason.
    /// Office only.
    ///
    /// Fails as `publishInstrument` does, and with `InvalidInput` (`missing`)
    /// for an empty reason.
    pub fn return_instrument(
        &self,
        actor: Actor,
        now: Timestamp,
        instrument: String,
        reason: String,
    ) -> Result<String, LabshareError> {
        let actor = labshare::Actor::try_from(actor)?;
        let instrument = InstrumentId::new(instrument)?;
        self.change(|network| network.return_instrument(&actor, now, instrument, &reason))
    }

    /// Files (or refiles, replacing) a yearly usage report of a published
    /// instrument.
    ///
    /// Fails with `NotFound`, `PermissionDenied` unless the actor administers
    /// the owning unit or is office staff, and `Conflict` (`invalid_state`)
    /// for an unpublished instrument. Fails with `InvalidInput` for a year
    /// outside 2000–2100, negative hours, more hours than the year has, or
    /// effective hours above operating hours.
    pub fn file_usage(
        &self,
        actor: Actor,
        now: Timestamp,
        report: UsageReport,
    ) -> Result<String, LabshareError> {
        let actor = labshare::Actor::try_from(actor)?;
        let report = labshare::usage::UsageReport::try_from(report)?;
        self.change(|network| network.file_usage(&actor, now, report))
    }

    /// Returns the member unit with id `id`; fails with `NotFound` if none.
    pub fn unit(&self, id: String) -> Result<MemberUnit, LabshareError> {
        let id = UnitId::new(id)?;
        let unit = self.lock().network.registry().unit(&id).cloned()?;
        Ok(MemberUnit::from(unit))
    }

    /// Returns the instrument with id `id`, with its review state, versions
    /// and history; fails with `NotFound` if none.
    pub fn instrument(&self, id: String) -> Result<Instrument, LabshareError> {
        let id = InstrumentId::new(id)?;
        let instrument = self.lock().network.registry().instrument(&id).cloned()?;
        Instrument::try_from(instrument)
    }

    /// Returns every member unit, in id order.
    pub fn units(&self) -> Vec<MemberUnit> {
        let units: Vec<_> = self.lock().network.registry().units().cloned().collect();
        units.into_iter().map(MemberUnit::from).collect()
    }

    /// Returns every instrument, in id order, whatever its review state.
    pub fn instruments(&self) -> Result<Vec<Instrument>, LabshareError> {
        let instruments: Vec<_> = self
            .lock()
            .network
            .registry()
            .instruments()
            .cloned()
            .collect();
        instruments.into_iter().map(Instrument::try_from).collect()
    }

    /// Returns the usage report of `instrument` for `year`, or null if none
    /// was filed.
    pub fn usage_report(
        &self,
        instrument: String,
        year: i32,
    ) -> Result<Option<UsageReport>, LabshareError> {
        let instrument = InstrumentId::new(instrument)?;
        let report = self
            .lock()
            .network
            .usage()
            .report(&instrument, year)
            .cloned();
        report.map(UsageReport::try_from).transpose()
    }

    /// Returns every usage report for `year`, in instrument id order.
    pub fn usage_reports(&self, year: i32) -> Result<Vec<UsageReport>, LabshareError> {
        let reports: Vec<_> = self
            .lock()
            .network
            .usage()
            .reports_for_year(year)
            .cloned()
            .collect();
        reports.into_iter().map(UsageReport::try_from).collect()
    }

    /// Sums the usage reports of `year` per owning unit, keyed by unit id.
    /// Units without a report for the year are absent. Fails with
    /// `InvalidInput` (`overflow`) if a sum leaves its range.
    pub fn usage_totals_by_unit(
        &self,
        year: i32,
    ) -> Result<HashMap<String, UsageTotals>, LabshareError> {
        let totals = {
            let state = self.lock();
            state
                .network
                .usage()
                .totals_by_unit(state.network.registry(), year)?
        };
        let mut by_unit = HashMap::with_capacity(totals.len());
        for (unit, totals) in totals {
            by_unit.insert(unit.to_string(), UsageTotals::try_from(totals)?);
        }
        Ok(by_unit)
    }

    /// Sums the usage reports of `year` over the whole network. Fails with
    /// `InvalidInput` (`overflow`) if a sum leaves its range.
    pub fn network_usage_totals(&self, year: i32) -> Result<UsageTotals, LabshareError> {
        let totals = self.lock().network.usage().network_totals(year)?;
        UsageTotals::try_from(totals)
    }

    /// Counts published instruments and sums their original values by band.
    ///
    /// `bounds` are strictly ascending amounts in 元 above zero that cut the
    /// value axis into bands; null means 20万, 50万 and 100万 元. Fails with
    /// `InvalidInput` for bounds that are not ascending.
    #[uniffi::method(default(bounds = None))]
    pub fn value_band_table(
        &self,
        bounds: Option<Vec<PlainDecimal>>,
    ) -> Result<BandTable, LabshareError> {
        let bands = value_bands(bounds)?;
        let table = self.lock().network.value_band_table(&bands)?;
        BandTable::try_from(table)
    }
}

impl Default for Network {
    fn default() -> Network {
        Network::new()
    }
}

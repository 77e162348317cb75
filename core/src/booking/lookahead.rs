//! The booking book's part of replay look-ahead (see `crate::replay`).
//!
//! Each step reads only what an earlier step fetched and prefetches the
//! next layer: the booking and the slot's records first, then the buffers
//! they point to, then the policy's lists and the occupancy chunk.

use chrono::Datelike;
use compact_str::CompactString;

use super::check::version_in_force;
use super::{BookingBook, BookingChange, BookingId, TrainedKey, booking_index};
use crate::access::Actor;
use crate::ids::InstrumentId;
use crate::registry::Registry;
use crate::replay::{Hint, prefetch, prefetch_slice, prefetch_value};

/// Cache lines of a policy that the checks read.
const POLICY_LINES: usize = 6;

/// Cache lines of an instrument slot's data and booking indexes: 304 bytes
/// on 64-bit targets, which span five or six lines.
const DATA_LINES: usize = 6;

impl BookingBook {
    /// First step: prefetches the index entries that the next step looks up:
    /// a request's instrument and booker, or the instrument of an owner's
    /// change. It also prefetches a request's purpose and the index entry of
    /// the requester's unit.
    pub(crate) fn locate(&self, registry: &Registry, actor: &Actor, change: &BookingChange) {
        if let BookingChange::RequestSlot { request } = change {
            prefetch(request.purpose.as_ptr());
            self.index.instruments.prefetch(&request.instrument);
            self.index.actors.prefetch(actor.id.as_str());
            registry.prefetch_instrument_key(&request.instrument);
            if let Some(unit) = actor.unit() {
                registry.prefetch_unit_key(unit);
            }
        } else if let Some(instrument) = owner_change_target(change) {
            self.index.instruments.prefetch(instrument);
            registry.prefetch_instrument_key(instrument);
        }
    }

    /// Second step: finds the booking, instrument slot and registry record
    /// of `change`, and prefetches the booking, or the booker's party list
    /// when it is stored on the heap.
    pub(crate) fn find(&self, registry: &Registry, actor: &Actor, change: &BookingChange) -> Hint {
        let mut hint = Hint::default();
        match change {
            BookingChange::RequestSlot { request } => {
                hint.slot = self.index.instruments.get(&request.instrument).copied();
                hint.record = registry.instrument_position(&request.instrument);
                if let Some(parties) = self.index.actors.get(actor.id.as_str())
                    && parties.spilled()
                {
                    prefetch_slice(parties, 1);
                }
            }
            _ => {
                if let Some(instrument) = owner_change_target(change) {
                    hint.slot = self.index.instruments.get(instrument).copied();
                    hint.record = registry.instrument_position(instrument);
                    return hint;
                }
                let Some(id) = booked(change) else { return hint };
                let Some(index) = booking_index(id) else { return hint };
                if let Some(booking) = self.data.bookings.get(index) {
                    prefetch_value(booking, 2);
                    hint.booking = u32::try_from(index).ok();
                }
            }
        }
        hint
    }

    /// Third step: reads the booking, then prefetches the slot's records,
    /// the party and the registry record.
    pub(crate) fn fetch_near(&self, registry: &Registry, actor: &Actor, change: &BookingChange, hint: &mut Hint) {
        if let Some(booking) = hint.booking.and_then(|index| self.data.bookings.get(index as usize)) {
            hint.slot = Some(booking.instrument);
            hint.party = Some(booking.party);
            if let Some(details) = &booking.details {
                prefetch(&raw const **details);
            }
        } else if let BookingChange::RequestSlot { .. } = change {
            // This repeats the probe of `find`, whose bucket is cached by now.
            hint.party = self.index.actors.get(actor.id.as_str()).and_then(|parties| parties.first().copied());
        }
        if let Some(data) = hint.slot.and_then(|slot| self.data.instruments.get(slot as usize)) {
            prefetch_value(data, DATA_LINES);
        }
        if let Some(party) = hint.party.and_then(|party| self.data.parties.get(party as usize)) {
            prefetch_value(party, 2);
        }
        if let Some(record) = hint.record {
            registry.prefetch_booking_facts(record);
        }
    }

    /// Fourth step: prefetches the buffers that the slot's records and the
    /// party point to, and the registry's index entry for a booking's
    /// instrument.
    pub(crate) fn fetch_heap(&self, registry: &Registry, hint: &mut Hint) {
        if let Some(slot) = hint.slot {
            if let Some(data) = self.data.instruments.get(slot as usize) {
                prefetch_slice(&data.policies, 1);
                if hint.record.is_none() {
                    registry.prefetch_instrument_key(&data.id);
                }
            }
            if let Some(index) = self.slot_index(slot) {
                index.occupancy.prefetch_index();
                index.by_party.prefetch_index();
            }
        }
        if let Some(party) = hint.party.and_then(|party| self.data.parties.get(party as usize))
            && party.actor.is_heap_allocated()
        {
            prefetch(party.actor.as_ptr());
        }
    }

    /// Last step: finds and prefetches the registry record of a booking's
    /// instrument. It also prefetches the lists of the policy in force at
    /// `start`, the training record the checks read if the policy requires
    /// it, and the occupancy chunk around `start`.
    pub(crate) fn fetch_deep(&self, registry: &Registry, actor: &Actor, change: &BookingChange, hint: &Hint) {
        let Some(slot) = hint.slot else { return };
        let data = self.data.instruments.get(slot as usize);
        if hint.record.is_none()
            && let Some(record) = data.and_then(|data| registry.instrument_position(&data.id))
        {
            registry.prefetch_booking_facts(record);
        }
        let start = match change {
            BookingChange::RequestSlot { request } => Some(request.start),
            _ => hint.booking.and_then(|index| self.data.bookings.get(index as usize)).map(|booking| booking.start),
        };
        let Some(start) = start else { return };
        if let Some(version) = data.and_then(|data| version_in_force(&data.policies, start)) {
            let policy = &*version.policy;
            if policy.qualification_required {
                self.prefetch_training(slot, actor, change, hint);
            }
            // A policy that many instruments share is usually cached
            // already. A policy of one instrument is read here, so the step
            // may wait for it.
            prefetch_value(policy, POLICY_LINES);
            prefetch_slice(&policy.fees, 2);
            prefetch_slice(&policy.quotas, 1);
            // The local date is the UTC date or the next one in the
            // zones east of Greenwich that Chinese networks use.
            let days = policy.opening_hours.days();
            let weekday = start.weekday().num_days_from_monday() as usize;
            for day in [weekday, (weekday + 1) % 7] {
                if let Some(spans) = days.get(day) {
                    prefetch_slice(spans, 1);
                }
            }
        }
        if let Some(index) = self.slot_index(slot) {
            index.occupancy.prefetch_chunk(start);
            if let Some(party) = hint.party {
                index.by_party.prefetch_chunk((party, start, BookingId(0)));
            }
        }
    }

    /// Prefetches the training record that the checks of `change` read: the
    /// requester's, or the booker's for a change to a booking.
    fn prefetch_training(&self, slot: u32, actor: &Actor, change: &BookingChange, hint: &Hint) {
        let user = match change {
            BookingChange::RequestSlot { .. } => Some(actor.id.as_str()),
            _ => hint.party.and_then(|party| self.data.parties.get(party as usize)).map(|party| party.actor.as_str()),
        };
        if let Some(user) = user {
            self.index.trained.prefetch(&TrainedKey { slot, user: CompactString::from(user) });
        }
    }
}

/// Returns the instrument of a change that only its owner may make, such
/// as a new policy or a training record.
fn owner_change_target(change: &BookingChange) -> Option<&InstrumentId> {
    match change {
        BookingChange::SetProfile { instrument, .. }
        | BookingChange::SetPolicy { instrument, .. }
        | BookingChange::AddBlackout { instrument, .. }
        | BookingChange::RemoveBlackout { instrument, .. }
        | BookingChange::GrantTraining { instrument, .. }
        | BookingChange::RevokeTraining { instrument, .. } => Some(instrument),
        _ => None,
    }
}

/// Returns the booking a change acts on, if it names one.
fn booked(change: &BookingChange) -> Option<BookingId> {
    match change {
        BookingChange::Confirm { booking }
        | BookingChange::Reject { booking, .. }
        | BookingChange::Cancel { booking, .. }
        | BookingChange::Reschedule { booking, .. }
        | BookingChange::CheckIn { booking }
        | BookingChange::Complete { booking, .. }
        | BookingChange::AcceptOffer { booking }
        | BookingChange::DeclineOffer { booking } => Some(*booking),
        _ => None,
    }
}


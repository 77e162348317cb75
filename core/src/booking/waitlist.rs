//! The waitlist (候补): a freed slot is offered to the earliest waiting
//! request that now passes every check, as a booking in state `offered`
//! that keeps the slot until the user accepts, declines or the offer lapses.

use chrono::{DateTime, Duration, Utc};

use crate::access::Actor;
use crate::booking::check::SlotCheck;
use crate::booking::lifecycle::{NewBooking, Terms, check_purpose, purpose_text, require_state, voucher_details};
use crate::booking::record::{BookingId, BookingState, WaitlistEntry, WaitlistId, WaitlistState};
use crate::booking::{BookingBook, SlotRequest, booking_user_type, waitlist_index};
use crate::error::{Entity, Error, Result};
use crate::lang::Text;
use crate::registry::Registry;

impl BookingBook {
    pub(crate) fn join_waitlist(&mut self, registry: &Registry, now: DateTime<Utc>, actor: &Actor, request: &SlotRequest) -> Result<()> {
        let user_type = booking_user_type(registry, actor, &request.instrument, request.voucher.as_deref())?;
        check_purpose(&request.purpose)?;
        let slot = self.bookable(&request.instrument)?;
        let mut check = SlotCheck {
            instrument: slot,
            start: request.start,
            end: request.end,
            people: request.people,
            actor: &actor.id,
            unit: actor.unit(),
            check_notice: true,
            check_quota: true,
            check_stations: false,
            exclude: &[],
            tentative: &[],
        };
        self.check_slot(&check, now)?;
        check.check_stations = true;
        if self.check_slot(&check, now).is_ok() {
            return Err(Error::rule(
                "booking.slot_free",
                Text::new("该时段仍可预约，请直接预约而不是候补", "the slot is free; book it instead of joining the waitlist"),
            ));
        }

        let id = self.next_waitlist_id();
        self.data.waitlist.push(WaitlistEntry {
            id,
            instrument: request.instrument.clone(),
            requester: actor.id.clone(),
            unit: actor.unit().cloned(),
            enterprise: actor.enterprise().cloned(),
            user_type,
            start: request.start,
            end: request.end,
            people: request.people,
            purpose: request.purpose.trim().to_owned(),
            voucher: request.voucher.clone(),
            joined_at: now,
            state: WaitlistState::Waiting,
            offer: None,
        });
        if let Some(listed) = self.slot_index_mut(slot).map(|index| &mut index.waiting) {
            listed.push(id);
        }
        Ok(())
    }

    pub(crate) fn accept_offer(&mut self, _registry: &Registry, now: DateTime<Utc>, actor: &Actor, id: BookingId) -> Result<()> {
        let booking = self.stored(id)?;
        self.require_requester(actor, booking.party, "accept_offer")?;
        require_state(booking, id, now, &[BookingState::Offered], "accept_offer")?;
        let policy = self.policy_at(booking.instrument, booking.start)?.clone();
        let start = booking.start;

        let (state, due) = self.first_state(&policy, now, start)?;
        self.update_booking(id, |stored| {
            stored.state = state;
            stored.due = due;
            // The user took the offer, so the request keeps the slot until the owner decides.
            stored.holds_while_pending = true;
        });
        self.close_offer_entry(id, WaitlistState::Booked);
        Ok(())
    }

    pub(crate) fn decline_offer(&mut self, _registry: &Registry, now: DateTime<Utc>, actor: &Actor, id: BookingId) -> Result<()> {
        let booking = self.stored(id)?;
        self.require_requester(actor, booking.party, "decline_offer")?;
        require_state(booking, id, now, &[BookingState::Offered], "decline_offer")?;
        let slot = booking.instrument;

        self.set_state(id, BookingState::Declined, None);
        self.close_offer_entry(id, WaitlistState::Withdrawn);
        self.offer_freed(slot, now);
        Ok(())
    }

    pub(crate) fn leave_waitlist(&mut self, registry: &Registry, now: DateTime<Utc>, actor: &Actor, id: WaitlistId) -> Result<()> {
        let entry = self.waitlist_entry(id)?.clone();
        if entry.requester != actor.id {
            return Err(crate::access::denied(
                actor,
                "leave_waitlist",
                Text::new("只有候补申请人本人可以退出候补", "only the user who joined may leave the waitlist"),
            ));
        }
        match (entry.state, entry.offer) {
            (WaitlistState::Waiting, _) => {
                self.set_entry_state(id, WaitlistState::Withdrawn);
                Ok(())
            }
            (WaitlistState::Offered, Some(offer)) => self.decline_offer(registry, now, actor, offer),
            (state, _) => Err(Error::InvalidState {
                entity: Entity::WaitlistEntry,
                id: id.to_string(),
                state: format!("{state:?}").to_lowercase(),
                action: "leave_waitlist".to_owned(),
            }),
        }
    }

    /// Offers free slots on the instrument to waiting entries, earliest first.
    /// Entries whose wanted start has passed lapse.
    pub(crate) fn offer_freed(&mut self, slot: u32, now: DateTime<Utc>) {
        let Some(listed) = self.slot_index_mut(slot).map(|index| &mut index.waiting) else { return };
        if listed.is_empty() {
            return;
        }
        let mut waiting = std::mem::take(listed);
        waiting.retain(|id| self.is_waiting(*id));
        for &id in &waiting {
            let Ok(entry) = self.waitlist_entry(id).cloned() else { continue };
            if entry.start <= now {
                self.set_entry_state(id, WaitlistState::Lapsed);
                continue;
            }
            let check = SlotCheck {
                instrument: slot,
                start: entry.start,
                end: entry.end,
                people: entry.people,
                actor: &entry.requester,
                unit: entry.unit.as_ref(),
                check_notice: true,
                check_quota: true,
                check_stations: true,
                exclude: &[],
                tentative: &[],
            };
            let Ok(policy) = self.check_slot(&check, now) else { continue };
            let terms = Terms { holds_while_pending: true, ..Terms::of(policy) };
            let due = (now + Duration::minutes(i64::from(policy.offer_minutes))).min(entry.start);

            let party = self.intern_party_of(&entry.requester, entry.unit.as_ref(), entry.enterprise.as_ref());
            let mut extra = voucher_details(entry.voucher.as_deref()).unwrap_or_default();
            extra.waitlist = Some(id);
            let new = NewBooking {
                instrument: slot,
                start: entry.start,
                end: entry.end,
                people: entry.people,
                user_type: entry.user_type,
                created: now,
                series: None,
                purpose: purpose_text(&entry.purpose),
                details: Some(extra),
            };
            let booking = self.store_new(party, new, terms, BookingState::Offered, due);
            if let Some(stored) = waitlist_index(id).and_then(|i| self.data.waitlist.get_mut(i)) {
                stored.state = WaitlistState::Offered;
                stored.offer = Some(booking);
            }
        }
        waiting.retain(|id| self.is_waiting(*id));
        if let Some(listed) = self.slot_index_mut(slot).map(|index| &mut index.waiting) {
            *listed = waiting;
        }
    }

    pub(crate) fn is_waiting(&self, id: WaitlistId) -> bool {
        self.waitlist_entry(id).is_ok_and(|entry| entry.state == WaitlistState::Waiting)
    }

    /// Closes the waitlist entry that `booking` was offered to.
    pub(crate) fn close_offer_entry(&mut self, booking: BookingId, state: WaitlistState) {
        let entry = self.stored(booking).ok().and_then(|b| b.details.as_ref()).and_then(|d| d.waitlist);
        if let Some(entry) = entry {
            self.set_entry_state(entry, state);
        }
    }

    fn set_entry_state(&mut self, id: WaitlistId, state: WaitlistState) {
        if let Some(entry) = waitlist_index(id).and_then(|i| self.data.waitlist.get_mut(i)) {
            entry.state = state;
        }
    }

    fn require_requester(&self, actor: &Actor, party: u32, action: &str) -> Result<()> {
        if self.party(party).is_some_and(|p| p.actor == actor.id) {
            return Ok(());
        }
        Err(crate::access::denied(
            actor,
            action,
            Text::new("只有候补申请人本人可以处理候补机会", "only the waitlisted user may answer the offer"),
        ))
    }
}

//! Single bookings and sample requests from request to completion.

use chrono::{DateTime, Duration, Utc};
use compact_str::CompactString;
use rust_decimal::Decimal;

use crate::access::Actor;
use crate::booking::check::SlotCheck;
use crate::booking::policy::BookingPolicy;
use crate::booking::quote;
use crate::booking::record::{Booking, BookingDetails, BookingId, BookingState, Completion, CompletionLink};
use crate::booking::service::ServiceRecord;
use crate::booking::{
    BookingBook, SampleRequest, SlotRequest, UserType, booking_index, booking_user_type, require_owner,
};
use crate::error::{Entity, Error, Result};
use crate::ids::InstrumentId;
use crate::lang::Text;
use crate::registry::Registry;

/// Maximum length of a purpose or reason, in characters.
const MAX_PURPOSE_CHARS: usize = 500;
/// Maximum samples in one request.
const MAX_SAMPLES: u32 = 100_000;

/// The fields of a booking about to be stored.
pub(crate) struct NewBooking {
    pub(crate) instrument: u32,
    pub(crate) start: DateTime<Utc>,
    pub(crate) end: DateTime<Utc>,
    pub(crate) people: u16,
    pub(crate) user_type: UserType,
    pub(crate) created: DateTime<Utc>,
    pub(crate) series: Option<std::num::NonZeroU32>,
    pub(crate) purpose: CompactString,
    pub(crate) details: Option<Box<BookingDetails>>,
}

/// The parts of the governing policy that a stored booking keeps.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Terms {
    pub(crate) buffer_before: u16,
    pub(crate) buffer_after: u16,
    pub(crate) holds_while_pending: bool,
}

impl Terms {
    pub(crate) fn of(policy: &BookingPolicy) -> Terms {
        // Validation keeps buffers at or below 1440 minutes.
        Terms {
            buffer_before: policy.buffer_before_minutes.min(u32::from(u16::MAX)) as u16,
            buffer_after: policy.buffer_after_minutes.min(u32::from(u16::MAX)) as u16,
            holds_while_pending: policy.pending_holds_slot,
        }
    }
}

impl BookingBook {
    /// Returns the instrument's slot in the booking data.
    ///
    /// # Errors
    ///
    /// `booking.no_policy` if the instrument has never had a policy.
    pub(crate) fn bookable(&self, instrument: &InstrumentId) -> Result<u32> {
        match self.index.instruments.get(instrument) {
            Some(slot) => Ok(*slot),
            None => Err(Error::rule(
                "booking.no_policy",
                Text::new(
                    format!("仪器 {instrument} 尚未设置预约规则；请仪器所属单位先设置"),
                    format!("instrument {instrument} has no booking policy; its unit must set one first"),
                ),
            )),
        }
    }

    /// Returns the answer deadline of a request made at `created` for a slot starting at `start`:
    /// the end of the policy's answer period, or the slot's start if that is earlier.
    pub(crate) fn request_due(&self, policy: &BookingPolicy, created: DateTime<Utc>, start: Option<DateTime<Utc>>) -> Result<DateTime<Utc>> {
        let deadline = self.data.calendar.working_day_deadline(created, policy.answer_working_days, policy.missing_year)?;
        Ok(match start {
            Some(start) => deadline.min(start),
            None => deadline,
        })
    }

    /// Stores a booking in its first state under the policy and returns its id.
    pub(crate) fn store_new(&mut self, party: u32, new: NewBooking, terms: Terms, state: BookingState, due: DateTime<Utc>) -> BookingId {
        self.push_booking(Booking {
            start: new.start,
            end: new.end,
            created: new.created,
            due,
            instrument: new.instrument,
            party,
            series: new.series,
            people: new.people,
            buffer_before: terms.buffer_before,
            buffer_after: terms.buffer_after,
            state,
            user_type: new.user_type,
            holds_while_pending: terms.holds_while_pending,
            is_sample_request: false,
            purpose: new.purpose,
            details: new.details,
        })
    }

    /// Returns the first state and deadline of a new slot booking under `policy`.
    pub(crate) fn first_state(&self, policy: &BookingPolicy, now: DateTime<Utc>, start: DateTime<Utc>) -> Result<(BookingState, DateTime<Utc>)> {
        if policy.auto_confirm {
            return Ok((BookingState::Confirmed, no_show_due(policy, start)));
        }
        Ok((BookingState::Requested, self.request_due(policy, now, Some(start))?))
    }

    pub(crate) fn request_slot(&mut self, registry: &Registry, now: DateTime<Utc>, actor: &Actor, request: &SlotRequest) -> Result<()> {
        let user_type = booking_user_type(registry, actor, &request.instrument, request.voucher.as_deref())?;
        check_purpose(&request.purpose)?;
        let slot = self.bookable(&request.instrument)?;
        let check = SlotCheck {
            instrument: slot,
            start: request.start,
            end: request.end,
            people: request.people,
            actor: &actor.id,
            unit: actor.unit(),
            check_notice: true,
            check_quota: true,
            check_stations: true,
            exclude: &[],
            tentative: &[],
        };
        let (terms, state, due) = {
            let policy = self.check_slot(&check, now)?;
            let (state, due) = self.first_state(policy, now, request.start)?;
            (Terms::of(policy), state, due)
        };

        let party = self.intern_party(actor);
        let new = NewBooking {
            instrument: slot,
            start: request.start,
            end: request.end,
            people: request.people,
            user_type,
            created: now,
            series: None,
            purpose: purpose_text(&request.purpose),
            details: voucher_details(request.voucher.as_deref()),
        };
        self.store_new(party, new, terms, state, due);
        Ok(())
    }

    pub(crate) fn request_samples(&mut self, registry: &Registry, now: DateTime<Utc>, actor: &Actor, request: &SampleRequest) -> Result<()> {
        let user_type = booking_user_type(registry, actor, &request.instrument, request.voucher.as_deref())?;
        check_purpose(&request.purpose)?;
        let slot = self.bookable(&request.instrument)?;
        let data = self.instrument_at(slot)?;
        let item = request.test_item.trim();
        if item.is_empty() {
            return Err(Error::Missing { field: "test_item".to_owned() });
        }
        if !data.profile.test_items.is_empty() && !data.profile.test_items.iter().any(|offered| offered == item) {
            return Err(Error::invalid_value(
                "test_item",
                item,
                Text::new(
                    format!("本仪器提供的检测项目之一：{}", data.profile.test_items.join("、")),
                    format!("one of the instrument's test items: {}", data.profile.test_items.join(", ")),
                ),
            ));
        }
        if request.samples == 0 || request.samples > MAX_SAMPLES {
            return Err(Error::invalid_value(
                "samples",
                request.samples,
                Text::new("1 至 100000 个样品", "1 to 100,000 samples"),
            ));
        }
        let policy = self.policy_at(slot, now)?;
        let due = self.request_due(policy, now, None)?;

        let party = self.intern_party(actor);
        let mut extra = voucher_details(request.voucher.as_deref()).unwrap_or_default();
        extra.test_item = Some(item.to_owned());
        extra.samples = request.samples;
        self.push_booking(Booking {
            start: now,
            end: now,
            created: now,
            due,
            instrument: slot,
            party,
            series: None,
            people: 1,
            buffer_before: 0,
            buffer_after: 0,
            state: BookingState::Requested,
            user_type,
            holds_while_pending: false,
            is_sample_request: true,
            purpose: purpose_text(&request.purpose),
            details: Some(extra),
        });
        Ok(())
    }

    pub(crate) fn confirm(&mut self, registry: &Registry, now: DateTime<Utc>, actor: &Actor, id: BookingId) -> Result<()> {
        let booking = self.stored(id)?;
        let instrument = &self.instrument_at(booking.instrument)?.id;
        require_owner(registry, actor, instrument, "confirm_booking")?;
        require_state(booking, id, now, &[BookingState::Requested], "confirm")?;

        let due = if booking.is_sample_request {
            booking.due
        } else {
            let party = self.party(booking.party).ok_or_else(|| Error::not_found(Entity::Booking, id))?;
            let check = SlotCheck {
                instrument: booking.instrument,
                start: booking.start,
                end: booking.end,
                people: booking.people,
                actor: &party.actor,
                unit: party.unit.as_ref(),
                check_notice: false,
                check_quota: false,
                check_stations: true,
                exclude: &[id],
                tentative: &[],
            };
            let policy = self.check_slot(&check, now)?;
            no_show_due(policy, booking.start)
        };
        self.set_state(id, BookingState::Confirmed, Some(due));
        Ok(())
    }

    pub(crate) fn reject(&mut self, registry: &Registry, now: DateTime<Utc>, actor: &Actor, id: BookingId, reason: &str) -> Result<()> {
        let booking = self.stored(id)?;
        let instrument = &self.instrument_at(booking.instrument)?.id;
        require_owner(registry, actor, instrument, "reject_booking")?;
        require_state(booking, id, now, &[BookingState::Requested], "reject")?;
        require_reason(Some(reason))?;

        let slot = booking.instrument;
        self.set_state(id, BookingState::Rejected, None);
        self.set_reason(id, reason);
        self.offer_freed(slot, now);
        Ok(())
    }

    pub(crate) fn cancel(&mut self, registry: &Registry, now: DateTime<Utc>, actor: &Actor, id: BookingId, reason: Option<&str>) -> Result<()> {
        let booking = self.stored(id)?;
        let instrument = &self.instrument_at(booking.instrument)?.id;
        let is_requester = self.party(booking.party).is_some_and(|party| party.actor == actor.id);
        if is_requester {
            require_state(booking, id, now, &[BookingState::Requested, BookingState::Confirmed], "cancel")?;
            if !booking.is_sample_request {
                let policy = self.policy_at(booking.instrument, booking.start)?;
                check_cancel_notice(policy, booking.start, now)?;
            }
        } else {
            require_owner(registry, actor, instrument, "cancel_booking")?;
            require_state(
                booking,
                id,
                now,
                &[BookingState::Requested, BookingState::Confirmed, BookingState::Offered],
                "cancel",
            )?;
            require_reason(reason)?;
        }

        let slot = booking.instrument;
        let was_offer = booking.state == BookingState::Offered;
        self.set_state(id, BookingState::Cancelled, None);
        if let Some(reason) = reason.filter(|r| !r.trim().is_empty()) {
            self.set_reason(id, reason);
        }
        if was_offer {
            self.close_offer_entry(id, crate::booking::WaitlistState::Withdrawn);
        }
        self.offer_freed(slot, now);
        Ok(())
    }

    pub(crate) fn reschedule(
        &mut self,
        registry: &Registry,
        now: DateTime<Utc>,
        actor: &Actor,
        id: BookingId,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
    ) -> Result<()> {
        let booking = self.stored(id)?.clone();
        let instrument = self.instrument_at(booking.instrument)?.id.clone();
        let party = self.party(booking.party).cloned().ok_or_else(|| Error::not_found(Entity::Booking, id))?;
        if party.actor != actor.id {
            require_owner(registry, actor, &instrument, "reschedule_booking")?;
        }
        if booking.is_sample_request {
            return Err(invalid_state(id, "sample_request", "reschedule"));
        }
        let allowed = [BookingState::Requested, BookingState::Confirmed, BookingState::CheckedIn];
        require_state(&booking, id, now, &allowed, "reschedule")?;

        let started = booking.start <= now;
        let mut check = SlotCheck {
            instrument: booking.instrument,
            start,
            end,
            people: booking.people,
            actor: &party.actor,
            unit: party.unit.as_ref(),
            check_notice: !started,
            check_quota: true,
            check_stations: true,
            exclude: &[id],
            tentative: &[],
        };
        let policy = if started {
            check_running_change(&booking, start, end, now)?;
            if end <= booking.end {
                // Shortening frees time and needs only the slot grid.
                let policy = self.policy_at(booking.instrument, booking.start)?;
                let zone = self.instrument_at(booking.instrument)?.profile.zone;
                crate::booking::check::check_grid(policy, zone, start, end)?;
                policy.clone()
            } else {
                check.check_notice = false;
                self.check_slot(&check, now)?.clone()
            }
        } else {
            let old_policy = self.policy_at(booking.instrument, booking.start)?;
            check_change_notice(old_policy, booking.start, now)?;
            self.check_slot(&check, now)?.clone()
        };

        let due = match booking.state {
            BookingState::Requested => self.request_due(&policy, booking.created, Some(start))?,
            BookingState::Confirmed => no_show_due(&policy, start),
            _ => booking.due,
        };
        self.update_booking(id, |stored| {
            stored.start = start;
            stored.end = end;
            stored.due = due;
            if !started {
                stored.buffer_before = policy.buffer_before_minutes as u16;
                stored.buffer_after = policy.buffer_after_minutes as u16;
            }
        });
        self.offer_freed(booking.instrument, now);
        Ok(())
    }

    pub(crate) fn check_in(&mut self, registry: &Registry, now: DateTime<Utc>, actor: &Actor, id: BookingId) -> Result<()> {
        let booking = self.stored(id)?;
        let instrument = &self.instrument_at(booking.instrument)?.id;
        let is_requester = self.party(booking.party).is_some_and(|party| party.actor == actor.id);
        if !is_requester {
            require_owner(registry, actor, instrument, "check_in")?;
        }
        if booking.is_sample_request {
            return Err(invalid_state(id, "sample_request", "check_in"));
        }
        require_state(booking, id, now, &[BookingState::Confirmed], "check_in")?;
        let policy = self.policy_at(booking.instrument, booking.start)?;
        let opens = booking.start - Duration::minutes(i64::from(policy.check_in_opens_minutes));
        if now < opens {
            return Err(Error::rule(
                "booking.check_in_window",
                Text::new(
                    format!("签到最早于 {opens} 开始；请届时再签到"),
                    format!("check-in opens at {opens}; check in from then on"),
                ),
            ));
        }
        self.set_state(id, BookingState::CheckedIn, None);
        Ok(())
    }

    pub(crate) fn complete(
        &mut self,
        registry: &Registry,
        now: DateTime<Utc>,
        actor: &Actor,
        id: BookingId,
        completion: &Completion,
    ) -> Result<()> {
        let booking = self.stored(id)?;
        let position = booking_index(id).ok_or_else(|| Error::not_found(Entity::Booking, id))?;
        let data = self.instrument_at(booking.instrument)?;
        let provider = require_owner(registry, actor, &data.id, "complete_booking")?;
        let expected = if booking.is_sample_request { BookingState::Confirmed } else { BookingState::CheckedIn };
        require_state(booking, id, now, &[expected], "complete")?;
        validate_completion(completion)?;

        let policy = self.policy_at(booking.instrument, booking.start)?;
        let test_item = booking.details.as_ref().and_then(|d| d.test_item.as_deref());
        let amount = match completion.amount {
            Some(amount) => amount,
            None => quote::amount(policy, booking.user_type, completion.actual_hours, completion.samples, test_item)?,
        };
        let party = self.party(booking.party).ok_or_else(|| Error::not_found(Entity::Booking, id))?;
        let record = ServiceRecord::new(id, booking, &data.id, provider, party, data.profile.zone, now, completion, amount);
        let (is_sample_request, end, slot) = (booking.is_sample_request, booking.end, booking.instrument);
        let link = CompletionLink::new(self.data.service_records.len(), completion.amount.is_some())
            .ok_or_else(|| Error::Overflow { operation: "count of service records".to_owned() })?;

        let ends_early = !is_sample_request && now < end;
        self.update_booking(id, |stored| {
            if ends_early {
                stored.end = now.max(stored.start);
            }
            stored.state = BookingState::Completed;
        });
        debug_assert_eq!(self.data.completed.len(), self.data.bookings.len(), "one completion entry per booking");
        if let Some(entry) = self.data.completed.get_mut(position) {
            *entry = Some(link);
        }
        self.data.service_records.push(record);
        if !is_sample_request {
            self.offer_freed(slot, now);
        }
        Ok(())
    }

    pub(crate) fn sweep(&mut self, registry: &Registry, now: DateTime<Utc>, actor: &Actor, instrument: Option<&InstrumentId>) -> Result<()> {
        let only = match instrument {
            Some(id) => {
                require_owner(registry, actor, id, "sweep_bookings")?;
                Some(self.bookable(id)?)
            }
            None => {
                crate::access::require_office(actor, "sweep_bookings")?;
                None
            }
        };

        let mut freed = std::collections::BTreeSet::new();
        for i in 0..self.data.bookings.len() {
            let id = BookingId(i as u64 + 1);
            let Ok(booking) = self.stored(id) else { continue };
            if only.is_some_and(|slot| slot != booking.instrument) {
                continue;
            }
            let (stored_state, state) = (booking.state, booking.state_at(now));
            if stored_state == state {
                continue;
            }
            let slot = booking.instrument;
            self.set_state(id, state, None);
            if state == BookingState::Lapsed {
                self.close_offer_entry(id, crate::booking::WaitlistState::Lapsed);
            }
            freed.insert(slot);
        }
        let instruments: Vec<u32> = match only {
            Some(slot) => vec![slot],
            None => (0..self.data.instruments.len() as u32).collect(),
        };
        for slot in instruments {
            freed.insert(slot);
        }
        for slot in freed {
            self.offer_freed(slot, now);
        }
        Ok(())
    }

    /// Changes the stored state, keeping the indexes in step.
    pub(crate) fn set_state(&mut self, id: BookingId, state: BookingState, due: Option<DateTime<Utc>>) {
        self.update_booking(id, |booking| {
            booking.state = state;
            if let Some(due) = due {
                booking.due = due;
            }
        });
    }

    fn set_reason(&mut self, id: BookingId, reason: &str) {
        if let Ok(booking) = self.stored_mut(id) {
            booking.details_mut().reason = Some(reason.trim().to_owned());
        }
    }
}

/// Returns the check-in deadline of a confirmed booking.
pub(crate) fn no_show_due(policy: &BookingPolicy, start: DateTime<Utc>) -> DateTime<Utc> {
    start + Duration::minutes(i64::from(policy.no_show_minutes))
}

/// Returns a new booking's purpose as stored: trimmed.
pub(crate) fn purpose_text(purpose: &str) -> CompactString {
    CompactString::from(purpose.trim())
}

/// Returns the details box of a new booking, which only a voucher needs.
pub(crate) fn voucher_details(voucher: Option<&str>) -> Option<Box<BookingDetails>> {
    let voucher = voucher.map(str::trim).filter(|v| !v.is_empty())?;
    Some(Box::new(BookingDetails { voucher: Some(voucher.to_owned()), ..BookingDetails::default() }))
}

pub(crate) fn check_purpose(purpose: &str) -> Result<()> {
    // A character takes at least one byte, so a short text needs no count.
    if purpose.len() <= MAX_PURPOSE_CHARS {
        return Ok(());
    }
    let chars = purpose.chars().count();
    if chars > MAX_PURPOSE_CHARS {
        return Err(Error::TooLong { field: "purpose".to_owned(), max_chars: MAX_PURPOSE_CHARS, actual_chars: chars });
    }
    Ok(())
}

pub(crate) fn invalid_state(id: BookingId, state: &str, action: &str) -> Error {
    Error::InvalidState { entity: Entity::Booking, id: id.to_string(), state: state.to_owned(), action: action.to_owned() }
}

/// Checks that the booking's state at `now` is one of `allowed`.
pub(crate) fn require_state(booking: &Booking, id: BookingId, now: DateTime<Utc>, allowed: &[BookingState], action: &str) -> Result<()> {
    let state = booking.state_at(now);
    if allowed.contains(&state) {
        return Ok(());
    }
    Err(invalid_state(id, state.name(), action))
}

pub(crate) fn require_reason(reason: Option<&str>) -> Result<()> {
    match reason {
        Some(reason) if !reason.trim().is_empty() => {
            let chars = reason.chars().count();
            if chars > MAX_PURPOSE_CHARS {
                return Err(Error::TooLong { field: "reason".to_owned(), max_chars: MAX_PURPOSE_CHARS, actual_chars: chars });
            }
            Ok(())
        }
        _ => Err(Error::Missing { field: "reason".to_owned() }),
    }
}

pub(crate) fn check_cancel_notice(policy: &BookingPolicy, start: DateTime<Utc>, now: DateTime<Utc>) -> Result<()> {
    let lead = (start - now).num_minutes();
    let notice = policy.cancel_notice;
    let too_late = lead < i64::from(notice.min_minutes);
    let too_early = notice.max_minutes.is_some_and(|max| lead > i64::from(max));
    if !too_late && !too_early {
        return Ok(());
    }
    Err(Error::rule(
        "booking.cancel_cutoff",
        Text::new(
            format!(
                "用户取消须在开始前 {} 分钟以上{}；距开始还有 {lead} 分钟，请联系仪器所属单位",
                notice.min_minutes,
                notice.max_minutes.map(|m| format!("、{m} 分钟以内")).unwrap_or_default()
            ),
            format!(
                "users may cancel at least {} minutes{} before the start; it is {lead} minutes away, so ask the instrument's unit",
                notice.min_minutes,
                notice.max_minutes.map(|m| format!(" and at most {m} minutes")).unwrap_or_default()
            ),
        ),
    ))
}

pub(crate) fn check_change_notice(policy: &BookingPolicy, start: DateTime<Utc>, now: DateTime<Utc>) -> Result<()> {
    let lead = (start - now).num_minutes();
    let notice = policy.change_notice;
    let too_late = lead < i64::from(notice.min_minutes);
    let too_early = notice.max_minutes.is_some_and(|max| lead > i64::from(max));
    if !too_late && !too_early {
        return Ok(());
    }
    Err(Error::rule(
        "booking.change_notice",
        Text::new(
            format!("改期须在原开始时间前 {} 分钟以上；距开始还有 {lead} 分钟", notice.min_minutes),
            format!("a booking may be moved at least {} minutes before its start; it is {lead} minutes away", notice.min_minutes),
        ),
    ))
}

/// Checks a change to a booking that has started: the start stays and the new end is after `now`.
fn check_running_change(booking: &Booking, start: DateTime<Utc>, end: DateTime<Utc>, now: DateTime<Utc>) -> Result<()> {
    if start != booking.start {
        return Err(Error::rule(
            "booking.started",
            Text::new(
                format!("预约已于 {} 开始，开始时间不能再改；只能缩短或延长结束时间", booking.start),
                format!("the booking started at {}; its start cannot change, only its end", booking.start),
            ),
        ));
    }
    if end <= now {
        return Err(Error::invalid_value(
            "end",
            end,
            Text::new(format!("晚于当前时刻 {now}"), format!("an instant after now ({now})")),
        ));
    }
    Ok(())
}

fn validate_completion(completion: &Completion) -> Result<()> {
    let hours = completion.actual_hours;
    if hours < Decimal::ZERO || hours > Decimal::from(366 * 24) {
        return Err(Error::invalid_value(
            "actual_hours",
            hours,
            Text::new("0 至 8784 小时", "0 to 8784 hours"),
        ));
    }
    if completion.samples > MAX_SAMPLES {
        return Err(Error::invalid_value(
            "samples",
            completion.samples,
            Text::new("0 至 100000 个样品", "0 to 100,000 samples"),
        ));
    }
    Ok(())
}

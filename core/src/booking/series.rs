//! Recurring bookings (周期预约): expansion in the instrument's zone,
//! per-occurrence checks, edits and cancellation of future occurrences.

use std::num::NonZeroU32;

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};

use crate::access::Actor;
use crate::booking::check::SlotCheck;
use crate::booking::lifecycle::{NewBooking, Terms, check_cancel_notice, no_show_due, purpose_text, voucher_details, require_reason};
use crate::booking::policy::{BookingPolicy, DAY_MINUTES};
use crate::booking::record::{BookingId, BookingState, Series, SeriesId, SkippedOccurrence};
use crate::booking::{BookingBook, OnConflict, SeriesEdit, SeriesRequest, booking_user_type, require_owner};
use crate::calendar::Zone;
use crate::error::{Entity, Error, Result};
use crate::lang::Text;
use crate::registry::Registry;

type Span = (DateTime<Utc>, DateTime<Utc>);

impl BookingBook {
    pub(crate) fn request_series(&mut self, registry: &Registry, now: DateTime<Utc>, actor: &Actor, request: &SeriesRequest) -> Result<()> {
        let user_type = booking_user_type(registry, actor, &request.instrument, request.voucher.as_deref())?;
        crate::booking::lifecycle::check_purpose(&request.purpose)?;
        let slot = self.bookable(&request.instrument)?;
        let zone = self.instrument_at(slot)?.profile.zone;
        let first_policy = self.policy_at(slot, request.first_start)?;
        check_series_duration(request.duration_minutes)?;

        let first_date = zone.local_date(request.first_start);
        let dates = request.recurrence.dates(
            first_date,
            first_policy.max_series_occurrences,
            &self.data.calendar,
            first_policy.missing_year,
        )?;
        let time = zone.local(request.first_start).local.time();
        let spans = expand(zone, &dates, time, request.duration_minutes)?;
        check_self_overlap(first_policy, &dates, &spans)?;

        let mut accepted: Vec<Span> = Vec::new();
        let mut accepted_dates: Vec<NaiveDate> = Vec::new();
        let mut skipped: Vec<SkippedOccurrence> = Vec::new();
        for (date, (start, end)) in dates.iter().zip(&spans) {
            let check = SlotCheck {
                instrument: slot,
                start: *start,
                end: *end,
                people: request.people,
                actor: &actor.id,
                unit: actor.unit(),
                check_notice: true,
                check_quota: true,
                check_stations: true,
                exclude: &[],
                tentative: &accepted,
            };
            match self.check_slot(&check, now) {
                Ok(_) => {
                    accepted.push((*start, *end));
                    accepted_dates.push(*date);
                }
                Err(error) if request.on_conflict == OnConflict::Skip => skipped.push(skipped_occurrence(*date, *start, &error)),
                Err(error) => return Err(on_date(*date, error)),
            }
        }
        if accepted.is_empty() {
            let first = skipped.first().map(|s| s.date).unwrap_or(first_date);
            return Err(Error::rule(
                "booking.series_empty",
                Text::new(
                    format!("周期预约的所有日期都无法预约（首个为 {first}）；请调整时间"),
                    format!("no date of the recurring booking can be booked (the first is {first}); change the time"),
                ),
            ));
        }

        let mut plans = Vec::with_capacity(accepted.len());
        for (start, end) in &accepted {
            let policy = self.policy_at(slot, *start)?;
            let (state, due) = self.first_state(policy, now, *start)?;
            plans.push((*start, *end, Terms::of(policy), state, due));
        }

        let series_id = self.next_series_id();
        let series_number = u32::try_from(series_id.0).ok().and_then(NonZeroU32::new);
        let party = self.intern_party(actor);
        let mut bookings = Vec::with_capacity(plans.len());
        for (start, end, terms, state, due) in plans {
            let new = NewBooking {
                instrument: slot,
                start,
                end,
                people: request.people,
                user_type,
                created: now,
                series: series_number,
                purpose: purpose_text(&request.purpose),
                details: voucher_details(request.voucher.as_deref()),
            };
            bookings.push(self.store_new(party, new, terms, state, due));
        }
        self.data.series.push(Series {
            id: series_id,
            instrument: request.instrument.clone(),
            requester: actor.id.clone(),
            bookings,
            skipped,
        });
        Ok(())
    }

    pub(crate) fn edit_series(&mut self, registry: &Registry, now: DateTime<Utc>, actor: &Actor, id: SeriesId, edit: &SeriesEdit) -> Result<()> {
        let series = self.series(id)?.clone();
        if series.requester != actor.id {
            require_owner(registry, actor, &series.instrument, "edit_series")?;
        }
        check_series_duration(edit.duration_minutes)?;
        if edit.start_time.minutes() >= DAY_MINUTES {
            return Err(Error::invalid_value(
                "start_time",
                edit.start_time,
                Text::new("00:00 至 23:59 之间的时刻", "a time from 00:00 to 23:59"),
            ));
        }
        let slot = self.bookable(&series.instrument)?;
        let zone = self.instrument_at(slot)?.profile.zone;

        let editable = self.editable_occurrences(&series, now)?;
        if editable.is_empty() {
            return Err(nothing_left(id, "edit"));
        }
        let time = NaiveTime::from_hms_opt(edit.start_time.minutes() / 60, edit.start_time.minutes() % 60, 0)
            .ok_or_else(|| Error::overflow("series start time"))?;
        let dates: Vec<NaiveDate> = editable.iter().map(|(_, start)| zone.local_date(*start)).collect();
        let spans = expand(zone, &dates, time, edit.duration_minutes)?;
        let first_policy = self.policy_at(slot, spans.first().map_or(now, |s| s.0))?;
        check_self_overlap(first_policy, &dates, &spans)?;

        let replaced: Vec<BookingId> = editable.iter().map(|(booking, _)| *booking).collect();
        let first = replaced.first().copied().ok_or_else(|| nothing_left(id, "edit"))?;
        let party = self.stored(first)?.party;
        let party = self.party(party).cloned().ok_or_else(|| Error::not_found(Entity::BookingSeries, id))?;
        let mut accepted: Vec<Span> = Vec::new();
        let mut plans = Vec::with_capacity(spans.len());
        for ((booking, _), (date, (start, end))) in editable.iter().zip(dates.iter().zip(&spans)) {
            let check = SlotCheck {
                instrument: slot,
                start: *start,
                end: *end,
                people: self.stored(*booking)?.people,
                actor: &party.actor,
                unit: party.unit.as_ref(),
                check_notice: true,
                check_quota: true,
                check_stations: true,
                exclude: &replaced,
                tentative: &accepted,
            };
            let policy = self.check_slot(&check, now).map_err(|error| on_date(*date, error))?.clone();
            accepted.push((*start, *end));
            plans.push((*booking, *start, *end, policy));
        }

        for (booking, start, end, policy) in plans {
            let stored = self.stored(booking)?;
            let due = match stored.state {
                BookingState::Requested => self.request_due(&policy, stored.created, Some(start))?,
                _ => no_show_due(&policy, start),
            };
            self.update_booking(booking, |stored| {
                stored.start = start;
                stored.end = end;
                stored.due = due;
                stored.buffer_before = policy.buffer_before_minutes as u16;
                stored.buffer_after = policy.buffer_after_minutes as u16;
            });
        }
        if let Some(series) = crate::booking::series_index(id).and_then(|i| self.data.series.get_mut(i)) {
            series.skipped.clear();
        }
        self.offer_freed(slot, now);
        Ok(())
    }

    pub(crate) fn cancel_series(
        &mut self,
        registry: &Registry,
        now: DateTime<Utc>,
        actor: &Actor,
        id: SeriesId,
        reason: Option<&str>,
    ) -> Result<()> {
        let series = self.series(id)?.clone();
        let by_requester = series.requester == actor.id;
        if !by_requester {
            require_owner(registry, actor, &series.instrument, "cancel_series")?;
            require_reason(reason)?;
        }
        let slot = self.bookable(&series.instrument)?;

        let mut cancel = Vec::new();
        for booking in &series.bookings {
            let stored = self.stored(*booking)?;
            let state = stored.state_at(now);
            let active = matches!(state, BookingState::Requested | BookingState::Confirmed);
            if !active || stored.start <= now {
                continue;
            }
            if by_requester {
                let policy = self.policy_at(slot, stored.start)?;
                if check_cancel_notice(policy, stored.start, now).is_err() {
                    continue;
                }
            }
            cancel.push(*booking);
        }
        if cancel.is_empty() {
            return Err(nothing_left(id, "cancel"));
        }

        for booking in cancel {
            self.set_state(booking, BookingState::Cancelled, None);
            if let (Some(reason), Ok(stored)) = (reason.filter(|r| !r.trim().is_empty()), self.stored_mut(booking)) {
                stored.details_mut().reason = Some(reason.trim().to_owned());
            }
        }
        self.offer_freed(slot, now);
        Ok(())
    }

    /// Returns the occurrences an edit may move: requested or confirmed,
    /// starting later than the change notice from `now`.
    fn editable_occurrences(&self, series: &Series, now: DateTime<Utc>) -> Result<Vec<(BookingId, DateTime<Utc>)>> {
        let mut editable = Vec::new();
        for booking in &series.bookings {
            let stored = self.stored(*booking)?;
            let state = stored.state_at(now);
            if !matches!(state, BookingState::Requested | BookingState::Confirmed) {
                continue;
            }
            let policy = self.policy_at(stored.instrument, stored.start)?;
            let cutoff = now + Duration::minutes(i64::from(policy.change_notice.min_minutes));
            if stored.start >= cutoff {
                editable.push((*booking, stored.start));
            }
        }
        Ok(editable)
    }
}

/// Turns local dates and a local start time into instants.
fn expand(zone: Zone, dates: &[NaiveDate], time: NaiveTime, minutes: u32) -> Result<Vec<Span>> {
    let length = Duration::minutes(i64::from(minutes));
    let mut spans = Vec::with_capacity(dates.len());
    for date in dates {
        let start = zone.to_utc(date.and_time(time))?;
        spans.push((start, start + length));
    }
    Ok(spans)
}

fn check_series_duration(minutes: u32) -> Result<()> {
    if minutes == 0 || minutes > 366 * DAY_MINUTES {
        return Err(Error::invalid_value(
            "duration_minutes",
            minutes,
            Text::new("1 至 527040 分钟（366 天）", "1 to 527,040 minutes (366 days)"),
        ));
    }
    Ok(())
}

/// Rejects a series whose occurrences, buffers included, overlap each other.
fn check_self_overlap(policy: &BookingPolicy, dates: &[NaiveDate], spans: &[Span]) -> Result<()> {
    let before = Duration::minutes(i64::from(policy.buffer_before_minutes));
    let after = Duration::minutes(i64::from(policy.buffer_after_minutes));
    for (i, pair) in spans.windows(2).enumerate() {
        let (previous, next) = (pair[0], pair[1]);
        if next.0 - before < previous.1 + after {
            let (first, second) = (dates.get(i).copied(), dates.get(i + 1).copied());
            let first = first.map(|d| d.to_string()).unwrap_or_default();
            let second = second.map(|d| d.to_string()).unwrap_or_default();
            return Err(Error::rule(
                "booking.series_self_overlap",
                Text::new(
                    format!("周期预约的 {first} 与 {second} 两次预约（含缓冲）互相重叠；请缩短时长或拉开间隔"),
                    format!("the occurrences on {first} and {second} overlap each other (buffers included); shorten them or space them out"),
                ),
            ));
        }
    }
    Ok(())
}

fn skipped_occurrence(date: NaiveDate, start: DateTime<Utc>, error: &Error) -> SkippedOccurrence {
    let rule = match error {
        Error::RuleViolation { rule, .. } => Some(rule.clone()),
        _ => None,
    };
    SkippedOccurrence { date, start, code: error.code().to_owned(), rule, reason: error.text() }
}

/// Names the date in a per-occurrence error.
fn on_date(date: NaiveDate, error: Error) -> Error {
    match error {
        Error::RuleViolation { rule, detail } => Error::RuleViolation {
            rule,
            detail: Text::new(format!("{date}：{}", detail.zh), format!("{date}: {}", detail.en)),
        },
        other => other,
    }
}

fn nothing_left(id: SeriesId, action: &str) -> Error {
    Error::InvalidState {
        entity: Entity::BookingSeries,
        id: id.to_string(),
        state: "no_future_occurrences".to_owned(),
        action: action.to_owned(),
    }
}

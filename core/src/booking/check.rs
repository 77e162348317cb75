//! The one check that every path creating or moving a booking runs.

use chrono::{DateTime, Duration, Timelike, Utc};
use compact_str::CompactString;
use rust_decimal::Decimal;

use crate::booking::occupancy::peak_overlap;
use crate::booking::policy::{self, BlackoutTime, BookingPolicy, DAY_MINUTES, QuotaLimit, QuotaScope};
use crate::booking::record::BookingId;
use crate::booking::shared::SharedVersion;
use crate::booking::{BookingBook, InstrumentBooking, TrainedKey, TrainingRecord};
use crate::calendar::Zone;
use crate::error::{Error, Result};
use crate::ids::UnitId;
use crate::lang::Text;

/// One occurrence of a blackout: its start, its end and the blackout.
pub(crate) type BlackoutInterval<'a> = (DateTime<Utc>, DateTime<Utc>, &'a policy::Blackout);

/// Years an instant given to the booking engine may fall in. Keeping
/// instants far from the ends of the `DateTime` range lets the engine add
/// buffers, notice and deadlines without overflow.
const INSTANT_YEARS: std::ops::RangeInclusive<i32> = 1900..=2199;

/// Checks that an instant given by the caller lies in 1900–2199.
pub(crate) fn check_instant(field: &str, instant: DateTime<Utc>) -> Result<()> {
    if INSTANT_YEARS.contains(&chrono::Datelike::year(&instant)) {
        return Ok(());
    }
    Err(Error::invalid_value(
        field,
        instant,
        Text::new("1900 至 2199 年之间的时刻", "an instant in the years 1900 to 2199"),
    ))
}

/// Maximum booking length under any policy: 366 days.
const MAX_BOOKING_MINUTES: i64 = 366 * DAY_MINUTES as i64;

/// A slot to check, with who wants it and what to leave out of the counts.
pub(crate) struct SlotCheck<'a> {
    pub(crate) instrument: u32,
    pub(crate) start: DateTime<Utc>,
    pub(crate) end: DateTime<Utc>,
    pub(crate) people: u16,
    pub(crate) actor: &'a str,
    pub(crate) unit: Option<&'a UnitId>,
    /// Check the create notice against `now`.
    pub(crate) check_notice: bool,
    /// Check quotas; off when re-checking a booking already counted.
    pub(crate) check_quota: bool,
    /// Check the station count; off when joining a waitlist.
    pub(crate) check_stations: bool,
    /// Bookings replaced by this one, left out of station and quota counts.
    pub(crate) exclude: &'a [BookingId],
    /// Other slots of the same request, counted for quotas.
    pub(crate) tentative: &'a [(DateTime<Utc>, DateTime<Utc>)],
}

impl BookingBook {
    /// Returns the policy version governing bookings that start at `start`.
    pub(crate) fn policy_at(&self, instrument: u32, start: DateTime<Utc>) -> Result<&BookingPolicy> {
        let data = self.instrument_at(instrument)?;
        match version_in_force(&data.policies, start) {
            Some(version) => Ok(&version.policy),
            None => Err(Error::rule(
                "booking.no_policy",
                Text::new(
                    format!("仪器 {} 在 {start} 没有生效的预约规则；请仪器所属单位先设置预约规则", data.id),
                    format!("instrument {} has no booking policy in force at {start}; its unit must set one first", data.id),
                ),
            )),
        }
    }

    /// Runs every check on a slot and returns the policy that governs it.
    ///
    /// # Errors
    ///
    /// The first failed check as `booking.*` [`Error::RuleViolation`], or
    /// the calendar's `calendar.year_not_loaded`.
    pub(crate) fn check_slot(&self, check: &SlotCheck<'_>, now: DateTime<Utc>) -> Result<&BookingPolicy> {
        let data = self.instrument_at(check.instrument)?;
        let policy = self.policy_at(check.instrument, check.start)?;
        let zone = data.profile.zone;

        check_people(policy, check.people)?;
        check_duration(policy, check.start, check.end)?;
        check_grid(policy, zone, check.start, check.end)?;
        if check.check_notice {
            check_notice(policy, zone, check.start, now)?;
        }
        self.check_open(data, policy, check.start, check.end)?;
        self.check_blackouts(data, policy, check.start, check.end)?;
        if policy.qualification_required {
            // NOTE: an account id longer than 24 bytes makes this key allocate.
            let key = TrainedKey { slot: check.instrument, user: CompactString::from(check.actor) };
            let record = self.index.trained.get(&key).and_then(Option::as_ref);
            check_training(data, record, check.actor, zone, check.start)?;
        }
        if check.check_quota {
            self.check_quotas(check, policy, zone, now)?;
        }
        if check.check_stations {
            self.check_stations(check, policy, now)?;
        }
        Ok(policy)
    }

    /// Checks that `[start, end)` lies inside the opening hours.
    pub(crate) fn check_open(
        &self,
        data: &InstrumentBooking,
        policy: &BookingPolicy,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
    ) -> Result<()> {
        if self.open_within_fixed_day(policy, data.profile.zone, start, end)? {
            return Ok(());
        }
        self.check_open_by_instants(data, policy, start, end)
    }

    /// Checks that `[start, end)` lies inside the opening hours by the
    /// instants of the opening spans, for any zone and any number of dates.
    fn check_open_by_instants(
        &self,
        data: &InstrumentBooking,
        policy: &BookingPolicy,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
    ) -> Result<()> {
        let zone = data.profile.zone;
        let mut covered_to = start;
        let mut date = zone.local_date(start);
        let last = zone.local_date(end - Duration::seconds(1));
        while date <= last && covered_to < end {
            for span in policy::day_spans(policy, date, &self.data.calendar)? {
                let (from, to) = span_instants(zone, date, span.start.minutes(), span.end.minutes())?;
                if from <= covered_to && to > covered_to {
                    covered_to = to;
                }
            }
            date = match date.succ_opt() {
                Some(next) => next,
                None => break,
            };
        }
        if covered_to >= end {
            return Ok(());
        }
        let kind = self.data.calendar.day_kind(zone.local_date(covered_to), policy.missing_year)?;
        let (day_zh, day_en) = match &kind {
            crate::calendar::DayKind::Holiday { name } => (format!("（{name}假期）"), format!(" ({name} holiday)")),
            _ => (String::new(), String::new()),
        };
        Err(Error::rule(
            "booking.closed",
            Text::new(
                format!("{} 起不在开放时间内{day_zh}；请在开放时间内预约", zone.local(covered_to)),
                format!("{} is outside the opening hours{day_en}; book within them", zone.local(covered_to)),
            ),
        ))
    }

    /// Returns true if `[start, end)` lies within one local date on which the
    /// zone's offset is fixed and the opening spans of that date cover it.
    /// This is the common case of [`BookingBook::check_open`], decided in
    /// wall-clock seconds. It gives the same result as comparing the spans'
    /// instants, because with a fixed offset an instant of the date is its
    /// midnight plus its wall-clock seconds. False, also given for instants
    /// with fractions of a second, leaves the decision and the error to the
    /// general check.
    ///
    /// # Errors
    ///
    /// The calendar's `calendar.year_not_loaded` for the date, the same
    /// error that the general check returns.
    fn open_within_fixed_day(&self, policy: &BookingPolicy, zone: Zone, start: DateTime<Utc>, end: DateTime<Utc>) -> Result<bool> {
        // Whole seconds keep the comparisons exact.
        if start.timestamp_subsec_nanos() != 0 || end.timestamp_subsec_nanos() != 0 {
            return Ok(false);
        }
        let Some((date, from)) = zone.fixed_day_seconds(start) else { return Ok(false) };
        let Some(to) = end.timestamp().checked_sub(start.timestamp()).and_then(|length| length.checked_add(from)) else {
            return Ok(false);
        };
        // A booking may end at the next midnight (86,400 s), because its last
        // second still falls on this date, the last date the general check reads.
        if to > i64::from(DAY_MINUTES) * 60 || to <= from {
            return Ok(false);
        }
        let mut covered_to = from;
        for span in policy::day_spans(policy, date, &self.data.calendar)? {
            let (span_from, span_to) = (i64::from(span.start.minutes()) * 60, i64::from(span.end.minutes()) * 60);
            if span_from <= covered_to && span_to > covered_to {
                covered_to = span_to;
            }
        }
        Ok(covered_to >= to)
    }

    /// Checks that `[start, end)` overlaps no blackout.
    pub(crate) fn check_blackouts(
        &self,
        data: &InstrumentBooking,
        policy: &BookingPolicy,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
    ) -> Result<()> {
        for (from, to, blackout) in self.blackout_intervals(data, policy, start, end)? {
            if from < end && to > start {
                let zone = data.profile.zone;
                return Err(Error::rule(
                    "booking.blackout",
                    Text::new(
                        format!("{} 至 {} 停机：{}；请另选时间", zone.local(from), zone.local(to), blackout.reason),
                        format!("the instrument is unavailable from {} to {}: {}; choose another time", zone.local(from), zone.local(to), blackout.reason),
                    ),
                ));
            }
        }
        Ok(())
    }

    /// Lists the blackout intervals that touch `[start, end)`.
    pub(crate) fn blackout_intervals<'a>(
        &self,
        data: &'a InstrumentBooking,
        policy: &BookingPolicy,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
    ) -> Result<Vec<BlackoutInterval<'a>>> {
        let zone = data.profile.zone;
        let mut intervals = Vec::new();
        for blackout in &data.blackouts {
            match &blackout.when {
                BlackoutTime::Once { start: from, end: to } => {
                    if *from < end && *to > start {
                        intervals.push((*from, *to, blackout));
                    }
                }
                BlackoutTime::Recurring { first_date, span, recurrence } => {
                    let mut date = zone.local_date(start);
                    let last = zone.local_date(end);
                    while date <= last {
                        if recurrence.occurs_on(*first_date, date, &self.data.calendar, policy.missing_year)? {
                            let (from, to) = span_instants(zone, date, span.start.minutes(), span.end.minutes())?;
                            if from < end && to > start {
                                intervals.push((from, to, blackout));
                            }
                        }
                        date = match date.succ_opt() {
                            Some(next) => next,
                            None => break,
                        };
                    }
                }
            }
        }
        Ok(intervals)
    }

    fn check_quotas(&self, check: &SlotCheck<'_>, policy: &BookingPolicy, zone: Zone, now: DateTime<Utc>) -> Result<()> {
        for quota in &policy.quotas {
            let date = zone.local_date(check.start);
            let Some((first, next)) = quota.period.bounds(date) else { continue };
            let (from, to) = (zone.start_of_day(first)?, zone.start_of_day(next)?);

            let parties = self.quota_parties(quota.scope, check.actor, check.unit);
            let mut count: u32 = 1;
            let mut minutes: i64 = (check.end - check.start).num_minutes();
            for (start, end) in check.tentative {
                if *start >= from && *start < to {
                    count += 1;
                    minutes += (*end - *start).num_minutes();
                }
            }
            let by_party = self.slot_index(check.instrument).map(|index| &index.by_party);
            for &party in parties {
                let Some(by_party) = by_party else { break };
                let range = by_party.starting_at((party, from, BookingId(0))).take_while(|(p, start, _)| *p == party && *start < to);
                for (_, _, id) in range {
                    if check.exclude.contains(id) {
                        continue;
                    }
                    let Ok(booking) = self.stored(*id) else { continue };
                    if booking.state_at(now).counts_for_quota() {
                        count += 1;
                        minutes += booking.minutes();
                    }
                }
            }

            let hours = || Decimal::from(minutes) / Decimal::from(60);
            let over = match quota.limit {
                QuotaLimit::Bookings(max) => count > max,
                QuotaLimit::Hours(max) => hours() > max,
            };
            if over {
                let (limit_zh, limit_en, used_zh, used_en) = match quota.limit {
                    QuotaLimit::Bookings(max) => {
                        (format!("{max} 次"), format!("{max} bookings"), format!("{count} 次"), format!("{count} bookings"))
                    }
                    QuotaLimit::Hours(max) => (
                        format!("{max} 小时"),
                        format!("{max} hours"),
                        format!("{} 小时", hours().normalize()),
                        format!("{} hours", hours().normalize()),
                    ),
                };
                let period = quota.period.label();
                let (who_zh, who_en) = match quota.scope {
                    QuotaScope::User => ("每位用户", "each user"),
                    QuotaScope::Unit => ("每个单位", "each unit"),
                };
                return Err(Error::rule(
                    "booking.quota",
                    Text::new(
                        format!("{who_zh}{}最多预约 {limit_zh}（含待审核），本次预约后将达 {used_zh}（{first} 起的周期）", period.zh, ),
                        format!("{who_en} may book at most {limit_en} {} (pending requests count); this booking would make {used_en} in the period from {first}", period.en),
                    ),
                ));
            }
        }
        Ok(())
    }

    fn quota_parties(&self, scope: QuotaScope, actor: &str, unit: Option<&UnitId>) -> &[u32] {
        let parties = match (scope, unit) {
            (QuotaScope::Unit, Some(unit)) => self.index.unit_parties.get(unit).map(Vec::as_slice),
            _ => self.index.actors.get(actor).map(smallvec::SmallVec::as_slice),
        };
        parties.unwrap_or(&[])
    }

    fn check_stations(&self, check: &SlotCheck<'_>, policy: &BookingPolicy, now: DateTime<Utc>) -> Result<()> {
        let before = Duration::minutes(i64::from(policy.buffer_before_minutes));
        let after = Duration::minutes(i64::from(policy.buffer_after_minutes));
        let (from, to) = (check.start - before, check.end + after);
        let Some(occupancy) = self.slot_index(check.instrument).map(|index| &index.occupancy) else { return Ok(()) };

        let mut others = occupancy
            .overlapping(from, to)
            .filter(|entry| entry.holds_at(now) && !check.exclude.contains(&entry.id))
            .map(|entry| (entry.start, entry.end));
        // With one station any held interval that covers part of the slot
        // is a conflict, so the first one ends the search.
        let peak = if policy.stations == 1 {
            u32::from(others.any(|(start, end)| start.max(from) < end.min(to)))
        } else {
            peak_overlap(from, to, others)
        };
        if peak < policy.stations {
            return Ok(());
        }
        let zone = self.instrument_at(check.instrument)?.profile.zone;
        Err(Error::rule(
            "booking.conflict",
            Text::new(
                format!(
                    "{} 至 {} 已约满（{} 个工位，含前后各 {}/{} 分钟缓冲）；请另选时间或加入候补",
                    zone.local(check.start),
                    zone.local(check.end),
                    policy.stations,
                    policy.buffer_before_minutes,
                    policy.buffer_after_minutes
                ),
                format!(
                    "{} to {} is fully booked ({} stations, buffers of {}/{} minutes before/after included); choose another time or join the waitlist",
                    zone.local(check.start),
                    zone.local(check.end),
                    policy.stations,
                    policy.buffer_before_minutes,
                    policy.buffer_after_minutes
                ),
            ),
        ))
    }
}

/// Returns the instants of minutes `from`..`to` of `date` in `zone`; minute 1440 is the next midnight.
pub(crate) fn span_instants(zone: Zone, date: chrono::NaiveDate, from: u32, to: u32) -> Result<(DateTime<Utc>, DateTime<Utc>)> {
    let at = |minute: u32| -> Result<DateTime<Utc>> {
        if minute >= DAY_MINUTES {
            let next = date.succ_opt().ok_or_else(|| Error::overflow("date after the opening span"))?;
            return zone.start_of_day(next);
        }
        let time = chrono::NaiveTime::from_hms_opt(minute / 60, minute % 60, 0)
            .ok_or_else(|| Error::overflow("time of the opening span"))?;
        zone.to_utc(date.and_time(time))
    };
    Ok((at(from)?, at(to)?))
}

fn check_people(policy: &BookingPolicy, people: u16) -> Result<()> {
    if people == 0 || u32::from(people) > policy.max_people {
        return Err(Error::rule(
            "booking.people",
            Text::new(
                format!("每次预约 1 至 {} 人，申请了 {people} 人", policy.max_people),
                format!("a booking is for 1 to {} people; {people} were requested", policy.max_people),
            ),
        ));
    }
    Ok(())
}

fn check_duration(policy: &BookingPolicy, start: DateTime<Utc>, end: DateTime<Utc>) -> Result<()> {
    if end <= start {
        return Err(Error::invalid_value(
            "end",
            end,
            Text::new(format!("晚于开始时刻 {start}"), format!("an instant after the start {start}")),
        ));
    }
    let minutes = (end - start).num_minutes();
    let max = policy.max_duration_minutes.map_or(MAX_BOOKING_MINUTES, i64::from).min(MAX_BOOKING_MINUTES);
    if minutes < i64::from(policy.min_duration_minutes) {
        return Err(Error::rule(
            "booking.min_duration",
            Text::new(
                format!("预约时长 {minutes} 分钟，短于最短 {} 分钟", policy.min_duration_minutes),
                format!("the booking lasts {minutes} minutes, less than the minimum of {}", policy.min_duration_minutes),
            ),
        ));
    }
    if minutes > max {
        return Err(Error::rule(
            "booking.max_duration",
            Text::new(
                format!("预约时长 {minutes} 分钟，超过最长 {max} 分钟"),
                format!("the booking lasts {minutes} minutes, more than the maximum of {max}"),
            ),
        ));
    }
    Ok(())
}

pub(crate) fn check_grid(policy: &BookingPolicy, zone: Zone, start: DateTime<Utc>, end: DateTime<Utc>) -> Result<()> {
    for (field, instant) in [("start", start), ("end", end)] {
        let aligned = match zone.fixed_day_seconds(instant) {
            Some((_, seconds)) => {
                // Seconds since midnight are never negative.
                let seconds = u64::try_from(seconds).unwrap_or(1);
                instant.timestamp_subsec_nanos() == 0 && seconds.is_multiple_of(u64::from(policy.slot_minutes) * 60)
            }
            None => {
                let local = zone.local(instant).local;
                let minute = local.hour() * 60 + local.minute();
                local.second() == 0 && local.nanosecond() == 0 && minute.is_multiple_of(policy.slot_minutes)
            }
        };
        if !aligned {
            return Err(Error::rule(
                "booking.slot_grid",
                Text::new(
                    format!("{field} {} 不在 {} 分钟的时段网格上；请取整到 {} 分钟", zone.local(instant), policy.slot_minutes, policy.slot_minutes),
                    format!("{field} {} is not on the {}-minute slot grid; round it to {} minutes", zone.local(instant), policy.slot_minutes, policy.slot_minutes),
                ),
            ));
        }
    }
    Ok(())
}

/// Checks the create notice: the start must be between the minimum and the maximum notice after `now`.
pub(crate) fn check_notice(policy: &BookingPolicy, zone: Zone, start: DateTime<Utc>, now: DateTime<Utc>) -> Result<()> {
    let lead = (start - now).num_minutes();
    let notice = policy.create_notice;
    if lead < i64::from(notice.min_minutes) {
        return Err(Error::rule(
            "booking.min_notice",
            Text::new(
                format!("须至少提前 {} 分钟预约；{} 开始的时段只剩 {lead} 分钟", notice.min_minutes, zone.local(start)),
                format!("bookings need at least {} minutes' notice; the slot at {} is {lead} minutes away", notice.min_minutes, zone.local(start)),
            ),
        ));
    }
    if let Some(max) = notice.max_minutes
        && lead > i64::from(max)
    {
        return Err(Error::rule(
            "booking.max_notice",
            Text::new(
                format!("最多提前 {max} 分钟预约；{} 开始的时段还有 {lead} 分钟", zone.local(start)),
                format!("bookings open at most {max} minutes ahead; the slot at {} is {lead} minutes away", zone.local(start)),
            ),
        ));
    }
    Ok(())
}

/// Checks that `record`, the actor's training record for the instrument of
/// `data`, is valid on the local date of `start`.
fn check_training(data: &InstrumentBooking, record: Option<&TrainingRecord>, actor: &str, zone: Zone, start: DateTime<Utc>) -> Result<()> {
    let date = zone.local_date(start);
    let valid = record.is_some_and(|record| record.valid_until.is_none_or(|until| date <= until));
    if valid {
        return Ok(());
    }
    Err(Error::rule(
        "booking.qualification",
        Text::new(
            format!("用户 {actor} 没有仪器 {} 在 {date} 有效的培训记录；请先参加上机培训", data.id),
            format!("user {actor} has no training record for instrument {} valid on {date}; complete the training first", data.id),
        ),
    ))
}

/// Returns the policy version that governs bookings starting at `start`:
/// the last one in effect from `start` or earlier.
pub(crate) fn version_in_force(policies: &[SharedVersion], start: DateTime<Utc>) -> Option<&SharedVersion> {
    let position = policies.partition_point(|version| version.effective_from <= start);
    position.checked_sub(1).and_then(|i| policies.get(i))
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use chrono::TimeZone;
    use proptest::prelude::*;

    use super::*;
    use crate::booking::BookingProfile;
    use crate::booking::policy::{DailySpan, OpeningHours};
    use crate::calendar::MissingYear;
    use crate::ids::InstrumentId;

    fn spans(pairs: &[(&str, &str)]) -> Vec<DailySpan> {
        pairs.iter().map(|(start, end)| DailySpan::parse(start, end).unwrap()).collect()
    }

    /// Returns policies with the default hours, with spans that touch and
    /// run to midnight, and with spans listed out of order.
    fn policies() -> Vec<BookingPolicy> {
        let touching = spans(&[("00:00", "08:00"), ("08:00", "12:00"), ("14:00", "24:00")]);
        let unordered = spans(&[("14:00", "18:00"), ("08:30", "14:00")]);
        let every_day = |day: Vec<DailySpan>| OpeningHours {
            monday: day.clone(),
            tuesday: day.clone(),
            wednesday: day.clone(),
            thursday: day.clone(),
            friday: day.clone(),
            saturday: day.clone(),
            sunday: day,
            make_up_day: None,
        };
        let lenient = |opening_hours| BookingPolicy { opening_hours, missing_year: MissingYear::WeekdaysOnly, ..BookingPolicy::default() };
        vec![
            BookingPolicy::default(),
            lenient(OpeningHours::default()),
            BookingPolicy { closed_on_holidays: false, ..lenient(every_day(touching)) },
            lenient(every_day(unordered)),
        ]
    }

    fn instrument(zone: Zone) -> InstrumentBooking {
        InstrumentBooking {
            id: InstrumentId::new("XJ-TEST-01").unwrap(),
            profile: BookingProfile { zone, test_items: Vec::new() },
            policies: smallvec::SmallVec::new(),
            blackouts: Vec::new(),
            trained: BTreeMap::new(),
            index: crate::booking::SlotIndex::default(),
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(1000))]

        /// Wherever the wall-clock check decides, the check by instants
        /// decides the same, and it decides every whole-second booking
        /// within one date of a fixed-offset zone.
        #[test]
        fn fixed_day_check_matches_instants(
            zone in prop_oneof![Just("Asia/Shanghai"), Just("Asia/Urumqi"), Just("Europe/Berlin")],
            policy in 0..4usize,
            start_minute in 0..(45 * 366 * 1440i64),
            length_minutes in 1..(3 * 1440i64),
            seconds in prop_oneof![3 => Just(0i64), 1 => 0..60i64],
        ) {
            let zone = Zone::parse(zone).unwrap();
            let policy = &policies()[policy];
            let data = instrument(zone);
            let book = BookingBook::default();
            let origin = Utc.with_ymd_and_hms(1985, 1, 1, 0, 0, 0).unwrap();
            let start = origin + Duration::minutes(start_minute) + Duration::seconds(seconds);
            let end = start + Duration::minutes(length_minutes);

            let fast = book.open_within_fixed_day(policy, zone, start, end);
            let general = book.check_open_by_instants(&data, policy, start, end);
            let one_date = zone.local_date(start) == zone.local_date(end - Duration::seconds(1));
            let decided = zone.fixed_day_seconds(start).is_some() && one_date;
            match fast {
                Ok(true) => prop_assert!(general.is_ok(), "{start} {end}: {general:?}"),
                Ok(false) if decided => prop_assert!(general.is_err(), "{start} {end}"),
                Ok(false) => {}
                Err(error) => prop_assert_eq!(general, Err(error)),
            }
        }
    }

    proptest! {
        /// The grid check by wall-clock seconds agrees with the check by
        /// local time, in zones with and without a fixed offset.
        #[test]
        fn grid_check_matches_local_time(
            zone in prop_oneof![Just("Asia/Shanghai"), Just("Asia/Urumqi"), Just("Europe/Berlin")],
            slot_minutes in prop_oneof![Just(5u32), Just(15), Just(30), Just(60), Just(1440)],
            minute in 0..(45 * 366 * 1440i64),
            seconds in prop_oneof![3 => Just(0i64), 1 => 0..60i64],
        ) {
            let zone = Zone::parse(zone).unwrap();
            let policy = BookingPolicy { slot_minutes, ..BookingPolicy::default() };
            let instant = Utc.with_ymd_and_hms(1985, 1, 1, 0, 0, 0).unwrap() + Duration::minutes(minute) + Duration::seconds(seconds);
            let local = zone.local(instant).local;
            let expected = local.second() == 0 && (local.hour() * 60 + local.minute()).is_multiple_of(slot_minutes);
            prop_assert_eq!(check_grid(&policy, zone, instant, instant).is_ok(), expected, "{}", instant);
        }
    }

    #[test]
    fn fixed_day_check_cases() {
        let book = BookingBook::default();
        let policy = BookingPolicy::default();
        let at = |day, hour, minute| Utc.with_ymd_and_hms(2025, 10, day, hour, minute, 0).unwrap() - Duration::hours(8);
        // Thursday 2025-10-09, Beijing time. 10-01 to 10-08 is the National Day holiday.
        let cases = [
            (at(9, 10, 0), at(9, 11, 0), Some(true)),
            (at(9, 8, 30), at(9, 12, 0), Some(true)),
            (at(9, 11, 30), at(9, 14, 30), Some(false)),
            (at(9, 17, 0), at(9, 18, 30), Some(false)),
            (at(3, 10, 0), at(3, 11, 0), Some(false)),
            (at(9, 17, 0), at(10, 9, 0), Some(false)),
        ];
        for (start, end, expected) in cases {
            let fast = book.open_within_fixed_day(&policy, Zone::SHANGHAI, start, end).ok();
            assert_eq!(fast, expected, "{start} {end}");
            let general = book.check_open_by_instants(&instrument(Zone::SHANGHAI), &policy, start, end);
            assert_eq!(general.is_ok(), expected == Some(true), "{start} {end}");
        }
    }

    #[test]
    fn fixed_day_seconds_match_local_time() {
        let zone = Zone::URUMQI;
        let instant = Utc.with_ymd_and_hms(2024, 2, 29, 20, 15, 7).unwrap();
        let (date, seconds) = zone.fixed_day_seconds(instant).unwrap();
        assert_eq!(date, chrono::NaiveDate::from_ymd_opt(2024, 3, 1).unwrap());
        assert_eq!(seconds, 2 * 3600 + 15 * 60 + 7);
        assert_eq!(Zone::SHANGHAI.fixed_day_seconds(Utc.with_ymd_and_hms(1991, 9, 15, 0, 0, 0).unwrap()), None);
        // Asia/Urumqi has kept UTC+6 since 1927-12-31T18:09:40Z. The first
        // day after that is left to the general check.
        let since = Utc.with_ymd_and_hms(1927, 12, 31, 18, 9, 40).unwrap();
        assert_eq!(zone.fixed_day_seconds(since + Duration::days(1) - Duration::seconds(1)), None);
        let day_after = zone.fixed_day_seconds(since + Duration::days(1)).unwrap();
        assert_eq!(day_after, (chrono::NaiveDate::from_ymd_opt(1928, 1, 2).unwrap(), 9 * 60 + 40));
        let far = Utc.with_ymd_and_hms(2199, 12, 31, 23, 59, 59).unwrap();
        assert_eq!(zone.fixed_day_seconds(far), Some((chrono::NaiveDate::from_ymd_opt(2200, 1, 1).unwrap(), 6 * 3600 - 1)));
        assert_eq!(Zone::parse("Europe/Berlin").unwrap().fixed_day_seconds(instant), None);
    }
}

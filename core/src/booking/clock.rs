//! Local-time conversions for one zone over a search window.
//!
//! Converting through the time zone database costs a search of the zone's
//! transitions per call. A window in which the zone keeps one UTC offset
//! needs only additions, so [`WindowClock`] samples the offset across the
//! window (with a margin) once and then converts by arithmetic. Outside the
//! checked range, or where the offset changes, it converts through
//! [`Zone`] as before, so both paths give the same result.

use std::cell::Cell;

use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, NaiveTime, Utc};

use crate::booking::policy::DAY_MINUTES;
use crate::calendar::{LocalTime, Zone};
use crate::error::{Error, Result};

const SECONDS_PER_DAY: i64 = 86_400;

/// Days checked on each side of the window.
const MARGIN_DAYS: i64 = 3;

/// Hours between offset samples.
///
/// NOTE: a zone that changed its offset and changed it back within less
/// than this many hours could fall between two samples. The window would
/// then count as fixed, and times in that short stretch would be off.
const SAMPLE_HOURS: i64 = 24;

/// Part of the checked range served by arithmetic: every instant at least
/// this far inside it. UTC offsets differ by less than 36 hours, so another
/// instant with the same wall-clock time would also lie in the checked range,
/// where the offset is the same, and no such instant exists.
const INNER_HOURS: i64 = 36;

/// Converts between UTC and one zone's wall clock within a window.
#[derive(Debug, Clone)]
pub(crate) struct WindowClock {
    zone: Zone,
    fixed: Option<FixedSpan>,
    /// The last local day converted, as days since 1970-01-01 (whose date,
    /// `NaiveDate::default()`, is the starting value), and its date.
    /// Searches convert instants in time order, so most conversions reuse
    /// it instead of computing the date.
    last_day: Cell<(i64, NaiveDate)>,
}

/// A range in which the zone's offset was found constant.
#[derive(Debug, Clone, Copy)]
struct FixedSpan {
    offset: Duration,
    /// First instant served by arithmetic.
    from: DateTime<Utc>,
    /// Last instant served by arithmetic.
    to: DateTime<Utc>,
}

impl WindowClock {
    /// Creates the clock of `zone` for instants in `[from, to]`.
    pub(crate) fn new(zone: Zone, from: DateTime<Utc>, to: DateTime<Utc>) -> WindowClock {
        WindowClock { zone, fixed: fixed_span(zone, from, to), last_day: Cell::new((0, NaiveDate::default())) }
    }

    pub(crate) fn zone(&self) -> Zone {
        self.zone
    }

    /// Returns the zone's UTC offset in seconds if it is the same at both
    /// instants and no change was found between them.
    pub(crate) fn fixed_offset_seconds(&self, start: DateTime<Utc>, end: DateTime<Utc>) -> Option<i32> {
        match self.fixed {
            Some(span) if span.covers(start) && span.covers(end) => i32::try_from(span.offset.num_seconds()).ok(),
            _ => {
                let offset = self.zone.offset_seconds_at(start);
                (offset == self.zone.offset_seconds_at(end)).then_some(offset)
            }
        }
    }

    /// Returns the wall-clock time of `instant`, as [`Zone::local`].
    pub(crate) fn local(&self, instant: DateTime<Utc>) -> LocalTime {
        if let Some(span) = self.fixed
            && span.covers(instant)
            && let Some(local) = self.shift(instant, span.offset.num_seconds())
        {
            return LocalTime { local, zone: self.zone };
        }
        self.zone.local(instant)
    }

    /// Returns `instant` moved by `offset_seconds`, as a wall-clock time.
    fn shift(&self, instant: DateTime<Utc>, offset_seconds: i64) -> Option<NaiveDateTime> {
        let seconds = instant.timestamp().checked_add(offset_seconds)?;
        let (day, second) = (seconds.div_euclid(SECONDS_PER_DAY), seconds.rem_euclid(SECONDS_PER_DAY));
        let (cached_day, cached_date) = self.last_day.get();
        let date = if cached_day == day {
            cached_date
        } else {
            let date = NaiveDate::from_epoch_days(i32::try_from(day).ok()?)?;
            self.last_day.set((day, date));
            date
        };
        let time = NaiveTime::from_num_seconds_from_midnight_opt(u32::try_from(second).ok()?, instant.timestamp_subsec_nanos())?;
        Some(date.and_time(time))
    }

    /// Returns the local date of `instant`, as [`Zone::local_date`].
    pub(crate) fn local_date(&self, instant: DateTime<Utc>) -> NaiveDate {
        self.local(instant).local.date()
    }

    /// Returns the instant of the wall-clock time `local`, as [`Zone::to_utc`].
    ///
    /// # Errors
    ///
    /// As [`Zone::to_utc`].
    pub(crate) fn to_utc(&self, local: NaiveDateTime) -> Result<DateTime<Utc>> {
        if let Some(span) = self.fixed
            && let Some(utc) = local.checked_sub_signed(span.offset)
            && span.covers(utc.and_utc())
        {
            return Ok(utc.and_utc());
        }
        self.zone.to_utc(local)
    }

    /// Returns the instant at which `date` begins, as [`Zone::start_of_day`].
    ///
    /// # Errors
    ///
    /// As [`Zone::start_of_day`].
    pub(crate) fn start_of_day(&self, date: NaiveDate) -> Result<DateTime<Utc>> {
        if let Some(span) = self.fixed
            && let Some(utc) = date.and_time(NaiveTime::MIN).checked_sub_signed(span.offset)
            && span.covers(utc.and_utc())
        {
            return Ok(utc.and_utc());
        }
        self.zone.start_of_day(date)
    }

    /// Returns the instants of minutes `from`..`to` of `date`; minute 1440 is
    /// the next midnight.
    ///
    /// # Errors
    ///
    /// As [`Zone::to_utc`] and [`Zone::start_of_day`].
    pub(crate) fn span_instants(&self, date: NaiveDate, from: u32, to: u32) -> Result<(DateTime<Utc>, DateTime<Utc>)> {
        Ok((self.minute_instant(date, from)?, self.minute_instant(date, to)?))
    }

    fn minute_instant(&self, date: NaiveDate, minute: u32) -> Result<DateTime<Utc>> {
        if minute >= DAY_MINUTES {
            let next = date.succ_opt().ok_or_else(|| Error::overflow("date after the opening span"))?;
            return self.start_of_day(next);
        }
        let time = NaiveTime::from_hms_opt(minute / 60, minute % 60, 0).ok_or_else(|| Error::overflow("time of the opening span"))?;
        self.to_utc(date.and_time(time))
    }
}

impl FixedSpan {
    fn covers(&self, instant: DateTime<Utc>) -> bool {
        self.from <= instant && instant <= self.to
    }
}

/// Samples the offset of `zone` from `MARGIN_DAYS` before `from` to
/// `MARGIN_DAYS` after `to`; returns the served range if every sample agrees.
fn fixed_span(zone: Zone, from: DateTime<Utc>, to: DateTime<Utc>) -> Option<FixedSpan> {
    let margin = Duration::days(MARGIN_DAYS);
    let first = from.checked_sub_signed(margin)?;
    let last = to.checked_add_signed(margin)?;
    let offset = zone.offset_seconds_at(first);
    let step = Duration::hours(SAMPLE_HOURS);
    let mut at = first;
    while at < last {
        at = at.checked_add_signed(step)?.min(last);
        if zone.offset_seconds_at(at) != offset {
            return None;
        }
    }
    let inner = Duration::hours(INNER_HOURS);
    Some(FixedSpan {
        offset: Duration::seconds(i64::from(offset)),
        from: first.checked_add_signed(inner)?,
        to: last.checked_sub_signed(inner)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use proptest::prelude::*;

    fn zones() -> Vec<Zone> {
        ["Asia/Shanghai", "Asia/Urumqi", "Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "Pacific/Apia"]
            .iter()
            .filter_map(|name| Zone::parse(name).ok())
            .collect()
    }

    #[test]
    fn fixed_window_in_shanghai() {
        let from = Utc.with_ymd_and_hms(2025, 10, 9, 0, 0, 0).unwrap();
        let clock = WindowClock::new(Zone::SHANGHAI, from, from + Duration::days(7));
        assert!(clock.fixed.is_some());
        let local = clock.local(from);
        assert_eq!(local.local.to_string(), "2025-10-09 08:00:00");
        assert_eq!(clock.start_of_day(local.local.date()).unwrap(), from - Duration::hours(8));
    }

    #[test]
    fn window_over_daylight_saving_change_is_not_fixed() {
        let from = Utc.with_ymd_and_hms(2025, 3, 28, 0, 0, 0).unwrap();
        let clock = WindowClock::new(Zone::parse("Europe/Berlin").unwrap(), from, from + Duration::days(7));
        assert!(clock.fixed.is_none());
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

        /// Every conversion agrees with the zone's own, across daylight-saving
        /// changes and the 2011 date-line change of Samoa.
        #[test]
        fn clock_agrees_with_zone(
            zone in 0..6usize,
            day in 0..(366 * 30i64),
            length_hours in 1..(24 * 31i64),
            probes in proptest::collection::vec((0..(24 * 40i64), 0..1440u32), 1..20),
        ) {
            let zone = zones()[zone];
            let from = Utc.with_ymd_and_hms(2000, 1, 1, 0, 0, 0).unwrap() + Duration::days(day);
            let to = from + Duration::hours(length_hours);
            let clock = WindowClock::new(zone, from, to);
            for (offset_hours, minute) in probes {
                let instant = from - Duration::hours(96) + Duration::hours(offset_hours) + Duration::minutes(i64::from(minute));
                prop_assert_eq!(clock.local(instant), zone.local(instant));
                prop_assert_eq!(clock.local_date(instant), zone.local_date(instant));
                let date = zone.local_date(instant);
                prop_assert_eq!(clock.start_of_day(date).ok(), zone.start_of_day(date).ok());
                let local = date.and_time(NaiveTime::from_hms_opt(minute / 60, minute % 60, 0).unwrap());
                prop_assert_eq!(clock.to_utc(local).ok(), zone.to_utc(local).ok());
                let next = instant + Duration::hours(3);
                let reference = {
                    let offset = zone.offset_seconds_at(instant);
                    (offset == zone.offset_seconds_at(next)).then_some(offset)
                };
                prop_assert_eq!(clock.fixed_offset_seconds(instant, next), reference);
            }
        }
    }
}

//! The official working-day calendar and time zones (工作日历与时区).
//!
//! China's working week is Monday to Friday, changed each year by the State
//! Council's holiday notice: official holidays (法定节假日, off even on a
//! weekday) and make-up working days (调休上班日, worked even on a weekend).
//! [`Calendar::official`] contains the notices for 2007–2026, compiled into the
//! crate; [`Calendar::load_year`] adds a newer year from a file of the same
//! shape. Asking about a year without data is an error unless the caller
//! chooses [`MissingYear::WeekdaysOnly`].
//!
//! Official days are Beijing-time days (Asia/Shanghai, UTC+8), so deadlines
//! counted in working days end at midnight Beijing time. Instants are UTC;
//! [`Zone`] names an IANA zone and [`LocalTime`] is a wall-clock time that
//! always carries its zone.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Datelike, Days, NaiveDate, NaiveDateTime, Offset, TimeZone, Utc, Weekday};
use chrono_tz::Tz;
use schemars::JsonSchema;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::{Error, Result};
use crate::lang::Text;

/// The yearly files compiled into the crate, 2007–2026.
const OFFICIAL_YEARS: [&str; 20] = [
    include_str!("../data/cn-holidays/2007.json"),
    include_str!("../data/cn-holidays/2008.json"),
    include_str!("../data/cn-holidays/2009.json"),
    include_str!("../data/cn-holidays/2010.json"),
    include_str!("../data/cn-holidays/2011.json"),
    include_str!("../data/cn-holidays/2012.json"),
    include_str!("../data/cn-holidays/2013.json"),
    include_str!("../data/cn-holidays/2014.json"),
    include_str!("../data/cn-holidays/2015.json"),
    include_str!("../data/cn-holidays/2016.json"),
    include_str!("../data/cn-holidays/2017.json"),
    include_str!("../data/cn-holidays/2018.json"),
    include_str!("../data/cn-holidays/2019.json"),
    include_str!("../data/cn-holidays/2020.json"),
    include_str!("../data/cn-holidays/2021.json"),
    include_str!("../data/cn-holidays/2022.json"),
    include_str!("../data/cn-holidays/2023.json"),
    include_str!("../data/cn-holidays/2024.json"),
    include_str!("../data/cn-holidays/2025.json"),
    include_str!("../data/cn-holidays/2026.json"),
];

/// Years a loaded file may describe.
const LOADABLE_YEARS: std::ops::RangeInclusive<i32> = 2000..=2100;

/// Most working days that one call may add or count, about 400 years.
const MAX_WORKING_DAYS: u32 = 100_000;

/// Handling of a date whose year has no holiday data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum MissingYear {
    /// Fail with `calendar.year_not_loaded` (the default).
    #[default]
    Error,
    /// Treat Monday to Friday as working days and ignore holidays.
    WeekdaysOnly,
}

/// The kind of one calendar day (日期类型).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum DayKind {
    /// An ordinary Monday to Friday (工作日).
    Workday,
    /// An ordinary Saturday or Sunday (周末).
    Weekend,
    /// An official holiday (法定节假日), such as 国庆节.
    Holiday {
        /// Name of the holiday as the notice gives it.
        name: String,
    },
    /// A weekend day worked to make up for a holiday (调休上班日).
    MakeUpWorkday {
        /// Name of the holiday it makes up for.
        name: String,
    },
}

impl DayKind {
    /// Returns true for days that people work: ordinary weekdays and make-up working days.
    pub fn is_working_day(&self) -> bool {
        matches!(self, DayKind::Workday | DayKind::MakeUpWorkday { .. })
    }
}

/// One day that a holiday notice sets, as stored in the yearly files.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct NoticeDay {
    /// Holiday name, such as `春节`.
    pub name: String,
    /// The date.
    pub date: NaiveDate,
    /// True for a holiday, false for a make-up working day.
    #[serde(rename = "isOffDay")]
    pub is_off_day: bool,
}

/// One year's holiday file: the notice's days and the notices it comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct HolidayYear {
    /// The year the notice is for.
    pub year: i32,
    /// Addresses of the State Council notices used.
    #[serde(default)]
    pub papers: Vec<String>,
    /// The days set by the notice, possibly including a few days of the year before.
    pub days: Vec<NoticeDay>,
}

/// The official working-day calendar (官方工作日历).
///
/// # Example
///
/// ```
/// use chrono::NaiveDate;
/// use labshare::calendar::{Calendar, MissingYear};
///
/// let calendar = Calendar::official()?;
/// let friday = NaiveDate::from_ymd_opt(2025, 9, 26).unwrap();
/// // Sunday 2025-09-28 was a make-up working day before the National Day break.
/// let due = calendar.add_working_days(friday, 2, MissingYear::Error)?;
/// assert_eq!(due, NaiveDate::from_ymd_opt(2025, 9, 29).unwrap());
/// # Ok::<(), labshare::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "StoredCalendar")]
pub struct Calendar {
    years: BTreeMap<i32, HolidayYear>,
    /// Every date a loaded notice sets, derived from `years`.
    #[serde(skip)]
    days: BTreeMap<NaiveDate, (String, bool)>,
}

/// The serialised form of a [`Calendar`]: its years, without the derived day index.
#[derive(Deserialize, JsonSchema)]
struct StoredCalendar {
    years: BTreeMap<i32, HolidayYear>,
}

impl From<StoredCalendar> for Calendar {
    fn from(stored: StoredCalendar) -> Calendar {
        let mut calendar = Calendar { years: stored.years, days: BTreeMap::new() };
        calendar.rebuild_days();
        calendar
    }
}

impl JsonSchema for Calendar {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Calendar".into()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        StoredCalendar::json_schema(generator)
    }
}

impl Calendar {
    /// Creates a calendar with no years loaded.
    pub fn empty() -> Calendar {
        Calendar::default()
    }

    /// Builds the calendar of the notices for 2007–2026 compiled into the crate.
    ///
    /// # Errors
    ///
    /// [`Error::Corrupt`] if a compiled file fails to parse, which a test rules out.
    pub fn official() -> Result<Calendar> {
        let mut calendar = Calendar::empty();
        for text in OFFICIAL_YEARS {
            calendar.load_year(text.as_bytes())?;
        }
        Ok(calendar)
    }

    /// Loads one year's holiday file, replacing that year if it was loaded.
    /// Returns the year.
    ///
    /// The file has the shape `{"year": 2027, "papers": [...], "days":
    /// [{"name": "元旦", "date": "2027-01-01", "isOffDay": true}, ...]}`.
    ///
    /// # Errors
    ///
    /// [`Error::Corrupt`] for text that is not such a file,
    /// [`Error::InvalidValue`] for a year outside 2000–2100 or a day outside
    /// the year and the year before it.
    pub fn load_year(&mut self, json: &[u8]) -> Result<i32> {
        let year: HolidayYear = serde_json::from_slice(json).map_err(|error| Error::Corrupt {
            location: format!("holiday file, line {}", error.line()),
            detail: Text::new(
                format!("不是节假日年度数据文件：{error}"),
                format!("not a holiday year file: {error}"),
            ),
        })?;
        self.insert_year(year)
    }

    /// Adds one parsed year, replacing that year if it was loaded. Returns the year.
    ///
    /// # Errors
    ///
    /// As [`Calendar::load_year`].
    pub fn insert_year(&mut self, year: HolidayYear) -> Result<i32> {
        validate_year(&year)?;
        let number = year.year;
        self.years.insert(number, year);
        self.rebuild_days();
        Ok(number)
    }

    /// Rebuilds the day index from the loaded years. A later year's notice
    /// wins where two notices set the same date.
    fn rebuild_days(&mut self) {
        self.days.clear();
        for year in self.years.values() {
            for day in &year.days {
                self.days.insert(day.date, (day.name.clone(), day.is_off_day));
            }
        }
    }

    /// Returns the years with data, oldest first.
    pub fn years(&self) -> Vec<i32> {
        self.years.keys().copied().collect()
    }

    /// Returns the loaded file of `year`, if any.
    pub fn year(&self, year: i32) -> Option<&HolidayYear> {
        self.years.get(&year)
    }

    /// Returns true if the calendar has data for `year`.
    pub fn covers(&self, year: i32) -> bool {
        self.years.contains_key(&year)
    }

    /// Returns what kind of day `date` is.
    ///
    /// A day that a loaded notice sets counts even when its own year is not
    /// loaded, because the next year's notice may set the last days of December.
    ///
    /// # Errors
    ///
    /// `calendar.year_not_loaded` ([`Error::RuleViolation`]) if the year of
    /// `date` has no data and `missing` is [`MissingYear::Error`].
    pub fn day_kind(&self, date: NaiveDate, missing: MissingYear) -> Result<DayKind> {
        if let Some((name, is_off_day)) = self.days.get(&date) {
            let name = name.clone();
            return Ok(if *is_off_day { DayKind::Holiday { name } } else { DayKind::MakeUpWorkday { name } });
        }
        self.ordinary_day_kind(date, missing)
    }

    /// Returns the kind of a date that no notice sets: a weekend day or a
    /// workday.
    fn ordinary_day_kind(&self, date: NaiveDate, missing: MissingYear) -> Result<DayKind> {
        if !self.covers(date.year()) && missing == MissingYear::Error {
            return Err(year_not_loaded(date));
        }
        let weekend = matches!(date.weekday(), Weekday::Sat | Weekday::Sun);
        Ok(if weekend { DayKind::Weekend } else { DayKind::Workday })
    }

    /// Returns true if `date` is a working day.
    ///
    /// # Errors
    ///
    /// As [`Calendar::day_kind`].
    pub fn is_working_day(&self, date: NaiveDate, missing: MissingYear) -> Result<bool> {
        // Deadlines count days here, so a notice's day is decided without
        // copying its holiday name into a `DayKind`.
        match self.days.get(&date) {
            Some((_, is_off_day)) => Ok(!is_off_day),
            None => Ok(self.ordinary_day_kind(date, missing)?.is_working_day()),
        }
    }

    /// Returns the `n`-th working day after `date`; `date` itself is not
    /// counted, and `n = 0` returns `date`.
    ///
    /// # Errors
    ///
    /// As [`Calendar::day_kind`] for every day passed over;
    /// [`Error::InvalidValue`] for `n` above 100,000.
    pub fn add_working_days(&self, date: NaiveDate, n: u32, missing: MissingYear) -> Result<NaiveDate> {
        check_working_day_count(n)?;
        let mut day = date;
        let mut counted = 0;
        while counted < n {
            day = next_day(day)?;
            if self.is_working_day(day, missing)? {
                counted += 1;
            }
        }
        Ok(day)
    }

    /// Counts the working days in the half-open range `[start, end)`; zero
    /// when `end` is not after `start`.
    ///
    /// # Errors
    ///
    /// As [`Calendar::day_kind`] for every day in the range;
    /// [`Error::InvalidValue`] for a range of more than 400 years.
    pub fn working_days_between(&self, start: NaiveDate, end: NaiveDate, missing: MissingYear) -> Result<u32> {
        let span = (end - start).num_days();
        if span > i64::from(MAX_WORKING_DAYS) * 2 {
            return Err(Error::invalid_value(
                "end",
                end,
                Text::new("距开始日期不超过 400 年", "a date at most 400 years after the start"),
            ));
        }
        let mut count = 0;
        let mut day = start;
        while day < end {
            if self.is_working_day(day, missing)? {
                count += 1;
            }
            day = next_day(day)?;
        }
        Ok(count)
    }

    /// Returns the instant at which `n` working days after the Beijing-time
    /// date of `from` end: midnight Beijing time after that working day.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidValue`] for `from` outside 2000–2100, and as
    /// [`Calendar::add_working_days`].
    pub fn working_day_deadline(&self, from: DateTime<Utc>, n: u32, missing: MissingYear) -> Result<DateTime<Utc>> {
        if !LOADABLE_YEARS.contains(&from.year()) {
            return Err(Error::invalid_value(
                "from",
                from,
                Text::new("2000 至 2100 年之间的时刻", "an instant in the years 2000 to 2100"),
            ));
        }
        let official = Zone::official();
        let start_date = official.local_date(from);
        let last_day = self.add_working_days(start_date, n, missing)?;
        official.start_of_day(next_day(last_day)?)
    }
}

fn validate_year(year: &HolidayYear) -> Result<()> {
    if !LOADABLE_YEARS.contains(&year.year) {
        return Err(Error::invalid_value(
            "year",
            year.year,
            Text::new("2000 至 2100 之间的年份", "a year from 2000 to 2100"),
        ));
    }
    let mut seen = BTreeSet::new();
    for day in &year.days {
        let in_range = day.date.year() == year.year || day.date.year() == year.year - 1;
        if !in_range {
            return Err(Error::invalid_value(
                "days.date",
                day.date,
                Text::new(
                    format!("{} 年或其前一年的日期", year.year),
                    format!("a date in {} or the year before", year.year),
                ),
            ));
        }
        if !seen.insert(day.date) {
            return Err(Error::invalid_value(
                "days.date",
                day.date,
                Text::new("每个日期只出现一次", "each date listed once"),
            ));
        }
    }
    Ok(())
}

fn year_not_loaded(date: NaiveDate) -> Error {
    let year = date.year();
    Error::rule(
        "calendar.year_not_loaded",
        Text::new(
            format!("日历没有 {year} 年的节假日数据（日期 {date}）；请加载该年的国务院放假通知数据，或明确选择“仅按周一至周五”"),
            format!(
                "the calendar has no holiday data for {year} (date {date}); load that year's holiday file or choose the Monday-to-Friday fallback explicitly"
            ),
        ),
    )
}

fn check_working_day_count(n: u32) -> Result<()> {
    if n > MAX_WORKING_DAYS {
        return Err(Error::invalid_value(
            "working_days",
            n,
            Text::new("0 至 100000 个工作日", "0 to 100,000 working days"),
        ));
    }
    Ok(())
}

fn next_day(date: NaiveDate) -> Result<NaiveDate> {
    date.checked_add_days(Days::new(1))
        .ok_or_else(|| Error::invalid_value("date", date, Text::new("可表示的日期", "a representable date")))
}

/// The last change of UTC offset in the zones most Chinese networks use,
/// as UTC seconds, and the offset since then in seconds east of UTC.
/// After it a conversion is one addition, where chrono-tz searches the
/// zone's transitions, which took about 8 % of national replay time in a
/// profile. A test compares both conversions for every day up to 2200, so
/// a time zone database that moves either zone fails it.
const FIXED_SINCE: [(Tz, i64, i32); 2] = [
    // 1991-09-14T17:00Z: China's last daylight-saving period ended.
    (Tz::Asia__Shanghai, 684_867_600, 8 * 3600),
    // 1927-12-31T18:09:40Z: Asia/Urumqi left local mean time for UTC+6.
    (Tz::Asia__Urumqi, -1_325_483_420, 6 * 3600),
];

const SECONDS_PER_DAY: i64 = 86_400;

/// The day number of 1970-01-01 in chrono's count, which numbers
/// 0001-01-01 as day 1.
const UNIX_EPOCH_DAYS_FROM_CE: i64 = 719_163;

/// An IANA time zone (时区), such as `Asia/Shanghai` or `Asia/Urumqi`.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Zone(Tz);

impl Zone {
    /// Beijing time (北京时间), the official clock of China.
    pub const SHANGHAI: Zone = Zone(Tz::Asia__Shanghai);
    /// Xinjiang time (新疆时间, UTC+6), used by many people in Xinjiang.
    pub const URUMQI: Zone = Zone(Tz::Asia__Urumqi);

    /// Returns the zone of official days and deadlines: Asia/Shanghai.
    pub fn official() -> Zone {
        Zone::SHANGHAI
    }

    /// Parses an IANA zone name.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidValue`] for a name the time zone database lacks.
    pub fn parse(name: &str) -> Result<Zone> {
        Tz::from_str(name.trim()).map(Zone).map_err(|_| {
            Error::invalid_value(
                "zone",
                name,
                Text::new("IANA 时区名，如 Asia/Shanghai 或 Asia/Urumqi", "an IANA zone name such as Asia/Shanghai or Asia/Urumqi"),
            )
        })
    }

    /// Returns the IANA name.
    pub fn name(self) -> &'static str {
        self.0.name()
    }

    /// Returns the local date of `instant` in this zone. An instant within a
    /// day of the ends of the range that `NaiveDateTime` covers gives the
    /// date of the nearest end.
    pub fn local_date(self, instant: DateTime<Utc>) -> NaiveDate {
        self.wall_clock(instant).date()
    }

    /// Returns the wall-clock time of `instant` in this zone. An instant
    /// within a day of the ends of the range that `NaiveDateTime` covers
    /// gives the nearest end.
    pub fn local(self, instant: DateTime<Utc>) -> LocalTime {
        LocalTime { local: self.wall_clock(instant), zone: self }
    }

    /// Returns the instant of the wall-clock time `local` in this zone.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidValue`] for a time skipped or repeated by a
    /// daylight-saving change, which has no single instant.
    pub fn to_utc(self, local: NaiveDateTime) -> Result<DateTime<Utc>> {
        if let Some(instant) = self.fixed_utc(local) {
            return Ok(instant);
        }
        match self.0.from_local_datetime(&local).single() {
            Some(time) => Ok(time.with_timezone(&Utc)),
            None => Err(Error::invalid_value(
                "local_time",
                format!("{local} {}", self.name()),
                Text::new(
                    "该时区中唯一存在的时刻（夏令时切换时段内的时刻请改用 UTC）",
                    "a time that exists exactly once in the zone; give times inside a daylight-saving change in UTC",
                ),
            )),
        }
    }

    /// Returns the instant at which `date` begins in this zone.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidValue`] if midnight is skipped by a daylight-saving change.
    pub fn start_of_day(self, date: NaiveDate) -> Result<DateTime<Utc>> {
        let midnight = date.and_time(chrono::NaiveTime::MIN);
        if let Some(instant) = self.fixed_utc(midnight) {
            return Ok(instant);
        }
        match self.0.from_local_datetime(&midnight).earliest() {
            Some(time) => Ok(time.with_timezone(&Utc)),
            None => self.to_utc(midnight),
        }
    }

    /// Returns the UTC offset in force at `instant`, in seconds east of UTC.
    pub fn offset_seconds_at(self, instant: DateTime<Utc>) -> i32 {
        instant.with_timezone(&self.0).offset().fix().local_minus_utc()
    }

    /// Returns the wall-clock time of `instant`. A time outside the range of
    /// `NaiveDateTime`, which only instants within a day of that range's
    /// ends give, becomes the nearest end, where chrono would panic.
    fn wall_clock(self, instant: DateTime<Utc>) -> NaiveDateTime {
        let offset = match self.fixed_offset(instant) {
            Some(offset) => offset,
            None => self.0.offset_from_utc_datetime(&instant.naive_utc()).fix(),
        };
        match instant.naive_utc().checked_add_offset(offset) {
            Some(local) => local,
            None if offset.local_minus_utc() > 0 => NaiveDateTime::MAX,
            None => NaiveDateTime::MIN,
        }
    }

    /// Returns the zone's offset at `instant` if it falls in the zone's
    /// last fixed-offset period (see [`FIXED_SINCE`]).
    fn fixed_offset(self, instant: DateTime<Utc>) -> Option<chrono::FixedOffset> {
        let (since, offset_seconds) = self.fixed_period()?;
        if instant.timestamp() < since {
            return None;
        }
        chrono::FixedOffset::east_opt(offset_seconds)
    }

    /// Returns the start of the zone's last fixed-offset period, in seconds
    /// since the Unix epoch, and its offset in seconds east of UTC, if the
    /// zone is one of [`FIXED_SINCE`].
    fn fixed_period(self) -> Option<(i64, i32)> {
        let (_, since, offset_seconds) = FIXED_SINCE.iter().find(|(zone, _, _)| *zone == self.0)?;
        Some((*since, *offset_seconds))
    }

    /// Returns the local date of `instant` and its local seconds since
    /// midnight. Returns `None` unless `instant` is at least a day after the
    /// zone's last change of offset, which puts the start of its local date
    /// inside the fixed-offset period. Callers compare wall-clock seconds of
    /// such a date as they would compare instants, without converting each
    /// wall-clock time back to UTC.
    pub(crate) fn fixed_day_seconds(self, instant: DateTime<Utc>) -> Option<(NaiveDate, i64)> {
        let (since, offset_seconds) = self.fixed_period()?;
        // The date's midnight is less than a day before `instant`.
        if instant.timestamp() < since.saturating_add(SECONDS_PER_DAY) {
            return None;
        }
        let local = instant.timestamp().checked_add(i64::from(offset_seconds))?;
        let days = local.div_euclid(SECONDS_PER_DAY);
        let date = NaiveDate::from_num_days_from_ce_opt(i32::try_from(days.checked_add(UNIX_EPOCH_DAYS_FROM_CE)?).ok()?)?;
        Some((date, local.rem_euclid(SECONDS_PER_DAY)))
    }

    /// Returns the instant of `local` if it lies a day or more into the
    /// zone's last fixed-offset period. The day's margin keeps out wall
    /// times that the transition before the period repeated or skipped,
    /// because the earlier offsets of these zones differ from the fixed
    /// one by far less than a day.
    fn fixed_utc(self, local: NaiveDateTime) -> Option<DateTime<Utc>> {
        let (since, offset_seconds) = self.fixed_period()?;
        let utc = local.checked_sub_offset(chrono::FixedOffset::east_opt(offset_seconds)?)?.and_utc();
        if utc.timestamp() < since.saturating_add(SECONDS_PER_DAY) {
            return None;
        }
        Some(utc)
    }

    /// Returns the UTC offset in force at `instant`, such as `+08:00`.
    pub fn offset_at(self, instant: DateTime<Utc>) -> String {
        instant.with_timezone(&self.0).offset().fix().to_string()
    }
}

impl Default for Zone {
    /// Asia/Shanghai.
    fn default() -> Zone {
        Zone::SHANGHAI
    }
}

impl fmt::Display for Zone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl fmt::Debug for Zone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Zone({})", self.name())
    }
}

impl Serialize for Zone {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}

impl<'de> Deserialize<'de> for Zone {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Zone, D::Error> {
        let name = String::deserialize(deserializer)?;
        Zone::parse(&name).map_err(serde::de::Error::custom)
    }
}

impl JsonSchema for Zone {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Zone".into()
    }

    fn json_schema(_generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "description": "IANA time zone name",
            "examples": ["Asia/Shanghai", "Asia/Urumqi"]
        })
    }
}

/// A wall-clock time with the zone it is read in (带时区的本地时间).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
pub struct LocalTime {
    /// Date and time on the wall clock.
    pub local: NaiveDateTime,
    /// The zone of the wall clock.
    pub zone: Zone,
}

impl LocalTime {
    /// Creates a local time from `YYYY-MM-DD HH:MM` (or with `T` and seconds) and a zone name.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidValue`] for a malformed time or an unknown zone.
    pub fn parse(local: &str, zone: &str) -> Result<LocalTime> {
        let zone = Zone::parse(zone)?;
        let text = local.trim();
        let formats = ["%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S"];
        let parsed = formats.iter().find_map(|format| NaiveDateTime::parse_from_str(text, format).ok());
        match parsed {
            Some(local) => Ok(LocalTime { local, zone }),
            None => Err(Error::invalid_value(
                "local_time",
                local,
                Text::new("形如 2025-10-09 10:00 的本地时间", "a local time such as 2025-10-09 10:00"),
            )),
        }
    }

    /// Returns the instant this wall-clock time denotes.
    ///
    /// # Errors
    ///
    /// As [`Zone::to_utc`].
    pub fn to_utc(self) -> Result<DateTime<Utc>> {
        self.zone.to_utc(self.local)
    }
}

impl fmt::Display for LocalTime {
    /// Formats as `2025-10-09 10:00 Asia/Shanghai`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.local.format("%Y-%m-%d %H:%M"), self.zone)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn official_calendar_loads_every_year() {
        let calendar = Calendar::official().unwrap();
        assert_eq!(calendar.years(), (2007..=2026).collect::<Vec<_>>());
    }

    #[test]
    fn calendar_json_round_trip_rebuilds_days() {
        let calendar = Calendar::official().unwrap();
        let text = serde_json::to_string(&calendar).unwrap();
        let restored: Calendar = serde_json::from_str(&text).unwrap();
        assert_eq!(restored, calendar);
        let kind = restored.day_kind(date(2025, 10, 1), MissingYear::Error).unwrap();
        assert_eq!(kind, DayKind::Holiday { name: "国庆节、中秋节".to_owned() });
    }

    #[test]
    fn replacing_a_year_drops_its_old_days() {
        let mut calendar = Calendar::official().unwrap();
        calendar.load_year(br#"{"year": 2025, "papers": [], "days": []}"#).unwrap();
        assert_eq!(calendar.day_kind(date(2025, 10, 1), MissingYear::Error).unwrap(), DayKind::Workday);
    }

    /// Converts with chrono-tz alone, the way `Zone` did before its
    /// fixed-offset path.
    fn database_local(zone: Zone, instant: DateTime<Utc>) -> NaiveDateTime {
        instant.with_timezone(&zone.0).naive_local()
    }

    #[test]
    fn fixed_offsets_match_the_time_zone_database() {
        for (tz, since, offset_seconds) in FIXED_SINCE {
            let zone = Zone(tz);
            let start = DateTime::from_timestamp(since, 0).unwrap();
            // The period starts with a change of offset.
            assert_eq!(zone.offset_seconds_at(start), offset_seconds, "{tz}");
            assert_ne!(zone.offset_seconds_at(start - chrono::TimeDelta::seconds(1)), offset_seconds, "{tz}");
            // Every day from two days before the period to 2200, at two
            // times of day, converts the same both ways.
            let mut instant = start - chrono::TimeDelta::days(2);
            let last = Utc.with_ymd_and_hms(2200, 1, 1, 0, 0, 0).unwrap();
            while instant < last {
                for at in [instant, instant + chrono::TimeDelta::minutes(17 * 60 + 31)] {
                    let local = database_local(zone, at);
                    assert_eq!(zone.local(at).local, local, "{tz} {at}");
                    assert_eq!(zone.local_date(at), local.date(), "{tz} {at}");
                    let expected = tz.from_local_datetime(&local).single().map(|time| time.with_timezone(&Utc));
                    assert_eq!(zone.to_utc(local).ok(), expected, "{tz} {local}");
                    let midnight = local.date().and_time(chrono::NaiveTime::MIN);
                    let day_start = tz.from_local_datetime(&midnight).earliest().map(|time| time.with_timezone(&Utc));
                    assert_eq!(zone.start_of_day(local.date()).ok(), day_start, "{tz} {}", local.date());
                }
                instant += chrono::TimeDelta::days(1);
            }
        }
    }

    #[test]
    fn repeated_wall_time_stays_ambiguous() {
        // 1991-09-15 01:30 happened twice in Beijing as daylight saving ended.
        let repeated = date(1991, 9, 15).and_hms_opt(1, 30, 0).unwrap();
        assert!(Zone::SHANGHAI.to_utc(repeated).is_err());
        let after = date(1991, 9, 16).and_hms_opt(1, 30, 0).unwrap();
        assert_eq!(Zone::SHANGHAI.to_utc(after).unwrap(), Utc.with_ymd_and_hms(1991, 9, 15, 17, 30, 0).unwrap());
    }

    #[test]
    fn extreme_instants_clamp_local_time() {
        // chrono alone panics here, as the local times are out of range.
        assert_eq!(Zone::URUMQI.local(DateTime::<Utc>::MAX_UTC).local, NaiveDateTime::MAX);
        let london = Zone::parse("Europe/London").unwrap();
        assert_eq!(london.local_date(DateTime::<Utc>::MAX_UTC), NaiveDateTime::MAX.date());
        let new_york = Zone::parse("America/New_York").unwrap();
        assert_eq!(new_york.local(DateTime::<Utc>::MIN_UTC).local, NaiveDateTime::MIN);
        let tokyo = Zone::parse("Asia/Tokyo").unwrap();
        assert_eq!(tokyo.local_date(DateTime::<Utc>::MAX_UTC), NaiveDateTime::MAX.date());
    }
}

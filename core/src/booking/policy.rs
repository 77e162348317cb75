//! The booking policy of one instrument (预约规则): opening hours, slot
//! rules, notice, buffers, stations, quotas, fees, blackouts and
//! recurrences. Every field is data that the owning unit sets; the
//! defaults are the values of [`BookingPolicy::default`].

use std::fmt;

use chrono::{DateTime, Datelike, Days, NaiveDate, Utc, Weekday};
use rust_decimal::Decimal;
use schemars::JsonSchema;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::calendar::{Calendar, DayKind, MissingYear};
use crate::error::{Error, Result};
use crate::lang::Text;
use crate::money::Money;

/// Minutes in a day.
pub const DAY_MINUTES: u32 = 1440;

/// Maximum buffer, notice window or duration, in minutes: 366 days.
const MAX_MINUTES: u32 = 366 * DAY_MINUTES;

/// A time of day on the wall clock, from `00:00` to `24:00` inclusive, in whole minutes.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ClockTime(u16);

impl ClockTime {
    /// Midnight at the start of the day.
    pub const MIDNIGHT: ClockTime = ClockTime(0);
    /// Midnight at the end of the day (`24:00`).
    pub const END_OF_DAY: ClockTime = ClockTime(1440);

    /// Creates a time from hours and minutes; `24:00` is allowed.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidValue`] for a time after `24:00` or minutes above 59.
    pub fn new(hour: u32, minute: u32) -> Result<ClockTime> {
        let total = hour * 60 + minute;
        if minute > 59 || total > DAY_MINUTES {
            return Err(Error::invalid_value(
                "time",
                format!("{hour:02}:{minute:02}"),
                Text::new("00:00 至 24:00 之间的时刻", "a time from 00:00 to 24:00"),
            ));
        }
        Ok(ClockTime(total as u16))
    }

    /// Parses `HH:MM`.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidValue`] for any other text or a time after `24:00`.
    pub fn parse(text: &str) -> Result<ClockTime> {
        let invalid = || {
            Error::invalid_value("time", text, Text::new("形如 08:30 的时刻（00:00–24:00）", "a time such as 08:30 (00:00 to 24:00)"))
        };
        let (hour, minute) = text.trim().split_once(':').ok_or_else(invalid)?;
        let digits = |part: &str| part.len() == 2 && part.bytes().all(|b| b.is_ascii_digit());
        if !digits(hour) || !digits(minute) {
            return Err(invalid());
        }
        let hour: u32 = hour.parse().map_err(|_| invalid())?;
        let minute: u32 = minute.parse().map_err(|_| invalid())?;
        ClockTime::new(hour, minute).map_err(|_| invalid())
    }

    /// Returns the minutes since midnight, 0 to 1440.
    pub fn minutes(self) -> u32 {
        u32::from(self.0)
    }
}

impl fmt::Display for ClockTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}:{:02}", self.0 / 60, self.0 % 60)
    }
}

impl fmt::Debug for ClockTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ClockTime({self})")
    }
}

impl Serialize for ClockTime {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_string())
    }
}

impl<'de> Deserialize<'de> for ClockTime {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<ClockTime, D::Error> {
        let text = String::deserialize(deserializer)?;
        ClockTime::parse(&text).map_err(serde::de::Error::custom)
    }
}

impl JsonSchema for ClockTime {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "ClockTime".into()
    }

    fn json_schema(_generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "description": "Time of day HH:MM, 00:00 to 24:00",
            "pattern": "^[0-2][0-9]:[0-5][0-9]$",
            "examples": ["08:30", "24:00"]
        })
    }
}

/// A half-open span of one day's wall clock, `[start, end)`.
#[derive(Debug, Clone, Copy, PartialEq, Hash, Eq, Serialize, Deserialize, JsonSchema)]
pub struct DailySpan {
    /// First minute inside the span.
    pub start: ClockTime,
    /// First minute after the span; `24:00` runs to midnight.
    pub end: ClockTime,
}

impl DailySpan {
    /// Creates a span from `HH:MM` texts.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidValue`] for malformed times.
    pub fn parse(start: &str, end: &str) -> Result<DailySpan> {
        Ok(DailySpan { start: ClockTime::parse(start)?, end: ClockTime::parse(end)? })
    }
}

/// Opening hours per weekday (开放时间), in the instrument's zone.
#[derive(Debug, Clone, PartialEq, Hash, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(default)]
pub struct OpeningHours {
    /// Monday (周一).
    pub monday: Vec<DailySpan>,
    /// Tuesday (周二).
    pub tuesday: Vec<DailySpan>,
    /// Wednesday (周三).
    pub wednesday: Vec<DailySpan>,
    /// Thursday (周四).
    pub thursday: Vec<DailySpan>,
    /// Friday (周五).
    pub friday: Vec<DailySpan>,
    /// Saturday (周六).
    pub saturday: Vec<DailySpan>,
    /// Sunday (周日).
    pub sunday: Vec<DailySpan>,
    /// Hours on a make-up working day (调休上班日); `None` uses Monday's hours.
    pub make_up_day: Option<Vec<DailySpan>>,
}

impl Default for OpeningHours {
    /// 08:30–12:00 and 14:00–18:00 from Monday to Friday.
    fn default() -> OpeningHours {
        let workday = vec![
            DailySpan { start: ClockTime(510), end: ClockTime(720) },
            DailySpan { start: ClockTime(840), end: ClockTime(1080) },
        ];
        OpeningHours {
            monday: workday.clone(),
            tuesday: workday.clone(),
            wednesday: workday.clone(),
            thursday: workday.clone(),
            friday: workday,
            saturday: Vec::new(),
            sunday: Vec::new(),
            make_up_day: None,
        }
    }
}

impl OpeningHours {
    /// Open all day, every day.
    pub fn always() -> OpeningHours {
        let all_day = vec![DailySpan { start: ClockTime::MIDNIGHT, end: ClockTime::END_OF_DAY }];
        OpeningHours {
            monday: all_day.clone(),
            tuesday: all_day.clone(),
            wednesday: all_day.clone(),
            thursday: all_day.clone(),
            friday: all_day.clone(),
            saturday: all_day.clone(),
            sunday: all_day,
            make_up_day: None,
        }
    }

    /// Returns the spans of the seven weekdays, Monday first.
    pub(crate) fn days(&self) -> [&[DailySpan]; 7] {
        [&self.monday, &self.tuesday, &self.wednesday, &self.thursday, &self.friday, &self.saturday, &self.sunday]
    }

    /// Returns the spans of an ordinary `weekday`.
    pub fn for_weekday(&self, weekday: Weekday) -> &[DailySpan] {
        match weekday {
            Weekday::Mon => &self.monday,
            Weekday::Tue => &self.tuesday,
            Weekday::Wed => &self.wednesday,
            Weekday::Thu => &self.thursday,
            Weekday::Fri => &self.friday,
            Weekday::Sat => &self.saturday,
            Weekday::Sun => &self.sunday,
        }
    }

    fn validate(&self) -> Result<()> {
        let days: [(&str, &[DailySpan]); 8] = [
            ("opening_hours.monday", &self.monday),
            ("opening_hours.tuesday", &self.tuesday),
            ("opening_hours.wednesday", &self.wednesday),
            ("opening_hours.thursday", &self.thursday),
            ("opening_hours.friday", &self.friday),
            ("opening_hours.saturday", &self.saturday),
            ("opening_hours.sunday", &self.sunday),
            ("opening_hours.make_up_day", self.make_up_day.as_deref().unwrap_or(&[])),
        ];
        for (field, spans) in days {
            validate_spans(field, spans)?;
        }
        Ok(())
    }
}

fn validate_spans(field: &str, spans: &[DailySpan]) -> Result<()> {
    let mut previous_end = 0;
    for span in spans {
        if span.start >= span.end || span.start.minutes() < previous_end {
            return Err(Error::invalid_value(
                field,
                format!("{}-{}", span.start, span.end),
                Text::new(
                    "按时间先后排列、互不重叠且开始早于结束的时段",
                    "spans in time order that do not overlap, each starting before it ends",
                ),
            ));
        }
        previous_end = span.end.minutes();
    }
    Ok(())
}

/// How far ahead of a booking's start an action may be taken (提前量), in minutes.
#[derive(Debug, Clone, Copy, PartialEq, Hash, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(default)]
pub struct Notice {
    /// At least this many minutes before the start.
    pub min_minutes: u32,
    /// At most this many minutes before the start; `None` for no limit.
    pub max_minutes: Option<u32>,
}

/// Whose bookings a quota counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum QuotaScope {
    /// One user's bookings.
    User,
    /// The bookings of every user of one unit; users without a unit are counted alone.
    Unit,
}

/// The calendar period a quota counts over, in the instrument's zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum QuotaPeriod {
    /// A calendar day.
    Day,
    /// A week from Monday to Sunday.
    Week,
    /// A calendar month.
    Month,
    /// A calendar year.
    Year,
}

impl QuotaPeriod {
    /// Returns the first day of the period containing `date` and the first day after it.
    pub fn bounds(self, date: NaiveDate) -> Option<(NaiveDate, NaiveDate)> {
        let (first, next) = match self {
            QuotaPeriod::Day => (date, date.checked_add_days(Days::new(1))?),
            QuotaPeriod::Week => {
                let monday = date.checked_sub_days(Days::new(u64::from(date.weekday().num_days_from_monday())))?;
                (monday, monday.checked_add_days(Days::new(7))?)
            }
            QuotaPeriod::Month => {
                let first = date.with_day(1)?;
                (first, first.checked_add_months(chrono::Months::new(1))?)
            }
            QuotaPeriod::Year => {
                let first = NaiveDate::from_ymd_opt(date.year(), 1, 1)?;
                (first, NaiveDate::from_ymd_opt(date.year() + 1, 1, 1)?)
            }
        };
        Some((first, next))
    }

    /// Returns the period's name in Chinese and English.
    pub fn label(self) -> Text {
        match self {
            QuotaPeriod::Day => Text::new("每天", "per day"),
            QuotaPeriod::Week => Text::new("每周", "per week"),
            QuotaPeriod::Month => Text::new("每月", "per month"),
            QuotaPeriod::Year => Text::new("每年", "per year"),
        }
    }
}

/// The quantity a quota limits.
#[derive(Debug, Clone, Copy, PartialEq, Hash, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum QuotaLimit {
    /// Number of bookings.
    Bookings(u32),
    /// Booked hours.
    Hours(Decimal),
}

/// A quota on an instrument's bookings (预约限额). Pending requests count.
#[derive(Debug, Clone, Copy, PartialEq, Hash, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Quota {
    /// Whose bookings are counted.
    pub scope: QuotaScope,
    /// Over which period.
    pub period: QuotaPeriod,
    /// The limit.
    pub limit: QuotaLimit,
}

/// A user's relation to the instrument's unit, which selects the fee (用户类型).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum UserType {
    /// A user of the owning unit (校内/所内用户).
    Internal,
    /// A user of another member unit (网员单位用户).
    NetworkMember,
    /// A user of no member unit (外部用户).
    External,
    /// A user paying with an innovation voucher (创新券用户).
    VoucherHolder,
}

impl UserType {
    /// Returns the Chinese name.
    pub fn label_zh(self) -> &'static str {
        match self {
            UserType::Internal => "内部用户",
            UserType::NetworkMember => "网员单位用户",
            UserType::External => "外部用户",
            UserType::VoucherHolder => "创新券用户",
        }
    }
}

/// Unit a fee is charged per.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum FeeBasis {
    /// Per booked or used hour (机时).
    Hour,
    /// Per sample (样品).
    Sample,
}

/// One line of an instrument's fee standard (收费标准).
#[derive(Debug, Clone, PartialEq, Hash, Eq, Serialize, Deserialize, JsonSchema)]
pub struct FeeRate {
    /// User type that pays this rate.
    pub user_type: UserType,
    /// Per hour or per sample.
    pub basis: FeeBasis,
    /// The test item the rate is for; `None` for every item without its own rate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub test_item: Option<String>,
    /// Amount per hour or per sample.
    pub rate: Money,
}

/// Repetition pattern of a series or a blackout.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Frequency {
    /// Every `interval` days.
    Daily,
    /// On the listed weekdays of every `interval`-th week.
    Weekly,
    /// On every official working day, make-up working days included.
    WorkingDays,
}

/// A recurrence rule, expanded on local dates of the instrument's zone (重复规则).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Recurrence {
    /// Repetition pattern.
    pub frequency: Frequency,
    /// Step in days or weeks, at least 1; ignored for working days.
    #[serde(default = "one")]
    pub interval: u32,
    /// Weekdays for weekly rules, as `mon` … `sun`; empty means the weekday of the first date.
    #[serde(default)]
    pub weekdays: Vec<WeekdayName>,
    /// Number of occurrences, if limited.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count: Option<u32>,
    /// Last date that may have an occurrence, if limited.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<NaiveDate>,
}

fn one() -> u32 {
    1
}

/// A weekday as written in rules: `mon` to `sun`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum WeekdayName {
    /// Monday.
    Mon,
    /// Tuesday.
    Tue,
    /// Wednesday.
    Wed,
    /// Thursday.
    Thu,
    /// Friday.
    Fri,
    /// Saturday.
    Sat,
    /// Sunday.
    Sun,
}

impl From<WeekdayName> for Weekday {
    fn from(name: WeekdayName) -> Weekday {
        match name {
            WeekdayName::Mon => Weekday::Mon,
            WeekdayName::Tue => Weekday::Tue,
            WeekdayName::Wed => Weekday::Wed,
            WeekdayName::Thu => Weekday::Thu,
            WeekdayName::Fri => Weekday::Fri,
            WeekdayName::Sat => Weekday::Sat,
            WeekdayName::Sun => Weekday::Sun,
        }
    }
}

/// Most dates a recurrence is walked over when it is expanded: ten years.
const MAX_EXPANSION_DAYS: u64 = 3660;

impl Recurrence {
    /// Checks the rule's own fields.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidValue`] for an interval of 0, a count of 0 or an
    /// interval above 1000.
    pub fn validate(&self) -> Result<()> {
        if self.interval == 0 || self.interval > 1000 {
            return Err(Error::invalid_value(
                "recurrence.interval",
                self.interval,
                Text::new("1 至 1000", "1 to 1000"),
            ));
        }
        if self.count == Some(0) {
            return Err(Error::invalid_value("recurrence.count", 0, Text::new("至少 1 次", "at least 1")));
        }
        Ok(())
    }

    /// Returns true if `date` fits the pattern of the rule that starts on
    /// `first`, ignoring `count`.
    ///
    /// # Errors
    ///
    /// The calendar's error for working-day rules in a year without data.
    pub fn matches_pattern(&self, first: NaiveDate, date: NaiveDate, calendar: &Calendar, missing: MissingYear) -> Result<bool> {
        if date < first || self.until.is_some_and(|until| date > until) {
            return Ok(false);
        }
        let step = i64::from(self.interval.max(1));
        let matches = match self.frequency {
            Frequency::Daily => (date - first).num_days() % step == 0,
            Frequency::Weekly => {
                let week_of = |d: NaiveDate| (d.num_days_from_ce() - d.weekday().num_days_from_monday() as i32) / 7;
                let weeks = i64::from(week_of(date) - week_of(first));
                let weekday_ok = if self.weekdays.is_empty() {
                    date.weekday() == first.weekday()
                } else {
                    self.weekdays.iter().any(|w| Weekday::from(*w) == date.weekday())
                };
                weekday_ok && weeks % step == 0
            }
            Frequency::WorkingDays => calendar.is_working_day(date, missing)?,
        };
        Ok(matches)
    }

    /// Lists the dates of the rule that starts on `first`, oldest first, at
    /// most `limit` of them. The rule must end by `count` or `until`.
    ///
    /// # Errors
    ///
    /// `booking.recurrence_unbounded` if neither `count` nor `until` is set,
    /// `booking.too_many_occurrences` if more than `limit` dates result, and
    /// the calendar's error for working-day rules.
    pub fn dates(&self, first: NaiveDate, limit: u32, calendar: &Calendar, missing: MissingYear) -> Result<Vec<NaiveDate>> {
        self.validate()?;
        if self.count.is_none() && self.until.is_none() {
            return Err(Error::rule(
                "booking.recurrence_unbounded",
                Text::new("重复预约须给出次数（count）或截止日期（until）", "a recurring booking needs a count or an until date"),
            ));
        }
        let wanted = self.count.unwrap_or(u32::MAX);
        let mut dates = Vec::new();
        let mut day = first;
        for _ in 0..MAX_EXPANSION_DAYS {
            if self.until.is_some_and(|until| day > until) || dates.len() as u32 >= wanted {
                break;
            }
            if self.matches_pattern(first, day, calendar, missing)? {
                if dates.len() as u32 >= limit {
                    return Err(too_many_occurrences(limit));
                }
                dates.push(day);
            }
            match day.checked_add_days(Days::new(1)) {
                Some(next) => day = next,
                None => break,
            }
        }
        Ok(dates)
    }

    /// Returns true if the rule that starts on `first` has an occurrence on `date`.
    ///
    /// # Errors
    ///
    /// As [`Recurrence::matches_pattern`].
    pub fn occurs_on(&self, first: NaiveDate, date: NaiveDate, calendar: &Calendar, missing: MissingYear) -> Result<bool> {
        if !self.matches_pattern(first, date, calendar, missing)? {
            return Ok(false);
        }
        match self.count {
            None => Ok(true),
            Some(count) => {
                let dates = self.dates(first, count, calendar, missing)?;
                Ok(dates.binary_search(&date).is_ok())
            }
        }
    }
}

fn too_many_occurrences(limit: u32) -> Error {
    Error::rule(
        "booking.too_many_occurrences",
        Text::new(
            format!("重复预约最多 {limit} 次；请减少次数或提前截止日期"),
            format!("a recurring booking may have at most {limit} occurrences; lower the count or the until date"),
        ),
    )
}

/// Reason an instrument is unavailable (停机原因).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum BlackoutKind {
    /// Maintenance or calibration (维护保养).
    Maintenance,
    /// Any other reason, such as a training course or an inspection.
    Other,
}

/// When a blackout applies.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum BlackoutTime {
    /// One interval `[start, end)`.
    Once {
        /// First instant blocked.
        start: DateTime<Utc>,
        /// First instant free again.
        end: DateTime<Utc>,
    },
    /// A daily span on the dates of a recurrence, in the instrument's zone.
    Recurring {
        /// Date of the first occurrence.
        first_date: NaiveDate,
        /// The blocked span of each occurrence.
        span: DailySpan,
        /// Which dates.
        recurrence: Recurrence,
    },
}

/// A period when an instrument cannot be booked (停机时段).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Blackout {
    /// Id chosen by the unit, unique per instrument.
    pub id: String,
    /// Why.
    pub kind: BlackoutKind,
    /// Reason shown to users, such as `年度计量校准`.
    pub reason: String,
    /// When.
    pub when: BlackoutTime,
}

impl Blackout {
    /// Checks the blackout on its own.
    ///
    /// # Errors
    ///
    /// [`Error::Missing`] for an empty id or reason, [`Error::InvalidValue`]
    /// for an interval that does not start before it ends or a bad recurrence.
    pub fn validate(&self) -> Result<()> {
        if self.id.trim().is_empty() {
            return Err(Error::Missing { field: "id".to_owned() });
        }
        if self.reason.trim().is_empty() {
            return Err(Error::Missing { field: "reason".to_owned() });
        }
        match &self.when {
            BlackoutTime::Once { start, end } if start >= end => Err(Error::invalid_value(
                "when.end",
                end,
                Text::new("晚于开始时刻", "an instant after the start"),
            )),
            BlackoutTime::Once { .. } => Ok(()),
            BlackoutTime::Recurring { span, recurrence, .. } => {
                validate_spans("when.span", std::slice::from_ref(span))?;
                recurrence.validate()
            }
        }
    }
}

/// Returns the opening spans of `date` under the policy, after the calendar and the holiday settings.
pub(crate) fn day_spans<'a>(policy: &'a BookingPolicy, date: NaiveDate, calendar: &Calendar) -> Result<&'a [DailySpan]> {
    let kind = if policy.closed_on_holidays || policy.open_on_make_up_days {
        calendar.day_kind(date, policy.missing_year)?
    } else {
        DayKind::Workday
    };
    let spans = match kind {
        DayKind::Holiday { .. } if policy.closed_on_holidays => &[][..],
        DayKind::MakeUpWorkday { .. } if policy.open_on_make_up_days => match &policy.opening_hours.make_up_day {
            Some(spans) => spans.as_slice(),
            None => policy.opening_hours.for_weekday(Weekday::Mon),
        },
        _ => policy.opening_hours.for_weekday(date.weekday()),
    };
    Ok(spans)
}

/// The booking rules of one instrument (仪器预约规则).
#[derive(Debug, Clone, PartialEq, Hash, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(default)]
pub struct BookingPolicy {
    /// Opening hours per weekday.
    pub opening_hours: OpeningHours,
    /// Closed on official holidays (法定节假日不开放).
    pub closed_on_holidays: bool,
    /// Open on make-up working days (调休上班日开放).
    pub open_on_make_up_days: bool,
    /// Handling of a year the calendar has no data for.
    pub missing_year: MissingYear,
    /// Slot granularity in minutes: starts and ends fall on multiples of it
    /// from local midnight. Must divide 1440.
    pub slot_minutes: u32,
    /// Shortest booking, in minutes.
    pub min_duration_minutes: u32,
    /// Longest booking, in minutes; `None` for no limit.
    pub max_duration_minutes: Option<u32>,
    /// Notice for making a request.
    pub create_notice: Notice,
    /// Notice for moving a booking; the new start also needs the create notice.
    pub change_notice: Notice,
    /// Notice for a user's own cancellation (取消截止).
    pub cancel_notice: Notice,
    /// Minutes blocked before each booking for set-up.
    pub buffer_before_minutes: u32,
    /// Minutes blocked after each booking for cleaning or cool-down.
    pub buffer_after_minutes: u32,
    /// Bookings that may overlap (工位数), such as seats at a microscope room.
    pub stations: u32,
    /// Most people in one booking.
    pub max_people: u32,
    /// Whether a request waiting for the owner holds its slot.
    pub pending_holds_slot: bool,
    /// Whether requests that pass every check are confirmed at once.
    pub auto_confirm: bool,
    /// Whether a user needs a training record (培训记录) for this instrument.
    pub qualification_required: bool,
    /// Quotas, all of which apply.
    pub quotas: Vec<Quota>,
    /// Fee standard.
    pub fees: Vec<FeeRate>,
    /// Working days the owner has to answer a request (答复期限); the request
    /// expires at midnight Beijing time after the last of them.
    pub answer_working_days: u32,
    /// Minutes after the start by which a user must check in, or the slot is released as a no-show.
    pub no_show_minutes: u32,
    /// Minutes before the start from which check-in is allowed.
    pub check_in_opens_minutes: u32,
    /// Minutes a waitlist offer stays open.
    pub offer_minutes: u32,
    /// Most occurrences in one recurring booking.
    pub max_series_occurrences: u32,
}

impl Default for BookingPolicy {
    fn default() -> BookingPolicy {
        BookingPolicy {
            opening_hours: OpeningHours::default(),
            closed_on_holidays: true,
            open_on_make_up_days: true,
            missing_year: MissingYear::Error,
            slot_minutes: 30,
            min_duration_minutes: 30,
            max_duration_minutes: Some(8 * 60),
            create_notice: Notice { min_minutes: 60, max_minutes: Some(90 * DAY_MINUTES) },
            change_notice: Notice { min_minutes: 60, max_minutes: None },
            cancel_notice: Notice { min_minutes: 24 * 60, max_minutes: None },
            buffer_before_minutes: 0,
            buffer_after_minutes: 0,
            stations: 1,
            max_people: 3,
            pending_holds_slot: true,
            auto_confirm: false,
            qualification_required: false,
            quotas: Vec::new(),
            fees: Vec::new(),
            answer_working_days: 2,
            no_show_minutes: 15,
            check_in_opens_minutes: 30,
            offer_minutes: 120,
            max_series_occurrences: 100,
        }
    }
}

impl BookingPolicy {
    /// Checks the policy's own fields.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidValue`] naming the first field out of range.
    pub fn validate(&self) -> Result<()> {
        self.opening_hours.validate()?;
        if self.slot_minutes == 0 || !DAY_MINUTES.is_multiple_of(self.slot_minutes) {
            return Err(Error::invalid_value(
                "slot_minutes",
                self.slot_minutes,
                Text::new("能整除 1440 的分钟数，如 15、30、60", "a number of minutes that divides 1440, such as 15, 30 or 60"),
            ));
        }
        let minutes = [
            ("min_duration_minutes", self.min_duration_minutes),
            ("max_duration_minutes", self.max_duration_minutes.unwrap_or(0)),
            ("create_notice.min_minutes", self.create_notice.min_minutes),
            ("create_notice.max_minutes", self.create_notice.max_minutes.unwrap_or(0)),
            ("change_notice.min_minutes", self.change_notice.min_minutes),
            ("change_notice.max_minutes", self.change_notice.max_minutes.unwrap_or(0)),
            ("cancel_notice.min_minutes", self.cancel_notice.min_minutes),
            ("cancel_notice.max_minutes", self.cancel_notice.max_minutes.unwrap_or(0)),
            ("no_show_minutes", self.no_show_minutes),
            ("check_in_opens_minutes", self.check_in_opens_minutes),
            ("offer_minutes", self.offer_minutes),
        ];
        for (field, value) in minutes {
            check_range(field, value, 0, MAX_MINUTES)?;
        }
        check_range("buffer_before_minutes", self.buffer_before_minutes, 0, DAY_MINUTES)?;
        check_range("buffer_after_minutes", self.buffer_after_minutes, 0, DAY_MINUTES)?;
        if let Some(max) = self.max_duration_minutes {
            check_range("max_duration_minutes", max, self.min_duration_minutes.max(1), MAX_MINUTES)?;
        }
        check_range("stations", self.stations, 1, 1000)?;
        check_range("max_people", self.max_people, 1, 1000)?;
        check_range("answer_working_days", self.answer_working_days, 0, 365)?;
        check_range("max_series_occurrences", self.max_series_occurrences, 1, 1000)?;
        self.validate_quotas()?;
        self.validate_fees()
    }

    fn validate_quotas(&self) -> Result<()> {
        for quota in &self.quotas {
            let bad = match quota.limit {
                QuotaLimit::Bookings(count) => count == 0,
                QuotaLimit::Hours(hours) => hours <= Decimal::ZERO || hours > Decimal::from(366 * 24),
            };
            if bad {
                return Err(Error::invalid_value(
                    "quotas.limit",
                    format!("{:?}", quota.limit),
                    Text::new("大于 0 的次数，或 0 至 8784 之间的小时数", "a count above 0, or hours above 0 and at most 8784"),
                ));
            }
        }
        Ok(())
    }

    fn validate_fees(&self) -> Result<()> {
        for (i, fee) in self.fees.iter().enumerate() {
            let duplicate = self.fees[..i]
                .iter()
                .any(|f| f.user_type == fee.user_type && f.basis == fee.basis && f.test_item == fee.test_item);
            if duplicate {
                return Err(Error::invalid_value(
                    "fees",
                    format!("{:?} {:?} {:?}", fee.user_type, fee.basis, fee.test_item),
                    Text::new("每种用户类型、计费方式和检测项目只有一条收费标准", "one rate per user type, basis and test item"),
                ));
            }
        }
        Ok(())
    }
}

fn check_range(field: &str, value: u32, min: u32, max: u32) -> Result<()> {
    if value < min || value > max {
        return Err(Error::invalid_value(
            field,
            value,
            Text::new(format!("{min} 至 {max} 之间的整数"), format!("a whole number from {min} to {max}")),
        ));
    }
    Ok(())
}

/// One version of an instrument's policy, in force from `effective_from`
/// until the next version's start.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct PolicyVersion {
    /// First instant of bookings (by their start) that this version governs.
    pub effective_from: DateTime<Utc>,
    /// The rules.
    pub policy: BookingPolicy,
}

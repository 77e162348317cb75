//! Working-day calendar and zone tests, with dates checked against the
//! State Council holiday notices.

use chrono::{NaiveDate, TimeZone, Utc};
use labshare::calendar::{Calendar, DayKind, LocalTime, MissingYear, Zone};

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn official() -> Calendar {
    Calendar::official().unwrap()
}

#[test]
fn day_kinds_of_national_day_2025() {
    let calendar = official();
    let holiday = DayKind::Holiday { name: "国庆节、中秋节".to_owned() };
    let make_up = DayKind::MakeUpWorkday { name: "国庆节、中秋节".to_owned() };
    let cases = [
        (date(2025, 9, 27), DayKind::Weekend),
        (date(2025, 9, 28), make_up.clone()),
        (date(2025, 10, 1), holiday.clone()),
        (date(2025, 10, 8), holiday),
        (date(2025, 10, 9), DayKind::Workday),
        (date(2025, 10, 11), make_up),
        (date(2025, 10, 12), DayKind::Weekend),
    ];
    for (day, expected) in cases {
        assert_eq!(calendar.day_kind(day, MissingYear::Error).unwrap(), expected, "{day}");
    }
}

#[test]
fn add_working_days_across_holidays() {
    let calendar = official();
    let cases = [
        (date(2025, 9, 26), 2, date(2025, 9, 29)),
        (date(2025, 9, 30), 2, date(2025, 10, 10)),
        (date(2025, 9, 30), 1, date(2025, 10, 9)),
        (date(2025, 10, 10), 1, date(2025, 10, 11)),
        (date(2025, 1, 24), 3, date(2025, 2, 5)),
        (date(2025, 6, 3), 0, date(2025, 6, 3)),
    ];
    for (from, n, expected) in cases {
        assert_eq!(calendar.add_working_days(from, n, MissingYear::Error).unwrap(), expected, "{from} + {n}");
    }
}

#[test]
fn count_working_days_in_october_2025() {
    let calendar = official();
    // October 2025: 23 weekdays, 6 of them holidays (1-3, 6-8), plus make-up Saturday the 11th.
    let count = calendar.working_days_between(date(2025, 10, 1), date(2025, 11, 1), MissingYear::Error).unwrap();
    assert_eq!(count, 18);
    assert_eq!(calendar.working_days_between(date(2025, 10, 9), date(2025, 10, 9), MissingYear::Error).unwrap(), 0);
}

#[test]
fn deadline_ends_at_beijing_midnight() {
    let calendar = official();
    let friday = Utc.with_ymd_and_hms(2025, 9, 26, 2, 0, 0).unwrap();
    let deadline = calendar.working_day_deadline(friday, 2, MissingYear::Error).unwrap();
    assert_eq!(deadline, Utc.with_ymd_and_hms(2025, 9, 29, 16, 0, 0).unwrap());
    // 23:30 Friday in Urumqi is already Saturday 01:30 in Beijing.
    let late_friday = Utc.with_ymd_and_hms(2025, 9, 26, 17, 30, 0).unwrap();
    let deadline = calendar.working_day_deadline(late_friday, 2, MissingYear::Error).unwrap();
    assert_eq!(deadline, Utc.with_ymd_and_hms(2025, 9, 29, 16, 0, 0).unwrap());
}

#[test]
fn missing_year_needs_explicit_fallback() {
    let calendar = official();
    let error = calendar.day_kind(date(2027, 1, 4), MissingYear::Error).unwrap_err();
    assert_eq!(error.code(), "rule_violation");
    assert!(error.message(labshare::Lang::En).contains("2027"));
    assert_eq!(calendar.day_kind(date(2027, 1, 4), MissingYear::WeekdaysOnly).unwrap(), DayKind::Workday);
    let error = calendar.add_working_days(date(2026, 12, 30), 3, MissingYear::Error).unwrap_err();
    assert_eq!(error.code(), "rule_violation");
}

#[test]
fn next_years_notice_sets_december_days() {
    let calendar = official();
    // The 2008 notice made 2007-12-29 (a Saturday) a working day and 12-31 a holiday.
    assert!(calendar.is_working_day(date(2007, 12, 29), MissingYear::Error).unwrap());
    assert!(!calendar.is_working_day(date(2007, 12, 31), MissingYear::Error).unwrap());
}

#[test]
fn load_newer_year_at_run_time() {
    let mut calendar = official();
    let file = r#"{"year": 2027, "papers": [], "days": [
        {"name": "元旦", "date": "2027-01-01", "isOffDay": true},
        {"name": "春节", "date": "2027-02-06", "isOffDay": false}
    ]}"#;
    assert_eq!(calendar.load_year(file.as_bytes()).unwrap(), 2027);
    assert!(calendar.covers(2027));
    assert!(!calendar.is_working_day(date(2027, 1, 1), MissingYear::Error).unwrap());
    assert!(calendar.is_working_day(date(2027, 2, 6), MissingYear::Error).unwrap());
    assert!(calendar.is_working_day(date(2027, 1, 4), MissingYear::Error).unwrap());

    let stray = r#"{"year": 2028, "papers": [], "days": [{"name": "x", "date": "2030-01-01", "isOffDay": true}]}"#;
    assert_eq!(calendar.load_year(stray.as_bytes()).unwrap_err().code(), "invalid_value");
    assert_eq!(calendar.load_year(b"not json").unwrap_err().code(), "corrupt");
}

#[test]
fn urumqi_and_shanghai_name_one_instant() {
    let urumqi = LocalTime::parse("2025-10-09 08:00", "Asia/Urumqi").unwrap();
    let shanghai = LocalTime::parse("2025-10-09T10:00", "Asia/Shanghai").unwrap();
    assert_eq!(urumqi.to_utc().unwrap(), shanghai.to_utc().unwrap());
    let instant = urumqi.to_utc().unwrap();
    assert_eq!(Zone::SHANGHAI.local(instant).to_string(), "2025-10-09 10:00 Asia/Shanghai");
    assert_eq!(Zone::URUMQI.offset_at(instant), "+06:00");
    assert_eq!(Zone::parse("Mars/Olympus").unwrap_err().code(), "invalid_value");
    assert_eq!(LocalTime::parse("09/10/2025", "Asia/Urumqi").unwrap_err().code(), "invalid_value");
}

#[test]
fn shanghai_summer_time_gap_is_rejected() {
    // China observed summer time from 1986 to 1991; 1988-04-17 02:30 did not exist.
    let gap = LocalTime::parse("1988-04-17 02:30", "Asia/Shanghai").unwrap();
    assert_eq!(gap.to_utc().unwrap_err().code(), "invalid_value");
}

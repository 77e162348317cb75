//! Custom types that carry core values across the boundary as strings.
//!
//! The Kotlin side of each type (`BigDecimal`, `LocalDate`, `Instant`) is
//! configured in `uniffi.toml`. Amounts go to Rust as plain decimal text without trailing
//! fractional zeros (`BigDecimal.stripTrailingZeros().toPlainString()`), and
//! core's parser decides whether they are valid, so Kotlin callers get the same
//! checks and error codes as Python callers. A text that core rejects becomes a
//! `LabshareException` in Kotlin, because every function that takes one of
//! these types returns `Result<_, LabshareError>` and uniffi then raises the
//! lift error as that function's error.

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use labshare::Money;

use crate::errors::LabshareError;

uniffi::custom_type!(Money, String, {
    remote,
    // `Money::yuan` always has scale 2, so Kotlin gets `BigDecimal("1234.50")`.
    lower: |money| money.yuan().to_string(),
    try_lift: |text| Ok(Money::parse(&text).map_err(LabshareError::from)?),
});

/// A decimal number of any sign and precision, as plain text.
///
/// It is a `java.math.BigDecimal` in Kotlin. Functions that round, such as
/// `round_money`, take it. So do record fields and arguments that core checks
/// under their own name, such as an `original_value`, a `budget` or hours.
/// `convert.rs` parses their text with that name, so an error names the
/// field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlainDecimal(pub String);

uniffi::custom_type!(PlainDecimal, String, {
    lower: |decimal| decimal.0,
    try_lift: |text| Ok(PlainDecimal(text)),
});

uniffi::custom_type!(NaiveDate, String, {
    remote,
    lower: |date| date.format(DATE_FORMAT).to_string(),
    try_lift: |text| Ok(parse_date(&text)?),
});

/// ISO 8601 calendar date, the format of Java's `LocalDate.toString()`.
const DATE_FORMAT: &str = "%Y-%m-%d";

fn parse_date(text: &str) -> Result<NaiveDate, LabshareError> {
    NaiveDate::parse_from_str(text, DATE_FORMAT).map_err(|_| {
        let expected = labshare::Text::new("YYYY-MM-DD 格式的日期", "a date as YYYY-MM-DD");
        LabshareError::from(labshare::Error::invalid_value("date", text, expected))
    })
}

/// An instant in UTC; a `java.time.Instant` in Kotlin.
///
/// It crosses as RFC 3339 text in UTC, such as `2017-03-01T02:00:00Z`, the
/// format of `Instant.toString()` and `Instant.parse()`.
pub type Timestamp = DateTime<Utc>;

uniffi::custom_type!(Timestamp, String, {
    remote,
    lower: |instant| instant.to_rfc3339_opts(SecondsFormat::AutoSi, true),
    try_lift: |text| Ok(parse_instant(&text)?),
});

fn parse_instant(text: &str) -> Result<DateTime<Utc>, LabshareError> {
    match DateTime::parse_from_rfc3339(text) {
        Ok(instant) => Ok(instant.with_timezone(&Utc)),
        Err(_) => {
            // Instant.toString() writes years after 9999 with a sign, as
            // `+10000-01-01T00:00:00Z`, which RFC 3339 and chrono reject.
            let expected = labshare::Text::new(
                "0000 至 9999 年之间的时刻，如 2017-03-01T02:00:00Z",
                "an instant in the years 0000 to 9999, such as 2017-03-01T02:00:00Z",
            );
            Err(labshare::Error::invalid_value("instant", text, expected).into())
        }
    }
}

#[cfg(test)]
mod tests {
    use uniffi::{Lift, Lower};

    use super::*;
    use crate::UniFfiTag;

    #[test]
    fn money_lowers_with_two_places() {
        let money = Money::parse("68万").unwrap();
        let lowered = <Money as Lower<UniFfiTag>>::lower(money);
        let text = <String as Lift<UniFfiTag>>::try_lift(lowered).unwrap();

        assert_eq!(text, "680000.00");
    }

    #[test]
    fn money_lift_error_is_labshare_error() {
        let lowered = <String as Lower<UniFfiTag>>::lower("2.345".to_owned());
        let error = <Money as Lift<UniFfiTag>>::try_lift(lowered).unwrap_err();

        let error = error.downcast::<LabshareError>().unwrap();
        assert!(
            matches!(error, LabshareError::InvalidInput { ref code, .. } if code == "invalid_amount")
        );
    }

    #[test]
    fn date_round_trips_as_iso_text() {
        let date = NaiveDate::from_ymd_opt(2026, 2, 28).unwrap();
        let lowered = <NaiveDate as Lower<UniFfiTag>>::lower(date);
        let text = <String as Lift<UniFfiTag>>::try_lift(lowered).unwrap();
        assert_eq!(text, "2026-02-28");

        let lifted =
            <NaiveDate as Lift<UniFfiTag>>::try_lift(<String as Lower<UniFfiTag>>::lower(text));
        assert_eq!(lifted.unwrap(), date);
    }

    #[test]
    fn instant_round_trips_as_utc_text() {
        let instant = DateTime::parse_from_rfc3339("2017-03-01T10:00:00.5+08:00")
            .unwrap()
            .with_timezone(&Utc);
        let lowered = <Timestamp as Lower<UniFfiTag>>::lower(instant);
        let text = <String as Lift<UniFfiTag>>::try_lift(lowered).unwrap();
        assert_eq!(text, "2017-03-01T02:00:00.500Z");

        let lifted =
            <Timestamp as Lift<UniFfiTag>>::try_lift(<String as Lower<UniFfiTag>>::lower(text));
        assert_eq!(lifted.unwrap(), instant);
    }

    #[test]
    fn instant_lift_rejects_years_beyond_9999() {
        let lowered = <String as Lower<UniFfiTag>>::lower("+10000-01-01T00:00:00Z".to_owned());
        let error = <Timestamp as Lift<UniFfiTag>>::try_lift(lowered).unwrap_err();

        let error = error.downcast::<LabshareError>().unwrap();
        assert!(
            matches!(error, LabshareError::InvalidInput { ref field, .. } if field.as_deref() == Some("instant"))
        );
    }

    #[test]
    fn date_lift_rejects_other_formats() {
        for text in ["2026-02-30", "28.02.2026", "2026-02-28T09:30"] {
            let lowered = <String as Lower<UniFfiTag>>::lower(text.to_owned());
            let error = <NaiveDate as Lift<UniFfiTag>>::try_lift(lowered).unwrap_err();
            assert!(
                error.downcast_ref::<LabshareError>().is_some(),
                "{text}: {error}"
            );
        }
    }
}

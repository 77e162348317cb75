//! Custom types that carry core values across the boundary as strings.
//!
//! The Kotlin side of each type (`BigDecimal`, `LocalDate`) is configured in
//! `uniffi.toml`. Amounts go to Rust as plain decimal text without trailing
//! fractional zeros (`BigDecimal.stripTrailingZeros().toPlainString()`), and
//! core's parser decides whether they are valid, so Kotlin callers get the same
//! checks and error codes as Python callers. A text that core rejects becomes a
//! `LabshareException` in Kotlin, because every function that takes one of
//! these types returns `Result<_, LabshareError>` and uniffi then raises the
//! lift error as that function's error.

use chrono::NaiveDate;
use labshare::Money;

use crate::errors::LabshareError;

uniffi::custom_type!(Money, String, {
    remote,
    // `Money::yuan` always has scale 2, so Kotlin gets `BigDecimal("1234.50")`.
    lower: |money| money.yuan().to_string(),
    try_lift: |text| Ok(Money::parse(&text).map_err(LabshareError::from)?),
});

/// A decimal number in 元 of any sign and precision, as plain text.
///
/// It is a `java.math.BigDecimal` in Kotlin. Functions that round, such as
/// `round_money`, take it, and core parses it when they use it.
pub struct PlainDecimal(pub String);

uniffi::custom_type!(PlainDecimal, String, {
    lower: |decimal| decimal.0,
    try_lift: |text| Ok(PlainDecimal(text)),
});

// NOTE: no core function takes or returns a date yet, so only the unit test
// below and the Kotlin round-trip test use this conversion.
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

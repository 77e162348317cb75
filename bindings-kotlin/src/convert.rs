//! Field-by-field conversions of single values between the records of this
//! crate and core types, and nothing else.
//!
//! Record fields that core checks with a field name (amounts, hours, counts)
//! cross as [`PlainDecimal`] or `Long` and are parsed here, so that an error
//! names the field as core does. A negative `originalValue` fails with code
//! `invalid_amount` and field `original_value`, as in Python.

use labshare::{Money, Text};
use rust_decimal::Decimal;

use crate::types::PlainDecimal;

/// Parses an amount in 元, naming `field` in any error.
pub fn money(field: &str, value: &PlainDecimal) -> Result<Money, labshare::Error> {
    Money::parse_field(field, &value.0)
}

/// Writes an amount as plain text with two places: `BigDecimal("1234.50")`.
pub fn plain_money(money: Money) -> PlainDecimal {
    PlainDecimal(money.yuan().to_string())
}

/// Parses a decimal number, such as a number of hours, naming `field` in any
/// error: code `invalid_value` for more than 28 decimal places or a value
/// beyond ±7.9 × 10^28.
pub fn decimal(field: &str, value: &PlainDecimal) -> Result<Decimal, labshare::Error> {
    Decimal::from_str_exact(&value.0).map_err(|_| {
        let expected = Text::new(
            "有限的十进制数，最多 28 位小数，绝对值小于 7.9×10^28",
            "a finite decimal number with at most 28 decimal places and below 7.9×10^28",
        );
        labshare::Error::invalid_value(field, &value.0, expected)
    })
}

/// Writes a core decimal as plain text with the same digits.
pub fn plain_decimal(value: Decimal) -> PlainDecimal {
    PlainDecimal(value.to_string())
}

/// Converts a Kotlin `Long` or `Int` to a narrower or unsigned core integer,
/// naming `field` in the error: code `invalid_value`, such as for a negative
/// count.
pub fn integer<T, S>(field: &str, value: S) -> Result<T, labshare::Error>
where
    S: Copy + ToString,
    T: TryFrom<S> + Bounded,
{
    T::try_from(value).map_err(|_| {
        let (min, max) = (T::min_text(), T::max_text());
        let expected = Text::new(
            format!("{min} 到 {max} 之间的整数"),
            format!("a whole number from {min} to {max}"),
        );
        labshare::Error::invalid_value(field, value.to_string(), expected)
    })
}

/// Converts a core count to a Kotlin `Long`.
///
/// # Errors
///
/// [`labshare::Error::Overflow`] above `Long.MAX_VALUE`, which no count of
/// real records reaches.
pub fn long(what: &str, count: u64) -> Result<i64, labshare::Error> {
    i64::try_from(count).map_err(|_| labshare::Error::overflow(what))
}

/// The maximum number of decimal places of a core decimal. Core's half-up
/// rounding to more places can build a decimal that panics when printed, so
/// `places` arguments stop here.
// NOTE: `labshare::money::round_half_up` itself accepts any `places`; once
// core caps it, this check can go.
const MAX_PLACES: u32 = 28;

/// Converts a number of decimal places, 0 to 28, naming the argument `places`.
pub fn places(places: i32) -> Result<u32, labshare::Error> {
    match u32::try_from(places) {
        Ok(places) if places <= MAX_PLACES => Ok(places),
        _ => {
            let expected = Text::new(
                format!("0 到 {MAX_PLACES} 之间的整数（十进制数最多 {MAX_PLACES} 位小数）"),
                format!(
                    "a whole number from 0 to {MAX_PLACES}, the most decimal places a decimal holds"
                ),
            );
            Err(labshare::Error::invalid_value("places", places, expected))
        }
    }
}

/// The largest count of instruments accepted in published figures.
///
/// Core multiplies counts by amounts of up to `Money::MAX` (about 10^15 元)
/// without overflow checks, and a decimal stops at about 7.9 × 10^28, so
/// counts stop at 10^13, far above any real network's.
// NOTE: once core's statistics use checked arithmetic, this limit can go.
pub const MAX_COUNT: u64 = 10_000_000_000_000;

/// Converts a count of instruments, 0 to [`MAX_COUNT`], naming `field`.
pub fn count(field: &str, count: i64) -> Result<u64, labshare::Error> {
    match u64::try_from(count) {
        Ok(count) if count <= MAX_COUNT => Ok(count),
        _ => {
            let expected = Text::new(
                format!("0 到 {MAX_COUNT} 之间的台套数"),
                format!("a number of instruments from 0 to {MAX_COUNT}"),
            );
            Err(labshare::Error::invalid_value(field, count, expected))
        }
    }
}

/// The range of an integer type, for the message of [`integer`].
pub trait Bounded {
    /// Returns the smallest value as text.
    fn min_text() -> String;
    /// Returns the largest value as text.
    fn max_text() -> String;
}

macro_rules! bounded {
    ($($type:ty),*) => {$(
        impl Bounded for $type {
            fn min_text() -> String {
                <$type>::MIN.to_string()
            }
            fn max_text() -> String {
                <$type>::MAX.to_string()
            }
        }
    )*};
}

bounded!(u16, u32, u64);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_names_field() {
        let error = money("original_value", &PlainDecimal("-1".into())).unwrap_err();

        assert_eq!(error.code(), "invalid_amount");
        assert_eq!(error.field(), Some("original_value"));
    }

    #[test]
    fn decimal_keeps_digits() {
        let hours = decimal("operating_hours", &PlainDecimal("1300.5".into())).unwrap();

        assert_eq!(plain_decimal(hours).0, "1300.5");
        let error = decimal("operating_hours", &PlainDecimal("1e3".into())).unwrap_err();
        assert_eq!(error.field(), Some("operating_hours"));
    }

    #[test]
    fn negative_count_is_invalid_value() {
        let error = integer::<u64, i64>("samples", -1).unwrap_err();

        assert_eq!(error.code(), "invalid_value");
        assert_eq!(error.field(), Some("samples"));
        assert!(
            error.text().en.contains("from 0 to 18446744073709551615"),
            "{error}"
        );
        assert_eq!(integer::<u32, i32>("places", 4).unwrap(), 4);
    }

    #[test]
    fn places_stop_at_28() {
        assert_eq!(places(28).unwrap(), 28);
        for rejected in [-1, 29, i32::MAX] {
            let error = places(rejected).unwrap_err();
            assert_eq!(error.field(), Some("places"), "{rejected}");
        }
    }

    #[test]
    fn count_stops_at_ten_trillion() {
        assert_eq!(count("count", 10_000_000_000_000).unwrap(), MAX_COUNT);
        assert_eq!(
            count("count", 10_000_000_000_001).unwrap_err().code(),
            "invalid_value"
        );
        assert_eq!(
            count("total_count", -1).unwrap_err().field(),
            Some("total_count")
        );
    }

    #[test]
    fn long_rejects_counts_beyond_long() {
        assert_eq!(long("seq", 7).unwrap(), 7);
        assert_eq!(long("seq", u64::MAX).unwrap_err().code(), "overflow");
    }
}

//! Decoding of the instants on journal lines (时间戳解析).
//!
//! chrono writes a `DateTime<Utc>` with whole seconds as
//! `YYYY-MM-DDTHH:MM:SSZ`. Every journal line carries at least one, and
//! chrono's general RFC 3339 parser takes a few percent of the time spent
//! reading a line, so that one form is parsed here by position. Any other
//! text goes to chrono's own `Deserialize`, so every input decodes to the
//! same instant, or fails with the same error, as with chrono alone.

use std::fmt;

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use serde::de::{self, IntoDeserializer, Visitor};
use serde::{Deserialize, Deserializer};

/// Deserializes a UTC instant, for `#[serde(deserialize_with = "…")]`.
pub(crate) fn deserialize_utc<'de, D: Deserializer<'de>>(deserializer: D) -> Result<DateTime<Utc>, D::Error> {
    deserializer.deserialize_str(InstantVisitor)
}

struct InstantVisitor;

impl<'de> Visitor<'de> for InstantVisitor {
    type Value = DateTime<Utc>;

    /// Writes the same text as chrono's visitor, so type errors read alike.
    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("an RFC 3339 formatted date and time string")
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<DateTime<Utc>, E> {
        match parse_whole_seconds(text.as_bytes()) {
            Some(instant) => Ok(instant),
            None => DateTime::<Utc>::deserialize(text.into_deserializer()),
        }
    }
}

/// Parses exactly `YYYY-MM-DDTHH:MM:SSZ`; returns `None` for any other
/// text, including a leap second (`:60`), which chrono handles.
pub(crate) fn parse_whole_seconds(text: &[u8]) -> Option<DateTime<Utc>> {
    let [y1, y2, y3, y4, b'-', m1, m2, b'-', d1, d2, b'T', h1, h2, b':', n1, n2, b':', s1, s2, b'Z'] = *text else {
        return None;
    };
    let year = number(&[y1, y2, y3, y4])?;
    let month = number(&[m1, m2])?;
    let day = number(&[d1, d2])?;
    let hour = number(&[h1, h2])?;
    let minute = number(&[n1, n2])?;
    let second = number(&[s1, s2])?;

    let date = NaiveDate::from_ymd_opt(i32::try_from(year).ok()?, month, day)?;
    let time = NaiveTime::from_hms_opt(hour, minute, second)?;
    Some(NaiveDateTime::new(date, time).and_utc())
}

/// Reads ASCII decimal digits; `None` if any byte is not a digit.
fn number(digits: &[u8]) -> Option<u32> {
    digits.iter().try_fold(0u32, |value, &digit| {
        let digit = digit.checked_sub(b'0').filter(|d| *d <= 9)?;
        Some(value * 10 + u32::from(digit))
    })
}

#[cfg(test)]
mod tests {
    use chrono::{DateTime, FixedOffset, TimeZone, Utc};
    use proptest::prelude::*;

    use super::*;

    /// Returns what chrono's own `Deserialize` makes of `text`.
    fn chrono_reads(text: &str) -> Option<DateTime<Utc>> {
        text.parse::<DateTime<FixedOffset>>().ok().map(|instant| instant.with_timezone(&Utc))
    }

    fn via_serde(text: &str) -> Result<DateTime<Utc>, serde_json::Error> {
        let json = serde_json::to_string(text).unwrap_or_default();
        deserialize_utc(&mut serde_json::Deserializer::from_str(&json))
    }

    #[test]
    fn whole_seconds_parse_by_position() {
        let expected = Utc.with_ymd_and_hms(2017, 3, 1, 2, 0, 0).single();
        assert_eq!(parse_whole_seconds(b"2017-03-01T02:00:00Z"), expected);
        let end_of_year = Utc.with_ymd_and_hms(2024, 12, 31, 23, 59, 59).single();
        assert_eq!(parse_whole_seconds(b"2024-12-31T23:59:59Z"), end_of_year);
    }

    #[test]
    fn other_forms_are_left_to_chrono() {
        for text in [
            "2017-03-01T02:00:00.5Z",
            "2017-03-01T10:00:00+08:00",
            "2017-03-01t02:00:00z",
            "2017-03-01 02:00:00Z",
            "2016-12-31T23:59:60Z",
            "2017-02-29T02:00:00Z",
            "2017-03-01T24:00:00Z",
            "+2017-03-01T02:00:00Z",
            "2017-03-01T02:00:00",
        ] {
            assert_eq!(parse_whole_seconds(text.as_bytes()), None, "{text}");
        }
    }

    #[test]
    fn fallback_matches_chrono() {
        for text in ["2017-03-01T02:00:00.5Z", "2017-03-01T10:00:00+08:00", "2016-12-31T23:59:60Z", "2017-03-01 02:00:00Z"] {
            let decoded = via_serde(text).ok();
            assert_eq!(decoded, chrono_reads(text), "{text}");
            assert!(decoded.is_some(), "{text}");
        }
    }

    #[test]
    fn rejects_what_chrono_rejects() {
        for text in ["2017-02-29T02:00:00Z", "2017-13-01T02:00:00Z", "2017-03-01T02:00:00", "yesterday", ""] {
            let error = via_serde(text).err().map(|error| error.to_string());
            let chrono_error = serde_json::from_str::<DateTime<Utc>>(&serde_json::to_string(text).unwrap_or_default())
                .err()
                .map(|error| error.to_string());
            assert!(error.is_some(), "{text}");
            assert_eq!(error, chrono_error, "{text}");
        }
    }

    #[test]
    fn non_string_error_matches_chrono() {
        let ours = deserialize_utc(&mut serde_json::Deserializer::from_str("17")).err().map(|e| e.to_string());
        let theirs = serde_json::from_str::<DateTime<Utc>>("17").err().map(|e| e.to_string());
        assert!(ours.is_some());
        assert_eq!(ours, theirs);
    }

    proptest! {
        /// Any text of the fixed shape, valid date or not, decodes as chrono decodes it.
        #[test]
        fn fixed_shape_agrees_with_chrono(
            year in 0u32..10_000, month in 0u32..14, day in 0u32..33,
            hour in 0u32..26, minute in 0u32..61, second in 0u32..62,
        ) {
            let text = format!("{year:04}-{month:02}-{day:02}T{hour:02}:{minute:02}:{second:02}Z");
            prop_assert_eq!(via_serde(&text).ok(), chrono_reads(&text));
            if second < 60 {
                prop_assert_eq!(parse_whole_seconds(text.as_bytes()), chrono_reads(&text));
            }
        }
    }
}

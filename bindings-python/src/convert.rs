//! Conversions between Python values and core types, and nothing else.
//!
//! Amounts cross as `decimal.Decimal`, never as `float`. A Python amount goes
//! to core as plain decimal text, and core's parser decides whether it is
//! valid, so Python callers get the same checks and error codes as callers of
//! the Kotlin binding, which sends `BigDecimal`s the same way. Other decimals,
//! such as hours, cross the same way. Dates cross as `datetime.date` and
//! instants as timezone-aware `datetime.datetime` through pyo3's `chrono`
//! conversion.
//!
//! This file converts single values. The submodules convert the value classes
//! of the Python package, one submodule per core concept.

pub mod access;
pub mod booking;
pub mod lang;
pub mod names;
pub mod object;
pub mod registry;
pub mod statistics;
pub mod subsidy;
pub mod usage;

use chrono::{DateTime, NaiveDate, Utc};
use labshare::error::AmountProblem;
use labshare::{Money, Text};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBool, PyDateTime, PyInt, PyType, PyTzInfo};
use rust_decimal::Decimal;

use crate::errors::CoreError;

/// Field name that core's `Money::parse` puts in its errors. The binding's own
/// conversion errors use the same name.
const AMOUNT_FIELD: &str = "amount";

/// Largest base-10 exponent (`Decimal.adjusted()`) accepted before a
/// `Decimal` is written out digit by digit. `Money::MAX` is below 10^15, so
/// anything from 10^30 on is out of range, and the check keeps a value such as
/// `Decimal("1E+999999999")` from being expanded into a gigabyte of text.
const MAX_ADJUSTED_EXPONENT: i64 = 29;

static DECIMAL_CLASS: PyOnceLock<Py<PyType>> = PyOnceLock::new();

fn decimal_class(py: Python<'_>) -> PyResult<&Bound<'_, PyType>> {
    DECIMAL_CLASS.import(py, "decimal", "Decimal")
}

/// An amount of money in 元, converted from and to a Python `decimal.Decimal`.
///
/// Accepts a `Decimal` or an `int` that is exact to the fen and not negative.
/// Trailing zeros do not count as precision, so `Decimal("1.500")` is accepted
/// as 1.50 元. Returns a `Decimal` with exactly two places, such as
/// `Decimal("1234.50")`.
pub struct DecimalMoney(pub Money);

impl FromPyObject<'_, '_> for DecimalMoney {
    type Error = PyErr;

    fn extract(value: Borrowed<'_, '_, PyAny>) -> PyResult<Self> {
        let text = PlainDecimal::extract(value)?.0;
        let money = Money::parse(&text).map_err(CoreError::from)?;
        Ok(DecimalMoney(money))
    }
}

impl<'py> IntoPyObject<'py> for DecimalMoney {
    type Target = PyAny;
    type Output = Bound<'py, PyAny>;
    type Error = PyErr;

    fn into_pyobject(self, py: Python<'py>) -> PyResult<Self::Output> {
        // `Money::yuan` always has scale 2, so the text is `1234.50`, not `1234.5`.
        decimal_class(py)?.call1((self.0.yuan().to_string(),))
    }
}

/// A `decimal.Decimal` or `int` of any precision and sign, written as plain
/// decimal text for core's parser: no exponent, no trailing fractional zeros.
///
/// Not-a-number and infinite values pass through as `NaN`, `Infinity` or
/// `-Infinity`, which core rejects as not a number. Negative zero becomes `0`,
/// as in Java's `BigDecimal`, which has no negative zero.
pub struct PlainDecimal(pub String);

impl FromPyObject<'_, '_> for PlainDecimal {
    type Error = PyErr;

    fn extract(value: Borrowed<'_, '_, PyAny>) -> PyResult<Self> {
        match decimal_text(&value, "an amount in 元")? {
            DecimalText::Plain(text) => Ok(PlainDecimal(text)),
            DecimalText::TooLarge(text) => {
                let error =
                    labshare::Error::invalid_amount(AMOUNT_FIELD, text, AmountProblem::OutOfRange);
                Err(CoreError::from(error).into())
            }
        }
    }
}

/// The text of a `decimal.Decimal` or `int`, as [`decimal_text`] found it.
enum DecimalText {
    /// Plain decimal text for core's parsers.
    Plain(String),
    /// The value as Python prints it, when it is 10^30 or more: beyond every
    /// range that core accepts, and too long to write out digit by digit.
    TooLarge(String),
}

/// Writes a `decimal.Decimal` or `int` as plain decimal text: no exponent and
/// no trailing fractional zeros. `subject` names the value in a `TypeError`.
fn decimal_text(value: &Bound<'_, PyAny>, subject: &str) -> PyResult<DecimalText> {
    let py = value.py();

    // `bool` is a subclass of `int`, but `True` is no number of anything.
    if value.is_instance_of::<PyBool>() {
        return Err(wrong_decimal_type(value, subject));
    }
    if value.is_instance_of::<PyInt>() {
        return Ok(DecimalText::Plain(value.str()?.to_string()));
    }
    if !value.is_instance(decimal_class(py)?)? {
        return Err(wrong_decimal_type(value, subject));
    }

    if !value.call_method0("is_finite")?.is_truthy()? {
        return Ok(DecimalText::Plain(value.str()?.to_string()));
    }
    if value.call_method0("is_zero")?.is_truthy()? {
        return Ok(DecimalText::Plain("0".to_owned()));
    }
    let adjusted: i64 = value.call_method0("adjusted")?.extract()?;
    if adjusted > MAX_ADJUSTED_EXPONENT {
        return Ok(DecimalText::TooLarge(value.str()?.to_string()));
    }

    // Format spec `f` writes every digit without an exponent: 1E+2 -> "100".
    let plain: String = value.call_method1("__format__", ("f",))?.extract()?;
    Ok(DecimalText::Plain(
        strip_trailing_fraction_zeros(&plain).to_owned(),
    ))
}

fn wrong_decimal_type(value: &Bound<'_, PyAny>, subject: &str) -> PyErr {
    let type_name = type_name(value);
    PyTypeError::new_err(format!(
        "expected decimal.Decimal or int for {subject}, got {type_name}; \
         floats cannot hold every decimal exactly, so write Decimal(\"1.10\") instead"
    ))
}

pub(crate) fn type_name(value: &Bound<'_, PyAny>) -> String {
    value
        .get_type()
        .name()
        .map_or_else(|_| "?".to_owned(), |name| name.to_string())
}

/// Removes zeros at the end of the fraction, and the point if nothing is left
/// after it: `1.500` -> `1.5`, `2.00` -> `2`, `100` -> `100`.
fn strip_trailing_fraction_zeros(plain: &str) -> &str {
    if plain.contains('.') {
        plain.trim_end_matches('0').trim_end_matches('.')
    } else {
        plain
    }
}

/// A calendar date, converted from and to a Python `datetime.date`.
///
/// Rejects a `datetime.datetime` (a subclass of `date`) with `TypeError`
/// instead of silently dropping its time of day.
pub struct DateValue(pub NaiveDate);

impl FromPyObject<'_, '_> for DateValue {
    type Error = PyErr;

    fn extract(value: Borrowed<'_, '_, PyAny>) -> PyResult<Self> {
        if value.is_instance_of::<PyDateTime>() {
            return Err(PyTypeError::new_err(
                "expected datetime.date, got datetime.datetime; pass value.date() to drop the time of day",
            ));
        }
        Ok(DateValue(value.extract::<NaiveDate>()?))
    }
}

impl<'py> IntoPyObject<'py> for DateValue {
    type Target = pyo3::types::PyDate;
    type Output = Bound<'py, pyo3::types::PyDate>;
    type Error = PyErr;

    fn into_pyobject(self, py: Python<'py>) -> PyResult<Self::Output> {
        self.0.into_pyobject(py)
    }
}

/// Converts a `decimal.Decimal` or `int` to an amount, naming `field` in any
/// error, as core does for `Money::parse_field`.
pub fn money(field: &str, value: &Bound<'_, PyAny>) -> PyResult<Money> {
    let money = match decimal_text(value, &format!("`{field}`"))? {
        DecimalText::Plain(text) => Money::parse_field(field, &text),
        DecimalText::TooLarge(text) => Err(labshare::Error::invalid_amount(
            field,
            text,
            AmountProblem::OutOfRange,
        )),
    };
    Ok(money.map_err(CoreError::from)?)
}

/// Converts an amount to a `decimal.Decimal` with two places.
pub fn py_money<'py>(py: Python<'py>, money: Money) -> PyResult<Bound<'py, PyAny>> {
    DecimalMoney(money).into_pyobject(py)
}

/// Converts a `decimal.Decimal` or `int` to a core decimal, such as a number
/// of hours, naming `field` in any error.
///
/// Raises `InvalidInputError` (code `invalid_value`) for a value that is not
/// finite, that has more than 28 decimal places or that is beyond ±7.9 × 10^28.
pub fn decimal(field: &str, value: &Bound<'_, PyAny>) -> PyResult<Decimal> {
    let text = match decimal_text(value, &format!("`{field}`"))? {
        DecimalText::Plain(text) | DecimalText::TooLarge(text) => text,
    };
    Decimal::from_str_exact(&text).map_err(|_| {
        let expected = Text::new(
            "有限的十进制数，最多 28 位小数，绝对值小于 7.9×10^28",
            "a finite decimal number with at most 28 decimal places and below 7.9×10^28",
        );
        CoreError::from(labshare::Error::invalid_value(field, text, expected)).into()
    })
}

/// Converts a core decimal to a `decimal.Decimal` with the same digits.
pub fn py_decimal(py: Python<'_>, value: Decimal) -> PyResult<Bound<'_, PyAny>> {
    decimal_class(py)?.call1((value.to_string(),))
}

/// Converts a `datetime.date` (not a `datetime.datetime`) to a date.
pub fn date(field: &str, value: &Bound<'_, PyAny>) -> PyResult<NaiveDate> {
    match value.extract::<DateValue>() {
        Ok(DateValue(date)) => Ok(date),
        Err(_) => Err(PyTypeError::new_err(format!(
            "expected datetime.date for `{field}`, got {}",
            type_name(value)
        ))),
    }
}

/// Converts a timezone-aware `datetime.datetime` to an instant in UTC.
///
/// Raises `InvalidInputError` (code `invalid_value`) for a naive datetime,
/// because the rules engine cannot tell which instant it means, and
/// `TypeError` for anything but a `datetime.datetime`.
pub fn instant(field: &str, value: &Bound<'_, PyAny>) -> PyResult<DateTime<Utc>> {
    let py = value.py();
    if !value.is_instance_of::<PyDateTime>() {
        return Err(PyTypeError::new_err(format!(
            "expected datetime.datetime for `{field}`, got {}",
            type_name(value)
        )));
    }
    // Python's own test for an aware datetime: `utcoffset()` is not None.
    if value.call_method0("utcoffset")?.is_none() {
        let expected = Text::new(
            "带时区的时间，如 datetime.now(timezone.utc)",
            "a timezone-aware datetime such as datetime.now(timezone.utc)",
        );
        let error = labshare::Error::invalid_value(field, value.str()?, expected);
        return Err(CoreError::from(error).into());
    }
    let utc = value.call_method1("astimezone", (PyTzInfo::utc(py)?,))?;
    utc.extract()
}

/// Converts an instant to a `datetime.datetime` in UTC.
pub fn py_instant(py: Python<'_>, instant: DateTime<Utc>) -> PyResult<Bound<'_, PyAny>> {
    Ok(instant.into_pyobject(py)?.into_any())
}

/// Converts a Python `int` to an integer type of core, naming `field` in any
/// error.
///
/// Raises `InvalidInputError` (code `invalid_value`) for an `int` outside the
/// range of `T`, such as a negative count, and `TypeError` for anything else.
pub fn integer<'py, T>(field: &str, value: &Bound<'py, PyAny>) -> PyResult<T>
where
    T: FromPyObjectOwned<'py> + Bounded,
{
    if value.is_instance_of::<PyBool>() || !value.is_instance_of::<PyInt>() {
        return Err(PyTypeError::new_err(format!(
            "expected int for `{field}`, got {}",
            type_name(value)
        )));
    }
    value.extract::<T>().map_err(|_| {
        let (min, max) = (T::min_text(), T::max_text());
        let expected = Text::new(
            format!("{min} 到 {max} 之间的整数"),
            format!("a whole number from {min} to {max}"),
        );
        let text = value
            .str()
            .map_or_else(|_| "?".to_owned(), |text| text.to_string());
        CoreError::from(labshare::Error::invalid_value(field, text, expected)).into()
    })
}

/// The maximum number of decimal places of a core decimal. Core's half-up
/// rounding to more places can build a decimal that panics when printed, so
/// `places` arguments stop here.
// NOTE: `labshare::money::round_half_up` itself accepts any `places`; once
// core caps it, this check can go.
const MAX_PLACES: u32 = 28;

/// Converts a number of decimal places, 0 to 28, naming the argument `places`.
pub fn places(value: &Bound<'_, PyAny>) -> PyResult<u32> {
    let places: i64 = integer("places", value)?;
    match u32::try_from(places) {
        Ok(places) if places <= MAX_PLACES => Ok(places),
        _ => {
            let expected = Text::new(
                format!("0 到 {MAX_PLACES} 之间的整数（十进制数最多 {MAX_PLACES} 位小数）"),
                format!(
                    "a whole number from 0 to {MAX_PLACES}, the most decimal places a decimal holds"
                ),
            );
            let error = labshare::Error::invalid_value("places", places, expected);
            Err(CoreError::from(error).into())
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
pub fn count(field: &str, value: &Bound<'_, PyAny>) -> PyResult<u64> {
    let count: i128 = integer(field, value)?;
    match u64::try_from(count) {
        Ok(count) if count <= MAX_COUNT => Ok(count),
        _ => {
            let expected = Text::new(
                format!("0 到 {MAX_COUNT} 之间的台套数"),
                format!("a number of instruments from 0 to {MAX_COUNT}"),
            );
            Err(CoreError::from(labshare::Error::invalid_value(field, count, expected)).into())
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

bounded!(i32, i64, i128, u16, u32, u64);

#[cfg(test)]
mod tests {
    use std::ffi::CString;

    use pyo3::exceptions::PyTypeError;

    use super::*;

    fn eval<'py>(py: Python<'py>, expression: &str) -> Bound<'py, PyAny> {
        let code = CString::new(expression).unwrap();
        py.eval(&code, None, None).unwrap()
    }

    fn plain_decimal(py: Python<'_>, expression: &str) -> PyResult<String> {
        eval(py, expression)
            .extract::<PlainDecimal>()
            .map(|text| text.0)
    }

    #[test]
    fn plain_decimal_is_plain_and_exact() {
        Python::initialize();
        Python::attach(|py| {
            let cases = [
                ("__import__('decimal').Decimal('1234.50')", "1234.5"),
                ("__import__('decimal').Decimal('1E+2')", "100"),
                ("__import__('decimal').Decimal('1E-7')", "0.0000001"),
                ("__import__('decimal').Decimal('-2.345')", "-2.345"),
                ("__import__('decimal').Decimal('-0.00')", "0"),
                ("__import__('decimal').Decimal('NaN')", "NaN"),
                ("__import__('decimal').Decimal('-Infinity')", "-Infinity"),
                ("12345678901234567890123", "12345678901234567890123"),
                ("-5", "-5"),
            ];
            for (expression, expected) in cases {
                assert_eq!(
                    plain_decimal(py, expression).unwrap(),
                    expected,
                    "{expression}"
                );
            }
        });
    }

    #[test]
    fn plain_decimal_rejects_float_bool_and_str() {
        Python::initialize();
        Python::attach(|py| {
            for expression in ["1.5", "True", "'1.50'"] {
                let error = plain_decimal(py, expression).unwrap_err();
                assert!(
                    error.is_instance_of::<PyTypeError>(py),
                    "{expression}: {error}"
                );
            }
        });
    }

    #[test]
    fn date_value_round_trips() {
        Python::initialize();
        Python::attach(|py| {
            let date = eval(py, "__import__('datetime').date(2026, 2, 28)");
            let DateValue(naive) = date.extract().unwrap();
            assert_eq!(naive, NaiveDate::from_ymd_opt(2026, 2, 28).unwrap());

            let back = DateValue(naive).into_pyobject(py).unwrap();
            assert!(back.eq(&date).unwrap());
        });
    }

    #[test]
    fn date_value_rejects_datetime() {
        Python::initialize();
        Python::attach(|py| {
            let timestamp = eval(py, "__import__('datetime').datetime(2026, 2, 28, 9, 30)");
            let error = timestamp.extract::<DateValue>().err().unwrap();
            assert!(error.is_instance_of::<PyTypeError>(py), "{error}");
        });
    }

    #[test]
    fn strip_trailing_fraction_zeros_keeps_value() {
        assert_eq!(strip_trailing_fraction_zeros("1.500"), "1.5");
        assert_eq!(strip_trailing_fraction_zeros("2.00"), "2");
        assert_eq!(strip_trailing_fraction_zeros("100"), "100");
        assert_eq!(strip_trailing_fraction_zeros("0.010"), "0.01");
    }
}

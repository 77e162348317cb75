//! Conversions between Python values and core types, and nothing else.
//!
//! Amounts cross as `decimal.Decimal`, never as `float`. A Python amount goes
//! to core as plain decimal text, and core's parser decides whether it is
//! valid, so Python callers get the same checks and error codes as callers of
//! the Kotlin binding, which sends `BigDecimal`s the same way. Dates cross as
//! `datetime.date` through pyo3's `chrono` conversion.

use chrono::NaiveDate;
use labshare::Money;
use labshare::error::AmountProblem;
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBool, PyDateTime, PyInt, PyType};

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
        let py = value.py();

        // `bool` is a subclass of `int`, but `True` is no amount of money.
        if value.is_instance_of::<PyBool>() {
            return Err(wrong_amount_type(&value));
        }
        if value.is_instance_of::<PyInt>() {
            return Ok(PlainDecimal(value.str()?.to_string()));
        }
        if !value.is_instance(decimal_class(py)?)? {
            return Err(wrong_amount_type(&value));
        }

        if !value.call_method0("is_finite")?.is_truthy()? {
            return Ok(PlainDecimal(value.str()?.to_string()));
        }
        if value.call_method0("is_zero")?.is_truthy()? {
            return Ok(PlainDecimal("0".to_owned()));
        }
        let adjusted: i64 = value.call_method0("adjusted")?.extract()?;
        if adjusted > MAX_ADJUSTED_EXPONENT {
            let error = labshare::Error::invalid_amount(
                AMOUNT_FIELD,
                value.str()?,
                AmountProblem::OutOfRange,
            );
            return Err(CoreError::from(error).into());
        }

        // Format spec `f` writes every digit without an exponent: 1E+2 -> "100".
        let plain: String = value.call_method1("__format__", ("f",))?.extract()?;
        Ok(PlainDecimal(
            strip_trailing_fraction_zeros(&plain).to_owned(),
        ))
    }
}

fn wrong_amount_type(value: &Bound<'_, PyAny>) -> PyErr {
    let type_name = value
        .get_type()
        .name()
        .map_or_else(|_| "?".to_owned(), |name| name.to_string());
    PyTypeError::new_err(format!(
        "expected decimal.Decimal or int for an amount in 元, got {type_name}; \
         floats cannot hold every amount exactly, so write Decimal(\"1.10\") instead"
    ))
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
// NOTE: no core function takes or returns a date yet, so only the unit tests
// below use this type.
#[allow(dead_code)]
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

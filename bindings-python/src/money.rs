//! Amounts of money (人民币金额): parsing, rounding and formatting.
//!
//! Each function wraps the `labshare::Money` method of the same name. See
//! `labshare::money` for the accepted text forms and the rounding rule.

use labshare::Money;
use pyo3::prelude::*;

use crate::convert::{DecimalMoney, PlainDecimal};
use crate::errors::CoreError;

/// Parse an amount written in 元 or 万元, exact to the fen.
///
/// Accepts forms such as `1234.5`, `1,234.50元`, `¥1,234.50`, `6823.249万元`
/// and `68万`, also with full-width digits. Returns a `Decimal` in 元 with two
/// places. Raises `InvalidInputError` (code `invalid_amount`) for text that is
/// not a number, negative, finer than a fen or too large.
#[pyfunction]
pub fn parse_money(text: &str) -> Result<DecimalMoney, CoreError> {
    Ok(DecimalMoney(Money::parse(text)?))
}

/// Parse an amount like `parse_money`, rounding half-up (四舍五入) to the fen.
///
/// `"2.345"` becomes `Decimal("2.35")`. Raises `InvalidInputError` (code
/// `invalid_amount`) for text that is not a number, negative or too large.
#[pyfunction]
pub fn parse_money_rounded(text: &str) -> Result<DecimalMoney, CoreError> {
    Ok(DecimalMoney(Money::parse_rounded(text)?))
}

/// Round an amount in 元 half-up (四舍五入) to the fen.
///
/// Takes a `Decimal` or `int` and returns a `Decimal` with two places:
/// `Decimal("2.345")` becomes `Decimal("2.35")`. Raises `InvalidInputError`
/// (code `invalid_amount`) if the amount is negative, not a number, too large
/// or has more than 28 decimal places (core's limit), and `TypeError` for a
/// `float`.
#[pyfunction]
pub fn round_money(amount: PlainDecimal) -> Result<DecimalMoney, CoreError> {
    Ok(DecimalMoney(Money::parse_rounded(&amount.0)?))
}

/// Format an amount in 元 with thousands separators: `"1,234.50元"`.
///
/// Raises `InvalidInputError` (code `invalid_amount`) if the amount is
/// negative or finer than a fen, and `TypeError` for a `float`.
#[pyfunction]
pub fn format_yuan(amount: DecimalMoney) -> String {
    amount.0.format_yuan()
}

/// Format an amount in 万元 without trailing zeros: `"6823.249万元"`, `"68万元"`.
///
/// Raises `InvalidInputError` (code `invalid_amount`) if the amount is
/// negative or finer than a fen, and `TypeError` for a `float`.
#[pyfunction]
pub fn format_wan(amount: DecimalMoney) -> String {
    amount.0.format_wan()
}

//! Amounts of money (人民币金额): parsing, rounding and formatting.
//!
//! Each function wraps the `labshare::Money` method of the same name. See
//! `labshare::money` for the accepted text forms and the rounding rule. The
//! formatting functions return `Result` only so that an amount that core
//! rejects (negative, finer than a fen) raises `LabshareException.InvalidInput`
//! in Kotlin instead of an internal error.

use labshare::Money;

use crate::errors::LabshareError;
use crate::types::PlainDecimal;

/// Parses an amount written in 元 or 万元, exact to the fen.
///
/// Accepts forms such as `1234.5`, `1,234.50元`, `¥1,234.50`, `6823.249万元`
/// and `68万`, also with full-width digits. Returns the amount in 元 with two
/// places. Fails with code `invalid_amount` for text that is not a number,
/// negative, finer than a fen or too large.
#[uniffi::export]
pub fn parse_money(text: String) -> Result<Money, LabshareError> {
    Ok(Money::parse(&text)?)
}

/// Parses an amount like `parse_money`, rounding half-up (四舍五入) to the fen.
///
/// `"2.345"` becomes `2.35`. Fails with code `invalid_amount` for text that is
/// not a number, negative or too large.
#[uniffi::export]
pub fn parse_money_rounded(text: String) -> Result<Money, LabshareError> {
    Ok(Money::parse_rounded(&text)?)
}

/// Rounds an amount in 元 half-up (四舍五入) to the fen.
///
/// `2.345` becomes `2.35`. Fails with code `invalid_amount` if the amount is
/// negative, too large or has more than 28 decimal places (core's limit).
#[uniffi::export]
pub fn round_money(amount: PlainDecimal) -> Result<Money, LabshareError> {
    Ok(Money::parse_rounded(&amount.0)?)
}

/// Formats an amount in 元 with thousands separators: `1,234.50元`.
///
/// Fails with code `invalid_amount` if the amount is negative or finer than a
/// fen.
#[uniffi::export]
pub fn format_yuan(amount: Money) -> Result<String, LabshareError> {
    Ok(amount.format_yuan())
}

/// Formats an amount in 万元 without trailing zeros: `6823.249万元`, `68万元`.
///
/// Fails with code `invalid_amount` if the amount is negative or finer than a
/// fen.
#[uniffi::export]
pub fn format_wan(amount: Money) -> Result<String, LabshareError> {
    Ok(amount.format_wan())
}

//! Amounts of money in CNY (人民币金额), exact to the fen (分).
//!
//! [`Money`] wraps a [`rust_decimal::Decimal`] in 元 that always has exactly two
//! decimal places and is never negative. Arithmetic is checked; rounding is
//! half-up (四舍五入), never banker's rounding, so 2.345 元 becomes 2.35 元.
//!
//! Text forms accepted by [`Money::parse`]: `1234.5`, `1,234.50元`, `¥1,234.50`,
//! `6823.249万元`, `68万` and the same with full-width digits (１２３４．５０).

use std::fmt;
use std::str::FromStr;

use rust_decimal::{Decimal, RoundingStrategy};
use schemars::JsonSchema;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::{AmountProblem, Error, Result};

/// Decimal places of an amount in 元: one fen is 0.01 元.
const YUAN_PLACES: u32 = 2;
/// Decimal places of an amount in 万元: one fen is 0.000001 万元.
const WAN_PLACES: u32 = 6;
const YUAN_PER_WAN: Decimal = Decimal::from_parts(10_000, 0, 0, false, 0);

/// A non-negative amount of CNY, exact to the fen.
///
/// # Example
///
/// ```
/// use labshare::Money;
///
/// let audited = Money::parse("2963.343万元")?;
/// assert_eq!(audited.to_string(), "29,633,430.00元");
/// assert_eq!(audited.format_wan(), "2963.343万元");
/// assert_eq!(Money::parse_rounded("2.345")?.to_string(), "2.35元");
/// # Ok::<(), labshare::Error>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Money(Decimal);

impl Default for Money {
    /// Zero 元 with two decimal places, the same as [`Money::ZERO`].
    fn default() -> Money {
        Money::ZERO
    }
}

impl Money {
    /// Zero 元.
    pub const ZERO: Money = Money(Decimal::from_parts(0, 0, 0, false, 2));

    /// The largest amount accepted: 999,999,999,999,999.99 元. Keeping amounts
    /// below 10^17 fen leaves room for exact products of two amounts in `i128`.
    pub const MAX: Money = Money(Decimal::from_parts(0x5D89_FFFF, 0x0163_4578, 0, false, 2));

    /// Creates an amount from a whole number of fen.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidAmount`] if `fen` is negative or above [`Money::MAX`].
    pub fn from_fen(fen: i64) -> Result<Money> {
        Money::from_yuan(Decimal::new(fen, YUAN_PLACES))
    }

    /// Creates an amount from 元 with at most two decimal places.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidAmount`] if the value is negative, finer than a fen or
    /// above [`Money::MAX`].
    ///
    /// # Example
    ///
    /// ```
    /// use labshare::Money;
    /// use rust_decimal::Decimal;
    ///
    /// assert_eq!(Money::from_yuan(Decimal::new(12345, 2))?.to_string(), "123.45元");
    /// assert!(Money::from_yuan(Decimal::new(12345, 3)).is_err());
    /// # Ok::<(), labshare::Error>(())
    /// ```
    pub fn from_yuan(yuan: Decimal) -> Result<Money> {
        check_places("amount", &yuan, yuan.scale(), YUAN_PLACES)?;
        Money::checked_new("amount", yuan)
    }

    /// Creates an amount from 元, rounding half-up to the fen.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidAmount`] if the rounded value is negative or above
    /// [`Money::MAX`].
    pub fn from_yuan_rounded(yuan: Decimal) -> Result<Money> {
        // A negative input is rejected even when it rounds to zero, as in
        // `parse_rounded`, so -0.001 is an error everywhere.
        if yuan.is_sign_negative() && !yuan.is_zero() {
            return Err(Error::invalid_amount("amount", yuan, AmountProblem::Negative));
        }
        Money::checked_new("amount", round_half_up(yuan, YUAN_PLACES))
    }

    /// Creates an amount from 万元 with at most six decimal places.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidAmount`] if the value is negative, finer than a fen or
    /// above [`Money::MAX`].
    pub fn from_wan(wan: Decimal) -> Result<Money> {
        check_places("amount", &wan, wan.scale(), WAN_PLACES)?;
        let yuan = wan
            .checked_mul(YUAN_PER_WAN)
            .ok_or_else(|| Error::invalid_amount("amount", wan, AmountProblem::OutOfRange))?;
        Money::checked_new("amount", yuan)
    }

    /// Parses an amount written in 元 or 万元; the text must be exact to the fen.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidAmount`] naming the text and the problem: not a number,
    /// negative, finer than a fen (three or more places in 元) or too large.
    ///
    /// # Example
    ///
    /// ```
    /// use labshare::Money;
    ///
    /// assert_eq!(Money::parse("68万")?.to_fen(), 68_000_000);
    /// assert_eq!(Money::parse("1,234.50元")?.format_yuan(), "1,234.50元");
    /// assert_eq!(Money::parse("-1").unwrap_err().code(), "invalid_amount");
    /// # Ok::<(), labshare::Error>(())
    /// ```
    pub fn parse(text: &str) -> Result<Money> {
        Money::parse_field("amount", text)
    }

    /// Parses like [`Money::parse`] but names `field` in any error.
    ///
    /// # Errors
    ///
    /// As [`Money::parse`].
    pub fn parse_field(field: &str, text: &str) -> Result<Money> {
        let (number, unit) = split_amount_text(field, text)?;
        let allowed = unit.places();
        let places = decimal_places(&number);
        if places > allowed {
            return Err(Error::invalid_amount(field, text, AmountProblem::TooPrecise { places, allowed }));
        }
        let value = parse_decimal(field, text, &number)?;
        Money::checked_new(field, unit.to_yuan(field, text, value)?)
    }

    /// Parses an amount and rounds it half-up to the fen.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidAmount`] if the text is not a number, is negative or
    /// is too large.
    pub fn parse_rounded(text: &str) -> Result<Money> {
        let field = "amount";
        let (number, unit) = split_amount_text(field, text)?;
        let number = truncate_places(&number, MAX_ROUNDED_PLACES);
        let value = parse_decimal(field, text, &number)?;
        let yuan = unit.to_yuan(field, text, value)?;
        Money::checked_new(field, round_half_up(yuan, YUAN_PLACES))
    }

    fn checked_new(field: &str, yuan: Decimal) -> Result<Money> {
        if yuan.is_sign_negative() && !yuan.is_zero() {
            return Err(Error::invalid_amount(field, yuan, AmountProblem::Negative));
        }
        let mut value = yuan.abs();
        value.rescale(YUAN_PLACES);
        if value > Money::MAX.0 {
            return Err(Error::invalid_amount(field, yuan, AmountProblem::OutOfRange));
        }
        Ok(Money(value))
    }

    /// Returns the amount in 元, always with two decimal places.
    pub fn yuan(self) -> Decimal {
        self.0
    }

    /// Returns the amount in 万元, exact (up to six decimal places).
    pub fn wan(self) -> Decimal {
        (self.0 / YUAN_PER_WAN).normalize()
    }

    /// Returns the amount as a whole number of fen.
    pub fn to_fen(self) -> i64 {
        // Cannot fail: MAX is below 10^17 fen, well inside i64.
        let fen = self.0 * Decimal::ONE_HUNDRED;
        i64::try_from(fen).unwrap_or(i64::MAX)
    }

    /// Returns true if the amount is zero.
    pub fn is_zero(self) -> bool {
        self.0.is_zero()
    }

    /// Adds two amounts.
    ///
    /// # Errors
    ///
    /// [`Error::Overflow`] if the sum exceeds [`Money::MAX`].
    pub fn checked_add(self, other: Money) -> Result<Money> {
        let sum = self.0.checked_add(other.0).ok_or_else(|| Error::overflow("money addition"))?;
        Money::checked_new("sum", sum).map_err(|_| Error::overflow("money addition"))
    }

    /// Subtracts `other` from `self`.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidAmount`] with [`AmountProblem::Negative`] if `other`
    /// is larger than `self`.
    pub fn checked_sub(self, other: Money) -> Result<Money> {
        let difference = self.0 - other.0;
        Money::checked_new("difference", difference)
    }

    /// Returns `self - other` as a signed decimal in 元, for difference tables.
    pub fn signed_difference(self, other: Money) -> Decimal {
        self.0 - other.0
    }

    /// Multiplies by a non-negative factor and rounds half-up to the fen.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidAmount`] if the factor is negative, [`Error::Overflow`]
    /// if the product exceeds [`Money::MAX`].
    pub fn mul_rounded(self, factor: Decimal) -> Result<Money> {
        if factor.is_sign_negative() && !factor.is_zero() {
            return Err(Error::invalid_value(
                "factor",
                factor,
                crate::Text::new("0 或正数", "a factor of 0 or more"),
            ));
        }
        let product = self.0.checked_mul(factor).ok_or_else(|| Error::overflow("money multiplication"))?;
        Money::from_yuan_rounded(product).map_err(|_| Error::overflow("money multiplication"))
    }

    /// Sums amounts with overflow checking.
    ///
    /// # Errors
    ///
    /// [`Error::Overflow`] if the total exceeds [`Money::MAX`].
    pub fn sum<I: IntoIterator<Item = Money>>(amounts: I) -> Result<Money> {
        amounts.into_iter().try_fold(Money::ZERO, Money::checked_add)
    }

    /// Formats in 元 with thousands separators: `1,234.50元`.
    pub fn format_yuan(self) -> String {
        format!("{}元", group_thousands(&self.0.to_string()))
    }

    /// Formats in 万元 without trailing zeros: `6823.249万元`, `68万元`.
    pub fn format_wan(self) -> String {
        format!("{}万元", self.wan())
    }

    /// Formats in 万元 with exactly `places` decimal places, rounded half-up.
    pub fn format_wan_places(self, places: u32) -> String {
        let rounded = round_half_up(self.wan(), places);
        format!("{rounded:.prec$}万元", prec = places as usize)
    }
}

/// Rounds half-up (四舍五入) to `places` decimal places: 2.345 → 2.35, 2.344 → 2.34.
///
/// For negative values the midpoint rounds away from zero (-2.345 → -2.35),
/// which is how 四舍五入 is applied to signed differences.
pub fn round_half_up(value: Decimal, places: u32) -> Decimal {
    // `Decimal` holds at most 28 decimal places; more would change nothing.
    let places = places.min(28);
    let mut rounded = value.round_dp_with_strategy(places, RoundingStrategy::MidpointAwayFromZero);
    rounded.rescale(places);
    rounded
}

#[derive(Clone, Copy)]
enum TextUnit {
    Yuan,
    Wan,
}

impl TextUnit {
    fn places(self) -> u32 {
        match self {
            TextUnit::Yuan => YUAN_PLACES,
            TextUnit::Wan => WAN_PLACES,
        }
    }

    fn to_yuan(self, field: &str, text: &str, value: Decimal) -> Result<Decimal> {
        match self {
            TextUnit::Yuan => Ok(value),
            TextUnit::Wan => value
                .checked_mul(YUAN_PER_WAN)
                .ok_or_else(|| Error::invalid_amount(field, text, AmountProblem::OutOfRange)),
        }
    }
}

fn check_places(field: &str, value: &Decimal, places: u32, allowed: u32) -> Result<()> {
    // A value such as 1.500 has scale 3 but is exact to the fen.
    let significant = value.normalize().scale();
    if significant > allowed {
        return Err(Error::invalid_amount(
            field,
            value,
            AmountProblem::TooPrecise { places: places.max(significant), allowed },
        ));
    }
    Ok(())
}

/// Normalises full-width characters, strips the currency sign, grouping
/// commas and the unit suffix, and returns the bare number with its unit.
fn split_amount_text(field: &str, text: &str) -> Result<(String, TextUnit)> {
    let mut normalized: String = text.trim().chars().map(to_half_width).collect();
    normalized.retain(|c| !c.is_whitespace());
    let body = normalized.trim_start_matches(['¥', '￥']);
    let (body, unit) = if let Some(rest) = body.strip_suffix("万元") {
        (rest, TextUnit::Wan)
    } else if let Some(rest) = body.strip_suffix('万') {
        (rest, TextUnit::Wan)
    } else if let Some(rest) = body.strip_suffix('元') {
        (rest, TextUnit::Yuan)
    } else {
        (body, TextUnit::Yuan)
    };
    if let Some(magnitude) = body.strip_prefix('-') {
        let is_number = !magnitude.is_empty() && magnitude.chars().all(|c| c.is_ascii_digit() || c == '.' || c == ',');
        if is_number {
            return Err(Error::invalid_amount(field, text, AmountProblem::Negative));
        }
    }
    let number = strip_grouping(body).ok_or_else(|| Error::invalid_amount(field, text, AmountProblem::NotANumber))?;
    Ok((number, unit))
}

/// Removes thousands separators from the integer part; commas after the
/// decimal point or in a wrong place make the text invalid.
fn strip_grouping(body: &str) -> Option<String> {
    let (integer, fraction) = match body.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (body, None),
    };
    if integer.contains(',') {
        let groups: Vec<&str> = integer.split(',').collect();
        let first_ok = !groups[0].is_empty() && groups[0].len() <= 3;
        let rest_ok = groups[1..].iter().all(|g| g.len() == 3);
        if !first_ok || !rest_ok {
            return None;
        }
    }
    let digits_only = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit());
    let integer: String = integer.chars().filter(|&c| c != ',').collect();
    if !digits_only(&integer) {
        return None;
    }
    match fraction {
        Some(f) if !digits_only(f) => None,
        Some(f) => Some(format!("{integer}.{f}")),
        None => Some(integer),
    }
}

/// Decimal places kept before rounding to the fen. Half-up rounding to two
/// places in 元 (six in 万元) depends only on the next digit, so digits past
/// this are dropped, which lets `rust_decimal` (28 digits) hold the rest.
const MAX_ROUNDED_PLACES: usize = 12;

fn truncate_places(number: &str, places: usize) -> String {
    match number.split_once('.') {
        Some((integer, fraction)) if fraction.len() > places => format!("{integer}.{}", &fraction[..places]),
        _ => number.to_owned(),
    }
}

/// Counts decimal places up to the last non-zero digit, so `1.500` has one:
/// trailing zeros do not make an amount finer than a fen.
fn decimal_places(number: &str) -> u32 {
    match number.split_once('.') {
        Some((_, fraction)) => u32::try_from(fraction.trim_end_matches('0').len()).unwrap_or(u32::MAX),
        None => 0,
    }
}

fn parse_decimal(field: &str, text: &str, number: &str) -> Result<Decimal> {
    Decimal::from_str_exact(number).map_err(|_| {
        let integer_digits = number.split('.').next().map_or(0, str::len);
        let problem = if integer_digits > 20 { AmountProblem::OutOfRange } else { AmountProblem::NotANumber };
        Error::invalid_amount(field, text, problem)
    })
}

fn to_half_width(c: char) -> char {
    match c {
        '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
        '．' => '.',
        '，' => ',',
        '－' => '-',
        '\u{3000}' => ' ',
        _ => c,
    }
}

fn group_thousands(plain: &str) -> String {
    let (integer, fraction) = plain.split_once('.').unwrap_or((plain, ""));
    let mut grouped = String::new();
    for (i, digit) in integer.chars().enumerate() {
        if i > 0 && (integer.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    if fraction.is_empty() { grouped } else { format!("{grouped}.{fraction}") }
}

impl fmt::Display for Money {
    /// Formats as [`Money::format_yuan`]: `1,234.50元`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.format_yuan())
    }
}

impl fmt::Debug for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Money({})", self.0)
    }
}

impl FromStr for Money {
    type Err = Error;

    fn from_str(text: &str) -> Result<Money> {
        Money::parse(text)
    }
}

impl Serialize for Money {
    /// Serialises as a decimal string in 元 with two places, such as `"1234.50"`.
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0.to_string())
    }
}

impl<'de> Deserialize<'de> for Money {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Money, D::Error> {
        let text = String::deserialize(deserializer)?;
        Money::parse(&text).map_err(serde::de::Error::custom)
    }
}

impl JsonSchema for Money {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Money".into()
    }

    fn json_schema(_generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "description": "Amount in CNY 元, non-negative, at most two decimal places (exact to the fen)",
            "pattern": "^[0-9]{1,15}(\\.[0-9]{1,2})?$",
            "examples": ["1234.50"]
        })
    }
}

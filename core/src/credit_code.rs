//! Unified social credit codes (统一社会信用代码), GB 32100-2015.
//!
//! A code has 18 characters from a 31-character set: the digits 0–9 and the
//! capital letters A–Z without I, O, S, V and Z, which look like digits or
//! like each other. Each character has a value, 0–9 for the digits and
//! 10–30 for `ABCDEFGHJKLMNPQRTUWXY` in that order.
//!
//! | positions | part |
//! |---|---|
//! | 1 | registration authority (登记管理部门代码) |
//! | 2 | kind of organisation (机构类别代码) |
//! | 3–8 | administrative division of the registering office (登记管理机关行政区划码), six digits |
//! | 9–17 | organisation identifier (主体标识码, the former organisation code) |
//! | 18 | check character (校验码) |
//!
//! The check character is `31 − (Σ value(cᵢ) × wᵢ mod 31)` over the first 17
//! characters, with the weights `wᵢ = 3^(i−1) mod 31`: 1, 3, 9, 27, 19, 26, 16,
//! 17, 20, 29, 25, 13, 8, 24, 10, 30, 28. A result of 31 is written `0`.

use std::fmt;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::lang::Text;

/// The 31 characters of the code, in value order.
const CHARSET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
/// Weights of positions 1–17.
const WEIGHTS: [u32; 17] = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
const LENGTH: usize = 18;
const FIELD: &str = "credit_code";

/// A unified social credit code whose form and check character are valid.
///
/// # Example
///
/// ```
/// use labshare::credit_code::CreditCode;
///
/// // Huawei Technologies Co., Ltd., as published in its business registration.
/// let code = CreditCode::parse("914403001922038216")?;
/// assert_eq!(code.division(), "440300");
///
/// let wrong = CreditCode::parse("914403001922038217").unwrap_err();
/// assert!(wrong.message(labshare::Lang::En).contains("expected check character 6"));
/// # Ok::<(), labshare::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, JsonSchema)]
#[serde(transparent)]
pub struct CreditCode(String);

impl CreditCode {
    /// Parses a code. Surrounding whitespace is ignored and lowercase letters
    /// are read as capitals, because codes are often typed by hand.
    ///
    /// # Errors
    ///
    /// [`Error::Missing`] for empty text; [`Error::InvalidValue`] for a
    /// length other than 18, a character outside the code set (the letters
    /// I, O, S, V and Z are never used), a non-digit in positions 3–8, or a
    /// wrong check character. The last message names the expected check
    /// character.
    pub fn parse(text: &str) -> Result<CreditCode> {
        let code = text.trim().to_ascii_uppercase();
        if code.is_empty() {
            return Err(Error::Missing { field: FIELD.to_owned() });
        }
        let count = code.chars().count();
        if count != LENGTH {
            return Err(Error::invalid_value(
                FIELD,
                text,
                Text::new(
                    format!("18 位代码，实际为 {count} 位"),
                    format!("18 characters, found {count}"),
                ),
            ));
        }

        check_characters(text, &code)?;
        check_division(text, &code)?;
        let expected = check_character(&code[..17])?;
        let actual = code.as_bytes()[17] as char;
        if actual != expected {
            return Err(Error::invalid_value(
                FIELD,
                text,
                Text::new(
                    format!("按 GB 32100-2015 计算的校验码为 {expected}，而第 18 位是 {actual}；请核对代码"),
                    format!(
                        "expected check character {expected} (GB 32100-2015) but position 18 is {actual}; check the code"
                    ),
                ),
            ));
        }
        Ok(CreditCode(code))
    }

    /// Returns the code as text, in capitals.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Returns the registration authority code, position 1 (`9` for the
    /// market regulator, which registers enterprises).
    pub fn authority(&self) -> char {
        self.0.as_bytes()[0] as char
    }

    /// Returns the administrative division code of the registering office,
    /// positions 3–8, such as `650100` for Urumqi.
    pub fn division(&self) -> &str {
        &self.0[2..8]
    }
}

/// Computes the check character (校验码) for the first 17 characters of a code.
///
/// # Errors
///
/// [`Error::InvalidValue`] unless `first17` is exactly 17 characters from the
/// code set.
///
/// # Example
///
/// ```
/// use labshare::credit_code::check_character;
///
/// assert_eq!(check_character("91110000101623741")?, 'K');
/// # Ok::<(), labshare::Error>(())
/// ```
pub fn check_character(first17: &str) -> Result<char> {
    let count = first17.chars().count();
    if count != 17 {
        return Err(Error::invalid_value(
            "credit_code_prefix",
            first17,
            Text::new(format!("前 17 位，实际为 {count} 位"), format!("the first 17 characters, found {count}")),
        ));
    }
    let mut sum = 0_u32;
    for (byte, weight) in first17.bytes().zip(WEIGHTS) {
        let value = char_value(byte).ok_or_else(|| {
            Error::invalid_value(
                "credit_code_prefix",
                first17,
                Text::new(
                    "由数字和除 I、O、S、V、Z 以外的大写字母组成",
                    "digits and capital letters other than I, O, S, V and Z",
                ),
            )
        })?;
        sum += value * weight;
    }
    let check = (31 - sum % 31) % 31;
    Ok(CHARSET[check as usize] as char)
}

fn char_value(byte: u8) -> Option<u32> {
    CHARSET.iter().position(|&c| c == byte).and_then(|p| u32::try_from(p).ok())
}

fn check_characters(text: &str, code: &str) -> Result<()> {
    for (index, c) in code.chars().enumerate() {
        if c.is_ascii() && char_value(c as u8).is_some() {
            continue;
        }
        let position = index + 1;
        let reason = if matches!(c, 'I' | 'O' | 'S' | 'V' | 'Z') {
            Text::new(
                format!("第 {position} 位是 {c}；代码不使用字母 I、O、S、V、Z"),
                format!("position {position} is {c}, but codes never use the letters I, O, S, V and Z"),
            )
        } else {
            Text::new(
                format!("第 {position} 位是 {c:?}；只能是数字或大写字母"),
                format!("position {position} is {c:?}, but only digits and capital letters are allowed"),
            )
        };
        return Err(Error::invalid_value(FIELD, text, reason));
    }
    Ok(())
}

fn check_division(text: &str, code: &str) -> Result<()> {
    if code[2..8].bytes().all(|b| b.is_ascii_digit()) {
        return Ok(());
    }
    Err(Error::invalid_value(
        FIELD,
        text,
        Text::new(
            "第 3–8 位是登记管理机关行政区划码，应为 6 位数字",
            "positions 3–8 are the administrative division code and must be six digits",
        ),
    ))
}

impl fmt::Display for CreditCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::str::FromStr for CreditCode {
    type Err = Error;

    fn from_str(text: &str) -> Result<CreditCode> {
        CreditCode::parse(text)
    }
}

impl<'de> Deserialize<'de> for CreditCode {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> std::result::Result<CreditCode, D::Error> {
        let text = String::deserialize(deserializer)?;
        CreditCode::parse(&text).map_err(serde::de::Error::custom)
    }
}

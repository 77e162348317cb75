//! Quotes from an instrument's fee standard (报价).
//!
//! A quote charges hours at the hourly rate and samples at the per-sample
//! rate of the user's type. A rate for the booking's test item is used
//! before the general rate of the same type and basis. Each part is rounded
//! half-up to the fen.

use rust_decimal::Decimal;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use smallvec::SmallVec;

use crate::booking::policy::{BookingPolicy, FeeBasis, FeeRate, UserType};
use crate::error::{Error, Result};
use crate::lang::{Explanation, Text};
use crate::money::Money;

/// A computed fee with its steps (费用报价).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Quote {
    /// Fee class charged.
    pub user_type: UserType,
    /// Hours charged.
    pub hours: Decimal,
    /// Samples charged.
    pub samples: u32,
    /// Test item, if any.
    pub test_item: Option<String>,
    /// Total.
    pub amount: Money,
    /// Steps of the computation.
    pub explanation: Explanation,
}

/// Computes the fee for `hours` and `samples` under `policy`.
///
/// # Errors
///
/// `booking.fee_missing` if something is to be charged but the policy has
/// no rate for it; [`Error::Overflow`] for amounts beyond [`Money::MAX`].
pub fn compute(
    policy: &BookingPolicy,
    user_type: UserType,
    hours: Decimal,
    samples: u32,
    test_item: Option<&str>,
) -> Result<Quote> {
    let parts = price(policy, user_type, hours, samples, test_item)?;

    let mut explanation = Explanation::default();
    if let Some((rate, part)) = parts.hours {
        explanation.push(
            format!("机时 {} 小时 × {}/小时（{}）= {}", hours.normalize(), rate, user_type.label_zh(), part),
            format!("{} hours × {}/hour ({:?}) = {}", hours.normalize(), rate, user_type, part),
        );
    }
    if let Some((rate, part)) = parts.samples {
        explanation.push(
            format!("样品 {samples} 个 × {}/个（{}）= {}", rate, user_type.label_zh(), part),
            format!("{samples} samples × {}/sample ({:?}) = {}", rate, user_type, part),
        );
    }
    let amount = parts.amount;
    explanation.push(format!("合计 {amount}"), format!("total {amount}"));
    Ok(Quote { user_type, hours, samples, test_item: test_item.map(str::to_owned), amount, explanation })
}

/// Computes only the amount of [`compute`], without the explanation text,
/// for replay paths that store the amount and never show the steps.
///
/// # Errors
///
/// As [`compute`].
pub(crate) fn amount(policy: &BookingPolicy, user_type: UserType, hours: Decimal, samples: u32, test_item: Option<&str>) -> Result<Money> {
    Ok(price(policy, user_type, hours, samples, test_item)?.amount)
}

/// The rate and amount of each charged part, and their total.
struct Parts {
    hours: Option<(Money, Money)>,
    samples: Option<(Money, Money)>,
    amount: Money,
}

fn price(policy: &BookingPolicy, user_type: UserType, hours: Decimal, samples: u32, test_item: Option<&str>) -> Result<Parts> {
    let mut parts = Parts { hours: None, samples: None, amount: Money::ZERO };
    // At most two bases can lack a rate, so the list stays inline. A
    // completion with hours and samples may have a rate for only one.
    let mut missing: SmallVec<[FeeBasis; 2]> = SmallVec::new();

    if hours > Decimal::ZERO {
        match find_rate(policy, user_type, FeeBasis::Hour, test_item) {
            Some(rate) => {
                let part = rate.rate.mul_rounded(hours)?;
                parts.amount = parts.amount.checked_add(part)?;
                parts.hours = Some((rate.rate, part));
            }
            None => missing.push(FeeBasis::Hour),
        }
    }
    if samples > 0 {
        match find_rate(policy, user_type, FeeBasis::Sample, test_item) {
            Some(rate) => {
                let part = rate.rate.mul_rounded(Decimal::from(samples))?;
                parts.amount = parts.amount.checked_add(part)?;
                parts.samples = Some((rate.rate, part));
            }
            None => missing.push(FeeBasis::Sample),
        }
    }

    let charged_any = parts.hours.is_some() || parts.samples.is_some();
    if !charged_any && !missing.is_empty() {
        let item = test_item.unwrap_or("-");
        return Err(Error::rule(
            "booking.fee_missing",
            Text::new(
                format!("收费标准中没有{}按{:?}计费的价格（检测项目 {item}）；请补充收费标准或直接填写金额", user_type.label_zh(), missing),
                format!("the fee standard has no {:?} rate for {:?} users (test item {item}); add one or give the amount", missing, user_type),
            ),
        ));
    }
    Ok(parts)
}

fn find_rate<'a>(policy: &'a BookingPolicy, user_type: UserType, basis: FeeBasis, test_item: Option<&str>) -> Option<&'a FeeRate> {
    let matches = |rate: &&FeeRate| rate.user_type == user_type && rate.basis == basis;
    let specific = policy.fees.iter().filter(matches).find(|rate| rate.test_item.is_some() && rate.test_item.as_deref() == test_item);
    specific.or_else(|| policy.fees.iter().filter(matches).find(|rate| rate.test_item.is_none()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rate(user_type: UserType, basis: FeeBasis, item: Option<&str>, yuan: &str) -> FeeRate {
        FeeRate { user_type, basis, test_item: item.map(str::to_owned), rate: Money::parse(yuan).unwrap() }
    }

    #[test]
    fn hours_round_half_up_to_fen() {
        let policy = BookingPolicy { fees: vec![rate(UserType::External, FeeBasis::Hour, None, "333.33")], ..BookingPolicy::default() };
        let quote = compute(&policy, UserType::External, Decimal::new(15, 1), 0, None).unwrap();
        // 333.33 × 1.5 = 499.995, which rounds half-up to 500.00.
        assert_eq!(quote.amount, Money::parse("500.00").unwrap());
        assert_eq!(amount(&policy, UserType::External, Decimal::new(15, 1), 0, None).unwrap(), quote.amount);
    }

    #[test]
    fn item_rate_wins_over_general_rate() {
        let policy = BookingPolicy {
            fees: vec![
                rate(UserType::NetworkMember, FeeBasis::Sample, None, "100"),
                rate(UserType::NetworkMember, FeeBasis::Sample, Some("XRD"), "80"),
            ],
            ..BookingPolicy::default()
        };
        let quote = compute(&policy, UserType::NetworkMember, Decimal::ZERO, 3, Some("XRD")).unwrap();
        assert_eq!(quote.amount, Money::parse("240").unwrap());
    }

    #[test]
    fn missing_rate_is_an_error() {
        let error = compute(&BookingPolicy::default(), UserType::External, Decimal::ONE, 0, None).unwrap_err();
        assert!(matches!(error, Error::RuleViolation { ref rule, .. } if rule == "booking.fee_missing"));
    }
}

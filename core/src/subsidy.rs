//! Operating subsidy allocation (共用仪器运行补贴).
//!
//! The office splits a yearly budget among applicant units in proportion to
//! each unit's audited external service income (核算后的对外服务收入).
//!
//! Shares are exact to the fen and sum to the budget exactly: each unit's
//! exact share `budget × audited ÷ total` is floored to the fen, and the
//! fens left over go one at a time to the largest remainders. Ties go to
//! the larger audited amount, then to the smaller unit id, so the result
//! never depends on input order.
//!
//! This file contains that split, the foundation's method. The submodules add
//! what the office needs around it: versioned rule sets ([`rules`]), the
//! service records units apply with ([`records`]), the audit of applications
//! ([`audit`]), allocation under a rule set with fixed ratios, tiers, caps,
//! minimums and a ratio ceiling ([`methods`]), the reward pool ([`rewards`]),
//! what-if and concentration analysis ([`analysis`]) and the yearly workflow
//! on a [`crate::Network`] ([`workflow`]).

pub mod analysis;
pub mod audit;
mod fill;
pub mod methods;
pub mod records;
pub mod rewards;
pub mod rules;
pub mod workflow;

pub use analysis::{
    Concentration, HistoryReport, UnitPayment, UnitTotal, WhatIf, WhatIfRow, YearFigures, YearPayments, concentration,
    history, what_if,
};
pub use audit::{
    AppliedAdjustment, AuditAdjustment, AuditContext, AuditResult, ClaimedDocument, Exclusion, ExclusionCode,
    InstrumentFacts, InstrumentIncome, RecordAudit, audit_application, service_period,
};
pub use methods::{AllocationAmounts, AuditedIncome, Limit, RuleAllocation, UnitAllocation, UnitAmount, allocate, allocate_amounts};
pub use records::{
    ApplicationForm, ClientRelation, DocumentKind, ServiceMode, ServiceNature, ServiceRecord, SubsidyUseReport, UseLine,
    UsePurpose,
};
pub use rewards::{Award, GroupScore, RewardAllocation, allocate_rewards};
pub use rules::{
    AllocationRules, AuditRules, BaseMethod, RankPrize, RatioTier, RewardRules, RuleSet, RuleSetRef, TierMode,
    UseReportRequirement, YearRange,
};
pub use workflow::{
    Application, ApplicationState, FiledUseReport, PublishedRuleSet, RecordedAdjustment, SubsidyBook, SubsidyChange,
    YearAllocation,
};

use std::cmp::Ordering;
use std::collections::BTreeSet;

use rust_decimal::Decimal;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::ids::UnitId;
use crate::lang::{Explanation, Text};
use crate::money::{Money, round_half_up};

/// One unit's audited amount entering an allocation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Claim {
    /// The applicant unit.
    pub unit: UnitId,
    /// Audited external service income (核算金额).
    pub audited: Money,
}

/// One unit's result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Share {
    /// The unit.
    pub unit: UnitId,
    /// Audited amount.
    pub audited: Money,
    /// Exact share in 元, `budget × audited ÷ total`, rounded half-up to ten
    /// decimal places for display; the rounding steps use exact integers.
    pub exact_share: Decimal,
    /// The exact share floored to the fen.
    pub floored: Money,
    /// Fen added by the largest-remainder step: zero or 0.01 元.
    pub adjustment: Money,
    /// Final amount: `floored + adjustment`.
    pub amount: Money,
    /// How the amount was computed.
    pub explanation: Explanation,
}

/// The result of splitting a budget.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Allocation {
    /// The budget split.
    pub budget: Money,
    /// Sum of audited amounts.
    pub total_audited: Money,
    /// `budget ÷ total_audited`, to 28 significant digits.
    pub ratio: Decimal,
    /// Shares in the order of the claims.
    pub shares: Vec<Share>,
}

impl Allocation {
    /// Returns the ratio in percent, rounded half-up to `places` decimals:
    /// 2.3622 for 70万 over 2963.343万 at four places.
    pub fn ratio_percent(&self, places: u32) -> Decimal {
        round_half_up(self.ratio * Decimal::ONE_HUNDRED, places)
    }

    /// Returns the sum of the final amounts, which equals the budget.
    pub fn total(&self) -> Money {
        Money::sum(self.shares.iter().map(|s| s.amount)).unwrap_or(Money::MAX)
    }
}

/// Splits `budget` in proportion to the audited amounts of `claims`.
///
/// # Errors
///
/// - [`Error::Missing`] if `claims` is empty;
/// - [`Error::InvalidValue`] if a unit appears twice;
/// - [`Error::Overflow`] if the audited amounts sum past [`Money::MAX`];
/// - [`Error::RuleViolation`] (`subsidy.no_audited_income`) if the budget is
///   above zero and every audited amount is zero.
///
/// # Example
///
/// ```
/// use labshare::subsidy::{allocate_proportional, Claim};
/// use labshare::{Money, UnitId};
///
/// let claims = vec![
///     Claim { unit: UnitId::new("A")?, audited: Money::parse("1")? },
///     Claim { unit: UnitId::new("B")?, audited: Money::parse("1")? },
///     Claim { unit: UnitId::new("C")?, audited: Money::parse("1")? },
/// ];
/// let result = allocate_proportional(Money::parse("1.00")?, &claims)?;
/// let amounts: Vec<String> = result.shares.iter().map(|s| s.amount.to_string()).collect();
/// // 33⅓ fen each; the one leftover fen goes to the smallest unit id.
/// assert_eq!(amounts, ["0.34元", "0.33元", "0.33元"]);
/// assert_eq!(result.total(), Money::parse("1.00")?);
/// # Ok::<(), labshare::Error>(())
/// ```
pub fn allocate_proportional(budget: Money, claims: &[Claim]) -> Result<Allocation> {
    check_claims(claims)?;
    let total_audited = Money::sum(claims.iter().map(|c| c.audited))
        .map_err(|_| Error::overflow("sum of audited amounts"))?;
    if total_audited.is_zero() && !budget.is_zero() {
        return Err(Error::rule(
            "subsidy.no_audited_income",
            Text::new(
                "所有申请单位的核算金额均为 0，无法按比例分配；请检查核算结果",
                "every audited amount is zero, so nothing can be split in proportion; check the audit",
            ),
        ));
    }

    let budget_fen = i128::from(budget.to_fen());
    let total_fen = i128::from(total_audited.to_fen()).max(1);
    let mut parts: Vec<Part> = claims
        .iter()
        .map(|claim| {
            let numerator = budget_fen * i128::from(claim.audited.to_fen());
            Part { floor_fen: numerator / total_fen, remainder: numerator % total_fen, bonus: false }
        })
        .collect();

    let floored_sum: i128 = parts.iter().map(|p| p.floor_fen).sum();
    let leftover = usize::try_from(budget_fen - floored_sum).unwrap_or(0);
    let order = remainder_order(claims, &parts);
    for &index in order.iter().take(leftover) {
        parts[index].bonus = true;
    }
    let rank_of = |index: usize| order.iter().position(|&i| i == index).unwrap_or(0) + 1;

    let ratio = if total_audited.is_zero() { Decimal::ZERO } else { budget.yuan() / total_audited.yuan() };
    let context = Context { budget, total_audited, total_fen, leftover, claims: claims.len() };
    let mut shares = Vec::with_capacity(claims.len());
    for (index, (claim, part)) in claims.iter().zip(&parts).enumerate() {
        shares.push(build_share(&context, claim, part, rank_of(index))?);
    }
    Ok(Allocation { budget, total_audited, ratio, shares })
}

struct Part {
    floor_fen: i128,
    /// Remainder of `budget_fen × audited_fen` divided by `total_fen`; all
    /// remainders share that denominator, so they compare as integers.
    remainder: i128,
    bonus: bool,
}

struct Context {
    budget: Money,
    total_audited: Money,
    total_fen: i128,
    leftover: usize,
    claims: usize,
}

fn check_claims(claims: &[Claim]) -> Result<()> {
    if claims.is_empty() {
        return Err(Error::Missing { field: "claims".to_owned() });
    }
    let mut seen = BTreeSet::new();
    for claim in claims {
        if !seen.insert(&claim.unit) {
            return Err(Error::invalid_value(
                "claims",
                &claim.unit,
                Text::new("每个单位只出现一次", "each unit listed once"),
            ));
        }
    }
    Ok(())
}

/// Returns claim indices by descending remainder, then descending audited
/// amount, then ascending unit id.
fn remainder_order(claims: &[Claim], parts: &[Part]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..claims.len()).collect();
    order.sort_by(|&a, &b| {
        parts[b]
            .remainder
            .cmp(&parts[a].remainder)
            .then_with(|| claims[b].audited.cmp(&claims[a].audited))
            .then_with(|| claims[a].unit.cmp(&claims[b].unit))
            .then(Ordering::Equal)
    });
    order
}

fn fen_to_money(fen: i128) -> Result<Money> {
    let fen = i64::try_from(fen).map_err(|_| Error::overflow("subsidy share"))?;
    Money::from_fen(fen)
}

fn build_share(context: &Context, claim: &Claim, part: &Part, rank: usize) -> Result<Share> {
    let floored = fen_to_money(part.floor_fen)?;
    let adjustment = if part.bonus { Money::from_fen(1)? } else { Money::ZERO };
    let amount = floored.checked_add(adjustment)?;
    let remainder_fen = Decimal::from_i128_with_scale(part.remainder, 0) / Decimal::from_i128_with_scale(context.total_fen, 0);
    let exact_share = round_half_up(floored.yuan() + remainder_fen / Decimal::ONE_HUNDRED, 10);

    let mut explanation = Explanation::default();
    let weight = if context.total_audited.is_zero() {
        Decimal::ZERO
    } else {
        round_half_up(claim.audited.yuan() / context.total_audited.yuan() * Decimal::ONE_HUNDRED, 4)
    };
    explanation.push(
        format!("核算金额 {}，占核算总额 {} 的 {weight}%", claim.audited, context.total_audited),
        format!("audited {}, {weight}% of the audited total {}", claim.audited, context.total_audited),
    );
    let shown = round_half_up(exact_share, 6);
    explanation.push(
        format!("精确份额 = 预算 {} × {} ÷ {} ≈ {shown} 元", context.budget, claim.audited, context.total_audited),
        format!("exact share = budget {} × {} ÷ {} ≈ {shown} 元", context.budget, claim.audited, context.total_audited),
    );
    let remainder_shown = round_half_up(remainder_fen, 6);
    explanation.push(
        format!("向下取整到分：{floored}，余 {remainder_shown} 分（余数排第 {rank}/{} 位）", context.claims),
        format!("floored to the fen: {floored}, remainder {remainder_shown} fen (rank {rank} of {})", context.claims),
    );
    if part.bonus {
        explanation.push(
            format!("取整后剩余 {} 分按余数从大到小逐分分配，本单位排第 {rank} 位，加 0.01元", context.leftover),
            format!(
                "{} fen left after flooring go one each to the largest remainders; rank {rank} receives 0.01元",
                context.leftover
            ),
        );
    } else {
        explanation.push(
            format!("取整后剩余 {} 分，本单位排第 {rank} 位，不加分", context.leftover),
            format!("{} fen left after flooring; rank {rank} receives none", context.leftover),
        );
    }
    explanation.push(format!("补贴金额：{amount}"), format!("subsidy amount: {amount}"));

    Ok(Share {
        unit: claim.unit.clone(),
        audited: claim.audited,
        exact_share,
        floored,
        adjustment,
        amount,
        explanation,
    })
}

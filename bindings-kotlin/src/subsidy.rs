//! Operating subsidy allocation (共用仪器运行补贴).
//!
//! `allocateProportional` splits a yearly budget among applicant units in
//! proportion to each unit's audited external service income. Shares are
//! exact to the fen and sum to the budget exactly: each exact share is floored
//! to the fen, and the fens left over go one at a time to the largest
//! remainders. Ties go to the larger audited amount, then to the smaller unit
//! id, so the result never depends on the order of the claims.

use labshare::subsidy as core;
use labshare::{Money, Text, UnitId};
use rust_decimal::Decimal;

use crate::convert::{decimal, money, plain_decimal, plain_money};
use crate::errors::LabshareError;
use crate::lang::Explanation;
use crate::types::PlainDecimal;

/// One unit's audited amount entering an allocation.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Claim {
    /// The applicant unit's id.
    pub unit: String,
    /// Audited external service income (核算金额) in 元.
    pub audited: PlainDecimal,
}

/// One unit's part of an allocation.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Share {
    /// The unit's id.
    pub unit: String,
    /// Audited amount in 元.
    pub audited: PlainDecimal,
    /// Exact share in 元, `budget × audited ÷ total`, rounded half-up to ten
    /// decimal places for display.
    pub exact_share: PlainDecimal,
    /// The exact share floored to the fen.
    pub floored: PlainDecimal,
    /// Fen added by the largest-remainder step: 0.00 or 0.01 元.
    pub adjustment: PlainDecimal,
    /// Final amount, `floored + adjustment`.
    pub amount: PlainDecimal,
    /// Step-by-step account of how the amount was computed.
    pub explanation: Explanation,
}

/// The result of splitting a budget.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Allocation {
    /// The budget split, in 元.
    pub budget: PlainDecimal,
    /// Sum of the audited amounts.
    pub total_audited: PlainDecimal,
    /// `budget ÷ totalAudited`, to 28 significant digits.
    pub ratio: PlainDecimal,
    /// Sum of the final amounts, which equals the budget.
    pub total: PlainDecimal,
    /// Shares in the order of the claims.
    pub shares: Vec<Share>,
}

impl From<core::Allocation> for Allocation {
    fn from(allocation: core::Allocation) -> Allocation {
        let total = plain_money(allocation.total());
        let shares = allocation
            .shares
            .into_iter()
            .map(|share| Share {
                unit: share.unit.to_string(),
                audited: plain_money(share.audited),
                exact_share: plain_decimal(share.exact_share),
                floored: plain_money(share.floored),
                adjustment: plain_money(share.adjustment),
                amount: plain_money(share.amount),
                explanation: Explanation::from(share.explanation),
            })
            .collect();
        Allocation {
            budget: plain_money(allocation.budget),
            total_audited: plain_money(allocation.total_audited),
            ratio: plain_decimal(allocation.ratio),
            total,
            shares,
        }
    }
}

#[uniffi::export]
impl Allocation {
    /// Returns the ratio in percent, rounded half-up (四舍五入) to `places`
    /// decimals: 2.3622 for 70万 over 2963.343万 at four places.
    ///
    /// Fails with `invalid_value` for `places` outside 0 to 28 and
    /// `overflow` for a ratio too large to have a percentage in range.
    pub fn ratio_percent(&self, places: i32) -> Result<PlainDecimal, LabshareError> {
        let ratio = decimal("ratio", &self.ratio)?;
        let places = crate::convert::places(places)?;
        // Core multiplies by 100 unchecked. A ratio from a real allocation is
        // at most 10^17, far below the limit, but the caller may build this
        // record with any ratio.
        if ratio.checked_mul(Decimal::ONE_HUNDRED).is_none() {
            return Err(labshare::Error::overflow("ratio in percent").into());
        }
        let allocation = core::Allocation {
            budget: Money::ZERO,
            total_audited: Money::ZERO,
            ratio,
            shares: Vec::new(),
        };
        Ok(plain_decimal(allocation.ratio_percent(places)))
    }
}

/// Splits `budget` (元) in proportion to the audited amounts of `claims`.
///
/// Returns shares exact to the fen, in the order of the claims, that sum to
/// the budget exactly.
///
/// Fails with `InvalidInput`: `missing` for no claims, `invalid_value` for a
/// unit listed twice, `invalid_amount` for an inexact or negative amount and
/// `overflow` when the audited amounts sum past the largest amount. Fails
/// with `Conflict` (`rule_violation`) when the budget is above zero and
/// every audited amount is zero.
#[uniffi::export]
pub fn allocate_proportional(
    budget: PlainDecimal,
    claims: Vec<Claim>,
) -> Result<Allocation, LabshareError> {
    let budget = money("budget", &budget)?;
    let mut core_claims = Vec::with_capacity(claims.len());
    for claim in claims {
        let unit = UnitId::new(claim.unit)?;
        core_claims.push(core::Claim {
            unit,
            audited: money("audited", &claim.audited)?,
        });
    }
    Ok(Allocation::from(core::allocate_proportional(
        budget,
        &core_claims,
    )?))
}

/// Amounts of an allocation under a rule set, one list entry per unit in
/// the order of the `units` passed in.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct SubsidyColumns {
    /// Id of the rule set that produced it.
    pub rule_set_id: String,
    /// Version of that rule set.
    pub rule_set_version: u32,
    /// The budget, in 元.
    pub budget: Money,
    /// Sum of the amounts, in 元.
    pub paid_total: Money,
    /// `budget − paid_total`, which stays in the fund.
    pub returned_to_fund: Money,
    /// Each unit's amount as a whole number of fen.
    pub amounts_fen: Vec<i64>,
    /// The limit that fixed each amount before the ratio ceiling: `none`,
    /// `cap`, `entitlement`, `whole_budget`, `minimum` or `no_income`.
    pub limits: Vec<String>,
}

/// Allocates `budget` (元) under the allocation rules of `ruleSet` (a
/// `RuleSet` as JSON) with the incomes as columns: `units` and, in the same
/// order, `audited` in 元. Returns the amounts and limits of
/// `allocateSubsidyAmounts` without a JSON record per unit.
///
/// Instrument-value tiers need per-instrument incomes, which columns cannot
/// carry; use `allocateSubsidyAmounts` for them. Fails with the errors of
/// `allocateSubsidyAmounts`, with the row in `field`: `units[3]` for a bad or
/// repeated unit id, `audited[3]` for a bad amount, and `audited` (code
/// `invalid_value`) when the lists differ in length.
#[uniffi::export]
pub fn allocate_subsidy_columns(
    rule_set: String,
    budget: Money,
    units: Vec<String>,
    audited: Vec<PlainDecimal>,
) -> Result<SubsidyColumns, LabshareError> {
    let rule_set: core::RuleSet = crate::fund::from_json("rule_set", &rule_set)?;
    let units = unit_column(units)?;
    let mut amounts = Vec::with_capacity(audited.len());
    for (index, value) in audited.iter().enumerate() {
        amounts.push(money(&format!("audited[{index}]"), value)?);
    }
    Ok(allocate_columns(&rule_set, budget, units, "audited", amounts)?)
}

/// Allocates as `allocateSubsidyColumns` does, with the audited incomes as
/// whole numbers of fen (`auditedFen`, a `List<Long>`, so call `toList()`
/// on a `LongArray`). A bad amount names `audited_fen[3]`.
#[uniffi::export]
pub fn allocate_subsidy_columns_fen(
    rule_set: String,
    budget: Money,
    units: Vec<String>,
    audited_fen: Vec<i64>,
) -> Result<SubsidyColumns, LabshareError> {
    let rule_set: core::RuleSet = crate::fund::from_json("rule_set", &rule_set)?;
    let units = unit_column(units)?;
    let mut amounts = Vec::with_capacity(audited_fen.len());
    for (index, fen) in audited_fen.iter().enumerate() {
        amounts.push(Money::from_fen(*fen).map_err(|error| at_row(error, format!("audited_fen[{index}]")))?);
    }
    Ok(allocate_columns(&rule_set, budget, units, "audited_fen", amounts)?)
}

fn unit_column(units: Vec<String>) -> Result<Vec<UnitId>, labshare::Error> {
    let mut column = Vec::with_capacity(units.len());
    for (index, unit) in units.into_iter().enumerate() {
        column.push(UnitId::new(unit).map_err(|error| at_row(error, format!("units[{index}]")))?);
    }
    Ok(column)
}

fn allocate_columns(
    rule_set: &core::RuleSet,
    budget: Money,
    units: Vec<UnitId>,
    column: &str,
    amounts: Vec<Money>,
) -> Result<SubsidyColumns, labshare::Error> {
    if amounts.len() != units.len() {
        let expected = Text::new(
            format!("每个单位一个金额：{} 个单位", units.len()),
            format!("one amount per unit: {} units", units.len()),
        );
        return Err(labshare::Error::invalid_value(column, format!("{} amounts", amounts.len()), expected));
    }
    let incomes: Vec<core::AuditedIncome> = units
        .into_iter()
        .zip(amounts)
        .map(|(unit, audited)| core::AuditedIncome { unit, audited, instruments: Vec::new() })
        .collect();
    let result = core::allocate_amounts(rule_set, budget, &incomes).map_err(|error| name_repeated_unit(error, &incomes))?;
    Ok(SubsidyColumns {
        rule_set_id: result.rule_set.id,
        rule_set_version: result.rule_set.version,
        budget: result.budget,
        paid_total: result.paid_total,
        returned_to_fund: result.returned_to_fund,
        amounts_fen: result.units.iter().map(|unit| unit.amount.to_fen()).collect(),
        limits: result.units.iter().map(|unit| limit_name(unit.limit).to_owned()).collect(),
    })
}

/// Replaces `field` in an input error with the row that caused it.
fn at_row(mut error: labshare::Error, row: String) -> labshare::Error {
    if let labshare::Error::InvalidAmount { field, .. }
    | labshare::Error::InvalidValue { field, .. }
    | labshare::Error::TooLong { field, .. }
    | labshare::Error::Missing { field } = &mut error
    {
        *field = row;
    }
    error
}

/// Names the row of a repeated unit, which core reports as field `incomes`.
fn name_repeated_unit(error: labshare::Error, incomes: &[core::AuditedIncome]) -> labshare::Error {
    let labshare::Error::InvalidValue { field, value, .. } = &error else {
        return error;
    };
    if field != "incomes" {
        return error;
    }
    // Core rejects the second appearance of the unit.
    let row = incomes.iter().enumerate().filter(|(_, income)| income.unit.as_str() == value).nth(1);
    match row {
        Some((index, _)) => at_row(error, format!("units[{index}]")),
        None => error,
    }
}

fn limit_name(limit: core::Limit) -> &'static str {
    match limit {
        core::Limit::None => "none",
        core::Limit::Cap => "cap",
        core::Limit::Entitlement => "entitlement",
        core::Limit::WholeBudget => "whole_budget",
        core::Limit::Minimum => "minimum",
        core::Limit::NoIncome => "no_income",
    }
}

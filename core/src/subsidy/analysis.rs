//! Analysis of subsidy allocations (补贴分析): what-if comparisons of two
//! rule sets, and how concentrated the money is over the years.
//!
//! Concentration figures: the share of the three largest recipients, the
//! Herfindahl–Hirschman index (the sum of squared shares, from `1/n` for an
//! even split among `n` recipients to 1 when one unit takes everything),
//! the number of distinct recipients, and the share of recipients, and of
//! money, that went to units already paid in an earlier year. Shares are
//! fractions rounded half-up to 6 decimal places.

use std::collections::{BTreeMap, BTreeSet};

use rust_decimal::Decimal;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::ids::UnitId;
use crate::lang::Text;
use crate::money::{Money, round_half_up};
use crate::subsidy::methods::{AuditedIncome, RuleAllocation, allocate};
use crate::subsidy::rules::RuleSet;

/// Decimal places of every share and index in this module.
const SHARE_PLACES: u32 = 6;

/// One unit's row in a what-if comparison.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct WhatIfRow {
    /// The unit.
    pub unit: UnitId,
    /// Audited income.
    pub audited: Money,
    /// Amount under the first rule set.
    pub amount_a: Money,
    /// Amount under the second rule set.
    pub amount_b: Money,
    /// `amount_b − amount_a` in 元, signed.
    pub difference: Decimal,
}

/// The same applications under two rule sets (假设分析).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct WhatIf {
    /// Result under the first rule set.
    pub a: RuleAllocation,
    /// Result under the second rule set.
    pub b: RuleAllocation,
    /// One row per unit, in input order.
    pub rows: Vec<WhatIfRow>,
    /// `b.paid_total − a.paid_total` in 元, signed.
    pub paid_difference: Decimal,
    /// Concentration of the amounts under `a`.
    pub concentration_a: Concentration,
    /// Concentration of the amounts under `b`.
    pub concentration_b: Concentration,
}

/// Allocates `budget` over `incomes` under `a` and under `b` and compares.
///
/// # Errors
///
/// The errors of [`allocate`] under either rule set.
pub fn what_if(a: &RuleSet, b: &RuleSet, budget: Money, incomes: &[AuditedIncome]) -> Result<WhatIf> {
    let result_a = allocate(a, budget, incomes)?;
    let result_b = allocate(b, budget, incomes)?;
    let rows = result_a
        .units
        .iter()
        .zip(&result_b.units)
        .map(|(ua, ub)| WhatIfRow {
            unit: ua.unit.clone(),
            audited: ua.audited,
            amount_a: ua.amount,
            amount_b: ub.amount,
            difference: ub.amount.signed_difference(ua.amount),
        })
        .collect();
    let paid_difference = result_b.paid_total.signed_difference(result_a.paid_total);
    let concentration_a = concentration(&result_a.units.iter().map(|u| u.amount).collect::<Vec<_>>())?;
    let concentration_b = concentration(&result_b.units.iter().map(|u| u.amount).collect::<Vec<_>>())?;
    Ok(WhatIf { a: result_a, b: result_b, rows, paid_difference, concentration_a, concentration_b })
}

/// Concentration figures of a set of amounts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Concentration {
    /// Sum of the amounts.
    pub total: Money,
    /// Amounts above zero.
    pub recipients: u32,
    /// Share of the three largest amounts in the total.
    pub top3_share: Decimal,
    /// Herfindahl–Hirschman index: the sum of squared shares, 0 to 1.
    pub hhi: Decimal,
}

/// Measures the concentration of `amounts`; zero amounts do not count as recipients.
///
/// # Errors
///
/// [`Error::Overflow`] if the amounts sum past [`Money::MAX`].
///
/// # Example
///
/// ```
/// use labshare::subsidy::concentration;
/// use labshare::Money;
/// use rust_decimal::Decimal;
///
/// let amounts = ["50", "30", "10", "10"].map(|a| Money::parse(a).unwrap());
/// let figures = concentration(&amounts)?;
/// assert_eq!(figures.top3_share, Decimal::new(9, 1));
/// // 0.5² + 0.3² + 0.1² + 0.1² = 0.36
/// assert_eq!(figures.hhi, Decimal::new(36, 2));
/// # Ok::<(), labshare::Error>(())
/// ```
pub fn concentration(amounts: &[Money]) -> Result<Concentration> {
    let total = Money::sum(amounts.iter().copied())?;
    let mut positive: Vec<Money> = amounts.iter().copied().filter(|a| !a.is_zero()).collect();
    positive.sort_by(|a, b| b.cmp(a));
    let recipients = u32::try_from(positive.len()).map_err(|_| Error::overflow("recipient count"))?;
    if total.is_zero() {
        return Ok(Concentration { total, recipients, top3_share: Decimal::ZERO, hhi: Decimal::ZERO });
    }
    let top3 = Money::sum(positive.iter().take(3).copied())?;
    let mut hhi = Decimal::ZERO;
    for amount in &positive {
        let share = amount.yuan() / total.yuan();
        hhi += share * share;
    }
    Ok(Concentration { total, recipients, top3_share: share_of(top3, total), hhi: round_half_up(hhi, SHARE_PLACES) })
}

fn share_of(part: Money, total: Money) -> Decimal {
    if total.is_zero() {
        return Decimal::ZERO;
    }
    round_half_up(part.yuan() / total.yuan(), SHARE_PLACES)
}

/// One unit's payment in a year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct UnitPayment {
    /// The unit.
    pub unit: UnitId,
    /// The amount.
    pub amount: Money,
}

/// A year's applicants and payments, the input of [`history`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct YearPayments {
    /// Subsidy year.
    pub year: i32,
    /// Number of applicant units.
    pub applicants: u32,
    /// Sum of their audited income.
    pub total_audited: Money,
    /// Amounts by unit; a unit listed with zero applied and received nothing.
    pub payments: Vec<UnitPayment>,
}

impl YearPayments {
    /// Builds a year's figures from an allocation.
    ///
    /// # Errors
    ///
    /// [`Error::Overflow`] if the number of units exceeds `u32`.
    pub fn from_allocation(year: i32, allocation: &RuleAllocation) -> Result<YearPayments> {
        Ok(YearPayments {
            year,
            applicants: u32::try_from(allocation.units.len()).map_err(|_| Error::overflow("applicant count"))?,
            total_audited: allocation.total_audited,
            payments: allocation.units.iter().map(|u| UnitPayment { unit: u.unit.clone(), amount: u.amount }).collect(),
        })
    }
}

/// One year's line in the history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct YearFigures {
    /// Subsidy year.
    pub year: i32,
    /// Applicant units.
    pub applicants: u32,
    /// Audited income.
    pub total_audited: Money,
    /// Subsidy paid.
    pub total_paid: Money,
    /// `total_paid ÷ total_audited`.
    pub ratio: Decimal,
    /// Concentration of the year's payments.
    pub concentration: Concentration,
    /// Recipients already paid in an earlier year of the history.
    pub repeat_recipients: u32,
    /// `repeat_recipients ÷ recipients`.
    pub repeat_recipient_share: Decimal,
    /// Share of the year's money that went to repeat recipients.
    pub repeat_money_share: Decimal,
}

/// A unit's total over all years.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct UnitTotal {
    /// The unit.
    pub unit: UnitId,
    /// Sum over the years.
    pub total: Money,
    /// Years in which it received money.
    pub years_paid: u32,
    /// Its share of all money paid.
    pub share: Decimal,
}

/// Subsidies over several years and how concentrated they are (历年补贴分析).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct HistoryReport {
    /// One line per year, oldest first.
    pub years: Vec<YearFigures>,
    /// Audited income over all years.
    pub total_audited: Money,
    /// Money paid over all years.
    pub total_paid: Money,
    /// Lowest yearly ratio.
    pub min_ratio: Decimal,
    /// Highest yearly ratio.
    pub max_ratio: Decimal,
    /// Concentration of the units' totals over all years.
    pub overall: Concentration,
    /// Units paid in two or more years.
    pub multi_year_recipients: u32,
    /// `multi_year_recipients ÷ overall.recipients`.
    pub multi_year_recipient_share: Decimal,
    /// Units paid in every year of the history.
    pub every_year_recipients: u32,
    /// Share of all money that went to units paid in every year.
    pub every_year_money_share: Decimal,
    /// Units by total received, largest first, then by unit id.
    pub units: Vec<UnitTotal>,
}

/// Computes the yearly and overall figures of `years`.
///
/// # Errors
///
/// [`Error::Missing`] for no years, [`Error::InvalidValue`] for a year
/// listed twice or a unit listed twice in one year, [`Error::Overflow`] if a
/// sum leaves the range of [`Money`].
pub fn history(years: &[YearPayments]) -> Result<HistoryReport> {
    if years.is_empty() {
        return Err(Error::Missing { field: "years".to_owned() });
    }
    let mut ordered: Vec<&YearPayments> = years.iter().collect();
    ordered.sort_by_key(|y| y.year);
    check_years(&ordered)?;

    let mut paid_before: BTreeSet<&UnitId> = BTreeSet::new();
    let mut totals: BTreeMap<&UnitId, (Money, u32)> = BTreeMap::new();
    let mut lines = Vec::with_capacity(ordered.len());
    for year in &ordered {
        let amounts: Vec<Money> = year.payments.iter().map(|p| p.amount).collect();
        let figures = concentration(&amounts)?;
        let recipients: Vec<&UnitPayment> = year.payments.iter().filter(|p| !p.amount.is_zero()).collect();
        let repeats: Vec<&&UnitPayment> = recipients.iter().filter(|p| paid_before.contains(&p.unit)).collect();
        let repeat_money = Money::sum(repeats.iter().map(|p| p.amount))?;
        let repeat_count = u32::try_from(repeats.len()).map_err(|_| Error::overflow("recipient count"))?;
        lines.push(YearFigures {
            year: year.year,
            applicants: year.applicants,
            total_audited: year.total_audited,
            total_paid: figures.total,
            ratio: share_of(figures.total, year.total_audited),
            repeat_recipients: repeat_count,
            repeat_recipient_share: fraction(repeat_count, figures.recipients),
            repeat_money_share: share_of(repeat_money, figures.total),
            concentration: figures,
        });
        for payment in recipients {
            paid_before.insert(&payment.unit);
            let entry = totals.entry(&payment.unit).or_insert((Money::ZERO, 0));
            entry.0 = entry.0.checked_add(payment.amount)?;
            entry.1 += 1;
        }
    }
    summarize(lines, &totals)
}

fn check_years(ordered: &[&YearPayments]) -> Result<()> {
    for pair in ordered.windows(2) {
        if let [a, b] = pair
            && a.year == b.year {
                return Err(Error::invalid_value("years", a.year, Text::new("每年只出现一次", "each year listed once")));
            }
    }
    for year in ordered {
        let mut seen = BTreeSet::new();
        for payment in &year.payments {
            if !seen.insert(&payment.unit) {
                return Err(Error::invalid_value(
                    "payments",
                    format!("{} {}", year.year, payment.unit),
                    Text::new("每个单位每年只出现一次", "each unit listed once per year"),
                ));
            }
        }
    }
    Ok(())
}

fn fraction(part: u32, whole: u32) -> Decimal {
    if whole == 0 {
        return Decimal::ZERO;
    }
    round_half_up(Decimal::from(part) / Decimal::from(whole), SHARE_PLACES)
}

fn summarize(lines: Vec<YearFigures>, totals: &BTreeMap<&UnitId, (Money, u32)>) -> Result<HistoryReport> {
    let year_count = u32::try_from(lines.len()).map_err(|_| Error::overflow("year count"))?;
    let total_audited = Money::sum(lines.iter().map(|l| l.total_audited))?;
    let total_paid = Money::sum(lines.iter().map(|l| l.total_paid))?;
    let ratios = lines.iter().filter(|l| !l.total_audited.is_zero()).map(|l| l.ratio);
    let min_ratio = ratios.clone().min().unwrap_or(Decimal::ZERO);
    let max_ratio = ratios.max().unwrap_or(Decimal::ZERO);

    let unit_amounts: Vec<Money> = totals.values().map(|(total, _)| *total).collect();
    let overall = concentration(&unit_amounts)?;
    let multi = u32::try_from(totals.values().filter(|(_, years)| *years >= 2).count()).unwrap_or(u32::MAX);
    let every: Vec<Money> = totals.values().filter(|(_, years)| *years == year_count).map(|(total, _)| *total).collect();
    let every_year_recipients = u32::try_from(every.len()).unwrap_or(u32::MAX);
    let every_year_money = Money::sum(every)?;

    let mut units: Vec<UnitTotal> = totals
        .iter()
        .map(|(unit, (total, years_paid))| UnitTotal {
            unit: (*unit).clone(),
            total: *total,
            years_paid: *years_paid,
            share: share_of(*total, total_paid),
        })
        .collect();
    units.sort_by(|a, b| b.total.cmp(&a.total).then_with(|| a.unit.cmp(&b.unit)));

    Ok(HistoryReport {
        years: lines,
        total_audited,
        total_paid,
        min_ratio,
        max_ratio,
        multi_year_recipients: multi,
        multi_year_recipient_share: fraction(multi, overall.recipients),
        every_year_recipients,
        every_year_money_share: share_of(every_year_money, total_paid),
        overall,
        units,
    })
}

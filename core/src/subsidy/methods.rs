//! Allocation under a rule set (按细则分配补贴).
//!
//! [`allocate`] runs three steps on the units' audited income:
//!
//! 1. The base method gives each unit a weight. Proportional: the weight is
//!    the audited income and the whole budget is split. Fixed ratio and
//!    tiers: the weight is the unit's entitlement (应得额, rounded half-up
//!    to the fen), which is also the maximum it can get. A budget larger
//!    than all entitlements leaves money over, and a short budget scales
//!    every entitlement down by the same factor.
//! 2. The per-unit cap and minimum bound each unit. A unit above the cap is
//!    set to the cap and the excess goes to the others in proportion to
//!    their weights; a unit below the minimum is raised to it at the
//!    others' expense; this repeats until no bound is crossed. The fixed
//!    point is computed exactly, in one sort and one pass over the points
//!    where a unit meets a bound, instead of by rounds.
//! 3. The ratio ceiling cuts each unit to `ceiling × audited`, floored to the
//!    fen; what it cuts returns to the fund and goes to nobody else.
//!
//! Amounts are whole fen and sum exactly: `paid + returned = budget`. Units
//! that share out a remainder get their fen by the largest-remainder rule of
//! [`crate::subsidy::allocate_proportional`], with the same tie order, so a
//! proportional rule set with no limits gives the foundation's amounts.

use std::collections::HashSet;
use std::hash::{BuildHasherDefault, DefaultHasher};

use rust_decimal::{Decimal, RoundingStrategy};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::ids::UnitId;
use crate::lang::{Explanation, Text};
use crate::money::{Money, round_half_up};
use crate::subsidy::audit::InstrumentIncome;
use crate::subsidy::fill::{Class, Fill, Rounded, Slot, round_free_shares, water_fill};
use crate::subsidy::rules::{BaseMethod, RatioTier, RuleSet, RuleSetRef, TierMode, percent, percent_places};

/// One unit's audited income entering an allocation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct AuditedIncome {
    /// The unit.
    pub unit: UnitId,
    /// Audited external service income (核算金额).
    pub audited: Money,
    /// The same income per instrument; needed only by instrument-value
    /// tiers, and then it must sum to `audited`.
    #[serde(default)]
    pub instruments: Vec<InstrumentIncome>,
}

/// The limit that fixed a unit's amount before the ratio ceiling.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Limit {
    /// Nothing: the unit shares in proportion to its weight.
    None,
    /// The per-unit cap.
    Cap,
    /// The unit's full entitlement under a ratio method.
    Entitlement,
    /// The whole distributable budget (only one unit has income).
    WholeBudget,
    /// The per-unit minimum.
    Minimum,
    /// No audited income, so nothing.
    NoIncome,
}

/// One unit's result under a rule set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct UnitAllocation {
    /// The unit.
    pub unit: UnitId,
    /// Audited income.
    pub audited: Money,
    /// Entitlement under a ratio or tier method; `None` for proportional.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entitlement: Option<Money>,
    /// The limit that fixed the amount in step 2.
    pub limit: Limit,
    /// Amount after steps 1 and 2.
    pub before_ceiling: Money,
    /// Most the ratio ceiling allows, if the rules have one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ceiling: Option<Money>,
    /// Amount the ceiling cut and returned to the fund.
    pub returned_to_fund: Money,
    /// Final amount (补贴金额).
    pub amount: Money,
    /// `amount ÷ audited` as a fraction, rounded half-up to 8 places; zero
    /// without income.
    pub ratio: Decimal,
    /// Steps that computed the amount.
    pub explanation: Explanation,
}

/// The result of splitting a budget under a rule set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct RuleAllocation {
    /// The rules that produced it.
    pub rule_set: RuleSetRef,
    /// The allocation rules in words.
    pub rules: Text,
    /// The budget.
    pub budget: Money,
    /// Sum of audited income.
    pub total_audited: Money,
    /// Amount shared out in step 2: the budget, or less when every unit
    /// reached its cap or entitlement.
    pub distributed: Money,
    /// Sum of the final amounts.
    pub paid_total: Money,
    /// `budget − paid_total`, which stays in the fund.
    pub returned_to_fund: Money,
    /// Amount per unit of weight for the units not held at a limit: the
    /// common ratio of amount to audited income for proportional rules, the
    /// fraction of the entitlement paid for ratio rules. Rounded half-up to
    /// 10 places; `None` when every unit is held at a limit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scale: Option<Decimal>,
    /// One entry per unit, in input order.
    pub units: Vec<UnitAllocation>,
    /// The steps for the whole budget.
    pub explanation: Explanation,
}

impl RuleAllocation {
    /// Returns the amount of `unit`, if it is in the allocation.
    pub fn amount_of(&self, unit: &UnitId) -> Option<Money> {
        self.units.iter().find(|u| &u.unit == unit).map(|u| u.amount)
    }

    /// Returns `paid_total ÷ total_audited` in percent, rounded half-up to `places`.
    pub fn ratio_percent(&self, places: u32) -> Decimal {
        if self.total_audited.is_zero() {
            return Decimal::ZERO;
        }
        percent_places(self.paid_total.yuan() / self.total_audited.yuan(), places)
    }
}

/// Splits `budget` among `incomes` under the allocation rules of `rule_set`.
///
/// # Errors
///
/// - the errors of [`RuleSet::validate`];
/// - [`Error::Missing`] for no incomes, [`Error::InvalidValue`] for a unit
///   listed twice or, under instrument-value tiers, instrument incomes that
///   do not sum to the unit's audited income;
/// - [`Error::RuleViolation`] `subsidy.no_audited_income` when proportional
///   rules meet a budget above zero and no audited income, as
///   [`crate::subsidy::allocate_proportional`] does;
/// - [`Error::RuleViolation`] `subsidy.minimum_exceeds_budget` when the
///   minimums add up to more than can be paid;
/// - [`Error::Overflow`] if a sum leaves the range of [`Money`].
///
/// # Example
///
/// ```
/// use labshare::subsidy::{allocate, AllocationRules, AuditedIncome, RuleSet, YearRange};
/// use labshare::{Money, Text, UnitId};
///
/// let mut allocation = AllocationRules::proportional();
/// allocation.cap = Some(Money::parse("50")?);
/// let rule_set = RuleSet {
///     id: "demo".into(),
///     version: 1,
///     title: Text::new("示例细则", "Demo rules"),
///     years: YearRange { from: 2017, until: None },
///     text: Text::new("按比例分配，每单位最多 50 元。", "Proportional, at most 50 元 per unit."),
///     audit: Default::default(),
///     allocation,
///     rewards: None,
/// };
/// let incomes = vec![
///     AuditedIncome { unit: UnitId::new("A")?, audited: Money::parse("600")?, instruments: vec![] },
///     AuditedIncome { unit: UnitId::new("B")?, audited: Money::parse("300")?, instruments: vec![] },
///     AuditedIncome { unit: UnitId::new("C")?, audited: Money::parse("100")?, instruments: vec![] },
/// ];
/// let result = allocate(&rule_set, Money::parse("100")?, &incomes)?;
/// let amounts: Vec<String> = result.units.iter().map(|u| u.amount.to_string()).collect();
/// // A would get 60 元 and is capped at 50; its 10 元 go to B and C as 3 : 1.
/// assert_eq!(amounts, ["50.00元", "37.50元", "12.50元"]);
/// # Ok::<(), labshare::Error>(())
/// ```
pub fn allocate(rule_set: &RuleSet, budget: Money, incomes: &[AuditedIncome]) -> Result<RuleAllocation> {
    let (total_audited, computed) = compute(rule_set, budget, incomes, true)?;
    build_result(rule_set, budget, total_audited, incomes, &computed)
}

/// One unit's amount without its explanation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct UnitAmount {
    /// The unit.
    pub unit: UnitId,
    /// Final amount.
    pub amount: Money,
    /// The limit that fixed the amount before the ratio ceiling.
    pub limit: Limit,
}

/// The amounts of an allocation without explanations.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct AllocationAmounts {
    /// The rules that produced it.
    pub rule_set: RuleSetRef,
    /// The budget.
    pub budget: Money,
    /// Sum of the final amounts.
    pub paid_total: Money,
    /// `budget − paid_total`.
    pub returned_to_fund: Money,
    /// One entry per unit, in input order.
    pub units: Vec<UnitAmount>,
}

/// Computes the amounts of [`allocate`] without writing the explanations,
/// for bulk analysis: with thousands of units, the explanation text takes
/// most of the time. The amounts, limits and totals are those of
/// [`allocate`] for the same input; [`allocate`] explains any of them.
///
/// # Errors
///
/// As [`allocate`].
pub fn allocate_amounts(rule_set: &RuleSet, budget: Money, incomes: &[AuditedIncome]) -> Result<AllocationAmounts> {
    let (_, computed) = compute(rule_set, budget, incomes, false)?;
    let cap_fen = rule_set.allocation.cap.map(fen_of);
    let mut units = Vec::with_capacity(incomes.len());
    let mut paid_fen = 0_i128;
    for (index, income) in incomes.iter().enumerate() {
        let (Some(slot), Some(class), Some(rounded), Some(entitlement), Some(ceiling)) = (
            computed.slots.get(index),
            computed.fill.classes.get(index),
            computed.amounts.get(index),
            computed.entitlements.get(index),
            computed.ceilings.get(index),
        ) else {
            return Err(Error::overflow("allocation index"));
        };
        let amount_fen = ceiling.map_or(rounded.fen, |c| rounded.fen.min(fen_of(c)));
        paid_fen += amount_fen;
        let limit = limit_of(cap_fen, slot, *class, entitlement.as_ref().map(|e| fen_of(e.amount)));
        units.push(UnitAmount { unit: income.unit.clone(), amount: fen_money(amount_fen)?, limit });
    }
    let paid_total = fen_money(paid_fen)?;
    let returned_to_fund = budget.checked_sub(paid_total)?;
    Ok(AllocationAmounts { rule_set: rule_set.reference(), budget, paid_total, returned_to_fund, units })
}

/// Runs steps 1 and 2 and returns the audited total with the fen per unit.
/// `ranks` requests the remainder rank of every free unit, which only the
/// explanations show.
fn compute(rule_set: &RuleSet, budget: Money, incomes: &[AuditedIncome], ranks: bool) -> Result<(Money, Computed)> {
    rule_set.validate()?;
    check_incomes(incomes)?;
    let rules = &rule_set.allocation;
    let audited_fen: Vec<i64> = incomes.iter().map(|i| i.audited.to_fen()).collect();
    let total_fen: i128 = audited_fen.iter().map(|&f| i128::from(f)).sum();
    let total_audited = fen_money(total_fen).map_err(|_| Error::overflow("sum of audited amounts"))?;
    let proportional = matches!(rules.base, BaseMethod::Proportional);
    if proportional && total_audited.is_zero() && !budget.is_zero() {
        return Err(no_audited_income());
    }

    let entitlements = incomes.iter().map(|income| entitlement(&rules.base, income)).collect::<Result<Vec<_>>>()?;
    let ceilings = incomes
        .iter()
        .map(|income| rules.ratio_ceiling.map(|ratio| floor_to_fen(income.audited, ratio)).transpose())
        .collect::<Result<Vec<_>>>()?;

    let budget_fen = i128::from(budget.to_fen());
    let slots = build_slots(rule_set, budget_fen, &audited_fen, &entitlements, &ceilings);
    let reachable: i128 = slots.iter().map(|s| if s.weight > 0 { s.upper } else { s.lower }).sum();
    let target = budget_fen.min(reachable);
    let lower_sum: i128 = slots.iter().map(|s| s.lower).sum();
    if lower_sum > target {
        return Err(minimum_exceeds(rule_set, lower_sum, target));
    }

    let fill = water_fill(&slots, target)?;
    let amounts = round_free_shares(incomes, &audited_fen, &slots, &fill, ranks)?;
    Ok((total_audited, Computed { entitlements, ceilings, slots, fill, amounts, target }))
}

fn no_audited_income() -> Error {
    Error::rule(
        "subsidy.no_audited_income",
        Text::new(
            "所有申请单位的核算金额均为 0，无法按比例分配；请检查核算结果",
            "every audited amount is zero, so nothing can be split in proportion; check the audit",
        ),
    )
}

fn minimum_exceeds(rule_set: &RuleSet, lower_sum: i128, target: i128) -> Error {
    let minimum = rule_set.allocation.minimum.unwrap_or(Money::ZERO);
    let (needed, available) = (fen_text(lower_sum), fen_text(target));
    Error::rule(
        "subsidy.minimum_exceeds_budget",
        Text::new(
            format!("每单位下限 {minimum} 合计需要 {needed}，超过可分配的 {available}；请降低下限或增加预算"),
            format!(
                "the per-unit minimum of {minimum} needs {needed} in total, more than the {available} available; lower the minimum or raise the budget"
            ),
        ),
    )
}

fn fen_text(fen: i128) -> String {
    i64::try_from(fen).ok().and_then(|f| Money::from_fen(f).ok()).map_or_else(|| format!("{fen} 分"), |m| m.to_string())
}

fn check_incomes(incomes: &[AuditedIncome]) -> Result<()> {
    if incomes.is_empty() {
        return Err(Error::Missing { field: "incomes".to_owned() });
    }
    // A hash set with fixed keys: membership only, so the result does not
    // depend on the hasher, and no random seed is read.
    let mut seen: HashSet<&UnitId, BuildHasherDefault<DefaultHasher>> = HashSet::default();
    seen.reserve(incomes.len());
    for income in incomes {
        if !seen.insert(&income.unit) {
            return Err(Error::invalid_value(
                "incomes",
                &income.unit,
                Text::new("每个单位只出现一次", "each unit listed once"),
            ));
        }
    }
    Ok(())
}

/// A unit's entitlement under a ratio method, with the steps that produced it.
struct Entitlement {
    amount: Money,
    steps: Vec<Text>,
}

fn entitlement(base: &BaseMethod, income: &AuditedIncome) -> Result<Option<Entitlement>> {
    let audited = income.audited;
    match base {
        BaseMethod::Proportional => Ok(None),
        BaseMethod::FixedRatio { ratio } => {
            let amount = audited.mul_rounded(*ratio)?;
            let step = Text::new(
                format!("应得额 = 核算金额 {audited} × {}% = {amount}", percent(*ratio)),
                format!("entitlement = audited {audited} × {}% = {amount}", percent(*ratio)),
            );
            Ok(Some(Entitlement { amount, steps: vec![step] }))
        }
        BaseMethod::IncomeTiers { tiers, mode: TierMode::Whole } => {
            let tier = tier_for(tiers, audited);
            let amount = audited.mul_rounded(tier.ratio)?;
            let step = Text::new(
                format!("核算金额 {audited} 落在 {} 起的档位，全额适用 {}%：应得额 {amount}", tier.from.format_wan(), percent(tier.ratio)),
                format!(
                    "audited {audited} falls in the tier from {}, whose {}% applies to the whole amount: entitlement {amount}",
                    tier.from.format_wan(),
                    percent(tier.ratio)
                ),
            );
            Ok(Some(Entitlement { amount, steps: vec![step] }))
        }
        BaseMethod::IncomeTiers { tiers, mode: TierMode::Marginal } => marginal_entitlement(tiers, audited).map(Some),
        BaseMethod::InstrumentValueTiers { tiers } => value_tier_entitlement(tiers, income).map(Some),
    }
}

/// Returns the tier containing `value`. Validated tiers start at zero, so
/// one always does; a zero-ratio tier is the fallback otherwise.
fn tier_for(tiers: &[RatioTier], value: Money) -> RatioTier {
    tiers
        .iter()
        .rev()
        .find(|tier| tier.from <= value)
        .cloned()
        .unwrap_or(RatioTier { from: Money::ZERO, ratio: Decimal::ZERO })
}

fn marginal_entitlement(tiers: &[RatioTier], audited: Money) -> Result<Entitlement> {
    let mut exact = Decimal::ZERO;
    let mut steps = Vec::new();
    for (index, tier) in tiers.iter().enumerate() {
        if audited <= tier.from {
            break;
        }
        let top = tiers.get(index + 1).map_or(audited, |next| next.from.min(audited));
        let part = top.checked_sub(tier.from)?;
        let product = part.yuan().checked_mul(tier.ratio).ok_or_else(|| Error::overflow("tiered entitlement"))?;
        exact = exact.checked_add(product).ok_or_else(|| Error::overflow("tiered entitlement"))?;
        let shown = round_half_up(product, 4).normalize();
        steps.push(Text::new(
            format!("{}–{} 部分 {part} × {}% = {shown} 元", tier.from.format_wan(), top.format_wan(), percent(tier.ratio)),
            format!("the part from {} to {}, {part}, × {}% = {shown} 元", tier.from.format_wan(), top.format_wan(), percent(tier.ratio)),
        ));
    }
    let amount = Money::from_yuan_rounded(exact)?;
    steps.push(Text::new(
        format!("应得额（超额累进合计，四舍五入到分）= {amount}"),
        format!("entitlement (sum of the marginal parts, rounded half-up to the fen) = {amount}"),
    ));
    Ok(Entitlement { amount, steps })
}

fn value_tier_entitlement(tiers: &[RatioTier], income: &AuditedIncome) -> Result<Entitlement> {
    let listed = Money::sum(income.instruments.iter().map(|i| i.audited))?;
    if listed != income.audited {
        return Err(Error::invalid_value(
            "incomes.instruments",
            format!("{}: {listed}", income.unit),
            Text::new(
                format!("按仪器列出的核算金额合计等于单位核算金额 {}", income.audited),
                format!("instrument incomes that sum to the unit's audited income, {}", income.audited),
            ),
        ));
    }
    let mut exact = Decimal::ZERO;
    let mut steps = Vec::new();
    for instrument in &income.instruments {
        let tier = tier_for(tiers, instrument.original_value);
        let product = instrument.audited.yuan().checked_mul(tier.ratio).ok_or_else(|| Error::overflow("tiered entitlement"))?;
        exact = exact.checked_add(product).ok_or_else(|| Error::overflow("tiered entitlement"))?;
        let shown = round_half_up(product, 4).normalize();
        steps.push(Text::new(
            format!(
                "仪器 {}（原值 {}）核算收入 {} × {}% = {shown} 元",
                instrument.instrument,
                instrument.original_value.format_wan(),
                instrument.audited,
                percent(tier.ratio)
            ),
            format!(
                "instrument {} (original value {}): audited {} × {}% = {shown} 元",
                instrument.instrument,
                instrument.original_value.format_wan(),
                instrument.audited,
                percent(tier.ratio)
            ),
        ));
    }
    let amount = Money::from_yuan_rounded(exact)?;
    steps.push(Text::new(
        format!("应得额（各仪器合计，四舍五入到分）= {amount}"),
        format!("entitlement (sum over the instruments, rounded half-up to the fen) = {amount}"),
    ));
    Ok(Entitlement { amount, steps })
}

/// Returns `amount × ratio` floored to the fen, so the result never exceeds the ratio.
fn floor_to_fen(amount: Money, ratio: Decimal) -> Result<Money> {
    let product = amount.yuan().checked_mul(ratio).ok_or_else(|| Error::overflow("ratio ceiling"))?;
    Money::from_yuan(product.round_dp_with_strategy(2, RoundingStrategy::ToZero))
}

fn fen_of(amount: Money) -> i128 {
    i128::from(amount.to_fen())
}

fn build_slots(
    rule_set: &RuleSet,
    budget_fen: i128,
    audited_fen: &[i64],
    entitlements: &[Option<Entitlement>],
    ceilings: &[Option<Money>],
) -> Vec<Slot> {
    let rules = &rule_set.allocation;
    let cap = rules.cap.map(fen_of);
    let minimum = rules.minimum.map_or(0, fen_of);
    audited_fen
        .iter()
        .zip(entitlements)
        .zip(ceilings)
        .map(|((&audited, entitlement), ceiling)| {
            let entitled = entitlement.as_ref().map(|e| fen_of(e.amount));
            let weight = entitled.unwrap_or(i128::from(audited));
            let mut upper = if audited == 0 { 0 } else { budget_fen };
            if let Some(entitled) = entitled {
                upper = upper.min(entitled);
            }
            if let Some(cap) = cap {
                upper = upper.min(cap);
            }
            let mut lower = minimum.min(upper);
            if let Some(ceiling) = ceiling {
                lower = lower.min(fen_of(*ceiling));
            }
            Slot { weight, lower, upper }
        })
        .collect()
}

struct Computed {
    entitlements: Vec<Option<Entitlement>>,
    ceilings: Vec<Option<Money>>,
    slots: Vec<Slot>,
    fill: Fill,
    amounts: Vec<Rounded>,
    target: i128,
}

fn fen_money(fen: i128) -> Result<Money> {
    let fen = i64::try_from(fen).map_err(|_| Error::overflow("subsidy amount"))?;
    Money::from_fen(fen)
}

fn build_result(
    rule_set: &RuleSet,
    budget: Money,
    total_audited: Money,
    incomes: &[AuditedIncome],
    computed: &Computed,
) -> Result<RuleAllocation> {
    let scale = (computed.fill.free_weight > 0).then(|| {
        let remaining = Decimal::from_i128_with_scale(computed.fill.remaining, 0);
        let weight = Decimal::from_i128_with_scale(computed.fill.free_weight, 0);
        round_half_up(remaining / weight, 10)
    });
    let free_count = computed.fill.classes.iter().filter(|c| **c == Class::Free).count();
    let limits: Vec<Limit> = computed
        .slots
        .iter()
        .zip(&computed.fill.classes)
        .zip(&computed.entitlements)
        .map(|((slot, class), entitlement)| {
            limit_of(rule_set.allocation.cap.map(fen_of), slot, *class, entitlement.as_ref().map(|e| fen_of(e.amount)))
        })
        .collect();
    let proportional = computed.entitlements.iter().all(Option::is_none);
    let context = UnitContext { rule_set, total_audited, computed, scale, free_count, limits, proportional };
    let mut units = Vec::with_capacity(incomes.len());
    for (index, income) in incomes.iter().enumerate() {
        units.push(unit_result(&context, index, income)?);
    }

    let distributed = fen_money(computed.target)?;
    let paid_total = Money::sum(units.iter().map(|u| u.amount))?;
    let returned_to_fund = budget.checked_sub(paid_total)?;
    let cut = Money::sum(units.iter().map(|u| u.returned_to_fund))?;
    let explanation = explain_total(&context, budget, incomes.len(), distributed, cut, paid_total, returned_to_fund);
    Ok(RuleAllocation {
        rule_set: rule_set.reference(),
        rules: rule_set.allocation.describe(),
        budget,
        total_audited,
        distributed,
        paid_total,
        returned_to_fund,
        scale,
        units,
        explanation,
    })
}

struct UnitContext<'a> {
    rule_set: &'a RuleSet,
    total_audited: Money,
    computed: &'a Computed,
    scale: Option<Decimal>,
    free_count: usize,
    limits: Vec<Limit>,
    /// Whether the weights are audited income rather than entitlements.
    proportional: bool,
}

fn unit_result(context: &UnitContext<'_>, index: usize, income: &AuditedIncome) -> Result<UnitAllocation> {
    let computed = context.computed;
    let (Some(slot), Some(limit), Some(rounded), Some(entitlement), Some(ceiling)) = (
        computed.slots.get(index),
        context.limits.get(index).copied(),
        computed.amounts.get(index),
        computed.entitlements.get(index),
        computed.ceilings.get(index),
    ) else {
        return Err(Error::overflow("allocation index"));
    };
    let before_ceiling = fen_money(rounded.fen)?;
    let amount = ceiling.map_or(before_ceiling, |c| before_ceiling.min(c));
    let returned_to_fund = before_ceiling.checked_sub(amount)?;
    let ratio = if income.audited.is_zero() {
        Decimal::ZERO
    } else {
        round_half_up(amount.yuan() / income.audited.yuan(), 8)
    };

    let mut explanation = Explanation::default();
    let provenance = context.rule_set.provenance();
    explanation.push(provenance.zh, provenance.en);
    let weight_percent = if context.total_audited.is_zero() {
        Decimal::ZERO
    } else {
        percent_places(income.audited.yuan() / context.total_audited.yuan(), 4)
    };
    explanation.push(
        format!("核算金额 {}，占核算总额 {} 的 {weight_percent}%", income.audited, context.total_audited),
        format!("audited {}, {weight_percent}% of the audited total {}", income.audited, context.total_audited),
    );
    if let Some(entitlement) = entitlement {
        for step in &entitlement.steps {
            explanation.steps.push(step.clone());
        }
    }
    explain_limit(&mut explanation, context, income, slot, limit, rounded, before_ceiling);
    if let Some(ceiling) = ceiling {
        explain_ceiling(&mut explanation, context.rule_set, income, *ceiling, before_ceiling, returned_to_fund);
    }
    let shown = percent_places(ratio, 4);
    explanation.push(
        format!("补贴金额：{amount}（为核算金额的 {shown}%）"),
        format!("subsidy amount: {amount} ({shown}% of audited income)"),
    );

    Ok(UnitAllocation {
        unit: income.unit.clone(),
        audited: income.audited,
        entitlement: entitlement.as_ref().map(|e| e.amount),
        limit,
        before_ceiling,
        ceiling: *ceiling,
        returned_to_fund,
        amount,
        ratio,
        explanation,
    })
}

/// Names the limit of a slot from its class, the cap and the unit's entitlement, all in fen.
fn limit_of(cap_fen: Option<i128>, slot: &Slot, class: Class, entitlement_fen: Option<i128>) -> Limit {
    match class {
        Class::Free => Limit::None,
        Class::Lower if slot.upper == 0 => Limit::NoIncome,
        Class::Lower => Limit::Minimum,
        Class::Upper if cap_fen == Some(slot.upper) => Limit::Cap,
        Class::Upper if entitlement_fen == Some(slot.upper) => Limit::Entitlement,
        Class::Upper => Limit::WholeBudget,
    }
}

fn explain_limit(
    explanation: &mut Explanation,
    context: &UnitContext<'_>,
    income: &AuditedIncome,
    slot: &Slot,
    limit: Limit,
    rounded: &Rounded,
    before_ceiling: Money,
) {
    let fill = &context.computed.fill;
    let would_get = (fill.free_weight > 0).then(|| {
        let exact = Decimal::from_i128_with_scale(fill.remaining, 0) * Decimal::from_i128_with_scale(slot.weight, 0)
            / Decimal::from_i128_with_scale(fill.free_weight, 0);
        round_half_up(exact / Decimal::ONE_HUNDRED, 2)
    });
    let would = |zh: &str, en: &str| match would_get {
        Some(value) => (format!("按比例应得约 {value} 元，"), format!("a proportional share of about {value} 元 ")),
        None => (zh.to_owned(), en.to_owned()),
    };
    match limit {
        Limit::None => {
            let remaining = fen_text(fill.remaining);
            let weight = fen_text(fill.free_weight);
            let weight_name = if income.audited.is_zero() || context.proportional {
                ("核算金额", "audited income")
            } else {
                ("应得额", "entitlement")
            };
            let own = fen_text(slot.weight);
            let (remainder, rank, bonus) = rounded.remainder.unwrap_or((0, 0, false));
            let remainder_fen =
                round_half_up(Decimal::from_i128_with_scale(remainder, 0) / Decimal::from_i128_with_scale(fill.free_weight.max(1), 0), 6);
            explanation.push(
                format!(
                    "与其他未受限单位（共 {} 个）按{}分配 {remaining}：{remaining} × {own} ÷ {weight}，向下取整到分后余 {remainder_fen} 分，余数排第 {rank} 位{}",
                    context.free_count,
                    weight_name.0,
                    if bonus { "，加 0.01元" } else { "，不加分" }
                ),
                format!(
                    "shares {remaining} with the other units not held at a limit ({} in all) in proportion to {}: {remaining} × {own} ÷ {weight}, floored to the fen with {remainder_fen} fen left over, remainder rank {rank}{}",
                    context.free_count,
                    weight_name.1,
                    if bonus { ", receives 0.01元" } else { ", receives no extra fen" }
                ),
            );
        }
        Limit::Cap => {
            let (zh, en) = would("", "");
            let cap = context.rule_set.allocation.cap.unwrap_or(Money::ZERO);
            explanation.push(
                format!("{zh}达到每单位上限 {cap}，按上限计 {before_ceiling}；超出部分按比例分给其他单位"),
                format!("{en}reaches the per-unit cap of {cap}, so it gets {before_ceiling}; the excess goes to the other units in proportion"),
            );
        }
        Limit::Entitlement => explanation.push(
            format!("预算足以支付，按应得额全额计 {before_ceiling}"),
            format!("the budget covers it, so the full entitlement of {before_ceiling} is paid"),
        ),
        Limit::WholeBudget => explanation.push(
            format!("只有本单位可以分得，获得全部可分配金额 {before_ceiling}"),
            format!("no other unit can share, so it gets the whole distributable {before_ceiling}"),
        ),
        Limit::Minimum => {
            let (zh, en) = would("", "");
            let minimum = context.rule_set.allocation.minimum.unwrap_or(Money::ZERO);
            let held = if before_ceiling < minimum {
                (
                    format!("（下限 {minimum} 受上限、应得额或比例上限约束，只能提高到 {before_ceiling}）"),
                    format!(" (the minimum of {minimum} is held down to {before_ceiling} by the cap, entitlement or ratio ceiling)"),
                )
            } else {
                (String::new(), String::new())
            };
            explanation.push(
                format!("{zh}低于每单位下限，提高到 {before_ceiling}{}；差额由其他单位按比例分担", held.0),
                format!(
                    "{en}is below the per-unit minimum, so it is raised to {before_ceiling}{}; the other units bear the difference in proportion",
                    held.1
                ),
            );
        }
        Limit::NoIncome => explanation.push(
            "核算金额或应得额为 0，不参与分配",
            "no audited income or entitlement, so it receives nothing",
        ),
    }
}

fn explain_ceiling(
    explanation: &mut Explanation,
    rule_set: &RuleSet,
    income: &AuditedIncome,
    ceiling: Money,
    before: Money,
    cut: Money,
) {
    let ratio = percent(rule_set.allocation.ratio_ceiling.unwrap_or(Decimal::ZERO));
    if cut.is_zero() {
        explanation.push(
            format!("比例上限 {ratio}%：最多 {} × {ratio}% = {ceiling}（向下取整到分），未超过", income.audited),
            format!("ratio ceiling {ratio}%: at most {} × {ratio}% = {ceiling} (floored to the fen), not exceeded", income.audited),
        );
    } else {
        explanation.push(
            format!("比例上限 {ratio}%：最多 {} × {ratio}% = {ceiling}，{before} 削减 {cut}，退回资金", income.audited),
            format!(
                "ratio ceiling {ratio}%: at most {} × {ratio}% = {ceiling}, so {before} is cut by {cut}, which returns to the fund",
                income.audited
            ),
        );
    }
}

fn explain_total(
    context: &UnitContext<'_>,
    budget: Money,
    count: usize,
    distributed: Money,
    cut: Money,
    paid_total: Money,
    returned: Money,
) -> Explanation {
    let rule_set = context.rule_set;
    let mut explanation = Explanation::default();
    let provenance = rule_set.provenance();
    explanation.push(provenance.zh, provenance.en);
    let rules = rule_set.allocation.describe();
    explanation.push(format!("分配规则：{}", rules.zh), format!("allocation rules: {}", rules.en));
    explanation.push(
        format!("预算 {budget}，申请单位 {count} 个，核算总额 {}", context.total_audited),
        format!("budget {budget}, {count} applicant units, audited total {}", context.total_audited),
    );
    let entitlements: Vec<Money> = context.computed.entitlements.iter().flatten().map(|e| e.amount).collect();
    if !entitlements.is_empty() {
        let total = Money::sum(entitlements).unwrap_or(Money::MAX);
        let verdict = if total > budget { ("预算不足，按比例缩减", "the budget is short, so they are scaled down pro rata") } else { ("预算充足", "the budget covers them") };
        explanation.push(format!("应得额合计 {total}，{}", verdict.0), format!("entitlements total {total}; {}", verdict.1));
    }
    if distributed < budget {
        explanation.push(
            format!("各单位都已达到上限或应得额，可分配 {distributed}，其余留在资金中"),
            format!("every unit reached its cap or entitlement, so {distributed} is distributed and the rest stays in the fund"),
        );
    }
    let count_of = |wanted: Limit| context.limits.iter().filter(|limit| **limit == wanted).count();
    let (capped, raised) = (count_of(Limit::Cap), count_of(Limit::Minimum));
    if capped > 0 || raised > 0 {
        explanation.push(
            format!("{capped} 个单位按上限计，{raised} 个单位提高到下限，其余 {} 个单位按比例分配", context.free_count),
            format!("{capped} units held at the cap, {raised} raised to the minimum, the other {} share in proportion", context.free_count),
        );
    }
    if let Some(scale) = context.scale {
        let shown = round_half_up(scale * Decimal::ONE_HUNDRED, 4);
        explanation.push(
            format!("未受限单位的分配系数为 {shown}%"),
            format!("units not held at a limit receive {shown}% of their weight"),
        );
    }
    if rule_set.allocation.ratio_ceiling.is_some() {
        explanation.push(
            format!("比例上限共削减 {cut}，退回资金"),
            format!("the ratio ceiling cuts {cut} in all, which returns to the fund"),
        );
    }
    explanation.push(
        format!("实际分配 {paid_total}，退回资金 {returned}，合计等于预算 {budget}"),
        format!("paid {paid_total}, returned to the fund {returned}, together exactly the budget {budget}"),
    );
    explanation
}

//! The reward pool for excellent instrument groups (优秀机组奖励).
//!
//! Groups are ranked by score, highest first, with standard competition
//! ranking: two groups tied for second are both second and the next is
//! fourth. Each rank position carries the fixed prize of the rule set. Tied
//! groups pool the prizes of the positions they occupy and split them
//! equally to the fen, the spare fen going to the smaller group ids first,
//! so the prizes paid always equal the sum of the positions' prizes. What
//! the prizes leave of the pool returns to the fund.

use std::collections::BTreeSet;

use rust_decimal::Decimal;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::ids::UnitId;
use crate::lang::{Explanation, Text};
use crate::money::Money;
use crate::subsidy::rules::{RewardRules, RuleSet, RuleSetRef};

/// An instrument group's (机组) assessment score.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct GroupScore {
    /// Group id, 1 to 64 characters.
    pub group: String,
    /// The unit that runs the group and receives the prize.
    pub unit: UnitId,
    /// Assessment score, such as 93.5.
    pub score: Decimal,
}

/// One group's result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Award {
    /// Group id.
    pub group: String,
    /// Receiving unit.
    pub unit: UnitId,
    /// Score.
    pub score: Decimal,
    /// Competition rank among the eligible groups; `None` below the minimum score.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rank: Option<u32>,
    /// Number of groups sharing the rank, 1 without a tie.
    pub tied: u32,
    /// Prize.
    pub prize: Money,
    /// How the prize was set.
    pub explanation: Explanation,
}

/// The result of awarding the reward pool.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct RewardAllocation {
    /// The rules applied.
    pub rule_set: RuleSetRef,
    /// The pool.
    pub pool: Money,
    /// Sum of the prizes.
    pub awarded_total: Money,
    /// `pool − awarded_total`, which stays in the fund.
    pub returned_to_fund: Money,
    /// Every group, best first; groups below the minimum score last.
    pub awards: Vec<Award>,
}

/// Awards `pool` to `scores` under the reward rules of `rule_set`.
///
/// # Errors
///
/// - the errors of [`RuleSet::validate`], and [`Error::Missing`] if the rule
///   set has no reward rules;
/// - [`Error::Missing`] or [`Error::InvalidValue`] for an empty or
///   duplicate group id;
/// - [`Error::RuleViolation`] `subsidy.reward_pool_short` if the prizes of
///   the ranks reached add up to more than the pool.
pub fn allocate_rewards(rule_set: &RuleSet, pool: Money, scores: &[GroupScore]) -> Result<RewardAllocation> {
    rule_set.validate()?;
    let rules = rule_set.rewards.as_ref().ok_or_else(|| Error::Missing { field: "rewards".to_owned() })?;
    check_groups(scores)?;

    let eligible = |s: &&GroupScore| rules.min_score.is_none_or(|min| s.score >= min);
    let mut ranked: Vec<&GroupScore> = scores.iter().filter(eligible).collect();
    ranked.sort_by(|a, b| b.score.cmp(&a.score).then_with(|| a.group.cmp(&b.group)));

    let provenance = rule_set.provenance();
    let mut awards = Vec::with_capacity(scores.len());
    let mut start = 0;
    while let Some(first) = ranked.get(start) {
        let end = ranked[start..].iter().position(|s| s.score != first.score).map_or(ranked.len(), |offset| start + offset);
        awards.extend(award_tie(rules, &provenance, &ranked[start..end], start)?);
        start = end;
    }
    for score in scores.iter().filter(|s| !eligible(s)) {
        awards.push(below_minimum(rules, &provenance, score));
    }

    let awarded_total = Money::sum(awards.iter().map(|a| a.prize))?;
    if awarded_total > pool {
        return Err(Error::rule(
            "subsidy.reward_pool_short",
            Text::new(
                format!("各名次奖金合计 {awarded_total}，超过奖励资金 {pool}；请增加奖励资金或修改奖金"),
                format!("the prizes of the ranks reached total {awarded_total}, more than the pool of {pool}; enlarge the pool or change the prizes"),
            ),
        ));
    }
    let returned_to_fund = pool.checked_sub(awarded_total)?;
    Ok(RewardAllocation { rule_set: rule_set.reference(), pool, awarded_total, returned_to_fund, awards })
}

fn check_groups(scores: &[GroupScore]) -> Result<()> {
    let mut seen = BTreeSet::new();
    for score in scores {
        if score.group.trim().is_empty() {
            return Err(Error::Missing { field: "group".to_owned() });
        }
        let actual_chars = score.group.chars().count();
        if actual_chars > 64 {
            return Err(Error::TooLong { field: "group".to_owned(), max_chars: 64, actual_chars });
        }
        if !seen.insert(&score.group) {
            return Err(Error::invalid_value(
                "group",
                &score.group,
                Text::new("每个机组只出现一次", "each group listed once"),
            ));
        }
    }
    Ok(())
}

/// Awards the groups of one tie, which occupy positions `offset + 1 ..= offset + len`.
fn award_tie(rules: &RewardRules, provenance: &Text, tie: &[&GroupScore], offset: usize) -> Result<Vec<Award>> {
    let rank = u32::try_from(offset + 1).map_err(|_| Error::overflow("rank"))?;
    let tied = u32::try_from(tie.len()).map_err(|_| Error::overflow("rank"))?;
    let last = rank.saturating_add(tied - 1);
    let pooled = Money::sum((rank..=last).filter_map(|position| rules.prize_for(position)))?;
    let count = i64::from(tied);
    let (base, spare) = (pooled.to_fen() / count, pooled.to_fen() % count);

    let mut awards = Vec::with_capacity(tie.len());
    for (index, score) in tie.iter().enumerate() {
        let extra = i64::from(i64::try_from(index).is_ok_and(|i| i < spare));
        let prize = Money::from_fen(base + extra)?;
        let mut explanation = Explanation::default();
        explanation.push(provenance.zh.clone(), provenance.en.clone());
        explanation.push(
            format!("机组 {} 得分 {}，排第 {rank} 名", score.group, score.score),
            format!("group {} scores {}, rank {rank}", score.group, score.score),
        );
        if tied > 1 {
            explanation.push(
                format!("{tied} 个机组并列第 {rank} 名，合并第 {rank}–{last} 名奖金 {pooled} 后平分，余下的分按机组编号先后各加 0.01元"),
                format!(
                    "{tied} groups tie at rank {rank}, so the prizes of positions {rank}–{last}, {pooled} in all, are split equally, spare fen going one each in group-id order"
                ),
            );
        } else if pooled.is_zero() {
            explanation.push(format!("第 {rank} 名无奖金"), format!("rank {rank} carries no prize"));
        } else {
            explanation.push(format!("第 {rank} 名奖金 {pooled}"), format!("the prize of rank {rank} is {pooled}"));
        }
        explanation.push(format!("奖金：{prize}"), format!("prize: {prize}"));
        awards.push(Award {
            group: score.group.clone(),
            unit: score.unit.clone(),
            score: score.score,
            rank: Some(rank),
            tied,
            prize,
            explanation,
        });
    }
    Ok(awards)
}

fn below_minimum(rules: &RewardRules, provenance: &Text, score: &GroupScore) -> Award {
    let minimum = rules.min_score.unwrap_or(Decimal::ZERO);
    let mut explanation = Explanation::default();
    explanation.push(provenance.zh.clone(), provenance.en.clone());
    explanation.push(
        format!("机组 {} 得分 {}，低于参评最低分 {minimum}，不参加排名", score.group, score.score),
        format!("group {} scores {}, below the minimum of {minimum}, so it is not ranked", score.group, score.score),
    );
    Award {
        group: score.group.clone(),
        unit: score.unit.clone(),
        score: score.score,
        rank: None,
        tied: 1,
        prize: Money::ZERO,
        explanation,
    }
}

//! Subsidy rule sets (补贴细则): versioned data with an effective period and
//! the text the office publishes.
//!
//! The office changes ratios and scope from year to year and publishes the
//! rule details before it applies them, so that every unit can recompute its
//! amount. A [`RuleSet`] contains that text together with the machine-readable
//! rules: which service records the audit counts ([`AuditRules`]), how the
//! budget is split ([`AllocationRules`]) and the prizes of the reward pool
//! ([`RewardRules`]). Every audit and allocation names the rule set version
//! that produced it.

use std::fmt;

use rust_decimal::Decimal;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::lang::Text;
use crate::money::{Money, round_half_up};
use crate::subsidy::records::{ClientRelation, ServiceMode, ServiceNature, check_year};

/// Limit in characters of a rule set id.
const MAX_ID_CHARS: usize = 64;
/// Limit in characters of the published text, in each language.
const MAX_TEXT_CHARS: usize = 100_000;

/// The id and version of a rule set, as results record it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema)]
pub struct RuleSetRef {
    /// Rule set id, such as `xj-operating-subsidy`.
    pub id: String,
    /// Version, starting at 1.
    pub version: u32,
}

impl fmt::Display for RuleSetRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} v{}", self.id, self.version)
    }
}

/// Subsidy years `[from, until)`; `until` is `None` for an open end.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct YearRange {
    /// First subsidy year covered.
    pub from: i32,
    /// First subsidy year no longer covered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<i32>,
}

impl YearRange {
    /// Returns true if `year` lies in the range.
    pub fn contains(&self, year: i32) -> bool {
        year >= self.from && self.until.is_none_or(|until| year < until)
    }

    /// Returns the range as text, such as `2017–2019 年` / `2017–2019`, or `2017 年起` / `2017 on`.
    pub fn label(&self) -> Text {
        match self.until {
            Some(until) => Text::new(format!("{}–{} 年", self.from, until - 1), format!("{}–{}", self.from, until - 1)),
            None => Text::new(format!("{} 年起", self.from), format!("{} on", self.from)),
        }
    }
}

/// When applying requires a subsidy-use report (仪器设备使用情况表) of the
/// previous subsidy year to be on file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum UseReportRequirement {
    /// Never required.
    Never,
    /// Required if the unit was allocated a subsidy for the previous year.
    #[default]
    IfReceivedLastYear,
    /// Always required, from first-time applicants too.
    Always,
}

/// Audit rules (核算规则): which service records count.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct AuditRules {
    /// Month (1–12) in which the service period of subsidy year Y starts; the
    /// period is the twelve months from the first of that month in Y. The
    /// default, 1, makes it the calendar year.
    #[serde(default = "default_period_start_month")]
    pub period_start_month: u32,
    /// Region code prefixes whose clients count, such as `["65"]` for
    /// Xinjiang in GB/T 2260 codes. Empty means clients from anywhere count.
    #[serde(default)]
    pub client_regions: Vec<String>,
    /// Client relations whose services do not count.
    #[serde(default = "default_excluded_relations")]
    pub excluded_relations: Vec<ClientRelation>,
    /// Service natures that do not count.
    #[serde(default = "default_excluded_natures")]
    pub excluded_natures: Vec<ServiceNature>,
    /// Service modes that do not count; none by default.
    #[serde(default)]
    pub excluded_modes: Vec<ServiceMode>,
    /// Whether the instrument must have been published on the network on or
    /// before the service date.
    #[serde(default = "default_true")]
    pub require_published_instrument: bool,
    /// IANA time zone of the network's official clock, used to turn
    /// publication instants into dates: `Asia/Shanghai` by default.
    #[serde(default = "default_time_zone")]
    pub time_zone: String,
    /// When a use report of the previous year must be on file.
    #[serde(default)]
    pub use_report: UseReportRequirement,
}

fn default_period_start_month() -> u32 {
    1
}

fn default_excluded_relations() -> Vec<ClientRelation> {
    vec![ClientRelation::Internal, ClientRelation::RelatedParty]
}

fn default_excluded_natures() -> Vec<ServiceNature> {
    vec![ServiceNature::Statutory, ServiceNature::Enforcement, ServiceNature::CommercialInspection]
}

fn default_true() -> bool {
    true
}

fn default_time_zone() -> String {
    "Asia/Shanghai".to_owned()
}

impl Default for AuditRules {
    /// The exclusions seen in published provincial rules: related parties,
    /// statutory, enforcement and commercial-inspection testing, instruments
    /// not on the network; clients from any region; calendar-year period.
    fn default() -> AuditRules {
        AuditRules {
            period_start_month: default_period_start_month(),
            client_regions: Vec::new(),
            excluded_relations: default_excluded_relations(),
            excluded_natures: default_excluded_natures(),
            excluded_modes: Vec::new(),
            require_published_instrument: true,
            time_zone: default_time_zone(),
            use_report: UseReportRequirement::default(),
        }
    }
}

impl AuditRules {
    /// Returns the parsed time zone.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidValue`] for a name that is not an IANA time zone.
    pub fn zone(&self) -> Result<chrono_tz::Tz> {
        self.time_zone.parse::<chrono_tz::Tz>().map_err(|_| {
            Error::invalid_value(
                "audit.time_zone",
                &self.time_zone,
                Text::new("IANA 时区名，如 Asia/Shanghai", "an IANA time zone name such as Asia/Shanghai"),
            )
        })
    }

    fn validate(&self) -> Result<()> {
        if !(1..=12).contains(&self.period_start_month) {
            return Err(Error::invalid_value(
                "audit.period_start_month",
                self.period_start_month,
                Text::new("1 至 12 的月份", "a month from 1 to 12"),
            ));
        }
        for prefix in &self.client_regions {
            if prefix.trim().is_empty() || prefix.chars().any(char::is_whitespace) {
                return Err(Error::invalid_value(
                    "audit.client_regions",
                    prefix,
                    Text::new("不含空白的地区代码前缀，如 65", "a region code prefix without spaces, such as 65"),
                ));
            }
        }
        if self.excluded_natures.contains(&ServiceNature::General) {
            return Err(Error::invalid_value(
                "audit.excluded_natures",
                "general",
                Text::new(
                    "statutory、enforcement、commercial_inspection 中的若干项",
                    "some of statutory, enforcement and commercial_inspection",
                ),
            ));
        }
        self.zone()?;
        Ok(())
    }
}

/// Mode of applying a tiered ratio to an amount.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum TierMode {
    /// Each part of the income gets the ratio of its band, like tax brackets (超额累进).
    #[default]
    Marginal,
    /// The whole income gets the ratio of the band it falls in (全额分档).
    Whole,
}

/// One band of a tiered ratio: amounts from `from` up to the next tier's `from`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct RatioTier {
    /// Lowest amount in the band; the first tier starts at zero.
    pub from: Money,
    /// Ratio applied in the band, as a fraction: `0.03` is 3%.
    pub ratio: Decimal,
}

/// The base method that turns audited income into amounts (分配方法).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "method", rename_all = "snake_case")]
pub enum BaseMethod {
    /// The whole budget in proportion to audited income (按核算金额比例分配).
    Proportional,
    /// A fixed ratio of audited income, such as 15%, scaled down pro rata
    /// when the entitlements exceed the budget (固定比例).
    FixedRatio {
        /// The ratio as a fraction: `0.15` is 15%.
        ratio: Decimal,
    },
    /// Ratios by band of the unit's audited income (按收入分档).
    IncomeTiers {
        /// Bands in ascending order, the first from zero.
        tiers: Vec<RatioTier>,
        /// Marginal or whole-amount tiers.
        #[serde(default)]
        mode: TierMode,
    },
    /// Ratios by band of the original value of the instrument that earned
    /// the income (按仪器原值分档); each instrument's audited income gets the
    /// ratio of its value band.
    InstrumentValueTiers {
        /// Bands of original value in ascending order, the first from zero.
        tiers: Vec<RatioTier>,
    },
}

/// Allocation rules (分配规则). The base method runs first. The cap and
/// minimum then bound each unit, with the excess redistributed among the
/// others in proportion. The ratio ceiling runs last and returns what it
/// cuts to the fund.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct AllocationRules {
    /// The base method.
    pub base: BaseMethod,
    /// Maximum per unit (单位补贴上限).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cap: Option<Money>,
    /// Minimum for a unit with audited income (单位补贴下限), lowered to its
    /// cap, entitlement or ceiling where those are smaller.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub minimum: Option<Money>,
    /// Maximum per unit as a fraction of its audited income
    /// (补贴比例上限), such as `0.03`; what this cuts returns to the fund.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ratio_ceiling: Option<Decimal>,
}

impl AllocationRules {
    /// Creates the foundation's rule: the whole budget in proportion to
    /// audited income, with no limits.
    pub fn proportional() -> AllocationRules {
        AllocationRules { base: BaseMethod::Proportional, cap: None, minimum: None, ratio_ceiling: None }
    }

    /// Returns a one-line description of the rules.
    pub fn describe(&self) -> Text {
        let mut text = match &self.base {
            BaseMethod::Proportional => Text::new("预算按核算金额比例分配", "the budget split in proportion to audited income"),
            BaseMethod::FixedRatio { ratio } => Text::new(
                format!("按核算金额的 {}% 补贴，预算不足时按比例缩减", percent(*ratio)),
                format!("{}% of audited income, scaled down pro rata when the budget is short", percent(*ratio)),
            ),
            BaseMethod::IncomeTiers { tiers, mode } => {
                let (zh_mode, en_mode) = match mode {
                    TierMode::Marginal => ("超额累进", "marginal"),
                    TierMode::Whole => ("全额分档", "whole-amount"),
                };
                Text::new(
                    format!("按核算金额分档（{zh_mode}）：{}，预算不足时按比例缩减", tier_list(tiers)),
                    format!("{en_mode} income tiers {}, scaled down pro rata when the budget is short", tier_list(tiers)),
                )
            }
            BaseMethod::InstrumentValueTiers { tiers } => Text::new(
                format!("按仪器原值分档：{}，预算不足时按比例缩减", tier_list(tiers)),
                format!("instrument value tiers {}, scaled down pro rata when the budget is short", tier_list(tiers)),
            ),
        };
        if let Some(cap) = self.cap {
            text.zh.push_str(&format!("；每单位上限 {}", cap.format_wan()));
            text.en.push_str(&format!("; at most {} per unit", cap.format_wan()));
        }
        if let Some(minimum) = self.minimum {
            text.zh.push_str(&format!("；每单位下限 {}", minimum.format_wan()));
            text.en.push_str(&format!("; at least {} per unit", minimum.format_wan()));
        }
        if let Some(ceiling) = self.ratio_ceiling {
            text.zh.push_str(&format!("；补贴不超过核算金额的 {}%，超出部分退回资金", percent(ceiling)));
            text.en.push_str(&format!(
                "; no unit above {}% of its audited income, the excess returning to the fund",
                percent(ceiling)
            ));
        }
        text
    }

    fn validate(&self) -> Result<()> {
        match &self.base {
            BaseMethod::Proportional => {}
            BaseMethod::FixedRatio { ratio } => check_ratio("allocation.base.ratio", *ratio)?,
            BaseMethod::IncomeTiers { tiers, .. } | BaseMethod::InstrumentValueTiers { tiers } => {
                check_tiers("allocation.base.tiers", tiers)?;
            }
        }
        if let Some(ceiling) = self.ratio_ceiling {
            check_ratio("allocation.ratio_ceiling", ceiling)?;
        }
        if let (Some(cap), Some(minimum)) = (self.cap, self.minimum)
            && minimum > cap {
                return Err(Error::invalid_value(
                    "allocation.minimum",
                    minimum,
                    Text::new(format!("不超过上限 {cap}"), format!("at most the cap, {cap}")),
                ));
            }
        Ok(())
    }
}

/// Formats a fraction as a percentage without trailing zeros: 0.0236 → 2.36.
pub(crate) fn percent(ratio: Decimal) -> Decimal {
    (ratio * Decimal::ONE_HUNDRED).normalize()
}

/// Formats a fraction as a percentage rounded half-up to `places`.
pub(crate) fn percent_places(ratio: Decimal, places: u32) -> Decimal {
    round_half_up(ratio * Decimal::ONE_HUNDRED, places)
}

fn tier_list(tiers: &[RatioTier]) -> String {
    let parts: Vec<String> = tiers
        .iter()
        .enumerate()
        .map(|(i, tier)| match tiers.get(i + 1) {
            Some(next) => format!("{}–{} {}%", tier.from.wan(), next.from.format_wan(), percent(tier.ratio)),
            None => format!("≥{} {}%", tier.from.format_wan(), percent(tier.ratio)),
        })
        .collect();
    parts.join(", ")
}

fn check_ratio(field: &str, ratio: Decimal) -> Result<()> {
    if ratio.is_sign_negative() && !ratio.is_zero() || ratio > Decimal::ONE {
        return Err(Error::invalid_value(
            field,
            ratio,
            Text::new("0 至 1 之间的小数（0.03 表示 3%）", "a fraction from 0 to 1 (0.03 is 3%)"),
        ));
    }
    Ok(())
}

fn check_tiers(field: &str, tiers: &[RatioTier]) -> Result<()> {
    let Some(first) = tiers.first() else {
        return Err(Error::Missing { field: field.to_owned() });
    };
    if !first.from.is_zero() {
        return Err(Error::invalid_value(
            field,
            first.from,
            Text::new("第一档从 0 开始", "a first tier that starts at zero"),
        ));
    }
    for pair in tiers.windows(2) {
        if let [lower, upper] = pair
            && upper.from <= lower.from {
                return Err(Error::invalid_value(
                    field,
                    upper.from,
                    Text::new("严格递增的分档起点", "tier starts in strictly ascending order"),
                ));
            }
    }
    for tier in tiers {
        check_ratio(field, tier.ratio)?;
    }
    Ok(())
}

/// A prize for a run of ranks in the reward pool (奖励名次).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct RankPrize {
    /// First rank of the run, from 1.
    pub from_rank: u32,
    /// Last rank of the run, inclusive.
    pub to_rank: u32,
    /// Prize for each rank in the run.
    pub prize: Money,
}

/// The reward pool for excellent instrument groups (优秀机组奖励).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct RewardRules {
    /// Prizes by rank, in ascending rank order without gaps, from rank 1.
    pub prizes: Vec<RankPrize>,
    /// Lowest score that can win, such as 90 for the grade 优秀; none if absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_score: Option<Decimal>,
}

impl RewardRules {
    /// Returns the prize of `rank`, if the rank wins one.
    pub fn prize_for(&self, rank: u32) -> Option<Money> {
        self.prizes.iter().find(|p| (p.from_rank..=p.to_rank).contains(&rank)).map(|p| p.prize)
    }

    fn validate(&self) -> Result<()> {
        if self.prizes.is_empty() {
            return Err(Error::Missing { field: "rewards.prizes".to_owned() });
        }
        let mut next_rank = 1;
        for prize in &self.prizes {
            if prize.from_rank != next_rank || prize.to_rank < prize.from_rank {
                return Err(Error::invalid_value(
                    "rewards.prizes",
                    format!("{}–{}", prize.from_rank, prize.to_rank),
                    Text::new(
                        format!("从第 {next_rank} 名开始、首尾相接的名次段"),
                        format!("a run of ranks starting at rank {next_rank}, with no gap or overlap"),
                    ),
                ));
            }
            if prize.prize.is_zero() {
                return Err(Error::invalid_value(
                    "rewards.prizes.prize",
                    prize.prize,
                    Text::new("大于 0 的奖金", "a prize above zero"),
                ));
            }
            next_rank = prize.to_rank.saturating_add(1);
        }
        Ok(())
    }
}

/// A versioned set of subsidy rules with its published text (补贴细则).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct RuleSet {
    /// Id of the rule series, such as `xj-operating-subsidy`; 1 to 64
    /// characters without whitespace.
    pub id: String,
    /// Version within the series, from 1; a later version has a higher number.
    pub version: u32,
    /// Title, such as 《运行补贴实施细则（2017 年修订）》.
    pub title: Text,
    /// Subsidy years the rules apply to.
    pub years: YearRange,
    /// The published rule details, in Chinese and English.
    pub text: Text,
    /// Audit rules.
    #[serde(default)]
    pub audit: AuditRules,
    /// Allocation rules.
    pub allocation: AllocationRules,
    /// The reward pool, if the rules have one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rewards: Option<RewardRules>,
}

impl RuleSet {
    /// Returns the id and version.
    pub fn reference(&self) -> RuleSetRef {
        RuleSetRef { id: self.id.clone(), version: self.version }
    }

    /// Returns the step that opens every explanation: which rules produced it.
    pub fn provenance(&self) -> Text {
        let years = self.years.label();
        Text::new(
            format!("依据细则 {} 第 {} 版《{}》（适用 {}）", self.id, self.version, self.title.zh, years.zh),
            format!(
                "under rule set {} version {} \"{}\" (subsidy years {})",
                self.id, self.version, self.title.en, years.en
            ),
        )
    }

    /// Checks every field of the rule set.
    ///
    /// # Errors
    ///
    /// [`Error::Missing`], [`Error::TooLong`] or [`Error::InvalidValue`]
    /// naming the first bad field: an empty or spaced id, version 0, a year
    /// range that is empty or outside 2000–2100, an empty title or text, a
    /// ratio outside 0–1, tiers not ascending from zero, a minimum above the
    /// cap, an unknown time zone, or prize ranks with gaps.
    pub fn validate(&self) -> Result<()> {
        check_rule_id(&self.id)?;
        if self.version == 0 {
            return Err(Error::invalid_value("version", 0, Text::new("从 1 开始的版本号", "a version from 1")));
        }
        check_year("years.from", self.years.from)?;
        if let Some(until) = self.years.until
            && (until <= self.years.from || until > crate::usage::YEARS.end() + 1) {
                return Err(Error::invalid_value(
                    "years.until",
                    until,
                    Text::new(
                        format!("大于起始年 {} 的年份（不含）", self.years.from),
                        format!("a year after the first year {} (exclusive end)", self.years.from),
                    ),
                ));
            }
        for (field, text) in [("title", &self.title), ("text", &self.text)] {
            for value in [&text.zh, &text.en] {
                if value.trim().is_empty() {
                    return Err(Error::Missing { field: field.to_owned() });
                }
                let actual_chars = value.chars().count();
                if actual_chars > MAX_TEXT_CHARS {
                    return Err(Error::TooLong { field: field.to_owned(), max_chars: MAX_TEXT_CHARS, actual_chars });
                }
            }
        }
        self.audit.validate()?;
        self.allocation.validate()?;
        if let Some(rewards) = &self.rewards {
            rewards.validate()?;
        }
        Ok(())
    }
}

fn check_rule_id(id: &str) -> Result<()> {
    if id.is_empty() {
        return Err(Error::Missing { field: "id".to_owned() });
    }
    let actual_chars = id.chars().count();
    if actual_chars > MAX_ID_CHARS {
        return Err(Error::TooLong { field: "id".to_owned(), max_chars: MAX_ID_CHARS, actual_chars });
    }
    if id.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(Error::invalid_value(
            "id",
            id,
            Text::new("不含空白和控制字符的编号", "an id without whitespace or control characters"),
        ));
    }
    Ok(())
}

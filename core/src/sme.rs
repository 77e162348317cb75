//! Enterprise size classes (企业规模划型): large, medium, small and micro.
//!
//! A [`SizeStandard`] is rule data: one row per industry with the lower
//! limits of the large, medium and small classes in up to three indicators,
//! staff (从业人员), revenue (营业收入) and total assets (资产总额). An
//! enterprise is in the highest class whose limits it reaches in every
//! indicator of its row, and micro when it misses a small-class limit in any
//! one of them. Rows with a single indicator, such as agriculture (revenue
//! only) or other industries (staff only), follow the same rule.
//!
//! The crate compiles in the 2011 standard of the Ministry of Industry and
//! Information Technology and three other ministries (工信部联企业〔2011〕300号)
//! from `data/sme-2011.json`, with all 16 industry rows. A newer standard
//! replaces it as data: publish it under a new id and name that id in the
//! voucher scheme.

use std::collections::BTreeSet;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::lang::{Explanation, Lang, Text};
use crate::money::Money;

/// Id of the 2011 standard compiled into the crate.
pub const SME_2011: &str = "sme-2011";

const SME_2011_JSON: &str = include_str!("../data/sme-2011.json");

/// Size class of an enterprise (企业规模).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SizeClass {
    /// Large enterprise (大型企业).
    Large,
    /// Medium enterprise (中型企业).
    Medium,
    /// Small enterprise (小型企业).
    Small,
    /// Micro enterprise (微型企业).
    Micro,
}

impl SizeClass {
    /// Every class from largest to smallest.
    pub const ALL: [SizeClass; 4] = [SizeClass::Large, SizeClass::Medium, SizeClass::Small, SizeClass::Micro];

    /// Returns the class name, such as `小型企业` / `small enterprise`.
    pub fn label(self) -> Text {
        match self {
            SizeClass::Large => Text::new("大型企业", "large enterprise"),
            SizeClass::Medium => Text::new("中型企业", "medium enterprise"),
            SizeClass::Small => Text::new("小型企业", "small enterprise"),
            SizeClass::Micro => Text::new("微型企业", "micro enterprise"),
        }
    }

    /// Returns the stable snake_case name used in JSON, such as `small`.
    pub fn code(self) -> &'static str {
        match self {
            SizeClass::Large => "large",
            SizeClass::Medium => "medium",
            SizeClass::Small => "small",
            SizeClass::Micro => "micro",
        }
    }
}

/// An indicator of the size standard (划型指标).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Indicator {
    /// Staff (从业人员), in persons.
    Staff,
    /// Revenue (营业收入), in 万元.
    Revenue,
    /// Total assets (资产总额), in 万元.
    TotalAssets,
}

impl Indicator {
    /// Returns the indicator's name.
    pub fn label(self) -> Text {
        match self {
            Indicator::Staff => Text::new("从业人员", "staff"),
            Indicator::Revenue => Text::new("营业收入", "revenue"),
            Indicator::TotalAssets => Text::new("资产总额", "total assets"),
        }
    }

    fn unit(self) -> Text {
        match self {
            Indicator::Staff => Text::new("人", " persons"),
            Indicator::Revenue | Indicator::TotalAssets => Text::new("万元", "万元"),
        }
    }
}

/// Lower limits of one class; an absent indicator is not used by the row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Thresholds {
    /// Staff (从业人员), persons.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub staff: Option<u32>,
    /// Revenue (营业收入).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revenue: Option<Money>,
    /// Total assets (资产总额).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_assets: Option<Money>,
}

impl Thresholds {
    /// Returns the indicators that have a limit, in the order staff, revenue, total assets.
    pub fn indicators(&self) -> Vec<Indicator> {
        let mut list = Vec::new();
        if self.staff.is_some() {
            list.push(Indicator::Staff);
        }
        if self.revenue.is_some() {
            list.push(Indicator::Revenue);
        }
        if self.total_assets.is_some() {
            list.push(Indicator::TotalAssets);
        }
        list
    }

    /// Returns the limit of `indicator` in its display unit (persons or 万元).
    fn limit(&self, indicator: Indicator) -> Option<Decimal> {
        match indicator {
            Indicator::Staff => self.staff.map(Decimal::from),
            Indicator::Revenue => self.revenue.map(Money::wan),
            Indicator::TotalAssets => self.total_assets.map(Money::wan),
        }
    }
}

/// One industry row of a size standard.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct IndustryRow {
    /// Stable code, such as `industry` or `software_it_services`.
    pub code: String,
    /// Name as the standard writes it.
    pub name: Text,
    /// Scope note: the trades the row covers or leaves out, where the standard names them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<Text>,
    /// Lower limits of the large class.
    pub large: Thresholds,
    /// Lower limits of the medium class.
    pub medium: Thresholds,
    /// Lower limits of the small class.
    pub small: Thresholds,
}

impl IndustryRow {
    /// Returns the lower limits of `class`, or `None` for micro, which has none.
    pub fn thresholds(&self, class: SizeClass) -> Option<&Thresholds> {
        match class {
            SizeClass::Large => Some(&self.large),
            SizeClass::Medium => Some(&self.medium),
            SizeClass::Small => Some(&self.small),
            SizeClass::Micro => None,
        }
    }

    fn validate(&self) -> Result<()> {
        let indicators = self.small.indicators();
        let invalid = |why: Text| Error::invalid_value("industries", &self.code, why);
        if self.code.trim().is_empty() {
            return Err(Error::Missing { field: "industries.code".to_owned() });
        }
        if indicators.is_empty() {
            return Err(invalid(Text::new("每个行业至少有一项划型指标", "a row with at least one indicator")));
        }
        if self.medium.indicators() != indicators || self.large.indicators() != indicators {
            return Err(invalid(Text::new(
                "大型、中型、小型使用相同的指标",
                "the same indicators for the large, medium and small classes",
            )));
        }
        for indicator in indicators {
            let small = self.small.limit(indicator);
            let medium = self.medium.limit(indicator);
            let large = self.large.limit(indicator);
            if !(small < medium && medium < large) {
                return Err(invalid(Text::new(
                    format!("{}的下限按小型 < 中型 < 大型递增", indicator.label().zh),
                    format!("{} limits rising from small to medium to large", indicator.label().en),
                )));
            }
        }
        Ok(())
    }
}

/// A versioned size standard (企业划型标准).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct SizeStandard {
    /// Id, such as `sme-2011`.
    pub id: String,
    /// Version of the data, from 1.
    pub version: u32,
    /// Title and issuing document.
    pub title: Text,
    /// First day the standard applies.
    pub effective_from: NaiveDate,
    /// First day it no longer applies, if it was replaced.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub effective_until: Option<NaiveDate>,
    /// The classification rule in words.
    pub rule: Text,
    /// One row per industry.
    pub industries: Vec<IndustryRow>,
}

/// The figures of an enterprise that the standard classifies by.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct SizeFigures {
    /// Staff (从业人员), persons.
    pub staff: u32,
    /// Revenue of the last year (营业收入).
    pub revenue: Money,
    /// Total assets (资产总额).
    pub total_assets: Money,
}

impl SizeFigures {
    fn value(&self, indicator: Indicator) -> Decimal {
        match indicator {
            Indicator::Staff => Decimal::from(self.staff),
            Indicator::Revenue => self.revenue.wan(),
            Indicator::TotalAssets => self.total_assets.wan(),
        }
    }
}

/// One indicator compared with one class's lower limit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct IndicatorCheck {
    /// The indicator.
    pub indicator: Indicator,
    /// The enterprise's figure: persons for staff, 万元 for money.
    pub value: Decimal,
    /// The class's lower limit, in the same unit.
    pub limit: Decimal,
    /// Whether `value ≥ limit`.
    pub reached: bool,
}

/// The test of one class: reached when every indicator reaches its limit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ClassTest {
    /// The class tested.
    pub class: SizeClass,
    /// One check per indicator of the row.
    pub checks: Vec<IndicatorCheck>,
    /// Whether all checks were reached.
    pub reached: bool,
}

/// The result of classifying an enterprise, with its reasons.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Classification {
    /// Id of the standard applied.
    pub standard: String,
    /// Its version.
    pub version: u32,
    /// Code of the industry row used.
    pub industry: String,
    /// The class.
    pub class: SizeClass,
    /// The classes tested from large downwards, up to the one reached; all
    /// three when the enterprise is micro.
    pub tests: Vec<ClassTest>,
    /// The same in words.
    pub explanation: Explanation,
}

impl SizeStandard {
    /// Loads the 2011 standard (工信部联企业〔2011〕300号) compiled into the crate.
    ///
    /// # Errors
    ///
    /// [`Error::Corrupt`] if the compiled data fails to parse or validate,
    /// which the crate's own tests rule out.
    ///
    /// # Example
    ///
    /// ```
    /// use labshare::sme::{SizeClass, SizeFigures, SizeStandard};
    /// use labshare::Money;
    ///
    /// let standard = SizeStandard::sme_2011()?;
    /// let figures = SizeFigures {
    ///     staff: 25,
    ///     revenue: Money::parse("280万")?,
    ///     total_assets: Money::parse("900万")?,
    /// };
    /// // 25 staff reach the small limit of 20, but revenue misses 300万.
    /// let result = standard.classify("工业", &figures)?;
    /// assert_eq!(result.class, SizeClass::Micro);
    /// # Ok::<(), labshare::Error>(())
    /// ```
    pub fn sme_2011() -> Result<SizeStandard> {
        let corrupt = |detail: String| Error::Corrupt {
            location: "data/sme-2011.json".to_owned(),
            detail: Text::new(detail.clone(), detail),
        };
        let standard: SizeStandard = serde_json::from_str(SME_2011_JSON).map_err(|e| corrupt(e.to_string()))?;
        standard.validate().map_err(|e| corrupt(e.message(Lang::En)))?;
        Ok(standard)
    }

    /// Checks the standard: an id, a version from 1, at least one row, unique
    /// row codes, and in each row the same indicators for every class with
    /// limits rising from small to large.
    ///
    /// # Errors
    ///
    /// [`Error::Missing`] or [`Error::InvalidValue`] naming the first problem.
    pub fn validate(&self) -> Result<()> {
        if self.id.trim().is_empty() {
            return Err(Error::Missing { field: "id".to_owned() });
        }
        if self.version == 0 {
            return Err(Error::invalid_value("version", 0, Text::new("从 1 开始的版本号", "a version from 1")));
        }
        if self.industries.is_empty() {
            return Err(Error::Missing { field: "industries".to_owned() });
        }
        if let Some(until) = self.effective_until
            && until <= self.effective_from
        {
            return Err(Error::invalid_value(
                "effective_until",
                until,
                Text::new("晚于生效日期", "a date after effective_from"),
            ));
        }
        let mut codes = BTreeSet::new();
        for row in &self.industries {
            row.validate()?;
            if !codes.insert(row.code.as_str()) {
                return Err(Error::invalid_value(
                    "industries",
                    &row.code,
                    Text::new("每个行业代码只出现一次", "each industry code once"),
                ));
            }
        }
        Ok(())
    }

    /// Finds the row of `industry`, given as its code (`software_it_services`)
    /// or its Chinese name (`软件和信息技术服务业`).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidValue`] listing the valid codes if no row matches.
    pub fn row(&self, industry: &str) -> Result<&IndustryRow> {
        let requested = industry.trim();
        self.industries.iter().find(|row| row.code == requested || row.name.zh == requested).ok_or_else(|| {
            let codes: Vec<&str> = self.industries.iter().map(|row| row.code.as_str()).collect();
            Error::invalid_value(
                "industry",
                industry,
                Text::new(
                    format!("标准 {} 的行业代码之一：{}", self.id, codes.join("、")),
                    format!("one of the industry codes of standard {}: {}", self.id, codes.join(", ")),
                ),
            )
        })
    }

    /// Classifies an enterprise of `industry` with `figures`.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidValue`] for an industry the standard has no row for.
    pub fn classify(&self, industry: &str, figures: &SizeFigures) -> Result<Classification> {
        let row = self.row(industry)?;
        let mut explanation = Explanation::default();
        explanation.push(
            format!("标准：{}（第 {} 版）；行业：{}", self.title.zh, self.version, row.name.zh),
            format!("standard: {} (version {}); industry: {}", self.title.en, self.version, row.name.en),
        );

        let mut tests = Vec::new();
        let mut class = SizeClass::Micro;
        for candidate in [SizeClass::Large, SizeClass::Medium, SizeClass::Small] {
            let Some(limits) = row.thresholds(candidate) else { continue };
            let test = test_class(candidate, limits, figures);
            explanation.steps.push(describe_test(&test));
            let reached = test.reached;
            tests.push(test);
            if reached {
                class = candidate;
                break;
            }
        }
        if class == SizeClass::Micro {
            explanation.push(
                "有指标低于小型企业下限，划为微型企业",
                "an indicator is below the small-enterprise limit, so the enterprise is micro",
            );
        }
        let label = class.label();
        explanation.push(format!("结果：{}", label.zh), format!("result: {}", label.en));

        Ok(Classification {
            standard: self.id.clone(),
            version: self.version,
            industry: row.code.clone(),
            class,
            tests,
            explanation,
        })
    }
}

fn test_class(class: SizeClass, limits: &Thresholds, figures: &SizeFigures) -> ClassTest {
    let mut checks = Vec::new();
    for indicator in limits.indicators() {
        let limit = limits.limit(indicator).unwrap_or_default();
        let value = figures.value(indicator);
        checks.push(IndicatorCheck { indicator, value, limit, reached: value >= limit });
    }
    let reached = checks.iter().all(|check| check.reached);
    ClassTest { class, checks, reached }
}

fn describe_test(test: &ClassTest) -> Text {
    let label = test.class.label();
    let mut zh = Vec::new();
    let mut en = Vec::new();
    for check in &test.checks {
        let name = check.indicator.label();
        let unit = check.indicator.unit();
        let (sign_zh, sign_en) = if check.reached { ("≥", "≥") } else { ("<", "<") };
        let (verdict_zh, verdict_en) = if check.reached { ("达到", "reached") } else { ("未达到", "missed") };
        zh.push(format!(
            "{} {}{} {sign_zh} {}{}，{verdict_zh}",
            name.zh,
            check.value.normalize(),
            unit.zh,
            check.limit.normalize(),
            unit.zh
        ));
        en.push(format!(
            "{} {}{} {sign_en} {}{}, {verdict_en}",
            name.en,
            check.value.normalize(),
            unit.en,
            check.limit.normalize(),
            unit.en
        ));
    }
    let (result_zh, result_en) = if test.reached {
        (format!("全部达到，为{}", label.zh), format!("all reached, so {}", label.en))
    } else {
        ("未全部达到，下降一档".to_owned(), "not all reached, so one class down".to_owned())
    };
    Text::new(
        format!("{}下限：{}；{result_zh}", label.zh, zh.join("；")),
        format!("{} limits: {}; {result_en}", label.en, en.join("; ")),
    )
}

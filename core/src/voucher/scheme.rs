//! Voucher schemes (创新券实施细则): versioned rule data.
//!
//! A scheme has an id, such as `xj-cxq-2018`, and numbered versions. Each
//! version carries an effective period of local dates on which applications
//! are accepted and the [`VoucherRules`]: who may apply, the caps, the share
//! of a fee a voucher may pay, the eligible providers and services, the order
//! in which the office grants applications when they exceed the pool, and
//! how long vouchers stay valid. An application records the version in force
//! on its date, and its vouchers keep that version's rules for life.

use chrono::{DateTime, Days, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;
use rust_decimal::Decimal;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::ids::{InstrumentId, SchemeId, UnitId};
use crate::lang::{Explanation, Text};
use crate::money::{Money, round_half_up};
use crate::sme::{SME_2011, SizeClass};

/// Limit in characters of a voucher number prefix.
const MAX_PREFIX_CHARS: usize = 20;

/// The id and version of a scheme, as applications and vouchers record it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema)]
pub struct SchemeRef {
    /// Scheme id.
    pub id: SchemeId,
    /// Version, from 1.
    pub version: u32,
}

/// Local dates `[from, until)`; `until` is `None` for an open end.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct DateRange {
    /// First date covered.
    pub from: NaiveDate,
    /// First date no longer covered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<NaiveDate>,
}

impl DateRange {
    /// Returns true if `date` lies in the range.
    pub fn contains(&self, date: NaiveDate) -> bool {
        date >= self.from && self.until.is_none_or(|until| date < until)
    }
}

/// Caps of one kind of applicant (额度上限).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Caps {
    /// At most this much per application (单次申请).
    pub per_application: Money,
    /// At most this much granted per applicant per calendar year (年度累计).
    pub per_year: Money,
}

/// Rules for startup teams (创业团队).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct TeamRules {
    /// The team's own caps.
    pub caps: Caps,
    /// At least this many people, the leader included.
    #[serde(default = "one")]
    pub min_people: u32,
}

fn one() -> u32 {
    1
}

/// A share for applicants of one region.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct RegionShare {
    /// Region name, or the start of it: `喀什` matches `喀什地区`.
    pub region: String,
    /// Percent of the fee a voucher may pay, above 0 and at most 100.
    pub percent: Decimal,
}

/// How much of a fee vouchers may pay (支付比例).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ShareRule {
    /// Percent of the fee, above 0 and at most 100, such as 40.
    pub percent: Decimal,
    /// Fees below this amount may be paid in full (小额全额支付).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub full_payment_below: Option<Money>,
    /// Percents for applicants of particular regions; the longest matching
    /// region wins over [`ShareRule::percent`].
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub by_region: Vec<RegionShare>,
}

/// The maximum that vouchers may pay for one service, with its reasons.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ShareLimit {
    /// The service fee.
    pub fee: Money,
    /// Percent applied; 100 when the fee is paid in full.
    pub percent: Decimal,
    /// Whether the small-fee rule allowed full payment.
    pub full_payment: bool,
    /// `fee × percent ÷ 100`, rounded half-up to the fen.
    pub limit: Money,
    /// Steps that found the limit.
    pub explanation: Explanation,
}

impl ShareRule {
    /// Returns the percent for an applicant in `region`.
    pub fn percent_for(&self, region: &str) -> Decimal {
        self.by_region
            .iter()
            .filter(|share| !share.region.is_empty() && region.starts_with(share.region.as_str()))
            .max_by_key(|share| share.region.chars().count())
            .map_or(self.percent, |share| share.percent)
    }

    /// Computes the most vouchers may pay of `fee` for an applicant in `region`.
    ///
    /// # Errors
    ///
    /// [`Error::Overflow`] if the product leaves the range of [`Money`].
    pub fn limit(&self, fee: Money, region: &str) -> Result<ShareLimit> {
        let mut explanation = Explanation::default();
        if let Some(threshold) = self.full_payment_below
            && fee < threshold
        {
            explanation.push(
                format!("服务费 {fee} 低于 {threshold}，可由创新券全额支付"),
                format!("the fee {fee} is below {threshold}, so vouchers may pay all of it"),
            );
            return Ok(ShareLimit { fee, percent: Decimal::ONE_HUNDRED, full_payment: true, limit: fee, explanation });
        }
        let percent = self.percent_for(region);
        if percent != self.percent {
            explanation.push(
                format!("申请主体所在地区 {region} 适用 {percent}%"),
                format!("applicants in {region} get {percent}%"),
            );
        }
        let limit = fee.mul_rounded(percent / Decimal::ONE_HUNDRED)?;
        explanation.push(
            format!("创新券最多支付 服务费 {fee} × {percent}% = {limit}（四舍五入到分）"),
            format!("vouchers may pay at most fee {fee} × {percent}% = {limit} (rounded half-up to the fen)"),
        );
        Ok(ShareLimit { fee, percent, full_payment: false, limit, explanation })
    }
}

/// Scope of member units that may provide voucher-paid services.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "scope", rename_all = "snake_case")]
pub enum ProviderScope {
    /// Every member unit with at least one published instrument.
    #[default]
    PublishedMembers,
    /// Only the listed units, each with at least one published instrument.
    Listed {
        /// The units.
        units: Vec<UnitId>,
    },
}

/// Scope of services that vouchers may pay for.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "scope", rename_all = "snake_case")]
pub enum ServiceScope {
    /// Services on any published instrument of the provider, with or
    /// without a named test item.
    #[default]
    PublishedInstruments,
    /// Services on the listed published instruments only.
    Listed {
        /// The instruments.
        instruments: Vec<InstrumentId>,
    },
}

/// The order in which the office grants pending applications (分配顺序).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum AllocationOrder {
    /// First come, first served: by application time, then journal order.
    #[default]
    FirstComeFirstServed,
    /// By the office's score, highest first; ties by application time, then
    /// journal order. Every pending application must be scored.
    ByScore,
}

/// How long a voucher stays valid (有效期). Both limits may be set; the
/// earlier one ends validity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Validity {
    /// Valid for this many local days, the day of issue counted as the first.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub days: Option<u32>,
    /// Valid up to and including this local date, such as the last day of the year.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<NaiveDate>,
}

/// The rules of one scheme version.
///
/// `Default` gives figures published by provincial schemes: at most 2万元
/// per application and 10万元 per applicant and per actual controller a
/// year (Zhejiang, with the controller sum from Liaocheng); vouchers pay 40%
/// of a fee (Shandong's lower rate) and all of a fee below 1万元
/// (Zhejiang); small and micro enterprises and startup teams with the
/// enterprise caps; the 2011 size standard; vouchers of 1,000元 valid for
/// 365 days; first come, first served, with partial grants.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(default)]
pub struct VoucherRules {
    /// Id of the size standard, such as `sme-2011`.
    pub size_standard: String,
    /// Size classes that may apply.
    pub eligible_sizes: Vec<SizeClass>,
    /// Caps of enterprises.
    pub enterprise_caps: Caps,
    /// Most granted per calendar year over all applicants with the same
    /// actual controller (同一实际控制人合并计算).
    pub controller_year_cap: Money,
    /// Rules for startup teams; `None` makes teams ineligible.
    pub startup_teams: Option<TeamRules>,
    /// The share of a fee vouchers may pay.
    pub share: ShareRule,
    /// Eligible providers.
    pub providers: ProviderScope,
    /// Eligible services.
    pub services: ServiceScope,
    /// Order of grants when applications exceed the pool.
    pub order: AllocationOrder,
    /// Whether the last application that the pool or a cap can only partly
    /// cover gets the part (true) or nothing (false).
    pub partial_grants: bool,
    /// Face value of one voucher; a grant is issued as vouchers of this
    /// value and one for the rest.
    pub face_value: Money,
    /// Validity of issued vouchers.
    pub validity: Validity,
}

impl Default for VoucherRules {
    fn default() -> VoucherRules {
        let wan = |n: i64| Money::from_fen(n * 1_000_000).unwrap_or(Money::ZERO);
        let caps = Caps { per_application: wan(2), per_year: wan(10) };
        VoucherRules {
            size_standard: SME_2011.to_owned(),
            eligible_sizes: vec![SizeClass::Small, SizeClass::Micro],
            enterprise_caps: caps,
            controller_year_cap: wan(10),
            startup_teams: Some(TeamRules { caps, min_people: 1 }),
            share: ShareRule { percent: Decimal::from(40), full_payment_below: Some(wan(1)), by_region: Vec::new() },
            providers: ProviderScope::PublishedMembers,
            services: ServiceScope::PublishedInstruments,
            order: AllocationOrder::FirstComeFirstServed,
            partial_grants: true,
            face_value: Money::from_fen(100_000).unwrap_or(Money::ZERO),
            validity: Validity { days: Some(365), until: None },
        }
    }
}

/// One version of a voucher scheme.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct VoucherScheme {
    /// Scheme id.
    pub id: SchemeId,
    /// Version, from 1; each new version is one above the last.
    pub version: u32,
    /// Title, such as `2018年度创新券实施细则`.
    pub title: Text,
    /// Local dates on which applications are accepted under this version.
    pub effective: DateRange,
    /// IANA time zone of the scheme's dates, `Asia/Shanghai` by default.
    #[serde(default = "default_time_zone")]
    pub time_zone: String,
    /// Start of every voucher number, such as `XJCXQ2018`; numbers are the
    /// prefix, a hyphen and a five-digit counter. Fixed by version 1.
    pub number_prefix: String,
    /// The rules.
    #[serde(default)]
    pub rules: VoucherRules,
}

fn default_time_zone() -> String {
    "Asia/Shanghai".to_owned()
}

impl VoucherScheme {
    /// Returns the id and version.
    pub fn reference(&self) -> SchemeRef {
        SchemeRef { id: self.id.clone(), version: self.version }
    }

    /// Returns the caps for an enterprise, or for a team (`None` if teams
    /// are not eligible).
    pub fn caps(&self, team: bool) -> Option<Caps> {
        if team { self.rules.startup_teams.as_ref().map(|t| t.caps) } else { Some(self.rules.enterprise_caps) }
    }

    /// Checks the scheme on its own.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidValue`] or [`Error::Missing`] naming the first field
    /// that is out of range.
    pub fn validate(&self) -> Result<()> {
        if self.version == 0 {
            return Err(invalid("version", 0, Text::new("从 1 开始的版本号", "a version from 1")));
        }
        if self.title.zh.trim().is_empty() {
            return Err(Error::Missing { field: "title".to_owned() });
        }
        if let Some(until) = self.effective.until
            && until <= self.effective.from
        {
            return Err(invalid("effective.until", until, Text::new("晚于开始日期", "a date after effective.from")));
        }
        self.zone()?;
        check_prefix(&self.number_prefix)?;
        self.rules.validate()
    }

    /// Returns the scheme's time zone.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidValue`] for a name the IANA database lacks.
    pub fn zone(&self) -> Result<Tz> {
        self.time_zone.parse::<Tz>().map_err(|_| {
            invalid(
                "time_zone",
                &self.time_zone,
                Text::new("IANA 时区名，如 Asia/Shanghai 或 Asia/Urumqi", "an IANA zone name such as Asia/Shanghai or Asia/Urumqi"),
            )
        })
    }

    /// Returns the local date of `at` in the scheme's zone.
    ///
    /// # Errors
    ///
    /// As [`VoucherScheme::zone`].
    pub fn local_date(&self, at: DateTime<Utc>) -> Result<NaiveDate> {
        Ok(at.with_timezone(&self.zone()?).date_naive())
    }

    /// Returns the instant local `date` begins in the scheme's zone.
    ///
    /// # Errors
    ///
    /// As [`VoucherScheme::zone`], and [`Error::InvalidValue`] if midnight
    /// does not exist on that date in the zone.
    pub fn start_of(&self, date: NaiveDate) -> Result<DateTime<Utc>> {
        let zone = self.zone()?;
        let midnight = date.and_time(chrono::NaiveTime::MIN);
        zone.from_local_datetime(&midnight).earliest().map(|t| t.with_timezone(&Utc)).ok_or_else(|| {
            invalid("date", date, Text::new("该时区中存在零点的日期", "a date whose midnight exists in the zone"))
        })
    }

    /// Returns the last valid local date of a voucher issued at `issued_at`
    /// and the instant it expires, the start of the next day.
    ///
    /// # Errors
    ///
    /// As [`VoucherScheme::start_of`]; [`Error::Overflow`] past year 262143.
    pub fn expiry(&self, issued_at: DateTime<Utc>) -> Result<(NaiveDate, DateTime<Utc>)> {
        let issued_on = self.local_date(issued_at)?;
        let mut last = self.rules.validity.until;
        if let Some(days) = self.rules.validity.days {
            let by_days = issued_on
                .checked_add_days(Days::new(u64::from(days.saturating_sub(1))))
                .ok_or_else(|| Error::overflow("voucher expiry date"))?;
            last = Some(last.map_or(by_days, |until| until.min(by_days)));
        }
        let last = last.unwrap_or(issued_on);
        let next = last.succ_opt().ok_or_else(|| Error::overflow("voucher expiry date"))?;
        Ok((last, self.start_of(next)?))
    }
}

impl VoucherRules {
    fn validate(&self) -> Result<()> {
        if self.size_standard.trim().is_empty() {
            return Err(Error::Missing { field: "rules.size_standard".to_owned() });
        }
        if self.eligible_sizes.is_empty() && self.startup_teams.is_none() {
            return Err(invalid(
                "rules.eligible_sizes",
                "[]",
                Text::new("至少一类企业规模，或允许创业团队申请", "at least one size class, or startup teams"),
            ));
        }
        check_caps("rules.enterprise_caps", &self.enterprise_caps)?;
        if let Some(team) = &self.startup_teams {
            check_caps("rules.startup_teams.caps", &team.caps)?;
            if team.min_people == 0 {
                return Err(invalid("rules.startup_teams.min_people", 0, Text::new("至少 1 人", "at least 1")));
            }
        }
        if self.controller_year_cap.is_zero() {
            return Err(invalid("rules.controller_year_cap", "0", Text::new("大于 0 的金额", "an amount above zero")));
        }
        check_percent("rules.share.percent", self.share.percent)?;
        for region in &self.share.by_region {
            if region.region.trim().is_empty() {
                return Err(Error::Missing { field: "rules.share.by_region.region".to_owned() });
            }
            check_percent("rules.share.by_region.percent", region.percent)?;
        }
        if self.face_value.is_zero() {
            return Err(invalid("rules.face_value", "0", Text::new("大于 0 的面额", "a face value above zero")));
        }
        let validity = self.validity;
        if validity.days.is_none() && validity.until.is_none() || validity.days == Some(0) {
            return Err(invalid(
                "rules.validity",
                format!("{validity:?}"),
                Text::new("有效天数（至少 1 天）或截止日期", "a number of days (at least 1) or a last valid date"),
            ));
        }
        Ok(())
    }
}

fn check_caps(field: &str, caps: &Caps) -> Result<()> {
    if caps.per_application.is_zero() || caps.per_application > caps.per_year {
        return Err(invalid(
            field,
            format!("{} / {}", caps.per_application, caps.per_year),
            Text::new("单次上限大于 0 且不超过年度上限", "a per-application cap above zero and at most the yearly cap"),
        ));
    }
    Ok(())
}

fn check_percent(field: &str, percent: Decimal) -> Result<()> {
    if percent <= Decimal::ZERO || percent > Decimal::ONE_HUNDRED {
        return Err(invalid(field, percent, Text::new("大于 0 且不超过 100 的百分数", "a percent above 0 and at most 100")));
    }
    if round_half_up(percent, 4) != percent {
        return Err(invalid(field, percent, Text::new("至多 4 位小数的百分数", "a percent with at most 4 decimal places")));
    }
    Ok(())
}

fn check_prefix(prefix: &str) -> Result<()> {
    let count = prefix.chars().count();
    let allowed = prefix.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
    if count == 0 || count > MAX_PREFIX_CHARS || !allowed {
        return Err(invalid(
            "number_prefix",
            prefix,
            Text::new(
                format!("1–{MAX_PREFIX_CHARS} 位字母、数字或连字符，如 XJCXQ2018"),
                format!("1 to {MAX_PREFIX_CHARS} letters, digits or hyphens, such as XJCXQ2018"),
            ),
        ));
    }
    Ok(())
}

fn invalid(field: &str, value: impl ToString, expected: Text) -> Error {
    Error::invalid_value(field, value, expected)
}

//! Network statistics by instrument value band and consistency checks of
//! published figures (统计与数据一致性检查).
//!
//! Bands are half-open: an instrument worth exactly 50万元 falls in the
//! 50–100万 band. The default bounds, 20万, 50万 and 100万 元, are the ones
//! provinces report by; pass other bounds for other networks.

use rust_decimal::Decimal;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::lang::Text;
use crate::money::{Money, round_half_up};

/// Ascending bounds that cut the value axis into bands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ValueBands {
    bounds: Vec<Money>,
}

impl Default for ValueBands {
    /// The bounds 20万, 50万 and 100万 元.
    fn default() -> ValueBands {
        let wan = |n: i64| Money::from_fen(n * 1_000_000).unwrap_or(Money::ZERO);
        ValueBands { bounds: vec![wan(20), wan(50), wan(100)] }
    }
}

impl ValueBands {
    /// Creates bands from strictly ascending positive bounds.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidValue`] if a bound is zero or not above the previous one.
    pub fn new(bounds: Vec<Money>) -> Result<ValueBands> {
        let mut previous = Money::ZERO;
        for bound in &bounds {
            if *bound <= previous {
                return Err(Error::invalid_value(
                    "bounds",
                    bound,
                    Text::new("大于 0 且严格递增的分段界限", "bounds above zero in strictly ascending order"),
                ));
            }
            previous = *bound;
        }
        Ok(ValueBands { bounds })
    }

    /// Returns the bands from lowest to highest; there is one more band than bounds.
    pub fn bands(&self) -> Vec<Band> {
        let mut bands = Vec::with_capacity(self.bounds.len() + 1);
        let mut lower = Money::ZERO;
        for bound in &self.bounds {
            bands.push(Band { lower, upper: Some(*bound) });
            lower = *bound;
        }
        bands.push(Band { lower, upper: None });
        bands
    }
}

/// A value band `[lower, upper)`; `upper` is `None` for the open top band.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Band {
    /// Lowest value in the band.
    pub lower: Money,
    /// First value above the band, if bounded.
    pub upper: Option<Money>,
}

impl Band {
    /// Returns true if `value` lies in the band.
    pub fn contains(&self, value: Money) -> bool {
        value >= self.lower && self.upper.is_none_or(|upper| value < upper)
    }

    /// Returns a label such as `20–50万元`, `<20万元` or `≥100万元`.
    pub fn label(&self) -> String {
        let lower = self.lower.wan();
        match (self.lower.is_zero(), self.upper) {
            (true, Some(upper)) => format!("<{}万元", upper.wan()),
            (false, Some(upper)) => format!("{lower}–{}万元", upper.wan()),
            (_, None) => format!("≥{lower}万元"),
        }
    }
}

/// Count and original value of the instruments in one band.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct BandRow {
    /// The band.
    pub band: Band,
    /// Instruments (台套) in the band.
    pub count: u64,
    /// Sum of their original values.
    pub total_value: Money,
}

/// Counts and value sums by band, with totals.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct BandTable {
    /// One row per band, lowest first.
    pub rows: Vec<BandRow>,
    /// All instruments counted.
    pub total_count: u64,
    /// Their total original value.
    pub total_value: Money,
}

/// Counts `values` into `bands`.
///
/// # Errors
///
/// [`Error::Overflow`] if a sum exceeds [`Money::MAX`].
///
/// # Example
///
/// ```
/// use labshare::statistics::{band_table, ValueBands};
/// use labshare::Money;
///
/// let values = ["19.99万", "20万", "99万", "100万"].map(|v| Money::parse(v).unwrap());
/// let table = band_table(values, &ValueBands::default())?;
/// let counts: Vec<u64> = table.rows.iter().map(|r| r.count).collect();
/// assert_eq!(counts, [1, 1, 1, 1]);
/// # Ok::<(), labshare::Error>(())
/// ```
pub fn band_table(values: impl IntoIterator<Item = Money>, bands: &ValueBands) -> Result<BandTable> {
    let mut rows: Vec<BandRow> =
        bands.bands().into_iter().map(|band| BandRow { band, count: 0, total_value: Money::ZERO }).collect();
    let mut total_count = 0_u64;
    let mut total_value = Money::ZERO;
    for value in values {
        if let Some(row) = rows.iter_mut().find(|row| row.band.contains(value)) {
            row.count += 1;
            row.total_value = row.total_value.checked_add(value)?;
        }
        total_count += 1;
        total_value = total_value.checked_add(value)?;
    }
    Ok(BandTable { rows, total_count, total_value })
}

/// One published band figure: a count and a value sum for `[lower, upper)`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct PublishedBand {
    /// The band.
    pub band: Band,
    /// Published count.
    pub count: u64,
    /// Published value sum.
    pub total_value: Money,
}

/// Instrument figures as an office published them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct PublishedInstrumentFigures {
    /// Source of the figures, such as a report's title and year.
    pub source: String,
    /// Instruments on the network (台套).
    pub total_count: u64,
    /// Their total original value.
    pub total_value: Money,
    /// Figures published per value band; they need not cover every band.
    pub bands: Vec<PublishedBand>,
}

/// A set of figures that cannot all be true, or that disagree with data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Finding {
    /// Stable code, such as `band_residual_impossible`.
    pub code: String,
    /// The inconsistency, with the figures.
    pub message: Text,
}

fn wan(value: Money) -> String {
    format!("{}万元", value.wan())
}

/// Checks published instrument figures against each other.
///
/// Instruments not in any published band must lie in the value ranges no
/// published band covers. If those ranges are bounded, the remaining value
/// cannot reach `count × upper bound`; a published set that implies it
/// cannot all be true, and the finding gives the figures.
pub fn check_published(figures: &PublishedInstrumentFigures) -> Vec<Finding> {
    let mut findings = Vec::new();
    for published in &figures.bands {
        if let Some(finding) = check_band_average(published) {
            findings.push(finding);
        }
    }

    // A sum past its type's range is certainly more than the published total.
    let counted = figures.bands.iter().try_fold(0_u64, |sum, b| sum.checked_add(b.count));
    let valued = Money::sum(figures.bands.iter().map(|b| b.total_value)).ok();
    let band_count = counted.unwrap_or(u64::MAX);
    let band_value = valued.unwrap_or(Money::MAX);
    let exceeds = counted.is_none_or(|count| count > figures.total_count)
        || valued.is_none_or(|value| value > figures.total_value);
    if exceeds {
        findings.push(Finding {
            code: "bands_exceed_total".to_owned(),
            message: Text::new(
                format!(
                    "各价值段合计 {band_count} 台套、{}，超过公布总数 {} 台套、{}",
                    wan(band_value),
                    figures.total_count,
                    wan(figures.total_value)
                ),
                format!(
                    "the bands add up to {band_count} sets and {}, more than the published {} sets and {}",
                    wan(band_value),
                    figures.total_count,
                    wan(figures.total_value)
                ),
            ),
        });
        return findings;
    }

    let rest_count = figures.total_count - band_count;
    let rest_value = figures.total_value.checked_sub(band_value).unwrap_or(Money::ZERO);
    if let Some(ceiling) = uncovered_ceiling(&figures.bands)
        && let Some(finding) = check_rest(figures, band_count, band_value, rest_count, rest_value, ceiling)
    {
        findings.push(finding);
    }
    findings
}

/// Returns true if `total` is below `amount × count`. A product past the
/// range of `Decimal` exceeds every amount, so the answer is then true.
fn below_product(total: Money, amount: Money, count: u64) -> bool {
    match amount.yuan().checked_mul(Decimal::from(count)) {
        Some(product) => total.yuan() < product,
        None => true,
    }
}

fn check_band_average(published: &PublishedBand) -> Option<Finding> {
    let count = published.count;
    let reaches_lower = !below_product(published.total_value, published.band.lower, count);
    let fits_upper =
        published.band.upper.is_none_or(|upper| count == 0 || below_product(published.total_value, upper, count));
    if reaches_lower && fits_upper {
        return None;
    }
    let label = published.band.label();
    Some(Finding {
        code: "band_average_outside_band".to_owned(),
        message: Text::new(
            format!("价值段 {label} 公布 {} 台套、{}，平均值不在该段内", published.count, wan(published.total_value)),
            format!(
                "band {label}: {} sets worth {} have an average outside the band",
                published.count,
                wan(published.total_value)
            ),
        ),
    })
}

/// Returns the highest upper bound of the value ranges that no published band
/// covers, or `None` if an unbounded range is uncovered.
fn uncovered_ceiling(bands: &[PublishedBand]) -> Option<Money> {
    let mut covered: Vec<Band> = bands.iter().map(|b| b.band).collect();
    covered.sort_by_key(|band| band.lower);
    let mut cursor = Money::ZERO;
    let mut ceiling = None;
    for band in &covered {
        if band.lower > cursor {
            ceiling = Some(band.lower);
        }
        match band.upper {
            Some(upper) => cursor = cursor.max(upper),
            None => return ceiling,
        }
    }
    // The range above the last band is uncovered and unbounded.
    None
}

fn check_rest(
    figures: &PublishedInstrumentFigures,
    band_count: u64,
    band_value: Money,
    rest_count: u64,
    rest_value: Money,
    ceiling: Money,
) -> Option<Finding> {
    let possible = rest_count > 0 && below_product(rest_value, ceiling, rest_count);
    if possible || (rest_count == 0 && rest_value.is_zero()) {
        return None;
    }
    let average = if rest_count == 0 {
        Decimal::ZERO
    } else {
        round_half_up(rest_value.wan() / Decimal::from(rest_count), 2)
    };
    let ceiling_wan = ceiling.wan();
    Some(Finding {
        code: "band_residual_impossible".to_owned(),
        message: Text::new(
            format!(
                "公布总数 {} 台套、原值 {}；已公布价值段合计 {band_count} 台套、{}；其余 {rest_count} 台套必须低于 {ceiling_wan}万元，却合计 {}，平均 {average}万元，这些数字不可能同时成立",
                figures.total_count,
                wan(figures.total_value),
                wan(band_value),
                wan(rest_value)
            ),
            format!(
                "published {} sets worth {}; the published bands hold {band_count} sets worth {}; the other {rest_count} sets must each be below {ceiling_wan}万元 yet would total {}, an average of {average}万元, so these figures cannot all be true",
                figures.total_count,
                wan(figures.total_value),
                wan(band_value),
                wan(rest_value)
            ),
        ),
    })
}

/// Compares published figures with a band table computed from records and
/// reports every total and band that differs.
pub fn compare_with_records(figures: &PublishedInstrumentFigures, table: &BandTable) -> Vec<Finding> {
    let mut findings = Vec::new();
    if table.total_count != figures.total_count || table.total_value != figures.total_value {
        findings.push(Finding {
            code: "records_differ_from_published_total".to_owned(),
            message: Text::new(
                format!(
                    "登记数据合计 {} 台套、{}，公布数为 {} 台套、{}（相差 {} 台套、{}万元）",
                    table.total_count,
                    wan(table.total_value),
                    figures.total_count,
                    wan(figures.total_value),
                    i128::from(table.total_count) - i128::from(figures.total_count),
                    round_half_up(table.total_value.signed_difference(figures.total_value) / Decimal::from(10_000), 6).normalize()
                ),
                format!(
                    "the records total {} sets worth {}, the published figure is {} sets worth {} (a difference of {} sets and {}万元)",
                    table.total_count,
                    wan(table.total_value),
                    figures.total_count,
                    wan(figures.total_value),
                    i128::from(table.total_count) - i128::from(figures.total_count),
                    round_half_up(table.total_value.signed_difference(figures.total_value) / Decimal::from(10_000), 6).normalize()
                ),
            ),
        });
    }
    for published in &figures.bands {
        let Some(row) = table.rows.iter().find(|row| row.band == published.band) else {
            continue;
        };
        if row.count != published.count || row.total_value != published.total_value {
            let label = published.band.label();
            findings.push(Finding {
                code: "records_differ_from_published_band".to_owned(),
                message: Text::new(
                    format!(
                        "价值段 {label}：登记数据 {} 台套、{}，公布数 {} 台套、{}",
                        row.count,
                        wan(row.total_value),
                        published.count,
                        wan(published.total_value)
                    ),
                    format!(
                        "band {label}: the records hold {} sets worth {}, the published figure is {} sets worth {}",
                        row.count,
                        wan(row.total_value),
                        published.count,
                        wan(published.total_value)
                    ),
                ),
            });
        }
    }
    findings
}

/// Checks a stated subsidy ratio, given in percent to `places` decimals,
/// against `amount ÷ audited_total` for each named amount (the fund put in,
/// the amount actually paid). Returns one finding per amount whose ratio
/// does not round to the stated one.
pub fn check_stated_ratio(
    stated_percent: Decimal,
    places: u32,
    audited_total: Money,
    amounts: &[(Text, Money)],
) -> Vec<Finding> {
    let mut findings = Vec::new();
    if audited_total.is_zero() {
        return findings;
    }
    for (label, amount) in amounts {
        let exact = amount.yuan() / audited_total.yuan() * Decimal::ONE_HUNDRED;
        let rounded = round_half_up(exact, places);
        if rounded.normalize() == stated_percent.normalize() {
            continue;
        }
        let shown = round_half_up(exact, 4);
        findings.push(Finding {
            code: "stated_ratio_mismatch".to_owned(),
            message: Text::new(
                format!(
                    "{} {} ÷ 核算总额 {} = {shown}%，四舍五入为 {rounded}%，与公布的 {stated_percent}% 不符",
                    label.zh,
                    wan(*amount),
                    wan(audited_total)
                ),
                format!(
                    "{} {} ÷ audited total {} = {shown}%, which rounds to {rounded}%, not the stated {stated_percent}%",
                    label.en,
                    wan(*amount),
                    wan(audited_total)
                ),
            ),
        });
    }
    findings
}

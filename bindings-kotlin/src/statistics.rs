//! Instruments by original-value band and consistency checks of published
//! figures (统计与数据一致性检查). Each function wraps the
//! `labshare::statistics` function of the same name.
//!
//! Bands are half-open: an instrument worth exactly 50万元 falls in the
//! 50–100万 band. Without explicit bounds, `bandTable` and
//! `Network.valueBandTable` use 20万, 50万 and 100万 元.

use labshare::statistics::{self as core, ValueBands};
use labshare::{Money, Text};

use crate::convert::{count, decimal, integer, long, money, plain_money};
use crate::errors::LabshareError;
use crate::types::PlainDecimal;

/// A value band `[lower, upper)` in 元.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Band {
    /// Lowest value in the band.
    pub lower: PlainDecimal,
    /// First value above the band, or null for the open top band.
    pub upper: Option<PlainDecimal>,
}

impl TryFrom<&Band> for core::Band {
    type Error = LabshareError;

    fn try_from(band: &Band) -> Result<core::Band, LabshareError> {
        let upper = band
            .upper
            .as_ref()
            .map(|upper| money("upper", upper))
            .transpose()?;
        Ok(core::Band {
            lower: money("lower", &band.lower)?,
            upper,
        })
    }
}

impl From<core::Band> for Band {
    fn from(band: core::Band) -> Band {
        Band {
            lower: plain_money(band.lower),
            upper: band.upper.map(plain_money),
        }
    }
}

#[uniffi::export]
impl Band {
    /// Returns a label such as `20–50万元`, `<20万元` or `≥100万元`.
    pub fn label(&self) -> Result<String, LabshareError> {
        Ok(core::Band::try_from(self)?.label())
    }
}

/// Count and original value of the instruments in one band.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct BandRow {
    /// The band.
    pub band: Band,
    /// Instruments (台套) in the band.
    pub count: i64,
    /// Sum of their original values in 元.
    pub total_value: PlainDecimal,
}

/// Counts and value sums by band, with totals.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct BandTable {
    /// One row per band, lowest first.
    pub rows: Vec<BandRow>,
    /// All instruments counted.
    pub total_count: i64,
    /// Their total original value in 元.
    pub total_value: PlainDecimal,
}

impl TryFrom<core::BandTable> for BandTable {
    type Error = LabshareError;

    fn try_from(table: core::BandTable) -> Result<BandTable, LabshareError> {
        let mut rows = Vec::with_capacity(table.rows.len());
        for row in table.rows {
            rows.push(BandRow {
                band: Band::from(row.band),
                count: long("count", row.count)?,
                total_value: plain_money(row.total_value),
            });
        }
        Ok(BandTable {
            rows,
            total_count: long("total_count", table.total_count)?,
            total_value: plain_money(table.total_value),
        })
    }
}

impl TryFrom<BandTable> for core::BandTable {
    type Error = LabshareError;

    fn try_from(table: BandTable) -> Result<core::BandTable, LabshareError> {
        let mut rows = Vec::with_capacity(table.rows.len());
        for row in &table.rows {
            rows.push(core::BandRow {
                band: core::Band::try_from(&row.band)?,
                count: integer("count", row.count)?,
                total_value: money("total_value", &row.total_value)?,
            });
        }
        Ok(core::BandTable {
            rows,
            total_count: integer("total_count", table.total_count)?,
            total_value: money("total_value", &table.total_value)?,
        })
    }
}

/// One published band figure: a count and a value sum.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct PublishedBand {
    /// The band.
    pub band: Band,
    /// Published count.
    pub count: i64,
    /// Published value sum in 元.
    pub total_value: PlainDecimal,
}

/// Instrument figures as an office published them.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct PublishedInstrumentFigures {
    /// Source of the figures, such as a report's title and year.
    pub source: String,
    /// Instruments on the network (台套).
    pub total_count: i64,
    /// Their total original value in 元.
    pub total_value: PlainDecimal,
    /// Figures published per value band; they need not cover every band.
    pub bands: Vec<PublishedBand>,
}

impl TryFrom<PublishedInstrumentFigures> for core::PublishedInstrumentFigures {
    type Error = LabshareError;

    fn try_from(
        figures: PublishedInstrumentFigures,
    ) -> Result<core::PublishedInstrumentFigures, LabshareError> {
        let total_count = count("total_count", figures.total_count)?;
        let total_value = money("total_value", &figures.total_value)?;
        let mut bands = Vec::with_capacity(figures.bands.len());
        let mut band_count = 0_u64;
        for published in &figures.bands {
            let published_count = count("count", published.count)?;
            // Core sums the band counts unchecked.
            band_count = band_count
                .checked_add(published_count)
                .ok_or_else(|| labshare::Error::overflow("sum of published band counts"))?;
            bands.push(core::PublishedBand {
                band: core::Band::try_from(&published.band)?,
                count: published_count,
                total_value: money("total_value", &published.total_value)?,
            });
        }
        Ok(core::PublishedInstrumentFigures {
            source: figures.source,
            total_count,
            total_value,
            bands,
        })
    }
}

/// A set of figures that cannot all be true, or that disagree with data.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Finding {
    /// Stable code, such as `band_residual_impossible`.
    pub code: String,
    /// Description of the inconsistency, with the figures, in Chinese.
    pub message_zh: String,
    /// The same in English.
    pub message_en: String,
}

impl From<core::Finding> for Finding {
    fn from(finding: core::Finding) -> Finding {
        Finding {
            code: finding.code,
            message_zh: finding.message.zh,
            message_en: finding.message.en,
        }
    }
}

fn findings(findings: Vec<core::Finding>) -> Vec<Finding> {
    findings.into_iter().map(Finding::from).collect()
}

/// An amount with a label, one of the amounts `checkStatedRatio` checks.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct LabeledAmount {
    /// Label of the amount in Chinese, such as `实际拨付`.
    pub label_zh: String,
    /// The same in English, such as `amount paid`.
    pub label_en: String,
    /// The amount in 元.
    pub amount: PlainDecimal,
}

/// Converts bounds in 元 to value bands; null means 20万, 50万 and 100万 元.
pub fn value_bands(bounds: Option<Vec<PlainDecimal>>) -> Result<ValueBands, LabshareError> {
    let Some(bounds) = bounds else {
        return Ok(ValueBands::default());
    };
    let bounds = bounds
        .iter()
        .map(|bound| money("bounds", bound))
        .collect::<Result<Vec<Money>, _>>()?;
    Ok(ValueBands::new(bounds)?)
}

/// Counts `values` (original values in 元) into bands and sums them.
///
/// `bounds` are strictly ascending amounts above zero that cut the value axis
/// into half-open bands; null means 20万, 50万 and 100万 元. Returns one more
/// row than bounds. Fails with `invalid_amount` for a negative or inexact
/// value and `invalid_value` for bounds that are not ascending.
#[uniffi::export(default(bounds = None))]
pub fn band_table(
    values: Vec<PlainDecimal>,
    bounds: Option<Vec<PlainDecimal>>,
) -> Result<BandTable, LabshareError> {
    let values = values
        .iter()
        .map(|value| money("values", value))
        .collect::<Result<Vec<Money>, _>>()?;
    let bands = value_bands(bounds)?;
    BandTable::try_from(core::band_table(values, &bands)?)
}

/// Checks published instrument figures against each other and returns the
/// findings, empty if they fit.
///
/// Instruments outside every published band must lie in the value ranges no
/// published band covers. A finding with code `band_residual_impossible`
/// reports when they cannot, and by how much.
#[uniffi::export]
pub fn check_published(figures: PublishedInstrumentFigures) -> Result<Vec<Finding>, LabshareError> {
    let figures = core::PublishedInstrumentFigures::try_from(figures)?;
    Ok(self::findings(core::check_published(&figures)))
}

/// Compares published figures with a band table computed from records and
/// returns one finding per total or band that differs.
#[uniffi::export]
pub fn compare_with_records(
    figures: PublishedInstrumentFigures,
    table: BandTable,
) -> Result<Vec<Finding>, LabshareError> {
    let figures = core::PublishedInstrumentFigures::try_from(figures)?;
    let table = core::BandTable::try_from(table)?;
    Ok(self::findings(core::compare_with_records(&figures, &table)))
}

/// Checks a stated subsidy ratio, in percent to `places` decimals, against
/// `amount ÷ auditedTotal` for each labeled amount.
///
/// Returns one finding (code `stated_ratio_mismatch`) per amount whose ratio
/// does not round half-up to `statedPercent`; none when `auditedTotal` is
/// zero. Fails with `invalid_value` for `places` outside 0 to 28.
#[uniffi::export]
pub fn check_stated_ratio(
    stated_percent: PlainDecimal,
    places: i32,
    audited_total: PlainDecimal,
    amounts: Vec<LabeledAmount>,
) -> Result<Vec<Finding>, LabshareError> {
    let stated_percent = decimal("stated_percent", &stated_percent)?;
    let places = crate::convert::places(places)?;
    let audited_total = money("audited_total", &audited_total)?;
    let mut labeled = Vec::with_capacity(amounts.len());
    for amount in &amounts {
        let label = Text::new(&amount.label_zh, &amount.label_en);
        labeled.push((label, money("amount", &amount.amount)?));
    }
    Ok(self::findings(core::check_stated_ratio(
        stated_percent,
        places,
        audited_total,
        &labeled,
    )))
}

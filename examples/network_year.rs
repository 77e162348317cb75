//! The Xinjiang network's 2017 year: register and publish 1079 instruments,
//! file usage, allocate the 70万元 operating subsidy, and check the
//! published figures for consistency.
//!
//! ```text
//! cargo run --release --example network_year            # 中文
//! cargo run --release --example network_year -- --lang en
//! cargo run --release --example network_year -- --data DIR
//! ```
//!
//! Network totals in `data/xinjiang-2017/published.json` are the office's
//! published figures; per-unit and per-instrument data are generated to
//! reproduce them (see that folder's README).

use std::error::Error as StdError;
use std::fmt::Write as _;
use std::path::PathBuf;

use chrono::{DateTime, TimeZone, Utc};
use labshare::registry::{InstrumentRecord, Unit};
use labshare::statistics::{self, Finding, PublishedInstrumentFigures, ValueBands};
use labshare::subsidy::{self, Allocation, Claim};
use labshare::usage::UsageReport;
use labshare::{Actor, Event, InstrumentId, Lang, Money, Network, Text, UnitId};
use rust_decimal::Decimal;
use serde::Deserialize;

type BoxError = Box<dyn StdError>;

/// The data files of one network year.
pub struct Dataset {
    pub published: String,
    pub units: String,
    pub applications: String,
    pub instruments: String,
    pub usage: String,
}

impl Dataset {
    /// The Xinjiang 2017 files, compiled into the example.
    pub fn xinjiang_2017() -> Dataset {
        Dataset {
            published: include_str!("data/xinjiang-2017/published.json").to_owned(),
            units: include_str!("data/xinjiang-2017/units.json").to_owned(),
            applications: include_str!("data/xinjiang-2017/applications.json").to_owned(),
            instruments: include_str!("data/xinjiang-2017/instruments.json").to_owned(),
            usage: include_str!("data/xinjiang-2017/usage.json").to_owned(),
        }
    }

    /// Reads the same five files from `dir`.
    pub fn read(dir: &std::path::Path) -> Result<Dataset, BoxError> {
        let read = |name: &str| std::fs::read_to_string(dir.join(name));
        Ok(Dataset {
            published: read("published.json")?,
            units: read("units.json")?,
            applications: read("applications.json")?,
            instruments: read("instruments.json")?,
            usage: read("usage.json")?,
        })
    }
}

#[derive(Deserialize)]
struct Published {
    source: String,
    instruments: PublishedInstrumentFigures,
    subsidy_2017: PublishedSubsidy,
    operating_hours: u64,
    samples: u64,
}

#[derive(Deserialize)]
struct PublishedSubsidy {
    applicant_units: usize,
    applied_total: Money,
    audited_total: Money,
    fund: Money,
    paid: Money,
    stated_ratio_percent: Decimal,
}

#[derive(Deserialize)]
struct UnitsFile {
    units: Vec<Unit>,
}

#[derive(Deserialize)]
struct ApplicationRow {
    unit: UnitId,
    applied_wan: Decimal,
    audited_wan: Decimal,
}

#[derive(Deserialize)]
struct ApplicationsFile {
    applications: Vec<ApplicationRow>,
}

#[derive(Deserialize)]
struct InstrumentRow {
    id: InstrumentId,
    unit: UnitId,
    record: InstrumentRecord,
}

#[derive(Deserialize)]
struct InstrumentsFile {
    instruments: Vec<InstrumentRow>,
}

#[derive(Deserialize)]
struct UsageFile {
    reports: Vec<UsageReport>,
}

fn at(month: u32, day: u32) -> DateTime<Utc> {
    // 10:00 Beijing time is 02:00 UTC.
    Utc.with_ymd_and_hms(2017, month, day, 2, 0, 0).single().unwrap_or_default()
}

/// Runs the year and returns the report in `lang`.
pub fn run(lang: Lang, data: &Dataset) -> Result<String, BoxError> {
    let published: Published = serde_json::from_str(&data.published)?;
    let units: UnitsFile = serde_json::from_str(&data.units)?;
    let applications: ApplicationsFile = serde_json::from_str(&data.applications)?;
    let instruments: InstrumentsFile = serde_json::from_str(&data.instruments)?;
    let usage: UsageFile = serde_json::from_str(&data.usage)?;

    let (network, events) = build_network(&units.units, &instruments.instruments, &usage.reports)?;
    let replayed = Network::replay(&events)?;

    let t = |zh: &str, en: &str| Text::new(zh, en).get(lang).to_owned();
    let mut out = String::new();
    writeln!(out, "{}", t("新疆科学仪器设备协作共用网 · 2017 年度", "Xinjiang Scientific Instrument Sharing Network · year 2017"))?;
    writeln!(out, "{}", t("来源：", "Source: ") + &published.source)?;
    writeln!(
        out,
        "{}",
        t(
            "公布的总数为真实数据；单位与仪器明细由固定种子生成，仅用于复现公布总数。",
            "Published totals are real; per-unit and per-instrument data are generated from a fixed seed to reproduce them."
        )
    )?;
    writeln!(out)?;

    let claims = claims(&applications.applications)?;
    let subsidy = &published.subsidy_2017;
    check_applications(&applications.applications, subsidy)?;
    let fund = subsidy::allocate_proportional(subsidy.fund, &claims)?;
    write_allocation(&mut out, lang, &t("一、运行补贴分配：投入资金 70 万元", "1. Operating subsidy: the 70万元 put into the fund"), &fund)?;
    writeln!(
        out,
        "{}",
        match lang {
            Lang::Zh => format!(
                "补贴比例 = {} ÷ {} = {}%（显示为 {}%，自评表四舍五入为 {}%）",
                fund.budget, fund.total_audited, fund.ratio_percent(4), fund.ratio_percent(2), subsidy.stated_ratio_percent
            ),
            Lang::En => format!(
                "ratio = {} ÷ {} = {}% (shown as {}%, which the self-evaluation rounds to {}%)",
                fund.budget, fund.total_audited, fund.ratio_percent(4), fund.ratio_percent(2), subsidy.stated_ratio_percent
            ),
        }
    )?;
    writeln!(out)?;

    let paid = subsidy::allocate_proportional(subsidy.paid, &claims)?;
    write_allocation(&mut out, lang, &t("二、按实际支付的 68 万元分配", "2. The same split of the 68万元 actually paid"), &paid)?;
    writeln!(
        out,
        "{}",
        match lang {
            Lang::Zh => format!("补贴比例 = {} ÷ {} = {}%", paid.budget, paid.total_audited, paid.ratio_percent(4)),
            Lang::En => format!("ratio = {} ÷ {} = {}%", paid.budget, paid.total_audited, paid.ratio_percent(4)),
        }
    )?;
    writeln!(out)?;

    write_statistics(&mut out, lang, &network, &published)?;
    write_findings(&mut out, lang, &network, &published)?;

    writeln!(out)?;
    let same = if replayed == network { t("一致", "equal") } else { t("不一致", "DIFFERENT") };
    writeln!(
        out,
        "{}",
        match lang {
            Lang::Zh => format!("事件日志：{} 条事件；重放后状态{same}", events.len()),
            Lang::En => format!("journal: {} events; replayed state is {same}", events.len()),
        }
    )?;
    Ok(out)
}

fn build_network(
    units: &[Unit],
    instruments: &[InstrumentRow],
    reports: &[UsageReport],
) -> Result<(Network, Vec<Event>), BoxError> {
    let mut network = Network::new();
    let mut events = Vec::new();
    let office = Actor::office("office-xj");
    for unit in units {
        events.push(network.register_unit(&office, at(1, 5), unit.clone())?);
    }
    for row in instruments {
        let admin = Actor::unit_admin(format!("admin-{}", row.unit), row.unit.clone());
        events.push(network.submit_instrument(&admin, at(2, 10), row.id.clone(), row.unit.clone(), row.record.clone())?);
        events.push(network.publish_instrument(&office, at(2, 20), row.id.clone())?);
    }
    let filed = Utc.with_ymd_and_hms(2018, 1, 15, 2, 0, 0).single().unwrap_or_default();
    for report in reports {
        let unit = network.registry().instrument(&report.instrument)?.unit.clone();
        let admin = Actor::unit_admin(format!("admin-{unit}"), unit);
        events.push(network.file_usage(&admin, filed, report.clone())?);
    }
    Ok((network, events))
}

fn claims(rows: &[ApplicationRow]) -> Result<Vec<Claim>, BoxError> {
    let mut claims = Vec::new();
    for row in rows {
        claims.push(Claim { unit: row.unit.clone(), audited: Money::from_wan(row.audited_wan)? });
    }
    Ok(claims)
}

/// Fails if the generated applications do not reproduce the published totals.
fn check_applications(rows: &[ApplicationRow], published: &PublishedSubsidy) -> Result<(), BoxError> {
    let applied = Money::sum(rows.iter().map(|r| Money::from_wan(r.applied_wan)).collect::<Result<Vec<_>, _>>()?)?;
    let audited = Money::sum(rows.iter().map(|r| Money::from_wan(r.audited_wan)).collect::<Result<Vec<_>, _>>()?)?;
    if rows.len() != published.applicant_units || applied != published.applied_total || audited != published.audited_total {
        return Err(format!(
            "applications do not reproduce the published totals: {} units, applied {applied}, audited {audited}",
            rows.len()
        )
        .into());
    }
    Ok(())
}

/// Display width in terminal columns: CJK characters take two.
fn width(text: &str) -> usize {
    text.chars().map(|c| if c as u32 >= 0x2E80 { 2 } else { 1 }).sum()
}

fn pad_left(text: &str, columns: usize) -> String {
    format!("{}{text}", " ".repeat(columns.saturating_sub(width(text))))
}

fn pad_right(text: &str, columns: usize) -> String {
    format!("{text}{}", " ".repeat(columns.saturating_sub(width(text))))
}

fn plain(amount: Money) -> String {
    amount.format_yuan().trim_end_matches('元').to_owned()
}

fn write_allocation(out: &mut String, lang: Lang, title: &str, allocation: &Allocation) -> Result<(), BoxError> {
    let headers = match lang {
        Lang::Zh => ["单位", "核算金额(元)", "精确份额(元)", "取整调整(元)", "补贴金额(元)"],
        Lang::En => ["unit", "audited (元)", "exact share (元)", "rounding (元)", "amount (元)"],
    };
    let widths = [6, 16, 18, 14, 14];
    writeln!(out, "{title}")?;
    let mut line = pad_right(headers[0], widths[0]);
    for (header, columns) in headers.iter().zip(widths).skip(1) {
        line.push_str(&pad_left(header, columns));
    }
    writeln!(out, "{line}")?;
    for share in &allocation.shares {
        let exact = labshare::money::round_half_up(share.exact_share, 4);
        let rounding = if share.adjustment.is_zero() { "0".to_owned() } else { format!("+{}", plain(share.adjustment)) };
        writeln!(
            out,
            "{}{}{}{}{}",
            pad_right(share.unit.as_str(), widths[0]),
            pad_left(&plain(share.audited), widths[1]),
            pad_left(&exact.to_string(), widths[2]),
            pad_left(&rounding, widths[3]),
            pad_left(&plain(share.amount), widths[4]),
        )?;
    }
    let label = match lang {
        Lang::Zh => "合计",
        Lang::En => "total",
    };
    writeln!(
        out,
        "{}{}{}{}",
        pad_right(label, widths[0]),
        pad_left(&plain(allocation.total_audited), widths[1]),
        " ".repeat(widths[2] + widths[3]),
        pad_left(&plain(allocation.total()), widths[4]),
    )?;
    Ok(())
}

fn write_statistics(out: &mut String, lang: Lang, network: &Network, published: &Published) -> Result<(), BoxError> {
    let table = network.value_band_table(&ValueBands::default())?;
    let (title, headers) = match lang {
        Lang::Zh => ("三、入网仪器统计（按原值分段）", ["价值段", "台套数", "原值合计(万元)"]),
        Lang::En => ("3. Instruments on the network by original value", ["band", "sets", "value (万元)"]),
    };
    writeln!(out, "{title}")?;
    writeln!(out, "{}{}{}", pad_right(headers[0], 12), pad_left(headers[1], 8), pad_left(headers[2], 18))?;
    for row in &table.rows {
        writeln!(
            out,
            "{}{}{}",
            pad_right(&row.band.label(), 12),
            pad_left(&row.count.to_string(), 8),
            pad_left(&row.total_value.format_wan_places(2).replace("万元", ""), 18)
        )?;
    }
    let label = if lang == Lang::Zh { "合计" } else { "total" };
    writeln!(
        out,
        "{}{}{}",
        pad_right(label, 12),
        pad_left(&table.total_count.to_string(), 8),
        pad_left(&table.total_value.format_wan_places(2).replace("万元", ""), 18)
    )?;

    let totals = network.usage().network_totals(2017)?;
    let hours_ok = totals.operating_hours == Decimal::from(published.operating_hours);
    let samples_ok = totals.samples == published.samples;
    let mark = |ok: bool| if ok { "=" } else { "≠" };
    writeln!(
        out,
        "{}",
        match lang {
            Lang::Zh => format!(
                "2017 年使用情况：开机 {} 小时（{} 公布数 {}），有效机时 {} 小时，检测样品 {} 个（{} 公布数 {}），对外服务收入 {}",
                totals.operating_hours, mark(hours_ok), published.operating_hours, totals.effective_hours,
                totals.samples, mark(samples_ok), published.samples, totals.external_income.format_wan()
            ),
            Lang::En => format!(
                "usage in 2017: {} operating hours ({} published {}), {} effective hours, {} samples ({} published {}), external income {}",
                totals.operating_hours, mark(hours_ok), published.operating_hours, totals.effective_hours,
                totals.samples, mark(samples_ok), published.samples, totals.external_income.format_wan()
            ),
        }
    )?;
    writeln!(out)?;
    Ok(())
}

fn write_findings(out: &mut String, lang: Lang, network: &Network, published: &Published) -> Result<(), BoxError> {
    let table = network.value_band_table(&ValueBands::default())?;
    let subsidy = &published.subsidy_2017;
    let mut findings: Vec<Finding> = statistics::check_published(&published.instruments);
    findings.extend(statistics::compare_with_records(&published.instruments, &table));
    findings.extend(statistics::check_stated_ratio(
        subsidy.stated_ratio_percent,
        1,
        subsidy.audited_total,
        &[
            (Text::new("投入资金", "the fund put in"), subsidy.fund),
            (Text::new("实际支付", "the amount paid"), subsidy.paid),
        ],
    ));
    let title = if lang == Lang::Zh { "四、数据一致性检查" } else { "4. Consistency of the published figures" };
    writeln!(out, "{title}")?;
    if findings.is_empty() {
        writeln!(out, "{}", if lang == Lang::Zh { "未发现矛盾" } else { "no inconsistency found" })?;
    }
    for finding in &findings {
        writeln!(out, "! [{}] {}", finding.code, finding.message.get(lang))?;
    }
    Ok(())
}

struct Options {
    lang: Lang,
    data: Option<PathBuf>,
}

fn parse_args() -> Result<Options, BoxError> {
    let mut options = Options { lang: Lang::Zh, data: None };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--lang" => options.lang = Lang::parse(&args.next().ok_or("--lang needs zh or en")?)?,
            "--data" => options.data = Some(PathBuf::from(args.next().ok_or("--data needs a folder")?)),
            other => return Err(format!("unknown argument {other:?}; use --lang zh|en or --data DIR").into()),
        }
    }
    Ok(options)
}

#[allow(dead_code, reason = "the test suite includes this file as a module and calls run()")]
fn main() -> Result<(), BoxError> {
    let options = parse_args()?;
    let data = match &options.data {
        Some(dir) => Dataset::read(dir)?,
        None => Dataset::xinjiang_2017(),
    };
    print!("{}", run(options.lang, &data)?);
    Ok(())
}

//! The Xinjiang network's operating subsidies 2011–2017: yearly totals and
//! ratios, how concentrated the money is, and a what-if of 2017 under a 3%
//! ratio ceiling with a 20万元 cap per unit.
//!
//! ```text
//! cargo run --release --example subsidy_history            # 中文
//! cargo run --release --example subsidy_history -- --lang en
//! ```
//!
//! The office published only totals: about 503.98万元 over 2011–2017, a
//! ratio between 2.4% and 3.0% each year, and the 2017 figures. The
//! applications of 2011–2016 are generated to reproduce those totals
//! (`data/xinjiang-history/README.md`); 2017 is the year of the
//! `network_year` example.

use std::error::Error as StdError;
use std::fmt::Write as _;

use labshare::subsidy::{
    AllocationRules, AuditRules, AuditedIncome, HistoryReport, RuleAllocation, RuleSet, WhatIf, YearPayments, YearRange,
    history, what_if,
};
use labshare::{Lang, Money, Text, UnitId};
use rust_decimal::Decimal;
use serde::Deserialize;

type BoxError = Box<dyn StdError>;

/// Published: the subsidies of 2011–2017 total about 503.98万元.
const PUBLISHED_TOTAL: &str = "503.98万";
/// Published: the yearly ratio lies between these percentages.
const PUBLISHED_RATIO_RANGE: (&str, &str) = ("2.4", "3.0");
/// The 2017 budget put into subsidies, as in the `network_year` example.
const BUDGET_2017: &str = "70万";
/// The whole special fund of a year.
const WHOLE_FUND: &str = "100万";

#[derive(Deserialize)]
struct ApplicationRow {
    unit: UnitId,
    audited_wan: Decimal,
}

#[derive(Deserialize)]
struct HistoryYear {
    year: i32,
    budget_wan: Decimal,
    applications: Vec<ApplicationRow>,
}

#[derive(Deserialize)]
struct HistoryFile {
    years: Vec<HistoryYear>,
}

#[derive(Deserialize)]
struct ApplicationsFile {
    applications: Vec<ApplicationRow>,
}

struct Year {
    year: i32,
    budget: Money,
    incomes: Vec<AuditedIncome>,
}

fn incomes(rows: &[ApplicationRow]) -> Result<Vec<AuditedIncome>, BoxError> {
    let mut incomes = Vec::new();
    for row in rows {
        incomes.push(AuditedIncome { unit: row.unit.clone(), audited: Money::from_wan(row.audited_wan)?, instruments: vec![] });
    }
    Ok(incomes)
}

fn load_years() -> Result<Vec<Year>, BoxError> {
    let generated: HistoryFile = serde_json::from_str(include_str!("data/xinjiang-history/applications.json"))?;
    let mut years = Vec::new();
    for year in &generated.years {
        years.push(Year { year: year.year, budget: Money::from_wan(year.budget_wan)?, incomes: incomes(&year.applications)? });
    }
    let year_2017: ApplicationsFile = serde_json::from_str(include_str!("data/xinjiang-2017/applications.json"))?;
    years.push(Year { year: 2017, budget: Money::parse(BUDGET_2017)?, incomes: incomes(&year_2017.applications)? });
    Ok(years)
}

/// Builds the rules the office used: the whole budget in proportion to audited income.
fn foundation_rules() -> RuleSet {
    RuleSet {
        id: "xj-operating-subsidy".into(),
        version: 1,
        title: Text::new("共用仪器运行补贴细则", "Operating subsidy rules"),
        years: YearRange { from: 2011, until: None },
        text: Text::new(
            "年度补贴资金按各申请单位核算后的对外服务收入比例分配。",
            "The year's subsidy budget is split in proportion to each applicant's audited external service income.",
        ),
        audit: AuditRules { client_regions: vec!["65".into()], ..AuditRules::default() },
        allocation: AllocationRules::proportional(),
        rewards: None,
    }
}

/// Builds a draft the office might publish: the same split, at most 3% of
/// audited income and at most 20万元 per unit.
fn draft_rules() -> Result<RuleSet, BoxError> {
    let mut rules = foundation_rules();
    rules.id = "xj-operating-subsidy-draft".into();
    rules.title = Text::new("运行补贴细则（征求意见稿）", "Operating subsidy rules (draft)");
    rules.years = YearRange { from: 2017, until: None };
    rules.text = Text::new(
        "按核算收入比例分配；每单位补贴不超过核算收入的 3%，且不超过 20 万元；超出 3% 的部分退回专项资金。",
        "Split in proportion to audited income; no unit above 3% of its audited income or above 20万元; what exceeds 3% returns to the fund.",
    );
    rules.allocation.cap = Some(Money::parse("20万")?);
    rules.allocation.ratio_ceiling = Some(Decimal::new(3, 2));
    Ok(rules)
}

fn percent(fraction: Decimal, places: u32) -> Decimal {
    labshare::money::round_half_up(fraction * Decimal::ONE_HUNDRED, places)
}

fn wan(amount: Money) -> String {
    amount.format_wan_places(2).trim_end_matches("万元").to_owned()
}

/// Display width in terminal columns: CJK characters take two.
fn width(text: &str) -> usize {
    text.chars().map(|c| if c as u32 >= 0x2E80 { 2 } else { 1 }).sum()
}

fn pad(text: &str, columns: usize) -> String {
    format!("{}{text}", " ".repeat(columns.saturating_sub(width(text))))
}

fn row(cells: &[String], widths: &[usize]) -> String {
    cells.iter().zip(widths).map(|(cell, w)| pad(cell, *w)).collect::<Vec<_>>().join(" ")
}

/// Runs the analysis and returns the report in `lang`.
pub fn run(lang: Lang) -> Result<String, BoxError> {
    let t = |zh: &str, en: &str| Text::new(zh, en).get(lang).to_owned();
    let years = load_years()?;
    let rules = foundation_rules();
    let mut allocations: Vec<(i32, RuleAllocation)> = Vec::new();
    for year in &years {
        allocations.push((year.year, labshare::subsidy::allocate(&rules, year.budget, &year.incomes)?));
    }
    let payments =
        allocations.iter().map(|(year, a)| YearPayments::from_allocation(*year, a)).collect::<Result<Vec<_>, _>>()?;
    let report = history(&payments)?;

    let mut out = String::new();
    writeln!(out, "{}", t("新疆科学仪器设备协作共用网 · 运行补贴 2011–2017", "Xinjiang Scientific Instrument Sharing Network · operating subsidies 2011–2017"))?;
    writeln!(
        out,
        "{}",
        t(
            "公布数：七年合计约 503.98 万元，各年补贴比例 2.4%–3.0%；2017 年为 70 万元。2011–2016 年的单位明细由固定种子生成，仅用于复现公布总数。",
            "Published: about 503.98万元 over seven years, yearly ratios 2.4%–3.0%, 70万元 in 2017. Per-unit figures of 2011–2016 are generated from a fixed seed to reproduce those totals."
        )
    )?;
    writeln!(out)?;
    write_years(&mut out, lang, &report)?;
    write_checks(&mut out, lang, &report)?;
    write_concentration(&mut out, lang, &report)?;

    let year_2017 = years.iter().find(|y| y.year == 2017).ok_or("2017 missing")?;
    let draft = draft_rules()?;
    let as_paid = what_if(&rules, &draft, year_2017.budget, &year_2017.incomes)?;
    write_what_if(&mut out, lang, &t("四、假设分析：2017 年按 3% 比例上限、每单位 20 万元上限（预算 70 万元）", "4. What-if: 2017 under a 3% ceiling and a 20万元 cap (budget 70万元)"), &as_paid)?;
    let whole = what_if(&rules, &draft, Money::parse(WHOLE_FUND)?, &year_2017.incomes)?;
    write_what_if(&mut out, lang, &t("五、同一假设，若投入全部 100 万元专项资金", "5. The same, if the whole 100万元 fund went into subsidies"), &whole)?;

    let largest = whole.b.units.iter().max_by_key(|u| u.audited).ok_or("no units")?;
    writeln!(out, "{}", match lang {
        Lang::Zh => format!("{} 在征求意见稿下的计算过程：", largest.unit),
        Lang::En => format!("How {} is computed under the draft:", largest.unit),
    })?;
    write!(out, "{}", largest.explanation.render(lang))?;
    Ok(out)
}

fn write_years(out: &mut String, lang: Lang, report: &HistoryReport) -> Result<(), BoxError> {
    let headers: [&str; 9] = match lang {
        Lang::Zh => ["年度", "申请单位", "核算总额(万)", "补贴(万)", "比例%", "前三名%", "HHI", "获补单位", "往年获补%"],
        Lang::En => ["year", "applicants", "audited (万)", "paid (万)", "ratio %", "top 3 %", "HHI", "recipients", "repeat %"],
    };
    let widths = [6, 10, 13, 10, 8, 8, 8, 10, 10];
    let title = if lang == Lang::Zh { "一、历年补贴" } else { "1. Subsidies by year" };
    writeln!(out, "{title}")?;
    writeln!(out, "{}", row(&headers.map(str::to_owned), &widths))?;
    for line in &report.years {
        let cells = [
            line.year.to_string(),
            line.applicants.to_string(),
            wan(line.total_audited),
            wan(line.total_paid),
            percent(line.ratio, 2).to_string(),
            percent(line.concentration.top3_share, 1).to_string(),
            labshare::money::round_half_up(line.concentration.hhi, 3).to_string(),
            line.concentration.recipients.to_string(),
            format!("{}/{}", percent(line.repeat_recipient_share, 0), percent(line.repeat_money_share, 0)),
        ];
        writeln!(out, "{}", row(&cells, &widths))?;
    }
    let label = if lang == Lang::Zh { "合计" } else { "total" };
    let ratio = if report.total_audited.is_zero() { Decimal::ZERO } else { report.total_paid.yuan() / report.total_audited.yuan() };
    let cells = [label.to_owned(), String::new(), wan(report.total_audited), wan(report.total_paid), percent(ratio, 2).to_string()];
    writeln!(out, "{}", row(&cells, &widths[..5]))?;
    let note = match lang {
        Lang::Zh => "往年获补%：当年获补单位中往年已获补的单位占比 / 资金占比",
        Lang::En => "repeat %: share of the year's recipients, and of its money, that were paid in an earlier year",
    };
    writeln!(out, "{note}")?;
    writeln!(out)?;
    Ok(())
}

fn write_checks(out: &mut String, lang: Lang, report: &HistoryReport) -> Result<(), BoxError> {
    let published = Money::parse(PUBLISHED_TOTAL)?;
    let (low, high) = (PUBLISHED_RATIO_RANGE.0.parse::<Decimal>()?, PUBLISHED_RATIO_RANGE.1.parse::<Decimal>()?);
    let total_ok = report.total_paid == published;
    let outside: Vec<String> = report
        .years
        .iter()
        .filter(|y| {
            let shown = percent(y.ratio, 1);
            shown < low || shown > high
        })
        .map(|y| y.year.to_string())
        .collect();
    let title = if lang == Lang::Zh { "二、与公布数核对" } else { "2. Check against the published figures" };
    writeln!(out, "{title}")?;
    let mark = |ok: bool| if ok { "=" } else { "≠" };
    writeln!(out, "{}", match lang {
        Lang::Zh => format!("七年合计 {} {} 公布数 {}", report.total_paid.format_wan(), mark(total_ok), published.format_wan()),
        Lang::En => format!("seven-year total {} {} published {}", report.total_paid.format_wan(), mark(total_ok), published.format_wan()),
    })?;
    writeln!(out, "{}", match (lang, outside.is_empty()) {
        (Lang::Zh, true) => format!("各年比例四舍五入到 0.1% 均在 {low}%–{high}% 之间（最低 {}%，最高 {}%）", percent(report.min_ratio, 2), percent(report.max_ratio, 2)),
        (Lang::En, true) => format!("every yearly ratio, rounded to 0.1%, lies within {low}%–{high}% (lowest {}%, highest {}%)", percent(report.min_ratio, 2), percent(report.max_ratio, 2)),
        (Lang::Zh, false) => format!("! 以下年度比例超出 {low}%–{high}%：{}", outside.join("、")),
        (Lang::En, false) => format!("! ratios outside {low}%–{high}% in {}", outside.join(", ")),
    })?;
    writeln!(out)?;
    Ok(())
}

fn write_concentration(out: &mut String, lang: Lang, report: &HistoryReport) -> Result<(), BoxError> {
    let title = if lang == Lang::Zh { "三、资金集中度（七年合计）" } else { "3. Concentration over the seven years" };
    writeln!(out, "{title}")?;
    let overall = &report.overall;
    let lines = match lang {
        Lang::Zh => vec![
            format!("获补单位 {} 个（网员单位 29 个）；两年及以上获补 {} 个（{}%）", overall.recipients, report.multi_year_recipients, percent(report.multi_year_recipient_share, 1)),
            format!("七年均获补 {} 个，拿走全部资金的 {}%", report.every_year_recipients, percent(report.every_year_money_share, 1)),
            format!("前三名单位占 {}%；赫芬达尔指数 HHI = {}（均分时为 {}）", percent(overall.top3_share, 1), labshare::money::round_half_up(overall.hhi, 3), even_hhi(overall.recipients)),
        ],
        Lang::En => vec![
            format!("{} units received money (of 29 member units); {} of them in two or more years ({}%)", overall.recipients, report.multi_year_recipients, percent(report.multi_year_recipient_share, 1)),
            format!("{} units were paid in all seven years and took {}% of the money", report.every_year_recipients, percent(report.every_year_money_share, 1)),
            format!("the top three units took {}%; Herfindahl index HHI = {} (an even split would give {})", percent(overall.top3_share, 1), labshare::money::round_half_up(overall.hhi, 3), even_hhi(overall.recipients)),
        ],
    };
    for line in lines {
        writeln!(out, "{line}")?;
    }
    let headers = if lang == Lang::Zh { ["单位", "七年合计(万)", "获补年数", "占比%"] } else { ["unit", "total (万)", "years paid", "share %"] };
    let widths = [6, 13, 10, 8];
    writeln!(out, "{}", row(&headers.map(str::to_owned), &widths))?;
    for unit in report.units.iter().take(5) {
        let cells = [unit.unit.to_string(), wan(unit.total), unit.years_paid.to_string(), percent(unit.share, 1).to_string()];
        writeln!(out, "{}", row(&cells, &widths))?;
    }
    writeln!(out)?;
    Ok(())
}

fn even_hhi(recipients: u32) -> Decimal {
    if recipients == 0 {
        return Decimal::ZERO;
    }
    labshare::money::round_half_up(Decimal::ONE / Decimal::from(recipients), 3)
}

fn write_what_if(out: &mut String, lang: Lang, title: &str, comparison: &WhatIf) -> Result<(), BoxError> {
    writeln!(out, "{title}")?;
    writeln!(out, "A: {}", comparison.a.rules.get(lang))?;
    writeln!(out, "B: {}", comparison.b.rules.get(lang))?;
    let headers = if lang == Lang::Zh { ["单位", "核算(万)", "A(元)", "B(元)", "B−A(元)"] } else { ["unit", "audited (万)", "A (元)", "B (元)", "B−A (元)"] };
    let widths = [6, 12, 12, 12, 12];
    writeln!(out, "{}", row(&headers.map(str::to_owned), &widths))?;
    for line in &comparison.rows {
        let cells = [
            line.unit.to_string(),
            wan(line.audited),
            line.amount_a.yuan().to_string(),
            line.amount_b.yuan().to_string(),
            line.difference.to_string(),
        ];
        writeln!(out, "{}", row(&cells, &widths))?;
    }
    let (a, b) = (&comparison.a, &comparison.b);
    if comparison.rows.iter().all(|r| r.difference.is_zero()) {
        let top = b.units.iter().map(|u| u.amount).max().unwrap_or(Money::ZERO);
        let ratio = percent(a.paid_total.yuan() / a.total_audited.yuan().max(Decimal::ONE), 2);
        writeln!(out, "{}", match lang {
            Lang::Zh => format!("两项上限均未触及：比例 {ratio}% 低于 3%，最高一家 {} 低于 20 万元", top.format_wan_places(2)),
            Lang::En => format!("neither limit binds: the ratio of {ratio}% is below 3% and the largest amount, {}, is below 20万元", top.format_wan_places(2)),
        })?;
    }
    writeln!(out, "{}", match lang {
        Lang::Zh => format!(
            "A 分配 {}，退回 {}；B 分配 {}，退回 {}；B 中按上限计 {} 个单位，被比例上限削减 {} 个单位",
            a.paid_total, a.returned_to_fund, b.paid_total, b.returned_to_fund,
            b.units.iter().filter(|u| u.limit == labshare::subsidy::Limit::Cap).count(),
            b.units.iter().filter(|u| !u.returned_to_fund.is_zero()).count()
        ),
        Lang::En => format!(
            "A pays {} and returns {}; B pays {} and returns {}; under B {} units are held at the cap and {} are cut by the ratio ceiling",
            a.paid_total, a.returned_to_fund, b.paid_total, b.returned_to_fund,
            b.units.iter().filter(|u| u.limit == labshare::subsidy::Limit::Cap).count(),
            b.units.iter().filter(|u| !u.returned_to_fund.is_zero()).count()
        ),
    })?;
    writeln!(out, "{}", match lang {
        Lang::Zh => format!(
            "前三名占比 A {}% / B {}%；HHI A {} / B {}",
            percent(comparison.concentration_a.top3_share, 1), percent(comparison.concentration_b.top3_share, 1),
            labshare::money::round_half_up(comparison.concentration_a.hhi, 3), labshare::money::round_half_up(comparison.concentration_b.hhi, 3)
        ),
        Lang::En => format!(
            "top three A {}% / B {}%; HHI A {} / B {}",
            percent(comparison.concentration_a.top3_share, 1), percent(comparison.concentration_b.top3_share, 1),
            labshare::money::round_half_up(comparison.concentration_a.hhi, 3), labshare::money::round_half_up(comparison.concentration_b.hhi, 3)
        ),
    })?;
    writeln!(out)?;
    Ok(())
}

fn parse_lang() -> Result<Lang, BoxError> {
    let mut lang = Lang::Zh;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--lang" => lang = Lang::parse(&args.next().ok_or("--lang needs zh or en")?)?,
            other => return Err(format!("unknown argument {other:?}; use --lang zh|en").into()),
        }
    }
    Ok(lang)
}

#[allow(dead_code, reason = "the test suite includes this file as a module and calls run()")]
fn main() -> Result<(), BoxError> {
    print!("{}", run(parse_lang()?)?);
    Ok(())
}

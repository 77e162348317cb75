//! The main example prints the published figures exactly.

#[path = "../../examples/network_year.rs"]
mod network_year;

use labshare::Lang;
use network_year::{Dataset, run};

fn report(lang: Lang) -> String {
    run(lang, &Dataset::xinjiang_2017()).unwrap()
}

#[test]
fn chinese_report_figures() {
    let out = report(Lang::Zh);
    let expected_lines = [
        "补贴比例 = 700,000.00元 ÷ 29,633,430.00元 = 2.3622%（显示为 2.36%，自评表四舍五入为 2.4%）",
        "补贴比例 = 680,000.00元 ÷ 29,633,430.00元 = 2.2947%",
        "合计     29,633,430.00                                    700,000.00",
        "合计     29,633,430.00                                    680,000.00",
        "<20万元          394           3526.11",
        "20–50万元        377          12084.20",
        "50–100万元       167          11155.88",
        "≥100万元         141          34928.54",
        "事件日志：3266 条事件；重放后状态一致",
    ];
    for line in expected_lines {
        assert!(out.lines().any(|l| l == line), "missing line {line:?} in:\n{out}");
    }
    assert!(out.contains("其余 394 台套必须低于 20万元，却合计 22231.38万元，平均 56.42万元"), "{out}");
    assert!(out.contains("[stated_ratio_mismatch] 实际支付 68万元"), "{out}");
    assert!(out.contains("[records_differ_from_published_total]"), "{out}");
}

#[test]
fn allocation_rows_sum_to_the_budget() {
    let out = report(Lang::En);
    let rows: Vec<&str> = out.lines().filter(|l| l.starts_with("XJ")).collect();
    assert_eq!(rows.len(), 30, "15 units in each of the two tables");
    let fen = |text: &str| -> i64 { text.replace([',', '.'], "").parse().unwrap() };
    let first: i64 = rows[..15].iter().map(|r| fen(r.split_whitespace().last().unwrap())).sum();
    let second: i64 = rows[15..].iter().map(|r| fen(r.split_whitespace().last().unwrap())).sum();
    assert_eq!(first, 70_000_000);
    assert_eq!(second, 68_000_000);
    assert!(out.contains("ratio = 700,000.00元 ÷ 29,633,430.00元 = 2.3622% (shown as 2.36%, which the self-evaluation rounds to 2.4%)"));
    assert!(out.contains("ratio = 680,000.00元 ÷ 29,633,430.00元 = 2.2947%"));
    assert!(out.contains("the other 394 sets must each be below 20万元 yet would total 22231.38万元, an average of 56.42万元"));
    assert!(out.contains("journal: 3266 events; replayed state is equal"));
}

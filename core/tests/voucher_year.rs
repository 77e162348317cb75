//! The voucher year example prints a consistent year in both languages.

#[path = "../../examples/voucher_year.rs"]
mod voucher_year;

use labshare::Lang;
use voucher_year::{DEFAULT_SEED, run};

fn year(lang: Lang, seed: u64) -> String {
    run(lang, seed).unwrap()
}

fn has_line(out: &str, line: &str) -> bool {
    out.lines().any(|l| l == line)
}

#[test]
fn chinese_year_figures() {
    let out = year(Lang::Zh, DEFAULT_SEED);
    let lines = [
        "专项资金 100万元，划出创新券资金池 20万元",
        "登记申请主体 45 个（企业 40 家、创业团队 5 个）；受理时不符合条件 3 个：",
        "受理申请 42 份，申请额合计 468,000.00元，为资金池 200,000.00元 的 2.34 倍，超额申请；2018-04-28 按申请时间先到先得审核：",
        "共拦截 2 次；被拦截的企业三天后改用无关联的服务单位",
        "券 200 张，面额 ≠ 已用 + 余额 + 过期 的券：0 张",
    ];
    for line in lines {
        assert!(has_line(&out, line), "missing line {line:?} in:\n{out}");
    }
    assert_eq!(out.matches("[voucher.size_not_eligible]").count(), 3, "{out}");
    assert!(out.contains("违反规则 voucher.related_party_controller"), "{out}");
    assert!(out.contains("违反规则 voucher.related_party_stake"), "{out}");
    assert!(out.contains("资金池余额不足，部分批准"), "{out}");
    assert!(out.contains("资金池已用尽"), "{out}");
    assert!(out.contains("发票抬头与申请主体名称不符"), "{out}");
    assert!(out.contains("不予兑付"), "{out}");
    assert!(out.contains("重放后状态一致"), "{out}");
    assert!(out.contains("每张券：面额 = 已用 + 余额 + 过期，全部相符"), "{out}");
    assert!(out.contains("与资金池台账一致"), "{out}");
}

#[test]
fn fund_pays_the_redemptions() {
    let out = year(Lang::Zh, DEFAULT_SEED);
    // The voucher category's spending is the redeemed total of the report,
    // and the fund's execution rate is that total over the 100万元 appropriation.
    let total = out.lines().find(|l| l.starts_with("合计")).unwrap();
    let redeemed = total.split_whitespace().nth(8).unwrap();
    let line = out.lines().find(|l| l.starts_with("专项资金创新券科目")).unwrap();
    let redeemed: labshare::Money = labshare::Money::parse(redeemed).unwrap();
    assert!(line.contains(&format!("兑付支出 {redeemed}")), "{line}");
    assert!(line.contains("可用 200,000.00元，拨入资金池 200,000.00元"), "{line}");
    let rate = out.lines().find(|l| l.starts_with("专项资金执行率")).unwrap();
    let percent = redeemed.yuan() / rust_decimal::Decimal::from(10_000);
    assert!(rate.ends_with(&format!("= {:.2}%", percent)), "{rate}");
    assert!(out.contains("不予兑付"), "{out}");
}

#[test]
fn year_totals_add_up() {
    let out = year(Lang::Zh, DEFAULT_SEED);
    // 合计 row: issued equals the pool, and issued = used + expired once every
    // voucher has expired.
    let total = out.lines().find(|l| l.starts_with("合计")).unwrap();
    let cells: Vec<&str> = total.split_whitespace().collect();
    let fen = |cell: &str| -> i64 { cell.replace('.', "").parse().unwrap() };
    let (issued, used, redeemed, expired) = (fen(cells[6]), fen(cells[7]), fen(cells[8]), fen(cells[9]));
    assert_eq!(issued, 20_000_000, "{total}");
    assert_eq!(used + expired, issued, "{total}");
    assert_eq!(redeemed, used, "every used amount is redeemed by the end of January: {total}");
    let pool = out.lines().find(|l| l.starts_with("资金池拨入")).unwrap();
    assert!(pool.contains("预留 0.00元"), "{pool}");
}

#[test]
fn english_and_other_seeds() {
    let out = year(Lang::En, DEFAULT_SEED);
    assert!(has_line(&out, "2 attempts rejected; each enterprise used an unrelated provider three days later"), "{out}");
    assert!(out.contains("journal: "), "{out}");
    assert!(out.contains("replayed state is equal"), "{out}");
    assert!(!out.contains('：'), "English output uses a full-width colon:\n{out}");
    for seed in [1, 7, 42] {
        let out = year(Lang::Zh, seed);
        assert!(out.contains("面额 ≠ 已用 + 余额 + 过期 的券：0 张"), "seed {seed}:\n{out}");
        assert!(out.contains("重放后状态一致"), "seed {seed}");
        assert!(out.contains("共拦截 2 次"), "seed {seed}");
    }
}

#[test]
fn same_seed_same_output() {
    assert_eq!(year(Lang::Zh, 9), year(Lang::Zh, 9));
}

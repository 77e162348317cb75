//! Runs the `subsidy_history` example and checks the figures it must
//! reproduce: the published seven-year total, the 2017 split of the
//! `network_year` example, and the what-if under the 3% ceiling.

#[path = "../../examples/subsidy_history.rs"]
mod example;

use labshare::Lang;

#[test]
fn history_reproduces_published_total() {
    let report = example::run(Lang::En).unwrap();
    assert!(report.contains("seven-year total 503.98万元 = published 503.98万元"), "{report}");
    assert!(report.contains("every yearly ratio, rounded to 0.1%, lies within 2.4%–3.0% (lowest 2.36%, highest 2.89%)"), "{report}");
}

#[test]
fn history_2017_matches_network_year() {
    let report = example::run(Lang::En).unwrap();
    // XJ14's 2017 amount as network_year prints it, unchanged under the draft at 70万.
    assert!(report.contains("  XJ14       464.75    109783.11    109783.11         0.00"), "{report}");
    assert!(report.contains("neither limit binds: the ratio of 2.36% is below 3%"), "{report}");
}

#[test]
fn history_what_if_whole_fund_hits_ceiling() {
    let report = example::run(Lang::En).unwrap();
    assert!(report.contains("  XJ14       464.75    156833.01    139425.00    -17408.01"), "{report}");
    assert!(report.contains("B pays 889,002.90元 and returns 110,997.10元"), "{report}");
    assert!(report.contains("8 units were paid in all seven years and took 92.6% of the money"), "{report}");
}

#[test]
fn history_chinese_report_names_rule_version() {
    let report = example::run(Lang::Zh).unwrap();
    assert!(report.contains("依据细则 xj-operating-subsidy-draft 第 1 版"), "{report}");
}

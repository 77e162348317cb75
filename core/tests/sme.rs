//! Size classification under the 2011 SME standard: every industry row on
//! both sides of every class limit.
//!
//! The limits below are typed from 工信部联企业〔2011〕300号 independently
//! of `data/sme-2011.json`, so a typo in either shows up here.

use labshare::sme::{Indicator, SizeClass, SizeFigures, SizeStandard};
use labshare::{Lang, Money};

/// Lower limits of the large, medium and small classes.
type Limits = Option<[u64; 3]>;

struct Row {
    code: &'static str,
    name: &'static str,
    /// Staff, persons.
    staff: Limits,
    /// Revenue, 万元.
    revenue: Limits,
    /// Total assets, 万元.
    assets: Limits,
}

const ROWS: [Row; 16] = [
    Row { code: "agriculture", name: "农、林、牧、渔业", staff: None, revenue: Some([20000, 500, 50]), assets: None },
    Row { code: "industry", name: "工业", staff: Some([1000, 300, 20]), revenue: Some([40000, 2000, 300]), assets: None },
    Row { code: "construction", name: "建筑业", staff: None, revenue: Some([80000, 6000, 300]), assets: Some([80000, 5000, 300]) },
    Row { code: "wholesale", name: "批发业", staff: Some([200, 20, 5]), revenue: Some([40000, 5000, 1000]), assets: None },
    Row { code: "retail", name: "零售业", staff: Some([300, 50, 10]), revenue: Some([20000, 500, 100]), assets: None },
    Row { code: "transport", name: "交通运输业", staff: Some([1000, 300, 20]), revenue: Some([30000, 3000, 200]), assets: None },
    Row { code: "warehousing", name: "仓储业", staff: Some([200, 100, 20]), revenue: Some([30000, 1000, 100]), assets: None },
    Row { code: "postal", name: "邮政业", staff: Some([1000, 300, 20]), revenue: Some([30000, 2000, 100]), assets: None },
    Row { code: "accommodation", name: "住宿业", staff: Some([300, 100, 10]), revenue: Some([10000, 2000, 100]), assets: None },
    Row { code: "catering", name: "餐饮业", staff: Some([300, 100, 10]), revenue: Some([10000, 2000, 100]), assets: None },
    Row {
        code: "information_transmission",
        name: "信息传输业",
        staff: Some([2000, 100, 10]),
        revenue: Some([100000, 1000, 100]),
        assets: None,
    },
    Row {
        code: "software_it_services",
        name: "软件和信息技术服务业",
        staff: Some([300, 100, 10]),
        revenue: Some([10000, 1000, 50]),
        assets: None,
    },
    Row {
        code: "real_estate_development",
        name: "房地产开发经营",
        staff: None,
        revenue: Some([200000, 1000, 100]),
        assets: Some([10000, 5000, 2000]),
    },
    Row { code: "property_management", name: "物业管理", staff: Some([1000, 300, 100]), revenue: Some([5000, 1000, 500]), assets: None },
    Row {
        code: "leasing_business_services",
        name: "租赁和商务服务业",
        staff: Some([300, 100, 10]),
        revenue: None,
        assets: Some([120000, 8000, 100]),
    },
    Row { code: "other", name: "其他未列明行业", staff: Some([300, 100, 10]), revenue: None, assets: None },
];

const CLASSES: [SizeClass; 3] = [SizeClass::Large, SizeClass::Medium, SizeClass::Small];
const BELOW: [SizeClass; 3] = [SizeClass::Medium, SizeClass::Small, SizeClass::Micro];

fn wan(n: u64) -> Money {
    Money::from_fen(i64::try_from(n).unwrap() * 1_000_000).unwrap()
}

/// Returns one fen less than `n` 万元.
fn just_below(n: u64) -> Money {
    wan(n).checked_sub(Money::from_fen(1).unwrap()).unwrap()
}

/// Figures exactly at the limits of class `index`; indicators the row does
/// not use are zero, which must not matter.
fn at_limits(row: &Row, index: usize) -> SizeFigures {
    SizeFigures {
        staff: row.staff.map_or(0, |l| u32::try_from(l[index]).unwrap()),
        revenue: row.revenue.map_or(Money::ZERO, |l| wan(l[index])),
        total_assets: row.assets.map_or(Money::ZERO, |l| wan(l[index])),
    }
}

#[test]
fn standard_has_all_sixteen_rows() {
    let standard = SizeStandard::sme_2011().unwrap();
    let codes: Vec<&str> = standard.industries.iter().map(|r| r.code.as_str()).collect();
    let expected: Vec<&str> = ROWS.iter().map(|r| r.code).collect();
    assert_eq!(codes, expected);
    for row in &ROWS {
        assert_eq!(standard.row(row.code).unwrap().name.zh, row.name);
        assert_eq!(standard.row(row.name).unwrap().code, row.code, "lookup by Chinese name");
    }
}

#[test]
fn every_row_at_each_limit() {
    let standard = SizeStandard::sme_2011().unwrap();
    for row in &ROWS {
        for (index, class) in CLASSES.into_iter().enumerate() {
            let result = standard.classify(row.code, &at_limits(row, index)).unwrap();
            assert_eq!(result.class, class, "{} at the {:?} limits", row.code, class);
        }
    }
}

#[test]
fn every_row_just_below_each_limit() {
    let standard = SizeStandard::sme_2011().unwrap();
    for row in &ROWS {
        for (index, class) in CLASSES.into_iter().enumerate() {
            let expected = BELOW[index];
            if let Some(limits) = row.staff {
                let mut figures = at_limits(row, index);
                figures.staff = u32::try_from(limits[index] - 1).unwrap();
                let result = standard.classify(row.code, &figures).unwrap();
                assert_eq!(result.class, expected, "{}: one person below the {:?} staff limit", row.code, class);
            }
            if let Some(limits) = row.revenue {
                let mut figures = at_limits(row, index);
                figures.revenue = just_below(limits[index]);
                let result = standard.classify(row.code, &figures).unwrap();
                assert_eq!(result.class, expected, "{}: one fen below the {:?} revenue limit", row.code, class);
            }
            if let Some(limits) = row.assets {
                let mut figures = at_limits(row, index);
                figures.total_assets = just_below(limits[index]);
                let result = standard.classify(row.code, &figures).unwrap();
                assert_eq!(result.class, expected, "{}: one fen below the {:?} total-assets limit", row.code, class);
            }
        }
    }
}

#[test]
fn large_needs_every_indicator() {
    let standard = SizeStandard::sme_2011().unwrap();
    // 工业: 5000 staff but revenue one fen under 40000万 is medium, not large.
    let figures = SizeFigures { staff: 5000, revenue: just_below(40000), total_assets: Money::ZERO };
    assert_eq!(standard.classify("industry", &figures).unwrap().class, SizeClass::Medium);
    // 建筑业: huge revenue but assets under the small limit is micro.
    let figures = SizeFigures { staff: 0, revenue: wan(900000), total_assets: just_below(300) };
    assert_eq!(standard.classify("construction", &figures).unwrap().class, SizeClass::Micro);
    // 房地产开发经营: revenue of a large firm, assets of a medium one.
    let figures = SizeFigures { staff: 0, revenue: wan(300000), total_assets: wan(6000) };
    assert_eq!(standard.classify("real_estate_development", &figures).unwrap().class, SizeClass::Medium);
}

#[test]
fn micro_needs_one_indicator_below() {
    let standard = SizeStandard::sme_2011().unwrap();
    // 软件和信息技术服务业: 200 staff, but revenue below 50万.
    let figures = SizeFigures { staff: 200, revenue: wan(49), total_assets: wan(100000) };
    assert_eq!(standard.classify("software_it_services", &figures).unwrap().class, SizeClass::Micro);
    // 其他未列明行业 uses staff only: nine people are micro whatever the revenue.
    let figures = SizeFigures { staff: 9, revenue: wan(1_000_000), total_assets: wan(1_000_000) };
    assert_eq!(standard.classify("other", &figures).unwrap().class, SizeClass::Micro);
    // 农、林、牧、渔业 uses revenue only: a thousand staff do not matter.
    let figures = SizeFigures { staff: 1000, revenue: wan(49), total_assets: Money::ZERO };
    assert_eq!(standard.classify("agriculture", &figures).unwrap().class, SizeClass::Micro);
}

#[test]
fn classification_explains_itself() {
    let standard = SizeStandard::sme_2011().unwrap();
    let figures = SizeFigures { staff: 25, revenue: Money::parse("280万").unwrap(), total_assets: wan(900) };
    let result = standard.classify("工业", &figures).unwrap();
    assert_eq!(result.class, SizeClass::Micro);
    assert_eq!(result.industry, "industry");
    assert_eq!(result.tests.len(), 3, "large, medium and small tested");
    let small = &result.tests[2];
    assert_eq!(small.class, SizeClass::Small);
    assert_eq!(small.checks.len(), 2);
    assert_eq!(small.checks[0].indicator, Indicator::Staff);
    assert!(small.checks[0].reached);
    assert_eq!(small.checks[1].indicator, Indicator::Revenue);
    assert_eq!(small.checks[1].value.to_string(), "280");
    assert_eq!(small.checks[1].limit.to_string(), "300");
    assert!(!small.checks[1].reached);

    let zh = result.explanation.render(Lang::Zh);
    assert!(zh.contains("行业：工业"), "{zh}");
    assert!(zh.contains("小型企业下限：从业人员 25人 ≥ 20人，达到；营业收入 280万元 < 300万元，未达到；未全部达到，下降一档"), "{zh}");
    assert!(zh.contains("结果：微型企业"), "{zh}");
    let en = result.explanation.render(Lang::En);
    assert!(en.contains("revenue 280万元 < 300万元, missed"), "{en}");

    let medium = standard.classify("industry", &SizeFigures { staff: 300, revenue: wan(2000), total_assets: wan(1) }).unwrap();
    assert_eq!(medium.tests.len(), 2, "stops at the first class reached");
}

#[test]
fn unknown_industry_lists_the_codes() {
    let standard = SizeStandard::sme_2011().unwrap();
    let figures = SizeFigures { staff: 1, revenue: wan(1), total_assets: wan(1) };
    let error = standard.classify("金融业", &figures).unwrap_err();
    assert_eq!(error.field(), Some("industry"));
    assert!(error.message(Lang::En).contains("software_it_services"));
}

#[test]
fn invalid_standard_data_is_rejected() {
    let mut standard = SizeStandard::sme_2011().unwrap();
    standard.industries[1].medium.staff = Some(20);
    assert_eq!(standard.validate().unwrap_err().field(), Some("industries"));

    let mut standard = SizeStandard::sme_2011().unwrap();
    standard.industries[0].large.staff = Some(10);
    assert_eq!(standard.validate().unwrap_err().field(), Some("industries"));

    let mut standard = SizeStandard::sme_2011().unwrap();
    let copy = standard.industries[0].clone();
    standard.industries.push(copy);
    assert_eq!(standard.validate().unwrap_err().field(), Some("industries"));
}

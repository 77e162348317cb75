//! Value bands and the consistency checks of published figures.

use labshare::statistics::{
    Band, PublishedBand, PublishedInstrumentFigures, ValueBands, band_table, check_published, check_stated_ratio,
    compare_with_records,
};
use labshare::{Lang, Money, Text};
use rust_decimal::Decimal;
use std::str::FromStr;

fn money(text: &str) -> Money {
    Money::parse(text).unwrap()
}

fn band(lower: &str, upper: Option<&str>) -> Band {
    Band { lower: money(lower), upper: upper.map(money) }
}

fn xinjiang() -> PublishedInstrumentFigures {
    PublishedInstrumentFigures {
        source: "2018 self-evaluation".into(),
        total_count: 1079,
        total_value: money("80400万"),
        bands: vec![
            PublishedBand { band: band("20万", Some("50万")), count: 377, total_value: money("12084.2万") },
            PublishedBand { band: band("50万", Some("100万")), count: 167, total_value: money("11155.88万") },
            PublishedBand { band: band("100万", None), count: 141, total_value: money("34928.54万") },
        ],
    }
}

#[test]
fn bands_are_half_open() {
    let values = ["0", "199999.99", "20万", "499999.99", "50万", "100万", "5000万"].map(money);
    let table = band_table(values, &ValueBands::default()).unwrap();
    let counts: Vec<u64> = table.rows.iter().map(|r| r.count).collect();
    assert_eq!(counts, [2, 2, 1, 2]);
    assert_eq!(table.rows[0].total_value, money("199999.99"));
    assert_eq!(table.total_count, 7);
    let labels: Vec<String> = table.rows.iter().map(|r| r.band.label()).collect();
    assert_eq!(labels, ["<20万元", "20–50万元", "50–100万元", "≥100万元"]);
}

#[test]
fn custom_bands_for_other_provinces() {
    // Anhui counts from 30万 per set.
    let bands = ValueBands::new(vec![money("30万"), money("100万")]).unwrap();
    let table = band_table(["29万", "30万", "150万"].map(money), &bands).unwrap();
    let counts: Vec<u64> = table.rows.iter().map(|r| r.count).collect();
    assert_eq!(counts, [1, 1, 1]);
    assert_eq!(ValueBands::new(vec![money("50万"), money("20万")]).unwrap_err().code(), "invalid_value");
    assert_eq!(ValueBands::new(vec![Money::ZERO]).unwrap_err().code(), "invalid_value");
}

#[test]
fn xinjiang_residual_is_impossible() {
    let findings = check_published(&xinjiang());
    assert_eq!(findings.len(), 1);
    assert_eq!(findings[0].code, "band_residual_impossible");
    let en = findings[0].message.get(Lang::En);
    // 1079 − 685 = 394 sets; 80400 − 58168.62 = 22231.38万; average 56.42万.
    for figure in ["394 sets", "22231.38万元", "56.42万元", "below 20万元", "685 sets", "58168.62万元"] {
        assert!(en.contains(figure), "{figure} missing from: {en}");
    }
    assert!(findings[0].message.get(Lang::Zh).contains("不可能同时成立"));
}

#[test]
fn consistent_figures_have_no_findings() {
    let mut figures = xinjiang();
    figures.total_value = money("60000万");
    // Residual 1831.38万 over 394 sets averages 4.65万, below 20万.
    assert!(check_published(&figures).is_empty());
}

#[test]
fn band_average_outside_its_band() {
    let mut figures = xinjiang();
    figures.bands[0].total_value = money("7000万"); // 377 sets would average 18.57万 < 20万
    let codes: Vec<String> = check_published(&figures).into_iter().map(|f| f.code).collect();
    assert!(codes.contains(&"band_average_outside_band".to_owned()), "{codes:?}");
}

#[test]
fn bands_exceeding_total() {
    let mut figures = xinjiang();
    figures.total_count = 600;
    let codes: Vec<String> = check_published(&figures).into_iter().map(|f| f.code).collect();
    assert_eq!(codes, ["bands_exceed_total"]);
}

#[test]
fn records_compared_with_published() {
    let values = ["25万", "60万"].map(money);
    let table = band_table(values, &ValueBands::default()).unwrap();
    let figures = PublishedInstrumentFigures {
        source: "test".into(),
        total_count: 2,
        total_value: money("85万"),
        bands: vec![PublishedBand { band: band("20万", Some("50万")), count: 2, total_value: money("85万") }],
    };
    let findings = compare_with_records(&figures, &table);
    let codes: Vec<&str> = findings.iter().map(|f| f.code.as_str()).collect();
    assert_eq!(codes, ["records_differ_from_published_band"]);
    assert!(findings[0].message.get(Lang::En).contains("1 sets worth 25万元"));
}

#[test]
fn stated_ratio_check() {
    let stated = Decimal::from_str("2.4").unwrap();
    let audited = money("2963.343万");
    let findings = check_stated_ratio(
        stated,
        1,
        audited,
        &[(Text::new("投入资金", "fund"), money("70万")), (Text::new("实际支付", "paid"), money("68万"))],
    );
    assert_eq!(findings.len(), 1);
    let en = findings[0].message.get(Lang::En);
    assert!(en.contains("paid 68万元") && en.contains("2.2947%") && en.contains("2.3%"), "{en}");
}

#[test]
fn huge_counts_do_not_overflow() {
    let figures = PublishedInstrumentFigures {
        source: "test".into(),
        total_count: u64::MAX,
        total_value: Money::MAX,
        bands: vec![
            PublishedBand { band: band("20万", Some("50万")), count: u64::MAX, total_value: Money::MAX },
            PublishedBand { band: band("50万", None), count: u64::MAX, total_value: Money::MAX },
        ],
    };
    let codes: Vec<String> = check_published(&figures).into_iter().map(|f| f.code).collect();
    assert!(codes.contains(&"band_average_outside_band".to_owned()), "{codes:?}");
    assert!(codes.contains(&"bands_exceed_total".to_owned()), "{codes:?}");
}

#[test]
fn rounding_past_28_places_is_safe() {
    let value = Decimal::from_str("0.0000000000000000000000000001").unwrap();
    assert_eq!(labshare::money::round_half_up(value, 1000).to_string(), value.to_string());
}

//! Table tests for `Money`: parsing, rounding, formatting and arithmetic.

use labshare::Money;
use labshare::error::AmountProblem;
use labshare::money::round_half_up;
use rust_decimal::Decimal;
use std::str::FromStr;

fn dec(text: &str) -> Decimal {
    Decimal::from_str(text).unwrap()
}

#[test]
fn parse_accepted_forms() {
    let cases = [
        ("0", 0),
        ("1234.5", 123_450),
        ("1,234.50元", 123_450),
        ("¥1,234.50", 123_450),
        ("￥ 12", 1_200),
        ("68万", 68_000_000),
        ("68万元", 68_000_000),
        ("6823.249万元", 6_823_249_000),
        ("2963.343万", 2_963_343_000),
        ("0.000001万元", 1),
        ("１２３４．５０元", 123_450),
        ("1,000,000", 100_000_000),
        ("  7.10  ", 710),
    ];
    for (text, fen) in cases {
        let money = Money::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"));
        assert_eq!(money.to_fen(), fen, "{text}");
    }
}

#[test]
fn parse_rejected_forms() {
    let cases: [(&str, AmountProblem); 12] = [
        ("-1", AmountProblem::Negative),
        ("-0.01元", AmountProblem::Negative),
        ("2.345", AmountProblem::TooPrecise { places: 3, allowed: 2 }),
        ("1.0000001万", AmountProblem::TooPrecise { places: 7, allowed: 6 }),
        ("0.00000000000000000000000000001", AmountProblem::TooPrecise { places: 29, allowed: 2 }),
        ("", AmountProblem::NotANumber),
        ("abc", AmountProblem::NotANumber),
        ("1,23.00", AmountProblem::NotANumber),
        ("1.2.3", AmountProblem::NotANumber),
        ("12,", AmountProblem::NotANumber),
        ("1e5", AmountProblem::NotANumber),
        ("1000000000000000", AmountProblem::OutOfRange),
    ];
    for (text, problem) in cases {
        match Money::parse(text) {
            Err(labshare::Error::InvalidAmount { problem: found, value, .. }) => {
                assert_eq!(found, problem, "{text}");
                assert_eq!(value, text, "{text}");
            }
            other => panic!("{text}: expected InvalidAmount, got {other:?}"),
        }
    }
}

#[test]
fn parse_rounded_is_half_up() {
    let cases = [
        ("2.345", "2.35"),
        ("2.344", "2.34"),
        ("2.335", "2.34"),
        ("2.325", "2.33"),
        ("0.005", "0.01"),
        ("0.0049999", "0.00"),
        ("1.0000000000000000000000000005", "1.00"),
        ("0.00500000000000000000000000000000001", "0.01"),
        ("0.00499999999999999999999999999999999", "0.00"),
        ("0.1234567万", "1234.57"),
    ];
    for (text, yuan) in cases {
        assert_eq!(Money::parse_rounded(text).unwrap().yuan(), dec(yuan), "{text}");
    }
}

#[test]
fn round_half_up_signed() {
    assert_eq!(round_half_up(dec("2.345"), 2), dec("2.35"));
    assert_eq!(round_half_up(dec("-2.345"), 2), dec("-2.35"));
    assert_eq!(round_half_up(dec("2.5"), 0), dec("3"));
    assert_eq!(round_half_up(dec("3.5"), 0), dec("4"));
    assert_eq!(round_half_up(dec("1"), 2).to_string(), "1.00");
}

#[test]
fn format_yuan_and_wan() {
    let cases = [
        ("0", "0.00元", "0万元"),
        ("1234.5", "1,234.50元", "0.12345万元"),
        ("68万", "680,000.00元", "68万元"),
        ("6823.249万", "68,232,490.00元", "6823.249万元"),
        ("999", "999.00元", "0.0999万元"),
        ("1000", "1,000.00元", "0.1万元"),
        ("0.01", "0.01元", "0.000001万元"),
    ];
    for (text, yuan, wan) in cases {
        let money = Money::parse(text).unwrap();
        assert_eq!(money.format_yuan(), yuan, "{text}");
        assert_eq!(money.to_string(), yuan, "{text}");
        assert_eq!(money.format_wan(), wan, "{text}");
    }
    assert_eq!(Money::parse("12084.2万").unwrap().format_wan_places(2), "12084.20万元");
    assert_eq!(Money::parse("0.005万").unwrap().format_wan_places(2), "0.01万元");
}

#[test]
fn constructors_check_precision_and_sign() {
    assert_eq!(Money::from_yuan(dec("1.500")).unwrap().to_fen(), 150);
    assert!(Money::from_yuan(dec("1.505")).is_err());
    assert!(Money::from_yuan(dec("-0.01")).is_err());
    assert_eq!(Money::from_wan(dec("0.000001")).unwrap().to_fen(), 1);
    assert!(Money::from_wan(dec("0.0000001")).is_err());
    assert!(Money::from_fen(-1).is_err());
    assert_eq!(Money::from_fen(0).unwrap(), Money::ZERO);
    assert_eq!(Money::from_yuan_rounded(dec("2.345")).unwrap().to_fen(), 235);
    assert_eq!(Money::MAX.to_string(), "999,999,999,999,999.99元");
    assert!(Money::from_fen(99_999_999_999_999_999).is_ok());
    assert!(Money::from_fen(100_000_000_000_000_000).is_err());
}

#[test]
fn arithmetic_is_checked() {
    let a = Money::parse("1.10").unwrap();
    let b = Money::parse("2.25").unwrap();
    assert_eq!(a.checked_add(b).unwrap().to_fen(), 335);
    assert_eq!(b.checked_sub(a).unwrap().to_fen(), 115);
    assert_eq!(a.checked_sub(b).unwrap_err().code(), "invalid_amount");
    assert_eq!(Money::MAX.checked_add(Money::from_fen(1).unwrap()).unwrap_err().code(), "overflow");
    assert_eq!(Money::sum([a, b, a]).unwrap().to_fen(), 445);
    assert_eq!(a.signed_difference(b), dec("-1.15"));
    assert_eq!(Money::parse("100").unwrap().mul_rounded(dec("0.15")).unwrap().to_fen(), 1500);
    assert_eq!(Money::parse("0.03").unwrap().mul_rounded(dec("0.5")).unwrap().to_fen(), 2);
    assert!(a.mul_rounded(dec("-1")).is_err());
    assert_eq!(Money::MAX.mul_rounded(dec("2")).unwrap_err().code(), "overflow");
}

#[test]
fn serde_is_a_decimal_string() {
    let money = Money::parse("1,234.5").unwrap();
    assert_eq!(serde_json::to_string(&money).unwrap(), "\"1234.50\"");
    let back: Money = serde_json::from_str("\"1234.50\"").unwrap();
    assert_eq!(back, money);
    assert!(serde_json::from_str::<Money>("\"-1\"").is_err());
    assert!(serde_json::from_str::<Money>("1234.5").is_err());
}

#[test]
fn error_messages_are_bilingual() {
    let error = Money::parse_field("budget", "-5").unwrap_err();
    assert_eq!(error.code(), "invalid_amount");
    assert_eq!(error.field(), Some("budget"));
    assert_eq!(error.category(), labshare::Category::InvalidInput);
    let en = error.message(labshare::Lang::En);
    let zh = error.message(labshare::Lang::Zh);
    assert!(en.contains("budget") && en.contains("-5") && en.contains("negative"), "{en}");
    assert!(zh.contains("budget") && zh.contains("-5") && zh.contains("负数"), "{zh}");
    assert_eq!(error.to_string(), en);
}

#[test]
fn trailing_zeros_are_exact() {
    assert_eq!(Money::parse("1.500").unwrap().to_fen(), 150);
    assert_eq!(Money::parse("295080.000").unwrap().to_fen(), 29_508_000);
    assert_eq!(Money::parse("68.0000000万").unwrap().to_fen(), 68_000_000);
    assert!(Money::parse("1.5001").is_err());
}

#[test]
fn default_is_zero_with_two_places() {
    assert_eq!(Money::default(), Money::ZERO);
    assert_eq!(Money::default().yuan().to_string(), "0.00");
    assert_eq!(serde_json::to_string(&Money::default()).unwrap(), "\"0.00\"");
}

//! Unified social credit codes: valid codes, wrong check characters, wrong
//! lengths and the letters the code set leaves out.

use labshare::Lang;
use labshare::credit_code::{CreditCode, check_character};

/// Published codes and codes whose check character was computed by hand.
const VALID: [(&str, &str); 6] = [
    // Huawei Technologies Co., Ltd. (华为技术有限公司), from its public
    // registration. Weighted sum of the first 17 characters:
    // 9·1 + 1·3 + 4·9 + 4·27 + 0·19 + 3·26 + 0·16 + 0·17 + 1·20 + 9·29
    // + 2·25 + 2·13 + 0·8 + 3·24 + 8·10 + 2·30 + 1·28 = 831;
    // 831 mod 31 = 25 and 31 − 25 = 6.
    ("huawei", "914403001922038216"),
    // China Quanjude (Group) Co., Ltd. (全聚德): sum 477, 477 mod 31 = 12,
    // 31 − 12 = 19, the value of K.
    ("quanjude", "91110000101623741K"),
    // Beijing Changfeng Hospital (北京长峰医院): sum 1424, mod 31 = 29, check 2.
    ("changfeng", "911101066976941872"),
    // Constructed: sum 1860 = 60 × 31, so 31 − 0 = 31, which is written 0.
    ("check 31 written as 0", "91650100MA780000P0"),
    // Constructed: sum 1272 = 41 × 31 + 1, so the check is 30, the value of Y.
    ("check 30 is Y", "91650100MA7800002Y"),
    // Lowercase input is read as capitals.
    ("lowercase", "91110000101623741k"),
];

#[test]
fn valid_codes_parse() {
    for (name, text) in VALID {
        let code = CreditCode::parse(text).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(code.as_str(), text.to_ascii_uppercase(), "{name}");
    }
}

#[test]
fn parts_of_a_code() {
    let code = CreditCode::parse(" 914403001922038216 ").unwrap();
    assert_eq!(code.authority(), '9');
    assert_eq!(code.division(), "440300");
    assert_eq!(code.to_string(), "914403001922038216");
}

#[test]
fn check_character_values() {
    let cases = [
        ("91440300192203821", '6'),
        ("91110000101623741", 'K'),
        ("91650100MA780000P", '0'),
        ("91650100MA7800002", 'Y'),
    ];
    for (first17, expected) in cases {
        assert_eq!(check_character(first17).unwrap(), expected, "{first17}");
    }
    assert_eq!(check_character("9144030019220382").unwrap_err().field(), Some("credit_code_prefix"));
    assert_eq!(check_character("9144030019220382I").unwrap_err().field(), Some("credit_code_prefix"));
}

#[test]
fn wrong_check_character_names_the_expected_one() {
    let cases = [
        ("914403001922038217", '6', '7'),
        ("91110000101623741J", 'K', 'J'),
        ("91650100MA780000PY", '0', 'Y'),
    ];
    for (text, expected, actual) in cases {
        let error = CreditCode::parse(text).unwrap_err();
        assert_eq!(error.code(), "invalid_value", "{text}");
        assert_eq!(error.field(), Some("credit_code"), "{text}");
        let english = error.message(Lang::En);
        assert!(english.contains(&format!("expected check character {expected}")), "{english}");
        assert!(english.contains(&format!("position 18 is {actual}")), "{english}");
        let chinese = error.message(Lang::Zh);
        assert!(chinese.contains(&format!("校验码为 {expected}")), "{chinese}");
    }
}

#[test]
fn wrong_length_is_rejected() {
    let cases = [("91440300192203821", 17), ("9144030019220382166", 19), ("9", 1)];
    for (text, length) in cases {
        let error = CreditCode::parse(text).unwrap_err();
        assert_eq!(error.code(), "invalid_value", "{text}");
        assert!(error.message(Lang::En).contains(&format!("18 characters, found {length}")), "{text}");
    }
    assert_eq!(CreditCode::parse("  ").unwrap_err().code(), "missing");
}

#[test]
fn forbidden_letters_are_rejected() {
    for letter in ['I', 'O', 'S', 'V', 'Z'] {
        let text = format!("91650100MA78000{letter}00");
        let error = CreditCode::parse(&text).unwrap_err();
        assert_eq!(error.code(), "invalid_value", "{text}");
        let english = error.message(Lang::En);
        assert!(english.contains(&format!("position 16 is {letter}")), "{english}");
        assert!(english.contains("never use the letters I, O, S, V and Z"), "{english}");
    }
}

#[test]
fn other_malformed_codes_are_rejected() {
    let cases = [
        ("punctuation", "91440300-922038216", "position 9"),
        ("non-ascii", "91440300１922038216", "position 9"),
        ("letter in division", "9144A3001922038216", "six digits"),
    ];
    for (name, text, fragment) in cases {
        let error = CreditCode::parse(text).unwrap_err();
        assert_eq!(error.code(), "invalid_value", "{name}");
        assert!(error.message(Lang::En).contains(fragment), "{name}: {}", error.message(Lang::En));
    }
}

#[test]
fn serde_checks_the_code() {
    let parsed: CreditCode = serde_json::from_str("\"914403001922038216\"").unwrap();
    assert_eq!(serde_json::to_string(&parsed).unwrap(), "\"914403001922038216\"");
    assert!(serde_json::from_str::<CreditCode>("\"914403001922038217\"").is_err());
}

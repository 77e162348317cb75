//! Proportional allocation: hand-checked tables and proptest invariants.

use labshare::subsidy::{Claim, allocate_proportional};
use labshare::{Lang, Money, UnitId};
use proptest::prelude::*;
use rust_decimal::Decimal;
use std::str::FromStr;

fn claims(pairs: &[(&str, &str)]) -> Vec<Claim> {
    pairs
        .iter()
        .map(|(unit, audited)| Claim { unit: UnitId::new(*unit).unwrap(), audited: Money::parse(audited).unwrap() })
        .collect()
}

fn amounts(budget: &str, pairs: &[(&str, &str)]) -> Vec<String> {
    let result = allocate_proportional(Money::parse(budget).unwrap(), &claims(pairs)).unwrap();
    result.shares.iter().map(|s| s.amount.yuan().to_string()).collect()
}

#[test]
fn hand_checked_splits() {
    // 100 元 over audited 1, 2, 3: exact shares 16.666…, 33.333…, 50; the
    // one leftover fen goes to the larger remainder, 0.666… fen of A.
    assert_eq!(amounts("100", &[("A", "1"), ("B", "2"), ("C", "3")]), ["16.67", "33.33", "50.00"]);
    // 10 元 over 1 and 2: 3.333… and 6.666…; remainder 0.333 vs 0.666 fen.
    assert_eq!(amounts("10", &[("A", "1"), ("B", "2")]), ["3.33", "6.67"]);
    // Equal claims, 1 元 over three: 33 fen each and the last fen by unit id.
    assert_eq!(amounts("1", &[("B", "5"), ("A", "5"), ("C", "5")]), ["0.33", "0.34", "0.33"]);
    // 4 fen over 1, 5, 2 (total 8): exact 0.5, 2.5, 1 fen. A and B tie on
    // remainder; B has the larger audited amount and gets the fen.
    assert_eq!(amounts("0.04", &[("A", "1"), ("B", "5"), ("C", "2")]), ["0.00", "0.03", "0.01"]);
    // Zero audited gets zero.
    assert_eq!(amounts("9.99", &[("A", "0"), ("B", "1")]), ["0.00", "9.99"]);
}

#[test]
fn xinjiang_2017_ratio() {
    let total = Money::parse("2963.343万").unwrap();
    let result = allocate_proportional(
        Money::parse("70万").unwrap(),
        &[Claim { unit: UnitId::new("ALL").unwrap(), audited: total }],
    )
    .unwrap();
    assert_eq!(result.ratio_percent(4), Decimal::from_str("2.3622").unwrap());
    assert_eq!(result.ratio_percent(2), Decimal::from_str("2.36").unwrap());
    assert_eq!(result.ratio_percent(1), Decimal::from_str("2.4").unwrap());

    let paid = allocate_proportional(Money::parse("68万").unwrap(), &result_claims(total)).unwrap();
    assert_eq!(paid.ratio_percent(4), Decimal::from_str("2.2947").unwrap());
}

fn result_claims(total: Money) -> Vec<Claim> {
    vec![Claim { unit: UnitId::new("ALL").unwrap(), audited: total }]
}

#[test]
fn explanation_names_each_step() {
    let result = allocate_proportional(Money::parse("100").unwrap(), &claims(&[("A", "1"), ("B", "2"), ("C", "3")])).unwrap();
    let share = &result.shares[0];
    assert_eq!(share.floored.to_string(), "16.66元");
    assert_eq!(share.adjustment.to_string(), "0.01元");
    assert_eq!(share.exact_share, Decimal::from_str("16.6666666667").unwrap());
    let zh = share.explanation.render(Lang::Zh);
    let en = share.explanation.render(Lang::En);
    assert_eq!(share.explanation.steps.len(), 5);
    assert!(zh.contains("核算金额 1.00元"), "{zh}");
    assert!(zh.contains("加 0.01元"), "{zh}");
    assert!(zh.contains("补贴金额：16.67元"), "{zh}");
    assert!(en.contains("floored to the fen: 16.66元"), "{en}");
    assert!(en.contains("subsidy amount: 16.67元"), "{en}");
}

#[test]
fn rejects_bad_claims() {
    let budget = Money::parse("1").unwrap();
    assert_eq!(allocate_proportional(budget, &[]).unwrap_err().code(), "missing");
    let twice = claims(&[("A", "1"), ("A", "2")]);
    assert_eq!(allocate_proportional(budget, &twice).unwrap_err().code(), "invalid_value");
    let zero = claims(&[("A", "0"), ("B", "0")]);
    let error = allocate_proportional(budget, &zero).unwrap_err();
    assert_eq!(error.code(), "rule_violation");
    assert_eq!(error.rule_name(), Some("subsidy.no_audited_income"), "{error}");
    let huge = vec![
        Claim { unit: UnitId::new("A").unwrap(), audited: Money::MAX },
        Claim { unit: UnitId::new("B").unwrap(), audited: Money::MAX },
    ];
    assert_eq!(allocate_proportional(budget, &huge).unwrap_err().code(), "overflow");
}

fn arb_claims() -> impl Strategy<Value = Vec<Claim>> {
    prop::collection::vec(0_i64..=10_000_000_000, 1..40).prop_map(|fens| {
        fens.into_iter()
            .enumerate()
            .map(|(i, fen)| Claim { unit: UnitId::new(format!("U{i:03}")).unwrap(), audited: Money::from_fen(fen).unwrap() })
            .collect()
    })
}

proptest! {
    #[test]
    fn shares_sum_exactly_and_stay_within_a_fen(budget_fen in 0_i64..=100_000_000_000, claims in arb_claims()) {
        let budget = Money::from_fen(budget_fen).unwrap();
        let total: i64 = claims.iter().map(|c| c.audited.to_fen()).sum();
        prop_assume!(total > 0 || budget_fen == 0);
        let result = allocate_proportional(budget, &claims).unwrap();

        prop_assert_eq!(result.total(), budget);
        let bonus_count = result.shares.iter().filter(|s| !s.adjustment.is_zero()).count();
        prop_assert!(bonus_count < claims.len().max(1));
        for (share, claim) in result.shares.iter().zip(&claims) {
            prop_assert!(share.amount.to_fen() >= 0);
            // |amount − exact| < 1 fen, checked in exact integers.
            let exact_numerator = i128::from(budget_fen) * i128::from(claim.audited.to_fen());
            let amount_scaled = i128::from(share.amount.to_fen()) * i128::from(total.max(1));
            prop_assert!((amount_scaled - exact_numerator).abs() < i128::from(total.max(1)));
            prop_assert_eq!(share.amount, share.floored.checked_add(share.adjustment).unwrap());
        }
    }

    #[test]
    fn order_of_claims_does_not_matter(budget_fen in 0_i64..=1_000_000, claims in arb_claims()) {
        let total: i64 = claims.iter().map(|c| c.audited.to_fen()).sum();
        prop_assume!(total > 0);
        let budget = Money::from_fen(budget_fen).unwrap();
        let forward = allocate_proportional(budget, &claims).unwrap();
        let mut reversed_claims = claims.clone();
        reversed_claims.reverse();
        let backward = allocate_proportional(budget, &reversed_claims).unwrap();
        for share in &forward.shares {
            let other = backward.shares.iter().find(|s| s.unit == share.unit).unwrap();
            prop_assert_eq!(share.amount, other.amount);
        }
    }
}

//! Invariants of allocation and audit that must hold for any input.

use chrono::NaiveDate;
use labshare::subsidy::{
    AllocationRules, ApplicationForm, AuditContext, AuditRules, AuditedIncome, BaseMethod, ClientRelation, DocumentKind,
    InstrumentFacts, Limit, RatioTier, RuleSet, ServiceMode, ServiceNature, ServiceRecord, YearRange, allocate, allocate_amounts,
    allocate_proportional, audit_application, Claim,
};
use labshare::{InstrumentId, Money, Text, UnitId};
use proptest::prelude::*;
use rust_decimal::Decimal;

fn rule_set(allocation: AllocationRules) -> RuleSet {
    RuleSet {
        id: "prop".into(),
        version: 1,
        title: Text::new("性质测试", "Property test"),
        years: YearRange { from: 2000, until: None },
        text: Text::new("任意规则。", "Any rules."),
        audit: AuditRules::default(),
        allocation,
        rewards: None,
    }
}

fn incomes(fen: &[i64]) -> Vec<AuditedIncome> {
    fen.iter()
        .enumerate()
        .map(|(i, f)| AuditedIncome {
            unit: UnitId::new(format!("U{i:03}")).unwrap(),
            audited: Money::from_fen(*f).unwrap(),
            instruments: vec![],
        })
        .collect()
}

fn base_method() -> impl Strategy<Value = BaseMethod> {
    prop_oneof![
        Just(BaseMethod::Proportional),
        (1_i64..=30).prop_map(|p| BaseMethod::FixedRatio { ratio: Decimal::new(p, 2) }),
        (1_i64..=10, 1_i64..=10, 1_i64..=5_000_000).prop_map(|(low, high, from)| BaseMethod::IncomeTiers {
            tiers: vec![
                RatioTier { from: Money::ZERO, ratio: Decimal::new(low, 2) },
                RatioTier { from: Money::from_fen(from).unwrap(), ratio: Decimal::new(high, 2) },
            ],
            mode: Default::default(),
        }),
    ]
}

prop_compose! {
    fn allocation_rules()(
        base in base_method(),
        cap in proptest::option::of(1_i64..2_000_000),
        minimum in proptest::option::of(1_i64..50_000),
        ceiling in proptest::option::of(1_i64..=10),
    ) -> AllocationRules {
        let cap = cap.map(|c| Money::from_fen(c).unwrap());
        let minimum = minimum.map(|m| Money::from_fen(m).unwrap()).filter(|m| cap.is_none_or(|c| *m <= c));
        AllocationRules { base, cap, minimum, ratio_ceiling: ceiling.map(|c| Decimal::new(c, 2)) }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn sums_are_exact_and_limits_hold(
        rules in allocation_rules(),
        audited in proptest::collection::vec(0_i64..100_000_000, 1..30),
        budget in 0_i64..50_000_000,
    ) {
        let rule_set = rule_set(rules.clone());
        let budget = Money::from_fen(budget).unwrap();
        let lean = allocate_amounts(&rule_set, budget, &incomes(&audited));
        let result = match allocate(&rule_set, budget, &incomes(&audited)) {
            Ok(result) => result,
            Err(error) => {
                // Only rule errors, such as minimums above the budget, may reject this input.
                prop_assert!(matches!(error.code(), "rule_violation"), "{error}");
                prop_assert_eq!(lean.map_err(|e| e.code()), Err("rule_violation"));
                return Ok(());
            }
        };
        let lean = lean.unwrap();
        let lean_amounts: Vec<(Money, Limit)> = lean.units.iter().map(|u| (u.amount, u.limit)).collect();
        let full_amounts: Vec<(Money, Limit)> = result.units.iter().map(|u| (u.amount, u.limit)).collect();
        prop_assert_eq!(lean_amounts, full_amounts);
        prop_assert_eq!(lean.returned_to_fund, result.returned_to_fund);
        let paid = Money::sum(result.units.iter().map(|u| u.amount)).unwrap();
        prop_assert_eq!(paid, result.paid_total);
        prop_assert_eq!(paid.checked_add(result.returned_to_fund).unwrap(), budget);
        for unit in &result.units {
            if let Some(cap) = rules.cap {
                prop_assert!(unit.amount <= cap, "{} above cap", unit.unit);
            }
            if let Some(ceiling) = rules.ratio_ceiling {
                prop_assert!(unit.amount.yuan() <= unit.audited.yuan() * ceiling, "{} above ceiling", unit.unit);
            }
            if let Some(entitlement) = unit.entitlement {
                prop_assert!(unit.amount <= entitlement, "{} above entitlement", unit.unit);
            }
            if let Some(minimum) = rules.minimum {
                let held = unit.limit == Limit::NoIncome
                    || unit.ceiling.is_some_and(|c| c < minimum)
                    || unit.entitlement.is_some_and(|e| e < minimum);
                prop_assert!(held || unit.amount >= minimum, "{} below minimum: {:?}", unit.unit, unit);
            }
            if unit.audited.is_zero() {
                prop_assert!(unit.amount.is_zero());
            }
        }
    }

    #[test]
    fn proportional_without_limits_equals_foundation(
        audited in proptest::collection::vec(0_i64..1_000_000_000, 1..40),
        budget in 0_i64..100_000_000,
    ) {
        let units = incomes(&audited);
        let claims: Vec<Claim> = units.iter().map(|i| Claim { unit: i.unit.clone(), audited: i.audited }).collect();
        let budget = Money::from_fen(budget).unwrap();
        let foundation = allocate_proportional(budget, &claims);
        let rules = allocate(&rule_set(AllocationRules::proportional()), budget, &units);
        match (foundation, rules) {
            (Ok(foundation), Ok(rules)) => {
                let a: Vec<Money> = foundation.shares.iter().map(|s| s.amount).collect();
                let b: Vec<Money> = rules.units.iter().map(|u| u.amount).collect();
                prop_assert_eq!(a, b);
                prop_assert!(rules.returned_to_fund.is_zero() || rules.total_audited.is_zero());
            }
            (Err(a), Err(b)) => prop_assert_eq!(a.code(), b.code()),
            (a, b) => prop_assert!(false, "results differ: {:?} vs {:?}", a.map(|x| x.budget), b.map(|x| x.budget)),
        }
    }

    #[test]
    fn excluded_record_never_counts(
        records in proptest::collection::vec(record_strategy(), 1..25),
    ) {
        let form = ApplicationForm { unit: UnitId::new("U1").unwrap(), year: 2017, records };
        let context = AuditContext {
            unit_name: "示例研究所".into(),
            instruments: vec![InstrumentFacts {
                instrument: InstrumentId::new("I1").unwrap(),
                unit: UnitId::new("U1").unwrap(),
                published_at: Some("2016-01-01T00:00:00Z".parse().unwrap()),
                original_value: Money::from_fen(50_000_000).unwrap(),
            }],
            claimed: vec![],
        };
        let mut rules = rule_set(AllocationRules::proportional());
        rules.audit = AuditRules { client_regions: vec!["65".into()], ..AuditRules::default() };
        let result = audit_application(&rules, &form, &context, &[]).unwrap();
        let mut total = Money::ZERO;
        for (record, audit) in form.records.iter().zip(&result.records) {
            prop_assert_eq!(audit.included, audit.exclusions.is_empty());
            if audit.included {
                prop_assert_eq!(Some(audit.counted), record.amount);
                total = total.checked_add(audit.counted).unwrap();
            } else {
                prop_assert!(audit.counted.is_zero(), "excluded line {} counted {}", audit.line, audit.counted);
            }
        }
        prop_assert_eq!(result.audited_total, total);
        let by_instrument = Money::sum(result.by_instrument.iter().map(|i| i.audited)).unwrap();
        prop_assert_eq!(by_instrument, total);
    }
}

fn record_strategy() -> impl Strategy<Value = ServiceRecord> {
    (
        0_u32..8,
        0_i64..800,
        proptest::option::of(0_i64..1_000_000),
        prop_oneof![Just("650100"), Just("110000"), Just("DE")],
        prop_oneof![Just(ClientRelation::Independent), Just(ClientRelation::Internal), Just(ClientRelation::RelatedParty)],
        prop_oneof![Just(ServiceNature::General), Just(ServiceNature::Statutory), Just(ServiceNature::CommercialInspection)],
        prop_oneof![Just("I1"), Just("I2")],
    )
        .prop_map(|(number, day, amount, region, relation, nature, instrument)| ServiceRecord {
            document_kind: DocumentKind::Invoice,
            document_number: format!("FP-{number}"),
            date: NaiveDate::from_ymd_opt(2016, 10, 1).unwrap() + chrono::Days::new(day as u64),
            client: "某公司".into(),
            client_region: region.into(),
            relation,
            instrument: InstrumentId::new(instrument).unwrap(),
            mode: ServiceMode::Commissioned,
            nature,
            amount: amount.map(|f| Money::from_fen(f).unwrap()),
        })
}

/// Splits `budget_fen` in proportion to `audited` the straightforward way:
/// hold every unit whose exact share passes its bound at that bound, share
/// the rest again among the others, and repeat until no share passes a
/// bound. Then floor each free share to the fen and give the fen left over
/// one each to the largest remainders, ties to the larger audited income,
/// then the smaller unit id. `bound` is the cap when `capping`, else the
/// minimum. Returns `None` when the minimums need more than the budget.
fn allocate_by_rounds(audited: &[i64], budget_fen: i64, bound: i64, capping: bool) -> Option<Vec<i64>> {
    let audited: Vec<i128> = audited.iter().map(|&a| i128::from(a)).collect();
    let (budget, bound) = (i128::from(budget_fen), i128::from(bound));
    let has_income: Vec<bool> = audited.iter().map(|&a| a > 0).collect();
    let upper = |i: usize| if has_income[i] { budget } else { 0 };
    let held_at = |i: usize| bound.min(upper(i));
    let target = if capping {
        budget.min((0..audited.len()).map(|i| if has_income[i] { held_at(i) } else { 0 }).sum())
    } else {
        budget
    };
    let minimums: i128 = if capping { 0 } else { (0..audited.len()).map(held_at).sum() };
    if minimums > target {
        return None;
    }

    let mut held = vec![false; audited.len()];
    loop {
        let free: Vec<usize> = (0..audited.len()).filter(|&i| has_income[i] && !held[i]).collect();
        let remaining = target - (0..audited.len()).filter(|&i| held[i]).map(held_at).sum::<i128>();
        let weight: i128 = free.iter().map(|&i| audited[i]).sum();
        if weight == 0 {
            break;
        }
        let crossing: Vec<usize> = free
            .iter()
            .copied()
            .filter(|&i| {
                let scaled_share = remaining * audited[i];
                let scaled_bound = held_at(i) * weight;
                if capping { scaled_share > scaled_bound } else { scaled_share < scaled_bound }
            })
            .collect();
        if crossing.is_empty() {
            break;
        }
        for i in crossing {
            held[i] = true;
        }
    }

    let mut amounts: Vec<i128> = (0..audited.len()).map(|i| if held[i] { held_at(i) } else { 0 }).collect();
    let free: Vec<usize> = (0..audited.len()).filter(|&i| has_income[i] && !held[i]).collect();
    let weight: i128 = free.iter().map(|&i| audited[i]).sum();
    if weight > 0 {
        let remaining = target - (0..audited.len()).filter(|&i| held[i]).map(held_at).sum::<i128>();
        for &i in &free {
            amounts[i] = remaining * audited[i] / weight;
        }
        let leftover = remaining - free.iter().map(|&i| amounts[i]).sum::<i128>();
        let mut ranked = free.clone();
        // Unit ids are "U" and the zero-padded index, so the index orders them.
        ranked.sort_by(|&a, &b| {
            let (ra, rb) = (remaining * audited[a] % weight, remaining * audited[b] % weight);
            rb.cmp(&ra).then(audited[b].cmp(&audited[a])).then(a.cmp(&b))
        });
        for &i in ranked.iter().take(usize::try_from(leftover).unwrap()) {
            amounts[i] += 1;
        }
    }
    Some(amounts.into_iter().map(|a| i64::try_from(a).unwrap()).collect())
}

fn amounts_in_fen(rules: AllocationRules, budget_fen: i64, audited: &[i64]) -> Result<Vec<i64>, &'static str> {
    allocate_amounts(&rule_set(rules), Money::from_fen(budget_fen).unwrap(), &incomes(audited))
        .map(|result| result.units.iter().map(|u| u.amount.to_fen()).collect())
        .map_err(|error| error.code())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(500))]

    #[test]
    fn cap_fill_equals_rounds(
        audited in proptest::collection::vec(0_i64..2_000_000, 1..60),
        budget in 0_i64..20_000_000,
        cap in 1_i64..1_000_000,
    ) {
        prop_assume!(audited.iter().any(|&a| a > 0) || budget == 0);
        let mut rules = AllocationRules::proportional();
        rules.cap = Some(Money::from_fen(cap).unwrap());
        let fast = amounts_in_fen(rules, budget, &audited);
        let rounds = allocate_by_rounds(&audited, budget, cap, true).ok_or("rule_violation");
        prop_assert_eq!(fast, rounds);
    }

    #[test]
    fn minimum_fill_equals_rounds(
        audited in proptest::collection::vec(1_i64..2_000_000, 1..60),
        budget in 0_i64..20_000_000,
        minimum in 1_i64..500_000,
    ) {
        let mut rules = AllocationRules::proportional();
        rules.minimum = Some(Money::from_fen(minimum).unwrap());
        let fast = amounts_in_fen(rules, budget, &audited);
        let rounds = allocate_by_rounds(&audited, budget, minimum, false).ok_or("rule_violation");
        prop_assert_eq!(fast, rounds);
    }

    #[test]
    fn input_order_does_not_matter(
        rules in allocation_rules(),
        audited in proptest::collection::vec(0_i64..100_000_000, 1..40),
        budget in 0_i64..50_000_000,
        rotation in 0_usize..40,
    ) {
        let rule_set = rule_set(rules);
        let budget = Money::from_fen(budget).unwrap();
        let forward = incomes(&audited);
        let mut turned = forward.clone();
        turned.reverse();
        let by = rotation % turned.len();
        turned.rotate_left(by);
        let a = allocate_amounts(&rule_set, budget, &forward).map_err(|e| e.code());
        let b = allocate_amounts(&rule_set, budget, &turned).map_err(|e| e.code());
        match (a, b) {
            (Ok(a), Ok(b)) => {
                for unit in &a.units {
                    let other = b.units.iter().find(|u| u.unit == unit.unit).unwrap();
                    prop_assert_eq!(unit, other);
                }
                prop_assert_eq!(a.paid_total, b.paid_total);
            }
            (a, b) => prop_assert_eq!(a.map(|_| ()), b.map(|_| ())),
        }
    }
}

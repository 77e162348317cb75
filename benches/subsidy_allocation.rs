//! Allocation of a capped subsidy budget over 10,000 units, the same shape
//! of input as `benches/subsidy_pandas.py`: heavy-tailed audited income from
//! 2万元 up (mean about 18万元), 5000万元 split in proportion with a 20万元
//! cap per unit.
//!
//! ```text
//! cargo bench -p labshare --bench subsidy_allocation
//! ```

use criterion::{Criterion, criterion_group, criterion_main};
use labshare::subsidy::{AllocationRules, AuditRules, AuditedIncome, RuleSet, YearRange, allocate, allocate_amounts};
use labshare::{Money, Text, UnitId};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::hint::black_box;

const UNITS: usize = 10_000;

fn incomes() -> Vec<AuditedIncome> {
    let mut rng = ChaCha8Rng::seed_from_u64(20_171_231);
    (1..=UNITS)
        .map(|i| {
            // Lomax (Pareto II) with shape 1.5 by inverse transform, in 万元.
            let u: f64 = rng.random_range(0.0..1.0);
            let wan = ((1.0 - u).powf(-1.0 / 1.5) - 1.0) * 8.0 + 2.0;
            let fen = ((wan * 1_000.0).round() as i64 * 1_000).min(1_500_000_000);
            AuditedIncome { unit: UnitId::new(format!("U{i:05}")).unwrap(), audited: Money::from_fen(fen).unwrap(), instruments: vec![] }
        })
        .collect()
}

fn rule_set() -> RuleSet {
    let mut allocation = AllocationRules::proportional();
    allocation.cap = Some(Money::parse("20万").unwrap());
    RuleSet {
        id: "bench".into(),
        version: 1,
        title: Text::new("基准测试细则", "Benchmark rules"),
        years: YearRange { from: 2017, until: None },
        text: Text::new("按比例分配，每单位不超过 20 万元。", "Proportional, at most 20万元 per unit."),
        audit: AuditRules::default(),
        allocation,
        rewards: None,
    }
}

fn bench(c: &mut Criterion) {
    let incomes = incomes();
    let rules = rule_set();
    let budget = Money::parse("5000万").unwrap();
    c.bench_function("allocate_amounts 10k units with cap", |b| {
        b.iter(|| allocate_amounts(black_box(&rules), budget, black_box(&incomes)).unwrap())
    });
    c.bench_function("allocate (explained) 10k units with cap", |b| {
        b.iter(|| allocate(black_box(&rules), budget, black_box(&incomes)).unwrap())
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);

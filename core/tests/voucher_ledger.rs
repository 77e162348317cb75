//! Ledger invariants under random sequences of voucher operations: every
//! voucher balances, the pool never goes negative and matches what is
//! reserved and paid, no invoice or service is redeemed twice, caps hold,
//! a failed call changes nothing, and replay rebuilds the same state.

mod voucher_fixtures;

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Days, Utc};
use labshare::voucher::{
    ApplicationRequest, ApplicationState, AuditDecision, Invoice, RedemptionRequest, ServiceUseRequest, UseState,
    VoucherPayment,
};
use labshare::{EnterpriseId, Event, InstrumentId, Money, Network, UnitId};
use proptest::prelude::*;
use voucher_fixtures::*;

const APPLICANTS: [&str; 6] = ["E1", "E2", "E3", "E4", "E5", "T1"];
const PROVIDERS: [(&str, &str); 4] = [("A", "A-1"), ("A", "A-2"), ("B", "B-1"), ("C", "A-1")];

#[derive(Debug, Clone)]
enum Op {
    Apply { applicant: usize, fen: i64 },
    Decide,
    Issue { application: usize },
    Use { voucher: usize, second: Option<usize>, provider: usize, fee_fen: i64, pay_fen: i64, own: bool },
    Cancel { service: usize },
    Request { service: usize, invoice: u8, exact: bool },
    Audit { service: usize, decision: u8 },
    Expire,
    Fund { fen: i64 },
    Withdraw { fen: i64 },
    WithdrawApplication { application: usize },
}

fn arb_op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (0..APPLICANTS.len(), 1_i64..3_000_000).prop_map(|(applicant, fen)| Op::Apply { applicant, fen }),
        2 => Just(Op::Decide),
        3 => (0_usize..20).prop_map(|application| Op::Issue { application }),
        6 => (0_usize..40, proptest::option::of(0_usize..40), 0..PROVIDERS.len(), 100_000_i64..3_000_000, 1_i64..500_000, proptest::bool::weighted(0.9))
            .prop_map(|(voucher, second, provider, fee_fen, pay_fen, own)| Op::Use { voucher, second, provider, fee_fen, pay_fen, own }),
        1 => (0_usize..20).prop_map(|service| Op::Cancel { service }),
        3 => (0_usize..20, 0_u8..6, proptest::bool::weighted(0.85)).prop_map(|(service, invoice, exact)| Op::Request { service, invoice, exact }),
        3 => (0_usize..20, 0_u8..4).prop_map(|(service, decision)| Op::Audit { service, decision }),
        1 => Just(Op::Expire),
        1 => (1_i64..5_000_000).prop_map(|fen| Op::Fund { fen }),
        1 => (1_i64..10_000_000).prop_map(|fen| Op::Withdraw { fen }),
        1 => (0_usize..20).prop_map(|application| Op::WithdrawApplication { application }),
    ]
}

/// Moves the clock five days on, so long sequences run past the end of
/// 2018 and reach expiry in their last steps.
fn advance(clock: DateTime<Utc>) -> DateTime<Utc> {
    clock.checked_add_days(Days::new(5)).unwrap()
}

fn fen(amount: i64) -> Money {
    Money::from_fen(amount).unwrap()
}

fn pick<T: Clone>(items: &[T], index: usize) -> Option<T> {
    if items.is_empty() { None } else { items.get(index % items.len()).cloned() }
}

fn run(network: &mut Network, op: &Op, step: usize, now: DateTime<Utc>) -> Result<Event, labshare::Error> {
    let book = network.vouchers();
    let applications: Vec<_> = book.applications().map(|a| (a.id.clone(), a.applicant.clone())).collect();
    let vouchers: Vec<_> = book.vouchers().map(|v| (v.number.clone(), v.holder.clone())).collect();
    let services: Vec<_> = book.service_uses().map(|u| (u.service.clone(), u.provider.clone(), u.holder.clone(), u.fee)).collect();
    let missing = || labshare::Error::Missing { field: "nothing to pick".into() };
    let local_today = (now + chrono::Duration::hours(8)).date_naive();

    match op {
        Op::Apply { applicant, fen: amount } => {
            let applicant = APPLICANTS[*applicant];
            let request = ApplicationRequest {
                id: app_id(&format!("SQ{step}")),
                scheme: scheme_id(),
                applicant: EnterpriseId::new(applicant).unwrap(),
                amount: fen(*amount),
                purpose: String::new(),
            };
            network.apply_for_vouchers(&contact(applicant), now, request)
        }
        Op::Decide => network.decide_voucher_applications(&office(), now, scheme_id()),
        Op::Issue { application } => {
            let (id, _) = pick(&applications, *application).ok_or_else(missing)?;
            network.issue_vouchers(&office(), now, id)
        }
        Op::Use { voucher: first, second, provider, fee_fen, pay_fen, own } => {
            let (number, holder) = pick(&vouchers, *first).ok_or_else(missing)?;
            let holder = if *own { holder } else { EnterpriseId::new("E4").unwrap() };
            let mut payments = vec![VoucherPayment { voucher: number, amount: fen(*pay_fen) }];
            if let Some(second) = second.and_then(|s| pick(&vouchers, s)) {
                payments.push(VoucherPayment { voucher: second.0, amount: fen(pay_fen / 2 + 1) });
            }
            let (unit, instrument) = PROVIDERS[*provider];
            let request = ServiceUseRequest {
                service: service(&format!("BK{step}")),
                holder: holder.clone(),
                provider: UnitId::new(unit).unwrap(),
                instrument: InstrumentId::new(instrument).unwrap(),
                test_item: String::new(),
                fee: fen(*fee_fen),
                service_date: local_today,
                payments,
            };
            network.use_vouchers(&contact(holder.as_str()), now, request)
        }
        Op::Cancel { service: index } => {
            let (id, _, holder, _) = pick(&services, *index).ok_or_else(missing)?;
            network.cancel_voucher_use(&contact(holder.as_str()), now, id, "取消")
        }
        Op::Request { service: index, invoice, exact } => {
            let (id, unit, _, fee) = pick(&services, *index).ok_or_else(missing)?;
            let amount = if *exact { fee } else { fee.checked_add(fen(1)).unwrap() };
            let request = RedemptionRequest {
                service: id,
                invoice: Invoice { number: format!("INV{invoice}"), issued_on: local_today, amount },
                completed_on: local_today,
            };
            network.request_redemption(&admin(unit.as_str()), now, request)
        }
        Op::Audit { service: index, decision } => {
            let (id, ..) = pick(&services, *index).ok_or_else(missing)?;
            let decision = match decision {
                0 | 1 => AuditDecision::Pay,
                2 => AuditDecision::Return { reason: "补正".into() },
                _ => AuditDecision::Reject { reason: "不符合".into() },
            };
            network.audit_redemption(&office(), now, id, decision)
        }
        Op::Expire => network.expire_vouchers(&office(), now, scheme_id()),
        Op::Fund { fen: amount } => network.fund_voucher_pool(&office(), now, scheme_id(), fen(*amount), "追加"),
        Op::Withdraw { fen: amount } => network.withdraw_from_voucher_pool(&office(), now, scheme_id(), fen(*amount), "调剂"),
        Op::WithdrawApplication { application } => {
            let (id, applicant) = pick(&applications, *application).ok_or_else(missing)?;
            network.withdraw_voucher_application(&contact(applicant.as_str()), now, id)
        }
    }
}

fn check_invariants(network: &Network) -> Result<(), TestCaseError> {
    let book = network.vouchers();
    let scheme = book.scheme(&scheme_id()).unwrap();
    let totals = scheme.pool.totals;

    for voucher in book.vouchers() {
        let parts = Money::sum([voucher.used, voucher.remaining, voucher.expired]).unwrap();
        prop_assert_eq!(parts, voucher.face_value, "voucher {} does not balance", voucher.number);
    }

    let free = totals.free();
    prop_assert!(free.is_ok(), "pool went negative: {:?}", totals);
    let spent = Money::sum([totals.paid, totals.withdrawn]).unwrap();
    prop_assert!(spent <= totals.funded, "paid and withdrawn exceed funded: {:?}", totals);

    let mut committed: BTreeMap<_, Money> = BTreeMap::new();
    let mut expected_reserved = Money::ZERO;
    let mut expected_paid = Money::ZERO;
    let mut paid_invoices = BTreeSet::new();
    for service_use in book.service_uses() {
        if service_use.state.commits_vouchers() {
            prop_assert!(service_use.total <= service_use.share.limit, "share rule broken on {}", service_use.service);
            prop_assert!(service_use.share.limit <= service_use.fee);
            for payment in &service_use.payments {
                let entry = committed.entry(payment.voucher.clone()).or_insert(Money::ZERO);
                *entry = entry.checked_add(payment.amount).unwrap();
            }
        }
        match service_use.state {
            UseState::Paid => {
                expected_paid = expected_paid.checked_add(service_use.total).unwrap();
                let invoice = service_use.redemptions.last().unwrap().invoice.number.clone();
                prop_assert!(paid_invoices.insert(invoice.clone()), "invoice {} redeemed twice", invoice);
                let audits = service_use.redemptions.iter().filter(|r| matches!(r.audit.as_ref().map(|a| &a.decision), Some(AuditDecision::Pay))).count();
                prop_assert_eq!(audits, 1, "service {} paid {} times", service_use.service, audits);
            }
            UseState::Open | UseState::RedemptionRequested => {
                expected_reserved = expected_reserved.checked_add(service_use.total).unwrap();
            }
            _ => {}
        }
    }
    for voucher in book.vouchers() {
        let used = committed.get(&voucher.number).copied().unwrap_or(Money::ZERO);
        prop_assert_eq!(used, voucher.used, "voucher {} used differs from its services", voucher.number);
        expected_reserved = expected_reserved.checked_add(voucher.remaining).unwrap();
    }

    let rules = &scheme.latest().unwrap().rules;
    let mut by_applicant: BTreeMap<_, Money> = BTreeMap::new();
    let mut by_controller: BTreeMap<_, Money> = BTreeMap::new();
    for application in book.applications() {
        prop_assert!(application.granted <= application.requested);
        prop_assert!(application.requested <= rules.enterprise_caps.per_application);
        if application.state == ApplicationState::Approved {
            expected_reserved = expected_reserved.checked_add(application.granted).unwrap();
        }
        let entry = by_applicant.entry((application.applicant.clone(), application.year)).or_insert(Money::ZERO);
        *entry = entry.checked_add(application.granted).unwrap();
        let entry = by_controller.entry((application.controller.clone(), application.year)).or_insert(Money::ZERO);
        *entry = entry.checked_add(application.granted).unwrap();
    }
    for (key, granted) in &by_applicant {
        prop_assert!(*granted <= rules.enterprise_caps.per_year, "applicant cap broken for {:?}: {}", key, granted);
    }
    for (key, granted) in &by_controller {
        prop_assert!(*granted <= rules.controller_year_cap, "controller cap broken for {:?}: {}", key, granted);
    }

    prop_assert_eq!(totals.reserved, expected_reserved, "reserved differs from grants, balances and unpaid services");
    prop_assert_eq!(totals.paid, expected_paid, "paid differs from paid services");
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn ledger_invariants_hold(ops in proptest::collection::vec(arb_op(), 1..90)) {
        let (mut network, mut events) = journal();
        let mut now = day(2, 1);
        for (step, op) in ops.iter().enumerate() {
            now = advance(now);
            let before = network.clone();
            match run(&mut network, op, step, now) {
                Ok(event) => events.push(event),
                Err(error) => {
                    prop_assert_eq!(&network, &before, "failed {:?} ({}) changed the state", op, error);
                }
            }
            check_invariants(&network)?;
        }
        prop_assert_eq!(Network::replay(&events).unwrap(), network);
    }
}

/// Checks that random sequences reach every step, so the property above is
/// not passing on sequences that fail early.
#[test]
fn random_sequences_reach_every_step() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};

    let rng = TestRng::from_seed(RngAlgorithm::ChaCha, &[7; 32]);
    let mut runner = TestRunner::new_with_rng(Config::default(), rng);
    let strategy = proptest::collection::vec(arb_op(), 75..90);
    let mut successes: BTreeMap<&str, u32> = BTreeMap::new();
    for _ in 0..40 {
        let ops = strategy.new_tree(&mut runner).unwrap().current();
        let (mut network, _) = journal();
        let mut now = day(2, 1);
        for (step, op) in ops.iter().enumerate() {
            now = advance(now);
            if run(&mut network, op, step, now).is_ok() {
                let kind = match op {
                    Op::Apply { .. } => "apply",
                    Op::Decide => "decide",
                    Op::Issue { .. } => "issue",
                    Op::Use { .. } => "use",
                    Op::Cancel { .. } => "cancel",
                    Op::Request { .. } => "request",
                    Op::Audit { decision: 0 | 1, .. } => "pay",
                    Op::Audit { .. } => "return_or_reject",
                    Op::Expire => "expire",
                    Op::Fund { .. } => "fund",
                    Op::Withdraw { .. } => "withdraw",
                    Op::WithdrawApplication { .. } => "withdraw_application",
                };
                *successes.entry(kind).or_default() += 1;
            }
        }
    }
    for kind in ["apply", "decide", "issue", "use", "cancel", "request", "pay", "return_or_reject", "expire", "fund", "withdraw"] {
        assert!(successes.get(kind).copied().unwrap_or(0) >= 3, "{kind} succeeded too rarely: {successes:?}");
    }
    println!("{successes:?}");
}

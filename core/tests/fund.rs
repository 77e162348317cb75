//! The special fund: carry-over order, access and replay.

use chrono::{TimeZone, Utc};
use labshare::fund::{CategoryAmount, EntryKind, FundCategory, PaymentOrder};
use labshare::{Actor, Money, Network, UnitId};

fn yuan(text: &str) -> Money {
    Money::parse(text).unwrap()
}

fn split(subsidies: &str, office: &str) -> Vec<CategoryAmount> {
    vec![
        CategoryAmount { category: FundCategory::Subsidies, amount: yuan(subsidies) },
        CategoryAmount { category: FundCategory::OfficeCosts, amount: yuan(office) },
    ]
}

#[test]
fn carry_over_reaches_a_year_opened_earlier() {
    let office = Actor::office("office");
    let now = Utc.with_ymd_and_hms(2019, 1, 10, 2, 0, 0).unwrap();
    let mut network = Network::new();
    let mut events = vec![
        network.open_fund_year(&office, now, 2018, yuan("100"), split("70", "30")).unwrap(),
        network.open_fund_year(&office, now, 2019, yuan("100"), split("80", "20")).unwrap(),
    ];
    let payment = PaymentOrder {
        year: 2018,
        category: FundCategory::Subsidies,
        amount: yuan("68"),
        payee: "XJ01".into(),
        purpose: "2017 年度运行补贴".into(),
    };
    events.push(network.record_fund_payment(&office, now, payment).unwrap());
    events.push(network.close_fund_year(&office, now, 2018).unwrap());

    let report = network.fund().report(&office, 2019).unwrap();
    assert_eq!(report.carried_in, yuan("32"));
    assert_eq!(report.available, yuan("132"));
    let subsidies = report.categories.iter().find(|c| c.category == FundCategory::Subsidies).unwrap();
    assert_eq!(subsidies.carried_in, yuan("2"));
    let closed = network.fund().report(&office, 2018).unwrap();
    assert_eq!(closed.execution_rate, "0.68".parse().unwrap());
    assert_eq!(closed.balance, Money::ZERO);

    let ledger = &network.fund().fund_year(&office, 2019).unwrap().ledger;
    assert!(ledger.iter().all(|e| matches!(e.kind, EntryKind::CarryIn { from_year: 2018 })));
    assert_eq!(ledger.len(), 2);
    assert_eq!(Network::replay(&events).unwrap(), network);
}

#[test]
fn unit_admin_cannot_touch_the_fund() {
    let office = Actor::office("office");
    let admin = Actor::unit_admin("admin", UnitId::new("XJ01").unwrap());
    let now = Utc.with_ymd_and_hms(2018, 1, 10, 2, 0, 0).unwrap();
    let mut network = Network::new();
    network.open_fund_year(&office, now, 2018, yuan("100"), split("70", "30")).unwrap();
    let before = network.clone();

    let payment = PaymentOrder {
        year: 2018,
        category: FundCategory::Subsidies,
        amount: yuan("1"),
        payee: "XJ01".into(),
        purpose: "自行支取".into(),
    };
    assert_eq!(network.record_fund_payment(&admin, now, payment).unwrap_err().code(), "permission_denied");
    assert_eq!(network.close_fund_year(&admin, now, 2018).unwrap_err().code(), "permission_denied");
    assert_eq!(network.fund().report(&admin, 2018).unwrap_err().code(), "permission_denied");
    assert_eq!(network, before);
}

#[test]
fn closed_year_cannot_close_again() {
    let office = Actor::office("office");
    let now = Utc.with_ymd_and_hms(2018, 12, 31, 2, 0, 0).unwrap();
    let mut network = Network::new();
    network.open_fund_year(&office, now, 2018, yuan("100"), split("70", "30")).unwrap();
    network.close_fund_year(&office, now, 2018).unwrap();
    assert_eq!(network.close_fund_year(&office, now, 2018).unwrap_err().code(), "invalid_state");
    assert_eq!(network.close_fund_year(&office, now, 2017).unwrap_err().code(), "not_found");
    let again = network.open_fund_year(&office, now, 2018, yuan("1"), split("1", "0"));
    assert_eq!(again.unwrap_err().code(), "already_exists");
}

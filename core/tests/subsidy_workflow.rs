//! The subsidy workflow on a network: access control, the audit with live
//! data, allocation, payment from the fund, replay.

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use labshare::fund::{CategoryAmount, EntryKind, FundCategory};
use labshare::registry::{AcquisitionSource, CategoryCode, InstrumentRecord, OperatingStatus, SharingMode, Unit, UnitKind};
use labshare::subsidy::{
    AllocationRules, ApplicationForm, ApplicationState, AuditAdjustment, AuditRules, ClientRelation, DocumentKind,
    ExclusionCode, RuleSet, ServiceMode, ServiceNature, ServiceRecord, SubsidyUseReport, UseLine, UsePurpose, YearRange,
};
use labshare::{Actor, Event, InstrumentId, Lang, Money, Network, Text, UnitId};

fn at(year: i32, month: u32, day: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(year, month, day, 2, 0, 0).unwrap()
}

fn unit(id: &str) -> UnitId {
    UnitId::new(id).unwrap()
}

fn yuan(text: &str) -> Money {
    Money::parse(text).unwrap()
}

fn instrument_record(value: &str) -> InstrumentRecord {
    InstrumentRecord {
        name: "气相色谱仪".into(),
        english_name: "Gas chromatograph".into(),
        category_code: CategoryCode::new("010101").unwrap(),
        source: AcquisitionSource::Purchased,
        original_value: yuan(value),
        country_of_origin: "US".into(),
        manufacturer: "Agilent Technologies".into(),
        model: "7890B".into(),
        commissioning_date: NaiveDate::from_ymd_opt(2015, 3, 1).unwrap(),
        specifications: "见说明书".into(),
        functions: "有机物分析".into(),
        disciplines: vec!["150".into()],
        service_content: "对外检测".into(),
        operating_status: OperatingStatus::Normal,
        sharing_mode: SharingMode::External,
        sharing_rules: String::new(),
        fee_standard: String::new(),
        booking_url: String::new(),
        location: "乌鲁木齐市".into(),
        contact: String::new(),
    }
}

fn rules(version: u32, allocation: AllocationRules) -> RuleSet {
    RuleSet {
        id: "xj-subsidy".into(),
        version,
        title: Text::new("运行补贴实施细则", "Operating subsidy rules"),
        years: YearRange { from: 2017, until: None },
        text: Text::new("按核算后的对外服务收入比例分配。", "Split in proportion to audited external income."),
        audit: AuditRules { client_regions: vec!["65".into()], ..AuditRules::default() },
        allocation,
        rewards: None,
    }
}

fn record(number: &str, instrument: &str, amount: &str) -> ServiceRecord {
    ServiceRecord {
        document_kind: DocumentKind::Invoice,
        document_number: number.into(),
        date: NaiveDate::from_ymd_opt(2017, 6, 1).unwrap(),
        client: "某化工公司".into(),
        client_region: "650100".into(),
        relation: ClientRelation::Independent,
        instrument: InstrumentId::new(instrument).unwrap(),
        mode: ServiceMode::Commissioned,
        nature: ServiceNature::General,
        amount: Some(yuan(amount)),
    }
}

struct Setup {
    network: Network,
    events: Vec<Event>,
    office: Actor,
    admin1: Actor,
    admin2: Actor,
}

impl Setup {
    fn new() -> Setup {
        let mut network = Network::new();
        let office = Actor::office("office-1");
        let admin1 = Actor::unit_admin("admin-u1", unit("U1"));
        let admin2 = Actor::unit_admin("admin-u2", unit("U2"));
        let mut events = Vec::new();
        for (id, name) in [("U1", "示例研究所"), ("U2", "示例大学")] {
            let unit = Unit { id: unit(id), name: name.into(), kind: UnitKind::Institute, region: "乌鲁木齐市".into() };
            events.push(network.register_unit(&office, at(2017, 1, 2), unit).unwrap());
        }
        for (id, owner, admin) in [("I1", "U1", &admin1), ("I2", "U2", &admin2)] {
            let instrument = InstrumentId::new(id).unwrap();
            events.push(network.submit_instrument(admin, at(2017, 1, 3), instrument.clone(), unit(owner), instrument_record("500000")).unwrap());
            events.push(network.publish_instrument(&office, at(2017, 1, 5), instrument).unwrap());
        }
        Setup { network, events, office, admin1, admin2 }
    }

    fn publish(&mut self, rule_set: RuleSet) {
        let event = self.network.publish_rule_set(&self.office, at(2018, 9, 1), rule_set).unwrap();
        self.events.push(event);
    }

    fn apply(&mut self, actor: &Actor, form: ApplicationForm) {
        let event = self.network.apply_for_subsidy(actor, at(2018, 10, 8), form).unwrap();
        self.events.push(event);
    }

    fn audit(&mut self, id: &str, year: i32) {
        let event = self.network.audit_subsidy_application(&self.office, at(2018, 10, 20), unit(id), year).unwrap();
        self.events.push(event);
    }

    /// Both units apply for 2017; U2 repeats U1's first invoice.
    fn two_applications(&mut self) {
        self.publish(rules(1, AllocationRules::proportional()));
        let form1 = ApplicationForm {
            unit: unit("U1"),
            year: 2017,
            records: vec![record("FP-1", "I1", "30000.00"), record("FP-2", "I1", "10000.00")],
        };
        let form2 = ApplicationForm {
            unit: unit("U2"),
            year: 2017,
            records: vec![record("FP-1", "I2", "5000.00"), record("FP-3", "I2", "20000.00")],
        };
        let (admin1, admin2) = (self.admin1.clone(), self.admin2.clone());
        self.apply(&admin1, form1);
        self.apply(&admin2, form2);
    }
}

#[test]
fn apply_needs_published_rules() {
    let mut setup = Setup::new();
    let form = ApplicationForm { unit: unit("U1"), year: 2017, records: vec![record("FP-1", "I1", "1.00")] };
    let error = setup.network.apply_for_subsidy(&setup.admin1, at(2018, 10, 1), form).unwrap_err();
    assert_eq!(error.code(), "rule_violation");
    assert_eq!(error.rule_name(), Some("subsidy.no_rule_set"), "{error}");
}

#[test]
fn unit_admin_cannot_apply_for_another_unit() {
    let mut setup = Setup::new();
    setup.publish(rules(1, AllocationRules::proportional()));
    let form = ApplicationForm { unit: unit("U2"), year: 2017, records: vec![record("FP-1", "I2", "1.00")] };
    let before = setup.network.clone();
    let error = setup.network.apply_for_subsidy(&setup.admin1, at(2018, 10, 1), form).unwrap_err();
    assert_eq!(error.code(), "permission_denied");
    assert_eq!(setup.network, before);
}

#[test]
fn unit_admin_reads_only_its_own_application_and_audit() {
    let mut setup = Setup::new();
    setup.two_applications();
    setup.audit("U1", 2017);
    setup.audit("U2", 2017);
    let network = &setup.network;

    assert!(network.subsidy_application(&setup.admin1, &unit("U1"), 2017).is_ok());
    assert!(network.subsidy_audit(&setup.admin1, &unit("U1"), 2017).is_ok());
    let denied = [
        network.subsidy_application(&setup.admin1, &unit("U2"), 2017).err(),
        network.subsidy_audit(&setup.admin1, &unit("U2"), 2017).err(),
        network.subsidy_audit(&setup.admin2, &unit("U1"), 2017).err(),
        network.subsidy_audit(&Actor::user("visitor", Some(unit("U1"))), &unit("U1"), 2017).err(),
        network.subsidy().applications(&setup.admin1, 2017).err(),
    ];
    for error in denied {
        assert_eq!(error.map(|e| e.code()), Some("permission_denied"));
    }
    assert_eq!(network.subsidy().applications(&setup.office, 2017).unwrap().len(), 2);
    assert!(network.subsidy_audit(&setup.office, &unit("U2"), 2017).is_ok());
}

#[test]
fn unit_admin_cannot_change_another_units_audit() {
    let mut setup = Setup::new();
    setup.two_applications();
    setup.audit("U2", 2017);
    let before = setup.network.clone();
    let adjustment = AuditAdjustment { line: 1, amount: yuan("1.00"), reason: "改小".into() };
    let attempts = [
        setup.network.adjust_subsidy_audit(&setup.admin1, at(2018, 10, 21), unit("U2"), 2017, adjustment.clone()),
        setup.network.adjust_subsidy_audit(&setup.admin2, at(2018, 10, 21), unit("U2"), 2017, adjustment),
        setup.network.audit_subsidy_application(&setup.admin1, at(2018, 10, 21), unit("U2"), 2017),
        setup.network.withdraw_subsidy_application(&setup.admin1, at(2018, 10, 21), unit("U2"), 2017),
        setup.network.allocate_subsidies(&setup.admin2, at(2018, 10, 21), 2017, yuan("100")),
    ];
    for attempt in attempts {
        assert_eq!(attempt.unwrap_err().code(), "permission_denied");
    }
    assert_eq!(setup.network, before);
}

#[test]
fn invoice_claimed_by_another_unit_is_excluded() {
    let mut setup = Setup::new();
    setup.two_applications();
    setup.audit("U1", 2017);
    setup.audit("U2", 2017);
    let audit1 = setup.network.subsidy_audit(&setup.office, &unit("U1"), 2017).unwrap();
    assert_eq!(audit1.audited_total, yuan("40000.00"));
    let audit2 = setup.network.subsidy_audit(&setup.office, &unit("U2"), 2017).unwrap();
    assert_eq!(audit2.audited_total, yuan("20000.00"));
    let codes: Vec<ExclusionCode> = audit2.records[0].exclusions.iter().map(|e| e.code).collect();
    assert_eq!(codes, [ExclusionCode::AlreadyClaimed]);
    assert!(audit2.records[0].exclusions[0].message.zh.contains("U1"));
}

#[test]
fn adjustment_is_its_own_step_with_reason() {
    let mut setup = Setup::new();
    setup.two_applications();
    setup.audit("U1", 2017);
    let adjustment = AuditAdjustment { line: 2, amount: yuan("6000.00"), reason: "发票含耗材费 4000 元".into() };
    let event = setup.network.adjust_subsidy_audit(&setup.office, at(2018, 10, 22), unit("U1"), 2017, adjustment).unwrap();
    setup.events.push(event);

    let audit = setup.network.subsidy_audit(&setup.admin1, &unit("U1"), 2017).unwrap();
    assert_eq!(audit.computed_total, yuan("40000.00"));
    assert_eq!(audit.audited_total, yuan("36000.00"));
    assert_eq!(audit.adjustments.len(), 1);
    assert_eq!(audit.adjustments[0].previous, yuan("10000.00"));
    assert!(audit.explanation.render(Lang::Zh).contains("发票含耗材费"));
    let application = setup.network.subsidy_application(&setup.admin1, &unit("U1"), 2017).unwrap();
    let steps: Vec<&str> = application.history.iter().map(|h| h.step.as_str()).collect();
    assert_eq!(steps, ["submitted", "audited", "adjusted"]);

    let empty = AuditAdjustment { line: 1, amount: yuan("1.00"), reason: " ".into() };
    let error = setup.network.adjust_subsidy_audit(&setup.office, at(2018, 10, 23), unit("U1"), 2017, empty).unwrap_err();
    assert_eq!(error.code(), "missing");
    assert_eq!(Network::replay(&setup.events).unwrap(), setup.network);
}

#[test]
fn allocate_pay_and_explain() {
    let mut setup = Setup::new();
    setup.two_applications();
    setup.audit("U1", 2017);
    setup.audit("U2", 2017);
    let office = setup.office.clone();
    let network = &mut setup.network;
    let budget = vec![
        CategoryAmount { category: FundCategory::OfficeCosts, amount: yuan("200000") },
        CategoryAmount { category: FundCategory::Subsidies, amount: yuan("700000") },
        CategoryAmount { category: FundCategory::Rewards, amount: yuan("50000") },
        CategoryAmount { category: FundCategory::Vouchers, amount: yuan("50000") },
    ];
    setup.events.push(network.open_fund_year(&office, at(2018, 1, 5), 2018, yuan("1000000"), budget).unwrap());
    setup.events.push(network.allocate_subsidies(&office, at(2018, 11, 1), 2017, yuan("1500.00")).unwrap());

    // 40000 : 20000 of 1500 元.
    let share1 = network.subsidy_share(&setup.admin1, &unit("U1"), 2017).unwrap();
    assert_eq!(share1.amount, yuan("1000.00"));
    let zh = share1.explanation.render(Lang::Zh);
    let en = share1.explanation.render(Lang::En);
    assert!(zh.contains("xj-subsidy 第 1 版"), "{zh}");
    assert!(en.contains("rule set xj-subsidy version 1"), "{en}");
    assert!(en.contains("subsidy amount: 1,000.00元"), "{en}");
    assert_eq!(network.subsidy_share(&setup.admin2, &unit("U1"), 2017).unwrap_err().code(), "permission_denied");
    assert_eq!(network.subsidy().allocation(&setup.admin1, 2017).unwrap_err().code(), "permission_denied");
    let application = network.subsidy_application(&office, &unit("U2"), 2017).unwrap();
    assert_eq!(application.state, ApplicationState::Allocated);

    setup.events.push(network.pay_subsidies(&office, at(2018, 12, 10), 2017, 2018).unwrap());
    let report = network.fund().report(&office, 2018).unwrap();
    assert_eq!(report.spent, yuan("1500.00"));
    let ledger = &network.fund().fund_year(&office, 2018).unwrap().ledger;
    let payees: Vec<String> = ledger
        .iter()
        .filter_map(|e| match &e.kind {
            EntryKind::Payment { payee, .. } => Some(format!("{payee} {}", e.amount)),
            _ => None,
        })
        .collect();
    assert_eq!(payees, ["U1 1,000.00元", "U2 500.00元"]);

    let again = network.pay_subsidies(&office, at(2018, 12, 11), 2017, 2018).unwrap_err();
    assert_eq!(again.code(), "invalid_state");
    let reallocate = network.allocate_subsidies(&office, at(2018, 12, 11), 2017, yuan("1.00")).unwrap_err();
    assert_eq!(reallocate.code(), "invalid_state");
    assert_eq!(Network::replay(&setup.events).unwrap(), setup.network);
}

#[test]
fn allocation_waits_for_every_audit() {
    let mut setup = Setup::new();
    setup.two_applications();
    setup.audit("U1", 2017);
    let error = setup.network.allocate_subsidies(&setup.office, at(2018, 11, 1), 2017, yuan("100")).unwrap_err();
    assert_eq!(error.code(), "invalid_state");
}

#[test]
fn new_rule_version_requires_a_new_audit() {
    let mut setup = Setup::new();
    setup.two_applications();
    setup.audit("U1", 2017);
    setup.audit("U2", 2017);
    let mut capped = AllocationRules::proportional();
    capped.cap = Some(yuan("900.00"));
    setup.publish(rules(2, capped));
    let error = setup.network.allocate_subsidies(&setup.office, at(2018, 11, 1), 2017, yuan("1500.00")).unwrap_err();
    assert_eq!(error.rule_name(), Some("subsidy.audit_outdated"), "{error}");

    setup.audit("U1", 2017);
    setup.audit("U2", 2017);
    let event = setup.network.allocate_subsidies(&setup.office, at(2018, 11, 1), 2017, yuan("1500.00")).unwrap();
    setup.events.push(event);
    let share = setup.network.subsidy_share(&setup.office, &unit("U1"), 2017).unwrap();
    assert_eq!(share.amount, yuan("900.00"));
    assert!(share.explanation.render(Lang::En).contains("version 2"));
    let old = setup.network.publish_rule_set(&setup.office, at(2018, 11, 2), rules(2, AllocationRules::proportional()));
    assert_eq!(old.unwrap_err().code(), "invalid_value");
}

#[test]
fn use_report_required_after_a_subsidy() {
    let mut setup = Setup::new();
    setup.two_applications();
    setup.audit("U1", 2017);
    setup.audit("U2", 2017);
    let event = setup.network.allocate_subsidies(&setup.office, at(2018, 11, 1), 2017, yuan("1500.00")).unwrap();
    setup.events.push(event);

    let form = ApplicationForm {
        unit: unit("U1"),
        year: 2018,
        records: vec![record("FP-8", "I1", "100.00")].into_iter().map(|mut r| {
            r.date = NaiveDate::from_ymd_opt(2018, 3, 1).unwrap();
            r
        }).collect(),
    };
    let error = setup.network.apply_for_subsidy(&setup.admin1, at(2019, 10, 8), form.clone()).unwrap_err();
    assert_eq!(error.rule_name(), Some("subsidy.use_report_missing"), "{error}");

    let too_much = SubsidyUseReport {
        unit: unit("U1"),
        year: 2017,
        lines: vec![UseLine { purpose: UsePurpose::Maintenance, amount: yuan("1000.01"), note: String::new() }],
        note: String::new(),
    };
    let error = setup.network.file_subsidy_use_report(&setup.admin1, at(2019, 3, 1), too_much).unwrap_err();
    assert_eq!(error.code(), "rule_violation");
    let report = SubsidyUseReport {
        unit: unit("U1"),
        year: 2017,
        lines: vec![
            UseLine { purpose: UsePurpose::Maintenance, amount: yuan("600.00"), note: "色谱柱更换".into() },
            UseLine { purpose: UsePurpose::Consumables, amount: yuan("400.00"), note: String::new() },
        ],
        note: String::new(),
    };
    let denied = setup.network.file_subsidy_use_report(&setup.admin2, at(2019, 3, 1), report.clone()).unwrap_err();
    assert_eq!(denied.code(), "permission_denied");
    setup.events.push(setup.network.file_subsidy_use_report(&setup.admin1, at(2019, 3, 1), report).unwrap());
    setup.apply(&setup.admin1.clone(), form);
    assert_eq!(Network::replay(&setup.events).unwrap(), setup.network);
}

#[test]
fn withdrawn_application_can_be_filed_again() {
    let mut setup = Setup::new();
    setup.two_applications();
    let event = setup.network.withdraw_subsidy_application(&setup.admin2, at(2018, 10, 9), unit("U2"), 2017).unwrap();
    setup.events.push(event);
    let state = setup.network.subsidy_application(&setup.admin2, &unit("U2"), 2017).unwrap().state;
    assert_eq!(state, ApplicationState::Withdrawn);
    setup.audit("U1", 2017);
    let event = setup.network.allocate_subsidies(&setup.office, at(2018, 11, 1), 2017, yuan("100.00")).unwrap();
    setup.events.push(event);
    let allocation = setup.network.subsidy().allocation(&setup.office, 2017).unwrap();
    assert_eq!(allocation.allocation.units.len(), 1);
    let history = setup.network.subsidy().history(&setup.office).unwrap();
    assert_eq!(history.total_paid, yuan("100.00"));
    assert_eq!(setup.network.subsidy().history(&setup.admin1).unwrap_err().code(), "permission_denied");
}

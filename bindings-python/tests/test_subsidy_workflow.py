"""The subsidy workflow and the special fund on a Network, through Python.

Two member units with one published instrument each apply for the 2017
subsidy; U2 repeats U1's invoice FP-1, so the audit excludes that line.
"""

import json
from datetime import date, datetime, timezone
from decimal import Decimal

import pytest

import labshare
from labshare import Actor, InstrumentRecord, Network, Unit

OFFICE = Actor.office("office-1")
ADMIN1 = Actor.unit_admin("admin-u1", "U1")
ADMIN2 = Actor.unit_admin("admin-u2", "U2")


def at(year, month, day):
    return datetime(year, month, day, 2, 0, tzinfo=timezone.utc)


def rule_set(version, allocation=None):
    return {
        "id": "xj-subsidy",
        "version": version,
        "title": {"zh": "运行补贴实施细则", "en": "Operating subsidy rules"},
        "years": {"from": 2017},
        "text": {"zh": "按核算后的对外服务收入比例分配。", "en": "Split in proportion to audited external income."},
        "audit": {"client_regions": ["65"]},
        "allocation": allocation or {"base": {"method": "proportional"}},
    }


def record(number, instrument, amount, day=date(2017, 6, 1)):
    return {
        "document_kind": "invoice",
        "document_number": number,
        "date": day,
        "client": "某化工公司",
        "client_region": "650100",
        "relation": "independent",
        "instrument": instrument,
        "mode": "commissioned",
        "nature": "general",
        "amount": Decimal(amount),
    }


FUND_BUDGET = [
    {"category": "office_costs", "amount": Decimal("200000")},
    {"category": "subsidies", "amount": Decimal("700000")},
    {"category": "rewards", "amount": Decimal("50000")},
    {"category": "vouchers", "amount": Decimal("50000")},
]


def two_units():
    """Two units with one published instrument each."""
    network = Network()
    for unit_id, name in [("U1", "示例研究所"), ("U2", "示例大学")]:
        network.register_unit(OFFICE, at(2017, 1, 2), Unit(unit_id, name, "institute", "乌鲁木齐市"))
    instrument = InstrumentRecord(
        name="气相色谱仪",
        category_code="010101",
        source="purchased",
        original_value=Decimal("500000"),
        country_of_origin="US",
        manufacturer="Agilent Technologies",
        model="7890B",
        commissioning_date=date(2015, 3, 1),
        specifications="见说明书",
        functions="有机物分析",
        operating_status="normal",
        sharing_mode="external",
        location="乌鲁木齐市",
    )
    for instrument_id, owner, admin in [("I1", "U1", ADMIN1), ("I2", "U2", ADMIN2)]:
        network.submit_instrument(admin, at(2017, 1, 3), instrument_id, owner, instrument)
        network.publish_instrument(OFFICE, at(2017, 1, 5), instrument_id)
    return network


@pytest.fixture
def network():
    """Two units, rule set version 1 and both units' applications for 2017."""
    network = two_units()
    network.publish_rule_set(OFFICE, at(2018, 9, 1), rule_set(1))
    network.apply_for_subsidy(
        ADMIN1,
        at(2018, 10, 8),
        {"unit": "U1", "year": 2017, "records": [record("FP-1", "I1", "30000.00"), record("FP-2", "I1", "10000.00")]},
    )
    network.apply_for_subsidy(
        ADMIN2,
        at(2018, 10, 8),
        {"unit": "U2", "year": 2017, "records": [record("FP-1", "I2", "5000.00"), record("FP-3", "I2", "20000.00")]},
    )
    return network


def audit_both(network):
    network.audit_subsidy_application(OFFICE, at(2018, 10, 20), "U1", 2017)
    network.audit_subsidy_application(OFFICE, at(2018, 10, 20), "U2", 2017)


def test_apply_needs_published_rules():
    network = two_units()
    form = {"unit": "U1", "year": 2017, "records": [record("FP-1", "I1", "1.00")]}
    with pytest.raises(labshare.LabshareError) as raised:
        network.apply_for_subsidy(ADMIN1, at(2018, 10, 1), form)
    assert raised.value.code == "rule_violation"
    assert raised.value.rule == "subsidy.no_rule_set"


def test_unit_admin_reads_only_its_own_application_and_audit(network):
    audit_both(network)
    assert network.subsidy_application(ADMIN1, "U1", 2017)["form"]["unit"] == "U1"
    assert Decimal(network.subsidy_audit(ADMIN1, "U1", 2017)["audited_total"]) == Decimal("40000")
    denied = [
        lambda: network.subsidy_application(ADMIN1, "U2", 2017),
        lambda: network.subsidy_audit(ADMIN1, "U2", 2017),
        lambda: network.subsidy_audit(ADMIN2, "U1", 2017),
        lambda: network.subsidy_audit(Actor.user("visitor", "U1"), "U1", 2017),
        lambda: network.subsidy_applications(ADMIN1, 2017),
    ]
    for call in denied:
        with pytest.raises(labshare.PermissionDeniedError) as raised:
            call()
        assert raised.value.code == "permission_denied"
    assert len(network.subsidy_applications(OFFICE, 2017)) == 2


def test_unit_admin_cannot_change_another_units_audit(network):
    network.audit_subsidy_application(OFFICE, at(2018, 10, 20), "U2", 2017)
    before = network.state_json()
    adjustment = {"line": 1, "amount": Decimal("1.00"), "reason": "改小"}
    attempts = [
        lambda: network.adjust_subsidy_audit(ADMIN1, at(2018, 10, 21), "U2", 2017, adjustment),
        lambda: network.adjust_subsidy_audit(ADMIN2, at(2018, 10, 21), "U2", 2017, adjustment),
        lambda: network.audit_subsidy_application(ADMIN1, at(2018, 10, 21), "U2", 2017),
        lambda: network.withdraw_subsidy_application(ADMIN1, at(2018, 10, 21), "U2", 2017),
        lambda: network.allocate_subsidies(ADMIN2, at(2018, 10, 21), 2017, Decimal("100")),
    ]
    for call in attempts:
        with pytest.raises(labshare.PermissionDeniedError):
            call()
    assert network.state_json() == before


def test_invoice_claimed_by_another_unit_is_excluded(network):
    audit_both(network)
    audit2 = network.subsidy_audit(OFFICE, "U2", 2017)
    assert Decimal(audit2["audited_total"]) == Decimal("20000")
    assert [e["code"] for e in audit2["records"][0]["exclusions"]] == ["already_claimed"]


def test_adjustment_with_reason_and_replay(network):
    network.audit_subsidy_application(OFFICE, at(2018, 10, 20), "U1", 2017)
    adjustment = {"line": 2, "amount": Decimal("6000.00"), "reason": "发票含耗材费 4000 元"}
    network.adjust_subsidy_audit(OFFICE, at(2018, 10, 22), "U1", 2017, adjustment)
    audit = network.subsidy_audit(ADMIN1, "U1", 2017)
    assert Decimal(audit["computed_total"]) == Decimal("40000")
    assert Decimal(audit["audited_total"]) == Decimal("36000")
    assert Decimal(audit["adjustments"][0]["previous"]) == Decimal("10000")
    steps = [h["step"] for h in network.subsidy_application(ADMIN1, "U1", 2017)["history"]]
    assert steps == ["submitted", "audited", "adjusted"]
    with pytest.raises(labshare.InvalidInputError) as raised:
        network.adjust_subsidy_audit(OFFICE, at(2018, 10, 23), "U1", 2017, {"line": 1, "amount": "1.00", "reason": " "})
    assert raised.value.code == "missing"
    assert Network.replay(network.events()) == network


def test_allocate_pay_report_and_explain(network):
    audit_both(network)
    network.open_fund_year(OFFICE, at(2018, 1, 5), 2018, Decimal("1000000"), FUND_BUDGET)
    network.allocate_subsidies(OFFICE, at(2018, 11, 1), 2017, Decimal("1500.00"))

    share = network.subsidy_share(ADMIN1, "U1", 2017)
    assert share["amount"] == "1000.00"
    english = "\n".join(step["en"] for step in share["explanation"]["steps"])
    assert "rule set xj-subsidy version 1" in english
    assert "subsidy amount: 1,000.00元" in english
    with pytest.raises(labshare.PermissionDeniedError):
        network.subsidy_share(ADMIN2, "U1", 2017)
    with pytest.raises(labshare.PermissionDeniedError):
        network.subsidy_allocation(ADMIN1, 2017)
    assert network.subsidy_application(OFFICE, "U2", 2017)["state"] == "allocated"
    allocation = network.subsidy_allocation(OFFICE, 2017)
    assert allocation["allocation"]["rule_set"] == {"id": "xj-subsidy", "version": 1}

    network.pay_subsidies(OFFICE, at(2018, 12, 10), 2017, 2018)
    report = network.fund_report(OFFICE, 2018)
    assert Decimal(report["spent"]) == Decimal("1500")
    ledger = network.fund_year(OFFICE, 2018)["ledger"]
    payments = [(e["kind"]["payee"], Decimal(e["amount"])) for e in ledger if e["kind"]["kind"] == "payment"]
    assert payments == [("U1", Decimal("1000")), ("U2", Decimal("500"))]
    with pytest.raises(labshare.ConflictError) as raised:
        network.pay_subsidies(OFFICE, at(2018, 12, 11), 2017, 2018)
    assert raised.value.code == "invalid_state"
    with pytest.raises(labshare.PermissionDeniedError):
        network.fund_report(ADMIN1, 2018)
    history = network.subsidy_history(OFFICE)
    assert Decimal(history["total_paid"]) == Decimal("1500")
    assert Network.replay(network.events()) == network


def test_use_report_and_withdraw(network):
    audit_both(network)
    network.allocate_subsidies(OFFICE, at(2018, 11, 1), 2017, Decimal("1500.00"))
    report = {
        "unit": "U1",
        "year": 2017,
        "lines": [
            {"purpose": "maintenance", "amount": Decimal("600.00"), "note": "色谱柱更换"},
            {"purpose": "consumables", "amount": Decimal("400.00"), "note": ""},
        ],
        "note": "",
    }
    with pytest.raises(labshare.PermissionDeniedError):
        network.file_subsidy_use_report(ADMIN2, at(2019, 3, 1), report)
    network.file_subsidy_use_report(ADMIN1, at(2019, 3, 1), report)
    filed = network.subsidy_use_report(ADMIN1, "U1", 2017)
    assert filed["report"]["lines"][0]["amount"] == "600.00"
    with pytest.raises(labshare.PermissionDeniedError):
        network.subsidy_use_report(ADMIN2, "U1", 2017)
    assert [r["rule_set"]["version"] for r in network.subsidy_rule_sets()] == [1]
    assert Network.replay(network.events()) == network


def test_withdrawn_application_leaves_one_unit(network):
    network.withdraw_subsidy_application(ADMIN2, at(2018, 10, 9), "U2", 2017)
    assert network.subsidy_application(ADMIN2, "U2", 2017)["state"] == "withdrawn"
    network.audit_subsidy_application(OFFICE, at(2018, 10, 20), "U1", 2017)
    network.allocate_subsidies(OFFICE, at(2018, 11, 1), 2017, Decimal("100.00"))
    assert len(network.subsidy_allocation(OFFICE, 2017)["allocation"]["units"]) == 1


def test_bad_json_names_the_argument():
    with pytest.raises(labshare.InvalidInputError) as raised:
        labshare.allocate_subsidy_amounts({"id": "x"}, Decimal("1"), [])
    assert (raised.value.code, raised.value.field) == ("invalid_value", "rule_set")
    with pytest.raises(TypeError):
        labshare.subsidy_concentration([1.5])
    text = json.dumps(["60.00", "40.00"])
    assert labshare.subsidy_concentration(text)["recipients"] == 2


def test_readme_subsidy_example():
    rules = {
        "id": "xj-subsidy",
        "version": 1,
        "title": {"zh": "运行补贴实施细则", "en": "Operating subsidy rules"},
        "years": {"from": 2017},
        "text": {"zh": "按比例分配，每单位不超过 20 万元。", "en": "Proportional, at most 20万元 a unit."},
        "allocation": {"base": {"method": "proportional"}, "cap": Decimal("200000")},
    }
    incomes = [{"unit": "U1", "audited": Decimal("40000")}, {"unit": "U2", "audited": Decimal("20000")}]
    result = labshare.allocate_subsidy(rules, Decimal("1500"), incomes)
    assert result["units"][0]["amount"] == "1000.00"
    assert result["units"][1]["amount"] == "500.00"
    assert result["rule_set"] == {"id": "xj-subsidy", "version": 1}


@pytest.mark.parametrize("cap", [Decimal("600"), Decimal("600.000"), Decimal("6E+2"), 600, "600.00"])
def test_amount_forms_in_plain_data(cap):
    rules = {
        "id": "forms",
        "version": 1,
        "title": {"zh": "形式", "en": "Forms"},
        "years": {"from": 2017},
        "text": {"zh": "封顶 600 元。", "en": "Capped at 600 元."},
        "allocation": {"base": {"method": "proportional"}, "cap": cap},
    }
    incomes = [{"unit": "U1", "audited": Decimal("9000.0")}, {"unit": "U2", "audited": Decimal("1E+3")}]
    if isinstance(cap, int):
        # An int in the JSON is a number, and core reads amounts only from text.
        with pytest.raises(labshare.InvalidInputError) as raised:
            labshare.allocate_subsidy_amounts(rules, Decimal("1000"), incomes)
        assert (raised.value.code, raised.value.field) == ("invalid_value", "rule_set")
        return
    result = labshare.allocate_subsidy_amounts(rules, Decimal("1000"), incomes)
    assert [(u["unit"], u["amount"], u["limit"]) for u in result["units"]] == [
        ("U1", "600.00", "cap"),
        ("U2", "400.00", "none"),
    ]


def test_negative_zero_and_inexact_amounts_keep_core_codes():
    rules = {
        "id": "forms",
        "version": 1,
        "title": {"zh": "形式", "en": "Forms"},
        "years": {"from": 2017},
        "text": {"zh": "按比例。", "en": "Proportional."},
        "allocation": {"base": {"method": "proportional"}},
    }
    incomes = [{"unit": "U1", "audited": Decimal("-0")}, {"unit": "U2", "audited": Decimal("5")}]
    result = labshare.allocate_subsidy_amounts(rules, Decimal("10"), incomes)
    assert [u["amount"] for u in result["units"]] == ["0.00", "10.00"]
    with pytest.raises(labshare.InvalidInputError):
        labshare.allocate_subsidy_amounts(rules, Decimal("10"), [{"unit": "U1", "audited": Decimal("1.001")}])

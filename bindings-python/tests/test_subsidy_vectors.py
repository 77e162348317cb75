"""The subsidy and fund vectors of testdata/, run against the Python binding.

Reads subsidy_rules.json, subsidy_audit.json, subsidy_analysis.json and
fund.json, and makes the checks of the Rust runner core/tests/subsidy_vectors.rs
case by case: every expected field, error codes, and for the fund that a
failed step changes nothing and that the events replay to an equal network.
Amounts and ratios compare as numbers, so "0.9" equals "0.90", as core's
Decimal comparison does.
"""

import json
from datetime import datetime, timezone
from decimal import Decimal
from pathlib import Path

import pytest

import labshare
from labshare import Actor, LabshareError, Network

TESTDATA = Path(__file__).resolve().parents[2] / "testdata"
OFFICE = Actor.office("office")
NOW = datetime(2018, 12, 10, 2, 0, tzinfo=timezone.utc)


def load(file_name):
    document = json.loads((TESTDATA / file_name).read_text(encoding="utf-8"))
    assert isinstance(document["description"], str), f"{file_name} lacks a description"
    return document["cases"]


def cases_of(file_name):
    return [pytest.param(case, id=case["name"]) for case in load(file_name)]


def rule_set(allocation, audit=None, rewards=None):
    """The rule set the Rust runner wraps around each case's rules."""
    rules = {
        "id": "vector",
        "version": 1,
        "title": {"zh": "测试细则", "en": "Vector rules"},
        "years": {"from": 2000},
        "text": {"zh": "测试用细则。", "en": "Rules for the conformance vectors."},
        "allocation": allocation,
    }
    if audit is not None:
        rules["audit"] = audit
    if rewards is not None:
        rules["rewards"] = rewards
    return rules


PROPORTIONAL = {"base": {"method": "proportional"}}


def same(got, want):
    """Amounts and ratios from core and from a vector are equal as numbers."""
    return Decimal(got) == Decimal(want)


def expect_error(case, call):
    with pytest.raises(LabshareError) as raised:
        call()
    assert raised.value.code == case["error"], f"{case['name']}: {raised.value}"


def test_vector_files_are_not_empty():
    assert len(load("subsidy_rules.json")) >= 20
    assert len(load("subsidy_audit.json")) >= 5
    assert load("subsidy_analysis.json")
    assert load("fund.json")


@pytest.mark.parametrize("case", cases_of("subsidy_rules.json"))
def test_subsidy_rules_vector(case):
    if case["op"] == "allocate":
        run_allocate(case)
    elif case["op"] == "rewards":
        run_rewards(case)
    else:
        pytest.fail(f"unknown op {case['op']!r}")


def run_allocate(case):
    rules = rule_set(case["allocation"])
    budget = Decimal(case["budget"])
    call = lambda: labshare.allocate_subsidy(rules, budget, case["incomes"])  # noqa: E731
    if "error" in case:
        expect_error(case, call)
        expect_error(case, lambda: labshare.allocate_subsidy_amounts(rules, budget, case["incomes"]))
        if not any("instruments" in income for income in case["incomes"]):
            units, audited = columns_of(case["incomes"])
            expect_error(case, lambda: labshare.allocate_subsidy_columns(rules, budget, units, audited))
        return
    result = call()
    expected = case["expected"]
    assert len(result["units"]) == len(expected["amounts"])
    for unit in result["units"]:
        assert same(unit["amount"], expected["amounts"][unit["unit"]]), f"amount of {unit['unit']}"
        if "limits" in expected:
            assert unit["limit"] == expected["limits"][unit["unit"]], f"limit of {unit['unit']}"
    assert same(result["returned_to_fund"], expected["returned_to_fund"])
    assert Decimal(result["paid_total"]) + Decimal(result["returned_to_fund"]) == budget
    assert result["rule_set"] == {"id": "vector", "version": 1}
    # The fast form gives the same amounts and limits in the same order.
    amounts = labshare.allocate_subsidy_amounts(rules, budget, case["incomes"])
    assert [(u["unit"], u["amount"], u["limit"]) for u in amounts["units"]] == [
        (u["unit"], u["amount"], u["limit"]) for u in result["units"]
    ]
    assert amounts["returned_to_fund"] == result["returned_to_fund"]
    if not any("instruments" in income for income in case["incomes"]):
        check_columns(rules, budget, case["incomes"], result)


def columns_of(incomes):
    return [income["unit"] for income in incomes], [income["audited"] for income in incomes]


def check_columns(rules, budget, incomes, result):
    """The column form gives the amounts and limits of allocate_subsidy, from text and from fen."""
    units, audited = columns_of(incomes)
    want_fen = [int(Decimal(u["amount"]) * 100) for u in result["units"]]
    want_limits = [u["limit"] for u in result["units"]]
    from_text = labshare.allocate_subsidy_columns(rules, budget, units, audited)
    from_fen = labshare.allocate_subsidy_columns(
        rules, budget, units, audited_fen=[int(Decimal(a) * 100) for a in audited]
    )
    for columns in (from_text, from_fen):
        assert columns.amounts_fen == want_fen
        assert columns.limits == want_limits
        assert columns.paid_total == Decimal(result["paid_total"])
        assert columns.returned_to_fund == Decimal(result["returned_to_fund"])
        assert (columns.rule_set_id, columns.rule_set_version) == ("vector", 1)


def run_rewards(case):
    rules = rule_set(PROPORTIONAL, rewards=case["rewards"])
    call = lambda: labshare.allocate_rewards(rules, Decimal(case["pool"]), case["scores"])  # noqa: E731
    if "error" in case:
        expect_error(case, call)
        return
    result = call()
    expected = case["expected"]
    for award in result["awards"]:
        assert same(award["prize"], expected["prizes"][award["group"]]), f"prize of {award['group']}"
        # A group below the minimum score has no rank: absent on both sides.
        assert award.get("rank") == expected["ranks"].get(award["group"]), f"rank of {award['group']}"
    assert same(result["awarded_total"], expected["awarded_total"])
    assert same(result["returned_to_fund"], expected["returned_to_fund"])


@pytest.mark.parametrize("case", cases_of("subsidy_audit.json"))
def test_subsidy_audit_vector(case):
    assert case["op"] == "audit"
    rules = rule_set(PROPORTIONAL, audit=case["audit_rules"])
    call = lambda: labshare.audit_application(rules, case["form"], case["context"], case["adjustments"])  # noqa: E731
    if "error" in case:
        expect_error(case, call)
        return
    result = call()
    expected = case["expected"]
    for key in ("applied_total", "computed_total", "audited_total"):
        assert same(result[key], expected[key]), key
    assert result["rule_set"] == expected["rule_set"]
    assert len(result["records"]) == len(expected["lines"])
    for record, want in zip(result["records"], expected["lines"]):
        line = record["line"]
        assert line == want["line"]
        assert record["included"] == want["included"], f"line {line} included"
        assert [e["code"] for e in record["exclusions"]] == want["codes"], f"line {line} codes"
        assert same(record["counted"], want["counted"]), f"line {line} counted"
    by_instrument = {i["instrument"]: Decimal(i["audited"]) for i in result["by_instrument"]}
    assert by_instrument == {k: Decimal(v) for k, v in expected["by_instrument"].items()}


@pytest.mark.parametrize("case", cases_of("subsidy_analysis.json"))
def test_subsidy_analysis_vector(case):
    if case["op"] == "concentration":
        check_concentration(case["expected"], labshare.subsidy_concentration(case["amounts"]))
    elif case["op"] == "history":
        run_history(case)
    elif case["op"] == "what_if":
        run_what_if(case)
    else:
        pytest.fail(f"unknown op {case['op']!r}")


def check_concentration(expected, result):
    assert same(result["total"], expected["total"])
    assert result["recipients"] == expected["recipients"]
    assert same(result["top3_share"], expected["top3_share"])
    assert same(result["hhi"], expected["hhi"])


def run_history(case):
    call = lambda: labshare.subsidy_history(case["years"])  # noqa: E731
    if "error" in case:
        expect_error(case, call)
        return
    result = call()
    expected = case["expected"]
    for key in ("total_audited", "total_paid", "min_ratio", "max_ratio"):
        assert same(result[key], expected[key]), key
    assert len(result["years"]) == len(expected["years"])
    for line, want in zip(result["years"], expected["years"]):
        year = line["year"]
        assert year == want["year"]
        assert same(line["total_paid"], want["total_paid"]), year
        assert same(line["ratio"], want["ratio"]), year
        assert line["concentration"]["recipients"] == want["recipients"], year
        assert same(line["concentration"]["top3_share"], want["top3_share"]), year
        assert same(line["concentration"]["hhi"], want["hhi"]), year
        assert line["repeat_recipients"] == want["repeat_recipients"], year
        assert same(line["repeat_recipient_share"], want["repeat_recipient_share"]), year
        assert same(line["repeat_money_share"], want["repeat_money_share"]), year
    check_concentration(expected["overall"], result["overall"])
    assert result["multi_year_recipients"] == expected["multi_year_recipients"]
    assert same(result["multi_year_recipient_share"], expected["multi_year_recipient_share"])
    assert result["every_year_recipients"] == expected["every_year_recipients"]
    assert same(result["every_year_money_share"], expected["every_year_money_share"])
    assert len(result["units"]) == len(expected["units"])
    for unit, want in zip(result["units"], expected["units"]):
        assert unit["unit"] == want["unit"]
        assert same(unit["total"], want["total"]), unit["unit"]
        assert unit["years_paid"] == want["years_paid"], unit["unit"]


def run_what_if(case):
    result = labshare.subsidy_what_if(
        rule_set(case["a"]), rule_set(case["b"]), Decimal(case["budget"]), case["incomes"]
    )
    expected = case["expected"]
    assert len(result["rows"]) == len(expected["rows"])
    for row, want in zip(result["rows"], expected["rows"]):
        assert row["unit"] == want["unit"]
        for key in ("amount_a", "amount_b", "difference"):
            assert same(row[key], want[key]), f"{row['unit']} {key}"
    assert same(result["paid_difference"], expected["paid_difference"])


def run_fund_step(network, step):
    action = step["do"]
    if action == "open_year":
        return network.open_fund_year(OFFICE, NOW, step["year"], Decimal(step["appropriation"]), step["budget"])
    if action == "record_payment":
        return network.record_fund_payment(OFFICE, NOW, step["payment"])
    if action == "transfer":
        return network.transfer_fund_budget(OFFICE, NOW, step["transfer"])
    if action == "reverse_payment":
        return network.reverse_fund_payment(OFFICE, NOW, step["year"], step["entry"], step["reason"])
    if action == "close_year":
        return network.close_fund_year(OFFICE, NOW, step["year"])
    raise AssertionError(f"unknown step {action!r}")


@pytest.mark.parametrize("case", cases_of("fund.json"))
def test_fund_vector(case):
    assert case["op"] == "fund"
    network = Network()
    events = []
    for index, step in enumerate(case["steps"], start=1):
        before = network.state_json()
        if "error" in step:
            with pytest.raises(LabshareError) as raised:
                run_fund_step(network, step)
            assert raised.value.code == step["error"], f"step {index}: {raised.value}"
            assert network.state_json() == before, f"failed step {index} changed the state"
        else:
            events.append(run_fund_step(network, step))
    for year, want in case["expected"].items():
        report = network.fund_report(OFFICE, int(year))
        for key in ("appropriation", "carried_in", "available", "spent", "carried_out", "balance"):
            assert same(report[key], want[key]), f"{year} {key}"
        assert same(report["execution_rate"], want["execution_rate"]), f"{year} rate"
        assert report["closed"] == want["closed"], f"{year} closed"
        for line in report["categories"]:
            want_line = want["categories"][line["category"]]
            for key in ("available", "spent", "carried_out"):
                assert same(line[key], want_line[key]), f"{year} {line['category']} {key}"
    assert Network.replay(events) == network
    assert network.events() == events

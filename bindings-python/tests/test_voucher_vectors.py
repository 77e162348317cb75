"""Voucher conformance vectors from testdata/, run against the Python binding.

Covers ``credit_code.json``, ``sme_size.json`` and ``vouchers.json`` with the
checks of the Rust runner ``core/tests/voucher_vectors.rs``: every expected
field, the error code of every failing step and, for a rule violation, the
rule's name. A failing step must leave the state and the events as they were,
and every successful step records exactly one event.
"""

import json
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

import labshare
from labshare import Actor, InstrumentRecord, Network, Unit

TESTDATA = Path(__file__).resolve().parents[2] / "testdata"
SCHEME = "xj-cxq-2018"


def load(file_name):
    return json.loads((TESTDATA / file_name).read_text(encoding="utf-8"))["cases"]


def instant(text):
    # datetime.fromisoformat accepts a trailing "Z" only from Python 3.11 on.
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def ids(cases):
    return [case["name"] for case in cases]


# credit_code.json: parsing and check characters of unified social credit codes.

CREDIT_CODE_CASES = load("credit_code.json")


def test_credit_code_vectors_are_many():
    assert len(CREDIT_CODE_CASES) >= 20


@pytest.mark.parametrize("case", CREDIT_CODE_CASES, ids=ids(CREDIT_CODE_CASES))
def test_credit_code_vector(case):
    if case["op"] == "check_character":
        check = labshare.credit_code_check_character(case["input"])
        assert check == case["expected"]["check"]
        return

    assert case["op"] == "parse"
    if "error" in case:
        with pytest.raises(labshare.LabshareError) as raised:
            labshare.parse_credit_code(case["input"])
        assert raised.value.code == case["error"]
        assert case["message_contains"] in raised.value.message_en
        return

    code = labshare.parse_credit_code(case["input"])
    assert code.code == case["expected"]["code"]
    assert code.division == case["expected"]["division"]
    assert code.authority == code.code[0]


# sme_size.json: SME size classification under the 2011 standard.

SIZE_CASES = load("sme_size.json")


def test_size_vectors_are_many():
    assert len(SIZE_CASES) >= 100


@pytest.mark.parametrize("case", SIZE_CASES, ids=ids(SIZE_CASES))
def test_size_vector(case):
    assert case["op"] == "classify"
    arguments = (case["industry"], case["staff"], Decimal(case["revenue"]), Decimal(case["total_assets"]))
    if "error" in case:
        with pytest.raises(labshare.LabshareError) as raised:
            labshare.classify_size(*arguments)
        assert raised.value.code == case["error"]
        return

    result = json.loads(labshare.classify_size(*arguments))
    expected = case["expected"]
    assert result["class"] == expected["class"]
    assert result["industry"] == expected["industry"]
    tested = [{"class": test["class"], "reached": test["reached"]} for test in result["tests"]]
    assert tested == expected["tested"]
    assert result["explanation"]["steps"], "a classification explains itself"


# vouchers.json: the voucher lifecycle, run step by step on a network.

VOUCHER_CASES = load("vouchers.json")


def actor(value):
    return Actor(value["id"], value["role"], unit=value.get("unit"), enterprise=value.get("enterprise"))


def record(value):
    fields = dict(value)
    fields["original_value"] = Decimal(value["original_value"])
    fields["commissioning_date"] = date.fromisoformat(value["commissioning_date"])
    return InstrumentRecord(**fields)


def as_json(value):
    return json.dumps(value, ensure_ascii=False)


def run_step(network, step):
    """Run one step as a host would; a bad value fails inside the step."""
    who, now, op = actor(step["actor"]), instant(step["at"]), step["op"]
    if op == "register_unit":
        return network.register_unit(who, now, Unit(**step["unit"]))
    if op == "submit_instrument":
        return network.submit_instrument(who, now, step["instrument"], step["unit"], record(step["record"]))
    if op == "publish_instrument":
        return network.publish_instrument(who, now, step["instrument"])
    if op == "register_applicant":
        return network.register_applicant(who, now, as_json(step["applicant"]))
    if op == "record_provider_ties":
        return network.record_provider_ties(who, now, as_json(step["ties"]))
    if op == "publish_voucher_scheme":
        return network.publish_voucher_scheme(who, now, as_json(step["scheme"]))
    if op == "set_booking_policy":
        effective_from = instant(step["effective_from"])
        return network.set_booking_policy(who, now, step["instrument"], effective_from, as_json(step["policy"]))
    if op == "request_samples":
        return network.request_samples(who, now, as_json(step["request"])).event
    if op == "confirm_booking":
        return network.confirm_booking(who, now, step["booking"]).event
    if op == "complete_booking":
        return network.complete_booking(who, now, step["booking"], as_json(step["completion"])).event
    if op == "cancel_booking":
        return network.cancel_booking(who, now, step["booking"], step.get("reason")).event
    if op == "open_fund_year":
        return network.open_fund_year(who, now, step["year"], Decimal(step["appropriation"]), step["budget"])
    if op == "fund_voucher_pool":
        return network.fund_voucher_pool(who, now, step["scheme"], step["fund_year"], Decimal(step["amount"]))
    if op == "withdraw_from_voucher_pool":
        return network.withdraw_from_voucher_pool(who, now, step["scheme"], Decimal(step["amount"]), step["reason"])
    if op == "apply_for_vouchers":
        return network.apply_for_vouchers(who, now, as_json(step["request"]))
    if op == "score_voucher_application":
        return network.score_voucher_application(who, now, step["application"], Decimal(step["score"]))
    if op == "withdraw_voucher_application":
        return network.withdraw_voucher_application(who, now, step["application"])
    if op == "reject_voucher_application":
        return network.reject_voucher_application(who, now, step["application"], step["reason"])
    if op == "decide_voucher_applications":
        return network.decide_voucher_applications(who, now, step["scheme"])
    if op == "issue_vouchers":
        return network.issue_vouchers(who, now, step["application"])
    if op == "use_vouchers":
        return network.use_vouchers(who, now, as_json(step["request"]))
    if op == "cancel_voucher_use":
        return network.cancel_voucher_use(who, now, step["booking"], step["reason"])
    if op == "request_redemption":
        return network.request_redemption(who, now, as_json(step["request"]))
    if op == "audit_redemption":
        return network.audit_redemption(who, now, step["booking"], as_json(step["decision"]))
    if op == "expire_vouchers":
        return network.expire_vouchers(who, now, step["scheme"])
    raise AssertionError(f"op {op!r} is unknown to this runner")


def check_applications(network, expected_applications):
    for application_id, expected in expected_applications.items():
        application = json.loads(network.voucher_application(application_id))
        assert application["state"]["state"] == expected["state"], application_id
        assert application["granted"] == expected["granted"], application_id
        if "rank" in expected:
            assert application["decision"]["rank"] == expected["rank"], application_id
        if "limit" in expected:
            assert application["decision"]["limit"] == expected["limit"], application_id


def check_vouchers(network, expected_vouchers):
    for number, expected in expected_vouchers.items():
        voucher = json.loads(network.voucher(number))
        for field in ("face_value", "used", "remaining", "expired", "state"):
            assert voucher[field] == expected[field], f"{number}: {field}"


def check_services(network, expected_services):
    for booking, expected in expected_services.items():
        service_id = int(booking)
        service = json.loads(network.voucher_service_use(service_id))
        assert service["state"]["state"] == expected["state"], service_id
        assert service["total"] == expected["total"], service_id
        assert service["share"]["limit"] == expected["share_limit"], service_id


def check_pool(network, expected):
    totals = network.voucher_pool_totals(SCHEME)
    for field in ("funded", "withdrawn", "reserved", "paid", "free"):
        # str() compares text, so Decimal("1234.5") would fail "1234.50".
        assert str(getattr(totals, field)) == expected[field], f"pool {field}"


def check_fund(network, expected):
    office = Actor("office-1", "office")
    report = network.fund_report(office, 2018)
    line = next(c for c in report["categories"] if c["category"] == "vouchers")
    assert line["spent"] == expected["spent"], "fund spent"
    assert line["balance"] == expected["balance"], "fund balance"
    holding = json.loads(network.voucher_pool_holding(office, 2018, SCHEME))
    assert holding["held"] == expected["held"], "fund held"
    totals = network.voucher_pool_totals(SCHEME)
    cash = totals.funded - totals.withdrawn - totals.paid
    assert Decimal(holding["held"]) == cash, "fund ledger and pool disagree"


def check_report(network, expected):
    totals = json.loads(network.voucher_report(SCHEME))["totals"]
    for field in ("applications", "approved", "declined", "vouchers", "services", "users", "first_time_users"):
        assert totals[field] == expected[field], f"report {field}"
    for field in ("issued", "used", "redeemed", "expired"):
        assert totals[field] == expected[field], f"report {field}"


def test_voucher_vectors_are_many():
    assert len(VOUCHER_CASES) >= 15


@pytest.mark.parametrize("case", VOUCHER_CASES, ids=ids(VOUCHER_CASES))
def test_voucher_vector(case):
    network = Network()
    for index, step in enumerate(case["steps"]):
        before_state, before_events = network.state_json(), network.events()

        if "error" in step:
            with pytest.raises(labshare.LabshareError) as raised:
                run_step(network, step)
            assert raised.value.code == step["error"], f"step {index}: {raised.value}"
            if "rule" in step:
                assert raised.value.rule == step["rule"], f"step {index}: {raised.value}"
            elif raised.value.code != "rule_violation":
                assert raised.value.rule is None, f"step {index}: {raised.value}"
            assert network.state_json() == before_state, f"step {index}: a failed step changed the state"
            assert network.events() == before_events, f"step {index}: a failed step recorded an event"
            continue

        event = json.loads(run_step(network, step))
        assert event["seq"] == len(before_events) + 1, f"step {index}"

    expect = case.get("expect") or {}
    assert set(expect) <= {"applications", "vouchers", "services", "pool", "fund", "report"}
    check_applications(network, expect.get("applications", {}))
    check_vouchers(network, expect.get("vouchers", {}))
    check_services(network, expect.get("services", {}))
    if "pool" in expect:
        check_pool(network, expect["pool"])
    if "fund" in expect:
        check_fund(network, expect["fund"])
    if "report" in expect:
        check_report(network, expect["report"])
    assert Network.replay(network.events()) == network


def lifecycle_network():
    network = Network()
    for step in VOUCHER_CASES[0]["steps"]:
        if "error" not in step:
            run_step(network, step)
    return network


def test_report_renders_in_both_languages():
    network = lifecycle_network()
    report = json.loads(network.voucher_report(SCHEME))

    chinese = network.render_voucher_report(SCHEME, "zh")
    english = network.render_voucher_report(SCHEME, "en")

    assert chinese.startswith("创新券实施情况：")
    assert english.startswith("Innovation vouchers: ")
    assert report["title"]["en"] in english
    assert report["totals"]["issued"] in english


def test_render_rejects_unknown_language():
    network = lifecycle_network()
    with pytest.raises(labshare.InvalidInputError):
        network.render_voucher_report(SCHEME, "fr")


def test_unknown_scheme_is_not_found():
    with pytest.raises(labshare.NotFoundError) as raised:
        Network().voucher_pool_totals("no-such-scheme")
    assert raised.value.code == "not_found"


def test_malformed_json_is_invalid_value():
    office = Actor("office-1", "office")
    with pytest.raises(labshare.InvalidInputError) as raised:
        Network().apply_for_vouchers(office, instant("2018-03-01T02:00:00Z"), "{not json")
    assert raised.value.code == "invalid_value"
    assert raised.value.field == "request"


def test_pool_amount_keeps_core_amount_check():
    network = lifecycle_network()
    office = Actor("office-1", "office")
    with pytest.raises(labshare.InvalidInputError) as raised:
        network.fund_voucher_pool(office, instant("2018-03-01T02:00:00Z"), SCHEME, 2018, Decimal("0.001"))
    assert raised.value.code == "invalid_amount"

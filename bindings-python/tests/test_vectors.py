"""Shared conformance vectors from testdata/, run against the Python binding.

The Rust and Kotlin runners read the same files and make the same checks. A
case passes when every expected field it has matches: ``error`` means the
call must raise a ``LabshareError`` with that code.
"""

import json
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

import labshare
from labshare import Actor, InstrumentRecord, Network, Unit, UsageReport

TESTDATA = Path(__file__).resolve().parents[2] / "testdata"


def round_text(text):
    return labshare.round_money(Decimal(text))


# The vector files this runner reads, each with the function for every op.
OPERATIONS = {
    "money.json": {
        "parse": labshare.parse_money,
        "parse_rounded": labshare.parse_money_rounded,
        "round": round_text,
    },
}

# Expected-value fields, each with how to compute its actual value from the
# call's result. `yuan` compares text, so Decimal("1234.5") fails "1234.50".
RESULT_CHECKS = {
    "yuan": str,
    "format_yuan": labshare.format_yuan,
    "format_wan": labshare.format_wan,
}
KNOWN_FIELDS = {"name", "op", "input", "error", *RESULT_CHECKS}


def load(file_name):
    return json.loads((TESTDATA / file_name).read_text(encoding="utf-8"))["cases"]


def load_cases():
    params = []
    for file_name in OPERATIONS:
        for case in load(file_name):
            params.append(pytest.param(file_name, case, id=f"{file_name}:{case['name']}"))
    return params


@pytest.mark.parametrize(("file_name", "case"), load_cases())
def test_vector(file_name, case):
    unknown = sorted(set(case) - KNOWN_FIELDS)
    assert not unknown, f"fields {unknown} are unknown to this runner; add them to RESULT_CHECKS"
    operation = OPERATIONS[file_name].get(case["op"])
    assert operation is not None, f"op {case['op']!r} is unknown to this runner; add it to OPERATIONS"
    expected_fields = [field for field in RESULT_CHECKS if field in case]
    assert expected_fields or "error" in case, "case has no expected field"

    if "error" in case:
        with pytest.raises(labshare.LabshareError) as raised:
            operation(case["input"])
        assert raised.value.code == case["error"]
        return

    result = operation(case["input"])
    for field in expected_fields:
        actual = RESULT_CHECKS[field](result)
        assert actual == case[field], f"{field} of {case['input']!r}"


# allocation.json: proportional subsidy splits.

ALLOCATION_CASES = load("allocation.json")
ALLOCATION_FIELDS = {"name", "op", "budget", "claims", "expected", "error"}
ALLOCATION_EXPECTED = {"total_audited", "ratio_percent_4", "amounts", "adjusted"}


def test_allocation_vectors_are_many():
    assert len(ALLOCATION_CASES) >= 20


@pytest.mark.parametrize("case", ALLOCATION_CASES, ids=[case["name"] for case in ALLOCATION_CASES])
def test_allocation_vector(case):
    assert set(case) <= ALLOCATION_FIELDS, f"fields {sorted(set(case) - ALLOCATION_FIELDS)} are unknown to this runner"
    assert case["op"] == "allocate_proportional"
    budget = Decimal(case["budget"])
    claims = [labshare.Claim(claim["unit"], Decimal(claim["audited"])) for claim in case["claims"]]

    if "error" in case:
        with pytest.raises(labshare.LabshareError) as raised:
            labshare.allocate_proportional(budget, claims)
        assert raised.value.code == case["error"]
        return

    allocation = labshare.allocate_proportional(budget, claims)
    expected = case["expected"]
    assert set(expected) == ALLOCATION_EXPECTED
    assert str(allocation.total_audited) == expected["total_audited"]
    assert str(allocation.ratio_percent(4)) == expected["ratio_percent_4"]
    assert [str(share.amount) for share in allocation.shares] == expected["amounts"]
    adjusted = sorted(share.unit for share in allocation.shares if share.adjustment != 0)
    assert adjusted == expected["adjusted"]
    assert allocation.total == allocation.budget
    assert sum(share.amount for share in allocation.shares) == allocation.budget


# registry.json: registry workflow, role checks, field limits and usage.

REGISTRY_CASES = load("registry.json")
STEP_FIELDS = {
    "register_unit": {"unit"},
    "submit_instrument": {"instrument", "unit", "record"},
    "revise_instrument": {"instrument", "record"},
    "publish_instrument": {"instrument"},
    "return_instrument": {"instrument", "reason"},
    "file_usage": {"report"},
}
INSTRUMENT_EXPECTED = {"state", "published_name", "pending_name", "history"}
USAGE_EXPECTED = {"instruments", "operating_hours", "effective_hours", "samples", "external_income"}


def instant(text):
    # datetime.fromisoformat accepts a trailing "Z" only from Python 3.11 on.
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def actor(value):
    return Actor(value["id"], value["role"], unit=value.get("unit"), enterprise=value.get("enterprise"))


def record(value):
    fields = dict(value)
    fields["original_value"] = Decimal(value["original_value"])
    fields["commissioning_date"] = date.fromisoformat(value["commissioning_date"])
    return InstrumentRecord(**fields)


def usage_report(value):
    return UsageReport(
        instrument=value["instrument"],
        year=value["year"],
        operating_hours=Decimal(value["operating_hours"]),
        effective_hours=Decimal(value["effective_hours"]),
        samples=value["samples"],
        external_income=Decimal(value["external_income"]),
    )


def run_step(network, step):
    """Run one step as a host would: values are built first, so a bad value
    fails inside the step, as in the Rust runner."""
    who, now, op = actor(step["actor"]), instant(step["at"]), step["op"]
    if op == "register_unit":
        return network.register_unit(who, now, Unit(**step["unit"]))
    if op == "submit_instrument":
        return network.submit_instrument(who, now, step["instrument"], step["unit"], record(step["record"]))
    if op == "revise_instrument":
        return network.revise_instrument(who, now, step["instrument"], record(step["record"]))
    if op == "publish_instrument":
        return network.publish_instrument(who, now, step["instrument"])
    if op == "return_instrument":
        return network.return_instrument(who, now, step["instrument"], step["reason"])
    if op == "file_usage":
        return network.file_usage(who, now, usage_report(step["report"]))
    raise AssertionError(f"op {op!r} is unknown to this runner")


def check_expectations(network, expect):
    assert set(expect) <= {"instruments", "usage"}
    for instrument_id, expected in expect.get("instruments", {}).items():
        assert set(expected) == INSTRUMENT_EXPECTED
        instrument = network.instrument(instrument_id)
        assert instrument.state == expected["state"]
        published = instrument.published.name if instrument.published else None
        assert published == expected["published_name"]
        pending = instrument.pending.name if instrument.pending else None
        assert pending == expected["pending_name"]
        assert [entry.step for entry in instrument.history] == expected["history"]
    for year, expected in expect.get("usage", {}).items():
        assert set(expected) == USAGE_EXPECTED
        totals = network.network_usage_totals(int(year))
        assert totals.instruments == expected["instruments"]
        # Decimal equality ignores trailing zeros, as the Rust runner's
        # normalize() does: 1300.50 hours equals "1300.5".
        assert totals.operating_hours == Decimal(expected["operating_hours"])
        assert totals.effective_hours == Decimal(expected["effective_hours"])
        assert totals.samples == expected["samples"]
        assert str(totals.external_income) == expected["external_income"]


def test_registry_vectors_are_many():
    assert len(REGISTRY_CASES) >= 20


@pytest.mark.parametrize("case", REGISTRY_CASES, ids=[case["name"] for case in REGISTRY_CASES])
def test_registry_vector(case):
    assert set(case) <= {"name", "steps", "expect"}
    network = Network()
    for index, step in enumerate(case["steps"]):
        known = {"op", "actor", "at", "error"} | STEP_FIELDS.get(step["op"], set())
        assert set(step) <= known, f"step {index}: fields {sorted(set(step) - known)} are unknown"
        before_state, before_events = network.state_json(), network.events()

        if "error" in step:
            with pytest.raises(labshare.LabshareError) as raised:
                run_step(network, step)
            assert raised.value.code == step["error"], f"step {index}: {raised.value}"
            assert network.state_json() == before_state, f"step {index}: a failed step changed the state"
            assert network.events() == before_events, f"step {index}: a failed step recorded an event"
            continue

        event = json.loads(run_step(network, step))
        assert event["seq"] == len(before_events) + 1, f"step {index}"
        assert json.loads(network.events()[-1]) == event, f"step {index}"

    check_expectations(network, case.get("expect") or {})
    assert Network.replay(network.events()) == network

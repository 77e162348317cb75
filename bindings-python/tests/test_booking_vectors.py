"""testdata/booking.json run against the Python binding.

The checks are those of the Rust runner (core/tests/booking_vectors.rs) and
the Kotlin one: each case starts from the fixture network, steps run in
order, a step with ``error`` must raise that code (with ``rule`` for a rule
violation and ``message_contains`` in the English message) and change
nothing, and at the end replaying the journal gives an equal network.
"""

import json
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

import labshare
from labshare import Actor, InstrumentRecord, LabshareError, Network, SlotRequest, Unit

FILE = json.loads((Path(__file__).resolve().parents[2] / "testdata" / "booking.json").read_text(encoding="utf-8"))
FIXTURE = FILE["fixture"]
INSTRUMENT = FIXTURE["instruments"][0]["id"]


def instant(text):
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def actor(name):
    fields = FIXTURE["actors"][name]
    return Actor(fields["id"], fields["role"], fields.get("unit"), fields.get("enterprise"))


def record(fields):
    values = dict(fields)
    values["original_value"] = Decimal(values["original_value"])
    values["commissioning_date"] = date.fromisoformat(values["commissioning_date"])
    return InstrumentRecord(**values)


def build():
    network = Network()
    office, at = actor("office"), instant(FIXTURE["at"])
    for unit in FIXTURE["units"]:
        network.register_unit(office, at, Unit(**unit))
    for instrument in FIXTURE["instruments"]:
        network.submit_instrument(office, at, instrument["id"], instrument["unit"], record(instrument["record"]))
        network.publish_instrument(office, at, instrument["id"])
    return network


def slot_request(step):
    fields = dict(step["request"])
    for local, utc in (("start_local", "start"), ("end_local", "end")):
        if local in step:
            fields[utc] = labshare.local_to_utc(step[local]["local"], step[local]["zone"]).isoformat()
    return SlotRequest(
        instrument=fields["instrument"],
        start=instant(fields["start"]),
        end=instant(fields["end"]),
        people=fields.get("people", 1),
        purpose=fields.get("purpose", ""),
        voucher=fields.get("voucher"),
    )


def compare(expect, actual, step):
    for key, value in expect.items():
        assert actual.get(key) == value, f"field `{key}` in {step}"


def run_query(network, step, now):
    """Runs a query step and checks its `expect`."""
    op, expect = step["op"], step["expect"]
    if op == "view":
        view = json.loads(network.booking(step["booking"], now, step.get("viewer_zone")))
        # Slot fields live under `kind`; lift them so `expect` can name them directly.
        view.update(view.get("kind", {}))
        compare(expect, view, step)
    elif op == "series":
        series = json.loads(network.series(step["series"]))
        assert series["bookings"] == expect["bookings"], step
        skipped = [{"date": s["date"], "rule": s["rule"]} for s in series["skipped"]]
        assert skipped == expect["skipped"], step
    elif op == "availability":
        slots = json.loads(network.availability(step["instrument"], json.dumps(step["query"]), now))
        assert [[slot["start"], slot["end"]] for slot in slots] == expect["slots"], step
    elif op == "working_day_deadline":
        deadline = network.calendar().working_day_deadline(instant(step["from"]), step["days"])
        assert deadline == instant(expect["deadline"]), step
    else:
        pytest.fail(f"unknown op {op}")


def run_change(network, step, who, now):
    """Runs a change step and returns its receipt, or None for a setting."""
    op = step["op"]
    if op == "set_policy":
        policy = json.dumps(step["policy"])
        network.set_booking_policy(who, now, INSTRUMENT, instant(step["effective_from"]), policy)
    elif op == "set_profile":
        network.set_booking_profile(who, now, INSTRUMENT, json.dumps(step["profile"]))
    elif op == "add_blackout":
        network.add_blackout(who, now, INSTRUMENT, json.dumps(step["blackout"]))
    elif op == "request":
        return network.request_booking(who, now, slot_request(step))
    elif op == "join_waitlist":
        return network.join_waitlist(who, now, slot_request(step))
    elif op == "request_series":
        return network.request_series(who, now, json.dumps(step["request"]))
    elif op == "confirm":
        return network.confirm_booking(who, now, step["booking"])
    elif op == "reject":
        return network.reject_booking(who, now, step["booking"], step["reason"])
    elif op == "cancel":
        return network.cancel_booking(who, now, step["booking"], step.get("reason"))
    elif op == "reschedule":
        start, end = instant(step["start"]), instant(step["end"])
        return network.reschedule_booking(who, now, step["booking"], start, end)
    elif op == "edit_series":
        return network.edit_series(who, now, step["series"], json.dumps(step["edit"]))
    elif op == "check_in":
        return network.check_in(who, now, step["booking"])
    elif op == "complete":
        return network.complete_booking(who, now, step["booking"], json.dumps(step["completion"]))
    elif op == "accept_offer":
        return network.accept_offer(who, now, step["booking"])
    elif op == "decline_offer":
        return network.decline_offer(who, now, step["booking"])
    elif op == "sweep":
        return network.sweep_bookings(who, now)
    else:
        pytest.fail(f"unknown op {op}")
    return None


QUERIES = {"view", "series", "availability", "working_day_deadline"}


def run_step(network, step):
    who = actor(step.get("actor", "office"))
    now = instant(step.get("now", FIXTURE["at"]))
    if step["op"] in QUERIES:
        run_query(network, step, now)
        return
    if "error" in step:
        before, seq = network.state_json(), network.next_seq
        with pytest.raises(LabshareError) as raised:
            run_change(network, step, who, now)
        error = raised.value
        assert error.code == step["error"], f"error code for {step}: {error}"
        if "rule" in step:
            assert error.rule == step["rule"], f"rule for {step}: {error}"
        elif error.code != "rule_violation":
            assert error.rule is None, f"rule for {step}: {error}"
        if "message_contains" in step:
            assert step["message_contains"] in error.message_en, step
        assert network.state_json() == before and network.next_seq == seq, f"a failed step changed the state: {step}"
        return
    receipt = run_change(network, step, who, now)
    expect = step.get("expect", {})
    if "bookings" in expect:
        assert list(receipt.bookings) == expect["bookings"], f"bookings of {step}"
    if "series" in expect:
        assert receipt.series == expect["series"], f"series of {step}"
    if "waitlist" in expect:
        assert receipt.waitlist == expect["waitlist"], f"waitlist of {step}"


def test_file_covers_the_required_cases():
    assert len(FILE["cases"]) >= 11


@pytest.mark.parametrize("case", FILE["cases"], ids=[case["name"] for case in FILE["cases"]])
def test_booking_vector(case):
    assert case["op"] == "scenario", case["name"]
    network = build()
    for step in case["steps"]:
        run_step(network, step)
    assert Network.replay(network.events()) == network, "replaying the journal gives the same state"

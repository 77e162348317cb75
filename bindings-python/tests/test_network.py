"""The Network class: conversion of arguments and results, errors, events,
replay and concurrent use. The workflow rules themselves are covered by the
shared vectors in test_vectors.py."""

import json
import re
import sys
import threading
from dataclasses import replace
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

import labshare
from labshare import (
    Actor,
    ConflictError,
    IntegrityError,
    InvalidInputError,
    InstrumentRecord,
    Network,
    NotFoundError,
    PermissionDeniedError,
    Unit,
    UsageReport,
)

OFFICE = Actor.office("office-1")
ADMIN_A = Actor.unit_admin("admin-A", "A")
NOW = datetime(2017, 3, 1, 2, 0, tzinfo=timezone.utc)

RECORD = InstrumentRecord(
    name="气相色谱仪",
    english_name="Gas chromatograph",
    category_code="010101",
    source="purchased",
    original_value=Decimal("350000.00"),
    country_of_origin="US",
    manufacturer="Agilent Technologies",
    model="7890B",
    commissioning_date=date(2015, 6, 1),
    specifications="检测限 1 pg",
    functions="有机物定性定量分析",
    disciplines=("150",),
    operating_status="normal",
    sharing_mode="external",
    location="乌鲁木齐市",
)


def unit(unit_id):
    return Unit(unit_id, f"示例单位{unit_id}", "institute", "乌鲁木齐市")


def network_with_units(*unit_ids):
    network = Network()
    for unit_id in unit_ids:
        network.register_unit(OFFICE, NOW, unit(unit_id))
    return network


def published_network():
    network = network_with_units("A", "B")
    network.submit_instrument(ADMIN_A, NOW, "A-1", "A", RECORD)
    network.publish_instrument(OFFICE, NOW + timedelta(days=1), "A-1")
    return network


def report(**changes):
    fields = dict(
        instrument="A-1",
        year=2017,
        operating_hours=Decimal("1200"),
        effective_hours=Decimal("1000.5"),
        samples=300,
        external_income=Decimal("12000.00"),
    )
    fields.update(changes)
    return UsageReport(**fields)


def test_new_network_is_empty():
    network = Network()

    assert network.next_seq == 1
    assert network.events() == []
    assert network.units() == []
    assert network.instruments() == []


def test_register_unit_returns_event_json():
    network = Network()

    event = json.loads(network.register_unit(OFFICE, NOW, unit("A")))

    assert event["seq"] == 1
    assert event["at"] == "2017-03-01T02:00:00Z"
    assert event["actor"] == {"id": "office-1", "role": "office"}
    assert event["change"]["registry"]["type"] == "register_unit"
    assert event["change"]["registry"]["unit"]["kind"] == "institute"
    assert network.next_seq == 2
    assert network.unit("A") == unit("A")
    assert network.units() == [unit("A")]


def test_instrument_comes_back_with_python_types():
    network = published_network()

    instrument = network.instrument("A-1")

    assert instrument.id == "A-1"
    assert instrument.unit == "A"
    assert instrument.state == "published"
    assert instrument.return_reason is None
    assert instrument.pending is None
    assert instrument.published == RECORD
    assert type(instrument.published.original_value) is Decimal
    assert instrument.published.original_value.as_tuple().exponent == -2
    assert instrument.published.commissioning_date == date(2015, 6, 1)
    assert instrument.published.disciplines == ("150",)
    assert instrument.first_published_at == NOW + timedelta(days=1)
    assert instrument.first_published_at.tzinfo is not None
    steps = [(entry.seq, entry.actor, entry.step, entry.reason) for entry in instrument.history]
    assert steps == [(3, "admin-A", "submitted", None), (4, "office-1", "published", None)]


def test_returned_instrument_carries_reason():
    network = network_with_units("A")
    network.submit_instrument(ADMIN_A, NOW, "A-1", "A", RECORD)

    network.return_instrument(OFFICE, NOW, "A-1", "请补充主要技术指标")

    instrument = network.instrument("A-1")
    assert instrument.state == "returned"
    assert instrument.return_reason == "请补充主要技术指标"
    assert instrument.history[-1].reason == "请补充主要技术指标"


def test_revision_keeps_published_version():
    network = published_network()
    revised = replace(RECORD, name="气相色谱仪（升级）", original_value=Decimal("380000"))

    network.revise_instrument(ADMIN_A, NOW, "A-1", revised)

    instrument = network.instrument("A-1")
    assert instrument.state == "revision_pending"
    assert instrument.published == RECORD
    assert instrument.pending.name == "气相色谱仪（升级）"
    assert instrument.pending.original_value == Decimal("380000.00")


def test_beijing_time_stored_as_utc():
    network = Network()
    beijing = datetime(2017, 3, 1, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))

    event = json.loads(network.register_unit(OFFICE, beijing, unit("A")))

    assert event["at"] == "2017-03-01T02:00:00Z"


def test_naive_datetime_is_rejected():
    network = Network()

    with pytest.raises(InvalidInputError) as raised:
        network.register_unit(OFFICE, datetime(2017, 3, 1, 2, 0), unit("A"))

    assert raised.value.code == "invalid_value"
    assert raised.value.field == "now"
    assert "timezone" in raised.value.message_en
    assert network.next_seq == 1


def test_date_is_not_an_instant():
    with pytest.raises(TypeError):
        Network().register_unit(OFFICE, date(2017, 3, 1), unit("A"))


@pytest.mark.parametrize(
    ("changes", "code", "field"),
    [
        ({"original_value": Decimal("-1")}, "invalid_amount", "original_value"),
        ({"original_value": Decimal("1.001")}, "invalid_amount", "original_value"),
        ({"original_value": Decimal("1E+40")}, "invalid_amount", "original_value"),
        ({"category_code": "990101"}, "invalid_value", "category_code"),
        ({"source": "bought"}, "invalid_value", "source"),
        ({"operating_status": "broken"}, "invalid_value", "operating_status"),
        ({"sharing_mode": "public"}, "invalid_value", "sharing_mode"),
        ({"name": "仪" * 51}, "too_long", "name"),
        ({"name": " "}, "missing", "name"),
        ({"country_of_origin": "cn"}, "invalid_value", "country_of_origin"),
        ({"disciplines": ("1", "2", "3", "4", "5")}, "invalid_value", "disciplines"),
    ],
)
def test_bad_record_field_raises_core_error(changes, code, field):
    network = network_with_units("A")
    before = network.state_json()

    with pytest.raises(InvalidInputError) as raised:
        network.submit_instrument(ADMIN_A, NOW, "A-1", "A", replace(RECORD, **changes))

    assert raised.value.code == code
    assert raised.value.field == field
    assert network.state_json() == before
    assert len(network.events()) == 1


@pytest.mark.parametrize(
    "changes",
    [
        {"original_value": 350000.0},
        {"original_value": "350000"},
        {"commissioning_date": datetime(2015, 6, 1)},
        {"commissioning_date": "2015-06-01"},
        {"disciplines": "150"},
        {"name": 7},
    ],
)
def test_wrong_python_type_raises_type_error(changes):
    network = network_with_units("A")

    with pytest.raises(TypeError):
        network.submit_instrument(ADMIN_A, NOW, "A-1", "A", replace(RECORD, **changes))

    assert network.instruments() == []


def test_record_must_be_instrument_record():
    network = network_with_units("A")

    with pytest.raises(TypeError, match="labshare.registry.InstrumentRecord"):
        network.submit_instrument(ADMIN_A, NOW, "A-1", "A", {"name": "气相色谱仪"})


def test_int_original_value_is_accepted():
    network = network_with_units("A")

    network.submit_instrument(ADMIN_A, NOW, "A-1", "A", replace(RECORD, original_value=350000))

    assert network.instrument("A-1").pending.original_value == Decimal("350000.00")


def test_unknown_unit_kind_lists_kinds():
    with pytest.raises(InvalidInputError) as raised:
        Network().register_unit(OFFICE, NOW, Unit("A", "示例", "company", "乌鲁木齐市"))

    assert raised.value.code == "invalid_value"
    assert raised.value.field == "kind"
    assert "institute, university, testing_centre, enterprise, other" in raised.value.message_en


@pytest.mark.parametrize(
    ("actor", "code", "field"),
    [
        (Actor("x", "unit_admin"), "missing", "unit"),
        (Actor("x", "office", unit="A"), "invalid_value", "unit"),
        (Actor("x", "unit_admin", unit="A B"), "invalid_value", "unit_id"),
        (Actor("x", "superuser"), "invalid_value", "role"),
        (Actor("x", "enterprise"), "missing", "enterprise"),
    ],
)
def test_malformed_actor_is_rejected(actor, code, field):
    with pytest.raises(InvalidInputError) as raised:
        Network().register_unit(actor, NOW, unit("A"))

    assert raised.value.code == code
    assert raised.value.field == field


def test_actors_reach_events_as_core_roles():
    network = network_with_units("A")

    office_event = json.loads(network.register_unit(Actor.office("o"), NOW, unit("B")))
    admin_event = json.loads(network.submit_instrument(Actor.unit_admin("a", "A"), NOW, "A-1", "A", RECORD))

    assert office_event["actor"] == {"id": "o", "role": "office"}
    assert admin_event["actor"] == {"id": "a", "role": "unit_admin", "unit": "A"}


@pytest.mark.parametrize(
    "actor",
    [Actor.user("u"), Actor.user("u", "A"), Actor.enterprise_contact("u", "E1"), Actor.expert("u")],
)
def test_other_roles_may_not_register_units(actor):
    network = Network()

    with pytest.raises(PermissionDeniedError) as raised:
        network.register_unit(actor, NOW, unit("A"))

    assert raised.value.code == "permission_denied"
    assert '"u"' in raised.value.message_en


def test_lookups_raise_not_found_and_invalid_input():
    network = network_with_units("A")

    with pytest.raises(NotFoundError) as raised:
        network.unit("Z")
    assert raised.value.code == "not_found"
    with pytest.raises(NotFoundError):
        network.instrument("A-9")
    with pytest.raises(InvalidInputError) as raised:
        network.instrument("A 9")
    assert raised.value.field == "instrument_id"


def test_duplicate_unit_is_conflict():
    network = network_with_units("A")

    with pytest.raises(ConflictError) as raised:
        network.register_unit(OFFICE, NOW, unit("A"))

    assert raised.value.code == "already_exists"
    assert raised.value.category == "conflict"


def test_replay_rebuilds_equal_network():
    network = published_network()
    network.file_usage(ADMIN_A, NOW, report())

    replayed = Network.replay(network.events())

    assert replayed == network
    assert replayed.state_json() == network.state_json()
    assert replayed.events() == network.events()
    assert replayed.next_seq == network.next_seq == 6
    assert replayed != Network()


def test_apply_follows_stored_events_one_by_one():
    source = published_network()
    follower = Network()

    for event in source.events():
        follower.apply(event)

    assert follower == source


def test_apply_rejects_event_out_of_sequence():
    events = published_network().events()
    follower = Network()

    with pytest.raises(IntegrityError) as raised:
        follower.apply(events[1])

    assert raised.value.code == "corrupt"
    assert follower.next_seq == 1


def test_replay_rejects_gap_and_garbage():
    events = published_network().events()

    with pytest.raises(IntegrityError):
        Network.replay([events[0], events[2]])
    with pytest.raises(IntegrityError) as raised:
        Network.replay([events[0], "{not json"])
    assert "event 2" in raised.value.message_en
    with pytest.raises(TypeError):
        Network.replay([events[0], b"{}"])


def test_replay_repeats_role_checks():
    events = [json.loads(event) for event in published_network().events()]
    events[0]["actor"] = {"id": "user-1", "role": "user", "unit": None}

    with pytest.raises(PermissionDeniedError):
        Network.replay([json.dumps(event) for event in events])


def test_usage_queries_return_decimals():
    network = published_network()
    network.file_usage(ADMIN_A, NOW, report())

    filed = network.usage_report("A-1", 2017)
    assert filed == report()
    assert network.usage_report("A-1", 2016) is None
    assert network.usage_reports(2017) == [report()]
    totals = network.network_usage_totals(2017)
    assert (totals.instruments, totals.samples) == (1, 300)
    assert totals.operating_hours == Decimal("1200")
    assert totals.effective_hours == Decimal("1000.5")
    assert str(totals.external_income) == "12000.00"
    by_unit = network.usage_totals_by_unit(2017)
    assert list(by_unit) == ["A"]
    assert by_unit["A"] == totals
    assert network.network_usage_totals(2016).instruments == 0


@pytest.mark.parametrize(
    ("changes", "error", "field"),
    [
        ({"samples": -1}, InvalidInputError, "samples"),
        ({"samples": 2**64}, InvalidInputError, "samples"),
        ({"year": 2**40}, InvalidInputError, "year"),
        ({"year": 1999}, InvalidInputError, "year"),
        ({"operating_hours": Decimal("NaN")}, InvalidInputError, "operating_hours"),
        ({"operating_hours": Decimal("1E+40")}, InvalidInputError, "operating_hours"),
        ({"effective_hours": Decimal("-1")}, InvalidInputError, "effective_hours"),
        ({"external_income": Decimal("-0.01")}, InvalidInputError, "external_income"),
        ({"operating_hours": 12.5}, TypeError, None),
        ({"samples": True}, TypeError, None),
    ],
)
def test_bad_usage_report_is_rejected(changes, error, field):
    network = published_network()
    before = network.state_json()

    with pytest.raises(error) as raised:
        network.file_usage(ADMIN_A, NOW, report(**changes))

    if field is not None:
        assert raised.value.field == field
    assert network.state_json() == before


def test_value_band_table_counts_published_instruments():
    network = published_network()
    network.submit_instrument(ADMIN_A, NOW, "A-2", "A", replace(RECORD, original_value=Decimal("1500000")))

    table = network.value_band_table()

    assert [row.count for row in table.rows] == [0, 1, 0, 0]
    assert [row.band.label() for row in table.rows] == ["<20万元", "20–50万元", "50–100万元", "≥100万元"]
    assert table.total_count == 1
    assert table.total_value == Decimal("350000.00")
    custom = network.value_band_table([Decimal("300000")])
    assert [row.count for row in custom.rows] == [0, 1]
    with pytest.raises(InvalidInputError) as raised:
        network.value_band_table([500000, 200000])
    assert raised.value.field == "bounds"


def test_repr_counts_records():
    assert repr(published_network()) == "Network(next_seq=5, units=2, instruments=1)"


def test_network_is_not_equal_to_other_types():
    assert Network() != "network"
    with pytest.raises(TypeError):
        hash(Network())


@pytest.fixture
def frequent_thread_switches():
    """Switch between Python threads every microsecond rather than every 5 ms,
    so that both threads are inside the native call at the same moment."""
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    yield
    sys.setswitchinterval(interval)


def test_concurrent_submit_of_same_instrument_admits_one(frequent_thread_switches):
    # 200 units make each call long enough for the two to overlap. A binding
    # that copied the state outside the lock let both calls succeed in about
    # 30 of these 100 rounds (measured on a 2-core Linux machine).
    setup = Network()
    for index in range(200):
        setup.register_unit(OFFICE, NOW, unit(f"U{index}"))
    setup.register_unit(OFFICE, NOW, unit("A"))
    stored = setup.events()

    for round_number in range(100):
        network = Network.replay(stored)
        barrier = threading.Barrier(2)
        outcomes = []

        def submit():
            barrier.wait()
            try:
                outcomes.append(network.submit_instrument(ADMIN_A, NOW, "A-1", "A", RECORD))
            except ConflictError as error:
                outcomes.append(error)

        threads = [threading.Thread(target=submit) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

        events = [outcome for outcome in outcomes if isinstance(outcome, str)]
        errors = [outcome for outcome in outcomes if isinstance(outcome, ConflictError)]
        assert len(events) == 1, f"round {round_number}: {outcomes}"
        assert len(errors) == 1, f"round {round_number}: {outcomes}"
        assert errors[0].code == "already_exists"
        assert json.loads(events[0])["seq"] == 202
        assert len(network.events()) == 202
        assert network.instrument("A-1").history[0].seq == 202


def test_concurrent_submits_of_different_instruments_all_land(frequent_thread_switches):
    network = network_with_units("A")
    count = 8
    barrier = threading.Barrier(count)

    def submit(index):
        barrier.wait()
        network.submit_instrument(ADMIN_A, NOW, f"A-{index}", "A", RECORD)

    threads = [threading.Thread(target=submit, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert [json.loads(event)["seq"] for event in network.events()] == list(range(1, count + 2))
    assert len(network.instruments()) == count
    assert Network.replay(network.events()) == network


def test_package_exports_value_classes():
    assert labshare.Unit is Unit
    assert labshare.Network is Network


def test_readme_network_example_runs():
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    block = next(block for block in re.findall(r"```python\n(.*?)```", readme, re.S) if "Network()" in block)
    namespace = {}

    exec(block, namespace)

    assert namespace["network"].instrument("XJ01-001").state == "published"
    assert Network.replay(namespace["stored"]) == namespace["network"]

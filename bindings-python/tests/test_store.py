"""The SQLite store (labshare.Store) through the Python binding."""

import json
from datetime import datetime, timezone
from pathlib import Path

import pytest

import labshare
from labshare import Actor, ConflictError, IntegrityError, InvalidInputError, Network, Store, Unit

ROOT = Path(__file__).resolve().parents[2]
SERVICES = ROOT / "core" / "tests" / "data" / "exchange" / "services-2017.csv"
INSTRUMENTS = ROOT / "core" / "tests" / "data" / "exchange" / "instruments-2017.csv"

OFFICE = Actor.office("office-01")
NOW = datetime(2017, 11, 25, 2, 0, tzinfo=timezone.utc)
GENESIS = "0" * 64


def network_with_units():
    network = Network()
    network.register_unit(OFFICE, NOW, Unit("XJ-AT", "新疆分析测试研究院", "institute", "乌鲁木齐市"))
    network.register_unit(OFFICE, NOW, Unit("XJ-MS", "新疆大学测试中心", "university", "乌鲁木齐市"))
    return network


def add_instruments_and_services(network):
    network.apply_instrument_import(OFFICE, NOW, labshare.read_instrument_sheet_file(INSTRUMENTS))
    for instrument in ("XJ-AT-001", "XJ-AT-002", "XJ-MS-001", "XJ-MS-002"):
        network.publish_instrument(OFFICE, NOW, instrument)
    network.apply_service_import(OFFICE, NOW, labshare.read_service_sheet_file(SERVICES), take_good_rows=True)


def test_new_store_is_empty(tmp_path):
    store = Store(tmp_path / "network.sqlite3")

    assert store.head.seq == 0
    assert store.head.hash == GENESIS
    assert store.journal() == b""
    assert store.load().next_seq == 1


def test_append_stores_new_events_only(tmp_path):
    network = network_with_units()
    store = Store(tmp_path / "network.sqlite3")

    head = store.append(network)
    assert head.seq == 2
    assert store.append(network) == head

    add_instruments_and_services(network)
    head = store.append(network)
    assert head.seq == network.next_seq - 1 == 13
    assert store.journal() == labshare.write_journal(network.events())
    assert labshare.verify_journal(store.journal()).head == head


def test_load_and_replay_rebuild_network(tmp_path):
    network = network_with_units()
    add_instruments_and_services(network)
    path = tmp_path / "network.sqlite3"
    Store(path).append(network)

    reopened = Store(str(path))
    loaded = reopened.load()
    replayed = reopened.replay()

    assert loaded.state_json() == network.state_json()
    assert replayed.state_json() == network.state_json()
    assert loaded.events() == network.events()
    assert len(json.loads(loaded.service_records_json())) == 6


def test_snapshot_then_tail(tmp_path):
    network = network_with_units()
    store = Store(tmp_path / "network.sqlite3")
    store.append(network)
    assert store.save_snapshot(network).seq == 2

    add_instruments_and_services(network)
    store.append(network)
    loaded = store.load()

    assert loaded.state_json() == network.state_json()
    assert loaded.events() == network.events()
    check = store.verify()
    assert check.is_intact
    assert check.lines == 13


def test_snapshot_needs_network_at_head(tmp_path):
    network = network_with_units()
    store = Store(tmp_path / "network.sqlite3")

    with pytest.raises(InvalidInputError) as raised:
        store.save_snapshot(network)
    assert raised.value.code == "invalid_value"


def test_shorter_network_is_rejected(tmp_path):
    network = network_with_units()
    add_instruments_and_services(network)
    store = Store.in_memory()
    store.append(network)

    with pytest.raises(InvalidInputError) as raised:
        store.append(network_with_units())
    assert raised.value.field == "history"
    assert store.head.seq == 13


def test_network_with_same_history_continues_journal():
    store = Store.in_memory()
    store.append(network_with_units())
    longer = network_with_units()
    longer.register_unit(OFFICE, NOW, Unit("XJ-ZZ", "示例单位", "institute", "乌鲁木齐市"))

    assert store.append(longer).seq == 3
    assert store.load().state_json() == longer.state_json()


def test_forked_network_is_rejected():
    store = Store.in_memory()
    store.append(network_with_units())
    forked = Network()
    forked.register_unit(OFFICE, NOW, Unit("XJ-AT", "新疆分析测试研究院", "institute", "乌鲁木齐市"))
    forked.register_unit(OFFICE, NOW, Unit("XJ-ZZ", "示例单位", "institute", "乌鲁木齐市"))
    forked.register_unit(OFFICE, NOW, Unit("XJ-MS", "新疆大学测试中心", "university", "乌鲁木齐市"))

    with pytest.raises(InvalidInputError) as raised:
        store.append(forked)
    assert "event 2 differs" in raised.value.message_en
    assert store.head.seq == 2


def test_second_writer_gets_conflict(tmp_path):
    path = tmp_path / "network.sqlite3"
    first = Store(path)
    second = Store(path)
    network = network_with_units()
    first.append(network)

    with pytest.raises(ConflictError) as raised:
        second.append(network)
    assert raised.value.code == "concurrent_write"
    assert "reopen the store" in raised.value.message_en


def test_file_that_is_not_sqlite(tmp_path):
    path = tmp_path / "notes.sqlite3"
    path.write_text("这不是数据库 " * 100, encoding="utf-8")

    with pytest.raises(IntegrityError) as raised:
        Store(path)
    assert raised.value.code == "sqlite"
    assert raised.value.category == "integrity"
    assert "SQLite" in raised.value.message_zh

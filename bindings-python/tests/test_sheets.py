"""Spreadsheet import, the service-record book and the national export.

The tests read the files in core/tests/data/exchange/ and expect the
values that core/tests/exchange_services.rs checks. The instrument list
builds the network of that file. The service list has one bad row (10),
an unknown instrument (row 6) and a repeat of row 2 (row 7).
"""

import json
from datetime import date, datetime, timezone
from pathlib import Path

import pytest

import labshare
from labshare import (
    Actor,
    ConflictError,
    InvalidInputError,
    Network,
    Unit,
    read_instrument_sheet,
    read_instrument_sheet_file,
    read_service_sheet,
    read_service_sheet_file,
)

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "core" / "tests" / "data" / "exchange"
INSTRUMENTS = FIXTURES / "instruments-2017.csv"
SERVICES = FIXTURES / "services-2017.csv"

OFFICE = Actor.office("office-01")
AT_ADMIN = Actor.unit_admin("admin-xjat", "XJ-AT")
NOW = datetime(2017, 11, 25, 2, 0, tzinfo=timezone.utc)
PUBLISHED = ("XJ-AT-001", "XJ-AT-002", "XJ-MS-001", "XJ-MS-002")


def sample_network():
    """Two units, five instruments from the list, all but XJ-AT-003 published."""
    network = Network()
    network.register_unit(OFFICE, NOW, Unit("XJ-AT", "新疆分析测试研究院", "institute", "乌鲁木齐市"))
    network.register_unit(OFFICE, NOW, Unit("XJ-MS", "新疆大学测试中心", "university", "乌鲁木齐市"))
    outcome = network.apply_instrument_import(OFFICE, NOW, read_instrument_sheet_file(INSTRUMENTS))
    assert outcome.plan.count("submit") == 5
    for instrument in PUBLISHED:
        network.publish_instrument(OFFICE, NOW, instrument)
    return network


def imported_network():
    network = sample_network()
    network.apply_service_import(OFFICE, NOW, read_service_sheet_file(SERVICES), take_good_rows=True)
    return network


def test_instrument_list_reads_every_row():
    report = read_instrument_sheet_file(INSTRUMENTS)

    assert report.kind == "instruments"
    assert report.format == "csv_utf8"
    assert report.header_row == 1
    assert report.rows_read == 5
    assert report.record_count == 5
    assert report.is_clean
    rows = json.loads(report.records_json)
    assert [row["instrument"] for row in rows] == ["XJ-AT-001", "XJ-AT-002", "XJ-AT-003", "XJ-MS-001", "XJ-MS-002"]
    assert rows[0]["unit"] == "XJ-AT"
    assert rows[0]["record"]["commissioning_date"] == "2014-07-14"
    value_column = next(column for column in report.columns if column.header == "原值（元）")
    assert value_column.field == "original_value"
    assert value_column.money_unit == "yuan"
    assert value_column.used == "imported"


def test_service_list_reports_bad_row():
    report = read_service_sheet_file(SERVICES)

    assert report.kind == "services"
    assert report.rows_read == 9
    assert report.record_count == 8
    assert report.bad_rows == (10,)
    problem = report.problems[0]
    assert (problem.row, problem.column, problem.header, problem.value) == (10, "B", "服务日期", "2017-02-30")
    assert problem.reason.zh == "2017 年 2 月没有第 30 日；请核对日期"
    assert problem.reason.en == "2017-02 has no day 30; check the date"
    rows = json.loads(report.records_json)
    serial = next(row for row in rows if row["row"] == 5)
    assert serial["record"]["date"] == "2017-09-15"
    assert serial["record"]["samples"] == 3


def test_bytes_and_path_give_equal_reports():
    by_bytes = read_service_sheet(SERVICES.read_bytes(), "csv")
    assert by_bytes == read_service_sheet_file(SERVICES)
    assert read_service_sheet(SERVICES.read_bytes(), "CSV") == by_bytes


def test_mapping_adds_headers():
    text = SERVICES.read_text(encoding="utf-8").replace("仪器编号", "设备代码", 1)
    plain = read_service_sheet(text.encode("utf-8"), "csv")
    assert plain.record_count == 0
    assert plain.problems[0].header == "仪器编号"

    mapped = read_service_sheet(text.encode("utf-8"), "csv", json.dumps({"headers": {"设备代码": "instrument"}}))
    assert mapped.record_count == 8


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda: read_service_sheet(b"", "ods"), "format"),
        (lambda: read_service_sheet(SERVICES.read_bytes(), "csv", "{not json"), "mapping"),
        (lambda: read_service_sheet(SERVICES.read_bytes(), "csv", '{"headers": {"X": "price"}}'), "headers[X]"),
        (lambda: read_service_sheet_file(FIXTURES / "services.txt"), "path"),
    ],
)
def test_bad_arguments_name_their_field(call, field):
    with pytest.raises(InvalidInputError) as raised:
        call()
    assert raised.value.code == "invalid_value"
    assert raised.value.field == field


def test_missing_file_raises_os_error():
    with pytest.raises(FileNotFoundError):
        read_service_sheet_file(FIXTURES / "missing.csv")


def test_service_plan_shows_every_row():
    network = sample_network()
    events_before = network.events()
    plan = network.plan_service_import(OFFICE, NOW, read_service_sheet_file(SERVICES))

    assert [(row.row, row.action) for row in plan.rows] == [
        (2, "record"),
        (3, "record"),
        (4, "record"),
        (5, "record"),
        (6, "rejected"),
        (7, "rejected"),
        (8, "record"),
        (9, "record"),
    ]
    assert plan.bad_rows == (10,)
    assert not plan.is_clean
    assert "XJ-AT-009" in plan.rows[4].reason.en
    assert "repeats row 2" in plan.rows[5].reason.en
    assert "第 2 行" in plan.rows[5].reason.zh
    assert plan.rows[0].reason is None
    assert network.events() == events_before


def test_bad_rows_stop_service_import():
    network = sample_network()
    state = network.state_json()

    with pytest.raises(ConflictError) as raised:
        network.apply_service_import(OFFICE, NOW, read_service_sheet_file(SERVICES))

    assert raised.value.code == "rule_violation"
    assert "rows 6, 7, 10" in raised.value.message_en
    assert "第 6, 7, 10 行" in raised.value.message_zh
    assert network.state_json() == state
    assert json.loads(network.service_records_json()) == []


def test_good_rows_import_one_event_per_unit():
    network = sample_network()
    seq = network.next_seq
    outcome = network.apply_service_import(OFFICE, NOW, read_service_sheet_file(SERVICES), take_good_rows=True)

    assert len(outcome.events) == 2
    changes = [json.loads(event)["change"]["services"] for event in outcome.events]
    assert [(change["type"], change["unit"], len(change["records"])) for change in changes] == [
        ("import_services", "XJ-AT", 4),
        ("import_services", "XJ-MS", 2),
    ]
    assert network.events()[-2:] == list(outcome.events)
    assert network.next_seq == seq + 2

    book = json.loads(network.service_records_json())
    assert len(book) == 6
    assert book[0]["source"] == "imported"
    assert book[0]["seq"] == seq
    assert book[0]["record"]["user_contact"] == "李老师 13900000000"
    assert book[0]["record"]["amount"] == "1600.00"
    assert book[0]["record"]["mode"] == "commissioned"
    assert [entry["record"]["date"] for entry in json.loads(network.service_records_json("XJ-MS"))] == [
        "2017-09-03",
        "2017-09-15",
    ]
    assert Network.replay(network.events()).state_json() == network.state_json()


def test_reimport_adds_nothing():
    network = imported_network()
    state = network.state_json()
    report = read_service_sheet_file(SERVICES)

    plan = network.plan_service_import(OFFICE, NOW, report)
    assert plan.count("duplicate") == 7
    assert plan.count("rejected") == 1
    assert "equals a stored service record" in plan.rows[0].reason.en

    outcome = network.apply_service_import(OFFICE, NOW, report, take_good_rows=True)
    assert outcome.events == ()
    assert network.state_json() == state


def test_unit_admin_imports_own_instruments_only():
    network = sample_network()
    report = read_service_sheet_file(SERVICES)
    plan = network.plan_service_import(AT_ADMIN, NOW, report)

    assert [row.row for row in plan.rows if row.action == "rejected"] == [4, 5, 6, 7]
    assert "only the administrator of unit XJ-MS" in plan.rows[2].reason.en
    outcome = network.apply_service_import(AT_ADMIN, NOW, report, take_good_rows=True)
    assert len(outcome.events) == 1
    assert len(json.loads(network.service_records_json())) == 4


def test_report_kind_must_match():
    network = sample_network()
    with pytest.raises(InvalidInputError) as raised:
        network.plan_instrument_import(OFFICE, NOW, read_service_sheet_file(SERVICES))
    assert raised.value.field == "report"


def test_instrument_reimport_is_unchanged():
    network = sample_network()
    plan = network.plan_instrument_import(OFFICE, NOW, read_instrument_sheet_file(INSTRUMENTS))
    assert [row.action for row in plan.rows] == ["unchanged"] * 5
    assert plan.is_clean


def test_national_services_read_the_book():
    export = imported_network().national_services(NOW)

    assert export.kind == "services"
    assert export.rules_version == "2016 reporting tool"
    assert export.record_count == 5
    records = json.loads(export.records_json)
    assert [(r["instrument_id"], r["date"], r["submit_state"]) for r in records] == [
        ("XJ-AT-001", "2017-07-14", "正式"),
        ("XJ-AT-002", "2017-08-01", "正式"),
        ("XJ-AT-002", "2018-01-05", "正式"),
        ("XJ-AT-003", "2017-11-20", "草稿"),
        ("XJ-MS-001", "2017-09-03", "正式"),
    ]
    assert records[0]["amount_yuan"] == "1600.00"
    assert records[0]["rating"] == "很满意"
    assert [note.record for note in export.notes] == ["XJ-MS-002 2017-09-15"]
    assert "below the national threshold 50万元" in export.notes[0].note.en
    assert export.violations == ()

    csv = export.csv.decode("utf-8")
    assert csv.startswith("\ufeff仪器编号,服务日期,服务金额（元）,")
    assert csv.splitlines()[0].endswith(",用户评价,提交状态")
    assert len(csv.splitlines()) == 6
    assert "李老师" not in csv
    assert export.xlsx.startswith(b"PK")


def test_national_services_select_unit_and_period():
    network = imported_network()

    assert network.national_services(NOW, unit="XJ-MS").record_count == 1
    year = network.national_services(NOW, start=date(2017, 1, 1), until=date(2018, 1, 1))
    assert [r["date"] for r in json.loads(year.records_json)] == ["2017-07-14", "2017-08-01", "2017-11-20", "2017-09-03"]
    assert network.national_services(NOW, start=date(2017, 8, 1), until=date(2017, 8, 1)).record_count == 0


def test_national_services_leave_drafts_out():
    export = imported_network().national_services(NOW, rules='{"include_drafts": false}')
    assert export.record_count == 4
    assert [note.record for note in export.notes] == ["XJ-AT-003 2017-11-20", "XJ-MS-002 2017-09-15"]


def test_national_services_report_every_violation():
    rules = json.dumps({"service_limits": {"content": 4, "user_unit": 5}})
    export = imported_network().national_services(NOW, rules=rules)

    assert [(v.record, v.field, v.limit, v.actual) for v in export.violations] == [
        ("XJ-AT-001 2017-07-14", "user_unit", 5, 6),
        ("XJ-AT-002 2017-08-01", "content", 4, 6),
        ("XJ-AT-003 2017-11-20", "content", 4, 5),
        ("XJ-AT-003 2017-11-20", "user_unit", 5, 6),
    ]
    assert "at most 4" in export.violations[1].reason.en
    assert export.record_count == 2


def test_national_instruments_use_labels_and_wan():
    export = sample_network().national_instruments(NOW)

    records = json.loads(export.records_json)
    assert [(r["internal_id"], r["original_value_wan"], r["submit_state"]) for r in records] == [
        ("XJ-AT-001", "128.60", "正式"),
        ("XJ-AT-002", "215.00", "正式"),
        ("XJ-AT-003", "98.00", "草稿"),
        ("XJ-MS-001", "152.70", "正式"),
    ]
    assert records[0]["unit_name"] == "新疆分析测试研究院"
    assert records[0]["source"] == "购置"
    assert records[0]["sharing_mode"] == "外部共享"
    assert [note.record for note in export.notes] == ["XJ-MS-002"]
    assert "王工" not in export.csv.decode("utf-8")


def test_national_instruments_report_every_violation():
    export = sample_network().national_instruments(NOW, rules='{"instrument_limits": {"name": 8}}')
    assert [(v.record, v.field, v.limit, v.actual) for v in export.violations] == [
        ("XJ-AT-001", "name", 8, 9),
        ("XJ-AT-002", "name", 8, 11),
    ]
    assert export.record_count == 2


@pytest.mark.parametrize("format", ["csv", "xlsx"])
def test_service_round_trip_gives_equal_records(format):
    network = imported_network()
    rules = '{"min_original_value": null}'
    export = network.national_services(NOW, rules=rules)
    assert export.record_count == 6

    report = read_service_sheet(getattr(export, format), format)
    assert report.is_clean
    assert report.record_count == 6
    book = [entry["record"] for entry in json.loads(network.service_records_json())]
    for entry in book:
        entry["user_contact"] = ""
    assert [row["record"] for row in json.loads(report.records_json)] == book

    fresh = sample_network()
    fresh.apply_service_import(OFFICE, NOW, report)
    assert fresh.national_services(NOW, rules=rules).records_json == export.records_json


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_exports_write_to_path(tmp_path, suffix):
    network = imported_network()

    services = network.write_national_services(tmp_path / f"services{suffix}", NOW, unit="XJ-AT")
    instruments = network.write_national_instruments(tmp_path / f"instruments{suffix}", NOW)

    kind = suffix[1:]
    assert (tmp_path / f"services{suffix}").read_bytes() == getattr(services, kind)
    assert (tmp_path / f"instruments{suffix}").read_bytes() == getattr(instruments, kind)
    assert services.record_count == 4
    assert read_service_sheet_file(tmp_path / f"services{suffix}").record_count == 4


def test_export_to_unknown_extension_is_rejected(tmp_path):
    with pytest.raises(InvalidInputError) as raised:
        sample_network().write_national_instruments(tmp_path / "out.ods", NOW)
    assert raised.value.field == "path"
    assert not (tmp_path / "out.ods").exists()


def test_xlsx_export_is_deterministic():
    network = imported_network()
    assert network.national_services(NOW).xlsx == network.national_services(NOW).xlsx


def test_names_are_exported_from_package():
    for name in ["ImportReport", "ImportPlan", "NationalExport", "Store", "read_service_sheet"]:
        assert name in labshare.__all__

"""The booking engine and the working-day calendar through the Python binding."""

import json
import threading
from datetime import date, datetime, timedelta, timezone

import pytest

import labshare
from labshare import (
    Calendar,
    ConflictError,
    InvalidInputError,
    Network,
    PermissionDeniedError,
    SlotRequest,
)
from test_booking_vectors import INSTRUMENT, actor, build

UTC = timezone.utc
OWNER, OFFICE, ALICE, BOB = actor("owner"), actor("office"), actor("alice"), actor("bob")
SET_UP = datetime(2025, 9, 1, tzinfo=UTC)
ASKED = datetime(2025, 9, 30, 1, 0, tzinfo=UTC)
# Thursday 2025-10-09, 10:00 to 11:00 in Beijing, the first working day after the National Day break.
START = datetime(2025, 10, 9, 2, 0, tzinfo=UTC)
END = datetime(2025, 10, 9, 3, 0, tzinfo=UTC)
FEES = [
    {"user_type": "network_member", "basis": "hour", "rate": "100.00"},
    {"user_type": "external", "basis": "hour", "rate": "150.00"},
    {"user_type": "network_member", "basis": "sample", "test_item": "物相分析", "rate": "88.80"},
]


def slot(start=START, end=END):
    return SlotRequest(instrument=INSTRUMENT, start=start, end=end)


def with_policy(**policy):
    network = build()
    network.set_booking_policy(OWNER, SET_UP, INSTRUMENT, datetime(2025, 1, 1, tzinfo=UTC), json.dumps(policy))
    return network


def view(network, booking, now, viewer_zone=None):
    return json.loads(network.booking(booking, now, viewer_zone))


def assert_rule(error, rule):
    assert error.code == "rule_violation"
    assert error.rule == rule, error.message_en


# -- Two threads request one free slot at the same moment: exactly one wins. --


def race_once():
    network = with_policy(auto_confirm=True)
    barrier = threading.Barrier(2)
    outcomes = [None, None]

    def request(index, who):
        barrier.wait()
        try:
            outcomes[index] = network.request_booking(who, ASKED, slot())
        except ConflictError as error:
            outcomes[index] = error

    threads = [threading.Thread(target=request, args=(i, who)) for i, who in enumerate((ALICE, BOB))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return network, outcomes


def test_same_slot_race_one_wins():
    for _ in range(200):
        network, outcomes = race_once()
        receipts = [o for o in outcomes if isinstance(o, labshare.BookingReceipt)]
        errors = [o for o in outcomes if isinstance(o, ConflictError)]
        assert len(receipts) == 1, outcomes
        assert len(errors) == 1, outcomes
        assert receipts[0].bookings == (1,)
        assert_rule(errors[0], "booking.conflict")
        schedule = json.loads(network.schedule(INSTRUMENT, START, END, ASKED))
        assert [entry["id"] for entry in schedule] == [1]
        assert schedule[0]["state"] == "confirmed"
        # The loser's attempt left nothing behind: the journal replays to the same state.
        assert Network.replay(network.events()) == network


# -- Lifecycle --


def test_request_confirm_check_in_complete_writes_a_service_record():
    network = with_policy(fees=FEES)
    receipt = network.request_booking(ALICE, ASKED, slot())
    assert receipt.bookings == (1,)
    assert receipt.series is None
    assert receipt.waitlist is None
    assert json.loads(receipt.event)["change"]["booking"]["type"] == "request_slot"
    assert view(network, 1, ASKED)["state"] == "requested"

    network.confirm_booking(OWNER, ASKED + timedelta(hours=1), 1)
    with pytest.raises(ConflictError) as early:
        network.check_in(ALICE, START - timedelta(minutes=31), 1)
    assert_rule(early.value, "booking.check_in_window")
    network.check_in(ALICE, START - timedelta(minutes=15), 1)
    completion = {"actual_hours": "1.5", "samples": 3, "mode": "guided"}
    network.complete_booking(OWNER, END + timedelta(minutes=30), 1, json.dumps(completion))

    done = view(network, 1, END + timedelta(hours=1))
    assert done["state"] == "completed"
    assert done["completion"] == {"actual_hours": "1.5", "samples": 3, "mode": "guided"}
    records = json.loads(network.service_records(2025))
    assert len(records) == 1
    # 1.5 hours at the network-member rate of 100.00 per hour.
    assert records[0]["amount"] == "150.00"
    assert records[0]["client"] == "alice"
    assert records[0]["mode"] == "guided"
    assert records[0]["date"] == "2025-10-09"
    totals = json.loads(network.service_totals(INSTRUMENT, 2025))
    assert totals == {"records": 1, "hours": "1.5", "samples": 3, "amount": "150.00", "external_amount": "150.00"}
    assert json.loads(network.service_records(2024)) == []


def test_completion_amount_given_by_the_owner_is_kept_to_the_fen():
    network = with_policy(auto_confirm=True, fees=FEES)
    network.request_booking(ALICE, ASKED, slot())
    network.check_in(ALICE, START, 1)
    completion = {"actual_hours": "1", "samples": 0, "mode": "user_operated", "amount": "123.45"}
    network.complete_booking(OWNER, END, 1, json.dumps(completion))
    assert json.loads(network.service_records())[0]["amount"] == "123.45"


def test_reject_and_cancel():
    network = with_policy()
    network.request_booking(ALICE, ASKED, slot())
    network.reject_booking(OWNER, ASKED, 1, "仪器维修")
    assert view(network, 1, ASKED)["state"] == "rejected"
    assert view(network, 1, ASKED)["reason"] == "仪器维修"

    network.request_booking(ALICE, ASKED, slot())
    network.cancel_booking(ALICE, ASKED, 2)
    assert view(network, 2, ASKED)["state"] == "cancelled"

    network.request_booking(BOB, ASKED, slot())
    with pytest.raises(InvalidInputError) as no_reason:
        network.cancel_booking(OWNER, ASKED, 3)
    assert no_reason.value.code == "missing"
    network.cancel_booking(OWNER, ASKED, 3, "停电")
    assert view(network, 3, ASKED)["reason"] == "停电"


def test_user_cannot_cancel_inside_the_cutoff():
    network = with_policy(auto_confirm=True)
    network.request_booking(ALICE, ASKED, slot())
    with pytest.raises(ConflictError) as late:
        network.cancel_booking(ALICE, START - timedelta(hours=2), 1)
    assert_rule(late.value, "booking.cancel_cutoff")


def test_shorten_and_extend():
    network = with_policy(auto_confirm=True)
    network.request_booking(ALICE, ASKED, slot())
    network.reschedule_booking(ALICE, ASKED, 1, START, START + timedelta(minutes=30))
    assert view(network, 1, ASKED)["kind"]["end"] == "2025-10-09T02:30:00Z"
    network.reschedule_booking(ALICE, ASKED, 1, START, START + timedelta(hours=2))
    assert view(network, 1, ASKED)["kind"]["end"] == "2025-10-09T04:00:00Z"


def test_view_shows_instrument_and_viewer_clocks():
    network = with_policy()
    network.set_booking_profile(OWNER, SET_UP, INSTRUMENT, json.dumps({"zone": "Asia/Shanghai", "test_items": []}))
    network.request_booking(ALICE, ASKED, slot())
    kind = view(network, 1, ASKED, "Asia/Urumqi")["kind"]
    assert kind["start_local"] == {"local": "2025-10-09T10:00:00", "zone": "Asia/Shanghai"}
    assert kind["start_viewer"] == {"local": "2025-10-09T08:00:00", "zone": "Asia/Urumqi"}
    assert kind["end_viewer"] == {"local": "2025-10-09T09:00:00", "zone": "Asia/Urumqi"}
    assert "start_viewer" not in view(network, 1, ASKED)["kind"]


def test_series_skip_and_reject():
    network = with_policy()
    blackout = {
        "id": "m-1016",
        "kind": "maintenance",
        "reason": "年度计量校准",
        "when": {"type": "once", "start": "2025-10-16T01:00:00Z", "end": "2025-10-16T04:00:00Z"},
    }
    network.add_blackout(OWNER, SET_UP, INSTRUMENT, json.dumps(blackout))
    assert [b["id"] for b in json.loads(network.blackouts(INSTRUMENT))] == ["m-1016"]
    request = {
        "instrument": INSTRUMENT,
        "first_start": "2025-10-09T02:00:00Z",
        "duration_minutes": 60,
        "recurrence": {"frequency": "weekly", "count": 4},
        "on_conflict": "reject",
    }
    with pytest.raises(ConflictError) as rejected:
        network.request_series(ALICE, ASKED, json.dumps(request))
    assert_rule(rejected.value, "booking.blackout")
    assert "2025-10-16" in rejected.value.message_en

    receipt = network.request_series(ALICE, ASKED, json.dumps({**request, "on_conflict": "skip"}))
    assert receipt.bookings == (1, 2, 3)
    assert receipt.series == 1
    series = json.loads(network.series(1))
    assert [(s["date"], s["rule"]) for s in series["skipped"]] == [("2025-10-16", "booking.blackout")]

    network.edit_series(ALICE, ASKED, 1, json.dumps({"start_time": "14:00", "duration_minutes": 30}))
    assert view(network, 2, ASKED)["kind"]["start_local"]["local"] == "2025-10-23T14:00:00"
    network.cancel_series(ALICE, ASKED, 1)
    assert {view(network, b, ASKED)["state"] for b in (1, 2, 3)} == {"cancelled"}
    network.remove_blackout(OWNER, ASKED, INSTRUMENT, "m-1016")
    assert json.loads(network.blackouts(INSTRUMENT)) == []


def test_waitlist_offer_after_cancellation():
    network = with_policy(auto_confirm=True)
    network.request_booking(ALICE, ASKED, slot())
    with pytest.raises(ConflictError) as free:
        network.join_waitlist(BOB, ASKED, slot(END, END + timedelta(hours=1)))
    assert_rule(free.value, "booking.slot_free")
    joined = network.join_waitlist(BOB, ASKED, slot())
    assert joined.waitlist == 1
    assert joined.bookings == ()
    assert json.loads(network.waitlist_entry(1))["state"] == "waiting"

    freed = network.cancel_booking(ALICE, ASKED, 1)
    assert freed.bookings == (2,)
    assert view(network, 2, ASKED)["state"] == "offered"
    network.accept_offer(BOB, ASKED, 2)
    assert view(network, 2, ASKED)["requester"] == "bob"


def test_declined_offer_and_leaving_the_waitlist():
    network = with_policy(auto_confirm=True)
    network.request_booking(ALICE, ASKED, slot())
    network.join_waitlist(BOB, ASKED, slot())
    network.cancel_booking(ALICE, ASKED, 1)
    network.decline_offer(BOB, ASKED, 2)
    assert view(network, 2, ASKED)["state"] == "declined"

    network.request_booking(ALICE, ASKED, slot(END, END + timedelta(hours=1)))
    entry = network.join_waitlist(BOB, ASKED, slot(END, END + timedelta(hours=1))).waitlist
    network.leave_waitlist(BOB, ASKED, entry)
    assert json.loads(network.waitlist_entry(entry))["state"] != "waiting"


def test_sweep_records_no_shows():
    network = with_policy(auto_confirm=True)
    network.request_booking(ALICE, ASKED, slot())
    network.sweep_bookings(OFFICE, START + timedelta(minutes=20))
    assert view(network, 1, START + timedelta(minutes=20))["state"] == "no_show"
    with pytest.raises(PermissionDeniedError):
        network.sweep_bookings(ALICE, START)


def test_sample_request_and_quotes():
    network = with_policy(fees=FEES)
    profile = {"zone": "Asia/Urumqi", "test_items": ["物相分析"]}
    network.set_booking_profile(OWNER, SET_UP, INSTRUMENT, json.dumps(profile))
    assert json.loads(network.booking_profile(INSTRUMENT)) == profile
    request = {"instrument": INSTRUMENT, "test_item": "物相分析", "samples": 5, "purpose": "矿样"}
    receipt = network.request_samples(ALICE, ASKED, json.dumps(request))
    assert view(network, receipt.bookings[0], ASKED)["kind"] == {"type": "samples", "test_item": "物相分析", "samples": 5}

    quote = json.loads(network.quote_samples(INSTRUMENT, "network_member", "物相分析", 5, ASKED))
    assert quote["amount"] == "444.00"  # 5 × 88.80
    hour = json.loads(network.quote_slot(INSTRUMENT, "external", START, START + timedelta(minutes=90)))
    assert hour["amount"] == "225.00"  # 1.5 h × 150.00
    with pytest.raises(InvalidInputError) as unknown:
        network.quote_slot(INSTRUMENT, "student", START, END)
    assert unknown.value.field == "user_type"


def test_availability_for_an_instrument_and_a_test_item():
    network = with_policy(auto_confirm=True)
    network.set_booking_profile(OWNER, SET_UP, INSTRUMENT, json.dumps({"test_items": ["物相分析"]}))
    network.request_booking(ALICE, ASKED, slot())
    query = json.dumps({"from": "2025-10-09T01:00:00Z", "to": "2025-10-09T04:00:00Z"})
    slots = json.loads(network.availability(INSTRUMENT, query, ASKED))
    assert [(s["start"], s["end"]) for s in slots] == [
        ("2025-10-09T01:00:00Z", "2025-10-09T02:00:00Z"),
        ("2025-10-09T03:00:00Z", "2025-10-09T04:00:00Z"),
    ]
    found = json.loads(network.availability_for_test_item("物相分析", query, ASKED))
    assert [entry["instrument"] for entry in found] == [INSTRUMENT]
    assert json.loads(network.availability_for_test_item("核磁共振", query, ASKED)) == []


def test_training_records_and_qualification():
    network = with_policy(qualification_required=True, auto_confirm=True)
    with pytest.raises(ConflictError) as untrained:
        network.request_booking(ALICE, ASKED, slot())
    assert_rule(untrained.value, "booking.qualification")
    network.grant_training(OWNER, SET_UP, INSTRUMENT, "alice", date(2026, 12, 31))
    assert json.loads(network.training(INSTRUMENT, "alice"))["valid_until"] == "2026-12-31"
    assert network.request_booking(ALICE, ASKED, slot()).bookings == (1,)
    network.revoke_training(OWNER, ASKED, INSTRUMENT, "alice")
    assert network.training(INSTRUMENT, "alice") is None


def test_settings_check_roles_and_json():
    network = build()
    with pytest.raises(PermissionDeniedError):
        network.set_booking_policy(ALICE, SET_UP, INSTRUMENT, SET_UP, "{}")
    with pytest.raises(InvalidInputError) as bad:
        network.set_booking_policy(OWNER, SET_UP, INSTRUMENT, SET_UP, '{"auto_confirm": "yes"}')
    assert bad.value.code == "invalid_value"
    assert bad.value.field == "policy"
    with pytest.raises(InvalidInputError) as bad_zone:
        network.booking(1, SET_UP, "Mars/Olympus")
    assert bad_zone.value.field == "zone"
    network.set_booking_policy(OWNER, SET_UP, INSTRUMENT, SET_UP, '{"slot_minutes": 30}')
    versions = json.loads(network.booking_policies(INSTRUMENT))
    assert [(v["effective_from"], v["policy"]["slot_minutes"]) for v in versions] == [("2025-09-01T00:00:00Z", 30)]


# -- Calendar and zones --


def test_official_calendar_knows_the_national_day_break():
    calendar = Calendar.official()
    assert 2025 in calendar.years()
    # 1-8 October 2025 were holidays; Saturday 11 October was a make-up working day.
    assert calendar.add_working_days(date(2025, 9, 30), 1) == date(2025, 10, 9)
    assert calendar.working_days_between(date(2025, 10, 1), date(2025, 10, 13)) == 3
    assert calendar.is_working_day(date(2025, 10, 11)) is True
    assert calendar.is_working_day(date(2025, 10, 3)) is False
    assert json.loads(calendar.day_kind(date(2025, 10, 3)))["kind"] != "working_day"
    # Two working days from Friday 26 September 10:00 Beijing: Sunday 28 (make-up) and Monday 29.
    deadline = calendar.working_day_deadline(datetime(2025, 9, 26, 2, tzinfo=UTC), 2)
    assert deadline == datetime(2025, 9, 29, 16, tzinfo=UTC)


def test_missing_year_fails_or_falls_back_to_weekdays():
    calendar = Calendar.official()
    assert not calendar.covers(2040)
    with pytest.raises(ConflictError) as missing:
        calendar.is_working_day(date(2040, 1, 2))
    assert_rule(missing.value, "calendar.year_not_loaded")
    # 2 January 2040 is a Monday, 7 January a Sunday.
    assert calendar.is_working_day(date(2040, 1, 2), "weekdays_only") is True
    assert calendar.is_working_day(date(2040, 1, 7), "weekdays_only") is False
    assert calendar.add_working_days(date(2040, 1, 6), 1, "weekdays_only") == date(2040, 1, 9)
    with pytest.raises(InvalidInputError) as bad:
        calendar.is_working_day(date(2040, 1, 2), "guess")
    assert bad.value.field == "missing"


YEAR_2027 = """{"year": 2027, "papers": [], "days": [
    {"name": "元旦", "date": "2027-01-01", "isOffDay": true},
    {"name": "春节", "date": "2027-02-06", "isOffDay": false}
]}"""


def test_load_a_newer_year_from_bytes():
    calendar = Calendar.official()
    assert calendar.load_year(YEAR_2027.encode()) == 2027
    assert calendar.is_working_day(date(2027, 1, 1)) is False
    assert calendar.is_working_day(date(2027, 2, 6)) is True
    with pytest.raises(labshare.IntegrityError) as corrupt:
        calendar.load_year(b"not json")
    assert corrupt.value.code == "corrupt"
    assert Calendar.empty().years() == []


def test_network_calendar_year_is_loaded_by_the_office():
    network = build()
    with pytest.raises(PermissionDeniedError):
        network.load_calendar_year(ALICE, SET_UP, YEAR_2027)
    network.load_calendar_year(OFFICE, SET_UP, YEAR_2027)
    assert network.calendar().covers(2027)
    assert Network.replay(network.events()).calendar().covers(2027)


def test_urumqi_and_beijing_clocks_name_one_instant():
    instant = labshare.local_to_utc("2025-10-09 08:00", "Asia/Urumqi")
    assert instant == labshare.local_to_utc("2025-10-09T10:00", "Asia/Shanghai") == START
    local = labshare.local_time(START, "Asia/Urumqi")
    assert local.local == datetime(2025, 10, 9, 8, 0)
    assert (local.zone, local.offset, local.instant) == ("Asia/Urumqi", "+06:00", START)
    with pytest.raises(InvalidInputError):
        labshare.local_to_utc("1988-04-17 02:30", "Asia/Shanghai")
    with pytest.raises(InvalidInputError):
        labshare.local_time(START, "Mars/Olympus")

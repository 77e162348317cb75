"""Journal files, snapshots and spreadsheet cells through the Python binding.

Runs testdata/import-cells.json and testdata/journal.json with the checks of
core/tests/vectors_exchange.rs, and the stored journal, snapshot and tail
in core/tests/data/journal-v1/.
"""

import json
from pathlib import Path

import pytest

import labshare
from labshare import LabshareError, Network

ROOT = Path(__file__).resolve().parents[2]
TESTDATA = ROOT / "testdata"
STORED = ROOT / "core" / "tests" / "data" / "journal-v1"
JOURNAL = STORED / "network-2017.jsonl"


def load(file_name):
    return json.loads((TESTDATA / file_name).read_text(encoding="utf-8"))


# --- import-cells.json -----------------------------------------------------

CELL_OPERATIONS = {
    "parse_date": lambda case: str(labshare.parse_date_cell(case["input"])),
    "excel_serial": lambda case: str(labshare.excel_serial_to_date(case["input"])),
    "parse_amount": lambda case: str(labshare.parse_amount_cell(case["input"], case["unit"])),
    "parse_source": lambda case: labshare.parse_source_cell(case["input"]),
    "parse_sharing_mode": lambda case: labshare.parse_sharing_mode_cell(case["input"]),
    "parse_operating_status": lambda case: labshare.parse_operating_status_cell(case["input"]),
    "country_code": lambda case: labshare.country_code(case["input"]),
}
CELL_CASES = load("import-cells.json")["cases"]


def test_cell_vector_file_has_every_case():
    assert len(CELL_CASES) >= 30


@pytest.mark.parametrize("case", CELL_CASES, ids=[case["name"] for case in CELL_CASES])
def test_cell_vectors(case):
    run = CELL_OPERATIONS[case["op"]]
    expected = case.get("expected", case.get("expected_yuan"))
    if "error" in case:
        assert expected is None, "a case has `expected` or `error`, not both"
        with pytest.raises(LabshareError) as raised:
            run(case)
        assert raised.value.code == case["error"]
    else:
        assert expected is not None, "a case needs `expected` or `error`"
        assert run(case) == expected


# --- journal.json ----------------------------------------------------------

JOURNAL_FILE = load("journal.json")
JOURNAL_CASES = JOURNAL_FILE["cases"]
LINES = (ROOT / JOURNAL_FILE["file"]).read_text(encoding="utf-8").splitlines()


def tampered(tamper):
    """Applies a vector's tamper to the stored journal's lines (1-based)."""
    lines = list(LINES)
    tamper = tamper or {}
    if "replace" in tamper:
        replace = tamper["replace"]
        at = replace["line"] - 1
        assert replace["from"] in lines[at], f"tamper target not on line {at + 1}"
        lines[at] = lines[at].replace(replace["from"], replace["to"], 1)
    if "delete" in tamper:
        del lines[tamper["delete"] - 1]
    if "swap" in tamper:
        first, second = (line - 1 for line in tamper["swap"])
        lines[first], lines[second] = lines[second], lines[first]
    if "duplicate" in tamper:
        at = tamper["duplicate"] - 1
        lines.insert(at + 1, lines[at])
    data = ("\n".join(lines) + "\n").encode("utf-8")
    if "truncate_bytes" in tamper:
        data = data[: len(data) - tamper["truncate_bytes"]]
    return data


def names_line(error, line):
    """True if a ``corrupt`` error's location is ``line N`` or ``line N (seq M)``.

    Core puts the location in the message as ``... at <location>: ...``.
    """
    message = error.message_en
    return f" at line {line}:" in message or f" at line {line} (" in message


@pytest.mark.parametrize("case", JOURNAL_CASES, ids=[case["name"] for case in JOURNAL_CASES])
def test_journal_vectors(case):
    data = tampered(case["tamper"])
    check = labshare.verify_journal(data)

    assert [(problem.line, problem.kind) for problem in check.problems] == [
        tuple(pair) for pair in case["problems"]
    ]
    assert check.is_intact == (not case["problems"])
    if "lines" in case:
        assert check.lines == case["lines"]
    if "head_seq" in case:
        assert check.head.seq == case["head_seq"]
    if "read_error_line" in case:
        with pytest.raises(labshare.IntegrityError) as raised:
            labshare.read_journal(data)
        assert raised.value.code == "corrupt"
        assert names_line(raised.value, case["read_error_line"]), raised.value.message_en
    else:
        assert len(labshare.read_journal(data)) == LINES.__len__()


# --- journal round trips ---------------------------------------------------


def test_read_then_write_gives_the_same_bytes():
    data = JOURNAL.read_bytes()
    events = labshare.read_journal(data)

    assert len(events) == 19
    assert json.loads(events[0])["seq"] == 1
    assert labshare.write_journal(events) == data


def test_journal_by_path_and_by_str(tmp_path):
    events = labshare.read_journal_file(JOURNAL)
    target = tmp_path / "copy.jsonl"

    labshare.write_journal_file(target, events)
    assert target.read_bytes() == JOURNAL.read_bytes()
    assert labshare.read_journal_file(str(target)) == events
    check = labshare.verify_journal_file(str(target))
    assert check.is_intact
    assert check.lines == 19
    assert check.head.seq == 19
    assert len(check.head.hash) == 64


def test_network_events_round_trip_through_a_journal():
    network = Network.replay(labshare.read_journal(JOURNAL.read_bytes()))
    again = Network.replay(labshare.read_journal(labshare.write_journal(network.events())))

    assert again == network
    assert again.next_seq == 20


def test_write_journal_rejects_a_gap_in_sequence_numbers():
    events = labshare.read_journal(JOURNAL.read_bytes())

    with pytest.raises(labshare.InvalidInputError) as raised:
        labshare.write_journal([events[0], events[2]])
    assert raised.value.code == "invalid_value"


def test_write_journal_rejects_text_that_is_not_an_event():
    with pytest.raises(labshare.IntegrityError) as raised:
        labshare.write_journal(['{"seq": 1}'])
    assert raised.value.code == "corrupt"
    with pytest.raises(TypeError):
        labshare.write_journal([1])


def test_missing_file_raises_os_error(tmp_path):
    with pytest.raises(FileNotFoundError):
        labshare.read_journal_file(tmp_path / "absent.jsonl")


# --- tampering, each found through the binding -----------------------------


def journal_lines():
    return JOURNAL.read_text(encoding="utf-8").splitlines(keepends=True)


def test_tampering_changed_amount_is_detected(tmp_path):
    lines = journal_lines()
    assert '"original_value":"2150000.50"' in lines[3]
    lines[3] = lines[3].replace('"original_value":"2150000.50"', '"original_value":"2150000.51"')
    path = tmp_path / "edited.jsonl"
    path.write_text("".join(lines), encoding="utf-8")

    check = labshare.verify_journal_file(path)
    assert [(p.line, p.seq, p.kind) for p in check.problems] == [(4, 4, "changed")]
    assert "hash" in check.problems[0].detail.en
    with pytest.raises(labshare.IntegrityError, match="line 4"):
        labshare.read_journal_file(path)


def test_tampering_deleted_line_is_detected():
    lines = journal_lines()
    del lines[11]
    data = "".join(lines).encode("utf-8")

    check = labshare.verify_journal(data)
    assert [(p.line, p.kind) for p in check.problems] == [(12, "missing")]
    assert check.lines == 18
    with pytest.raises(labshare.IntegrityError) as raised:
        labshare.read_journal(data)
    assert names_line(raised.value, 12)


def test_tampering_reordered_line_is_detected():
    lines = journal_lines()
    lines[2], lines[3] = lines[3], lines[2]
    data = "".join(lines).encode("utf-8")

    check = labshare.verify_journal(data)
    assert [(p.line, p.kind) for p in check.problems] == [(3, "reordered"), (4, "out_of_order")]
    with pytest.raises(labshare.IntegrityError) as raised:
        labshare.read_journal(data)
    assert names_line(raised.value, 3)


def test_tampering_cut_from_the_end_shows_in_the_head():
    lines = journal_lines()
    check = labshare.verify_journal("".join(lines[:-1]).encode("utf-8"))

    assert check.is_intact
    assert check.head.seq == 18
    assert check.head != labshare.verify_journal(JOURNAL.read_bytes()).head


# --- snapshots -------------------------------------------------------------


def test_snapshot_and_tail_rebuild_the_replayed_state(tmp_path):
    events = labshare.read_journal(JOURNAL.read_bytes())
    snapshot = labshare.write_snapshot(events[:12])
    tail = labshare.write_journal(events)[len(labshare.write_journal(events[:12])) :]

    restored = labshare.resume_snapshot(snapshot, tail)
    assert restored.head == labshare.verify_journal(JOURNAL.read_bytes()).head
    assert restored.state_json == Network.replay(events).state_json()

    snapshot_path = tmp_path / "state.snapshot"
    tail_path = tmp_path / "tail.jsonl"
    labshare.write_snapshot_file(snapshot_path, events[:12])
    tail_path.write_bytes(tail)
    assert labshare.resume_snapshot_file(str(snapshot_path), tail_path) == restored
    assert labshare.resume_snapshot_file(snapshot_path).head.seq == 12


def test_stored_snapshot_and_tail_resume():
    restored = labshare.resume_snapshot(
        (STORED / "snapshot-seq12.json").read_bytes(),
        (STORED / "tail-after-seq12.jsonl").read_bytes(),
    )
    assert restored.head.seq == 19
    assert restored.state_json == Network.replay(labshare.read_journal_file(JOURNAL)).state_json()


def test_edited_snapshot_is_rejected():
    events = labshare.read_journal(JOURNAL.read_bytes())
    snapshot = labshare.write_snapshot(events[:12]).replace(b'"seq":12', b'"seq":11', 1)

    with pytest.raises(labshare.IntegrityError) as raised:
        labshare.resume_snapshot(snapshot)
    assert raised.value.code == "corrupt"


def test_snapshot_rejects_foreign_tail():
    events = labshare.read_journal(JOURNAL.read_bytes())
    snapshot = labshare.write_snapshot(events[:12])

    with pytest.raises(labshare.IntegrityError):
        labshare.resume_snapshot(snapshot, labshare.write_journal(events))

"""Shared conformance vectors from testdata/, run against the Python binding.

The Rust and Kotlin runners read the same files. A case passes when every
expected field it has matches: ``error`` means the call must raise a
``LabshareError`` with that code.
"""

import json
from decimal import Decimal
from pathlib import Path

import pytest

import labshare

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


def load_cases():
    params = []
    for file_name in OPERATIONS:
        document = json.loads((TESTDATA / file_name).read_text(encoding="utf-8"))
        for case in document["cases"]:
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

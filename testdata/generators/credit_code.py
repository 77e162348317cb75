"""Write ../credit_code.json: conformance vectors for unified social credit
codes (统一社会信用代码, GB 32100-2015).

This script computes check characters with its own implementation of the
standard, so the vectors cross-check the Rust one: the first 17 characters
take values 0-30 from the code set (digits, then A-Z without I, O, S, V and
Z), weights are 3^(i-1) mod 31, and the check is 31 - (sum mod 31) with 31
written as 0.

Ops: `parse` (expects the normalised code and its division, or an error
code and a fragment of the English message) and `check_character`.

Run: python3 testdata/generators/credit_code.py
"""

import json
from pathlib import Path

CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = [pow(3, i, 31) for i in range(17)]
assert WEIGHTS == [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]


def check(first17):
    total = sum(CHARSET.index(c) * w for c, w in zip(first17, WEIGHTS))
    return CHARSET[(31 - total % 31) % 31]


def valid(name, text):
    code = text.strip().upper()
    assert check(code[:17]) == code[17], name
    return {"name": name, "op": "parse", "input": text,
            "expected": {"code": code, "division": code[2:8]}}


def invalid(name, text, code, fragment):
    return {"name": name, "op": "parse", "input": text, "error": code, "message_contains": fragment}


def wrong_check(name, text):
    expected = check(text[:17])
    assert expected != text[17], name
    return invalid(name, text, "invalid_value",
                   f"expected check character {expected} (GB 32100-2015) but position 18 is {text[17]}")


CASES = [
    valid("Huawei Technologies, published", "914403001922038216"),
    valid("Quanjude Group, published", "91110000101623741K"),
    valid("Beijing Changfeng Hospital, published", "911101066976941872"),
    valid("check 31 written as 0", "91650100MA780000P0"),
    valid("check 30 written as Y", "91650100MA7800002Y"),
    valid("lowercase read as capitals", "91110000101623741k"),
    valid("surrounding spaces ignored", "  914403001922038216 "),
    valid("Urumqi constructed", "91650100MA77XJ001" + check("91650100MA77XJ001")),
    valid("Kashgar constructed", "92653101MA78KT002" + check("92653101MA78KT002")),
    wrong_check("wrong check digit", "914403001922038217"),
    wrong_check("wrong check letter", "91110000101623741J"),
    wrong_check("transposed digits", "914403001922083216"),
    invalid("17 characters", "91440300192203821", "invalid_value", "18 characters, found 17"),
    invalid("19 characters", "9144030019220382166", "invalid_value", "18 characters, found 19"),
    invalid("empty", "", "missing", "credit_code"),
]
for letter in "IOSVZ":
    CASES.append(invalid(f"forbidden letter {letter}", f"91650100MA78000{letter}00", "invalid_value",
                         f"position 16 is {letter}, but codes never use the letters I, O, S, V and Z"))
CASES += [
    invalid("punctuation", "91440300-922038216", "invalid_value", "position 9"),
    invalid("letter in division code", "9144A3001922038216", "invalid_value", "must be six digits"),
]
for first17 in ["91440300192203821", "91110000101623741", "91650100MA780000P", "91650100MA7800002", "12100000400012345"]:
    CASES.append({"name": f"check character of {first17}", "op": "check_character", "input": first17,
                  "expected": {"check": check(first17)}})


def main():
    document = {
        "description": "Unified social credit codes (GB 32100-2015): `parse` returns the code in capitals and its "
                       "division (positions 3-8) or fails with `error`, whose English message contains "
                       "`message_contains`; `check_character` returns the check character of 17 characters.",
        "cases": CASES,
    }
    out = Path(__file__).resolve().parents[1] / "credit_code.json"
    out.write_text(json.dumps(document, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {len(CASES)} cases to {out}")


if __name__ == "__main__":
    main()

"""Write ../allocation.json: conformance vectors for proportional allocation.

Expected values come from this independent implementation in exact integer
arithmetic (fen), not from labshare itself:
  floor_i   = budget * audited_i // total
  remainder = budget * audited_i %  total
the leftover fens go one each to the largest remainders, ties to the larger
audited amount, then to the smaller unit id. Small cases are also checked by
hand in core/tests/allocation.rs.

Run: python3 testdata/generators/allocation.py
"""

import json
import random
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

FEN = Decimal("0.01")


def to_fen(text):
    return int((Decimal(text) * 100).to_integral_exact())


def yuan(fen):
    return str((Decimal(fen) / 100).quantize(FEN))


def allocate(budget, claims):
    budget_fen = to_fen(budget)
    audited = [to_fen(c["audited"]) for c in claims]
    total = sum(audited)
    if total == 0:
        # Only a zero budget can be split over zero audited income.
        return {"total_audited": yuan(0), "ratio_percent_4": "0.0000",
                "amounts": [yuan(0) for _ in claims], "adjusted": []}
    floors = [budget_fen * a // total for a in audited]
    remainders = [budget_fen * a % total for a in audited]
    leftover = budget_fen - sum(floors)
    order = sorted(range(len(claims)), key=lambda i: (-remainders[i], -audited[i], claims[i]["unit"]))
    bonus = set(order[:leftover])
    amounts = [floors[i] + (1 if i in bonus else 0) for i in range(len(claims))]
    ratio = (Decimal(budget_fen) / Decimal(total) * 100).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)
    return {
        "total_audited": yuan(total),
        "ratio_percent_4": str(ratio),
        "amounts": [yuan(a) for a in amounts],
        "adjusted": sorted(claims[i]["unit"] for i in bonus),
    }


def case(name, budget, claims):
    return {"name": name, "op": "allocate_proportional", "budget": budget, "claims": claims,
            "expected": allocate(budget, claims)}


def error_case(name, budget, claims, code):
    return {"name": name, "op": "allocate_proportional", "budget": budget, "claims": claims, "error": code}


def claims_of(*pairs):
    return [{"unit": unit, "audited": audited} for unit, audited in pairs]


def xinjiang_2017():
    path = Path(__file__).resolve().parents[2] / "examples/data/xinjiang-2017/applications.json"
    rows = json.loads(path.read_text(encoding="utf-8"))["applications"]
    return [{"unit": r["unit"], "audited": str((Decimal(r["audited_wan"]) * 10000).quantize(FEN))} for r in rows]


def random_claims(seed, count, low_fen, high_fen):
    rng = random.Random(seed)
    return [{"unit": f"U{i:04d}", "audited": yuan(rng.randint(low_fen, high_fen))} for i in range(count)]


def main():
    cases = [
        case("one unit takes the whole budget", "1000.00", claims_of(("A", "5.00"))),
        case("three equal units share one yuan", "1.00", claims_of(("A", "1.00"), ("B", "1.00"), ("C", "1.00"))),
        case("tie goes to smaller unit id whatever the order", "1.00",
             claims_of(("C", "1.00"), ("B", "1.00"), ("A", "1.00"))),
        case("tie on remainder goes to larger audited", "0.04", claims_of(("A", "1.00"), ("B", "5.00"), ("C", "2.00"))),
        case("three fen over four units", "0.03",
             claims_of(("A", "1.00"), ("B", "2.00"), ("C", "3.00"), ("D", "4.00"))),
        case("zero audited unit gets nothing", "100.00", claims_of(("A", "0"), ("B", "3.00"), ("C", "0.00"))),
        case("zero budget gives zero to all", "0", claims_of(("A", "10.00"), ("B", "20.00"))),
        case("zero budget and zero audited", "0.00", claims_of(("A", "0.00"))),
        case("budget smaller than units in fen", "0.05", [{"unit": f"U{i:02d}", "audited": "7.00"} for i in range(10)]),
        case("budget of one fen over seven units", "0.01",
             claims_of(("A", "3.00"), ("B", "5.00"), ("C", "7.00"), ("D", "11.00"), ("E", "13.00"), ("F", "17.00"), ("G", "19.00"))),
        case("primes split 100 yuan", "100.00",
             claims_of(("A", "3.00"), ("B", "5.00"), ("C", "7.00"), ("D", "11.00"), ("E", "13.00"), ("F", "17.00"), ("G", "19.00"))),
        case("budget larger than audited total", "1000.00", claims_of(("A", "1.00"), ("B", "2.00"))),
        case("one dominant unit", "50000.00", claims_of(("BIG", "99999999.99"), ("SMALL", "0.01"))),
        case("amounts near the maximum", "999999999999999.99",
             claims_of(("A", "333333333333333.33"), ("B", "333333333333333.33"), ("C", "333333333333333.33"))),
        case("xinjiang 2017 fund of 70 wan", "700000.00", xinjiang_2017()),
        case("xinjiang 2017 paid 68 wan", "680000.00", xinjiang_2017()),
        case("xinjiang 2017 budget of 1 fen", "0.01", xinjiang_2017()),
        case("1000 equal units share 10 yuan", "10.00", [{"unit": f"U{i:04d}", "audited": "123.45"} for i in range(1000)]),
        case("1000 equal units share 9.99 yuan", "9.99", [{"unit": f"U{i:04d}", "audited": "123.45"} for i in range(1000)]),
        case("1000 random units", "700000.00", random_claims(1, 1000, 1, 500_000_000)),
        case("1000 random small units share 3.33", "3.33", random_claims(2, 1000, 0, 10_000)),
        error_case("every audited amount is zero", "100.00", claims_of(("A", "0.00"), ("B", "0.00")), "rule_violation"),
        error_case("no claims", "100.00", [], "missing"),
        error_case("unit listed twice", "100.00", claims_of(("A", "1.00"), ("A", "2.00")), "invalid_value"),
        error_case("negative budget", "-1.00", claims_of(("A", "1.00")), "invalid_amount"),
        error_case("budget finer than a fen", "1.005", claims_of(("A", "1.00")), "invalid_amount"),
        error_case("audited with 29 decimal places", "1.00", claims_of(("A", "1." + "0" * 28 + "1")), "invalid_amount"),
        error_case("audited sum overflows", "1.00",
                   claims_of(("A", "999999999999999.99"), ("B", "999999999999999.99")), "overflow"),
    ]
    document = {
        "description": "Proportional subsidy allocation by largest remainder: shares floored to the fen, "
                       "leftover fens to the largest remainders (ties: larger audited, then smaller unit id). "
                       "Amounts in 元 as decimal strings; `amounts` follow the order of `claims`.",
        "cases": cases,
    }
    out = Path(__file__).resolve().parents[1] / "allocation.json"
    out.write_text(json.dumps(document, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {len(cases)} cases to {out}")


if __name__ == "__main__":
    main()

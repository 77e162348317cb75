"""Allocate a capped subsidy budget over 10,000 units with labshare and with pandas.

Both sides get the same applications: 10,000 units with seeded, heavy-tailed
audited income, a budget of 5000万元 split in proportion to audited income,
and a cap of 20万元 per unit whose excess goes to the other units in
proportion, repeated until no unit is above the cap. The script checks that
both give every unit the same amount to the fen, then prints the time of
each and the ratio pandas ÷ labshare.

Both sides start from the analyst's DataFrame (a ``unit`` column of str and
an ``audited_fen`` column of int64 fen) and end with a Series of amounts in
fen indexed by unit, so labshare's time includes reading the columns into
Python lists, the call, and building the Series from the result.

Before timing, the pandas implementation is checked against the cap cases of
``testdata/subsidy_rules.json``, so a wrong pandas result cannot pass as a
labshare bug.

    python benches/subsidy_pandas.py [--units 10000] [--repeat 7]

The binding's call (``labshare``, built from ``bindings-python``)::

    labshare.allocate_subsidy_columns(rule_set, budget, units, audited_fen=fen)

wraps the core function ``labshare::subsidy::allocate_amounts``. ``units``
is a list of unit ids and ``fen`` a list of int counts of fen in the same
order; the result's ``amounts_fen`` lists each unit's amount in fen, in that
order.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
BUDGET_FEN = 5_000_000_000  # 5000万元
CAP_FEN = 20_000_000  # 20万元
# Keeps remaining budget × audited income (both in fen) inside int64.
MAX_AUDITED_FEN = 1_500_000_000  # 1500万元


def make_units(count: int, seed: int = 20171231) -> tuple[list[str], list[int]]:
    """Return unit ids and audited income in fen, in steps of 10 元."""
    rng = np.random.default_rng(seed)
    wan = rng.pareto(1.5, size=count) * 8 + 2  # 2万元 and up, heavy-tailed, mean about 18万元
    fen = np.minimum((wan * 1_000).round().astype(np.int64) * 1_000, MAX_AUDITED_FEN)
    units = [f"U{i:05d}" for i in range(1, count + 1)]
    return units, [int(f) for f in fen]


def allocate_pandas(frame: pd.DataFrame, budget_fen: int, cap_fen: int | None) -> pd.Series:
    """Split budget_fen in proportion to ``frame["audited_fen"]`` with a per-unit cap.

    Units above the cap are fixed at the cap and the rest is shared again
    until nothing changes; the fen lost to flooring go one each to the
    largest remainders, ties to the larger audited income, then the smaller
    unit id. Returns amounts in fen indexed by unit.
    """
    audited = frame["audited_fen"].to_numpy(dtype=np.int64)
    if budget_fen * int(audited.max(initial=0)) >= 2**63:
        raise ValueError("budget × audited income in fen must fit in int64")
    df = pd.DataFrame({"unit": frame["unit"].to_numpy(), "audited": audited})
    has_income = df["audited"] > 0
    upper = np.where(has_income, min(cap_fen, budget_fen) if cap_fen is not None else budget_fen, 0)
    df["upper"] = upper
    target = min(budget_fen, int(df.loc[has_income, "upper"].sum()))
    capped = pd.Series(False, index=df.index)

    while True:
        free = has_income & ~capped
        remaining = target - int(df.loc[capped, "upper"].sum())
        weight = int(df.loc[free, "audited"].sum())
        if weight == 0:
            break
        numerator = remaining * df.loc[free, "audited"]
        quotient, remainder = numerator // weight, numerator % weight
        upper_free = df.loc[free, "upper"]
        over = (quotient > upper_free) | ((quotient == upper_free) & (remainder > 0))
        if not over.any():
            break
        capped.loc[over[over].index] = True

    amounts = pd.Series(0, index=df.index, dtype=np.int64)
    amounts[capped] = df.loc[capped, "upper"]
    free = has_income & ~capped
    weight = int(df.loc[free, "audited"].sum())
    if weight > 0:
        remaining = target - int(df.loc[capped, "upper"].sum())
        numerator = remaining * df.loc[free, "audited"]
        amounts[free] = numerator // weight
        leftover = remaining - int(amounts[free].sum())
        ranked = pd.DataFrame({"remainder": numerator % weight, "audited": df.loc[free, "audited"], "unit": df.loc[free, "unit"]})
        ranked = ranked.sort_values(["remainder", "audited", "unit"], ascending=[False, False, True])
        amounts[ranked.index[:leftover]] += 1
    amounts.index = df["unit"]
    return amounts


def to_fen(text: str) -> int:
    return int(Decimal(text) * 100)


def check_against_vectors() -> int:
    """Run allocate_pandas on the proportional cases of testdata/subsidy_rules.json."""
    cases = json.loads((ROOT / "testdata" / "subsidy_rules.json").read_text(encoding="utf-8"))["cases"]
    checked = 0
    for case in cases:
        rules = case.get("allocation", {})
        eligible = (
            case["op"] == "allocate"
            and "expected" in case
            and rules.get("base", {}).get("method") == "proportional"
            and "minimum" not in rules
            and "ratio_ceiling" not in rules
        )
        if not eligible:
            continue
        units = [i["unit"] for i in case["incomes"]]
        frame = pd.DataFrame({"unit": units, "audited_fen": [to_fen(i["audited"]) for i in case["incomes"]]})
        cap = to_fen(rules["cap"]) if "cap" in rules else None
        got = allocate_pandas(frame, to_fen(case["budget"]), cap)
        want = {unit: to_fen(amount) for unit, amount in case["expected"]["amounts"].items()}
        for unit in units:
            if int(got[unit]) != want[unit]:
                raise AssertionError(f"pandas disagrees with vector {case['name']!r} for {unit}: {got[unit]} != {want[unit]}")
        checked += 1
    if checked == 0:
        raise AssertionError("no proportional cap vectors found in testdata/subsidy_rules.json")
    return checked


def rule_set() -> dict:
    return {
        "id": "bench",
        "version": 1,
        "title": {"zh": "基准测试细则", "en": "Benchmark rules"},
        "years": {"from": 2017},
        "text": {"zh": "按比例分配，每单位不超过 20 万元。", "en": "Proportional, at most 20万元 per unit."},
        "allocation": {"base": {"method": "proportional"}, "cap": Decimal(CAP_FEN) / 100},
    }


def allocate_labshare(labshare, frame: pd.DataFrame) -> pd.Series:
    """Allocate through the binding, from the DataFrame to a Series of fen indexed by unit."""
    units = frame["unit"].tolist()
    result = labshare.allocate_subsidy_columns(
        rule_set(), Decimal(BUDGET_FEN).scaleb(-2), units, audited_fen=frame["audited_fen"].tolist()
    )
    return pd.Series(result.amounts_fen, index=pd.Index(units, name="unit"), dtype=np.int64)


def best_time(function, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=10_000, help="number of applicant units")
    parser.add_argument("--repeat", type=int, default=7, help="runs per side; the fastest counts")
    args = parser.parse_args()

    checked = check_against_vectors()
    print(f"pandas implementation agrees with {checked} vectors of testdata/subsidy_rules.json")
    print("load average (1, 5, 15 min): " + ", ".join(f"{load:.2f}" for load in os.getloadavg()))

    units, audited = make_units(args.units)
    frame = pd.DataFrame({"unit": units, "audited_fen": np.asarray(audited, dtype=np.int64)})
    expected = allocate_pandas(frame, BUDGET_FEN, CAP_FEN)
    capped = int((expected == CAP_FEN).sum())
    assert int(expected.sum()) == BUDGET_FEN, "pandas amounts do not sum to the budget"
    pandas_seconds = best_time(lambda: allocate_pandas(frame, BUDGET_FEN, CAP_FEN), args.repeat)
    print(f"{args.units} units, {capped} at the cap; pandas: {pandas_seconds * 1000:.1f} ms (best of {args.repeat})")

    try:
        import labshare
    except ImportError:
        print("labshare is not installed; build bindings-python with maturin first", file=sys.stderr)
        return 2
    amounts = allocate_labshare(labshare, frame)
    mismatches = amounts.index[amounts.to_numpy() != expected.to_numpy()].tolist()
    if mismatches or not amounts.index.equals(expected.index):
        print(f"amounts differ for {len(mismatches)} units, first {mismatches[:5]}", file=sys.stderr)
        return 1
    print("labshare and pandas give every unit the same amount to the fen")
    labshare_seconds = best_time(lambda: allocate_labshare(labshare, frame), args.repeat)
    print(f"labshare: {labshare_seconds * 1000:.1f} ms (best of {args.repeat}), conversions included")
    print(f"speed ratio pandas / labshare: {pandas_seconds / labshare_seconds:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Write ../sme_size.json: conformance vectors for enterprise size classes
under the 2011 SME standard (工信部联企业〔2011〕300号).

The limits are typed here from the standard, apart from the crate's data
file, and classified with this script's own reading of the rule: an
enterprise is in the highest of large, medium and small whose limits it
reaches in every indicator of its industry row, and micro otherwise.

Each row gets cases at each class's limits and one unit below each limit
(one person, or one fen), so every threshold is tested from both sides.

Run: python3 testdata/generators/sme_size.py
"""

import json
from decimal import Decimal
from pathlib import Path

# code: (staff limits, revenue limits in 万元, total-assets limits in 万元),
# each as [large, medium, small] or None when the row does not use it.
ROWS = {
    "agriculture": (None, [20000, 500, 50], None),
    "industry": ([1000, 300, 20], [40000, 2000, 300], None),
    "construction": (None, [80000, 6000, 300], [80000, 5000, 300]),
    "wholesale": ([200, 20, 5], [40000, 5000, 1000], None),
    "retail": ([300, 50, 10], [20000, 500, 100], None),
    "transport": ([1000, 300, 20], [30000, 3000, 200], None),
    "warehousing": ([200, 100, 20], [30000, 1000, 100], None),
    "postal": ([1000, 300, 20], [30000, 2000, 100], None),
    "accommodation": ([300, 100, 10], [10000, 2000, 100], None),
    "catering": ([300, 100, 10], [10000, 2000, 100], None),
    "information_transmission": ([2000, 100, 10], [100000, 1000, 100], None),
    "software_it_services": ([300, 100, 10], [10000, 1000, 50], None),
    "real_estate_development": (None, [200000, 1000, 100], [10000, 5000, 2000]),
    "property_management": ([1000, 300, 100], [5000, 1000, 500], None),
    "leasing_business_services": ([300, 100, 10], None, [120000, 8000, 100]),
    "other": ([300, 100, 10], None, None),
}
CLASSES = ["large", "medium", "small"]
FEN = Decimal("0.01")


def yuan(wan):
    return (Decimal(wan) * 10000).quantize(FEN)


def classify(code, staff, revenue, assets):
    """Returns the class and, per class tested, whether it was reached."""
    limits = ROWS[code]
    tested = []
    for index, name in enumerate(CLASSES):
        checks = []
        if limits[0]:
            checks.append(staff >= limits[0][index])
        if limits[1]:
            checks.append(revenue >= yuan(limits[1][index]))
        if limits[2]:
            checks.append(assets >= yuan(limits[2][index]))
        tested.append({"class": name, "reached": all(checks)})
        if all(checks):
            return name, tested
    return "micro", tested


def case(name, code, staff, revenue, assets):
    size, tested = classify(code, staff, revenue, assets)
    return {"name": name, "op": "classify", "industry": code, "staff": staff,
            "revenue": str(revenue), "total_assets": str(assets),
            "expected": {"class": size, "industry": code, "tested": tested}}


def at_limits(code, index):
    staff, revenue, assets = ROWS[code]
    return (staff[index] if staff else 0,
            yuan(revenue[index]) if revenue else Decimal("0.00"),
            yuan(assets[index]) if assets else Decimal("0.00"))


CASES = []
for code, (staff_limits, revenue_limits, asset_limits) in ROWS.items():
    for index, name in enumerate(CLASSES):
        staff, revenue, assets = at_limits(code, index)
        CASES.append(case(f"{code} at the {name} limits", code, staff, revenue, assets))
        if staff_limits:
            CASES.append(case(f"{code} one person below the {name} staff limit", code, staff - 1, revenue, assets))
        if revenue_limits:
            CASES.append(case(f"{code} one fen below the {name} revenue limit", code, staff, revenue - FEN, assets))
        if asset_limits:
            CASES.append(case(f"{code} one fen below the {name} assets limit", code, staff, revenue, assets - FEN))

CASES += [
    case("industry: large staff, medium revenue", "industry", 5000, yuan(39999), Decimal("0.00")),
    case("construction: large revenue, micro assets", "construction", 0, yuan(900000), yuan(299)),
    case("software: staff of a medium firm, micro revenue", "software_it_services", 200, yuan(49), yuan(100000)),
    case("other: staff only", "other", 9, yuan(1000000), yuan(1000000)),
    {"name": "lookup by Chinese name", "op": "classify", "industry": "软件和信息技术服务业", "staff": 15,
     "revenue": "2000000.00", "total_assets": "0.00",
     "expected": {"class": "small", "industry": "software_it_services",
                  "tested": [{"class": "large", "reached": False}, {"class": "medium", "reached": False},
                             {"class": "small", "reached": True}]}},
    {"name": "industry not in the standard", "op": "classify", "industry": "金融业", "staff": 15,
     "revenue": "2000000.00", "total_assets": "0.00", "error": "invalid_value"},
]


def main():
    document = {
        "description": "Size classes under the 2011 SME standard (sme-2011). `classify` takes the industry code or "
                       "Chinese row name, staff in persons and revenue and total assets in 元, and returns the class, "
                       "the row code and each class tested from large down with whether all its limits were reached.",
        "cases": CASES,
    }
    out = Path(__file__).resolve().parents[1] / "sme_size.json"
    out.write_text(json.dumps(document, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {len(CASES)} cases to {out}")


if __name__ == "__main__":
    main()

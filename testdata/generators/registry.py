"""Write ../registry.json: conformance vectors for the registry workflow,
role checks, field limits and usage reports.

Each case is a list of steps run in order on a new network. A step names an
operation, the actor (serialised as labshare serialises `Actor`), the
instant `at` (UTC) and the operation's arguments; `error` is the code the
step must fail with, otherwise it must succeed. `expect` lists the state
afterwards: per instrument its review state, visible and pending names and
the steps of its history, and network usage totals per year.

Run: python3 testdata/generators/registry.py
"""

import copy
import json
from pathlib import Path

OFFICE = {"id": "office-1", "role": "office"}


def admin(unit):
    return {"id": f"admin-{unit}", "role": "unit_admin", "unit": unit}


USER = {"id": "user-1", "role": "user", "unit": None}

RECORD = {
    "name": "气相色谱仪",
    "english_name": "Gas chromatograph",
    "category_code": "010101",
    "source": "purchased",
    "original_value": "350000.00",
    "country_of_origin": "US",
    "manufacturer": "Agilent Technologies",
    "model": "7890B",
    "commissioning_date": "2015-06-01",
    "specifications": "检测限 1 pg",
    "functions": "有机物定性定量分析",
    "disciplines": ["150"],
    "service_content": "对外检测",
    "operating_status": "normal",
    "sharing_mode": "external",
    "sharing_rules": "网上预约",
    "fee_standard": "200元/样",
    "booking_url": "",
    "location": "乌鲁木齐市",
    "contact": "张老师",
}


def record(**changes):
    result = copy.deepcopy(RECORD)
    result.update(changes)
    return result


def at(day, hour=2):
    return f"2017-03-{day:02d}T{hour:02d}:00:00Z"


def register(unit_id, actor=OFFICE, **extra):
    unit = {"id": unit_id, "name": f"示例单位{unit_id}", "kind": "institute", "region": "乌鲁木齐市"}
    return {"op": "register_unit", "actor": actor, "at": at(1), "unit": unit, **extra}


def submit(instrument, unit, actor=None, day=2, **extra):
    rec = extra.pop("record", RECORD)
    return {"op": "submit_instrument", "actor": actor or admin(unit), "at": at(day),
            "instrument": instrument, "unit": unit, "record": rec, **extra}


def publish(instrument, actor=OFFICE, day=3, **extra):
    return {"op": "publish_instrument", "actor": actor, "at": at(day), "instrument": instrument, **extra}


def give_back(instrument, reason, actor=OFFICE, day=3, **extra):
    return {"op": "return_instrument", "actor": actor, "at": at(day), "instrument": instrument,
            "reason": reason, **extra}


def revise(instrument, actor, rec, day=4, **extra):
    return {"op": "revise_instrument", "actor": actor, "at": at(day), "instrument": instrument,
            "record": rec, **extra}


def usage(instrument, actor, year=2017, hours="1200", effective="1000", samples=300, income="12000.00", **extra):
    report = {"instrument": instrument, "year": year, "operating_hours": hours, "effective_hours": effective,
              "samples": samples, "external_income": income}
    return {"op": "file_usage", "actor": actor, "at": at(20), "report": report, **extra}


def setup():
    return [register("A"), register("B"), submit("A-1", "A"), publish("A-1")]


def state(instrument, state_name, published, pending, history):
    return {instrument: {"state": state_name, "published_name": published, "pending_name": pending,
                         "history": history}}


CASES = [
    {"name": "submit and publish", "steps": setup(),
     "expect": {"instruments": state("A-1", "published", "气相色谱仪", None, ["submitted", "published"])}},
    {"name": "revision waits while published version stays visible",
     "steps": setup() + [revise("A-1", admin("A"), record(name="气相色谱仪（升级）"))],
     "expect": {"instruments": state("A-1", "revision_pending", "气相色谱仪", "气相色谱仪（升级）",
                                     ["submitted", "published", "revision_submitted"])}},
    {"name": "approved revision replaces published version",
     "steps": setup() + [revise("A-1", admin("A"), record(name="新名称")), publish("A-1", day=5)],
     "expect": {"instruments": state("A-1", "published", "新名称", None,
                                     ["submitted", "published", "revision_submitted", "published"])}},
    {"name": "returned with reason then resubmitted",
     "steps": [register("A"), submit("A-2", "A"), give_back("A-2", "请补充主要技术指标"),
               revise("A-2", admin("A"), record(specifications="检测限 0.5 pg"))],
     "expect": {"instruments": state("A-2", "submitted", None, "气相色谱仪",
                                     ["submitted", "returned", "resubmitted"])}},
    {"name": "unit admin edits another unit's instrument",
     "steps": setup() + [revise("A-1", admin("B"), record(name="篡改"), error="permission_denied")],
     "expect": {"instruments": state("A-1", "published", "气相色谱仪", None, ["submitted", "published"])}},
    {"name": "unit admin submits for another unit",
     "steps": setup() + [submit("A-9", "A", actor=admin("B"), error="permission_denied")]},
    {"name": "unit admin publishes",
     "steps": setup() + [revise("A-1", admin("A"), record(name="改")), publish("A-1", actor=admin("A"), error="permission_denied")]},
    {"name": "ordinary user registers a unit", "steps": [register("A", actor=USER, error="permission_denied")]},
    {"name": "unknown unit", "steps": [register("A"), submit("Z-1", "Z", error="not_found")]},
    {"name": "unknown instrument", "steps": [register("A"), publish("NOPE", error="not_found")]},
    {"name": "duplicate unit", "steps": [register("A"), register("A", error="already_exists")]},
    {"name": "duplicate instrument", "steps": setup() + [submit("A-1", "A", error="already_exists")]},
    {"name": "nothing waits for review", "steps": setup() + [publish("A-1", day=5, error="invalid_state")]},
    {"name": "return needs a reason",
     "steps": [register("A"), submit("A-1", "A"), give_back("A-1", "  ", error="missing")]},
    {"name": "name of 51 characters", "steps": [register("A"), submit("A-1", "A", record=record(name="仪" * 51), error="too_long")]},
    {"name": "name of 50 characters", "steps": [register("A"), submit("A-1", "A", record=record(name="仪" * 50))],
     "expect": {"instruments": state("A-1", "submitted", None, "仪" * 50, ["submitted"])}},
    {"name": "specifications of 501 characters",
     "steps": [register("A"), submit("A-1", "A", record=record(specifications="x" * 501), error="too_long")]},
    {"name": "negative original value",
     "steps": [register("A"), submit("A-1", "A", record=record(original_value="-1.00"), error="invalid_amount")]},
    {"name": "original value with 29 decimal places",
     "steps": [register("A"), submit("A-1", "A", record=record(original_value="1." + "0" * 28 + "1"), error="invalid_amount")]},
    {"name": "bad category code",
     "steps": [register("A"), submit("A-1", "A", record=record(category_code="990101"), error="invalid_value")]},
    {"name": "usage totals",
     "steps": setup() + [submit("B-1", "B", day=4), publish("B-1", day=5),
                         usage("A-1", admin("A")), usage("B-1", admin("B"), hours="100.5", effective="90", samples=7, income="0.01"),
                         usage("B-1", OFFICE, year=2016, hours="8784", effective="0", samples=0, income="0")],
     "expect": {"usage": {"2017": {"instruments": 2, "operating_hours": "1300.5", "effective_hours": "1090",
                                   "samples": 307, "external_income": "12000.01"},
                          "2016": {"instruments": 1, "operating_hours": "8784", "effective_hours": "0",
                                   "samples": 0, "external_income": "0.00"}}}},
    {"name": "usage by another unit", "steps": setup() + [usage("A-1", admin("B"), error="permission_denied")]},
    {"name": "effective hours above operating hours",
     "steps": setup() + [usage("A-1", admin("A"), hours="10", effective="11", error="invalid_value")]},
    {"name": "more hours than the year has",
     "steps": setup() + [usage("A-1", admin("A"), hours="8761", effective="0", error="invalid_value")]},
    {"name": "usage of an unpublished instrument",
     "steps": [register("A"), submit("A-1", "A"), usage("A-1", admin("A"), error="invalid_state")]},
]


def main():
    document = {
        "description": "Registry workflow, role checks, national field limits and usage reports. "
                       "Steps run in order on a new network; a step with `error` must fail with that code "
                       "and change nothing. Money in 元 and hours as decimal strings.",
        "cases": CASES,
    }
    out = Path(__file__).resolve().parents[1] / "registry.json"
    out.write_text(json.dumps(document, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {len(CASES)} cases to {out}")


if __name__ == "__main__":
    main()

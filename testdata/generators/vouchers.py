"""Write ../vouchers.json: conformance vectors for innovation vouchers.

Each case runs its steps in order on a new network. A step names an
operation (the `Network` method of the same name), the actor, the instant
`at` (UTC) and the arguments, shaped as labshare serialises them; `error`
is the code the step must fail with (and `rule` the rule name of a
`rule_violation`), and a failing step must change nothing. `expect` lists
the state afterwards: applications, vouchers, voucher-paid services keyed
by booking id, the pool, the fund's voucher category and report totals.
Money is in 元 as decimal strings.

Vouchers pay for sample requests made through the booking engine. Each
service label such as `BK-1` becomes a sample request of one sample by the
holder's contact, confirmed by the office at once; its test item `检测<fee>`
costs `<fee>` a sample in the instrument's fee standard, so the quote is
the fee. Redemption first completes the booking, at the quoted fee unless
a case charges another amount. Booking ids count from 1 in each case.

The base network: units A, B and C; published instruments A-1 and A-2 of A
and B-1 of B (C has none); scheme xj-cxq-2018 (40% of a fee, all of a fee
under 10,000元, 20,000元 per application and 100,000元 a year for
enterprises and per actual controller, 10,000元 and 30,000元 for teams of
at least two, vouchers of 5,000元 valid to 2018-12-31); fund year 2018
of 1,000,000元 with a voucher category of 200,000元, all of it moved into
the pool; applicants E1 (small, controller P1), E2 (micro, P1), E3
(medium), E4 (micro, A holds a stake), E5 (small, controller P-B, who
also controls unit B), E6 (micro, used the network in 2016) and team T1
of three people.

Run: python3 testdata/generators/vouchers.py
"""

import copy
import json
from pathlib import Path

CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = [pow(3, i, 31) for i in range(17)]

OFFICE = {"id": "office-1", "role": "office"}
SCHEME = "xj-cxq-2018"
NEW_YEAR = "2018-12-31T16:00:00Z"


def credit_code(organisation):
    first17 = "91650100" + organisation
    total = sum(CHARSET.index(c) * w for c, w in zip(first17, WEIGHTS))
    return first17 + CHARSET[(31 - total % 31) % 31]


def admin(unit):
    return {"id": f"admin-{unit}", "role": "unit_admin", "unit": unit}


def contact(enterprise):
    return {"id": f"contact-{enterprise}", "role": "enterprise", "enterprise": enterprise}


def at(month, day, hour=2):
    return f"2018-{month:02d}-{day:02d}T{hour:02d}:00:00Z"


def step(op, actor, when, error=None, rule=None, **args):
    result = {"op": op, "actor": actor, "at": when, **args}
    if error:
        result["error"] = error
    if rule:
        result["rule"] = rule
    return result


RECORD = {
    "name": "气相色谱仪", "english_name": "", "category_code": "010101", "source": "purchased",
    "original_value": "600000.00", "country_of_origin": "CN", "manufacturer": "示例仪器厂", "model": "M-1",
    "commissioning_date": "2015-06-01", "specifications": "示例指标", "functions": "示例功能", "disciplines": [],
    "service_content": "对外检测", "operating_status": "normal", "sharing_mode": "external", "sharing_rules": "",
    "fee_standard": "", "booking_url": "", "location": "乌鲁木齐市", "contact": "",
}

RULES = {
    "size_standard": "sme-2011",
    "eligible_sizes": ["small", "micro"],
    "enterprise_caps": {"per_application": "20000.00", "per_year": "100000.00"},
    "controller_year_cap": "100000.00",
    "startup_teams": {"caps": {"per_application": "10000.00", "per_year": "30000.00"}, "min_people": 2},
    "share": {"percent": "40", "full_payment_below": "10000.00"},
    "providers": {"scope": "published_members"},
    "services": {"scope": "published_instruments"},
    "order": "first_come_first_served",
    "partial_grants": True,
    "face_value": "5000.00",
    "validity": {"until": "2018-12-31"},
}


def scheme(version=1, start="2018-01-01", **rule_changes):
    rules = copy.deepcopy(RULES)
    rules.update(rule_changes)
    return {"id": SCHEME, "version": version,
            "title": {"zh": "2018年度创新券实施细则", "en": "2018 innovation voucher rules"},
            "effective": {"from": start, "until": "2018-12-01"}, "time_zone": "Asia/Shanghai",
            "number_prefix": "XJCXQ2018", "rules": rules}


def enterprise(eid, industry, staff, revenue, controller, since=None):
    applicant = {"id": eid, "name": f"示例企业{eid}", "region": "乌鲁木齐市",
                 "profile": {"kind": "enterprise", "credit_code": credit_code(f"MA00000{eid}"), "industry": industry,
                             "staff": staff, "revenue": revenue, "total_assets": "5000000.00",
                             "actual_controller": {"id": controller, "name": f"控制人{controller}"}}}
    if since:
        applicant["network_user_since"] = since
    return applicant


def team(tid, leader, members):
    return {"id": tid, "name": f"示例团队{tid}", "region": "昌吉州",
            "profile": {"kind": "startup_team", "leader": {"id": leader, "name": f"负责人{leader}"},
                        "members": [{"id": f"{leader}-m{n}", "name": f"成员{n}"} for n in range(members)],
                        "field": "新材料"}}


APPLICANTS = [
    enterprise("E1", "software_it_services", 15, "2000000.00", "P1"),
    enterprise("E2", "industry", 12, "8000000.00", "P1"),
    enterprise("E3", "industry", 400, "50000000.00", "P3"),
    enterprise("E4", "retail", 8, "900000.00", "P4"),
    enterprise("E5", "other", 30, "1000000.00", "P-B"),
    enterprise("E6", "wholesale", 4, "3000000.00", "P6", since="2016-05-01"),
    team("T1", "P-T1", 2),
]


# Service label -> booking id, and booking ids already completed, of the
# case being built; setup() starts a new case.
BOOKINGS = {}
COMPLETED = set()


def setup(**rule_changes):
    BOOKINGS.clear()
    COMPLETED.clear()
    steps = []
    for unit in "ABC":
        steps.append(step("register_unit", OFFICE, at(1, 2),
                          unit={"id": unit, "name": f"示例单位{unit}", "kind": "institute", "region": "乌鲁木齐市"}))
    for unit, instrument in [("A", "A-1"), ("A", "A-2"), ("B", "B-1")]:
        steps.append(step("submit_instrument", admin(unit), at(1, 3), instrument=instrument, unit=unit, record=RECORD))
        steps.append(step("publish_instrument", OFFICE, at(1, 4), instrument=instrument))
    steps.append(open_fund_year())
    steps.append(step("publish_voucher_scheme", OFFICE, at(1, 5), scheme=scheme(**rule_changes)))
    steps.append(fund_pool("200000.00"))
    for applicant in APPLICANTS:
        steps.append(step("register_applicant", OFFICE, at(1, 6), applicant=applicant))
    steps.append(step("record_provider_ties", admin("A"), at(1, 7),
                      ties={"unit": "A", "stakes": [credit_code("MA00000E4")]}))
    steps.append(step("record_provider_ties", admin("B"), at(1, 7),
                      ties={"unit": "B", "actual_controller": {"id": "P-B", "name": "控制人P-B"}, "stakes": []}))
    return steps


def apply(app, applicant, amount, when, **extra):
    request = {"id": app, "scheme": SCHEME, "applicant": applicant, "amount": amount, "purpose": "委托检测"}
    return step("apply_for_vouchers", contact(applicant), when, request=request, **extra)


def decide(when, **extra):
    return step("decide_voucher_applications", OFFICE, when, scheme=SCHEME, **extra)


def issue(app, when, **extra):
    return step("issue_vouchers", OFFICE, when, application=app, **extra)


def granted(app, applicant, amount, when):
    return [apply(app, applicant, amount, when), decide(when), issue(app, when)]


def open_fund_year(year=2018):
    budget = [{"category": "office_costs", "amount": "100000.00"}, {"category": "subsidies", "amount": "500000.00"},
              {"category": "rewards", "amount": "200000.00"}, {"category": "vouchers", "amount": "200000.00"}]
    return step("open_fund_year", OFFICE, at(1, 5), year=year, appropriation="1000000.00", budget=budget)


def fund_pool(amount, year=2018, when=None, actor=OFFICE, **extra):
    return step("fund_voucher_pool", actor, when or at(1, 5), scheme=SCHEME, fund_year=year, amount=amount, **extra)


def item(fee):
    return f"检测{fee}"


def book(service, holder, instrument, fee, when, actor=None):
    """Returns the steps that request and confirm the sample request `service`."""
    if service in BOOKINGS:
        return []
    BOOKINGS[service] = len(BOOKINGS) + 1
    request = {"instrument": instrument, "test_item": item(fee), "samples": 1, "purpose": "委托检测",
               "voucher": "创新券"}
    return [step("request_samples", actor or contact(holder), when, request=request),
            step("confirm_booking", OFFICE, when, booking=BOOKINGS[service])]


def use(service, holder, instrument, fee, payments, when=None, booked=None, **extra):
    """Returns the steps that book `service` if it is new, then use vouchers on it."""
    when = when or at(3, 10)
    steps = book(service, holder, instrument, fee, booked or when)
    request = {"booking": BOOKINGS[service], "holder": holder,
               "payments": [{"voucher": v, "amount": a} for v, a in payments]}
    return steps + [step("use_vouchers", contact(holder), when, request=request, **extra)]


def complete(service, unit, when=None, amount=None):
    COMPLETED.add(service)
    completion = {"actual_hours": "0", "samples": 1, "mode": "staff_run"}
    if amount:
        completion["amount"] = amount
    return step("complete_booking", admin(unit), when or at(3, 11), booking=BOOKINGS[service], completion=completion)


def redeem(service, unit, invoice, amount, when=None, actor=None, completed=True, **extra):
    """Returns the steps that complete `service` at its quote unless done, then request redemption."""
    steps = []
    if completed and service not in COMPLETED:
        steps.append(complete(service, unit))
    request = {"booking": BOOKINGS[service],
               "invoice": {"number": invoice, "issued_on": "2018-03-12", "amount": amount}}
    return steps + [step("request_redemption", actor or admin(unit), when or at(3, 12), request=request, **extra)]


def audit(service, decision, when=None, reason=None, actor=OFFICE, **extra):
    body = {"decision": decision}
    if reason is not None:
        body["reason"] = reason
    return step("audit_redemption", actor, when or at(3, 20), booking=BOOKINGS[service], decision=body, **extra)


def cancel(service, actor, when, **extra):
    return step("cancel_voucher_use", actor, when, booking=BOOKINGS[service], reason="预约取消", **extra)


def expire(when=NEW_YEAR, **extra):
    return step("expire_vouchers", OFFICE, when, scheme=SCHEME, **extra)


def withdraw_pool(amount, when=None, **extra):
    return step("withdraw_from_voucher_pool", OFFICE, when or at(2, 1), scheme=SCHEME, amount=amount,
                reason="调剂至运行补贴", **extra)


def v(n):
    return f"XJCXQ2018-{n:05d}"


def voucher(face, used, remaining, expired, state="active"):
    return {"face_value": face, "used": used, "remaining": remaining, "expired": expired, "state": state}


def pool(funded, withdrawn, reserved, paid, free):
    return {"funded": funded, "withdrawn": withdrawn, "reserved": reserved, "paid": paid, "free": free}


def fund(spent, held, balance):
    """Expected figures of the 2018 voucher category: spent, held in the pool, balance."""
    return {"spent": spent, "held": held, "balance": balance}


def flatten(steps):
    flat = []
    for entry in steps:
        flat.extend(flatten(entry) if isinstance(entry, list) else [entry])
    return flat


def with_fee_standards(steps):
    """Inserts, after the last publish_instrument step, the fee standard of
    every instrument with a rate for each test item the case requests."""
    items = {}
    for entry in steps:
        if entry["op"] == "request_samples":
            request = entry["request"]
            items.setdefault(request["instrument"], set()).add(request["test_item"])
    position = max(i for i, entry in enumerate(steps) if entry["op"] == "publish_instrument") + 1
    policies = []
    for instrument in sorted(items):
        fees = []
        for name in sorted(items[instrument]):
            for user_type in ["voucher_holder", "external"]:
                fees.append({"user_type": user_type, "basis": "sample", "test_item": name, "rate": name[2:]})
        unit = instrument.split("-")[0]
        policies.append(step("set_booking_policy", admin(unit), at(1, 4), instrument=instrument,
                             effective_from="2018-01-01T00:00:00Z", policy={"fees": fees}))
    return steps[:position] + policies + steps[position:]


def svc(service):
    """Returns the booking id of a service label as an expect key."""
    return str(BOOKINGS[service])


def rejected(rule):
    return {"error": "rule_violation", "rule": rule}


CASES = [
    {"name": "lifecycle from application to expiry",
     "steps": setup() + granted("SQ1", "E1", "20000.00", at(3, 1)) + [
         use("BK-1", "E1", "A-1", "30000.00", [(v(1), "5000.00"), (v(2), "5000.00"), (v(3), "2000.00")]),
         use("BK-2", "E1", "A-2", "6000.00", [(v(3), "3000.00"), (v(4), "3000.00")]),
         redeem("BK-1", "A", "INV001", "30000.00"),
         audit("BK-1", "pay"),
         redeem("BK-2", "A", "inv001", "6000.00", **rejected("voucher.invoice_used_once")),
         redeem("BK-2", "A", "INV002", "6000.00"),
         audit("BK-2", "return", reason="发票抬头有误"),
         redeem("BK-2", "A", "INV002", "6000.00", when=at(3, 21)),
         audit("BK-2", "pay", when=at(3, 25)),
         expire(),
     ],
     "expect": {
         "applications": {"SQ1": {"state": "issued", "granted": "20000.00", "rank": 1, "limit": "requested"}},
         "vouchers": {v(1): voucher("5000.00", "5000.00", "0.00", "0.00", "expired"),
                      v(3): voucher("5000.00", "5000.00", "0.00", "0.00", "expired"),
                      v(4): voucher("5000.00", "3000.00", "0.00", "2000.00", "expired")},
         "services": {svc("BK-1"): {"state": "paid", "total": "12000.00", "share_limit": "12000.00"},
                      svc("BK-2"): {"state": "paid", "total": "6000.00", "share_limit": "6000.00"}},
         "pool": pool("200000.00", "0.00", "0.00", "18000.00", "182000.00"),
         "fund": fund("18000.00", "182000.00", "182000.00"),
         "report": {"applications": 1, "approved": 1, "declined": 0, "vouchers": 4, "issued": "20000.00",
                    "used": "18000.00", "redeemed": "18000.00", "expired": "2000.00", "services": 2, "users": 1,
                    "first_time_users": 1},
     }},
    {"name": "oversubscription first come first served",
     "steps": setup() + [
         withdraw_pool("170000.00"),
         apply("SQ-T1", "T1", "10000.00", at(3, 3)),
         apply("SQ-E1", "E1", "20000.00", at(3, 1)),
         apply("SQ-E4", "E4", "20000.00", at(3, 2)),
         decide(at(3, 5)),
     ],
     "expect": {
         "applications": {"SQ-E1": {"state": "approved", "granted": "20000.00", "rank": 1, "limit": "requested"},
                          "SQ-E4": {"state": "approved", "granted": "10000.00", "rank": 2, "limit": "pool"},
                          "SQ-T1": {"state": "declined", "granted": "0.00", "rank": 3, "limit": "pool"}},
         "pool": pool("200000.00", "170000.00", "30000.00", "0.00", "0.00"),
         "report": {"applications": 3, "approved": 2, "declined": 1, "vouchers": 0, "issued": "0.00",
                    "used": "0.00", "redeemed": "0.00", "expired": "0.00", "services": 0, "users": 0,
                    "first_time_users": 0},
     }},
    {"name": "partial grants off",
     "steps": setup(partial_grants=False) + [
         withdraw_pool("170000.00"),
         apply("SQ-E1", "E1", "20000.00", at(3, 1)),
         apply("SQ-E4", "E4", "20000.00", at(3, 2)),
         apply("SQ-E5", "E5", "5000.00", at(3, 3)),
         decide(at(3, 5)),
     ],
     "expect": {"applications": {"SQ-E1": {"state": "approved", "granted": "20000.00"},
                                 "SQ-E4": {"state": "declined", "granted": "0.00", "limit": "pool"},
                                 "SQ-E5": {"state": "approved", "granted": "5000.00", "rank": 3}},
                "pool": pool("200000.00", "170000.00", "25000.00", "0.00", "5000.00")}},
    {"name": "order by score",
     "steps": setup(order="by_score") + [
         withdraw_pool("170000.00"),
         apply("SQ-E1", "E1", "20000.00", at(3, 1)),
         apply("SQ-E4", "E4", "20000.00", at(3, 2)),
         decide(at(3, 5), **rejected("voucher.unscored_application")),
         step("score_voucher_application", OFFICE, at(3, 4), application="SQ-E1", score="70"),
         step("score_voucher_application", admin("A"), at(3, 4), application="SQ-E4", score="85",
              error="permission_denied"),
         step("score_voucher_application", OFFICE, at(3, 4), application="SQ-E4", score="-1", error="invalid_value"),
         step("score_voucher_application", OFFICE, at(3, 4), application="SQ-E4", score="85"),
         decide(at(3, 5)),
     ],
     "expect": {"applications": {"SQ-E4": {"state": "approved", "granted": "20000.00", "rank": 1},
                                 "SQ-E1": {"state": "approved", "granted": "10000.00", "rank": 2, "limit": "pool"}}}},
    {"name": "same instant ties follow journal order",
     "steps": setup() + [
         withdraw_pool("180000.00"),
         apply("SQ-B", "E4", "20000.00", at(3, 1)),
         apply("SQ-A", "E1", "20000.00", at(3, 1)),
         decide(at(3, 5)),
     ],
     "expect": {"applications": {"SQ-B": {"state": "approved", "granted": "20000.00", "rank": 1},
                                 "SQ-A": {"state": "declined", "granted": "0.00", "rank": 2}}}},
    {"name": "yearly cap per actual controller",
     "steps": setup() + granted("E1-1", "E1", "20000.00", at(2, 1)) + granted("E1-2", "E1", "20000.00", at(3, 1))
     + granted("E1-3", "E1", "20000.00", at(4, 1)) + granted("E2-1", "E2", "20000.00", at(5, 1))
     + granted("E2-2", "E2", "20000.00", at(5, 2)) + [
         apply("E2-3", "E2", "0.01", at(5, 3), **rejected("voucher.controller_year_cap")),
         apply("E4-1", "E4", "20000.00", at(5, 3)),
     ],
     "expect": {"applications": {"E2-2": {"state": "issued", "granted": "20000.00"},
                                 "E4-1": {"state": "pending", "granted": "0.00"}},
                "pool": pool("200000.00", "0.00", "100000.00", "0.00", "100000.00")}},
    {"name": "team caps and yearly cap per applicant",
     "steps": setup() + [
         apply("T-0", "T1", "10000.01", at(2, 1), **rejected("voucher.per_application_cap")),
     ] + granted("T-1", "T1", "10000.00", at(2, 1)) + granted("T-2", "T1", "10000.00", at(3, 1))
     + granted("T-3", "T1", "10000.00", at(4, 1)) + [
         apply("T-4", "T1", "0.01", at(5, 1), **rejected("voucher.applicant_year_cap")),
     ],
     "expect": {"vouchers": {v(6): voucher("5000.00", "0.00", "5000.00", "0.00")},
                "report": {"applications": 3, "approved": 3, "declined": 0, "vouchers": 6, "issued": "30000.00",
                           "used": "0.00", "redeemed": "0.00", "expired": "0.00", "services": 0, "users": 0,
                           "first_time_users": 0}}},
    {"name": "application rejections",
     "steps": setup() + [
         apply("X1", "E1", "10000.00", at(12, 5), **rejected("voucher.scheme_not_in_force")),
         apply("X2", "E3", "10000.00", at(3, 1), **rejected("voucher.size_not_eligible")),
         apply("X3", "E1", "20000.01", at(3, 1), **rejected("voucher.per_application_cap")),
         apply("P1", "E1", "10000.00", at(3, 1)),
         apply("P2", "E1", "10000.00", at(3, 2), **rejected("voucher.pending_application")),
         apply("P1", "E2", "10000.00", at(3, 2), error="already_exists"),
         step("apply_for_vouchers", contact("E2"), at(3, 2), error="permission_denied",
              request={"id": "P3", "scheme": SCHEME, "applicant": "E1", "amount": "10000.00", "purpose": ""}),
         apply("P4", "E2", "0.00", at(3, 2), error="invalid_value"),
         apply("P5", "E9", "100.00", at(3, 2), error="not_found"),
         step("withdraw_voucher_application", contact("E2"), at(3, 3), application="P1", error="permission_denied"),
         step("withdraw_voucher_application", contact("E1"), at(3, 3), application="P1"),
         step("withdraw_voucher_application", contact("E1"), at(3, 3), application="P1", error="invalid_state"),
         apply("P6", "E2", "10000.00", at(3, 4)),
         step("reject_voucher_application", OFFICE, at(3, 5), application="P6", reason=" ", error="missing"),
         step("reject_voucher_application", OFFICE, at(3, 5), application="P6", reason="材料不全"),
         decide(at(3, 6), error="invalid_state"),
     ],
     "expect": {"applications": {"P1": {"state": "withdrawn", "granted": "0.00"},
                                 "P6": {"state": "rejected", "granted": "0.00"}}}},
    {"name": "team too small",
     "steps": setup() + [
         step("register_applicant", OFFICE, at(2, 1), applicant=team("T2", "P-T2", 0)),
         apply("X", "T2", "5000.00", at(3, 1), **rejected("voucher.team_too_small")),
     ]},
    {"name": "teams not eligible",
     "steps": setup(startup_teams=None) + [
         apply("X", "T1", "5000.00", at(3, 1), **rejected("voucher.teams_not_eligible")),
     ]},
    {"name": "use rejections",
     "steps": setup() + granted("SQ1", "E1", "20000.00", at(3, 1)) + granted("SQ4", "E4", "10000.00", at(3, 1)) + [
         use("BK-1", "E1", "A-1", "1000.00", [(v(1), "1000.00")]),
         use("BK-1", "E1", "A-1", "1000.00", [(v(1), "100.00")], **rejected("voucher.service_used_once")),
         use("BK-2", "E1", "A-1", "9000.00", [(v(5), "100.00")], **rejected("voucher.not_holder")),
         use("BK-2", "E1", "A-1", "9000.00", [(v(1), "4000.01")], **rejected("voucher.insufficient_balance")),
         use("BK-3", "E1", "A-1", "1000.00", [(v(1), "100.00")], booked=at(2, 28),
             **rejected("voucher.service_date_outside_validity")),
         use("BK-4", "E1", "A-1", "1000.00", [(v(1), "100.00")], when=NEW_YEAR, booked=at(12, 20),
             **rejected("voucher.expired")),
         use("BK-2", "E1", "A-1", "9000.00", [(v(1), "100.00"), (v(1), "100.00")], error="invalid_value"),
         use("BK-2", "E1", "A-1", "9000.00", [], error="missing"),
         use("BK-2", "E1", "A-1", "9000.00", [(v(1), "0.00")], error="invalid_value"),
         use("BK-2", "E1", "A-1", "9000.00", [("XJCXQ2018-99999", "100.00")], error="not_found"),
         step("use_vouchers", contact("E1"), at(3, 10), error="not_found",
              request={"booking": 99, "holder": "E1", "payments": [{"voucher": v(1), "amount": "100.00"}]}),
         book("BK-5", "E2", "A-1", "1000.00", at(3, 10)),
         use("BK-5", "E1", "A-1", "1000.00", [(v(1), "100.00")], **rejected("voucher.booking_other_party")),
         book("BK-6", "E1", "A-1", "1000.00", at(3, 10), actor={"id": "user-1", "role": "user"}),
         use("BK-6", "E1", "A-1", "1000.00", [(v(1), "100.00")], **rejected("voucher.booking_other_party")),
         book("BK-7", "E1", "A-1", "1000.00", at(3, 10)),
         step("cancel_booking", contact("E1"), at(3, 10), booking=7),
         use("BK-7", "E1", "A-1", "1000.00", [(v(1), "100.00")], **rejected("voucher.booking_closed")),
     ],
     "expect": {"vouchers": {v(1): voucher("5000.00", "1000.00", "4000.00", "0.00")},
                "services": {svc("BK-1"): {"state": "open", "total": "1000.00", "share_limit": "1000.00"}}}},
    {"name": "share of the fee",
     "steps": setup() + granted("SQ1", "E1", "20000.00", at(3, 1)) + [
         use("BK-0", "E1", "A-1", "10000.00", [(v(1), "4000.01")], **rejected("voucher.share_limit")),
         use("BK-1", "E1", "A-1", "12345.67", [(v(1), "4938.28")], **rejected("voucher.share_limit")),
         use("BK-1", "E1", "A-1", "12345.67", [(v(1), "4938.27")]),
         use("BK-2", "E1", "A-1", "9999.99", [(v(2), "5000.00"), (v(3), "4999.99")]),
         use("BK-3", "E1", "A-2", "10000.00", [(v(1), "61.73"), (v(4), "3938.27")]),
     ],
     "expect": {"vouchers": {v(1): voucher("5000.00", "5000.00", "0.00", "0.00"),
                             v(3): voucher("5000.00", "4999.99", "0.01", "0.00"),
                             v(4): voucher("5000.00", "3938.27", "1061.73", "0.00")},
                "services": {svc("BK-1"): {"state": "open", "total": "4938.27", "share_limit": "4938.27"},
                             svc("BK-2"): {"state": "open", "total": "9999.99", "share_limit": "9999.99"},
                             svc("BK-3"): {"state": "open", "total": "4000.00", "share_limit": "4000.00"}}}},
    {"name": "related parties",
     "steps": setup() + granted("SQ4", "E4", "10000.00", at(3, 1)) + granted("SQ5", "E5", "10000.00", at(3, 1)) + [
         use("BK-1", "E5", "B-1", "1000.00", [(v(3), "100.00")], **rejected("voucher.related_party_controller")),
         use("BK-2", "E4", "A-1", "1000.00", [(v(1), "100.00")], **rejected("voucher.related_party_stake")),
         use("BK-3", "E5", "A-1", "1000.00", [(v(3), "100.00")]),
         use("BK-4", "E4", "B-1", "1000.00", [(v(1), "100.00")]),
     ],
     "expect": {"services": {svc("BK-3"): {"state": "open", "total": "100.00", "share_limit": "1000.00"},
                             svc("BK-4"): {"state": "open", "total": "100.00", "share_limit": "1000.00"}}}},
    {"name": "mixed scheme versions on one service",
     "steps": setup() + granted("SQ1", "E1", "5000.00", at(3, 1)) + [
         step("publish_voucher_scheme", OFFICE, at(5, 20), scheme=scheme(version=2, start="2018-06-01")),
     ] + granted("SQ2", "E1", "5000.00", at(6, 2)) + [
         use("BK-1", "E1", "A-1", "4000.00", [(v(1), "1000.00"), (v(2), "1000.00")], when=at(6, 10),
             **rejected("voucher.mixed_schemes")),
         use("BK-1", "E1", "A-1", "4000.00", [(v(2), "1000.00")], when=at(6, 10)),
     ],
     "expect": {"services": {svc("BK-1"): {"state": "open", "total": "1000.00", "share_limit": "4000.00"}}}},
    {"name": "redemption rejections",
     "steps": setup() + granted("SQ1", "E1", "20000.00", at(3, 1)) + [
         use("BK-1", "E1", "A-1", "1000.00", [(v(1), "1000.00")]),
         use("BK-2", "E1", "A-1", "2000.00", [(v(2), "2000.00")]),
         audit("BK-1", "pay", error="invalid_state"),
         redeem("BK-1", "A", "INV1", "1000.00", completed=False, **rejected("voucher.booking_not_completed")),
         redeem("BK-1", "A", "INV1", "1000.00", actor=admin("B"), error="permission_denied"),
         redeem("BK-1", "A", "INV1", "1000.00", actor=OFFICE, error="permission_denied"),
         redeem("BK-1", "A", "INV1", "999.99", **rejected("voucher.invoice_amount")),
         redeem("BK-1", "A", "INV 1", "1000.00", error="invalid_value"),
         redeem("BK-1", "A", "INV1", "1000.00"),
         redeem("BK-1", "A", "INV9", "1000.00", error="invalid_state"),
         redeem("BK-2", "A", "INV1", "2000.00", **rejected("voucher.invoice_used_once")),
         audit("BK-1", "pay", actor=admin("A"), error="permission_denied"),
         audit("BK-1", "reject", reason="", error="missing"),
         audit("BK-1", "pay"),
         audit("BK-1", "pay", error="invalid_state"),
         cancel("BK-1", contact("E1"), at(3, 21), error="invalid_state"),
     ],
     "expect": {"services": {svc("BK-1"): {"state": "paid", "total": "1000.00", "share_limit": "1000.00"},
                             svc("BK-2"): {"state": "open", "total": "2000.00", "share_limit": "2000.00"}},
                "pool": pool("200000.00", "0.00", "19000.00", "1000.00", "180000.00")}},
    {"name": "cancellation and rejection give amounts back",
     "steps": setup() + granted("SQ1", "E1", "10000.00", at(3, 1)) + [
         use("BK-1", "E1", "A-1", "3000.00", [(v(1), "3000.00")]),
         use("BK-2", "E1", "A-1", "2000.00", [(v(2), "2000.00")]),
         use("BK-3", "E1", "A-1", "1000.00", [(v(2), "1000.00")]),
         cancel("BK-1", contact("E4"), at(3, 11), error="permission_denied"),
         cancel("BK-1", contact("E1"), at(3, 11)),
         redeem("BK-2", "A", "INV2", "2000.00"),
         audit("BK-2", "reject", reason="非委托检测"),
         redeem("BK-3", "A", "INV3", "1000.00"),
         expire(),
         audit("BK-3", "reject", when=NEW_YEAR, reason="逾期"),
     ],
     "expect": {"vouchers": {v(1): voucher("5000.00", "0.00", "0.00", "5000.00", "expired"),
                             v(2): voucher("5000.00", "0.00", "0.00", "5000.00", "expired")},
                "services": {svc("BK-1"): {"state": "cancelled", "total": "3000.00", "share_limit": "3000.00"},
                             svc("BK-2"): {"state": "rejected", "total": "2000.00", "share_limit": "2000.00"},
                             svc("BK-3"): {"state": "rejected", "total": "1000.00", "share_limit": "1000.00"}},
                "pool": pool("200000.00", "0.00", "0.00", "0.00", "200000.00"),
                "report": {"applications": 1, "approved": 1, "declined": 0, "vouchers": 2, "issued": "10000.00",
                           "used": "0.00", "redeemed": "0.00", "expired": "10000.00", "services": 0, "users": 0,
                           "first_time_users": 0}}},
    {"name": "unissued grant lapses at year end",
     "steps": setup() + [
         apply("SQ1", "E1", "10000.00", at(3, 1)),
         decide(at(3, 2)),
         issue("SQ1", NEW_YEAR, **rejected("voucher.validity_ended")),
         expire(),
         issue("SQ1", NEW_YEAR, error="invalid_state"),
     ],
     "expect": {"applications": {"SQ1": {"state": "lapsed", "granted": "0.00"}},
                "pool": pool("200000.00", "0.00", "0.00", "0.00", "200000.00"),
                "report": {"applications": 1, "approved": 1, "declined": 0, "vouchers": 0, "issued": "0.00",
                           "used": "0.00", "redeemed": "0.00", "expired": "0.00", "services": 0, "users": 0,
                           "first_time_users": 0}}},
    {"name": "first-time users of the network",
     "steps": setup() + granted("SQ1", "E1", "5000.00", at(3, 1)) + granted("SQ6", "E6", "5000.00", at(3, 1)) + [
         use("BK-1", "E1", "A-1", "1000.00", [(v(1), "500.00")]),
         use("BK-2", "E6", "B-1", "1000.00", [(v(2), "500.00")]),
         use("BK-3", "E6", "A-2", "1000.00", [(v(2), "500.00")]),
     ],
     "expect": {"report": {"applications": 2, "approved": 2, "declined": 0, "vouchers": 2, "issued": "10000.00",
                           "used": "1500.00", "redeemed": "0.00", "expired": "0.00", "services": 3, "users": 2,
                           "first_time_users": 1}}},
    {"name": "pool rules",
     "steps": setup() + [
         withdraw_pool("200000.01", **rejected("voucher.pool_insufficient")),
         fund_pool("10000.00", when=at(2, 1), actor=admin("A"), error="permission_denied"),
         fund_pool("0.00", when=at(2, 1), error="invalid_value"),
         step("fund_voucher_pool", OFFICE, at(2, 1), scheme="nope", fund_year=2018, amount="10000.00",
              error="not_found"),
         fund_pool("10000.00", year=2017, when=at(2, 1), error="not_found"),
         fund_pool("0.01", when=at(2, 1), **rejected("fund.insufficient_balance")),
         withdraw_pool("50000.00"),
         fund_pool("50000.01", when=at(2, 1), **rejected("fund.insufficient_balance")),
         fund_pool("10000.00", when=at(2, 1)),
     ],
     "expect": {"pool": pool("210000.00", "50000.00", "0.00", "0.00", "160000.00"),
                "fund": fund("0.00", "160000.00", "200000.00")}},
    {"name": "provider and service scope",
     "steps": setup(providers={"scope": "listed", "units": ["A", "B"]},
                    services={"scope": "listed", "instruments": ["A-1", "B-1"]})
     + granted("SQ1", "E1", "10000.00", at(3, 1)) + [
         use("BK-1", "E1", "A-2", "1000.00", [(v(1), "100.00")], **rejected("voucher.service_not_eligible")),
         use("BK-2", "E1", "B-1", "1000.00", [(v(1), "100.00")]),
     ],
     "expect": {"services": {svc("BK-2"): {"state": "open", "total": "100.00", "share_limit": "1000.00"}}}},
    {"name": "provider outside the scheme's list",
     "steps": setup(providers={"scope": "listed", "units": ["A"]}) + granted("SQ1", "E1", "10000.00", at(3, 1)) + [
         use("BK-1", "E1", "B-1", "1000.00", [(v(1), "100.00")], **rejected("voucher.provider_not_eligible")),
     ]},
    {"name": "redemption keeps the share of the completed amount",
     "steps": setup() + granted("SQ1", "E1", "20000.00", at(3, 1)) + [
         use("BK-1", "E1", "A-1", "20000.00", [(v(1), "5000.00"), (v(2), "3000.00")]),
         complete("BK-1", "A", amount="15000.00"),
         redeem("BK-1", "A", "INV1", "20000.00", **rejected("voucher.invoice_amount")),
         redeem("BK-1", "A", "INV1", "15000.00"),
         audit("BK-1", "pay"),
     ],
     "expect": {"vouchers": {v(1): voucher("5000.00", "5000.00", "0.00", "0.00"),
                             v(2): voucher("5000.00", "1000.00", "4000.00", "0.00")},
                "services": {svc("BK-1"): {"state": "paid", "total": "6000.00", "share_limit": "6000.00"}},
                "pool": pool("200000.00", "0.00", "14000.00", "6000.00", "180000.00"),
                "fund": fund("6000.00", "194000.00", "194000.00")}},
    {"name": "cancelled booking is not redeemed",
     "steps": setup() + granted("SQ1", "E1", "5000.00", at(3, 1)) + [
         use("BK-1", "E1", "A-1", "1000.00", [(v(1), "1000.00")]),
         step("cancel_booking", contact("E1"), at(3, 10), booking=1),
         redeem("BK-1", "A", "INV1", "1000.00", completed=False, **rejected("voucher.booking_not_completed")),
         cancel("BK-1", contact("E1"), at(3, 12)),
     ],
     "expect": {"vouchers": {v(1): voucher("5000.00", "0.00", "5000.00", "0.00")},
                "services": {svc("BK-1"): {"state": "cancelled", "total": "1000.00", "share_limit": "1000.00"}}}},
]


def main():
    document = {
        "description": "Innovation-voucher workflow: steps run in order on a new network; a step with `error` must "
                       "fail with that code (and, for rule_violation, that `rule`) and change nothing. `expect` "
                       "gives applications, vouchers, services keyed by booking id, pool totals, the 2018 fund "
                       "voucher category (`fund`: spent, held in the pool, balance) and report totals afterwards. "
                       "Vouchers pay for sample requests made and confirmed in the booking engine; redemption "
                       "needs the booking completed. Money in 元 as decimal strings; instants in UTC; the "
                       "scheme's dates are Asia/Shanghai dates.",
        "cases": [dict(case, steps=with_fee_standards(flatten(case["steps"]))) for case in CASES],
    }
    out = Path(__file__).resolve().parents[1] / "vouchers.json"
    out.write_text(json.dumps(document, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {len(CASES)} cases to {out}")


if __name__ == "__main__":
    main()

"""Subsidy allocation through the Python binding: claims as tuples, typed
results and explanations. The split rules are covered by the shared vectors."""

from decimal import Decimal

import pytest

import labshare
from labshare import Claim, InvalidInputError

CLAIMS = [Claim("XJ01", Decimal("10000000")), ("XJ02", Decimal("19633430"))]


def test_allocation_of_70_wan():
    allocation = labshare.allocate_proportional(Decimal("700000"), CLAIMS)

    assert allocation.budget == Decimal("700000.00")
    assert allocation.total_audited == Decimal("29633430.00")
    assert allocation.total == allocation.budget
    assert allocation.ratio_percent(4) == Decimal("2.3622")
    assert str(allocation.ratio_percent(2)) == "2.36"
    assert [share.unit for share in allocation.shares] == ["XJ01", "XJ02"]
    assert [str(share.amount) for share in allocation.shares] == ["236219.70", "463780.30"]
    first = allocation.shares[0]
    assert first.floored + first.adjustment == first.amount
    assert first.exact_share.as_tuple().exponent == -10


def test_explanation_renders_in_both_languages():
    share = labshare.allocate_proportional(Decimal("1.00"), [("A", 1), ("B", 1), ("C", 1)]).shares[0]

    zh = share.explanation.render()
    en = share.explanation.render("en-US")

    assert zh.startswith("1. 核算金额 1.00元")
    assert "补贴金额：0.34元" in zh
    assert "subsidy amount: 0.34元" in en
    assert len(en.splitlines()) == len(share.explanation.steps) == 5
    assert share.explanation.steps[-1].en == "subsidy amount: 0.34元"


def test_render_rejects_unknown_language():
    share = labshare.allocate_proportional(Decimal("1.00"), [("A", 1)]).shares[0]

    with pytest.raises(InvalidInputError) as raised:
        share.explanation.render("fr")

    assert raised.value.field == "lang"


@pytest.mark.parametrize("claim", [["A", Decimal(1)], ("A",), "A1", ("A", 1, 2)])
def test_claim_must_be_a_pair_tuple(claim):
    with pytest.raises(TypeError):
        labshare.allocate_proportional(Decimal(1), [claim])


def test_claim_unit_must_be_str():
    with pytest.raises(TypeError):
        labshare.allocate_proportional(Decimal(1), [(1, Decimal(1))])


def test_bad_audited_names_field():
    with pytest.raises(InvalidInputError) as raised:
        labshare.allocate_proportional(Decimal(1), [("A", Decimal("-1"))])

    assert raised.value.code == "invalid_amount"
    assert raised.value.field == "audited"


def test_ratio_percent_rejects_bad_places_and_huge_ratio():
    allocation = labshare.allocate_proportional(Decimal(1), [("A", 1)])

    with pytest.raises(InvalidInputError) as raised:
        allocation.ratio_percent(-1)
    assert raised.value.field == "places"
    with pytest.raises(InvalidInputError) as raised:
        labshare._native.ratio_percent(Decimal("7E+28"), 2)
    assert raised.value.code == "overflow"

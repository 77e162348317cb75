"""allocate_subsidy_columns: incomes as columns, amounts back as int fen."""

from decimal import Decimal

import pytest

import labshare
from labshare import ConflictError, InvalidInputError, SubsidyColumns


def capped_rules(cap="50", minimum=None):
    allocation = {"base": {"method": "proportional"}, "cap": cap}
    if minimum is not None:
        allocation["minimum"] = minimum
    return {
        "id": "columns",
        "version": 3,
        "title": {"zh": "列式分配", "en": "Column allocation"},
        "years": {"from": 2017},
        "text": {"zh": "按比例，每单位最多 50 元。", "en": "Proportional, at most 50 元 per unit."},
        "allocation": allocation,
    }


UNITS = ["A", "B", "C"]


def test_cap_excess_goes_to_others():
    # A would get 60 元 of 100 and is held at 50; its 10 元 go to B and C as 3 : 1.
    result = labshare.allocate_subsidy_columns(capped_rules(), Decimal("100"), UNITS, audited_fen=[60000, 30000, 10000])

    assert isinstance(result, SubsidyColumns)
    assert result.amounts_fen == [5000, 3750, 1250]
    assert result.limits == ["cap", "none", "none"]
    assert result.amounts == [Decimal("50.00"), Decimal("37.50"), Decimal("12.50")]
    assert result.paid_total == Decimal("100.00")
    assert result.returned_to_fund == Decimal("0.00")
    assert (result.rule_set_id, result.rule_set_version) == ("columns", 3)
    assert result.budget == Decimal("100.00")


@pytest.mark.parametrize(
    "audited",
    [
        [Decimal("600"), Decimal("300.00"), Decimal("1E+2")],
        ["600", "300.00", "100"],
        [600, 300, 100],
    ],
    ids=["decimal", "text", "int-yuan"],
)
def test_yuan_forms_agree(audited):
    result = labshare.allocate_subsidy_columns(capped_rules(), Decimal("100"), UNITS, audited)

    assert result.amounts_fen == [5000, 3750, 1250]


def test_leftover_fen_go_to_largest_remainders():
    # 1.00 元 over three equal incomes: 33⅓ fen each, and the one fen left
    # over goes to the smallest unit id, whatever the input order.
    rules = capped_rules(cap="1")
    result = labshare.allocate_subsidy_columns(rules, Decimal("1.00"), ["C", "A", "B"], audited_fen=[100, 100, 100])

    assert result.amounts_fen == [33, 34, 33]
    assert result.limits == ["none", "none", "none"]


def test_minimum_and_no_income():
    rules = capped_rules(cap="1000", minimum="20")
    result = labshare.allocate_subsidy_columns(rules, Decimal("100"), ["A", "B", "C"], audited_fen=[90000, 1000, 0])

    # B would get 1 元 and is raised to 20; A keeps the other 80; C has no income.
    assert result.amounts_fen == [8000, 2000, 0]
    assert result.limits == ["none", "minimum", "no_income"]


def test_minimums_above_budget_raise_conflict():
    rules = capped_rules(cap="1000", minimum="60")
    with pytest.raises(ConflictError) as raised:
        labshare.allocate_subsidy_columns(rules, Decimal("100"), ["A", "B"], audited_fen=[100, 100])

    assert raised.value.code == "rule_violation"
    assert raised.value.rule == "subsidy.minimum_exceeds_budget"


def test_numpy_int64_column():
    numpy = pytest.importorskip("numpy")
    fen = numpy.array([60000, 30000, 10000], dtype=numpy.int64)
    result = labshare.allocate_subsidy_columns(capped_rules(), Decimal("100"), UNITS, audited_fen=fen)

    assert result.amounts_fen == [5000, 3750, 1250]


def test_numpy_float_column_raises_type_error():
    numpy = pytest.importorskip("numpy")
    fen = numpy.array([60000.0, 30000.0, 10000.0])
    with pytest.raises(TypeError, match=r"audited_fen\[0\]"):
        labshare.allocate_subsidy_columns(capped_rules(), Decimal("100"), UNITS, audited_fen=fen)


@pytest.mark.parametrize("value", [1.5, True])
def test_float_or_bool_fen_raises_type_error(value):
    with pytest.raises(TypeError, match=r"audited_fen\[1\]"):
        labshare.allocate_subsidy_columns(capped_rules(), Decimal("100"), UNITS, audited_fen=[1, value, 3])


def test_float_yuan_raises_type_error():
    with pytest.raises(TypeError):
        labshare.allocate_subsidy_columns(capped_rules(), Decimal("100"), UNITS, [Decimal("1"), 2.5, Decimal("3")])


@pytest.mark.parametrize(
    ("keywords", "code", "field"),
    [
        ({"audited_fen": [1, -5, 3]}, "invalid_amount", "audited_fen[1]"),
        ({"audited_fen": [1, 2, 10**20]}, "invalid_amount", "audited_fen[2]"),
        ({"audited": ["1", "1.001", "3"]}, "invalid_amount", "audited[1]"),
        ({"audited": [Decimal("1"), Decimal("2"), Decimal("-3")]}, "invalid_amount", "audited[2]"),
        ({"audited_fen": [1, 2]}, "invalid_value", "audited_fen"),
        ({"audited": ["1", "2", "3", "4"]}, "invalid_value", "audited"),
    ],
    ids=["negative-fen", "huge-fen", "inexact-text", "negative-decimal", "short-column", "long-column"],
)
def test_bad_amount_names_the_row(keywords, code, field):
    with pytest.raises(InvalidInputError) as raised:
        labshare.allocate_subsidy_columns(capped_rules(), Decimal("100"), UNITS, **keywords)

    assert (raised.value.code, raised.value.field) == (code, field)


@pytest.mark.parametrize(
    ("units", "code", "field"),
    [
        (["A", "B", "A"], "invalid_value", "units[2]"),
        (["A", "", "C"], "missing", "units[1]"),
        (["A", "B C", "D"], "invalid_value", "units[1]"),
    ],
    ids=["repeated", "empty", "whitespace"],
)
def test_bad_unit_names_the_row(units, code, field):
    with pytest.raises(InvalidInputError) as raised:
        labshare.allocate_subsidy_columns(capped_rules(), Decimal("100"), units, audited_fen=[1, 2, 3])

    assert (raised.value.code, raised.value.field) == (code, field)


def test_unit_must_be_text():
    with pytest.raises(TypeError, match=r"units\[1\]"):
        labshare.allocate_subsidy_columns(capped_rules(), Decimal("100"), ["A", 7, "C"], audited_fen=[1, 2, 3])


@pytest.mark.parametrize("keywords", [{}, {"audited": ["1", "2", "3"], "audited_fen": [1, 2, 3]}], ids=["neither", "both"])
def test_exactly_one_amount_column(keywords):
    with pytest.raises(TypeError, match="exactly one"):
        labshare.allocate_subsidy_columns(capped_rules(), Decimal("100"), UNITS, **keywords)


def test_same_as_dict_form_for_many_units():
    units = [f"U{i:04d}" for i in range(1, 501)]
    fen = [(i * 7919) % 2_000_000 + 100 * (i % 3) for i in range(1, 501)]
    rules = capped_rules(cap="800", minimum="15")
    budget = Decimal("250000")

    columns = labshare.allocate_subsidy_columns(rules, budget, units, audited_fen=fen)
    incomes = [{"unit": u, "audited": Decimal(f).scaleb(-2)} for u, f in zip(units, fen)]
    dicts = labshare.allocate_subsidy_amounts(rules, budget, incomes)

    assert columns.amounts_fen == [int(Decimal(u["amount"]) * 100) for u in dicts["units"]]
    assert columns.limits == [u["limit"] for u in dicts["units"]]
    assert sum(columns.amounts_fen) == 25_000_000
    assert columns.limits.count("cap") > 0
    assert columns.limits.count("minimum") > 0

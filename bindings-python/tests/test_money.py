"""Money functions of the Python binding: conversion of Decimal arguments and
results. The rules themselves are covered by the shared vectors."""

import importlib.metadata
from decimal import Decimal

import pytest

import labshare
from labshare import InvalidInputError


def test_parse_money_returns_decimal_with_two_places():
    amount = labshare.parse_money("68万")

    assert type(amount) is Decimal
    assert amount == Decimal("680000")
    assert amount.as_tuple().exponent == -2


def test_parse_money_rejects_non_string():
    with pytest.raises(TypeError):
        labshare.parse_money(1234)


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        (Decimal("1234.5"), "1,234.50元"),
        (Decimal("1.500"), "1.50元"),
        (Decimal("1E+2"), "100.00元"),
        (Decimal("-0.00"), "0.00元"),
        (1234, "1,234.00元"),
        (0, "0.00元"),
    ],
)
def test_format_yuan_accepts_exact_amounts(amount, expected):
    assert labshare.format_yuan(amount) == expected


def test_format_wan_of_decimal():
    assert labshare.format_wan(Decimal("68232490.00")) == "6823.249万元"


@pytest.mark.parametrize("amount", [1.5, 2.345, True, "1.50", None])
def test_amount_arguments_reject_non_decimal_types(amount):
    for function in (labshare.format_yuan, labshare.format_wan, labshare.round_money):
        with pytest.raises(TypeError):
            function(amount)


@pytest.mark.parametrize(
    "amount",
    [
        Decimal("1.234"),
        Decimal("-1"),
        -1,
        Decimal("NaN"),
        Decimal("Infinity"),
        Decimal("1E+999999999"),
        Decimal("1000000000000000"),
    ],
)
def test_format_yuan_rejects_invalid_amount(amount):
    with pytest.raises(InvalidInputError) as raised:
        labshare.format_yuan(amount)

    assert raised.value.code == "invalid_amount"
    assert raised.value.field == "amount"


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        # Half-up, not banker's rounding, which would give 2.34 and 0.12.
        (Decimal("2.345"), Decimal("2.35")),
        (Decimal("0.125"), Decimal("0.13")),
        (Decimal("2.344999"), Decimal("2.34")),
        (Decimal(1) / Decimal(3), Decimal("0.33")),
        (Decimal("1E+2"), Decimal("100.00")),
        (5, Decimal("5.00")),
    ],
)
def test_round_money_rounds_half_up_to_fen(amount, expected):
    rounded = labshare.round_money(amount)

    assert rounded == expected
    assert rounded.as_tuple().exponent == -2


@pytest.mark.parametrize("amount", [Decimal("-0.01"), Decimal("-0.001"), Decimal("NaN")])
def test_round_money_rejects_negative_and_nan(amount):
    with pytest.raises(InvalidInputError) as raised:
        labshare.round_money(amount)

    assert raised.value.code == "invalid_amount"


def test_version_matches_package_metadata():
    assert labshare.__version__ == importlib.metadata.version("labshare")

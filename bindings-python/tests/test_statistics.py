"""Statistics functions of the Python binding: band tables and the checks of
published figures, with the Xinjiang network's figures for 2018."""

from decimal import Decimal

import pytest

import labshare
from labshare import Band, InvalidInputError, LabeledAmount, PublishedBand, PublishedInstrumentFigures

WAN = Decimal(10000)


def band(lower_wan, upper_wan=None):
    upper = None if upper_wan is None else Decimal(upper_wan) * WAN
    return Band(Decimal(lower_wan) * WAN, upper)


XINJIANG = PublishedInstrumentFigures(
    source="2018 self-evaluation",
    total_count=1079,
    total_value=Decimal("80400") * WAN,
    bands=(
        PublishedBand(band(20, 50), 377, Decimal("12084.2") * WAN),
        PublishedBand(band(50, 100), 167, Decimal("11155.88") * WAN),
        PublishedBand(band(100), 141, Decimal("34928.54") * WAN),
    ),
)


def test_band_table_is_half_open():
    values = [Decimal(0), Decimal("199999.99"), 200000, Decimal("499999.99"), 500000, 1000000, 50000000]

    table = labshare.band_table(values)

    assert [row.count for row in table.rows] == [2, 2, 1, 2]
    assert table.rows[0].total_value == Decimal("199999.99")
    assert table.total_count == 7
    assert [row.band.label() for row in table.rows] == ["<20万元", "20–50万元", "50–100万元", "≥100万元"]
    assert table.rows[0].band == Band(Decimal("0.00"), Decimal("200000.00"))
    assert table.rows[-1].band.upper is None


def test_band_table_with_other_bounds():
    table = labshare.band_table([290000, 300000, 1500000], [300000, 1000000])

    assert [row.count for row in table.rows] == [1, 1, 1]


@pytest.mark.parametrize(
    ("values", "bounds", "code", "field"),
    [
        ([Decimal("-1")], None, "invalid_amount", "values"),
        ([Decimal("1.001")], None, "invalid_amount", "values"),
        ([1], [500000, 200000], "invalid_value", "bounds"),
        ([1], [0], "invalid_value", "bounds"),
    ],
)
def test_band_table_rejects_bad_input(values, bounds, code, field):
    with pytest.raises(InvalidInputError) as raised:
        labshare.band_table(values, bounds)

    assert raised.value.code == code
    assert raised.value.field == field


def test_xinjiang_residual_is_impossible():
    findings = labshare.check_published(XINJIANG)

    assert [finding.code for finding in findings] == ["band_residual_impossible"]
    # 1079 − 685 = 394 sets; 80400 − 58168.62 = 22231.38万; average 56.42万.
    for figure in ["394 sets", "22231.38万元", "56.42万元", "below 20万元", "685 sets", "58168.62万元"]:
        assert figure in findings[0].message_en
    assert "不可能同时成立" in findings[0].message_zh


def test_consistent_figures_have_no_findings():
    figures = PublishedInstrumentFigures(
        XINJIANG.source, XINJIANG.total_count, Decimal("60000") * WAN, XINJIANG.bands
    )

    assert labshare.check_published(figures) == ()


def test_records_compared_with_published():
    table = labshare.band_table([250000, 600000])
    figures = PublishedInstrumentFigures(
        "test", 2, Decimal(850000), [PublishedBand(band(20, 50), 2, Decimal(850000))]
    )

    findings = labshare.compare_with_records(figures, table)

    assert [finding.code for finding in findings] == ["records_differ_from_published_band"]
    assert "1 sets worth 25万元" in findings[0].message_en


def test_stated_ratio_flags_paid_amount():
    amounts = [
        LabeledAmount("投入资金", "fund", Decimal(700000)),
        LabeledAmount("实际支付", "paid", Decimal(680000)),
    ]

    findings = labshare.check_stated_ratio(Decimal("2.4"), 1, Decimal("29633430"), amounts)

    assert len(findings) == 1
    assert findings[0].code == "stated_ratio_mismatch"
    for figure in ["paid 68万元", "2.2947%", "2.3%"]:
        assert figure in findings[0].message_en


def test_stated_ratio_rejects_negative_places():
    with pytest.raises(InvalidInputError) as raised:
        labshare.check_stated_ratio(Decimal("2.4"), -1, Decimal(100), [])

    assert raised.value.code == "invalid_value"
    assert raised.value.field == "places"


def test_figures_must_be_published_figures():
    with pytest.raises(TypeError, match="PublishedInstrumentFigures"):
        labshare.check_published({"total_count": 1})

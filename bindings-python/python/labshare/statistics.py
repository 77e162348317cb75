"""Instruments by original-value band and consistency checks of published
figures (统计与数据一致性检查).

Bands are half-open: an instrument worth exactly 50万元 falls in the 50–100万
band. Without explicit bounds, ``band_table`` and ``Network.value_band_table``
use 20万, 50万 and 100万 元.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from . import _native

__all__ = [
    "Band",
    "BandRow",
    "BandTable",
    "Finding",
    "LabeledAmount",
    "PublishedBand",
    "PublishedInstrumentFigures",
]


@dataclass(frozen=True)
class Band:
    """A value band ``[lower, upper)`` in 元.

    Attributes:
        lower: Lowest value in the band.
        upper: First value above the band, or ``None`` for the open top band.
    """

    lower: Decimal
    upper: Decimal | None

    def label(self) -> str:
        """Return a label such as ``"20–50万元"``, ``"<20万元"`` or ``"≥100万元"``."""
        return _native.band_label(self)


@dataclass(frozen=True)
class BandRow:
    """Count and original value of the instruments in one band.

    Attributes:
        band: The band.
        count: Instruments (台套) in the band.
        total_value: Sum of their original values in 元.
    """

    band: Band
    count: int
    total_value: Decimal


@dataclass(frozen=True)
class BandTable:
    """Counts and value sums by band, with totals.

    Attributes:
        rows: One row per band, lowest first.
        total_count: All instruments counted.
        total_value: Their total original value in 元.
    """

    rows: Sequence[BandRow]
    total_count: int
    total_value: Decimal


@dataclass(frozen=True)
class PublishedBand:
    """One published band figure: a count and a value sum.

    Attributes:
        band: The band.
        count: Published count.
        total_value: Published value sum in 元.
    """

    band: Band
    count: int
    total_value: Decimal


@dataclass(frozen=True)
class PublishedInstrumentFigures:
    """Instrument figures as an office published them.

    Attributes:
        source: Source of the figures, such as a report's title and year.
        total_count: Instruments on the network (台套).
        total_value: Their total original value in 元.
        bands: Figures published per value band; they need not cover every band.
    """

    source: str
    total_count: int
    total_value: Decimal
    bands: Sequence[PublishedBand]


@dataclass(frozen=True)
class Finding:
    """A set of figures that cannot all be true, or that disagree with data.

    Attributes:
        code: Stable code, such as ``"band_residual_impossible"``.
        message_zh: Description of the inconsistency, with the figures, in Chinese.
        message_en: The same in English.
    """

    code: str
    message_zh: str
    message_en: str


@dataclass(frozen=True)
class LabeledAmount:
    """An amount with a label, one of the amounts ``check_stated_ratio`` checks.

    Attributes:
        label_zh: Label of the amount in Chinese, such as ``"实际拨付"``.
        label_en: The same in English, such as ``"amount paid"``.
        amount: The amount in 元.
    """

    label_zh: str
    label_en: str
    amount: Decimal

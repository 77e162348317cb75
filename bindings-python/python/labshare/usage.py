"""Yearly usage reports per instrument (仪器设备使用情况)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

__all__ = ["UsageReport", "UsageTotals"]


@dataclass(frozen=True, kw_only=True)
class UsageReport:
    """One published instrument's figures for one calendar year.

    Attributes:
        instrument: Instrument id.
        year: Calendar year of the figures, 2000 to 2100.
        operating_hours: Operating hours (开机时数), at most the hours of the year.
        effective_hours: Effective hours (有效机时: warm-up, measurement and
            necessary post-processing, idle time excluded); at most the
            operating hours.
        samples: Samples tested (检测样品数).
        external_income: External service income (对外服务收入) in 元.
    """

    instrument: str
    year: int
    operating_hours: Decimal
    effective_hours: Decimal
    samples: int
    external_income: Decimal


@dataclass(frozen=True)
class UsageTotals:
    """Sums of usage figures over a set of instruments.

    Attributes:
        instruments: Instruments with a report.
        operating_hours: Operating hours.
        effective_hours: Effective hours.
        samples: Samples tested.
        external_income: External service income in 元.
    """

    instruments: int
    operating_hours: Decimal
    effective_hours: Decimal
    samples: int
    external_income: Decimal

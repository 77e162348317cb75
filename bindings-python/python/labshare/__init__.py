"""Rules engine of a regional scientific-instrument sharing network (科学仪器设备协作共用网).

``Network`` holds one network's state: member units, instruments with their
review state, and yearly usage reports. Every change names an ``Actor``,
takes the current instant and returns the recorded event as JSON text, so
that the host can store it and rebuild the network with ``Network.replay``.

Amounts of money are ``decimal.Decimal`` values in 元 with two places, never
floats. Errors are subclasses of ``LabshareError``, defined in
``labshare.errors``. Value types are frozen dataclasses in ``labshare.access``,
``labshare.registry``, ``labshare.usage``, ``labshare.statistics``,
``labshare.subsidy``, ``labshare.booking``, ``labshare.voucher`` and ``labshare.lang``, all re-exported here.
"""

from ._native import (
    Calendar,
    Network,
    __version__,
    allocate_proportional,
    allocate_rewards,
    allocate_subsidy,
    allocate_subsidy_amounts,
    audit_application,
    band_table,
    check_published,
    check_stated_ratio,
    classify_size,
    compare_with_records,
    credit_code_check_character,
    format_wan,
    format_yuan,
    local_time,
    local_to_utc,
    parse_credit_code,
    parse_money,
    parse_money_rounded,
    round_money,
    subsidy_concentration,
    subsidy_history,
    subsidy_what_if,
)
from .access import Actor
from .booking import BookingReceipt, LocalTime, SlotRequest
from .errors import (
    ConflictError,
    IntegrityError,
    InvalidInputError,
    LabshareError,
    NotFoundError,
    PermissionDeniedError,
)
from .lang import Explanation, Text
from .registry import HistoryEntry, Instrument, InstrumentRecord, Unit
from .statistics import (
    Band,
    BandRow,
    BandTable,
    Finding,
    LabeledAmount,
    PublishedBand,
    PublishedInstrumentFigures,
)
from .subsidy import Allocation, Claim, Share
from .usage import UsageReport, UsageTotals
from .voucher import CreditCode, PoolTotals

__all__ = [
    "Actor",
    "Allocation",
    "Band",
    "BookingReceipt",
    "Calendar",
    "BandRow",
    "BandTable",
    "Claim",
    "ConflictError",
    "CreditCode",
    "Explanation",
    "Finding",
    "HistoryEntry",
    "Instrument",
    "InstrumentRecord",
    "IntegrityError",
    "InvalidInputError",
    "LabeledAmount",
    "LabshareError",
    "LocalTime",
    "Network",
    "NotFoundError",
    "PermissionDeniedError",
    "PoolTotals",
    "PublishedBand",
    "PublishedInstrumentFigures",
    "Share",
    "SlotRequest",
    "Text",
    "Unit",
    "UsageReport",
    "UsageTotals",
    "__version__",
    "allocate_proportional",
    "allocate_rewards",
    "allocate_subsidy",
    "allocate_subsidy_amounts",
    "audit_application",
    "band_table",
    "check_published",
    "check_stated_ratio",
    "classify_size",
    "compare_with_records",
    "credit_code_check_character",
    "format_wan",
    "format_yuan",
    "local_time",
    "local_to_utc",
    "parse_credit_code",
    "parse_money",
    "parse_money_rounded",
    "round_money",
    "subsidy_concentration",
    "subsidy_history",
    "subsidy_what_if",
]

"""Rules engine of a regional scientific-instrument sharing network (科学仪器设备协作共用网).

``Network`` holds one network's state: member units, instruments with their
review state, and yearly usage reports. Every change names an ``Actor``,
takes the current instant and returns the recorded event as JSON text, so
that the host can store it and rebuild the network with ``Network.replay``.

Amounts of money are ``decimal.Decimal`` values in 元 with two places, never
floats. Errors are subclasses of ``LabshareError``, defined in
``labshare.errors``. Value types are frozen dataclasses in ``labshare.access``,
``labshare.registry``, ``labshare.usage``, ``labshare.statistics``,
``labshare.subsidy`` and ``labshare.lang``, all re-exported here.
"""

from ._native import (
    Network,
    __version__,
    allocate_proportional,
    band_table,
    check_published,
    check_stated_ratio,
    compare_with_records,
    format_wan,
    format_yuan,
    parse_money,
    parse_money_rounded,
    round_money,
)
from ._native import (
    country_code,
    excel_serial_to_date,
    parse_amount_cell,
    parse_date_cell,
    parse_operating_status_cell,
    parse_sharing_mode_cell,
    parse_source_cell,
    read_journal,
    read_journal_file,
    resume_snapshot,
    resume_snapshot_file,
    verify_journal,
    verify_journal_file,
    write_journal,
    write_journal_file,
    write_snapshot,
    write_snapshot_file,
)
from .access import Actor
from .errors import (
    ConflictError,
    IntegrityError,
    InvalidInputError,
    LabshareError,
    NotFoundError,
    PermissionDeniedError,
)
from .exchange import ChainHead, JournalCheck, LineProblem, Restored
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

__all__ = [
    "country_code",
    "excel_serial_to_date",
    "parse_amount_cell",
    "parse_date_cell",
    "parse_operating_status_cell",
    "parse_sharing_mode_cell",
    "parse_source_cell",
    "read_journal",
    "read_journal_file",
    "resume_snapshot",
    "resume_snapshot_file",
    "verify_journal",
    "verify_journal_file",
    "write_journal",
    "write_journal_file",
    "write_snapshot",
    "write_snapshot_file",
    "ChainHead",
    "JournalCheck",
    "LineProblem",
    "Restored",
    "Actor",
    "Allocation",
    "Band",
    "BandRow",
    "BandTable",
    "Claim",
    "ConflictError",
    "Explanation",
    "Finding",
    "HistoryEntry",
    "Instrument",
    "InstrumentRecord",
    "IntegrityError",
    "InvalidInputError",
    "LabeledAmount",
    "LabshareError",
    "Network",
    "NotFoundError",
    "PermissionDeniedError",
    "PublishedBand",
    "PublishedInstrumentFigures",
    "Share",
    "Text",
    "Unit",
    "UsageReport",
    "UsageTotals",
    "__version__",
    "allocate_proportional",
    "band_table",
    "check_published",
    "check_stated_ratio",
    "compare_with_records",
    "format_wan",
    "format_yuan",
    "parse_money",
    "parse_money_rounded",
    "round_money",
]

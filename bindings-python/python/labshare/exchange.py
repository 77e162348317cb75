"""Journal files, snapshots, spreadsheet import and the national export.

A journal is a JSON Lines file with one hash-chained line per event: each
line carries the SHA-256 hash of its own bytes and the hash of the line
before, so an edited, deleted or moved line is found and named by its line
number. A snapshot is the whole state in one hashed line, at a journal
position; a reader loads it and applies the journal lines written after it.

``read_instrument_sheet`` and ``read_service_sheet`` read CSV or XLSX lists
into an ``ImportReport``; ``Network.plan_*_import`` and
``Network.apply_*_import`` take the report, and ``Network.national_*``
return a ``NationalExport`` (数据交换).
"""

from __future__ import annotations

from dataclasses import dataclass

from .lang import Text

__all__ = [
    "ChainHead",
    "ColumnMatch",
    "ExportNote",
    "ExportViolation",
    "FieldChange",
    "ImportOutcome",
    "ImportPlan",
    "ImportReport",
    "JournalCheck",
    "LineProblem",
    "NationalExport",
    "PlannedRow",
    "Restored",
    "RowProblem",
]


@dataclass(frozen=True)
class ChainHead:
    """The position after the last line of a journal (日志链头).

    Attributes:
        seq: Sequence number of the last event; 0 for an empty journal.
        hash: SHA-256 hash of the last line as 64 lowercase hex digits;
            64 zeros for an empty journal.
    """

    seq: int
    hash: str


@dataclass(frozen=True)
class LineProblem:
    """One problem found in a journal line.

    Attributes:
        line: Line number in the file, counting from 1.
        seq: The sequence number the line states, or ``None`` if unreadable.
        kind: ``"malformed"``, ``"unsupported_version"``, ``"changed"``,
            ``"missing"``, ``"out_of_order"``, ``"reordered"`` or
            ``"broken_link"``.
        detail: Explanation and fix in Chinese and English.
    """

    line: int
    seq: int | None
    kind: str
    detail: Text


@dataclass(frozen=True)
class JournalCheck:
    """The result of checking a whole journal file (日志校验结果).

    Attributes:
        lines: Lines read, not counting the empty text after the final newline.
        head: The head the last line states; compare it with a head kept
            elsewhere to find lines cut from the end.
        problems: Every problem found, in line order.
    """

    lines: int
    head: ChainHead
    problems: tuple[LineProblem, ...]

    @property
    def is_intact(self) -> bool:
        """True if no problem was found."""
        return not self.problems


@dataclass(frozen=True)
class Restored:
    """A state rebuilt from a snapshot and the journal lines after it.

    Attributes:
        head: The journal position of the last event applied.
        state_json: The state as JSON text, as ``Network.state_json()``
            writes it.
    """

    head: ChainHead
    state_json: str


@dataclass(frozen=True)
class RowProblem:
    """One rejected cell, or a problem of a whole row or file (导入问题).

    Attributes:
        row: Spreadsheet row, counting from 1 as Excel shows it.
        column: Column letters such as ``"F"``; empty for a whole row or file.
        header: The column's header as written, or the expected header of a
            missing column.
        value: The cell's value as written.
        reason: Reason and fix in Chinese and English.
    """

    row: int
    column: str
    header: str
    value: str
    reason: Text


@dataclass(frozen=True)
class ColumnMatch:
    """A column of the file and the field it fills.

    Attributes:
        column: Column letters such as ``"F"``.
        header: The header as written.
        field: The record field filled from the column, or ``None``.
        money_unit: ``"yuan"`` or ``"wan"`` if the header names a unit.
        used: ``"imported"``, ``"informational"`` (written by exports for
            people, not read) or ``"ignored"`` (an unknown header).
    """

    column: str
    header: str
    field: str | None
    money_unit: str | None
    used: str


@dataclass(frozen=True)
class ImportReport:
    """The outcome of reading a spreadsheet: good rows and every problem.

    Reading never changes a network; pass the report to
    ``Network.plan_instrument_import`` or ``Network.plan_service_import``
    for a dry run and to the matching ``apply_*`` method to import it.

    Attributes:
        kind: ``"instruments"`` or ``"services"``.
        format: ``"csv_utf8"``, ``"csv_gb18030"`` or ``"xlsx"``.
        sheet: The XLSX sheet read, or ``None`` for CSV.
        header_row: The 1-based row of the headers.
        rows_read: Data rows read, not counting blank rows.
        record_count: Rows without a problem.
        columns: Every column with a header.
        problems: Every problem, in row and column order.
        records_json: The good rows as a JSON array of ``{"row", "instrument",
            "unit", "record"}`` (instruments) or ``{"row", "record"}``
            (services), amounts as text in 元.
        json: The whole report as JSON text, which the import methods read.
    """

    kind: str
    format: str
    sheet: str | None
    header_row: int
    rows_read: int
    record_count: int
    columns: tuple[ColumnMatch, ...]
    problems: tuple[RowProblem, ...]
    records_json: str
    json: str

    @property
    def is_clean(self) -> bool:
        """True if no row or column has a problem."""
        return not self.problems

    @property
    def bad_rows(self) -> tuple[int, ...]:
        """The rows with at least one problem, in order, without repeats."""
        return tuple(dict.fromkeys(problem.row for problem in self.problems))


@dataclass(frozen=True)
class FieldChange:
    """One field that an instrument revision changes, as JSON values."""

    field: str
    old: str
    new: str


@dataclass(frozen=True)
class PlannedRow:
    """The planned action for one good row of a report.

    Attributes:
        row: Spreadsheet row.
        instrument: Instrument id.
        action: ``"submit"``, ``"revise"`` or ``"unchanged"`` for
            instruments, ``"record"`` or ``"duplicate"`` for services, and
            ``"rejected"`` for a row the network rejects.
        changes: For revisions, every field that changes.
        reason: For rejected and duplicate rows, why.
    """

    row: int
    instrument: str
    action: str
    changes: tuple[FieldChange, ...]
    reason: Text | None


@dataclass(frozen=True)
class ImportPlan:
    """Changes an import would make, row by row (a dry run).

    Attributes:
        rows: The report's good rows, in order.
        bad_rows: Rows with problems in the report, never imported.
    """

    rows: tuple[PlannedRow, ...]
    bad_rows: tuple[int, ...]

    def count(self, action: str) -> int:
        """Count the rows planned with ``action``."""
        return sum(1 for row in self.rows if row.action == action)

    @property
    def is_clean(self) -> bool:
        """True if every row of the file would be imported as planned."""
        return not self.bad_rows and self.count("rejected") == 0


@dataclass(frozen=True)
class ImportOutcome:
    """The plan an import followed and the events it recorded (JSON text)."""

    plan: ImportPlan
    events: tuple[str, ...]


@dataclass(frozen=True)
class ExportViolation:
    """A field of one record that breaks a national limit.

    Attributes:
        record: The instrument id, or for services the instrument id and date.
        field: Field name, such as ``"name"``.
        limit: The limit, in characters or disciplines.
        actual: The record's count.
        reason: Explanation and fix in Chinese and English.
    """

    record: str
    field: str
    limit: int
    actual: int
    reason: Text


@dataclass(frozen=True)
class ExportNote:
    """A record left out (below the value threshold, or a draft when drafts
    are excluded) or exported with a rounded value."""

    record: str
    note: Text


@dataclass(frozen=True)
class NationalExport:
    """Records in the national platform's field set, ready to upload.

    Records with a violation are left out of ``records_json``, ``csv`` and
    ``xlsx``. Personal data (contact persons and telephones) is never
    exported.

    Attributes:
        kind: ``"instruments"`` or ``"services"``.
        rules_version: The national rules applied.
        record_count: Records exported.
        records_json: The exported records as a JSON array.
        violations: Every violation.
        notes: Records left out or rounded.
        csv: The records as CSV in UTF-8 with a byte-order mark.
        xlsx: The records as an XLSX workbook with one sheet, 国家平台.
    """

    kind: str
    rules_version: str
    record_count: int
    records_json: str
    violations: tuple[ExportViolation, ...]
    notes: tuple[ExportNote, ...]
    csv: bytes
    xlsx: bytes

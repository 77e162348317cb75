"""Journal files and snapshots (日志文件与快照).

A journal is a JSON Lines file with one hash-chained line per event: each
line carries the SHA-256 hash of its own bytes and the hash of the line
before, so an edited, deleted or moved line is found and named by its line
number. A snapshot is the whole state in one hashed line, at a journal
position; a reader loads it and applies the journal lines written after it.
"""

from __future__ import annotations

from dataclasses import dataclass

from .lang import Text

__all__ = ["ChainHead", "JournalCheck", "LineProblem", "Restored"]


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

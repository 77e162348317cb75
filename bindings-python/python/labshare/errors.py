"""Exceptions raised by labshare (错误).

Every error from the rules engine is a ``LabshareError``. Its subclass names
the broad category, and ``code`` names the exact error. A request that breaks
a rule of the rule set in force raises ``ConflictError`` with code
``"rule_violation"``, and ``rule`` names the rule, such as ``"booking.quota"``.
Match on ``code`` and ``rule`` rather than on message text: codes never change
between versions, messages may.
"""

from __future__ import annotations

__all__ = [
    "ConflictError",
    "IntegrityError",
    "InvalidInputError",
    "LabshareError",
    "NotFoundError",
    "PermissionDeniedError",
]


class LabshareError(Exception):
    """Base class of every error that the labshare rules engine raises.

    Attributes:
        code: Stable machine-readable code, such as ``"invalid_amount"``.
        category: Broad class of the error, such as ``"invalid_input"``. Each
            category has its own subclass.
        field: Field or argument that the error is about, or ``None``.
        message_zh: Message in Simplified Chinese.
        message_en: Message in English, which ``str(error)`` returns.
        rule: Name of the broken rule, such as ``"booking.quota"``, if
            ``code`` is ``"rule_violation"``, else ``None``.
    """

    code: str
    category: str
    field: str | None
    message_zh: str
    message_en: str
    rule: str | None

    def __init__(
        self,
        code: str,
        category: str,
        field: str | None,
        message_zh: str,
        message_en: str,
        rule: str | None = None,
    ) -> None:
        # Passing every attribute to Exception keeps pickle and copy working.
        # They rebuild the error as ``type(error)(*error.args)``, so ``rule``
        # must stay the sixth parameter and accept a positional argument.
        super().__init__(code, category, field, message_zh, message_en, rule)
        self.code = code
        self.category = category
        self.field = field
        self.message_zh = message_zh
        self.message_en = message_en
        self.rule = rule

    def __str__(self) -> str:
        return self.message_en


class InvalidInputError(LabshareError):
    """A value is malformed or out of range (category ``invalid_input``)."""


class NotFoundError(LabshareError):
    """An id names no record (category ``not_found``)."""


class PermissionDeniedError(LabshareError):
    """The actor's role does not allow the action (category ``permission_denied``)."""


class ConflictError(LabshareError):
    """The action does not fit the current state (category ``conflict``).

    Examples are a duplicate id, a wrong workflow state, a booking conflict
    and a request that breaks a rule of the rule set in force.
    """


class IntegrityError(LabshareError):
    """Stored data failed an integrity check (category ``integrity``)."""

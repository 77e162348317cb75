"""Rules engine of a regional scientific-instrument sharing network (科学仪器设备协作共用网).

Amounts of money are ``decimal.Decimal`` values in 元 with two places, never
floats. Errors are subclasses of ``LabshareError``, defined in
``labshare.errors``.
"""

from ._native import (
    __version__,
    format_wan,
    format_yuan,
    parse_money,
    parse_money_rounded,
    round_money,
)
from .errors import (
    ConflictError,
    IntegrityError,
    InvalidInputError,
    LabshareError,
    NotFoundError,
    PermissionDeniedError,
)

__all__ = [
    "ConflictError",
    "IntegrityError",
    "InvalidInputError",
    "LabshareError",
    "NotFoundError",
    "PermissionDeniedError",
    "__version__",
    "format_wan",
    "format_yuan",
    "parse_money",
    "parse_money_rounded",
    "round_money",
]

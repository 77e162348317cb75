"""JSON arguments of the subsidy and special-fund calls.

Rule sets, application forms, audit contexts, allocations and fund reports
cross between Python and the rules engine in the core's JSON shape. A call
takes either that JSON text or plain Python data of the same shape, and
``to_json`` writes the data: ``decimal.Decimal`` as a plain decimal string
(``Decimal("200000")`` becomes ``"200000"``), ``datetime.date`` as
``"2018-03-01"``, a timezone-aware ``datetime`` in RFC 3339. A ``float``
raises ``TypeError``, because it cannot hold every amount exactly, and so
does a naive ``datetime``.

Results come back as plain Python data read from the core's JSON. Amounts and
ratios in it are decimal strings such as ``"200000.00"``, exact to the fen;
``Decimal(text)`` turns one into a number.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

__all__ = ["JsonData", "to_json"]

JsonData = Any
"""Plain data in the core's JSON shape: dicts, lists, str, int, bool, None,
``Decimal`` and dates."""


def _plain(value: Any, path: str) -> Any:
    """Return ``value`` with decimals and dates turned into JSON strings."""
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        raise TypeError(f"{path}: a float cannot hold an amount exactly; use decimal.Decimal or str")
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise TypeError(f"{path}: {value} is not a finite decimal")
        return format(value, "f")
    if isinstance(value, datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            raise TypeError(f"{path}: a datetime must carry a time zone")
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(key): _plain(item, f"{path}.{key}") for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(item, f"{path}[{index}]") for index, item in enumerate(value)]
    raise TypeError(f"{path}: {type(value).__name__} has no JSON form")


def to_json(value: JsonData) -> str:
    """Write plain data in the core's JSON shape as JSON text."""
    return json.dumps(_plain(value, "value"), ensure_ascii=False)

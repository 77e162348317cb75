"""How the subsidy and special-fund calls take and return their records.

Rule sets, application forms, audit contexts, allocations and fund reports
cross between Python and the rules engine in the core's JSON shape. A call
takes either that JSON text or plain Python data of the same shape: dicts,
lists, tuples, str, int, bool, None, ``decimal.Decimal`` (written as plain
decimal text, so ``Decimal("200000")`` is ``"200000"``), ``datetime.date``
and timezone-aware ``datetime``. A ``float`` raises ``TypeError``, because it
cannot hold every amount exactly, and so does a naive ``datetime``. Data
that does not fit the core type raises ``InvalidInputError`` with code
``invalid_value`` and the argument's name in ``field``.

Results come back as plain Python data read from the core's JSON. Amounts and
ratios in it are decimal strings such as ``"200000.00"``, exact to the fen;
``Decimal(text)`` turns one into a number.
"""

from __future__ import annotations

from typing import Any

__all__ = ["JsonData"]

JsonData = Any
"""Plain data in the core's JSON shape, or its JSON text."""

"""Innovation vouchers (创新券): credit codes and pool totals.

The ``Network`` methods for applicants, schemes and the voucher lifecycle
take and return the core's serde JSON text for the large nested records
(applicants, schemes, requests, applications, vouchers, the report). Amounts
in that JSON are strings in 元 with two places, such as ``"1234.50"``; read
them with ``decimal.Decimal``, never ``float``.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

__all__ = ["CreditCode", "PoolTotals"]


@dataclass(frozen=True, kw_only=True)
class CreditCode:
    """A checked unified social credit code (统一社会信用代码, GB 32100-2015).

    Attributes:
        code: The 18 characters, upper case.
        authority: Registration authority code (登记管理部门码), the 1st character.
        division: Administrative division code (登记管理机关行政区划码),
            characters 3 to 8.
    """

    code: str
    authority: str
    division: str


@dataclass(frozen=True, kw_only=True)
class PoolTotals:
    """Running totals of one scheme's voucher pool (创新券资金池), in 元.

    Attributes:
        funded: Money paid in.
        withdrawn: Money taken out again.
        reserved: Money reserved now for grants, voucher balances and
            unpaid services.
        paid: Money paid to providers.
        free: Money neither reserved, paid nor withdrawn:
            funded - withdrawn - reserved - paid.
    """

    funded: Decimal
    withdrawn: Decimal
    reserved: Decimal
    paid: Decimal
    free: Decimal

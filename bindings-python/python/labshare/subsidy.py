"""Operating subsidy allocation (共用仪器运行补贴).

``allocate_proportional`` splits a yearly budget among applicant units in
proportion to each unit's audited external service income (核算后的对外服务收入).
Shares are exact to the fen and sum to the budget exactly: each exact share
is floored to the fen, and the fens left over go one at a time to the
largest remainders. Ties go to the larger audited amount, then to the
smaller unit id, so the result never depends on the order of the claims.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from . import _native
from .lang import Explanation

__all__ = ["Allocation", "Claim", "Share", "SubsidyColumns"]


class Claim(NamedTuple):
    """One unit's audited amount entering an allocation.

    Any ``(unit, audited)`` tuple works in its place.

    Attributes:
        unit: The applicant unit's id.
        audited: Audited external service income (核算金额) in 元.
    """

    unit: str
    audited: Decimal | int


@dataclass(frozen=True)
class Share:
    """One unit's part of an allocation.

    Attributes:
        unit: The unit's id.
        audited: Audited amount in 元.
        exact_share: Exact share in 元, ``budget × audited ÷ total``, rounded
            half-up to ten decimal places for display.
        floored: The exact share floored to the fen.
        adjustment: Fen added by the largest-remainder step: 0.00 or 0.01 元.
        amount: Final amount, ``floored + adjustment``.
        explanation: Step-by-step account of how the amount was computed.
    """

    unit: str
    audited: Decimal
    exact_share: Decimal
    floored: Decimal
    adjustment: Decimal
    amount: Decimal
    explanation: Explanation


@dataclass(frozen=True)
class Allocation:
    """The result of splitting a budget.

    Attributes:
        budget: The budget split, in 元.
        total_audited: Sum of the audited amounts.
        ratio: ``budget ÷ total_audited``, to 28 significant digits.
        total: Sum of the final amounts, which equals the budget.
        shares: Shares in the order of the claims.
    """

    budget: Decimal
    total_audited: Decimal
    ratio: Decimal
    total: Decimal
    shares: Sequence[Share]

    def ratio_percent(self, places: int) -> Decimal:
        """Return the ratio in percent, rounded half-up (四舍五入) to ``places`` decimals.

        70万 over 2963.343万 gives ``Decimal("2.3622")`` at four places.
        Raises ``InvalidInputError`` (``invalid_value``) for ``places``
        outside 0 to 28.
        """
        return _native.ratio_percent(self.ratio, places)


@dataclass(frozen=True)
class SubsidyColumns:
    """Amounts of an allocation under a rule set, one list entry per unit.

    Returned by ``allocate_subsidy_columns``. The lists follow the order of
    the ``units`` passed in, so they line up with the caller's rows.

    Attributes:
        rule_set_id: Id of the rule set that produced it.
        rule_set_version: Version of that rule set.
        budget: The budget, in 元.
        paid_total: Sum of the amounts, in 元.
        returned_to_fund: ``budget − paid_total``, which stays in the fund.
        amounts_fen: Each unit's amount as a whole number of fen.
        limits: The limit that fixed each amount before the ratio ceiling:
            ``"none"``, ``"cap"``, ``"entitlement"``, ``"whole_budget"``,
            ``"minimum"`` or ``"no_income"``.
    """

    rule_set_id: str
    rule_set_version: int
    budget: Decimal
    paid_total: Decimal
    returned_to_fund: Decimal
    amounts_fen: Sequence[int]
    limits: Sequence[str]

    @property
    def amounts(self) -> list[Decimal]:
        """Return each unit's amount in 元 with two places, such as ``Decimal("1234.50")``."""
        return [Decimal(fen).scaleb(-2) for fen in self.amounts_fen]

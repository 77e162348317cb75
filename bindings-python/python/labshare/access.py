"""Actors: who makes a change, and in which role (权限).

Every method of ``Network`` that changes state takes an ``Actor``. The rules
engine checks the actor's role against the action and records the actor in
the event.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = ["Actor", "Role"]

#: Role names, as they appear in event JSON.
Role = Literal["office", "unit_admin", "user", "enterprise", "expert"]


@dataclass(frozen=True)
class Actor:
    """A person or system account that makes a change.

    Build one with a constructor rather than by hand: ``Actor.office(id)``,
    ``Actor.unit_admin(id, unit)``, ``Actor.user(id, unit=None)``,
    ``Actor.enterprise(id, enterprise)`` or ``Actor.expert(id)``. The rules
    engine checks the unit and enterprise ids when the actor is used and
    raises ``InvalidInputError`` for a malformed one.

    Attributes:
        id: Account id, such as a staff number or login name.
        role: What the account may do.
        unit: The unit administered (``unit_admin``) or the user's own unit
            (``user``, optional); ``None`` for the other roles.
        enterprise: The enterprise represented (``enterprise`` only).
    """

    id: str
    role: Role
    unit: str | None = None
    enterprise: str | None = None

    @classmethod
    def office(cls, id: str) -> Actor:
        """Create a staff member of the network office (协作网管理办公室)."""
        return cls(id, "office")

    @classmethod
    def unit_admin(cls, id: str, unit: str) -> Actor:
        """Create the administrator of member unit ``unit`` (网员单位管理员)."""
        return cls(id, "unit_admin", unit=unit)

    @classmethod
    def user(cls, id: str, unit: str | None = None) -> Actor:
        """Create an ordinary user who searches and books, with or without a unit."""
        return cls(id, "user", unit=unit)

    @classmethod
    def enterprise_contact(cls, id: str, enterprise: str) -> Actor:
        """Create the contact of an enterprise (企业) that applies for innovation vouchers."""
        return cls(id, "enterprise", enterprise=enterprise)

    @classmethod
    def expert(cls, id: str) -> Actor:
        """Create a member of the expert pool (专家库)."""
        return cls(id, "expert")

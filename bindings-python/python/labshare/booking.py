"""Instrument booking (仪器预约) and the working-day calendar (工作日历).

``SlotRequest`` asks for instrument time; every booking change returns a
``BookingReceipt``. ``LocalTime`` shows an instant on one zone's clock.

The larger booking records cross as core's JSON text, in the shape of the
event JSON: booking policies, profiles, blackouts, series requests,
completions, sample requests, availability queries and every query result
(booking views, schedules, free slots, quotes, service records and totals).
Amounts inside them are strings such as ``"150.00"``, so
``json.loads(text)`` keeps them exact; read them with ``Decimal``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

__all__ = ["BookingReceipt", "LocalTime", "SlotRequest"]


@dataclass(frozen=True, kw_only=True)
class SlotRequest:
    """A request for one slot of instrument time (机时预约申请).

    Attributes:
        instrument: Instrument id.
        start: Start, a timezone-aware ``datetime``.
        end: End (exclusive), a timezone-aware ``datetime``.
        people: People who will come, at least 1.
        purpose: Purpose (用途), at most 500 characters.
        voucher: Innovation voucher number (创新券编号) if the user pays with one.
    """

    instrument: str
    start: datetime
    end: datetime
    people: int = 1
    purpose: str = ""
    voucher: str | None = None


@dataclass(frozen=True, kw_only=True)
class BookingReceipt:
    """What a booking change recorded and created.

    Attributes:
        event: The journal event as JSON text, for the host to store.
        bookings: Ids of the bookings created, in id order: the request's own
            and any waitlist offers the change made for freed slots.
        series: Id of the series created by a recurring request, else ``None``.
        waitlist: Id of the waitlist entry created, else ``None``.
    """

    event: str
    bookings: tuple[int, ...]
    series: int | None
    waitlist: int | None


@dataclass(frozen=True, kw_only=True)
class LocalTime:
    """An instant on the clock of one zone.

    Attributes:
        local: Wall-clock time in ``zone``, a naive ``datetime``.
        zone: IANA zone name, such as ``"Asia/Urumqi"``.
        offset: Offset from UTC at that instant, such as ``"+06:00"``.
        instant: The same instant in UTC.
    """

    local: datetime
    zone: str
    offset: str
    instant: datetime

"""Member units and their instruments (网员单位与仪器设备登记).

These are plain values: the rules engine checks them when they are passed to
a ``Network`` method, not when they are built. Amounts are
``decimal.Decimal`` values in 元, dates are ``datetime.date`` and instants
are timezone-aware ``datetime.datetime`` values in UTC. Enumerations are
strings, listed by the ``Literal`` aliases below.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Literal

__all__ = [
    "AcquisitionSource",
    "HistoryEntry",
    "Instrument",
    "InstrumentRecord",
    "OperatingStatus",
    "ReviewState",
    "SharingMode",
    "Unit",
    "UnitKind",
]

#: Kind of member unit (单位类型): research institute (科研院所), university
#: (高等院校), testing centre (检测中心), enterprise (企业) or other.
UnitKind = Literal["institute", "university", "testing_centre", "enterprise", "other"]

#: Source of an instrument (来源): purchased (购置), built by the unit (自研),
#: donated (捐赠) or other.
AcquisitionSource = Literal["purchased", "self_built", "donated", "other"]

#: Sharing mode of an instrument (共享模式): shared outside the unit (外部共享),
#: inside the unit only (内部共享) or not shared (不共享).
SharingMode = Literal["external", "internal", "none"]

#: Operating status (运行状态) as the national platform lists it: 正常, 待机,
#: 远程服务中, 偶有故障, 故障频繁, 待修, 待报废.
OperatingStatus = Literal[
    "normal",
    "standby",
    "remote_service",
    "occasional_faults",
    "frequent_faults",
    "awaiting_repair",
    "awaiting_disposal",
]

#: Review state of an instrument (审核状态). ``submitted`` and ``returned``
#: instruments were never published; the other three are published, with a
#: revision waiting (``revision_pending``) or returned (``revision_returned``).
ReviewState = Literal["submitted", "returned", "published", "revision_pending", "revision_returned"]


@dataclass(frozen=True)
class Unit:
    """A member unit (网员单位) of the network.

    Attributes:
        id: Unit id: 1 to 64 characters without whitespace.
        name: Full name, at most 100 characters.
        kind: Kind of unit.
        region: Region (所在地区), such as ``"乌鲁木齐市"``.
    """

    id: str
    name: str
    kind: UnitKind
    region: str


@dataclass(frozen=True, kw_only=True)
class InstrumentRecord:
    """The national record of one instrument (仪器设备信息), as a unit submits it.

    Lengths are in characters and are checked on submission, as the national
    platform (科研设施与仪器国家网络管理平台) sets them.

    Attributes:
        name: Name (仪器名称), at most 50 characters.
        english_name: English name, at most 200 characters; may be empty.
        category_code: Six-digit category code (分类代码) whose first two
            digits, the top class, are 01 to 15.
        source: Source (来源).
        original_value: Original value (原值) in 元, exact to the fen.
        country_of_origin: Country of origin as a GB/T 2659 (ISO 3166-1)
            alpha-2 or alpha-3 code in capitals, such as ``"CN"``.
        manufacturer: Manufacturer (生产制造商), at most 100 characters.
        model: Model (规格型号), at most 100 characters.
        commissioning_date: Commissioning date (启用日期).
        specifications: Main specifications (主要技术指标), at most 500 characters.
        functions: Main functions (主要功能), at most 300 characters.
        disciplines: Disciplines (服务学科领域) as GB/T 13745 codes, at most four.
        service_content: Service content (服务内容), at most 200 characters.
        operating_status: Operating status (运行状态).
        sharing_mode: Sharing mode (共享模式).
        sharing_rules: Sharing rules (开放共享规定), at most 500 characters.
        fee_standard: Fee standard (收费标准), at most 500 characters.
        booking_url: Booking address on the web (预约网址); may be empty.
        location: Location (安放地址), at most 200 characters.
        contact: Contact person and telephone (联系人), at most 100 characters.
    """

    name: str
    english_name: str = ""
    category_code: str
    source: AcquisitionSource
    original_value: Decimal
    country_of_origin: str
    manufacturer: str
    model: str
    commissioning_date: date
    specifications: str
    functions: str
    disciplines: Sequence[str] = ()
    service_content: str = ""
    operating_status: OperatingStatus
    sharing_mode: SharingMode
    sharing_rules: str = ""
    fee_standard: str = ""
    booking_url: str = ""
    location: str
    contact: str = ""


@dataclass(frozen=True)
class HistoryEntry:
    """One step in an instrument's history.

    Attributes:
        seq: Sequence number of the event that made the change.
        at: When the change was made (UTC).
        actor: Id of the actor who made it.
        step: The step taken: ``submitted``, ``resubmitted``,
            ``revision_submitted``, ``published`` or ``returned``.
        reason: The office's reason, for returns; otherwise ``None``.
    """

    seq: int
    at: datetime
    actor: str
    step: str
    reason: str | None


@dataclass(frozen=True)
class Instrument:
    """An instrument on the network with its review state and history.

    Attributes:
        id: Instrument id, unique on the network.
        unit: Id of the owning unit.
        state: Review state.
        return_reason: The office's reason when ``state`` is ``returned`` or
            ``revision_returned``; otherwise ``None``.
        published: The version shown to the public; ``None`` until first published.
        pending: The version waiting for review, or returned for changes.
        first_published_at: When the instrument was first published (UTC).
        history: Every step so far, oldest first.
    """

    id: str
    unit: str
    state: ReviewState
    return_reason: str | None
    published: InstrumentRecord | None
    pending: InstrumentRecord | None
    first_published_at: datetime | None
    history: tuple[HistoryEntry, ...]

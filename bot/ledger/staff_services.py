"""Which master does which service.

A master with no row in ``staff_services`` does every service, so a salon that never said
otherwise works as before; once a master has rows, they do only those services. The slot
engine ("any master"), booking sanity (code ``not_offered``, which an admin may force) and
the waitlist's offers all ask :func:`does_service` in their queries.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import ColumnElement, delete, exists, not_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from bot.errors import InvalidInputError
from bot.ledger.catalog import get_service, get_staff
from db.models import Service, Staff, StaffService

__all__ = [
    "does_service",
    "refuse_not_offered",
    "services_of",
    "set_services_of",
    "staff_does",
]


Column = ColumnElement[int] | InstrumentedAttribute[int]


def does_service(
    service_id: int | Column, staff_id: int | Column | None = None
) -> ColumnElement[bool]:
    """True for the masters (``staff_id``, by default ``Staff.id`` of the query) who do the
    service: they listed it, or they listed nothing."""
    master = Staff.id if staff_id is None else staff_id
    listed = select(StaffService.staff_id).where(StaffService.staff_id == master)
    return or_(
        not_(exists(listed)),
        exists(listed.where(StaffService.service_id == service_id)),
    )


async def staff_does(session: AsyncSession, *, staff_id: int, service_id: int) -> bool:
    """Whether this master does this service."""
    return bool(await session.scalar(select(does_service(service_id, staff_id))))


async def refuse_not_offered(session: AsyncSession, *, staff_id: int, service: Service) -> None:
    """Raise a clear error when a master is asked about a service they do not do."""
    if not await staff_does(session, staff_id=staff_id, service_id=service.id):
        staff = await get_staff(session, staff_id=staff_id)
        raise InvalidInputError(
            f"master {staff.name} does not do {service.name}",
            field="staff_id",
            code="not_offered",
            params={"master": staff.name, "service": service.name},
        )


async def services_of(session: AsyncSession, *, staff_id: int) -> list[Service] | None:
    """The services a master does, by name; None when they do every service."""
    await get_staff(session, staff_id=staff_id)
    rows = await session.scalars(
        select(Service)
        .join(StaffService, StaffService.service_id == Service.id)
        .where(StaffService.staff_id == staff_id)
        .order_by(Service.name)
    )
    found = list(rows)
    return found or None


async def set_services_of(
    session: AsyncSession, *, staff_id: int, service_ids: Sequence[int] | None
) -> list[Service] | None:
    """Say which services a master does (None or empty: every service); the new list."""
    await get_staff(session, staff_id=staff_id)
    wanted = list(dict.fromkeys(service_ids or []))
    for service_id in wanted:
        await get_service(session, service_id=service_id)  # an unknown id is a 404
    await session.execute(delete(StaffService).where(StaffService.staff_id == staff_id))
    session.add_all(StaffService(staff_id=staff_id, service_id=sid) for sid in wanted)
    await session.flush()
    return await services_of(session, staff_id=staff_id)

"""The waitlist: clients waiting for a slot to free up."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi import status as http

from bot.api.deps import ClockDep, SessionDep, SettingsDep, ZoneDep
from bot.api.errors import RECORD_RESPONSES
from bot.api.fields import ID_MAX, Id
from bot.api.routes.clients import client_id_of
from bot.api.waitlist_schemas import WaitlistIn, WaitlistOut
from bot.domain.appointments import Actor
from bot.domain.timeutil import day_bounds
from bot.domain.waitlist import Availability, EntryStatus
from bot.ledger import waitlist
from bot.ledger.appointments import Who

router = APIRouter(prefix="/waitlist", tags=["waitlist"], responses=RECORD_RESPONSES)

API = Who(actor=Actor.API, channel="api")


@router.post("", status_code=http.HTTP_201_CREATED)
async def add_to_waitlist(
    body: WaitlistIn, session: SessionDep, settings: SettingsDep, clock: ClockDep, zone: ZoneDep
) -> WaitlistOut:
    """Put a client on the waitlist (at its end). When a slot that suits them frees up, they
    are offered it on their messenger (see ``SHOWUP_WAITLIST_MODE``)."""
    client_id = await client_id_of(session, settings, client_id=body.client_id, client=body.client)
    entry = await waitlist.add_entry(
        session,
        request=waitlist.EntryRequest(
            client_id=client_id,
            service_id=body.service_id,
            staff_id=body.staff_id,
            availability=Availability.parse(body.days, body.times),
            valid_until=day_bounds(body.valid_until, zone)[1] if body.valid_until else None,
            earlier=body.earlier,
            appointment_id=body.appointment_id,
            source="api",
            note=body.note,
        ),
        who=API,
        now=clock.now(),
    )
    await session.commit()
    return WaitlistOut.build(entry)


@router.get("")
async def list_waitlist(
    session: SessionDep,
    status: Annotated[EntryStatus, Query(description="entries in this state")] = (
        EntryStatus.ACTIVE
    ),
    client_id: Annotated[Id | None, Query()] = None,
    service_id: Annotated[Id | None, Query()] = None,
    staff_id: Annotated[Id | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0, le=ID_MAX)] = 0,
) -> list[WaitlistOut]:
    """Entries in waitlist order (the first is offered a freed slot first)."""
    entries = await waitlist.list_entries(
        session,
        status=status,
        client_id=client_id,
        service_id=service_id,
        staff_id=staff_id,
        limit=limit,
        offset=offset,
    )
    return [WaitlistOut.build(entry) for entry in entries]


@router.delete("/{entry_id}")
async def remove_from_waitlist(entry_id: Id, session: SessionDep, clock: ClockDep) -> WaitlistOut:
    """Take an entry off the waitlist; its offers still open are withdrawn."""
    entry = await waitlist.remove_entry(
        session, entry_id=entry_id, who=API, now=clock.now(), reason="removed through the API"
    )
    await session.commit()
    return WaitlistOut.build(entry)

"""Appointments: book (idempotently), list, move, cancel and mark."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from bot.api.deps import ClockDep, PolicyDep, RulesDep, SessionDep, SettingsDep, ZoneDep
from bot.api.errors import RECORD_RESPONSES
from bot.api.fields import Day, Id, When
from bot.api.routes.clients import client_id_of
from bot.api.schemas import (
    AppointmentIn,
    AppointmentOut,
    CancelIn,
    EventOut,
    ReasonIn,
    RescheduleIn,
    ScheduledMessageOut,
)
from bot.domain.appointments import Action, Actor, AppointmentStatus
from bot.domain.timeutil import day_bounds, localize
from bot.errors import InvalidInputError
from bot.ledger import appointments as ledger
from bot.ledger.booking_rules import Sanity
from bot.ledger.outbox import outbox_for

router = APIRouter(prefix="/appointments", tags=["appointments"], responses=RECORD_RESPONSES)

API = ledger.Who(actor=Actor.API, channel="api")


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    responses={200: {"description": "already known by source + external_id; updated if changed"}},
)
async def create_appointment(
    body: AppointmentIn,
    response: Response,
    session: SessionDep,
    settings: SettingsDep,
    clock: ClockDep,
    zone: ZoneDep,
    rules: RulesDep,
    policy: PolicyDep,
) -> AppointmentOut:
    """Book an appointment. Re-sending the same ``source`` + ``external_id`` updates it.

    The booking confirmation and the reminders are planned in the same transaction. A client
    blocked by the attendance policy is refused with ``409`` and the reason; a client on the
    deposit rung gets ``deposit_due`` set. A start in the past is refused with ``422`` (code
    ``past``); a time another appointment of the master overlaps (``busy``), in their time off
    (``time_off``), outside their hours (``outside_hours``), closer than their buffer to
    another appointment (``buffer``) or for a service the master does not do (``not_offered``)
    with ``409``. ``force: true`` books it anyway.
    """
    client_id = await client_id_of(session, settings, client_id=body.client_id, client=body.client)
    result = await ledger.book(
        session,
        request=ledger.BookingRequest(
            client_id=client_id,
            staff_id=body.staff_id,
            service_id=body.service_id,
            starts_at=localize(body.starts_at, zone, field="starts_at"),
            ends_at=localize(body.ends_at, zone, field="ends_at") if body.ends_at else None,
            source=body.source,
            external_id=body.external_id,
            notes=body.notes,
        ),
        who=API,
        now=clock.now(),
        rules=rules,
        policy=policy,
        sanity=Sanity.FORCE if body.force else Sanity.ENFORCE,
    )
    await session.commit()
    if not result.created:
        response.status_code = status.HTTP_200_OK
    return AppointmentOut.build(result.appointment, zone)


@router.get("")
async def list_appointments(
    session: SessionDep,
    zone: ZoneDep,
    day: Annotated[Day | None, Query(alias="date", description="a day in salon time")] = None,
    start: Annotated[When | None, Query(alias="from")] = None,
    end: Annotated[When | None, Query(alias="to")] = None,
    status_filter: Annotated[list[AppointmentStatus] | None, Query(alias="status")] = None,
    staff_id: Id | None = None,
    client_id: Id | None = None,
) -> list[AppointmentOut]:
    """Appointments of one day (``date``) or of a range (``from``/``to``), earliest first."""
    if day is not None and (start is not None or end is not None):
        raise InvalidInputError("give either date or from/to, not both", field="date")
    if day is not None:
        lower, upper = day_bounds(day, zone)
    elif start is not None and end is not None:
        lower, upper = localize(start, zone, field="from"), localize(end, zone, field="to")
        if upper <= lower:
            raise InvalidInputError("'to' must be after 'from'", field="to")
    else:
        raise InvalidInputError("give a date (YYYY-MM-DD) or both from and to", field="date")
    found = await ledger.list_appointments(
        session,
        start=lower,
        end=upper,
        statuses=frozenset(status_filter) if status_filter else None,
        staff_id=staff_id,
        client_id=client_id,
    )
    return [AppointmentOut.build(a, zone) for a in found]


@router.get("/{appointment_id}")
async def get_appointment(
    appointment_id: Id, session: SessionDep, zone: ZoneDep
) -> AppointmentOut:
    found = await ledger.get_appointment(session, appointment_id=appointment_id)
    return AppointmentOut.build(found, zone)


@router.get("/{appointment_id}/events")
async def list_events(appointment_id: Id, session: SessionDep) -> list[EventOut]:
    """The appointment's history: every change, by whom, through which channel, and why."""
    events = await ledger.list_events(session, appointment_id=appointment_id)
    return [EventOut.build(e) for e in events]


@router.get("/{appointment_id}/messages")
async def list_messages(appointment_id: Id, session: SessionDep) -> list[ScheduledMessageOut]:
    """The appointment's planned, sent, void and failed messages (confirmation, reminders)."""
    rows = await outbox_for(session, appointment_id=appointment_id)
    return [ScheduledMessageOut.model_validate(row) for row in rows]


@router.post("/{appointment_id}/reschedule")
async def reschedule(
    appointment_id: Id,
    body: RescheduleIn,
    session: SessionDep,
    clock: ClockDep,
    zone: ZoneDep,
    rules: RulesDep,
) -> AppointmentOut:
    moved = await ledger.reschedule_appointment(
        session,
        appointment_id=appointment_id,
        starts_at=localize(body.starts_at, zone, field="starts_at"),
        ends_at=localize(body.ends_at, zone, field="ends_at") if body.ends_at else None,
        staff_id=body.staff_id,
        who=API,
        now=clock.now(),
        rules=rules,
        reason=body.reason,
        sanity=Sanity.FORCE if body.force else Sanity.ENFORCE,
    )
    await session.commit()
    return AppointmentOut.build(moved, zone)


@router.post("/{appointment_id}/cancel")
async def cancel(
    appointment_id: Id,
    body: CancelIn,
    session: SessionDep,
    settings: SettingsDep,
    clock: ClockDep,
    zone: ZoneDep,
    policy: PolicyDep,
) -> AppointmentOut:
    """Cancel. A client's cancellation inside the late window is marked ``late_cancel``."""
    cancelled = await ledger.cancel_appointment(
        session,
        appointment_id=appointment_id,
        cancelled_by=body.cancelled_by,
        late_window=settings.late_cancel_window,
        who=API,
        now=clock.now(),
        reason=body.reason,
        policy=policy,
    )
    await session.commit()
    return AppointmentOut.build(cancelled, zone)


def _register_mark(path: str, action: Action, summary: str) -> None:
    async def mark(
        appointment_id: Id,
        session: SessionDep,
        clock: ClockDep,
        zone: ZoneDep,
        policy: PolicyDep,
        body: ReasonIn | None = None,
    ) -> AppointmentOut:
        marked = await ledger.mark_appointment(
            session,
            appointment_id=appointment_id,
            action=action,
            who=API,
            now=clock.now(),
            reason=body.reason if body else None,
            policy=policy,
        )
        await session.commit()
        return AppointmentOut.build(marked, zone)

    router.add_api_route(
        f"/{{appointment_id}}/{path}",
        mark,
        methods=["POST"],
        summary=summary,
        name=f"appointment_{action.value}",
    )


for _path, _action, _summary in (
    ("confirm", Action.CONFIRM, "Confirm (the client said they will come)"),
    ("arrive", Action.ARRIVE, "Mark the client as arrived"),
    ("complete", Action.COMPLETE, "Mark the visit as completed"),
    ("no-show", Action.MARK_NO_SHOW, "Mark as a no-show (only once the start has passed)"),
):
    _register_mark(_path, _action, _summary)

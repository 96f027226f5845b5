"""Booking, moving, cancelling and marking appointments, each with its event in the log.

Every change goes through the state machine in ``bot.domain.appointments``; an impossible change
raises before anything is written.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.appointments import (
    ACTIVE_STATUSES,
    FINAL_STATUSES,
    Action,
    Actor,
    AppointmentStatus,
    CancelledBy,
    next_status,
    reschedule,
    validate_times,
)
from bot.domain.policy import AttendanceRules, is_late_cancel
from bot.domain.reminders import ReminderRules, Script
from bot.domain.timeutil import shown_at
from bot.errors import ConflictError, InvalidInputError, NotFoundError
from bot.ledger.attendance import (
    AttendancePolicy,
    after_attended,
    after_late_cancel,
    after_no_show,
    booking_terms,
)
from bot.ledger.catalog import get_service, get_staff
from bot.ledger.clients import get_client
from bot.ledger.freed import note_freed
from bot.ledger.outbox import plan_outbox, void_outbox
from bot.ledger.salon import salon_zone
from db.models import Appointment, AppointmentEvent, OutboxStatus, ScheduledMessage, Staff


@dataclass(frozen=True, slots=True)
class Who:
    """Who is making a change and through which channel; stamped on every event."""

    actor: Actor
    channel: str | None = None


@dataclass(frozen=True, slots=True)
class BookingRequest:
    client_id: int
    staff_id: int
    service_id: int
    starts_at: datetime
    ends_at: datetime | None = None
    source: str = "api"
    external_id: str | None = None
    notes: str | None = None


@dataclass(frozen=True, slots=True)
class BookingResult:
    appointment: Appointment
    created: bool
    changed: bool


async def get_appointment(session: AsyncSession, *, appointment_id: int) -> Appointment:
    appointment = await session.get(Appointment, appointment_id)
    if appointment is None:
        raise NotFoundError(
            f"no appointment with id {appointment_id}",
            code="no_appointment",
            params={"id": appointment_id},
        )
    return appointment


async def find_by_external_id(
    session: AsyncSession, *, source: str, external_id: str
) -> Appointment | None:
    found: Appointment | None = await session.scalar(
        select(Appointment).where(
            Appointment.source == source, Appointment.external_id == external_id
        )
    )
    return found


async def list_appointments(
    session: AsyncSession,
    *,
    start: datetime,
    end: datetime,
    statuses: frozenset[AppointmentStatus] | None = None,
    staff_id: int | None = None,
    client_id: int | None = None,
) -> list[Appointment]:
    """Appointments starting in [start, end), earliest first."""
    query = (
        select(Appointment)
        .where(Appointment.starts_at >= start, Appointment.starts_at < end)
        .order_by(Appointment.starts_at, Appointment.id)
    )
    if statuses:
        query = query.where(Appointment.status.in_(sorted(statuses)))
    if staff_id is not None:
        query = query.where(Appointment.staff_id == staff_id)
    if client_id is not None:
        query = query.where(Appointment.client_id == client_id)
    return list(await session.scalars(query))


async def list_events(session: AsyncSession, *, appointment_id: int) -> list[AppointmentEvent]:
    await get_appointment(session, appointment_id=appointment_id)
    query = (
        select(AppointmentEvent)
        .where(AppointmentEvent.appointment_id == appointment_id)
        .order_by(AppointmentEvent.created_at, AppointmentEvent.id)
    )
    return list(await session.scalars(query))


def _record(
    session: AsyncSession,
    appointment: Appointment,
    *,
    kind: str,
    who: Who,
    at: datetime,
    from_status: AppointmentStatus | None,
    reason: str | None = None,
    data: dict[str, Any] | None = None,
) -> None:
    session.add(
        AppointmentEvent(
            appointment_id=appointment.id,
            kind=kind,
            from_status=from_status,
            to_status=appointment.status,
            actor=who.actor,
            channel=who.channel,
            reason=reason,
            data=data,
            created_at=at,
        )
    )


async def _ensure_free(
    session: AsyncSession,
    *,
    staff_id: int,
    starts_at: datetime,
    ends_at: datetime,
    ignore_id: int | None = None,
) -> None:
    """Refuse a time that overlaps another active appointment of the same master.

    The master's row is locked first (PostgreSQL), so two concurrent bookings of one slot are
    serialised; SQLite serialises every write transaction already (BEGIN IMMEDIATE).
    """
    await session.execute(select(Staff.id).where(Staff.id == staff_id).with_for_update())
    query = select(Appointment).where(
        Appointment.staff_id == staff_id,
        Appointment.status.in_(sorted(ACTIVE_STATUSES)),
        Appointment.starts_at < ends_at,
        Appointment.ends_at > starts_at,
    )
    if ignore_id is not None:
        query = query.where(Appointment.id != ignore_id)
    clash = await session.scalar(query.limit(1))
    if clash is not None:
        zone = await salon_zone(session)
        raise ConflictError(
            f"master {clash.staff.name} is busy then: appointment {clash.id} for "
            f"{clash.client.name}, {shown_at(clash.starts_at, zone)} "
            f"until {clash.ends_at.astimezone(zone):%H:%M}",
            code="busy",
            params={
                "master": clash.staff.name,
                "id": clash.id,
                "client": clash.client.name,
                "starts_at": clash.starts_at,
            },
        )


async def book(
    session: AsyncSession,
    *,
    request: BookingRequest,
    who: Who,
    now: datetime,
    rules: ReminderRules,
    policy: AttendancePolicy | None = None,
) -> BookingResult:
    """Create an appointment, or update the one with the same (source, external_id).

    Re-sending an unchanged appointment changes nothing; a new time is a reschedule (version + 1);
    a new master, service or note is an update. The confirmation and reminders are planned in
    the same transaction. With a ``policy``, a blocked client is refused (ConflictError) and a
    new booking gets its deposit, double price and loyalty discount.
    """
    if request.external_id is not None:
        existing = await find_by_external_id(
            session, source=request.source, external_id=request.external_id
        )
        if existing is not None:
            changed = await _update_from_request(
                session, appointment=existing, request=request, who=who, now=now, rules=rules
            )
            return BookingResult(appointment=existing, created=False, changed=changed)

    client = await get_client(session, client_id=request.client_id)
    staff = await get_staff(session, staff_id=request.staff_id)
    service = await get_service(session, service_id=request.service_id)
    if not staff.active:
        raise InvalidInputError(
            f"master {staff.name} is not active",
            field="staff_id",
            code="inactive",
            params={"master": staff.name},
        )
    ends_at = request.ends_at or request.starts_at + timedelta(minutes=service.duration_minutes)
    validate_times(request.starts_at, ends_at)
    await _ensure_free(session, staff_id=staff.id, starts_at=request.starts_at, ends_at=ends_at)
    appointment = Appointment(
        client=client,
        staff=staff,
        service=service,
        starts_at=request.starts_at,
        ends_at=ends_at,
        status=AppointmentStatus.BOOKED,
        version=1,
        source=request.source,
        external_id=request.external_id,
        late_cancel=False,
        notes=request.notes,
    )
    if policy is not None:
        await booking_terms(
            session,
            appointment=appointment,
            client=client,
            service=service,
            policy=policy,
            now=now,
        )
    session.add(appointment)
    await session.flush()
    _record(
        session,
        appointment,
        kind="created",
        who=who,
        at=now,
        from_status=None,
        data={"source": request.source, "external_id": request.external_id},
    )
    await plan_outbox(session, appointment=appointment, rules=rules, now=now)
    return BookingResult(appointment=appointment, created=True, changed=True)


async def _update_from_request(
    session: AsyncSession,
    *,
    appointment: Appointment,
    request: BookingRequest,
    who: Who,
    now: datetime,
    rules: ReminderRules,
) -> bool:
    if appointment.client_id != request.client_id:
        raise ConflictError(
            f"{request.source} appointment {request.external_id!r} belongs to client "
            f"{appointment.client_id}, not {request.client_id}; an external id cannot move "
            "between clients"
        )
    service = await get_service(session, service_id=request.service_id)
    ends_at = request.ends_at or request.starts_at + timedelta(minutes=service.duration_minutes)
    changes: dict[str, Any] = {}
    if request.staff_id != appointment.staff_id:
        changes["staff_id"] = [appointment.staff_id, request.staff_id]
    if request.service_id != appointment.service_id:
        changes["service_id"] = [appointment.service_id, request.service_id]
    if request.notes is not None and request.notes != appointment.notes:
        changes["notes"] = [appointment.notes, request.notes]
    moved = (request.starts_at, ends_at) != (appointment.starts_at, appointment.ends_at)
    if not changes and not moved:
        return False
    if moved:
        await reschedule_appointment(
            session,
            appointment_id=appointment.id,
            starts_at=request.starts_at,
            ends_at=ends_at,
            staff_id=request.staff_id,
            who=who,
            now=now,
            rules=rules,
            reason=f"re-sent by {request.source}",
        )
        changes.pop("staff_id", None)
    if not changes:
        return True
    if appointment.status not in ACTIVE_STATUSES:
        raise ConflictError(
            f"appointment {appointment.id} is {appointment.status.value}; it can no longer change"
        )
    if "staff_id" in changes:
        staff = await get_staff(session, staff_id=request.staff_id)
        await _ensure_free(
            session,
            staff_id=staff.id,
            starts_at=appointment.starts_at,
            ends_at=appointment.ends_at,
            ignore_id=appointment.id,
        )
        appointment.staff = staff
    if "service_id" in changes:
        appointment.service = service
    if "notes" in changes:
        appointment.notes = request.notes
    _record(
        session,
        appointment,
        kind="updated",
        who=who,
        at=now,
        from_status=appointment.status,
        data={"changes": changes},
    )
    await session.flush()
    return True


async def reschedule_appointment(
    session: AsyncSession,
    *,
    appointment_id: int,
    starts_at: datetime,
    ends_at: datetime | None = None,
    staff_id: int | None = None,
    who: Who,
    now: datetime,
    rules: ReminderRules,
    reason: str | None = None,
) -> Appointment:
    """Move an appointment (optionally to another master); its version goes up by one.

    Messages planned for the old version go void and the new time's messages are planned.
    """
    appointment = await get_appointment(session, appointment_id=appointment_id)
    new_end = ends_at or starts_at + (appointment.ends_at - appointment.starts_at)
    moved = reschedule(
        status=appointment.status,
        version=appointment.version,
        appointment_id=appointment.id,
        starts_at=appointment.starts_at,
        new_start=starts_at,
        new_end=new_end,
        now=now,
    )
    target_staff = staff_id if staff_id is not None else appointment.staff_id
    await _ensure_free(
        session,
        staff_id=target_staff,
        starts_at=moved.starts_at,
        ends_at=moved.ends_at,
        ignore_id=appointment.id,
    )
    before = appointment.status
    data = {
        "from": [appointment.starts_at.isoformat(), appointment.ends_at.isoformat()],
        "to": [moved.starts_at.isoformat(), moved.ends_at.isoformat()],
        "version": moved.version,
    }
    note_freed(
        session,
        appointment=appointment,
        staff_id=appointment.staff_id,
        starts_at=appointment.starts_at,
        ends_at=appointment.ends_at,
        reason="rescheduled",
        now=now,
    )
    if target_staff != appointment.staff_id:
        appointment.staff = await get_staff(session, staff_id=target_staff)
        data["staff_id"] = target_staff
    appointment.starts_at = moved.starts_at
    appointment.ends_at = moved.ends_at
    appointment.version = moved.version
    appointment.status = moved.status
    _record(
        session,
        appointment,
        kind="rescheduled",
        who=who,
        at=now,
        from_status=before,
        reason=reason,
        data=data,
    )
    await session.flush()
    await void_outbox(
        session,
        appointment_id=appointment.id,
        reason=f"rescheduled to version {moved.version}",
        older_than_version=moved.version,
    )
    await plan_outbox(session, appointment=appointment, rules=rules, now=now)
    return appointment


async def cancel_appointment(
    session: AsyncSession,
    *,
    appointment_id: int,
    cancelled_by: CancelledBy,
    late_window: timedelta,
    who: Who,
    now: datetime,
    reason: str | None = None,
    policy: AttendancePolicy | None = None,
) -> Appointment:
    """Cancel; a client's cancellation inside ``late_window`` before the start is marked late
    (and, with a ``policy``, counts as a late-cancellation strike) — unless it comes within the
    policy's ``late_cancel_grace`` after the asking reminder was sent (``is_late_cancel``)."""
    appointment = await get_appointment(session, appointment_id=appointment_id)
    before = appointment.status
    asked_at = (
        await _asked_at(session, appointment) if cancelled_by is CancelledBy.CLIENT else None
    )
    appointment.status = next_status(
        before,
        Action.CANCEL,
        appointment_id=appointment.id,
        starts_at=appointment.starts_at,
        now=now,
        zone=await salon_zone(session),
    )
    appointment.cancelled_by = cancelled_by
    rules = policy.rules if policy is not None else AttendanceRules()
    appointment.late_cancel = cancelled_by is CancelledBy.CLIENT and is_late_cancel(
        starts_at=appointment.starts_at,
        cancelled_at=now,
        window=late_window,
        asked_at=asked_at,
        grace=rules.late_cancel_grace,
        quiet=policy.quiet if policy is not None else None,
        zone=policy.zone if policy is not None else None,
    )
    _record(
        session,
        appointment,
        kind="cancelled",
        who=who,
        at=now,
        from_status=before,
        reason=reason,
        data={
            "cancelled_by": cancelled_by.value,
            "late": appointment.late_cancel,
            "asked_at": asked_at.isoformat() if asked_at else None,
        },
    )
    note_freed(
        session,
        appointment=appointment,
        staff_id=appointment.staff_id,
        starts_at=appointment.starts_at,
        ends_at=appointment.ends_at,
        reason="late_cancel" if appointment.late_cancel else f"cancelled_by_{cancelled_by.value}",
        now=now,
    )
    await session.flush()
    await void_outbox(session, appointment_id=appointment.id, reason="appointment cancelled")
    if policy is not None and appointment.late_cancel:
        await after_late_cancel(
            session, appointment=appointment, policy=policy, now=now, text=reason
        )
    return appointment


async def _asked_at(session: AsyncSession, appointment: Appointment) -> datetime | None:
    """When the asking reminder of the appointment's current time was sent, if it was."""
    sent: datetime | None = await session.scalar(
        select(ScheduledMessage.sent_at)
        .where(
            ScheduledMessage.appointment_id == appointment.id,
            ScheduledMessage.version == appointment.version,
            ScheduledMessage.script == Script.REMINDER_ASK.value,
            ScheduledMessage.status == OutboxStatus.SENT,
        )
        .order_by(ScheduledMessage.sent_at.desc())
        .limit(1)
    )
    return sent


_EVENT_KIND = {
    Action.CONFIRM: "confirmed",
    Action.ARRIVE: "arrived",
    Action.COMPLETE: "completed",
    Action.MARK_NO_SHOW: "no_show",
}


async def mark_appointment(
    session: AsyncSession,
    *,
    appointment_id: int,
    action: Action,
    who: Who,
    now: datetime,
    reason: str | None = None,
    policy: AttendancePolicy | None = None,
) -> Appointment:
    """Confirm, mark arrived, complete or mark as a no-show.

    Confirming an already confirmed appointment is accepted and records nothing new. With a
    ``policy``, a no-show opens its follow-up and an arrival counts towards loyalty.
    """
    if action not in _EVENT_KIND:
        raise ValueError(f"mark_appointment does not handle {action}")
    appointment = await get_appointment(session, appointment_id=appointment_id)
    before = appointment.status
    after = next_status(
        before,
        action,
        appointment_id=appointment.id,
        starts_at=appointment.starts_at,
        now=now,
        zone=await salon_zone(session),
    )
    if after == before:
        return appointment
    appointment.status = after
    _record(
        session,
        appointment,
        kind=_EVENT_KIND[action],
        who=who,
        at=now,
        from_status=before,
        reason=reason,
    )
    await session.flush()
    if after in FINAL_STATUSES or after is AppointmentStatus.ARRIVED:
        await void_outbox(
            session, appointment_id=appointment.id, reason=f"appointment {after.value}"
        )
    if policy is not None and after is AppointmentStatus.NO_SHOW:
        await after_no_show(session, appointment=appointment, policy=policy, now=now)
    elif policy is not None and after is AppointmentStatus.ARRIVED:
        await after_attended(session, appointment=appointment, policy=policy, now=now)
    return appointment


async def note_running_late(
    session: AsyncSession, *, appointment_id: int, who: Who, now: datetime, text: str
) -> Appointment:
    """Record that the client said they are coming but late (no change of state)."""
    appointment = await get_appointment(session, appointment_id=appointment_id)
    _record(
        session,
        appointment,
        kind="running_late",
        who=who,
        at=now,
        from_status=appointment.status,
        reason=text[:500],
    )
    await session.flush()
    return appointment


async def next_open_appointment(
    session: AsyncSession, *, client_id: int, now: datetime
) -> Appointment | None:
    """The client's next appointment that has not started and still wants an answer."""
    found: Appointment | None = await session.scalar(
        select(Appointment)
        .where(
            Appointment.client_id == client_id,
            Appointment.starts_at > now,
            Appointment.status.in_([AppointmentStatus.BOOKED, AppointmentStatus.CONFIRMED]),
        )
        .order_by(Appointment.starts_at)
        .limit(1)
    )
    return found

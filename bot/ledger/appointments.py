"""Booking, moving, cancelling and marking appointments, each with its event in the log.

Every change goes through the state machine in ``bot.domain.appointments``; an impossible change
raises before anything is written.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload, raiseload

from bot.domain.appointments import (
    ACTIVE_STATUSES,
    FINAL_STATUSES,
    UTC_ZONE,
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
from bot.errors import ConflictError, InvalidInputError, NotFoundError
from bot.ledger.attendance import (
    QUIET_OFF,
    AttendancePolicy,
    after_attended,
    after_late_cancel,
    after_no_show,
    booking_terms,
)
from bot.ledger.booking_rules import Problem, Sanity, apply, booking_problems
from bot.ledger.cancel_notice import plan_cancel_notice
from bot.ledger.catalog import get_service, get_staff
from bot.ledger.clients import get_client
from bot.ledger.freed import note_freed
from bot.ledger.held import release_holds
from bot.ledger.outbox import plan_outbox, void_outbox
from bot.ledger.salon import salon_zone
from db.models import Appointment, AppointmentEvent, Client, OutboxStatus, ScheduledMessage


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
    # problems let through: forced by an admin, or an import's warnings
    warnings: tuple[Problem, ...] = ()


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


async def _check(
    session: AsyncSession,
    appointment: Appointment | None,
    *,
    staff_id: int,
    starts_at: datetime,
    ends_at: datetime,
    now: datetime,
    sanity: Sanity,
    holder: int | None,
    service_id: int | None = None,
) -> list[Problem]:
    """Booking sanity (``bot.ledger.booking_rules``): raise what ``sanity`` refuses, return
    the problems let through (forced by an admin, or an import's warnings). The times client
    ``holder`` holds are theirs to take."""
    problems = await booking_problems(
        session,
        staff_id=staff_id,
        starts_at=starts_at,
        ends_at=ends_at,
        now=now,
        ignore_id=appointment.id if appointment is not None else None,
        service_id=service_id,
        holder=holder,
    )
    return apply(problems, sanity=sanity, now=now, starts_at=starts_at)


def _record_override(
    session: AsyncSession,
    appointment: Appointment,
    problems: list[Problem],
    *,
    sanity: Sanity,
    who: Who,
    at: datetime,
) -> None:
    """An appointment kept despite its problems: which, and whether forced or imported."""
    if not problems:
        return
    _record(
        session,
        appointment,
        kind="override",
        who=who,
        at=at,
        from_status=appointment.status,
        reason="; ".join(p.message for p in problems)[:2000],
        data={"problems": [p.code for p in problems], "sanity": sanity.value},
    )


async def book(
    session: AsyncSession,
    *,
    request: BookingRequest,
    who: Who,
    now: datetime,
    rules: ReminderRules,
    policy: AttendancePolicy | None = None,
    sanity: Sanity = Sanity.ENFORCE,
) -> BookingResult:
    """Create an appointment, or update the one with the same (source, external_id).

    Re-sending an unchanged appointment changes nothing; a new time is a reschedule (version + 1);
    a new master, service or note is an update. The confirmation and reminders are planned in
    the same transaction. With a ``policy``, a blocked client is refused (ConflictError) and a
    new booking gets its deposit, double price and loyalty discount. A time in the past,
    outside the master's hours, in their time off, overlapping or too close to another
    appointment is refused (``bot.ledger.booking_rules``) unless ``sanity`` lets it through.
    """
    if request.external_id is not None:
        existing = await find_by_external_id(
            session, source=request.source, external_id=request.external_id
        )
        if existing is not None:
            changed = await _update_from_request(
                session,
                appointment=existing,
                request=request,
                who=who,
                now=now,
                rules=rules,
                sanity=sanity,
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
    let_through = await _check(
        session,
        None,
        staff_id=staff.id,
        starts_at=request.starts_at,
        ends_at=ends_at,
        now=now,
        sanity=sanity,
        service_id=service.id,
        holder=client.id,
    )
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
    _record_override(session, appointment, let_through, sanity=sanity, who=who, at=now)
    await plan_outbox(session, appointment=appointment, rules=rules, now=now)
    return BookingResult(
        appointment=appointment, created=True, changed=True, warnings=tuple(let_through)
    )


async def _update_from_request(
    session: AsyncSession,
    *,
    appointment: Appointment,
    request: BookingRequest,
    who: Who,
    now: datetime,
    rules: ReminderRules,
    sanity: Sanity,
) -> bool:
    if appointment.client_id != request.client_id:
        raise ConflictError(
            f"{request.source} appointment {request.external_id!r} belongs to client "
            f"{appointment.client_id}, not {request.client_id}; an external id cannot move "
            "between clients",
            code="external_client",
            params={
                "source": request.source,
                "external_id": request.external_id,
                "owner": appointment.client_id,
                "client": request.client_id,
            },
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
            sanity=sanity,
        )
        changes.pop("staff_id", None)
    if not changes:
        return True
    if appointment.status not in ACTIVE_STATUSES:
        raise ConflictError(
            f"appointment {appointment.id} is {appointment.status.value}; it can no longer change",
            code="closed",
            params={"id": appointment.id, "state": appointment.status},
        )
    if "staff_id" in changes:
        staff = await get_staff(session, staff_id=request.staff_id)
        let_through = await _check(
            session,
            appointment,
            staff_id=staff.id,
            starts_at=appointment.starts_at,
            ends_at=appointment.ends_at,
            now=now,
            sanity=sanity,
            service_id=request.service_id,
            holder=appointment.client_id,
        )
        _record_override(session, appointment, let_through, sanity=sanity, who=who, at=now)
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
    sanity: Sanity = Sanity.ENFORCE,
) -> Appointment:
    """Move an appointment (optionally to another master); its version goes up by one.

    Messages planned for the old version go void and the new time's messages are planned. The
    new time passes the same sanity as a booking (``sanity`` as in ``book``).
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
    let_through = await _check(
        session,
        appointment,
        staff_id=target_staff,
        starts_at=moved.starts_at,
        ends_at=moved.ends_at,
        now=now,
        sanity=sanity,
        # a move to another master: do they do it? (the same master keeps what they booked)
        service_id=appointment.service_id if target_staff != appointment.staff_id else None,
        holder=appointment.client_id,
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
    _record_override(session, appointment, let_through, sanity=sanity, who=who, at=now)
    await session.flush()
    # the offers made for the old time are void; a hold taken by this move is used just after
    await release_holds(session, appointment_id=appointment.id, now=now)
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
    policy's ``late_cancel_grace`` after the asking reminder was sent (``is_late_cancel``).

    The salon's cancellation of a visit still to come is told to the client
    (``bot.ledger.cancel_notice``; the policy's quiet hours, none without one); the client's
    own is answered in the chat that made it.
    """
    appointment = await get_appointment(session, appointment_id=appointment_id)
    before = appointment.status
    asked_at = (
        await _asked_at(session, appointment) if cancelled_by is CancelledBy.CLIENT else None
    )
    zone = await salon_zone(session)
    appointment.status = next_status(
        before,
        Action.CANCEL,
        appointment_id=appointment.id,
        starts_at=appointment.starts_at,
        now=now,
        zone=zone,
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
    if cancelled_by is CancelledBy.SALON:  # planned after the void: it stays
        plan_cancel_notice(
            session,
            appointment=appointment,
            now=now,
            quiet=policy.quiet if policy is not None else QUIET_OFF,
            zone=zone,
        )
    # times offered for moving it (or asked of the admins) are free again: nothing to move
    await release_holds(session, appointment_id=appointment.id, now=now)
    if policy is not None and appointment.late_cancel:
        await after_late_cancel(
            session, appointment=appointment, policy=policy, now=now, text=reason
        )
    return appointment


async def asked_at(session: AsyncSession, appointment: Appointment) -> datetime | None:
    """When the asking reminder of the appointment's current time was sent, if it was."""
    return await _asked_at(session, appointment)


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
    # the zone only words an early no-show's refusal: a confirmation does not read it (a query)
    zone = await salon_zone(session) if action is Action.MARK_NO_SHOW else UTC_ZONE
    after = next_status(
        before,
        action,
        appointment_id=appointment.id,
        starts_at=appointment.starts_at,
        now=now,
        zone=zone,
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


_OPEN = (  # built once: building it cost more than running it (py-spy)
    select(Appointment)
    .where(
        Appointment.client_id == bindparam("client_id"),
        Appointment.starts_at > bindparam("now"),
        Appointment.status.in_([AppointmentStatus.BOOKED, AppointmentStatus.CONFIRMED]),
    )
    .order_by(Appointment.starts_at, Appointment.id)
    # the client is the caller's, loaded already: not its identities again (a query)
    .options(joinedload(Appointment.client).options(raiseload(Client.identities)))
)
_NEXT_OPEN = _OPEN.limit(1)
_ALL_OPEN = _OPEN.limit(20)  # more open bookings than this: the next twenty are enough


async def next_open_appointment(
    session: AsyncSession, *, client_id: int, now: datetime
) -> Appointment | None:
    """The client's next appointment that has not started and still wants an answer."""
    found: Appointment | None = await session.scalar(
        _NEXT_OPEN, {"client_id": client_id, "now": now}
    )
    return found


async def open_appointments(
    session: AsyncSession, *, client_id: int, now: datetime
) -> list[Appointment]:
    """The client's appointments that have not started and still want an answer, soonest
    first (one query: a reply picks the one it is about among them)."""
    return list(await session.scalars(_ALL_OPEN, {"client_id": client_id, "now": now}))

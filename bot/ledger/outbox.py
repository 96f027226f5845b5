"""Planning and voiding an appointment's outgoing messages, in the caller's transaction.

The rows are the reminders: nothing about them lives only in memory. The dispatcher
(``bot.scheduling``) later claims the due ones and sends them.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.reminders import (
    MOVE_ANSWER_SCRIPTS,
    ReminderRules,
    Script,
    awake,
    move_answer_kind,
    plan_messages,
)
from bot.errors import NotFoundError
from db.models import Appointment, OutboxStatus, ScheduledMessage, SlotHold

_OPEN = (OutboxStatus.PENDING, OutboxStatus.SENDING)


async def plan_outbox(
    session: AsyncSession, *, appointment: Appointment, rules: ReminderRules, now: datetime
) -> list[ScheduledMessage]:
    """Add the messages the rules plan for the appointment's current version.

    Planning the same version twice adds nothing: (appointment, kind, version) is unique.
    """
    planned = plan_messages(starts_at=appointment.starts_at, booked_at=now, rules=rules)
    if not planned:
        return []
    existing = set(
        await session.scalars(
            select(ScheduledMessage.kind).where(
                ScheduledMessage.appointment_id == appointment.id,
                ScheduledMessage.version == appointment.version,
            )
        )
    )
    rows = [
        plan_message(
            session,
            appointment=appointment,
            script=message.script,
            due=message.due_at,
            now=now,
            kind=message.kind,
        )
        for message in planned
        if message.kind not in existing
    ]
    await session.flush()
    return rows


def plan_message(
    session: AsyncSession,
    *,
    appointment: Appointment,
    script: Script,
    due: datetime,
    now: datetime,
    kind: str | None = None,
    proposed_at: datetime | None = None,
) -> ScheduledMessage:
    """One pending message about the appointment as it stands (its current version: a later
    move voids it); ``kind`` is the script's name unless said otherwise."""
    row = ScheduledMessage(
        appointment_id=appointment.id,
        kind=kind or script.value,
        script=script.value,
        version=appointment.version,
        due_at=due,
        status=OutboxStatus.PENDING,
        attempts=0,
        created_at=now,
        proposed_at=proposed_at,
    )
    session.add(row)
    return row


def plan_move_answer(
    session: AsyncSession,
    *,
    appointment: Appointment,
    hold: SlotHold,
    script: Script,
    rules: ReminderRules | None,
    now: datetime,
) -> ScheduledMessage:
    """The salon's answer to the move the client asked for with ``hold`` (moved, declined,
    lapsed), due now or when the quiet hours end. It names the time asked for, kept on the row
    (``proposed_at``), and belongs to the booking's current version: a later move or a
    cancellation voids it, replanning the reminders does not."""
    if script not in MOVE_ANSWER_SCRIPTS:
        raise ValueError(f"{script} does not answer a move")
    return plan_message(
        session,
        appointment=appointment,
        script=script,
        due=awake(now, rules),
        now=now,
        kind=move_answer_kind(hold.id),
        proposed_at=hold.starts_at,
    )


async def outbox_for(session: AsyncSession, *, appointment_id: int) -> list[ScheduledMessage]:
    """Every message planned for the appointment, in due order; NotFoundError if it is unknown."""
    if await session.get(Appointment, appointment_id) is None:
        raise NotFoundError(
            f"no appointment with id {appointment_id}",
            code="no_appointment",
            params={"id": appointment_id},
        )
    rows = await session.scalars(
        select(ScheduledMessage)
        .where(ScheduledMessage.appointment_id == appointment_id)
        .order_by(ScheduledMessage.due_at, ScheduledMessage.id)
    )
    return list(rows)


async def outbox_summary(session: AsyncSession) -> dict[OutboxStatus, int]:
    """How many messages are in each state."""
    rows = await session.execute(
        select(ScheduledMessage.status, func.count()).group_by(ScheduledMessage.status)
    )
    return {row[0]: row[1] for row in rows}


async def recent_failures(session: AsyncSession, *, limit: int = 10) -> list[ScheduledMessage]:
    rows = await session.scalars(
        select(ScheduledMessage)
        .where(ScheduledMessage.status == OutboxStatus.FAILED)
        .order_by(ScheduledMessage.due_at.desc())
        .limit(limit)
    )
    return list(rows)


async def void_outbox(
    session: AsyncSession,
    *,
    appointment_id: int,
    reason: str,
    older_than_version: int | None = None,
) -> int:
    """Void the appointment's messages not sent yet (all, or only those of older versions).

    A message a dispatcher is sending right now may still go out; its result will not
    overwrite the void status.
    """
    statement = (
        update(ScheduledMessage)
        .where(
            ScheduledMessage.appointment_id == appointment_id,
            ScheduledMessage.status.in_(_OPEN),
        )
        .values(status=OutboxStatus.VOID, last_error=reason, lease_owner=None)
    )
    if older_than_version is not None:
        statement = statement.where(ScheduledMessage.version < older_than_version)
    result = await session.execute(statement, execution_options={"synchronize_session": False})
    return int(getattr(result, "rowcount", 0) or 0)

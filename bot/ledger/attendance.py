"""The attendance policy applied to the ledger: no-show follow-ups, strikes, the ladder, blocks,
loyalty and the admins' overrides. Every decision is a ``client_events`` row with its reason.

The rules themselves are pure (``bot.domain.policy``); this module reads a client's history,
asks the rules, records what they decided and plans the message that tells the client.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.domain.appointments import Actor, AppointmentStatus
from bot.domain.policy import (
    AttendanceRules,
    Mark,
    MarkKind,
    Reason,
    Rung,
    active_strikes,
    classify_reason,
    excused,
    forgiven,
    reward_due,
    rung_applied,
    rung_for,
)
from bot.domain.reminders import QuietHours, Script
from bot.domain.salon import DEFAULT_WORKING_HOURS, WorkingHours
from bot.errors import ConflictError
from bot.ledger.outbox import plan_message
from bot.ledger.rules_shown import hold_back
from bot.ledger.salon import working_hours
from db.models import (
    Appointment,
    Client,
    ClientEvent,
    NoShowFollowUp,
    OutboxStatus,
    Salon,
    ScheduledMessage,
    Service,
)

RUNG_SCRIPTS = {
    Rung.WARNING: Script.POLICY_WARNING,
    Rung.DEPOSIT: Script.POLICY_DEPOSIT,
    Rung.BLOCKED: Script.POLICY_BLOCKED,
}
RUNG_NAMES = {
    Rung.NONE: "none",
    Rung.WARNING: "warned",
    Rung.DEPOSIT: "deposit",
    Rung.BLOCKED: "blocked",
}
QUIET_OFF = QuietHours(start=time(0), end=time(0))
MARK_KINDS = frozenset(kind.value for kind in MarkKind)


@dataclass(frozen=True, slots=True)
class AttendancePolicy:
    """The rules plus the salon facts their timing needs."""

    rules: AttendanceRules = field(default_factory=AttendanceRules)
    followup_delay: timedelta = timedelta(minutes=30)
    reply_deadline: timedelta | None = None  # None: the end of the salon's working day
    quiet: QuietHours = field(default_factory=lambda: QUIET_OFF)
    zone: ZoneInfo = field(default_factory=lambda: ZoneInfo("UTC"))
    hours: WorkingHours = DEFAULT_WORKING_HOURS

    def deadline(self, asked_at: datetime) -> datetime:
        """By when a no-show's explanation counts: ``reply_deadline`` after the question, or the
        close of the salon's day (the next working day's when the question comes after it or
        leaves less than two hours)."""
        if self.reply_deadline is not None:
            return asked_at + self.reply_deadline
        local = asked_at.astimezone(self.zone)
        for ahead in range(8):
            day = local.date() + timedelta(days=ahead)
            hours = self.hours.for_weekday(day.weekday())
            if hours is None:
                continue
            close = datetime.combine(day, hours.close, tzinfo=self.zone)
            if close - asked_at >= timedelta(hours=2):
                return close
        return asked_at + timedelta(days=1)

    def followup_due(self, now: datetime) -> datetime:
        due = now + self.followup_delay
        if self.quiet.contains(due, self.zone):
            due = self.quiet.period_end(due, self.zone)
        return due


@dataclass(frozen=True, slots=True)
class Standing:
    client: Client
    strikes: float
    rung: Rung
    events: list[ClientEvent]


async def _history(session: AsyncSession, client_id: int) -> list[ClientEvent]:
    return list(
        await session.scalars(
            select(ClientEvent)
            .where(ClientEvent.client_id == client_id)
            .order_by(ClientEvent.created_at, ClientEvent.id)
        )
    )


def _marks(events: list[ClientEvent]) -> list[Mark]:
    return [Mark(MarkKind(e.kind), e.created_at) for e in events if e.kind in MARK_KINDS]


def _event(
    session: AsyncSession,
    *,
    client_id: int,
    kind: str,
    now: datetime,
    reason: str | None,
    appointment_id: int | None = None,
    weight: float = 0.0,
    actor: Actor = Actor.SYSTEM,
    who: str | None = None,
    data: dict[str, Any] | None = None,
) -> ClientEvent:
    event = ClientEvent(
        client_id=client_id,
        appointment_id=appointment_id,
        kind=kind,
        weight=Decimal(str(weight)),
        actor=actor,
        who=who,
        reason=reason,
        data=data,
        created_at=now,
    )
    session.add(event)
    return event


async def standing(
    session: AsyncSession, *, client: Client, now: datetime, rules: AttendanceRules
) -> Standing:
    events = await _history(session, client.id)
    strikes = active_strikes(_marks(events), now=now, rules=rules)
    rung = (
        Rung.BLOCKED if client.blocked else min(Rung(client.policy_rung), rung_for(strikes, rules))
    )
    return Standing(client=client, strikes=strikes, rung=rung, events=events)


async def _settle_rung(
    session: AsyncSession,
    *,
    client: Client,
    appointment: Appointment | None,
    policy: AttendancePolicy,
    now: datetime,
    because: str,
) -> None:
    """Move the client to the rung their active strikes call for; a climb is announced. A
    client never shown the rules stops at the warning, and the admins are told."""
    events = await _history(session, client.id)
    strikes = active_strikes(_marks(events), now=now, rules=policy.rules)
    wanted = rung_for(strikes, policy.rules)
    target = rung_applied(wanted, shown_rules=client.shown_rules)
    current = Rung(client.policy_rung)
    if wanted > target:
        hold_back(
            session,
            client=client,
            appointment_id=appointment.id if appointment else None,
            wanted=wanted,
            wanted_name=RUNG_NAMES[wanted],
            strikes=strikes,
            now=now,
        )
    if target == current:
        return
    client.policy_rung = int(target)
    _event(
        session,
        client_id=client.id,
        appointment_id=appointment.id if appointment else None,
        kind=f"rung:{RUNG_NAMES[target]}",
        now=now,
        reason=f"{strikes:g} active strike(s) after {because}",
        data={"from": RUNG_NAMES[current], "to": RUNG_NAMES[target], "strikes": strikes},
    )
    if target is Rung.BLOCKED:
        client.blocked = True
        client.blocked_reason = f"{strikes:g} strikes (missed visits or late cancellations)"
    if target > current and appointment is not None:
        plan_message(
            session,
            appointment=appointment,
            script=RUNG_SCRIPTS[target],
            due=policy.followup_due(now),
            now=now,
        )


# -- no-shows ---------------------------------------------------------------------------------


async def after_no_show(
    session: AsyncSession, *, appointment: Appointment, policy: AttendancePolicy, now: datetime
) -> NoShowFollowUp:
    """Plan the caring "what happened?" and open the window for an explanation."""
    existing = await session.get(NoShowFollowUp, appointment.id)
    if existing is not None:
        return existing
    due = policy.followup_due(now)
    followup = NoShowFollowUp(
        appointment_id=appointment.id,
        client_id=appointment.client_id,
        marked_at=now,
        deadline_at=policy.deadline(due),
    )
    session.add(followup)
    plan_message(session, appointment=appointment, script=Script.NOSHOW_FOLLOWUP, due=due, now=now)
    await session.flush()
    return followup


# a no-show whose question was sent and still awaits an answer (bound: client_id, now)
_FOLLOWUP_ASKED = (ScheduledMessage.appointment_id == NoShowFollowUp.appointment_id) & (
    ScheduledMessage.script == Script.NOSHOW_FOLLOWUP.value
)
_FOLLOWUP_OPEN = (
    NoShowFollowUp.client_id == bindparam("client_id"),
    NoShowFollowUp.answered_at.is_(None),
    NoShowFollowUp.deadline_at > bindparam("now"),
    ScheduledMessage.status == OutboxStatus.SENT,
)
_OPEN_FOLLOWUP = (  # built once: building it cost more than running it (py-spy)
    select(NoShowFollowUp)
    .join(ScheduledMessage, _FOLLOWUP_ASKED)
    .where(*_FOLLOWUP_OPEN)
    .order_by(NoShowFollowUp.marked_at.desc())
    .limit(1)
)
#: whether ``open_followup`` finds one: a cheap test (bound: client_id, now)
HAS_OPEN_FOLLOWUP = (
    select(NoShowFollowUp.appointment_id)
    .join(ScheduledMessage, _FOLLOWUP_ASKED)
    .where(*_FOLLOWUP_OPEN)
    .exists()
)


async def open_followup(
    session: AsyncSession, *, client_id: int, now: datetime
) -> NoShowFollowUp | None:
    """The client's no-show whose question was sent and still awaits an answer."""
    found: NoShowFollowUp | None = await session.scalar(
        _OPEN_FOLLOWUP, {"client_id": client_id, "now": now}
    )
    return found


async def record_answer(
    session: AsyncSession,
    *,
    followup: NoShowFollowUp,
    text: str,
    policy: AttendancePolicy,
    now: datetime,
) -> Reason:
    """The client explained: store why, and decide (forgiven or a strike) right away."""
    reason = classify_reason(text)
    followup.answered_at = now
    followup.reason = reason.value
    followup.answer = text[:2000]
    await _decide(session, followup=followup, explained=True, policy=policy, now=now)
    return reason


async def apply_deadlines(
    session: AsyncSession, *, policy: AttendancePolicy, now: datetime
) -> int:
    """Decide every no-show whose reply deadline passed without an answer; how many."""
    due = list(
        await session.scalars(
            select(NoShowFollowUp).where(
                NoShowFollowUp.decided_at.is_(None), NoShowFollowUp.deadline_at <= now
            )
        )
    )
    for followup in due:
        await _decide(session, followup=followup, explained=False, policy=policy, now=now)
    return len(due)


async def _decide(
    session: AsyncSession,
    *,
    followup: NoShowFollowUp,
    explained: bool,
    policy: AttendancePolicy,
    now: datetime,
) -> None:
    if followup.decided_at is not None:
        return
    await session.execute(  # a question not asked by the deadline is no longer worth asking
        update(ScheduledMessage)
        .where(
            ScheduledMessage.appointment_id == followup.appointment_id,
            ScheduledMessage.script == Script.NOSHOW_FOLLOWUP.value,
            ScheduledMessage.status == OutboxStatus.PENDING,
        )
        .values(status=OutboxStatus.VOID, last_error="the reply deadline passed")
        .execution_options(synchronize_session=False)
    )
    client = await session.get(Client, followup.client_id)
    appointment = await session.get(Appointment, followup.appointment_id)
    assert client is not None  # noqa: S101 - foreign keys
    history = _marks(await _history(session, client.id))
    let_go = forgiven(history, explained=explained, rules=policy.rules)
    followup.decided_at = now
    followup.decision = "forgiven" if let_go else "strike"
    why = (
        f"explained before the deadline ({followup.reason}): first no-show, forgiven"
        if let_go
        else (
            f"explained ({followup.reason}), but not the first no-show"
            if explained
            else "no explanation by the deadline"
        )
    )
    await _mark(
        session,
        client_id=client.id,
        appointment=appointment,
        kind=MarkKind.FORGIVEN if let_go else MarkKind.NO_SHOW,
        reason=why,
        policy=policy,
        now=now,
        data={"explained": explained, "reason": followup.reason},
    )


# -- late cancellations and visits ------------------------------------------------------------


async def after_late_cancel(
    session: AsyncSession,
    *,
    appointment: Appointment,
    policy: AttendancePolicy,
    now: datetime,
    text: str | None = None,
) -> None:
    """A late cancellation is a strike of ``late_cancel_weight``, unless ``text`` (the client's
    words) explains it by illness or an emergency and the policy excuses it."""
    before = f"cancelled {_hours(appointment.starts_at - now)} before the start"
    reason = classify_reason(text) if text else Reason.OTHER
    history = _marks(await _history(session, appointment.client_id))
    if excused(history, reason=reason, now=now, rules=policy.rules):
        kind = MarkKind.EXCUSED
        why = f"{before}, explained ({reason.value}): excused"
    else:
        kind = MarkKind.LATE_CANCEL
        why = before if reason is Reason.OTHER else f"{before}, explained ({reason.value})"
    minutes = max(int((appointment.starts_at - now).total_seconds() // 60), 0)
    await _mark(
        session,
        client_id=appointment.client_id,
        appointment=appointment,
        kind=kind,
        reason=why,
        policy=policy,
        now=now,
        data={"minutes": minutes, "reason": None if reason is Reason.OTHER else reason.value},
    )


async def late_cancel_excused(session: AsyncSession, *, appointment_id: int) -> bool:
    """Was this appointment's late cancellation excused (illness or an emergency)?"""
    found = await session.scalar(
        select(ClientEvent.id).where(
            ClientEvent.appointment_id == appointment_id,
            ClientEvent.kind == MarkKind.EXCUSED.value,
        )
    )
    return found is not None


async def _mark(
    session: AsyncSession,
    *,
    client_id: int,
    appointment: Appointment | None,
    kind: MarkKind,
    reason: str,
    policy: AttendancePolicy,
    now: datetime,
    data: dict[str, Any] | None = None,
) -> None:
    """Record a strike-counting event and move the client to the rung it calls for; ``data``
    says why in codes (the admins' texts word it)."""
    client = await session.get(Client, client_id)
    assert client is not None  # noqa: S101 - foreign keys
    _event(
        session,
        client_id=client.id,
        appointment_id=appointment.id if appointment else None,
        kind=kind.value,
        weight=policy.rules.weight(kind),
        now=now,
        reason=reason,
        data=data,
    )
    await session.flush()
    because = "a late cancellation" if kind is MarkKind.LATE_CANCEL else "a no-show"
    await _settle_rung(
        session, client=client, appointment=appointment, policy=policy, now=now, because=because
    )


async def after_attended(
    session: AsyncSession, *, appointment: Appointment, policy: AttendancePolicy, now: datetime
) -> None:
    """A visit counts towards loyalty; the N-th in a row earns the reward, once."""
    _event(
        session,
        client_id=appointment.client_id,
        appointment_id=appointment.id,
        kind=MarkKind.ATTENDED.value,
        now=now,
        reason="came to the visit",
    )
    await session.flush()
    client = await session.get(Client, appointment.client_id)
    assert client is not None  # noqa: S101 - foreign keys
    history = _marks(await _history(session, client.id))
    if not reward_due(history, policy.rules):
        return
    discount = str(policy.rules.loyalty_discount)
    client.loyalty_discount = discount
    _event(
        session,
        client_id=client.id,
        appointment_id=appointment.id,
        kind=MarkKind.REWARDED.value,
        now=now,
        reason=(
            f"{policy.rules.loyalty_visits} visits in a row without a miss: "
            f"{discount} off the next"
        ),
        data={"discount": discount, "visits": policy.rules.loyalty_visits},
    )
    await session.flush()
    plan_message(
        session,
        appointment=appointment,
        script=Script.LOYALTY_REWARD,
        due=policy.followup_due(now),
        now=now,
    )


# -- bookings ---------------------------------------------------------------------------------


async def booking_terms(
    session: AsyncSession,
    *,
    appointment: Appointment,
    client: Client,
    service: Service,
    policy: AttendancePolicy,
    now: datetime,
) -> None:
    """Refuse a blocked client's booking; otherwise set its deposit, double price, discount."""
    if client.blocked:
        raise ConflictError(
            f"{client.name} cannot book: {client.blocked_reason or 'blocked by the salon'}. "
            "An admin can lift it (/unblock).",
            code="blocked",
            params={
                "name": client.name,
                "id": client.id,
                "reason": client.blocked_reason,
                "by_rules": client.policy_rung >= Rung.BLOCKED,
            },
        )
    state = await standing(session, client=client, now=now, rules=policy.rules)
    if state.rung >= Rung.DEPOSIT:
        appointment.deposit_due = service.deposit or policy.rules.deposit.of(service.price)
    if policy.rules.double_price:
        last = await session.scalar(
            select(Appointment.status)
            .where(
                Appointment.client_id == client.id,
                Appointment.id != appointment.id,
                Appointment.starts_at < now,
                Appointment.status.in_(
                    [
                        AppointmentStatus.NO_SHOW,
                        AppointmentStatus.ARRIVED,
                        AppointmentStatus.COMPLETED,
                    ]
                ),
            )
            .order_by(Appointment.starts_at.desc())
            .limit(1)
        )
        appointment.double_price = last is AppointmentStatus.NO_SHOW
    if client.loyalty_discount:
        appointment.discount = client.loyalty_discount
        client.loyalty_discount = None


# -- admin overrides --------------------------------------------------------------------------


async def forgive(
    session: AsyncSession, *, client: Client, who: str, reason: str | None, now: datetime
) -> None:
    """Wipe the client's strikes (not a block: that is /unblock)."""
    if client.policy_rung < Rung.BLOCKED:
        client.policy_rung = int(Rung.NONE)
    await _override(
        session, client=client, kind=MarkKind.RESET.value, who=who, reason=reason, now=now
    )


async def block(
    session: AsyncSession, *, client: Client, who: str, reason: str | None, now: datetime
) -> None:
    client.blocked = True
    client.blocked_reason = reason
    await _override(session, client=client, kind="blocked", who=who, reason=reason, now=now)


async def unblock(
    session: AsyncSession, *, client: Client, who: str, reason: str | None, now: datetime
) -> None:
    client.blocked = False
    client.blocked_reason = None
    client.policy_rung = min(client.policy_rung, int(Rung.DEPOSIT))
    await _override(session, client=client, kind="unblocked", who=who, reason=reason, now=now)


async def _override(
    session: AsyncSession,
    *,
    client: Client,
    kind: str,
    who: str,
    reason: str | None,
    now: datetime,
) -> None:
    """An admin's decision, on record with who made it and why (``None``: no reason given)."""
    _event(
        session,
        client_id=client.id,
        kind=kind,
        now=now,
        reason=reason,
        actor=Actor.ADMIN,
        who=who,
    )
    await session.flush()


_MINUTES = re.compile(r"(\d{1,3})\s*(?:m\b|min|мин|dk|dak)", re.IGNORECASE)


def late_by(text: str, default: timedelta = timedelta(minutes=15)) -> timedelta:
    """How late a "running late" message says the client will be (``10 min``, ``15 мин``…)."""
    found = _MINUTES.search(text)
    return timedelta(minutes=int(found.group(1))) if found else default


def _hours(delta: timedelta) -> str:
    hours = delta.total_seconds() / 3600
    return f"{hours:.0f} h" if hours >= 1 else f"{max(delta.total_seconds() / 60, 0):.0f} min"


def policy_from(settings: Settings, salon: Salon) -> AttendancePolicy:
    """The salon's policy: rules from the settings, zone and working hours from the salon."""
    return AttendancePolicy(
        rules=settings.attendance_rules(),
        followup_delay=settings.noshow_followup_delay,
        reply_deadline=settings.noshow_reply_deadline,
        quiet=settings.quiet_hours,
        zone=ZoneInfo(salon.timezone),
        hours=working_hours(salon),
    )

"""Why people don't come: recent no-shows with their follow-up, reasons and rates."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.appointments import AppointmentStatus
from bot.domain.policy import AttendanceRules, Reason, Rung
from bot.ledger.appointments import list_appointments
from bot.ledger.attendance import standing
from db.models import Appointment, AppointmentEvent, NoShowFollowUp

RUNG_LABELS = {
    Rung.NONE: "in good standing",
    Rung.WARNING: "warned",
    Rung.DEPOSIT: "deposit required",
    Rung.BLOCKED: "blocked",
}
REASON_LABELS = {
    Reason.FORGOT: "forgot",
    Reason.PLANS_CHANGED: "plans changed",
    Reason.ILLNESS: "illness or emergency",
    Reason.TRANSPORT: "transport",
    Reason.OTHER: "other",
}


@dataclass(frozen=True, slots=True)
class MissedVisit:
    appointment: Appointment
    followup: NoShowFollowUp | None
    strikes: float
    state: str  # the follow-up in words


@dataclass(frozen=True, slots=True)
class NoShowReport:
    days: int
    appointments: int  # that started in the period
    missed: list[MissedVisit]
    late_cancels: int
    reasons: Counter[str]
    unexplained: int

    @property
    def noshow_rate(self) -> float:
        return len(self.missed) / self.appointments if self.appointments else 0.0

    @property
    def late_cancel_rate(self) -> float:
        return self.late_cancels / self.appointments if self.appointments else 0.0


def followup_state(followup: NoShowFollowUp | None, now: datetime) -> str:
    if followup is None:
        return "no follow-up (marked without the policy)"
    if followup.answered_at is not None:
        reason = REASON_LABELS.get(Reason(followup.reason or "other"), "other")
        return f"answered: {reason} — “{(followup.answer or '')[:120]}” ({followup.decision})"
    if followup.decided_at is not None or followup.deadline_at <= now:
        return "no answer by the deadline (strike)"
    return "asked, waiting for an answer"


async def noshow_report(
    session: AsyncSession, *, now: datetime, days: int, rules: AttendanceRules
) -> NoShowReport:
    start = now - timedelta(days=days)
    missed = await list_appointments(
        session, start=start, end=now, statuses=frozenset({AppointmentStatus.NO_SHOW})
    )
    total = await session.scalar(
        select(func.count())
        .select_from(Appointment)
        .where(Appointment.starts_at >= start, Appointment.starts_at < now)
    )
    late = await session.scalar(  # late cancellations made in the period
        select(func.count(func.distinct(AppointmentEvent.appointment_id)))
        .join(Appointment, Appointment.id == AppointmentEvent.appointment_id)
        .where(
            AppointmentEvent.kind == "cancelled",
            AppointmentEvent.created_at >= start,
            AppointmentEvent.created_at <= now,
            Appointment.late_cancel.is_(True),
        )
    )
    followups = {
        f.appointment_id: f
        for f in await session.scalars(
            select(NoShowFollowUp).where(NoShowFollowUp.appointment_id.in_([a.id for a in missed]))
        )
    }
    visits = []
    reasons: Counter[str] = Counter()
    unexplained = 0
    for appointment in missed:
        followup = followups.get(appointment.id)
        state = await standing(session, client=appointment.client, now=now, rules=rules)
        if followup is not None and followup.reason:
            reasons[REASON_LABELS.get(Reason(followup.reason), "other")] += 1
        else:
            unexplained += 1
        visits.append(
            MissedVisit(appointment, followup, state.strikes, followup_state(followup, now))
        )
    return NoShowReport(
        days=days,
        appointments=total or 0,
        missed=visits,
        late_cancels=late or 0,
        reasons=reasons,
        unexplained=unexplained,
    )


def report_lines(report: NoShowReport, zone: ZoneInfo) -> list[str]:
    lines = [
        f"No-shows in the last {report.days} day(s): {len(report.missed)} of "
        f"{report.appointments} appointments ({report.noshow_rate:.0%}); "
        f"late cancellations: {report.late_cancels} ({report.late_cancel_rate:.0%})"
    ]
    if report.missed:
        why = [f"{label} {n}" for label, n in report.reasons.most_common()]
        if report.unexplained:
            why.append(f"no explanation {report.unexplained}")
        lines.append("Why: " + ", ".join(why))
    for visit in report.missed:
        appointment = visit.appointment
        local = appointment.starts_at.astimezone(zone)
        lines.append(
            f"🚫 {local:%d.%m %H:%M} {appointment.client.name}"
            f" {appointment.client.phone or ''} · {appointment.service.name}"
            f" · {appointment.staff.name} · #{appointment.id} · strikes {visit.strikes:g}"
        )
        lines.append(f"    {visit.state}")
    return lines

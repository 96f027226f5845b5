"""Why people don't come: recent no-shows with their follow-up, reasons and rates."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from babel.numbers import format_currency
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.admin.texts import AdminTexts
from bot.domain.appointments import AppointmentStatus
from bot.domain.policy import AttendanceRules, MarkKind, Reason
from bot.ledger.appointments import list_appointments
from bot.ledger.attendance import standing
from bot.ledger.salon import SALON_ID
from bot.ledger.waitlist_report import RefillSummary, refill_summary
from db.models import Appointment, AppointmentEvent, ClientEvent, NoShowFollowUp, Salon


@dataclass(frozen=True, slots=True)
class MissedVisit:
    appointment: Appointment
    followup: NoShowFollowUp | None
    strikes: float


@dataclass(frozen=True, slots=True)
class NoShowReport:
    now: datetime
    days: int
    appointments: int  # that started in the period
    missed: list[MissedVisit]
    late_cancels: int
    excused: int  # late cancellations let go: illness or an emergency
    reasons: Counter[Reason]
    unexplained: int
    refills: RefillSummary | None = None  # freed slots refilled from the waitlist
    currency: str = "EUR"

    @property
    def noshow_rate(self) -> float:
        return len(self.missed) / self.appointments if self.appointments else 0.0

    @property
    def late_cancel_rate(self) -> float:
        return self.late_cancels / self.appointments if self.appointments else 0.0


def followup_state(followup: NoShowFollowUp | None, now: datetime, texts: AdminTexts) -> str:
    """The follow-up in words: asked / answered with the reason / deadline passed."""
    if followup is None:
        return texts("state.none")
    if followup.answered_at is not None:
        return texts(
            "state.answered",
            reason=texts(f"reason.{followup.reason or 'other'}"),
            answer=(followup.answer or "")[:120],
            decision=texts(f"decision.{followup.decision or 'strike'}"),
        )
    if followup.decided_at is not None or followup.deadline_at <= now:
        return texts("state.deadline")
    return texts("state.waiting")


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
    excused = await session.scalar(
        select(func.count())
        .select_from(ClientEvent)
        .where(
            ClientEvent.kind == MarkKind.EXCUSED.value,
            ClientEvent.created_at >= start,
            ClientEvent.created_at <= now,
        )
    )
    followups = {
        f.appointment_id: f
        for f in await session.scalars(
            select(NoShowFollowUp).where(NoShowFollowUp.appointment_id.in_([a.id for a in missed]))
        )
    }
    visits = []
    reasons: Counter[Reason] = Counter()
    unexplained = 0
    for appointment in missed:
        followup = followups.get(appointment.id)
        state = await standing(session, client=appointment.client, now=now, rules=rules)
        if followup is not None and followup.reason:
            reasons[Reason(followup.reason)] += 1
        else:
            unexplained += 1
        visits.append(MissedVisit(appointment, followup, state.strikes))
    return NoShowReport(
        now=now,
        days=days,
        appointments=total or 0,
        missed=visits,
        late_cancels=late or 0,
        excused=excused or 0,
        reasons=reasons,
        unexplained=unexplained,
        refills=await refill_summary(session, start=start, end=now),
        currency=await _currency(session),
    )


async def _currency(session: AsyncSession) -> str:
    salon = await session.get(Salon, SALON_ID)
    return salon.currency if salon is not None else "EUR"


def refill_line(refills: RefillSummary, currency: str, texts: AdminTexts) -> str:
    """ "Freed slots refilled from the waitlist: 2 of 5, €90.00 recovered." """
    return texts(
        "report.refilled",
        n=refills.refilled,
        freed=refills.freed,
        value=format_currency(refills.value, currency, locale=texts.locale),
    )


def report_lines(report: NoShowReport, zone: ZoneInfo, texts: AdminTexts) -> list[str]:
    t = texts
    share = (
        t.plural(
            "report.share",
            report.appointments,
            missed=t.number(len(report.missed)),
            rate=t.percent(report.noshow_rate),
        )
        if report.appointments
        else t("report.nothing")
    )
    if not report.late_cancels:
        late = t("report.no_late")
    elif report.appointments:
        late = t.plural(
            "report.late", report.late_cancels, rate=t.percent(report.late_cancel_rate)
        )
    else:  # cancelled in the period, for visits after it: no share to give
        late = t.plural("report.late_count", report.late_cancels)
    if report.excused:
        late += t.plural("report.excused", report.excused)
    lines = [
        t("report.head", period=t.plural("report.period", report.days), share=share, late=late)
    ]
    if report.missed:
        why = [
            t("report.tally", what=t(f"reason.{reason}"), n=t.number(n))
            for reason, n in report.reasons.most_common()
        ]
        if report.unexplained:
            why.append(
                t("report.tally", what=t("report.unexplained"), n=t.number(report.unexplained))
            )
        lines.append(t("report.why", reasons=", ".join(why)))
    for visit in report.missed:
        appointment = visit.appointment
        local = appointment.starts_at.astimezone(zone)
        lines.append(
            f"🚫 {local:%d.%m %H:%M} {appointment.client.name}"
            f" {appointment.client.phone or ''} · {appointment.service.name}"
            f" · {appointment.staff.name} · #{appointment.id}"
            f" · {t.plural('report.strikes', visit.strikes)}"
        )
        lines.append(f"    {followup_state(visit.followup, report.now, t)}")
    if report.refills is not None and report.refills.worth_telling:
        lines.append(refill_line(report.refills, report.currency, t))
    return lines

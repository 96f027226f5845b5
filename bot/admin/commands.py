"""The admin commands, written once: each takes its arguments as typed and returns plain texts.

Telegram shows them as messages (``bot/hub``); every text fits one Telegram message (a long
board is split). Bad input raises nothing: the admin gets a sentence saying what was wrong.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.admin.board import (
    CANCELLED_LATE,
    MARKS,
    STATUS_LABELS,
    Board,
    booking_extras,
    day_board,
    salon_currency,
)
from bot.admin.reports import noshow_report, refill_line, report_lines
from bot.admin.schedule_commands import ScheduleCommands, ScheduleSetup
from bot.admin.standing import standing_lines
from bot.admin.texts import MENU, AdminTexts
from bot.admin.waitlist_commands import waitlist_command
from bot.clock import Clock
from bot.domain.appointments import Action, Actor, AppointmentStatus, CancelledBy
from bot.domain.phones import normalize_phone
from bot.domain.policy import AttendanceRules, Rung
from bot.domain.reminders import ReminderRules
from bot.errors import DomainError, NotFoundError, ShowUpError
from bot.ledger import appointments as ledger
from bot.ledger import attendance, booking_rules
from bot.ledger.attendance import AttendancePolicy
from bot.ledger.booking_rules import Sanity
from bot.ledger.cancel_notice import notice_planned
from bot.ledger.catalog import find_service, find_staff
from bot.ledger.clients import find_by_phone, find_or_create_by_phone, get_client, search_clients
from bot.ledger.csv_import import parse_start
from bot.ledger.waitlist_report import refill_summary
from db.models import Appointment, Client

MESSAGE_LIMIT = 3800  # Telegram allows 4096 characters; leave room for the channel's decorations
HISTORY = 10

COMMANDS = frozenset(MENU)


@dataclass(frozen=True, slots=True)
class AdminSetup:
    zone: ZoneInfo
    rules: ReminderRules
    late_window: timedelta
    phone_region: str | None
    policy: AttendancePolicy | None = None
    locale: str = "en"  # the language admins read: the salon's
    slot_step: timedelta = timedelta(minutes=15)  # SHOWUP_SLOT_STEP, for /slots


def split_messages(lines: list[str], limit: int = MESSAGE_LIMIT) -> list[str]:
    """Join lines into as few messages as possible, never cutting a line (unless it is huge)."""
    messages: list[str] = []
    current = ""
    for line in lines:
        for piece in [line[i : i + limit] for i in range(0, max(len(line), 1), limit)]:
            if current and len(current) + 1 + len(piece) > limit:
                messages.append(current)
                current = piece
            else:
                current = f"{current}\n{piece}" if current else piece
    if current:
        messages.append(current)
    return messages


def board_lines(board: Board, texts: AdminTexts, *, title: str | None = None) -> list[str]:
    labels = Counter(row.label for row in board.rows)
    heading = title or texts.day(board.day)
    lines = [texts.plural("board.count", len(board.rows), heading=heading)]
    if labels:
        lines.append(
            " · ".join(f"{MARKS[label]} {texts.count(label, n)}" for label, n in labels.items())
        )
    if not board.rows:
        lines.append(texts("board.empty"))
    for row in board.rows:
        extras = ", ".join(texts.note(extra) for extra in row.extras)
        channels = ", ".join(texts.channel(name) for name in row.channels.split(",") if name)
        lines.append(
            f"{MARKS[row.label]} {row.start}–{row.end} {row.client}"
            f"{f' {row.phone}' if row.phone else ''}{f' ({channels})' if channels else ''}"
            f" · {row.service} · {row.staff} · {texts.label(row.label)}"
            f"{f' · {extras}' if extras else ''} · #{row.appointment_id}"
        )
    return lines


class AdminCommands:
    """Runs one admin command in its own transaction."""

    def __init__(
        self, *, sessions: async_sessionmaker[AsyncSession], setup: AdminSetup, clock: Clock
    ) -> None:
        self._sessions = sessions
        self._setup = setup
        self._clock = clock
        self._t = AdminTexts(setup.locale)
        self._handlers: dict[str, Callable[[AsyncSession, str, str], Awaitable[list[str]]]] = {
            "today": lambda s, a, _: self._board(s, 0, a),
            "tomorrow": lambda s, a, _: self._board(s, 1, a),
            "day": self._day,
            "noshows": self._noshows,
            "client": self._client,
            "arrived": lambda s, a, who: self._mark(s, a, who, Action.ARRIVE),
            "noshow": lambda s, a, who: self._mark(s, a, who, Action.MARK_NO_SHOW),
            "cancel": self._cancel,
            "book": self._book,
            "strikes": self._strikes,
            "forgive": lambda s, a, who: self._override(s, a, who, attendance.forgive),
            "block": lambda s, a, who: self._override(s, a, who, attendance.block),
            "unblock": lambda s, a, who: self._override(s, a, who, attendance.unblock),
            "late": self._late,
            "waitlist": self._waitlist,
        }
        # schedules and free slots (bot.admin.schedule_commands)
        self._schedule = ScheduleCommands(
            texts=self._t, setup=ScheduleSetup(zone=setup.zone, slot_step=setup.slot_step)
        )
        self._handlers |= {
            "hours": lambda s, a, who: self._schedule.hours(s, a, who, now=self._clock.now()),
            "off": lambda s, a, who: self._schedule.off(s, a, who, now=self._clock.now()),
            "slots": lambda s, a, _: self._schedule.slots(s, a, now=self._clock.now()),
        }

    async def run(self, command: str, args: str, *, admin: str, channel: str) -> list[str]:
        """The answer to ``/command args`` from ``admin``; unknown commands get the help."""
        handler = self._handlers.get(command)
        if handler is None:
            prefix = [] if command == "help" else [self._t("unknown", command=command)]
            return [*prefix, self._t.help]
        async with self._sessions() as session:
            try:
                texts = await handler(session, args.strip(), f"{channel}:{admin}")
            except ShowUpError as exc:
                await session.rollback()
                hint = (
                    f"\n{self._t('book.force_hint')}"
                    if command == "book" and getattr(exc, "code", None) in FORCEABLE
                    else ""
                )
                return [f"/{command}: {self._explain(exc)}{hint}"]
            await session.commit()
        return texts

    def _explain(self, error: ShowUpError) -> str:
        """An error in the admins' language when it has a ``code`` worded in the admin texts."""
        if not isinstance(error, DomainError) or not self._t.has(f"error.{error.code}"):
            return str(error)  # no code (or none worded yet): the English message
        values = {name: self._shown(value) for name, value in error.params.items()}
        if error.params.get("by_rules"):  # blocked by the rules, not by an admin
            values["reason"] = self._t("card.policy_block")
        what = error.params.get("what")  # "master", "service"
        if isinstance(what, str) and self._t.has(f"what.{what}"):
            values["what"] = self._t(f"what.{what}")
        return self._t(f"error.{error.code}", **values)

    def _shown(self, value: object) -> object:
        if isinstance(value, AppointmentStatus):
            return self._t.label(STATUS_LABELS[value])
        if isinstance(value, datetime):
            return self._t.moment(value.astimezone(self._setup.zone))
        return self._t("card.no_reason") if value is None else value

    def _today(self) -> date:
        return self._clock.now().astimezone(self._setup.zone).date()

    async def _board(self, session: AsyncSession, days_ahead: int, _args: str) -> list[str]:
        day = self._today() + timedelta(days=days_ahead)
        board = await day_board(session, day=day, zone=self._setup.zone)
        title = self._t(
            "board.today" if days_ahead == 0 else "board.tomorrow", day=self._t.day(day)
        )
        return split_messages(board_lines(board, self._t, title=title))

    async def _day(self, session: AsyncSession, args: str, _who: str) -> list[str]:
        try:
            day = date.fromisoformat(args)
        except ValueError:
            return [self._t("day.usage", today=f"{self._today():%Y-%m-%d}")]
        board = await day_board(session, day=day, zone=self._setup.zone)
        return split_messages(board_lines(board, self._t))

    async def board_texts(self, day: date) -> list[str]:
        """The morning digest: the day's board, who has not confirmed yet, and the freed slots
        the waitlist refilled over the last day."""
        async with self._sessions() as session:
            board = await day_board(session, day=day, zone=self._setup.zone)
            now = self._clock.now()
            refills = await refill_summary(session, start=now - timedelta(days=1), end=now)
            currency = await salon_currency(session)
        lines = board_lines(board, self._t, title=self._t("board.morning", day=self._t.day(day)))
        waiting = [r for r in board.rows if r.status is AppointmentStatus.BOOKED]
        if waiting:
            lines.append("")
            lines.append(self._t("board.waiting", n=len(waiting)))
            lines += [
                f"• {r.start} {r.client} {r.phone or ''} #{r.appointment_id}" for r in waiting
            ]
        if refills.worth_telling:
            lines.append("")
            lines.append(refill_line(refills, currency, self._t))
        return split_messages(lines)

    async def _noshows(self, session: AsyncSession, args: str, _who: str) -> list[str]:
        days = int(args) if args.isdigit() else 7
        if not 1 <= days <= 365:
            return [self._t("noshows.usage")]
        report = await noshow_report(
            session, now=self._clock.now(), days=days, rules=self._rules()
        )
        return split_messages(report_lines(report, self._setup.zone, self._t))

    async def _client(self, session: AsyncSession, args: str, _who: str) -> list[str]:
        if not args:
            return [self._t("client.usage")]
        found = await search_clients(session, query=args, limit=11)
        if not found:
            return [self._t("client.none", query=args)]
        if len(found) > 1:
            lines = [
                self._t.plural("client.many", len(found))
                if len(found) <= 10
                else self._t("client.over", n=10)
            ]
            lines += [f"• {c.name} {c.phone or ''} (id {c.id})" for c in found[:10]]
            lines.append(self._t("client.narrow"))
            return split_messages(lines)
        return split_messages(await self._card(session, found[0]))

    async def _card(self, session: AsyncSession, client: Client) -> list[str]:
        t = self._t
        unreachable = t("card.unreachable")
        channels = ", ".join(
            f"{t.channel(i.channel)}{unreachable if i.unreachable else ''}"
            for i in client.identities
        )
        language = t.language(client.locale) if client.locale else t("card.default_language")
        lines = [
            f"👤 {client.name} (id {client.id})",
            t("card.phone", phone=client.phone or "—", language=language),
            t("card.messengers", channels=channels or t("card.none_linked")),
        ]
        if client.blocked:
            lines.append(t("card.blocked", reason=self._blocked_reason(client)))
        if client.policy_accepted_at:
            accepted = client.policy_accepted_at.astimezone(self._setup.zone)
            lines.append(t("card.rules", day=f"{accepted:%d.%m.%Y}"))
        for step, answer in (client.intake or {}).items():
            question = t(f"intake.{step}") if t.has(f"intake.{step}") else step
            lines.append(f"{question}: {answer}")
        history = list(
            await session.scalars(
                select(Appointment)
                .where(Appointment.client_id == client.id)
                .order_by(Appointment.starts_at.desc())
            )
        )
        done = Counter(
            CANCELLED_LATE if a.late_cancel else STATUS_LABELS[a.status] for a in history
        )
        summary = ", ".join(t.count(label, n) for label, n in done.items())
        lines.append(t("card.attendance", summary=summary or t("card.no_visits")))
        for appointment in history[:HISTORY]:
            local = appointment.starts_at.astimezone(self._setup.zone)
            label = (
                CANCELLED_LATE if appointment.late_cancel else STATUS_LABELS[appointment.status]
            )
            lines.append(
                f"• {local:%d.%m.%Y %H:%M} {appointment.service.name} · {appointment.staff.name}"
                f" · {t.label(label)} · #{appointment.id}"
            )
        if len(history) > HISTORY:
            lines.append(t.plural("card.earlier", len(history) - HISTORY))
        return lines

    def _blocked_reason(self, client: Client) -> str:
        """Why the client is blocked, in the admins' words: the rules' block is worded here
        (its stored reason is for the API), an admin's block keeps what the admin wrote."""
        if client.policy_rung >= Rung.BLOCKED:
            return self._t("card.policy_block")
        return client.blocked_reason or self._t("card.no_reason")

    def _appointment_id(self, args: str, command: str) -> int:
        text = args.lstrip("#")
        if not text.isdigit():
            raise _Usage(self._t("usage.id", command=command))
        return int(text)

    async def _mark(self, session: AsyncSession, args: str, who: str, action: Action) -> list[str]:
        command = "arrived" if action is Action.ARRIVE else "noshow"
        appointment = await ledger.mark_appointment(
            session,
            appointment_id=self._appointment_id(args, command),
            action=action,
            who=ledger.Who(actor=Actor.ADMIN, channel=who.split(":", maxsplit=1)[0]),
            now=self._clock.now(),
            reason=f"by admin {who}",
            policy=self._setup.policy,
        )
        status = self._t.label(STATUS_LABELS[appointment.status])
        return [self._t("marked", what=self._describe(appointment), status=status)]

    async def _cancel(self, session: AsyncSession, args: str, who: str) -> list[str]:
        appointment = await ledger.cancel_appointment(
            session,
            appointment_id=self._appointment_id(args, "cancel"),
            cancelled_by=CancelledBy.SALON,
            late_window=self._setup.late_window,
            who=ledger.Who(actor=Actor.ADMIN, channel=who.split(":", maxsplit=1)[0]),
            now=self._clock.now(),
            reason=f"by admin {who}",
            policy=self._setup.policy,
        )
        told = await notice_planned(session, appointment_id=appointment.id)
        return [
            self._t("cancelled.told" if told else "cancelled", what=self._describe(appointment))
        ]

    async def _book(self, session: AsyncSession, args: str, who: str) -> list[str]:
        forced = FORCE_WORD.search(args)
        if forced is not None:
            args = args[: forced.start()]
        match = BOOK_LINE.fullmatch(args)
        if match is None:
            raise _Usage(self._t("usage.book"))
        parts = [part.strip() for part in match["rest"].split("/")]
        if len(parts) not in (2, 3) or not all(parts):
            raise _Usage(self._t("usage.book_parts"))
        service = await find_service(session, ref=parts[0])
        staff = await find_staff(session, ref=parts[1])
        client, created = await find_or_create_by_phone(
            session,
            phone=match["phone"],
            name=parts[2] if len(parts) == 3 else match["phone"],
            phone_region=self._setup.phone_region,
        )
        result = await ledger.book(
            session,
            request=ledger.BookingRequest(
                client_id=client.id,
                staff_id=staff.id,
                service_id=service.id,
                starts_at=parse_start(f"{match['date']} {match['time']}", self._setup.zone),
                source="admin",
            ),
            who=ledger.Who(actor=Actor.ADMIN, channel=who.split(":", maxsplit=1)[0]),
            now=self._clock.now(),
            rules=self._setup.rules,
            policy=self._setup.policy,
            sanity=Sanity.FORCE if forced else Sanity.ENFORCE,
        )
        note = self._t("booked.new") if created else ""
        if result.warnings:
            problems = ", ".join(self._t(f"problem.{p.code}") for p in result.warnings)
            note += self._t("book.forced", problems=problems)
        extras = booking_extras(result.appointment, currency=await salon_currency(session))
        terms = ", ".join(self._t.note(extra) for extra in extras)
        if terms:
            note += f" — {terms}"
        linked = "" if client.identities else self._t("booked.unlinked")
        what = self._describe(result.appointment)
        return [self._t("booked", what=what, note=note, linked=linked)]

    def _rules(self) -> AttendanceRules:
        return self._setup.policy.rules if self._setup.policy else AttendanceRules()

    async def _client_ref(
        self, session: AsyncSession, args: str, command: str
    ) -> tuple[Client, str]:
        """The client named by the first word (an id or a phone) and the rest (a reason)."""
        ref, _, rest = args.partition(" ")
        if not ref:
            raise _Usage(self._t("usage.client", command=command))
        digits = ref.lstrip("+")
        if ref.isdigit() and len(ref) < 6:
            client = await get_client(session, client_id=int(ref))
        elif digits.isdigit():
            found = await find_by_phone(
                session, phone=normalize_phone(ref, region=self._setup.phone_region)
            )
            if found is None:
                raise NotFoundError(
                    f"no client has the phone {ref}",
                    code="no_client_phone",
                    params={"phone": ref},
                )
            client = found
        else:
            raise _Usage(self._t("usage.client_ref", command=command))
        return client, rest.strip()

    async def _strikes(self, session: AsyncSession, args: str, _who: str) -> list[str]:
        client, _ = await self._client_ref(session, args, "strikes")
        state = await attendance.standing(
            session, client=client, now=self._clock.now(), rules=self._rules()
        )
        return split_messages(standing_lines(state, self._rules(), self._t, self._setup.zone))

    async def _override(
        self,
        session: AsyncSession,
        args: str,
        who: str,
        action: Callable[..., Awaitable[None]],
    ) -> list[str]:
        command = action.__name__
        client, reason = await self._client_ref(session, args, command)
        await action(
            session,
            client=client,
            who=who,
            reason=reason or None,
            now=self._clock.now(),
        )
        return [self._t(f"override.{command}", name=client.name, id=client.id)]

    async def _late(self, session: AsyncSession, args: str, who: str) -> list[str]:
        """From the no-show prompt: the client is on the way; ask again later."""
        appointment = await ledger.get_appointment(
            session, appointment_id=self._appointment_id(args, "late")
        )
        await ledger.note_running_late(
            session,
            appointment_id=appointment.id,
            who=ledger.Who(actor=Actor.ADMIN, channel=who.split(":", maxsplit=1)[0]),
            now=self._clock.now(),
            text=f"running late (said admin {who})",
        )
        appointment.noshow_prompted_at = None
        return [self._t("late", what=self._describe(appointment))]

    # -- the waitlist ----------------------------------------------------------------------------

    async def _waitlist(self, session: AsyncSession, args: str, who: str) -> list[str]:
        """``/waitlist``, ``/waitlist add …``, ``/waitlist remove N``."""
        lines = await waitlist_command(
            session,
            args,
            who=who,
            zone=self._setup.zone,
            phone_region=self._setup.phone_region,
            texts=self._t,
            now=self._clock.now(),
        )
        return split_messages(lines)

    # ---------------------------------------------------------------------------------------------

    def _describe(self, appointment: Appointment) -> str:
        return self._t(
            "appointment",
            id=appointment.id,
            client=appointment.client.name,
            when=self._t.moment(appointment.starts_at.astimezone(self._setup.zone)),
            service=appointment.service.name,
            master=appointment.staff.name,
        )


BOOK_LINE = re.compile(
    r"(?P<phone>\+?[\d\-() ]{6,20}?)\s+(?P<date>\d{4}-\d{2}-\d{2})\s+(?P<time>\d{1,2}:\d{2})"
    r"\s+(?P<rest>.+)"
)


#: ``/book … force``: the last word books it despite the hours, time off or another booking
FORCE_WORD = re.compile(r"\s+force\s*$", re.IGNORECASE)
FORCEABLE = booking_rules.CODES


class _Usage(ShowUpError):
    """The admin typed the command wrongly; the message says how to write it."""

"""What ShowUp sends to the admins on its own: alerts, the morning digest and the arrival prompts
(the inbox relay is in ``bot.hub.relay``). A text longer than the channel allows goes in parts."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.admin.commands import AdminCommands
from bot.admin.notes import inbox_note
from bot.admin.texts import AdminTexts
from bot.channels.base import Button, Channel, ChannelError, OutboundMessage
from bot.clock import Clock
from bot.domain.appointments import Action, Actor, AppointmentStatus
from bot.hub.long_text import split_text, text_limit
from bot.ledger.appointments import Who, mark_appointment
from bot.ledger.attendance import AttendancePolicy, apply_deadlines, late_by
from bot.ledger.inbox import mark_failures_reported, unreported_failures
from db.models import Appointment, AppointmentEvent, Client, OnceMarker

logger = logging.getLogger(__name__)

EXCERPT = 120  # characters of an unforwarded message quoted in the digest
LOOK_BACK = timedelta(hours=12)  # older unmarked appointments are the admin's to tidy up
OPEN = (AppointmentStatus.BOOKED, AppointmentStatus.CONFIRMED)
#: the prompt's buttons: (text key, intent the hub runs as an admin command)
PROMPT_BUTTONS = (
    ("prompt.arrived", "admin_arrived"),
    ("prompt.noshow", "admin_noshow"),
    ("prompt.late", "admin_late"),
)


@dataclass(frozen=True, slots=True)
class Delivery:
    """Where a text went: (admin chat, message id) of every part, for each admin who got all of
    it; and why it did not reach the others."""

    delivered: list[tuple[str, str]] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)


class AdminBroadcast:
    """Sends a text to every admin on one channel, in parts when it is longer than the channel
    allows (the buttons go with the last part); reports which deliveries worked."""

    def __init__(self, channel: Channel, admins: Sequence[str]) -> None:
        self.channel = channel
        self.admins = tuple(admins)

    async def send(self, text: str, buttons: tuple[Button, ...] = ()) -> list[tuple[str, str]]:
        """(admin chat, message id) of each delivered part."""
        return (await self.deliver(text, buttons)).delivered

    async def deliver(self, text: str, buttons: tuple[Button, ...] = ()) -> Delivery:
        parts = split_text(text, text_limit(self.channel.name))
        delivery = Delivery()
        for admin in self.admins:
            sent = []
            try:
                for number, part in enumerate(parts, start=1):
                    receipt = await self.channel.send(
                        OutboundMessage(
                            recipient=admin,
                            text=part,
                            buttons=buttons if number == len(parts) else (),
                        )
                    )
                    sent.append((admin, receipt.message_id))
            except ChannelError as exc:
                logger.warning("could not reach admin %s on %s: %s", admin, self.channel.name, exc)
                delivery.failures.append(f"admin {admin}: {exc}")
                continue
            delivery.delivered.extend(sent)
        return delivery


class ChannelAlerts:
    """``AdminAlerts`` delivered to the admins' chats (and always to the log)."""

    def __init__(self, broadcast: AdminBroadcast) -> None:
        self._broadcast = broadcast

    async def alert(self, text: str) -> None:
        logger.warning("admin alert: %s", text)
        try:
            await self._broadcast.send(f"⚠️ {text}")
        except Exception:
            logger.exception("admin alert not delivered")


class MorningDigest:
    """The day's board and who has not confirmed, once a day across all processes."""

    def __init__(
        self,
        *,
        sessions: async_sessionmaker[AsyncSession],
        commands: AdminCommands,
        broadcast: AdminBroadcast,
        clock: Clock,
        zone: ZoneInfo,
        texts: AdminTexts | None = None,
    ) -> None:
        self._sessions = sessions
        self._commands = commands
        self._broadcast = broadcast
        self._clock = clock
        self._zone = zone
        self._t = texts or AdminTexts()

    async def send(self, day: date | None = None) -> bool:
        """Send the digest of ``day`` (default today) unless some process already did."""
        wanted = day or self._clock.now().astimezone(self._zone).date()
        async with self._sessions() as session:
            session.add(
                OnceMarker(key=f"digest:{wanted.isoformat()}", created_at=self._clock.now())
            )
            try:
                await session.commit()
            except IntegrityError:
                return False
        for text in await self._commands.board_texts(wanted):
            await self._broadcast.send(text)
        await self._unforwarded()
        return True

    async def _unforwarded(self) -> None:
        """The client messages the inbox relay gave up on since the last digest that listed
        them; listed again tomorrow if no admin received today's list."""
        t = self._t
        async with self._sessions() as session:
            items = await unreported_failures(session)
            if not items:
                return
            lines = [t.plural("digest.unforwarded", len(items))]
            for item in items:
                client = await session.get(Client, item.client_id)
                lines.append(
                    t(
                        "digest.unforwarded_item",
                        when=t.moment(item.created_at.astimezone(self._zone)),
                        name=client.name if client else f"#{item.client_id}",
                        channel=t.channel(item.channel),
                        excerpt=_excerpt(item.text or inbox_note(item.note, t) or ""),
                    )
                )
        if not await self._broadcast.send("\n".join(lines)):
            return
        async with self._sessions() as session:
            await mark_failures_reported(
                session, item_ids=[item.id for item in items], now=self._clock.now()
            )
            await session.commit()


class NoShowWatch:
    """Asks the admins about every appointment not marked arrived ``grace`` after its start
    (or after the time a late client expected to come), optionally marks an unanswered one a
    no-show after ``auto_after``, and applies the reply deadlines of no-show follow-ups."""

    def __init__(
        self,
        *,
        sessions: async_sessionmaker[AsyncSession],
        broadcast: AdminBroadcast | None,
        clock: Clock,
        policy: AttendancePolicy,
        grace: timedelta,
        auto_after: timedelta | None,
        texts: AdminTexts | None = None,
    ) -> None:
        self._t = texts or AdminTexts()
        self._sessions = sessions
        self._broadcast = broadcast
        self._clock = clock
        self._policy = policy
        self._grace = grace
        self._auto_after = auto_after

    async def watch(self) -> None:
        now = self._clock.now()
        if self._broadcast is not None:
            for appointment in await self._due_prompts(now):
                await self._prompt(appointment)
        if self._auto_after is not None:
            await self._auto_mark(now)
        async with self._sessions() as session:
            await apply_deadlines(session, policy=self._policy, now=now)
            await session.commit()

    async def _due_prompts(self, now: datetime) -> list[Appointment]:
        async with self._sessions() as session:
            candidates = list(
                await session.scalars(
                    select(Appointment).where(
                        Appointment.status.in_(OPEN),
                        Appointment.noshow_prompted_at.is_(None),
                        Appointment.starts_at <= now - self._grace,
                        Appointment.starts_at > now - LOOK_BACK,
                    )
                )
            )
            late_notes = await _latest_late_notes(session, [a.id for a in candidates])
            due = []
            for appointment in candidates:
                expected = appointment.starts_at
                note = late_notes.get(appointment.id)
                if note is not None:
                    expected = max(expected, note.created_at + late_by(note.reason or ""))
                if expected + self._grace > now:
                    continue
                claimed = await session.execute(
                    update(Appointment)
                    .where(
                        Appointment.id == appointment.id, Appointment.noshow_prompted_at.is_(None)
                    )
                    .values(noshow_prompted_at=now)
                )
                if claimed.rowcount == 1:  # type: ignore[attr-defined]
                    due.append(appointment)
            await session.commit()
            return due

    async def _prompt(self, appointment: Appointment) -> None:
        assert self._broadcast is not None  # noqa: S101 - checked by the caller
        local = appointment.starts_at.astimezone(self._policy.zone)
        text = self._t(
            "prompt",
            name=appointment.client.name,
            phone=appointment.client.phone or "",
            time=f"{local:%H:%M}",
            service=appointment.service.name,
            master=appointment.staff.name,
            id=appointment.id,
        )
        buttons = tuple(
            Button(self._t(label), intent, appointment.id, appointment.version)
            for label, intent in PROMPT_BUTTONS
        )
        await self._broadcast.send(text, buttons)

    async def _auto_mark(self, now: datetime) -> None:
        assert self._auto_after is not None  # noqa: S101 - checked by the caller
        marked = []
        async with self._sessions() as session:
            stale = list(
                await session.scalars(
                    select(Appointment).where(
                        Appointment.status.in_(OPEN),
                        Appointment.noshow_prompted_at <= now - self._auto_after,
                    )
                )
            )
            for appointment in stale:
                await mark_appointment(
                    session,
                    appointment_id=appointment.id,
                    action=Action.MARK_NO_SHOW,
                    who=Who(actor=Actor.SYSTEM),
                    now=now,
                    reason=f"nobody answered the arrival prompt within {self._auto_after}",
                    policy=self._policy,
                )
                marked.append(appointment)
            await session.commit()
        if self._broadcast is not None:
            for appointment in marked:
                await self._broadcast.send(
                    self._t("auto_noshow", id=appointment.id, name=appointment.client.name)
                )


def _excerpt(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= EXCERPT else flat[: EXCERPT - 1].rstrip() + "…"


async def _latest_late_notes(session: AsyncSession, ids: list[int]) -> dict[int, AppointmentEvent]:
    notes: dict[int, AppointmentEvent] = {}
    if not ids:
        return notes
    for event in await session.scalars(
        select(AppointmentEvent)
        .where(AppointmentEvent.appointment_id.in_(ids), AppointmentEvent.kind == "running_late")
        .order_by(AppointmentEvent.created_at)
    ):
        notes[event.appointment_id] = event
    return notes

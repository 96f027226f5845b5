"""What ShowUp sends to the admins on its own: the inbox relay, alerts and the morning digest."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.admin.commands import AdminCommands
from bot.channels.base import Channel, ChannelError, OutboundMessage
from bot.clock import Clock
from bot.ledger.appointments import next_open_appointment
from bot.ledger.inbox import claim_unrelayed, record_relay
from db.models import Client, InboxItem, OnceMarker

logger = logging.getLogger(__name__)

RELAY_LEASE = timedelta(minutes=2)
KIND_TITLES = {
    "other": "💬 Message",
    "reschedule_request": "🔁 Reschedule request",
    "running_late": "🏃 Running late",
    "new_client": "👋 New person",
}


class AdminBroadcast:
    """Sends a text to every admin on one channel; reports which deliveries worked."""

    def __init__(self, channel: Channel, admins: Sequence[str]) -> None:
        self.channel = channel
        self.admins = tuple(admins)

    async def send(self, text: str) -> list[tuple[str, str]]:
        """(admin chat, message id) of each delivered copy."""
        delivered = []
        for admin in self.admins:
            try:
                receipt = await self.channel.send(OutboundMessage(recipient=admin, text=text))
            except ChannelError as exc:
                logger.warning("could not reach admin %s on %s: %s", admin, self.channel.name, exc)
                continue
            delivered.append((admin, receipt.message_id))
        return delivered


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


class InboxRelay:
    """Forwards new inbox items to the admins, with who wrote, on which messenger, and when
    their next visit is. Replying to the forwarded copy answers the client (``Desk``)."""

    def __init__(
        self,
        *,
        sessions: async_sessionmaker[AsyncSession],
        broadcast: AdminBroadcast,
        clock: Clock,
        zone: ZoneInfo,
    ) -> None:
        self._sessions = sessions
        self._broadcast = broadcast
        self._clock = clock
        self._zone = zone

    async def relay(self) -> int:
        """Forward everything waiting; returns how many items reached at least one admin."""
        done = 0
        while True:
            async with self._sessions() as session:
                items = await claim_unrelayed(session, now=self._clock.now(), lease=RELAY_LEASE)
                await session.commit()
                texts = [await self._describe(session, item) for item in items]
            if not items:
                return done
            for item, text in zip(items, texts, strict=True):
                forwarded = await self._broadcast.send(text)
                if not forwarded:
                    continue  # the lease runs out and the item is tried again
                async with self._sessions() as session:
                    await record_relay(
                        session,
                        item=item,
                        channel=self._broadcast.channel.name,
                        forwarded=forwarded,
                        now=self._clock.now(),
                    )
                    await session.commit()
                done += 1
            if len(items) < 50:
                return done

    async def _describe(self, session: AsyncSession, item: InboxItem) -> str:
        client = await session.get(Client, item.client_id)
        name = client.name if client else f"client {item.client_id}"
        phone = f" {client.phone}" if client and client.phone else ""
        lines = [f"{KIND_TITLES.get(item.kind, '💬 Message')} from {name}{phone} · {item.channel}"]
        upcoming = await next_open_appointment(
            session, client_id=item.client_id, now=self._clock.now()
        )
        if upcoming is not None:
            local = upcoming.starts_at.astimezone(self._zone)
            lines.append(
                f"Next: {local:%a %d.%m %H:%M} {upcoming.service.name} with "
                f"{upcoming.staff.name} · #{upcoming.id}"
            )
        else:
            lines.append("No upcoming appointment.")
        if item.proposed_at is not None:
            lines.append(f"Proposes: {item.proposed_at.astimezone(self._zone):%a %d.%m %H:%M}")
        lines += ["", item.text, "", f"↩️ Reply to this message to answer {name}."]
        return "\n".join(lines)


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
    ) -> None:
        self._sessions = sessions
        self._commands = commands
        self._broadcast = broadcast
        self._clock = clock
        self._zone = zone

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
        return True

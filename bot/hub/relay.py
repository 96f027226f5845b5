"""The inbox relay: forwards new inbox items to the admins, with who wrote, on which messenger
and when their next visit is. Replying to any part of the forwarded copy answers the client
(``Desk``).

A message of any length goes through: in parts that fit the channel, and trimmed with a note
beyond ``RELAY_TEXT_CAP``. A relay that still fails after ``MAX_RELAY_ATTEMPTS`` (each a lease
apart) is recorded as given up, the admins are alerted through the alert path, and the morning
digest lists it.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.admin.alerts import AdminAlerts, LoggingAlerts
from bot.admin.notes import inbox_note, proposed_time
from bot.admin.texts import AdminTexts
from bot.clock import Clock
from bot.hub.admin_side import AdminBroadcast
from bot.hub.approvals import approval_buttons
from bot.hub.long_text import trim
from bot.ledger.appointments import next_open_appointment
from bot.ledger.inbox import claim_unrelayed, give_up_relays, note_relay_failure, record_relay
from db.models import Client, InboxItem

logger = logging.getLogger(__name__)

RELAY_LEASE = timedelta(minutes=2)
#: the most characters of a client's message forwarded (about three Telegram messages); a
#: longer one is trimmed with a note saying how much was cut
RELAY_TEXT_CAP = 12_000
BATCH = 50


class InboxRelay:
    """Forwards new inbox items to the admins; gives up on one loudly, never silently."""

    def __init__(
        self,
        *,
        sessions: async_sessionmaker[AsyncSession],
        broadcast: AdminBroadcast,
        clock: Clock,
        zone: ZoneInfo,
        texts: AdminTexts | None = None,
        alerts: AdminAlerts | None = None,
    ) -> None:
        self._sessions = sessions
        self._broadcast = broadcast
        self._clock = clock
        self._zone = zone
        self._t = texts or AdminTexts()
        self._alerts = alerts or LoggingAlerts()

    async def relay(self) -> int:
        """Forward everything waiting; returns how many items reached at least one admin."""
        done = 0
        while True:
            async with self._sessions() as session:
                items = await claim_unrelayed(
                    session, now=self._clock.now(), lease=RELAY_LEASE, limit=BATCH
                )
                await session.commit()
                texts = [await self._describe(session, item) for item in items]
            for item, text in zip(items, texts, strict=True):
                done += await self._forward(item, text)
            if len(items) < BATCH:
                break
        await self._give_up()
        return done

    async def _forward(self, item: InboxItem, text: str) -> int:
        delivery = await self._broadcast.deliver(text, approval_buttons(item, self._t))
        async with self._sessions() as session:
            if delivery.delivered:
                await record_relay(
                    session,
                    item=item,
                    channel=self._broadcast.channel.name,
                    forwarded=delivery.delivered,
                    now=self._clock.now(),
                )
            else:  # the lease runs out and the item is tried again, up to its last attempt
                error = "; ".join(delivery.failures) or "no admin to send to"
                await note_relay_failure(session, item=item, error=error, now=self._clock.now())
            await session.commit()
        return 1 if delivery.delivered else 0

    async def _give_up(self) -> None:
        """Record the items whose every attempt failed and alert the admins, once each."""
        t = self._t
        async with self._sessions() as session:
            items = await give_up_relays(session, now=self._clock.now())
            await session.commit()
            names = [await self._name(session, item) for item in items]
        for item, name in zip(items, names, strict=True):
            logger.warning(
                "inbox item %s not forwarded after %s attempts: %s",
                item.id,
                item.relay_attempts,
                item.relay_error,
            )
            await self._alerts.alert(
                t.plural(
                    "relay.failed",
                    item.relay_attempts,
                    name=name,
                    channel=t.channel(item.channel),
                    when=t.moment(item.created_at.astimezone(self._zone)),
                    error=item.relay_error or "?",
                )
            )

    async def _name(self, session: AsyncSession, item: InboxItem) -> str:
        client = await session.get(Client, item.client_id)
        return client.name if client else self._t("relay.unknown_client", id=item.client_id)

    async def _describe(self, session: AsyncSession, item: InboxItem) -> str:
        client = await session.get(Client, item.client_id)
        name = await self._name(session, item)
        phone = f" {client.phone}" if client and client.phone else ""
        t = self._t
        kind = item.kind if t.has(f"kind.{item.kind}") else "other"
        title = t(f"kind.{kind}")
        channel = t.channel(item.channel)
        lines = [t("relay.from", title=title, name=name, phone=phone, channel=channel)]
        upcoming = await next_open_appointment(
            session, client_id=item.client_id, now=self._clock.now()
        )
        if upcoming is not None:
            lines.append(
                t(
                    "relay.next",
                    when=t.moment(upcoming.starts_at.astimezone(self._zone)),
                    service=upcoming.service.name,
                    master=upcoming.staff.name,
                    id=upcoming.id,
                )
            )
        else:
            lines.append(t("relay.nothing"))
        if item.proposed_at is not None:
            proposed = t.moment(item.proposed_at.astimezone(self._zone))
            lines.append(proposed_time(item.note, proposed, t))
        note = inbox_note(item.note, t)
        if note:
            lines += ["", note]
        body, cut = trim(item.text, RELAY_TEXT_CAP)
        if body:
            lines += ["", body]
        if cut:
            lines.append(t.plural("relay.cut", cut, total=t.number(len(item.text))))
        lines += ["", t("relay.reply", name=name)]
        return "\n".join(lines)

"""What the messengers report about our messages: delivered, read, failed; and answers that
could not be sent at all, which the admins get in their inbox to follow up by hand."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.channels.base import DialogReply, InboundMessage
from bot.clock import Clock
from bot.ledger.clients import find_client_by_identity
from bot.logs import sender_for_log
from db.models import Appointment, InboxItem, MessageLog, OutboxStatus, ScheduledMessage

logger = logging.getLogger(__name__)

DELIVERY_RETRIES = 3


class Deliveries:
    """Delivery reports and undeliverable answers; every call is one transaction."""

    def __init__(
        self,
        *,
        sessions: async_sessionmaker[AsyncSession],
        clock: Clock,
        on_inbox: Callable[[], None],
    ) -> None:
        self._sessions = sessions
        self._clock = clock
        self._on_inbox = on_inbox

    async def delivery_status(
        self, channel: str, message_id: str, status: str, error: str | None
    ) -> None:
        """Delivered / read / failed: the message log shows it (and the board shows "read")."""
        async with self._sessions() as session:
            await session.execute(
                update(MessageLog)
                .where(MessageLog.channel == channel, MessageLog.external_id == message_id)
                .values(status=status)
            )
            if status == "failed":
                await self._delivery_failed(session, channel, message_id, error)
            await session.commit()

    async def undelivered(self, message: InboundMessage, reply: DialogReply, error: str) -> None:
        """Our answer could not be sent: the admins get it in the inbox, to follow up by hand."""
        async with self._sessions() as session:
            client = await find_client_by_identity(
                session, channel=message.channel, external_id=message.sender
            )
            if client is None:
                logger.warning(
                    "answer to unknown %s user %s lost: %s",
                    message.channel,
                    sender_for_log(message.channel, message.sender),
                    error,
                )
                return
            session.add(
                InboxItem(
                    client_id=client.id,
                    appointment_id=message.button.appointment_id if message.button else None,
                    kind="undelivered",
                    channel=message.channel,
                    text=reply.text,
                    note={"code": "answer_undelivered", "params": {"error": error}},
                    created_at=self._clock.now(),
                )
            )
            await session.commit()
        self._on_inbox()

    async def _delivery_failed(
        self, session: AsyncSession, channel: str, message_id: str, error: str | None
    ) -> None:
        """A message accepted, then not delivered: send it again later, or tell the admins."""
        row = await session.scalar(
            select(ScheduledMessage).where(
                ScheduledMessage.channel == channel,
                ScheduledMessage.external_message_id == message_id,
            )
        )
        if row is None:
            return
        why = f"{channel} could not deliver it: {error or 'no reason given'}"
        if row.attempts < DELIVERY_RETRIES:
            row.status = OutboxStatus.PENDING
            row.due_at = self._clock.now() + timedelta(minutes=5)
            row.last_error = why
            return
        row.status = OutboxStatus.FAILED
        row.last_error = why
        if row.appointment_id is None:
            return  # a waitlist offer: it moves on to the next waiting client by itself
        appointment = await session.get(Appointment, row.appointment_id)
        if appointment is None:
            return
        session.add(
            InboxItem(
                client_id=appointment.client_id,
                appointment_id=row.appointment_id,
                kind="undelivered",
                channel=channel,
                text="",
                note={
                    "code": "message_undelivered",
                    "params": {
                        "message": row.kind,
                        "id": row.appointment_id,
                        "channel": channel,
                        "error": error or "?",
                    },
                },
                created_at=self._clock.now(),
            )
        )
        self._on_inbox()

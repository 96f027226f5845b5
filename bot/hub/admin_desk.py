"""The front desk's admin side: commands, taps on admin prompts, and an admin's reply to a
forwarded client message, which goes back on the client's own channel."""

from __future__ import annotations

import logging
from collections.abc import Mapping

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.admin.commands import AdminCommands
from bot.admin.texts import AdminTexts
from bot.channels.base import (
    Channel,
    ChannelError,
    InboundMessage,
    OutboundMessage,
    PermanentSendError,
)
from bot.clock import Clock
from bot.conversation.dialog import DialogSetup
from bot.conversation.templates import WhatsAppTemplates
from bot.hub.approvals import APPROVAL_ACTIONS, Approvals
from bot.ledger.clients import get_client
from bot.ledger.inbox import find_relayed
from db.models import Client, ClientIdentity, MessageLog

logger = logging.getLogger(__name__)


class AdminDesk:
    """Answers the salon's admins; every call is one transaction."""

    def __init__(
        self,
        *,
        sessions: async_sessionmaker[AsyncSession],
        dialog: DialogSetup,
        admins: Mapping[str, frozenset[str]],
        texts: AdminTexts,
        commands: AdminCommands,
        channels: Mapping[str, Channel],
        clock: Clock,
        templates: WhatsAppTemplates | None,
    ) -> None:
        self._sessions = sessions
        self._dialog = dialog
        self._admins = admins
        self._texts = texts
        self._commands = commands
        self._channels = channels
        self._clock = clock
        self._templates = templates
        self._approvals = Approvals(sessions=sessions, dialog=dialog, texts=texts, clock=clock)

    @property
    def approvals(self) -> Approvals:
        return self._approvals

    def is_admin(self, channel: str, user_id: str) -> bool:
        return user_id in self._admins.get(channel, frozenset())

    async def from_admin(self, message: InboundMessage) -> list[str] | None:
        """Commands, replies to forwarded messages and hints; None when the sender is no admin."""
        if not self.is_admin(message.channel, message.sender):
            return None
        if message.button is not None:
            action = message.button.intent.removeprefix("admin_")
            logger.info(
                "admin %s tapped %s on #%s", message.sender, action, message.button.appointment_id
            )
            if action in APPROVAL_ACTIONS:  # a client's move to approve or decline
                return await self._approvals.answer(
                    action, message.button.appointment_id, channel=message.channel
                )
            return await self._commands.run(
                action,
                str(message.button.appointment_id),
                admin=message.sender,
                channel=message.channel,
            )
        command = command_of(message.text)
        if command is not None:
            name, args = command
            logger.info("admin %s ran /%s", message.sender, name)
            return await self._commands.run(
                name, args, admin=message.sender, channel=message.channel
            )
        if message.reply_to_message is not None:
            return [await self._admin_reply(message)]
        return [self._texts("hint")]

    async def _admin_reply(self, message: InboundMessage) -> str:
        assert message.reply_to_message is not None  # noqa: S101 - checked by the caller
        t = self._texts
        if message.kind != "text" or not message.text.strip():
            return t("reply.text_only")
        async with self._sessions() as session:
            item = await find_relayed(
                session,
                channel=message.channel,
                admin_chat=message.sender,
                message_id=message.reply_to_message,
            )
            if item is None:
                return t("reply.unknown")
            client = await get_client(session, client_id=item.client_id)
            identity = self._route(client, item.channel)
            if identity is None:
                linked = ", ".join(t.channel(i.channel) for i in client.identities) or t("none")
                return t("reply.nowhere", name=client.name, linked=linked)
            channel = self._channels[identity.channel]
            now = self._clock.now()
            locale = client.locale or self._dialog.default_locale
            template = (
                self._templates.message(
                    "admin_message",
                    locale,
                    {"salon_name": self._dialog.salon_name, "text": message.text},
                )
                if self._templates is not None
                else None
            )
            try:
                receipt = await channel.send(
                    OutboundMessage(
                        recipient=identity.external_id,
                        text=message.text,
                        locale=locale,
                        metadata={"kind": "admin_reply", "inbox_item": str(item.id)},
                        template=template,
                        last_inbound_at=identity.last_inbound_at,
                    )
                )
            except ChannelError as exc:
                if isinstance(exc, PermanentSendError):
                    identity.unreachable = True
                    identity.unreachable_reason = str(exc)[:500]
                    await session.commit()
                where = t.channel(identity.channel)
                return t("reply.failed", name=client.name, channel=where, error=exc)
            session.add(
                MessageLog(
                    client_id=client.id,
                    appointment_id=item.appointment_id,
                    direction="out",
                    channel=identity.channel,
                    external_id=receipt.message_id,
                    body=message.text,
                    status="sent",
                    created_at=now,
                )
            )
            item.handled_at = item.handled_at or now
            await session.commit()
            return t("reply.ok", name=client.name, channel=t.channel(identity.channel))

    def _route(self, client: Client, preferred: str) -> ClientIdentity | None:
        usable = [
            i for i in client.identities if not i.unreachable and i.channel in self._channels
        ]
        usable.sort(key=lambda i: (i.channel == preferred, i.last_inbound_at is not None, i.id))
        return usable[-1] if usable else None


def command_of(text: str) -> tuple[str, str] | None:
    """``("today", "")`` for ``/today``, ``("day", "2026-11-23")`` for ``/day@bot 2026-11-23``."""
    if not text.startswith("/"):
        return None
    head, _, args = text[1:].partition(" ")
    name = head.split("@", 1)[0].lower()
    return (name, args.strip()) if name.isidentifier() else None

"""The hub's front desk: one method per kind of inbound message (see ``bot.channels.base.Hub``).

A client's message goes to the dialog (``bot.conversation.dialog``), a deep link or a shared
phone number links their chat; an admin's message goes to ``admin_desk``, and what the
messengers report about our messages to ``delivery``."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.admin.commands import COMMANDS, AdminCommands
from bot.admin.texts import AdminTexts
from bot.channels.base import Channel, DialogReply, InboundMessage
from bot.clock import Clock
from bot.conversation.dialog import Dialog, DialogSetup
from bot.conversation.render import addressable_name
from bot.conversation.templates import WhatsAppTemplates
from bot.conversation.waitlist_flow import ACCEPT, WAITLIST_INTENTS, WaitlistSetup, answer_offer
from bot.domain.locales import supported_locale
from bot.domain.phones import normalize_phone
from bot.domain.replies import language_of
from bot.errors import ConflictError, InvalidInputError, NotFoundError
from bot.hub.admin_desk import AdminDesk, command_of
from bot.hub.approvals import Approvals
from bot.hub.delivery import Deliveries
from bot.ledger.clients import (
    Known,
    find_by_phone,
    find_client_by_identity,
    find_known,
    link_identity,
)
from bot.ledger.links import attach_chat, redeem_link_token
from bot.logs import sender_for_log
from db.models import Client, ClientIdentity, InboxItem, MessageLog, ScheduledMessage

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class HubSetup:
    dialog: DialogSetup
    admins: Mapping[str, frozenset[str]]  # channel → admin user ids on it
    texts: AdminTexts = field(default_factory=AdminTexts)  # what admins read
    waitlist: WaitlistSetup | None = None  # answering waitlist offers (None: taps are ignored)


class Desk:
    """Implements ``bot.channels.base.Hub``; every call is one transaction."""

    def __init__(
        self,
        *,
        sessions: async_sessionmaker[AsyncSession],
        setup: HubSetup,
        commands: AdminCommands,
        channels: Mapping[str, Channel],
        clock: Clock,
        on_inbox: Callable[[], None] = lambda: None,
        templates: WhatsAppTemplates | None = None,
    ) -> None:
        self._sessions = sessions
        self._setup = setup
        self._clock = clock
        self._on_inbox = on_inbox  # nudges the relay when something awaits the admins
        self._admin = AdminDesk(
            sessions=sessions,
            dialog=setup.dialog,
            admins=setup.admins,
            texts=setup.texts,
            commands=commands,
            channels=channels,
            clock=clock,
            templates=templates,
        )
        self._deliveries = Deliveries(sessions=sessions, clock=clock, on_inbox=on_inbox)

    # -- clients -------------------------------------------------------------------------------

    async def from_client(self, message: InboundMessage) -> list[DialogReply]:
        command = command_of(message.text)
        if command is not None and command[0] in COMMANDS:
            logger.warning(
                "refused admin command /%s from %s user %s (not an admin)",
                command[0],
                message.channel,
                sender_for_log(message.channel, message.sender),
            )
            return await self._say_to(message, "admin_only")
        if message.button is not None and message.button.intent in WAITLIST_INTENTS:
            answered = await self._offer_tap(message)
            if answered is not None:
                return answered
        async with self._sessions() as session:
            known = None
            if command is not None and command[0] == "start":
                known = await find_known(
                    session, channel=message.channel, external_id=message.sender
                )
                if known is not None:
                    return [self._script("linked", known.client)]
            message = await self._resolve_reply(session, message)
            if message.phone is not None:
                known = await self._link_by_phone(session, message, message.phone)
            dialog = Dialog(
                session, self._setup.dialog, self._clock.now(), waitlist=self._setup.waitlist
            )
            replies = await dialog.handle(message, known=known)  # looked up once
            if dialog.is_new:
                session.add(
                    InboxItem(
                        client_id=dialog.client_id,
                        kind="new_client",
                        channel=message.channel,
                        text=message.text or f"[{message.kind}]",
                        created_at=self._clock.now(),
                    )
                )
            client = dialog.client
            assert client is not None  # noqa: S101 - handle() sets it
            await session.commit()
            if dialog.is_new and message.can_share_contact:
                replies.append(self._share_phone(client))
        self._on_inbox()
        return replies

    async def _offer_tap(self, message: InboundMessage) -> list[DialogReply] | None:
        """A tap on a waitlist offer's button; None when it is no offer of this client's."""
        setup = self._setup.waitlist
        assert message.button is not None  # noqa: S101 - checked by the caller
        if setup is None:
            return None
        async with self._sessions() as session:
            client = await find_client_by_identity(
                session, channel=message.channel, external_id=message.sender
            )
            if client is None:
                return None
            now = self._clock.now()
            reply = await answer_offer(
                session,
                client=client,
                offer_id=message.button.appointment_id,
                accept=message.button.intent == ACCEPT,
                channel=message.channel,
                setup=setup,
                now=now,
            )
            if reply is None:
                await session.rollback()
                return None
            for direction, body in (("in", f"[{message.button.intent}]"), ("out", reply.text)):
                session.add(
                    MessageLog(
                        client_id=client.id,
                        direction=direction,
                        channel=message.channel,
                        body=body,
                        status="received" if direction == "in" else "sent",
                        created_at=now,
                    )
                )
            await self._mark_active(session, message)
            await session.commit()
        return [reply]

    async def link(self, message: InboundMessage, token: str) -> list[DialogReply]:
        async with self._sessions() as session:
            try:
                client = await redeem_link_token(
                    session,
                    token=token,
                    channel=message.channel,
                    external_id=message.sender,
                    now=self._clock.now(),
                )
            except (NotFoundError, ConflictError) as exc:
                await session.rollback()
                who = sender_for_log(message.channel, message.sender)
                logger.info("deep link refused for %s %s: %s", message.channel, who, exc)
                return await self._say_to(message, "link_invalid")
            self._adopt_language(client, message)
            await self._mark_active(session, message)
            await session.commit()
            logger.info("client %s linked %s chat by deep link", client.id, message.channel)
            return [self._script("linked", client)]

    async def shared_phone(self, message: InboundMessage, phone: str) -> list[DialogReply]:
        raw = phone if phone.startswith("+") else f"+{phone}"
        try:
            e164 = normalize_phone(raw, region=None)
        except InvalidInputError:
            return await self._say_to(message, "link_invalid")
        async with self._sessions() as session:
            client = await find_by_phone(session, phone=e164)
            if client is not None:
                try:
                    await attach_chat(
                        session, client=client, channel=message.channel, external_id=message.sender
                    )
                except ConflictError as exc:
                    await session.rollback()
                    logger.warning("phone match refused: %s", exc)
                    return await self._say_to(message, "link_invalid")
            else:
                client = await find_client_by_identity(
                    session, channel=message.channel, external_id=message.sender
                )
                if client is not None:
                    client.phone = client.phone or e164
            if client is not None:
                self._adopt_language(client, message)
                await self._mark_active(session, message)
                await session.commit()
        if client is None:  # a stranger, with a number no client has; after the session
            return await self.from_client(message)  # ends: SQLite allows one writer
        return [self._script("linked", client)]

    # -- admins --------------------------------------------------------------------------------

    @property
    def approvals(self) -> Approvals:
        """The admins' answers to clients' moves (and their lapse, a scheduled job)."""
        return self._admin.approvals

    def is_admin(self, channel: str, user_id: str) -> bool:
        return self._admin.is_admin(channel, user_id)

    async def from_admin(self, message: InboundMessage) -> list[str] | None:
        """Commands, replies to forwarded messages and hints; None when the sender is no admin."""
        return await self._admin.from_admin(message)

    # -- helpers -------------------------------------------------------------------------------

    async def _resolve_reply(
        self, session: AsyncSession, message: InboundMessage
    ) -> InboundMessage:
        """A reply to one of our reminders is about that reminder's appointment."""
        if message.reply_to_message is None or message.reply_to_appointment is not None:
            return message
        appointment_id = await session.scalar(
            select(ScheduledMessage.appointment_id).where(
                ScheduledMessage.channel == message.channel,
                ScheduledMessage.external_message_id == message.reply_to_message,
            )
        )
        return dataclasses.replace(message, reply_to_appointment=appointment_id)

    async def _link_by_phone(
        self, session: AsyncSession, message: InboundMessage, phone: str
    ) -> Known | None:
        """On WhatsApp the sender *is* a phone number: a client with it needs no linking."""
        known = await find_known(session, channel=message.channel, external_id=message.sender)
        if known is not None:
            return known
        client = await find_by_phone(session, phone=phone)
        if client is None:
            return None
        identity = await link_identity(
            session, client_id=client.id, channel=message.channel, external_id=message.sender
        )
        logger.info("client %s recognised on %s by phone", client.id, message.channel)
        return Known(identity, client)

    async def delivery_status(
        self, channel: str, message_id: str, status: str, error: str | None
    ) -> None:
        """Delivered / read / failed: the message log shows it (and the board shows "read")."""
        await self._deliveries.delivery_status(channel, message_id, status, error)

    async def undelivered(self, message: InboundMessage, reply: DialogReply, error: str) -> None:
        """Our answer could not be sent: the admins get it in the inbox, to follow up by hand."""
        await self._deliveries.undelivered(message, reply, error)

    async def _mark_active(self, session: AsyncSession, message: InboundMessage) -> None:
        identity = await session.scalar(
            select(ClientIdentity).where(
                ClientIdentity.channel == message.channel,
                ClientIdentity.external_id == message.sender,
            )
        )
        if identity is not None:
            identity.last_inbound_at = self._clock.now()

    def _adopt_language(self, client: Client, message: InboundMessage) -> None:
        """A client with no language takes their messenger's, else the one they wrote in."""
        client.locale = (
            client.locale or supported_locale(message.language_code) or language_of(message.text)
        )

    async def _say_to(self, message: InboundMessage, script: str) -> list[DialogReply]:
        async with self._sessions() as session:
            client = await find_client_by_identity(
                session, channel=message.channel, external_id=message.sender
            )
        locale = (client.locale if client else None) or supported_locale(message.language_code)
        return [self._script(script, client, locale=locale)]

    def _script(
        self, script: str, client: Client | None, *, locale: str | None = None
    ) -> DialogReply:
        setup = self._setup.dialog
        wanted = locale or (client.locale if client else None) or setup.default_locale
        text, _ = setup.scripts.render_named(
            script,
            locale=wanted,
            variables={
                "client_name": addressable_name(client.name) if client else "",
                "salon_name": setup.salon_name,
            },
        )
        return DialogReply(text, outcome=script)

    def _share_phone(self, client: Client) -> DialogReply:
        setup = self._setup.dialog
        text, labels = setup.scripts.render_named(
            "share_phone",
            locale=client.locale or setup.default_locale,
            variables={
                "client_name": addressable_name(client.name),
                "salon_name": setup.salon_name,
            },
        )
        return DialogReply(text, outcome="share_phone", request_contact=labels["share"])

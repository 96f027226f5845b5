"""The WhatsApp channel (WhatsApp Cloud API through ``pywa_async``).

Outbound, the 24-hour rule: within 24 h of the client's last message a message goes free-form,
with interactive reply buttons (at most 3, titles ≤ 20 characters); outside it, and for a first
contact, it goes as its pre-approved template with quick-reply buttons whose payloads carry the
appointment. A free-form send refused because the window closed meanwhile (131047) is sent
again as the template. Rate limits (130429 per number, 131056 per user pair) are transient.

Inbound (``WhatsAppReceiver``): Meta's webhook payload, already checked against
``X-Hub-Signature-256`` by the route, becomes ``InboundMessage``s for the hub (each message id
handled once, in the database) and delivery statuses for the message log.

pywa hard-codes https://graph.facebook.com; ``SHOWUP_WHATSAPP_API_BASE`` reroutes its httpx
client to another server (a local emulator in the tests).
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Coroutine, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import httpx
from pywa_async.client import WhatsApp
from pywa_async.errors import (
    MessageUndeliverable,
    RecipientNotInAllowedList,
    ReEngagementMessage,
    TemplateNotExists,
    ThrottlingError,
    TooManyMessages,
    WhatsAppError,
)
from pywa_async.types.callback import Button as ReplyButton
from pywa_async.types.templates import TemplateLanguage

from bot.channels.base import (
    Button,
    ChannelError,
    DialogReply,
    Hub,
    InboundMessage,
    NotAllowedError,
    OutboundMessage,
    PermanentSendError,
    SendReceipt,
    TemplateMessage,
    TransientSendError,
    retrying,
)
from bot.clock import Clock
from bot.logs import masked

logger = logging.getLogger(__name__)

CHANNEL = "whatsapp"
WINDOW = timedelta(hours=24)
WINDOW_MARGIN = timedelta(minutes=5)  # don't start a free-form send at 23:59:59
MAX_BUTTONS = 3
HANDLING_ATTEMPTS = 5  # a message that fails this often is given up (and logged)
PAIR_WAIT = 6.0  # seconds Meta wants between two messages to one user after 131056
KINDS = {"image": "photo", "audio": "voice", "video": "video", "sticker": "sticker"}


class _Reroute(httpx.AsyncBaseTransport):
    """Sends pywa's Graph API calls to ``base`` instead of graph.facebook.com."""

    def __init__(self, base: str) -> None:
        self._base = httpx.URL(base)
        self._inner = httpx.AsyncHTTPTransport()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        request.url = request.url.copy_with(
            scheme=self._base.scheme, host=self._base.host, port=self._base.port
        )
        return await self._inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self._inner.aclose()


def create_whatsapp(phone_id: str, token: str, *, api_base: str | None = None) -> WhatsApp:
    transport = _Reroute(api_base) if api_base else httpx.AsyncHTTPTransport()
    session = httpx.AsyncClient(transport=transport, timeout=httpx.Timeout(15.0))
    return WhatsApp(phone_id=phone_id, token=token, session=session)


def payload(button: Button) -> str:
    """A button's id / quick-reply payload: ``confirm:12:3`` (intent, appointment, version)."""
    return f"{button.intent}:{button.appointment_id}:{button.version}"


def button_from(data: str, label: str = "") -> Button | None:
    intent, _, rest = data.partition(":")
    appointment, _, version = rest.partition(":")
    if not (intent and appointment.isdigit() and version.isdigit()):
        return None
    return Button(
        label=label, intent=intent, appointment_id=int(appointment), version=int(version)
    )


class WhatsAppChannel:
    """``Channel`` for WhatsApp; recipients are WhatsApp ids (the phone number's digits)."""

    def __init__(self, client: WhatsApp, *, clock: Clock) -> None:
        self.client = client
        self._clock = clock

    @property
    def name(self) -> str:
        return CHANNEL

    def window_open(self, last_inbound_at: datetime | None) -> bool:
        if last_inbound_at is None:
            return False
        return self._clock.now() - last_inbound_at < WINDOW - WINDOW_MARGIN

    async def send(self, message: OutboundMessage) -> SendReceipt:
        try:
            if self.window_open(message.last_inbound_at):
                try:
                    sent_id = await self._free_form(message)
                except ReEngagementMessage:
                    logger.info("whatsapp window closed for %s: sending the template", "client")
                    sent_id = await self._template(message)
            else:
                sent_id = await self._template(message)
        except TooManyMessages as exc:
            raise TransientSendError(
                f"whatsapp pair rate limit: {exc.message}", retry_after=PAIR_WAIT
            ) from exc
        except ThrottlingError as exc:
            raise TransientSendError(f"whatsapp rate limit ({exc.code}): {exc.message}") from exc
        except (MessageUndeliverable, RecipientNotInAllowedList) as exc:
            raise PermanentSendError(f"whatsapp: {exc.message} ({exc.code})") from exc
        except WhatsAppError as exc:
            raise TransientSendError(f"whatsapp error {exc.code}: {exc.message}") from exc
        except httpx.HTTPError as exc:
            raise TransientSendError(f"whatsapp: {exc}") from exc
        return SendReceipt(message_id=sent_id)

    async def _free_form(self, message: OutboundMessage) -> str:
        buttons = [
            ReplyButton(title=button.label, callback_data=payload(button))
            for button in message.buttons[:MAX_BUTTONS]
        ]
        sent = await self.client.send_message(
            to=message.recipient, text=message.text, buttons=buttons or None
        )
        return str(sent.id)

    async def _template(self, message: OutboundMessage) -> str:
        template = message.template
        if template is None:
            raise NotAllowedError(
                "the client has not written in the last 24 hours and no approved template "
                "carries this message"
            )
        while True:
            try:
                return await self._send_template(message, template)
            except TemplateNotExists:
                if template.fallback is None:
                    raise
                logger.warning(
                    "whatsapp template %s (%s) is not approved: sent %s instead",
                    template.name,
                    template.language,
                    template.fallback.name,
                )
                template = template.fallback

    async def _send_template(self, message: OutboundMessage, template: TemplateMessage) -> str:
        components: list[dict[str, Any]] = []
        if template.body:
            components.append(
                {
                    "type": "body",
                    "parameters": [{"type": "text", "text": value} for value in template.body],
                }
            )
        for index, button in enumerate(message.buttons[:MAX_BUTTONS]):
            components.append(
                {
                    "type": "button",
                    "sub_type": "quick_reply",
                    "index": str(index),
                    "parameters": [{"type": "payload", "payload": payload(button)}],
                }
            )
        try:
            language = TemplateLanguage(template.language)
        except ValueError:
            raise NotAllowedError(
                f"template {template.name}: {template.language!r} is not a WhatsApp language "
                "code (see whatsapp_templates.yaml)"
            ) from None
        sent = await self.client.send_template(
            to=message.recipient, name=template.name, language=language, params=components
        )
        return str(sent.id)


@dataclass(frozen=True, slots=True)
class Status:
    message_id: str
    status: str  # sent, delivered, read, failed
    error: str | None


def parse_update(body: dict[str, Any]) -> tuple[list[tuple[str, InboundMessage]], list[Status]]:
    """Messages (with their ids) and statuses of one webhook body; unknown parts are skipped."""
    messages: list[tuple[str, InboundMessage]] = []
    statuses: list[Status] = []
    for entry in body.get("entry") or []:
        for change in entry.get("changes") or []:
            value = change.get("value") or {}
            names = {
                contact.get("wa_id"): (contact.get("profile") or {}).get("name")
                for contact in value.get("contacts") or []
            }
            for raw in value.get("messages") or []:
                parsed = _message(raw, names.get(raw.get("from")))
                if parsed is not None:
                    messages.append((str(raw["id"]), parsed))
            for raw in value.get("statuses") or []:
                errors = raw.get("errors") or []
                error = "; ".join(
                    f"{e.get('code')}: {e.get('title') or e.get('message')}" for e in errors
                )
                statuses.append(Status(str(raw.get("id")), str(raw.get("status")), error or None))
    return messages, statuses


def _message(raw: dict[str, Any], name: str | None) -> InboundMessage | None:
    sender = str(raw.get("from") or "")
    if not sender.isdigit() or not raw.get("id"):
        return None
    kind = str(raw.get("type") or "")
    text = ""
    button: Button | None = None
    if kind == "text":
        text = str((raw.get("text") or {}).get("body") or "")
    elif kind == "interactive":
        reply = (raw.get("interactive") or {}).get("button_reply") or {}
        button = button_from(str(reply.get("id") or ""), str(reply.get("title") or ""))
        text = "" if button else str(reply.get("title") or "")
    elif kind == "button":  # a template's quick reply
        quick = raw.get("button") or {}
        button = button_from(str(quick.get("payload") or ""), str(quick.get("text") or ""))
        text = "" if button else str(quick.get("text") or "")
    context = raw.get("context") or {}
    return InboundMessage(
        channel=CHANNEL,
        sender=sender,
        text=text or str((raw.get(kind) or {}).get("caption") or ""),
        kind="text" if kind in {"text", "interactive", "button"} else KINDS.get(kind, kind),
        button=button,
        reply_to_message=context.get("id"),
        display_name=name,
        phone=f"+{sender}",
    )


class WhatsAppReceiver:
    """Hands a verified webhook body to the hub and answers the client on WhatsApp."""

    def __init__(self, hub: Hub, channel: WhatsAppChannel, *, clock: Clock) -> None:
        self._hub = hub
        self._channel = channel
        self._clock = clock
        self._tasks: set[asyncio.Task[Any]] = set()
        self._failures: dict[str, int] = {}  # message id → failed handling attempts

    async def receive(self, body: dict[str, Any]) -> int:
        """Take a verified webhook body: each new message goes to the hub now (its answers are
        sent in the background, so Meta gets its 200 at once). Returns how many messages must
        be delivered again.

        A message whose handling fails gets its receipt withdrawn, so that Meta's redelivery
        (it retries until the webhook answers 200) is handled rather than ignored as a
        duplicate; after ``HANDLING_ATTEMPTS`` failures it is given up, with an error in the log.
        The other messages of the body are handled either way, and only once.
        """
        messages, statuses = parse_update(body)
        failed = 0
        for message_id, message in messages:
            if not await self._hub.first_delivery(CHANNEL, message_id):
                logger.info("whatsapp message %s delivered again; already handled", message_id)
                continue
            try:
                replies = await self._hub.from_client(message)
            except Exception:
                logger.exception("whatsapp message %s could not be handled", message_id)
                failed += await self._retry_later(message_id)
                continue
            self._failures.pop(message_id, None)
            self._spawn(self._respond(message_id, message, replies))
        for status in statuses:
            try:
                await self._hub.delivery_status(
                    CHANNEL, status.message_id, status.status, status.error
                )
            except Exception:
                logger.exception("whatsapp status of %s could not be recorded", status.message_id)
        return failed

    async def idle(self) -> None:
        """Wait until every answer started so far is sent (shutdown, tests)."""
        while self._tasks:
            await asyncio.wait(set(self._tasks))

    async def _retry_later(self, message_id: str) -> bool:
        """Withdraw the receipt so Meta's next delivery is handled; False once given up."""
        attempts = self._failures.get(message_id, 0) + 1
        if attempts >= HANDLING_ATTEMPTS:
            self._failures.pop(message_id, None)
            logger.error(
                "whatsapp message %s failed %d times; given up", message_id, HANDLING_ATTEMPTS
            )
            return False
        self._failures[message_id] = attempts
        try:
            await self._hub.forget_delivery(CHANNEL, message_id)
        except Exception:
            logger.exception("whatsapp message %s: receipt not withdrawn; it is lost", message_id)
            return False
        return True

    def _spawn(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _respond(
        self, message_id: str, message: InboundMessage, replies: Sequence[DialogReply]
    ) -> None:
        try:
            await self._mark_read(message_id)
            await self._answer(message, replies)
        except Exception:
            logger.exception("answering whatsapp message %s failed", message_id)

    async def _mark_read(self, message_id: str) -> None:
        """Blue ticks for the client: their message reached the salon."""
        try:
            await self._channel.client.mark_message_as_read(message_id)
        except (WhatsAppError, httpx.HTTPError) as exc:
            logger.info("could not mark whatsapp message %s as read: %s", message_id, exc)

    async def _answer(self, message: InboundMessage, replies: Sequence[DialogReply]) -> None:
        """Send the replies in order, each retried briefly; after one that cannot be sent, the
        admins are told and the rest are not tried."""
        for reply in replies:
            outbound = OutboundMessage(
                recipient=message.sender,
                text=reply.text,
                buttons=tuple(reply.buttons),
                last_inbound_at=self._clock.now(),  # they just wrote: the window is open
            )
            try:
                await retrying(functools.partial(self._channel.send, outbound))
            except Exception as exc:
                if not isinstance(exc, ChannelError):
                    logger.exception("could not answer whatsapp %s", masked(message.sender))
                else:
                    who = masked(message.sender)
                    logger.warning("answer to whatsapp %s not sent: %s", who, exc)
                await self._hub.undelivered(message, reply, str(exc))
                return

"""The WhatsApp channel (WhatsApp Cloud API through ``pywa_async``).

Outbound, the 24-hour rule: within 24 h of the client's last message a message goes free-form,
with interactive reply buttons (at most 3, titles ≤ 20 characters); outside it, and for a first
contact, it goes as its pre-approved template with quick-reply buttons whose payloads carry the
appointment. A free-form send refused because the window closed meanwhile (131047) is sent
again as the template. Rate limits (130429 per number, 131056 per user pair) are transient.

Inbound: a webhook body, already checked against ``X-Hub-Signature-256`` by the route, is split
into its messages and statuses (``body_arrivals``), which the inbound queue stores before Meta
gets its 200; ``WhatsAppReceiver.handle`` then turns each into an ``InboundMessage`` for the hub
(or a delivery status for the message log) and answers the client.

pywa hard-codes https://graph.facebook.com; ``SHOWUP_WHATSAPP_API_BASE`` reroutes its httpx
client to another server (a local emulator in the tests).
"""

from __future__ import annotations

import functools
import json
import logging
from collections.abc import Sequence
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
    WHATSAPP,
    Arrival,
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
    UnreadableUpdate,
    clean_text,
    person_name,
    retrying,
)
from bot.clock import Clock
from bot.logs import masked

logger = logging.getLogger(__name__)

CHANNEL = WHATSAPP
WINDOW = timedelta(hours=24)
WINDOW_MARGIN = timedelta(minutes=5)  # don't start a free-form send at 23:59:59
MAX_BUTTONS = 3
PAIR_WAIT = 6.0  # seconds Meta wants between two messages to one user after 131056
MAX_DIGITS = 18  # a row id or version below 2**63
WA_ID_DIGITS = 20  # a WhatsApp id is a phone number: at most 15 digits
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
    if not (intent and _small_number(appointment) and _small_number(version)):
        return None
    return Button(
        label=label, intent=intent, appointment_id=int(appointment), version=int(version)
    )


def _small_number(text: str, digits: int = MAX_DIGITS) -> bool:
    """At most ``digits`` ASCII digits (``isdigit`` alone accepts superscripts and
    Arabic-Indic digits, which ``int`` refuses or reads)."""
    return text.isascii() and text.isdigit() and len(text) <= digits


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
        shown = template.quick_replies if template.quick_replies is not None else MAX_BUTTONS
        for index, button in enumerate(message.buttons[: min(shown, MAX_BUTTONS)]):
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


def body_arrivals(body: Any) -> list[Arrival]:
    """The queue rows of one webhook body: each message (with the sender's profile name) and
    each delivery status, as its own JSON. Parts not shaped as Meta documents are skipped."""
    arrivals: list[Arrival] = []
    for entry in _dicts(body.get("entry") if isinstance(body, dict) else None):
        for change in _dicts(entry.get("changes")):
            value = _field(change, "value")
            names = {
                str(contact.get("wa_id")): _field(contact, "profile").get("name")
                for contact in _dicts(value.get("contacts"))
            }
            for raw in _dicts(value.get("messages")):
                message_id, sender = _text(raw.get("id")), raw.get("from")
                if not message_id:
                    continue
                name = names.get(str(sender))
                payload = {"message": raw, "name": name if isinstance(name, str) else None}
                key = clean_text(str(sender))  # the database stores no lone surrogate
                arrivals.append(Arrival(CHANNEL, message_id, key, _json(payload)))
            for raw in _dicts(value.get("statuses")):
                message_id, status = _text(raw.get("id")), _text(raw.get("status"))
                if not (message_id and status):
                    continue
                key = f"{status}:{message_id}"
                sender = clean_text(f"status:{raw.get('recipient_id')}")
                arrivals.append(Arrival(CHANNEL, key, sender, _json({"status": raw})))
    return arrivals


def _field(container: Any, key: str) -> dict[str, Any]:
    value = container.get(key) if isinstance(container, dict) else None
    return value if isinstance(value, dict) else {}


def _dicts(value: Any) -> list[dict[str, Any]]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _json(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"))  # ASCII: lone surrogates survive storage


@dataclass(frozen=True, slots=True)
class Status:
    message_id: str
    status: str  # sent, delivered, read, failed
    error: str | None


def read_status(raw: dict[str, Any]) -> Status:
    error = "; ".join(
        f"{e.get('code')}: {e.get('title') or e.get('message')}" for e in _dicts(raw.get("errors"))
    )
    return Status(_text(raw.get("id")), _text(raw.get("status"))[:16], clean_text(error) or None)


def read_message(raw: dict[str, Any], name: str | None) -> InboundMessage | None:
    """A WhatsApp message in ShowUp's words; None when it has no usable sender."""
    sender = raw.get("from")
    if not (isinstance(sender, str) and _small_number(sender, WA_ID_DIGITS) and raw.get("id")):
        return None
    kind = _text(raw.get("type"))
    text = ""
    button: Button | None = None
    if kind == "text":
        text = _text(_field(raw, "text").get("body"))
    elif kind == "interactive":
        reply = _field(_field(raw, "interactive"), "button_reply")
        button = button_from(_text(reply.get("id")), _text(reply.get("title")))
        text = "" if button else _text(reply.get("title"))
    elif kind == "button":  # a template's quick reply
        quick = _field(raw, "button")
        button = button_from(_text(quick.get("payload")), _text(quick.get("text")))
        text = "" if button else _text(quick.get("text"))
    return InboundMessage(
        channel=CHANNEL,
        sender=sender,
        text=text or _text(_field(raw, kind).get("caption")),
        kind="text" if kind in {"text", "interactive", "button"} else KINDS.get(kind, kind),
        button=button,
        reply_to_message=_text(_field(raw, "context").get("id")) or None,
        display_name=person_name(name),
        phone=f"+{sender}",
    )


def _text(value: Any) -> str:
    return clean_text(value) if isinstance(value, str) else ""


class WhatsAppReceiver:
    """Handles stored WhatsApp messages and statuses (the inbound queue's WhatsApp handler)
    and answers the client on WhatsApp."""

    def __init__(self, hub: Hub, channel: WhatsAppChannel, *, clock: Clock) -> None:
        self._hub = hub
        self._channel = channel
        self._clock = clock

    async def handle(self, payload: str) -> None:
        """One stored message (handed to the hub, answered, marked read) or status. Raises
        ``UnreadableUpdate`` for a payload that is neither; other errors mean "try again"."""
        try:
            data = json.loads(payload)
        except (ValueError, RecursionError) as exc:
            raise UnreadableUpdate(f"not JSON: {type(exc).__name__}") from None
        if isinstance(data, dict) and isinstance(data.get("status"), dict):
            status = read_status(data["status"])
            await self._hub.delivery_status(
                CHANNEL, status.message_id, status.status, status.error
            )
            return
        raw = data.get("message") if isinstance(data, dict) else None
        name = data.get("name") if isinstance(data, dict) else None
        message = read_message(raw, name if isinstance(name, str) else None) if raw else None
        if message is None or not isinstance(raw, dict):
            raise UnreadableUpdate("a message without an id, or not from a WhatsApp id")
        replies = await self._hub.from_client(message)
        await self._mark_read(_text(raw["id"]) or str(raw["id"]))
        await self._answer(message, replies)

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

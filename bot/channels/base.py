"""What every messenger adapter offers the core, and the errors it reports.

An adapter turns an ``OutboundMessage`` (text plus reply buttons) into its platform's call and
classifies failures: ``TransientSendError`` is worth retrying (optionally after the platform's
"retry after N seconds"); ``PermanentSendError`` never will be (the client blocked the bot, the
number is not on the messenger) and marks the client unreachable on that channel.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol, TypeVar

from bot.errors import ShowUpError

#: the messengers' names as stored (``client_identities.channel``), importable without their
#: clients (aiogram alone takes seconds to import, which every ``showup`` command would pay)
TELEGRAM = "telegram"
WHATSAPP = "whatsapp"

R = TypeVar("R")
REPLY_ATTEMPTS = 3


@dataclass(frozen=True, slots=True)
class Button:
    """A reply button: the client's tap comes back as ``intent`` about one appointment version."""

    label: str
    intent: str
    appointment_id: int
    version: int


@dataclass(frozen=True, slots=True)
class TemplateMessage:
    """The same message as a pre-approved template (WhatsApp outside its 24-hour window):
    the template's name and language, its body parameters in order, and one quick-reply
    button per ``Button`` of the message (whose payload carries the appointment)."""

    name: str
    language: str
    body: tuple[str, ...]
    fallback: TemplateMessage | None = None  # a plainer template, if this one is not approved
    # how many of the message's buttons the template has (None: all); a plainer fallback may
    # have fewer (the confirmation without the rules has no "I agree")
    quick_replies: int | None = None


@dataclass(frozen=True, slots=True)
class OutboundMessage:
    recipient: str  # the channel's address of the client (chat id, phone number…)
    text: str
    buttons: tuple[Button, ...] = ()
    locale: str | None = None  # the language the text is in; None: the salon's
    metadata: dict[str, str] = field(default_factory=dict)
    template: TemplateMessage | None = None
    last_inbound_at: datetime | None = None  # when the client last wrote on this channel


@dataclass(frozen=True, slots=True)
class SendReceipt:
    message_id: str  # unique on its channel; Telegram: "<chat id>:<message id>"


@dataclass(frozen=True, slots=True)
class InboundMessage:
    """Something a person sent, normalised by the adapter of their messenger."""

    channel: str
    sender: str  # the channel's address of the client: chat id, phone number…
    text: str = ""
    kind: str = "text"  # text, voice, photo, sticker…
    button: Button | None = None
    reply_to_appointment: int | None = None
    reply_to_message: str | None = None  # the receipt id of the message this one answers
    display_name: str | None = None
    language_code: str | None = None
    can_share_contact: bool = False  # the messenger has a "share my phone number" button
    phone: str | None = None  # E.164, when the messenger tells it (WhatsApp ids are phones)


@dataclass(frozen=True, slots=True)
class DialogReply:
    """An answer to a person; ``outcome`` names the script it came from (``ack_stale``…)."""

    text: str
    buttons: tuple[Button, ...] = ()
    outcome: str | None = None
    request_contact: str | None = None  # label of a "share my phone number" button


@dataclass(frozen=True, slots=True)
class Arrival:
    """One update exactly as its platform delivered it (``payload``: its JSON text), with the
    platform's id for it (a redelivery has the same) and the client it comes from (whose
    updates are handled in order)."""

    channel: str
    external_id: str
    sender: str
    payload: str


class Inbox(Protocol):
    """Where webhooks and pollers put what arrives, before they acknowledge it."""

    @property
    def full(self) -> bool:
        """Too much is waiting: leave new updates with the platform for now."""
        ...

    async def receive(self, arrivals: Sequence[Arrival]) -> int:
        """Store the arrivals durably (raises ``ShowUpError`` when it cannot); how many were
        new. Only after this returns may the platform be told they arrived."""
        ...

    def arriving(self) -> AbstractContextManager[None]:
        """Around a webhook request: the handling of stored updates waits while one is in
        flight (``bot.scheduling.ack_first``), so the platform gets its answer first."""
        ...


def clean_text(text: str) -> str:
    """What a person wrote, minus what no database stores: NUL characters and lone surrogates."""
    if "\x00" in text:
        text = text.replace("\x00", "")
    try:
        text.encode()
    except UnicodeEncodeError:
        text = text.encode(errors="replace").decode()
    return text


NAME_LENGTH = 200  # what a client's name may hold


def person_name(value: object) -> str | None:
    """A sender's profile name as a client's name: cleaned, trimmed, cut to ``NAME_LENGTH``;
    None when nothing is left (a WhatsApp profile named " " is a client without a name)."""
    if not isinstance(value, str):
        return None
    return clean_text(value).strip()[:NAME_LENGTH].strip() or None


class UnreadableUpdate(ShowUpError):
    """A stored update that can never be handled (not shaped as the platform documents)."""


class ChannelError(ShowUpError):
    """A message could not be delivered."""


class TransientSendError(ChannelError):
    """Try again later; ``retry_after`` (seconds) when the platform said how long to wait."""

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class PermanentSendError(ChannelError):
    """This recipient cannot be reached on this channel; retrying will not help."""


class NotAllowedError(ChannelError):
    """The platform does not allow this message now (WhatsApp: the 24-hour window is closed
    and no approved template carries it); the recipient is still reachable."""


class Hub(Protocol):
    """What the core does with what arrives on a messenger; adapters call it, never the DB."""

    async def from_client(self, message: InboundMessage) -> list[DialogReply]:
        """A client's message or button tap; the answers to send back."""
        ...

    async def link(self, message: InboundMessage, token: str) -> list[DialogReply]:
        """A person opened a client's deep link (``/start <token>``)."""
        ...

    async def shared_phone(self, message: InboundMessage, phone: str) -> list[DialogReply]:
        """A person shared their own phone number with the messenger's contact button."""
        ...

    async def from_admin(self, message: InboundMessage) -> list[str] | None:
        """A salon admin's command or reply; the texts to show them, None if not an admin."""
        ...

    async def delivery_status(
        self, channel: str, message_id: str, status: str, error: str | None
    ) -> None:
        """A sent message was delivered, read or failed."""
        ...

    async def undelivered(self, message: InboundMessage, reply: DialogReply, error: str) -> None:
        """Our answer to ``message`` could not be sent even after retries: tell the admins."""
        ...


class Channel(Protocol):
    @property
    def name(self) -> str:
        """``telegram``, ``whatsapp``, ``console``…: the key of client identities."""
        ...

    async def send(self, message: OutboundMessage) -> SendReceipt:
        """Deliver one message or raise a ChannelError subclass."""
        ...


async def retrying(
    send: Callable[[], Awaitable[R]],
    *,
    attempts: int = REPLY_ATTEMPTS,
    pause: float = 1.0,
    longest: float = 10.0,
) -> R:
    """Run ``send`` (a fresh call each time), retrying a ``TransientSendError`` after the
    platform's ``retry_after`` or a doubling pause, as long as the wait is at most ``longest``
    seconds. For answers sent while the client waits; the outbox has its own, longer, retries."""
    for attempt in range(1, attempts + 1):
        try:
            return await send()
        except TransientSendError as exc:
            wait = exc.retry_after if exc.retry_after is not None else pause * 2 ** (attempt - 1)
            if attempt == attempts or wait > longest:
                raise
            await asyncio.sleep(wait)
    raise AssertionError("unreachable")  # pragma: no cover

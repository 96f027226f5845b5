"""What every messenger adapter offers the core, and the errors it reports.

An adapter turns an ``OutboundMessage`` (text plus reply buttons) into its platform's call and
classifies failures: ``TransientSendError`` is worth retrying (optionally after the platform's
"retry after N seconds"); ``PermanentSendError`` never will be (the client blocked the bot, the
number is not on the messenger) and marks the client unreachable on that channel.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from bot.errors import ShowUpError


@dataclass(frozen=True, slots=True)
class Button:
    """A reply button: the client's tap comes back as ``intent`` about one appointment version."""

    label: str
    intent: str
    appointment_id: int
    version: int


@dataclass(frozen=True, slots=True)
class OutboundMessage:
    recipient: str  # the channel's address of the client (chat id, phone number…)
    text: str
    buttons: tuple[Button, ...] = ()
    locale: str = "en"
    metadata: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class SendReceipt:
    message_id: str


class ChannelError(ShowUpError):
    """A message could not be delivered."""


class TransientSendError(ChannelError):
    """Try again later; ``retry_after`` (seconds) when the platform said how long to wait."""

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class PermanentSendError(ChannelError):
    """This recipient cannot be reached on this channel; retrying will not help."""


class Channel(Protocol):
    @property
    def name(self) -> str:
        """``telegram``, ``whatsapp``, ``console``…: the key of client identities."""
        ...

    async def send(self, message: OutboundMessage) -> SendReceipt:
        """Deliver one message or raise a ChannelError subclass."""
        ...

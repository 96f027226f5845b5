"""What the dispatcher needs to turn a planned message into words.

``Renderer`` is implemented by ``bot.conversation.scripts.ScriptBook``, which renders the salon's
editable per-language scripts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol
from zoneinfo import ZoneInfo

from bot.channels.base import Button
from bot.domain.reminders import Script


@dataclass(frozen=True, slots=True)
class MessageContext:
    appointment_id: int
    version: int
    client_name: str
    locale: str
    salon_name: str
    service: str
    staff: str
    starts_at: datetime
    zone: ZoneInfo


@dataclass(frozen=True, slots=True)
class RenderedMessage:
    text: str
    buttons: tuple[Button, ...] = ()


class Renderer(Protocol):
    def render(self, *, script: Script, context: MessageContext) -> RenderedMessage: ...

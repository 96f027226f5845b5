"""What the dispatcher needs to turn a planned message into words.

``Renderer`` is implemented by ``bot.conversation.scripts.ScriptBook``, which renders the salon's
editable per-language scripts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Protocol
from zoneinfo import ZoneInfo

from bot.channels.base import Button, TemplateMessage
from bot.domain.names import localized_name
from bot.domain.reminders import Script
from db.models import Appointment

_PHONE = re.compile(r"[+\d\s().-]*\d[+\d\s().-]*")


#: the name a person who wrote first gets when their messenger tells neither a name nor a
#: number (the console; a WhatsApp profile without a name gets its number); the admins see it,
#: the person is never called so
UNNAMED = "New client"


def addressable_name(name: str) -> str:
    """The name to greet a client by: empty when the salon stored none but the phone number
    (an admin's ``/book +7900…``, a CSV line without a name) or the stand-in ``UNNAMED``, so
    scripts greet without one."""
    return "" if name == UNNAMED or _PHONE.fullmatch(name.strip()) else name


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
    deposit_due: Decimal | None = None
    discount: str | None = None
    currency: str = "EUR"
    rules: bool = False  # the client was never shown the attendance rules: add the short form
    hold: timedelta | None = None  # a waitlist offer: how long the slot is held for the client
    moving: bool = False  # a waitlist offer that moves the client's booking
    proposed: datetime | None = None  # the answer to a move: the time the client asked for

    @classmethod
    def of(
        cls,
        appointment: Appointment,
        *,
        locale: str,
        salon_name: str,
        zone: ZoneInfo,
        currency: str = "EUR",
    ) -> MessageContext:
        """The context of a loaded appointment (with its client, master and service)."""
        return cls(
            appointment_id=appointment.id,
            version=appointment.version,
            client_name=addressable_name(appointment.client.name),
            locale=locale,
            salon_name=salon_name,
            service=localized_name(appointment.service.name, appointment.service.names, locale),
            staff=localized_name(appointment.staff.name, appointment.staff.names, locale),
            starts_at=appointment.starts_at,
            zone=zone,
            deposit_due=appointment.deposit_due,
            discount=appointment.discount or appointment.client.loyalty_discount,
            currency=currency,
            rules=not appointment.client.shown_rules,
        )


@dataclass(frozen=True, slots=True)
class RenderedMessage:
    text: str
    buttons: tuple[Button, ...] = ()
    template: TemplateMessage | None = None  # the same as an approved WhatsApp template


class Renderer(Protocol):
    def render(self, *, script: Script, context: MessageContext) -> RenderedMessage: ...

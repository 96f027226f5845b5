"""Rendering an outbox message for one client.

``Renderer`` is what the dispatcher calls. ``PlainRenderer`` is the built-in one: short English
texts with dates and times formatted by Babel in the salon's zone. The editable per-language
scripts in ``scripts_templates/`` (the conversation engine) replace it behind the same protocol.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_time

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


class PlainRenderer:
    """Short English messages; Confirm / Cancel / Reschedule buttons on the reminder that asks."""

    def render(self, *, script: Script, context: MessageContext) -> RenderedMessage:
        local = context.starts_at.astimezone(context.zone)
        day = format_date(local, format="full", locale="en")
        at = format_time(local, format="short", locale="en")
        visit = f"{context.service} with {context.staff} on {day} at {at}"
        if script is Script.BOOKING_CONFIRMATION:
            opening = "Your appointment has moved" if context.version > 1 else "You are booked"
            return RenderedMessage(
                f"Hello {context.client_name}! {opening}: {visit} at {context.salon_name}. "
                "Please come on time, so your master never has to rush. If your plans change, "
                "just reply here to cancel or move it — no need to call."
            )
        if script is Script.REMINDER_ASK:
            buttons = tuple(
                Button(label, intent, context.appointment_id, context.version)
                for label, intent in (
                    ("Confirm", "confirm"),
                    ("Cancel", "cancel"),
                    ("Reschedule", "reschedule"),
                )
            )
            return RenderedMessage(
                f"Hello {context.client_name}, a reminder: {visit}. Will you come? Please "
                "answer with a button, and tell us if your plans change.",
                buttons,
            )
        return RenderedMessage(f"See you soon, {context.client_name}: {visit}.")

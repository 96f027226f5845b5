"""``showup chat``: talk to ShowUp as one of the salon's clients, in the terminal."""

from __future__ import annotations

import asyncio
from typing import Annotated

import typer

from bot.channels.base import InboundMessage, OutboundMessage
from bot.channels.console import ConsoleChannel
from bot.cli.common import (
    Ledger,
    client_by_option,
    console,
    fail,
    open_ledger,
    run,
    scripts_or_exit,
    settings_or_exit,
)
from bot.clock import SystemClock
from bot.config import Settings
from bot.conversation.dialog import Dialog, DialogSetup
from bot.conversation.render import MessageContext
from bot.conversation.scripts import ScriptBook
from bot.domain.reminders import Script
from bot.ledger.appointments import next_open_appointment
from bot.ledger.clients import (
    find_client_by_identity,
    link_identity,
)

HELP = (
    "Type as the client would. A number picks a button of the last message. "
    "/remind shows the reminder for the next appointment, /voice and /photo send those, "
    "/quit ends."
)


def chat_command(
    phone: Annotated[
        str | None, typer.Option(help="the client's phone, e.g. +79001234567")
    ] = None,
    client_id: Annotated[int | None, typer.Option(help="…or the client's id")] = None,
) -> None:
    """Chat as a client (an unknown phone starts as a new person, with the intake)."""
    if (phone is None) == (client_id is None):
        fail("give exactly one of --phone or --client-id")
    settings = settings_or_exit()
    scripts = scripts_or_exit(settings)
    run(_chat(settings, scripts, phone, client_id))


async def _chat(
    settings: Settings, scripts: ScriptBook, phone: str | None, client_id: int | None
) -> None:
    channel = ConsoleChannel(console)
    async with open_ledger(settings) as ledger:
        sender = await _sender(settings, ledger, phone, client_id)
        setup = DialogSetup(
            scripts=scripts,
            zone=ledger.zone,
            salon_name=ledger.salon_name,
            default_locale=ledger.locale,
            late_window=settings.late_cancel_window,
        )
        console.print(f"[dim]{HELP}[/]")
        while True:
            try:
                line = (await asyncio.to_thread(input, "you ▸ ")).strip()
            except EOFError:
                break
            if line in {"/quit", "/exit"}:
                break
            if line == "/help" or not line:
                console.print(f"[dim]{HELP}[/]")
                continue
            if line == "/remind":
                await _remind(ledger, scripts, channel, sender, ledger.salon_name)
                continue
            message = _inbound(line, sender, channel)
            async with ledger.sessions() as session:
                replies = await Dialog(session, setup, SystemClock().now()).handle(message)
                await session.commit()
            for reply in replies:
                await channel.send(OutboundMessage(sender, reply.text, reply.buttons))


def _inbound(line: str, sender: str, channel: ConsoleChannel) -> InboundMessage:
    if line in {"/voice", "/photo"}:
        return InboundMessage(channel="console", sender=sender, kind=line[1:])
    if line.isdigit() and 1 <= int(line) <= len(channel.last_buttons):
        return InboundMessage(
            channel="console", sender=sender, button=channel.last_buttons[int(line) - 1]
        )
    return InboundMessage(channel="console", sender=sender, text=line)


async def _sender(
    settings: Settings, ledger: Ledger, phone: str | None, client_id: int | None
) -> str:
    """The console address to chat from, linked to the client when the client exists."""
    async with ledger.sessions() as session:
        client, address = await client_by_option(
            session, settings, phone=phone, client_id=client_id
        )
        if client is None:
            console.print(f"[dim]No client has {address}: you start as a new person.[/]")
            return address
        await link_identity(session, client_id=client.id, channel="console", external_id=address)
        await session.commit()
        console.print(f"[dim]Chatting as {client.name} ({address}).[/]")
        return address


async def _remind(
    ledger: Ledger, scripts: ScriptBook, channel: ConsoleChannel, sender: str, salon: str
) -> None:
    async with ledger.sessions() as session:
        client = await find_client_by_identity(session, channel="console", external_id=sender)
        target = (
            await next_open_appointment(session, client_id=client.id, now=SystemClock().now())
            if client is not None
            else None
        )
    if client is None or target is None:
        console.print("[dim]No upcoming appointment to remind about.[/]")
        return
    rendered = scripts.render(
        script=Script.REMINDER_ASK,
        context=MessageContext.of(
            target, locale=client.locale or ledger.locale, salon_name=salon, zone=ledger.zone
        ),
    )
    await channel.send(OutboundMessage(sender, rendered.text, rendered.buttons))

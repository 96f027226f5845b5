"""``showup waitlist add|list|remove``: clients waiting for a slot to free up."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from bot.cli.common import console, fail, open_ledger, run, settings_or_exit
from bot.clock import SystemClock
from bot.domain.appointments import Actor
from bot.domain.timeutil import day_bounds
from bot.domain.waitlist import Availability, EntryStatus
from bot.ledger import waitlist
from bot.ledger.appointments import Who
from bot.ledger.catalog import find_service, find_staff
from bot.ledger.clients import find_or_create_by_phone

app = typer.Typer(help="The waitlist: add, list and remove.", no_args_is_help=True)
CLI = Who(actor=Actor.ADMIN, channel="cli")
ANY = frozenset({"", "any"})


def _day(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        fail(f"--until {text!r} is not a date; write it like 2026-12-10")


@app.command("add")
def add_command(
    phone: Annotated[str, typer.Option(help="client's phone, e.g. +79001234567")],
    service: Annotated[str, typer.Option(help="service name or id")],
    staff: Annotated[
        str, typer.Option("--staff", "--master", help="master's name or id, or 'any'")
    ] = "any",
    days: Annotated[
        str, typer.Option(help="days that suit: mon-fri, 'mon,wed', weekdays… or any")
    ] = "any",
    times: Annotated[
        str, typer.Option(help="time ranges that suit, e.g. '09:00-13:00,17:00-19:00', or any")
    ] = "any",
    until: Annotated[str | None, typer.Option(help="last day it stands, e.g. 2026-12-10")] = None,
    earlier: Annotated[
        bool, typer.Option("--earlier", help="move their next booking to an earlier free slot")
    ] = False,
    name: Annotated[str, typer.Option(help="client's name (for a new client)")] = "",
    note: Annotated[str | None, typer.Option(help="a note for the admins")] = None,
) -> None:
    """Put a client on the waitlist (at its end)."""
    settings = settings_or_exit()
    last_day = _day(until)

    async def go() -> None:
        async with open_ledger(settings) as ledger, ledger.sessions() as session:
            client, _ = await find_or_create_by_phone(
                session, phone=phone, name=name or phone, phone_region=settings.phone_region
            )
            entry = await waitlist.add_entry(
                session,
                request=waitlist.EntryRequest(
                    client_id=client.id,
                    service_id=(await find_service(session, ref=service)).id,
                    staff_id=(
                        None
                        if staff.strip().lower() in ANY
                        else (await find_staff(session, ref=staff)).id
                    ),
                    availability=Availability.parse(
                        [] if days.strip().lower() in ANY else [days],
                        [] if times.strip().lower() in ANY else [times],
                    ),
                    valid_until=day_bounds(last_day, ledger.zone)[1] if last_day else None,
                    earlier=earlier,
                    source="cli",
                    note=note,
                ),
                who=CLI,
                now=SystemClock().now(),
            )
            await session.commit()
            when = Availability.from_stored(entry.days, entry.ranges).describe() or "any time"
            console.print(
                f"On the waitlist as #{entry.id} (position {entry.position}): "
                f"{escape(client.name)}, {escape(entry.service.name)}, "
                f"{escape(entry.staff.name) if entry.staff else 'any master'}, {when}"
            )

    run(go())


@app.command("list")
def list_command(
    status: Annotated[
        EntryStatus, typer.Option(help="active, booked, removed or expired")
    ] = EntryStatus.ACTIVE,
) -> None:
    """The waitlist in order: the first is offered a freed slot first."""
    settings = settings_or_exit()

    async def go() -> None:
        async with open_ledger(settings) as ledger, ledger.sessions() as session:
            entries = await waitlist.list_entries(session, status=status, limit=1000)
        if not entries:
            console.print(f"No {status.value} waitlist entries.")
            return
        table = Table(show_edge=False)
        for column in ("#", "client", "phone", "service", "master", "when", "until", "earlier"):
            table.add_column(column)
        for entry in entries:
            until_text = (
                f"{entry.valid_until.astimezone(ledger.zone):%Y-%m-%d %H:%M}"
                if entry.valid_until
                else ""
            )
            table.add_row(
                str(entry.id),
                escape(entry.client.name),
                entry.client.phone or "",
                escape(entry.service.name),
                escape(entry.staff.name) if entry.staff else "any",
                Availability.from_stored(entry.days, entry.ranges).describe() or "any time",
                until_text,
                f"#{entry.appointment_id}" if entry.earlier else "",
            )
        console.print(table)

    run(go())


@app.command("remove")
def remove_command(entry_id: Annotated[int, typer.Argument(help="the entry's number")]) -> None:
    """Take an entry off the waitlist."""
    settings = settings_or_exit()

    async def go() -> None:
        async with open_ledger(settings) as ledger, ledger.sessions() as session:
            entry = await waitlist.remove_entry(
                session, entry_id=entry_id, who=CLI, now=SystemClock().now(), reason="by the CLI"
            )
            await session.commit()
            console.print(f"Removed #{entry.id} ({escape(entry.client.name)}) from the waitlist.")

    run(go())

"""``showup book``, ``showup today`` and ``showup import``."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from bot.admin.board import CHOSEN, PROPOSED, REBOOK, STATUS_LABELS, BoardRow, day_board
from bot.admin.texts import AdminTexts
from bot.cli.common import (
    EXIT_CONFIG,
    console,
    err_console,
    fail,
    open_ledger,
    run,
    settings_or_exit,
)
from bot.clock import SystemClock
from bot.domain.appointments import Actor, AppointmentStatus
from bot.ledger.appointments import BookingRequest, Who, book
from bot.ledger.booking_rules import Sanity
from bot.ledger.catalog import find_service, find_staff
from bot.ledger.clients import find_or_create_by_phone
from bot.ledger.csv_import import (
    CsvFormatError,
    ImportOptions,
    decode_csv,
    import_rows,
    parse_start,
    read_rows,
)

MAX_SOURCE = 32  # the length of appointments.source

STATUS_STYLE = {
    AppointmentStatus.BOOKED: "yellow",
    AppointmentStatus.CONFIRMED: "green",
    AppointmentStatus.ARRIVED: "bold green",
    AppointmentStatus.COMPLETED: "dim",
    AppointmentStatus.CANCELLED: "dim red",
    AppointmentStatus.NO_SHOW: "bold red",
}


def book_command(
    phone: Annotated[str, typer.Option(help="client's phone, e.g. +79001234567")],
    at: Annotated[str, typer.Option(help="start in salon time, e.g. '2026-11-23 14:00'")],
    service: Annotated[str, typer.Option(help="service name or id")],
    staff: Annotated[str, typer.Option("--staff", "--master", help="master's name or id")],
    name: Annotated[str, typer.Option(help="client's name (for a new client)")] = "",
    locale: Annotated[str | None, typer.Option(help="client's language: ru, en, es or tr")] = None,
    notes: Annotated[str | None, typer.Option(help="a note for the master")] = None,
    force: Annotated[
        bool,
        typer.Option(
            "--force",
            help="book even in the past, outside the master's hours, in their time off or over "
            "another appointment (recorded in the appointment's history)",
        ),
    ] = False,
) -> None:
    """Book one appointment from the command line.

    A time in the past, outside the master's hours (`showup hours`), in their time off
    (`showup time-off`) or overlapping another appointment is refused with the reason;
    `--force` books it anyway. `showup slots` lists the free times.
    """
    settings = settings_or_exit()

    async def go() -> None:
        async with open_ledger(settings) as ledger, ledger.sessions() as session:
            starts_at = parse_start(at, ledger.zone)
            client, created = await find_or_create_by_phone(
                session,
                phone=phone,
                name=name or phone,
                phone_region=settings.phone_region,
                locale=locale,
            )
            result = await book(
                session,
                request=BookingRequest(
                    client_id=client.id,
                    staff_id=(await find_staff(session, ref=staff)).id,
                    service_id=(await find_service(session, ref=service)).id,
                    starts_at=starts_at,
                    source="cli",
                    notes=notes,
                ),
                who=Who(actor=Actor.ADMIN, channel="cli"),
                now=SystemClock().now(),
                rules=settings.reminder_rules(ledger.zone),
                policy=ledger.policy,
                sanity=Sanity.FORCE if force else Sanity.ENFORCE,
            )
            await session.commit()
            a = result.appointment
            local = a.starts_at.astimezone(ledger.zone)
            console.print(
                f"Booked #{a.id}: {client.name} ({client.phone})"
                f"{' — new client' if created else ''}, {a.service.name} with {a.staff.name}, "
                f"{local:%a %d %b %Y %H:%M}–{a.ends_at.astimezone(ledger.zone):%H:%M} "
                f"({ledger.zone.key})"
            )
            for problem in result.warnings:
                err_console.print(f"[yellow]Forced:[/] {escape(problem.message)}", soft_wrap=True)

    run(go())


def _wish(row: BoardRow) -> str:
    """A client's pending request to move, with the time they proposed or chose."""
    texts = AdminTexts("en")  # like the rest of this table
    return "".join(f", {texts.note(e)}" for e in row.extras if e[0] in {PROPOSED, CHOSEN, REBOOK})


def today_command(
    day: Annotated[
        str | None, typer.Option("--date", help="YYYY-MM-DD in salon time (default: today)")
    ] = None,
) -> None:
    """The day's board: every appointment with its status."""
    settings = settings_or_exit()
    try:
        wanted = date.fromisoformat(day) if day else None
    except ValueError:
        fail(f"--date {day!r} is not a date; write it as YYYY-MM-DD")

    async def go() -> None:
        async with open_ledger(settings) as ledger, ledger.sessions() as session:
            target = wanted or SystemClock().now().astimezone(ledger.zone).date()
            board = await day_board(session, day=target, zone=ledger.zone)
        counts = ", ".join(
            f"{board.counts[s]} {STATUS_LABELS[s]}" for s in AppointmentStatus if s in board.counts
        )
        count = len(board.rows)
        title = (
            f"{board.day:%A %d %B %Y} ({board.zone}) — "
            f"{count} appointment{'' if count == 1 else 's'}"
        )
        console.print(f"[bold]{title}[/]" + (f": {counts}" if counts else ""))
        if not board.rows:
            console.print("Nothing booked for this day.")
            return
        table = Table(show_edge=False)
        for column in ("#", "time", "client", "phone", "master", "service", "status"):
            table.add_column(column)
        for row in board.rows:
            table.add_row(
                str(row.appointment_id),
                f"{row.start}–{row.end}",
                row.client,
                row.phone or "",
                row.staff,
                row.service,
                f"[{STATUS_STYLE[row.status]}]{row.label}[/]{_wish(row)}",
            )
        console.print(table)

    run(go())


def import_command(
    file: Annotated[Path, typer.Argument(help="CSV file with a header row (see README)")],
    source: Annotated[
        str, typer.Option(help="name of the system the file comes from; part of the row's key")
    ] = "csv",
    create_missing: Annotated[
        bool, typer.Option(help="create masters and services the file names but ShowUp lacks")
    ] = False,
) -> None:
    """Import appointments from CSV; good rows are kept, bad rows reported by line.

    Exits 1 when any row was rejected, 2 when the file itself cannot be read.
    """
    settings = settings_or_exit()
    if not 0 < len(source) <= MAX_SOURCE:
        fail(f"--source must be 1 to {MAX_SOURCE} characters", code=EXIT_CONFIG)
    try:
        data = file.read_bytes()
    except FileNotFoundError:
        fail(f"{file}: no such file", code=EXIT_CONFIG)
    except OSError as exc:
        fail(f"{file}: {exc.strerror or exc}", code=EXIT_CONFIG)
    try:
        parsed = read_rows(decode_csv(data))
    except CsvFormatError as exc:
        fail(f"{file}: {exc}", code=EXIT_CONFIG)
    if parsed.ignored:
        err_console.print(f"Ignoring unknown column(s): {escape(', '.join(parsed.ignored))}")

    async def go() -> int:
        async with open_ledger(settings) as ledger, ledger.sessions() as session:
            options = ImportOptions(
                source=source,
                zone=ledger.zone,
                phone_region=settings.phone_region,
                late_window=settings.late_cancel_window,
                rules=settings.reminder_rules(ledger.zone),
                create_missing=create_missing,
                policy=ledger.policy,
            )
            with Progress(
                TextColumn("Importing"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=err_console,
                transient=True,
            ) as progress:
                task = progress.add_task("rows", total=len(parsed.rows))
                report = await import_rows(
                    session,
                    rows=parsed.rows,
                    rejected=parsed.rejected,
                    options=options,
                    now=SystemClock().now(),
                    on_row=lambda: progress.advance(task),
                )
        for rejected in report.rejected:
            err_console.print(
                f"[red]line {rejected.line}:[/] {escape(rejected.reason)}", soft_wrap=True
            )
        for warning in report.warnings:
            err_console.print(
                f"[yellow]line {warning.line}:[/] {escape(warning.reason)}", soft_wrap=True
            )
        console.print(
            f"{file.name}: {report.created} created, {report.updated} updated, "
            f"{report.unchanged} unchanged, {len(report.rejected)} rejected"
            + (f", {len(report.warnings)} with a warning" if report.warnings else "")
        )
        return len(report.rejected)

    if run(go()):
        raise typer.Exit(1)

"""``showup hours …``, ``showup time-off …`` and ``showup slots``: when masters work and what
is still free."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from bot.cli.common import console, err_console, fail, open_ledger, run, settings_or_exit
from bot.clock import SystemClock
from bot.domain.appointments import Actor
from bot.domain.schedules import parse_week
from bot.domain.slots import MAX_DAYS
from bot.domain.timeutil import day_bounds
from bot.ledger import availability, schedules
from bot.ledger.appointments import Who
from bot.ledger.catalog import find_service, find_staff, list_staff
from bot.ledger.csv_import import parse_start
from bot.ledger.slots import find_slots
from bot.ledger.staff_services import refuse_not_offered

CLI = Who(actor=Actor.ADMIN, channel="cli")
EARLIEST = datetime(1900, 1, 1, tzinfo=UTC)
LATEST = datetime(3000, 1, 1, tzinfo=UTC)
WEEK_HELP = (
    "e.g. 'mon-fri 09:00-19:00; sat 10:00-14:00,15:00-17:00' (days not named are days off; "
    "several ranges a day for breaks; 'daily' for all seven days)"
)

hours_app = typer.Typer(
    help="Working hours: the salon's, and a master's own week that replaces them.",
    no_args_is_help=True,
)
time_off_app = typer.Typer(
    help="Time off: a master's vacation, day off or doctor's visit, or the salon closed.",
    no_args_is_help=True,
)


def _day(text: str, option: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        fail(f"{option} {text!r} is not a date; write it as YYYY-MM-DD")


@hours_app.command("show")
def show_hours(
    master: Annotated[
        str | None, typer.Argument(help="a master's name or id (default: all)")
    ] = None,
) -> None:
    """The hours in force for each master: their own, the salon's, or any time (none set)."""
    settings = settings_or_exit()

    async def go() -> None:
        async with open_ledger(settings) as ledger, ledger.sessions() as session:
            masters = (
                [await find_staff(session, ref=master)] if master else await list_staff(session)
            )
            table = Table(show_edge=False)
            for column in ("#", "master", "hours", "from", "buffer"):
                table.add_column(column)
            for staff in masters:
                schedule = await availability.schedule_of(session, staff_id=staff.id)
                text = schedule.week.describe() if schedule.week else "any time"
                minutes = int(schedule.buffer.total_seconds() // 60)
                own = "" if staff.buffer_minutes is not None else " (salon's)"
                table.add_row(
                    str(staff.id), staff.name, text, schedule.source, f"{minutes} min{own}"
                )
        if not masters:
            console.print("No masters yet: add one with `showup staff add NAME`.")
            return
        console.print(table)

    run(go())


@hours_app.command("set")
def set_hours(
    master: Annotated[str, typer.Argument(help="the master's name or id")],
    week: Annotated[str, typer.Argument(help=f"the master's own week, {WEEK_HELP}")],
    buffer: Annotated[
        int | None,
        typer.Option(min=0, max=240, help="minutes kept free after each of their appointments"),
    ] = None,
) -> None:
    """Give a master their own working week (it replaces the salon's hours for them)."""
    settings = settings_or_exit()

    async def go() -> None:
        async with open_ledger(settings) as ledger, ledger.sessions() as session:
            staff = await find_staff(session, ref=master)
            now = SystemClock().now()
            schedule = await schedules.set_hours(
                session, staff_id=staff.id, week=parse_week(week), who=CLI, now=now
            )
            if buffer is not None:
                schedule = await schedules.set_buffer(
                    session, staff_id=staff.id, minutes=buffer, who=CLI, now=now
                )
            await session.commit()
        text = schedule.week.describe() if schedule.week else "any time"
        console.print(f"{staff.name} works {text}")
        if buffer is not None:
            console.print(f"with {buffer} min between appointments")

    run(go())


@hours_app.command("clear")
def clear_hours(
    master: Annotated[str, typer.Argument(help="the master's name or id")],
) -> None:
    """Put a master back on the salon's hours (and the salon's buffer)."""
    settings = settings_or_exit()

    async def go() -> None:
        async with open_ledger(settings) as ledger, ledger.sessions() as session:
            staff = await find_staff(session, ref=master)
            now = SystemClock().now()
            await schedules.set_hours(session, staff_id=staff.id, week=None, who=CLI, now=now)
            schedule = await schedules.set_buffer(
                session, staff_id=staff.id, minutes=None, who=CLI, now=now
            )
            await session.commit()
        text = schedule.week.describe() if schedule.week else "any time (no salon hours set)"
        console.print(f"{staff.name} works the salon's hours: {text}")

    run(go())


@hours_app.command("salon")
def salon_hours(
    week: Annotated[str, typer.Argument(help=f"{WEEK_HELP}, one range a day; or 'always'")],
    buffer: Annotated[
        int | None,
        typer.Option(min=0, max=240, help="minutes kept free after every appointment"),
    ] = None,
) -> None:
    """Set the salon's hours, every master's default ('always': accept any time).

    SHOWUP_OPENING_HOURS and SHOWUP_BUFFER, when set, win again at the next start.
    """
    settings = settings_or_exit()

    async def go() -> None:
        async with open_ledger(settings) as ledger, ledger.sessions() as session:
            parsed = parse_week(week)
            await schedules.set_salon_hours(
                session,
                week=None if parsed.is_always else parsed,
                who=CLI,
                now=SystemClock().now(),
                buffer_minutes=buffer,
            )
            await session.commit()
        console.print(f"The salon's hours: {parsed.describe()}")
        if "opening_hours" in settings.model_fields_set:
            err_console.print(
                "[yellow]Note:[/] SHOWUP_OPENING_HOURS is set and will win at the next start."
            )

    run(go())


@time_off_app.command("add")
def add_time_off(
    master: Annotated[
        str | None, typer.Argument(help="the master's name or id (leave out with --salon)")
    ] = None,
    day: Annotated[
        str | None, typer.Option("--date", help="a whole day off, YYYY-MM-DD (salon time)")
    ] = None,
    until: Annotated[
        str | None, typer.Option(help="with --date: the last day off (inclusive), YYYY-MM-DD")
    ] = None,
    start: Annotated[
        str | None, typer.Option("--from", help="start, e.g. '2026-12-01 14:00' (salon time)")
    ] = None,
    end: Annotated[str | None, typer.Option("--to", help="end, e.g. '2026-12-01 16:00'")] = None,
    reason: Annotated[str | None, typer.Option(help="vacation, doctor…")] = None,
    salon: Annotated[
        bool, typer.Option("--salon", help="the whole salon is closed (no master)")
    ] = False,
) -> None:
    """Add time off: whole days (--date [--until]) or a range (--from --to).

    Appointments already booked then are kept and listed, so you can move or cancel them.
    """
    settings = settings_or_exit()
    if (master is None) != salon:
        fail("name a master, or give --salon for the whole salon (not both)")
    if (day is None) == (start is None and end is None):
        fail("give either --date (and --until) or --from and --to")
    if day is None and (start is None or end is None):
        fail("give both --from and --to")

    async def go() -> None:
        async with open_ledger(settings) as ledger, ledger.sessions() as session:
            zone = ledger.zone
            if day is not None:
                lower, _ = day_bounds(_day(day, "--date"), zone)
                _, upper = day_bounds(_day(until or day, "--until"), zone)
            else:
                lower, upper = parse_start(start or "", zone), parse_start(end or "", zone)
            staff = await find_staff(session, ref=master) if master else None
            off = await schedules.add_time_off(
                session,
                staff_id=staff.id if staff else None,
                starts_at=lower,
                ends_at=upper,
                who=CLI,
                now=SystemClock().now(),
                reason=reason,
            )
            booked = await availability.appointments_during(
                session, staff_id=off.staff_id, start=lower, end=upper
            )
            await session.commit()
        who = staff.name if staff else "The salon"
        console.print(
            f"Time off #{off.id}: {who} away {lower.astimezone(zone):%a %d %b %Y %H:%M} – "
            f"{upper.astimezone(zone):%a %d %b %Y %H:%M} ({zone.key})"
            + (f", {escape(reason)}" if reason else "")
        )
        for appointment in booked:
            err_console.print(
                f"[yellow]Still booked then:[/] #{appointment.id} "
                f"{escape(appointment.client.name)} "
                f"{appointment.starts_at.astimezone(zone):%a %d %b %H:%M} "
                f"with {escape(appointment.staff.name)}",
                soft_wrap=True,
            )

    run(go())


@time_off_app.command("list")
def list_time_off(
    master: Annotated[
        str | None, typer.Argument(help="a master's name or id (default: all)")
    ] = None,
    past: Annotated[bool, typer.Option("--past", help="include time off that has ended")] = False,
) -> None:
    """Time off that has not ended yet (with --past, all of it), the salon's closures too."""
    settings = settings_or_exit()

    async def go() -> None:
        async with open_ledger(settings) as ledger, ledger.sessions() as session:
            staff = await find_staff(session, ref=master) if master else None
            found = await availability.time_off_between(
                session,
                staff_ids=[staff.id] if staff else None,
                start=EARLIEST if past else SystemClock().now(),
                end=LATEST,
            )
            names = {s.id: s.name for s in await list_staff(session, include_inactive=True)}
        if not found:
            console.print("No time off.")
            return
        table = Table(show_edge=False)
        for column in ("#", "who", "from", "until", "reason"):
            table.add_column(column)
        for off in found:
            table.add_row(
                str(off.id),
                names.get(off.staff_id, "?") if off.staff_id else "the salon",
                f"{off.starts_at.astimezone(ledger.zone):%a %d %b %Y %H:%M}",
                f"{off.ends_at.astimezone(ledger.zone):%a %d %b %Y %H:%M}",
                off.reason or "",
            )
        console.print(table)

    run(go())


@time_off_app.command("remove")
def remove_time_off(
    time_off_id: Annotated[int, typer.Argument(help="the number `showup time-off list` shows")],
) -> None:
    """Remove a time off (the master is back); its history is kept."""
    settings = settings_or_exit()

    async def go() -> None:
        async with open_ledger(settings) as ledger, ledger.sessions() as session:
            off = await schedules.remove_time_off(
                session, time_off_id=time_off_id, who=CLI, now=SystemClock().now()
            )
            await session.commit()
        console.print(f"Removed time off #{off.id}.")

    run(go())


def slots_command(
    service: Annotated[str, typer.Option(help="service name or id")],
    staff: Annotated[
        str | None, typer.Option("--master", "--staff", help="one master (default: any)")
    ] = None,
    day: Annotated[
        str | None, typer.Option("--date", help="first day, YYYY-MM-DD (default: today)")
    ] = None,
    days: Annotated[int, typer.Option(min=1, max=MAX_DAYS, help="how many days")] = 1,
) -> None:
    """Free start times for a service: working hours minus time off minus appointments."""
    settings = settings_or_exit()
    wanted = _day(day, "--date") if day else None

    async def go() -> None:
        async with open_ledger(settings) as ledger, ledger.sessions() as session:
            now = SystemClock().now()
            first = wanted or now.astimezone(ledger.zone).date()
            chosen = await find_service(session, ref=service)
            master = await find_staff(session, ref=staff) if staff else None
            if master is not None:
                await refuse_not_offered(session, staff_id=master.id, service=chosen)
            lower, _ = day_bounds(first, ledger.zone)
            _, upper = day_bounds(first + timedelta(days=days - 1), ledger.zone)
            found = await find_slots(
                session,
                service_id=chosen.id,
                staff_id=master.id if master else None,
                start=lower,
                end=upper,
                now=now,
                step=settings.slot_step,
            )
        console.print(
            f"[bold]{chosen.name}[/] ({chosen.duration_minutes} min), "
            f"{first:%a %d %b %Y}{f' + {days - 1} days' if days > 1 else ''} "
            f"({ledger.zone.key}): {len(found)} free start(s)"
        )
        by_day: dict[tuple[date, str], list[str]] = {}
        for slot in found:
            by_day.setdefault((slot.local.date(), slot.staff_name), []).append(
                f"{slot.local:%H:%M}"
            )
        for (when, name), times in by_day.items():
            console.print(f"{when:%a %d %b} · {name}: {' '.join(times)}", soft_wrap=True)

    run(go())

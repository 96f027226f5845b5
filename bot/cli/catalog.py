"""``showup staff …`` and ``showup services …``: what a salon sets up before the first booking."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Annotated

import typer
from rich.table import Table

from bot.cli.common import console, fail, open_ledger, run, settings_or_exit
from bot.ledger import catalog, staff_services

staff_app = typer.Typer(
    help="Masters: add, list, name in other languages and say which services they do.",
    no_args_is_help=True,
)
services_app = typer.Typer(
    help="Services: add, list and name in other languages.", no_args_is_help=True
)
NAMES_HELP = "the name in another language, e.g. --name es=Corte (repeat for more)"


def _names(pairs: list[str] | None) -> dict[str, str | None]:
    """``["es=Corte", "ru="]`` → ``{"es": "Corte", "ru": None}`` (empty: remove)."""
    names: dict[str, str | None] = {}
    for pair in pairs or []:
        locale, sep, text = pair.partition("=")
        if not sep or not locale.strip():
            fail(f"{pair!r}: write a translation as LANGUAGE=NAME, e.g. es=Corte")
        names[locale.strip().lower()] = text.strip() or None
    return names


def _shown(names: dict[str, str] | None) -> str:
    return ", ".join(f"{locale}: {text}" for locale, text in sorted((names or {}).items()))


@staff_app.command("add")
def add_staff(
    name: Annotated[str, typer.Argument(help="the master's name")],
    names: Annotated[list[str] | None, typer.Option("--name", help=NAMES_HELP)] = None,
) -> None:
    """Add a master."""
    settings = settings_or_exit()
    translations = _names(names)

    async def go() -> None:
        async with open_ledger(settings) as ledger, ledger.sessions() as session:
            staff = await catalog.create_staff(session, name=name, names=translations)
            await session.commit()
            console.print(f"Added master #{staff.id}: {staff.name}")

    run(go())


@staff_app.command("list")
def list_staff() -> None:
    """List the active masters."""
    settings = settings_or_exit()

    async def go() -> None:
        async with open_ledger(settings) as ledger, ledger.sessions() as session:
            found = await catalog.list_staff(session)
        if not found:
            console.print("No masters yet: add one with `showup staff add NAME`.")
            return
        for staff in found:
            other = _shown(staff.names)
            console.print(f"#{staff.id}  {staff.name}{f'  ({other})' if other else ''}")

    run(go())


@staff_app.command("names")
def staff_names(
    master: Annotated[str, typer.Argument(help="the master's id or name")],
    names: Annotated[list[str], typer.Argument(help="LANGUAGE=NAME … (LANGUAGE= removes)")],
) -> None:
    """Name a master in other languages: clients reading them see that name."""
    settings = settings_or_exit()
    translations = _names(names)

    async def go() -> None:
        async with open_ledger(settings) as ledger, ledger.sessions() as session:
            staff = await catalog.find_staff(session, ref=master)
            await catalog.update_staff(session, staff_id=staff.id, names=translations)
            await session.commit()
            console.print(f"#{staff.id}  {staff.name}: {_shown(staff.names) or 'no translations'}")

    run(go())


@staff_app.command("services")
def staff_services_command(
    master: Annotated[str, typer.Argument(help="the master's id or name")],
    services: Annotated[
        list[str] | None,
        typer.Argument(help="the services they do, by id or name (none: show the list)"),
    ] = None,
    every: Annotated[
        bool, typer.Option("--all", help="they do every service (the default): drop the list")
    ] = False,
) -> None:
    """Show or set the services a master does: "any master" slots, booking checks and the
    waitlist follow it. A master without a list does every service."""
    settings = settings_or_exit()
    if every and services:
        fail("give services or --all, not both")

    async def go() -> None:
        async with open_ledger(settings) as ledger, ledger.sessions() as session:
            staff = await catalog.find_staff(session, ref=master)
            if services or every:
                ids = [(await catalog.find_service(session, ref=ref)).id for ref in services or []]
                found = await staff_services.set_services_of(
                    session, staff_id=staff.id, service_ids=ids
                )
                await session.commit()
            else:
                found = await staff_services.services_of(session, staff_id=staff.id)
        if found is None:
            console.print(f"#{staff.id}  {staff.name}: every service")
        else:
            console.print(f"#{staff.id}  {staff.name}: {', '.join(s.name for s in found)}")

    run(go())


def _money(text: str | None, option: str) -> Decimal | None:
    if text is None:
        return None
    try:
        return Decimal(text.replace(",", "."))
    except InvalidOperation:
        fail(f"{option} {text!r} is not an amount; write it like 1500 or 12.50")


@services_app.command("add")
def add_service(
    name: Annotated[str, typer.Argument(help="the service's name")],
    minutes: Annotated[int, typer.Option(help="how long it takes")],
    price: Annotated[str, typer.Option(help="price, e.g. 1500 or 12.50")],
    deposit: Annotated[str | None, typer.Option(help="deposit, when one is taken")] = None,
    names: Annotated[list[str] | None, typer.Option("--name", help=NAMES_HELP)] = None,
) -> None:
    """Add a service."""
    settings = settings_or_exit()
    translations = _names(names)
    amount = _money(price, "--price")
    assert amount is not None  # noqa: S101 - a required option is never None
    deposit_amount = _money(deposit, "--deposit")

    async def go() -> None:
        async with open_ledger(settings) as ledger, ledger.sessions() as session:
            service = await catalog.create_service(
                session,
                name=name,
                duration_minutes=minutes,
                price=amount,
                deposit=deposit_amount,
                names=translations,
            )
            await session.commit()
            console.print(
                f"Added service #{service.id}: {service.name}, {service.duration_minutes} min, "
                f"{service.price} {settings.currency}"
            )

    run(go())


@services_app.command("list")
def list_services() -> None:
    """List the active services."""
    settings = settings_or_exit()

    async def go() -> None:
        async with open_ledger(settings) as ledger, ledger.sessions() as session:
            found = await catalog.list_services(session)
        if not found:
            console.print(
                "No services yet: add one with "
                "`showup services add NAME --minutes 60 --price 1500`."
            )
            return
        table = Table(show_edge=False)
        for column in ("#", "service", "minutes", "price", "deposit", "other languages"):
            table.add_column(column)
        for s in found:
            table.add_row(
                str(s.id),
                s.name,
                str(s.duration_minutes),
                str(s.price),
                str(s.deposit or ""),
                _shown(s.names),
            )
        console.print(table)

    run(go())


@services_app.command("names")
def service_names(
    service: Annotated[str, typer.Argument(help="the service's id or name")],
    names: Annotated[list[str], typer.Argument(help="LANGUAGE=NAME … (LANGUAGE= removes)")],
) -> None:
    """Name a service in other languages: clients reading them see that name."""
    settings = settings_or_exit()
    translations = _names(names)

    async def go() -> None:
        async with open_ledger(settings) as ledger, ledger.sessions() as session:
            found = await catalog.find_service(session, ref=service)
            await catalog.update_service(session, service_id=found.id, names=translations)
            await session.commit()
            console.print(f"#{found.id}  {found.name}: {_shown(found.names) or 'no translations'}")

    run(go())

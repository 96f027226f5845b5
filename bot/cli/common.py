"""What every CLI command shares: settings, logging, the database, and turning errors into text."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Coroutine
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any, NoReturn, TypeVar
from zoneinfo import ZoneInfo

import typer
from rich.console import Console
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.config import Settings, load_settings
from bot.conversation.scripts import ScriptBook, ScriptError, load_scripts
from bot.domain.phones import normalize_phone
from bot.errors import ConfigError, DatabaseNotReadyError, ShowUpError
from bot.ledger.attendance import AttendancePolicy, policy_from
from bot.ledger.clients import find_by_phone, get_client
from bot.ledger.salon import ensure_salon
from db.engine import create_engine, create_session_factory
from db.models import Client, Salon
from migrations.runner import require_current_schema

T = TypeVar("T")

console = Console(highlight=False)
err_console = Console(stderr=True, highlight=False)

EXIT_ERROR = 1
EXIT_CONFIG = 2


def fail(message: str, *, code: int = EXIT_ERROR) -> NoReturn:
    err_console.print(f"[bold red]Error:[/] {message}", soft_wrap=True)
    raise typer.Exit(code)


def settings_or_exit() -> Settings:
    """The settings, or a clear list of what is wrong in them and exit code 2."""
    try:
        settings = load_settings()
    except ConfigError as exc:
        err_console.print("[bold red]Configuration error[/] (environment or .env):")
        for line in str(exc).splitlines():
            err_console.print(f"  {line}", soft_wrap=True)
        raise typer.Exit(EXIT_CONFIG) from None
    logging.basicConfig(
        level=settings.log_level,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    # alembic narrates every step at INFO; the CLI prints its own one-line summary instead
    logging.getLogger("alembic").setLevel(max(logging.WARNING, logging.getLogger().level))
    # httpx (under pywa) logs every Graph API request at INFO; keep it for DEBUG
    logging.getLogger("httpx").setLevel(
        logging.DEBUG if settings.log_level == "DEBUG" else logging.WARNING
    )
    return settings


def scripts_or_exit(settings: Settings) -> ScriptBook:
    """The salon's scripts, or every problem in them (file and line) and exit code 2."""
    try:
        return load_scripts(settings)
    except ScriptError as exc:
        err_console.print(f"[bold red]Scripts error:[/] {exc}", soft_wrap=True)
        raise typer.Exit(EXIT_CONFIG) from None


def run(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run a command's coroutine; a ShowUp error becomes one red line and a non-zero exit."""
    try:
        return asyncio.run(coroutine)
    except ConfigError as exc:
        fail(str(exc), code=EXIT_CONFIG)
    except DatabaseNotReadyError as exc:
        fail(str(exc))
    except ShowUpError as exc:
        fail(str(exc))


def describe_database(url: str) -> str:
    """The database URL with any password hidden, for messages."""
    return make_url(url).render_as_string(hide_password=True)


@dataclass(frozen=True, slots=True)
class Ledger:
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    zone: ZoneInfo
    salon_name: str
    locale: str
    policy: AttendancePolicy


@asynccontextmanager
async def open_ledger(settings: Settings) -> AsyncIterator[Ledger]:
    """Connect, refuse an unmigrated database, make sure the salon row exists."""
    engine = create_engine(settings.database_url)
    try:
        await require_current_schema(engine)
        sessions = create_session_factory(engine)
        salon = await _salon_row(sessions, settings)
        yield Ledger(
            engine=engine,
            sessions=sessions,
            zone=ZoneInfo(salon.timezone),
            salon_name=salon.name,
            locale=salon.locale,
            policy=policy_from(settings, salon),
        )
    finally:
        await engine.dispose()


async def _salon_row(sessions: async_sessionmaker[AsyncSession], settings: Settings) -> Salon:
    """The salon row, created on the first start. Two processes starting at once on a new
    PostgreSQL database may both create it: the one that loses reads the winner's row."""
    for attempt in (1, 2):
        async with sessions() as session:
            try:
                salon = await ensure_salon(session, settings=settings)
                await session.commit()
            except IntegrityError:
                if attempt == 2:
                    raise
                await session.rollback()
                continue
            return salon
    raise AssertionError("unreachable")  # pragma: no cover


async def client_by_option(
    session: AsyncSession, settings: Settings, *, phone: str | None, client_id: int | None
) -> tuple[Client | None, str]:
    """The client named by ``--client-id`` (NotFoundError if unknown) or ``--phone`` (None if
    nobody has it), and the phone as E.164 (or ``client-<id>``)."""
    if client_id is not None:
        client = await get_client(session, client_id=client_id)
        return client, client.phone or f"client-{client.id}"
    assert phone is not None  # noqa: S101 - the commands require one of the two
    e164 = normalize_phone(phone, region=settings.phone_region)
    return await find_by_phone(session, phone=e164), e164

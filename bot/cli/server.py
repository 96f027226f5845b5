"""``showup run``: the service itself."""

from __future__ import annotations

import asyncio
import contextlib
import signal
from collections.abc import Iterator

import uvicorn
from rich.panel import Panel
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import __version__
from bot.admin.alerts import LoggingAlerts
from bot.api.app import create_app
from bot.api.auth import resolve_api_token
from bot.channels.base import Channel
from bot.cli.common import (
    console,
    describe_database,
    open_ledger,
    run,
    scripts_or_exit,
    settings_or_exit,
)
from bot.clock import SystemClock
from bot.config import Settings
from bot.conversation.scripts import load_scripts
from bot.scheduling.factory import create_dispatcher, create_scheduler
from bot.scheduling.scheduler import OutboxScheduler


def run_command() -> None:
    """Start ShowUp: the REST API (and, as they are configured, the messenger channels)."""
    settings = settings_or_exit()
    scripts_or_exit(settings)
    token = resolve_api_token(settings)
    if token.generated:
        console.print(
            Panel(
                f"No SHOWUP_API_TOKEN was set, so ShowUp generated one and saved it in\n"
                f"{token.origin} (readable only by you). It is shown this once:\n\n"
                f"  [bold]{token.value}[/]\n\n"
                "Use it as a bearer token, for example:\n"
                f"  curl -H 'Authorization: Bearer {token.value}' "
                f"http://{settings.api_host}:{settings.api_port}/api/v1/staff\n"
                "Print it again any time with `showup api-token`.",
                title="API token",
            )
        )
    run(_serve(settings, token.value))


class _Server(uvicorn.Server):
    """uvicorn without its own signal handling: ShowUp owns the loop and its shutdown order.

    Stock uvicorn re-raises SIGINT after serving, which would cancel ShowUp's clean-up
    (closing the database) half-way and turn Ctrl+C into a traceback.
    """

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


def _outbox_scheduler(
    settings: Settings,
    sessions: async_sessionmaker[AsyncSession],
    *,
    channels: dict[str, Channel],
) -> OutboxScheduler | None:
    """The dispatcher's scheduler, or None (and a note) when no channel can deliver anything."""
    if not channels:
        console.print(
            "No messenger channel is configured: bookings are stored and their reminders "
            "planned; they go out once a channel is set up (any too late by then are skipped). "
            "To see ShowUp at work without a messenger: `.venv/bin/showup demo` (a whole salon "
            "day in seconds) or `.venv/bin/showup chat --phone <client's phone>` (talk to it "
            "as a client)."
        )
        return None
    dispatcher = create_dispatcher(
        settings=settings,
        sessions=sessions,
        channels=channels,
        renderer=load_scripts(settings),
        alerts=LoggingAlerts(),
        clock=SystemClock(),
    )
    return create_scheduler(settings=settings, dispatcher=dispatcher)


async def _serve(settings: Settings, token: str) -> None:
    async with open_ledger(settings) as ledger:
        app = create_app(settings=settings, session_factory=ledger.sessions, api_token=token)
        base = f"http://{settings.api_host}:{settings.api_port}"
        console.print(
            f"ShowUp {__version__} — database {describe_database(settings.database_url)}"
        )
        console.print(f"REST API on {base}/api/v1, interactive docs on {base}/docs")
        scheduler = _outbox_scheduler(settings, ledger.sessions, channels={})
        server = _Server(
            uvicorn.Config(
                app,
                host=settings.api_host,
                port=settings.api_port,
                log_level=settings.log_level.lower(),
                lifespan="on",
            )
        )
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, server.handle_exit, sig, None)
        if scheduler is not None:
            scheduler.start()
        try:
            await server.serve()
        finally:
            if scheduler is not None:
                await scheduler.shutdown()
        console.print("ShowUp stopped.")

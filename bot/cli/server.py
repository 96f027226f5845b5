"""``showup run``: the service itself."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import signal
import socket
from collections.abc import Iterator
from typing import TYPE_CHECKING

import uvicorn
from fastapi import APIRouter
from rich.panel import Panel

from bot import __version__
from bot.admin.texts import AdminTexts
from bot.api.app import create_app
from bot.api.auth import resolve_api_token
from bot.channels.base import ChannelError
from bot.cli.common import (
    Ledger,
    console,
    describe_database,
    fail,
    open_ledger,
    run,
    scripts_or_exit,
    settings_or_exit,
)
from bot.clock import Clock, SystemClock
from bot.config import Settings
from bot.conversation.scripts import ScriptBook
from bot.logs import uvicorn_log_config
from bot.scheduling.factory import create_dispatcher, create_scheduler
from bot.scheduling.scheduler import OutboxScheduler

if TYPE_CHECKING:
    from bot.channels.telegram import TelegramRuntime
    from bot.cli.messengers import Messengers

logger = logging.getLogger(__name__)


def run_command() -> None:
    """Start ShowUp: the REST API (and, as they are configured, the messenger channels)."""
    settings = settings_or_exit()
    scripts = scripts_or_exit(settings)
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
    run(_serve(settings, token.value, scripts))


class _Server(uvicorn.Server):
    """uvicorn without its own signal handling: ShowUp owns the loop and its shutdown order.

    Stock uvicorn re-raises SIGINT after serving, which would cancel ShowUp's clean-up
    (closing the database) half-way and turn Ctrl+C into a traceback.
    """

    def __init__(self, config: uvicorn.Config) -> None:
        super().__init__(config)
        self.startup_done = asyncio.Event()  # listening, or gave up (``started`` tells which)

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        try:
            await super().startup(sockets=sockets)
        finally:
            self.startup_done.set()


async def _register_webhook(telegram: TelegramRuntime, url: str, secret: str) -> None:
    """Register the webhook, saying what Telegram knows of it; a failure is reported, and
    ShowUp keeps serving (a registration from an earlier start may still deliver)."""
    try:
        hook = await telegram.set_webhook(url, secret)
    except ChannelError as exc:
        console.print(f"[red]Could not register the Telegram webhook {url}: {exc}[/]")
        logger.error("telegram setWebhook failed: %s", exc)
        return
    verb = "set to" if hook.changed else "kept at"
    console.print(f"Telegram webhook {verb} {url}, {hook.pending} updates pending")
    if hook.last_error:
        console.print(f"[yellow]Telegram's last delivery error there: {hook.last_error}[/]")


def _outbox_scheduler(
    settings: Settings,
    ledger: Ledger,
    messengers: Messengers,
    scripts: ScriptBook,
    clock: Clock,
) -> OutboxScheduler | None:
    """The dispatcher's scheduler, or None (and a note) when no channel can deliver anything."""
    if not messengers.channels:
        console.print(
            "No messenger channel is configured (set SHOWUP_TELEGRAM_TOKEN, see README): "
            "bookings are stored and their reminders planned; they go out once a channel is set "
            "up (any too late by then are skipped). To see ShowUp at work without a messenger: "
            "`.venv/bin/showup demo` (a whole salon day in seconds) or "
            "`.venv/bin/showup chat --phone <client's phone>` (talk to it as a client)."
        )
        return None
    dispatcher = create_dispatcher(
        settings=settings,
        sessions=ledger.sessions,
        channels=messengers.channels,
        renderer=messengers.renderer or scripts,
        alerts=messengers.alerts,
        clock=clock,
    )
    scheduler = create_scheduler(settings=settings, dispatcher=dispatcher)
    messengers.schedule(scheduler, settings, ledger)
    return scheduler


async def _start_telegram(settings: Settings, messengers: Messengers, locale: str) -> str | None:
    """Check the bot token with Telegram and set the admins' menu; the bot's username."""
    from aiogram.exceptions import TelegramAPIError  # noqa: PLC0415 - see _serve

    telegram = messengers.telegram
    if telegram is None:
        return None
    try:
        menu = AdminTexts(locale).menu
        username = await telegram.prepare(admins=settings.admin_telegram_ids, menu=menu)
    except TelegramAPIError as exc:
        await telegram.stop()
        fail(
            f"Telegram did not accept the bot (SHOWUP_TELEGRAM_TOKEN): {exc}. Check the token "
            "with @BotFather and that this machine can reach "
            f"{settings.telegram_api_base or 'api.telegram.org'}."
        )
    mode = (
        f"webhook {settings.telegram_webhook_url}"
        if settings.telegram_webhook_url
        else "long polling"
    )
    console.print(f"Telegram: @{username}, {mode}")
    if settings.admin_telegram_ids:
        console.print(
            f"Admins on Telegram: {len(settings.admin_telegram_ids)} "
            "(commands, alerts, inbox relay, morning digest)"
        )
    else:
        console.print(
            "[yellow]No SHOWUP_ADMIN_TELEGRAM_IDS: admin commands, alerts and the inbox relay "
            "are off; clients' questions wait in the inbox.[/]"
        )
    return username


def _webhook_routers(settings: Settings, messengers: Messengers) -> list[APIRouter]:
    """The webhook routes of the configured messengers; each stores into the inbound queue."""
    from bot.api.routes.webhooks import (  # noqa: PLC0415 - see _serve
        WHATSAPP_PATH,
        telegram_router,
        whatsapp_router,
    )

    inbound = messengers.inbound
    if inbound is None:
        return []
    routers = []
    secret = settings.webhook_secret
    if messengers.telegram is not None and settings.telegram_webhook_url and secret:
        routers.append(telegram_router(inbound, secret))
    if messengers.whatsapp is not None:
        assert settings.whatsapp_verify_token is not None  # noqa: S101 - whatsapp_enabled
        assert settings.whatsapp_app_secret is not None  # noqa: S101
        routers.append(
            whatsapp_router(
                inbound,
                verify_token=settings.whatsapp_verify_token.get_secret_value(),
                app_secret=settings.whatsapp_app_secret.get_secret_value(),
            )
        )
        console.print(
            f"WhatsApp: number id {settings.whatsapp_phone_id}, webhook "
            f"{WHATSAPP_PATH} (register https://<your domain>{WHATSAPP_PATH} with Meta)"
        )
    return routers


async def _serve(settings: Settings, token: str, scripts: ScriptBook) -> None:
    # aiogram takes seconds to import: only `showup run` pays for it, not every CLI command
    from bot.cli.messengers import build_messengers  # noqa: PLC0415

    clock = SystemClock()
    async with open_ledger(settings) as ledger:
        messengers = build_messengers(
            settings=settings, ledger=ledger, scripts=scripts, clock=clock
        )
        username = await _start_telegram(settings, messengers, ledger.locale)
        telegram = messengers.telegram
        webhook = settings.telegram_webhook_url if telegram is not None else None
        secret = settings.webhook_secret
        inbound = messengers.inbound
        webhooks = _webhook_routers(settings, messengers)
        app = create_app(
            settings=settings, session_factory=ledger.sessions, api_token=token, webhooks=webhooks
        )
        app.state.telegram_username = username
        base = f"http://{settings.api_host}:{settings.api_port}"
        console.print(
            f"ShowUp {__version__} — database {describe_database(settings.database_url)}"
        )
        console.print(f"REST API on {base}/api/v1, interactive docs on {base}/docs")
        scheduler = _outbox_scheduler(settings, ledger, messengers, scripts, clock)
        server = _Server(
            uvicorn.Config(
                app,
                host=settings.api_host,
                port=settings.api_port,
                log_level=settings.log_level.lower(),
                log_config=uvicorn_log_config(),  # no query strings (tokens) in the log
                lifespan="on",
            )
        )
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, server.handle_exit, sig, None)
        if scheduler is not None:
            scheduler.start()
        if inbound is not None:
            inbound.start()
        try:
            if telegram is not None and not webhook:
                telegram.start_polling()
            # what start-up built (modules, models, scripts: ~400,000 objects) lives as long as
            # the process: out of the collector's sight, a full collection takes milliseconds,
            # not the ~300 ms that stalled every webhook and answer (benchmarks/inbound_live)
            gc.collect()
            gc.freeze()
            serving = asyncio.create_task(server.serve())
            if telegram is not None and webhook and secret:
                # registered once the route answers: Telegram starts delivering at once
                ready = asyncio.create_task(server.startup_done.wait())
                await asyncio.wait({serving, ready}, return_when=asyncio.FIRST_COMPLETED)
                ready.cancel()
                if server.started:
                    await _register_webhook(telegram, webhook, secret)
            await serving
        finally:
            if telegram is not None:
                await telegram.stop()
            if inbound is not None:
                await inbound.stop()
            if scheduler is not None:
                await scheduler.shutdown()
        console.print("ShowUp stopped.")

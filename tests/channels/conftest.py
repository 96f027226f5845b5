"""The Telegram side wired as ``showup run`` wires it, talking HTTP to the Bot API emulator."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from pydantic import SecretStr
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.api.app import create_app
from bot.api.routes.webhooks import WHATSAPP_PATH, whatsapp_router
from bot.channels.telegram import TelegramRuntime
from bot.cli.common import Ledger
from bot.cli.messengers import Messengers, build_messengers
from bot.clock import ManualClock
from bot.config import Settings, load_settings
from bot.ledger.attendance import policy_from
from bot.ledger.clients import link_identity
from bot.ledger.salon import SALON_ID
from bot.scheduling.dispatcher import Dispatcher
from bot.scheduling.factory import create_dispatcher
from bot.scheduling.inbound_worker import InboundWorker
from db.models import Salon
from tests.factories import make_appointment, make_client, make_service, make_staff
from tests.fakes.graph_api import (
    APP_SECRET,
    PHONE_ID,
    VERIFY_TOKEN,
    GraphApiEmulator,
    signed,
)
from tests.fakes.graph_api import TOKEN as WA_TOKEN
from tests.fakes.scripts import SCRIPTS_DIR, script_book
from tests.fakes.telegram_api import TOKEN, BotApiEmulator

ADMIN_ID = 900
CLIENT_CHAT = 111


@pytest.fixture
def database_url(sqlite_database_url: str) -> str:
    """Telegram behaviour does not depend on the backend: SQLite only."""
    return sqlite_database_url


def telegram_settings(
    database_url: str, tmp_path: Path, api_emulator: BotApiEmulator, **extra: object
) -> Settings:
    """The test salon on Telegram (against the emulator), with ``extra`` settings."""
    return load_settings(
        _env_file=None,
        database_url=database_url,
        var_dir=tmp_path / "var",
        timezone="Europe/Madrid",
        phone_region="ES",
        salon_name="Test Salon",
        telegram_token=TOKEN,
        telegram_api_base=api_emulator.base,
        admin_telegram_ids=str(ADMIN_ID),
        chat_min_interval="0s",
        scripts_dir=str(SCRIPTS_DIR),
        **extra,
    )


@pytest.fixture
def tg_settings(database_url: str, tmp_path: Path, api_emulator: BotApiEmulator) -> Settings:
    return telegram_settings(database_url, tmp_path, api_emulator)


async def ledger_for(
    settings: Settings, engine: AsyncEngine, sessions: async_sessionmaker[AsyncSession]
) -> Ledger:
    """What ``open_ledger`` hands ``showup run``, for the test salon in Madrid."""
    async with sessions() as session:
        salon = await session.get(Salon, SALON_ID)
        assert salon is not None
    return Ledger(
        engine=engine,
        sessions=sessions,
        zone=ZoneInfo("Europe/Madrid"),
        salon_name="Test Salon",
        locale="en",
        policy=policy_from(settings, salon),
    )


@dataclass(repr=False)
class Telegram:
    """The running Telegram side plus the handles a test pokes."""

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text("Telegram(...)")  # a failing hypothesis example prints its fixtures

    api: BotApiEmulator
    messengers: Messengers
    runtime: TelegramRuntime
    outbox: Dispatcher
    sessions: async_sessionmaker[AsyncSession]
    clock: ManualClock

    @property
    def inbound(self) -> InboundWorker:
        assert self.messengers.inbound is not None
        return self.messengers.inbound

    async def feed(self, update: dict[str, Any]) -> None:
        """Deliver one update as polling or the webhook would, and wait for its handling."""
        pushed = self.api.push(update)
        await self.runtime.dispatcher.feed_update(self.runtime.bot, self.runtime.parse(pushed))

    async def says(self, user_id: int, text: str, **kwargs: Any) -> None:
        await self.feed(self.api.message_update(user_id, text, **kwargs))

    async def taps(self, user_id: int, message_id: int, data: str) -> None:
        await self.feed(self.api.callback_update(user_id, message_id, data))


@pytest.fixture
async def telegram(
    tg_settings: Settings,
    engine: AsyncEngine,
    sessions: async_sessionmaker[AsyncSession],
    api_emulator: BotApiEmulator,
    clock: ManualClock,
) -> AsyncIterator[Telegram]:
    ledger = await ledger_for(tg_settings, engine, sessions)
    messengers = build_messengers(
        settings=tg_settings, ledger=ledger, scripts=script_book(), clock=clock
    )
    runtime = messengers.telegram
    assert runtime is not None
    await runtime.prepare(admins=tg_settings.admin_telegram_ids, menu=[("today", "Today")])
    outbox = create_dispatcher(
        settings=tg_settings,
        sessions=sessions,
        channels=messengers.channels,
        renderer=script_book(),
        alerts=messengers.alerts,
        clock=clock,
    )
    yield Telegram(api_emulator, messengers, runtime, outbox, sessions, clock)
    await runtime.stop()


async def book_client(
    telegram: Telegram,
    *,
    chat: int | None = CLIENT_CHAT,
    in_hours: float = 30,
    phone: str = "+34600111222",
    locale: str = "ru",
    shown_rules: bool = True,
) -> int:
    """Anna, linked to Telegram chat ``chat``, booked ``in_hours`` from now; unless told
    otherwise she has seen the salon's rules (so her confirmation does not carry them)."""
    async with telegram.sessions() as session:
        client = await make_client(session, phone=phone)
        client.locale = locale
        client.policy_shown_at = telegram.clock.now() if shown_rules else None
        if chat is not None:
            await link_identity(
                session, client_id=client.id, channel="telegram", external_id=str(chat)
            )
        appointment = await make_appointment(
            session,
            client=client,
            staff=await make_staff(session),
            service=await make_service(session),
            starts_at=telegram.clock.now() + timedelta(hours=in_hours),
            now=telegram.clock.now(),
        )
        await session.commit()
        return appointment.id


@dataclass(repr=False)
class WhatsAppSide:
    """Telegram for the admins, WhatsApp for clients, the app serving the webhook."""

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text("WhatsAppSide(...)")

    graph: GraphApiEmulator
    bot_api: BotApiEmulator
    messengers: Messengers
    outbox: Dispatcher
    sessions: async_sessionmaker[AsyncSession]
    clock: ManualClock
    http: httpx.AsyncClient

    async def post(self, payload: Any, *, secret: str = APP_SECRET) -> httpx.Response:
        """Deliver a webhook body signed like Meta's, and wait until it is handled."""
        body, headers = signed(payload, secret)
        response = await self.http.post(WHATSAPP_PATH, content=body, headers=headers)
        assert self.messengers.inbound is not None
        await self.messengers.inbound.idle()
        return response


@pytest.fixture
async def wa(
    tg_settings: Settings,
    engine: AsyncEngine,
    sessions: async_sessionmaker[AsyncSession],
    api_emulator: BotApiEmulator,
    graph_emulator: GraphApiEmulator,
    clock: ManualClock,
) -> AsyncIterator[WhatsAppSide]:
    settings = tg_settings.model_copy(
        update={
            "whatsapp_phone_id": PHONE_ID,
            "whatsapp_token": SecretStr(WA_TOKEN),
            "whatsapp_app_secret": SecretStr(APP_SECRET),
            "whatsapp_verify_token": SecretStr(VERIFY_TOKEN),
            "whatsapp_api_base": graph_emulator.base,
            "whatsapp_pair_interval": timedelta(0),
        }
    )
    ledger = await ledger_for(settings, engine, sessions)
    messengers = build_messengers(
        settings=settings, ledger=ledger, scripts=script_book(), clock=clock
    )
    assert messengers.whatsapp is not None
    assert messengers.inbound is not None
    assert messengers.renderer is not None
    outbox = create_dispatcher(
        settings=settings,
        sessions=sessions,
        channels=messengers.channels,
        renderer=messengers.renderer,
        alerts=messengers.alerts,
        clock=clock,
    )
    app = create_app(
        settings=settings,
        session_factory=sessions,
        api_token="unused-token-0123456789",
        clock=clock,
        webhooks=[
            whatsapp_router(messengers.inbound, verify_token=VERIFY_TOKEN, app_secret=APP_SECRET)
        ],
    )
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://showup.test"
    ) as http:
        yield WhatsAppSide(graph_emulator, api_emulator, messengers, outbox, sessions, clock, http)
    if messengers.telegram is not None:
        await messengers.telegram.stop()

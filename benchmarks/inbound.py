"""How fast ShowUp handles clients' messages end to end, per messenger.

Telegram: updates fed through the real aiogram dispatcher (as polling or the webhook does) to
the hub, the dialog, the database, and the answer sent over HTTP to the Bot API emulator.
WhatsApp: Meta-shaped webhook bodies, signed, POSTed to the real FastAPI app (signature check,
durable de-duplication, dialog, database) and answered through pywa over HTTP to the Graph API
emulator. SQLite file, one process. Each client confirms its appointment in its own words.

    .venv/bin/python -m benchmarks.inbound [--messages 500]
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.api.app import create_app
from bot.api.routes.webhooks import WHATSAPP_PATH, whatsapp_router
from bot.cli.common import Ledger
from bot.cli.messengers import build_messengers
from bot.clock import ManualClock
from bot.config import Settings, load_settings
from bot.conversation.scripts import load_scripts
from bot.domain.appointments import Actor
from bot.ledger.appointments import BookingRequest, Who, book
from bot.ledger.attendance import policy_from
from bot.ledger.catalog import create_service, create_staff
from bot.ledger.clients import create_client, link_identity
from bot.ledger.salon import ensure_salon
from db.engine import create_engine, create_session_factory
from migrations.runner import upgrade
from tests.fakes.graph_api import (
    APP_SECRET,
    PHONE_ID,
    VERIFY_TOKEN,
    GraphApiEmulator,
    signed,
    text,
)
from tests.fakes.graph_api import TOKEN as WA_TOKEN
from tests.fakes.telegram_api import TOKEN, BotApiEmulator

START = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)


async def _salon(
    settings: Settings,
    sessions: async_sessionmaker[AsyncSession],
    count: int,
    *,
    start: datetime = START,
) -> None:
    async with sessions() as session:
        await ensure_salon(session, settings=settings)
        service = await create_service(
            session, name="Haircut", duration_minutes=30, price=Decimal(30)
        )
        for n in range(count):
            staff = await create_staff(session, name=f"Master {n}")
            client = await create_client(
                session, name=f"Client {n}", phone=f"+3460{n:07d}", phone_region=None
            )
            client.locale = "ru"
            await link_identity(
                session, client_id=client.id, channel="telegram", external_id=str(10_000 + n)
            )
            await book(
                session,
                request=BookingRequest(
                    client_id=client.id,
                    staff_id=staff.id,
                    service_id=service.id,
                    starts_at=start + timedelta(days=1, hours=2),
                ),
                who=Who(Actor.API),
                now=start,
                rules=settings.reminder_rules(ZoneInfo("Europe/Madrid")),
            )
        await session.commit()


async def run(count: int) -> None:
    bot_api, graph = BotApiEmulator(TOKEN), GraphApiEmulator()
    await bot_api.start()
    await graph.start()
    with tempfile.TemporaryDirectory() as tmp:
        settings = load_settings(
            _env_file=None,
            database_url=f"sqlite+aiosqlite:///{tmp}/bench.db",
            var_dir=Path(tmp),
            timezone="Europe/Madrid",
            telegram_token=TOKEN,
            telegram_api_base=bot_api.base,
            whatsapp_phone_id=PHONE_ID,
            whatsapp_token=WA_TOKEN,
            whatsapp_app_secret=APP_SECRET,
            whatsapp_verify_token=VERIFY_TOKEN,
            whatsapp_api_base=graph.base,
        )
        engine = create_engine(settings.database_url)
        await upgrade(engine)
        sessions = create_session_factory(engine)
        await _salon(settings, sessions, 2 * count)
        async with sessions() as session:
            salon = await ensure_salon(session, settings=settings)
            await session.commit()
        clock = ManualClock(START + timedelta(hours=1))
        ledger = Ledger(
            engine=engine,
            sessions=sessions,
            zone=ZoneInfo("Europe/Madrid"),
            salon_name=salon.name,
            locale="en",
            policy=policy_from(settings, salon),
        )
        messengers = build_messengers(
            settings=settings, ledger=ledger, scripts=load_scripts(settings), clock=clock
        )
        runtime, inbound = messengers.telegram, messengers.inbound
        assert runtime is not None
        assert inbound is not None

        sql = Statements(engine)
        started = time.perf_counter()
        for n in range(count):
            update = bot_api.push(bot_api.message_update(10_000 + n, "Да, конечно приду"))
            await runtime.dispatcher.feed_update(runtime.bot, runtime.parse(update))
        telegram_s = time.perf_counter() - started
        telegram_sql = sql.taken()
        assert len(bot_api.sent()) == count, "every client got an answer"

        app = create_app(
            settings=settings,
            session_factory=sessions,
            api_token="bench-token-0123456789",  # noqa: S106 - not a secret
            clock=clock,
            webhooks=[whatsapp_router(inbound, verify_token=VERIFY_TOKEN, app_secret=APP_SECRET)],
        )
        bodies = [signed(text(f"3460{count + n:07d}", "Sí, allí estaré")) for n in range(count)]
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://bench"
        ) as client:
            started = time.perf_counter()
            for body, headers in bodies:
                response = await client.post(WHATSAPP_PATH, content=body, headers=headers)
                assert response.status_code == 200
                await inbound.idle()
            whatsapp_s = time.perf_counter() - started
            whatsapp_sql = sql.taken()
        assert len(graph.sent) == count, "every client got an answer"
        await runtime.stop()
        await engine.dispose()
    await bot_api.stop()
    await graph.stop()
    print(f"Telegram: {count} updates in {telegram_s:.2f} s = {count / telegram_s:,.0f} msg/s")
    print(f"WhatsApp: {count} webhooks in {whatsapp_s:.2f} s = {count / whatsapp_s:,.0f} msg/s")
    print(
        f"per message: Telegram {telegram_s / count * 1000:.1f} ms, "
        f"WhatsApp {whatsapp_s / count * 1000:.1f} ms (SQLite, one process, sequential)"
    )
    for name, (statements, commits) in (("Telegram", telegram_sql), ("WhatsApp", whatsapp_sql)):
        print(
            f"{name}: {statements / count:.1f} SQL statements and {commits / count:.1f} "
            "transactions per update"
            + (" (from the dispatcher on: not storing or claiming)" if name == "Telegram" else "")
        )


class Statements:
    """Counts the SQL statements and the commits sent to the database."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.statements = self.commits = 0
        event.listen(engine.sync_engine, "before_cursor_execute", self._statement)
        event.listen(engine.sync_engine, "commit", self._commit)

    def _statement(self, *_: object) -> None:
        self.statements += 1

    def _commit(self, *_: object) -> None:
        self.commits += 1

    def taken(self) -> tuple[int, int]:
        """Statements and commits since the last call."""
        counts = (self.statements, self.commits)
        self.statements = self.commits = 0
        return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=500)
    args = parser.parse_args()
    asyncio.run(run(args.messages))


if __name__ == "__main__":
    main()

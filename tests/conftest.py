"""Shared fixtures: settings, a clock, a fresh migrated database per test (SQLite, and
PostgreSQL when SHOWUP_TEST_POSTGRES_URL is reachable), the API client."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, time
from pathlib import Path

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.api.app import create_app
from bot.clock import ManualClock
from bot.config import Settings, load_settings
from bot.ledger.salon import ensure_salon
from db.engine import create_engine, create_session_factory
from tests.at_hour import FAKED_AT
from tests.databases import PostgresServer, clone_sqlite, make_sqlite_template
from tests.fakes.graph_api import GraphApiEmulator
from tests.fakes.telegram_api import TOKEN, BotApiEmulator

API_TOKEN = "test-token-0123456789abcdef"
#: Monday 23 November 2026, 09:00 in Madrid
START = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)


def pytest_report_header() -> str:
    local = datetime.now(UTC).astimezone()
    return f"clock: {local:%Y-%m-%d %H:%M %Z} (TZ={os.environ.get('TZ', 'not set')})"


def pytest_configure(config: pytest.Config) -> None:
    """Under ``python -m tests.at_hour`` the clock must really read the wanted time: a run that
    silently kept the real clock would check nothing."""
    wanted = os.environ.get(FAKED_AT)
    if not wanted:
        return
    local = datetime.now(UTC).astimezone()
    start = time.fromisoformat(wanted)
    late_by = (local.hour * 60 + local.minute - start.hour * 60 - start.minute) % (24 * 60)
    if late_by > 30:
        pytest.exit(f"{FAKED_AT}={wanted} but the clock reads {local:%H:%M}: faketime not loaded?")


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_sqlite_template(tmp_path_factory.mktemp("template"))


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer | str]:
    server = PostgresServer.from_env()
    if isinstance(server, str):
        yield server
        return
    server.create_template()
    try:
        yield server
    finally:
        server.drop_template()


def fresh_database(
    kind: str, tmp_path: Path, sqlite_template: Path, postgres_server: PostgresServer | str
) -> Iterator[str]:
    if kind == "sqlite":
        yield clone_sqlite(sqlite_template, tmp_path / "showup.db")
        return
    if isinstance(postgres_server, str):
        pytest.skip(f"PostgreSQL variant skipped: {postgres_server}")
    url = postgres_server.clone()
    try:
        yield url
    finally:
        postgres_server.drop(url)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(
    request: pytest.FixtureRequest,
    tmp_path: Path,
    sqlite_template: Path,
    postgres_server: PostgresServer | str,
) -> Iterator[str]:
    """A migrated, empty database; every test using it runs on SQLite and on PostgreSQL."""
    yield from fresh_database(request.param, tmp_path, sqlite_template, postgres_server)


@pytest.fixture
def sqlite_database_url(tmp_path: Path, sqlite_template: Path) -> str:
    """A migrated SQLite file, for tests where the backend does not matter."""
    return clone_sqlite(sqlite_template, tmp_path / "showup.db")


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return load_settings(
        _env_file=None,
        database_url=database_url,
        var_dir=tmp_path / "var",
        timezone="Europe/Madrid",
        phone_region="ES",
        salon_name="Test Salon",
    )


@pytest.fixture
async def api_emulator() -> AsyncIterator[BotApiEmulator]:
    """The Bot API emulator on a free 127.0.0.1 port."""
    emulator = BotApiEmulator(TOKEN)
    await emulator.start()
    yield emulator
    await emulator.stop()


@pytest.fixture
async def graph_emulator() -> AsyncIterator[GraphApiEmulator]:
    """The WhatsApp Graph API emulator on a free 127.0.0.1 port."""
    emulator = GraphApiEmulator()
    await emulator.start()
    yield emulator
    await emulator.stop()


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


@pytest.fixture
async def engine(settings: Settings) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(settings.database_url)
    yield engine
    await engine.dispose()


@pytest.fixture
async def sessions(engine: AsyncEngine, settings: Settings) -> async_sessionmaker[AsyncSession]:
    factory = create_session_factory(engine)
    async with factory() as session:
        await ensure_salon(session, settings=settings)
        await session.commit()
    return factory


@pytest.fixture
async def session(sessions: async_sessionmaker[AsyncSession]) -> AsyncIterator[AsyncSession]:
    async with sessions() as session:
        yield session


@pytest.fixture
async def api(
    settings: Settings, sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client for the real app, authenticated with the test token."""
    app = create_app(settings=settings, session_factory=sessions, api_token=API_TOKEN, clock=clock)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(
        transport=transport,
        base_url="http://showup.test",
        headers={"Authorization": f"Bearer {API_TOKEN}"},
    ) as client:
        yield client

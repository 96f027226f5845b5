"""``kill -9`` during a burst of Telegram webhook updates, then a restart: every update that was
acknowledged with 200 is handled (real ``showup run`` processes, SQLite and PostgreSQL)."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import httpx
import pytest
from sqlalchemy import select

from db.engine import create_engine, create_session_factory
from db.models import InboundStatus, InboundUpdate
from tests.cli.helpers import free_port as _free_port
from tests.cli.helpers import showup_env
from tests.cli.helpers import until_healthy as _until_healthy
from tests.conftest import fresh_database
from tests.databases import PostgresServer
from tests.fakes.telegram_api import TOKEN, BotApiEmulator

SECRET = "crash-test-secret-0123456789"
ADMINS = [900 + n for n in range(8)]
BURST = 240
KILL_AFTER = 60  # acknowledged updates before the first process is killed


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def crash_db(
    request: pytest.FixtureRequest,
    tmp_path: Path,
    sqlite_template: Path,
    postgres_server: PostgresServer | str,
) -> Iterator[str]:
    yield from fresh_database(request.param, tmp_path, sqlite_template, postgres_server)


class Service:
    """One ``showup run`` process in Telegram webhook mode, its output in a file."""

    ports: ClassVar[set[int]] = set()  # never two processes of one test on one port

    def __init__(self, tmp_path: Path, name: str, database: str, api: BotApiEmulator) -> None:
        self.port = _free_port()
        while self.port in Service.ports:
            self.port = _free_port()
        Service.ports.add(self.port)
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = tmp_path / f"{name}.log"
        env = showup_env(
            tmp_path,
            database_url=database,
            api_port=str(self.port),
            api_token="crash-test-token-0123456789",
            telegram_token=TOKEN,
            telegram_api_base=api.base,
            telegram_webhook_url="https://bot.example.com/webhooks/telegram",
            telegram_webhook_secret=SECRET,
            admin_telegram_ids=",".join(map(str, ADMINS)),
            chat_min_interval="0s",
            inbound_lease="3s",
            quiet_hours="off",
        )
        with self.log.open("w") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "bot", "run"],
                cwd=tmp_path,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                text=True,
            )

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> str:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return self.log.read_text()


async def _burst(
    api: BotApiEmulator, services: list[Service], victim: Service
) -> tuple[set[str], int]:
    """Post BURST updates round-robin to the services, killing ``victim`` after KILL_AFTER
    acknowledgements; the ids acknowledged with 200 and how many calls failed."""
    acknowledged: set[str] = set()
    failed = 0
    updates = [
        {"update_id": 10_000 + n, **api.message_update(ADMINS[n % len(ADMINS)], "/help")}
        for n in range(BURST)
    ]
    queue: asyncio.Queue[tuple[int, dict[str, object]]] = asyncio.Queue()
    for n, update in enumerate(updates):
        queue.put_nowait((n, update))

    async def sender(http: httpx.AsyncClient) -> None:
        nonlocal failed
        while not queue.empty():
            n, update = queue.get_nowait()
            alive = [s for s in services if s.process.poll() is None]
            if not alive:
                failed += 1  # nobody answers: Telegram keeps it and delivers it later
                continue
            service = alive[n % len(alive)]
            try:
                response = await http.post(
                    f"{service.base}/webhooks/telegram",
                    json=update,
                    headers={"X-Telegram-Bot-Api-Secret-Token": SECRET},
                )
            except httpx.TransportError:
                failed += 1  # Telegram would deliver it again later
                continue
            if response.status_code == 200:
                acknowledged.add(str(update["update_id"]))
                if len(acknowledged) == KILL_AFTER and victim.process.poll() is None:
                    victim.kill()
            else:
                failed += 1

    async with httpx.AsyncClient(timeout=10) as http:
        await asyncio.gather(*(sender(http) for _ in range(8)))
    return acknowledged, failed


async def _handled(database: str) -> dict[str, InboundStatus]:
    engine = create_engine(database)
    try:
        async with create_session_factory(engine)() as session:
            rows = await session.scalars(select(InboundUpdate))
            return {row.external_id: row.status for row in rows}
    finally:
        await engine.dispose()


async def _until_all_done(database: str, ids: set[str], within: float = 90) -> None:
    deadline = time.monotonic() + within
    while True:
        statuses = await _handled(database)
        missing = {i for i in ids if statuses.get(i) is not InboundStatus.DONE}
        if not missing:
            return
        assert time.monotonic() < deadline, f"{len(missing)} acknowledged updates not handled"
        await asyncio.sleep(0.5)


@pytest.mark.skipif(os.name != "posix", reason="SIGKILL")
async def test_kill_9_during_a_burst_loses_no_acknowledged_update(
    tmp_path: Path, crash_db: str, api_emulator: BotApiEmulator
) -> None:
    several = crash_db.startswith("postgresql")  # two processes share the work on PostgreSQL
    services = [Service(tmp_path, "first", crash_db, api_emulator)]
    if several:
        services.append(Service(tmp_path, "second", crash_db, api_emulator))
    restarted: Service | None = None
    try:
        for service in services:
            async with httpx.AsyncClient(base_url=service.base, timeout=5) as http:
                await _until_healthy(http, service.process)

        acknowledged, failed = await _burst(api_emulator, services, victim=services[0])

        assert services[0].process.returncode == -signal.SIGKILL
        assert len(acknowledged) >= KILL_AFTER
        assert len(acknowledged) + failed == BURST
        restarted = Service(tmp_path, "restarted", crash_db, api_emulator)
        async with httpx.AsyncClient(base_url=restarted.base, timeout=5) as http:
            await _until_healthy(http, restarted.process)
        await _until_all_done(crash_db, acknowledged)
    finally:
        outputs = [s.stop() for s in [*services, *([restarted] if restarted else [])]]
        for number, output in enumerate(outputs):  # shown by pytest when the test fails
            print(f"--- showup run #{number + 1} ---\n{output[-4000:]}")
    answered = sum(len(api_emulator.texts(admin)) for admin in ADMINS)
    assert answered >= len(acknowledged)  # each acknowledged /help was answered (once or more)
    assert all("Traceback" not in output for output in outputs[1:]), outputs

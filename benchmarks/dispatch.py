"""Outbox dispatch throughput, and the naive design measured side by side.

    python -m benchmarks.dispatch [--sizes 10000 100000] [--naive-sizes 10000] [--postgres URL]

For each size, a fresh database holds that many due messages (one per client and appointment).
* ShowUp's dispatcher works through them with a no-op channel: claim → re-check → render →
  send → record, with the production batch size; messages per second and peak RSS are printed.
* The naive design does the same work with one APScheduler date job per reminder in
  APScheduler's SQLAlchemy job store (the job loads the appointment, renders, sends, logs).
Each scenario runs in a fresh process, so its peak RSS is its own. PostgreSQL (``--postgres``,
or SHOWUP_TEST_POSTGRES_URL) gets a database of its own, dropped afterwards.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import resource
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from sqlalchemy import insert, select

from bot.admin.alerts import LoggingAlerts
from bot.channels.base import OutboundMessage, SendReceipt
from bot.clock import SystemClock
from bot.conversation.render import MessageContext
from bot.domain.reminders import Script
from bot.scheduling.dispatcher import DispatchConfig, Dispatcher
from db.engine import create_engine, create_session_factory
from db.models import Appointment, MessageLog, OutboxStatus, ScheduledMessage
from migrations.runner import upgrade
from tests.databases import PostgresServer
from tests.fakes.scripts import script_book
from tests.fakes.workload import seed_due_messages

ZONE = ZoneInfo("Europe/Madrid")


class NoopChannel:
    def __init__(self) -> None:
        self.count = 0

    @property
    def name(self) -> str:
        return "test"

    async def send(self, message: OutboundMessage) -> SendReceipt:
        self.count += 1
        return SendReceipt(message_id=str(self.count))


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def _prepare(url: str, size: int) -> None:
    engine = create_engine(url)
    try:
        await upgrade(engine)
        await seed_due_messages(engine, count=size, now=datetime.now(UTC) - timedelta(seconds=1))
    finally:
        await engine.dispose()


async def _showup(url: str, size: int) -> tuple[float, float]:
    await _prepare(url, size)
    engine = create_engine(url)
    channel = NoopChannel()
    try:
        dispatcher = Dispatcher(
            sessions=create_session_factory(engine),
            channels={"test": channel},
            renderer=script_book(),
            alerts=LoggingAlerts(),
            clock=SystemClock(),
            config=DispatchConfig(),
        )
        began = time.perf_counter()
        processed = await dispatcher.drain()
        elapsed = time.perf_counter() - began
        async with engine.connect() as connection:
            sent = await connection.scalar(
                select(ScheduledMessage.id).where(ScheduledMessage.status != OutboxStatus.SENT)
            )
        assert processed == size == channel.count, (processed, channel.count)
        assert sent is None, "some rows were not marked sent"
    finally:
        await engine.dispose()
    return size / elapsed, peak_rss_mb()


class _Naive:
    """What the job function needs; a module-level holder because APScheduler pickles jobs
    as ``module:function`` references."""

    sessions: Callable[[], object] | None = None
    done = 0
    target = 0
    finished: asyncio.Event | None = None
    gate: asyncio.Semaphore | None = None


async def naive_send(appointment_id: int) -> None:
    """One reminder, the naive way: load, render, send, log, commit — per message."""
    assert _Naive.sessions is not None
    assert _Naive.gate is not None
    async with _Naive.gate, _Naive.sessions() as session:  # type: ignore[attr-defined]
        appointment = await session.get(Appointment, appointment_id)
        rendered = script_book().render(
            script=Script.BOOKING_CONFIRMATION,
            context=MessageContext(
                appointment_id=appointment.id,
                version=appointment.version,
                client_name=appointment.client.name,
                locale="en",
                salon_name="Bench Salon",
                service=appointment.service.name,
                staff=appointment.staff.name,
                starts_at=appointment.starts_at,
                zone=ZONE,
            ),
        )
        await session.execute(
            insert(MessageLog).values(
                client_id=appointment.client_id,
                appointment_id=appointment.id,
                direction="out",
                channel="test",
                body=rendered.text,
                status="sent",
                created_at=datetime.now(UTC),
            )
        )
        await session.commit()
    _Naive.done += 1
    if _Naive.done >= _Naive.target and _Naive.finished is not None:
        _Naive.finished.set()


async def _naive(url: str, size: int, jobs_db: Path) -> tuple[float, float]:
    await _prepare(url, size)
    engine = create_engine(url)
    _Naive.sessions = create_session_factory(engine)
    _Naive.target = size
    _Naive.finished = asyncio.Event()
    _Naive.gate = asyncio.Semaphore(10)  # as APScheduler's default pool of 10 workers
    scheduler = AsyncIOScheduler(
        jobstores={"default": SQLAlchemyJobStore(url=f"sqlite:///{jobs_db}")},
        job_defaults={"misfire_grace_time": None, "coalesce": False},
        timezone=UTC,
    )
    due = datetime.now(UTC)
    # Jobs added before start() wait in memory and are written to the job store by start(),
    # so the clock runs from here: storing, loading and running the jobs are all measured.
    began = time.perf_counter()
    for appointment_id in range(1, size + 1):
        scheduler.add_job(
            naive_send, "date", run_date=due, args=[appointment_id], id=str(appointment_id)
        )
    scheduler.start()
    try:
        await asyncio.wait_for(_Naive.finished.wait(), timeout=3600)
        elapsed = time.perf_counter() - began
    finally:
        scheduler.shutdown(wait=False)
        await engine.dispose()
    return size / elapsed, peak_rss_mb()


def _child(kind: str, url: str, size: int, jobs_db: str, queue: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    if kind == "showup":
        queue.put(asyncio.run(_showup(url, size)))
    else:
        queue.put(asyncio.run(_naive(url, size, Path(jobs_db))))


def run_isolated(kind: str, url: str, size: int, jobs_db: str = "") -> tuple[float, ...]:
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    process = context.Process(target=_child, args=(kind, url, size, jobs_db, queue))
    process.start()
    result: tuple[float, ...] = queue.get()
    process.join()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--naive-sizes", type=int, nargs="*", default=[10_000])
    parser.add_argument("--postgres", default=os.environ.get("SHOWUP_TEST_POSTGRES_URL"))
    args = parser.parse_args()
    print(f"machine: {os.cpu_count()} cores; one dispatcher process, no-op channel")
    showup_rates: dict[int, float] = {}
    for size in args.sizes:
        with tempfile.TemporaryDirectory() as tmp:
            rate, rss = run_isolated("showup", f"sqlite+aiosqlite:///{tmp}/bench.db", size)
        showup_rates[size] = rate
        print(f"showup  sqlite   {size:>7} due: {rate:8.0f} msg/s   peak RSS {rss:6.1f} MB")
    for size in args.naive_sizes:
        with tempfile.TemporaryDirectory() as tmp:
            rate, rss = run_isolated(
                "naive", f"sqlite+aiosqlite:///{tmp}/bench.db", size, f"{tmp}/jobs.db"
            )
        print(f"naive   sqlite   {size:>7} due: {rate:8.0f} msg/s   peak RSS {rss:6.1f} MB")
        if size in showup_rates:
            print(f"ratio   sqlite   {size:>7} due: {showup_rates[size] / rate:8.1f}x")
    if args.postgres:
        server = PostgresServer.from_env_url(args.postgres)
        if isinstance(server, str):
            print(f"postgres skipped: {server}")
            return
        for size in args.sizes:
            url = server.create_empty()
            try:
                rate, rss = run_isolated("showup", url, size)
            finally:
                server.drop(url)
            print(f"showup  postgres {size:>7} due: {rate:8.0f} msg/s   peak RSS {rss:6.1f} MB")


if __name__ == "__main__":
    main()
